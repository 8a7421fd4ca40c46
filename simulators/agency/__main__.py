"""`python -m simulators.agency --endpoints .lienthong/sim/endpoints.json`: host the simulated
agencies of a running simulation until SIGINT/SIGTERM."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
from pathlib import Path

from simulators.agency.engine import Timing
from simulators.agency.host import build_agencies, pki_for, read_endpoints, serve


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m simulators.agency", description=__doc__)
    parser.add_argument("--endpoints", type=Path, required=True, help="endpoints.json written by `lienthong sim up`")
    parser.add_argument("--state-dir", type=Path, required=True, help="where each agency keeps its SQLite file")
    parser.add_argument("--pki-dir", type=Path, default=None, help="test PKI directory (default .lienthong/pki)")
    parser.add_argument("--skip", action="append", default=[], help="agency id not to simulate (system under test)")
    parser.add_argument("--poll", type=float, default=1.0, help="seconds between polls")
    parser.add_argument("--step", type=float, default=0.5, help="seconds between two statuses of a document")
    parser.add_argument("--log-level", default="warning")
    args = parser.parse_args(argv)
    logging.basicConfig(level=args.log_level.upper(), format="%(asctime)s %(name)s %(levelname)s %(message)s")
    for name in ("pyhanko", "pyhanko_certvalidator"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    endpoints = read_endpoints(args.endpoints)
    pki = pki_for(endpoints, args.pki_dir)

    async def run() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        agencies = build_agencies(endpoints, pki, args.state_dir, Timing(args.poll, args.step), args.skip)
        await serve(agencies, stop)

    asyncio.run(run())


if __name__ == "__main__":
    main()
