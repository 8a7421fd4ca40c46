"""What the reports print, worked out once: every renderer (DOCX, PDF, HTML, XLSX) lays out these
rows, so the appendix says the same thing in every format and a broken statement fails here, in
one place, before any file is written for it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import PurePath

from harness.edxml.formats import now_ict
from harness.reports.groups import OUTSIDE_VI, group_label
from harness.reports.text import (
    MARK,
    NOT_DECLARED,
    clean,
    date_line,
    datetime_vi,
    evidence_names,
    ict,
    percent_vi,
)
from harness.reports.verification import DEFAULT_VERIFY_BASE, qr_payload, verification_code
from harness.scenarios.results import OUTCOME_VI, Outcome, ScenarioResult
from harness.trial.statement import (
    AgencyStatement,
    Attestation,
    ExchangeStats,
    Issuer,
    ItemOutcome,
    TrialRound,
    TrialSummary,
)


@dataclass(frozen=True, slots=True)
class Frame:
    """The Decree 30 frame around every report: issuing body, date line, signer."""

    parent_name: str
    issuer_name: str
    date_line: str
    position: str
    signer_name: str
    letter: str
    round_name: str


@dataclass(frozen=True, slots=True)
class ItemRow:
    stt: int
    test_id: str
    name_vi: str
    mandatory: bool
    outcome: ItemOutcome
    outcome_vi: str
    ran_at: datetime | None
    ran_at_vi: str
    reason_vi: str
    evidence_vi: str
    """The "Minh chứng / Lý do" cell: reason, then the files (or the bundle) that back it."""
    attempts: int
    bundles: tuple[str, ...]

    @property
    def mark(self) -> str:
        return MARK[self.outcome]

    @property
    def label(self) -> str:
        """ "RT-01. Kết nối, xác thực với trục (bắt buộc)"."""
        return f"{self.test_id}. {self.name_vi}" + (" (bắt buộc)" if self.mandatory else "")


@dataclass(frozen=True, slots=True)
class RunRow:
    """One scenario run (any attempt), for the "Lần chạy" sheet and the HTML run list."""

    organ_id: str
    test_id: str
    scenario: str
    attempt: int
    outcome: Outcome
    outcome_vi: str
    started: datetime | None
    seconds: float
    message_vi: str


@dataclass(frozen=True, slots=True)
class AgencyView:
    organ_id: str
    name: str
    vendor: str
    system: str
    round_name: str
    deadline: datetime | None
    deadline_vi: str
    rows: tuple[ItemRow, ...]
    complete: bool
    complete_vi: str
    completed_at: datetime | None
    completed_at_vi: str
    late: bool
    conclusion_vi: str
    """ "Hoàn thành (hoàn thành lúc 10:15 ngày 20/11/2026 — đúng hạn)" and the like."""
    code: str
    qr_payload: str
    """The console's verification page of `code` (`<base>/xac-minh/<code>`), also printed as text."""
    axis_vi: str = NOT_DECLARED
    """The axis it was tested on and the protocol its system spoke (profile A or B)."""

    @property
    def verify_url(self) -> str:
        return self.qr_payload

    @property
    def vendor_system_vi(self) -> str:
        parts = [p for p in (self.vendor, self.system) if p]
        return " / ".join(parts) if parts else NOT_DECLARED

    def count(self, outcome: ItemOutcome) -> int:
        return sum(1 for r in self.rows if r.outcome is outcome)

    def row(self, test_id: str) -> ItemRow:
        return next(r for r in self.rows if r.test_id == test_id)


@dataclass(frozen=True, slots=True)
class ShareRow:
    organ_id: str
    name: str
    sent: int
    received: int
    electronic: int
    paper: int | None
    share: float | None
    share_vi: str


@dataclass(frozen=True, slots=True)
class Matrix:
    """The N×N exchange matrix: rows are senders, columns receivers, in roster order."""

    ids: tuple[str, ...]
    names: tuple[str, ...]
    cells: tuple[tuple[int, ...], ...]
    groups: tuple[str, ...] = ()
    """Each party's level group (harness/reports/groups.py), in the order of `ids`."""

    def grouped(self) -> Matrix:
        """Documents between level groups: a province-sized matrix that fits a page. Its ids are the group
        labels, its names say how many parties each group has."""
        labels = list(dict.fromkeys(self.groups))
        index = {g: i for i, g in enumerate(labels)}
        sizes = [0] * len(labels)
        cells = [[0] * len(labels) for _ in labels]
        for i, row in enumerate(self.cells):
            gi = index[self.groups[i]]
            sizes[gi] += 1
            for j, count in enumerate(row):
                if count:
                    cells[gi][index[self.groups[j]]] += count
        names = tuple(f"{g}: {n} đơn vị" for g, n in zip(labels, sizes, strict=True))
        return Matrix(tuple(labels), names, tuple(tuple(r) for r in cells), tuple(labels))

    def sent_to(self, i: int) -> list[tuple[int, int]]:
        """(receiver index, documents) of party i's non-empty cells."""
        return [(j, c) for j, c in enumerate(self.cells[i]) if c]

    @property
    def row_totals(self) -> tuple[int, ...]:
        return tuple(sum(r) for r in self.cells)

    @property
    def column_totals(self) -> tuple[int, ...]:
        return tuple(sum(r[j] for r in self.cells) for j in range(len(self.ids)))

    @property
    def total(self) -> int:
        return sum(self.row_totals)


@dataclass(frozen=True, slots=True)
class SummaryView:
    frame: Frame
    agencies: tuple[AgencyView, ...]
    late: tuple[AgencyView, ...]
    shares: tuple[ShareRow, ...]
    matrix: Matrix
    runs: tuple[RunRow, ...]
    code: str
    skipped: tuple[str, ...] = ()
    """Agencies left out because their statement could not be rendered (Vietnamese notes)."""

    @property
    def qr_payload(self) -> str:
        """What the summary's QR code holds."""
        return f"tong-hop|{self.code}"

    @property
    def complete_count(self) -> int:
        return sum(1 for a in self.agencies if a.complete)


def report_time(summary: TrialSummary) -> datetime:
    """When the reports are dated: the summary's generation time, else now (Vietnam time)."""
    return ict(summary.generated_at) if summary.generated_at else now_ict()


def frame_of(issuer: Issuer, trial_round: TrialRound, day: date) -> Frame:
    return Frame(
        parent_name=clean(issuer.parent_name),
        issuer_name=clean(issuer.name),
        date_line=date_line(issuer.place, day),
        position=clean(issuer.position),
        signer_name=clean(issuer.signer_name),
        letter=clean(trial_round.letter),
        round_name=clean(trial_round.name),
    )


def is_late(statement: AgencyStatement, as_of: datetime) -> bool:
    """`AgencyStatement.late` as of the report's date rather than the wall clock (re-renders agree)."""
    return statement.late_at(ict(as_of))


def _attested_by(notes: Sequence[Attestation]) -> str:
    """Who vouched for the item and when: an attestation is only worth what its author is."""
    said = [f"{a.who}, {datetime_vi(a.at)}" + ("" if a.passed else " (không đạt)") for a in notes]
    return f"Xác nhận của {'; '.join(said)}." if said else ""


def _evidence_cell(
    reason: str, outcome: ItemOutcome, evidence: list[str], bundles: Sequence[str], notes: Sequence[Attestation] = ()
) -> str:
    parts = [reason] if reason else []
    if outcome is ItemOutcome.FAILED and bundles:
        parts.append("Hồ sơ minh chứng: " + ", ".join(PurePath(b).name for b in bundles) + ".")
    elif outcome is ItemOutcome.PASSED and (names := evidence_names(evidence)):
        parts.append(f"Minh chứng: {names}.")
    if attested := _attested_by(notes):
        parts.append(attested)
    return " ".join(parts)


def _conclusion(statement: AgencyStatement, late: bool, trial_round: TrialRound) -> str:
    if statement.complete:
        if statement.completed_at is None:
            return "Hoàn thành"
        when = ict(statement.completed_at)
        timing = "" if trial_round.deadline is None else (" — trễ hạn" if late else " — đúng hạn")
        return f"Hoàn thành (hoàn thành lúc {when:%H:%M} ngày {when:%d/%m/%Y}{timing})"
    missing = [i.test.test_id for i in statement.items if i.test.mandatory and i.outcome is not ItemOutcome.PASSED]
    note = f"còn {len(missing)} mục bắt buộc chưa đạt: {', '.join(missing)}"
    if late:
        note += "; đã quá thời hạn"
    return f"Chưa hoàn thành ({note})"


def agency_view(
    statement: AgencyStatement,
    *,
    as_of: datetime,
    bundles: Mapping[str, Sequence[str]] | None = None,
    verify_base: str = DEFAULT_VERIFY_BASE,
) -> AgencyView:
    """The appendix of one agency; `bundles` maps a run-test ID to the evidence ZIPs of its failures,
    `verify_base` is the console the QR code points to."""
    late = is_late(statement, as_of)
    rows = []
    for n, item in enumerate(statement.items, start=1):
        item_bundles = tuple((bundles or {}).get(item.test.test_id, ()))
        reason = clean(item.reason_vi)
        rows.append(
            ItemRow(
                stt=n,
                test_id=clean(item.test.test_id),
                name_vi=clean(item.test.name_vi),
                mandatory=bool(item.test.mandatory),
                outcome=ItemOutcome(item.outcome),
                outcome_vi=item.outcome_vi,
                ran_at=ict(item.ran_at) if item.ran_at is not None else None,
                ran_at_vi=datetime_vi(item.ran_at),
                reason_vi=reason,
                evidence_vi=clean(_evidence_cell(reason, item.outcome, item.evidence, item_bundles, item.attestations)),
                attempts=int(item.attempts),
                bundles=item_bundles,
            )
        )
    trial_round = statement.round
    return AgencyView(
        organ_id=clean(statement.agency.organ_id),
        name=clean(statement.agency.name),
        vendor=clean(statement.agency.vendor),
        system=clean(statement.agency.system),
        round_name=clean(trial_round.name),
        deadline=ict(trial_round.deadline) if trial_round.deadline else None,
        deadline_vi=datetime_vi(trial_round.deadline, "Không quy định"),
        rows=tuple(rows),
        complete=statement.complete,
        complete_vi=statement.complete_vi,
        completed_at=ict(statement.completed_at) if statement.completed_at else None,
        completed_at_vi=datetime_vi(statement.completed_at),
        late=late,
        conclusion_vi=_conclusion(statement, late, trial_round),
        code=verification_code(statement),
        qr_payload=qr_payload(statement, verify_base),
        axis_vi=clean(statement.axis.label_vi) if statement.axis is not None else NOT_DECLARED,
    )


def _started(result: ScenarioResult) -> datetime | None:
    try:
        return ict(datetime.fromisoformat(result.started)) if result.started else None
    except ValueError:
        return None


def run_rows(results: Sequence[ScenarioResult]) -> tuple[RunRow, ...]:
    """Every run, in (agency, run-test, scenario, attempt) order."""
    ordered = sorted(results, key=lambda r: (r.agency, r.scenario_id, r.name, r.attempt, r.started))
    return tuple(
        RunRow(
            organ_id=clean(r.agency),
            test_id=clean(r.scenario_id),
            scenario=clean(r.name),
            attempt=r.attempt,
            outcome=Outcome(r.outcome),
            outcome_vi=OUTCOME_VI[Outcome(r.outcome)],
            started=_started(r),
            seconds=float(r.seconds),
            message_vi=clean(r.message_vi),
        )
        for r in ordered
    )


def share_rows(agencies: Sequence[AgencyView], stats: Mapping[str, ExchangeStats]) -> tuple[ShareRow, ...]:
    rows = []
    for a in agencies:
        s = stats.get(a.organ_id) or ExchangeStats(a.organ_id, 0, 0)
        rows.append(
            ShareRow(a.organ_id, a.name, s.sent, s.received, s.electronic, s.paper, s.share, percent_vi(s.share))
        )
    return tuple(rows)


def exchange_matrix(agencies: Sequence[AgencyView], exchange: Mapping[tuple[str, str], int]) -> Matrix:
    """Roster agencies first (their order), then any other party of the exchange (sorted)."""
    ids = [a.organ_id for a in agencies]
    names = {a.organ_id: a.name for a in agencies}
    others = sorted({x for pair in exchange for x in pair} - set(ids))
    groups = [group_label(a.organ_id, a.name) for a in agencies] + [OUTSIDE_VI] * len(others)
    ids += others
    index = {x: i for i, x in enumerate(ids)}
    cells = [[0] * len(ids) for _ in ids]
    for (sender, receiver), count in exchange.items():
        cells[index[sender]][index[receiver]] += int(count)
    return Matrix(tuple(ids), tuple(names.get(x, x) for x in ids), tuple(tuple(r) for r in cells), tuple(groups))


def summary_view(
    summary: TrialSummary,
    agencies: Sequence[AgencyView],
    *,
    code: str,
    runs: Sequence[ScenarioResult] = (),
    skipped: Sequence[str] = (),
) -> SummaryView:
    """The cross-agency report over the agencies that rendered (`agencies`, in roster order)."""
    return SummaryView(
        frame=frame_of(summary.issuer, summary.round, report_time(summary).date()),
        agencies=tuple(agencies),
        late=tuple(a for a in agencies if a.late),
        shares=share_rows(agencies, summary.stats),
        matrix=exchange_matrix(agencies, summary.exchange),
        runs=run_rows(runs),
        code=code,
        skipped=tuple(skipped),
    )
