"""Connection-level defences of an axis: slow clients and connection floods.

Uvicorn has no deadline for a request's headers and one global connection limit that answers
503 to everyone once it is reached (outside the application, so never journalled). A client
holding a thousand half-sent request lines denied service to every agency. This protocol, a
small extension of uvicorn's httptools one, gives each request a deadline for its headers,
caps the connections of one client address, and journals every connection it refuses or cuts.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from simulators.axis.journal import RequestRecord

log = logging.getLogger(__name__)

Refusal = Callable[[str, str, str], None]
"""(client address, code, reason): how the protocol reports what it refused."""


def guarded_protocol(
    *, header_timeout: float, max_per_client: int, limit_concurrency: int, on_refusal: Refusal
) -> type[HttpToolsProtocol]:
    """An httptools protocol class with these limits (one class per served axis)."""
    open_by_client: Counter[str] = Counter()

    class GuardedHttpTools(HttpToolsProtocol):
        _header_timer: asyncio.TimerHandle | None = None
        _counted: str | None = None

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            host = self.client[0] if self.client else ""
            if open_by_client[host] >= max_per_client:
                on_refusal(host, "429", f"Qua nhieu ket noi dong thoi tu {host} (toi da {max_per_client})")
                transport.abort()
                return
            open_by_client[host] += 1
            self._counted = host
            self._arm()

        def connection_lost(self, exc: Exception | None) -> None:
            self._disarm()
            if self._counted is not None:
                open_by_client[self._counted] -= 1
                if open_by_client[self._counted] <= 0:
                    del open_by_client[self._counted]
                self._counted = None
            super().connection_lost(exc)

        def on_message_begin(self) -> None:
            super().on_message_begin()
            self._arm()

        def on_headers_complete(self) -> None:
            self._disarm()
            if len(self.connections) >= limit_concurrency or len(self.tasks) >= limit_concurrency:
                host = self.client[0] if self.client else ""
                on_refusal(host, "503", f"Truc qua tai: {len(self.connections)} ket noi (toi da {limit_concurrency})")
            super().on_headers_complete()

        def _arm(self) -> None:
            if self._header_timer is None:
                self._header_timer = self.loop.call_later(header_timeout, self._headers_too_slow)

        def _disarm(self) -> None:
            if self._header_timer is not None:
                self._header_timer.cancel()
                self._header_timer = None

        def _headers_too_slow(self) -> None:
            self._header_timer = None
            host = self.client[0] if self.client else ""
            on_refusal(host, "408", f"Het thoi gian gui tieu de yeu cau ({header_timeout:g} s): ket noi bi dong")
            if not self.transport.is_closing():
                self.transport.close()

    return GuardedHttpTools


def journal_refusal(store: Any) -> Refusal:
    """A refusal callback that writes one journal row (operation `connection`)."""

    def refuse(host: str, code: str, reason: str) -> None:
        record = RequestRecord(time.perf_counter(), "", "connection", 0, host)
        try:
            store.journal_add(
                record.row(doc_ids=[], http_status=0, status="FAIL", error_code=code, error_desc=reason, bytes_out=0)
            )
        except Exception:  # a journal failure must not take the connection handling down
            log.exception("journal write of a connection refusal failed")

    return refuse
