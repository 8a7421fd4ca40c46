"""Run a topology as real processes: one `python -m simulators.axis` per axis, on loopback ports.

A simulation lives in a state directory: per axis its JSON config, SQLite file and log, plus
`endpoints.json` (what tools need to talk to it) and `state.json` (pids, so that another process
can stop a detached simulation with `stop_from_state`).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, NamedTuple, Self

import httpx

import simulators
from harness.errors import LienthongError
from simulators.axis.config import AxisConfig, Role
from simulators.topology import Topology, TopologyError, connect_host, expand, load_topology, slugify

ENDPOINTS_FILE = "endpoints.json"
STATE_FILE = "state.json"
AXIS_MODULE = "simulators.axis"
LOG_TAIL_LINES = 20


class SimulationError(LienthongError, RuntimeError):
    """A simulation that could not start or be reached; `message_vi` is shown to the user."""


class Credentials(NamedTuple):
    """What an agency's client needs: the endpoint of its home axis and its system credentials."""

    endpoint: str
    system_id: str
    secret: str


def public_endpoint(config: AxisConfig) -> str:
    """The VXP endpoint a client on this machine uses (a wildcard bind is reached over loopback)."""
    return f"http://{connect_host(config.host)}:{config.port}{config.base_path}"


def public_control_url(config: AxisConfig) -> str:
    return f"http://{connect_host(config.host)}:{config.port}/_sim"


def _tail(path: Path, lines: int = LOG_TAIL_LINES) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    return "\n".join(text.splitlines()[-lines:])


def child_env() -> dict[str, str]:
    """The parent's environment, with this checkout importable even when it is not installed."""
    env = dict(os.environ)
    root = str(Path(simulators.__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH", "")) if p)
    env.setdefault("PYTHONUNBUFFERED", "1")
    return env


class AxisProcess:
    """One axis process; its config, database and log stay in `state_dir` across restarts."""

    def __init__(self, config: AxisConfig, state_dir: str | Path, *, log_level: str = "warning") -> None:
        self.config = config
        self.state_dir = Path(state_dir)
        self.slug = slugify(config.name)
        self.config_path = self.state_dir / f"{self.slug}.json"
        self.log_path = self.state_dir / f"{self.slug}.log"
        self.log_level = log_level
        self.on_spawn: Callable[[AxisProcess], None] | None = None
        """Called after every (re)start, e.g. to keep state.json's pids current."""
        self._proc: subprocess.Popen[bytes] | None = None

    def __repr__(self) -> str:
        return f"AxisProcess({self.config.code!r}, port={self.config.port}, pid={self.pid})"

    @property
    def code(self) -> str:
        return self.config.code

    @property
    def name(self) -> str:
        return self.config.name

    @property
    def endpoint(self) -> str:
        return public_endpoint(self.config)

    @property
    def control_url(self) -> str:
        return public_control_url(self.config)

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    @property
    def alive(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    @property
    def returncode(self) -> int | None:
        return self._proc.poll() if self._proc is not None else None

    def start(self) -> None:
        """Spawn the process (in its own session, so a terminal's Ctrl-C reaches only the launcher)."""
        if self.alive:
            return
        self.state_dir.mkdir(parents=True, exist_ok=True)
        self.config.save(self.config_path)
        command = [
            sys.executable,
            "-m",
            AXIS_MODULE,
            "--config",
            str(self.config_path.resolve()),
            "--log-level",
            self.log_level,
        ]
        with self.log_path.open("ab") as log:
            self._proc = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=child_env(),
                start_new_session=True,
            )
        if self.on_spawn is not None:
            self.on_spawn(self)

    def _died_error(self) -> SimulationError:
        tail = _tail(self.log_path)
        message = f"Trục {self.name} ({self.code}) đã thoát với mã {self.returncode} trước khi sẵn sàng."
        if tail:
            message += f"\nCuối nhật ký {self.log_path}:\n{tail}"
        return SimulationError(message)

    def check_ready(self, client: httpx.Client | None = None) -> bool:
        """One health probe; raise SimulationError if the process has already exited."""
        if self._proc is None:
            raise SimulationError(f"Trục {self.name} ({self.code}) chưa được khởi động.")
        if self._proc.poll() is not None:
            raise self._died_error()
        try:
            if client is None:
                with httpx.Client(trust_env=False, timeout=1.0) as own:
                    response = own.get(f"{self.control_url}/health")
            else:
                response = client.get(f"{self.control_url}/health")
        except httpx.HTTPError:
            return False
        if response.status_code != 200:
            return False
        try:
            body = response.json()
        except ValueError:
            return False
        return isinstance(body, dict) and body.get("status") == "ok"

    def wait_ready(self, timeout: float = 20.0) -> None:
        """Poll /_sim/health until it answers ok; SimulationError with the log's tail otherwise."""
        wait_all_ready([self], timeout)

    def _signal(self, signum: int) -> None:
        if self._proc is not None and self._proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                self._proc.send_signal(signum)

    def terminate(self) -> None:
        """Ask for a graceful shutdown without waiting (see `stop`)."""
        self._signal(signal.SIGTERM)

    def stop(self, timeout: float = 10.0) -> None:
        """SIGTERM, wait up to `timeout`, then SIGKILL."""
        self.terminate()
        self.wait_stopped(timeout)

    def wait_stopped(self, timeout: float) -> None:
        """Wait for the process to exit; SIGKILL it once `timeout` has passed."""
        if self._proc is None:
            return
        try:
            self._proc.wait(timeout=max(timeout, 0.0))
        except subprocess.TimeoutExpired:
            self.kill()

    def kill(self) -> None:
        """SIGKILL: the axis dies as in a crash, with no chance to flush or say goodbye."""
        self._signal(signal.SIGKILL)
        if self._proc is not None:
            self._proc.wait()

    def restart(self, timeout: float = 20.0) -> None:
        """Stop if running, start again with the same config and database, wait until healthy."""
        if self.alive:
            self.stop()
        self._proc = None
        self.start()
        self.wait_ready(timeout)


def wait_all_ready(processes: list[AxisProcess], timeout: float) -> None:
    """Poll every process' health in turn until all are ready, one dies, or the deadline passes."""
    deadline = time.monotonic() + timeout
    pending = list(processes)
    with httpx.Client(trust_env=False, timeout=1.0) as client:
        while pending:
            pending = [p for p in pending if not p.check_ready(client)]
            if not pending:
                return
            if time.monotonic() >= deadline:
                p = pending[0]
                tail = _tail(p.log_path)
                message = f"Trục {p.name} ({p.code}) không sẵn sàng sau {timeout:g} giây ({p.control_url}/health)."
                if tail:
                    message += f"\nCuối nhật ký {p.log_path}:\n{tail}"
                raise SimulationError(message)
            time.sleep(0.05)


def _port_free(host: str, port: int) -> bool:
    """Whether a server could bind (host, port) now, with the SO_REUSEADDR uvicorn uses."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


@dataclass(frozen=True, slots=True)
class AgencyEntry:
    """An agency as running: its home axis and credentials."""

    id: str
    name: str
    axis_code: str
    system_id: str
    secret: str
    organs: tuple[str, ...]
    extra: dict[str, Any]


class Simulation:
    """A running topology. Use `Simulation.start(...)` and stop it (or use it as a context manager)."""

    def __init__(self, topology: Topology, processes: list[AxisProcess], state_dir: Path) -> None:
        self.topology = topology
        self.processes = processes
        """National first, then provinces in topology order."""
        self.state_dir = state_dir
        self.axes: dict[str, AxisProcess] = {}
        """Every axis, by code and by name slug."""
        for p in processes:
            self.axes[p.code] = p
            self.axes[p.slug] = p
        self.agencies: dict[str, AgencyEntry] = {}
        """Every agency, by its id and by each organ code it acts for."""
        for axis, agency in topology.agencies():
            entry = AgencyEntry(
                id=agency.id,
                name=agency.name,
                axis_code=axis.code,
                system_id=agency.system_id,
                secret=agency.secret,
                organs=tuple(agency.codes),
                extra=dict(agency.extra),
            )
            for code in agency.codes:
                self.agencies[code] = entry
        self.detached = False
        for p in processes:
            p.on_spawn = self._on_spawn

    @property
    def endpoints_path(self) -> Path:
        return self.state_dir / ENDPOINTS_FILE

    @property
    def state_path(self) -> Path:
        return self.state_dir / STATE_FILE

    @property
    def national(self) -> AxisProcess:
        return self.processes[0]

    @classmethod
    def start(
        cls,
        topology: Topology | str | os.PathLike[str],
        state_dir: str | os.PathLike[str],
        *,
        host: str | None = None,
        base_port: int | None = None,
        ready_timeout: float = 20.0,
        log_level: str = "warning",
    ) -> Simulation:
        """Write the configs, start the national axis then the provinces, wait until all are healthy.

        Raises TopologyError for a bad topology and SimulationError when an axis cannot start; in
        both cases nothing is left running.
        """
        topo = topology if isinstance(topology, Topology) else load_topology(Path(topology))
        state = Path(state_dir).absolute()
        try:
            state.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise SimulationError(f"Không tạo được thư mục trạng thái {state}: {exc.strerror or exc}") from exc
        running = running_pids(state)
        if running:
            raise SimulationError(
                f"Một mô phỏng khác đang chạy trong {state} (pid {', '.join(map(str, running))}); "
                f"hãy dừng nó bằng `lienthong sim down --state-dir {state}`."
            )
        configs = expand(topo, state, host=host, base_port=base_port)
        for config in configs:
            if not _port_free(config.host, config.port):
                raise SimulationError(f"Cổng {config.port} trên {config.host} đang được dùng (trục {config.name}).")
        sim = cls(topo, [AxisProcess(c, state, log_level=log_level) for c in configs], state)
        try:
            for p in sim.processes:
                p.start()
            wait_all_ready(sim.processes, ready_timeout)
            sim.write_endpoints()
        except BaseException:
            sim.stop()
            raise
        return sim

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if not self.detached:
            self.stop()

    def axis_for(self, agency_id: str) -> AxisProcess:
        """The home axis of an agency (or of an organ it acts for); KeyError if unknown."""
        try:
            return self.axes[self.agencies[agency_id].axis_code]
        except KeyError:
            raise KeyError(f"agency {agency_id} is not in topology {self.topology.name!r}") from None

    def credentials(self, agency_id: str) -> Credentials:
        entry = self.agencies.get(agency_id)
        if entry is None:
            raise KeyError(f"agency {agency_id} is not in topology {self.topology.name!r}")
        return Credentials(self.axes[entry.axis_code].endpoint, entry.system_id, entry.secret)

    def alive(self) -> list[AxisProcess]:
        return [p for p in self.processes if p.alive]

    def stop(self, timeout: float = 10.0) -> None:
        """Stop every axis, provinces first (so none polls a vanished national axis), and forget the pids."""
        for p in reversed(self.processes):
            p.terminate()
        deadline = time.monotonic() + timeout
        for p in reversed(self.processes):
            p.wait_stopped(deadline - time.monotonic())
        with contextlib.suppress(FileNotFoundError):
            self.state_path.unlink()

    def detach(self) -> None:
        """Leave the processes running after this object is gone (`sim up --detach`)."""
        self.detached = True

    # --- files for other tools ---

    def _on_spawn(self, _process: AxisProcess) -> None:
        self.write_state()
        if self.endpoints_path.exists():
            self.write_endpoints()

    def write_state(self) -> None:
        data = {
            "topology": self.topology.name,
            "launcher_pid": os.getpid(),
            "axes": [
                {
                    "code": p.code,
                    "name": p.name,
                    "slug": p.slug,
                    "pid": p.pid,
                    "config": str(p.config_path.resolve()),
                    "log": str(p.log_path),
                    "endpoint": p.endpoint,
                    "control_url": p.control_url,
                }
                for p in self.processes
                if p.pid is not None
            ],
        }
        _write_json(self.state_path, data)

    def endpoints(self) -> dict[str, Any]:
        """What endpoints.json holds: every axis and every agency with the credentials it uses."""
        axes = []
        for p in self.processes:
            c = p.config
            axes.append(
                {
                    "name": c.name,
                    "slug": p.slug,
                    "role": c.role.value,
                    "code": c.code,
                    "level1": c.domains[0] if c.role is Role.PROVINCIAL and c.domains else None,
                    "host": c.host,
                    "port": c.port,
                    "endpoint": p.endpoint,
                    "control_url": p.control_url,
                    "pid": p.pid,
                    "db_path": c.db_path,
                    "log": str(p.log_path),
                    "upstream": c.upstream.endpoint if c.upstream else None,
                    "protocol": c.protocol,
                }
            )
        agencies = []
        for axis, agency in self.topology.agencies():
            home = self.axes[axis.code]
            agencies.append(
                {
                    "id": agency.id,
                    "name": agency.name,
                    "parent": agency.parent,
                    "axis": axis.code,
                    "axis_name": axis.name,
                    "endpoint": home.endpoint,
                    "protocol": axis.protocol,
                    "system_id": agency.system_id,
                    "secret": agency.secret,
                    "organs": [o.id for o in agency.organs],
                    "extra": agency.extra,
                }
            )
        source = self.topology.source
        return {
            "topology": self.topology.name,
            "source": str(source.resolve()) if source else None,
            "state_dir": str(self.state_dir),
            "axes": axes,
            "agencies": agencies,
        }

    def write_endpoints(self) -> None:
        _write_json(self.endpoints_path, self.endpoints())


def _write_json(path: Path, data: Any) -> None:
    """Write atomically, so a reader never sees half a file."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8")
    tmp.replace(path)


# --- state of a simulation run by another process ---


def read_state(state_dir: str | os.PathLike[str]) -> dict[str, Any] | None:
    """state.json of a simulation, or None when there is none (or it is unreadable)."""
    try:
        data = json.loads((Path(state_dir) / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _cmdline(pid: int) -> str | None:
    """The command line of a live process, None when it is gone (a zombie has an empty one)."""
    proc = Path("/proc")
    if proc.is_dir():
        try:
            raw = (proc / str(pid) / "cmdline").read_bytes()
        except OSError:
            return None
        return raw.replace(b"\0", b" ").decode("utf-8", "replace").strip() or None
    try:
        out = subprocess.run(["ps", "-o", "args=", "-p", str(pid)], capture_output=True, text=True, check=False)
    except OSError:
        return None
    return out.stdout.strip() or None


def is_axis_process(pid: int, config: str | None = None) -> bool:
    """Whether `pid` is alive and still one of our axis processes (not a recycled pid)."""
    if pid <= 0:
        return False
    cmdline = _cmdline(pid)
    if cmdline is None or AXIS_MODULE not in cmdline:
        return False
    return config is None or config in cmdline


def _recorded(state: dict[str, Any]) -> list[tuple[int, str | None]]:
    out: list[tuple[int, str | None]] = []
    for axis in state.get("axes", []):
        if isinstance(axis, dict) and isinstance(axis.get("pid"), int):
            config = axis.get("config")
            out.append((axis["pid"], config if isinstance(config, str) else None))
    return out


def running_pids(state_dir: str | os.PathLike[str]) -> list[int]:
    """Pids recorded in state.json that are still axis processes."""
    state = read_state(state_dir)
    if state is None:
        return []
    return [pid for pid, config in _recorded(state) if is_axis_process(pid, config)]


def stop_from_state(state_dir: str | os.PathLike[str], timeout: float = 10.0) -> list[int]:
    """Stop the axes recorded in state.json (SIGTERM, then SIGKILL after `timeout`) and remove it.

    Only pids whose command line still names our axis module and config are signalled, so a pid
    recycled since is left alone. Returns the pids that were signalled.
    """
    state_path = Path(state_dir) / STATE_FILE
    state = read_state(state_dir)
    if state is None:
        with contextlib.suppress(FileNotFoundError):
            state_path.unlink()
        return []
    targets = [(pid, config) for pid, config in _recorded(state) if is_axis_process(pid, config)]
    for pid, _ in targets:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    remaining = targets
    while remaining and time.monotonic() < deadline:
        time.sleep(0.05)
        remaining = [(pid, config) for pid, config in remaining if is_axis_process(pid, config)]
    for pid, config in remaining:
        if is_axis_process(pid, config):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
    kill_deadline = time.monotonic() + 5.0
    while remaining and time.monotonic() < kill_deadline:
        remaining = [(pid, config) for pid, config in remaining if is_axis_process(pid, config)]
        if remaining:
            time.sleep(0.05)
    with contextlib.suppress(FileNotFoundError):
        state_path.unlink()
    return [pid for pid, _ in targets]


__all__ = [
    "AgencyEntry",
    "AxisProcess",
    "Credentials",
    "Simulation",
    "SimulationError",
    "TopologyError",
    "child_env",
    "is_axis_process",
    "read_state",
    "running_pids",
    "stop_from_state",
    "wait_all_ready",
]
