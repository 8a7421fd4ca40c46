"""AX-04 Chuyển trạng thái: status packages travel back to the sender."""

from __future__ import annotations

import time

from harness.edxml import build
from harness.edxml.factory import status_for
from harness.scenarios.ax.common import AX04, Sent, axis_errors, fail, last_sent, wait_for, who
from harness.scenarios.context import ScenarioContext
from harness.scenarios.probe import Probe, statuses_for
from harness.transport.vxp import MessageType

STATUS_TEXT = {"01": "Đã đến", "02": "Từ chối tiếp nhận (thử nghiệm)", "03": "Đã tiếp nhận", "04": "Đã phân công"}


def send_statuses(ctx: ScenarioContext, codes: list[str]) -> None:
    """Every recipient of the last document answers with these status codes, in order."""
    sent = last_sent(ctx)
    records: list[tuple[Sent, Probe, str]] = ctx.data.setdefault("ax_statuses", [])
    for r in sent.recipients:
        for code in codes:
            status = status_for(sent.package, r.organ, code, STATUS_TEXT.get(code, ""))
            with axis_errors(ctx, AX04, f"{who(ctx, r)} gửi trạng thái {code} cho văn bản {sent.document_id}"):
                r.send(build(status), message_type=MessageType.STATUS)
            records.append((sent, r, code))


def expect_statuses_back(ctx: ScenarioContext) -> None:
    timeout = ctx.deadlines.status
    deadline = time.monotonic() + timeout
    missing = []
    for sent, r, code in ctx.data.get("ax_statuses", []):
        with axis_errors(ctx, AX04, f"{who(ctx, sent.sender)} tải trạng thái"):
            got = wait_for(sent.sender, statuses_for(sent.document_id, r.organ_id, code), deadline, ctx.deadlines.poll)
        if not got:
            missing.append(f"trạng thái «{code}» của {who(ctx, r)} cho văn bản {sent.document_id}")
    if missing:
        sender = last_sent(ctx).sender
        raise fail(
            ctx,
            AX04,
            f"Sau {timeout:g} giây, {who(ctx, sender)} (ResponseFor/OrganId) chưa nhận được: "
            + "; ".join(missing)
            + ".",
        )
