"""EDX-09, EDX-10: every OrganId has an identifier shape, and one shape per package."""

from __future__ import annotations

from harness.edxml.findings import Kind
from harness.edxml.rules.context import Context
from harness.edxml.tree import Element, kid, kid_any, kids
from harness.ids import IdShape, InvalidIdentifier, parse_agency_id


def _organ_ids(ctx: Context) -> list[tuple[Element, bool]]:
    """Every OrganId element with a flag: True when an empty value is this rule's to report.

    Emptiness of From/To and of a status's ResponseFor is reported by EDX-06/07/40/42, of trace
    and business entries by EDX-23/27/28; only a document's ResponseFor has no other rule.
    """
    mh = ctx.message_header
    assert mh is not None
    out: list[tuple[Element, bool]] = []

    def add(parent: Element | None, empty_is_mine: bool = False) -> None:
        el = kid(parent, "OrganId")
        if el is not None:
            out.append((el, empty_is_mine))

    add(kid(mh, "From"))
    for to in kids(mh, "To"):
        add(to)
    for rf in kids(mh, "ResponseFor"):
        add(rf, empty_is_mine=ctx.kind is Kind.EDOC)
    thl = kid(ctx.header, "TraceHeaderList")
    for th in kids(thl, "TraceHeader") if thl is not None else []:
        add(th)
    bus = kid_any(thl, "Bussiness", "Business")
    receivers = kid(kid(bus, "BussinessDocumentInfo"), "ReceiverList")
    for rc in kids(receivers, "Receiver") if receivers is not None else []:
        add(rc)
    replacements = kid(bus, "ReplacementInfoList")
    for ri in kids(replacements, "ReplacementInfo") if replacements is not None else []:
        organs = kid(ri, "OrganIdList")
        out.extend((el, False) for el in (kids(organs, "OrganId") if organs is not None else []))
    return out


def check_identifiers(ctx: Context) -> None:
    shapes: dict[IdShape, str] = {}
    for el, empty_is_mine in _organ_ids(ctx):
        value = el.text or ""
        if not value.strip() and not empty_is_mine:
            continue
        try:
            shapes.setdefault(parse_agency_id(value).shape, value)
        except InvalidIdentifier as exc:
            ctx.report(
                "EDX-09",
                el,
                f"OrganId '{value}' không hợp lệ: {exc.reason_vi}.",
                f"OrganId '{value}' is invalid: {exc.reason_en}.",
            )
    if len(shapes) > 1:
        ctx.report(
            "EDX-10",
            ctx.message_header if ctx.message_header is not None else "/",
            f"Gói tin trộn mã dạng cũ ('{shapes[IdShape.LEGACY]}') và dạng QĐ 20/2020 ('{shapes[IdShape.QD20]}').",
            f"Package mixes legacy ('{shapes[IdShape.LEGACY]}') and QĐ 20/2020 ('{shapes[IdShape.QD20]}') identifiers.",
        )
