"""The EDX rule catalogue (edxml.md §10) as data, loaded once."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml

from harness.edxml.findings import Level


@dataclass(frozen=True, slots=True)
class Rule:
    """Catalogue entry of one rule."""

    id: str
    level: Level
    scope: str
    title_vi: str
    title_en: str
    source: str


@cache
def load_catalogue(package: str) -> dict[str, Rule]:
    """The rules of `<package>/catalogue.yaml` by ID, in file order (EDX here, SIG in harness.signing)."""
    text = resources.files(package).joinpath("catalogue.yaml").read_text(encoding="utf-8")
    raw = yaml.safe_load(text)
    return {
        rid: Rule(
            id=rid,
            level=Level(entry["level"]),
            scope=entry["scope"],
            title_vi=entry["vi"],
            title_en=entry["en"],
            source=entry["source"],
        )
        for rid, entry in raw.items()
    }


def catalogue() -> dict[str, Rule]:
    """All EDX rules by ID, in catalogue order."""
    return load_catalogue("harness.edxml")


def rule(rule_id: str) -> Rule:
    """Catalogue entry of one rule; KeyError for an unknown ID is a programming error."""
    return catalogue()[rule_id]
