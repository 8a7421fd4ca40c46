"""Shared paths for the tests."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO.parent / "shared" / "samples"
CORPUS = REPO / "fixtures" / "edxml"


@pytest.fixture(scope="session")
def samples_dir() -> Path:
    """The real vendor samples, read in place from ../shared (never copied into the repo)."""
    if not SAMPLES.is_dir():
        pytest.fail(f"shared samples not found at {SAMPLES}: the repo must sit beside ../shared")
    return SAMPLES
