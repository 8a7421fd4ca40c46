"""Findings and reports: the one result shape every check of the harness produces.

Layered like pyHanko's validation results: a `Finding` is one fact about one place in one
package, a `Report` gathers the findings of one input and answers the only question most callers
ask (does any MUST rule fail?).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any


class Level(StrEnum):
    """Rule level: MUST breaks interoperability, SHOULD is a convention."""

    MUST = "MUST"
    SHOULD = "SHOULD"


class Kind(StrEnum):
    """What a package is, as far as the harness could tell."""

    EDOC = "edoc"
    STATUS = "status"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class Finding:
    """One rule violation at one location."""

    rule: str
    level: Level
    location: str
    message_vi: str
    message_en: str
    source: str

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["level"] = str(self.level)
        data["message"] = self.message_vi
        return data


@dataclass(slots=True)
class Report:
    """All findings about one input (file, request body, delivery)."""

    kind: Kind = Kind.UNKNOWN
    findings: list[Finding] = field(default_factory=list)
    path: str | None = None

    @property
    def ok(self) -> bool:
        """True when no MUST rule fails."""
        return not any(f.level is Level.MUST for f in self.findings)

    def rules(self, level: Level | None = None) -> set[str]:
        """Rule IDs that fired, optionally only those of one level."""
        return {f.rule for f in self.findings if level is None or f.level is level}

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "kind": str(self.kind),
            "ok": self.ok,
            "findings": [f.to_json() for f in self.findings],
        }
