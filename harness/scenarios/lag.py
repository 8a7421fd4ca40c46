"""How late the harness' machine runs: a thread that asks to sleep a tenth of a second and measures how
much longer it took. On a machine that keeps up the overshoot is a millisecond or two; when the CPUs are
saturated every process waits its turn, the systems simulated on the same machine included, and
compressed deadlines of two seconds stop meaning anything.

A trial paces itself on it (no new scenario starts while the machine lags) and says in its outcome how
late the machine ran, so that a verdict never silently depends on how loaded the harness was.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import dataclass

TICK = 0.1
HISTORY = 3600.0
"""Seconds of samples kept for `worst_between` (longer than any compressed scenario)."""
LAGGING = 0.25
"""Seconds of overshoot from which the machine counts as lagging: an eighth of the tightest compressed
deadline (hỏa tốc, 2 s)."""


@dataclass(frozen=True, slots=True)
class LagReport:
    samples: int
    worst: float
    """Largest overshoot seen, seconds."""
    lagging: int
    """Samples over LAGGING."""
    paused: float
    """Seconds scenarios waited to start because the machine lagged."""

    @property
    def share_lagging(self) -> float:
        return self.lagging / self.samples if self.samples else 0.0

    @property
    def kept_time(self) -> bool:
        """Compressed time held: no single overshoot reached the lagging mark more than rarely."""
        return self.share_lagging < 0.01

    def summary_vi(self) -> str:
        return (
            f"độ trễ lớn nhất {self.worst:.2f} giây, {100 * self.share_lagging:.1f}% thời gian trễ quá "
            f"{LAGGING:g} giây; các kịch bản chờ máy rảnh tổng cộng {self.paused:.0f} giây"
        )


class LagMonitor:
    """Samples the machine's lag in a daemon thread until stopped; `wait_until_calm` is the pacing gate."""

    def __init__(self, tick: float = TICK) -> None:
        self.tick = tick
        self.current = 0.0
        """Smoothed overshoot, seconds."""
        self._worst = 0.0
        self._samples = 0
        self._lagging = 0
        self._paused = 0.0
        self._recent: deque[tuple[float, float]] = deque(maxlen=int(HISTORY / tick))
        """(epoch seconds, overshoot) of the last HISTORY seconds: how late the machine ran during a scenario."""
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="lag-monitor", daemon=True)

    def __enter__(self) -> LagMonitor:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=2)

    def _run(self) -> None:
        while not self._stop.is_set():
            t0 = time.monotonic()
            self._stop.wait(self.tick)
            lag = max(0.0, time.monotonic() - t0 - self.tick)
            with self._lock:
                self._recent.append((time.time(), lag))
                self._samples += 1
                self._worst = max(self._worst, lag)
                self._lagging += lag > LAGGING
                self.current = 0.7 * self.current + 0.3 * lag

    def wait_until_calm(self, limit: float = 30.0) -> None:
        """Hold a scenario back while the machine lags (at most `limit` seconds: a stuck sample never
        stops the trial)."""
        t0 = time.monotonic()
        while self.current > LAGGING / 2 and time.monotonic() - t0 < limit and not self._stop.is_set():
            time.sleep(self.tick)
        waited = time.monotonic() - t0
        if waited > 0.01:
            with self._lock:
                self._paused += waited

    def worst_between(self, start: float, end: float) -> float:
        """The largest overshoot sampled between two epoch times (0 when none was)."""
        with self._lock:
            return max((lag for at, lag in self._recent if start <= at <= end + self.tick), default=0.0)

    def report(self) -> LagReport:
        with self._lock:
            return LagReport(self._samples, round(self._worst, 3), self._lagging, round(self._paused, 1))
