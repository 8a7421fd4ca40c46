"""Many simulated agencies in one process, configured from a running simulation's endpoints.json,
with their backchannel served by uvicorn in the same event loop.

Each agency of the topology (except those skipped, e.g. the real system under test) gets its own
SimulatedAgency with the behaviour profile named in the topology (`profile:`, default conformant)
or on the command line, its own SQLite file and the shared test PKI. Once the backchannel listens,
`<state-dir>/backchannel.json` says where each agency answers (harness/drivers/simulated.py reads it).
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import json
import logging
import os
import socket
from collections.abc import Generator, Iterable, Mapping
from pathlib import Path
from typing import Any

import uvicorn

from harness.edxml.factory import organization
from harness.errors import LienthongError
from harness.pki import DEFAULT_SEED, TestPki, load_or_build
from harness.pki.builder import agency_entry
from simulators.agency.backchannel import create_app
from simulators.agency.engine import Connection, Mode, SimulatedAgency, Timing
from simulators.agency.profiles import PROFILES, profile
from simulators.loop_lag import LoopLag
from simulators.topology import connect_host

log = logging.getLogger(__name__)

BACKCHANNEL_FILE = "backchannel.json"
"""Same name as harness.drivers.simulated.BACKCHANNEL_FILE."""


class HostError(LienthongError, RuntimeError):
    """A configuration the host cannot run; `message_vi` is shown to the user."""


def read_endpoints(path: Path) -> dict[str, Any]:
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise HostError(f"Không đọc được {path}: hãy chạy `lienthong sim up` trước ({exc}).") from exc
    return data


def pki_for(endpoints: dict[str, Any], directory: Path | None, seed: str = DEFAULT_SEED) -> TestPki:
    entries = [agency_entry(a["id"], a["name"], a.get("extra") or {}) for a in endpoints["agencies"]]
    return load_or_build(entries, seed=seed, directory=directory)


def build_agencies(
    endpoints: dict[str, Any],
    pki: TestPki,
    state_dir: Path,
    timing: Timing,
    skip: Iterable[str] = (),
    *,
    only: Iterable[str] = (),
    profiles: Mapping[str, str] | None = None,
    mode: Mode = Mode.AUTO,
) -> list[SimulatedAgency]:
    """The agencies to simulate: all of endpoints.json, or `only` those, minus `skip`; `profiles`
    overrides the topology's `profile:` per agency id."""
    known = {a["id"] for a in endpoints["agencies"]}
    skipped, wanted, overrides = set(skip), set(only), dict(profiles or {})
    for code in sorted((skipped | wanted | set(overrides)) - known):
        raise HostError(f"Cơ quan {code} không có trong endpoints.json (các cơ quan: {', '.join(sorted(known))}).")
    for code, name in overrides.items():
        if name not in PROFILES:
            raise HostError(f"Hồ sơ hành vi {name!r} của {code} không tồn tại; các hồ sơ: {', '.join(PROFILES)}.")
    directory: dict[str, str] = {}
    for a in endpoints["agencies"]:
        directory[a["id"]] = a["name"]
        for code in a.get("organs") or []:
            directory.setdefault(code, a["name"])
    state_dir.mkdir(parents=True, exist_ok=True)
    out = []
    for a in endpoints["agencies"]:
        if a["id"] in skipped or (wanted and a["id"] not in wanted):
            continue
        name = overrides.get(a["id"]) or str((a.get("extra") or {}).get("profile", "conformant"))
        try:
            behaviour = profile(name)
        except KeyError:
            known_profiles = ", ".join(PROFILES)
            message = f"Hồ sơ hành vi {name!r} của {a['id']} không tồn tại; các hồ sơ: {known_profiles}."
            raise HostError(message) from None
        out.append(
            SimulatedAgency(
                organization(a["id"], a["name"], a.get("parent") or ""),
                Connection(a["endpoint"], a["system_id"], a["secret"], a.get("protocol") or "vxp"),
                pki,
                str(state_dir / f"agency-{a['id']}.sqlite3"),
                behaviour=behaviour,
                timing=timing,
                mode=mode,
                profile_name=name,
                directory=directory,
                organs=tuple(a.get("organs") or ()),
            )
        )
    return out


class _Server(uvicorn.Server):
    """uvicorn without its own signal handling: the host stops it (and re-raising SIGTERM after a
    clean shutdown, as uvicorn does, would turn exit status 0 into a kill)."""

    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        yield


def listen(host: str, port: int) -> socket.socket:
    """The backchannel's listening socket (port 0: a free port), bound here so that a busy port is
    a clear error rather than uvicorn exiting the process."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(128)
    except OSError as exc:
        sock.close()
        why = "cổng đang được dùng" if exc.errno == errno.EADDRINUSE else (exc.strerror or str(exc))
        raise HostError(f"Không mở được backchannel trên {host}:{port}: {why}.") from exc
    sock.setblocking(False)
    return sock


def write_atomically(path: Path, data: Any) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    tmp.replace(path)


async def serve(
    agencies: list[SimulatedAgency],
    stop: asyncio.Event,
    *,
    state_dir: Path | None = None,
    host: str = "127.0.0.1",
    port: int = 0,
    token: str | None = None,
    mode: Mode = Mode.AUTO,
    log_level: str = "warning",
) -> None:
    """Run every agency and the backchannel until `stop` is set, then close them all. With
    `state_dir`, write backchannel.json once the backchannel listens (and remove it at the end)."""
    lag = LoopLag()
    app = create_app({a.organ_id: a for a in agencies}, token=token, lag=lag)
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level=log_level,
        access_log=False,
        lifespan="off",
        timeout_graceful_shutdown=3,
        timeout_keep_alive=75,  # outlives the harness' keep-alive (httpx 5 s): no reset on reuse
    )
    sock = listen(host, port)
    server = _Server(config)
    server_task = asyncio.create_task(server.serve(sockets=[sock]))
    runners = asyncio.gather(lag.run(stop), *(a.run(stop) for a in agencies))
    path = state_dir / BACKCHANNEL_FILE if state_dir is not None else None
    try:
        while not server.started:
            if server_task.done():
                raise HostError(f"Backchannel trên {host}:{port} không khởi động được.")
            await asyncio.sleep(0.01)
        bound = int(sock.getsockname()[1])
        base = f"http://{connect_host(host)}:{bound}"
        if path is not None:
            write_atomically(
                path,
                {
                    "agencies": {a.organ_id: f"{base}/agencies/{a.organ_id}" for a in agencies},
                    "lag": f"{base}/_sim/lag",
                    "token": token,
                    "pid": os.getpid(),
                    "mode": mode.value,
                },
            )
        log.warning("Backchannel sẵn sàng: %s/agencies/<mã> (%d cơ quan, chế độ %s)", base, len(agencies), mode.value)
        await stop.wait()
    finally:
        stop.set()
        server.should_exit = True
        with contextlib.suppress(Exception):
            await server_task
        sock.close()
        with contextlib.suppress(Exception):
            await runners
        for a in agencies:
            await a.aclose()
        if path is not None:
            with contextlib.suppress(OSError, ValueError):
                if json.loads(path.read_text(encoding="utf-8")).get("pid") == os.getpid():
                    path.unlink()
