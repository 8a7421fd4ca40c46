"""EdocService clients over httpx, sync and async, with the same methods and the same bytes on the wire
(built by harness.transport.bkav.wire). High-level methods raise `BkavError` on anything but a
success; `call()` returns any reply unchecked, for checks that want to see refusals."""

from __future__ import annotations

from types import TracebackType
from typing import Any, Self

import httpx

from harness.transport.bkav.wire import (
    Kind,
    Operation,
    Pending,
    PreparedRequest,
    Protocol,
    Reply,
    checked,
    document_bytes,
    exists,
    pending,
    sent_doc_id,
)

DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=5.0)


class _Base:
    def __init__(self, endpoint: str, organ_id: str, token: str, *, trailing_crlf: bool, timeout: Any) -> None:
        self.protocol = Protocol(endpoint, organ_id, token, trailing_crlf)
        self._timeout = httpx.Timeout(timeout).as_dict()

    @property
    def organ_id(self) -> str:
        return self.protocol.organ_id

    def _httpx_request(self, req: PreparedRequest) -> httpx.Request:
        return httpx.Request(
            req.method, req.url, headers=req.headers, content=req.content, extensions={"timeout": self._timeout}
        )


class BkavClient(_Base):
    """Blocking client; one object per organisation, like the SDK's EdocService object."""

    def __init__(
        self,
        endpoint: str,
        organ_id: str,
        token: str,
        *,
        trailing_crlf: bool = True,
        timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        super().__init__(endpoint, organ_id, token, trailing_crlf=trailing_crlf, timeout=timeout)
        self._http = httpx.Client(timeout=timeout, transport=transport)

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def call(self, req: PreparedRequest) -> Reply:
        response = self._http.send(self._httpx_request(req))
        return Reply.parse(response.status_code, response.content)

    def send_document(self, package: bytes, kind: Kind = Kind.EDOC) -> int:
        """The axis' numeric docId of the package sent."""
        reply = checked(Operation.SEND_DOCUMENT, self.call(self.protocol.send_document(package, kind)))
        return sent_doc_id(reply)

    def get_pending_doc_ids(self, kind: Kind = Kind.EDOC) -> list[Pending]:
        return pending(checked(Operation.GET_PENDING_DOC_IDS, self.call(self.protocol.get_pending_doc_ids(kind))))

    def get_document(self, doc_id: int, kind: Kind = Kind.EDOC) -> bytes:
        return document_bytes(checked(Operation.GET_DOCUMENT, self.call(self.protocol.get_document(doc_id, kind))))

    def confirm_received(self, doc_id: int) -> None:
        checked(Operation.CONFIRM_RECEIVED, self.call(self.protocol.confirm_received(doc_id)))

    def get_organizations(self, organ_id: str | None = None) -> list[dict[str, Any]]:
        reply = checked(Operation.GET_ORGANIZATIONS, self.call(self.protocol.get_organizations(organ_id)))
        return [o for o in reply.body.get("organizations") or [] if isinstance(o, dict)]

    def check_exist_document(self, from_organ: str, to_organ: str, doc_code: str) -> bool:
        req = self.protocol.check_exist_document(from_organ, to_organ, doc_code)
        return exists(checked(Operation.CHECK_EXIST_DOCUMENT, self.call(req)))


class AsyncBkavClient(_Base):
    """The same client for asyncio (simulated agencies, the axis' own calls)."""

    def __init__(
        self,
        endpoint: str,
        organ_id: str,
        token: str,
        *,
        trailing_crlf: bool = True,
        timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        super().__init__(endpoint, organ_id, token, trailing_crlf=trailing_crlf, timeout=timeout)
        self._http = httpx.AsyncClient(timeout=timeout, transport=transport)

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None) -> None:
        await self.aclose()

    async def call(self, req: PreparedRequest) -> Reply:
        response = await self._http.send(self._httpx_request(req))
        return Reply.parse(response.status_code, response.content)

    async def send_document(self, package: bytes, kind: Kind = Kind.EDOC) -> int:
        reply = checked(Operation.SEND_DOCUMENT, await self.call(self.protocol.send_document(package, kind)))
        return sent_doc_id(reply)

    async def get_pending_doc_ids(self, kind: Kind = Kind.EDOC) -> list[Pending]:
        reply = await self.call(self.protocol.get_pending_doc_ids(kind))
        return pending(checked(Operation.GET_PENDING_DOC_IDS, reply))

    async def get_document(self, doc_id: int, kind: Kind = Kind.EDOC) -> bytes:
        reply = await self.call(self.protocol.get_document(doc_id, kind))
        return document_bytes(checked(Operation.GET_DOCUMENT, reply))

    async def confirm_received(self, doc_id: int) -> None:
        checked(Operation.CONFIRM_RECEIVED, await self.call(self.protocol.confirm_received(doc_id)))

    async def get_organizations(self, organ_id: str | None = None) -> list[dict[str, Any]]:
        reply = checked(Operation.GET_ORGANIZATIONS, await self.call(self.protocol.get_organizations(organ_id)))
        return [o for o in reply.body.get("organizations") or [] if isinstance(o, dict)]

    async def check_exist_document(self, from_organ: str, to_organ: str, doc_code: str) -> bool:
        req = self.protocol.check_exist_document(from_organ, to_organ, doc_code)
        return exists(checked(Operation.CHECK_EXIST_DOCUMENT, await self.call(req)))
