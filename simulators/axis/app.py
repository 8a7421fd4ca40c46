"""The ASGI application of one axis: VXP routes under the base path, control plane under /_sim."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.routing import Route

from simulators.axis.config import AxisConfig
from simulators.axis.control import control_routes
from simulators.axis.relay import Relay
from simulators.axis.service import Axis
from simulators.axis.vxp_endpoint import VxpEndpoint


def create_app(config: AxisConfig) -> Starlette:
    """Open the store and, for a provincial axis, run the relay to the national axis."""
    axis = Axis(config)
    relay = Relay(axis, config.upstream) if config.upstream is not None else None

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if relay is not None:
            relay.start()
        try:
            yield
        finally:
            if relay is not None:
                await relay.stop()
            axis.close()

    base = "/" + config.base_path.strip("/") if config.base_path.strip("/") else ""
    routes = [Route(base + "/{operation}", VxpEndpoint(axis).endpoint, methods=["GET", "POST"]), *control_routes(axis)]
    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.axis = axis
    app.state.relay = relay
    return app
