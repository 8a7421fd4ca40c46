"""RT-09 Hỏa tốc: a flash document is fetched and registered ahead of ordinary ones, in time."""

from __future__ import annotations

import time

from harness.edxml import build
from harness.scenarios.context import ScenarioContext
from harness.scenarios.rt.common import axis_watch, scenario_fault, sut_id_of, sut_operation, wait_until
from harness.scenarios.rt.rt04_nhan import deliveries_of, inbound_of, probe_sends, status_arrives
from harness.transport.sim_control import journal_time
from harness.transport.vxp.wire import Operation


def next_listing(ctx: ScenarioContext, after: int) -> bool:
    """Wait for the system's next mailbox listing (answered or not) after journal id `after`."""
    sut = ctx.require_sut()
    watch = axis_watch(ctx)

    def listed() -> bool:
        rows = watch.journal(
            system_id=sut.system_id, operation=sut_operation(ctx, Operation.GET_RECEIVED_EDOC_LIST), after=after
        )
        return bool(rows)

    return wait_until(listed, ctx.deadlines.poll_gap * 3, 0.02)


def flash_after_normal(ctx: ScenarioContext, normal: int) -> None:
    """Send `normal` documents then a flash one so that all arrive in the same mailbox listing.

    The system's listing is held (the axis answers it with an error) while the probe sends, and
    released right after the system's next listing attempt: the documents then all appear a full
    polling interval later, together, and only the system's own ordering decides which it
    registers first. The flash deadline counts from the release, taken before the call that releases: at
    256 agencies a harness thread resumed half a second after the axis answered, the system had meanwhile
    listed and taken the batch, and that listing counted as before the release ("kiểm tra hộp thư lần đầu
    sau 6.0 giây" for a system busy with the ten documents it had just fetched).
    """
    probe = ctx.probe("local")
    sut = ctx.require_sut()
    watch = axis_watch(ctx)
    packages = [ctx.world.kit.document(probe.organ, [sut.organization()]) for _ in range(normal)]
    flash = ctx.world.kit.document(probe.organ, [sut.organization()], priority="3")
    fault = scenario_fault(
        ctx, watch, kind="error", operation=sut_operation(ctx, Operation.GET_RECEIVED_EDOC_LIST), agency=sut.system_id
    )
    for package in packages:
        probe.send(build(package))
    probe_sends(ctx, flash, probe)
    next_listing(ctx, watch.last_journal_id())
    released = time.time()  # before the call: a listing answered OK after this saw the documents
    watch.remove_fault(fault)
    ctx.data["flash"] = ([p.document_id or "" for p in packages], released)


def flash_registered_first(ctx: ScenarioContext) -> None:
    inbound = inbound_of(ctx)
    normal_ids, _ = ctx.data["flash"]
    flash = status_arrives(ctx, "01")
    order = inbound.probe.snapshot()
    sut = sut_id_of(ctx)
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
    inbound = inbound_of(ctx)
    _, released = ctx.data["flash"]
    sut = ctx.require_sut()
    watch = axis_watch(ctx)
    listing = sut_operation(ctx, Operation.GET_RECEIVED_EDOC_LIST)

    def fetched_at() -> float | None:
        ids = {d["doc_id"] for d in deliveries_of(ctx, inbound.axis_doc_id)}
        rows = watch.journal(system_id=sut.system_id, operation=sut_operation(ctx, Operation.GET_EDOC), since=released)
        times = [journal_time(r) for r in rows if r["status"] == "OK" and ids & set(r["doc_ids"])]
        return min(times) if times else None

    at = wait_until(fetched_at, ctx.deadlines.fetch, ctx.deadlines.poll)
    if at is None:
        raise ctx.fail(
            "RT-09",
            f"Hệ thống không tải văn bản hỏa tốc {inbound.document_id} về trong {ctx.deadlines.fetch:g} giây.",
            waited=ctx.deadlines.fetch,
        )
    listings = sorted(
        journal_time(r)
        for r in watch.journal(system_id=sut.system_id, operation=listing, since=released)
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
