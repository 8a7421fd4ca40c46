"""What an agency asks of its axis, whichever protocol the axis speaks: the directory, the waiting
documents and statuses, fetching one, acknowledging or refusing it, sending a package.

`VxpMailbox` speaks VNPT's adapter (profile A), `BkavMailbox` Bkav's EdocService (profile B); each has
a blocking twin (`SyncVxpMailbox`, `SyncBkavMailbox`) for the harness' probes and Locust. A refusal
either way is a `MailboxError` with the axis' code and whether a retry could cure it. Simulated
agencies, probes and load users all reach an axis through these, so they speak either profile.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Protocol, TypeVar

from harness.errors import LienthongError
from harness.transport.aio import AiohttpTransport
from harness.transport.bkav import AsyncBkavClient, BkavClient, BkavError, Kind, Pending
from harness.transport.bkav.wire import BASE_PATH as BKAV_BASE_PATH
from harness.transport.bkav.wire import VXP_COUNTERPART
from harness.transport.vxp import AsyncVxpClient, MessageType, VxpClient, VxpError
from harness.transport.vxp.wire import Operation as VxpOperation

T = TypeVar("T")

PROTOCOLS = ("vxp", "bkav")
"""Profile A (VNPT's VXP adapter) and profile B (Bkav's EdocService)."""

PERMANENT_REFUSALS = {"400", "403", "404", "409", "413"}
"""VXP error codes that a retry cannot fix (the package itself is refused)."""
BKAV_PERMANENT = {"ExistDoc", "BadRequest", "Forbidden", "NotFound", "TooLarge", "DocID", "File Not Found"}
"""Bkav error names that a retry cannot fix."""


class MailboxError(LienthongError):
    """The axis refused a call: its code, its description, and whether retrying could help."""

    def __init__(self, code: str, description: str, *, permanent: bool, http_status: int = 0) -> None:
        super().__init__(f"{code} {description}".strip())
        self.code = code
        self.description = description
        self.permanent = permanent
        self.http_status = http_status


class Mailbox(Protocol):
    protocol: str
    refuses: bool
    """Whether the axis takes a refusal of a fetched package (VXP's updateStatus fail); without one
    a readable broken package is answered with status 02 instead."""

    async def directory(self) -> list[tuple[str, str]]: ...
    async def waiting(self, kind: MessageType) -> list[str]: ...
    async def fetch(self, doc_id: str, kind: MessageType) -> bytes: ...
    async def ack(self, doc_id: str) -> None: ...
    async def refuse(self, doc_id: str, reason: str) -> None: ...
    async def send(self, data: bytes, sender: str, kind: MessageType = MessageType.EDOC) -> str: ...
    async def aclose(self) -> None: ...


class SyncMailbox(Protocol):
    protocol: str
    refuses: bool

    def directory(self) -> list[tuple[str, str]]: ...
    def listing(self, kind: MessageType) -> list[tuple[str, str]]: ...
    def waiting(self, kind: MessageType) -> list[str]: ...
    def fetch(self, doc_id: str, kind: MessageType) -> bytes: ...
    def ack(self, doc_id: str) -> None: ...
    def refuse(self, doc_id: str, reason: str) -> None: ...
    def send(self, data: bytes, sender: str, kind: MessageType = MessageType.EDOC) -> str: ...
    def close(self) -> None: ...


# What the two protocols' answers mean, once for the async and the blocking mailboxes.


def _vxp_refusal(exc: VxpError) -> MailboxError:
    code = exc.reply.error_code
    reply = exc.reply
    return MailboxError(code, reply.error_desc, permanent=code in PERMANENT_REFUSALS, http_status=reply.http_status)


def _bkav_refusal(exc: BkavError) -> MailboxError:
    first = exc.reply.errors[0] if exc.reply.errors else None
    code = first.code if first is not None else exc.reply.code
    description = (first.description if first is not None else "") or exc.reply.error_text
    return MailboxError(code, description, permanent=code in BKAV_PERMANENT, http_status=exc.reply.http_status)


def _vxp_directory(entries: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(str(e.get("code") or e.get("id") or ""), str(e.get("name", ""))) for e in entries]


def _bkav_directory(organs: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(str(o.get("organId", "")), str(o.get("organName", ""))) for o in organs]


def _bkav_ids(pending: list[Pending]) -> list[str]:
    return [str(p.doc_id) for p in pending]


def operation_for(protocol: str, operation: VxpOperation) -> str:
    """The name under which an axis of `protocol` journals the work of a VXP operation, so checks that
    read the journal ("did the system list its mailbox?") judge systems of either profile alike."""
    if protocol == "bkav":
        names = [bkav for bkav, vxp in VXP_COUNTERPART.items() if vxp == operation.value]
        return str(names[0]) if names else operation.value
    return operation.value


def bkav_service(endpoint: str) -> str:
    """EdocService's base URL: the URL itself when it names the service, else /EdocService at the
    address of the URL (a simulated axis' VXP endpoint, or a bare http://host:port)."""
    trimmed = endpoint.rstrip("/")
    if trimmed.endswith(BKAV_BASE_PATH):
        return trimmed
    return "/".join(trimmed.split("/", 3)[:3]) + BKAV_BASE_PATH


class VxpMailbox:
    protocol = "vxp"
    refuses = True

    def __init__(self, endpoint: str, system_id: str, secret: str) -> None:
        self.client = AsyncVxpClient(endpoint, system_id, secret, transport=AiohttpTransport())

    async def _call(self, make: Callable[[], Awaitable[T]]) -> T:
        try:
            return await make()
        except VxpError as exc:
            raise _vxp_refusal(exc) from None

    async def directory(self) -> list[tuple[str, str]]:
        return _vxp_directory(await self._call(self.client.get_agencies_list))

    async def waiting(self, kind: MessageType) -> list[str]:
        return [item.doc_id for item in await self._call(lambda: self.client.get_received_edoc_list(kind))]

    async def fetch(self, doc_id: str, kind: MessageType) -> bytes:
        return await self._call(lambda: self.client.get_edoc(doc_id))

    async def ack(self, doc_id: str) -> None:
        await self._call(lambda: self.client.update_status(doc_id, "done"))

    async def refuse(self, doc_id: str, reason: str) -> None:
        await self._call(lambda: self.client.update_status(doc_id, "fail", reason))

    async def send(self, data: bytes, sender: str, kind: MessageType = MessageType.EDOC) -> str:
        if kind is MessageType.EDOC:
            return await self._call(lambda: self.client.send_edoc(data, sender=sender))
        return await self._call(lambda: self.client.send_edoc(data, sender=sender, message_type=kind))

    async def aclose(self) -> None:
        await self.client.aclose()


class BkavMailbox:
    """EdocService has no transport-level refusal: a broken package is confirmed (taken off the list)
    like any other, and the agency says what it thinks of it with a status package."""

    protocol = "bkav"
    refuses = False

    def __init__(self, service: str, organ_id: str, token: str) -> None:
        self.client = AsyncBkavClient(service, organ_id, token, transport=AiohttpTransport())

    async def _call(self, make: Callable[[], Awaitable[T]]) -> T:
        try:
            return await make()
        except BkavError as exc:
            raise _bkav_refusal(exc) from None

    async def directory(self) -> list[tuple[str, str]]:
        return _bkav_directory(await self._call(self.client.get_organizations))

    async def waiting(self, kind: MessageType) -> list[str]:
        return _bkav_ids(await self._call(lambda: self.client.get_pending_doc_ids(Kind.of(kind))))

    async def fetch(self, doc_id: str, kind: MessageType) -> bytes:
        return await self._call(lambda: self.client.get_document(int(doc_id), Kind.of(kind)))

    async def ack(self, doc_id: str) -> None:
        await self._call(lambda: self.client.confirm_received(int(doc_id)))

    async def refuse(self, doc_id: str, reason: str) -> None:
        await self.ack(doc_id)

    async def send(self, data: bytes, sender: str, kind: MessageType = MessageType.EDOC) -> str:
        return str(await self._call(lambda: self.client.send_document(data, Kind.of(kind))))

    async def aclose(self) -> None:
        await self.client.aclose()


class SyncVxpMailbox:
    """The blocking VXP mailbox; `client` stays reachable for checks that speak VXP itself."""

    protocol = "vxp"
    refuses = True

    def __init__(self, client: VxpClient) -> None:
        self.client = client

    def _call(self, make: Callable[[], T]) -> T:
        try:
            return make()
        except VxpError as exc:
            raise _vxp_refusal(exc) from None

    def directory(self) -> list[tuple[str, str]]:
        return _vxp_directory(self._call(self.client.get_agencies_list))

    def listing(self, kind: MessageType) -> list[tuple[str, str]]:
        """(docId, receiver) of what waits: the receiver tells which of the system's agencies it is for."""
        return [(item.doc_id, item.to) for item in self._call(lambda: self.client.get_received_edoc_list(kind))]

    def waiting(self, kind: MessageType) -> list[str]:
        return [doc_id for doc_id, _ in self.listing(kind)]

    def fetch(self, doc_id: str, kind: MessageType) -> bytes:
        return self._call(lambda: self.client.get_edoc(doc_id))

    def ack(self, doc_id: str) -> None:
        self._call(lambda: self.client.update_status(doc_id, "done"))

    def refuse(self, doc_id: str, reason: str) -> None:
        self._call(lambda: self.client.update_status(doc_id, "fail", reason))

    def send(self, data: bytes, sender: str, kind: MessageType = MessageType.EDOC) -> str:
        return self._call(lambda: self.client.send_edoc(data, sender=sender, message_type=kind))

    def close(self) -> None:
        self.client.close()


class SyncBkavMailbox:
    """The blocking EdocService mailbox."""

    protocol = "bkav"
    refuses = False

    def __init__(self, client: BkavClient) -> None:
        self.client = client

    def _call(self, make: Callable[[], T]) -> T:
        try:
            return make()
        except BkavError as exc:
            raise _bkav_refusal(exc) from None

    def directory(self) -> list[tuple[str, str]]:
        return _bkav_directory(self._call(self.client.get_organizations))

    def listing(self, kind: MessageType) -> list[tuple[str, str]]:
        pending = self._call(lambda: self.client.get_pending_doc_ids(Kind.of(kind)))
        return [(str(p.doc_id), p.organ_id or self.client.organ_id) for p in pending]

    def waiting(self, kind: MessageType) -> list[str]:
        return [doc_id for doc_id, _ in self.listing(kind)]

    def fetch(self, doc_id: str, kind: MessageType) -> bytes:
        return self._call(lambda: self.client.get_document(int(doc_id), Kind.of(kind)))

    def ack(self, doc_id: str) -> None:
        self._call(lambda: self.client.confirm_received(int(doc_id)))

    def refuse(self, doc_id: str, reason: str) -> None:
        self.ack(doc_id)

    def send(self, data: bytes, sender: str, kind: MessageType = MessageType.EDOC) -> str:
        return str(self._call(lambda: self.client.send_document(data, Kind.of(kind))))

    def close(self) -> None:
        self.client.close()


def open_mailbox(protocol: str, endpoint: str, system_id: str, organ_id: str, secret: str) -> Mailbox:
    """The mailbox of an agency on an axis speaking `protocol` ("vxp" or "bkav"). VXP authenticates the
    system; EdocService the organisation (`organId`), under /EdocService at the axis' address."""
    if protocol == "bkav":
        return BkavMailbox(bkav_service(endpoint), organ_id, secret)
    return VxpMailbox(endpoint, system_id, secret)


def open_sync_mailbox(protocol: str, endpoint: str, system_id: str, organ_id: str, secret: str) -> SyncMailbox:
    """The blocking twin of `open_mailbox`."""
    if protocol == "bkav":
        return SyncBkavMailbox(BkavClient(bkav_service(endpoint), organ_id, secret))
    return SyncVxpMailbox(VxpClient(endpoint, system_id, secret))
