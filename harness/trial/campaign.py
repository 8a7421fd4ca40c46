"""Run a trial round: every run-test scenario for every agency of the roster (agencies in
parallel), recorded in the campaign store as it goes, then the reports.

A round is resumable: scenarios whose run is already recorded are skipped, so a trial killed half
way continues where it stopped and ends with the same statements as an uninterrupted one. The
simulated world (axes and agencies) is started fresh for each session; what crosses sessions is
the store, the evidence files and each session's exchange counts.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import threading
import time
import zlib
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from harness.backchannel.models import BackchannelError
from harness.drivers.base import Driver
from harness.drivers.operator import OperatorDriver
from harness.drivers.simulated import SimulatedDriver
from harness.errors import LienthongError
from harness.paths import REPO_ROOT
from harness.pki import TestPki
from harness.reports.verification import DEFAULT_VERIFY_BASE, canonical_content, summary_content
from harness.scenarios.lag import LagMonitor, LagReport
from harness.scenarios.results import Outcome, Recorder, ScenarioResult
from harness.scenarios.runner import FollowUp, Job, Scenario, load_features, load_steps, run_jobs, select
from harness.scenarios.simulated_world import SimulatedWorld
from harness.scenarios.timing import COMPRESSED, Deadlines
from harness.scenarios.world import World, WorldError, pki_for_topology
from harness.transport.sim_control import ControlPlaneError, journal_time
from harness.trial.expected import expected_scenarios
from harness.trial.issued import record_issued
from harness.trial.issuer import find_issuer
from harness.trial.live import clear_running, mark_running
from harness.trial.roster import read_roster
from harness.trial.statement import AgencyAxis, TrialRound, TrialSummary
from harness.trial.store import CampaignStore
from harness.trial.tasks import StoreTaskBoard, TaskStore
from harness.trial.voiding import VOID_ROUNDS, round_parallel, void_if_lagged
from simulators.topology import load_topology

if TYPE_CHECKING:
    from harness.reports.render import Manifest

log = logging.getLogger(__name__)
FEATURES = REPO_ROOT / "features"
AGENCIES_PER_HOST = 7
"""A host process is one core at most; a handful of agencies do not need more than one."""
ACTIVE_PER_CORE = 16
"""Agencies under test at once per core (each runs one scenario at a time, mostly waiting on deadlines). A
trial is as long as its waves of agencies (256 agencies, 32 at once: 15.6 min), but 40 or 48 at once ran the
systems' hosts so busy that flash documents were registered late in lanes whose profile does not fail RT-09."""
JOURNAL_TAIL = 2000
"""Newest journal rows of a system read for a failed scenario's evidence."""


class TrialError(LienthongError, RuntimeError):
    """A trial that cannot run as asked (unknown agency, nothing selected, a run already going)."""


@dataclass
class TrialPlan:
    topology: Path
    db: str
    """Campaign store: a path (SQLite file) or a SQLAlchemy URL."""
    round_number: int = 1
    roster: Path | None = None
    """Imported into the store first (good rows kept, bad rows reported)."""
    out_dir: Path = REPO_ROOT / "reports" / "out"
    work_dir: Path = REPO_ROOT / ".lienthong" / "trial"
    """Simulated world of the current session, evidence and exchange counts."""
    scenario_ids: tuple[str, ...] = ()
    agencies: tuple[str, ...] = ()
    """Only these roster agencies (default: the whole roster)."""
    issuer: str | None = None
    round_name: str | None = None
    deadline: datetime | None = None
    letter: str | None = None
    deadlines: Deadlines = COMPRESSED
    hosts: int = 0
    """Processes that run the simulated systems: 0 is one per core."""
    parallel: int = 0
    """Agencies tested at once: 0 is ACTIVE_PER_CORE per core."""
    keep_world: bool = False
    """Keep the simulators' databases after the session (debugging); by default only evidence stays."""
    retries: int = 0
    """Run a failed scenario again (next attempt) after the others; the latest attempt counts."""
    reports: bool = True
    operated: tuple[str, ...] = ()
    """Agencies whose system a clerk works through the console (operator driver with the task list); no
    simulated system is started for them: their real system connects to the simulated axis."""
    rerun: bool = False
    """Run the chosen scenarios again (next attempt) even when they already have a result."""
    answer_timeout: float = 3600.0
    """How long an operator-driven scenario waits for the clerk's answer to an attestation."""
    verify_base: str = DEFAULT_VERIFY_BASE
    """The console's address; the appendices' QR codes point to <verify_base>/xac-minh/<code>."""


@dataclass
class TrialRun:
    summary: TrialSummary
    ran: int
    skipped: int
    roster_errors: list[str] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    report_errors: list[str] = field(default_factory=list)
    lag: LagReport | None = None
    """How late the harness' machine ran while scenarios ran (None: nothing ran)."""


Listener = Callable[[str, Any], None]
"""Progress events: ("plan", {organ: pending}), ("result", ScenarioResult), ("phase", text_vi), ("retry", n)
before a batch of n retries, ("reports", outputs to write), ("reported", n outputs written)."""


def serialized(listener: Listener) -> Listener:
    """The listener called one event at a time: results arrive from every scenario thread at once, and a
    listener keeping state (the live display's counts) must not see its own dictionary change mid-count."""
    lock = threading.Lock()

    def listen(kind: str, data: Any) -> None:
        with lock:
            listener(kind, data)

    return listen


def db_url(db: str) -> str:
    return db if "://" in db else f"sqlite:///{Path(db).absolute()}"


def default_parallel() -> int:
    """Agencies tested at once: enough scenarios waiting on their deadlines to keep every core busy,
    few enough that the machine never lags (the lag monitor holds scenarios back beyond that)."""
    return ACTIVE_PER_CORE * (os.cpu_count() or 1)


def _waking(jobs: list[Job], drivers: dict[str, Driver]) -> list[Job]:
    """Each simulated system woken before its first scenario of the batch and made dormant after its
    last: of a province's hundreds of systems only those under test poll their axis."""
    first: dict[str, int] = {}
    last: dict[str, int] = {}
    for i, job in enumerate(jobs):
        if job.sut is not None and isinstance(drivers.get(job.sut.id), SimulatedDriver):
            first.setdefault(job.sut.id, i)
            last[job.sut.id] = i
    out = []
    for i, job in enumerate(jobs):
        organ = job.sut.id if job.sut is not None else ""
        driver = drivers.get(organ)
        if not isinstance(driver, SimulatedDriver):
            out.append(job)
            continue
        begin, done = job.begin, job.done
        if first[organ] == i:

            def begin(driver: SimulatedDriver = driver, inner: Callable[[], None] | None = job.begin) -> None:
                _set_awake(driver, True)
                if inner is not None:
                    inner()

        if last[organ] == i:

            def done(
                result: ScenarioResult,
                driver: SimulatedDriver = driver,
                inner: Callable[[ScenarioResult], None] | None = job.done,
            ) -> None:
                if inner is not None:
                    inner(result)
                _set_awake(driver, False)

        out.append(replace(job, begin=begin, done=done))
    return out


def _set_awake(driver: SimulatedDriver, awake: bool) -> None:
    """A system that cannot be woken or put to sleep keeps polling: slower, never wrong."""
    try:
        driver.set_awake(awake)
    except BackchannelError as exc:
        log.warning("%s: %s", "đánh thức" if awake else "cho nghỉ", exc)


def _ordered(scenarios: list[Scenario], lane: int, lanes: int) -> list[Scenario]:
    """Each agency starts at a different scenario, so the expensive ones do not all run at once."""
    shift = lane * len(scenarios) // max(lanes, 1)
    return scenarios[shift:] + scenarios[:shift]


class Campaign:
    def __init__(self, plan: TrialPlan, listener: Listener | None = None) -> None:
        self.plan = plan
        self.listen = serialized(listener) if listener is not None else (lambda kind, data: None)
        self.store = CampaignStore.open(db_url(plan.db))
        self.topology = load_topology(plan.topology)
        self.roster_errors: list[str] = []
        self.report_errors: list[str] = []
        self.lag: LagReport | None = None
        self._logs: list[TextIO] = []

    @cached_property
    def pki(self) -> TestPki:
        """The topology's test PKI: the issuer's signer and the certificate that signs the reports."""
        return pki_for_topology(self.topology)

    def close(self) -> None:
        for log in self._logs:
            log.close()
        self.store.close()

    # Set-up -----------------------------------------------------------------------------------

    def prepare(self) -> tuple[TrialRound, list[str]]:
        plan = self.plan
        if plan.roster is not None:
            entries, errors = read_roster(plan.roster)
            self.roster_errors = [getattr(e, "message_vi", str(e)) for e in errors]
            self.store.import_roster(entries)
        roster = {e.organ_id: e for e in self.store.roster()}
        if not roster:
            raise TrialError("Danh sách cơ quan tham gia chạy thử đang trống: hãy nhập bằng --roster.")
        wanted = list(plan.agencies) or list(roster)
        unknown = [a for a in wanted if a not in roster]
        if unknown:
            raise TrialError(f"Không có trong danh sách tham gia: {', '.join(unknown)}.")
        in_topology = {a.id: a for axis in (self.topology.national, *self.topology.provinces) for a in axis.agencies}
        missing = [a for a in wanted if a not in in_topology]
        if missing:
            raise TrialError(f"Không có trong cấu hình mô phỏng {plan.topology}: {', '.join(missing)}.")
        probes = [a for a in wanted if in_topology[a].extra.get("harness") == "probe"]
        if probes:
            raise TrialError(f"Đơn vị kiểm thử của bộ công cụ không thể là đối tượng chạy thử: {', '.join(probes)}.")
        held = self.store.round(plan.round_number)
        if held is None or plan.round_name or plan.deadline or plan.letter:
            base = held or TrialRound(plan.round_number, f"Đợt {plan.round_number}")
            self.store.add_round(
                TrialRound(
                    plan.round_number,
                    plan.round_name or base.name,
                    plan.deadline or base.deadline,
                    plan.letter if plan.letter is not None else base.letter,
                )
            )
        trial_round = self.store.round(plan.round_number)
        assert trial_round is not None
        return trial_round, wanted

    def scenarios(self) -> list[Scenario]:
        load_steps(FEATURES)
        every = load_features([FEATURES / "rt"])
        return select(every, ids=self.plan.scenario_ids) if self.plan.scenario_ids else every

    # Running ----------------------------------------------------------------------------------

    def run(self) -> TrialRun:
        trial_round, agencies = self.prepare()
        scenarios = self.scenarios()
        pending: dict[str, list[Scenario]] = {}
        skipped = 0
        self.store.set_meta("campaign.topology", str(Path(self.plan.topology).absolute()))
        self.store.set_meta("campaign.work_dir", str(Path(self.plan.work_dir).absolute()))
        self.store.set_agency_axes(
            {
                a.id: AgencyAxis(axis.code, axis.name, axis.protocol)
                for axis in (self.topology.national, *self.topology.provinces)
                for a in axis.agencies
                if a.id in agencies
            }
        )
        for organ in agencies:
            done = set() if self.plan.rerun else self.store.done(trial_round.number, organ)
            todo = [s for s in scenarios if (s.scenario_id, s.name) not in done]
            skipped += len(scenarios) - len(todo)
            if todo:
                pending[organ] = todo
        self.listen("plan", {organ: len(pending.get(organ, [])) for organ in agencies})
        ran = self._session(trial_round, pending) if pending else 0
        # The reports cover the whole roster, whatever subset ran: a run adds to the round, it never
        # takes other agencies' appendices, JUnit or evidence out of the manifest and the summary.
        summary = self.summary(trial_round, self.reported(agencies))
        files: list[Path] = []
        if self.plan.reports:
            self.listen("phase", "Đang viết báo cáo")
            files = self.write_reports(summary)
        return TrialRun(summary, ran, skipped, self.roster_errors, files, self.report_errors, self.lag)

    def reported(self, ran: list[str]) -> list[str]:
        """Every roster agency a trial can run (in roster order), those just run included."""
        in_topology = {a.id: a for axis in (self.topology.national, *self.topology.provinces) for a in axis.agencies}
        roster = [
            e.organ_id
            for e in self.store.roster()
            if e.organ_id in in_topology and in_topology[e.organ_id].extra.get("harness") != "probe"
        ]
        return roster + [a for a in ran if a not in roster]

    def _session(self, trial_round: TrialRound, pending: dict[str, list[Scenario]]) -> int:
        plan = self.plan
        world_dir = plan.work_dir / "world"
        SimulatedWorld.clean_leftovers(world_dir)
        shutil.rmtree(world_dir, ignore_errors=True)
        session = time.strftime("%Y%m%d-%H%M%S")
        suts = list(pending)
        simulated = [o for o in suts if o not in plan.operated]
        self.listen("phase", f"Khởi động trục mô phỏng và {len(simulated)} hệ thống mô phỏng")
        clear_running(self.store, trial_round.number)
        recorder = Recorder(plan.work_dir / "results.jsonl")
        evidence = plan.work_dir / "evidence" / f"round-{trial_round.number}"
        try:
            sim = SimulatedWorld(
                plan.topology,
                world_dir,
                suts=simulated,
                deadlines=plan.deadlines,
                recorder=recorder,
                evidence_dir=evidence,
                hosts=min(plan.hosts or os.cpu_count() or 1, -(-max(len(simulated), 1) // AGENCIES_PER_HOST)),
                dormant=True,
            )
            sim.start()
        except WorldError as exc:
            raise TrialError(exc.message_vi) from exc
        hosts = sim.lag_sources()
        monitor = LagMonitor(sources=hosts)
        try:
            world = sim.world
            assert world is not None
            failed: dict[str, set[tuple[str, str]]] = {organ: set() for organ in suts}
            voided: dict[str, set[tuple[str, str]]] = {organ: set() for organ in suts}
            """Failures judged while the machine lagged: not the system's, run again whatever --retries says."""
            drivers: dict[str, Driver] = {}
            boards: dict[str, StoreTaskBoard | None] = {}

            def job(organ: str, scenario: Scenario, attempt: int) -> Job:
                board = boards[organ]

                def begin() -> None:
                    monitor.wait_until_calm()
                    mark_running(self.store, trial_round.number, organ, scenario.scenario_id, scenario.name, attempt)
                    if board is not None:
                        board.begin(scenario.scenario_id, scenario.name, attempt)

                def done(result: ScenarioResult) -> None:
                    key = (result.scenario_id, result.name)
                    if void_if_lagged(monitor, result):
                        voided[organ].add(key)
                    if result.outcome in (Outcome.FAILED, Outcome.ERROR):
                        self._journal_evidence(world, result, evidence)
                        failed[organ].add(key)
                    self.store.record(result, trial_round.number)
                    self.listen("result", result)

                return Job(
                    scenario,
                    sut=world.agency(organ),
                    driver=drivers[organ],
                    attempt=attempt,
                    round_name=trial_round.name,
                    done=done,
                    begin=begin,
                )

            latest: dict[str, list[Job]] = {}
            """Each agency's lane, every scenario at its latest attempt: what a run again starts from."""
            for lane, organ in enumerate(suts):
                board = StoreTaskBoard(self.store, trial_round.number, organ) if organ in plan.operated else None
                boards[organ] = board
                drivers[organ] = self._operator(world, organ, board) if board is not None else sim.driver(organ)
                attempts = self.store.next_attempts(trial_round.number, organ)
                latest[organ] = [
                    job(organ, scenario, attempts.get((scenario.scenario_id, scenario.name), 1))
                    for scenario in _ordered(pending[organ], lane, len(suts))
                ]
            jobs = [j for organ in suts for j in latest[organ]]
            rounds: dict[str, int] = {}
            ran = len(jobs)
            counting = threading.Lock()
            parallel = plan.parallel or default_parallel()

            def follow(organ: str) -> FollowUp | None:
                """A system's failures run again right after its lane, behind the lanes not yet started (a failure
                the system really has fails again; one a busy machine caused does not): --retries rounds of every
                failure, then up to VOID_ROUNDS of those judged while the machine lagged."""
                nonlocal ran
                round_ = rounds.get(organ, 0)
                again = failed[organ] | voided[organ] if round_ < plan.retries else set(voided[organ])
                failed[organ], voided[organ] = set(), set()
                if not again or round_ >= plan.retries + VOID_ROUNDS:
                    return None
                rounds[organ] = round_ + 1
                retry = []
                lane = latest[organ]
                for i, last in enumerate(lane):
                    if (last.scenario.scenario_id, last.scenario.name) in again:
                        lane[i] = job(organ, last.scenario, last.attempt + 1)
                        retry.append(lane[i])
                with counting:
                    ran += len(retry)
                self.listen("again", len(retry))
                return FollowUp(_waking(retry, drivers), round_parallel(parallel, round_, plan.retries))

            self.listen("phase", "Đang chạy các kịch bản")
            with monitor:
                run_jobs(world, _waking(jobs, drivers), workers=parallel, keep=False, follow=follow)
            self.lag = monitor.report()
            self.store.set_meta(f"campaign.lag.{trial_round.number}", json.dumps(asdict(self.lag)))
            self._save_exchange(world, session)
            return ran
        finally:
            clear_running(self.store, trial_round.number)
            if plan.operated:
                TaskStore(self.store).expire_open(trial_round.number, plan.operated)
            for host in hosts:
                host.close()
            sim.stop()
            if not plan.keep_world:
                shutil.rmtree(world_dir, ignore_errors=True)  # the simulators' databases: evidence is kept apart

    def _operator(self, world: World, organ: str, board: StoreTaskBoard) -> OperatorDriver:
        """A clerk's driver: instructions and attestations go to the console's task list (and a log file)."""
        entry = self.store.agency(organ)
        sut = world.agency(organ)
        log_dir = self.plan.work_dir / "operator"
        log_dir.mkdir(parents=True, exist_ok=True)
        out = (log_dir / f"{organ}.log").open("a", encoding="utf-8")
        self._logs.append(out)
        return OperatorDriver(
            organ,
            entry.name if entry is not None else sut.name,
            (entry.contact if entry is not None and entry.contact else "") or "Văn thư",
            out=out,
            inp=None,
            log_path=log_dir / f"{organ}-xac-nhan.jsonl",
            agencies={a.id: a.name for a in world.agencies.values()},
            answer_timeout=self.plan.answer_timeout,
            board=board,
        )

    def _journal_evidence(self, world: World, result: ScenarioResult, directory: Path) -> None:
        """The SUT's calls to its axis while the scenario ran: what the evidence bundle shows."""
        agency = world.agencies.get(result.agency)
        if agency is None:
            return
        start = datetime.fromisoformat(result.started).timestamp() - 1
        end = start + result.seconds + 2
        try:
            rows = world.watch(agency.axis).journal(
                system_id=agency.system_id, tail=JOURNAL_TAIL, since=start, until=end
            )
        except (ControlPlaneError, WorldError):
            return
        extract = [r for r in rows if start <= journal_time(r) <= end]
        directory.mkdir(parents=True, exist_ok=True)
        tag = zlib.crc32(result.name.encode()) % 10**8  # stable across runs, unlike hash()
        name = f"{result.agency}-{result.scenario_id}-a{result.attempt}-{tag}-nhat-ky.json"
        path = directory / name
        path.write_text(json.dumps(extract, ensure_ascii=False, indent=1), encoding="utf-8")
        result.evidence.append(str(path))

    def _save_exchange(self, world: World, session: str) -> None:
        """Business documents delivered in this session, (sender, receiver, DocumentId) once each."""
        seen: set[tuple[str, str, str]] = set()
        for code in world.axes:
            try:
                rows = world.watch(code).deliveries()
            except (ControlPlaneError, WorldError):
                continue
            for r in rows:
                if r.get("message_type") == "edoc" and r.get("from_code") and r.get("receiver") in world.agencies:
                    seen.add((str(r["from_code"]), str(r["receiver"]), str(r.get("document_id") or r["doc_id"])))
        path = self.plan.work_dir / "exchange" / f"round-{self.plan.round_number}-{session}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(sorted(seen), ensure_ascii=False), encoding="utf-8")

    # Results ----------------------------------------------------------------------------------

    def exchange(self) -> dict[tuple[str, str], int]:
        seen: set[tuple[str, str, str]] = set()
        for path in sorted((self.plan.work_dir / "exchange").glob(f"round-{self.plan.round_number}-*.json")):
            try:
                seen |= {(a, b, c) for a, b, c in json.loads(path.read_text(encoding="utf-8"))}
            except (OSError, ValueError, TypeError):
                continue
        counts: dict[tuple[str, str], int] = {}
        for sender, receiver, _ in seen:
            counts[(sender, receiver)] = counts.get((sender, receiver), 0) + 1
        return counts

    def summary(self, trial_round: TrialRound, agencies: list[str]) -> TrialSummary:
        self.store.set_exchange(trial_round.number, self.exchange())
        issuer = find_issuer(self.topology, self.pki, self.plan.issuer, near=agencies[0] if agencies else None)
        summary = self.store.summary(trial_round.number, expected_scenarios(FEATURES / "rt"), issuer)
        summary.statements = [s for s in summary.statements if s.agency.organ_id in agencies]
        summary.stats = {k: v for k, v in summary.stats.items() if k in agencies}
        return summary

    def write_reports(self, summary: TrialSummary) -> list[Path]:
        from harness.reports import render_all
        from harness.reports.render import SUMMARY_OUTPUTS

        agencies = {s.agency.organ_id for s in summary.statements}
        runs = [r for r in self.store.results(summary.round.number) if r.agency in agencies]
        self.listen("reports", len(summary.statements) + SUMMARY_OUTPUTS)
        manifest = render_all(
            summary,
            self.plan.out_dir,
            pki=self.pki,
            runs=runs,
            verify_base=self.plan.verify_base,
            progress=lambda n: self.listen("reported", n),
        )
        self.report_errors = [f"{e.output}: {e.message_vi}" for e in manifest.errors]
        self._register(summary, manifest)
        return [self.plan.out_dir / e.path for e in manifest.files]

    def _register(self, summary: TrialSummary, manifest: Manifest) -> None:
        """Each signed PDF under its verification code (the console's verification page reads this)."""
        number = summary.round.number
        self.store.set_meta(f"reports.{number}", str(Path(self.plan.out_dir).absolute()))
        docx = {f.organ_id: f for f in manifest.files if f.kind == "appendix-docx"}
        certified = {s.agency.organ_id: canonical_content(s) for s in summary.statements}
        for entry in manifest.files:
            if entry.kind not in ("appendix-pdf", "summary-pdf"):
                continue
            key = entry.organ_id if entry.kind == "appendix-pdf" else "tong-hop"
            code = manifest.codes.get(key or "")
            if not code:
                continue
            pair = docx.get(entry.organ_id) if entry.kind == "appendix-pdf" else None
            record_issued(
                self.store,
                code=code,
                kind="phu-luc" if entry.kind == "appendix-pdf" else "tong-hop",
                round_number=number,
                organ_id=entry.organ_id if entry.kind == "appendix-pdf" else None,
                pdf_sha256=entry.sha256,
                pdf_path=manifest.out_dir / entry.path,
                docx_path=manifest.out_dir / pair.path if pair is not None else None,
                content=certified.get(entry.organ_id or "")
                if entry.kind == "appendix-pdf"
                else summary_content(summary),
            )


def run_trial(plan: TrialPlan, listener: Listener | None = None) -> TrialRun:
    campaign = Campaign(plan, listener)
    try:
        return campaign.run()
    finally:
        campaign.close()
