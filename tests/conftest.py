"""Shared paths for the tests."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
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


class _DemoRun:
    """The demo trial started in the background as soon as the session knows it needs it.

    It is the longest run of the suite (every scenario for every demo agency); the tests that
    read it are moved to the end, so the rest of the suite runs while it does."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="lienthong-demo-"))
        self.log = (self.root / "demo.log").open("wb")
        command = [str(Path(sys.executable).parent / "lienthong"), "demo"]
        command += ["--work", str(self.root / "work"), "--out", str(self.root / "out")]
        self.process = subprocess.Popen(
            command, cwd=REPO, stdout=self.log, stderr=subprocess.STDOUT, env={**os.environ, "COLUMNS": "200"}
        )

    def result(self, timeout: float = 900) -> DemoTrial:
        try:
            returncode = self.process.wait(timeout)
        finally:
            self.log.close()
        text = (self.root / "demo.log").read_text(encoding="utf-8", errors="replace")
        return DemoTrial(self.root / "work", self.root / "out", text, returncode)

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(30)
        shutil.rmtree(self.root, ignore_errors=True)


_demo: list[_DemoRun] = []


@pytest.fixture(autouse=True)
def _close_console_clients() -> Iterator[None]:
    """The console tests' HTTP clients are closed after each test, not left to the collector."""
    yield
    from tests.console_server import close_clients

    close_clients()


@pytest.hookimpl(tryfirst=True)
def pytest_itemcollected(item: pytest.Item) -> None:
    """A test that needs the demo trial is slow (`pytest -m "not slow"` is the quick loop)."""
    if "demo_trial" in getattr(item, "fixturenames", ()):
        item.add_marker(pytest.mark.slow)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    """After `-m`/`-k` deselection: the demo starts only when a selected test needs it, and those tests run last."""
    needs = {id(i) for i in items if "demo_trial" in getattr(i, "fixturenames", ())}
    if not needs:
        return
    items[:] = [i for i in items if id(i) not in needs] + [i for i in items if id(i) in needs]
    if not os.environ.get("LIENTHONG_TEST_DEMO") and not _demo:
        _demo.append(_DemoRun())


def pytest_unconfigure(config: pytest.Config) -> None:
    while _demo:
        _demo.pop().close()


@pytest.fixture(scope="session")
def demo_trial() -> DemoTrial:
    """The whole demo trial (every agency, every scenario): the mutation matrix and the report
    tests read it, so the most expensive run of the suite happens once, beside the others."""
    reuse = os.environ.get("LIENTHONG_TEST_DEMO")
    if reuse:  # a developer re-checking the tests against an earlier `lienthong demo --work W --out O` in W/..
        root = Path(reuse)
        log = root / "demo.log"
        return DemoTrial(root / "work", root / "out", log.read_text(encoding="utf-8") if log.exists() else "", 0)
    if not _demo:
        _demo.append(_DemoRun())
    return _demo[0].result()


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
