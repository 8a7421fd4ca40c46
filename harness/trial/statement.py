"""Statements: what the appendix says about one agency in one round, built from scenario results.

This is the one result model the reports render (DOCX, signed PDF, XLSX, HTML, JUnit): a pure
function of the roster entry, the round and the scenario results, so a resumed trial and an
uninterrupted one give equal statements.

A run-test item (RT-05) is made of scenarios (its Gherkin scenarios and outline rows). The item
passes when the latest attempt of every one of its scenarios passed; it fails when the latest
attempt of any failed (or the harness broke); it is "not run" when some scenario has no run yet.
The agency is complete when every mandatory item passed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from harness.edxml.formats import ICT
from harness.scenarios.results import Outcome, ScenarioResult
from harness.trial.catalogue import RUN_TESTS, RunTest


class ItemOutcome(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    NOT_RUN = "not-run"


ITEM_OUTCOME_VI = {ItemOutcome.PASSED: "Đạt", ItemOutcome.FAILED: "Không đạt", ItemOutcome.NOT_RUN: "Chưa thực hiện"}
COMPLETE_VI = {True: "Hoàn thành", False: "Chưa hoàn thành"}


@dataclass(frozen=True, slots=True)
class RosterEntry:
    """One agency of the trial roster (imported from CSV/XLSX)."""

    organ_id: str
    name: str
    vendor: str = ""
    system: str = ""
    contact: str = ""
    paper_documents: int | None = None
    """Documents the agency still exchanged on paper in the period (roster column "Văn bản giấy"); None: unknown."""


PROTOCOL_VI = {"vxp": "VXP (trục của VNPT)", "bkav": "EdocService (trục của Bkav)"}
"""The axis protocols as the reports name them (profile A, profile B)."""


@dataclass(frozen=True, slots=True)
class AgencyAxis:
    """The axis an agency was tested on, and the protocol its system spoke to it."""

    code: str
    name: str
    protocol: str = "vxp"

    @property
    def protocol_vi(self) -> str:
        return PROTOCOL_VI.get(self.protocol, self.protocol)

    @property
    def label_vi(self) -> str:
        """ "Trục liên thông tỉnh Cao Bằng (000.00.99.H14), giao thức EdocService (trục của Bkav)"."""
        return f"{self.name} ({self.code}), giao thức {self.protocol_vi}"

    def to_json(self) -> dict[str, str]:
        return {"code": self.code, "name": self.name, "protocol": self.protocol}


@dataclass(frozen=True, slots=True)
class TrialRound:
    number: int
    name: str
    """e.g. "Đợt 1"."""
    deadline: datetime | None = None
    """Timezone-aware (ICT); None when the round has no deadline."""
    letter: str = ""
    """The letter the appendix belongs to, e.g. "Công văn số 451/STTTT-CNTT ngày 10/6/2019"."""


@dataclass(frozen=True, slots=True)
class Attestation:
    """A manual step an operator (or the clerk) attested, with a note and optional files."""

    organ_id: str
    test_id: str
    who: str
    at: datetime
    note: str
    files: tuple[str, ...] = ()
    passed: bool = True
    digests: tuple[str, ...] = ()
    """SHA-256 (hex) of each file in `files`, same order (filled by the campaign store)."""


@dataclass(slots=True)
class ItemResult:
    test: RunTest
    outcome: ItemOutcome
    ran_at: datetime | None = None
    """When the latest run of the item's scenarios finished (None when not run)."""
    reason_vi: str = ""
    """Why it failed (the first failing scenario's message, with its rule ID), or what is missing."""
    evidence: list[str] = field(default_factory=list)
    """Paths of packages, journals and bundles that back the result."""
    scenarios: list[ScenarioResult] = field(default_factory=list)
    """The latest attempt of each scenario of the item."""
    attestations: list[Attestation] = field(default_factory=list)
    attempts: int = 0
    """How many scenario runs (all attempts) the item took."""

    @property
    def outcome_vi(self) -> str:
        return ITEM_OUTCOME_VI[self.outcome]


@dataclass(slots=True)
class AgencyStatement:
    agency: RosterEntry
    round: TrialRound
    items: list[ItemResult]
    complete: bool
    completed_at: datetime | None
    """When the last mandatory item passed (None when incomplete)."""
    axis: AgencyAxis | None = None
    """The axis it was tested on (None before a campaign run recorded it)."""

    @property
    def complete_vi(self) -> str:
        return COMPLETE_VI[self.complete]

    @property
    def late(self) -> bool:
        """Past the round's deadline without completing, or completed after it (as of now)."""
        return self.late_at(datetime.now(ICT))

    def late_at(self, as_of: datetime) -> bool:
        """`late` as of `as_of`: the one rule the console, the CLI and the reports judge lateness by."""
        return bool(self.timing(as_of)[1])

    def item(self, test_id: str) -> ItemResult:
        return next(i for i in self.items if i.test.test_id == test_id)

    def timing(self, as_of: datetime) -> tuple[str, str]:
        """Against the round's deadline, as of `as_of`: a short label for a table cell and, when late, the
        sentence that says by how much and why ("" when not late)."""
        deadline = self.round.deadline
        if deadline is None:
            return "—", ""
        due = f"thời hạn {_when_vi(deadline)}"
        if self.complete and self.completed_at is not None:
            if self.completed_at <= deadline:
                return "Đúng hạn", ""
            by = duration_vi((self.completed_at - deadline).total_seconds())
            return f"Trễ {by}", f"Hoàn thành lúc {_when_vi(self.completed_at)}, trễ {by} so với {due}."
        if as_of <= deadline:
            return "Còn hạn", ""
        by = duration_vi((as_of - deadline).total_seconds())
        missing = [i.test.test_id for i in self.items if i.test.mandatory and i.outcome is not ItemOutcome.PASSED]
        why = f"còn {len(missing)} mục bắt buộc chưa đạt: {', '.join(missing)}" if missing else "chưa hoàn thành"
        return f"Quá hạn {by}", f"Chưa hoàn thành: đã quá {by} so với {due} ({why})."


def _when_vi(moment: datetime) -> str:
    return f"{moment.astimezone(ICT):%H:%M ngày %d/%m/%Y}"


def duration_vi(seconds: float) -> str:
    """A lateness in words: "2 ngày 3 giờ", "5 giờ 10 phút", "12 phút" (at least one minute)."""
    minutes = max(1, int(seconds // 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = [f"{days} ngày"] if days else []
    if hours:
        parts.append(f"{hours} giờ")
    if mins and not days:
        parts.append(f"{mins} phút")
    return " ".join(parts)


def _finished(r: ScenarioResult) -> datetime:
    started = datetime.fromisoformat(r.started)
    return started.fromtimestamp(started.timestamp() + r.seconds, started.tzinfo)


def latest_runs(results: Iterable[ScenarioResult]) -> dict[tuple[str, str], ScenarioResult]:
    """The latest attempt of each (scenario id, scenario name), by attempt then start time."""
    out: dict[tuple[str, str], ScenarioResult] = {}
    for r in results:
        key = (r.scenario_id, r.name)
        held = out.get(key)
        if held is None or (r.attempt, r.started) >= (held.attempt, held.started):
            out[key] = r
    return out


def build_statement(
    agency: RosterEntry,
    trial_round: TrialRound,
    results: Iterable[ScenarioResult],
    *,
    expected: dict[str, set[str]],
    attestations: Iterable[Attestation] = (),
    axis: AgencyAxis | None = None,
) -> AgencyStatement:
    """The agency's statement; `expected` maps each run-test ID to the scenario names it needs."""
    mine = [r for r in results if r.agency == agency.organ_id]
    latest = latest_runs(mine)
    attested = list(attestations)
    items = []
    for test in RUN_TESTS:
        names = expected.get(test.test_id, set())
        runs = [latest[(test.test_id, n)] for n in sorted(names) if (test.test_id, n) in latest]
        attempts = sum(1 for r in mine if r.scenario_id == test.test_id)
        notes = [a for a in attested if a.organ_id == agency.organ_id and a.test_id == test.test_id]
        evidence = [p for r in runs for p in r.evidence]
        ran_at = max((_finished(r) for r in runs if r.started), default=None)
        bad = [r for r in runs if r.outcome in (Outcome.FAILED, Outcome.ERROR)]
        if bad:
            outcome, reason = ItemOutcome.FAILED, f"{bad[0].name}: {bad[0].message_vi}"
        elif not names or len(runs) < len(names) or any(r.outcome is Outcome.NOT_RUN for r in runs):
            missing = len(names) - sum(1 for r in runs if r.outcome is Outcome.PASSED)
            outcome = ItemOutcome.NOT_RUN
            reason = f"Còn {missing}/{len(names)} kịch bản chưa thực hiện." if names else "Chưa có kịch bản."
            not_run = next((r for r in runs if r.outcome is Outcome.NOT_RUN), None)
            if not_run is not None and not_run.message_vi:
                reason += f" {not_run.message_vi}"
        else:
            outcome, reason = ItemOutcome.PASSED, f"{len(runs)}/{len(names)} kịch bản đạt."
        if any(not a.passed for a in notes):
            outcome, reason = ItemOutcome.FAILED, next(a.note for a in notes if not a.passed)
        evidence += [f for a in notes for f in a.files]
        items.append(ItemResult(test, outcome, ran_at, reason, evidence, runs, notes, attempts))
    mandatory = [i for i in items if i.test.mandatory]
    complete = all(i.outcome is ItemOutcome.PASSED for i in mandatory)
    completed_at = max((i.ran_at for i in mandatory if i.ran_at), default=None) if complete else None
    return AgencyStatement(agency, trial_round, items, complete, completed_at, axis)


@dataclass(frozen=True, slots=True)
class Issuer:
    """Who issues the appendix: the ICT department (its certificate signs the PDF)."""

    organ_id: str
    name: str
    """e.g. "Sở Thông tin và Truyền thông tỉnh Nghệ An"."""
    parent_name: str
    """The governing body over it, first line of the issuing-body block: "UBND TỈNH NGHỆ AN"."""
    place: str
    """Place name for the date line: "Nghệ An"."""
    signer_name: str = ""
    position: str = ""
    """e.g. "Giám đốc"."""


@dataclass(frozen=True, slots=True)
class ExchangeStats:
    """Documents an agency exchanged in the trial: over the axis, and on paper when reported."""

    organ_id: str
    sent: int
    received: int
    paper: int | None = None
    """Documents the agency still sent or received on paper (roster/attestation); None: unknown."""

    @property
    def electronic(self) -> int:
        return self.sent + self.received

    @property
    def share(self) -> float | None:
        """Share exchanged electronically (the monthly statistic of the Bình Dương directive)."""
        if self.paper is None:
            return 1.0 if self.electronic else None
        total = self.electronic + self.paper
        return self.electronic / total if total else None


@dataclass(slots=True)
class TrialSummary:
    """Everything the cross-agency reports show, for one round."""

    round: TrialRound
    issuer: Issuer
    statements: list[AgencyStatement]
    exchange: dict[tuple[str, str], int] = field(default_factory=dict)
    """(sender, receiver) -> business documents delivered over the axes during the round."""
    stats: dict[str, ExchangeStats] = field(default_factory=dict)
    generated_at: datetime | None = None

    @property
    def late(self) -> list[AgencyStatement]:
        return [s for s in self.statements if s.late]
