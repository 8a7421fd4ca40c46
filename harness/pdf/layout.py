"""Vietnamese administrative documents laid out per Decree 30/2020/NĐ-CP, Appendix I, rendered to PDF.

`render` lays a DocumentSpec out on A4 with the vendored DejaVu Serif fonts embedded and reports where
the signature image and the seal go, so that a later step can sign the PDF with a visible signature.
The reports reuse the pieces of the frame (fonts, styles, header columns, the rule under a heading,
the A4 template): this module's public names are that API.
"""

from __future__ import annotations

import io
import json
import zlib
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfdoc, pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from harness.pdf.doctypes import CONG_VAN, DocType

FONT_DIR = Path(__file__).resolve().parent / "fonts"
REGULAR = "LienthongSerif"
BOLD = "LienthongSerif-Bold"
ITALIC = "LienthongSerif-Italic"

PRIORITIES = ("HỎA TỐC", "THƯỢNG KHẨN", "KHẨN")

# Decree 30, Appendix I: A4, top and bottom 20-25 mm, left 30-35 mm, right 15-20 mm.
PAGE_WIDTH: float = A4[0]
PAGE_HEIGHT: float = A4[1]
MARGIN_TOP: float = 20 * mm
MARGIN_BOTTOM: float = 20 * mm
MARGIN_LEFT: float = 30 * mm
MARGIN_RIGHT: float = 15 * mm
TEXT_WIDTH: float = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT

# Column widths: the issuing-body column is the narrower one, the motto needs ~104 mm in DejaVu Serif.
HEADER_LEFT: float = 59 * mm
HEADER_RIGHT: float = TEXT_WIDTH - HEADER_LEFT
CLOSING_LEFT: float = 70 * mm
CLOSING_RIGHT: float = TEXT_WIDTH - CLOSING_LEFT
SIGNATURE_SPACE: float = 30 * mm  # blank space between the position line and the name
SIGNATURE_WIDTH: float = 60 * mm
SEAL_DIAMETER: float = 36 * mm


FLATE_LEVEL = 1
"""zlib level of every stream reportlab compresses. At its default (6) compressing the three embedded font subsets
took 7 of the 20 ms a document takes to render; level 1 takes a third of that for files about 3 % larger."""


def _flate(self: pdfdoc.PDFStreamFilterZCompress, text: str | bytes) -> bytes:
    return zlib.compress(text.encode("utf8") if isinstance(text, str) else text, FLATE_LEVEL)


@cache
def register_fonts() -> None:
    """Register the vendored DejaVu Serif TTFs with reportlab (embedded as subsets when used), and set the
    compression of the streams it writes (every document and report renders through here first)."""
    pdfdoc.PDFStreamFilterZCompress.encode = _flate
    pdfmetrics.registerFont(TTFont(REGULAR, str(FONT_DIR / "DejaVuSerif.ttf")))
    pdfmetrics.registerFont(TTFont(BOLD, str(FONT_DIR / "DejaVuSerif-Bold.ttf")))
    pdfmetrics.registerFont(TTFont(ITALIC, str(FONT_DIR / "DejaVuSerif-Italic.ttf")))
    # No bold-italic face is vendored: "Nơi nhận:" gets a stroked italic instead (see _StrokedText).
    pdfmetrics.registerFontFamily(REGULAR, normal=REGULAR, bold=BOLD, italic=ITALIC, boldItalic=ITALIC)


class ParaStyle(StrEnum):
    """How a body paragraph is set."""

    TEXT = "text"  # justified, first-line indent
    BASIS = "basis"  # the "Căn cứ ..." legal basis of a Quyết định: italic
    HEADING = "heading"  # centred bold: "QUYẾT ĐỊNH:", "Chương I\nQUY ĐỊNH CHUNG"
    SECTION = "section"  # bold: "I. MỤC ĐÍCH, YÊU CẦU", "Điều 1. Phạm vi điều chỉnh"
    LEAD = "lead"  # bold lead-in up to the first ". ": "Điều 1. Ban hành kèm theo ..."


@dataclass(frozen=True, slots=True)
class BodyParagraph:
    text: str
    style: ParaStyle = ParaStyle.TEXT


def date_vi(day: date) -> str:
    """ "ngày 05 tháng 01 năm 2026": Decree 30 pads days below 10 and the months 1 and 2 with a zero."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


@dataclass(frozen=True, slots=True)
class DocumentSpec:
    """Everything printed on the document; `render` only lays it out."""

    doc_type: DocType
    agency_id: str
    issuing_body: str  # "Ủy ban nhân dân tỉnh Nghệ An": printed in bold capitals
    parent_body: str | None  # the governing body (cơ quan chủ quản) printed above it, if any
    agency_abbr: str  # "UBND"
    unit_abbr: str  # the drafting unit: "VX" (Công văn notation, "Lưu: VT, VX")
    number: int
    place: str  # "Nghệ An"
    date: date
    subject: str  # trích yếu: "Về việc ..." (printed after "V/v " for a Công văn)
    body: tuple[BodyParagraph, ...]
    recipients: tuple[str, ...]  # "Nơi nhận" lines before the archive line
    archive: str  # "VT, VX" -> "- Lưu: VT, VX."
    signer_authority: tuple[str, ...]  # ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH") or ()
    signer_position: str  # "PHÓ CHỦ TỊCH"
    signer_name: str
    priority: str | None = None  # "HỎA TỐC" / "THƯỢNG KHẨN" / "KHẨN"
    addressees: tuple[str, ...] = ()  # "Kính gửi:" lines
    title_note: str | None = None  # italic line under the subject ("(Ban hành kèm theo ...)")

    def __post_init__(self) -> None:
        if self.priority is not None and self.priority not in PRIORITIES:
            raise ValueError(f"priority must be one of {PRIORITIES}, not {self.priority!r}")
        if self.number < 1:
            raise ValueError("number must be positive")
        if not self.body:
            raise ValueError("a document needs a body")
        if not self.signer_name.strip() or not self.signer_position.strip():
            raise ValueError("a document needs a signer")

    @property
    def notation(self) -> str:
        return self.doc_type.notation(self.agency_abbr, self.unit_abbr)

    @property
    def number_text(self) -> str:
        """ "123/QĐ-UBND" (printed after "Số: ")."""
        return f"{self.number}/{self.notation}"

    @property
    def date_text(self) -> str:
        """ "Nghệ An, ngày 22 tháng 11 năm 2026"."""
        return f"{self.place}, {date_vi(self.date)}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "doc_type": self.doc_type.name,
            "agency_id": self.agency_id,
            "issuing_body": self.issuing_body,
            "parent_body": self.parent_body,
            "agency_abbr": self.agency_abbr,
            "unit_abbr": self.unit_abbr,
            "number": self.number,
            "number_text": self.number_text,
            "place": self.place,
            "date": self.date.isoformat(),
            "date_text": self.date_text,
            "subject": self.subject,
            "body": [{"text": p.text, "style": str(p.style)} for p in self.body],
            "recipients": list(self.recipients),
            "archive": self.archive,
            "signer_authority": list(self.signer_authority),
            "signer_position": self.signer_position,
            "signer_name": self.signer_name,
            "priority": self.priority,
            "addressees": list(self.addressees),
            "title_note": self.title_note,
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=True, indent=2)


Box = tuple[int, float, float, float, float]


@dataclass(frozen=True, slots=True)
class RenderedDocument:
    """The PDF and where to sign it: boxes are (page_index, x1, y1, x2, y2) in PDF points, origin bottom-left."""

    pdf: bytes
    page_count: int
    signer_box: Box  # the blank space between the position line and the name: the signature image
    seal_box: Box  # a square overlapping the left third of the signature (Decree 30, Art. 33)
    number_text: str
    date_text: str
    page_size: tuple[float, float] = field(default=(PAGE_WIDTH, PAGE_HEIGHT))


# --------------------------------------------------------------------------------------------------
# Layout
# --------------------------------------------------------------------------------------------------


def _style(
    name: str, font: str, size: float, *, align: int = TA_CENTER, leading: float | None = None
) -> ParagraphStyle:
    return ParagraphStyle(name, fontName=font, fontSize=size, leading=leading or size * 1.2, alignment=align)


@cache
def styles() -> dict[str, ParagraphStyle]:
    body = ParagraphStyle(
        "body",
        fontName=REGULAR,
        fontSize=13,
        leading=17,
        alignment=TA_JUSTIFY,
        firstLineIndent=10 * mm,
        spaceAfter=6,
    )
    return {
        "parent": _style("parent", REGULAR, 12),
        "issuer": _style("issuer", BOLD, 12),
        "motto": _style("motto", BOLD, 12),
        "slogan": _style("slogan", BOLD, 13),
        "number": _style("number", REGULAR, 13, leading=16),
        "vv": _style("vv", REGULAR, 12, leading=14.5),
        "date": _style("date", ITALIC, 13, leading=16),
        "title": _style("title", BOLD, 14, leading=17),
        "note": _style("note", ITALIC, 13, leading=16),
        "to": _style("to", REGULAR, 13, align=TA_LEFT, leading=17),
        "body": body,
        "text": body,
        "basis": ParagraphStyle("basis", parent=body, fontName=ITALIC),
        "heading": ParagraphStyle(
            "heading", parent=body, fontName=BOLD, alignment=TA_CENTER, firstLineIndent=0, spaceBefore=4
        ),
        "section": ParagraphStyle("section", parent=body, fontName=BOLD),
        "signer": _style("signer", BOLD, 13, leading=16),
        "recipient": _style("recipient", REGULAR, 11, align=TA_LEFT, leading=13),
    }


class Para(Paragraph):  # type: ignore[misc]
    """A paragraph that breaks its lines once per width: in a table cell reportlab wrapped it to
    measure the row, again to draw it, and again when the table split over a page (breaking lines
    was a quarter of laying out a report)."""

    _wrapped_for: float | None = None

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        if availWidth == self._wrapped_for and "blPara" in self.__dict__:  # split() drops it to start over
            return self.width, self.height
        size: tuple[float, float] = super().wrap(availWidth, availHeight)
        self._wrapped_for = availWidth if size[0] == availWidth else None
        return size


def _p(text: str, style: str) -> Paragraph:
    return Para(escape(text).replace("\n", "<br/>"), styles()[style])


class Rule(Flowable):  # type: ignore[misc]
    """A centred horizontal rule `width` points long (the lines under the issuing body, motto, subject)."""

    def __init__(self, width: float, *, space_before: float = 4.5, space_after: float = 0.0) -> None:
        super().__init__()
        self.rule_width = width
        self.space_before = space_before
        self.space_after = space_after
        self.avail = width

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.avail = availWidth
        return availWidth, self.space_before + self.space_after + 0.6

    def draw(self) -> None:
        x0 = (self.avail - self.rule_width) / 2
        y = self.space_after + 0.3
        self.canv.setLineWidth(0.6)
        self.canv.line(x0, y, x0 + self.rule_width, y)


class _StrokedText(Flowable):  # type: ignore[misc]
    """One line of italic text thickened by stroking its outline: a stand-in bold italic face."""

    def __init__(self, text: str, size: float) -> None:
        super().__init__()
        self.text = text
        self.size = size

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return pdfmetrics.stringWidth(self.text, ITALIC, self.size), self.size * 1.3

    def draw(self) -> None:
        canv = self.canv
        text = canv.beginText(0, self.size * 0.32)
        text.setFont(ITALIC, self.size)
        text.setTextRenderMode(2)  # fill, then stroke
        canv.setLineWidth(self.size * 0.035)
        text.textOut(self.text)
        canv.drawText(text)


class _BoxedText(Flowable):  # type: ignore[misc]
    """The urgency mark ("HỎA TỐC"): bold capitals in a rectangular frame."""

    def __init__(self, text: str, size: float = 13) -> None:
        super().__init__()
        self.text = text
        self.size = size
        self.pad = 2.5 * mm

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width = pdfmetrics.stringWidth(self.text, BOLD, self.size) + 2 * self.pad
        self.height = self.size + 2 * self.pad * 0.8
        return self.width, self.height + 4

    def draw(self) -> None:
        canv = self.canv
        canv.setLineWidth(0.8)
        canv.rect(0, 0, self.width, self.height)
        canv.setFont(BOLD, self.size)
        canv.drawCentredString(self.width / 2, self.pad * 0.8 + self.size * 0.22, self.text)


class _SignatureSpace(Flowable):  # type: ignore[misc]
    """The blank space for the signature; records where it landed (page and absolute coordinates)."""

    def __init__(self, height: float) -> None:
        super().__init__()
        self.space_height = height
        self.avail = 0.0
        self.placed: tuple[int, float, float, float] | None = None  # page index, x, y, width

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.avail = availWidth
        return availWidth, self.space_height

    def draw(self) -> None:
        x, y = self.canv.absolutePosition(0, 0)
        self.placed = (self.canv.getPageNumber() - 1, float(x), float(y), self.avail)


def max_line_width(para: Paragraph, width: float) -> float:
    para.wrap(width, 10_000)
    widths = para.getActualLineWidths0()
    return float(max(widths)) if widths else width


def _header(spec: DocumentSpec) -> list[Flowable]:
    st = styles()
    left: list[Flowable] = []
    if spec.parent_body:
        left.append(_p(break_issuer(spec.parent_body).upper(), "parent"))
    issuer = _p(break_issuer(spec.issuing_body).upper(), "issuer")
    left.append(issuer)
    issuer_line = max_line_width(issuer, HEADER_LEFT)
    left.append(Rule(min(issuer_line, HEADER_LEFT) * 0.45))
    motto = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    slogan = "Độc lập - Tự do - Hạnh phúc"
    right: list[Flowable] = [
        _p(motto, "motto"),
        _p(slogan, "slogan"),
        Rule(pdfmetrics.stringWidth(slogan, BOLD, st["slogan"].fontSize)),
    ]
    number: list[Flowable] = [_p(f"Số: {spec.number_text}", "number")]
    if spec.doc_type == CONG_VAN:
        number.append(Spacer(1, 1.5 * mm))
        number.append(_p(f"V/v {spec.subject}", "vv"))
    if spec.priority:
        number.append(Spacer(1, 3 * mm))
        number.append(_BoxedText(spec.priority))
    dated: list[Flowable] = [_p(spec.date_text, "date")]
    table = Table(
        [[left, right], [number, dated]],
        colWidths=[HEADER_LEFT, HEADER_RIGHT],
        style=TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("ALIGN", (0, 0), (-1, -1), "CENTER"),
                ("FONTNAME", (0, 0), (-1, -1), REGULAR),  # the cell default would add a Helvetica resource
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, 0), 5 * mm),
                ("BOTTOMPADDING", (0, 1), (-1, 1), 0),
            ]
        ),
    )
    return [table]


def break_issuer(name: str) -> str:
    """Break "Ủy ban nhân dân tỉnh X" after "Ủy ban nhân dân", as printed on real documents."""
    for prefix in ("Ủy ban nhân dân ", "Hội đồng nhân dân "):
        if name.startswith(prefix):
            return f"{prefix.strip()}\n{name[len(prefix) :]}"
    return name


def _title(spec: DocumentSpec) -> list[Flowable]:
    if not spec.doc_type.has_title:
        return [Spacer(1, 6 * mm)]
    subject = _p(spec.subject, "title")
    out: list[Flowable] = [Spacer(1, 9 * mm), _p(spec.doc_type.title, "title"), subject]
    if spec.title_note:
        out.append(_p(spec.title_note, "note"))
    out.append(Rule(min(max_line_width(subject, TEXT_WIDTH), TEXT_WIDTH) * 0.35, space_before=3))
    out.append(Spacer(1, 5 * mm))
    return out


def _addressees(spec: DocumentSpec) -> list[Flowable]:
    if not spec.addressees:
        return []
    lead = "Kính gửi:"
    st = styles()["to"]
    if len(spec.addressees) == 1:
        line = f"{lead} {spec.addressees[0]}."
        return [Para(escape(line), _centred_to()), Spacer(1, 4 * mm)]
    lines = [f"- {a};" for a in spec.addressees[:-1]] + [f"- {spec.addressees[-1]}."]
    lead_w = pdfmetrics.stringWidth(lead + " ", REGULAR, st.fontSize) + 2
    text_w = max(pdfmetrics.stringWidth(line, REGULAR, st.fontSize) for line in lines) + 4
    text_w = min(text_w, TEXT_WIDTH - lead_w - 20 * mm)
    table = Table(
        [[_p(lead, "to"), [_p(line, "to") for line in lines]]],
        colWidths=[lead_w, text_w],
        hAlign="CENTER",
        style=TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("FONTNAME", (0, 0), (-1, -1), REGULAR),  # the cell default would add a Helvetica resource
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
            ]
        ),
    )
    return [table, Spacer(1, 4 * mm)]


@cache
def _centred_to() -> ParagraphStyle:
    return ParagraphStyle("to-centred", parent=styles()["to"], alignment=TA_CENTER)


def _body(spec: DocumentSpec) -> list[Flowable]:
    out: list[Flowable] = []
    for para in spec.body:
        text = escape(para.text).replace("\n", "<br/>")
        if para.style is ParaStyle.LEAD:
            lead, sep, rest = text.partition(". ")
            out.append(Para(f"<b>{lead}.</b> {rest}" if sep else text, styles()["body"]))
        else:
            out.append(Para(text, styles()[str(para.style)]))
    return out


def _closing(spec: DocumentSpec, space: _SignatureSpace) -> Table:
    recipients: list[Flowable] = [_StrokedText("Nơi nhận:", 12)]
    recipients += [_p(f"- {r};", "recipient") for r in spec.recipients]
    recipients.append(_p(f"- Lưu: {spec.archive}.", "recipient"))
    signer: list[Flowable] = [_p(line.upper(), "signer") for line in spec.signer_authority]
    signer.append(_p(spec.signer_position.upper(), "signer"))
    signer.append(space)
    signer.append(_p(spec.signer_name, "signer"))
    return Table(
        [[recipients, signer]],
        colWidths=[CLOSING_LEFT, CLOSING_RIGHT],
        style=TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("ALIGN", (1, 0), (1, 0), "CENTER"),
                ("FONTNAME", (0, 0), (-1, -1), REGULAR),  # the cell default would add a Helvetica resource
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
            ]
        ),
    )


def a4_template(
    buf: io.BytesIO, *, title: str, author: str, subject: str, creator: str, pages: list[int] | None = None
) -> BaseDocTemplate:
    """A4 with the margins of Decree 30 (Appendix I), fonts embedded from the first glyph, and page
    numbers from the second page, centred in the top margin; `pages` collects the page numbers drawn."""
    register_fonts()

    def on_page(canv: Canvas, doc: BaseDocTemplate) -> None:
        page = canv.getPageNumber()
        if pages is not None:
            pages.append(page)
        if page >= 2:
            canv.setFont(REGULAR, 13)
            canv.drawCentredString(MARGIN_LEFT + TEXT_WIDTH / 2, PAGE_HEIGHT - MARGIN_TOP / 2 - 4, str(page))

    doc = BaseDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=MARGIN_LEFT,
        rightMargin=MARGIN_RIGHT,
        topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM,
        title=title,
        author=author,
        subject=subject,
        creator=creator,
        producer="lienthong",
        invariant=1,
        initialFontName=REGULAR,  # otherwise every page starts with an unembedded Helvetica
        initialFontSize=13,
        lang="vi-VN",
    )
    frame = Frame(
        MARGIN_LEFT,
        MARGIN_BOTTOM,
        TEXT_WIDTH,
        PAGE_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
        id="text",
    )
    doc.addPageTemplates([PageTemplate(id="a4", frames=[frame], onPage=on_page)])
    return doc


def render(spec: DocumentSpec) -> RenderedDocument:
    """Lay the document out on A4 (Decree 30, Appendix I) and return the PDF with the signing geometry."""
    buf = io.BytesIO()
    pages: list[int] = []
    doc = a4_template(
        buf,
        title=f"{spec.doc_type.name} số {spec.number_text}",
        author=spec.issuing_body,
        subject=spec.subject,
        creator="lienthong make-doc",
        pages=pages,
    )
    space = _SignatureSpace(SIGNATURE_SPACE)
    body = _body(spec)
    story: list[Flowable] = [*_header(spec), *_title(spec), *_addressees(spec), *body[:-1]]
    # The closing block never stands alone on a page: it travels with the last paragraph.
    story.append(KeepTogether([body[-1], Spacer(1, 2 * mm), _closing(spec, space)]))
    doc.build(story)
    if space.placed is None:  # pragma: no cover - reportlab always draws a placed flowable
        raise RuntimeError("the signature space was not laid out")
    page_index, x, y, avail = space.placed
    x1 = x + (avail - SIGNATURE_WIDTH) / 2
    signer_box: Box = (page_index, x1, y, x1 + SIGNATURE_WIDTH, y + SIGNATURE_SPACE)
    # The seal covers about the left third of the signature (Decree 30, Art. 33(1)).
    seal_right = x1 + SIGNATURE_WIDTH / 3
    seal_cy = y + SIGNATURE_SPACE / 2
    seal_box: Box = (
        page_index,
        seal_right - SEAL_DIAMETER,
        seal_cy - SEAL_DIAMETER / 2,
        seal_right,
        seal_cy + SEAL_DIAMETER / 2,
    )
    return RenderedDocument(
        pdf=buf.getvalue(),
        page_count=max(pages),
        signer_box=signer_box,
        seal_box=seal_box,
        number_text=spec.number_text,
        date_text=spec.date_text,
    )


def vn_number(value: float, decimals: int = 0) -> str:
    """Vietnamese number format: "12.500", "87,5"."""
    return f"{value:,.{decimals}f}".replace(",", " ").replace(".", ",").replace(" ", ".")
