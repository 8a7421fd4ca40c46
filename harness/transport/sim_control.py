"""What the harness reads and changes on a simulated axis through its control plane (/_sim):
the journal (who called what, when), deliveries (fetched? acknowledged?), faults, injection.

A real axis has no control plane; scenarios that need one say so and are not run there.
"""

from __future__ import annotations

import base64
import threading
from datetime import datetime
from typing import Any

import httpx

from harness.errors import LienthongError


class ControlPlaneError(LienthongError, RuntimeError):
    """The simulator's control plane did not answer as it should (Vietnamese message)."""


def journal_time(entry: dict[str, Any]) -> float:
    """Epoch seconds of a journal entry (its `ts` carries milliseconds and the +07:00 offset)."""
    return datetime.fromisoformat(str(entry["ts"])).timestamp()


def sent_as(delivery: dict[str, Any], sent_id: str) -> bool:
    """Whether a delivery row (`AxisWatch.deliveries`) carries the package its sender's axis call
    named `sent_id`: VXP's DocId, or EdocService's numeric docId (profile B)."""
    return delivery["sender_doc_id"] == sent_id or str(delivery.get("sender_number", "")) == sent_id


class AxisWatch:
    """One watch serves every scenario thread of a run. Each call holds an HTTP client of its own
    for the call's length (one pooled connection shared between threads was once closed under
    another thread's read: "[Errno 9] Bad file descriptor"); idle clients are kept for the next
    call, so there are never more than the threads calling at once. A read or a removal
    that fails in transport is asked once more."""

    RETRIED = frozenset({"GET", "DELETE"})
    """Methods asked again after a transport error: reads, and removals (removing twice removes the same);
    a POST may have been applied."""

    def __init__(self, control_url: str, *, timeout: float = 30.0, token: str = "") -> None:
        self.control_url = control_url.rstrip("/").removesuffix("/_sim")
        """The axis' root URL: endpoints.json's `control_url` ends in /_sim, the paths below add it."""
        self._headers = {"X-Sim-Token": token} if token else None
        self._timeout = timeout
        self._idle: list[httpx.Client] = []
        self._lock = threading.Lock()
        self._closed = False

    def _checkout(self) -> httpx.Client:
        with self._lock:
            if self._idle:
                return self._idle.pop()
        return httpx.Client(base_url=self.control_url, timeout=self._timeout, headers=self._headers)

    def close(self) -> None:
        """Closes the idle clients now and those still in a call when it returns."""
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for client in idle:
            client.close()

    def _request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        client = self._checkout()
        try:
            response = client.request(method, path, **kwargs)
        except BaseException:
            client.close()
            raise
        with self._lock:
            closed = self._closed
            if not closed:
                self._idle.append(client)
        if closed:
            client.close()
        return response

    def _call(self, method: str, path: str, *, absent_ok: bool = False, **kwargs: Any) -> Any:
        """`absent_ok`: a 404 is an answer (removing a fault already removed)."""
        try:
            try:
                response = self._request(method, path, **kwargs)
            except httpx.TransportError:
                if method not in self.RETRIED:
                    raise
                response = self._request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            raise ControlPlaneError(f"Không gọi được {self.control_url}{path}: {exc}") from exc
        if response.status_code >= 400 and not (absent_ok and response.status_code == 404):
            raise ControlPlaneError(f"{self.control_url}{path}: {response.status_code} {response.text[:300]}")
        return response.json()

    def health(self) -> dict[str, Any]:
        data: dict[str, Any] = self._call("GET", "/_sim/health")
        return data

    def journal(
        self,
        *,
        system_id: str | None = None,
        operation: str | None = None,
        after: int = 0,
        tail: int | None = None,
        limit: int | None = None,
        since: float | None = None,
        until: float | None = None,
    ) -> list[dict[str, Any]]:
        """Journal rows after id `after`, oldest first (at most `limit`); `tail=N`: only the newest N rows;
        `since`/`until` (epoch seconds): only rows of that time."""
        params: dict[str, Any] = {"after": after}
        if since is not None:
            params["since"] = repr(since)
        if until is not None:
            params["until"] = repr(until)
        if limit is not None:
            params["limit"] = limit
        if tail is not None:
            params.update(tail=1, limit=tail)
        if system_id:
            params["system"] = system_id
        if operation:
            params["operation"] = operation
        rows: list[dict[str, Any]] = self._call("GET", "/_sim/journal", params=params)
        return rows

    def last_journal_id(self) -> int:
        rows: list[dict[str, Any]] = self._call("GET", "/_sim/journal", params={"tail": 1, "limit": 1})
        return int(rows[-1]["id"]) if rows else 0

    def deliveries(self, *, receiver: str | None = None, state: str | None = None) -> list[dict[str, Any]]:
        params = {k: v for k, v in (("receiver", receiver), ("state", state)) if v}
        rows: list[dict[str, Any]] = self._call("GET", "/_sim/deliveries", params=params)
        return rows

    def add_fault(self, **spec: Any) -> int:
        return int(self._call("POST", "/_sim/faults", json=spec)["id"])

    def remove_fault(self, fault_id: int | None = None) -> None:
        if fault_id is None:
            self._call("DELETE", "/_sim/faults")
        else:
            self._call("DELETE", f"/_sim/faults/{fault_id}", absent_ok=True)

    def remove_faults(self, owner: str) -> int:
        """Remove the faults `owner` put on the axis (those whose id it never got back included)."""
        return int(self._call("DELETE", "/_sim/faults", params={"owner": owner})["removed"])

    def inject(
        self,
        body: bytes,
        receivers: list[str],
        *,
        message_type: str = "edoc",
        raw: bool = False,
        from_organ: str = "",
        document_id: str = "",
    ) -> list[str]:
        """Put a package straight into mailboxes; returns the receivers' delivery docIds."""
        data = self._call(
            "POST",
            "/_sim/inject",
            json={
                "body_base64": base64.b64encode(body).decode(),
                "receivers": receivers,
                "message_type": message_type,
                "raw": raw,
                "from": from_organ,
                "document_id": document_id,
            },
        )
        return [str(d) for d in data.get("deliveries", [])]
