"""Run `python -m simulators.agency` as a child process and wait until its backchannel answers:
what tests, demos and the harness use to get simulated agencies they can drive."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import simulators
from harness.errors import LienthongError
from simulators.agency.host import BACKCHANNEL_FILE


class AgencyHostError(LienthongError, RuntimeError):
    """A simulated agency process that did not start or answer."""


def _env() -> dict[str, str]:
    env = dict(os.environ)
    root = str(Path(simulators.__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH", "")) if p)
    env.setdefault("PYTHONUNBUFFERED", "1")
    return env


class AgencyHost:
    """One host process: `start()` returns once backchannel.json names this process."""

    def __init__(self, endpoints: Path, state_dir: Path, args: Sequence[str] = (), *, log_path: Path | None = None):
        self.endpoints = endpoints
        self.state_dir = state_dir
        self.args = list(args)
        self.log_path = log_path or state_dir / "agency-host.log"
        self.proc: subprocess.Popen[bytes] | None = None
        self.info: dict[str, Any] = {}

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()

    @property
    def urls(self) -> dict[str, str]:
        return dict(self.info.get("agencies") or {})

    @property
    def token(self) -> str | None:
        token = self.info.get("token")
        return str(token) if token else None

    def url(self, organ_id: str) -> str:
        try:
            return self.urls[organ_id]
        except KeyError:
            raise AgencyHostError(f"Cơ quan {organ_id} không được mô phỏng trong tiến trình này.") from None

    def _tail(self) -> str:
        try:
            return "\n".join(self.log_path.read_text(encoding="utf-8", errors="replace").splitlines()[-20:])
        except OSError:
            return ""

    def start(self, timeout: float = 30.0) -> Self:
        self.state_dir.mkdir(parents=True, exist_ok=True)
        path = self.state_dir / BACKCHANNEL_FILE
        command = [
            sys.executable,
            "-m",
            "simulators.agency",
            "--endpoints",
            str(self.endpoints),
            "--state-dir",
            str(self.state_dir),
            *self.args,
        ]
        with self.log_path.open("ab") as log:
            self.proc = subprocess.Popen(
                command, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, env=_env()
            )
        deadline = time.monotonic() + timeout
        while True:
            if self.proc.poll() is not None:
                raise AgencyHostError(
                    f"Tiến trình cơ quan mô phỏng đã thoát với mã {self.proc.returncode}:\n{self._tail()}"
                )
            with contextlib.suppress(OSError, ValueError):
                data = json.loads(path.read_text(encoding="utf-8"))
                if isinstance(data, dict) and data.get("pid") == self.proc.pid:
                    self.info = data
                    return self
            if time.monotonic() > deadline:
                self.kill()
                raise AgencyHostError(f"Backchannel không sẵn sàng sau {timeout:g} giây:\n{self._tail()}")
            time.sleep(0.05)

    def stop(self, timeout: float = 20.0) -> int | None:
        """SIGTERM and wait (SIGKILL after `timeout`); returns the exit status."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.kill()
        return self.proc.returncode

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
