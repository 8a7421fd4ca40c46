"""Start Locust for a load run: one headless process, or a master with K local workers.

Locust always runs in processes of its own (`python -m locust -f load/locustfile.py`): its gevent
monkey patching never reaches the process that starts it. Their output goes to log files in the run
directory; the CSV and HTML results are Locust's own.
"""

from __future__ import annotations

import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from load.thresholds import OperationStats, read_stats
from simulators.launcher import child_env
from simulators.topology import free_ports

LOCUSTFILE = Path(__file__).resolve().parent / "locustfile.py"
CSV_PREFIX = "locust"
HTML_FILE = "locust.html"
DEFAULT_MASTER_PORT = 5557
CPU_WARNING = "CPU usage above"
WORKER_CPU_WARNING = "exceeded cpu threshold"
START_ALLOWANCE_S = 120.0
"""How long Locust may take beyond the run itself (start-up, workers connecting, stopping, reports)."""


@dataclass(slots=True)
class LocustPlan:
    out: Path
    endpoint: str
    population_file: Path
    scenario_file: Path
    records_dir: Path
    users: int
    spawn_rate: float
    duration_s: int
    stop_timeout_s: int = 20
    workers: int = 0
    """Local worker processes; 0 runs one standalone process."""
    remote_workers: int = 0
    """Workers on other machines the master waits for (`lienthong load --worker --master-host ...`)."""
    master_bind_host: str = "127.0.0.1"
    master_port: int = 0
    """0: a free port (local workers only); remote workers need a fixed one."""
    worker_wait_s: int = 60

    @property
    def csv_prefix(self) -> Path:
        return self.out / CSV_PREFIX

    @property
    def html(self) -> Path:
        return self.out / HTML_FILE

    @property
    def distributed(self) -> bool:
        return self.workers + self.remote_workers > 0


@dataclass(slots=True)
class LocustOutcome:
    exit_code: int
    """Locust's own exit code (1 also when any request failed; the thresholds decide the run)."""
    elapsed_s: float
    logs: list[Path] = field(default_factory=list)
    timed_out: bool = False

    @property
    def cpu_saturated(self) -> bool:
        """Locust warned that a load generator process ran above 90 % CPU: response times may be inflated."""
        for path in self.logs:
            try:
                text = path.read_text(encoding="utf-8", errors="replace")
            except OSError:
                continue
            if CPU_WARNING in text or WORKER_CPU_WARNING in text:
                return True
        return False


def locust_command() -> list[str]:
    return [sys.executable, "-m", "locust", "-f", str(LOCUSTFILE)]


def master_args(plan: LocustPlan) -> list[str]:
    """The standalone or master process: headless, the run's size and length, CSV and HTML."""
    args = [
        *locust_command(),
        "--headless",
        "--users", str(plan.users),
        "--spawn-rate", f"{plan.spawn_rate:g}",
        "--run-time", f"{plan.duration_s}s",
        "--host", plan.endpoint,
        "--stop-timeout", str(plan.stop_timeout_s),
        "--csv", str(plan.csv_prefix),
        "--html", str(plan.html),
        "--only-summary",
        "--lienthong-population", str(plan.population_file),
        "--lienthong-scenario", str(plan.scenario_file),
        "--lienthong-records", str(plan.records_dir),
    ]  # fmt: skip
    if plan.distributed:
        args += [
            "--master",
            "--master-bind-host", plan.master_bind_host,
            "--master-bind-port", str(plan.master_port),
            "--expect-workers", str(plan.workers + plan.remote_workers),
            "--expect-workers-max-wait", str(plan.worker_wait_s),
        ]  # fmt: skip
    return args


def worker_args(master_host: str, master_port: int) -> list[str]:
    """A worker: everything else (population, scenario) comes from the master."""
    return [*locust_command(), "--worker", "--master-host", master_host, "--master-port", str(master_port)]


def run_locust(plan: LocustPlan) -> LocustOutcome:
    """Run Locust to the end of the plan; workers are stopped when the master has finished."""
    plan.out.mkdir(parents=True, exist_ok=True)
    plan.records_dir.mkdir(parents=True, exist_ok=True)
    if plan.distributed and not plan.master_port:
        plan.master_port = free_ports(1, plan.master_bind_host)[0] if plan.remote_workers == 0 else DEFAULT_MASTER_PORT
    env = child_env()
    logs = [plan.out / "locust.log"]
    started = time.monotonic()
    workers: list[subprocess.Popen[bytes]] = []
    with logs[0].open("wb") as master_log:
        master = subprocess.Popen(
            master_args(plan), stdin=subprocess.DEVNULL, stdout=master_log, stderr=subprocess.STDOUT, env=env
        )
    try:
        connect = "127.0.0.1" if plan.master_bind_host in ("0.0.0.0", "", "*") else plan.master_bind_host
        for i in range(plan.workers):
            path = plan.out / f"worker-{i + 1}.log"
            logs.append(path)
            with path.open("wb") as log:
                workers.append(
                    subprocess.Popen(
                        worker_args(connect, plan.master_port),
                        stdin=subprocess.DEVNULL,
                        stdout=log,
                        stderr=subprocess.STDOUT,
                        env=env,
                    )
                )
        limit = plan.duration_s + plan.stop_timeout_s + plan.worker_wait_s + START_ALLOWANCE_S
        timed_out = False
        try:
            code = master.wait(timeout=limit)
        except subprocess.TimeoutExpired:
            timed_out = True
            master.terminate()  # Locust writes its reports on SIGTERM
            try:
                code = master.wait(timeout=30)
            except subprocess.TimeoutExpired:
                master.kill()
                code = master.wait()
        for w in workers:
            try:
                w.wait(timeout=15)
            except subprocess.TimeoutExpired:
                w.terminate()
    finally:
        for p in [master, *workers]:
            if p.poll() is None:
                p.kill()
                p.wait()
    return LocustOutcome(code, time.monotonic() - started, logs, timed_out)


def run_worker(master_host: str, master_port: int) -> int:
    """A worker in the foreground (on another machine); returns Locust's exit code."""
    return subprocess.call(worker_args(master_host, master_port), env=child_env())


def read_stats_safely(plan: LocustPlan) -> dict[str, OperationStats] | None:
    """Locust's stats CSV of the run, or None when Locust did not write it."""
    path = Path(f"{plan.csv_prefix}_stats.csv")
    try:
        return read_stats(path)
    except (OSError, KeyError, ValueError):
        return None
