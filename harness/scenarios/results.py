"""What a scenario run leaves behind: outcome, timings, findings and evidence, one JSON line each.

The reports (appendix, matrix, JUnit) are built from these records, never from pytest's output.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from harness.edxml.formats import now_ict


class Outcome(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    ERROR = "error"
    """The harness or the driver broke; says nothing about the system under test."""
    NOT_RUN = "not-run"


OUTCOME_VI = {
    Outcome.PASSED: "Đạt",
    Outcome.FAILED: "Không đạt",
    Outcome.ERROR: "Lỗi bộ kiểm thử",
    Outcome.NOT_RUN: "Chưa thực hiện",
}


@dataclass(slots=True)
class Issue:
    """One thing found wrong: the rule or scenario check, and a Vietnamese explanation."""

    rule: str
    message_vi: str
    location: str = ""


@dataclass(slots=True)
class StepRecord:
    keyword: str
    text: str
    outcome: Outcome
    seconds: float
    message_vi: str = ""


@dataclass(slots=True)
class ScenarioResult:
    scenario_id: str
    """RT-05 or AX-03 (the run-test item), from the scenario's tags."""
    name: str
    agency: str
    driver: str
    outcome: Outcome = Outcome.NOT_RUN
    attempt: int = 1
    round: str = ""
    tags: list[str] = field(default_factory=list)
    feature: str = ""
    started: str = ""
    seconds: float = 0.0
    message_vi: str = ""
    waited: list[float] = field(default_factory=list)
    """[epoch seconds, seconds] of the wait whose end without the awaited thing is the failure, [epoch, 0] for a
    failure in what the system sent (no wait to lose), empty when unknown: the machine's lag is judged over that
    wait and in proportion to it."""
    steps: list[StepRecord] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)
    attestations: list[dict[str, Any]] = field(default_factory=list)

    @property
    def mandatory(self) -> bool:
        return "mandatory" in self.tags

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["outcome"] = self.outcome.value
        for step in data["steps"]:
            step["outcome"] = str(step["outcome"])
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ScenarioResult:
        values = dict(data)
        values["outcome"] = Outcome(values["outcome"])
        values["steps"] = [StepRecord(**{**s, "outcome": Outcome(s["outcome"])}) for s in values.get("steps", [])]
        values["issues"] = [Issue(**i) for i in values.get("issues", [])]
        return cls(**values)


def started_now() -> tuple[str, float]:
    return now_ict().isoformat(timespec="seconds"), time.monotonic()


class Recorder:
    """Appends results to a JSONL file; safe to share between threads. Nothing is kept in memory: a
    province-sized trial records tens of thousands of runs."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._lock = threading.Lock()
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)

    def record(self, result: ScenarioResult) -> None:
        with self._lock:
            if self.path is not None:
                with self.path.open("a", encoding="utf-8") as fh:
                    fh.write(json.dumps(result.to_json(), ensure_ascii=False) + "\n")


def read_results(path: Path) -> list[ScenarioResult]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            out.append(ScenarioResult.from_json(json.loads(line)))
    return out


def timestamp(dt: datetime | None = None) -> str:
    return (dt or now_ict()).isoformat(timespec="milliseconds")
