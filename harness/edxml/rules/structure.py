"""EDX-02..05: root, envelope, header, body, MessageHeader. They gate every later rule."""

from __future__ import annotations

from harness.edxml.findings import Kind
from harness.edxml.namespaces import NS, local_name, namespace_of
from harness.edxml.rules.context import Context
from harness.edxml.tree import describe_tag, kid, kids


def check_structure(ctx: Context) -> bool:
    """Locate the envelope parts; False when nothing further can be checked."""
    root = ctx.root
    tag = str(root.tag)
    if local_name(tag) != "edXML" or namespace_of(tag) != NS:
        ctx.report(
            "EDX-02",
            "/",
            f"Phần tử gốc là {describe_tag(root)}, phải là edXML trong không gian tên {NS}.",
            f"Root element is {describe_tag(root)}; expected edXML in namespace {NS}.",
        )
        return False
    envelopes = kids(root, "edXMLEnvelope")
    if len(envelopes) != 1:
        ctx.report(
            "EDX-03",
            "/edXML/edXMLEnvelope",
            f"Phần tử gốc có {len(envelopes)} edXMLEnvelope, phải có đúng một.",
            f"Root has {len(envelopes)} edXMLEnvelope elements; exactly one is required.",
        )
        if not envelopes:
            return False
    ctx.envelope = envelopes[0]
    ctx.header = kid(ctx.envelope, "edXMLHeader")
    ctx.body = kid(ctx.envelope, "edXMLBody")
    if ctx.header is None:
        ctx.missing("EDX-04", ctx.envelope, "edXMLHeader")
        return False
    if ctx.kind is Kind.EDOC and ctx.body is None:
        ctx.missing("EDX-04", ctx.envelope, "edXMLBody")
    headers = kids(ctx.header, "MessageHeader")
    if not headers:
        wrapper = kid(ctx.header, "Status")
        if wrapper is not None:
            ctx.report(
                "EDX-40",
                wrapper,
                "Gói tin trạng thái dùng phần tử bọc Status (biến thể Bkav ESB); thư viện của trục quốc gia "
                "chỉ đọc MessageHeader nên không nhận được trạng thái.",
                "Status package uses the Status wrapper (Bkav ESB variant); the national-axis library only "
                "reads MessageHeader and sees no status.",
            )
        else:
            ctx.missing("EDX-05", ctx.header, "MessageHeader")
        return False
    if len(headers) > 1:
        ctx.report(
            "EDX-05",
            headers[1],
            f"edXMLHeader có {len(headers)} MessageHeader, phải có đúng một.",
            f"edXMLHeader has {len(headers)} MessageHeader elements; exactly one is required.",
        )
    ctx.message_header = headers[0]
    return True
