"""The ASGI application of one axis: its protocol's routes (VXP under the base path, or Bkav's
EdocService under /EdocService), the control plane under /_sim."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

from starlette.applications import Starlette
from starlette.routing import Route

from harness.edxml.formats import now_ict
from harness.transport.bkav.wire import BASE_PATH as BKAV_BASE
from harness.transport.vxp.wire import TIME_FORMAT
from simulators.axis.bkav_endpoint import BkavEndpoint
from simulators.axis.config import AxisConfig
from simulators.axis.control import control_routes
from simulators.axis.relay import Relay
from simulators.axis.service import Axis, now_text
from simulators.axis.vxp_endpoint import VxpEndpoint
from simulators.loop_lag import LoopLag

log = logging.getLogger(__name__)
JOURNAL_FLUSH_SECONDS = 0.2
PURGE_MIN_SECONDS = 0.5


def create_app(config: AxisConfig) -> Starlette:
    """Open the store and, for a provincial axis, run the relay to the national axis."""
    axis = Axis(config)
    relay = Relay(axis, config.upstream) if config.upstream is not None else None
    lag = LoopLag()
    stopping = asyncio.Event()

    async def flush_journal() -> None:
        while True:
            await asyncio.sleep(JOURNAL_FLUSH_SECONDS)
            try:
                axis.store.flush_journal()
            except sqlite3.Error:
                log.exception("journal flush failed")

    async def purge_bodies(retention: float) -> None:
        """Bodies past retention go a batch at a time, so a purge never holds the store for long."""
        while True:
            await asyncio.sleep(max(PURGE_MIN_SECONDS, retention / 4))
            try:
                cutoff = (now_ict() - timedelta(seconds=retention)).strftime(TIME_FORMAT)
                while axis.store.purge_bodies(cutoff, now_text()):
                    await asyncio.sleep(0)
            except sqlite3.Error:
                log.exception("purging package bodies failed")

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if relay is not None:
            relay.start()
        tasks = [asyncio.create_task(flush_journal()), asyncio.create_task(lag.run(stopping))]
        if config.body_retention_seconds is not None:
            tasks.append(asyncio.create_task(purge_bodies(config.body_retention_seconds)))
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            if relay is not None:
                await relay.stop()
            axis.close()

    base = "/" + config.base_path.strip("/") if config.base_path.strip("/") else ""
    # An axis speaks one protocol to its agencies, as the real ones do: a VNPT client pointed at a Bkav
    # province must fail here as it would there. (Its relay still speaks VXP to the national axis.)
    if config.protocol == "bkav":
        service = Route(BKAV_BASE + "/{operation}", BkavEndpoint(axis).endpoint, methods=["GET", "POST"])
    else:
        service = Route(base + "/{operation}", VxpEndpoint(axis).endpoint, methods=["GET", "POST"])
    routes = [service, *control_routes(axis, lag)]
    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.axis = axis
    app.state.relay = relay
    return app
