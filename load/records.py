"""What the clients of a load run saw, one JSON line per event, for the loss accounting.

* `sent`: the axis accepted a package (sendEdoc answered OK): its DocId, token, sender, receivers.
* `acked`: a receiver fetched a delivery and acknowledged it (updateStatus done answered OK):
  the receiver's docId and the token read back from the package.

Every Locust process keeps its records in a buffer; a standalone process appends them to its own
file, workers ship them to the master (load/locustfile.py), which appends them to its file. The
post-run drain of the mailboxes writes its own file. `read_records` merges a run's files and drops
the copies of a record (same node and sequence number) that reached two files.
"""

from __future__ import annotations

import itertools
import json
import os
import socket
import threading
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

Record = dict[str, Any]

SENT = "sent"
ACKED = "acked"


class Recorder:
    """A buffer of records stamped with this process' node name and a sequence number."""

    def __init__(self, node: str | None = None) -> None:
        self.node = node or f"{socket.gethostname()}-{os.getpid()}"
        self._seq = itertools.count(1)
        self._buffer: list[Record] = []
        self._lock = threading.Lock()

    def _add(self, record: Record) -> None:
        record["node"] = self.node
        record["seq"] = next(self._seq)
        record["ts"] = round(time.time(), 3)
        with self._lock:
            self._buffer.append(record)

    def sent(self, *, kind: str, doc_id: str, token: str, sender: str, receivers: list[str], size: int) -> None:
        self._add({"t": SENT, "kind": kind, "doc_id": doc_id, "token": token, "from": sender, "to": receivers,
                   "bytes": size})  # fmt: skip

    def acked(self, *, kind: str, receiver: str, doc_id: str, token: str | None, phase: str = "run") -> None:
        self._add({"t": ACKED, "kind": kind, "receiver": receiver, "doc_id": doc_id, "token": token, "phase": phase})

    def take(self) -> list[Record]:
        """Every buffered record, emptying the buffer."""
        with self._lock:
            out, self._buffer = self._buffer, []
        return out

    def flush(self, path: Path) -> int:
        """Append the buffered records to `path`; returns how many."""
        return append_records(path, self.take())


def append_records(path: Path, records: Iterable[Record]) -> int:
    lines = [json.dumps(r, ensure_ascii=False) + "\n" for r in records]
    if lines:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as f:
            f.writelines(lines)
    return len(lines)


def read_records(directory: Path) -> list[Record]:
    """Every record of a run (all `*.jsonl` files of its records directory), each once."""
    seen: set[tuple[str, int]] = set()
    out: list[Record] = []
    for path in sorted(directory.glob("*.jsonl")):
        with path.open(encoding="utf-8") as f:
            for line in f:
                line = line.strip()
                if not line:
                    continue
                try:
                    r = json.loads(line)
                except ValueError:
                    continue  # a line cut by a killed process
                key = (str(r.get("node", "")), int(r.get("seq", 0)))
                if key in seen:
                    continue
                seen.add(key)
                out.append(r)
    return out
