"""RT-01 Kết nối: the system calls the axis with its credentials and reads the directory."""

from __future__ import annotations

from harness.scenarios.context import ScenarioContext
from harness.scenarios.rt.common import axis_watch, sut_operation, wait_until
from harness.transport.mailbox import MailboxError, open_sync_mailbox
from harness.transport.sim_control import journal_time
from harness.transport.vxp import MessageType
from harness.transport.vxp.wire import Operation


def sut_calls_ok(ctx: ScenarioContext) -> None:
    sut = ctx.require_sut()
    watch = axis_watch(ctx)
    since = ctx.started

    def ok_calls() -> list[dict[str, object]]:
        rows = watch.journal(system_id=sut.system_id, since=since)
        return [r for r in rows if journal_time(r) >= since and r["status"] == "OK"]

    if not wait_until(ok_calls, ctx.deadlines.fetch, ctx.deadlines.poll):
        rows = [r for r in watch.journal(system_id=sut.system_id, since=since) if journal_time(r) >= since]
        refused = sorted({f"{r['http_status']} {r['error_desc']}" for r in rows})[:3]
        detail = f"; trục đã từ chối {len(rows)} lần gọi: {'; '.join(refused)}" if rows else ""
        raise ctx.fail(
            "RT-01",
            f"Không có lần gọi trục thành công nào của hệ thống {sut.system_id} trong {ctx.deadlines.fetch:g} giây"
            f"{detail}.",
            waited=ctx.deadlines.fetch,
        )


def sut_in_directory(ctx: ScenarioContext) -> None:
    sut = ctx.require_sut()
    codes = {code for code, _ in ctx.probe("local").mailbox.directory()}
    if sut.id not in codes:
        raise ctx.fail("RT-01", f"Mã định danh {sut.id} không có trong danh bạ của trục.")


def sut_read_directory(ctx: ScenarioContext) -> None:
    sut = ctx.require_sut()
    rows = axis_watch(ctx).journal(system_id=sut.system_id, operation=sut_operation(ctx, Operation.GET_AGENCIES_LIST))
    if not any(r["status"] == "OK" for r in rows):
        raise ctx.fail("RT-01", f"Hệ thống {sut.system_id} chưa đọc được danh bạ cơ quan (getAgenciesList) từ trục.")


def wrong_credentials_refused(ctx: ScenarioContext) -> None:
    sut = ctx.require_sut()
    mailbox = open_sync_mailbox(sut.protocol, sut.endpoint, sut.system_id, sut.id, sut.secret + "-sai")
    try:
        mailbox.waiting(MessageType.EDOC)
    except MailboxError:
        return
    finally:
        mailbox.close()
    raise ctx.fail("RT-01", f"Trục chấp nhận khóa bí mật sai của hệ thống {sut.system_id}.")
