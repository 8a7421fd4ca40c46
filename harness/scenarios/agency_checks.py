"""The RT checks: what the harness does and verifies around a document system under test.

Everything is judged from the axis: what the probes receive from the system, what the journal
and the delivery table say it fetched and acknowledged. The driver only makes the system act;
its own registers (backchannel) are used where the axis cannot show a fact (registrations).
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

from harness.backchannel.models import Action, SendRequest
from harness.drivers.operator import ANSWER_YES
from harness.edxml import build
from harness.edxml import model as m
from harness.edxml.factory import status_for
from harness.edxml.findings import Level
from harness.edxml.parser import parse_package
from harness.edxml.rules.sequence import SequenceChecker
from harness.edxml.validate import inspect
from harness.scenarios.context import Inbound, NotApplicable, Outbound, ScenarioContext
from harness.scenarios.probe import Mail, Probe, documents_from, statuses_for
from harness.scenarios.world import ROLE_OF_PHRASE, ROLES_VI
from harness.signing.package import verify_package
from harness.transport.sim_control import AxisWatch, journal_time
from harness.transport.vxp import MessageType, VxpClient, VxpError
from harness.transport.vxp.wire import Operation

ACTIONS_VI = {
    "tiếp nhận": Action.ACCEPT,
    "phân công xử lý": Action.ASSIGN,
    "xử lý": Action.PROCESS,
    "hoàn thành": Action.COMPLETE,
    "đồng ý yêu cầu": Action.AGREE,
    "từ chối yêu cầu": Action.REFUSE,
}
PRIORITY_VI = {"thường": "0", "khẩn": "1", "thượng khẩn": "2", "hỏa tốc": "3", "hỏa tốc hẹn giờ": "4"}
FOLLOW_UP_VI = {"thu hồi": "1", "cập nhật": "2", "thay thế": "3"}
T = TypeVar("T")
IMMEDIATE = ("01", "02")
"""Statuses a conformant system returns as soon as it has fetched and checked a document."""


def _sut_id(ctx: ScenarioContext) -> str:
    return ctx.require_sut().id


def _watch(ctx: ScenarioContext) -> AxisWatch:
    return ctx.world.watch(ctx.require_sut().axis)


def recipients(ctx: ScenarioContext, phrase: str) -> list[Probe]:
    """ "đơn vị kiểm thử trong tỉnh và đơn vị kiểm thử tỉnh khác" -> the probes."""
    parts = [p.strip() for chunk in phrase.split(" và ") for p in chunk.split(",") if p.strip()]
    out = []
    for part in parts:
        role = ROLE_OF_PHRASE.get(part)
        if role is None:
            raise ValueError(f"không hiểu nơi nhận «{part}»; dùng: {', '.join(ROLES_VI.values())}")
        out.append(ctx.probe(role))
    return out


def _wait(predicate: Callable[[], T], timeout: float, poll: float) -> T:
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() >= deadline:
            return value
        time.sleep(poll)


def announce(ctx: ScenarioContext, what_vi: str, seconds: float) -> None:
    """Tell a clerk (operator driver) what the harness now waits for on the axis, and until when."""
    driver = ctx.driver
    hook = getattr(driver, "announce_wait", None)
    if callable(hook):
        hook(what_vi, seconds)


class Watchdog:
    """Ends a wait early, with the reason, once the axis or the system's own register already
    shows the awaited thing cannot come: every call of the system refused (wrong credentials), a
    status package of the system refused by the axis (malformed), or the system registered the
    document without returning the status a conformant system sends at once (01, automatic 02).
    It only ever turns a wait into a failure sooner; it never makes anything pass."""

    GRACE = 0.6
    """Share of the status deadline a registered document may go without its immediate status
    (a loaded machine delays a conformant system's status by a second or two, never by this)."""

    def __init__(
        self, ctx: ScenarioContext, *, code: str | None = None, document: tuple[str, str] | None = None
    ) -> None:
        self.ctx = ctx
        self.code = code
        self.document = document
        """(DocumentId, sender) the awaited status is about; default: the last document sent to the system."""
        self.after = _watch(ctx).last_journal_id()
        self.next_look = time.monotonic() + 0.5

    def verdict(self) -> str | None:
        if time.monotonic() < self.next_look:
            return None
        self.next_look = time.monotonic() + 0.5
        abandoned = getattr(self.ctx.driver, "abandoned", None)
        reason = abandoned() if callable(abandoned) else None
        if isinstance(reason, str) and reason:
            return reason
        sut = self.ctx.require_sut()
        rows = _watch(self.ctx).journal(system_id=sut.system_id, after=self.after)
        refused = [r for r in rows if r["status"] != "OK"]
        if len(rows) >= 3 and len(refused) == len(rows):
            last = refused[-1]
            return f"trục từ chối mọi lần gọi của hệ thống ({last['http_status']} {last['error_desc']})"
        if self.code is not None:
            sends = [r for r in refused if r["operation"] == Operation.SEND_EDOC.value]
            if sends:
                return f"trục từ chối gói tin hệ thống gửi: {sends[-1]['http_status']} {sends[-1]['error_desc']}"
        if self.code in IMMEDIATE:
            return self._missing_immediate_status()
        return None

    def _missing_immediate_status(self) -> str | None:
        inbound = self.ctx.inbound
        document = self.document or ((inbound.document_id, inbound.probe.organ_id) if inbound else None)
        if document is None or self.ctx.driver is None:
            return None
        entries = self.ctx.driver.received(*document)
        grace = self.GRACE * self.ctx.deadlines.status
        for entry in entries or []:
            age = time.time() - datetime.fromisoformat(entry.registered_at).timestamp()
            codes = [x.code for x in entry.statuses]
            if age > grace and self.code not in codes:
                shown = ", ".join(codes) or "không có"
                return (
                    f"hệ thống đã vào sổ văn bản {age:.1f} giây trước (trạng thái {entry.state}, đã trả: {shown}) "
                    f"nhưng không trả trạng thái {self.code}"
                )
        return None


def _wait_watched(predicate: Callable[[], T], timeout: float, poll: float, dog: Watchdog) -> tuple[T, str | None]:
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() >= deadline:
            return value, None
        reason = dog.verdict()
        if reason:
            return predicate(), reason
        time.sleep(poll)


# RT-01 --------------------------------------------------------------------------------------------


def sut_calls_ok(ctx: ScenarioContext) -> None:
    sut = ctx.require_sut()
    watch = _watch(ctx)
    since = ctx.started

    def ok_calls() -> list[dict[str, object]]:
        rows = watch.journal(system_id=sut.system_id)
        return [r for r in rows if journal_time(r) >= since and r["status"] == "OK"]

    if not _wait(ok_calls, ctx.deadlines.fetch, ctx.deadlines.poll):
        rows = [r for r in watch.journal(system_id=sut.system_id) if journal_time(r) >= since]
        refused = sorted({f"{r['http_status']} {r['error_desc']}" for r in rows})[:3]
        detail = f"; trục đã từ chối {len(rows)} lần gọi: {'; '.join(refused)}" if rows else ""
        raise ctx.fail(
            "RT-01",
            f"Không có lần gọi trục thành công nào của hệ thống {sut.system_id} trong {ctx.deadlines.fetch:g} giây"
            f"{detail}.",
        )


def sut_in_directory(ctx: ScenarioContext) -> None:
    sut = ctx.require_sut()
    codes = {str(a.get("code") or a.get("id") or "") for a in ctx.probe("local").client.get_agencies_list()}
    if sut.id not in codes:
        raise ctx.fail("RT-01", f"Mã định danh {sut.id} không có trong danh bạ của trục.")


def sut_read_directory(ctx: ScenarioContext) -> None:
    sut = ctx.require_sut()
    rows = _watch(ctx).journal(system_id=sut.system_id, operation=Operation.GET_AGENCIES_LIST.value)
    if not any(r["status"] == "OK" for r in rows):
        raise ctx.fail("RT-01", f"Hệ thống {sut.system_id} chưa đọc được danh bạ cơ quan (getAgenciesList) từ trục.")


def wrong_credentials_refused(ctx: ScenarioContext) -> None:
    sut = ctx.require_sut()
    with VxpClient(sut.endpoint, sut.system_id, sut.secret + "-sai") as client:
        try:
            client.get_received_edoc_list(MessageType.EDOC)
        except VxpError:
            return
    raise ctx.fail("RT-01", f"Trục chấp nhận khóa bí mật sai của hệ thống {sut.system_id}.")


# Sending (RT-02, RT-03, RT-10, RT-11) -------------------------------------------------------------


def sut_sends(
    ctx: ScenarioContext, doc_type: str, to: list[Probe], *, priority: str = "0", secret: bool = False
) -> None:
    driver = ctx.require_driver()
    since = time.time()
    command = driver.send_document(
        SendRequest(doc_type=doc_type, recipients=[p.organ_id for p in to], priority=priority, secret=secret)
    )
    ctx.outbound = Outbound(command.document_id, to, since, doc_type)
    ctx.data["send_command"] = command
    if not command.accepted and not secret:
        raise ctx.fail(
            "RT-03",
            f"Hệ thống không gửi được {doc_type}: {command.refusal_code} {command.refusal_vi}".strip(),
        )


def _outbound(ctx: ScenarioContext) -> Outbound:
    if ctx.outbound is None:
        raise NotApplicable("Chưa có văn bản nào được yêu cầu gửi trong kịch bản.")
    return ctx.outbound


def outbound_received(ctx: ScenarioContext) -> dict[str, Mail]:
    """Each recipient probe gets the document exactly once within the deadline."""
    out = _outbound(ctx)
    sut = _sut_id(ctx)
    got: dict[str, Mail] = {}
    announce(ctx, f"{out.doc_type or 'văn bản'} của hệ thống đến nơi nhận", ctx.deadlines.fetch)
    for probe in out.recipients:
        mails = probe.wait(documents_from(sut, out.since, out.document_id), ctx.deadlines.fetch)
        if not mails:
            raise ctx.fail(
                "RT-03",
                f"{probe.organ.organ_name} ({probe.organ_id}) không nhận được {out.doc_type} của hệ thống "
                f"trong {ctx.deadlines.fetch:g} giây.",
            )
        got[probe.organ_id] = mails[0]
    time.sleep(ctx.deadlines.poll * 3)
    for probe in out.recipients:
        again = probe.find(documents_from(sut, out.since, got[probe.organ_id].document_id))
        if len(again) > 1:
            raise ctx.fail("RT-03", f"{probe.organ_id} nhận cùng một văn bản {len(again)} lần.")
    if out.document_id is None:
        out.document_id = next(iter(got.values())).document_id
    ctx.data["outbound_mail"] = got
    return got


def _outbound_mails(ctx: ScenarioContext) -> list[Mail]:
    got: dict[str, Mail] | None = ctx.data.get("outbound_mail")
    if got is None:
        got = outbound_received(ctx)
    return list(got.values())


def outbound_edx_ok(ctx: ScenarioContext) -> None:
    for mail in _outbound_mails(ctx):
        must = [f for f in inspect(mail.data).report.findings if f.level is Level.MUST]
        if must:
            ctx.save_evidence(f"{mail.doc_id}.edxml", mail.data)
            for f in must:
                ctx.note(f.rule, f.message_vi, f.location)
            rules = ", ".join(sorted({f.rule for f in must}))
            raise ctx.fail(
                "RT-03", f"Gói tin gửi tới {mail.doc_id} vi phạm quy tắc bắt buộc: {rules}: {must[0].message_vi}"
            )


def outbound_signed(ctx: ScenarioContext) -> None:
    for mail in _outbound_mails(ctx):
        package = mail.package
        if not isinstance(package, m.EdocPackage):
            raise ctx.fail("RT-02", f"Không đọc được gói tin {mail.doc_id}: {mail.unreadable}")
        must = [f for f in verify_package(package, ctx.world.trust) if f.level is Level.MUST]
        if must:
            ctx.save_evidence(f"{mail.doc_id}.edxml", mail.data)
            for f in must:
                ctx.note(f.rule, f.message_vi, f.location)
            rules = ", ".join(sorted({f.rule for f in must}))
            raise ctx.fail("RT-02", f"Chữ ký số của văn bản không hợp lệ ({rules}): {must[0].message_vi}")


def secret_refused(ctx: ScenarioContext) -> None:
    command = ctx.data.get("send_command")
    if command is None:
        raise NotApplicable("Chưa yêu cầu gửi văn bản mật.")
    if command.accepted and not command.instructed_only:
        raise ctx.fail("RT-11", "Hệ thống nhận lệnh và gửi văn bản mật qua trục.")
    if command.instructed_only:
        attestation = ctx.require_driver().attest("Hệ thống đã chặn, không cho gửi văn bản mật qua trục?")
        if attestation is not None:
            ctx.result.attestations.append(
                {
                    "operator": attestation.operator,
                    "step": attestation.step_vi,
                    "answer": attestation.answer,
                    "at": attestation.at.isoformat(),
                    "note": attestation.note,
                    "files": attestation.files,
                }
            )
            if attestation.answer != ANSWER_YES:
                raise ctx.fail("RT-11", f"Văn thư không xác nhận hệ thống chặn văn bản mật ({attestation.answer}).")


def nothing_sent(ctx: ScenarioContext) -> None:
    out = _outbound(ctx)
    sut = _sut_id(ctx)
    for probe in out.recipients:
        mails = probe.wait(documents_from(sut, out.since), ctx.deadlines.quiet)
        if mails:
            ctx.save_evidence(f"{mails[0].doc_id}.edxml", mails[0].data)
            raise ctx.fail(
                "RT-11", f"{probe.organ_id} nhận được văn bản {mails[0].document_id} của hệ thống (văn bản mật)."
            )


# Receiving (RT-04, RT-05, RT-07, RT-09, RT-12) ----------------------------------------------------


def probe_sends(ctx: ScenarioContext, package: m.EdocPackage, probe: Probe | None = None) -> Inbound:
    probe = probe or ctx.probe("local")
    data = build(package)
    sent_at = time.time()
    doc_id = probe.send(data)
    priority = package.other_info.priority if package.other_info and package.other_info.priority else "0"
    ctx.inbound = Inbound(probe, package.document_id or "", doc_id, sent_at, data, priority)
    ctx.data.setdefault("inbound_all", []).append(ctx.inbound)
    return ctx.inbound


def send_document_to_sut(ctx: ScenarioContext, doc_type: str = "Công văn", priority: str = "0") -> Inbound:
    probe = ctx.probe("local")
    sut = ctx.require_sut()
    return probe_sends(ctx, ctx.world.kit.document(probe.organ, [sut.organization()], doc_type, priority), probe)


def send_defective_to_sut(ctx: ScenarioContext, defect: str) -> Inbound:
    probe = ctx.probe("local")
    sut = ctx.require_sut()
    other = ctx.probe("local2").organ_id
    return probe_sends(ctx, ctx.world.kit.defective(probe.organ, [sut.organization()], defect, other), probe)


def _inbound(ctx: ScenarioContext) -> Inbound:
    if ctx.inbound is None:
        raise NotApplicable("Chưa có văn bản nào được gửi cho hệ thống trong kịch bản.")
    return ctx.inbound


def _deliveries(ctx: ScenarioContext, sender_doc_id: str) -> list[dict[str, object]]:
    return [d for d in _watch(ctx).deliveries(receiver=_sut_id(ctx)) if d["sender_doc_id"] == sender_doc_id]


def fetched(ctx: ScenarioContext, *, deadline: float | None = None, count: int = 1) -> list[dict[str, object]]:
    """The deliveries of the last inbound package to the system, once all are acknowledged."""
    inbound = _inbound(ctx)
    limit = ctx.deadlines.fetch if deadline is None else deadline
    announce(ctx, f"hệ thống tải về và xác nhận văn bản {inbound.document_id}", limit)

    def acked() -> list[dict[str, object]]:
        rows = _deliveries(ctx, inbound.axis_doc_id)
        done = [d for d in rows if d["state"] in ("done", "fail")]
        return done if len(done) >= count else []

    rows, reason = _wait_watched(acked, limit, ctx.deadlines.poll, Watchdog(ctx))
    if not rows:
        states = ", ".join(str(d["state"]) for d in _deliveries(ctx, inbound.axis_doc_id)) or "không có"
        why = f": {reason}" if reason else f" trong {limit:g} giây"
        raise ctx.fail(
            "RT-04",
            f"Hệ thống không tải về và xác nhận gói tin {inbound.axis_doc_id}{why} (trạng thái trên trục: {states}).",
        )
    return list(rows)


def fetched_done(ctx: ScenarioContext) -> None:
    rows = fetched(ctx)
    bad = [d for d in rows if d["state"] != "done"]
    if bad:
        raise ctx.fail("RT-04", f"Hệ thống xác nhận 'fail' cho văn bản hợp lệ: {bad[0]['status_desc']}")


def poll_cadence(ctx: ScenarioContext) -> None:
    sut = ctx.require_sut()
    start = time.time()
    time.sleep(ctx.deadlines.observe)
    end = time.time()
    rows = _watch(ctx).journal(system_id=sut.system_id, operation=Operation.GET_RECEIVED_EDOC_LIST.value)
    times = sorted(t for t in (journal_time(r) for r in rows if r["status"] == "OK") if start <= t <= end)
    edges = [start, *times, end]
    gap = max(b - a for a, b in itertools.pairwise(edges))
    if gap > ctx.deadlines.poll_gap:
        raise ctx.fail(
            "RT-04",
            f"Hệ thống kiểm tra hộp thư {len(times)} lần trong {ctx.deadlines.observe:g} giây; khoảng cách dài nhất "
            f"{gap:.1f} giây vượt giới hạn {ctx.deadlines.poll_gap:g} giây.",
        )


def duplicate_next_delivery(ctx: ScenarioContext) -> None:
    sut = ctx.require_sut()
    watch = _watch(ctx)
    fault = watch.add_fault(kind="duplicate", agency=sut.id, operation="sendEdoc", remaining=1)
    ctx.cleanups.append(lambda: watch.remove_fault(fault))


def registrations(ctx: ScenarioContext, document_id: str, sender: str) -> int | None:
    """How many times the system registered a document: its own register when the driver can
    read it, else the number of 01 statuses it returned."""
    driver = ctx.require_driver()
    entries = driver.received(document_id, sender)
    if entries is not None:
        return len([e for e in entries if e.document_id == document_id and e.from_organ == sender])
    return None


def settle(ctx: ScenarioContext, document_id: str, sender: str) -> None:
    """Wait until the system has worked through what it fetched: send a marker document behind,
    and wait until the system's register shows it (the clerk takes documents in order, so what
    came before is done too). Without a register to read, wait the quiet period instead."""
    driver = ctx.require_driver()
    if driver.received(document_id, sender) is None:
        time.sleep(ctx.deadlines.quiet)
        return
    probe = ctx.probe("local")
    sut = ctx.require_sut()
    marker = ctx.world.kit.document(probe.organ, [sut.organization()])
    probe.send(build(marker))

    def registered() -> bool:
        return bool(driver.received(marker.document_id, probe.organ_id))

    _wait(registered, ctx.deadlines.fetch + ctx.deadlines.status, ctx.deadlines.poll * 2)
    time.sleep(ctx.deadlines.poll * 3)


def registered_once(ctx: ScenarioContext, document_id: str | None = None, rule: str = "RT-04") -> None:
    inbound = _inbound(ctx)
    sut = _sut_id(ctx)
    document_id = document_id or inbound.document_id
    sender = inbound.probe.organ_id
    settle(ctx, document_id, sender)
    arrivals = inbound.probe.look(statuses_for(document_id, sut, "01"))
    if len(arrivals) > 1:
        raise ctx.fail(rule, f"Hệ thống trả trạng thái 01 {len(arrivals)} lần cho cùng văn bản {document_id}.")
    count = registrations(ctx, document_id, sender)
    if count is not None and count != 1:
        raise ctx.fail(rule, f"Văn bản {document_id} được vào sổ {count} lần (phải đúng một lần).")


def status_arrives(
    ctx: ScenarioContext, code: str, *, with_reason: bool = False, deadline: float | None = None
) -> Mail:
    inbound = _inbound(ctx)
    sut = _sut_id(ctx)
    limit = ctx.deadlines.status if deadline is None else deadline
    if deadline is None and code in IMMEDIATE:
        limit += ctx.deadlines.fetch  # the system first has to fetch it, at its own cadence
    announce(ctx, f"trạng thái {code} của hệ thống cho văn bản {inbound.document_id}", limit)
    dog = Watchdog(ctx, code=code)
    match = statuses_for(inbound.document_id, sut, code)
    mails, reason = _wait_watched(lambda: inbound.probe.look(match), limit, ctx.deadlines.poll, dog)
    if not mails:
        seen = [x.status_code for x in inbound.probe.find(statuses_for(inbound.document_id, sut))]
        detail = f"; đã nhận: {', '.join(seen)}" if seen else "; không nhận được trạng thái nào"
        why = f": {reason}" if reason else f" trong {limit:g} giây"
        raise ctx.fail(
            "RT-05",
            f"Không nhận được trạng thái {code} của hệ thống cho văn bản {inbound.document_id}{why}{detail}.",
        )
    mail = mails[0]
    if with_reason:
        package = mail.package
        reason = package.description if isinstance(package, m.StatusPackage) else ""
        if not (reason or "").strip():
            raise ctx.fail("EDX-44", f"Trạng thái {code} cho văn bản {inbound.document_id} không có lý do.")
    return mail


def not_accepted(ctx: ScenarioContext) -> None:
    inbound = _inbound(ctx)
    accepted = inbound.probe.find(statuses_for(inbound.document_id, _sut_id(ctx), "03"))
    if accepted:
        raise ctx.fail("RT-07", f"Hệ thống đã tiếp nhận (03) văn bản lỗi chữ ký {inbound.document_id}.")


def clerk(ctx: ScenarioContext, action: Action, reason: str = "") -> None:
    inbound = _inbound(ctx)
    driver = ctx.require_driver()
    command = driver.act(inbound.document_id, inbound.probe.organ_id, action, reason)
    if not command.accepted:
        raise ctx.fail(
            "RT-05" if action not in (Action.AGREE, Action.REFUSE) else "RT-08",
            f"Hệ thống không thực hiện thao tác «{action.value}» với văn bản {inbound.document_id}: "
            f"{command.refusal_code} {command.refusal_vi}".strip(),
        )


def status_chain_ok(ctx: ScenarioContext) -> None:
    """Every status the system returned is valid, addressed to the sender, and never goes back."""
    inbound = _inbound(ctx)
    sut = _sut_id(ctx)
    mails = sorted(inbound.probe.find(statuses_for(inbound.document_id, sut)), key=lambda x: x.received)
    checker = SequenceChecker()
    checker.feed(parse_package(inbound.data, strict=False), "văn bản gốc")
    for mail in mails:
        findings = [f for f in inspect(mail.data).report.findings if f.level is Level.MUST]
        if findings:
            ctx.save_evidence(f"status-{mail.status_code}-{mail.doc_id}.edxml", mail.data)
            raise ctx.fail(
                findings[0].rule, f"Gói tin trạng thái {mail.status_code} không hợp lệ: {findings[0].message_vi}"
            )
        package = mail.package
        assert isinstance(package, m.StatusPackage)
        target = package.response_for.organ_id if package.response_for else None
        if target != inbound.probe.organ_id:
            raise ctx.fail("EDX-42", f"Trạng thái {mail.status_code} gửi sai địa chỉ: ResponseFor/OrganId = {target}.")
        checker.feed(package, f"trạng thái {mail.status_code}")
    findings = [f for f in checker.finish() if f.level is Level.MUST]
    if findings:
        raise ctx.fail(findings[0].rule, f"Thứ tự trạng thái sai: {findings[0].message_vi}")


# RT-06 --------------------------------------------------------------------------------------------


def probe_returns_statuses(ctx: ScenarioContext, codes: list[str]) -> None:
    _outbound_mails(ctx)
    got: dict[str, Mail] = ctx.data["outbound_mail"]
    probe = _outbound(ctx).recipients[0]
    package = got[probe.organ_id].package
    if not isinstance(package, m.EdocPackage):
        raise ctx.fail("RT-06", f"Không đọc được văn bản hệ thống gửi: {got[probe.organ_id].unreadable}")
    ids = []
    for code in codes:
        try:
            ids.append(probe.send(build(status_for(package, probe.organ, code)), message_type=MessageType.STATUS))
        except VxpError as exc:
            raise ctx.fail(
                "RT-06",
                f"Không trả được trạng thái {code} cho văn bản của hệ thống: trục từ chối "
                f"({exc.reply.error_code} {exc.reply.error_desc}); văn bản gốc có thông tin không nhất quán.",
            ) from exc
    ctx.data["status_ids"] = ids


def statuses_fetched(ctx: ScenarioContext) -> None:
    ids: list[str] = ctx.data.get("status_ids", [])
    sut = _sut_id(ctx)

    def acked() -> bool:
        rows = [d for d in _watch(ctx).deliveries(receiver=sut) if d["sender_doc_id"] in ids]
        return len([d for d in rows if d["state"] == "done"]) >= len(ids)

    if not _wait(acked, ctx.deadlines.fetch, ctx.deadlines.poll):
        raise ctx.fail(
            "RT-06",
            f"Hệ thống không tải về và xác nhận {len(ids)} gói tin trạng thái của văn bản đã gửi "
            f"trong {ctx.deadlines.fetch:g} giây.",
        )


def sent_register_shows(ctx: ScenarioContext, code: str) -> None:
    out = _outbound(ctx)
    driver = ctx.require_driver()

    def shows() -> bool:
        sent = driver.sent()
        if sent is None:
            return True
        return any(s.document_id == out.document_id and any(x.code == code for x in s.statuses) for s in sent)

    if not _wait(shows, ctx.deadlines.status, ctx.deadlines.poll * 2):
        raise ctx.fail("RT-06", f"Sổ văn bản đi của hệ thống không ghi nhận trạng thái {code} cho {out.document_id}.")


# RT-08 --------------------------------------------------------------------------------------------


def probe_follow_up(ctx: ScenarioContext, kind: str) -> None:
    inbound = _inbound(ctx)
    original = parse_package(inbound.data, strict=False)
    assert isinstance(original, m.EdocPackage)
    package = ctx.world.kit.follow_up(original, kind)
    probe = inbound.probe
    doc_id = probe.send(build(package))
    ctx.data["follow_up"] = doc_id
    driver = ctx.require_driver()
    sut = _sut_id(ctx)

    def pending() -> bool:
        entries = driver.received(inbound.document_id, probe.organ_id)
        if entries is None:
            rows = [d for d in _watch(ctx).deliveries(receiver=sut) if d["sender_doc_id"] == doc_id]
            return any(d["state"] in ("done", "fail") for d in rows)
        return any(e.pending_request for e in entries)

    _wait(pending, ctx.deadlines.fetch, ctx.deadlines.poll)


def sut_recalls(ctx: ScenarioContext) -> None:
    out = _outbound(ctx)
    if out.document_id is None:
        raise NotApplicable("Không biết DocumentId của văn bản cần thu hồi.")
    ctx.data["recall_since"] = time.time()
    command = ctx.require_driver().recall(out.document_id, "Thu hồi để kiểm thử")
    if not command.accepted:
        raise ctx.fail("RT-08", f"Hệ thống không thu hồi được văn bản: {command.refusal_code} {command.refusal_vi}")


def recall_arrives(ctx: ScenarioContext) -> None:
    out = _outbound(ctx)
    sut = _sut_id(ctx)
    since = float(ctx.data.get("recall_since", out.since))
    for probe in out.recipients:

        def is_recall(x: Mail) -> bool:
            return documents_from(sut, since)(x) and x.business_type == "1" and x.reference == out.document_id

        if not probe.wait(is_recall, ctx.deadlines.fetch):
            raise ctx.fail("RT-08", f"{probe.organ_id} không nhận được yêu cầu thu hồi văn bản {out.document_id}.")


# RT-09 --------------------------------------------------------------------------------------------


def _next_listing(ctx: ScenarioContext, after: int) -> bool:
    """Wait for the system's next mailbox listing (answered or not) after journal id `after`."""
    sut = ctx.require_sut()
    watch = _watch(ctx)

    def listed() -> bool:
        rows = watch.journal(system_id=sut.system_id, operation=Operation.GET_RECEIVED_EDOC_LIST.value, after=after)
        return bool(rows)

    return _wait(listed, ctx.deadlines.poll_gap * 3, 0.02)


def flash_after_normal(ctx: ScenarioContext, normal: int) -> None:
    """Send `normal` documents then a flash one so that all arrive in the same mailbox listing.

    The system's listing is held (the axis answers it with an error) while the probe sends, and
    released right after the system's next listing attempt: the documents then all appear a full
    polling interval later, together, and only the system's own ordering decides which it
    registers first. The flash deadline counts from the release.
    """
    probe = ctx.probe("local")
    sut = ctx.require_sut()
    watch = _watch(ctx)
    packages = [ctx.world.kit.document(probe.organ, [sut.organization()]) for _ in range(normal)]
    flash = ctx.world.kit.document(probe.organ, [sut.organization()], priority="3")
    fault = watch.add_fault(kind="error", operation=Operation.GET_RECEIVED_EDOC_LIST.value, agency=sut.system_id)
    ctx.cleanups.append(lambda: watch.remove_fault(fault))
    for package in packages:
        probe.send(build(package))
    probe_sends(ctx, flash, probe)
    _next_listing(ctx, watch.last_journal_id())
    watch.remove_fault(fault)
    ctx.data["flash"] = ([p.document_id or "" for p in packages], time.time())


def flash_registered_first(ctx: ScenarioContext) -> None:
    inbound = _inbound(ctx)
    normal_ids, _ = ctx.data["flash"]
    flash = status_arrives(ctx, "01")
    order = inbound.probe.snapshot()
    sut = _sut_id(ctx)
    before = [
        x.document_id
        for x in order[: order.index(flash)]
        if x.status_code == "01" and x.from_organ == sut and x.document_id in normal_ids
    ]
    if before:
        raise ctx.fail(
            "RT-09",
            f"Hệ thống vào sổ {len(before)} văn bản thường trước văn bản hỏa tốc {inbound.document_id} "
            f"dù cùng đến trong một lần kiểm tra hộp thư.",
        )


def flash_fetched_in_time(ctx: ScenarioContext) -> None:
    """The system checks its mailbox within the flash deadline after the flash document became
    visible, and downloads it in that same round (before its next mailbox listing). Judged from
    the axis journal, so the time the system spends per document does not count against it."""
    inbound = _inbound(ctx)
    _, released = ctx.data["flash"]
    sut = ctx.require_sut()
    watch = _watch(ctx)
    listing = Operation.GET_RECEIVED_EDOC_LIST.value

    def fetched_at() -> float | None:
        ids = {d["doc_id"] for d in _deliveries(ctx, inbound.axis_doc_id)}
        rows = watch.journal(system_id=sut.system_id, operation=Operation.GET_EDOC.value)
        times = [journal_time(r) for r in rows if r["status"] == "OK" and ids & set(r["doc_ids"])]
        return min(times) if times else None

    at = _wait(fetched_at, ctx.deadlines.fetch, ctx.deadlines.poll)
    if at is None:
        raise ctx.fail("RT-09", f"Hệ thống không tải văn bản hỏa tốc {inbound.document_id} về.")
    listings = sorted(
        journal_time(r)
        for r in watch.journal(system_id=sut.system_id, operation=listing)
        if r["status"] == "OK" and journal_time(r) >= released
    )
    first = listings[0] if listings else at
    if first - released > ctx.deadlines.flash:
        raise ctx.fail(
            "RT-09",
            f"Hệ thống kiểm tra hộp thư lần đầu sau {first - released:.1f} giây kể từ khi văn bản hỏa tốc đến, "
            f"quá thời hạn hỏa tốc {ctx.deadlines.flash:g} giây.",
        )
    between = [t for t in listings if first < t < at]
    if between:
        raise ctx.fail(
            "RT-09",
            f"Văn bản hỏa tốc không được tải về ngay lần kiểm tra hộp thư đầu tiên mà sau {len(between) + 1} lần "
            f"({at - released:.1f} giây).",
        )


# RT-12 --------------------------------------------------------------------------------------------

BROKEN_KINDS = ("không phải XML", "base64 hỏng", "sai nơi nhận", "trùng lặp")


def _broken_package(ctx: ScenarioContext, kind: str) -> tuple[bytes, int]:
    """The bytes to inject and how many deliveries of them."""
    probe = ctx.probe("local")
    sut = ctx.require_sut().organization()
    if kind == "không phải XML":
        return b'<?xml version="1.0"?><edXML:edXML xmlns:edXML="http://www.mic.gov.vn/TBT/QCVN_102_2016"><broken', 1
    if kind == "base64 hỏng":
        data = build(ctx.world.kit.document(probe.organ, [sut]))
        start = data.index(b"<edXML:Value>") + len(b"<edXML:Value>") if b"<edXML:Value>" in data else None
        if start is None:
            start = data.rindex(b"JVBER")
        return data[:start] + b"!!!***khong-phai-base64***!!!" + data[start + 30 :], 1
    if kind == "sai nơi nhận":
        return build(ctx.world.kit.document(probe.organ, [ctx.probe("local2").organ])), 1
    if kind == "trùng lặp":
        return build(ctx.world.kit.document(probe.organ, [sut])), 2
    raise ValueError(f"không có loại gói tin lỗi «{kind}»; dùng: {', '.join(BROKEN_KINDS)}")


def inject_broken_then_good(ctx: ScenarioContext, kind: str) -> None:
    sut = ctx.require_sut()
    data, copies = _broken_package(ctx, kind)
    watch = _watch(ctx)
    ids: list[str] = []
    for _ in range(copies):
        ids += watch.inject(data, [sut.id], raw=True, from_organ=ctx.probe("local").organ_id)
    ctx.data["broken"] = (kind, ids, data)
    send_document_to_sut(ctx)


def broken_refused(ctx: ScenarioContext) -> None:
    kind, ids, data = ctx.data["broken"]
    sut = _sut_id(ctx)
    watch = _watch(ctx)

    def handled() -> list[dict[str, object]]:
        rows = [d for d in watch.deliveries(receiver=sut) if d["doc_id"] in ids]
        return rows if rows and all(d["state"] in ("done", "fail") for d in rows) else []

    rows = _wait(handled, ctx.deadlines.fetch, ctx.deadlines.poll)
    if not rows:
        raise ctx.fail("RT-12", f"Hệ thống không xử lý gói tin lỗi «{kind}» trong {ctx.deadlines.fetch:g} giây.")
    if kind == "trùng lặp":
        package = parse_package(data, strict=False)
        document_id = package.document_id if isinstance(package, m.EdocPackage) else ""
        registered_once(ctx, document_id or "", rule="RT-12")
        return
    refused = [d for d in rows if d["state"] == "fail"]
    if not refused:
        # A readable but misaddressed package may instead be answered with 02.
        try:
            readable: m.EdocPackage | m.StatusPackage | None = parse_package(data, strict=False)
        except Exception:
            readable = None
        if isinstance(readable, m.EdocPackage):
            probe = ctx.probe("local")
            match = statuses_for(readable.document_id or "", sut, "02")
            dog = Watchdog(ctx, code="02", document=(readable.document_id or "", probe.organ_id))
            limit = ctx.deadlines.fetch + ctx.deadlines.status
            rejected, _ = _wait_watched(lambda: probe.look(match), limit, ctx.deadlines.poll, dog)
            if rejected:
                return
        raise ctx.fail(
            "RT-12", f"Hệ thống xác nhận 'done' cho gói tin lỗi «{kind}» mà không từ chối (không 'fail', không 02)."
        )


def timestamp(value: float) -> str:
    return datetime.fromtimestamp(value).isoformat(timespec="milliseconds")
