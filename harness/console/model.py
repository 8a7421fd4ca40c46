"""What the console's pages show, computed from the campaign store for one account: the completion table
(agency × run-test), late agencies, electronic share and the N×N matrix (campaign page), and one agency's
attempts, findings and files (agency page). Pages render these; they never query the store themselves.

The campaign page reads the runs without their JSON (CampaignStore.outcomes) and keeps the statements of the
last change token, so a province-sized campaign renders in milliseconds and a live page's poll costs one
cheap query while nothing moves.
"""

from __future__ import annotations

import gc
import threading
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime

from markupsafe import Markup, escape

from harness.edxml.formats import now_ict
from harness.ids.agency import InvalidIdentifier, level1_name, parse_agency_id
from harness.reports.text import percent_vi
from harness.reports.view import ShareRow
from harness.trial.accounts import Account
from harness.trial.catalogue import RUN_TESTS, RunTest
from harness.trial.live import running
from harness.trial.statement import AgencyAxis, AgencyStatement, ItemOutcome, RosterEntry, TrialRound, build_statement
from harness.trial.store import CampaignStore

RUNNING = "running"
STATE_VI = {
    ItemOutcome.PASSED.value: "Đạt",
    ItemOutcome.FAILED.value: "Không đạt",
    ItemOutcome.NOT_RUN.value: "Chưa thực hiện",
    RUNNING: "Đang chạy",
}
FILTER_STATES = {
    "hoan-thanh": "Hoàn thành",
    "chua-hoan-thanh": "Chưa hoàn thành",
    "khong-dat": "Có mục không đạt",
    "tre-han": "Trễ hạn",
}


def province_of(organ_id: str) -> str:
    """The level-1 body an agency belongs to ("Tỉnh Nghệ An"), or its level-1 code when unknown."""
    try:
        code = parse_agency_id(organ_id).level1
    except InvalidIdentifier:
        return "Không rõ"
    return level1_name(code) or code


@dataclass(frozen=True, slots=True)
class Cell:
    test_id: str
    state: str

    @property
    def label(self) -> str:
        return STATE_VI[self.state]


@dataclass(frozen=True, slots=True)
class AgencyRow:
    agency: RosterEntry
    province: str
    cells: tuple[Cell, ...]
    complete: bool
    late: bool
    failed: int
    timing: str = "—"
    """Against the deadline, short: "Đúng hạn", "Trễ 2 ngày 3 giờ", "Quá hạn 5 giờ", "Còn hạn", "—"."""
    late_vi: str = ""
    """When late: by how much and why, in a sentence."""
    axis: AgencyAxis | None = None
    """The axis it is tested on and its protocol (profile A or B)."""

    @property
    def complete_vi(self) -> str:
        return "Hoàn thành" if self.complete else "Chưa hoàn thành"


@dataclass(slots=True)
class CampaignView:
    rounds: list[TrialRound]
    round: TrialRound
    tests: tuple[RunTest, ...]
    rows: list[AgencyRow]
    total: int
    """Agencies the account may see, before filters."""
    provinces: list[str]
    vendors: list[str]
    shares: list[ShareRow]
    matrix_organs: list[str] = field(default_factory=list)
    matrix_probes: frozenset[str] = frozenset()
    """Columns and rows that are not on the roster: the harness' own probe agencies the run-tests exchange with."""
    matrix_html: Markup = field(default_factory=Markup)
    """The N×N matrix body, built once here: 65 536 template expressions would cost 200 ms at 256 agencies."""
    token: str = ""

    @property
    def complete(self) -> int:
        return sum(1 for r in self.rows if r.complete)

    @property
    def late(self) -> list[AgencyRow]:
        return [r for r in self.rows if r.late]


class StatementCache:
    """The round's statements for the last change token (one lock: pages on many threads share it)."""

    def __init__(self, store: CampaignStore, expected: dict[str, set[str]]) -> None:
        self.store = store
        self.expected = expected
        self._held: dict[int, tuple[str, list[AgencyStatement], set[tuple[str, str]]]] = {}
        self._lock = threading.Lock()

    def token(self, trial_round: TrialRound) -> str:
        """Moves with every recorded run, running mark, task, attestation, deadline or roster change."""
        return self.store.change_token(trial_round.number) + f"-{trial_round.deadline}-{len(self.store.roster())}"

    def get(self, trial_round: TrialRound) -> tuple[str, list[AgencyStatement], set[tuple[str, str]]]:
        token = self.token(trial_round)
        with self._lock:
            held = self._held.get(trial_round.number)
            if held is not None and held[0] == token:
                return held
        by_agency = defaultdict(list)
        for result in self.store.outcomes(trial_round.number):
            by_agency[result.agency].append(result)
        notes = defaultdict(list)
        for note in self.store.attestations(trial_round.number):
            notes[note.organ_id].append(note)
        axes = self.store.agency_axes()
        statements = [
            build_statement(
                agency,
                trial_round,
                by_agency[agency.organ_id],
                expected=self.expected,
                attestations=notes[agency.organ_id],
                axis=axes.get(agency.organ_id),
            )
            for agency in self.store.roster()
        ]
        live = running(self.store, trial_round.number)
        fresh = (token, statements, live)
        with self._lock:
            self._held[trial_round.number] = fresh
        # The statements live until the next change: keep the collector from walking them on every page
        # (unfreeze first, so what the previous statements left in cycles is collected now).
        gc.unfreeze()
        gc.collect()
        gc.freeze()
        return fresh


def _row(statement: AgencyStatement, live: set[tuple[str, str]]) -> AgencyRow:
    organ = statement.agency.organ_id
    cells = tuple(
        Cell(item.test.test_id, RUNNING if (organ, item.test.test_id) in live else item.outcome.value)
        for item in statement.items
    )
    failed = sum(1 for i in statement.items if i.outcome is ItemOutcome.FAILED)
    timing, late_vi = statement.timing(now_ict())
    return AgencyRow(
        statement.agency,
        province_of(organ),
        cells,
        statement.complete,
        bool(late_vi),
        failed,
        timing,
        late_vi,
        statement.axis,
    )


def campaign_view(
    store: CampaignStore,
    cache: StatementCache,
    account: Account,
    round_number: int,
    *,
    province: str = "",
    vendor: str = "",
    state: str = "",
) -> CampaignView | None:
    rounds = store.rounds()
    trial_round = next((r for r in rounds if r.number == round_number), None)
    if trial_round is None:
        return None
    token, statements, live = cache.get(trial_round)
    visible = [s for s in statements if account.may_see(s.agency.organ_id)]
    rows = [_row(s, live) for s in visible]
    provinces = sorted({r.province for r in rows})
    vendors = sorted({r.agency.vendor for r in rows if r.agency.vendor})
    total = len(rows)
    if province:
        rows = [r for r in rows if r.province == province]
    if vendor:
        rows = [r for r in rows if r.agency.vendor == vendor]
    if state == "hoan-thanh":
        rows = [r for r in rows if r.complete]
    elif state == "chua-hoan-thanh":
        rows = [r for r in rows if not r.complete]
    elif state == "khong-dat":
        rows = [r for r in rows if r.failed]
    elif state == "tre-han":
        rows = [r for r in rows if r.late]
    shown = {r.agency.organ_id for r in rows}
    exchange = store.exchange(trial_round.number)
    stats = store.stats(trial_round.number, exchange=exchange)
    shares = [
        ShareRow(
            r.agency.organ_id, r.agency.name, s.sent, s.received, s.electronic, s.paper, s.share, percent_vi(s.share)
        )
        for r in rows
        if (s := stats.get(r.agency.organ_id)) is not None
    ]
    view = CampaignView(rounds, trial_round, RUN_TESTS, rows, total, provinces, vendors, shares, token=token)
    if account.is_admin:
        # Every exchange of a shown agency, with whom it was: in the run-tests that is mostly the harness'
        # probe agencies, which are not on the roster but are the other end of the documents.
        pairs = {pair: n for pair, n in exchange.items() if pair[0] in shown or pair[1] in shown}
        involved = {o for pair in pairs for o in pair}
        roster = {a.organ_id for a in store.roster()}
        probes = sorted(involved - roster)
        # Probes first: they are the other end of most documents, so the filled cells are in sight.
        view.matrix_organs = probes + [r.agency.organ_id for r in rows if r.agency.organ_id in involved]
        view.matrix_probes = frozenset(probes)
        view.matrix_html = _matrix_body(view.matrix_organs, pairs, view.matrix_probes)
    return view


def _matrix_body(organs: list[str], exchange: dict[tuple[str, str], int], probes: frozenset[str]) -> Markup:
    lines = []
    for a in organs:
        cells = "".join(f"<td>{exchange.get((a, b), '')}</td>" for b in organs)
        mark = ' class="probe" title="Đơn vị kiểm thử của bộ công cụ"' if a in probes else ""
        lines.append(f"<tr><th{mark}>{escape(a)}</th>{cells}</tr>")
    return Markup("".join(lines))


def live_cells(view: CampaignView) -> dict[str, dict[str, str]]:
    """{organ_id: {RT-01: state, ..., "_complete": "Hoàn thành"}} for the page's live update."""
    out: dict[str, dict[str, str]] = {}
    for row in view.rows:
        cells = {c.test_id: c.state for c in row.cells}
        cells["_complete"] = row.complete_vi
        out[row.agency.organ_id] = cells
    return out


def visible_organs(store: CampaignStore, account: Account) -> Collection[str]:
    return [a.organ_id for a in store.roster() if account.may_see(a.organ_id)]


def newest_round(store: CampaignStore) -> int | None:
    rounds = store.rounds()
    return rounds[-1].number if rounds else None


def fmt_time(value: datetime | None) -> str:
    return value.strftime("%H:%M:%S %d/%m/%Y") if value is not None else "—"
