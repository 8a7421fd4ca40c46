"""EDX-06..08, EDX-11..22: the document MessageHeader, and EDX-16 lengths for both kinds."""

from __future__ import annotations

import re
from collections import Counter

from harness.edxml.findings import Kind
from harness.edxml.formats import parse_date
from harness.edxml.rules.context import Context
from harness.edxml.tree import Element, kid, kids, path
from harness.ids import format_document_id

_UINT = re.compile(r"[0-9]+")
_ORG_LIMITS = (("OrganName", 200), ("OrganAdd", 500), ("Email", 100), ("Telephone", 20), ("Fax", 20))


def _blank(el: Element | None) -> bool:
    return el is None or not (el.text or "").strip()


def check_parties(ctx: Context) -> None:
    """EDX-06, EDX-07, EDX-08: sender and recipients."""
    mh = ctx.message_header
    assert mh is not None
    sender = kid(mh, "From")
    if sender is None:
        ctx.missing("EDX-06", mh, "From")
    else:
        ctx.require_text("EDX-06", sender, "OrganId", label="From/OrganId")
        ctx.require_text("EDX-06", sender, "OrganName", label="From/OrganName")
    recipients = kids(mh, "To")
    if not recipients:
        ctx.report("EDX-07", f"{path(mh)}/To", "Không có nơi nhận (To).", "No recipient (To) element.")
    ids: list[str] = []
    for to in recipients:
        value = ctx.require_text("EDX-07", to, "OrganId", label="To/OrganId")
        if value and value.strip():
            ids.append(value.strip())
    for organ_id, count in Counter(ids).items():
        if count > 1:
            ctx.report(
                "EDX-08",
                f"{path(mh)}/To",
                f"OrganId '{organ_id}' xuất hiện {count} lần trong danh sách nơi nhận.",
                f"OrganId '{organ_id}' appears {count} times among the recipients.",
            )


def check_code_and_dates(ctx: Context) -> None:
    """EDX-11, EDX-12, EDX-13, EDX-18."""
    mh = ctx.message_header
    assert mh is not None
    code = kid(mh, "Code")
    if code is None:
        ctx.missing("EDX-11", mh, "Code")
        ctx.missing("EDX-12", mh, "Code")
    else:
        ctx.require_text("EDX-11", code, "CodeNumber", 11, "Số văn bản (CodeNumber)")
        ctx.require_text("EDX-12", code, "CodeNotation", 30, "Ký hiệu văn bản (CodeNotation)")
    info = kid(mh, "PromulgationInfo")
    if info is None:
        ctx.missing("EDX-13", mh, "PromulgationInfo")
    else:
        value = ctx.require_text("EDX-13", info, "PromulgationDate", label="Ngày ban hành")
        el = kid(info, "PromulgationDate")
        if value and value.strip() and el is not None:
            day = parse_date(value)
            if day is None:
                ctx.report(
                    "EDX-13",
                    el,
                    f"Ngày ban hành '{value}' không đúng dạng yyyy/MM/dd hoặc không phải ngày có thật.",
                    f"PromulgationDate '{value}' is not a real yyyy/MM/dd date.",
                )
            elif day > ctx.today:
                ctx.report(
                    "EDX-13",
                    el,
                    f"Ngày ban hành {value} ở tương lai (hôm nay {ctx.today:%Y/%m/%d}).",
                    f"PromulgationDate {value} is in the future (today {ctx.today:%Y/%m/%d}).",
                )
    due = kid(mh, "DueDate")
    if not _blank(due) and due is not None and parse_date(due.text or "") is None:
        ctx.report(
            "EDX-18",
            due,
            f"Hạn xử lý '{due.text}' không đúng dạng yyyy/MM/dd hoặc không phải ngày có thật.",
            f"DueDate '{due.text}' is not a real yyyy/MM/dd date.",
        )


def check_type_and_subject(ctx: Context) -> None:
    """EDX-14, EDX-15, EDX-17."""
    mh = ctx.message_header
    assert mh is not None
    dtype = kid(mh, "DocumentType")
    if dtype is None:
        ctx.missing("EDX-14", mh, "DocumentType")
    else:
        type_el = kid(dtype, "Type")
        if type_el is None:
            ctx.missing("EDX-14", dtype, "Type")
        elif (type_el.text or "") not in ("1", "2"):
            ctx.report(
                "EDX-14",
                type_el,
                f"DocumentType/Type = '{type_el.text or ''}', chỉ nhận 1 hoặc 2.",
                f"DocumentType/Type = '{type_el.text or ''}'; only 1 or 2 is accepted.",
            )
        ctx.require_text("EDX-14", dtype, "TypeName", 100, "Tên loại văn bản (TypeName)")
    ctx.require_text("EDX-15", mh, "Subject", 500, "Trích yếu (Subject)")
    signer = kid(mh, "SignerInfo")
    if signer is None:
        ctx.missing("EDX-17", mh, "SignerInfo")
    else:
        for name in ("Competence", "Position", "FullName"):
            ctx.require_text("EDX-17", signer, name, label=f"SignerInfo/{name}")


def check_enumerations(ctx: Context) -> None:
    """EDX-19, EDX-20, EDX-21."""
    mh = ctx.message_header
    assert mh is not None
    other = kid(mh, "OtherInfo")
    ctx.one_of("EDX-19", kid(other, "Priority"), ("0", "1", "2", "3", "4"), "Độ khẩn (Priority)")
    for name in ("PromulgationAmount", "PageAmount"):
        el = kid(other, name)
        if el is not None and not _blank(el) and not _UINT.fullmatch(el.text or ""):
            ctx.report(
                "EDX-20",
                el,
                f"{name} = '{el.text}' không phải số nguyên không âm.",
                f"{name} = '{el.text}' is not a non-negative integer.",
            )
    ctx.one_of("EDX-21", kid(mh, "SteeringType"), ("0", "1", "2"), "SteeringType")


def check_document_id(ctx: Context) -> None:
    """EDX-22: DocumentId present and in the `OrganId,date,number/notation` convention."""
    mh = ctx.message_header
    assert mh is not None
    el = kid(mh, "DocumentId")
    if _blank(el):
        ctx.report(
            "EDX-22",
            f"{path(mh)}/DocumentId",
            "Thiếu mã định danh văn bản (DocumentId).",
            "DocumentId is missing or empty.",
        )
        return
    assert el is not None
    parts = [
        kid(kid(mh, "From"), "OrganId"),
        kid(kid(mh, "PromulgationInfo"), "PromulgationDate"),
        kid(kid(mh, "Code"), "CodeNumber"),
        kid(kid(mh, "Code"), "CodeNotation"),
    ]
    texts = [(p.text or "") if p is not None else "" for p in parts]
    expected = format_document_id(*texts)
    if el.text != expected:
        ctx.report(
            "EDX-22",
            el,
            f"DocumentId '{el.text}' khác quy ước '{expected}' (<OrganId>,<ngày ban hành>,<số>/<ký hiệu>).",
            f"DocumentId '{el.text}' differs from the convention '{expected}'.",
        )


def check_lengths(ctx: Context) -> None:
    """EDX-16: field lengths (S9 validator, NĐ 30/2020 table)."""
    mh = ctx.message_header
    assert mh is not None
    orgs = [kid(mh, "From")]
    if ctx.kind is Kind.EDOC:
        orgs += kids(mh, "To")
    for org in orgs:
        for name, limit in _ORG_LIMITS:
            ctx.max_length("EDX-16", kid(org, name), limit)
    if ctx.kind is not Kind.EDOC:
        return
    ctx.max_length("EDX-16", kid(mh, "Content"), 500)
    ctx.max_length("EDX-16", kid(kid(mh, "PromulgationInfo"), "Place"), 50)
    places = kid(mh, "ToPlaces")
    for place in kids(places, "Place") if places is not None else []:
        ctx.max_length("EDX-16", place, 150)
    other = kid(mh, "OtherInfo")
    ctx.max_length("EDX-16", kid(other, "SphereOfPromulgation"), 100)
    ctx.max_length("EDX-16", kid(other, "TyperNotation"), 10)
    signer = kid(mh, "SignerInfo")
    ctx.max_length("EDX-16", kid(signer, "Position"), 100)
    ctx.max_length("EDX-16", kid(signer, "FullName"), 50)


def check_document_header(ctx: Context) -> None:
    check_parties(ctx)
    check_code_and_dates(ctx)
    check_type_and_subject(ctx)
    check_enumerations(ctx)
    check_document_id(ctx)
