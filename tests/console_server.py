"""The trial console as the tests use it: a real uvicorn process on a loopback port over a campaign store,
and helpers to log in over HTTP (httpx) the way a browser does (session cookie, CSRF field)."""

from __future__ import annotations

import re
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from harness.trial.store import CampaignStore
from harness.trial.tasks import TaskStore
from tests.conftest import REPO

CSRF_RE = re.compile(r'name="csrf" value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def console_process(
    db: Path | None, *, topology: Path | None = None, log: Path | None = None, command: list[str] | None = None
) -> Iterator[str]:
    """Serve the console over `db` (with `command`, e.g. `lienthong console`, instead of `python -m harness.console`;
    without `db`, `command` says which store and `log` is required); yields its base URL; the process is stopped
    afterwards."""
    port = free_port()
    args = [*(command or [sys.executable, "-m", "harness.console"]), "--bind", f"127.0.0.1:{port}"]
    if db is not None:
        args += ["--db", str(db)]
    if topology is not None:
        args += ["--topology", str(topology)]
    assert log is not None or db is not None
    out = (log or Path(str(db)).parent / "console.log").open("ab")
    process = subprocess.Popen(args, cwd=REPO, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"the console exited with {process.returncode}; see {out.name}")
            try:
                if httpx.get(base + "/dang-nhap", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("the console did not answer within 30 s")
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        out.close()


def csrf_of(html: str) -> str:
    found = CSRF_RE.search(html)
    assert found, "the page has no CSRF field"
    return found.group(1)


_OPEN: list[httpx.Client] = []


def browser_client(base: str, **options: object) -> httpx.Client:
    """An HTTP client of the console as a browser holds one (cookies kept, no redirects followed); closed by
    `close_clients` after the test (tests/conftest.py), so no socket is left to the collector."""
    settings: dict[str, object] = {"timeout": 30, "follow_redirects": False, **options}
    client = httpx.Client(base_url=base, **settings)  # type: ignore[arg-type]
    _OPEN.append(client)
    return client


def close_clients() -> None:
    while _OPEN:
        _OPEN.pop().close()


def login(base: str, username: str, password: str) -> httpx.Client:
    """An HTTP client logged in as `username` (raises AssertionError when the login is refused)."""
    client = browser_client(base)
    token = csrf_of(client.get("/dang-nhap").text)
    reply = client.post("/dang-nhap", data={"csrf": token, "username": username, "password": password, "next": "/"})
    assert reply.status_code == 303, reply.text[-500:]
    return client


def copy_store(source: Path, target: Path) -> Path:
    """A consistent copy of a campaign's SQLite store (the console may then write to it freely)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    return target


def post_rt11_task(
    store: CampaignStore, organ_id: str, kind: str, *, attempt: int, number: int = 1, title: str, text: str = "…"
) -> int:
    """A clerk task of RT-11 (the operator-driven scenario the console's tasks come from), posted in round 1 as
    the operator driver would; returns its number."""
    return TaskStore(store).post(
        round_number=1, organ_id=organ_id, scenario_id="RT-11", scenario="Hệ thống chặn gửi văn bản mật",
        attempt=attempt, number=number, kind=kind, title=title, text=text,
    ).id  # fmt: skip
