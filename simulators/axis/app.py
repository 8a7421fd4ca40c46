"""The ASGI application of one axis: VXP routes under the base path, control plane under /_sim."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.routing import Route

from harness.transport.bkav.wire import BASE_PATH as BKAV_BASE
from simulators.axis.bkav_endpoint import BkavEndpoint
from simulators.axis.config import AxisConfig
from simulators.axis.control import control_routes
from simulators.axis.relay import Relay
from simulators.axis.service import Axis
from simulators.axis.vxp_endpoint import VxpEndpoint

log = logging.getLogger(__name__)
JOURNAL_FLUSH_SECONDS = 0.2


def create_app(config: AxisConfig) -> Starlette:
    """Open the store and, for a provincial axis, run the relay to the national axis."""
    axis = Axis(config)
    relay = Relay(axis, config.upstream) if config.upstream is not None else None

    async def flush_journal() -> None:
        while True:
            await asyncio.sleep(JOURNAL_FLUSH_SECONDS)
            try:
                axis.store.flush_journal()
            except sqlite3.Error:
                log.exception("journal flush failed")

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if relay is not None:
            relay.start()
        flusher = asyncio.create_task(flush_journal())
        try:
            yield
        finally:
            flusher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await flusher
            if relay is not None:
                await relay.stop()
            axis.close()

    base = "/" + config.base_path.strip("/") if config.base_path.strip("/") else ""
    routes = [Route(base + "/{operation}", VxpEndpoint(axis).endpoint, methods=["GET", "POST"]), *control_routes(axis)]
    if config.protocol == "bkav":
        routes.insert(0, Route(BKAV_BASE + "/{operation}", BkavEndpoint(axis).endpoint, methods=["GET", "POST"]))
    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.axis = axis
    app.state.relay = relay
    return app
