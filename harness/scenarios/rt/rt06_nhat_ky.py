"""RT-06 Nhật ký: statuses sent back to the system appear in its register of sent documents."""

from __future__ import annotations

from harness.edxml import build
from harness.edxml import model as m
from harness.edxml.factory import status_for
from harness.scenarios.context import ScenarioContext
from harness.scenarios.probe import Mail
from harness.scenarios.rt.common import axis_watch, sut_id_of, wait_until
from harness.scenarios.rt.rt03_gui import outbound_mails, outbound_of
from harness.transport.mailbox import MailboxError
from harness.transport.sim_control import sent_as
from harness.transport.vxp import MessageType


def probe_returns_statuses(ctx: ScenarioContext, codes: list[str]) -> None:
    outbound_mails(ctx)
    got: dict[str, Mail] = ctx.data["outbound_mail"]
    probe = outbound_of(ctx).recipients[0]
    package = got[probe.organ_id].package
    if not isinstance(package, m.EdocPackage):
        raise ctx.fail(
            "RT-06", f"Không đọc được văn bản hệ thống gửi: {got[probe.organ_id].unreadable}", on_content=True
        )
    ids = []
    for code in codes:
        try:
            ids.append(probe.send(build(status_for(package, probe.organ, code)), message_type=MessageType.STATUS))
        except MailboxError as exc:
            raise ctx.fail(
                "RT-06",
                f"Không trả được trạng thái {code} cho văn bản của hệ thống: trục từ chối "
                f"({exc.code} {exc.description}); văn bản gốc có thông tin không nhất quán.",
                on_content=True,
            ) from exc
    ctx.data["status_ids"] = ids


def statuses_fetched(ctx: ScenarioContext) -> None:
    ids: list[str] = ctx.data.get("status_ids", [])
    sut = sut_id_of(ctx)

    def acked() -> bool:
        rows = [d for d in axis_watch(ctx).deliveries(receiver=sut) if any(sent_as(d, x) for x in ids)]
        return len([d for d in rows if d["state"] == "done"]) >= len(ids)

    if not wait_until(acked, ctx.deadlines.fetch, ctx.deadlines.poll):
        raise ctx.fail(
            "RT-06",
            f"Hệ thống không tải về và xác nhận {len(ids)} gói tin trạng thái của văn bản đã gửi "
            f"trong {ctx.deadlines.fetch:g} giây.",
            waited=ctx.deadlines.fetch,
        )


def sent_register_shows(ctx: ScenarioContext, code: str) -> None:
    out = outbound_of(ctx)
    driver = ctx.require_driver()

    def shows() -> bool:
        sent = driver.sent()
        if sent is None:
            return True
        return any(s.document_id == out.document_id and any(x.code == code for x in s.statuses) for s in sent)

    if not wait_until(shows, ctx.deadlines.status, ctx.deadlines.poll * 2):
        raise ctx.fail(
            "RT-06",
            f"Sổ văn bản đi của hệ thống không ghi nhận trạng thái {code} cho {out.document_id} "
            f"trong {ctx.deadlines.status:g} giây.",
            waited=ctx.deadlines.status,
        )
