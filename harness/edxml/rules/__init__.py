"""The stateless EDX checks, in catalogue order, and the transport checks."""

from __future__ import annotations

from harness.edxml.findings import Kind
from harness.edxml.rules.attachments import check_attachment_content, check_manifest
from harness.edxml.rules.context import Context, Transport
from harness.edxml.rules.header import check_document_header, check_lengths, check_parties
from harness.edxml.rules.identifiers import check_identifiers
from harness.edxml.rules.sequence import SequenceChecker
from harness.edxml.rules.signature import check_signature
from harness.edxml.rules.status import check_status
from harness.edxml.rules.structure import check_structure
from harness.edxml.rules.trace import check_bussiness, check_trace_headers
from harness.edxml.tree import kid, text

__all__ = ["Context", "SequenceChecker", "Transport", "run_checks"]


def check_transport(ctx: Context) -> None:
    """EDX-60, EDX-61: the VXP headers that came with the package."""
    t = ctx.transport
    if t is None:
        return
    expected = "status" if ctx.kind is Kind.STATUS else "edoc"
    if t.messagetype is not None and t.messagetype != expected:
        ctx.report(
            "EDX-60",
            "transport:messagetype",
            f"messagetype = '{t.messagetype}' nhưng gói tin là {expected}.",
            f"messagetype = '{t.messagetype}' but the package is {expected}.",
        )
    if t.servicetype is not None and t.servicetype != "eDoc":
        ctx.report(
            "EDX-60",
            "transport:servicetype",
            f"servicetype = '{t.servicetype}', phải là eDoc.",
            f"servicetype = '{t.servicetype}'; must be eDoc.",
        )
    sender = text(kid(kid(ctx.message_header, "From"), "OrganId"))
    if t.from_ is not None and sender is not None and t.from_ != sender:
        ctx.report(
            "EDX-61",
            "transport:from",
            f"Tham số from = '{t.from_}' khác From/OrganId = '{sender}'.",
            f"Transport from = '{t.from_}' differs from From/OrganId = '{sender}'.",
        )


def run_checks(ctx: Context, *, carriage_only: bool = False) -> None:
    """Run every stateless rule that applies to the package kind.

    `carriage_only` runs just the groups an axis needs to carry a package (structure,
    identifiers, status addressing, manifest and attachments, transport); an axis at
    "transport" strictness uses it to skip the header, trace and signature conventions.
    """
    if not check_structure(ctx):
        return
    check_identifiers(ctx)
    if not carriage_only:
        check_lengths(ctx)
    if ctx.kind is Kind.STATUS:
        check_status(ctx)
    else:
        if carriage_only:
            check_parties(ctx)
        else:
            check_document_header(ctx)
            check_trace_headers(ctx)
            check_bussiness(ctx)
        check_manifest(ctx)
        check_attachment_content(ctx)
    if not carriage_only:
        check_signature(ctx)
    check_transport(ctx)
