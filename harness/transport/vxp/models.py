"""Typed views of VXP replies; each keeps the raw JSON for callers that need a field we skip."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from harness.errors import LienthongError
from harness.transport.vxp.wire import FAIL, OK, ErrorCode


@dataclass(slots=True)
class Reply:
    """The common envelope, plus the HTTP status and the whole decoded body."""

    status: str
    error_code: str
    error_desc: str
    http_status: int
    body: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.status == OK

    @classmethod
    def parse(cls, http_status: int, content: bytes) -> Reply:
        """Decode as the SDK does (US-ASCII JSON); an unreadable body is a local FAIL (code 100)."""
        import json

        try:
            body = json.loads(content.decode("ascii"))
        except (UnicodeDecodeError, ValueError):
            return cls(FAIL, ErrorCode.LOCAL.value, f"Reply is not ASCII JSON (HTTP {http_status})", http_status)
        if not isinstance(body, dict):
            return cls(FAIL, ErrorCode.LOCAL.value, f"Reply is not a JSON object (HTTP {http_status})", http_status)
        return cls(
            str(body.get("status", "")),
            str(body.get("ErrorCode", "")),
            str(body.get("ErrorDesc", "")),
            http_status,
            body,
        )


class VxpError(LienthongError):
    """An operation answered FAIL (or could not be read); carries the reply."""

    def __init__(self, operation: str, reply: Reply) -> None:
        text = f"{operation}: {reply.error_code} {reply.error_desc}"
        super().__init__(f"Trục trả lời lỗi cho {text}", message_en=text)
        self.operation = operation
        self.reply = reply


@dataclass(slots=True)
class ReceivedItem:
    """One entry of getReceivedEdocList: a delivery waiting in the caller's mailbox."""

    doc_id: str
    message_type: str
    service_type: str
    from_: str
    to: str
    status: str
    status_desc: str
    created_time: str
    updated_time: str

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> ReceivedItem:
        return cls(
            str(d.get("docId", "")),
            str(d.get("messageType", "")),
            str(d.get("serviceType", "")),
            str(d.get("from", "")),
            str(d.get("to", "")),
            str(d.get("status", "")),
            str(d.get("status_desc", "")),
            str(d.get("created_time", "")),
            str(d.get("updated_time", "")),
        )


@dataclass(slots=True)
class SentItem:
    """One entry of getSentEdocList: a delivery of something the caller sent."""

    sender_doc_id: str
    receiver_doc_id: str
    from_code: str
    to_code: str
    message_type: str
    service_type: str
    title: str
    notation: str
    sent_time: str
    received_time: str
    send_status: str
    send_status_desc: str
    receive_status: str
    receive_status_desc: str

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> SentItem:
        def s(key: str) -> str:
            v = d.get(key)
            return "" if v is None else str(v)

        return cls(
            s("senderDocId"),
            s("receiverDocId"),
            s("fromCode"),
            s("toCode"),
            s("messageType"),
            s("serviceType"),
            s("title"),
            s("notation"),
            s("sentTime"),
            s("receivedTime"),
            s("sendStatus"),
            s("sendStatusDesc"),
            s("receiveStatus"),
            s("receiveStatusDesc"),
        )
