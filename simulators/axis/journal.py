"""The journal row of the request being served, written in the transaction of its operation.

The load test's loss accounting and the run-test evidence read the journal: an accepted
package without its sendEdoc row (a row waiting in memory when the process is killed) is lost
evidence. A handler stages its row just before the write it makes; the store's next transaction
in the same request inserts it with the write, and the endpoint then writes nothing more.
Requests that change nothing keep the cheap path: their rows are batched.
"""

from __future__ import annotations

import json
import time
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from harness.edxml.formats import now_ict


def journal_time() -> str:
    """Journal timestamps carry milliseconds: polling cadence is measured from them (RT-04)."""
    return now_ict().isoformat(timespec="milliseconds")


@dataclass(slots=True)
class RequestRecord:
    """What the journal says of one request, whoever writes the row."""

    started: float
    system_id: str
    operation: str
    bytes_in: int
    remote: str
    staged: dict[str, Any] | None = None
    written: bool = False
    weak_auth: bool = False
    """A `weak-auth` fault fired for this request (AX-11's failing configuration)."""

    def row(
        self,
        *,
        doc_ids: list[str],
        http_status: int,
        status: str,
        error_code: str,
        error_desc: str,
        bytes_out: int,
        note: str = "",
    ) -> dict[str, Any]:
        return {
            "ts": journal_time(),
            "system_id": self.system_id,
            "operation": self.operation,
            "doc_ids": doc_ids,
            "http_status": http_status,
            "status": status,
            "error_code": error_code,
            "error_desc": error_desc,
            "duration_ms": round((time.perf_counter() - self.started) * 1000, 3),
            "bytes_in": self.bytes_in,
            "bytes_out": bytes_out,
            "remote": self.remote,
            "note": note,
        }


CURRENT: ContextVar[RequestRecord | None] = ContextVar("lienthong_axis_request", default=None)


def stage(doc_ids: list[str], reply: dict[str, Any], note: str = "") -> None:
    """Before a write: the row of the request in progress, for the write's transaction."""
    record = CURRENT.get()
    if record is None:
        return
    body = json.dumps(reply, ensure_ascii=True, separators=(",", ":"))
    record.staged = record.row(
        doc_ids=doc_ids,
        http_status=200,
        status=str(reply.get("status", "")),
        error_code=str(reply.get("ErrorCode", "")),
        error_desc=str(reply.get("ErrorDesc", "")) if reply.get("status") != "OK" else note,
        bytes_out=len(body),
        note=note,
    )


def weak_auth() -> bool:
    record = CURRENT.get()
    return record is not None and record.weak_auth


def take_staged() -> tuple[RequestRecord, dict[str, Any]] | None:
    """The staged row, once: the transaction that writes it marks the request journalled."""
    record = CURRENT.get()
    if record is None or record.staged is None or record.written:
        return None
    return record, record.staged
