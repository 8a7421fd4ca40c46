"""AX-07 Chống trùng lặp: a document sent twice is delivered once; acknowledged mail is never listed again."""

from __future__ import annotations

import copy

from harness.edxml import build
from harness.scenarios.ax.answers import DUPLICATE_CODE, Answer, send_raw
from harness.scenarios.ax.common import (
    AX07,
    axis_errors,
    fail,
    last_sent,
    listed,
    note,
    sent_list,
    who,
)
from harness.scenarios.context import ScenarioContext


def resend_same_document_id(ctx: ScenarioContext) -> None:
    """The sender sends a new document again under the same DocumentId (its subject changed)."""
    sent = last_sent(ctx)
    again = copy.deepcopy(sent.package)
    again.subject = f"{again.subject or ''} (gửi lại)"
    data = build(again)
    with axis_errors(ctx, AX07, f"{who(ctx, sent.sender)} gửi lại văn bản {sent.document_id}"):
        answer = send_raw(sent.sender, data)
    ctx.data.setdefault("ax07_resends", []).append(answer)


def expect_resend_refused_or_deduplicated(ctx: ScenarioContext) -> None:
    sent = last_sent(ctx)
    answer: Answer = ctx.data["ax07_resends"][-1]
    expected = DUPLICATE_CODE[sent.sender.protocol]
    what = f"Bản gửi lại văn bản {sent.document_id} (cùng DocumentId, cùng nơi nhận)"
    if answer.ok:
        note(
            ctx,
            AX07,
            f"{what} được trục nhận (DocId {answer.sent_id}); trục phải khử trùng: không chuyển lần hai.",
        )
        return
    if answer.broke:
        raise fail(
            ctx,
            AX07,
            f"{what} nhận lỗi {answer.code} «{answer.description}» (HTTP {answer.http_status}) thay vì bị từ chối "
            f"rõ ràng ({expected}) hoặc được khử trùng.",
        )
    if answer.code != expected:
        note(ctx, AX07, f"{what} bị từ chối với mã {answer.code} «{answer.description}» (giao thức dùng {expected}).")


def expect_acknowledged_never_listed(ctx: ScenarioContext) -> None:
    """Packages a recipient acknowledged are gone from its mailbox for good."""
    for sent in sent_list(ctx):
        for r in sent.recipients:
            acked = {mail.doc_id for mail in sent.received_by(r)}
            with axis_errors(ctx, AX07, f"{who(ctx, r)} đọc danh sách gói tin chờ"):
                again = acked & set(listed(r))
            if again:
                raise fail(
                    ctx,
                    AX07,
                    f"Gói tin {', '.join(sorted(again))} ({sent.document_id}) đã được {who(ctx, r)} xác nhận «done» "
                    "nhưng vẫn được trục liệt kê lại.",
                )
