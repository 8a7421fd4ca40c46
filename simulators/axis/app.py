"""The ASGI application of one axis: its protocol's routes (VXP under the base path, or Bkav's
EdocService under /EdocService), the control plane under /_sim."""

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
    # An axis speaks one protocol to its agencies, as the real ones do: a VNPT client pointed at a Bkav
    # province must fail here as it would there. (Its relay still speaks VXP to the national axis.)
    if config.protocol == "bkav":
        service = Route(BKAV_BASE + "/{operation}", BkavEndpoint(axis).endpoint, methods=["GET", "POST"])
    else:
        service = Route(base + "/{operation}", VxpEndpoint(axis).endpoint, methods=["GET", "POST"])
    routes = [service, *control_routes(axis)]
    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.axis = axis
    app.state.relay = relay
    return app
