"""The one scenario execution core: the many-SUT runner (which calls the steps) and the pytest plugin
(which hears about steps pytest-bdd called) build the same result from the same step outcomes."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any, cast

import parse
import pytest

from harness.drivers.base import DriverError
from harness.scenarios import steps as registry
from harness.scenarios.context import NotApplicable, ScenarioContext, StepFailure
from harness.scenarios.execution import ScenarioRun, outcome_of, scenario_id_of
from harness.scenarios.results import Outcome, Recorder, ScenarioResult
from harness.scenarios.runner import FollowUp, Job, Scenario, run_jobs
from harness.scenarios.steps import StepDef, UndefinedStep
from harness.scenarios.world import World, WorldError


class Boom(RuntimeError):
    pass


RAISES: dict[str, BaseException] = {
    "check": StepFailure("RT-05", "Không nhận được trạng thái 01."),
    "skip": NotApplicable("Cần bảng điều khiển của trục mô phỏng."),
    "driver": DriverError("Không gọi được backchannel."),
    "world": WorldError("Không có cơ quan 000.00.99.H41."),
    "assert": AssertionError("so sánh sai"),
    "crash": Boom("hỏng"),
}


def test_every_exception_maps_to_one_outcome_and_message() -> None:
    assert outcome_of(RAISES["check"]) == (Outcome.FAILED, "[RT-05] Không nhận được trạng thái 01.")
    assert outcome_of(RAISES["skip"]) == (Outcome.NOT_RUN, "Cần bảng điều khiển của trục mô phỏng.")
    assert outcome_of(RAISES["driver"]) == (Outcome.ERROR, "Không gọi được backchannel.")
    assert outcome_of(RAISES["world"]) == (Outcome.ERROR, "Không có cơ quan 000.00.99.H41.")
    assert outcome_of(UndefinedStep("Không có định nghĩa")) == (Outcome.ERROR, "Không có định nghĩa")
    assert outcome_of(RAISES["assert"]) == (Outcome.FAILED, "so sánh sai")
    assert outcome_of(RAISES["crash"]) == (Outcome.ERROR, "Lỗi bộ kiểm thử: Boom: hỏng")


def test_the_scenario_id_is_the_run_test_tag() -> None:
    assert scenario_id_of(["mandatory", "EDX-60", "RT-01"]) == "RT-01"
    assert scenario_id_of(["AX-12"]) == "AX-12"
    assert scenario_id_of(["RT-1", "RTX-01", "recommended"]) == ""


@pytest.fixture
def test_steps() -> Iterator[None]:
    """Steps that raise what RAISES names, registered for the test only."""
    added = []

    def fine(ctx: ScenarioContext) -> None:
        ctx.data["ran"] = ctx.data.get("ran", 0) + 1

    def raising(ctx: ScenarioContext, what: str) -> None:
        raise RAISES[what]

    def deferring(ctx: ScenarioContext, what: str) -> None:
        def check() -> None:
            ctx.data["settled"] = True
            if what != "ổn":
                raise RAISES[what]

        ctx.defer(f"kiểm tra hẹn {what}", check)

    steps = (("bước ổn", fine), ("bước ném {what}", raising), ("bước hẹn {what}", deferring))
    for pattern, func in steps:
        step = StepDef("then", pattern, func, parse.compile(pattern))
        registry.REGISTRY.insert(0, step)
        added.append(step)
    yield
    for step in added:
        registry.REGISTRY.remove(step)


class Kept(Recorder):
    def __init__(self) -> None:
        super().__init__(None)
        self.kept: list[ScenarioResult] = []

    def record(self, result: ScenarioResult) -> None:
        self.kept.append(result)


def _world() -> tuple[World, list[ScenarioResult]]:
    recorder = Kept()
    world = SimpleNamespace(recorder=recorder, home_axis="H41", run_started=lambda: 0, run_ended=lambda token: None)
    return cast(World, world), recorder.kept


def _open(world: World) -> ScenarioRun:
    return ScenarioRun(world, scenario_id="AX-01", name="Thử", feature="AX-01 Thử", tags=["AX-01", "mandatory"])


def _by_runner(texts: list[str]) -> ScenarioResult:
    world, recorded = _world()
    run = _open(world)
    for text in texts:
        if run.step("then", "Thì", text) is not Outcome.PASSED:
            break
    run.settle()
    result = run.finish()
    assert recorded == [result]
    return result


def _by_plugin(texts: list[str]) -> ScenarioResult:
    """What the pytest plugin does: pytest-bdd runs the steps, the hooks report each one; pytest
    stops at the first exception, which fails (or skips) the call."""
    world, recorded = _world()
    run = _open(world)
    passed = True
    for text in texts:
        try:
            registry.run_step(run.ctx, "then", text)
        except Exception as exc:
            run.step_ended("Thì", text, 0.0, exc)
            passed = False
            break
        run.step_ended("Thì", text, 0.0)
    if run.settle() is not None:  # pytest_bdd_after_scenario raises it inside the test
        passed = False
    result = run.finish(passed)
    assert recorded == [result]
    return result


def _statement(r: ScenarioResult) -> tuple[Any, ...]:
    return r.outcome, r.message_vi, [(s.keyword, s.text, s.outcome, s.message_vi) for s in r.steps], len(r.evidence)


@pytest.mark.usefixtures("test_steps")
@pytest.mark.parametrize("what", sorted(RAISES))
def test_both_runners_state_the_same_for_every_kind_of_step_end(what: str) -> None:
    texts = ["bước ổn", f"bước ném {what}", "bước ổn"]
    by_runner, by_plugin = _by_runner(texts), _by_plugin(texts)
    assert _statement(by_runner) == _statement(by_plugin)
    expected, message = outcome_of(RAISES[what])
    assert by_runner.outcome is expected and by_runner.message_vi == message
    assert [s.outcome for s in by_runner.steps] == [Outcome.PASSED, expected]
    assert len(by_runner.evidence) == (1 if what == "crash" else 0)
    if what == "crash":
        assert "Boom: hỏng" in by_runner.evidence[0]


@pytest.mark.usefixtures("test_steps")
def test_a_scenario_whose_steps_pass_passes_unless_pytest_failed_it_outside_the_steps() -> None:
    assert _by_runner(["bước ổn", "bước ổn"]).outcome is Outcome.PASSED
    world, _ = _world()
    run = _open(world)
    run.step_ended("Thì", "bước ổn", 0.0)
    assert run.finish(False).outcome is Outcome.FAILED
    world, recorded = _world()
    assert _open(world).finish(None).outcome is Outcome.NOT_RUN and len(recorded) == 1


def test_a_scenario_stays_not_run_when_a_step_does_not_apply_even_though_pytest_skipped_it() -> None:
    """The plugin used to record a skipped scenario as failed (its call report is not 'passed')."""
    world, _ = _world()
    run = _open(world)
    run.step_ended("Thì", "bước ổn", 0.0)
    run.step_ended("Thì", "bước cần trục mô phỏng", 0.0, RAISES["skip"])
    assert run.finish(False).outcome is Outcome.NOT_RUN


@pytest.mark.usefixtures("test_steps")
@pytest.mark.parametrize("what", sorted(RAISES))
def test_a_check_left_for_the_end_runs_after_the_last_step_and_can_fail_the_scenario(what: str) -> None:
    texts = ["bước hẹn " + what, "bước ổn"]
    by_runner, by_plugin = _by_runner(texts), _by_plugin(texts)
    assert _statement(by_runner) == _statement(by_plugin)
    expected, message = outcome_of(RAISES[what])
    assert by_runner.outcome is expected and by_runner.message_vi == message
    assert [(s.keyword, s.text) for s in by_runner.steps] == [
        ("Thì", "bước hẹn " + what),
        ("Thì", "bước ổn"),
        ("Sau cùng", "kiểm tra hẹn " + what),
    ]
    assert by_runner.steps[-1].outcome is expected


@pytest.mark.usefixtures("test_steps")
def test_checks_left_for_the_end_pass_quietly_and_are_skipped_after_a_failed_step() -> None:
    passed = _by_runner(["bước hẹn ổn", "bước ổn"])
    assert passed.outcome is Outcome.PASSED and passed.steps[-1].outcome is Outcome.PASSED
    world, _ = _world()
    run = _open(world)
    for text in ("bước hẹn check", "bước ném world"):
        run.step("then", "Thì", text)
    assert run.settle() is None and "settled" not in run.ctx.data
    assert run.finish().message_vi == "Không có cơ quan 000.00.99.H41."


@pytest.fixture
def lane_steps() -> Iterator[list[tuple[str, str]]]:
    """A step that leaves a slow check for the end and a clean-up, and one that only marks when it ran."""
    events: list[tuple[str, str]] = []

    def slow(ctx: ScenarioContext, verdict: str) -> None:
        name = ctx.result.name
        ctx.cleanups.append(lambda: events.append(("dọn", name)))

        def check() -> None:
            time.sleep(0.4)
            events.append(("hẹn", name))
            if verdict != "ổn":
                raise RAISES["check"]

        ctx.defer("cửa sổ yên lặng", check)

    def mark(ctx: ScenarioContext) -> None:
        events.append(("bước", ctx.result.name))

    added = [
        StepDef("then", "bước chậm {verdict}", slow, parse.compile("bước chậm {verdict}")),
        StepDef("then", "bước đánh dấu", mark, parse.compile("bước đánh dấu")),
    ]
    for step in added:
        registry.REGISTRY.insert(0, step)
    yield events
    for step in added:
        registry.REGISTRY.remove(step)


@pytest.mark.parametrize("verdict", ["ổn", "lỗi"])
def test_a_lane_goes_on_while_a_check_left_for_the_end_waits(lane_steps: list[tuple[str, str]], verdict: str) -> None:
    """The next scenario of a lane starts once the last one's steps and clean-ups are done, not after its checks
    left for the end (RT-03's quiet window was a twelfth of a lane); results still reach their jobs in order,
    and a failing check fails its own scenario."""
    world, recorded = _world()
    events = lane_steps

    def scenario(name: str, step: str) -> Scenario:
        return Scenario("AX-01 Thử", name, ("AX-01",), (("then", step),))

    def done(result: ScenarioResult) -> None:
        events.append(("xong", result.name))

    jobs = [
        Job(scenario("một", f"bước chậm {verdict}"), home_axis="H41", done=done),
        Job(scenario("hai", "bước đánh dấu"), home_axis="H41", done=done),
    ]
    results = run_jobs(world, jobs, workers=2)
    assert [r.name for r in results] == ["một", "hai"] and sorted(recorded, key=lambda r: r.name) == sorted(
        results, key=lambda r: r.name
    )
    assert events.index(("dọn", "một")) < events.index(("bước", "hai")) < events.index(("hẹn", "một"))
    assert [e for e in events if e[0] == "xong"] == [("xong", "một"), ("xong", "hai")]
    first = results[0]
    assert (first.steps[-1].keyword, first.steps[-1].text) == ("Sau cùng", "cửa sổ yên lặng")
    assert first.outcome is (Outcome.PASSED if verdict == "ổn" else Outcome.FAILED)
    assert results[1].outcome is Outcome.PASSED


def test_a_lane_runs_its_follow_up_behind_the_lanes_not_yet_started(lane_steps: list[tuple[str, str]]) -> None:
    """A system's failures run again once its lane is done (issue 28: rounds of their own after the whole run left
    the machine a third busy for minutes at its end), behind every lane not yet started, at most `cap` such
    lanes at once; asked again once the follow-up is done, until it has nothing more."""
    world, _ = _world()
    events = lane_steps
    asked: list[str] = []
    running = {"now": 0, "most": 0}
    guard = threading.Lock()

    def scenario(name: str) -> Scenario:
        return Scenario("AX-01 Thử", name, ("AX-01",), (("then", "bước đánh dấu"),))

    def begin() -> None:
        with guard:
            running["now"] += 1
            running["most"] = max(running["most"], running["now"])

    def done(result: ScenarioResult) -> None:
        with guard:
            running["now"] -= 1

    def job(lane: str, name: str) -> Job:
        return Job(scenario(name), home_axis=lane, begin=begin, done=done)

    jobs = [job("A", "a1"), job("B", "b1"), job("B", "b2"), job("C", "c1"), job("C", "c2")]

    def follow(lane: str) -> FollowUp | None:
        asked.append(lane)
        again = {"A": ["a1 lần 2", "a1 lần 3"], "C": ["c2 lần 2"]}.get(lane, [])
        if asked.count(lane) > 1 or not again:
            return None
        return FollowUp([job(lane, name) for name in again], cap=1)

    results = run_jobs(world, jobs, workers=2, follow=follow)
    ran = [name for kind, name in events if kind == "bước"]
    assert [r.name for r in results] == ["a1", "b1", "b2", "c1", "c2", "a1 lần 2", "a1 lần 3", "c2 lần 2"]
    assert sorted(ran) == sorted(r.name for r in results)
    assert ran.index("c1") < ran.index("a1 lần 2") < ran.index("a1 lần 3"), "behind C, in the lane's order"
    assert sorted(asked) == ["A", "A", "B", "C", "C"], "asked again after a follow-up, never for it twice over"
    assert running["most"] <= 2
