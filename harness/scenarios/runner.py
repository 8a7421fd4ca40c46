"""Run Gherkin scenarios without pytest: the campaign and the mutation matrix run many systems
under test at once, each scenario in its own thread, with the same step registry pytest-bdd uses.

Scenarios come from the feature files (gherkin-official pickles, so outlines are expanded exactly
as pytest-bdd expands them); a scenario stops at its first failing step.
"""

from __future__ import annotations

import importlib
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gherkin.parser import Parser
from gherkin.pickles.compiler import Compiler
from gherkin.token_scanner import TokenScanner

from harness.drivers.base import Driver
from harness.scenarios.execution import ScenarioRun, scenario_id_of
from harness.scenarios.results import Outcome, ScenarioResult
from harness.scenarios.world import Agency, World

KIND = {"Context": "given", "Action": "when", "Outcome": "then"}
KEYWORD_VI = {"given": "Cho", "when": "Khi", "then": "Thì"}


@dataclass(frozen=True, slots=True)
class Scenario:
    feature: str
    name: str
    tags: tuple[str, ...]
    steps: tuple[tuple[str, str], ...]
    """(given|when|then, text)."""
    uri: str = ""

    @property
    def scenario_id(self) -> str:
        return scenario_id_of(self.tags)

    @property
    def mandatory(self) -> bool:
        return "mandatory" in self.tags


def load_feature(path: Path) -> list[Scenario]:
    source = path.read_text(encoding="utf-8")
    parsed = Parser().parse(TokenScanner(source))
    document: Any = {**parsed, "uri": str(path)}
    feature = (parsed.get("feature") or {}).get("name", path.stem)
    out = []
    for pickle in Compiler().compile(document):
        steps: list[tuple[str, str]] = []
        for step in pickle["steps"]:
            kind = KIND.get(step.get("type", ""), steps[-1][0] if steps else "given")
            steps.append((kind, step["text"]))
        tags = tuple(t["name"].lstrip("@") for t in pickle["tags"])
        out.append(Scenario(feature, pickle["name"], tags, tuple(steps), str(path)))
    return out


def load_features(paths: Iterable[Path]) -> list[Scenario]:
    out: list[Scenario] = []
    for p in paths:
        files = sorted(p.rglob("*.feature")) if p.is_dir() else [p]
        for f in files:
            out.extend(load_feature(f))
    return out


def load_steps(features_dir: Path) -> None:
    """Import the step modules of a features folder (features/steps/*.py) into the registry."""
    root = str(features_dir.resolve().parent)
    if root not in sys.path:
        sys.path.insert(0, root)
    package = features_dir.resolve().name
    for module in sorted((features_dir / "steps").glob("*.py")):
        if module.stem != "__init__":
            importlib.import_module(f"{package}.steps.{module.stem}")


def select(
    scenarios: Iterable[Scenario], *, ids: Iterable[str] = (), mandatory_only: bool = False, prefix: str | None = None
) -> list[Scenario]:
    wanted = set(ids)
    out = []
    for s in scenarios:
        if wanted and s.scenario_id not in wanted:
            continue
        if mandatory_only and not s.mandatory:
            continue
        if prefix and not s.scenario_id.startswith(prefix):
            continue
        out.append(s)
    return out


@dataclass
class Job:
    scenario: Scenario
    sut: Agency | None = None
    driver: Driver | None = None
    home_axis: str | None = None
    attempt: int = 1
    round_name: str = ""
    done: Callable[[ScenarioResult], None] | None = field(default=None, repr=False)
    begin: Callable[[], None] | None = field(default=None, repr=False)
    """Called just before the scenario starts (live progress, the clerk's task context)."""


def _steps(world: World, job: Job) -> ScenarioRun:
    """A scenario's steps, up to the first that does not pass."""
    scenario, driver = job.scenario, job.driver
    run = ScenarioRun(
        world,
        scenario_id=scenario.scenario_id,
        name=scenario.name,
        feature=scenario.feature,
        tags=scenario.tags,
        sut=job.sut,
        driver=driver,
        driver_name=driver.name if driver else "",
        attempt=job.attempt,
        round_name=job.round_name,
        home_axis=job.home_axis,
    )
    for kind, text in scenario.steps:
        if run.step(kind, KEYWORD_VI[kind], text) is not Outcome.PASSED:
            break
    return run


def _settle_and_finish(run: ScenarioRun) -> ScenarioResult:
    run.settle()
    return run.finish()


def run_scenario(
    world: World,
    scenario: Scenario,
    *,
    sut: Agency | None = None,
    driver: Driver | None = None,
    attempt: int = 1,
    round_name: str = "",
    home_axis: str | None = None,
) -> ScenarioResult:
    job = Job(scenario, sut=sut, driver=driver, home_axis=home_axis, attempt=attempt, round_name=round_name)
    return _settle_and_finish(_steps(world, job))


def start_job(world: World, job: Job) -> Future[ScenarioResult]:
    """Run a job's steps now and its checks left for the end (`ScenarioContext.defer`) beside whatever the
    caller runs next: a lane of one system's scenarios goes on while the last one's quiet window passes (RT-03:
    no second copy within three looks after a document arrived, 1.5 s compressed, about a twelfth of a lane).
    The scenario's clean-ups (faults put on the axis) run before this returns, so the next scenario starts on a
    clean axis; its result, recorded when the deferred checks end, is the future's."""
    run = _steps(world, job)
    done: Future[ScenarioResult] = Future()
    if run.stopped or not run.ctx.deferred:
        done.set_result(_settle_and_finish(run))
        return done
    run.ctx.close()

    def later() -> None:
        try:
            done.set_result(_settle_and_finish(run))
        except BaseException as exc:  # the future carries it to the lane
            done.set_exception(exc)

    threading.Thread(target=later, name=f"settle-{job.scenario.scenario_id}", daemon=True).start()
    return done


@dataclass(frozen=True, slots=True)
class FollowUp:
    """Jobs a lane runs again once its own are done (failures to retry, failures judged while the machine
    lagged), at most `cap` such lanes of the same cap at a time."""

    jobs: list[Job]
    cap: int


class _Queue:
    """Lanes waiting for a worker; a worker that finishes a lane may queue its follow-up at the back, so the
    queue is empty only when nothing waits and no lane that could add one is still running."""

    def __init__(self, lanes: Iterable[list[tuple[int, Job]]]) -> None:
        self._waiting: deque[tuple[list[tuple[int, Job]], int]] = deque((items, 0) for items in lanes)
        self._running = 0
        self._cond = threading.Condition()

    def take(self) -> tuple[list[tuple[int, Job]], int] | None:
        with self._cond:
            while not self._waiting and self._running:
                self._cond.wait()
            if not self._waiting:
                return None
            self._running += 1
            return self._waiting.popleft()

    def finish(self, follow: tuple[list[tuple[int, Job]], int] | None) -> None:
        with self._cond:
            self._running -= 1
            if follow is not None:
                self._waiting.append(follow)
            self._cond.notify_all()


def run_jobs(
    world: World,
    jobs: list[Job],
    *,
    workers: int = 1,
    keep: bool = True,
    follow: Callable[[str], FollowUp | None] | None = None,
) -> list[ScenarioResult]:
    """Run jobs; jobs of one system under test run in order, different systems in parallel (at most
    `workers` systems at a time, in the order of `jobs`). Results come back in the order of `jobs`;
    with `keep` False none are kept (a province-sized trial streams them through `Job.done`).

    `follow(lane)` is asked, once a lane's results are all delivered, for the jobs to run again on that lane;
    they wait behind every lane not yet started, so they fill the end of a run, where fewer lanes are left
    than workers, instead of running in rounds of their own after it."""
    lanes: dict[str, list[tuple[int, Job]]] = {}
    for index, job in enumerate(jobs):
        lanes.setdefault(_lane_key(job), []).append((index, job))
    queue = _Queue(lanes.values())
    caps: dict[int, threading.Semaphore] = {}
    caps_lock = threading.Lock()
    counter = iter(range(len(jobs), sys.maxsize))
    out: list[tuple[int, ScenarioResult]] = []

    def lane(items: list[tuple[int, Job]]) -> None:
        pending: deque[tuple[int, Job, Future[ScenarioResult]]] = deque()

        def deliver(wait: bool) -> None:
            """Hand finished results to their jobs in the lane's order (a job's `done` never runs before an
            earlier one's: the last one's makes the system dormant)."""
            while pending and (wait or pending[0][2].done()):
                index, job, future = pending.popleft()
                r = future.result()
                if job.done:
                    job.done(r)
                if keep:
                    out.append((index, r))

        for index, job in items:
            if job.begin:
                job.begin()
            pending.append((index, job, start_job(world, job)))
            deliver(wait=False)
        deliver(wait=True)

    def work() -> None:
        while (taken := queue.take()) is not None:
            items, cap = taken
            again: tuple[list[tuple[int, Job]], int] | None = None
            try:
                if cap:
                    with caps_lock:
                        gate = caps.setdefault(cap, threading.Semaphore(cap))
                    with gate:
                        lane(items)
                else:
                    lane(items)
                more = follow(_lane_key(items[0][1])) if follow is not None else None
                if more is not None and more.jobs:
                    again = ([(next(counter), job) for job in more.jobs], max(1, more.cap))
            finally:
                queue.finish(again)

    if workers <= 1 or len(lanes) <= 1:
        work()
    else:
        with ThreadPoolExecutor(max_workers=min(workers, len(lanes))) as pool:
            for f in [pool.submit(work) for _ in range(min(workers, len(lanes)))]:
                f.result()
    return [r for _, r in sorted(out, key=lambda pair: pair[0])]


def _lane_key(job: Job) -> str:
    return job.sut.id if job.sut else job.home_axis or ""
