"""Helpers for tests that drive simulated agencies in this process (no host process)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from simulators.agency.engine import SimulatedAgency


async def until(agencies: list[SimulatedAgency], done: Callable[[], bool], timeout: float = 15.0) -> None:
    """Poll every agency, one whole cycle each, until `done()`; fail at the deadline."""
    deadline = time.monotonic() + timeout
    while not done():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for the agencies")
        for a in agencies:
            await a.poll_once()
        await asyncio.sleep(0.03)
