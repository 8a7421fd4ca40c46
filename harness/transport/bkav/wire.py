"""Bkav's EdocService REST protocol (axis-protocol.md §4), sans-IO: header names, paths, the reply
envelope, and the requests its published client SDK sends, byte for byte.

The client (harness.transport.bkav.client) and the profile B axis share these definitions, so that
what one writes the other reads. Where Bkav's server and its SDK disagree the server is followed and
the SDK's shape is accepted too (both pending-id fields, a trailing CRLF after the body).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from harness.errors import LienthongError

BASE_PATH = "/EdocService"
USER_AGENT = "EdocClient/Bkav"
JSON = "application/json"
OCTETS = "application/octet-stream"

# Header names as Bkav's SDK writes them; the server reads them case-insensitively.
ORGAN_ID = "organId"
AUTHORIZATION = "Authorization"
TYPE = "type"
DOC_ID = "docId"
HASH = "hash-edoc"


class Operation(StrEnum):
    SEND_DOCUMENT = "sendDocument"
    GET_PENDING_DOC_IDS = "getPendingDocIds"
    GET_DOCUMENT = "getDocument"
    CONFIRM_RECEIVED = "confirmReceived"
    GET_ORGANIZATIONS = "getOrganizations"
    CHECK_EXIST_DOCUMENT = "checkExistDocument"


VXP_COUNTERPART = {
    Operation.SEND_DOCUMENT: "sendEdoc",
    Operation.GET_PENDING_DOC_IDS: "getReceivedEdocList",
    Operation.GET_DOCUMENT: "getEdoc",
    Operation.CONFIRM_RECEIVED: "updateStatus",
    Operation.GET_ORGANIZATIONS: "getAgenciesList",
}
"""The VXP operation each EdocService operation does the work of (checkExistDocument has none)."""


METHOD = {
    Operation.SEND_DOCUMENT: "POST",
    Operation.GET_PENDING_DOC_IDS: "GET",
    Operation.GET_DOCUMENT: "POST",
    Operation.CONFIRM_RECEIVED: "POST",
    Operation.GET_ORGANIZATIONS: "GET",
    Operation.CHECK_EXIST_DOCUMENT: "POST",
}


class Kind(StrEnum):
    """The `type` header: a document package or a status package."""

    EDOC = "EDOC"
    STATUS = "STATUS"

    @property
    def message_type(self) -> str:
        """The same kind as the axis core and VXP name it: "edoc" or "status"."""
        return self.value.lower()

    @classmethod
    def of(cls, message_type: str) -> Kind:
        """The kind of a VXP messagetype ("edoc" or "status")."""
        return cls(str(message_type).upper())


class Status(StrEnum):
    SUCCESS = "Success"
    FAIL = "Fail"
    ERROR = "Error"
    FALSE = "False"
    """Only in the filter's 401 body, outside the set the controller uses."""


OK_CODES = ("0", "200")
"""`code` of a success: "0", or "200" from checkExistDocument."""
ERROR_CODE = "9999"


@dataclass(frozen=True, slots=True)
class ErrorItem:
    code: str
    description: str

    def to_json(self) -> dict[str, str]:
        return {"code": self.code, "description": self.description}


@dataclass(slots=True)
class Reply:
    """Any EdocService answer: the envelope, and the operation's own fields in `body`."""

    status: str
    code: str
    errors: list[ErrorItem] = field(default_factory=list)
    http_status: int = 200
    body: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.status == Status.SUCCESS and self.code in OK_CODES

    @property
    def error_text(self) -> str:
        return "; ".join(f"{e.code}: {e.description}" for e in self.errors) or f"{self.status} {self.code}"

    @classmethod
    def parse(cls, http_status: int, content: bytes) -> Reply:
        """Read an answer, whatever its HTTP status (the SDK parses POST answers regardless); a body
        that is not the envelope becomes a local error reply, never an exception."""
        try:
            data = json.loads(content.decode("utf-8")) if content else {}
        except (UnicodeDecodeError, ValueError):
            data = None
        if not isinstance(data, dict):
            text = content[:200].decode("utf-8", "replace")
            return cls(Status.ERROR, ERROR_CODE, [ErrorItem("NotJson", text)], http_status)
        raw_errors = data.get("errors") or []
        errors = [
            ErrorItem(str(e.get("code", "")), str(e.get("description", ""))) for e in raw_errors if isinstance(e, dict)
        ]
        body = {k: v for k, v in data.items() if k not in ("status", "code", "errors")}
        return cls(str(data.get("status", "")), str(data.get("code", "")), errors, http_status, body)

    def to_json(self) -> dict[str, Any]:
        return {"status": self.status, "code": self.code, "errors": [e.to_json() for e in self.errors], **self.body}

    def to_bytes(self) -> bytes:
        return json.dumps(self.to_json(), ensure_ascii=False).encode("utf-8")


def success(**fields: Any) -> Reply:
    return Reply(Status.SUCCESS, "0", [], 200, dict(fields))


def failure(code: str, description: str, *, status: str = Status.FAIL, http_status: int = 200) -> Reply:
    return Reply(status, ERROR_CODE, [ErrorItem(code, description)], http_status)


INVALID_CREDENTIALS = ErrorItem(
    "Invalid Credentials", "Invalid Credentials. Make sure you have provided the correct security credentials"
)


def unauthorized(*, missing: int = 0) -> Reply:
    """The servlet filter's HTTP 401: one "Invalid Credentials" per missing `organId` or `Authorization`
    header (two when there are no headers at all), else "Unauthorized !" for a token that does not
    match the organisation's."""
    errors = [INVALID_CREDENTIALS] * missing if missing else [ErrorItem("Unauthorized", "Unauthorized !")]
    return Reply(Status.FALSE, ERROR_CODE, errors, 401)


class BkavError(LienthongError):
    """An EdocService call that did not succeed; carries the reply."""

    def __init__(self, operation: str, reply: Reply) -> None:
        text = f"{operation}: HTTP {reply.http_status} {reply.error_text}"
        super().__init__(f"Trục Bkav trả lời lỗi cho {text}", message_en=text)
        self.operation = operation
        self.reply = reply


@dataclass(frozen=True, slots=True)
class Pending:
    doc_id: int
    organ_id: str = ""


def pending(reply: Reply) -> list[Pending]:
    """getPendingDocIds: the v2 server's `data: [{docId, organId}]`, or the SDK's `docIDs: [long]`."""
    data = reply.body.get("data")
    if isinstance(data, list):
        return [
            Pending(int(d["docId"]), str(d.get("organId") or ""))
            for d in data
            if isinstance(d, dict) and str(d.get("docId", "")).lstrip("-").isdigit()
        ]
    ids = reply.body.get("docIDs")
    if isinstance(ids, list):
        return [Pending(int(i)) for i in ids if str(i).lstrip("-").isdigit()]
    return []


def document_bytes(reply: Reply) -> bytes:
    """getDocument: `data` is the package in base64."""
    data = reply.body.get("data")
    if not isinstance(data, str):
        raise BkavError(Operation.GET_DOCUMENT, Reply(reply.status, reply.code, [ErrorItem("NoData", "no data")]))
    try:
        return base64.b64decode(data, validate=False)
    except (binascii.Error, ValueError) as exc:
        bad = Reply(reply.status, reply.code, [ErrorItem("BadBase64", str(exc))], reply.http_status)
        raise BkavError(Operation.GET_DOCUMENT, bad) from None


def strip_crlf(body: bytes) -> bytes:
    """The package as sent: Bkav's SDK appends one CRLF after the file, which is not part of it."""
    return body[:-2] if body.endswith(b"\r\n") else body


def edoc_hash(package: bytes) -> str:
    """`hash-edoc`: lowercase hex SHA-256 of the file, without the trailing CRLF."""
    return hashlib.sha256(package).hexdigest()


@dataclass(slots=True)
class PreparedRequest:
    method: str
    url: str
    headers: dict[str, str]
    content: bytes = b""
    operation: str = ""


@dataclass(frozen=True, slots=True)
class Protocol:
    """What Bkav's SDK puts on the wire for one organisation: its id and token on every call."""

    endpoint: str
    """The service root, e.g. http://127.0.0.1:8080/EdocService."""
    organ_id: str
    token: str
    trailing_crlf: bool = True
    """Append `\\r\\n` after the package of sendDocument, as the SDK does."""

    def _request(
        self, operation: Operation, headers: dict[str, str], content: bytes = b"", query: str = ""
    ) -> PreparedRequest:
        base = {ORGAN_ID: self.organ_id, AUTHORIZATION: self.token, "user_agent": USER_AGENT}
        url = f"{self.endpoint.rstrip('/')}/{operation.value}{query}"
        return PreparedRequest(METHOD[operation], url, {**base, **headers}, content, operation.value)

    def send_document(self, package: bytes, kind: Kind = Kind.EDOC) -> PreparedRequest:
        body = package + b"\r\n" if self.trailing_crlf else package
        headers = {TYPE: kind.value, HASH: edoc_hash(package), "Content-Type": OCTETS}
        return self._request(Operation.SEND_DOCUMENT, headers, body)

    def get_pending_doc_ids(self, kind: Kind = Kind.EDOC) -> PreparedRequest:
        return self._request(Operation.GET_PENDING_DOC_IDS, {TYPE: kind.value, "Content-Type": JSON})

    def get_document(self, doc_id: int, kind: Kind = Kind.EDOC) -> PreparedRequest:
        headers = {DOC_ID: str(doc_id), TYPE: kind.value, "Content-Type": JSON}
        return self._request(Operation.GET_DOCUMENT, headers)

    def confirm_received(self, doc_id: int) -> PreparedRequest:
        """Only `docId`, no `type`: ids of the two kinds must not collide (axis-protocol.md §4.1)."""
        return self._request(Operation.CONFIRM_RECEIVED, {DOC_ID: str(doc_id), "Content-Type": JSON})

    def get_organizations(self, organ_id: str | None = None) -> PreparedRequest:
        query = f"?organId={organ_id}" if organ_id else ""
        return self._request(Operation.GET_ORGANIZATIONS, {"Content-Type": JSON}, query=query)

    def check_exist_document(self, from_organ: str, to_organ: str, doc_code: str) -> PreparedRequest:
        body = json.dumps({"fromOrgan": from_organ, "toOrgan": to_organ, "docCode": doc_code}).encode("utf-8")
        return self._request(Operation.CHECK_EXIST_DOCUMENT, {"Content-Type": JSON}, body)


def checked(operation: str, reply: Reply) -> Reply:
    if not reply.ok:
        raise BkavError(operation, reply)
    return reply


def sent_doc_id(reply: Reply) -> int:
    value = reply.body.get("docId")
    if not str(value).lstrip("-").isdigit():
        raise BkavError(Operation.SEND_DOCUMENT, Reply(reply.status, reply.code, [ErrorItem("NoDocId", str(value))]))
    return int(str(value))


def exists(reply: Reply) -> bool:
    """checkExistDocument: the server's `result` (its payload class also names it `isExist`)."""
    return bool(reply.body.get("result", reply.body.get("isExist", False)))
