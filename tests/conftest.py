"""Shared paths for the tests."""

from __future__ import annotations

import shutil
import subprocess
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
