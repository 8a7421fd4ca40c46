"""One registry of Gherkin steps for both runners (pytest-bdd and harness.scenarios.runner).

Step functions take the ScenarioContext and the parameters parsed out of the step text; the
patterns use the `parse` library's syntax, as pytest-bdd's `parsers.parse` does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import parse

from harness.errors import LienthongError
from harness.scenarios.context import ScenarioContext

StepFunc = Callable[..., None]


@dataclass(frozen=True, slots=True)
class StepDef:
    kind: str
    """given, when or then."""
    pattern: str
    func: StepFunc
    parser: parse.Parser

    @property
    def names(self) -> list[str]:
        return list(self.parser.named_fields)


REGISTRY: list[StepDef] = []


def _register(kind: str, pattern: str) -> Callable[[StepFunc], StepFunc]:
    def decorate(func: StepFunc) -> StepFunc:
        REGISTRY.append(StepDef(kind, pattern, func, parse.compile(pattern)))
        return func

    return decorate


def given(pattern: str) -> Callable[[StepFunc], StepFunc]:
    return _register("given", pattern)


def when(pattern: str) -> Callable[[StepFunc], StepFunc]:
    return _register("when", pattern)


def then(pattern: str) -> Callable[[StepFunc], StepFunc]:
    return _register("then", pattern)


class UndefinedStep(LienthongError, LookupError):
    """A step text no step definition matches (a typo in a feature file)."""


def match(kind: str, text: str) -> tuple[StepDef, dict[str, Any]]:
    for step in REGISTRY:
        if step.kind != kind:
            continue
        found = step.parser.parse(text)
        if found is not None:
            return step, dict(found.named)
    raise UndefinedStep(f"Không có định nghĩa cho bước {kind} «{text}»")


def run_step(ctx: ScenarioContext, kind: str, text: str) -> None:
    step, params = match(kind, text)
    step.func(ctx, **params)
