"""How late the harness' machine runs: a thread that asks to sleep a tenth of a second and measures how
much longer it took. On a machine that keeps up the overshoot is a millisecond or two; when the CPUs are
saturated every process waits its turn, the systems simulated on the same machine included, and
compressed deadlines of two seconds stop meaning anything.

The systems simulated on the same machine run in agency hosts, one event loop each for many agencies; a
host's loop can fall seconds behind while this process keeps time (at 256 agencies, 48 at once, conformant
systems took a second a document and failed the flash deadline with the harness' own overshoot under a
tenth of a second). So the monitor also follows each host's event-loop lag (`HostLag`, the host's
`GET /_sim/lag`) and counts it as the machine's.

A trial paces itself on it (no new scenario starts while the machine lags) and says in its outcome how
late the machine ran, so that a verdict never silently depends on how loaded the harness was.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import httpx

TICK = 0.1
HISTORY = 3600.0
"""Seconds of samples kept for `worst_between` (longer than any compressed scenario)."""
BACKFILL = 60.0
"""Oldest a source's sample may be when it is read (seconds); older ones are dropped. A source keeps a minute
of samples and is read every FOLLOW seconds, so only a source unreachable for a minute loses any, and
`worst_between` reads back only to this far before a scenario's start instead of the whole history."""
LAGGING = 0.25
"""Seconds of overshoot from which the machine counts as lagging: an eighth of the tightest compressed
deadline (hỏa tốc, 2 s)."""
OWN = -1
"""The source index of this process' own samples."""


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


FOLLOW = 0.5
"""Seconds between two readings of the hosts' samples."""

LagSource = Callable[[float], list[tuple[float, float]]]
"""Another process's lag samples (epoch seconds, overshoot seconds) taken after the epoch time given."""


class HostLag:
    """A simulator's event-loop lag: an agency host's, read from its backchannel (`lag` and `token` of
    backchannel.json), or an axis', from its control plane (`<root>/_sim/lag`, as the world's AxisWatch reads it)."""

    def __init__(self, url: str, token: str | None = None, timeout: float = 2.0) -> None:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.url = url
        self.http = httpx.Client(headers=headers, timeout=timeout, trust_env=False)

    def __call__(self, after: float) -> list[tuple[float, float]]:
        """The samples after `after`; none when the host does not answer (it is not judged on them)."""
        try:
            response = self.http.get(self.url, params={"after": f"{after:.3f}"})
            response.raise_for_status()
            return [(float(t), float(v)) for t, v in response.json()["samples"]]
        except (httpx.HTTPError, ValueError, KeyError, TypeError):
            return []

    def close(self) -> None:
        self.http.close()


def _smooth(current: float, lag: float) -> float:
    return 0.7 * current + 0.3 * lag


class LagMonitor:
    """Samples the machine's lag in a daemon thread until stopped, and follows the hosts' (`sources`) in a
    second one; `wait_until_calm` is the pacing gate."""

    def __init__(self, tick: float = TICK, sources: Sequence[LagSource] = ()) -> None:
        self.tick = tick
        self.own = 0.0
        """Smoothed overshoot of this process, seconds."""
        self.sources = list(sources)
        self._hosts = [0.0] * len(self.sources)
        """Smoothed overshoot of each source, seconds."""
        self._seen = [time.time()] * len(self.sources)
        self._worst = 0.0
        self._samples = 0
        self._lagging = 0
        self._paused = 0.0
        self._recent: deque[tuple[float, float, int]] = deque(maxlen=int(HISTORY / tick) * (1 + len(self.sources)))
        """(epoch seconds, overshoot, source index or OWN) of the last HISTORY seconds: how late the machine ran
        during a scenario."""
        self._lock = threading.Lock()
        self._following = threading.Lock()
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._run, name="lag-monitor", daemon=True)]
        if self.sources:
            self._threads.append(threading.Thread(target=self._follow, name="lag-follower", daemon=True))

    def __enter__(self) -> LagMonitor:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=3)

    @property
    def current(self) -> float:
        """Smoothed overshoot of the machine: the latest of this process and the hosts, seconds."""
        return max([self.own, *self._hosts])

    def _add(self, at: float, lag: float, source: int = OWN) -> None:
        if at < time.time() - BACKFILL:
            return
        with self._lock:
            self._recent.append((at, lag, source))
            self._samples += 1
            self._worst = max(self._worst, lag)
            self._lagging += lag > LAGGING

    def _run(self) -> None:
        while not self._stop.is_set():
            t0 = time.monotonic()
            self._stop.wait(self.tick)
            lag = max(0.0, time.monotonic() - t0 - self.tick)
            self._add(time.time(), lag)
            self.own = _smooth(self.own, lag)

    def _follow(self) -> None:
        while not self._stop.wait(FOLLOW):
            self.follow()

    def follow(self) -> None:
        """Read each source's new samples once (the follower thread does it every FOLLOW seconds, and a
        failing scenario's judge when it needs the latest)."""
        with self._following:
            for i, source in enumerate(self.sources):
                samples = source(self._seen[i])
                for at, lag in samples:
                    self._add(at, lag, i)
                    self._hosts[i] = _smooth(self._hosts[i], lag)
                if samples:
                    self._seen[i] = max(at for at, _ in samples)

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
        """The largest overshoot of a sample whose stretch overlaps the span between two epoch times (0 when
        none did). A sample is taken when the late wake-up finally happens, so a stall that began before `end`
        is stamped after it; each host's samples are first read up to `end` (`catch_up`)."""
        self.catch_up(end)
        worst = 0.0
        with self._lock:
            for at, lag, _ in reversed(self._recent):  # newest first: samples are added at most BACKFILL late
                if at < start - BACKFILL:
                    break
                if at >= start and at - lag - self.tick <= end:
                    worst = max(worst, lag)
        return worst

    def lost_between(self, start: float, end: float) -> float:
        """The most time one process (this one or one source) lost to stalls within the span between two epoch
        times: its overshoots over LAGGING, each clipped to the span, summed. A wait of many seconds is not undone
        by one short stall but may be by many (`worst_between` judges the short deadlines). Smaller overshoots
        are a busy event loop's queue (every request a tenth of a second late), not time the system lost: in the
        demo on a runner busy with other tests an axis' loop overshot 0.05-0.2 s on most ticks, 4 s of a 6 s
        wait when added up, while nothing stalled for more than 0.6 s."""
        self.catch_up(end)
        lost: dict[int, float] = {}
        with self._lock:
            for at, lag, source in reversed(self._recent):
                if at < start - BACKFILL:
                    break
                if lag <= LAGGING:
                    continue
                overlap = min(at, end) - max(at - lag, start)
                if overlap > 0:
                    lost[source] = lost.get(source, 0.0) + overlap
        return max(lost.values(), default=0.0)

    def catch_up(self, end: float, timeout: float = 3.0) -> None:
        """Read the sources until each has a sample stamped after `end`: the follower reads only every
        FOLLOW seconds, and the stall that made a scenario fail is often the last thing before it ended.
        A host that has none after `timeout` is stalled: that is counted as its lag."""
        deadline = time.monotonic() + timeout
        while self.sources and min(self._seen) <= end:
            self.follow()
            if min(self._seen) > end:
                return
            if time.monotonic() > deadline:
                for i, seen in enumerate(self._seen):
                    if seen <= end:
                        self._add(time.time(), time.time() - seen - self.tick, i)
                return
            time.sleep(self.tick / 2)

    def report(self) -> LagReport:
        with self._lock:
            return LagReport(self._samples, round(self._worst, 3), self._lagging, round(self._paused, 1))
