"""One way to run a scenario, whoever calls its steps.

The many-SUT runner calls each step itself (`ScenarioRun.step`); under pytest, pytest-bdd calls the
steps and the plugin reports each one as it ends (`ScenarioRun.step_ended`). Either way the result
is built here, every exception is mapped to an outcome by `outcome_of`, and the result is recorded
once, by `ScenarioRun.finish`: a scenario gives the same statement whichever runner ran it.
"""

from __future__ import annotations

import logging
import re
import time
import traceback
from collections.abc import Iterable

from harness.drivers.base import Driver, DriverError
from harness.scenarios.context import NotApplicable, ScenarioContext, StepFailure
from harness.scenarios.results import Outcome, ScenarioResult, StepRecord, started_now
from harness.scenarios.steps import UndefinedStep, run_step
from harness.scenarios.world import Agency, World, WorldError

log = logging.getLogger(__name__)

SCENARIO_ID = re.compile(r"^(RT|AX)-\d\d$")
"""The run-test item a scenario belongs to, one of its tags."""


SETTLE_KEYWORD = "Sau cùng"
"""The keyword a check run after the last step is recorded under."""


def scenario_id_of(tags: Iterable[str]) -> str:
    """RT-05 or AX-03 from a scenario's tags ("" when it has none)."""
    return next((t for t in tags if SCENARIO_ID.match(t)), "")


def outcome_of(exc: BaseException) -> tuple[Outcome, str]:
    """What a step's exception says: a failed check names its rule; a scenario that does not apply is
    not run; a broken driver, world or harness is an error, which says nothing about the system."""
    if isinstance(exc, StepFailure):
        return Outcome.FAILED, f"[{exc.rule}] {exc.message_vi}"
    if isinstance(exc, NotApplicable):
        return Outcome.NOT_RUN, exc.message_vi
    if isinstance(exc, DriverError | WorldError):
        return Outcome.ERROR, exc.message_vi
    if isinstance(exc, UndefinedStep):
        return Outcome.ERROR, str(exc)
    if isinstance(exc, AssertionError):
        return Outcome.FAILED, str(exc)
    return Outcome.ERROR, f"Lỗi bộ kiểm thử: {type(exc).__name__}: {exc}"


def _unexpected(exc: BaseException) -> bool:
    expected = (StepFailure, NotApplicable, DriverError, WorldError, UndefinedStep, AssertionError)
    return not isinstance(exc, expected)


class ScenarioRun:
    """One scenario on one system under test (or one axis), from its first step to its record."""

    def __init__(
        self,
        world: World,
        *,
        scenario_id: str,
        name: str,
        feature: str,
        tags: Iterable[str],
        sut: Agency | None = None,
        driver: Driver | None = None,
        driver_name: str = "",
        attempt: int = 1,
        round_name: str = "",
        home_axis: str | None = None,
    ) -> None:
        started, self._t0 = started_now()
        self.world = world
        self._token = world.run_started()
        self.result = ScenarioResult(
            scenario_id=scenario_id,
            name=name,
            agency=sut.id if sut else (home_axis or world.home_axis),
            driver=driver_name,
            attempt=attempt,
            round=round_name,
            tags=list(tags),
            feature=feature,
            started=started,
        )
        axis = home_axis or (sut.axis if sut else None)
        self.ctx = ScenarioContext(world, self.result, sut=sut, driver=driver, home_axis=axis)
        self.stopped = False
        """A step did not pass: the scenario ends there."""

    def step(self, kind: str, keyword: str, text: str) -> Outcome:
        """Run one step (given|when|then) through the registry and record it."""
        t0 = time.monotonic()
        try:
            run_step(self.ctx, kind, text)
        except Exception as exc:
            if _unexpected(exc):
                log.debug("step crashed", exc_info=True)
            return self.step_ended(keyword, text, time.monotonic() - t0, exc)
        return self.step_ended(keyword, text, time.monotonic() - t0)

    def step_ended(self, keyword: str, text: str, seconds: float, exc: BaseException | None = None) -> Outcome:
        """Record a step someone else ran; the first one that does not pass gives the outcome."""
        outcome, message = (Outcome.PASSED, "") if exc is None else outcome_of(exc)
        if exc is not None and _unexpected(exc):
            self.result.evidence.append("".join(traceback.format_exception(exc, limit=8)))
        self.result.steps.append(StepRecord(keyword, text, outcome, round(seconds, 3), message))
        if outcome is not Outcome.PASSED and not self.stopped:
            self.stopped = True
            self.result.outcome, self.result.message_vi = outcome, message
        return outcome

    def settle(self) -> BaseException | None:
        """Run the checks the steps left for the end (`ScenarioContext.defer`) once every step has passed, each
        recorded as a step of its own; returns the first one's exception, if any (pytest raises it)."""
        while self.ctx.deferred and not self.stopped:
            text, check = self.ctx.deferred.pop(0)
            t0 = time.monotonic()
            try:
                check()
            except Exception as exc:
                self.step_ended(SETTLE_KEYWORD, text, time.monotonic() - t0, exc)
                return exc
            self.step_ended(SETTLE_KEYWORD, text, time.monotonic() - t0)
        self.ctx.deferred.clear()
        return None

    def finish(self, passed: bool | None = True) -> ScenarioResult:
        """Close the context and record the result once. `passed` is what the caller saw outside the
        steps (pytest's call report; None when the scenario never ran): a failure there fails a
        scenario whose steps all passed."""
        if not self.stopped and passed is not None:
            self.result.outcome = Outcome.PASSED if passed else Outcome.FAILED
        self.ctx.close()
        self.world.run_ended(self._token)
        self.result.seconds = round(time.monotonic() - self._t0, 3)
        self.world.recorder.record(self.result)
        return self.result
