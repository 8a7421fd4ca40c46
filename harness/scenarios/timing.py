"""Deadlines of the run-tests. Real trials run on working hours; vendor CI and the demo compress
them to seconds. Every wait in a scenario comes from here."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any


@dataclass(frozen=True, slots=True)
class Deadlines:
    fetch: float
    """From a package reaching the axis to the system under test fetching and acknowledging it."""
    status: float
    """From arrival or a clerk action to the status package reaching the other side."""
    poll_gap: float
    """Longest allowed gap between two mailbox checks (3 checks per working session)."""
    observe: float
    """How long cadence is observed on the axis journal."""
    flash: float
    """From a flash document reaching the axis to its status 01 (RT-09)."""
    quiet: float
    """How long the harness watches for something that must NOT happen (a secret document sent)."""
    poll: float = 0.1
    """How often the harness itself looks (probe mailboxes, journal)."""

    def scaled(self, factor: float) -> Deadlines:
        """Every deadline times `factor` (a slow machine, a loaded CI runner); `poll` unchanged."""
        values: dict[str, Any] = {f.name: getattr(self, f.name) * factor for f in fields(self) if f.name != "poll"}
        return replace(self, **values)


COMPRESSED = Deadlines(fetch=6.0, status=5.0, poll_gap=1.5, observe=4.0, flash=2.0, quiet=2.0, poll=0.5)
"""Seconds: simulated agencies poll every 0.5 s and the clerk registers one document per 0.2 s. The harness
looks as often as the systems poll: every verdict is judged at its deadline or from the axis' own times, so
looking more often only ends waits sooner, and at a province's size (32 scenarios waiting at once, each
listing probe mailboxes, the axis journal and the system's register) it was about a sixth of the machine's CPU."""

REAL = Deadlines(fetch=4 * 3600, status=8 * 3600, poll_gap=3 * 3600, observe=8 * 3600, flash=1800, quiet=600, poll=5)
"""A working day: three mailbox checks per 8-hour session, flash documents within 30 minutes."""

PRESETS = {"compressed": COMPRESSED, "real": REAL}
