"""Where the project's data lives; `LIENTHONG_FIXTURES` overrides the checkout's fixtures/."""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEMO_WORK = REPO_ROOT / ".lienthong" / "demo"
"""Where `lienthong demo` keeps its campaign store and accounts (`lienthong console` opens it by default)."""
THRESHOLDS_ENV = "LIENTHONG_THRESHOLDS"
"""Path of the thresholds YAML (default: load/thresholds.yaml of the checkout)."""


def fixtures_dir() -> Path:
    return Path(os.environ.get("LIENTHONG_FIXTURES", REPO_ROOT / "fixtures"))


def thresholds_path() -> Path:
    """The thresholds YAML the AX run-tests and the load tests judge an axis against."""
    return Path(os.environ.get(THRESHOLDS_ENV) or REPO_ROOT / "load" / "thresholds.yaml")
