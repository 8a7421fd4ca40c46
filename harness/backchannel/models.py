"""Request and answer bodies of the backchannel API (openapi.yaml), shared by the client the
harness uses and the server the simulated agencies run, so the two cannot drift apart."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

from harness.errors import LienthongError


class Action(StrEnum):
    """What the clerk does with a received document; each sends one status package."""

    ACCEPT = "accept"
    REJECT = "reject"
    ASSIGN = "assign"
    PROCESS = "process"
    COMPLETE = "complete"
    AGREE = "agree"
    """Agree to the pending recall, update or replacement of the document."""
    REFUSE = "refuse"
    """Refuse the pending recall, update or replacement of the document."""


ACTION_STATUS: dict[Action, str] = {
    Action.ACCEPT: "03",
    Action.REJECT: "02",
    Action.ASSIGN: "04",
    Action.PROCESS: "05",
    Action.COMPLETE: "06",
    Action.AGREE: "15",
    Action.REFUSE: "16",
}


class ErrorCode(StrEnum):
    BAD_REQUEST = "BAD_REQUEST"
    UNAUTHORIZED = "UNAUTHORIZED"
    NOT_FOUND = "NOT_FOUND"
    INVALID_STATE = "INVALID_STATE"
    """The action does not fit the document's state (e.g. complete before accept)."""
    SECRET_DOCUMENT = "SECRET_DOCUMENT"
    """A secret document may not be sent over the axis (RT-11)."""
    UNSUPPORTED_TYPE = "UNSUPPORTED_TYPE"
    UNKNOWN_RECIPIENT = "UNKNOWN_RECIPIENT"
    AXIS_ERROR = "AXIS_ERROR"
    """The axis refused or could not be reached."""
    INTERNAL = "INTERNAL"


class BackchannelError(LienthongError):
    """An error answer of the backchannel: HTTP status, machine code and Vietnamese message."""

    def __init__(self, status: int, code: str, message_vi: str) -> None:
        super().__init__(message_vi, message_en=f"{status} {code}: {message_vi}")
        self.status = status
        self.code = code

    def to_json(self) -> dict[str, Any]:
        return {"error": {"code": self.code, "message": self.message_vi}}

    @classmethod
    def from_json(cls, status: int, data: Any) -> BackchannelError:
        error = data.get("error") if isinstance(data, dict) else None
        if not isinstance(error, dict):
            return cls(status, ErrorCode.INTERNAL, f"Câu trả lời không đúng hợp đồng backchannel: {str(data)[:200]}")
        return cls(status, str(error.get("code", ErrorCode.INTERNAL)), str(error.get("message", "")))


def _fields(cls: type, data: Any) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise ValueError(f"{cls.__name__}: expected an object")
    names = set(cls.__dataclass_fields__)  # type: ignore[attr-defined]
    return {k: v for k, v in data.items() if k in names}


@dataclass(slots=True)
class SystemInfo:
    organ_id: str
    name: str
    vendor: str = ""
    version: str = ""

    @classmethod
    def from_json(cls, data: Any) -> SystemInfo:
        return cls(**_fields(cls, data))


@dataclass(slots=True)
class SendRequest:
    doc_type: str
    """One of the 14 pilot types by Vietnamese name ("Công văn", "Quyết định", ...)."""
    recipients: list[str]
    """Agency codes (mã định danh) of the recipients."""
    priority: str = "0"
    business_type: str = "0"
    """0 new, 1 revoke, 2 update, 3 replace (edxml.md §7)."""
    reference: str | None = None
    """DocumentId of the earlier document a revoke/update/replace refers to."""
    secret: bool = False
    """A secret (mật) document: a conformant system refuses to send it over the axis."""
    appendices: int = 0
    subject: str | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: Any) -> SendRequest:
        values = _fields(cls, data)
        if not isinstance(values.get("doc_type"), str) or not values["doc_type"]:
            raise ValueError("doc_type là bắt buộc")
        recipients = values.get("recipients")
        if not isinstance(recipients, list) or not recipients or not all(isinstance(r, str) for r in recipients):
            raise ValueError("recipients phải là danh sách mã định danh, ít nhất một")
        for key in ("priority", "business_type"):
            if key in values:
                values[key] = str(values[key])
        return cls(**values)


@dataclass(slots=True)
class SendResult:
    document_id: str
    axis_doc_ids: list[str] = field(default_factory=list)

    @classmethod
    def from_json(cls, data: Any) -> SendResult:
        return cls(**_fields(cls, data))


@dataclass(slots=True)
class StatusEntry:
    code: str
    description: str
    organ_id: str
    """The other party: who sent the status (sent documents) or to whom it went (received ones)."""
    at: str
    """ISO 8601 time."""

    @classmethod
    def from_json(cls, data: Any) -> StatusEntry:
        return cls(**_fields(cls, data))


@dataclass(slots=True)
class SentDocument:
    document_id: str
    doc_type: str
    recipients: list[str]
    sent_at: str
    business_type: str = "0"
    statuses: list[StatusEntry] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: Any) -> SentDocument:
        values = _fields(cls, data)
        values["statuses"] = [StatusEntry.from_json(s) for s in values.get("statuses") or []]
        return cls(**values)


@dataclass(slots=True)
class ReceivedDocument:
    registration: int
    """The system's own registration number; a redelivery registered twice shows as two entries."""
    document_id: str
    from_organ: str
    axis_doc_id: str
    registered_at: str
    state: str
    """registered, rejected, accepted, assigned, processing, completed."""
    doc_type: str = ""
    priority: str = "0"
    business_type: str = "0"
    reason: str = ""
    pending_request: str | None = None
    """A recall (13 or 1), update (2) or replacement (3) awaiting agree/refuse."""
    statuses: list[StatusEntry] = field(default_factory=list)
    """Statuses this system returned for the document, in order."""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: Any) -> ReceivedDocument:
        values = _fields(cls, data)
        values["statuses"] = [StatusEntry.from_json(s) for s in values.get("statuses") or []]
        return cls(**values)
