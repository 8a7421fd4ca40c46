"""AX-06 Cách ly hộp thư: one agency cannot see, fetch or acknowledge another's mail."""

from __future__ import annotations

import secrets

from harness.scenarios.ax.answers import ack_raw, read_raw
from harness.scenarios.ax.ax01_xac_thuc import leaks
from harness.scenarios.ax.common import AX06, axis_errors, fail, last_sent, listed, pending_doc_id, who
from harness.scenarios.context import ScenarioContext
from harness.scenarios.probe import Probe, read_mail
from harness.transport.vxp import MessageType, Operation, Reply


def find_waiting_package(ctx: ScenarioContext) -> None:
    """The last document waits (unacknowledged) in its first recipient's mailbox; note its docId."""
    sent = last_sent(ctx)
    owner = sent.recipients[0]
    with axis_errors(ctx, AX06, f"{who(ctx, owner)} đọc danh sách gói tin chờ"):
        doc_id = pending_doc_id(owner, sent.sender.organ_id, sent.document_id, ctx.deadlines.fetch, ctx.deadlines.poll)
    if doc_id is None:
        raise fail(
            ctx,
            AX06,
            f"{who(ctx, owner)} không thấy {sent.describe(ctx)} trong hộp thư sau {ctx.deadlines.fetch:g} giây.",
        )
    ctx.data["ax06"] = (owner, doc_id)


def expect_not_listed_for_other(ctx: ScenarioContext) -> None:
    owner, doc_id = ctx.data["ax06"]
    other = last_sent(ctx).sender
    with axis_errors(ctx, AX06, f"{who(ctx, other)} đọc danh sách gói tin chờ"):
        mine = listed(other)
    if doc_id in mine:
        raise fail(
            ctx, AX06, f"Gói tin {doc_id} của {who(ctx, owner)} xuất hiện trong danh sách nhận của {who(ctx, other)}."
        )


def _shape(reply: Reply, doc_id: str) -> tuple[str, str, int, str]:
    return (reply.status, reply.error_code, reply.http_status, reply.error_desc.replace(doc_id, "<docId>"))


def _foreign_edoc_service(ctx: ScenarioContext, owner: Probe, other: Probe, doc_id: str) -> None:
    """Profile B: getDocument and confirmReceived on another organisation's docId answer as on a
    number that does not exist (Bkav's own server serves any docId: this is where it shows)."""
    unknown = str(9 * 10**15 + secrets.randbelow(10**15))
    with axis_errors(ctx, AX06, f"{who(ctx, other)} thử truy cập gói tin {doc_id} của {who(ctx, owner)}"):
        for op, call in (("getDocument", read_raw), ("confirmReceived", ack_raw)):
            foreign, missing = call(other, doc_id), call(other, unknown)
            what = f"{who(ctx, other)} gọi {op} trên gói tin {doc_id} của {who(ctx, owner)}"
            if foreign.ok:
                done = "đọc được gói tin" if op == "getDocument" else "xác nhận được gói tin"
                raise fail(ctx, AX06, f"{what}: {done} (status Success).")
            if foreign.leaks:
                raise fail(ctx, AX06, f"{what} bị từ chối nhưng trục vẫn trả dữ liệu.")
            if foreign.shape(doc_id) != missing.shape(unknown):
                raise fail(
                    ctx,
                    AX06,
                    f"{what} nhận {foreign.code} «{foreign.description}» (HTTP {foreign.http_status}), khác với docId "
                    f"không tồn tại ({missing.code} «{missing.description}», HTTP {missing.http_status}): lộ sự tồn "
                    "tại của gói tin.",
                )


def expect_foreign_access_like_unknown(ctx: ScenarioContext) -> None:
    """getEdoc, downloadEdoc and updateStatus (EdocService: getDocument, confirmReceived) on another
    agency's package answer exactly as on a docId that does not exist: no content, no
    acknowledgement, no hint that it exists."""
    owner, doc_id = ctx.data["ax06"]
    other = last_sent(ctx).sender
    if other.protocol == "bkav":
        _foreign_edoc_service(ctx, owner, other, doc_id)
        return
    unknown = secrets.token_hex(12)
    p = other.client.protocol
    with axis_errors(ctx, AX06, f"{who(ctx, other)} thử truy cập gói tin {doc_id} của {who(ctx, owner)}"):
        for op, make in (
            (Operation.GET_EDOC, p.get_edoc),
            (Operation.DOWNLOAD_EDOC, p.download_edoc),
            (Operation.UPDATE_STATUS, lambda d: p.update_status(d, "done")),
        ):
            foreign = other.client.send(make(doc_id))
            missing = other.client.send(make(unknown))
            what = f"{who(ctx, other)} gọi {op} trên gói tin {doc_id} của {who(ctx, owner)}"
            if op is Operation.DOWNLOAD_EDOC:
                if foreign.content:
                    raise fail(ctx, AX06, f"{what} tải được {len(foreign.content)} byte (HTTP {foreign.status_code}).")
                if foreign.status_code != missing.status_code:
                    raise fail(
                        ctx,
                        AX06,
                        f"{what} nhận HTTP {foreign.status_code}, khác với docId không tồn tại "
                        f"(HTTP {missing.status_code}): lộ sự tồn tại của gói tin.",
                    )
                continue
            r1 = Reply.parse(foreign.status_code, foreign.content)
            r0 = Reply.parse(missing.status_code, missing.content)
            if r1.ok:
                done = "đọc được gói tin" if op is Operation.GET_EDOC else "xác nhận được gói tin"
                raise fail(ctx, AX06, f"{what}: {done} (status OK).")
            if leaks(r1):
                raise fail(ctx, AX06, f"{what} bị từ chối nhưng trục vẫn trả dữ liệu.")
            if _shape(r1, doc_id) != _shape(r0, unknown):
                raise fail(
                    ctx,
                    AX06,
                    f"{what} nhận {r1.error_code} «{r1.error_desc}» (HTTP {r1.http_status}), khác với docId không "
                    f"tồn tại ({r0.error_code} «{r0.error_desc}», HTTP {r0.http_status}): lộ sự tồn tại của gói tin.",
                )


def expect_still_waiting_for_owner(ctx: ScenarioContext) -> None:
    owner, doc_id = ctx.data["ax06"]
    sent = last_sent(ctx)
    with axis_errors(ctx, AX06, f"{who(ctx, owner)} kiểm tra gói tin {doc_id}"):
        status = listed(owner).get(doc_id)
        if status is None or status == "done":
            raise fail(
                ctx,
                AX06,
                f"Gói tin {doc_id} không còn chờ trong hộp thư của {who(ctx, owner)} sau khi đơn vị khác thử truy cập "
                f"(trạng thái: {status or 'không còn trong danh sách'}).",
            )
        mail = read_mail(doc_id, MessageType.EDOC, owner.mailbox.fetch(doc_id, MessageType.EDOC))
    if mail.document_id != sent.document_id:
        raise fail(ctx, AX06, f"{who(ctx, owner)} đọc gói tin {doc_id} có DocumentId «{mail.document_id}» sai.")
