"""RT-12 Gói tin lỗi: a broken package is refused (fail or status 02) and does not block the next one.

On an EdocService axis (profile B) there is no transport refusal: a readable package must be answered
with 02, an unreadable one can only be confirmed; the next document's 01 is judged either way."""

from __future__ import annotations

from harness.edxml import build
from harness.edxml import model as m
from harness.edxml.parser import parse_package
from harness.scenarios.context import ScenarioContext
from harness.scenarios.probe import statuses_for
from harness.scenarios.rt.common import Watchdog, axis_watch, sut_id_of, wait_until, wait_watched
from harness.scenarios.rt.rt04_nhan import registered_once, send_document_to_sut

BROKEN_KINDS = ("không phải XML", "base64 hỏng", "sai nơi nhận", "trùng lặp")


def broken_package(ctx: ScenarioContext, kind: str) -> tuple[bytes, int]:
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
    data, copies = broken_package(ctx, kind)
    watch = axis_watch(ctx)
    ids: list[str] = []
    for _ in range(copies):
        ids += watch.inject(data, [sut.id], raw=True, from_organ=ctx.probe("local").organ_id)
    ctx.data["broken"] = (kind, ids, data)
    send_document_to_sut(ctx)


def broken_refused(ctx: ScenarioContext) -> None:
    kind, ids, data = ctx.data["broken"]
    sut = sut_id_of(ctx)
    watch = axis_watch(ctx)

    def handled() -> list[dict[str, object]]:
        rows = [d for d in watch.deliveries(receiver=sut) if d["doc_id"] in ids]
        return rows if rows and all(d["state"] in ("done", "fail") for d in rows) else []

    rows = wait_until(handled, ctx.deadlines.fetch, ctx.deadlines.poll)
    if not rows:
        raise ctx.fail(
            "RT-12",
            f"Hệ thống không xử lý gói tin lỗi «{kind}» trong {ctx.deadlines.fetch:g} giây.",
            waited=ctx.deadlines.fetch,
        )
    if kind == "trùng lặp":
        package = parse_package(data, strict=False)
        document_id = package.document_id if isinstance(package, m.EdocPackage) else ""
        registered_once(ctx, document_id or "", rule="RT-12")
        return
    refused = [d for d in rows if d["state"] == "fail"]
    waited: float | None = None
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
            rejected, reason = wait_watched(lambda: probe.look(match), limit, ctx.deadlines.poll, dog)
            if rejected:
                return
            waited = dog.wait_of(reason, limit)
        elif readable is None and ctx.require_sut().protocol == "bkav":
            # EdocService has no refusal and an unreadable package names no document to answer with
            # 02: taking it off the list without blocking the next document is all a system can do.
            return
        raise ctx.fail(
            "RT-12",
            f"Hệ thống xác nhận 'done' cho gói tin lỗi «{kind}» mà không từ chối (không 'fail', không 02).",
            waited=waited,
        )
