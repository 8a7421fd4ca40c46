"""The clerk: registers queued documents (flash first), returns 01 at once and walks each document through
accept, assign, process, complete, by itself (auto mode) or as the backchannel says (driven mode).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import Any

import httpx

from harness.backchannel.models import (
    ACTION_STATUS,
    Action,
    BackchannelError,
    ErrorCode,
    ReceivedDocument,
    StatusEntry,
    SystemInfo,
)
from harness.edxml import model as m
from harness.edxml.factory import STATUS_DESCRIPTIONS
from harness.edxml.parser import parse_package
from harness.transport.mailbox import MailboxError
from simulators.agency.inbox import REQUEST_KINDS, Inbox, business
from simulators.agency.outbox import Outbox
from simulators.agency.state import Mode, bad_request, iso
from simulators.agency.store import TERMINAL, Row

log = logging.getLogger(__name__)


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


class Clerk(Inbox, Outbox):
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
            self.remember_parsed(reg, package)
            await self._flush()
        log.info("%s: registered %s from %s", self.organ_id, document_id, sender)
        self.to_check.set()
        return True

    def status_code(self, action: Action) -> str:
        code = ACTION_STATUS[action]
        if not self.behaviour.statuses_in_order:
            code = {"04": "05", "05": "04"}.get(code, code)
        return code

    async def run_due(self) -> None:
        """Automatic work whose time has come: the 02 of a document that failed its checks (both
        modes), and in auto mode the next step of each document and the answer to requests."""
        now = time.time()
        if now < self.store.due_hint:
            return
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
        self.store.refresh_due_hint(requests=self.mode is Mode.AUTO)

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
            with contextlib.suppress(MailboxError, httpx.HTTPError):
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
