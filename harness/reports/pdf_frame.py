"""The Decree 30/2020/NĐ-CP frame in PDF, reusing the layout pieces of harness.pdf.layout (fonts,
margins, header columns, rules, styles) so reports look like the documents the harness generates."""

from __future__ import annotations

import io
from collections.abc import Sequence
from xml.sax.saxutils import escape

from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from harness.pdf.layout import (
    BOLD,
    HEADER_LEFT,
    HEADER_RIGHT,
    ITALIC,
    REGULAR,
    TEXT_WIDTH,
    Para,
    Rule,
    a4_template,
    break_issuer,
    max_line_width,
    styles,
)
from harness.reports.text import MOTTO, SLOGAN
from harness.reports.verification import QR_BORDER, qr_modules
from harness.reports.view import Frame as ReportFrame

CELL_PT = 10
URL_PT = 7.5
CLOSING_LEFT, CLOSING_LEFT_URL = 70, 82
"""Width (mm) of the closing's code column; wider when it prints the verification address."""
_CELL_PADDING = 3
_BASE_TABLE_STYLE = [
    ("FONTNAME", (0, 0), (-1, -1), REGULAR),  # the cell default would add a Helvetica resource
    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ("GRID", (0, 0), (-1, -1), 0.5, "black"),
    ("LEFTPADDING", (0, 0), (-1, -1), _CELL_PADDING),
    ("RIGHTPADDING", (0, 0), (-1, -1), _CELL_PADDING),
    ("TOPPADDING", (0, 0), (-1, -1), 2.5),
    ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
]
_LAYOUT_STYLE = [
    ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ("ALIGN", (0, 0), (-1, -1), "CENTER"),
    ("FONTNAME", (0, 0), (-1, -1), REGULAR),
    ("LEFTPADDING", (0, 0), (-1, -1), 0),
    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
    ("TOPPADDING", (0, 0), (-1, -1), 0),
    ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
]


def style(
    name: str, font: str = REGULAR, size: float = 13, *, align: int = TA_LEFT, leading: float = 0
) -> ParagraphStyle:
    return ParagraphStyle(name, fontName=font, fontSize=size, leading=leading or size * 1.25, alignment=align)


def text(value: str, st: ParagraphStyle | str) -> Paragraph:
    """A paragraph of plain text (escaped; newlines kept)."""
    return Para(escape(value).replace("\n", "<br/>"), styles()[st] if isinstance(st, str) else st)


def labelled(label: str, value: str, size: float = 13) -> Paragraph:
    """ "Tên cơ quan: <b>...</b>", the agency block's lines."""
    return Para(f"{escape(label)}: <b>{escape(value)}</b>", style("labelled", size=size, leading=size * 1.35))


def header(frame: ReportFrame) -> list[Flowable]:
    """Issuing body | motto, slogan and the italic place/date line, as on the generated documents."""
    left: list[Flowable] = []
    if frame.parent_name:
        left.append(text(break_issuer(frame.parent_name).upper(), "parent"))
    issuer = text(break_issuer(frame.issuer_name).upper(), "issuer")
    left.append(issuer)
    left.append(Rule(min(max_line_width(issuer, HEADER_LEFT), HEADER_LEFT) * 0.45))
    slogan_width = pdfmetrics.stringWidth(SLOGAN, BOLD, styles()["slogan"].fontSize)
    right: list[Flowable] = [text(MOTTO, "motto"), text(SLOGAN, "slogan"), Rule(slogan_width)]
    table = Table(
        [[left, right], ["", [text(frame.date_line, "date")]]],
        colWidths=[HEADER_LEFT, HEADER_RIGHT],
        style=TableStyle([*_LAYOUT_STYLE, ("BOTTOMPADDING", (0, 0), (-1, 0), 4 * mm)]),
    )
    return [table]


def titles(frame: ReportFrame, title: str) -> list[Flowable]:
    """ "PHỤ LỤC", the title, "(Kèm theo <letter>)"."""
    out: list[Flowable] = [Spacer(1, 7 * mm), text("PHỤ LỤC", "title"), text(title, "title")]
    if frame.letter:
        out.append(text(f"(Kèm theo {frame.letter})", "note"))
    out.append(Rule(40 * mm, space_before=6))
    out.append(Spacer(1, 5 * mm))
    return out


def section(title: str, space_after: float = 0) -> Paragraph:
    """A section heading, kept on the page of what follows it."""
    st = style("section", BOLD, 13, leading=17)
    st.keepWithNext = 1
    st.spaceAfter = space_after
    return Para(escape(title), st)


def grid(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    widths: Sequence[float],
    *,
    size: float = CELL_PT,
    centred: Sequence[int] = (),
    bold_rows: Sequence[int] = (),
    fills: Sequence[tuple[int, int, str]] = (),
) -> Table:
    """A bordered table, header bold and repeated on each page; `fills` are (row, col, colour).

    A value that fits its column on one line is drawn as a plain string (font, size and alignment
    from the table's style); a longer one becomes a paragraph that wraps. Paragraphs were most of
    the time of laying out an appendix."""
    head = style("th", BOLD, size, align=TA_CENTER)
    body_left, body_centre = style("td", REGULAR, size), style("tdc", REGULAR, size, align=TA_CENTER)
    bold_left, bold_centre = style("tb", BOLD, size), style("tbc", BOLD, size, align=TA_CENTER)
    room = [w - 2 * _CELL_PADDING - 0.5 for w in widths]

    def cell(value: str, bold: bool, para: ParagraphStyle, column: int) -> str | Flowable:
        if "\n" not in value and pdfmetrics.stringWidth(value, BOLD if bold else REGULAR, size) <= room[column]:
            return value
        return text(value, para)

    data: list[list[str | Flowable]] = [[cell(h, True, head, j) for j, h in enumerate(headers)]]
    for i, row in enumerate(rows):
        bold = i in bold_rows
        data.append(
            [
                cell(
                    v,
                    bold,
                    (bold_centre if bold else body_centre) if j in centred else (bold_left if bold else body_left),
                    j,
                )
                for j, v in enumerate(row)
            ]
        )
    commands: list[tuple[object, ...]] = [
        *_BASE_TABLE_STYLE,
        ("FONTSIZE", (0, 0), (-1, -1), size),
        ("LEADING", (0, 0), (-1, -1), size * 1.25),
        ("FONTNAME", (0, 0), (-1, 0), BOLD),
        ("ALIGN", (0, 0), (-1, 0), "CENTER"),
        ("BACKGROUND", (0, 0), (-1, 0), "#e8e8e8"),
    ]
    commands += [("ALIGN", (c, 1), (c, -1), "CENTER") for c in centred]
    commands += [("FONTNAME", (0, r + 1), (-1, r + 1), BOLD) for r in bold_rows]
    commands += [("BACKGROUND", (c, r + 1), (c, r + 1), colour) for r, c, colour in fills]
    return Table(data, colWidths=list(widths), repeatRows=1, style=TableStyle(commands), hAlign="CENTER")


class QrCode(Flowable):  # type: ignore[misc]
    """The QR code as one filled path of its dark modules: vector like reportlab's widget, but one
    drawing operation instead of a node per module (the widget cost 50 ms an appendix)."""

    def __init__(self, payload: str, size: float = 30 * mm) -> None:
        super().__init__()
        self.modules = qr_modules(payload)
        self.size = size

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return self.size, self.size

    def draw(self) -> None:
        unit = self.size / (len(self.modules) + 2 * QR_BORDER)
        path = self.canv.beginPath()
        for r, row in enumerate(self.modules):
            y = self.size - (r + QR_BORDER + 1) * unit
            c = 0
            while c < len(row):  # a run of dark modules is one rectangle
                if not row[c]:
                    c += 1
                    continue
                start = c
                while c < len(row) and row[c]:
                    c += 1
                path.rect((start + QR_BORDER) * unit, y, (c - start) * unit, unit)
        self.canv.drawPath(path, stroke=0, fill=1)


def closing(frame: ReportFrame, code: str, payload: str, url: str = "") -> Flowable:
    """Verification code and QR on the left (with `url`, the page to look the code up, printed
    under it); position, room for the signature and the signer on the right (where "Nơi nhận"
    and the signature go on a Decree 30 document)."""
    small = style("code", BOLD, 10, align=TA_CENTER)
    note = style("code-note", ITALIC, 9, align=TA_CENTER)
    left: list[Flowable] = [
        QrCode(payload),
        Para(f"Mã xác thực: {escape(code)}", small),
        Para("Mã được tính lại từ kết quả đã ghi nhận để đối chiếu bản này.", note),
    ]
    if url:
        # The address goes on its own line when "Tra cứu: <address>" does not fit the column.
        left.append(Para(f"Tra cứu: {escape(url)}", style("code-url", REGULAR, URL_PT, align=TA_CENTER)))
    left_width = (CLOSING_LEFT_URL if url else CLOSING_LEFT) * mm
    right: list[Flowable] = [
        text((frame.position or "Thủ trưởng cơ quan").upper(), "signer"),
        Spacer(1, 26 * mm),
        text(frame.signer_name, "signer"),
    ]
    table = Table([[left, right]], colWidths=[left_width, TEXT_WIDTH - left_width], style=TableStyle(_LAYOUT_STYLE))
    return KeepTogether([Spacer(1, 6 * mm), table])


def build(story: list[Flowable], *, title: str, author: str, subject: str) -> bytes:
    """Lay the story out on A4 with the decree's margins; page numbers from page 2, top centre."""
    buf = io.BytesIO()
    doc = a4_template(buf, title=title, author=author, subject=subject, creator="lienthong reports")
    doc.build(story)
    return buf.getvalue()
