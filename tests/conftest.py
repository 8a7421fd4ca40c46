"""Shared paths for the tests."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from simulators.axis.config import AxisConfig, OrganizationSpec, Role, SystemSpec
from simulators.launcher import AxisProcess
from simulators.topology import free_ports

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO.parent / "shared" / "samples"
CORPUS = REPO / "fixtures" / "edxml"


@pytest.fixture(scope="session")
def samples_dir() -> Path:
    """The real vendor samples, read in place from ../shared (never copied into the repo)."""
    if not SAMPLES.is_dir():
        pytest.fail(f"shared samples not found at {SAMPLES}: the repo must sit beside ../shared")
    return SAMPLES


TOOL_PACKAGES = {
    "pdfsig": "poppler-utils",
    "pdftotext": "poppler-utils",
    "pdffonts": "poppler-utils",
    "pdftoppm": "poppler-utils",
    "certutil": "libnss3-tools",
    "zbarimg": "zbar-tools",
    "chromium": "chromium",
    "chromedriver": "chromium-driver",
}


def require_tool(name: str) -> str:
    """The tool's path, or skip naming the Debian package to install (.ci/run installs them)."""
    path = shutil.which(name)
    if path is None:
        package = TOOL_PACKAGES.get(name, name)
        pytest.skip(f"`{name}` is not installed: apt-get install {package} (the independent check needs it)")
    return path


def nss_database(root: x509.Certificate, directory: Path) -> Path:
    """An NSS database trusting `root`, for poppler's pdfsig."""
    require_tool("certutil")
    pem = directory / "root.pem"
    pem.write_bytes(root.public_bytes(serialization.Encoding.PEM))
    subprocess.run(["certutil", "-N", "-d", f"sql:{directory}", "--empty-password"], check=True, capture_output=True)
    subprocess.run(
        ["certutil", "-A", "-d", f"sql:{directory}", "-n", "lienthong-test-root", "-t", "CT,C,C", "-i", str(pem)],
        check=True,
        capture_output=True,
    )
    return directory


def pdfsig(db: Path, pdf: bytes, directory: Path) -> str:
    """pdfsig's report on `pdf` with the trust anchors of `db`."""
    require_tool("pdfsig")
    path = directory / "doc.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdfsig", "-nssdir", f"sql:{db}", str(path)], capture_output=True, text=True).stdout


@dataclass(frozen=True)
class DemoTrial:
    """`lienthong demo` as a user runs it, once per test session: its store, reports and output."""

    work: Path
    out: Path
    stdout: str
    returncode: int

    @property
    def db(self) -> Path:
        return self.work / "trial.sqlite3"


DEMO_ROOT = "LIENTHONG_TEST_DEMO_ROOT"
"""The folder the demo trial runs in, made by the process that starts the session (xdist's controller, or
pytest alone) and inherited by every worker through the environment."""


class _DemoRun:
    """The demo trial, started in the background as soon as a process of the session knows it needs it.

    It is the longest run of the suite (every scenario for every demo agency); the tests that read it are
    moved to the end, so the rest of the suite runs while it does. Under xdist each worker collects the
    whole suite: the first to get here starts the run (an exclusive file), any worker waits for the exit
    code file it leaves, and the controller stops it and removes the folder when the session ends."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def start_once(self) -> None:
        try:
            os.close(os.open(self.root / "started", os.O_CREAT | os.O_EXCL | os.O_WRONLY))
        except FileExistsError:
            return
        lienthong = str(Path(sys.executable).parent / "lienthong")
        # The shell puts the run in the background and exits at once: no worker owns (or must reap) it.
        script = '( "$@" > "$0/demo.log" 2>&1; echo $? > "$0/rc.tmp"; mv "$0/rc.tmp" "$0/rc" ) & echo $! > "$0/pid"'
        command = ["sh", "-c", script, str(self.root), lienthong, "demo"]
        command += ["--work", str(self.root / "work"), "--out", str(self.root / "out")]
        env = {**os.environ, "COLUMNS": "200"}
        subprocess.run(command, cwd=REPO, env=env, check=True, start_new_session=True, timeout=30)

    def result(self, timeout: float = 900) -> DemoTrial:
        self.start_once()
        deadline = time.monotonic() + timeout
        while not (self.root / "rc").exists():
            if time.monotonic() > deadline:
                raise AssertionError(f"the demo trial did not end in {timeout:g} s (log: {self.root / 'demo.log'})")
            time.sleep(0.5)
        returncode = int((self.root / "rc").read_text())
        text = (self.root / "demo.log").read_text(encoding="utf-8", errors="replace")
        return DemoTrial(self.root / "work", self.root / "out", text, returncode)

    def close(self) -> None:
        """Stop the run if it is still going (its whole process group: the shell, `lienthong`, the
        simulators) and remove its folder."""
        pid_file = self.root / "pid"
        if pid_file.exists() and not (self.root / "rc").exists():
            with contextlib.suppress(ProcessLookupError, ValueError):
                os.killpg(os.getpgid(int(pid_file.read_text())), signal.SIGTERM)
            deadline = time.monotonic() + 30
            while not (self.root / "rc").exists() and time.monotonic() < deadline:
                time.sleep(0.2)
        shutil.rmtree(self.root, ignore_errors=True)


def _demo_run() -> _DemoRun:
    return _DemoRun(Path(os.environ[DEMO_ROOT]))


def pytest_configure(config: pytest.Config) -> None:
    if not hasattr(config, "workerinput") and DEMO_ROOT not in os.environ:
        os.environ[DEMO_ROOT] = tempfile.mkdtemp(prefix="lienthong-demo-")


def pytest_unconfigure(config: pytest.Config) -> None:
    if not hasattr(config, "workerinput") and DEMO_ROOT in os.environ:
        _demo_run().close()
        del os.environ[DEMO_ROOT]


@pytest.fixture(autouse=True)
def _close_console_clients() -> Iterator[None]:
    """The console tests' HTTP clients are closed after each test, not left to the collector."""
    yield
    from tests.console_server import close_clients

    close_clients()


def _needs_demo(item: pytest.Item) -> bool:
    return "demo_trial" in getattr(item, "fixturenames", ())


def _calm(item: pytest.Item) -> bool:
    return item.get_closest_marker("calm") is not None


@pytest.fixture(autouse=True)
def _calm_machine(request: pytest.FixtureRequest) -> None:
    """A `calm` test judges time (a load run's latencies and throughput in a few seconds): it waits until the demo
    trial running beside the suite, if one was started, has ended, instead of sharing two cores with it."""
    if not _calm(request.node) or os.environ.get("LIENTHONG_TEST_DEMO"):
        return
    if DEMO_ROOT in os.environ and (_demo_run().root / "started").exists():
        _demo_run().result()


@pytest.hookimpl(tryfirst=True)
def pytest_itemcollected(item: pytest.Item) -> None:
    """A test that needs the demo trial is slow (`pytest -m "not slow"` is the quick loop)."""
    if _needs_demo(item):
        item.add_marker(pytest.mark.slow)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    """After `-m`/`-k` deselection: the files of the tests that need the demo (or a calm machine) run last, and
    within each part the files with a slow test first (whole files: xdist's per-file scheduling, told not to
    reorder, hands them out in this order). Its default put the files with most tests first, so the minute-long
    single-test trial files ran last and one worker idled while the other finished them. The demo starts only
    when a test needs it."""
    demo = {i.path for i in items if _needs_demo(i)}
    calm = {i.path for i in items if _calm(i)}
    slow = {i.path for i in items if i.get_closest_marker("slow") is not None}
    # Stable within each part; a calm file leads the last part (the load runs are its longest).
    items.sort(key=lambda i: (i.path in demo or i.path in calm, i.path not in slow, i.path not in calm))
    if demo and not os.environ.get("LIENTHONG_TEST_DEMO"):
        _demo_run().start_once()


@pytest.fixture(scope="session")
def demo_trial() -> DemoTrial:
    """The whole demo trial (every agency, every scenario): the mutation matrix and the report
    tests read it, so the most expensive run of the suite happens once, beside the others."""
    reuse = os.environ.get("LIENTHONG_TEST_DEMO")
    if reuse:  # a developer re-checking the tests against an earlier `lienthong demo --work W --out O` in W/..
        root = Path(reuse)
        log = root / "demo.log"
        return DemoTrial(root / "work", root / "out", log.read_text(encoding="utf-8") if log.exists() else "", 0)
    return _demo_run().result()


@contextlib.contextmanager
def nghe_an_axis(
    state: Path, name: str, secrets: dict[str, str], names: dict[str, str], **settings: Any
) -> Iterator[AxisProcess]:
    """One provincial axis (Nghệ An, H41) as a process of its own, for tests that configure or strain it."""
    config = AxisConfig(
        name=name,
        role=Role.PROVINCIAL,
        code="000.00.99.H41",
        db_path=str(state / "axis.sqlite3"),
        port=free_ports(1)[0],
        domains=["H41"],
        systems=[SystemSpec(code, secret) for code, secret in secrets.items()],
        organizations=[OrganizationSpec(code, organ) for code, organ in names.items()],
        **settings,
    )
    process = AxisProcess(config, state)
    process.start()
    process.wait_ready(30)
    try:
        yield process
    finally:
        process.stop()
