"""The simulated document system: poll, check, register, return statuses, send documents.

It uses the harness' own pieces (VXP client, edXML validation, signature checks, document
signing), so a conformant profile behaves as the rules say and a faulty one breaks exactly its
knob. Time is compressed by `Timing`: real trials poll every hours, the demo every fraction of a
second.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from dataclasses import dataclass

from harness.edxml import build
from harness.edxml import model as m
from harness.edxml.factory import status_for
from harness.edxml.findings import Level
from harness.edxml.parser import parse_package
from harness.edxml.validate import inspect
from harness.pki import TestPki
from harness.signing.documents import signed_pilot_document
from harness.signing.package import verify_package
from harness.signing.verify import TrustConfig
from harness.transport.vxp import AsyncVxpClient, MessageType, VxpError
from simulators.agency.profiles import CONFORMANT, Behaviour
from simulators.agency.store import AgencyStore

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Timing:
    poll_interval: float = 1.0
    """Seconds between two polls of the axis (multiplied by the profile's poll_factor)."""
    step_delay: float = 0.5
    """Seconds between two statuses of the same document (03 -> 04 -> 05 -> 06)."""


@dataclass(frozen=True, slots=True)
class Connection:
    endpoint: str
    system_id: str
    secret: str


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
    ) -> None:
        assert organ.organ_id is not None
        self.organ = organ
        self.organ_id: str = organ.organ_id
        self.pki = pki
        self.trust = TrustConfig.from_pki(pki)
        self.behaviour = behaviour
        self.timing = timing
        self.store = AgencyStore(db_path)
        self.client = AsyncVxpClient(connection.endpoint, connection.system_id, connection.secret)

    async def aclose(self) -> None:
        await self.client.aclose()
        self.store.close()

    # Receiving ---------------------------------------------------------------------------------

    async def poll_once(self) -> None:
        await self.receive_documents()
        await self.send_due_statuses()
        if self.behaviour.fetches_sent_statuses:
            await self.receive_statuses()

    async def run(self, stop: asyncio.Event) -> None:
        """Poll until `stop` is set; failures of one poll are logged and the next poll goes on."""
        interval = self.timing.poll_interval * self.behaviour.poll_factor
        while not stop.is_set():
            try:
                await self.poll_once()
            except Exception:
                log.exception("%s: poll failed", self.organ_id)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=interval)

    async def receive_documents(self) -> None:
        for item in await self.client.get_received_edoc_list(MessageType.EDOC):
            data = await self.client.get_edoc(item.doc_id)
            inspection = inspect(data)
            package = inspection.parsed.package
            must = [f for f in inspection.report.findings if f.level is Level.MUST]
            if not isinstance(package, m.EdocPackage) or must:
                reason = must[0].rule if must else "EDX-01"
                status = "done" if self.behaviour.acks_broken_packages else "fail"
                await self.client.update_status(item.doc_id, status, f"Goi tin loi {reason}")
                continue
            await self.client.update_status(item.doc_id, "done")
            sender = package.from_.organ_id if package.from_ is not None else ""
            document_id = package.document_id or item.doc_id
            if self.store.registered(document_id, sender or "") and not self.behaviour.registers_redeliveries:
                continue
            await self.register(item.doc_id, package, data, sender or "", document_id)

    async def register(
        self, axis_doc_id: str, package: m.EdocPackage, data: bytes, sender: str, document_id: str
    ) -> None:
        """Register the document and plan its statuses: 01 now, 03 or 02, then 04/05/06."""
        # pyHanko runs its own event loop inside: signature work goes to a worker thread.
        checked = await asyncio.to_thread(verify_package, package, self.trust)
        findings = [f for f in checked if f.level is Level.MUST]
        accepted = not findings or self.behaviour.accepts_unsigned
        reason = "" if accepted else f"{findings[0].rule}: {findings[0].message_vi}"
        reg = self.store.register(
            axis_doc_id, document_id, sender, "accepted" if accepted else "rejected", reason, data
        )
        now, step = time.time(), self.timing.step_delay
        steps: list[tuple[str, str, float]] = []
        if self.behaviour.sends_01:
            steps.append(("01", "Đã đến", now))
        if not accepted:
            steps.append(("02", reason[:400] if self.behaviour.reason_on_reject else "", now + step))
        else:
            later = ["03", "04", "05", "06"] if self.behaviour.statuses_in_order else ["03", "05", "04", "06"]
            steps.extend((code, "", now + step * (i + 1)) for i, code in enumerate(later))
        self.store.plan(reg, steps)

    async def send_due_statuses(self) -> None:
        for row in self.store.due_statuses(time.time()):
            document = parse_package(bytes(row["package"]), strict=False)
            assert isinstance(document, m.EdocPackage)
            status = status_for(document, self.organ, row["code"], row["description"])
            if row["code"] == "02" and not row["description"]:
                status.description = ""  # the faulty "reject without reason" system
            data = build(status)
            if not self.behaviour.well_formed_statuses:
                data = data.replace(b"<edXML:MessageHeader>", b"<edXML:Status><edXML:MessageHeader>").replace(
                    b"</edXML:MessageHeader>", b"</edXML:MessageHeader></edXML:Status>"
                )
            try:
                await self.client.send_edoc(data, sender=self.organ_id, message_type=MessageType.STATUS)
                outcome = "sent"
            except VxpError as exc:
                outcome = f"refused {exc.reply.error_code}: {exc.reply.error_desc}"
            self.store.mark_status(int(row["id"]), outcome)

    async def receive_statuses(self) -> None:
        for item in await self.client.get_received_edoc_list(MessageType.STATUS):
            data = await self.client.get_edoc(item.doc_id)
            try:
                status = parse_package(data, strict=False)
            except Exception:
                await self.client.update_status(item.doc_id, "fail", "Goi tin trang thai loi")
                continue
            await self.client.update_status(item.doc_id, "done")
            if isinstance(status, m.StatusPackage) and status.response_for is not None:
                self.store.record_status(
                    item.doc_id,
                    status.response_for.document_id or "",
                    (status.from_.organ_id or "") if status.from_ is not None else "",
                    status.status_code or "",
                    status.description or "",
                )

    # Sending -----------------------------------------------------------------------------------

    async def send_document(
        self, doc_type: str, recipients: list[m.Organization], *, priority: str = "0", seed: int | None = None
    ) -> tuple[str, str]:
        """Render, sign per the profile and send a document; returns (axis DocId, DocumentId)."""
        number = self.store.next_number()
        other = next((o for o in self.pki.agencies if o != self.organ_id), None)
        signed = await asyncio.to_thread(
            signed_pilot_document,
            self.pki,
            doc_type,
            self.organ,
            recipients,
            seed=seed if seed is not None else number,
            number=number,
            sign=self.behaviour.signs,
            signer_organ=other if self.behaviour.signs_as_other_agency else None,
            priority=priority,
        )
        doc_id = await self.client.send_edoc(build(signed.package), sender=self.organ_id)
        document_id = signed.package.document_id or ""
        self.store.record_sent(doc_id, document_id, doc_type, [r.organ_id or "" for r in recipients])
        return doc_id, document_id
