"""How late a simulator's event loop runs: a task asks to sleep a tenth of a second and records how much
longer it took. Every simulated system of an agency host waits in that same queue, and every request of
every system passes through its axis' loop, so when the overshoot grows a conformant system fetches,
registers, polls and answers late for reasons that are the harness machine's, not its own. The harness
reads the samples (`GET /_sim/lag` of a host's backchannel or of an axis' control plane) and paces and
judges on them as on its own lag (harness/scenarios/lag.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import deque

TICK = 0.1
KEPT = 600
"""Samples kept (a minute): the harness reads them every half second."""


class LoopLag:
    def __init__(self, tick: float = TICK) -> None:
        self.tick = tick
        self.samples: deque[tuple[float, float]] = deque(maxlen=KEPT)
        """(epoch seconds, overshoot seconds), oldest first."""

    async def run(self, stop: asyncio.Event) -> None:
        """Sample until `stop` is set."""
        while not stop.is_set():
            t0 = time.monotonic()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=self.tick)
            self.samples.append((time.time(), max(0.0, time.monotonic() - t0 - self.tick)))

    def since(self, after: float) -> list[tuple[float, float]]:
        """The samples taken after epoch time `after`."""
        return [s for s in self.samples if s[0] > after]


def samples_body(lag: LoopLag | None, after: str | None) -> dict[str, list[list[float]]]:
    """The body of `GET /_sim/lag?after=<epoch>` (a host's backchannel and an axis' control plane alike):
    [[epoch, seconds], ...]. ValueError, in Vietnamese, when `after` is not a number."""
    try:
        since = float(after or "0")
    except ValueError:
        raise ValueError("Tham số 'after' phải là một số (giây kể từ epoch).") from None
    samples = lag.since(since) if lag is not None else []
    return {"samples": [[round(t, 3), round(v, 4)] for t, v in samples]}
