"""Receiving: RT-04 Nhận, RT-05 Trạng thái, RT-07 Từ chối không ký: a probe sends, the system fetches,
registers once and answers with statuses.
"""

from __future__ import annotations

import itertools
import time

from harness.backchannel.models import Action
from harness.edxml import build
from harness.edxml import model as m
from harness.edxml.findings import Level
from harness.edxml.parser import parse_package
from harness.edxml.rules.sequence import SequenceChecker
from harness.edxml.validate import inspect
from harness.scenarios.context import Inbound, NotApplicable, ScenarioContext
from harness.scenarios.probe import Mail, Probe, statuses_for
from harness.scenarios.rt.common import (
    IMMEDIATE,
    Watchdog,
    announce,
    axis_watch,
    scenario_fault,
    sut_id_of,
    sut_operation,
    wait_until,
    wait_watched,
)
from harness.transport.sim_control import journal_time, sent_as
from harness.transport.vxp.wire import Operation


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


def inbound_of(ctx: ScenarioContext) -> Inbound:
    if ctx.inbound is None:
        raise NotApplicable("Chưa có văn bản nào được gửi cho hệ thống trong kịch bản.")
    return ctx.inbound


def deliveries_of(ctx: ScenarioContext, sender_doc_id: str) -> list[dict[str, object]]:
    return [d for d in axis_watch(ctx).deliveries(receiver=sut_id_of(ctx)) if sent_as(d, sender_doc_id)]


def fetched(ctx: ScenarioContext, *, deadline: float | None = None, count: int = 1) -> list[dict[str, object]]:
    """The deliveries of the last inbound package to the system, once all are acknowledged."""
    inbound = inbound_of(ctx)
    limit = ctx.deadlines.fetch if deadline is None else deadline
    announce(ctx, f"hệ thống tải về và xác nhận văn bản {inbound.document_id}", limit)

    def acked() -> list[dict[str, object]]:
        rows = deliveries_of(ctx, inbound.axis_doc_id)
        done = [d for d in rows if d["state"] in ("done", "fail")]
        return done if len(done) >= count else []

    dog = Watchdog(ctx)
    rows, reason = wait_watched(acked, limit, ctx.deadlines.poll, dog)
    if not rows:
        states = ", ".join(str(d["state"]) for d in deliveries_of(ctx, inbound.axis_doc_id)) or "không có"
        why = f": {reason}" if reason else f" trong {limit:g} giây"
        raise ctx.fail(
            "RT-04",
            f"Hệ thống không tải về và xác nhận gói tin {inbound.axis_doc_id}{why} (trạng thái trên trục: {states}).",
            waited=dog.wait_of(reason, limit),
        )
    return list(rows)


def fetched_done(ctx: ScenarioContext) -> None:
    rows = fetched(ctx)
    bad = [d for d in rows if d["state"] != "done"]
    if bad:
        raise ctx.fail(
            "RT-04", f"Hệ thống xác nhận 'fail' cho văn bản hợp lệ: {bad[0]['status_desc']}", on_content=True
        )


def poll_cadence(ctx: ScenarioContext) -> None:
    sut = ctx.require_sut()
    start = time.time()
    time.sleep(ctx.deadlines.observe)
    end = time.time()
    rows = axis_watch(ctx).journal(
        system_id=sut.system_id,
        operation=sut_operation(ctx, Operation.GET_RECEIVED_EDOC_LIST),
        since=start,
        until=end,
    )
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
    watch = axis_watch(ctx)
    scenario_fault(ctx, watch, kind="duplicate", agency=sut.id, operation="sendEdoc", remaining=1)


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

    wait_until(registered, ctx.deadlines.fetch + ctx.deadlines.status, ctx.deadlines.poll * 2)
    time.sleep(ctx.deadlines.poll * 3)


def registered_once(ctx: ScenarioContext, document_id: str | None = None, rule: str = "RT-04") -> None:
    inbound = inbound_of(ctx)
    sut = sut_id_of(ctx)
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
    inbound = inbound_of(ctx)
    sut = sut_id_of(ctx)
    limit = ctx.deadlines.status if deadline is None else deadline
    if deadline is None and code in IMMEDIATE:
        limit += ctx.deadlines.fetch  # the system first has to fetch it, at its own cadence
    announce(ctx, f"trạng thái {code} của hệ thống cho văn bản {inbound.document_id}", limit)
    dog = Watchdog(ctx, code=code)
    match = statuses_for(inbound.document_id, sut, code)
    mails, reason = wait_watched(lambda: inbound.probe.look(match), limit, ctx.deadlines.poll, dog)
    if not mails:
        seen = [x.status_code for x in inbound.probe.find(statuses_for(inbound.document_id, sut))]
        detail = f"; đã nhận: {', '.join(seen)}" if seen else "; không nhận được trạng thái nào"
        why = f": {reason}" if reason else f" trong {limit:g} giây"
        raise ctx.fail(
            "RT-05",
            f"Không nhận được trạng thái {code} của hệ thống cho văn bản {inbound.document_id}{why}{detail}.",
            waited=dog.wait_of(reason, limit),
        )
    mail = mails[0]
    if with_reason:
        package = mail.package
        reason = package.description if isinstance(package, m.StatusPackage) else ""
        if not (reason or "").strip():
            raise ctx.fail(
                "EDX-44", f"Trạng thái {code} cho văn bản {inbound.document_id} không có lý do.", on_content=True
            )
    return mail


def not_accepted(ctx: ScenarioContext) -> None:
    inbound = inbound_of(ctx)
    accepted = inbound.probe.find(statuses_for(inbound.document_id, sut_id_of(ctx), "03"))
    if accepted:
        raise ctx.fail(
            "RT-07", f"Hệ thống đã tiếp nhận (03) văn bản lỗi chữ ký {inbound.document_id}.", on_content=True
        )


def clerk(ctx: ScenarioContext, action: Action, reason: str = "") -> None:
    inbound = inbound_of(ctx)
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
    inbound = inbound_of(ctx)
    sut = sut_id_of(ctx)
    mails = sorted(inbound.probe.find(statuses_for(inbound.document_id, sut)), key=lambda x: x.received)
    checker = SequenceChecker()
    checker.feed(parse_package(inbound.data, strict=False), "văn bản gốc")
    for mail in mails:
        findings = [f for f in inspect(mail.data).report.findings if f.level is Level.MUST]
        if findings:
            ctx.save_evidence(f"status-{mail.status_code}-{mail.doc_id}.edxml", mail.data)
            raise ctx.fail(
                findings[0].rule,
                f"Gói tin trạng thái {mail.status_code} không hợp lệ: {findings[0].message_vi}",
                on_content=True,
            )
        package = mail.package
        assert isinstance(package, m.StatusPackage)
        target = package.response_for.organ_id if package.response_for else None
        if target != inbound.probe.organ_id:
            raise ctx.fail(
                "EDX-42",
                f"Trạng thái {mail.status_code} gửi sai địa chỉ: ResponseFor/OrganId = {target}.",
                on_content=True,
            )
        checker.feed(package, f"trạng thái {mail.status_code}")
    findings = [f for f in checker.finish() if f.level is Level.MUST]
    if findings:
        raise ctx.fail(findings[0].rule, f"Thứ tự trạng thái sai: {findings[0].message_vi}", on_content=True)
