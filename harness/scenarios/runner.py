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


def run_jobs(world: World, jobs: list[Job], *, workers: int = 1, keep: bool = True) -> list[ScenarioResult]:
    """Run jobs; jobs of one system under test run in order, different systems in parallel (at most
    `workers` systems at a time, in the order of `jobs`). Results come back in the order of `jobs`;
    with `keep` False none are kept (a province-sized trial streams them through `Job.done`)."""
    lanes: dict[str, list[tuple[int, Job]]] = {}
    for index, job in enumerate(jobs):
        lanes.setdefault(job.sut.id if job.sut else job.home_axis or "", []).append((index, job))

    def lane(items: list[tuple[int, Job]]) -> list[tuple[int, ScenarioResult]]:
        out: list[tuple[int, ScenarioResult]] = []
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
        return out

    if workers <= 1 or len(lanes) <= 1:
        done = [pair for items in lanes.values() for pair in lane(items)]
    else:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            futures = [pool.submit(lane, items) for items in lanes.values()]
            done = [pair for f in futures for pair in f.result()]
    return [r for _, r in sorted(done, key=lambda pair: pair[0])]
