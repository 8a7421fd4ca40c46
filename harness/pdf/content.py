"""Realistic Vietnamese administrative documents, deterministic for a seed: `make_spec` invents one of the
14 pilot types (generators.py writes the body; topics.yaml says what about) and `render` (layout.py) lays it out.
"""

from __future__ import annotations

import random
import threading
from datetime import date

from faker import Faker

from harness.pdf.agencies import issuing_body
from harness.pdf.doctypes import CONG_VAN, DocType, doc_type
from harness.pdf.drafting import Drafting
from harness.pdf.generators import GENERATORS, regulation_note, superior
from harness.pdf.layout import BodyParagraph, DocumentSpec
from harness.pdf.topics import TOPICS

_FAKERS = threading.local()


def _faker() -> Faker:
    """One Vietnamese Faker per thread, reseeded for each document (a seeded instance draws the same as a
    new one): making one loads its providers, 2 ms of every document a simulated system writes."""
    fake: Faker | None = getattr(_FAKERS, "vi", None)
    if fake is None:
        fake = _FAKERS.vi = Faker("vi_VN")
    return fake


def resolve_type(value: DocType | str) -> DocType:
    return value if isinstance(value, DocType) else doc_type(value)


def _recipients(c: Drafting, t: DocType, addressees: tuple[str, ...], body: list[BodyParagraph]) -> list[str]:
    a = c.a
    if addressees or t.abbr == "CĐ":
        first = ["Như trên"]
    elif t.abbr == "QĐ":
        first = ["Như Điều 4" if any(p.text.startswith("Điều 4.") for p in body) else "Như Điều 3"]
    else:
        first = list(a.subordinates)
    if a.provincial:
        party = "Thành ủy" if a.locality == "thành phố" else "Tỉnh ủy"
        leaders = [
            f"{c.t.ministry} (để b/c)",
            f"TT {party}, TT HĐND {a.locality}",
            f"Chủ tịch, các PCT UBND {a.locality}",
            f"Cổng Thông tin điện tử {a.locality}",
        ]
    elif a.kind == "ministry":
        leaders = ["Bộ trưởng (để b/c)", "Các Thứ trưởng", "Cổng Thông tin điện tử Bộ"]
    else:
        leaders = [f"{a.parent or 'Cơ quan chủ quản'} (để b/c)", "Lãnh đạo đơn vị"]
    if t.abbr == "PC":
        leaders = leaders[-1:]
    return first + [x for x in leaders if x.removesuffix(" (để b/c)") not in addressees]


def _signer(c: Drafting, t: DocType) -> tuple[tuple[str, ...], str]:
    a = c.a
    head, deputy = a.head.upper(), a.deputy.upper()
    deputy_signs = c.r.random() < 0.6
    if t.abbr in ("PC", "TB") and not a.head.startswith("Chánh Văn phòng"):
        return (f"TL. {head}",), "CHÁNH VĂN PHÒNG"
    if a.kind == "province" and t.abbr not in ("CT", "CĐ"):
        collective = "TM. ỦY BAN NHÂN DÂN"
        return ((collective, f"KT. {head}"), deputy) if deputy_signs else ((collective,), head)
    return ((f"KT. {head}",), deputy) if deputy_signs else ((), head)


def _addressees_for(c: Drafting, t: DocType) -> tuple[str, ...]:
    if t == CONG_VAN:
        return c.a.subordinates
    if t.abbr == "TTr":
        return (superior(c.a),)
    if t.abbr == "PC":
        return (c.lead,)
    return ()


def _priority_for(c: Drafting, t: DocType) -> str | None:
    if t.abbr == "CĐ":
        return c.r.choice(("HỎA TỐC", "THƯỢNG KHẨN"))
    if t == CONG_VAN and c.r.random() < 0.25:
        return "KHẨN"
    return None


def make_spec(
    doc_type: DocType | str,
    agency_id: str,
    agency_name: str,
    *,
    seed: int,
    when: date,
    number: int | None = None,
) -> DocumentSpec:
    """A realistic document of `doc_type` issued by `agency_name` on `when`; the same seed gives the same spec.

    Raises UnknownDocType for an unknown type and harness.ids.InvalidIdentifier for a malformed agency id.
    """
    t = resolve_type(doc_type)
    agency = issuing_body(agency_id, agency_name)
    rng = random.Random(f"lienthong-doc|{seed}|{t.name}|{agency_id}")
    fake = _faker()
    fake.seed_instance(rng.getrandbits(64))
    topic = rng.choice(TOPICS)
    if t.abbr == "CĐ":  # an urgent dispatch is about a disaster: report to and file with the disaster office
        topic = next(x for x in TOPICS if x.unit_local == "NN" and "thiên tai" in x.name)
    ctx = Drafting(a=agency, t=topic, r=rng, f=fake, when=when, abbr_unit=agency.unit(topic))
    subject, body = GENERATORS[t.abbr or ""](ctx)
    addressees = _addressees_for(ctx, t)
    authority, position = _signer(ctx, t)
    _, signer_name = ctx.person()
    if number is None:
        number = rng.randint(1, 60) if t.abbr == "CĐ" else rng.randint(12, 2480)
    return DocumentSpec(
        doc_type=t,
        agency_id=agency_id,
        issuing_body=agency.full,
        parent_body=agency.parent,
        agency_abbr=agency.abbr,
        unit_abbr=ctx.abbr_unit,
        number=number,
        place=agency.place,
        date=when,
        subject=subject,
        body=tuple(body),
        recipients=tuple(_recipients(ctx, t, addressees, body)),
        archive=f"VT, {ctx.abbr_unit}",
        signer_authority=authority,
        signer_position=position,
        signer_name=signer_name,
        priority=_priority_for(ctx, t),
        addressees=addressees,
        title_note=regulation_note(ctx) if t.abbr in ("QC", "QyĐ") else None,
    )
