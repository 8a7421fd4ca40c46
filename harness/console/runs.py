"""Trial runs started from the console: `lienthong trial run` in a process of its own (the same command
an operator types), one at a time per campaign, its output kept in a log the operator page shows."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from harness.edxml.formats import now_ict

LOG_TAIL = 4000


@dataclass
class StartedRun:
    number: int
    args: list[str]
    log: Path
    process: subprocess.Popen[bytes]
    started: str = field(default_factory=lambda: now_ict().strftime("%H:%M:%S %d/%m/%Y"))

    @property
    def running(self) -> bool:
        return self.process.poll() is None

    @property
    def returncode(self) -> int | None:
        return self.process.poll()

    def tail(self) -> str:
        try:
            data = self.log.read_bytes()[-LOG_TAIL:]
        except OSError:
            return ""
        return data.decode("utf-8", errors="replace")


class RunManager:
    def __init__(self, log_dir: Path) -> None:
        self.log_dir = log_dir
        self.runs: list[StartedRun] = []
        self._lock = threading.Lock()

    def busy(self) -> StartedRun | None:
        return next((r for r in self.runs if r.running), None)

    def start(self, trial_args: list[str]) -> StartedRun:
        """Start `lienthong trial run ARGS`; raises RuntimeError (Vietnamese) while another run is going."""
        with self._lock:
            held = self.busy()
            if held is not None:
                raise RuntimeError(f"Lần chạy số {held.number} đang chạy; chờ nó xong rồi bắt đầu lần khác.")
            self.log_dir.mkdir(parents=True, exist_ok=True)
            number = len(self.runs) + 1
            log = self.log_dir / f"lan-chay-{time.strftime('%Y%m%d-%H%M%S')}-{number}.log"
            args = [sys.executable, "-m", "harness.cli", "trial", "run", *trial_args]
            with log.open("ab") as out:
                process = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
            run = StartedRun(number, args, log, process)
            self.runs.append(run)
            return run

    def stop_all(self) -> None:
        for run in self.runs:
            if run.running:
                run.process.terminate()
        for run in self.runs:
            try:
                run.process.wait(30)
            except subprocess.TimeoutExpired:
                run.process.kill()
