"""EDX-40..44, EDX-50: one status package on its own (sequence rules live in sequence.py)."""

from __future__ import annotations

from harness.edxml.findings import Level
from harness.edxml.formats import STATUS_CODE_RE, STATUS_CODES, parse_date, parse_timestamp
from harness.edxml.rules.context import Context
from harness.edxml.tree import Element, child_path, kid, kids, text
from harness.ids import parse_document_id


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
    if response_for is not None:
        _check_linkage(ctx, response_for, ts)
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


def _check_linkage(ctx: Context, response_for: Element, ts: Element | None) -> None:
    """SHOULD-level coherence of ResponseFor (edxml.md §5.1): its parts agree with its DocumentId,
    and the status is not dated before the document it reports on."""
    doc_id = text(kid(response_for, "DocumentId")) or ""
    parsed = parse_document_id(doc_id)
    if parsed is None:
        return
    # A wrong OrganId is the stateless face of EDX-49 (the DocumentId names the original issuer).
    for rule_id, name, expected in (
        ("EDX-49", "OrganId", parsed.organ_id),
        ("EDX-42", "Code", f"{parsed.number}/{parsed.notation}"),
        ("EDX-42", "PromulgationDate", parsed.date),
    ):
        el = kid(response_for, name)
        value = text(el)
        if el is not None and value and value.strip() and value != expected:
            ctx.report(
                rule_id,
                el,
                f"ResponseFor/{name} = '{value}' không khớp DocumentId '{doc_id}' (mong đợi '{expected}').",
                f"ResponseFor/{name} = '{value}' disagrees with DocumentId '{doc_id}' (expected '{expected}').",
                level=Level.SHOULD,
            )
    issued = parse_date(parsed.date)
    stamped = parse_timestamp(text(ts) or "")
    if ts is not None and issued is not None and stamped is not None and stamped.date() < issued:
        ctx.report(
            "EDX-43",
            ts,
            f"Trạng thái lúc {text(ts)} sớm hơn ngày ban hành văn bản {parsed.date}.",
            f"Status time {text(ts)} is earlier than the document's promulgation date {parsed.date}.",
            level=Level.SHOULD,
        )
