"""Sans-IO request building for the VXP protocol: what the SDK puts on the wire, call by call.

The sync and async clients only move these requests; keeping the bytes here means both behave
identically, and a test can inspect a request without a network.
"""

from __future__ import annotations

import binascii
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from harness.edxml.formats import b64decode_valid, now_ict
from harness.transport.vxp import auth
from harness.transport.vxp.models import Reply, VxpError
from harness.transport.vxp.wire import SERVICE_TYPE, MessageType, Operation

JSON = "application/json"
OCTETS = "application/octet-stream"


@dataclass(frozen=True, slots=True)
class Quirks:
    """How closely to imitate the Java SDK; the defaults reproduce its captured requests.

    Turning a quirk off gives a "clean" client, which the server must accept just as well.
    """

    hashmap_order: bool = True
    """Sign header names in Java HashMap order (else in insertion order)."""
    fixed_timestamp: bool = True
    """One timestamp for the life of the client object, as the SDK computes it once."""
    sticky_headers: bool = False
    """Re-send (and sign) the parameters of earlier calls, as the SDK's header map does."""
    unpadded_hash: bool = True
    """`hash-file` without zero padding per byte."""
    trailing_crlf: bool = True
    """Append `\\r\\n` after the edXML body of sendEdoc."""
    single_to_as_string: bool = False
    """Send one receiver as a quoted JSON string (`"000.00.00.G22"`) instead of an array."""

    @classmethod
    def java_sdk(cls) -> Quirks:
        """Every quirk of SDKVXP-2.0.1, header stickiness included."""
        return cls(sticky_headers=True)


@dataclass(slots=True)
class PreparedRequest:
    method: str
    url: str
    headers: dict[str, bytes]
    content: bytes = b""
    operation: str = ""


@dataclass(slots=True)
class Protocol:
    """Credentials, quirks and the per-client state the SDK keeps (timestamp, header map)."""

    endpoint: str
    system_id: str
    secret: str
    quirks: Quirks = field(default_factory=Quirks)
    clock: Callable[[], datetime] = now_ict
    _timestamp: str | None = None
    _sticky: dict[str, str] = field(default_factory=dict)

    def timestamp(self) -> str:
        if self._timestamp is None or not self.quirks.fixed_timestamp:
            self._timestamp = auth.java_timestamp(self.clock())
        return self._timestamp

    def prepare(
        self,
        operation: Operation | str,
        params: Mapping[str, str] | None = None,
        *,
        method: str = "POST",
        content: bytes = b"",
        content_type: str = JSON,
        signed: bool = True,
        extra_headers: Mapping[str, str] | None = None,
    ) -> PreparedRequest:
        """A signed request for `operation` with `params` as `XroadVnpt-*` headers."""
        fields: dict[str, str] = {"timestamp": self.timestamp(), "systemid": self.system_id}
        if self.quirks.sticky_headers:
            fields.update(self._sticky)
        fields["Content-Type"] = content_type
        fields.update(params or {})
        if self.quirks.sticky_headers:
            self._sticky.update(params or {})
        order = None if self.quirks.hashmap_order else list(fields)
        prefixed = auth.sign(self.secret, fields, order) if signed else {auth.PREFIX + k: v for k, v in fields.items()}
        headers: dict[str, bytes] = {k: v.encode("utf-8") for k, v in prefixed.items()}
        headers["Content-Type"] = content_type.encode("ascii")
        headers[auth.PREFIX + "version"] = auth.VERSION.encode("ascii")
        headers["User-Agent"] = auth.USER_AGENT.encode("ascii")
        for k, v in (extra_headers or {}).items():
            headers[k] = v.encode("utf-8")
        url = f"{self.endpoint.rstrip('/')}/{operation}"
        return PreparedRequest(method, url, headers, content, str(operation))

    # One builder per operation, mirroring the SDK's calls (axis-protocol.md §2.3, §2.4).

    def send_edoc(
        self,
        data: bytes,
        *,
        sender: str,
        message_type: MessageType | str = MessageType.EDOC,
        to: Sequence[str] | str | None = None,
        service_type: str = SERVICE_TYPE,
        extra: Mapping[str, str] | None = None,
    ) -> PreparedRequest:
        params: dict[str, str] = {"from": sender, "servicetype": service_type, "messagetype": str(message_type)}
        if to is not None:
            params["to"] = self.encode_to(to)
        params["hash-file"] = auth.hash_file(data, padded=not self.quirks.unpadded_hash)
        params.update(extra or {})
        body = data + b"\r\n" if self.quirks.trailing_crlf else data
        return self.prepare(Operation.SEND_EDOC, params, content=body, content_type=OCTETS)

    def encode_to(self, to: Sequence[str] | str) -> str:
        """`to` as the SDK's JSON `toString()`: an array, or a quoted string for one receiver."""
        if isinstance(to, str):
            return json.dumps(to)
        if len(to) == 1 and self.quirks.single_to_as_string:
            return json.dumps(to[0])
        return json.dumps(list(to), separators=(",", ":"))

    def get_received_edoc_list(
        self, message_type: MessageType | str = MessageType.EDOC, filters: Mapping[str, str] | None = None
    ) -> PreparedRequest:
        params = {"servicetype": SERVICE_TYPE, "messagetype": str(message_type), **(filters or {})}
        return self.prepare(Operation.GET_RECEIVED_EDOC_LIST, params)

    def get_edoc(self, doc_id: str, file_path: str = "/tmp") -> PreparedRequest:
        return self.prepare(Operation.GET_EDOC, {"docId": doc_id, "filePath": file_path}, content=b"{}")

    def download_edoc(self, doc_id: str, file_path: str = "/tmp") -> PreparedRequest:
        return self.prepare(Operation.DOWNLOAD_EDOC, {"docId": doc_id, "filePath": file_path}, method="GET")

    def update_status(self, doc_id: str, status: str, description: str | None = None) -> PreparedRequest:
        params = {"docId": doc_id, "status": status}
        if description is not None:
            params["description"] = description
        return self.prepare(Operation.UPDATE_STATUS, params, content=b"{}")

    def get_sent_edoc_list(
        self, message_type: MessageType | str = MessageType.EDOC, doc_id: str | None = None
    ) -> PreparedRequest:
        params = {"servicetype": SERVICE_TYPE, "messagetype": str(message_type)}
        if doc_id is not None:
            params["docId"] = doc_id
        return self.prepare(Operation.GET_SENT_EDOC_LIST, params)

    def count(self, operation: Operation, message_type: MessageType | str) -> PreparedRequest:
        params = {"servicetype": SERVICE_TYPE, "messagetype": str(message_type)}
        return self.prepare(operation, params, content=b"{}")

    def get_agencies_list(self) -> PreparedRequest:
        return self.prepare(Operation.GET_AGENCIES_LIST)

    def get_agencies_list_qd20(self, level: int | str = 1) -> PreparedRequest:
        return self.prepare(Operation.GET_AGENCIES_LIST_QD20, {"level": str(level)})

    def get_synchronize_unit(self) -> PreparedRequest:
        return self.prepare(Operation.GET_SYNCHRONIZE_UNIT)

    def register_agency(self, code: str, name: str, pcode: str = "", mail: str = "") -> PreparedRequest:
        body = {"id": "", "pcode": pcode, "code": code, "name": name, "mail": mail, "mobile": "", "fax": ""}
        return self.prepare(Operation.REGISTER_AGENCY, content=json.dumps(body, ensure_ascii=False).encode("utf-8"))

    def delete_agency(self, code: str) -> PreparedRequest:
        return self.prepare(Operation.DELETE_AGENCY, {"AgencyCode": code}, content=b"{}")


def checked(operation: str, reply: Reply) -> Reply:
    """The reply, or VxpError when it says FAIL."""
    if not reply.ok:
        raise VxpError(operation, reply)
    return reply


def edoc_bytes(reply: Reply) -> bytes:
    """The package from a getEdoc reply (`data` is base64 of the UTF-8 edXML)."""
    data = reply.body.get("data")
    if isinstance(data, str):
        try:
            return b64decode_valid(data)
        except (binascii.Error, ValueError):
            pass
    raise VxpError(Operation.GET_EDOC, Reply("FAIL", "100", "Reply has no base64 data", reply.http_status, reply.body))


def data_list(reply: Reply) -> list[dict[str, Any]]:
    data = reply.body.get("data")
    return [d for d in data if isinstance(d, dict)] if isinstance(data, list) else []
