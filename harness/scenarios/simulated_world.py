"""Start a whole simulated world for scenarios: the axes of a topology, and the simulated agencies
that play the systems under test (driven through their backchannel), as real processes.

The pytest plugin, the campaign and the tests all start worlds through this one class.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from harness.drivers.simulated import BACKCHANNEL_FILE, SimulatedDriver
from harness.scenarios.lag import HostLag
from harness.scenarios.results import Recorder
from harness.scenarios.timing import COMPRESSED, Deadlines
from harness.scenarios.world import World, WorldError
from simulators.launcher import Simulation, stop_from_state


@dataclass(frozen=True, slots=True)
class AgencyTiming:
    """How fast the simulated systems under test live (compressed time)."""

    poll: float = 0.5
    """Seconds between two polls of the axis: a third of the cadence RT-04 asks (1.5 s compressed) and a
    quarter of the flash deadline (2 s). Every system under test polls all the time it is awake, so at a
    province's size this cadence, not the documents, was a quarter of the machine (0.25 s before)."""
    step: float = 0.1
    register_delay: float = 0.2


class SimulatedWorld:
    def __init__(
        self,
        topology: Path,
        state_dir: Path,
        *,
        suts: list[str],
        profiles: dict[str, str] | None = None,
        timing: AgencyTiming = AgencyTiming(),
        deadlines: Deadlines = COMPRESSED,
        recorder: Recorder | None = None,
        evidence_dir: Path | None = None,
        mode: str = "driven",
        hosts: int = 1,
        dormant: bool = False,
    ) -> None:
        self.topology = topology
        self.state_dir = state_dir.absolute()
        self.suts = suts
        self.profiles = profiles or {}
        self.timing = timing
        self.deadlines = deadlines
        self.recorder = recorder
        self.evidence_dir = evidence_dir
        self.mode = mode
        self.dormant = dormant
        """Simulated agencies start dormant (not polling): whoever runs them wakes each for its scenarios."""
        self.host_count = max(1, min(hosts, len(suts) or 1))
        """Simulated agencies are spread over this many processes (each is one core at most)."""
        self.simulation: Simulation | None = None
        self.hosts: list[subprocess.Popen[bytes]] = []
        self.world: World | None = None

    def host_dir(self, index: int) -> Path:
        return self.state_dir / "agencies" / f"host-{index}" if self.host_count > 1 else self.state_dir / "agencies"

    def _host_of(self, organ_id: str) -> int:
        return self.suts.index(organ_id) % self.host_count

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()

    def start(self, timeout: float = 60.0) -> World:
        try:
            self.simulation = Simulation.start(self.topology, self.state_dir / "axes")
            # The world first: it loads the test PKI, building it on a machine that has none yet
            # (256 agencies: about a minute). The hosts then load it, and the minute does not count
            # against their start (a fresh machine's first province trial failed on it).
            world = World.from_endpoints(
                self.simulation.endpoints_path,
                deadlines=self.deadlines,
                recorder=self.recorder,
                evidence_dir=self.evidence_dir,
            )
            self.world = world
            if self.suts:
                self._start_host(timeout)
        except BaseException:
            self.stop()
            raise
        world.restart_axis = self.crash_and_restart
        return world

    def _start_host(self, timeout: float) -> None:
        for index in range(self.host_count):
            organs = [o for o in self.suts if self._host_of(o) == index]
            self.hosts.append(self._spawn(index, organs))
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for index, host in enumerate(self.hosts):
                if host.poll() is not None:
                    raise WorldError(
                        f"Bộ mô phỏng cơ quan dừng ngay khi khởi động; xem {self.host_dir(index) / 'host.log'}"
                    )
            if all(organ in self.hosted(self._host_of(organ)) for organ in self.suts):
                return
            time.sleep(0.1)
        raise WorldError(f"Bộ mô phỏng cơ quan không sẵn sàng sau {timeout:g} giây; xem {self.state_dir / 'agencies'}")

    def _spawn(self, index: int, organs: list[str]) -> subprocess.Popen[bytes]:
        assert self.simulation is not None
        directory = self.host_dir(index)
        directory.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(FileNotFoundError):
            (directory / BACKCHANNEL_FILE).unlink()
        args = [
            sys.executable,
            "-m",
            "simulators.agency",
            "--endpoints",
            str(self.simulation.endpoints_path),
            "--state-dir",
            str(directory),
            "--mode",
            self.mode,
            "--backchannel-port",
            "0",
            "--poll",
            str(self.timing.poll),
            "--step",
            str(self.timing.step),
            "--register-delay",
            str(self.timing.register_delay),
        ]
        for organ in organs:
            args += ["--only", organ]
        if self.dormant:
            args.append("--dormant")
        for organ, name in self.profiles.items():
            if organ in organs:
                args += ["--profile", f"{organ}={name}"]
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        with (directory / "host.log").open("ab") as log:  # the child keeps its own descriptor
            return subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, env=env)

    def hosted(self, index: int = 0) -> dict[str, Any]:
        try:
            data = json.loads((self.host_dir(index) / BACKCHANNEL_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        if index >= len(self.hosts) or data.get("pid") != self.hosts[index].pid:
            return {}
        agencies: dict[str, Any] = data.get("agencies", {})
        return agencies

    def lag_sources(self) -> list[HostLag]:
        """Each axis' and each running host's event-loop lag (harness/scenarios/lag.py), to pace and judge a
        run on: every poll of every system passes through its axis' loop."""
        sources: list[HostLag] = []
        if (world := self.world) is not None:
            watched = [world.watch(code) for code, axis in world.axes.items() if axis.control_url]
            sources = [HostLag(f"{watch.control_url}/_sim/lag") for watch in watched]
        for index in range(len(self.hosts)):
            with contextlib.suppress(OSError, ValueError):
                data = json.loads((self.host_dir(index) / BACKCHANNEL_FILE).read_text(encoding="utf-8"))
                if data.get("pid") == self.hosts[index].pid and data.get("lag"):
                    sources.append(HostLag(str(data["lag"]), data.get("token")))
        return sources

    def driver(self, organ_id: str) -> SimulatedDriver:
        return SimulatedDriver.from_state(self.host_dir(self._host_of(organ_id)), organ_id)

    def crash_and_restart(self, axis_code: str) -> None:
        """kill -9 an axis, then start it again on the same database (AX-08)."""
        assert self.simulation is not None
        process = self.simulation.axes[axis_code]
        process.kill()
        process.restart()

    @staticmethod
    def clean_leftovers(state_dir: Path) -> list[int]:
        """Stop what a killed earlier session left running in `state_dir` (axes, agency hosts).

        A trial killed with SIGKILL cannot stop its children; the next session in the same folder
        does it. Only processes whose command line names our modules and this folder are signalled.
        """
        stopped = stop_from_state(state_dir.absolute() / "axes")
        for path in sorted((state_dir.absolute() / "agencies").rglob(BACKCHANNEL_FILE)):
            with contextlib.suppress(OSError, ValueError, KeyError):
                pid = int(json.loads(path.read_text(encoding="utf-8"))["pid"])
                cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
                if "simulators.agency" in cmdline and str(path.parent) in cmdline:
                    os.kill(pid, signal.SIGKILL)
                    stopped.append(pid)
        return stopped

    def stop(self) -> None:
        if self.world is not None:
            self.world.close()
            self.world = None
        for host in self.hosts:
            if host.poll() is None:
                host.terminate()
        for host in self.hosts:
            try:
                host.wait(10)
            except subprocess.TimeoutExpired:
                host.kill()
                host.wait()
        self.hosts = []
        if self.simulation is not None:
            self.simulation.stop()
            self.simulation = None
