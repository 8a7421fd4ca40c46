"""Serve the console with uvicorn (`lienthong console`, `python -m harness.console`)."""

from __future__ import annotations

import argparse
import logging

import uvicorn

from harness.console.app import create_app
from harness.console.config import ConsoleConfig


def parse_bind(bind: str) -> tuple[str, int]:
    host, _, port = bind.rpartition(":")
    if not host or not port.isdigit():
        raise ValueError(f"địa chỉ {bind!r} không hợp lệ: dùng dạng 127.0.0.1:8090")
    return host.strip("[]"), int(port)


def serve(config: ConsoleConfig, bind: str = "127.0.0.1:8090", *, trusted_proxy: str | None = None) -> None:
    """Serve on `bind`. The client address (login throttling, audit rows) is the socket's peer, except that
    X-Forwarded-For is believed from `trusted_proxy` (the TLS reverse proxy's address) and from no one else."""
    host, port = parse_bind(bind)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    uvicorn.run(
        create_app(config),
        host=host,
        port=port,
        log_level="warning",
        timeout_keep_alive=75,
        proxy_headers=trusted_proxy is not None,
        forwarded_allow_ips=trusted_proxy or "",
    )


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m harness.console")
    parser.add_argument("--db", required=True)
    parser.add_argument("--bind", default="127.0.0.1:8090")
    parser.add_argument("--topology", default=None)
    parser.add_argument("--base-url", default=None)
    parser.add_argument("--https", action="store_true")
    parser.add_argument("--trusted-proxy", default=None)
    args = parser.parse_args()
    from pathlib import Path

    base = args.base_url or f"http://{args.bind}"
    topology = Path(args.topology) if args.topology else None
    config = ConsoleConfig(db=args.db, topology=topology, base_url=base, https_only=args.https)
    serve(config, args.bind, trusted_proxy=args.trusted_proxy)


if __name__ == "__main__":
    main()
