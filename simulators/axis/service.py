"""The VXP operations of one axis, independent of HTTP: callers, mailboxes, routing, replies.

`Axis.dispatch` takes an authenticated caller, its signed parameters and the body, and returns an
`Outcome` (JSON envelope or raw bytes). Refusals are raised as `Refusal` with an ASCII text.
"""

from __future__ import annotations

import asyncio
import base64
import functools
import hashlib
import json
import logging
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from harness.edxml.formats import now_ict
from harness.edxml.safexml import Limits
from harness.ids import IdShape, InvalidIdentifier, parse_agency_id
from harness.transport.vxp.auth import SignedRequest, digest_matches, hash_file_matches
from harness.transport.vxp.wire import (
    FILTER_TIME_FORMAT,
    SERVICE_TYPE,
    TIME_FORMAT,
    DeliveryStatus,
    ErrorCode,
    MessageType,
    Operation,
    envelope,
    sender_mismatch,
)
from simulators.axis.config import AxisConfig, OrganizationSpec, SystemSpec
from simulators.axis.faults import FaultKind, Faults
from simulators.axis.ids import new_doc_id
from simulators.axis.intake import Intake, Refusal, read_package
from simulators.axis.journal import stage, weak_auth
from simulators.axis.routing import Route, Router, owns
from simulators.axis.store import NewDelivery, NewPackage, Owner, Store
from simulators.axis.trace import append_trace, serialize

log = logging.getLogger(__name__)

FETCH_SPELLING = "docId"
"""getEdoc/downloadEdoc: the spelling the SDK samples, PVN and Bkav's bridge write."""
ACK_SPELLING = "docid"
"""updateStatus: Bkav's bridge writes `docid` here (and `docId` for getEdoc, on one SDK object)."""
INT_PARAMS: dict[str, tuple[str, int, int]] = {
    "pagesize": ("pageSize", 0, 1000),
    "pageindex": ("pageIndex", 0, 1_000_000),
    "level": ("level", 0, 9),
}
"""Integer parameters: the name as clients write it, and the range accepted (0 = not given)."""
THREAD_INTAKE_BYTES = 1024 * 1024
MAX_LISTED = 5
"""Codes named in one ErrorDesc."""
ASCII_DIGITS = re.compile(r"[0-9]{1,7}")
RELAY_KEY = "sim-relay-key"
"""Idempotency key a provincial axis adds when it forwards; a retried forward gets the same DocId."""


@dataclass(slots=True)
class Outcome:
    """What an operation answers: a JSON envelope, or raw bytes for downloadEdoc.

    A refused downloadEdoc answers an empty raw body but keeps its envelope in `body`, so the
    journal records the refusal (FAIL and its code) rather than an OK.
    """

    body: dict[str, Any] | None = None
    raw: bytes | None = None
    data_b64: bytes | None = None
    """A `data` field already base64-encoded (getEdoc), spliced in without a JSON pass over it."""
    http_status: int = 200
    doc_ids: list[str] = field(default_factory=list)
    note: str = ""

    @property
    def status(self) -> str:
        return str((self.body or {}).get("status", "OK" if self.raw is not None else "FAIL"))

    @property
    def error_code(self) -> str:
        return str((self.body or {}).get("ErrorCode", "0" if self.raw is not None else ""))

    @property
    def error_desc(self) -> str:
        return str((self.body or {}).get("ErrorDesc", ""))


def fail(code: ErrorCode, desc: str, **fields: Any) -> Outcome:
    return Outcome(envelope(code, desc, **fields))


EXPIRED = "Van ban {doc_id} da het thoi han luu tren truc"
"""getEdoc of a delivery whose package body was purged after the axis' retention (ASCII, as every ErrorDesc)."""


def now_text() -> str:
    return now_ict().strftime(TIME_FORMAT)


Handler = Callable[[SystemSpec, SignedRequest, bytes], Awaitable[Outcome]]


class Axis:
    """State and behaviour of one simulated axis (national or provincial)."""

    def __init__(self, config: AxisConfig) -> None:
        self.config = config
        self.store = Store(config.db_path, config.durability)
        self.store.load_config(config)
        self.faults = Faults(config.seed)
        self.router = Router(config)
        self.limits = Limits(max_bytes=config.max_body_bytes)
        self.systems: dict[str, SystemSpec] = {}
        self.forward_wakeup = asyncio.Event()
        self.set_aside: dict[str, dict[str, str]] = {}
        """Items pulled from the national axis that could not be taken in, by upstream docId."""
        self.reload()
        self.handlers: dict[str, Handler] = {
            Operation.SEND_EDOC: self.send_edoc,
            Operation.GET_RECEIVED_EDOC_LIST: self.get_received_edoc_list,
            Operation.GET_EDOC: self.get_edoc,
            Operation.DOWNLOAD_EDOC: self.download_edoc,
            Operation.UPDATE_STATUS: self.update_status,
            Operation.GET_SENT_EDOC_LIST: self.get_sent_edoc_list,
            Operation.COUNT_RECEIVE_EDOC: self.count_receive_edoc,
            Operation.COUNT_RECEIVE_STATUS: self.count_receive_status,
            Operation.GET_AGENCIES_LIST: self.get_agencies_list,
            Operation.GET_AGENCIES_LIST_QD20: self.get_agencies_list_qd20,
            Operation.GET_SYNCHRONIZE_UNIT: self.get_synchronize_unit,
            Operation.REGISTER_AGENCY: self.register_agency,
            Operation.DELETE_AGENCY: self.delete_agency,
        }

    def reload(self) -> None:
        """Refresh the in-memory registry: systems plus the organisations they registered."""
        systems = self.store.systems()
        orgs = self.store.organizations()
        for o in orgs:
            s = systems.get(o["registered_by"])
            if s is not None and o["code"] not in s.organs:
                s.organs.append(o["code"])
        self.systems = systems
        self.router.update(systems.values(), (o["code"] for o in orgs))

    def close(self) -> None:
        self.store.close()

    # Helpers -----------------------------------------------------------------------------------

    @staticmethod
    def agencies_of(system: SystemSpec) -> tuple[str, ...]:
        """Names a fault's `agency` may match for this caller."""
        return (system.system_id, *system.organs, *system.domains)

    def trace_code(self, sender: str) -> str:
        """The axis code in the same identifier shape as the package (EDX-10)."""
        if self.config.code_qd20:
            try:
                if parse_agency_id(sender).shape is IdShape.QD20:
                    return self.config.code_qd20
            except InvalidIdentifier:
                pass
        return self.config.code

    @staticmethod
    def doc_id_param(params: SignedRequest, prefer: str) -> str:
        """The document an operation acts on; of two signed spellings, the one its callers write."""
        doc_id = (params.get("docid", prefer) or "").strip()
        if not doc_id:
            raise Refusal(ErrorCode.BAD_REQUEST, "Thieu tham so docId")
        return doc_id

    def owned_delivery(self, system: SystemSpec, doc_id: str) -> dict[str, Any]:
        """A delivery in the caller's mailbox; anyone else's is reported exactly like a missing one."""
        d = self.store.delivery(doc_id)
        if d is None or d["route"] != "local" or d["state"] == "dropped" or not owns(system, d["receiver"]):
            raise Refusal(ErrorCode.NOT_FOUND, f"Khong tim thay van ban {doc_id}")
        return d

    @staticmethod
    def message_type_param(params: SignedRequest, default: str | None) -> str | None:
        mt = (params.get("messagetype") or "").strip().lower()
        if not mt:
            return default
        if mt not in (MessageType.EDOC, MessageType.STATUS):
            raise Refusal(ErrorCode.BAD_REQUEST, f"messagetype '{mt}' khong hop le")
        return mt

    # sendEdoc ----------------------------------------------------------------------------------

    async def send_edoc(self, system: SystemSpec, params: SignedRequest, body: bytes) -> Outcome:
        sender = (params.get("from") or "").strip()
        if not sender:
            raise Refusal(ErrorCode.BAD_REQUEST, "Thieu tham so from")
        if not owns(system, sender):
            raise Refusal(ErrorCode.FORBIDDEN, sender_mismatch(sender, system.system_id))
        package = body[:-2] if body.endswith(b"\r\n") else body
        declared = (params.get("hash-file") or "").strip()
        careless = weak_auth()
        if not declared and not careless:
            # The SDK always signs hash-file: without it the body is not bound to the signature.
            raise Refusal(ErrorCode.BAD_REQUEST, "Thieu tham so hash-file (SHA-256 cua goi tin, da ky)")
        digest = hashlib.sha256(package).digest()  # once: for hash-file and for the replay check
        if not careless and not (digest_matches(declared, digest) or hash_file_matches(declared, body)):
            raise Refusal(ErrorCode.BAD_REQUEST, "hash-file khong khop voi noi dung goi tin")
        relay_key = params.get(RELAY_KEY)
        origin_key = f"relay|{system.system_id}|{relay_key}" if relay_key and system.domains else None
        if origin_key:
            existing = self.store.package_by_origin(origin_key)
            if existing is not None:
                return Outcome(envelope(DocId=existing["doc_id"]), doc_ids=[existing["doc_id"]], note="relay-retry")
        read = functools.partial(
            read_package,
            package,
            message_type=params.get("messagetype"),
            service_type=params.get("servicetype"),
            sender_param=sender,
            to_param=params.get("to"),
            strictness=self.config.strictness,
            limits=self.limits,
        )
        # A large package is parsed off the event loop: the other agencies' requests go on meanwhile.
        intake = await asyncio.to_thread(read) if len(package) > THREAD_INTAKE_BYTES else read()
        routes = {r: self.router.route(r) for r in intake.receivers}
        unknown = [r for r, route in routes.items() if route is Route.UNKNOWN]
        if unknown:
            more = f" (va {len(unknown) - MAX_LISTED} don vi khac)" if len(unknown) > MAX_LISTED else ""
            raise Refusal(ErrorCode.NOT_FOUND, f"Khong tim thay don vi nhan: {', '.join(unknown[:MAX_LISTED])}{more}")
        if (
            self.config.dedupe_new_documents
            and intake.kind is MessageType.EDOC
            and intake.bussiness_type in ("", "0")
            and intake.document_id
        ):
            dup = self.store.duplicate_new_document(intake.sender, intake.document_id, intake.receivers)
            if dup:
                raise Refusal(ErrorCode.CONFLICT, f"Van ban {intake.document_id} da duoc gui toi {', '.join(dup)}")
        # The very bytes this caller already sent: a replay (a captured request sent again).
        body_sha256 = digest.hex()
        window = self.config.replay_window_seconds
        if window is not None and not careless:
            earlier = self.store.sent_body(system.system_id, body_sha256, time.time() - window)
            if earlier is not None:
                raise Refusal(ErrorCode.CONFLICT, f"Goi tin nay da duoc gui (DocId {earlier}): yeu cau lap lai")
        doc_id = new_doc_id()
        pkg = self.new_package(intake, doc_id, system.system_id, origin="client", origin_key=origin_key)
        pkg.body_sha256 = body_sha256
        for receiver, route in routes.items():
            pkg.deliveries.extend(self.deliveries_for(receiver, route, Operation.SEND_EDOC))
        dropped = [d.doc_id for d in pkg.deliveries if d.state == "dropped"]
        note = f"dropped:{','.join(dropped)}" if dropped else ""
        reply = envelope(DocId=doc_id)
        doc_ids = [doc_id] + [d.doc_id for d in pkg.deliveries]
        stage(doc_ids, reply, note)
        self.store.accept(pkg)
        if any(d.route == Route.UPSTREAM for d in pkg.deliveries):
            self.forward_wakeup.set()
        return Outcome(reply, doc_ids=doc_ids, note=note)

    def new_package(
        self, intake: Intake, doc_id: str, system_id: str, *, origin: str, origin_key: str | None
    ) -> NewPackage:
        """The package as stored: the received XML with this hop's TraceHeader appended."""
        create = intake.kind is MessageType.EDOC or self.config.trace_status_packages
        append_trace(intake.root, self.trace_code(intake.sender), create=create)
        return NewPackage(
            doc_id=doc_id,
            system_id=system_id,
            message_type=intake.kind.value,
            from_code=intake.sender,
            body=serialize(intake.root),
            created=now_text(),
            document_id=intake.document_id,
            title=intake.title[:500],
            notation=intake.notation,
            bussiness_type=intake.bussiness_type,
            status_code=intake.status_code,
            origin=origin,
            origin_key=origin_key,
        )

    def deliveries_for(self, receiver: str, route: Route, operation: str) -> list[NewDelivery]:
        """One delivery per receiver, unless a fault drops it or duplicates it."""
        if route is Route.UPSTREAM:
            return [NewDelivery(new_doc_id(), receiver, Route.UPSTREAM.value, "queued")]
        if self.faults.fire(FaultKind.DROP, operation, (receiver,)):
            return [NewDelivery(new_doc_id(), receiver, Route.LOCAL.value, "dropped")]
        out = [NewDelivery(new_doc_id(), receiver, Route.LOCAL.value, DeliveryStatus.INITIAL.value)]
        if self.faults.fire(FaultKind.DUPLICATE, operation, (receiver,)):
            out.append(NewDelivery(new_doc_id(), receiver, Route.LOCAL.value, DeliveryStatus.INITIAL.value))
        return out

    # Mailbox -----------------------------------------------------------------------------------

    @staticmethod
    def _filter_time(params: SignedRequest, name: str) -> str | None:
        value = (params.get(name) or "").strip()
        if not value:
            return None
        for fmt in (FILTER_TIME_FORMAT, "%d/%m/%Y", TIME_FORMAT):
            try:
                return datetime.strptime(value, fmt).strftime(TIME_FORMAT)
            except ValueError:
                continue
        raise Refusal(ErrorCode.BAD_REQUEST, f"{name} khong hop le (dd/MM/yyyy HH:mm:ss): {value[:40]}")

    @staticmethod
    def _int_param(params: SignedRequest, name: str) -> int | None:
        """A bounded non-negative integer: ASCII digits only (`str.isdigit` takes `²`), within its range."""
        value = (params.get(name) or "").strip()
        if not value:
            return None
        shown, low, high = INT_PARAMS[name]
        if not ASCII_DIGITS.fullmatch(value) or not low <= int(value) <= high:
            raise Refusal(ErrorCode.BAD_REQUEST, f"{shown} phai la so nguyen tu {low} den {high}")
        return int(value)

    async def get_received_edoc_list(self, system: SystemSpec, params: SignedRequest, body: bytes) -> Outcome:
        mt = self.message_type_param(params, None)
        size = self._int_param(params, "pagesize")
        index = self._int_param(params, "pageindex") or 1
        rows = self.store.mailbox(
            Owner.of(system),
            mt,
            since=self._filter_time(params, "fromdate"),
            until=self._filter_time(params, "todate"),
            limit=size,
            offset=(max(index, 1) - 1) * size if size else 0,
        )
        if self.faults.fire(FaultKind.REORDER, Operation.GET_RECEIVED_EDOC_LIST, self.agencies_of(system)):
            self.faults.rng.shuffle(rows)
        data = [
            {
                "docId": r["doc_id"],
                "serviceType": SERVICE_TYPE,
                "messageType": r["message_type"],
                "from": r["from_code"],
                "to": r["receiver"],
                "status": r["state"],
                "status_desc": r["status_desc"],
                "created_time": r["created"],
                "updated_time": r["updated"],
            }
            for r in rows
        ]
        return Outcome(envelope(data=data), doc_ids=[d["docId"] for d in data])

    def delivered_body(self, system: SystemSpec, doc_id: str) -> bytes:
        """The package of a delivery in the caller's mailbox; Refusal when it is not theirs or its body was
        purged after the axis' retention."""
        self.owned_delivery(system, doc_id)
        content = self.store.delivery_body(doc_id)
        if content is None:
            raise Refusal(ErrorCode.NOT_FOUND, EXPIRED.format(doc_id=doc_id))
        return content

    async def get_edoc(self, system: SystemSpec, params: SignedRequest, body: bytes) -> Outcome:
        doc_id = self.doc_id_param(params, FETCH_SPELLING)
        content = self.delivered_body(system, doc_id)
        return Outcome(envelope(), data_b64=base64.b64encode(content), doc_ids=[doc_id])

    async def download_edoc(self, system: SystemSpec, params: SignedRequest, body: bytes) -> Outcome:
        try:
            doc_id = self.doc_id_param(params, FETCH_SPELLING)
            content = self.delivered_body(system, doc_id)
        except Refusal as r:
            return Outcome(envelope(r.code, r.desc), raw=b"", http_status=404, note=r.desc)
        return Outcome(raw=content, doc_ids=[doc_id])

    async def update_status(self, system: SystemSpec, params: SignedRequest, body: bytes) -> Outcome:
        doc_id = self.doc_id_param(params, ACK_SPELLING)
        delivery = self.owned_delivery(system, doc_id)
        status = (params.get("status") or "").strip().lower()
        desc = (params.get("description") or "").strip()
        now = now_text()
        stage([doc_id], envelope())
        if status == DeliveryStatus.DONE:
            if delivery["state"] != DeliveryStatus.DONE:
                self.store.set_state([doc_id], DeliveryStatus.DONE, desc, now, acked=True)
        elif status == DeliveryStatus.FAIL:
            if self.config.redeliver_failed:
                self.store.set_state([doc_id], DeliveryStatus.INITIAL, desc or "fail", now)
            elif delivery["state"] != DeliveryStatus.DONE:
                self.store.set_state([doc_id], DeliveryStatus.FAIL, desc, now, acked=True)
        elif status == DeliveryStatus.PROCESSING:
            if delivery["state"] in (DeliveryStatus.INITIAL, DeliveryStatus.PROCESSING):
                self.store.set_state([doc_id], DeliveryStatus.PROCESSING, desc, now)
        else:
            raise Refusal(ErrorCode.BAD_REQUEST, f"status '{status}' khong hop le (done, fail, processing)")
        return Outcome(envelope(), doc_ids=[doc_id])

    async def get_sent_edoc_list(self, system: SystemSpec, params: SignedRequest, body: bytes) -> Outcome:
        mt = self.message_type_param(params, None)
        # Only a docId naming one of the caller's own packages filters: any other is one the SDK
        # carried over from getEdoc/updateStatus (a receiver-side id), never meant for this list.
        own = [v.strip() for v in params.values("docid") if self.store.sent_by(system.system_id, v.strip())]
        rows = self.store.sent(system.system_id, mt, own[0] if own else None)
        data = []
        for r in rows:
            upstream = r["route"] == Route.UPSTREAM
            send_status = (
                {"queued": "queued", "forwarded": "forwarded", "undeliverable": "fail"}.get(r["state"], "sent")
                if upstream
                else "sent"
            )
            receive_status = "" if upstream else ("initial" if r["state"] == "dropped" else r["state"])
            data.append(
                {
                    "serviceType": SERVICE_TYPE,
                    "messageType": r["message_type"],
                    "senderDocId": r["sender_doc_id"],
                    "receiverDocId": r["receiver_doc_id"],
                    "upstreamDocId": r["upstream_doc_id"],
                    "fromCode": r["from_code"],
                    "toCode": r["receiver"],
                    "title": r["title"],
                    "notation": r["notation"],
                    "sentTime": r["created"],
                    "receivedTime": r["acked"],
                    "sendStatus": send_status,
                    "sendStatusDesc": r["status_desc"] if upstream else "",
                    "receiveStatus": receive_status,
                    "receiveStatusDesc": "" if upstream else r["status_desc"],
                }
            )
        return Outcome(envelope(data=data))

    async def count_receive_edoc(self, system: SystemSpec, params: SignedRequest, body: bytes) -> Outcome:
        return Outcome(envelope(count=self.store.count_mailbox(Owner.of(system), MessageType.EDOC)))

    async def count_receive_status(self, system: SystemSpec, params: SignedRequest, body: bytes) -> Outcome:
        return Outcome(envelope(count=self.store.count_mailbox(Owner.of(system), MessageType.STATUS)))

    # Directory ---------------------------------------------------------------------------------

    async def get_agencies_list(self, system: SystemSpec, params: SignedRequest, body: bytes) -> Outcome:
        data = [
            {"id": i, "code": o["code"], "name": o["name"], "mail": o["mail"], "pid": o["pid"], "oldCode": ""}
            for i, o in enumerate(self.store.organizations(), start=1)
        ]
        return Outcome(envelope(data=data))

    async def get_agencies_list_qd20(self, system: SystemSpec, params: SignedRequest, body: bytes) -> Outcome:
        level = self._int_param(params, "level")
        data = []
        for i, o in enumerate(self.store.organizations(), start=1):
            code = o["code_qd20"] or o["code"]
            try:
                depth = parse_agency_id(code).level
            except InvalidIdentifier:
                depth = 0
            if level is not None and depth != level:
                continue
            data.append({"id": i, "code": code, "name": o["name"], "mail": o["mail"], "code102": o["code"]})
        return Outcome(envelope(data=data))

    async def get_synchronize_unit(self, system: SystemSpec, params: SignedRequest, body: bytes) -> Outcome:
        data = [
            {
                "id": i,
                "code": o["code"],
                "name": o["name"],
                "mail": o["mail"],
                "pid": o["pid"],
                "version": o["version"],
                "centerCode": self.config.code,
                "deleted": bool(o["deleted"]),
                "modifyDate": o["modify_date"],
                "isAgency": bool(o["is_agency"]),
            }
            for i, o in enumerate(self.store.organizations(include_deleted=True), start=1)
        ]
        return Outcome(envelope(data=data))

    async def register_agency(self, system: SystemSpec, params: SignedRequest, body: bytes) -> Outcome:
        try:
            req = json.loads(body.decode("utf-8") or "{}")
        except (UnicodeDecodeError, ValueError, RecursionError):
            raise Refusal(ErrorCode.BAD_REQUEST, "Noi dung registerAgency khong phai JSON") from None
        if not isinstance(req, dict):
            raise Refusal(ErrorCode.BAD_REQUEST, "Noi dung registerAgency khong phai doi tuong JSON")
        code = str(req.get("code") or "").strip()
        name = str(req.get("name") or "").strip()
        if not code or not name:
            raise Refusal(ErrorCode.BAD_REQUEST, "registerAgency can code va name")
        try:
            parse_agency_id(code)
        except InvalidIdentifier as exc:
            raise Refusal(ErrorCode.BAD_REQUEST, f"Ma don vi {code} khong hop le: {exc.reason_vi}") from None
        existing = self.store.organization(code)
        # A code another system acts for, or a directory entry that is not the caller's, stays theirs:
        # taking it over would open their mailbox to the caller and let it send in their name.
        held = existing is not None and not existing["deleted"] and existing["registered_by"] != system.system_id
        others = any(owns(s, code) for s in self.systems.values() if s.system_id != system.system_id)
        if others or (held and not owns(system, code)):
            raise Refusal(ErrorCode.CONFLICT, f"Ma don vi {code} da duoc he thong khac dang ky")
        org = OrganizationSpec(code, name, str(req.get("pcode") or ""), str(req.get("mail") or ""))
        self.store.register_organization(
            org, system.system_id, now_text(), mobile=str(req.get("mobile") or ""), fax=str(req.get("fax") or "")
        )
        self.reload()
        return Outcome(envelope())

    async def delete_agency(self, system: SystemSpec, params: SignedRequest, body: bytes) -> Outcome:
        code = (params.get("agencycode") or "").strip()
        if not code:
            raise Refusal(ErrorCode.BAD_REQUEST, "Thieu tham so AgencyCode")
        org = self.store.organization(code)
        if org is None or org["deleted"]:
            raise Refusal(ErrorCode.NOT_FOUND, f"Khong tim thay don vi {code}")
        if org["registered_by"] != system.system_id:
            raise Refusal(ErrorCode.FORBIDDEN, f"Don vi {code} khong do he thong {system.system_id} dang ky")
        self.store.delete_organization(code, now_text())
        self.reload()
        return Outcome(envelope())


def json_outcome(outcome: Outcome) -> bytes:
    head = json.dumps(outcome.body, ensure_ascii=True, separators=(",", ":")).encode("ascii")
    if outcome.data_b64 is None:
        return head
    return head[:-1] + b',"data":"' + outcome.data_b64 + b'"}'
