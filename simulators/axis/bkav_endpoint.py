"""Profile B: the same simulated axis served with Bkav's EdocService protocol (axis-protocol.md §4).

One store, one routing core, one journal, the same control plane and faults as the VXP endpoint:
each EdocService call is authenticated as Bkav's servlet filter does (`organId` and the raw token in
`Authorization`, HTTP 401 with its body otherwise), then handed to the axis' own operations, and the
answer is written in Bkav's envelope. Numeric docIds are the deliveries' sequence numbers, unique
across documents and statuses, as `confirmReceived` (which has no `type`) needs.

Where Bkav's server is careless the simulator keeps the axis' rules and says so: a document is served
only to the organisation it is addressed to, and an edXML sender the caller does not own is refused.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import logging
import time

from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response

from harness.edxml.parser import parse_package
from harness.errors import LienthongError
from harness.transport.bkav.wire import (
    DOC_ID,
    ERROR_CODE,
    HASH,
    TYPE,
    ErrorItem,
    Kind,
    Operation,
    Reply,
    Status,
    edoc_hash,
    failure,
    strip_crlf,
    success,
    unauthorized,
)
from harness.transport.vxp.auth import SignedRequest
from harness.transport.vxp.wire import ErrorCode
from simulators.axis.config import SystemSpec
from simulators.axis.faults import FaultKind
from simulators.axis.intake import Refusal
from simulators.axis.journal import CURRENT, RequestRecord
from simulators.axis.routing import owns
from simulators.axis.service import THREAD_INTAKE_BYTES, Axis, now_text
from simulators.axis.store import Owner
from simulators.axis.vxp_endpoint import SMALL_BODY, SlowBody, TooLarge, read_body

log = logging.getLogger(__name__)

ERROR_NAMES = {
    ErrorCode.BAD_REQUEST: "BadRequest",
    ErrorCode.UNAUTHORIZED: "Unauthorized",
    ErrorCode.FORBIDDEN: "Forbidden",
    ErrorCode.NOT_FOUND: "NotFound",
    ErrorCode.CONFLICT: "ExistDoc",
    ErrorCode.TOO_LARGE: "TooLarge",
    ErrorCode.INTERNAL: "InternalServer",
    ErrorCode.UNAVAILABLE: "Unavailable",
}
"""Bkav's error names for the axis' refusals (ExistDoc is the server's own, for a duplicate document)."""


class _Answer(LienthongError):
    """Ends a call early with this reply (a refusal), and the VXP-style code the journal records."""

    def __init__(self, reply: Reply, journal_code: str) -> None:
        super().__init__(reply.error_text)
        self.reply = reply
        self.journal_code = journal_code


def _refused(code: ErrorCode, description: str, *, status: str = Status.FAIL, http_status: int = 200) -> _Answer:
    name = ERROR_NAMES.get(code, "Error")
    return _Answer(failure(name, description, status=status, http_status=http_status), code.value)


def _doc_number(request: Request) -> int:
    raw = (request.headers.get(DOC_ID) or "").strip()
    if not raw.isascii() or not raw.isdigit() or len(raw) > 18:
        raise _Answer(failure("DocID", "Invalid DocID", status=Status.ERROR), ErrorCode.BAD_REQUEST.value)
    return int(raw)


def _kind(request: Request, *, default: Kind | None) -> Kind:
    raw = (request.headers.get(TYPE) or "").strip().upper()
    if not raw and default is not None:
        return default
    if raw not in (Kind.EDOC, Kind.STATUS):
        raise _Answer(
            failure("MessageType", "UnSupport Message Type", status=Status.ERROR), ErrorCode.BAD_REQUEST.value
        )
    return Kind(raw)


def _sender(package: bytes) -> str:
    """The package's From/OrganId: EdocService names the sender only there ("" when unreadable)."""
    try:
        parsed = parse_package(package, strict=False)
    except Exception:
        return ""
    return (parsed.from_.organ_id if parsed.from_ is not None else None) or ""


class BkavEndpoint:
    def __init__(self, axis: Axis) -> None:
        self.axis = axis

    def authenticate(self, request: Request) -> tuple[SystemSpec, str]:
        """The caller's system and organisation, as Bkav's filter checks them (headers read case-insensitively)."""
        organ = (request.headers.get("organid") or "").strip()
        token = request.headers.get("authorization") or ""
        missing = (not organ) + (not token)
        if missing:
            raise _Answer(unauthorized(missing=missing), ErrorCode.UNAUTHORIZED.value)
        for system in self.axis.systems.values():
            if owns(system, organ) and hmac.compare_digest(system.secret.encode(), token.encode()):
                return system, organ
        raise _Answer(unauthorized(), ErrorCode.UNAUTHORIZED.value)

    async def endpoint(self, request: Request) -> Response:
        started = time.perf_counter()
        operation = str(request.path_params["operation"])[:64]
        declared = request.headers.get("content-length") or ""
        bytes_in = int(declared) if declared.isascii() and declared.isdigit() else 0
        caller = (request.headers.get("organid") or "")[:200]
        record = RequestRecord(started, caller, operation, bytes_in, request.client.host if request.client else "")
        token = CURRENT.set(record)
        doc_ids: list[str] = []
        journal_code = ErrorCode.OK.value
        try:
            reply, doc_ids = await self.handle(request, operation, record)
        except _Answer as answer:
            reply, journal_code = answer.reply, answer.journal_code
        except TooLarge:
            limit = self.axis.config.max_body_bytes
            reply, journal_code = failure("TooLarge", f"Body over {limit} bytes"), ErrorCode.TOO_LARGE.value
        except (ClientDisconnect, SlowBody):
            reply, journal_code = failure("BadRequest", "Bad Request"), ErrorCode.BAD_REQUEST.value
        except Exception as exc:
            log.exception("internal error in %s", operation)
            reply = failure("InternalServer", type(exc).__name__, status=Status.ERROR)
            journal_code = ErrorCode.INTERNAL.value
        finally:
            CURRENT.reset(token)
        body = reply.to_bytes()
        response = Response(body, status_code=reply.http_status, media_type="application/json")
        if not record.written:
            try:
                self.axis.store.journal_add(
                    record.row(
                        doc_ids=doc_ids,
                        http_status=reply.http_status,
                        status="OK" if reply.ok else "FAIL",
                        error_code=journal_code if not reply.ok else ErrorCode.OK.value,
                        error_desc="" if reply.ok else reply.error_text[:500],
                        bytes_out=len(body),
                    )
                )
            except Exception:
                log.exception("journal write failed")
        return response

    async def handle(self, request: Request, operation: str, record: RequestRecord) -> tuple[Reply, list[str]]:
        axis = self.axis
        try:
            op = Operation(operation)
        except ValueError:
            raise _refused(ErrorCode.NOT_FOUND, f"No operation {operation}", http_status=404) from None
        if axis.faults.fire(FaultKind.DOWN, operation, (record.system_id,)) is not None:
            raise _refused(
                ErrorCode.UNAVAILABLE, "Service unavailable (simulated)", status=Status.ERROR, http_status=503
            )
        limit = axis.config.max_body_bytes + 2 if op is Operation.SEND_DOCUMENT else SMALL_BODY
        body = await read_body(request, limit, axis.config.body_idle_seconds)
        system, organ = self.authenticate(request)
        record.system_id = system.system_id
        agencies = axis.agencies_of(system)
        slow = axis.faults.fire(FaultKind.LATENCY, operation, agencies)
        if slow is not None:
            await asyncio.sleep(slow.latency_ms / 1000)
        if axis.faults.fire(FaultKind.ERROR, operation, agencies) is not None:
            raise _refused(ErrorCode.INTERNAL, "System error (simulated)", status=Status.ERROR)
        # The weak-auth fault makes this axis as careless as Bkav's own server: any docId to any caller.
        careless = axis.faults.fire(FaultKind.WEAK_AUTH, operation, agencies) is not None
        if op is Operation.SEND_DOCUMENT:
            return await self.send_document(request, system, body, careless)
        if op is Operation.GET_PENDING_DOC_IDS:
            return self.pending(request, system, organ)
        if op is Operation.GET_DOCUMENT:
            return self.document(request, organ, careless)
        if op is Operation.CONFIRM_RECEIVED:
            return self.confirm(request, organ, careless)
        if op is Operation.GET_ORGANIZATIONS:
            return self.organizations(request), []
        return self.check_exist(body), []

    async def send_document(
        self, request: Request, system: SystemSpec, body: bytes, careless: bool = False
    ) -> tuple[Reply, list[str]]:
        """Raw edXML (one trailing CRLF dropped, as Bkav's SDK adds it); the sender is the package's.
        `hash-edoc` binds the body to the call: required and checked, as VXP's hash-file is (Bkav's
        server stores it unchecked; the weak-auth fault does the same)."""
        kind = _kind(request, default=Kind.EDOC)
        package = strip_crlf(body)
        if not package.strip():
            raise _Answer(failure("File Not Found", "Not found edxml file in request", status=Status.ERROR), "400")
        declared = (request.headers.get(HASH) or "").strip().lower()
        if not careless and not declared:
            raise _refused(ErrorCode.BAD_REQUEST, "Missing hash-edoc (SHA-256 of the document)")
        if not careless and declared not in (edoc_hash(package), edoc_hash(body)):
            raise _refused(ErrorCode.BAD_REQUEST, "hash-edoc does not match the document")
        sender = await asyncio.to_thread(_sender, package) if len(package) > THREAD_INTAKE_BYTES else _sender(package)
        if not sender:
            raise _refused(ErrorCode.BAD_REQUEST, "Bad Request")
        params = {
            "from": sender,
            "messagetype": kind.message_type,
            "servicetype": "eDoc",
            "hash-file": hashlib.sha256(package).hexdigest(),
        }
        try:
            outcome = await self.axis.send_edoc(system, SignedRequest(params, frozenset(params)), package)
        except Refusal as r:
            raise _refused(r.code, r.desc) from None
        if outcome.status != "OK":
            code = outcome.error_code
            raise _refused(ErrorCode(code) if code in set(ErrorCode) else ErrorCode.INTERNAL, outcome.error_desc)
        sent = self.axis.store.package(str((outcome.body or {}).get("DocId", "")))
        if sent is None:
            raise _refused(ErrorCode.INTERNAL, "Document not stored", status=Status.ERROR)
        return success(docId=int(sent["id"])), outcome.doc_ids

    def pending(self, request: Request, system: SystemSpec, organ: str) -> tuple[Reply, list[str]]:
        message_type = _kind(request, default=None).message_type
        rows = [r for r in self.axis.store.mailbox(Owner.of(system), message_type) if r["receiver"] == organ]
        data = [{"docId": int(r["seq"]), "organId": r["receiver"]} for r in rows]
        # Bkav's v2 server answers `data`; its own SDK reads `docIDs`: both, so both clients work.
        reply = success(data=data, docIDs=[d["docId"] for d in data])
        return reply, [str(r["doc_id"]) for r in rows]

    def _owned(self, number: int, organ: str, kind: Kind | None, careless: bool = False) -> dict[str, object]:
        """The caller organisation's delivery numbered `number`; anyone else's is answered as missing
        (unless `careless`, the weak-auth fault)."""
        d = self.axis.store.delivery_by_seq(number)
        wanted = None if kind is None else kind.message_type
        if (
            d is None
            or d["route"] != "local"
            or d["state"] == "dropped"
            or (d["receiver"] != organ and not careless)
            or (wanted is not None and d["message_type"] != wanted)
        ):
            raise _Answer(failure("DocID", "Invalid DocID", status=Status.ERROR), ErrorCode.NOT_FOUND.value)
        return d

    def document(self, request: Request, organ: str, careless: bool) -> tuple[Reply, list[str]]:
        number = _doc_number(request)
        d = self._owned(number, organ, _kind(request, default=Kind.EDOC), careless)
        content = self.axis.store.delivery_body(str(d["doc_id"]))
        if content is None:
            raise _Answer(failure("DocID", "Document expired", status=Status.ERROR), ErrorCode.NOT_FOUND.value)
        return success(data=base64.b64encode(content).decode("ascii")), [str(d["doc_id"])]

    def confirm(self, request: Request, organ: str, careless: bool) -> tuple[Reply, list[str]]:
        d = self._owned(_doc_number(request), organ, None, careless)
        doc_id = str(d["doc_id"])
        if d["state"] != "done":
            self.axis.store.set_state([doc_id], "done", "", now_text(), acked=True)
        return success(), [doc_id]

    def organizations(self, request: Request) -> Reply:
        wanted = (request.query_params.get("organId") or "").strip()
        organizations = [
            {
                "organId": o["code"],
                "organizationInCharge": o["pid"],
                "organName": o["name"],
                "organAdd": "",
                "email": o["mail"],
                "telephone": o["mobile"],
                "fax": o["fax"],
                "website": "",
            }
            for o in self.axis.store.organizations()
            if not wanted or o["code"] == wanted
        ]
        return success(organizations=organizations)

    def check_exist(self, body: bytes) -> Reply:
        try:
            data = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            data = None
        if not isinstance(data, dict):
            return Reply(Status.ERROR, ERROR_CODE, [ErrorItem("CheckExistDocumentException", "Bad JSON")])
        found = self.axis.store.document_exists(
            str(data.get("fromOrgan") or ""), str(data.get("toOrgan") or ""), str(data.get("docCode") or "")
        )
        return Reply(Status.SUCCESS, "200", [], 200, {"result": found})
