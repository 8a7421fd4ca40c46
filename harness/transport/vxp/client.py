"""VXP clients over httpx, sync and async, with the same methods and the same bytes on the wire.

Used by tests, simulated agencies, the axes' own relay to the national axis and the load tests.
High-level methods raise `VxpError` on a FAIL reply; `call()` returns any reply unchecked.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import TracebackType
from typing import Any, Self

import httpx

from harness.transport.vxp.models import ReceivedItem, Reply, SentItem, VxpError
from harness.transport.vxp.protocol import PreparedRequest, Protocol, Quirks, checked, data_list, edoc_bytes
from harness.transport.vxp.wire import ErrorCode, MessageType, Operation

DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=5.0)


def _reply(response: httpx.Response) -> Reply:
    return Reply.parse(response.status_code, response.content)


def _download(operation: str, response: httpx.Response) -> bytes:
    """downloadEdoc: the SDK takes any non-empty body as the package, whatever the HTTP status."""
    if response.content:
        return response.content
    reply = Reply("FAIL", ErrorCode.LOCAL.value, f"Empty body (HTTP {response.status_code})", response.status_code)
    raise VxpError(operation, reply)


class _Base:
    def __init__(
        self, endpoint: str, system_id: str, secret: str, *, quirks: Quirks | None, timeout: httpx.Timeout | float
    ) -> None:
        self.protocol = Protocol(endpoint, system_id, secret, quirks or Quirks())
        self._timeout = httpx.Timeout(timeout).as_dict()

    @property
    def system_id(self) -> str:
        return self.protocol.system_id

    def _httpx_request(self, req: PreparedRequest) -> httpx.Request:
        """A request for the transport itself: the VXP protocol has no cookies, redirects or auth
        flows, and skipping the client's layers for them halves the client's cost per call."""
        headers = [(k.encode("ascii"), v) for k, v in req.headers.items()]
        return httpx.Request(
            req.method, req.url, headers=headers, content=req.content, extensions={"timeout": self._timeout}
        )


class VxpClient(_Base):
    """Blocking client; one object per system, like an SDK service object."""

    def __init__(
        self,
        endpoint: str,
        system_id: str,
        secret: str,
        *,
        quirks: Quirks | None = None,
        timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        super().__init__(endpoint, system_id, secret, quirks=quirks, timeout=timeout)
        self.transport = transport or httpx.HTTPTransport()
        self.http = httpx.Client(timeout=timeout, transport=self.transport)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        self.http.close()

    def send(self, req: PreparedRequest) -> httpx.Response:
        request = self._httpx_request(req)
        response = self.transport.handle_request(request)
        try:
            response.read()
        finally:
            response.close()
        response.request = request
        return response

    def call(self, req: PreparedRequest) -> Reply:
        return _reply(self.send(req))

    def send_edoc(
        self,
        data: bytes,
        *,
        sender: str,
        message_type: MessageType | str = MessageType.EDOC,
        to: Sequence[str] | str | None = None,
        extra: Mapping[str, str] | None = None,
    ) -> str:
        """Send a package; returns the axis' DocId."""
        req = self.protocol.send_edoc(data, sender=sender, message_type=message_type, to=to, extra=extra)
        return str(checked(req.operation, self.call(req)).body.get("DocId", ""))

    def get_received_edoc_list(
        self, message_type: MessageType | str = MessageType.EDOC, **filters: str
    ) -> list[ReceivedItem]:
        req = self.protocol.get_received_edoc_list(message_type, filters)
        return [ReceivedItem.from_json(d) for d in data_list(checked(req.operation, self.call(req)))]

    def get_edoc(self, doc_id: str) -> bytes:
        req = self.protocol.get_edoc(doc_id)
        return edoc_bytes(checked(req.operation, self.call(req)))

    def download_edoc(self, doc_id: str) -> bytes:
        req = self.protocol.download_edoc(doc_id)
        return _download(req.operation, self.send(req))

    def update_status(self, doc_id: str, status: str = "done", description: str | None = None) -> Reply:
        req = self.protocol.update_status(doc_id, status, description)
        return checked(req.operation, self.call(req))

    def get_sent_edoc_list(
        self, message_type: MessageType | str = MessageType.EDOC, doc_id: str | None = None
    ) -> list[SentItem]:
        req = self.protocol.get_sent_edoc_list(message_type, doc_id)
        return [SentItem.from_json(d) for d in data_list(checked(req.operation, self.call(req)))]

    def count_receive_edoc(self) -> int:
        req = self.protocol.count(Operation.COUNT_RECEIVE_EDOC, MessageType.EDOC)
        return int(checked(req.operation, self.call(req)).body.get("count", 0))

    def count_receive_status(self) -> int:
        req = self.protocol.count(Operation.COUNT_RECEIVE_STATUS, MessageType.STATUS)
        return int(checked(req.operation, self.call(req)).body.get("count", 0))

    def get_agencies_list(self) -> list[dict[str, Any]]:
        req = self.protocol.get_agencies_list()
        return data_list(checked(req.operation, self.call(req)))

    def get_agencies_list_qd20(self, level: int | str = 1) -> list[dict[str, Any]]:
        req = self.protocol.get_agencies_list_qd20(level)
        return data_list(checked(req.operation, self.call(req)))

    def get_synchronize_unit(self) -> list[dict[str, Any]]:
        req = self.protocol.get_synchronize_unit()
        return data_list(checked(req.operation, self.call(req)))

    def register_agency(self, code: str, name: str, pcode: str = "", mail: str = "") -> Reply:
        req = self.protocol.register_agency(code, name, pcode, mail)
        return checked(req.operation, self.call(req))

    def delete_agency(self, code: str) -> Reply:
        req = self.protocol.delete_agency(code)
        return checked(req.operation, self.call(req))


class AsyncVxpClient(_Base):
    """The same client for asyncio code (simulated agencies, the axis relay, load tests)."""

    def __init__(
        self,
        endpoint: str,
        system_id: str,
        secret: str,
        *,
        quirks: Quirks | None = None,
        timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
        transport: httpx.AsyncBaseTransport | None = None,
        limits: httpx.Limits | None = None,
    ) -> None:
        super().__init__(endpoint, system_id, secret, quirks=quirks, timeout=timeout)
        self.transport = transport or httpx.AsyncHTTPTransport(limits=limits or httpx.Limits())
        self.http = httpx.AsyncClient(timeout=timeout, transport=self.transport)

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self.http.aclose()

    async def send(self, req: PreparedRequest) -> httpx.Response:
        request = self._httpx_request(req)
        response = await self.transport.handle_async_request(request)
        try:
            await response.aread()
        finally:
            await response.aclose()
        response.request = request
        return response

    async def call(self, req: PreparedRequest) -> Reply:
        return _reply(await self.send(req))

    async def send_edoc(
        self,
        data: bytes,
        *,
        sender: str,
        message_type: MessageType | str = MessageType.EDOC,
        to: Sequence[str] | str | None = None,
        extra: Mapping[str, str] | None = None,
    ) -> str:
        req = self.protocol.send_edoc(data, sender=sender, message_type=message_type, to=to, extra=extra)
        return str(checked(req.operation, await self.call(req)).body.get("DocId", ""))

    async def get_received_edoc_list(
        self, message_type: MessageType | str = MessageType.EDOC, **filters: str
    ) -> list[ReceivedItem]:
        req = self.protocol.get_received_edoc_list(message_type, filters)
        return [ReceivedItem.from_json(d) for d in data_list(checked(req.operation, await self.call(req)))]

    async def get_edoc(self, doc_id: str) -> bytes:
        req = self.protocol.get_edoc(doc_id)
        return edoc_bytes(checked(req.operation, await self.call(req)))

    async def download_edoc(self, doc_id: str) -> bytes:
        req = self.protocol.download_edoc(doc_id)
        return _download(req.operation, await self.send(req))

    async def update_status(self, doc_id: str, status: str = "done", description: str | None = None) -> Reply:
        req = self.protocol.update_status(doc_id, status, description)
        return checked(req.operation, await self.call(req))

    async def get_sent_edoc_list(
        self, message_type: MessageType | str = MessageType.EDOC, doc_id: str | None = None
    ) -> list[SentItem]:
        req = self.protocol.get_sent_edoc_list(message_type, doc_id)
        return [SentItem.from_json(d) for d in data_list(checked(req.operation, await self.call(req)))]

    async def count_receive_edoc(self) -> int:
        req = self.protocol.count(Operation.COUNT_RECEIVE_EDOC, MessageType.EDOC)
        return int(checked(req.operation, await self.call(req)).body.get("count", 0))

    async def count_receive_status(self) -> int:
        req = self.protocol.count(Operation.COUNT_RECEIVE_STATUS, MessageType.STATUS)
        return int(checked(req.operation, await self.call(req)).body.get("count", 0))

    async def get_agencies_list(self) -> list[dict[str, Any]]:
        req = self.protocol.get_agencies_list()
        return data_list(checked(req.operation, await self.call(req)))

    async def get_agencies_list_qd20(self, level: int | str = 1) -> list[dict[str, Any]]:
        req = self.protocol.get_agencies_list_qd20(level)
        return data_list(checked(req.operation, await self.call(req)))

    async def get_synchronize_unit(self) -> list[dict[str, Any]]:
        req = self.protocol.get_synchronize_unit()
        return data_list(checked(req.operation, await self.call(req)))

    async def register_agency(self, code: str, name: str, pcode: str = "", mail: str = "") -> Reply:
        req = self.protocol.register_agency(code, name, pcode, mail)
        return checked(req.operation, await self.call(req))

    async def delete_agency(self, code: str) -> Reply:
        req = self.protocol.delete_agency(code)
        return checked(req.operation, await self.call(req))
