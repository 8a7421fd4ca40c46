"""Operation names, parameter names, error codes and the reply envelope of the VXP protocol.

Both the client (`harness.transport.vxp.client`) and the simulated axes use these, so a name is
spelled once. Reply texts are ASCII: the Java SDK decodes replies as US-ASCII.
"""

from __future__ import annotations

import unicodedata
from enum import StrEnum
from typing import Any

DEFAULT_BASE_PATH = "/XrdAdapter/adapter"
SERVICE_TYPE = "eDoc"
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
"""`created_time`, `sentTime`... in list replies (ICT, no zone)."""
FILTER_TIME_FORMAT = "%d/%m/%Y %H:%M:%S"
"""`fromDate`/`toDate` request parameters, as the .NET client writes them."""


class Operation(StrEnum):
    SEND_EDOC = "sendEdoc"
    GET_RECEIVED_EDOC_LIST = "getReceivedEdocList"
    GET_EDOC = "getEdoc"
    DOWNLOAD_EDOC = "downloadEdoc"
    UPDATE_STATUS = "updateStatus"
    GET_SENT_EDOC_LIST = "getSentEdocList"
    COUNT_RECEIVE_EDOC = "countReceiveEdoc"
    COUNT_RECEIVE_STATUS = "countReceiveStatus"
    GET_AGENCIES_LIST = "getAgenciesList"
    GET_AGENCIES_LIST_QD20 = "getAgenciesListQD20"
    GET_SYNCHRONIZE_UNIT = "getSynchronizeUnit"
    REGISTER_AGENCY = "registerAgency"
    DELETE_AGENCY = "deleteAgency"


class MessageType(StrEnum):
    EDOC = "edoc"
    STATUS = "status"


class DeliveryStatus(StrEnum):
    """Values of `updateStatus`'s `status` parameter and of list items' `status`."""

    INITIAL = "initial"
    PROCESSING = "processing"
    DONE = "done"
    FAIL = "fail"


class ErrorCode(StrEnum):
    """Simulator-defined codes (axis-protocol.md §7.1); the real list is not public."""

    OK = "0"
    BAD_REQUEST = "400"
    UNAUTHORIZED = "401"
    FORBIDDEN = "403"
    NOT_FOUND = "404"
    CONFLICT = "409"
    TOO_LARGE = "413"
    INTERNAL = "500"
    UNAVAILABLE = "503"
    LOCAL = "100"
    """The SDK's own code for failures on the client side (no usable reply)."""


OK = "OK"
FAIL = "FAIL"
SUCCESS_DESC = "Thanh cong"


def ascii_text(text: str) -> str:
    """Vietnamese without diacritics and any other non-ASCII dropped, for `ErrorDesc`."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if ord(c) < 128 and not unicodedata.combining(c))


def envelope(code: ErrorCode = ErrorCode.OK, desc: str = SUCCESS_DESC, **fields: Any) -> dict[str, Any]:
    """The reply every operation sends: `status`, `ErrorCode`, `ErrorDesc`, then its own fields."""
    out: dict[str, Any] = {
        "status": OK if code is ErrorCode.OK else FAIL,
        "ErrorCode": code.value,
        "ErrorDesc": ascii_text(desc),
    }
    out.update(fields)
    return out


REPLY_FIELDS: dict[str, dict[str, Any]] = {
    Operation.SEND_EDOC: {"DocId": ""},
    Operation.GET_RECEIVED_EDOC_LIST: {"data": []},
    Operation.GET_EDOC: {"data": ""},
    Operation.GET_SENT_EDOC_LIST: {"data": []},
    Operation.COUNT_RECEIVE_EDOC: {"count": 0},
    Operation.COUNT_RECEIVE_STATUS: {"count": 0},
    Operation.GET_AGENCIES_LIST: {"data": []},
    Operation.GET_AGENCIES_LIST_QD20: {"data": []},
    Operation.GET_SYNCHRONIZE_UNIT: {"data": []},
}
"""Each operation's own reply fields with their empty values, present in every reply, refusals too.

The Java SDK reads `DocId` of a sendEdoc reply unconditionally (a refusal without it ends in a
NullPointerException and an empty result), `data` when `ErrorCode` is "0" or `status` is not FAIL,
`count` when `status` is not FAIL; the .NET SDK maps `data` and `DocId` onto typed fields, so a
list's `data` is always an array and a document's always a string.
"""


def complete(operation: str, body: dict[str, Any]) -> dict[str, Any]:
    """`body` with the operation's missing reply fields added at their empty values."""
    for name, empty in REPLY_FIELDS.get(operation, {}).items():
        if name not in body:
            body[name] = list(empty) if isinstance(empty, list) else empty
    return body


def sender_mismatch(sender: str, system_id: str) -> str:
    """The real axis' text when `from` is not the caller's registered code (PVN README)."""
    return f"Don vi gui {sender} khong dung voi ma da dang ky: {system_id}"
