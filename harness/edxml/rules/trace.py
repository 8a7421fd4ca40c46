"""EDX-23..29: TraceHeaderList and the Bussiness block (revoke, update, replace)."""

from __future__ import annotations

from harness.edxml.findings import Level
from harness.edxml.formats import parse_timestamp
from harness.edxml.rules.context import Context
from harness.edxml.tree import Element, child_path, kid, kid_any, kids, text


def check_trace_headers(ctx: Context) -> None:
    """EDX-23, EDX-24."""
    header = ctx.header
    assert header is not None
    thl = kid(header, "TraceHeaderList")
    if thl is None:
        ctx.missing("EDX-23", header, "TraceHeaderList")
        return
    traces = kids(thl, "TraceHeader")
    if not traces:
        ctx.missing("EDX-23", thl, "TraceHeader")
        return
    for th in traces:
        ctx.require_text("EDX-23", th, "OrganId", label="TraceHeader/OrganId")
        ts = kid(th, "Timestamp")
        if ts is None:
            ctx.missing("EDX-23", th, "Timestamp")
        elif parse_timestamp(ts.text or "") is None:
            ctx.report(
                "EDX-23",
                ts,
                f"Timestamp '{ts.text or ''}' không đúng dạng yyyy/MM/dd HH:mm:ss.",
                f"Timestamp '{ts.text or ''}' is not a valid yyyy/MM/dd HH:mm:ss time.",
            )
    first = text(kid(traces[0], "OrganId")) or ""
    sender = text(kid(kid(ctx.message_header, "From"), "OrganId")) or ""
    if first.strip() and sender.strip() and first != sender:
        ctx.report(
            "EDX-24",
            traces[0],
            f"TraceHeader đầu tiên là '{first}', khác đơn vị gửi '{sender}'.",
            f"First TraceHeader is '{first}', not the sender '{sender}'.",
        )


def check_bussiness(ctx: Context) -> None:
    """EDX-25..29."""
    header = ctx.header
    assert header is not None
    thl = kid(header, "TraceHeaderList")
    bus = kid_any(thl, "Bussiness", "Business")
    if bus is None:
        where = child_path(thl, "Bussiness") if thl is not None else child_path(header, "TraceHeaderList")
        ctx.report(
            "EDX-25",
            where,
            "Thiếu TraceHeaderList/Bussiness (nghiệp vụ văn bản).",
            "TraceHeaderList/Bussiness is missing.",
        )
        return
    if str(bus.tag).endswith("}Business"):
        ctx.report(
            "EDX-25",
            bus,
            "Phần tử viết là Business; QCVN 102 và thư viện tham chiếu dùng Bussiness.",
            "Element spelled Business; QCVN 102 and the reference library use Bussiness.",
            level=Level.SHOULD,
        )
    doc_type = ctx.require_text("EDX-25", bus, "BussinessDocType", label="BussinessDocType")
    ctx.one_of("EDX-25", kid(bus, "BussinessDocType"), ("0", "1", "2", "3"), "BussinessDocType")
    ctx.one_of("EDX-29", kid(bus, "Paper"), ("0", "1"), "Bussiness/Paper")
    if doc_type in ("1", "2", "3"):
        ctx.require_text("EDX-26", bus, "DocumentId", label="Bussiness/DocumentId")
        ctx.require_text("EDX-26", bus, "BussinessDocReason", label="BussinessDocReason")
    if doc_type == "2":
        _check_update(ctx, bus)
    if doc_type == "3":
        _check_replace(ctx, bus)


def _check_update(ctx: Context, bus: Element) -> None:
    info = kid(bus, "BussinessDocumentInfo")
    receiver_flag = kid(info, "DocumentReceiver")
    if receiver_flag is None or (receiver_flag.text or "").strip() != "1":
        return
    assert info is not None
    rlist = kid(info, "ReceiverList")
    receivers = kids(rlist, "Receiver") if rlist is not None else []
    if not receivers:
        ctx.report(
            "EDX-27",
            child_path(info, "ReceiverList"),
            "DocumentReceiver = 1 nhưng ReceiverList không có Receiver nào.",
            "DocumentReceiver = 1 but ReceiverList has no Receiver.",
        )
    for rc in receivers:
        ctx.require_text("EDX-27", rc, "OrganId", label="Receiver/OrganId")
        rtype = kid(rc, "ReceiverType")
        if rtype is None:
            ctx.missing("EDX-27", rc, "ReceiverType")
        elif rtype.text not in ("0", "1"):
            ctx.report(
                "EDX-27",
                rtype,
                f"ReceiverType = '{rtype.text or ''}' không thuộc {{0, 1}}.",
                f"ReceiverType = '{rtype.text or ''}' is not 0 or 1.",
            )


def _check_replace(ctx: Context, bus: Element) -> None:
    rlist = kid(bus, "ReplacementInfoList")
    infos = kids(rlist, "ReplacementInfo") if rlist is not None else []
    if not infos:
        ctx.report(
            "EDX-28",
            child_path(bus, "ReplacementInfoList"),
            "Văn bản thay thế (BussinessDocType = 3) không có ReplacementInfo.",
            "Replacement (BussinessDocType = 3) has no ReplacementInfo.",
        )
    for info in infos:
        ctx.require_text("EDX-28", info, "DocumentId", label="ReplacementInfo/DocumentId")
        organs = kid(info, "OrganIdList")
        values = [o for o in kids(organs, "OrganId") if (o.text or "").strip()] if organs is not None else []
        if not values:
            ctx.report(
                "EDX-28",
                child_path(info, "OrganIdList"),
                "ReplacementInfo không có OrganIdList/OrganId nào.",
                "ReplacementInfo has no OrganIdList/OrganId.",
            )
