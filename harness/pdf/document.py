"""Vietnamese administrative documents laid out per Decree 30/2020/NĐ-CP, Appendix I, rendered to PDF.

`make_spec` invents a realistic, deterministic document of one of the 14 pilot types; `render` lays it
out on A4 with the vendored DejaVu Serif fonts embedded and reports where the signature image and the
seal go, so that a later step can sign the PDF with a visible signature.
"""

from __future__ import annotations

import io
import json
import random
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from faker import Faker
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
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

from harness.pdf.doctypes import CONG_VAN, DocType, doc_type

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


@cache
def register_fonts() -> None:
    """Register the vendored DejaVu Serif TTFs with reportlab (embedded as subsets when used)."""
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
def _styles() -> dict[str, ParagraphStyle]:
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


def _p(text: str, style: str) -> Paragraph:
    return Paragraph(escape(text).replace("\n", "<br/>"), _styles()[style])


class _Rule(Flowable):  # type: ignore[misc]
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


def _max_line_width(para: Paragraph, width: float) -> float:
    para.wrap(width, 10_000)
    widths = para.getActualLineWidths0()
    return float(max(widths)) if widths else width


def _header(spec: DocumentSpec) -> list[Flowable]:
    st = _styles()
    left: list[Flowable] = []
    if spec.parent_body:
        left.append(_p(_break_issuer(spec.parent_body).upper(), "parent"))
    issuer = _p(_break_issuer(spec.issuing_body).upper(), "issuer")
    left.append(issuer)
    issuer_line = _max_line_width(issuer, HEADER_LEFT)
    left.append(_Rule(min(issuer_line, HEADER_LEFT) * 0.45))
    motto = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    slogan = "Độc lập - Tự do - Hạnh phúc"
    right: list[Flowable] = [
        _p(motto, "motto"),
        _p(slogan, "slogan"),
        _Rule(pdfmetrics.stringWidth(slogan, BOLD, st["slogan"].fontSize)),
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


def _break_issuer(name: str) -> str:
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
    out.append(_Rule(min(_max_line_width(subject, TEXT_WIDTH), TEXT_WIDTH) * 0.35, space_before=3))
    out.append(Spacer(1, 5 * mm))
    return out


def _addressees(spec: DocumentSpec) -> list[Flowable]:
    if not spec.addressees:
        return []
    lead = "Kính gửi:"
    st = _styles()["to"]
    if len(spec.addressees) == 1:
        line = f"{lead} {spec.addressees[0]}."
        return [Paragraph(escape(line), _centred_to()), Spacer(1, 4 * mm)]
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
    return ParagraphStyle("to-centred", parent=_styles()["to"], alignment=TA_CENTER)


def _body(spec: DocumentSpec) -> list[Flowable]:
    out: list[Flowable] = []
    for para in spec.body:
        text = escape(para.text).replace("\n", "<br/>")
        if para.style is ParaStyle.LEAD:
            lead, sep, rest = text.partition(". ")
            out.append(Paragraph(f"<b>{lead}.</b> {rest}" if sep else text, _styles()["body"]))
        else:
            out.append(Paragraph(text, _styles()[str(para.style)]))
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


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def resolve_type(value: DocType | str) -> DocType:
    return value if isinstance(value, DocType) else doc_type(value)


# --------------------------------------------------------------------------------------------------
# Content: realistic administrative text, deterministic for a seed
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Topic:
    name: str  # noun phrase: "chuyển đổi số"
    action: str  # verb phrase for a subject line: "đẩy mạnh chuyển đổi số ..."
    goal: str  # verb phrase: "Để {goal}, ..."
    tasks: tuple[str, ...]
    indicators: tuple[tuple[str, str], ...]  # (what is measured, unit)
    basis: tuple[str, ...]  # legal basis specific to the topic (real texts)
    ministry: str  # the central body a province reports to
    lead_local: str  # the department in charge in a province
    lead_central: str  # the unit in charge in a ministry
    unit_local: str  # drafting unit of a provincial People's Committee office
    unit_central: str


_TOPICS: tuple[_Topic, ...] = (
    _Topic(
        name="chuyển đổi số",
        action="đẩy mạnh chuyển đổi số trong hoạt động của cơ quan hành chính nhà nước",
        goal="đẩy mạnh chuyển đổi số, phát triển chính quyền số, kinh tế số và xã hội số",
        tasks=(
            "Rà soát, tái cấu trúc quy trình nghiệp vụ, bảo đảm 100% thủ tục hành chính đủ điều kiện được cung cấp"
            " dưới hình thức dịch vụ công trực tuyến toàn trình",
            "Triển khai hiệu quả hệ thống quản lý văn bản và điều hành, bảo đảm văn bản đi, đến được xử lý hoàn toàn"
            " trên môi trường mạng, trừ văn bản mật theo quy định",
            "Đẩy mạnh sử dụng chữ ký số chuyên dùng công vụ; quản lý chặt chẽ chứng thư số cấp cho cán bộ,"
            " công chức, viên chức",
            "Bảo đảm an toàn thông tin mạng theo mô hình bốn lớp; xác định cấp độ và triển khai phương án bảo đảm"
            " an toàn hệ thống thông tin theo cấp độ",
            "Đẩy mạnh kết nối, chia sẻ dữ liệu giữa các hệ thống thông tin thông qua nền tảng tích hợp,"
            " chia sẻ dữ liệu",
            "Tổ chức tuyên truyền, bồi dưỡng kỹ năng số cho cán bộ, công chức, viên chức và người dân",
        ),
        indicators=(
            ("tỷ lệ văn bản đi được ký số và gửi trên môi trường mạng", "%"),
            ("tỷ lệ hồ sơ thủ tục hành chính được tiếp nhận, giải quyết trực tuyến", "%"),
            ("số hệ thống thông tin được phê duyệt cấp độ an toàn", "hệ thống"),
        ),
        basis=(
            "Căn cứ Nghị định số 47/2020/NĐ-CP ngày 09 tháng 4 năm 2020 của Chính phủ về quản lý, kết nối và chia sẻ"
            " dữ liệu số của cơ quan nhà nước;",
        ),
        ministry="Bộ Thông tin và Truyền thông",
        lead_local="Sở Thông tin và Truyền thông",
        lead_central="Trung tâm Công nghệ thông tin",
        unit_local="TH",
        unit_central="CNTT",
    ),
    _Topic(
        name="gửi, nhận văn bản điện tử",
        action="triển khai gửi, nhận văn bản điện tử qua Trục liên thông văn bản quốc gia",
        goal="thực hiện gửi, nhận văn bản điện tử qua Trục liên thông văn bản quốc gia đúng quy định",
        tasks=(
            "Rà soát, cập nhật mã định danh điện tử của các cơ quan, đơn vị theo Quyết định số 20/2020/QĐ-TTg"
            " ngày 22 tháng 7 năm 2020 của Thủ tướng Chính phủ",
            "Bảo đảm hệ thống quản lý văn bản và điều hành đáp ứng tiêu chuẩn kỹ thuật về cấu trúc thông điệp dữ liệu"
            " trao đổi (edXML) và kết nối ổn định với Trục liên thông văn bản quốc gia",
            "Thực hiện ký số văn bản điện tử trước khi phát hành; không gửi kèm bản giấy đối với văn bản đã gửi qua"
            " Trục liên thông văn bản quốc gia, trừ trường hợp pháp luật có quy định khác",
            "Cập nhật đầy đủ, kịp thời trạng thái xử lý văn bản (đã đến, đã tiếp nhận, phân công, đang xử lý,"
            " hoàn thành) để cơ quan gửi theo dõi",
            "Phân công công chức làm công tác văn thư theo dõi, tiếp nhận văn bản điện tử hằng ngày, kể cả ngày nghỉ"
            " đối với văn bản khẩn",
        ),
        indicators=(
            ("số văn bản điện tử gửi qua Trục liên thông văn bản quốc gia", "văn bản"),
            ("số văn bản điện tử nhận qua Trục liên thông văn bản quốc gia", "văn bản"),
            ("tỷ lệ văn bản được cập nhật đầy đủ trạng thái xử lý", "%"),
        ),
        basis=(
            "Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ về công tác văn thư;",
            "Căn cứ Quyết định số 28/2018/QĐ-TTg ngày 12 tháng 7 năm 2018 của Thủ tướng Chính phủ về việc gửi, nhận"
            " văn bản điện tử giữa các cơ quan trong hệ thống hành chính nhà nước;",
        ),
        ministry="Văn phòng Chính phủ",
        lead_local="Sở Thông tin và Truyền thông",
        lead_central="Văn phòng Bộ",
        unit_local="HCTC",
        unit_central="VP",
    ),
    _Topic(
        name="cải cách hành chính",
        action="tăng cường kỷ luật, kỷ cương trong công tác cải cách hành chính",
        goal="nâng cao hiệu quả công tác cải cách hành chính và mức độ hài lòng của người dân, doanh nghiệp",
        tasks=(
            "Rà soát, đơn giản hóa thủ tục hành chính, cắt giảm thời gian giải quyết và chi phí tuân thủ cho người"
            " dân, doanh nghiệp",
            "Công khai đầy đủ, kịp thời thủ tục hành chính trên Cổng Dịch vụ công quốc gia và Hệ thống thông tin giải"
            " quyết thủ tục hành chính",
            "Nâng cao chất lượng hoạt động của Bộ phận Một cửa; xin lỗi bằng văn bản đối với hồ sơ giải quyết quá hạn",
            "Tăng cường kỷ luật, kỷ cương hành chính; kiểm tra đột xuất việc thực thi công vụ của cán bộ, công chức",
            "Thực hiện số hóa hồ sơ, kết quả giải quyết thủ tục hành chính theo Nghị định số 45/2020/NĐ-CP ngày 08"
            " tháng 4 năm 2020 của Chính phủ",
        ),
        indicators=(
            ("tỷ lệ hồ sơ thủ tục hành chính được giải quyết đúng hạn", "%"),
            ("số thủ tục hành chính được đơn giản hóa", "thủ tục"),
            ("tỷ lệ hồ sơ, kết quả giải quyết thủ tục hành chính được số hóa", "%"),
        ),
        basis=(
            "Căn cứ Nghị định số 61/2018/NĐ-CP ngày 23 tháng 4 năm 2018 của Chính phủ về thực hiện cơ chế một cửa,"
            " một cửa liên thông trong giải quyết thủ tục hành chính;",
        ),
        ministry="Bộ Nội vụ",
        lead_local="Sở Nội vụ",
        lead_central="Vụ Pháp chế",
        unit_local="NC",
        unit_central="PC",
    ),
    _Topic(
        name="phòng, chống thiên tai và tìm kiếm cứu nạn",
        action="chủ động triển khai công tác phòng, chống thiên tai và tìm kiếm cứu nạn",
        goal="chủ động phòng, chống thiên tai, giảm thiểu thiệt hại về người và tài sản của Nhân dân",
        tasks=(
            "Rà soát, cập nhật phương án ứng phó thiên tai theo cấp độ rủi ro, đặc biệt là phương án sơ tán dân tại"
            " khu vực có nguy cơ sạt lở đất, lũ quét",
            "Kiểm tra, đánh giá an toàn hồ chứa, đê điều, công trình thủy lợi trước mùa mưa bão; xử lý dứt điểm các"
            " sự cố, hư hỏng",
            "Chuẩn bị đầy đủ lực lượng, vật tư, phương tiện theo phương châm bốn tại chỗ",
            "Tổ chức trực ban nghiêm túc 24/24 giờ, theo dõi chặt chẽ diễn biến thời tiết và thông tin kịp thời đến"
            " người dân",
            "Tổ chức diễn tập ứng phó thiên tai và tìm kiếm cứu nạn ở cấp cơ sở",
        ),
        indicators=(
            ("số hộ dân được sơ tán đến nơi an toàn", "hộ"),
            ("số công trình thủy lợi được kiểm tra", "công trình"),
            ("kinh phí khắc phục hậu quả thiên tai", "triệu đồng"),
        ),
        basis=(
            "Căn cứ Luật Phòng, chống thiên tai ngày 19 tháng 6 năm 2013; Luật sửa đổi, bổ sung một số điều của Luật"
            " Phòng, chống thiên tai và Luật Đê điều ngày 17 tháng 6 năm 2020;",
        ),
        ministry="Bộ Nông nghiệp và Phát triển nông thôn",
        lead_local="Sở Nông nghiệp và Phát triển nông thôn",
        lead_central="Văn phòng Bộ",
        unit_local="NN",
        unit_central="VP",
    ),
    _Topic(
        name="bảo đảm trật tự, an toàn giao thông",
        action="tăng cường các biện pháp bảo đảm trật tự, an toàn giao thông",
        goal="bảo đảm trật tự, an toàn giao thông, kiềm chế và kéo giảm tai nạn giao thông trên cả ba tiêu chí",
        tasks=(
            "Tăng cường tuần tra, kiểm soát, xử lý nghiêm các hành vi vi phạm nồng độ cồn, chạy quá tốc độ quy định,"
            " chở quá tải trọng cho phép",
            "Rà soát, khắc phục kịp thời các điểm đen, điểm tiềm ẩn nguy cơ tai nạn giao thông",
            "Đẩy mạnh tuyên truyền, phổ biến pháp luật về trật tự, an toàn giao thông trong trường học và khu dân cư",
            "Quản lý chặt chẽ hoạt động kinh doanh vận tải, nhất là xe khách, xe hợp đồng, xe container",
            "Nâng cao chất lượng đào tạo, sát hạch, cấp giấy phép lái xe",
        ),
        indicators=(
            ("số vụ tai nạn giao thông", "vụ"),
            ("số trường hợp vi phạm được phát hiện, xử lý", "trường hợp"),
            ("số điểm đen được khắc phục", "điểm"),
        ),
        basis=("Căn cứ Luật Trật tự, an toàn giao thông đường bộ ngày 27 tháng 6 năm 2024;",),
        ministry="Ủy ban An toàn giao thông quốc gia",
        lead_local="Sở Giao thông vận tải",
        lead_central="Văn phòng Bộ",
        unit_local="NC",
        unit_central="VP",
    ),
    _Topic(
        name="phòng, chống dịch bệnh truyền nhiễm",
        action="tăng cường công tác phòng, chống dịch bệnh truyền nhiễm",
        goal="chủ động phòng, chống dịch bệnh truyền nhiễm, không để dịch bùng phát trên diện rộng",
        tasks=(
            "Tăng cường giám sát, phát hiện sớm các trường hợp mắc bệnh tại cộng đồng và cơ sở khám bệnh, chữa bệnh"
            " để khoanh vùng, xử lý kịp thời",
            "Bảo đảm đủ thuốc, vật tư, trang thiết bị, hóa chất phục vụ công tác phòng, chống dịch",
            "Đẩy mạnh tiêm chủng mở rộng, bảo đảm tỷ lệ tiêm chủng đầy đủ cho trẻ em trong độ tuổi",
            "Tổ chức chiến dịch vệ sinh môi trường, diệt bọ gậy, loăng quăng tại các khu dân cư",
            "Thông tin kịp thời, chính xác về tình hình dịch bệnh để người dân chủ động thực hiện các biện pháp"
            " phòng bệnh",
        ),
        indicators=(
            ("số ca mắc được ghi nhận", "ca"),
            ("tỷ lệ trẻ em dưới 1 tuổi được tiêm chủng đầy đủ", "%"),
            ("số ổ dịch được xử lý triệt để", "ổ dịch"),
        ),
        basis=("Căn cứ Luật Phòng, chống bệnh truyền nhiễm ngày 21 tháng 11 năm 2007;",),
        ministry="Bộ Y tế",
        lead_local="Sở Y tế",
        lead_central="Văn phòng Bộ",
        unit_local="VX",
        unit_central="VP",
    ),
    _Topic(
        name="giải ngân vốn đầu tư công",
        action="đẩy nhanh tiến độ thực hiện và giải ngân kế hoạch vốn đầu tư công",
        goal="đẩy nhanh tiến độ thực hiện và giải ngân kế hoạch vốn đầu tư công được giao",
        tasks=(
            "Tập trung tháo gỡ khó khăn, vướng mắc trong công tác bồi thường, hỗ trợ, tái định cư, bàn giao mặt bằng"
            " cho các dự án",
            "Khẩn trương hoàn thiện hồ sơ, thủ tục đầu tư, lựa chọn nhà thầu đối với các dự án khởi công mới",
            "Kịp thời nghiệm thu, thanh toán khối lượng hoàn thành; không để dồn khối lượng thanh toán vào cuối năm",
            "Điều chuyển vốn từ các dự án chậm giải ngân sang các dự án có khả năng giải ngân tốt",
            "Xử lý nghiêm các tổ chức, cá nhân cố tình gây khó khăn, cản trở, làm chậm tiến độ giao vốn, giải ngân",
        ),
        indicators=(
            ("tỷ lệ giải ngân so với kế hoạch vốn được giao", "%"),
            ("số dự án chuyển tiếp hoàn thành", "dự án"),
            ("tổng số vốn đã giải ngân", "tỷ đồng"),
        ),
        basis=("Căn cứ Luật Đầu tư công ngày 29 tháng 11 năm 2024;",),
        ministry="Bộ Kế hoạch và Đầu tư",
        lead_local="Sở Kế hoạch và Đầu tư",
        lead_central="Vụ Kế hoạch - Tài chính",
        unit_local="KT",
        unit_central="KHTC",
    ),
    _Topic(
        name="bảo vệ môi trường",
        action="tăng cường công tác bảo vệ môi trường và quản lý chất thải rắn sinh hoạt",
        goal="tăng cường công tác bảo vệ môi trường, nâng cao hiệu quả quản lý chất thải rắn sinh hoạt",
        tasks=(
            "Kiểm tra, giám sát chặt chẽ các cơ sở sản xuất, kinh doanh có nguy cơ gây ô nhiễm môi trường",
            "Triển khai phân loại chất thải rắn sinh hoạt tại nguồn theo quy định của Luật Bảo vệ môi trường",
            "Đầu tư, nâng cấp hệ thống thu gom, xử lý nước thải tập trung tại các khu, cụm công nghiệp",
            "Phát động phong trào toàn dân tham gia bảo vệ môi trường, hạn chế sử dụng sản phẩm nhựa dùng một lần",
            "Xử lý nghiêm các hành vi vi phạm pháp luật về bảo vệ môi trường",
        ),
        indicators=(
            ("tỷ lệ chất thải rắn sinh hoạt được thu gom, xử lý", "%"),
            ("số cơ sở sản xuất, kinh doanh được kiểm tra", "cơ sở"),
            ("số tiền xử phạt vi phạm hành chính", "triệu đồng"),
        ),
        basis=("Căn cứ Luật Bảo vệ môi trường ngày 17 tháng 11 năm 2020;",),
        ministry="Bộ Tài nguyên và Môi trường",
        lead_local="Sở Tài nguyên và Môi trường",
        lead_central="Văn phòng Bộ",
        unit_local="NN",
        unit_central="VP",
    ),
)


@dataclass(frozen=True, slots=True)
class _Emergency:
    subject: str
    situation: str  # with {place}, {a}, {b}, {c} filled from the seed
    orders: tuple[str, ...]


_EMERGENCIES: tuple[_Emergency, ...] = (
    _Emergency(
        subject="Về việc chủ động ứng phó với mưa lớn, nguy cơ lũ quét, sạt lở đất",
        situation="Theo tin dự báo của Trung tâm Dự báo khí tượng thủy văn quốc gia, trong {days} ngày tới khu vực"
        " {place} có mưa to đến rất to, lượng mưa phổ biến từ {a} đến {b} mm, có nơi trên {c} mm; nguy cơ rất cao"
        " xảy ra lũ quét, sạt lở đất ở vùng núi và ngập úng tại vùng trũng, thấp.",
        orders=(
            "Theo dõi chặt chẽ diễn biến mưa, lũ; thông tin kịp thời để chính quyền các cấp và người dân chủ động"
            " phòng, tránh",
            "Rà soát, sẵn sàng sơ tán người dân ra khỏi khu vực nguy hiểm, nhất là khu vực ven sông, suối, vùng có"
            " nguy cơ sạt lở đất, lũ quét",
            "Tổ chức lực lượng kiểm soát, hướng dẫn giao thông, kiên quyết không để người và phương tiện đi qua ngầm,"
            " tràn, khu vực ngập sâu, nước chảy xiết",
            "Bố trí lực lượng vận hành, bảo đảm an toàn hồ, đập; sẵn sàng lực lượng, phương tiện để cứu hộ, cứu nạn",
        ),
    ),
    _Emergency(
        subject="Về việc tăng cường các biện pháp cấp bách phòng cháy, chữa cháy rừng",
        situation="Hiện nay, trên địa bàn {place} đang xảy ra đợt nắng nóng gay gắt kéo dài, nhiệt độ cao nhất phổ"
        " biến từ {a} đến {b} độ C, có nơi trên {c} độ C; cấp dự báo cháy rừng nhiều nơi ở cấp IV, cấp V (cấp nguy"
        " hiểm và cực kỳ nguy hiểm) trong {days} ngày tới.",
        orders=(
            "Tổ chức trực 24/24 giờ tại các vùng trọng điểm có nguy cơ cháy rừng cao; kiểm soát chặt chẽ người và"
            " phương tiện ra, vào rừng",
            "Tạm dừng việc xử lý thực bì bằng đốt trong thời gian nắng nóng; nghiêm cấm sử dụng lửa trong rừng",
            "Chuẩn bị sẵn sàng lực lượng, phương tiện chữa cháy theo phương châm bốn tại chỗ; phát hiện sớm và dập"
            " tắt kịp thời đám cháy ngay khi mới phát sinh",
            "Xử lý nghiêm các tổ chức, cá nhân vi phạm quy định về phòng cháy, chữa cháy rừng",
        ),
    ),
)


@dataclass(frozen=True, slots=True)
class _Agency:
    full: str  # "Ủy ban nhân dân tỉnh Nghệ An"
    parent: str | None
    abbr: str
    head: str  # "Chủ tịch"
    deputy: str  # "Phó Chủ tịch"
    place: str
    kind: str  # "province" (a People's Committee), "ministry", "other"
    locality: str  # "tỉnh", "thành phố", "huyện" for a People's Committee, else ""

    @property
    def short(self) -> str:
        """How the body names itself in its own text: "Ủy ban nhân dân tỉnh", "Bộ Y tế"."""
        return f"Ủy ban nhân dân {self.locality}" if self.kind == "province" else self.full

    @property
    def head_title(self) -> str:
        """The head as named in running text: "Chủ tịch Ủy ban nhân dân tỉnh", "Chánh Văn phòng Bộ"."""
        return f"{self.head} {self.short}" if self.kind == "province" else _office_head(self.full)

    @property
    def head_full(self) -> str:
        """The head with the body's full name: "Chủ tịch Ủy ban nhân dân tỉnh Nghệ An", "Bộ trưởng Bộ Y tế"."""
        return f"{self.head} {self.full}" if self.kind == "province" else _office_head(self.full)

    @property
    def deputy_title(self) -> str:
        return f"{self.deputy} {self.short}" if self.kind == "province" else _deputy_title(self.full)

    @property
    def provincial(self) -> bool:
        return self.kind == "province" and self.locality in ("tỉnh", "thành phố")

    @property
    def scope(self) -> str:
        if self.kind == "province":
            return f"trên địa bàn {self.locality}"
        if self.kind == "ministry":
            return "tại các cơ quan, đơn vị thuộc Bộ"
        return "tại cơ quan, đơn vị"

    @property
    def subordinates(self) -> tuple[str, ...]:
        if self.provincial:
            lower = "các quận, huyện, thị xã" if self.locality == "thành phố" else "các huyện, thành phố, thị xã"
            return (f"Các sở, ban, ngành cấp {self.locality}", f"Ủy ban nhân dân {lower}")
        if self.kind == "province":
            return (
                f"Các phòng, ban chuyên môn thuộc Ủy ban nhân dân {self.locality}",
                "Ủy ban nhân dân các xã, thị trấn",
            )
        if self.kind == "ministry":
            return ("Các cơ quan, đơn vị thuộc Bộ", "Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung ương")
        return ("Các phòng, đơn vị trực thuộc",)

    @property
    def executors(self) -> str:
        """Who carries a Quyết định out (its last article)."""
        if self.provincial:
            lower = "các quận, huyện, thị xã" if self.locality == "thành phố" else "các huyện, thành phố, thị xã"
            return (
                f"Chánh Văn phòng Ủy ban nhân dân {self.locality}; Giám đốc các sở, Thủ trưởng các ban, ngành cấp"
                f" {self.locality}; Chủ tịch Ủy ban nhân dân {lower}"
            )
        if self.kind == "province":
            return f"Chánh Văn phòng Ủy ban nhân dân {self.locality}; Trưởng các phòng, ban chuyên môn"
        if self.kind == "ministry":
            return "Chánh Văn phòng Bộ, Thủ trưởng các cơ quan, đơn vị thuộc Bộ"
        return "Chánh Văn phòng, Trưởng các phòng, đơn vị trực thuộc"

    def lead(self, topic: _Topic) -> str:
        if self.kind == "province":
            return topic.lead_local
        if self.kind == "ministry":
            return topic.lead_central
        return "Văn phòng"

    def unit(self, topic: _Topic) -> str:
        if self.kind == "province":
            return topic.unit_local
        if self.kind == "ministry":
            return topic.unit_central
        return "VP"


_TITLES: tuple[tuple[str, str, str], ...] = (
    # name prefix (casefolded), head, deputy
    ("ủy ban nhân dân", "Chủ tịch", "Phó Chủ tịch"),
    ("văn phòng chính phủ", "Bộ trưởng, Chủ nhiệm", "Phó Chủ nhiệm"),
    ("ủy ban dân tộc", "Bộ trưởng, Chủ nhiệm", "Thứ trưởng, Phó Chủ nhiệm"),
    ("thanh tra chính phủ", "Tổng Thanh tra", "Phó Tổng Thanh tra"),
    ("ngân hàng nhà nước", "Thống đốc", "Phó Thống đốc"),
    ("bộ ", "Bộ trưởng", "Thứ trưởng"),
    ("sở ", "Giám đốc", "Phó Giám đốc"),
    ("công an", "Giám đốc", "Phó Giám đốc"),
    ("bảo hiểm xã hội", "Tổng Giám đốc", "Phó Tổng Giám đốc"),
    ("đài ", "Tổng Giám đốc", "Phó Tổng Giám đốc"),
    ("thông tấn xã", "Tổng Giám đốc", "Phó Tổng Giám đốc"),
    ("cục ", "Cục trưởng", "Phó Cục trưởng"),
    ("tổng cục", "Tổng Cục trưởng", "Phó Tổng Cục trưởng"),
    ("vụ ", "Vụ trưởng", "Phó Vụ trưởng"),
    ("văn phòng", "Chánh Văn phòng", "Phó Chánh Văn phòng"),
    ("thanh tra", "Chánh Thanh tra", "Phó Chánh Thanh tra"),
    ("ủy ban ", "Chủ tịch", "Phó Chủ tịch"),
    ("trung tâm", "Giám đốc", "Phó Giám đốc"),
    ("ban ", "Trưởng ban", "Phó Trưởng ban"),
    ("phòng ", "Trưởng phòng", "Phó Trưởng phòng"),
)

_ABBR_OVERRIDES = {
    "Ngân hàng Nhà nước Việt Nam": "NHNN",
    "Bảo hiểm xã hội Việt Nam": "BHXH",
    "Ủy ban Quản lý vốn nhà nước tại doanh nghiệp": "UBQLV",
}


def _titles(name: str) -> tuple[str, str]:
    key = name.casefold()
    for prefix, head, deputy in _TITLES:
        if key.startswith(prefix):
            return head, deputy
    return "Thủ trưởng", "Phó Thủ trưởng"


def _with_unit(title: str, unit: str) -> str:
    """A title followed by its unit without repeating the unit's kind: "Chánh Văn phòng Bộ" (not "Chánh Văn
    phòng Văn phòng Bộ"), "Phó Trưởng phòng Nghiệp vụ" (not "Phó Trưởng phòng Phòng Nghiệp vụ")."""
    for kind in ("Văn phòng", "Phòng", "Thanh tra"):
        if unit.startswith(kind) and title.casefold().endswith(kind.casefold()):
            return f"{title} {unit[len(kind) :].strip()}".strip()
    return f"{title} {unit}"


def _office_head(unit: str) -> str:
    """ "Giám đốc Sở Y tế", "Chánh Văn phòng Bộ", "Vụ trưởng Vụ Pháp chế"."""
    return _with_unit(_titles(unit)[0], unit)


def _deputy_title(unit: str) -> str:
    """ "Phó Giám đốc Sở Tài chính", "Phó Chánh Văn phòng Bộ", "Phó Trưởng phòng Nghiệp vụ"."""
    return _with_unit(_titles(unit)[1], unit)


def _expand(name: str) -> str:
    name = " ".join(unicodedata.normalize("NFC", name).split()).replace("Uỷ", "Ủy").replace("uỷ", "ủy")
    if name.startswith("UBND "):
        name = "Ủy ban nhân dân " + name[len("UBND ") :]
    return name


def agency_abbreviation(name: str) -> str:
    """The agency part of a notation: "UBND", "BYT", "STTTT", "VPCP", "BLĐTBXH"."""
    full = _expand(name)
    if full.casefold().startswith("ủy ban nhân dân"):
        return "UBND"
    if full in _ABBR_OVERRIDES:
        return _ABBR_OVERRIDES[full]
    words = [w for w in full.replace(",", " ").replace("-", " ").split() if w.casefold() != "và"]
    return "".join(w[0].upper() for w in words if w[0].isalpha())


def _place_of(name: str | None) -> str | None:
    if not name:
        return None
    full = _expand(name)
    for prefix in (
        "Ủy ban nhân dân tỉnh ",
        "Ủy ban nhân dân thành phố ",
        "Ủy ban nhân dân huyện ",
        "Ủy ban nhân dân quận ",
        "Ủy ban nhân dân thị xã ",
    ):
        if full.startswith(prefix):
            return full[len(prefix) :]
    return None


def _agency(agency_id: str, agency_name: str) -> _Agency:
    from harness.ids import level1_name, parse_agency_id

    ident = parse_agency_id(agency_id)
    full = _expand(agency_name)
    l1 = level1_name(ident.level1)
    parent = _expand(l1) if l1 and ident.level > 1 and _expand(l1) != full else None
    if full.casefold().startswith("ủy ban nhân dân"):
        parent = None  # People's Committees print no governing body above their name (Decree 30, App. I)
    place = _place_of(full) or _place_of(parent) or (_place_of(l1) if ident.level1.startswith("H") else None)
    head, deputy = _titles(full)
    if full.casefold().startswith("ủy ban nhân dân"):
        rest = full[len("Ủy ban nhân dân ") :]
        locality = "thành phố" if rest.startswith("thành phố") else (rest.split() or ["tỉnh"])[0]
        kind = "province"
    else:
        locality = ""
        kind = "ministry" if full.startswith("Bộ ") else "other"
    return _Agency(
        full=full,
        parent=parent,
        abbr=agency_abbreviation(full),
        head=head,
        deputy=deputy,
        place=place or "Hà Nội",
        kind=kind,
        locality=locality,
    )


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _low(text: str) -> str:
    """Lower-case the first letter, unless the text starts with a proper name ("Ủy ban nhân dân ...")."""
    if text.startswith(("Ủy ban", "Hội đồng", "Bộ ", "Sở ", "Văn phòng", "Thủ tướng", "Chính phủ")):
        return text
    return text[:1].lower() + text[1:]


def _listed(items: list[str]) -> list[BodyParagraph]:
    """ "- a;" lines, the last one closed with a full stop."""
    return [BodyParagraph(f"- {x}{'.' if i == len(items) - 1 else ';'}") for i, x in enumerate(items)]


def _vn_number(value: float, decimals: int = 0) -> str:
    """Vietnamese number format: "12.500", "87,5"."""
    return f"{value:,.{decimals}f}".replace(",", " ").replace(".", ",").replace(" ", ".")


_WEEKDAYS = ("thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật")
_ROMAN = ("I", "II", "III", "IV", "V", "VI")

_AMOUNTS: dict[str, tuple[int, int]] = {
    "văn bản": (1200, 25000),
    "hộ": (200, 5000),
    "công trình": (20, 300),
    "triệu đồng": (500, 20000),
    "vụ": (20, 400),
    "trường hợp": (2000, 40000),
    "điểm": (3, 30),
    "ca": (50, 2000),
    "ổ dịch": (5, 120),
    "tỷ đồng": (300, 5000),
    "dự án": (5, 60),
    "cơ sở": (20, 300),
    "thủ tục": (10, 120),
    "hệ thống": (5, 40),
}


@dataclass
class _Ctx:
    a: _Agency
    t: _Topic
    r: random.Random
    f: Faker
    when: date
    abbr_unit: str

    def person(self, *, female: bool | None = None) -> tuple[str, str]:
        """(honorific, full name) in Vietnamese order: family name, middle name, given name."""
        if female is None:
            female = self.r.random() < 0.35
        last = self.f.last_name()
        if female:
            middle = "Thị" if self.r.random() < 0.6 else self.f.middle_name()
            first = self.f.first_name_female()
        else:
            middle = self.f.middle_name()
            while middle == "Thị":
                middle = self.f.middle_name()
            first = self.f.first_name_male()
        return ("Bà" if female else "Ông"), f"{last} {middle} {first}"

    def earlier(self, lo: int, hi: int) -> date:
        return date.fromordinal(self.when.toordinal() - self.r.randint(lo, hi))

    def workday_after(self, lo: int, hi: int) -> date:
        day = date.fromordinal(self.when.toordinal() + self.r.randint(lo, hi))
        while day.weekday() >= 5:
            day = date.fromordinal(day.toordinal() + 1)
        return day

    def amount(self, unit: str) -> str:
        if unit == "%":
            return f"{_vn_number(self.r.uniform(72, 99.5), 1)}%"
        lo, hi = _AMOUNTS.get(unit, (10, 500))
        return f"{_vn_number(self.r.randint(lo, hi))} {unit}"

    def tasks(self, k: int) -> list[str]:
        return self.r.sample(list(self.t.tasks), min(k, len(self.t.tasks)))

    def doc_ref(self) -> str:
        """A plausible superior instruction this document implements."""
        n, d = self.r.randint(150, 5200), date_vi(self.earlier(20, 90))
        if self.a.kind == "province" and self.a.parent is None:
            return f"Văn bản số {n}/{agency_abbreviation(self.t.ministry)}-VP {d} của {self.t.ministry}"
        if self.a.parent:
            return f"Văn bản số {n}/{agency_abbreviation(self.a.parent)}-TH {d} của {self.a.parent}"
        return f"Chỉ thị số {self.r.randint(1, 40)}/CT-TTg {d} của Thủ tướng Chính phủ"

    @property
    def lead(self) -> str:
        return self.a.lead(self.t)

    @property
    def period(self) -> str:
        return f"6 tháng đầu năm {self.when.year}" if self.when.month <= 8 else f"năm {self.when.year}"


P = BodyParagraph
S = ParaStyle


def _basis(c: _Ctx) -> list[BodyParagraph]:
    a = c.a
    out: list[BodyParagraph] = []
    if a.kind == "province":
        out.append(
            P(
                "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015; Luật sửa đổi, bổ sung một số"
                " điều của Luật Tổ chức Chính phủ và Luật Tổ chức chính quyền địa phương ngày 22 tháng 11 năm 2019;",
                S.BASIS,
            )
        )
    elif a.parent is None:
        out.append(
            P(
                "Căn cứ Luật Tổ chức Chính phủ ngày 19 tháng 6 năm 2015; Luật sửa đổi, bổ sung một số điều của Luật"
                " Tổ chức Chính phủ và Luật Tổ chức chính quyền địa phương ngày 22 tháng 11 năm 2019;",
                S.BASIS,
            )
        )
    else:
        out.append(
            P(
                f"Căn cứ Quyết định số {c.r.randint(100, 3000)}/QĐ-{agency_abbreviation(a.parent)}"
                f" {date_vi(c.earlier(400, 1500))} của {a.parent} quy định chức năng, nhiệm vụ, quyền hạn và cơ cấu"
                f" tổ chức của {a.full};",
                S.BASIS,
            )
        )
    out += [P(b, S.BASIS) for b in c.t.basis]
    lead = c.lead
    out.append(
        P(
            f"Theo đề nghị của {_office_head(lead)} tại Tờ trình số {c.r.randint(12, 980)}/TTr-"
            f"{agency_abbreviation(lead)} {date_vi(c.earlier(3, 15))}.",
            S.BASIS,
        )
    )
    return out


def _authority_heading(c: _Ctx, collective: bool) -> str:
    return c.a.full.upper() if collective else c.a.head_full.upper()


def _quyet_dinh(c: _Ctx) -> tuple[str, list[BodyParagraph]]:
    a, t, year = c.a, c.t, c.when.year
    body = [P(_authority_heading(c, a.kind == "province"), S.HEADING), *_basis(c), P("QUYẾT ĐỊNH:", S.HEADING)]
    if c.r.random() < 0.5:
        subject = f"Ban hành Kế hoạch {t.name} năm {year}"
        body.append(P(f"Điều 1. Ban hành kèm theo Quyết định này Kế hoạch {t.name} năm {year} {a.scope}.", S.LEAD))
        executors = a.executors
    else:
        subject = f"Về việc thành lập Tổ công tác {t.name}"
        body.append(P(f"Điều 1. Thành lập Tổ công tác {t.name} {a.scope}, gồm các ông (bà) có tên sau:", S.LEAD))
        units = list(_UNITS[a.kind])
        c.r.shuffle(units)
        hon, name = c.person()
        body.append(P(f"1. {hon} {name}, {a.deputy_title}, Tổ trưởng;"))
        hon, name = c.person()
        body.append(P(f"2. {hon} {name}, {_deputy_title(c.lead)}, Tổ phó;"))
        members = units[: c.r.randint(3, 5)]
        for i, unit in enumerate(members, start=3):
            hon, name = c.person()
            end = "." if i == len(members) + 2 else ";"
            body.append(P(f"{i}. {hon} {name}, {_deputy_title(unit)}, thành viên{end}"))
        tasks = "; ".join(_low(x) for x in c.tasks(3))
        body.append(
            P(
                f"Điều 2. Tổ công tác có nhiệm vụ giúp {a.head_title} chỉ đạo, đôn đốc {tasks}. Tổ công tác tự giải"
                f" thể sau khi hoàn thành nhiệm vụ.",
                S.LEAD,
            )
        )
        executors = f"{a.executors}, các thành viên Tổ công tác"
    effect = "Điều 2" if len(body) and body[-1].text.startswith("Điều 1") else "Điều 3"
    body.append(P(f"{effect}. Quyết định này có hiệu lực thi hành kể từ ngày ký.", S.LEAD))
    last = "Điều 3" if effect == "Điều 2" else "Điều 4"
    body.append(
        P(
            f"{last}. {executors} và các tổ chức, cá nhân có liên quan chịu trách nhiệm thi hành Quyết định này./.",
            S.LEAD,
        )
    )
    return subject, body


_UNITS: dict[str, tuple[str, ...]] = {
    "province": (
        "Sở Nội vụ",
        "Sở Tài chính",
        "Sở Kế hoạch và Đầu tư",
        "Sở Tư pháp",
        "Văn phòng Ủy ban nhân dân tỉnh",
        "Công an tỉnh",
        "Sở Thông tin và Truyền thông",
    ),
    "ministry": (
        "Văn phòng Bộ",
        "Vụ Pháp chế",
        "Vụ Tổ chức cán bộ",
        "Vụ Kế hoạch - Tài chính",
        "Trung tâm Công nghệ thông tin",
        "Thanh tra Bộ",
    ),
    "other": ("Văn phòng", "Phòng Tổ chức - Hành chính", "Phòng Kế hoạch - Tài chính", "Phòng Nghiệp vụ"),
}


def _chi_thi(c: _Ctx) -> tuple[str, list[BodyParagraph]]:
    a, t = c.a, c.t
    subs = a.subordinates
    body = [
        P(
            f"Thời gian qua, công tác {t.name} {a.scope} đã được các cấp, các ngành quan tâm triển khai và đạt được"
            " những kết quả tích cực. Tuy nhiên, việc thực hiện ở một số cơ quan, đơn vị còn chậm, chưa đồng bộ;"
            " công tác phối hợp giữa các cơ quan có lúc chưa chặt chẽ; ý thức, trách nhiệm của một bộ phận cán bộ,"
            " công chức chưa cao."
        ),
        P(f"Để {t.goal}, {a.head_title} yêu cầu:"),
        P(f"1. {', '.join(subs)}:", S.SECTION),
    ]
    tasks = c.tasks(5)
    letters = "abcdđ"
    for i, task in enumerate(tasks[:3]):
        body.append(P(f"{letters[i]}) {task};" if i < 2 else f"{letters[i]}) {task}."))
    body.append(P(f"2. {c.lead}:", S.SECTION))
    body.append(P(f"a) Chủ trì, phối hợp với các cơ quan liên quan hướng dẫn, đôn đốc việc {_low(tasks[3])};"))
    body.append(P(f"b) {tasks[4] if len(tasks) > 4 else tasks[0]}."))
    body.append(
        P(
            f"3. Giao {c.lead} theo dõi, kiểm tra việc thực hiện Chỉ thị này; định kỳ trước ngày 15 tháng 12 hằng năm"
            f" tổng hợp, báo cáo {a.head_title} kết quả thực hiện."
        )
    )
    body.append(
        P(
            f"{a.head_title} yêu cầu Thủ trưởng các cơ quan, đơn vị và các tổ chức, cá nhân có liên quan nghiêm túc"
            " triển khai thực hiện Chỉ thị này./."
        )
    )
    return f"Về việc {t.action}", body


def _bao_cao(c: _Ctx) -> tuple[str, list[BodyParagraph]]:
    a, t = c.a, c.t
    body = [
        P(f"Thực hiện {c.doc_ref()}, {a.short} báo cáo kết quả thực hiện công tác {t.name} {c.period} như sau:"),
        P("I. KẾT QUẢ THỰC HIỆN", S.SECTION),
        P("1. Công tác chỉ đạo, điều hành", S.SECTION),
        P(
            f"{a.short} đã ban hành {c.r.randint(6, 28)} văn bản chỉ đạo, điều hành về công tác {t.name}, trong đó"
            f" có Kế hoạch số {c.r.randint(40, 700)}/KH-{a.abbr} {date_vi(c.earlier(120, 200))} về {t.goal};"
            " thường xuyên đôn đốc, kiểm tra các cơ quan, đơn vị trong quá trình triển khai thực hiện."
        ),
        P("2. Kết quả thực hiện các chỉ tiêu, nhiệm vụ", S.SECTION),
    ]
    results = [
        f"{_cap(what)}: {c.amount(unit)}, {c.r.choice(('tăng', 'giảm'))} {_vn_number(c.r.uniform(2, 18), 1)}%"
        " so với cùng kỳ năm trước"
        for what, unit in t.indicators
    ]
    results += [
        f"Về nhiệm vụ {_low(task)}: các cơ quan, đơn vị đã chủ động triển khai, bước đầu có chuyển biến"
        for task in c.tasks(2)
    ]
    body += _listed(results)
    body += [
        P("II. TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN", S.SECTION),
        P(
            "Bên cạnh những kết quả đạt được, việc triển khai ở một số cơ quan, đơn vị còn chậm so với yêu cầu; chất"
            " lượng dữ liệu báo cáo chưa cao, còn tình trạng báo cáo chưa đúng thời hạn. Nguyên nhân chủ yếu là người"
            " đứng đầu một số cơ quan, đơn vị chưa thực sự quan tâm chỉ đạo; nguồn lực bố trí cho nhiệm vụ còn hạn chế."
        ),
        P("III. PHƯƠNG HƯỚNG, NHIỆM VỤ TRONG THỜI GIAN TỚI", S.SECTION),
    ]
    body += [P(f"{i}. {task}.") for i, task in enumerate(c.tasks(3), start=1)]
    body.append(P("IV. ĐỀ XUẤT, KIẾN NGHỊ", S.SECTION))
    superior = c.t.ministry if a.kind == "province" else (a.parent or "Văn phòng Chính phủ")
    body.append(
        P(
            f"Đề nghị {superior} tiếp tục quan tâm hướng dẫn, hỗ trợ kinh phí và nguồn lực để {a.short} hoàn thành"
            f" các nhiệm vụ về {t.name} trong thời gian tới."
        )
    )
    body.append(P(f"Trên đây là báo cáo kết quả thực hiện công tác {t.name} {c.period} của {a.full}./."))
    return f"Kết quả thực hiện công tác {t.name} {c.period}", body


def _chuong_trinh(c: _Ctx) -> tuple[str, list[BodyParagraph]]:
    a, t, year = c.a, c.t, c.when.year
    body = [
        P("I. MỤC TIÊU", S.SECTION),
        P("1. Mục tiêu chung", S.SECTION),
        P(f"{_cap(t.goal)}, góp phần thực hiện thắng lợi nhiệm vụ phát triển kinh tế - xã hội năm {year}."),
        P("2. Mục tiêu cụ thể", S.SECTION),
    ]
    body += _listed([f"Phấn đấu {what} đạt {c.amount(unit)}" for what, unit in t.indicators])
    body.append(P("II. NỘI DUNG CHƯƠNG TRÌNH", S.SECTION))
    for i, task in enumerate(c.tasks(4), start=1):
        quarter = _ROMAN[c.r.randint(0, 3)]
        body.append(P(f"{i}. {task}. Thời gian thực hiện: quý {quarter} năm {year}."))
    body += [
        P("III. TỔ CHỨC THỰC HIỆN", S.SECTION),
        P(
            f"1. {c.lead} chủ trì, phối hợp với các cơ quan, đơn vị liên quan triển khai Chương trình; theo dõi, đôn"
            f" đốc và định kỳ hằng quý báo cáo {a.head_title} kết quả thực hiện."
        ),
        P(
            f"2. {', '.join(a.subordinates)} căn cứ Chương trình này xây dựng kế hoạch cụ thể của cơ quan, đơn vị"
            " mình, bảo đảm hoàn thành đúng tiến độ./."
        ),
    ]
    return f"Công tác {t.name} năm {year}", body


def _ke_hoach(c: _Ctx) -> tuple[str, list[BodyParagraph]]:
    a, t, year = c.a, c.t, c.when.year
    body = [
        P(f"Thực hiện {c.doc_ref()}, {a.short} ban hành Kế hoạch triển khai công tác {t.name} năm {year} như sau:"),
        P("I. MỤC ĐÍCH, YÊU CẦU", S.SECTION),
        P("1. Mục đích", S.SECTION),
        P(f"{_cap(t.goal)}; nâng cao trách nhiệm của người đứng đầu các cơ quan, đơn vị {a.scope}."),
        P("2. Yêu cầu", S.SECTION),
        P(
            "Xác định cụ thể nội dung, thời hạn và trách nhiệm của từng cơ quan, đơn vị; bảo đảm sự phối hợp chặt"
            " chẽ, thường xuyên trong quá trình triển khai; kết quả thực hiện phải được đánh giá, báo cáo định kỳ."
        ),
        P("II. NHIỆM VỤ, GIẢI PHÁP", S.SECTION),
    ]
    for i, task in enumerate(c.tasks(5), start=1):
        deadline = date_vi(c.workday_after(60, 300))
        body.append(P(f"{i}. {task}."))
        body.append(P(f"Cơ quan chủ trì: {c.lead}; thời hạn hoàn thành: trước {deadline}."))
    body += [
        P("III. KINH PHÍ THỰC HIỆN", S.SECTION),
        P(
            "Kinh phí thực hiện Kế hoạch được bố trí từ nguồn ngân sách nhà nước theo phân cấp hiện hành và các"
            " nguồn kinh phí hợp pháp khác theo quy định của pháp luật."
        ),
        P("IV. TỔ CHỨC THỰC HIỆN", S.SECTION),
        P(
            f"1. {c.lead} chủ trì, phối hợp với các cơ quan liên quan hướng dẫn, đôn đốc, kiểm tra việc triển khai"
            f" Kế hoạch; tổng hợp, báo cáo {a.head_title} trước ngày 15 tháng 12 năm {year}."
        ),
        P(
            f"2. {', '.join(a.subordinates)} căn cứ nội dung Kế hoạch, chủ động xây dựng kế hoạch cụ thể của cơ quan,"
            f" đơn vị mình và gửi báo cáo kết quả thực hiện về {c.lead} để tổng hợp."
        ),
        P(
            "Trong quá trình triển khai thực hiện, nếu có khó khăn, vướng mắc, các cơ quan, đơn vị kịp thời phản"
            f" ánh về {c.lead} để tổng hợp, báo cáo {a.head_title} xem xét, giải quyết./."
        ),
    ]
    return f"Triển khai công tác {t.name} năm {year}", body


def _superior(a: _Agency) -> str:
    if a.provincial:
        return f"Hội đồng nhân dân {a.locality}"
    if a.kind == "ministry":
        return "Thủ tướng Chính phủ"
    return a.parent or "Ủy ban nhân dân tỉnh"


def _to_trinh(c: _Ctx) -> tuple[str, list[BodyParagraph]]:
    a, t, year = c.a, c.t, c.when.year
    to = _superior(a)
    scheme = f"Đề án {t.name} giai đoạn {year} - {year + 4}"
    budget = _vn_number(c.r.randint(20, 400) * 50)
    body = [
        P(f"{a.short} kính trình {to} xem xét, phê duyệt {scheme} với các nội dung chủ yếu như sau:"),
        P("I. SỰ CẦN THIẾT", S.SECTION),
        P(
            f"Trong những năm qua, công tác {t.name} {a.scope} đã đạt được nhiều kết quả quan trọng. Tuy nhiên, yêu"
            " cầu nhiệm vụ trong giai đoạn mới đặt ra nhiều vấn đề cần giải quyết đồng bộ, lâu dài, đòi hỏi phải có"
            f" đề án tổng thể với mục tiêu, lộ trình và nguồn lực cụ thể. Vì vậy, việc ban hành {scheme} là cần thiết."
        ),
        P("II. MỤC TIÊU VÀ NỘI DUNG CHỦ YẾU", S.SECTION),
        P(f"1. Mục tiêu: {t.goal}."),
        P("2. Nội dung chủ yếu:"),
    ]
    body += _listed(c.tasks(3))
    body += [
        P("III. KINH PHÍ THỰC HIỆN", S.SECTION),
        P(
            f"Tổng kinh phí dự kiến khoảng {budget} triệu đồng, từ nguồn ngân sách nhà nước và các nguồn vốn hợp"
            " pháp khác; được bố trí theo kế hoạch hằng năm."
        ),
        P(f"(Gửi kèm theo dự thảo {scheme} và các tài liệu liên quan)."),
        P(f"{a.short} kính trình {to} xem xét, quyết định./."),
    ]
    return f"Về việc đề nghị phê duyệt {scheme}", body


def _regulation_note(c: _Ctx) -> str:
    a = c.a
    issuer = a.full if a.kind == "province" else a.head_full
    return f"(Ban hành kèm theo Quyết định số {c.r.randint(12, 3200)}/QĐ-{a.abbr} {date_vi(c.when)} của {issuer})"


def _quy_che(c: _Ctx) -> tuple[str, list[BodyParagraph]]:
    a, t = c.a, c.t
    subs = ", ".join(_low(s) for s in a.subordinates)
    body = [
        P("Chương I\nQUY ĐỊNH CHUNG", S.HEADING),
        P("Điều 1. Phạm vi điều chỉnh", S.SECTION),
        P(
            "Quy chế này quy định nguyên tắc, nội dung, hình thức và trách nhiệm phối hợp giữa các cơ quan, đơn vị"
            f" trong công tác {t.name} {a.scope}."
        ),
        P("Điều 2. Đối tượng áp dụng", S.SECTION),
        P(f"Quy chế này áp dụng đối với {subs} và các tổ chức, cá nhân có liên quan."),
        P("Điều 3. Nguyên tắc phối hợp", S.SECTION),
        P(f"1. Bảo đảm sự lãnh đạo, chỉ đạo thống nhất của {a.short}; tuân thủ quy định của pháp luật."),
        P("2. Phát huy vai trò chủ động, tinh thần trách nhiệm của từng cơ quan, đơn vị; bảo đảm kịp thời, chặt chẽ."),
        P(
            "3. Thông tin trao đổi giữa các cơ quan được thực hiện chủ yếu bằng văn bản điện tử, được ký số và gửi,"
            " nhận qua hệ thống quản lý văn bản và điều hành."
        ),
        P("Chương II\nNỘI DUNG VÀ HÌNH THỨC PHỐI HỢP", S.HEADING),
        P("Điều 4. Nội dung phối hợp", S.SECTION),
    ]
    body += [P(f"{i}. {task}.") for i, task in enumerate(c.tasks(3), start=1)]
    body += [
        P("Điều 5. Hình thức phối hợp", S.SECTION),
        P("1. Trao đổi ý kiến bằng văn bản hoặc qua hệ thống thông tin."),
        P("2. Tổ chức họp, hội nghị, làm việc trực tiếp hoặc trực tuyến."),
        P("3. Thành lập đoàn kiểm tra liên ngành, tổ công tác khi cần thiết."),
        P("Chương III\nTỔ CHỨC THỰC HIỆN", S.HEADING),
        P("Điều 6. Trách nhiệm thi hành", S.SECTION),
        P(f"1. {c.lead} có trách nhiệm theo dõi, đôn đốc, kiểm tra việc thực hiện Quy chế này."),
        P(
            "2. Trong quá trình thực hiện, nếu có vướng mắc, các cơ quan, đơn vị phản ánh về"
            f" {c.lead} để tổng hợp, báo cáo {a.head_title} xem xét, sửa đổi, bổ sung cho phù hợp./."
        ),
    ]
    return f"Phối hợp trong công tác {t.name}", body


def _quy_dinh(c: _Ctx) -> tuple[str, list[BodyParagraph]]:
    a, t = c.a, c.t
    subs = ", ".join(_low(s) for s in a.subordinates)
    tasks = c.tasks(5)
    body = [
        P("Chương I\nQUY ĐỊNH CHUNG", S.HEADING),
        P("Điều 1. Phạm vi điều chỉnh và đối tượng áp dụng", S.SECTION),
        P(f"1. Quy định này quy định trách nhiệm của các cơ quan, đơn vị trong công tác {t.name} {a.scope}."),
        P(f"2. Quy định này áp dụng đối với {subs} và cán bộ, công chức, viên chức có liên quan."),
        P("Điều 2. Nguyên tắc chung", S.SECTION),
        P(
            "Người đứng đầu cơ quan, đơn vị chịu trách nhiệm trước cấp có thẩm quyền về kết quả thực hiện nhiệm vụ"
            " được giao; bảo đảm công khai, minh bạch, đúng thẩm quyền và thời hạn."
        ),
        P("Chương II\nTRÁCH NHIỆM CỤ THỂ", S.HEADING),
        P(f"Điều 3. Trách nhiệm của {c.lead}", S.SECTION),
        P(f"1. {tasks[0]}."),
        P(f"2. {tasks[1]}."),
        P("Điều 4. Trách nhiệm của các cơ quan, đơn vị", S.SECTION),
        P(f"1. {tasks[2]}."),
        P(f"2. {tasks[3]}."),
        P(f"3. {tasks[4]}."),
        P("Chương III\nĐIỀU KHOẢN THI HÀNH", S.HEADING),
        P("Điều 5. Tổ chức thực hiện", S.SECTION),
        P(
            f"Thủ trưởng các cơ quan, đơn vị có trách nhiệm tổ chức thực hiện Quy định này. Trong quá trình thực"
            f" hiện, nếu có vướng mắc, phản ánh về {c.lead} để tổng hợp, báo cáo {a.head_title} xem xét, quyết định./."
        ),
    ]
    return f"Trách nhiệm của các cơ quan, đơn vị trong công tác {t.name}", body


def _huong_dan(c: _Ctx) -> tuple[str, list[BodyParagraph]]:
    a, t, year = c.a, c.t, c.when.year
    subs = ", ".join(_low(s) for s in a.subordinates)
    body = [
        P(f"Thực hiện {c.doc_ref()}, {a.short} hướng dẫn {subs} thực hiện một số nội dung về {t.name} như sau:"),
        P("I. YÊU CẦU CHUNG", S.SECTION),
        P(
            f"Các cơ quan, đơn vị quán triệt đầy đủ mục tiêu {t.goal}; bố trí nhân lực, kinh phí phù hợp và phân"
            " công rõ trách nhiệm của tập thể, cá nhân trong tổ chức thực hiện."
        ),
        P("II. NỘI DUNG HƯỚNG DẪN", S.SECTION),
    ]
    for i, task in enumerate(c.tasks(4), start=1):
        body.append(P(f"{i}. {task}.", S.SECTION))
        body.append(
            P(
                f"Thời hạn thực hiện: trước {date_vi(c.workday_after(30, 200))}. Kết quả thực hiện được tổng hợp"
                f" trong báo cáo định kỳ gửi {c.lead}."
            )
        )
    hon, name = c.person()
    body += [
        P("III. TỔ CHỨC THỰC HIỆN", S.SECTION),
        P(
            f"Trong quá trình thực hiện, nếu có khó khăn, vướng mắc, đề nghị các cơ quan, đơn vị phản ánh về {c.lead}"
            f" ({_low(hon)} {name}, điện thoại: {c.f.numerify('09## ### ###')}) để được hướng dẫn"
            f" trong năm {year}./."
        ),
    ]
    return f"Thực hiện một số nội dung về {t.name}", body


def _phieu_chuyen(c: _Ctx) -> tuple[str, list[BodyParagraph]]:
    a, t = c.a, c.t
    hon, name = c.person()
    street, commune = c.f.street_name(), c.f.commune_name()
    address = f"số {c.r.randint(1, 260)} đường {street}, xã {commune}, {a.place}"
    body = [
        P(
            f"{a.short} nhận được đơn đề {date_vi(c.earlier(5, 30))} của {_low(hon)} {name}, trú tại {address},"
            f" kiến nghị về việc chậm giải quyết hồ sơ liên quan đến công tác {t.name}."
        ),
        P(
            f"Thực hiện ý kiến chỉ đạo của {a.deputy_title}, {a.short} chuyển đơn nêu trên đến {c.lead} để xem"
            " xét, giải quyết theo thẩm quyền và trả lời công dân theo quy định của pháp luật (gửi kèm theo đơn và"
            " các tài liệu có liên quan)./."
        ),
    ]
    return f"Đơn kiến nghị của {_low(hon)} {name}", body


def _giay_moi(c: _Ctx) -> tuple[str, list[BodyParagraph]]:
    a, t = c.a, c.t
    day = c.workday_after(3, 12)
    hon, name = c.person()
    event = f"Hội nghị sơ kết công tác {t.name} {c.period}"
    body = [P(f"{a.full} trân trọng kính mời:")]
    invitees = [f"Đại diện lãnh đạo {_low(s)}" for s in a.subordinates] + [f"Lãnh đạo {c.lead}"]
    body += _listed(invitees)
    body += [
        P(f"Tới dự {event}."),
        P(f"Chủ trì: {hon} {name}, {a.deputy_title}."),
        P(
            f"Thời gian: {c.r.choice(('07 giờ 30', '08 giờ 00', '14 giờ 00'))} phút,"
            f" {_WEEKDAYS[day.weekday()]}, {date_vi(day)}."
        ),
        P(
            f"Địa điểm: Hội trường tầng {c.r.randint(2, 5)}, trụ sở {a.full}, số {c.r.randint(1, 120)} đường"
            f" {c.f.street_name()}, {a.place}."
        ),
        P(
            f"Giao {c.lead} chuẩn bị báo cáo, tài liệu phục vụ Hội nghị; đề nghị các đại biểu nghiên cứu tài liệu"
            " trên hệ thống quản lý văn bản và điều hành trước khi dự họp."
        ),
        P("Rất mong các đại biểu tham dự đúng thời gian, thành phần./."),
    ]
    return f"Dự {event}", body


def _thong_bao(c: _Ctx) -> tuple[str, list[BodyParagraph]]:
    a, t = c.a, c.t
    _, name = c.person()
    meeting = c.earlier(1, 6)
    subs = ", ".join(_low(s) for s in a.subordinates)
    tasks = c.tasks(3)
    body = [
        P(
            f"Ngày {meeting.day:02d}/{meeting.month:02d}/{meeting.year}, tại trụ sở {a.full}, đồng chí {name},"
            f" {a.deputy_title} chủ trì cuộc họp về công tác {t.name}. Tham dự cuộc họp có đại diện lãnh đạo"
            f" {subs}."
        ),
        P(
            f"Sau khi nghe {c.lead} báo cáo tình hình triển khai và ý kiến phát biểu của các đại biểu dự họp, đồng chí"
            f" {a.deputy_title} kết luận như sau:"
        ),
        P(
            "1. Ghi nhận, đánh giá cao sự cố gắng của các cơ quan, đơn vị trong thời gian qua; tuy nhiên, tiến độ"
            " một số nhiệm vụ còn chậm, cần tập trung chỉ đạo quyết liệt hơn."
        ),
        P("2. Trong thời gian tới, yêu cầu các cơ quan, đơn vị tập trung thực hiện tốt các nhiệm vụ sau:"),
        P(f"a) {tasks[0]};"),
        P(f"b) {tasks[1]};"),
        P(f"c) {tasks[2]}."),
        P(f"3. Giao {c.lead} theo dõi, đôn đốc và báo cáo kết quả thực hiện trước {date_vi(c.workday_after(20, 45))}."),
        P(f"{a.short} thông báo để các cơ quan, đơn vị biết, thực hiện./."),
    ]
    return f"Kết luận của {a.deputy_title} tại cuộc họp về công tác {t.name}", body


def _cong_van(c: _Ctx) -> tuple[str, list[BodyParagraph]]:
    a, t = c.a, c.t
    hon, name = c.person()
    tasks = c.tasks(4)
    body = [
        P(
            f"Thực hiện {c.doc_ref()}, để {t.goal}, {a.short} đề nghị các cơ quan, đơn vị triển khai thực hiện"
            " một số nội dung sau:"
        )
    ]
    body += [P(f"{i}. {task}.") for i, task in enumerate(tasks, start=1)]
    body += [
        P(
            f"{len(tasks) + 1}. Giao {c.lead} theo dõi, đôn đốc, tổng hợp kết quả thực hiện, báo cáo {a.head_title}"
            f" trước {date_vi(c.workday_after(20, 60))}."
        ),
        P(
            f"Trong quá trình thực hiện, nếu có vướng mắc, đề nghị liên hệ {_low(hon)} {name}, chuyên viên {c.lead},"
            f" điện thoại: {c.f.numerify('09## ### ###')} để được phối hợp giải quyết./."
        ),
    ]
    return t.action, body


def _cong_dien(c: _Ctx) -> tuple[str, list[BodyParagraph]]:
    a = c.a
    emergency = c.r.choice(_EMERGENCIES)
    lo = c.r.randint(37, 38) if "nắng" in emergency.situation else c.r.randint(100, 150)
    hi = lo + (2 if lo < 50 else c.r.randint(80, 150))
    top = hi + (2 if lo < 50 else c.r.randint(50, 100))
    situation = emergency.situation.format(place=a.place, a=lo, b=hi, c=top, days=c.r.randint(2, 5))
    if a.provincial:
        lower = "các quận, huyện, thị xã" if a.locality == "thành phố" else "các huyện, thành phố, thị xã"
        addressed = [
            f"Giám đốc các sở, Thủ trưởng các ban, ngành cấp {a.locality}",
            f"Chủ tịch Ủy ban nhân dân {lower}",
        ]
    elif a.kind == "ministry":
        addressed = ["Thủ trưởng các cơ quan, đơn vị thuộc Bộ"]
    else:
        addressed = ["Trưởng các phòng, đơn vị trực thuộc"]
    body = [P(a.head_full.upper() + " điện:", S.HEADING)]
    body += _listed(addressed)
    body.append(P(situation))
    body.append(
        P(
            f"Để chủ động ứng phó, bảo đảm an toàn tính mạng, tài sản của Nhân dân, {a.head_title} yêu cầu các cơ"
            " quan, đơn vị, địa phương tập trung thực hiện ngay các nội dung sau:"
        )
    )
    body += [P(f"{i}. {order}.") for i, order in enumerate(emergency.orders, start=1)]
    n = len(emergency.orders) + 1
    body.append(
        P(
            f"{n}. Tổ chức trực ban nghiêm túc, thường xuyên báo cáo tình hình về {a.short} (qua Văn phòng) để theo"
            " dõi, chỉ đạo./."
        )
    )
    return emergency.subject, body


_GENERATORS: dict[str, Callable[[_Ctx], tuple[str, list[BodyParagraph]]]] = {
    "QĐ": _quyet_dinh,
    "CT": _chi_thi,
    "BC": _bao_cao,
    "CTr": _chuong_trinh,
    "KH": _ke_hoach,
    "TTr": _to_trinh,
    "QC": _quy_che,
    "QyĐ": _quy_dinh,
    "HD": _huong_dan,
    "PC": _phieu_chuyen,
    "GM": _giay_moi,
    "TB": _thong_bao,
    "": _cong_van,
    "CĐ": _cong_dien,
}


def _recipients(c: _Ctx, t: DocType, addressees: tuple[str, ...], body: list[BodyParagraph]) -> list[str]:
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


def _signer(c: _Ctx, t: DocType) -> tuple[tuple[str, ...], str]:
    a = c.a
    head, deputy = a.head.upper(), a.deputy.upper()
    deputy_signs = c.r.random() < 0.6
    if t.abbr in ("PC", "TB") and not a.head.startswith("Chánh Văn phòng"):
        return (f"TL. {head}",), "CHÁNH VĂN PHÒNG"
    if a.kind == "province" and t.abbr not in ("CT", "CĐ"):
        collective = "TM. ỦY BAN NHÂN DÂN"
        return ((collective, f"KT. {head}"), deputy) if deputy_signs else ((collective,), head)
    return ((f"KT. {head}",), deputy) if deputy_signs else ((), head)


def _addressees_for(c: _Ctx, t: DocType) -> tuple[str, ...]:
    if t == CONG_VAN:
        return c.a.subordinates
    if t.abbr == "TTr":
        return (_superior(c.a),)
    if t.abbr == "PC":
        return (c.lead,)
    return ()


def _priority_for(c: _Ctx, t: DocType) -> str | None:
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
    agency = _agency(agency_id, agency_name)
    rng = random.Random(f"lienthong-doc|{seed}|{t.name}|{agency_id}")
    fake = Faker("vi_VN")
    fake.seed_instance(rng.getrandbits(64))
    topic = rng.choice(_TOPICS)
    if t.abbr == "CĐ":  # an urgent dispatch is about a disaster: report to and file with the disaster office
        topic = next(x for x in _TOPICS if x.unit_local == "NN" and "thiên tai" in x.name)
    ctx = _Ctx(a=agency, t=topic, r=rng, f=fake, when=when, abbr_unit=agency.unit(topic))
    subject, body = _GENERATORS[t.abbr or ""](ctx)
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
        title_note=_regulation_note(ctx) if t.abbr in ("QC", "QyĐ") else None,
    )
