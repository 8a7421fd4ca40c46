"""Where the project's data lives; `LIENTHONG_FIXTURES` overrides the checkout's fixtures/."""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def fixtures_dir() -> Path:
    return Path(os.environ.get("LIENTHONG_FIXTURES", REPO_ROOT / "fixtures"))
