"""The wire each axis protocol puts under the load users: VXP (profile A) or EdocService (profile B).

Locust carries the requests (load/locustfile.py); this module builds them with the harness' own
protocol objects and reads the answers with the harness' own reply parsers, so a load run speaks
exactly what the SDKs speak. It imports nothing of Locust, so tests and the orchestrator can use it.
Request names are the protocol's own operations ("sendDocument status", "getPendingDocIds"...).
"""

from __future__ import annotations

import binascii
from dataclasses import dataclass
from typing import Any, Protocol

from harness.transport.bkav import wire as bkav
from harness.transport.mailbox import bkav_service
from harness.transport.vxp import MessageType, ReceivedItem
from harness.transport.vxp import PreparedRequest as VxpRequest
from harness.transport.vxp import Protocol as VxpProtocol
from harness.transport.vxp import Reply as VxpReply
from harness.transport.vxp.protocol import data_list
from harness.transport.vxp.wire import Operation as VxpOperation
from load.population import LoadAgency

HEAD_B64 = 4 * 8192
"""Base64 characters of a fetched package decoded for its token (24 KB: the whole envelope)."""


@dataclass(frozen=True, slots=True)
class Wire:
    """One HTTP request as Locust sends it, and the name its statistics go under."""

    method: str
    url: str
    headers: dict[str, str]
    content: bytes
    name: str


@dataclass(frozen=True, slots=True)
class Answer:
    ok: bool
    error: str
    body: dict[str, Any]


class Dialect(Protocol):
    protocol: str
    send_name: str
    """The request name of document sends (the load thresholds' throughput reads it)."""

    def send(self, agency: LoadAgency, data: bytes, kind: MessageType) -> Wire: ...
    def listing(self, agency: LoadAgency, kind: MessageType) -> Wire: ...
    def fetch(self, agency: LoadAgency, doc_id: str, kind: MessageType) -> Wire: ...
    def ack(self, agency: LoadAgency, doc_id: str, kind: MessageType) -> Wire: ...
    def read(self, http_status: int, content: bytes) -> Answer: ...
    def sent_id(self, answer: Answer) -> str: ...
    def waiting(self, answer: Answer) -> list[tuple[str, str]]: ...


def _suffix(kind: MessageType) -> str:
    return "" if kind is MessageType.EDOC else " status"


def package_head(answer: Answer) -> bytes:
    """The start of the package a fetch answer carries (base64 `data` in both protocols), enough for
    its token; ValueError when there is none. Decoding megabytes per fetch would make the load
    generator, not the axis, the bottleneck on a small machine."""
    data = answer.body.get("data")
    if not isinstance(data, str) or not data:
        raise ValueError("no data")
    try:
        return binascii.a2b_base64(data[:HEAD_B64].encode("ascii"))
    except (binascii.Error, UnicodeEncodeError) as exc:
        raise ValueError(str(exc)) from None


class VxpDialect:
    protocol = "vxp"
    send_name = VxpOperation.SEND_EDOC.value

    def __init__(self, endpoint: str, agencies: list[LoadAgency]) -> None:
        self.protocols = {a.code: VxpProtocol(endpoint, a.system_id, a.secret) for a in agencies}

    @staticmethod
    def _wire(req: VxpRequest, name: str) -> Wire:
        headers = {k: v.decode("latin-1") for k, v in req.headers.items()}
        return Wire(req.method, req.url, headers, req.content, name)

    def send(self, agency: LoadAgency, data: bytes, kind: MessageType) -> Wire:
        req = self.protocols[agency.code].send_edoc(data, sender=agency.code, message_type=kind)
        return self._wire(req, self.send_name + _suffix(kind))

    def listing(self, agency: LoadAgency, kind: MessageType) -> Wire:
        req = self.protocols[agency.code].get_received_edoc_list(kind)
        return self._wire(req, VxpOperation.GET_RECEIVED_EDOC_LIST.value + _suffix(kind))

    def fetch(self, agency: LoadAgency, doc_id: str, kind: MessageType) -> Wire:
        return self._wire(self.protocols[agency.code].get_edoc(doc_id), VxpOperation.GET_EDOC.value + _suffix(kind))

    def ack(self, agency: LoadAgency, doc_id: str, kind: MessageType) -> Wire:
        req = self.protocols[agency.code].update_status(doc_id, "done")
        return self._wire(req, VxpOperation.UPDATE_STATUS.value + _suffix(kind))

    def read(self, http_status: int, content: bytes) -> Answer:
        reply = VxpReply.parse(http_status, content)
        return Answer(reply.ok, f"{reply.error_code} {reply.error_desc}", reply.body)

    def sent_id(self, answer: Answer) -> str:
        return str(answer.body.get("DocId", ""))

    def waiting(self, answer: Answer) -> list[tuple[str, str]]:
        items = [ReceivedItem.from_json(d) for d in data_list(VxpReply("OK", "0", "", 200, answer.body))]
        return [(i.doc_id, i.to) for i in items]


class BkavDialect:
    protocol = "bkav"
    send_name = bkav.Operation.SEND_DOCUMENT.value

    def __init__(self, endpoint: str, agencies: list[LoadAgency]) -> None:
        service = bkav_service(endpoint)
        self.protocols = {a.code: bkav.Protocol(service, a.code, a.secret) for a in agencies}

    @staticmethod
    def _wire(req: bkav.PreparedRequest, kind: MessageType | None) -> Wire:
        name = req.operation + (_suffix(kind) if kind is not None else "")
        return Wire(req.method, req.url, dict(req.headers), req.content, name)

    def send(self, agency: LoadAgency, data: bytes, kind: MessageType) -> Wire:
        return self._wire(self.protocols[agency.code].send_document(data, bkav.Kind.of(kind)), kind)

    def listing(self, agency: LoadAgency, kind: MessageType) -> Wire:
        return self._wire(self.protocols[agency.code].get_pending_doc_ids(bkav.Kind.of(kind)), kind)

    def fetch(self, agency: LoadAgency, doc_id: str, kind: MessageType) -> Wire:
        return self._wire(self.protocols[agency.code].get_document(int(doc_id), bkav.Kind.of(kind)), kind)

    def ack(self, agency: LoadAgency, doc_id: str, kind: MessageType) -> Wire:
        return self._wire(self.protocols[agency.code].confirm_received(int(doc_id)), kind)

    def read(self, http_status: int, content: bytes) -> Answer:
        reply = bkav.Reply.parse(http_status, content)
        return Answer(reply.ok, reply.error_text, reply.body)

    def sent_id(self, answer: Answer) -> str:
        value = answer.body.get("docId")
        return str(value) if str(value).isdigit() else ""

    def waiting(self, answer: Answer) -> list[tuple[str, str]]:
        pending = bkav.pending(bkav.Reply(bkav.Status.SUCCESS, "0", body=answer.body))
        return [(str(p.doc_id), p.organ_id) for p in pending]


def dialect(protocol: str, endpoint: str, agencies: list[LoadAgency]) -> Dialect:
    """The wire of `protocol` ("vxp" or "bkav") for these agencies on the axis at `endpoint`."""
    if protocol == "bkav":
        return BkavDialect(endpoint, agencies)
    return VxpDialect(endpoint, agencies)
