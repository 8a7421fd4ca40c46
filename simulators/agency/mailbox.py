"""What a simulated agency asks of its axis, whichever protocol the axis speaks: the directory, the
waiting documents and statuses, fetching one, acknowledging or refusing it, sending a package.

`VxpMailbox` speaks VNPT's adapter (profile A) exactly as the agency always did; `BkavMailbox` speaks
Bkav's EdocService (profile B). A refusal either way is a `MailboxError` with the axis' code and
whether a retry could cure it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Protocol, TypeVar

from harness.errors import LienthongError
from harness.transport.bkav import AsyncBkavClient, BkavError, Kind
from harness.transport.bkav.wire import BASE_PATH as BKAV_BASE_PATH
from harness.transport.vxp import AsyncVxpClient, MessageType, VxpError

T = TypeVar("T")

PERMANENT_REFUSALS = {"400", "403", "404", "409", "413"}
"""VXP error codes that a retry cannot fix (the package itself is refused)."""
BKAV_PERMANENT = {"ExistDoc", "BadRequest", "Forbidden", "NotFound", "TooLarge", "DocID", "File Not Found"}
"""Bkav error names that a retry cannot fix."""


class MailboxError(LienthongError):
    """The axis refused a call: its code, its description, and whether retrying could help."""

    def __init__(self, code: str, description: str, *, permanent: bool) -> None:
        super().__init__(f"{code} {description}".strip())
        self.code = code
        self.description = description
        self.permanent = permanent


class Mailbox(Protocol):
    async def directory(self) -> list[tuple[str, str]]: ...
    async def waiting(self, kind: MessageType) -> list[str]: ...
    async def fetch(self, doc_id: str, kind: MessageType) -> bytes: ...
    async def ack(self, doc_id: str) -> None: ...
    async def refuse(self, doc_id: str, reason: str) -> None: ...
    async def send(self, data: bytes, sender: str, kind: MessageType = MessageType.EDOC) -> str: ...
    async def aclose(self) -> None: ...


async def _vxp(call: Awaitable[T]) -> T:
    try:
        return await call
    except VxpError as exc:
        code = exc.reply.error_code
        raise MailboxError(code, exc.reply.error_desc, permanent=code in PERMANENT_REFUSALS) from None


class VxpMailbox:
    def __init__(self, endpoint: str, system_id: str, secret: str) -> None:
        self.client = AsyncVxpClient(endpoint, system_id, secret)

    async def directory(self) -> list[tuple[str, str]]:
        entries = await _vxp(self.client.get_agencies_list())
        return [(str(e.get("code", "")), str(e.get("name", ""))) for e in entries]

    async def waiting(self, kind: MessageType) -> list[str]:
        return [item.doc_id for item in await _vxp(self.client.get_received_edoc_list(kind))]

    async def fetch(self, doc_id: str, kind: MessageType) -> bytes:
        return await _vxp(self.client.get_edoc(doc_id))

    async def ack(self, doc_id: str) -> None:
        await _vxp(self.client.update_status(doc_id, "done"))

    async def refuse(self, doc_id: str, reason: str) -> None:
        await _vxp(self.client.update_status(doc_id, "fail", reason))

    async def send(self, data: bytes, sender: str, kind: MessageType = MessageType.EDOC) -> str:
        if kind is MessageType.EDOC:
            return await _vxp(self.client.send_edoc(data, sender=sender))
        return await _vxp(self.client.send_edoc(data, sender=sender, message_type=kind))

    async def aclose(self) -> None:
        await self.client.aclose()


class BkavMailbox:
    """EdocService has no transport-level refusal: a broken package is confirmed (taken off the list)
    like any other, and the agency says what it thinks of it with a status package."""

    def __init__(self, service: str, organ_id: str, token: str) -> None:
        self.client = AsyncBkavClient(service, organ_id, token)

    async def _call(self, make: Callable[[], Awaitable[T]]) -> T:
        try:
            return await make()
        except BkavError as exc:
            code = exc.reply.errors[0].code if exc.reply.errors else exc.reply.code
            raise MailboxError(code, exc.reply.error_text, permanent=code in BKAV_PERMANENT) from None

    async def directory(self) -> list[tuple[str, str]]:
        organs = await self._call(self.client.get_organizations)
        return [(str(o.get("organId", "")), str(o.get("organName", ""))) for o in organs]

    async def waiting(self, kind: MessageType) -> list[str]:
        pending = await self._call(lambda: self.client.get_pending_doc_ids(Kind.of(kind)))
        return [str(p.doc_id) for p in pending]

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


def open_mailbox(protocol: str, endpoint: str, system_id: str, organ_id: str, secret: str) -> Mailbox:
    """The mailbox of an agency on an axis speaking `protocol` ("vxp" or "bkav"). VXP authenticates the
    system; EdocService the organisation (`organId`), under /EdocService at the axis' address."""
    if protocol == "bkav":
        service = "/".join(endpoint.split("/", 3)[:3]) + BKAV_BASE_PATH
        return BkavMailbox(service, organ_id, secret)
    return VxpMailbox(endpoint, system_id, secret)
