"""Which failures are the machine's, not the system's: a failure judged while the harness' machine lagged is
voided (Lỗi bộ kiểm thử) and its scenario run again, in rounds of fewer agencies at once so that the machine is
calmer. Passes stand: lag only ever delays a system."""

from __future__ import annotations

from datetime import datetime

from harness.scenarios.lag import LagMonitor
from harness.scenarios.results import Outcome, ScenarioResult

VOID_ROUNDS = 3
"""Times an agency's failures judged while the machine lagged run again (after its --retries rounds): with the
hosts and axes followed, once was not enough on a machine busy with other work (a scenario voided twice stayed
a harness error)."""


def round_parallel(parallel: int, round_: int, retries: int) -> int:
    """Agencies at a time running their failures again for the `round_`-th time (0-based): as many as the first
    runs for the --retries rounds, then half as many for each round of only voided failures, so that the machine
    which lagged is calmer (at 256 agencies 776 voided scenarios run again 32 at a time were voided again 248
    times, then 141, 66)."""
    if round_ < retries:
        return parallel
    return max(1, parallel >> (round_ - retries + 1))


VOIDING_LAG = 0.5
"""Seconds the machine may run late during a scenario before its failure is not held against the system (a
quarter of the tightest compressed deadline, hỏa tốc 2 s)."""

VOIDING_SHARE = 0.25
"""Share of a wait that ran out which the machine may lose to stalls before the failure is not held against the
system: a quarter, as VOIDING_LAG is of the tightest deadline. At the demo's size on a CI runner busy with other
tests, a vendor that never answers RT-12's misaddressed package (an 11-second wait) had every attempt voided by
a half-second stall somewhere in the scenario and ended a harness error."""


def void_if_lagged(monitor: LagMonitor, result: ScenarioResult) -> bool:
    """A failure judged while the harness' machine ran late is the harness' (Lỗi bộ kiểm thử), not the system's:
    the scenario is run again. Passes stand, and so do failures in what the system sent. A failure that is a wait
    running out (`result.waited`) is judged over that wait: voided when one process lost more than VOIDING_SHARE
    of it to stalls (at least VOIDING_LAG); any other over the whole scenario, by its worst stall."""
    if result.outcome is not Outcome.FAILED or not result.started:
        return False
    if len(result.waited) == 2:
        began, span = result.waited
        if span <= 0:  # a failure in what the system sent: lag delays a system, it does not change its packages
            return False
        lost = monitor.lost_between(began, began + span)
        if lost <= max(VOIDING_LAG, VOIDING_SHARE * span):
            return False
        how = f"mất {lost:.1f} giây trong {span:.1f} giây chờ"
    else:
        start = datetime.fromisoformat(result.started).timestamp()
        worst = monitor.worst_between(start, start + result.seconds)
        if worst <= VOIDING_LAG:
            return False
        how = f"trễ {worst:.1f} giây"
    result.outcome = Outcome.ERROR
    result.message_vi = (
        f"Lỗi bộ kiểm thử: máy chạy bộ kiểm thử bị quá tải ({how}) trong khi chạy kịch bản nên kết "
        f"quả «{result.message_vi}» không được tính; kịch bản được chạy lại."
    )
    return True
