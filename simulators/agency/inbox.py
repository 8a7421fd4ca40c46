"""The inbox: fetch documents and statuses from the axis, check EDX rules and the addressee, persist what
must be kept before acknowledging (done, or fail with a Vietnamese reason), and take requests (recall,
update, replace) for documents already registered.
"""

from __future__ import annotations

import asyncio
import logging
import time

from harness.edxml import model as m
from harness.edxml.findings import Level
from harness.edxml.parser import parse_package
from harness.edxml.validate import inspect
from harness.transport.vxp import MessageType
from simulators.agency.state import AgencyState, Mode

log = logging.getLogger(__name__)


PRIORITY_RANK = {"3": 0, "4": 0, "2": 1, "1": 2, "0": 3}
"""Clerk queue order: flash (3, 4) first, then very urgent, urgent, normal."""


REQUEST_KINDS = ("1", "2", "3")


def business(package: m.EdocPackage) -> tuple[str, str | None]:
    """(BussinessDocType, Bussiness/DocumentId) of a document package."""
    bus = package.trace_header_list.bussiness if package.trace_header_list is not None else None
    if bus is None:
        return "0", None
    return (bus.bussiness_doc_type or "0").strip(), bus.document_id


class Inbox(AgencyState):
    async def fetch_documents(self) -> int:
        """Fetch every waiting document; returns how many were queued for the clerk."""
        queued = 0
        async with self.fetch_lock:
            self._fetching = True
            try:
                for doc_id in await self.mailbox.waiting(MessageType.EDOC):
                    if self.store.in_inbox(doc_id) or self._request_for_delivery(doc_id):
                        await self.mailbox.ack(doc_id)  # taken before a restart, ack lost
                        continue
                    data = await self.mailbox.fetch(doc_id, MessageType.EDOC)
                    if await self._take(doc_id, data):
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
            reason = f"Gói tin lỗi, không tiếp nhận: {problem}"[:500]
            if self.behaviour.acks_broken_packages:
                await self.mailbox.ack(axis_doc_id)
            elif doc is not None and not self.mailbox.refuses:
                self._refuse_with_status(axis_doc_id, doc, data, reason)
                await self.mailbox.ack(axis_doc_id)
            else:
                await self.mailbox.refuse(axis_doc_id, reason)
            log.info("%s: %s refused: %s", self.organ_id, axis_doc_id, problem)
            return False
        assert doc is not None
        sender = (doc.from_.organ_id if doc.from_ is not None else None) or ""
        document_id = doc.document_id or axis_doc_id
        kind, original = business(doc)
        if kind in REQUEST_KINDS and original and self.store.registrations(original, sender):
            await self._request(axis_doc_id, document_id, sender, kind, original, self._reason_of(doc))
            await self.mailbox.ack(axis_doc_id)
            return False
        if self.store.known(document_id, sender) and not self.behaviour.registers_redeliveries:
            await self.mailbox.ack(axis_doc_id)  # a redelivery: registered once only
            return False
        priority = (doc.other_info.priority if doc.other_info is not None else None) or "0"
        self.store.enqueue(
            axis_doc_id, document_id, sender, priority, PRIORITY_RANK.get(priority.strip(), 3), data, problem
        )
        await self.mailbox.ack(axis_doc_id)
        return True

    def _refuse_with_status(self, axis_doc_id: str, doc: m.EdocPackage, data: bytes, reason: str) -> None:
        """Refuse a readable broken package with status 02 to its sender: the way left when the axis
        protocol has no refusal of its own (EdocService only confirms). Kept as a rejected entry."""
        kind, _ = business(doc)
        with self.store.tx():
            reg = self.store.register(
                {
                    "axis_doc_id": axis_doc_id,
                    "document_id": doc.document_id or axis_doc_id,
                    "from_code": (doc.from_.organ_id if doc.from_ is not None else None) or "",
                    "doc_type": (doc.document_type.type_name or "") if doc.document_type else "",
                    "priority": (doc.other_info.priority if doc.other_info is not None else None) or "0",
                    "business_type": kind,
                    "state": "rejected",
                    "verdict": "reject",
                    "findings": reason,
                    "reason": reason,
                    "package": data,
                }
            )
            self.store.queue_status(reg, "02", reason if self.behaviour.reason_on_reject else "")

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

    async def receive_statuses(self) -> None:
        for doc_id in await self.mailbox.waiting(MessageType.STATUS):
            data = await self.mailbox.fetch(doc_id, MessageType.STATUS)
            try:
                status = parse_package(data, strict=False)
            except Exception:
                await self.mailbox.refuse(doc_id, "Gói tin trạng thái lỗi, không đọc được.")
                continue
            if isinstance(status, m.StatusPackage) and status.response_for is not None:
                reporter = (status.from_.organ_id or "") if status.from_ is not None else ""
                document_id = status.response_for.document_id or ""
                code = (status.status_code or "").strip()
                new = self.store.record_status(doc_id, document_id, reporter, code, status.description or "")
                if new and code == "13":  # a recall by status (other implementations): same as type 1
                    await self._request(doc_id, f"13:{doc_id}", reporter, "13", document_id, "")
            await self.mailbox.ack(doc_id)
