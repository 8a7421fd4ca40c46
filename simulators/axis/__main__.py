"""`python -m simulators.axis --config axis.json`: serve one simulated axis with uvicorn."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

import uvicorn

from simulators.axis.app import create_app
from simulators.axis.config import AxisConfig
from simulators.axis.guard import guarded_protocol, journal_refusal

LIMIT_CONCURRENCY = 4000
"""All clients together; one client is held to `max_connections_per_client` well before this."""


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m simulators.axis", description=__doc__)
    parser.add_argument("--config", type=Path, required=True, help="AxisConfig JSON written by the launcher")
    parser.add_argument("--log-level", default="warning")
    args = parser.parse_args(argv)
    config = AxisConfig.load(args.config)
    logging.basicConfig(level=args.log_level.upper(), format="%(asctime)s %(name)s %(levelname)s %(message)s")
    app = create_app(config)
    protocol = guarded_protocol(
        header_timeout=config.header_timeout_seconds,
        max_per_client=config.max_connections_per_client,
        limit_concurrency=LIMIT_CONCURRENCY,
        on_refusal=journal_refusal(app.state.axis.store),
    )
    uvicorn.run(
        app,
        host=config.host,
        port=config.port,
        log_level=args.log_level,
        access_log=False,
        http=protocol,
        loop="uvloop",
        timeout_graceful_shutdown=5,
        limit_concurrency=LIMIT_CONCURRENCY,
        # Longer than any client's keep-alive (httpx: 5 s), so a client never reuses a connection
        # the server is closing at that moment (a "connection reset" under load).
        timeout_keep_alive=75,
    )


if __name__ == "__main__":
    main()
