"""A realistic signed document in one call: render a Decree 30 PDF of a pilot document type, sign
it where its layout says (person, then the agency's seal), sign appendices, wrap it in edXML."""

from __future__ import annotations

import dataclasses
import functools
import io
import threading
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass
from datetime import date, datetime

from PIL import Image, ImageDraw, ImageFont

from harness.edxml import model as m
from harness.edxml.factory import new_document
from harness.edxml.formats import ICT, now_ict
from harness.pdf import DocumentSpec, RenderedDocument, make_spec, render, seal_png, signature_png
from harness.pdf.layout import FONT_DIR
from harness.pki import TestPki
from harness.signing.package import PDF, PILOT
from harness.signing.sign import SigningOptions, sign_attachment, sign_main_document

APPENDIX_TYPE = "Báo cáo"


@dataclass(slots=True)
class SignedDocument:
    package: m.EdocPackage
    spec: DocumentSpec
    rendered: RenderedDocument
    signed_pdf: bytes


@dataclass(frozen=True, slots=True)
class _MainPdf:
    spec: DocumentSpec
    rendered: RenderedDocument
    signed_pdf: bytes


class SignedPdfMemo:
    """Signed main documents kept per sender, signer, type and day, least recently used dropped.

    A simulated system composing its hundredth Công văn of the day reuses the first one's signed
    PDF under a fresh number and DocumentId, as the harness' probes do (harness.scenarios.kit):
    rendering and signing every document were 42 % of an agency host's CPU at 64
    agencies, and the harness verified each new PDF again. What the printed number says is the
    first document's; no check reads it (SIG-18 looks at the stamp's place)."""

    def __init__(self, size: int = 96) -> None:
        self.size = size
        self._items: OrderedDict[Hashable, _MainPdf] = OrderedDict()
        self._pki: TestPki | None = None
        self._lock = threading.Lock()

    def get(self, pki: TestPki, key: Hashable) -> _MainPdf | None:
        with self._lock:
            if self._pki is not pki:  # another PKI's certificates: nothing kept applies
                self._items.clear()
                self._pki = pki
            made = self._items.get(key)
            if made is not None:
                self._items.move_to_end(key)
            return made

    def put(self, key: Hashable, made: _MainPdf) -> None:
        with self._lock:
            self._items[key] = made
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)


_FONTS = threading.local()


def _stamp_font() -> ImageFont.FreeTypeFont:
    """The stamp's font, loaded once per thread (a FreeType face is not to be shared between threads)."""
    font: ImageFont.FreeTypeFont | None = getattr(_FONTS, "serif", None)
    if font is None:
        font = _FONTS.serif = ImageFont.truetype(str(FONT_DIR / "DejaVuSerif.ttf"), 26)
    return font


def attachment_stamp_png(number_text: str, when: datetime) -> bytes:
    """The text an agency signature shows on a separate attachment: number/notation and the ISO
    8601 signing time in Vietnam time, size-10 style black text (Decree 30 Appendix I)."""
    return _stamp_png(number_text, when.astimezone(ICT).isoformat(timespec="seconds"))


@functools.lru_cache(maxsize=64)
def _stamp_png(number_text: str, time_text: str) -> bytes:
    """Drawn once per text and second: a round's appendices share the letter's number."""
    font = _stamp_font()
    lines = [number_text, time_text]
    image = Image.new("RGBA", (720, 80), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    for i, line in enumerate(lines):
        draw.text((4, 4 + i * 36), line, font=font, fill=(0, 0, 0, 255))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _box(box: tuple[int, float, float, float, float]) -> tuple[int, tuple[int, int, int, int]]:
    page, x1, y1, x2, y2 = box
    return page, (round(x1), round(y1), round(x2), round(y2))


def _main_pdf(
    pki: TestPki,
    doc_type: str,
    sender: m.Organization,
    signer: str,
    *,
    seed: int,
    day: date,
    number: int | None,
    sign: bool,
    options: SigningOptions,
) -> _MainPdf:
    """Render the main document and sign it where its layout says: the person, then the agency's seal."""
    assert sender.organ_id is not None
    person, agency = pki.person(signer), pki.agency(signer)
    spec = make_spec(
        doc_type, sender.organ_id, sender.organ_name or sender.organ_id, seed=seed, when=day, number=number
    )
    if person.person_name:
        spec = dataclasses.replace(spec, signer_name=person.person_name)
    rendered = render(spec)
    page, signer_box = _box(rendered.signer_box)
    _, seal_box = _box(rendered.seal_box)
    signed = (
        rendered.pdf
        if not sign
        else sign_main_document(
            rendered.pdf,
            person,
            agency,
            signer_box=signer_box,
            seal_box=seal_box,
            page=page,
            person_png=signature_png(spec.signer_name, seed=1),  # one person, one handwritten signature
            seal_png=seal_png(spec.issuing_body),
            options=options,
        )
    )
    return _MainPdf(spec, rendered, signed)


def signed_pilot_document(
    pki: TestPki,
    doc_type: str,
    sender: m.Organization,
    recipients: list[m.Organization],
    *,
    seed: int = 1,
    when: date | None = None,
    number: int | None = None,
    appendices: int = 0,
    options: SigningOptions = PILOT,
    sign: bool = True,
    signer_organ: str | None = None,
    priority: str = "0",
    memo: SignedPdfMemo | None = None,
) -> SignedDocument:
    """Render, sign (both Decree 30 signatures; appendices by the agency) and package a document.

    `sign=False` leaves every PDF unsigned and `signer_organ` signs with another agency's
    certificates: the faults simulated agencies are asked to commit. With `memo`, a document
    without appendices reuses the signed PDF made earlier that day for the same sender, signer and
    type, under `number`.
    """
    assert sender.organ_id is not None
    day = when or now_ict().date()
    signer = signer_organ or sender.organ_id
    tsa = None if options.tsa is None else id(options.tsa)  # a credential is not hashable; the PKI's own is kept
    key = (doc_type, sender.organ_id, sender.organ_name, signer, day, sign, options.profile, options.md_algorithm, tsa)
    if options.timestamp_at is not None or appendices:
        memo = None  # a stamp on an appendix carries the number; a fixed timestamp is a test's own
    made = memo.get(pki, key) if memo is not None else None
    if made is None:
        made = _main_pdf(pki, doc_type, sender, signer, seed=seed, day=day, number=number, sign=sign, options=options)
        if memo is not None:
            memo.put(key, made)
    elif number is not None:
        made = dataclasses.replace(made, spec=dataclasses.replace(made.spec, number=number))
    spec, rendered, signed = made.spec, made.rendered, made.signed_pdf
    attachments = [m.Attachment.from_bytes("vanban", f"{spec.doc_type.slug}.pdf", signed, PDF)]
    for i in range(1, appendices + 1):
        appendix = render(make_spec(APPENDIX_TYPE, sender.organ_id, spec.issuing_body, seed=seed + i, when=day)).pdf
        stamp = attachment_stamp_png(spec.number_text, now_ict())
        attachments.append(
            m.Attachment.from_bytes(
                f"phuluc{i}",
                f"phu-luc-{i}.pdf",
                sign_attachment(appendix, pki.agency(signer), text_png=stamp, options=options),
                PDF,
            )
        )
    number_part, _, notation = spec.number_text.partition("/")
    package = new_document(
        sender=sender,
        recipients=recipients,
        number=number_part,
        notation=notation,
        type_name=spec.doc_type.name,
        subject=spec.subject[:500],
        when=datetime.combine(day, now_ict().timetz()),
        attachments=attachments,
        priority=priority,
    )
    return SignedDocument(package, spec, rendered, signed)
