"""One way to open the simulators' SQLite files: autocommit (explicit transactions), WAL, rows as dicts."""

from __future__ import annotations

import sqlite3
from typing import Any


def dict_row(cursor: sqlite3.Cursor, values: tuple[Any, ...]) -> dict[str, Any]:
    return {d[0]: v for d, v in zip(cursor.description, values, strict=True)}


def connect(path: str, *, page_size: int | None = None) -> sqlite3.Connection:
    """A connection in WAL mode that syncs the disk only at checkpoints (`synchronous=NORMAL`): a commit survives
    the process being killed, and an OS crash loses at most the last ones. SQLite's default (FULL) waited for
    the disk at every commit, about 2 ms on this machine, on the event loop of a host serving a hundred simulated
    systems. `page_size` only takes effect on a new file (before the first table); the axis sets its own
    `synchronous` (its topology's durability) after this."""
    db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    db.row_factory = dict_row
    if page_size is not None:
        db.execute(f"PRAGMA page_size={int(page_size)}")
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    return db
