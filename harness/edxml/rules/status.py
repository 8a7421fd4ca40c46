"""EDX-40..44, EDX-50: one status package on its own (sequence rules live in sequence.py)."""

from __future__ import annotations

from harness.edxml.formats import STATUS_CODE_RE, STATUS_CODES, parse_timestamp
from harness.edxml.rules.context import Context
from harness.edxml.tree import child_path, kid, kids


def check_status(ctx: Context) -> None:
    mh = ctx.message_header
    assert mh is not None
    sender = kid(mh, "From")
    if sender is None:
        ctx.missing("EDX-40", mh, "From")
    else:
        ctx.require_text("EDX-40", sender, "OrganId", label="From/OrganId")
    response_for = kid(mh, "ResponseFor")
    if response_for is None:
        ctx.missing("EDX-40", mh, "ResponseFor")
    else:
        for name in ("OrganId", "Code", "DocumentId"):
            ctx.require_text("EDX-42", response_for, name, label=f"ResponseFor/{name}")
    code_el = kid(mh, "StatusCode")
    code = None
    if code_el is None:
        ctx.missing("EDX-40", mh, "StatusCode")
    else:
        code = code_el.text or ""
        if not STATUS_CODE_RE.match(code) or code not in STATUS_CODES:
            ctx.report(
                "EDX-41",
                code_el,
                f"Mã trạng thái '{code}' không hợp lệ; phải là 2 chữ số thuộc {{{', '.join(STATUS_CODES)}}}.",
                f"StatusCode '{code}' is invalid; must be two digits in {{{', '.join(STATUS_CODES)}}}.",
            )
    ts = kid(mh, "Timestamp")
    if ts is None:
        ctx.missing("EDX-40", mh, "Timestamp")
    elif parse_timestamp(ts.text or "") is None:
        ctx.report(
            "EDX-43",
            ts,
            f"Timestamp '{ts.text or ''}' không đúng dạng yyyy/MM/dd HH:mm:ss.",
            f"Timestamp '{ts.text or ''}' is not a valid yyyy/MM/dd HH:mm:ss time.",
        )
    if code == "02":
        desc = kid(mh, "Description")
        if desc is None or not (desc.text or "").strip():
            ctx.report(
                "EDX-44",
                desc if desc is not None else child_path(mh, "Description"),
                "Trạng thái 02 (từ chối tiếp nhận) không nêu lý do trong Description.",
                "Status 02 (rejected) gives no reason in Description.",
            )
    if ctx.body is not None:
        ctx.report(
            "EDX-50",
            ctx.body,
            "Gói tin trạng thái có edXMLBody; gói tin trạng thái chỉ gồm phần đầu.",
            "Status package has an edXMLBody; status packages carry the header only.",
        )
    encoded = kid(ctx.root, "AttachmentEncoded")
    if encoded is not None and kids(encoded, "Attachment"):
        ctx.report(
            "EDX-50",
            encoded,
            "Gói tin trạng thái có tệp đính kèm.",
            "Status package carries attachments.",
        )
