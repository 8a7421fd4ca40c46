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


def serve(config: ConsoleConfig, bind: str = "127.0.0.1:8090") -> None:
    host, port = parse_bind(bind)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    uvicorn.run(create_app(config), host=host, port=port, log_level="warning", timeout_keep_alive=75)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m harness.console")
    parser.add_argument("--db", required=True)
    parser.add_argument("--bind", default="127.0.0.1:8090")
    parser.add_argument("--topology", default=None)
    parser.add_argument("--base-url", default=None)
    args = parser.parse_args()
    from pathlib import Path

    base = args.base_url or f"http://{args.bind}"
    serve(ConsoleConfig(db=args.db, topology=Path(args.topology) if args.topology else None, base_url=base), args.bind)


if __name__ == "__main__":
    main()
