"""The state of one scenario run, handed to every step: the world, the system under test and its
driver, what was sent each way, and the result being built."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.drivers.base import Driver
from harness.errors import LienthongError
from harness.scenarios.probe import Probe
from harness.scenarios.results import Issue, ScenarioResult
from harness.scenarios.world import Agency, World


class StepFailure(LienthongError, AssertionError):
    """A check failed: the system under test (or the axis) broke a rule."""

    def __init__(self, rule: str, message_vi: str) -> None:
        super().__init__(message_vi, message_en=f"[{rule}] {message_vi}", rule=rule)


class NotApplicable(LienthongError):
    """The scenario cannot run here (e.g. it needs the simulator's control plane); recorded as not run."""


@dataclass(slots=True)
class Outbound:
    """A document the system under test was asked to send."""

    document_id: str | None
    recipients: list[Probe]
    since: float
    doc_type: str = ""


@dataclass(slots=True)
class Inbound:
    """A document a probe sent to the system under test."""

    probe: Probe
    document_id: str
    axis_doc_id: str
    sent_at: float
    data: bytes
    priority: str = "0"


@dataclass
class ScenarioContext:
    world: World
    result: ScenarioResult
    sut: Agency | None = None
    driver: Driver | None = None
    home_axis: str | None = None
    """The axis the scenario is about: the SUT's own, or the axis under test (AX-*)."""
    outbound: Outbound | None = None
    inbound: Inbound | None = None
    started: float = field(default_factory=time.time)
    data: dict[str, Any] = field(default_factory=dict)
    """Scratch space for steps of one scenario."""
    cleanups: list[Callable[[], None]] = field(default_factory=list)
    """Run when the scenario ends, pass or fail (remove an injected fault, ...)."""
    deferred: list[tuple[str, Callable[[], None]]] = field(default_factory=list)
    """Checks that need time to pass, each with what it checks (Vietnamese): run after the last step once every
    step has passed, so the wait overlaps the steps after the one that asked (no second copy of a document
    within three looks of the first: 1.5 s of every RT-10 scenario's 3.5 s was spent only waiting)."""

    def defer(self, text_vi: str, check: Callable[[], None]) -> None:
        self.deferred.append((text_vi, check))

    def close(self) -> None:
        """Run the clean-ups; a failing clean-up is noted, never raised over the scenario's outcome."""
        while self.cleanups:
            try:
                self.cleanups.pop()()
            except Exception as exc:
                self.note("HARNESS", f"Dọn dẹp sau kịch bản lỗi: {exc}")

    @property
    def deadlines(self) -> Any:
        return self.world.deadlines

    def require_sut(self) -> Agency:
        if self.sut is None:
            raise NotApplicable("Kịch bản cần một hệ thống được kiểm thử (--sut).")
        return self.sut

    def require_driver(self) -> Driver:
        if self.driver is None:
            raise NotApplicable("Kịch bản cần một driver cho hệ thống được kiểm thử (--driver).")
        return self.driver

    def probe(self, role: str) -> Probe:
        return self.world.probe(role, self.home_axis)

    def fail(self, rule: str, message_vi: str, *, waited: float | None = None, on_content: bool = False) -> StepFailure:
        """Record the issue and return the exception to raise (`raise ctx.fail(...)`). `waited`: the seconds of
        the wait that just ran out, when its running out is the failure; `on_content`: the failure is in what
        the system sent or answered, not when (a trial judges its lag over the wait, and not at all on content:
        a loaded machine delays a system, it does not change what the system sends)."""
        self.result.issues.append(Issue(rule, message_vi))
        if waited is not None or on_content:
            span = 0.0 if on_content else float(waited or 0.0)
            self.result.waited = [time.time() - span, span]
        return StepFailure(rule, message_vi)

    def note(self, rule: str, message_vi: str, location: str = "") -> None:
        self.result.issues.append(Issue(rule, message_vi, location))

    def save_evidence(self, name: str, data: bytes) -> str | None:
        """Keep a package or log for the report; returns the path (None when evidence is off)."""
        if self.world.evidence_dir is None:
            return None
        safe = re.sub(r"[^A-Za-z0-9._-]+", "_", f"{self.result.agency}-{self.result.scenario_id}-{name}")
        path = Path(self.world.evidence_dir) / safe
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        self.result.evidence.append(str(path))
        return str(path)
