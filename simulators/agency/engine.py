"""The simulated document system: poll, check, register, return statuses, send documents.

It uses the harness' own pieces (VXP client, edXML validation, signature checks, document
signing), so a conformant profile behaves as the rules say and a faulty one breaks exactly its
knob. Time is compressed by `Timing`: real trials poll every hours, the demo every fraction of a
second.

Three loops per agency:

* polling (every `poll_interval`): fetch new documents, check their EDX rules and addressee, queue
  them for the clerk (persisted before the transport acknowledgement: `done`, or `fail` with a
  Vietnamese reason), send what is left in the status outbox, fetch the statuses of sent documents;
* the clerk: registers queued documents one at a time (`register_delay` apart, flash first) and
  returns 01 at once; in `auto` mode it goes on by itself (03, 04, 05, 06 `step_delay` apart, 15
  to a recall). In `driven` mode those actions come from the backchannel (`act`);
* the checker: verifies the signatures of each registered document beside the clerk (a slow check
  never delays the next 01) and plans the automatic 02, with the rule ID, when one fails.

Every action changes the registration and queues its status in one transaction; the status is then
sent in outbox order, so statuses never overtake each other and a restart resends what was queued.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import re
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, TypeVar

import httpx
from cryptography.hazmat.primitives.serialization import Encoding

from harness.backchannel.models import (
    ACTION_STATUS,
    Action,
    BackchannelError,
    ErrorCode,
    ReceivedDocument,
    SendRequest,
    SendResult,
    SentDocument,
    StatusEntry,
    SystemInfo,
)
from harness.edxml import build
from harness.edxml import model as m
from harness.edxml.factory import STATUS_DESCRIPTIONS, follow_up, organization, status_for
from harness.edxml.findings import Level
from harness.edxml.formats import ICT
from harness.edxml.parser import parse_package
from harness.edxml.validate import inspect
from harness.ids import InvalidIdentifier, parse_agency_id
from harness.pdf.doctypes import UnknownDocType, doc_type
from harness.pki import TestPki
from harness.signing.documents import signed_pilot_document
from harness.signing.package import verify_package
from harness.signing.verify import TrustConfig
from harness.transport.vxp import AsyncVxpClient, MessageType, VxpError
from simulators.agency.profiles import CONFORMANT, Behaviour
from simulators.agency.store import TERMINAL, AgencyStore, Row

log = logging.getLogger(__name__)

T = TypeVar("T")


class Mode(StrEnum):
    AUTO = "auto"
    """The simulated clerk accepts and works through every document by itself."""
    DRIVEN = "driven"
    """After 01 (or an automatic 02) the agency waits for backchannel actions."""


@dataclass(frozen=True, slots=True)
class Timing:
    poll_interval: float = 1.0
    """Seconds between two polls of the axis (multiplied by the profile's poll_factor)."""
    step_delay: float = 0.5
    """Seconds between two automatic statuses of the same document (03 -> 04 -> 05 -> 06, 02, 15)."""
    register_delay: float = 0.05
    """Seconds the clerk takes between two registrations (the queue that makes flash order visible)."""


@dataclass(frozen=True, slots=True)
class Connection:
    endpoint: str
    system_id: str
    secret: str


WRONG_SECRET_SUFFIX = "-sai-mat-khau"

PRIORITY_RANK = {"3": 0, "4": 0, "2": 1, "1": 2, "0": 3}
"""Clerk queue order: flash (3, 4) first, then very urgent, urgent, normal."""

TRANSITIONS: dict[Action, tuple[str, str]] = {
    Action.ACCEPT: ("registered", "accepted"),
    Action.REJECT: ("registered", "rejected"),
    Action.ASSIGN: ("accepted", "assigned"),
    Action.PROCESS: ("assigned", "processing"),
    Action.COMPLETE: ("processing", "completed"),
}
"""The only order a conformant clerk may follow: state before -> state after."""

AUTO_NEXT: dict[str, Action] = {
    "registered": Action.ACCEPT,
    "accepted": Action.ASSIGN,
    "assigned": Action.PROCESS,
    "processing": Action.COMPLETE,
}

STATE_VI = {
    "registered": "đã vào sổ, chờ tiếp nhận",
    "rejected": "đã từ chối",
    "accepted": "đã tiếp nhận",
    "assigned": "đã phân công",
    "processing": "đang xử lý",
    "completed": "đã hoàn thành",
}

ACTION_VI = {
    Action.ACCEPT: "tiếp nhận",
    Action.REJECT: "từ chối",
    Action.ASSIGN: "phân công",
    Action.PROCESS: "xử lý",
    Action.COMPLETE: "hoàn thành",
    Action.AGREE: "đồng ý",
    Action.REFUSE: "từ chối yêu cầu",
}

PERMANENT_REFUSALS = {"400", "403", "404", "409", "413"}
"""Axis error codes that a retry cannot fix (the package itself is refused)."""

REQUEST_KINDS = ("1", "2", "3")

OUTBOX_RETRY = 1.0
"""Seconds before the clerk retries a status the axis could not take (besides every poll)."""

_LOCKS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, asyncio.Lock]] = weakref.WeakKeyDictionary()


async def _in_thread(kind: str, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run CPU-heavy work (rendering and signing, or verifying) in a worker thread, one job of each
    `kind` at a time per event loop. The waiting happens in the loop, not in a thread, so queued
    jobs never starve the thread pool the rest of the agency uses (pyHanko runs its own event
    loop inside, hence the thread)."""
    locks = _LOCKS.setdefault(asyncio.get_running_loop(), {})
    lock = locks.setdefault(kind, asyncio.Lock())
    async with lock:
        return await asyncio.to_thread(fn, *args, **kwargs)


class _VerificationCache:
    """Signature verdicts by (PKI, sender, attachments): the same signed files reach many agencies
    of one host (a harness probe sends one signed PDF to every system under test), and checking
    them once keeps every agency's 02 on time. Entries expire, as validity depends on the clock."""

    def __init__(self, seconds: float = 300.0, size: int = 1024) -> None:
        self.seconds, self.size = seconds, size
        self.entries: dict[tuple[str, str, str], tuple[float, list[str]]] = {}

    def get(self, key: tuple[str, str, str]) -> list[str] | None:
        hit = self.entries.get(key)
        if hit is None or time.monotonic() - hit[0] > self.seconds:
            return None
        return list(hit[1])

    def put(self, key: tuple[str, str, str], findings: list[str]) -> None:
        if len(self.entries) >= self.size:
            del self.entries[min(self.entries, key=lambda k: self.entries[k][0])]
        self.entries[key] = (time.monotonic(), list(findings))


_VERIFIED = _VerificationCache()


def trust_id(pki: TestPki) -> str:
    """What signature verdicts depend on besides the files: the anchors and the CRLs."""
    digest = hashlib.sha256()
    for cert in (pki.root.certificate, pki.ca.certificate):
        digest.update(cert.public_bytes(Encoding.DER))
    for crl in pki.crls:
        digest.update(crl.public_bytes(Encoding.DER))
    return digest.hexdigest()


def _verification_key(trust: str, package: m.EdocPackage) -> tuple[str, str, str]:
    digest = hashlib.sha256()
    for a in package.attachments:
        for part in (a.attachment_name, a.content_type, a.encoded):
            digest.update((part or "").encode("utf-8") + b"\0")
    sender = (package.from_.organ_id if package.from_ is not None else None) or ""
    return trust, sender, digest.hexdigest()


def iso(ts: float | None) -> str:
    return datetime.fromtimestamp(ts or 0.0, ICT).isoformat(timespec="milliseconds")


def bad_request(message_vi: str) -> BackchannelError:
    return BackchannelError(400, ErrorCode.BAD_REQUEST, message_vi)


def break_promulgation_date(data: bytes) -> bytes:
    """PromulgationDate yyyy/MM/dd -> dd/MM/yyyy: EDX-13, which the axis' carriage rules do not check."""
    return re.sub(
        rb"(<edXML:PromulgationInfo>.*?<edXML:PromulgationDate>)(\d{4})/(\d{2})/(\d{2})",
        rb"\1\4/\3/\2",
        data,
        count=1,
        flags=re.DOTALL,
    )


def wrap_status(data: bytes) -> bytes:
    """The faulty status shape: a `Status` wrapper the VNPT parser cannot read (EDX-40)."""
    return data.replace(b"<edXML:MessageHeader>", b"<edXML:Status><edXML:MessageHeader>").replace(
        b"</edXML:MessageHeader>", b"</edXML:MessageHeader></edXML:Status>"
    )


def business(package: m.EdocPackage) -> tuple[str, str | None]:
    """(BussinessDocType, Bussiness/DocumentId) of a document package."""
    bus = package.trace_header_list.bussiness if package.trace_header_list is not None else None
    if bus is None:
        return "0", None
    return (bus.bussiness_doc_type or "0").strip(), bus.document_id


class SimulatedAgency:
    def __init__(
        self,
        organ: m.Organization,
        connection: Connection,
        pki: TestPki,
        db_path: str,
        *,
        behaviour: Behaviour = CONFORMANT,
        timing: Timing = Timing(),
        mode: Mode = Mode.AUTO,
        profile_name: str = "conformant",
        directory: dict[str, str] | None = None,
        organs: tuple[str, ...] = (),
    ) -> None:
        assert organ.organ_id is not None
        self.organ = organ
        self.organ_id: str = organ.organ_id
        self.codes = {self.organ_id, *organs}
        """Every code this system receives for (a system may act for several organisations)."""
        self.pki = pki
        self.trust = TrustConfig.from_pki(pki)
        self.trust_id = trust_id(pki)
        self.behaviour = behaviour
        self.timing = timing
        self.mode = mode
        self.profile_name = profile_name
        self.directory: dict[str, str] = dict(directory or {})
        """Agency code -> name, for the recipients of documents this agency sends."""
        self.store = AgencyStore(db_path)
        self.connection = connection
        secret = connection.secret + WRONG_SECRET_SUFFIX if behaviour.wrong_secret else connection.secret
        self.client = AsyncVxpClient(connection.endpoint, connection.system_id, secret)
        self.lock = asyncio.Lock()
        """Held while the state of registrations changes and the outbox is sent."""
        self.fetch_lock = asyncio.Lock()
        """One fetch at a time (the polling loop, or a clerk's refresh before answering a request)."""
        self.wake = asyncio.Event()
        """Set when the polling loop queued something for the clerk."""
        self.to_check = asyncio.Event()
        """Set when the clerk registered a document whose signatures must be checked."""
        self.last_axis_error = ""
        self._last_failure = ""
        self._fetching = False
        self._flushed_at = 0.0
        """True while a poll is fetching: the clerk waits so that it sees the whole batch (flash order)."""

    async def aclose(self) -> None:
        await self.client.aclose()
        self.store.close()

    # Loops ---------------------------------------------------------------------------------------

    async def start(self) -> None:
        """Once at startup: read the directory (the axis journal shows it) and, in auto mode, take
        up unfinished work left by an earlier run."""
        try:
            for entry in await self.client.get_agencies_list():
                code, name = str(entry.get("code", "")), str(entry.get("name", ""))
                if code and name:
                    self.directory.setdefault(code, name)
        except (VxpError, httpx.HTTPError) as exc:
            self._failure("đọc danh bạ cơ quan", exc)
        if self.mode is Mode.AUTO:
            self.store.schedule_open_work(time.time())
        if self.store.queued():
            self.wake.set()

    async def run(self, stop: asyncio.Event) -> None:
        """Poll and work until `stop` is set; a failed poll is logged and the next one goes on."""
        await self.start()
        await asyncio.gather(self._poll_loop(stop), self._clerk_loop(stop), self._checker_loop(stop))

    async def _poll_loop(self, stop: asyncio.Event) -> None:
        interval = self.timing.poll_interval * self.behaviour.poll_factor
        while not stop.is_set():
            await self.poll_axis()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=interval)

    async def _clerk_loop(self, stop: asyncio.Event) -> None:
        tick = max(0.01, min(0.05, self.timing.step_delay / 2))
        while not stop.is_set():
            self.wake.clear()
            registered = False
            try:
                await self.run_due()
                if time.monotonic() - self._flushed_at > OUTBOX_RETRY and self.store.has_unsent():
                    await self.flush()  # a status the axis could not take: retry without waiting for a poll
                registered = not self._fetching and await self.register_next()
            except Exception:
                log.exception("%s: clerk step failed", self.organ_id)
            if registered:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=self.timing.register_delay)
                continue
            waiters = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(self.wake.wait())]
            await asyncio.wait(waiters, timeout=tick, return_when=asyncio.FIRST_COMPLETED)
            for w in waiters:
                w.cancel()

    async def _checker_loop(self, stop: asyncio.Event) -> None:
        """Signature checks run beside the clerk, so a slow check never delays the next 01."""
        while not stop.is_set():
            self.to_check.clear()
            try:
                await self.check_pending()
            except Exception:
                log.exception("%s: check failed", self.organ_id)
            waiters = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(self.to_check.wait())]
            await asyncio.wait(waiters, timeout=1.0, return_when=asyncio.FIRST_COMPLETED)
            for w in waiters:
                w.cancel()

    async def poll_axis(self) -> None:
        """One poll: fetch documents, resend the outbox, fetch statuses. Never raises."""
        steps: list[tuple[str, Callable[[], Any]]] = [("nhận văn bản", self.fetch_documents)]
        steps.append(("gửi trạng thái", self.flush))
        if self.behaviour.fetches_sent_statuses:
            steps.append(("nhận trạng thái", self.receive_statuses))
        for what, step in steps:
            try:
                await step()
            except (VxpError, httpx.HTTPError) as exc:
                self._failure(what, exc)
                return
            except Exception:
                log.exception("%s: %s failed", self.organ_id, what)
                return
        self._last_failure = ""

    async def poll_once(self) -> None:
        """A whole cycle without waiting (tests): fetch, register everything queued, run what is
        due, send the outbox, fetch statuses."""
        await self.fetch_documents()
        while await self.register_next():
            pass
        await self.check_pending()
        await self.run_due()
        await self.flush()
        if self.behaviour.fetches_sent_statuses:
            await self.receive_statuses()

    def _failure(self, what: str, exc: Exception) -> None:
        text = f"{what}: {exc}"
        level = logging.DEBUG if text == self._last_failure else logging.WARNING
        log.log(level, "%s: %s", self.organ_id, text)
        self._last_failure = text

    # Receiving documents -------------------------------------------------------------------------

    async def fetch_documents(self) -> int:
        """Fetch every waiting document; returns how many were queued for the clerk."""
        queued = 0
        async with self.fetch_lock:
            self._fetching = True
            try:
                for item in await self.client.get_received_edoc_list(MessageType.EDOC):
                    if self.store.in_inbox(item.doc_id) or self._request_for_delivery(item.doc_id):
                        await self.client.update_status(item.doc_id, "done")  # taken before a restart, ack lost
                        continue
                    data = await self.client.get_edoc(item.doc_id)
                    if await self._take(item.doc_id, data):
                        queued += 1
            finally:
                self._fetching = False
        self._flushed_at = 0.0
        if queued:
            self.wake.set()
        return queued

    def _request_for_delivery(self, axis_doc_id: str) -> bool:
        return any(r["axis_doc_id"] == axis_doc_id for r in self.store.requests())

    async def _take(self, axis_doc_id: str, data: bytes) -> bool:
        """Check one fetched package, persist what must be kept, then acknowledge it."""
        inspection = await asyncio.to_thread(inspect, data)
        parsed = inspection.parsed.package
        doc = parsed if isinstance(parsed, m.EdocPackage) else None
        must = sorted((f for f in inspection.report.findings if f.level is Level.MUST), key=lambda f: f.rule)
        problem = ""
        if doc is None and must:
            problem = f"{must[0].rule}: {must[0].message_vi}"
        elif doc is None:
            problem = "Gói tin không phải văn bản điện tử (edoc): có thể là gói tin trạng thái gửi nhầm loại."
        elif must:
            problem = f"{must[0].rule}: {must[0].message_vi}"
        else:
            addressed = [t.organ_id or "" for t in doc.to]
            if not self.codes.intersection(addressed):
                problem = f"Gói tin không gửi cho đơn vị {self.organ_id} (nơi nhận: {', '.join(addressed) or 'trống'})."
        if problem and (doc is None or not self.behaviour.acks_broken_packages):
            if self.behaviour.acks_broken_packages:
                await self.client.update_status(axis_doc_id, "done")
            else:
                await self.client.update_status(axis_doc_id, "fail", f"Gói tin lỗi, không tiếp nhận: {problem}"[:500])
            log.info("%s: %s refused: %s", self.organ_id, axis_doc_id, problem)
            return False
        assert doc is not None
        sender = (doc.from_.organ_id if doc.from_ is not None else None) or ""
        document_id = doc.document_id or axis_doc_id
        kind, original = business(doc)
        if kind in REQUEST_KINDS and original and self.store.registrations(original, sender):
            await self._request(axis_doc_id, document_id, sender, kind, original, self._reason_of(doc))
            await self.client.update_status(axis_doc_id, "done")
            return False
        if self.store.known(document_id, sender) and not self.behaviour.registers_redeliveries:
            await self.client.update_status(axis_doc_id, "done")  # a redelivery: registered once only
            return False
        priority = (doc.other_info.priority if doc.other_info is not None else None) or "0"
        self.store.enqueue(
            axis_doc_id, document_id, sender, priority, PRIORITY_RANK.get(priority.strip(), 3), data, problem
        )
        await self.client.update_status(axis_doc_id, "done")
        return True

    @staticmethod
    def _reason_of(doc: m.EdocPackage) -> str:
        bus = doc.trace_header_list.bussiness if doc.trace_header_list is not None else None
        return (bus.bussiness_doc_reason or "") if bus is not None else ""

    async def _request(
        self, axis_doc_id: str, request_id: str, sender: str, kind: str, original: str, reason: str
    ) -> None:
        """A recall (13 or 1), update (2) or replacement (3) of a registered document: it waits for
        agree/refuse (auto mode agrees after a step). A redelivered request is taken once."""
        if not self.behaviour.answers_requests:
            log.info("%s: ignores request %s (%s) for %s", self.organ_id, request_id, kind, original)
            return
        if any(r["document_id"] == request_id and r["from_code"] == sender for r in self.store.requests()):
            return
        registrations = self.store.registrations(original, sender)
        if not registrations:
            return
        reg = registrations[-1]
        due = time.time() + self.timing.step_delay if self.mode is Mode.AUTO else None
        async with self.lock:
            with self.store.tx():
                rid = self.store.add_request(reg["id"], axis_doc_id, request_id, sender, kind, reason)
                self.store.update_registration(reg["id"], pending_request=kind, pending_id=rid, pending_due=due)

    async def register_next(self) -> bool:
        """Register the next queued document (flash first unless the profile ignores priority)."""
        row = self.store.next_queued(self.behaviour.honours_flash)
        if row is None:
            return False
        data = bytes(row["package"])
        try:
            package = parse_package(data, strict=False)
        except Exception as exc:
            log.warning("%s: queued %s no longer parses: %s", self.organ_id, row["axis_doc_id"], exc)
            self.store.dequeue(row["id"])
            return True
        assert isinstance(package, m.EdocPackage)
        sender, document_id = str(row["from_code"]), str(row["document_id"])
        kind, original = business(package)
        if kind in REQUEST_KINDS and original and self.store.registrations(original, sender):
            await self._request(row["axis_doc_id"], document_id, sender, kind, original, self._reason_of(package))
            self.store.dequeue(row["id"])
            return True
        # A broken or misaddressed package only gets here with acks_broken_packages: that system
        # ignores its EDX findings and addressee, though its signature check still runs.
        async with self.lock:
            with self.store.tx():
                reg = self.store.register(
                    {
                        "axis_doc_id": row["axis_doc_id"],
                        "document_id": document_id,
                        "from_code": sender,
                        "doc_type": (package.document_type.type_name or "") if package.document_type else "",
                        "priority": row["priority"],
                        "business_type": kind,
                        "verdict": "pending",
                        "package": data,
                    }
                )
                self.store.dequeue(row["id"])
                if self.behaviour.sends_01:
                    self.store.queue_status(reg, "01", STATUS_DESCRIPTIONS["01"])
            await self._flush()
        log.info("%s: registered %s from %s", self.organ_id, document_id, sender)
        self.to_check.set()
        return True

    async def check_pending(self) -> None:
        """Finish the checks of registrations left unchecked (by a restart)."""
        for registration_id in self.store.unchecked():
            await self.check(registration_id)

    async def check(self, registration_id: int) -> None:
        """The signature checks after 01 (EDX rules were checked at fetch time). A MUST finding
        plans the automatic 02 (unless the profile accepts unsigned documents); auto mode plans 03
        otherwise."""
        reg = self.store.registration(registration_id)
        if reg is None or reg["verdict"] != "pending":
            return
        findings = ""
        package = parse_package(bytes(reg["package"]), strict=False)
        assert isinstance(package, m.EdocPackage)
        key = _verification_key(self.trust_id, package)
        sig = _VERIFIED.get(key)
        if sig is None:
            try:
                checked = await _in_thread("verify", verify_package, package, self.trust)
                sig = [f"{f.rule}: {f.message_vi}" for f in checked if f.level is Level.MUST]
                _VERIFIED.put(key, sig)
            except Exception as exc:  # never let one package stall the queue
                log.exception("%s: signature check of %s failed", self.organ_id, reg["document_id"])
                sig = [f"SIG-01: Không kiểm tra được chữ ký số của văn bản ({type(exc).__name__})."]
        if sig and not self.behaviour.accepts_unsigned:
            findings = sig[0]
        auto = bool(findings) or self.mode is Mode.AUTO
        self.store.update_registration(
            registration_id,
            verdict="reject" if findings else "ok",
            findings=findings,
            auto_due=time.time() + self.timing.step_delay if auto else None,
        )
        log.info("%s: checked %s: %s", self.organ_id, reg["document_id"], findings or "ok")

    # Statuses ------------------------------------------------------------------------------------

    def status_code(self, action: Action) -> str:
        code = ACTION_STATUS[action]
        if not self.behaviour.statuses_in_order:
            code = {"04": "05", "05": "04"}.get(code, code)
        return code

    async def run_due(self) -> None:
        """Automatic work whose time has come: the 02 of a document that failed its checks (both
        modes), and in auto mode the next step of each document and the answer to requests."""
        now = time.time()
        for reg in self.store.due_steps(now):
            action: Action | None = None
            if reg["verdict"] == "reject" and reg["state"] == "registered":
                action = Action.REJECT
            elif self.mode is Mode.AUTO:
                action = AUTO_NEXT.get(reg["state"])
            if action is None:
                self.store.update_registration(reg["id"], auto_due=None)
                continue
            async with self.lock:
                current = self.store.registration(reg["id"])
                if current is None or current["auto_due"] is None or current["state"] != reg["state"]:
                    continue  # a backchannel action got there first
                await self._perform(current, action, str(reg["findings"]), driven=False)
        if self.mode is Mode.AUTO:
            for reg in self.store.due_requests(now):
                async with self.lock:
                    current = self.store.registration(reg["id"])
                    if current is None or current["pending_request"] is None:
                        continue
                    await self._perform(current, Action.AGREE, "", driven=False)

    async def _perform(self, reg: Row, action: Action, reason: str, *, driven: bool) -> str:
        """Apply an action and send its status (caller holds the lock). Driven: undone and
        AXIS_ERROR when the status did not reach the axis; auto: the outbox retries it."""
        code = self.status_code(action)
        if action is Action.REJECT:
            description = reason.strip()[:500] if self.behaviour.reason_on_reject else ""
        elif action in (Action.AGREE, Action.REFUSE):
            description = reason.strip()[:500] or STATUS_DESCRIPTIONS.get(code, "")
        else:
            description = STATUS_DESCRIPTIONS.get(code, "")
        keys = ("state", "reason", "auto_due", "pending_request", "pending_id", "pending_due")
        before = {k: reg[k] for k in keys}
        changes: dict[str, Any] = {}
        if action in TRANSITIONS:
            state = TRANSITIONS[action][1]
            changes["state"] = state
            auto_next = self.mode is Mode.AUTO and state not in TERMINAL
            changes["auto_due"] = time.time() + self.timing.step_delay if auto_next else None
        if action is Action.REJECT:
            changes["reason"] = description
        if action in (Action.AGREE, Action.REFUSE):
            changes.update(pending_request=None, pending_id=None, pending_due=None)
        with self.store.tx():
            self.store.update_registration(reg["id"], **changes)
            if action in (Action.AGREE, Action.REFUSE) and reg["pending_id"] is not None:
                self.store.answer_request(int(reg["pending_id"]), code)
            status_id = self.store.queue_status(reg["id"], code, description)
        await self._flush()
        row = self.store.status(status_id)
        if not driven or (row is not None and row["outcome"] == "sent"):
            return code
        with self.store.tx():
            self.store.update_registration(reg["id"], **before)
            if action in (Action.AGREE, Action.REFUSE) and reg["pending_id"] is not None:
                self.store.answer_request(int(reg["pending_id"]), "")
            self.store.drop_status(status_id)
        raise BackchannelError(
            502, ErrorCode.AXIS_ERROR, f"Không gửi được gói tin trạng thái {code} lên trục: {self.last_axis_error}"
        )

    def _status_bytes(self, row: Row) -> bytes:
        document = parse_package(bytes(row["package"]), strict=False)
        assert isinstance(document, m.EdocPackage)
        status = status_for(document, self.organ, row["code"], row["description"])
        status.description = row["description"]  # may be empty: the faulty "reject without reason"
        data = build(status)
        return data if self.behaviour.well_formed_statuses else wrap_status(data)

    async def flush(self) -> None:
        async with self.lock:
            await self._flush()

    async def _flush(self) -> None:
        """Send the outbox in order; stop at the first failure a retry may cure (caller holds the lock)."""
        self._flushed_at = time.monotonic()
        for row in self.store.unsent_statuses():
            try:
                data = self._status_bytes(row)
                await self.client.send_edoc(data, sender=self.organ_id, message_type=MessageType.STATUS)
            except VxpError as exc:
                self.last_axis_error = f"{exc.reply.error_code} {exc.reply.error_desc}"
                if exc.reply.error_code in PERMANENT_REFUSALS:
                    self.store.mark_status(row["id"], f"refused {exc.reply.error_code}: {exc.reply.error_desc}")
                    continue
                return
            except httpx.HTTPError as exc:
                self.last_axis_error = f"không kết nối được trục {self.connection.endpoint} ({exc})"
                return
            self.store.mark_status(row["id"], "sent")

    async def receive_statuses(self) -> None:
        for item in await self.client.get_received_edoc_list(MessageType.STATUS):
            data = await self.client.get_edoc(item.doc_id)
            try:
                status = parse_package(data, strict=False)
            except Exception:
                await self.client.update_status(item.doc_id, "fail", "Gói tin trạng thái lỗi, không đọc được.")
                continue
            if isinstance(status, m.StatusPackage) and status.response_for is not None:
                reporter = (status.from_.organ_id or "") if status.from_ is not None else ""
                document_id = status.response_for.document_id or ""
                code = (status.status_code or "").strip()
                new = self.store.record_status(item.doc_id, document_id, reporter, code, status.description or "")
                if new and code == "13":  # a recall by status (other implementations): same as type 1
                    await self._request(item.doc_id, f"13:{item.doc_id}", reporter, "13", document_id, "")
            await self.client.update_status(item.doc_id, "done")

    # Backchannel: what the clerk does and sees ---------------------------------------------------

    def info(self) -> SystemInfo:
        return SystemInfo(
            organ_id=self.organ_id,
            name=self.organ.organ_name or self.organ_id,
            vendor="lienthong: hệ thống QLVB mô phỏng",
            version=f"hồ sơ {self.profile_name}, chế độ {self.mode.value}",
        )

    async def act(self, document_id: str, from_organ: str, action: Action, reason: str = "") -> str:
        """A clerk action on a received document; returns the status code sent to the axis."""
        if action is Action.REJECT and not reason.strip():
            raise bad_request("Từ chối tiếp nhận phải có lý do (trường reason).")
        regs = self.store.registrations(document_id, from_organ)
        if not regs:
            raise BackchannelError(
                404, ErrorCode.NOT_FOUND, f"Không có văn bản đến {document_id} của đơn vị {from_organ} trong sổ."
            )
        deadline = time.monotonic() + 30
        while any(r["verdict"] == "pending" for r in regs) and time.monotonic() < deadline:
            await asyncio.sleep(0.05)  # the signature check right after 01 is still running
            regs = self.store.registrations(document_id, from_organ)
        if action in (Action.AGREE, Action.REFUSE) and all(r["pending_request"] is None for r in regs):
            # The clerk refreshes the inbox first: the request may be waiting on the axis.
            with contextlib.suppress(VxpError, httpx.HTTPError):
                await self.fetch_documents()
        async with self.lock:
            regs = self.store.registrations(document_id, from_organ)
            if action in (Action.AGREE, Action.REFUSE):
                pending = [r for r in regs if r["pending_request"] is not None]
                if not pending:
                    raise BackchannelError(
                        409,
                        ErrorCode.INVALID_STATE,
                        f"Văn bản {document_id} không có yêu cầu thu hồi, cập nhật hay thay thế nào đang chờ trả lời.",
                    )
                return await self._perform(pending[0], action, reason, driven=True)
            before, _ = TRANSITIONS[action]
            fits = [r for r in regs if r["state"] == before]
            if action is not Action.REJECT:
                refused = [r for r in fits if r["verdict"] == "reject"]
                fits = [r for r in fits if r["verdict"] != "reject"]
                if not fits and refused:
                    raise BackchannelError(
                        409,
                        ErrorCode.INVALID_STATE,
                        f"Không thể {ACTION_VI[action]}: văn bản không đạt kiểm tra ({refused[0]['findings']}),"
                        " hệ thống tự động từ chối.",
                    )
            if not fits:
                state = STATE_VI.get(regs[-1]["state"], regs[-1]["state"])
                raise BackchannelError(
                    409,
                    ErrorCode.INVALID_STATE,
                    f"Không thể {ACTION_VI[action]} văn bản {document_id}: văn bản đang ở trạng thái «{state}».",
                )
            return await self._perform(fits[0], action, reason, driven=True)

    def received(self, document_id: str | None = None, from_organ: str | None = None) -> list[ReceivedDocument]:
        out = []
        for reg in self.store.registrations(document_id, from_organ):
            statuses = [
                StatusEntry(s["code"], s["description"], reg["from_code"], iso(s["sent_at"]))
                for s in self.store.statuses_of(reg["id"])
            ]
            out.append(
                ReceivedDocument(
                    registration=int(reg["id"]),
                    document_id=reg["document_id"],
                    from_organ=reg["from_code"],
                    axis_doc_id=reg["axis_doc_id"],
                    registered_at=iso(reg["registered_at"]),
                    state=reg["state"],
                    doc_type=reg["doc_type"],
                    priority=reg["priority"],
                    business_type=reg["business_type"],
                    reason=reg["reason"] or reg["findings"],
                    pending_request=reg["pending_request"],
                    statuses=statuses,
                )
            )
        return out

    def sent(self) -> list[SentDocument]:
        by_document: dict[str, list[StatusEntry]] = {}
        for s in self.store.received_statuses():
            entry = StatusEntry(s["code"], s["description"], s["from_code"], iso(s["received_at"]))
            by_document.setdefault(s["document_id"], []).append(entry)
        return [
            SentDocument(
                document_id=d["document_id"],
                doc_type=d["doc_type"],
                recipients=list(d["recipients"]),
                sent_at=iso(d["sent_at"]),
                business_type=d["business_type"],
                statuses=by_document.get(d["document_id"], []),
            )
            for d in self.store.sent_documents()
        ]

    async def send(self, request: SendRequest) -> SendResult:
        """POST /documents: check the request as the system's own form would, then sign and send."""
        if request.priority not in ("0", "1", "2", "3", "4"):
            raise bad_request(f"Độ khẩn (priority) phải là 0, 1, 2, 3 hoặc 4, không phải {request.priority!r}.")
        if request.business_type not in ("0", "1", "2", "3"):
            raise bad_request(
                f"Loại nghiệp vụ (business_type) phải là 0, 1, 2 hoặc 3, không phải {request.business_type!r}."
            )
        if not isinstance(request.appendices, int) or isinstance(request.appendices, bool):
            raise bad_request("Số phụ lục (appendices) phải là số nguyên từ 0 đến 5.")
        if not 0 <= request.appendices <= 5:
            raise bad_request("Số phụ lục (appendices) phải từ 0 đến 5.")
        if request.subject is not None and not isinstance(request.subject, str):
            raise bad_request("Trích yếu (subject) phải là chuỗi.")
        if not isinstance(request.secret, bool):
            raise bad_request("Trường secret phải là true hoặc false.")
        if request.reference is not None and not isinstance(request.reference, str):
            raise bad_request("Trường reference phải là chuỗi DocumentId.")
        for code in request.recipients:
            try:
                parse_agency_id(code)
            except InvalidIdentifier:
                raise BackchannelError(
                    422, ErrorCode.UNKNOWN_RECIPIENT, f"Mã định danh nơi nhận không hợp lệ: {code!r}."
                ) from None
        try:
            kind = doc_type(request.doc_type)
        except UnknownDocType as exc:
            raise BackchannelError(422, ErrorCode.UNSUPPORTED_TYPE, f"Không hỗ trợ {exc.message_vi}") from None
        if kind.name in self.behaviour.unsupported_types:
            raise BackchannelError(
                422, ErrorCode.UNSUPPORTED_TYPE, f"Hệ thống chưa hỗ trợ soạn và gửi loại văn bản «{kind.name}»."
            )
        if request.secret and not self.behaviour.sends_secret:
            raise BackchannelError(
                422,
                ErrorCode.SECRET_DOCUMENT,
                "Văn bản mật không được gửi qua trục liên thông văn bản; hãy chuyển bằng văn bản giấy theo quy định"
                " bảo vệ bí mật nhà nước.",
            )
        original: m.EdocPackage | None = None
        if request.business_type != "0":
            if not request.reference:
                raise bad_request("Văn bản thu hồi, cập nhật hoặc thay thế phải có reference (DocumentId văn bản gốc).")
            original = self._sent_package(request.reference)
        subject = request.subject
        if request.secret:
            subject = f"(MẬT) {subject or ''}".strip()
        return await self._send(
            kind.name,
            list(dict.fromkeys(request.recipients)),
            priority=request.priority,
            business_type=request.business_type,
            original=original,
            appendices=request.appendices,
            subject=subject,
            prefix=bool(request.secret),
        )

    async def recall(self, document_id: str, reason: str = "") -> SendResult:
        """Recall a sent document: a business-type-1 (revoke) document package to its recipients.
        (A status 13 would be routed by ResponseFor/OrganId, i.e. back to this very agency.)"""
        row = self.store.sent_document(document_id)
        if row is None:
            raise BackchannelError(404, ErrorCode.NOT_FOUND, f"Không có văn bản đi {document_id} trong sổ.")
        original = self._sent_package(document_id)
        return await self._send(
            row["doc_type"], list(row["recipients"]), business_type="1", original=original, reason=reason
        )

    def _sent_package(self, document_id: str) -> m.EdocPackage:
        row = self.store.sent_document(document_id)
        if row is None or row["package"] is None:
            raise BackchannelError(
                404, ErrorCode.NOT_FOUND, f"Không có văn bản đi {document_id} trong sổ của {self.organ_id}."
            )
        package = parse_package(bytes(row["package"]), strict=False)
        assert isinstance(package, m.EdocPackage)
        return package

    async def _send(
        self,
        type_name: str,
        recipients: list[str],
        *,
        priority: str = "0",
        business_type: str = "0",
        original: m.EdocPackage | None = None,
        reason: str = "",
        appendices: int = 0,
        subject: str | None = None,
        prefix: bool = False,
    ) -> SendResult:
        number = self.store.next_number()
        other = next((o for o in self.pki.agencies if o != self.organ_id), None)
        orgs = [organization(code, self.directory.get(code, code)) for code in recipients]
        signed = await _in_thread(
            "sign",
            signed_pilot_document,
            self.pki,
            type_name,
            self.organ,
            orgs,
            seed=number,
            number=number,
            appendices=appendices,
            sign=self.behaviour.signs,
            signer_organ=other if self.behaviour.signs_as_other_agency else None,
            priority=priority,
        )
        package = signed.package
        if subject:
            package.subject = subject[:500]
        elif prefix:
            package.subject = f"(MẬT) {package.subject or ''}"[:500]
        if original is not None:
            package = follow_up(original, package, business_type, reason.strip())
        data = build(package)
        if not self.behaviour.valid_packages:
            data = break_promulgation_date(data)
        try:
            doc_id = await self.client.send_edoc(data, sender=self.organ_id)
        except VxpError as exc:
            raise BackchannelError(
                502,
                ErrorCode.AXIS_ERROR,
                f"Trục từ chối văn bản: {exc.reply.error_code} {exc.reply.error_desc}".strip(),
            ) from None
        except httpx.HTTPError as exc:
            raise BackchannelError(
                502, ErrorCode.AXIS_ERROR, f"Không kết nối được trục {self.connection.endpoint}: {exc}"
            ) from None
        document_id = package.document_id or ""
        self.store.record_sent(
            doc_id,
            document_id,
            type_name,
            recipients,
            business_type=business_type,
            reference=(original.document_id or "") if original is not None else "",
            subject=package.subject or "",
            package=data,
        )
        log.info("%s: sent %s (%s) to %s as %s", self.organ_id, document_id, type_name, recipients, doc_id)
        return SendResult(document_id, [doc_id])

    async def send_document(
        self, doc_type: str, recipients: list[m.Organization], *, priority: str = "0"
    ) -> tuple[str, str]:
        """Render, sign per the profile and send a document; returns (axis DocId, DocumentId)."""
        for r in recipients:
            if r.organ_id and r.organ_name:
                self.directory.setdefault(r.organ_id, r.organ_name)
        result = await self._send(doc_type, [r.organ_id or "" for r in recipients], priority=priority)
        return result.axis_doc_ids[0], result.document_id
