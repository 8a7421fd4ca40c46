"""Shared paths for the tests."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

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


@pytest.fixture(scope="session")
def demo_trial(tmp_path_factory: pytest.TempPathFactory) -> DemoTrial:
    """The whole demo trial (every agency, every scenario): the mutation matrix and the report
    tests read it, so the most expensive run of the suite happens once."""
    reuse = os.environ.get("LIENTHONG_TEST_DEMO")
    if reuse:  # a developer re-checking the tests against an earlier `lienthong demo --work W --out O` in W/..
        root = Path(reuse)
        log = root / "demo.log"
        return DemoTrial(root / "work", root / "out", log.read_text(encoding="utf-8") if log.exists() else "", 0)
    root = tmp_path_factory.mktemp("demo")
    work, out = root / "work", root / "out"
    done = subprocess.run(
        [str(Path(sys.executable).parent / "lienthong"), "demo", "--work", str(work), "--out", str(out)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=900,
        env={**os.environ, "COLUMNS": "200"},
    )
    return DemoTrial(work, out, done.stdout + done.stderr, done.returncode)
