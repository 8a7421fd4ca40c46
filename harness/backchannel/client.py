"""The harness' client of a backchannel (openapi.yaml): a vendor's system or a simulated agency."""

from __future__ import annotations

from types import TracebackType
from typing import Any, Self

import httpx

from harness.backchannel.models import (
    Action,
    BackchannelError,
    ErrorCode,
    ReceivedDocument,
    SendRequest,
    SendResult,
    SentDocument,
    SystemInfo,
)


class BackchannelClient:
    def __init__(
        self,
        base_url: str,
        *,
        token: str | None = None,
        timeout: float = 60.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.base_url = base_url.rstrip("/")
        self.http = httpx.Client(base_url=self.base_url, headers=headers, timeout=timeout, transport=transport)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        self.http.close()

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        try:
            response = self.http.request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            raise BackchannelError(
                0, ErrorCode.INTERNAL, f"Không kết nối được backchannel {self.base_url}{path}: {exc}"
            ) from exc
        try:
            data = response.json() if response.content else {}
        except ValueError:
            data = {"error": {"code": ErrorCode.INTERNAL, "message": response.text[:200]}}
        if response.status_code >= 400:
            raise BackchannelError.from_json(response.status_code, data)
        return data

    def health(self) -> SystemInfo:
        return SystemInfo.from_json(self._call("GET", "/health"))

    def send(self, request: SendRequest) -> SendResult:
        return SendResult.from_json(self._call("POST", "/documents", json=request.to_json()))

    def sent(self) -> list[SentDocument]:
        return [SentDocument.from_json(d) for d in self._call("GET", "/documents/sent").get("items", [])]

    def recall(self, document_id: str, reason: str = "") -> None:
        self._call("POST", "/documents/sent/recall", json={"document_id": document_id, "reason": reason})

    def received(self, document_id: str | None = None, from_organ: str | None = None) -> list[ReceivedDocument]:
        params = {k: v for k, v in (("document_id", document_id), ("from", from_organ)) if v}
        data = self._call("GET", "/documents/received", params=params)
        return [ReceivedDocument.from_json(d) for d in data.get("items", [])]

    def set_awake(self, awake: bool) -> None:
        """Simulated agencies only (not in the contract): wake the system or make it dormant."""
        self._call("POST", "/_sim/awake", json={"awake": awake})

    def act(self, document_id: str, from_organ: str, action: Action, reason: str = "") -> str:
        """Perform a clerk action; returns the status code the system sent."""
        body = {"document_id": document_id, "from": from_organ, "action": action.value, "reason": reason}
        return str(self._call("POST", "/documents/received/actions", json=body)["status_code"])
