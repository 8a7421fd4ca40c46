"""The Decree 30/2020/NĐ-CP frame in Word: A4 with the decree's margins, Times New Roman, the
two-column header (issuing body | national motto and date line), grid tables and the signature
block with the verification code. The appendix and the summary fill it in (docx_appendix.py)."""

from __future__ import annotations

import copy
import functools
import io
from collections.abc import Sequence
from typing import Any

from docx import Document as new_docx
from docx.document import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from harness.reports.text import MOTTO, SLOGAN
from harness.reports.view import Frame

FONT = "Times New Roman"
BODY_PT = 13
TITLE_PT = 14
TABLE_PT = 11
# Decree 30, Appendix I: A4; top and bottom 20-25 mm, left 30-35 mm, right 15-20 mm.
MARGIN_TOP_MM, MARGIN_BOTTOM_MM, MARGIN_LEFT_MM, MARGIN_RIGHT_MM = 20, 20, 30, 15
TEXT_WIDTH_MM = 210 - MARGIN_LEFT_MM - MARGIN_RIGHT_MM
HEADER_LEFT_MM = 62
HEADER_RIGHT_MM = TEXT_WIDTH_MM - HEADER_LEFT_MM


def new_document(title: str, author: str) -> Document:
    """An empty A4 document with the decree's margins and Times New Roman 13 pt as the default:
    a copy of one made once per process (opening python-docx's template took 14 ms a report)."""
    doc = copy.deepcopy(_blank())
    doc.core_properties.title = title
    doc.core_properties.author = author
    return doc


@functools.cache
def _blank() -> Document:
    doc = new_docx()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(MARGIN_TOP_MM), Mm(MARGIN_BOTTOM_MM)
    section.left_margin, section.right_margin = Mm(MARGIN_LEFT_MM), Mm(MARGIN_RIGHT_MM)
    normal = doc.styles["Normal"]
    font = normal.font
    font.name = FONT
    font.size = Pt(BODY_PT)
    rpr = normal.element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:  # pragma: no cover - python-docx adds it when the name is set
        rfonts = OxmlElement("w:rFonts")
        rpr.append(rfonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        rfonts.set(qn(attr), FONT)
    pf = normal.paragraph_format
    pf.space_before, pf.space_after = Pt(0), Pt(0)
    doc.core_properties.language = "vi-VN"
    _slim(doc)
    _grid_cell_margins(doc)
    return doc


GRID_CELL_MARGIN_TWIPS = 57
"""1 mm left and right in a bordered table's cells; the template's 1.9 mm left 3.2 of a run-test column's 7 mm,
and its two-digit number broke over two lines."""


def _grid_cell_margins(doc: Document) -> None:
    style = doc.styles.element.find(f"{qn('w:style')}[@{qn('w:styleId')}='{TABLE_GRID}']")
    margins = style.find(f"{qn('w:tblPr')}/{qn('w:tblCellMar')}") if style is not None else None
    if margins is None:  # pragma: no cover - python-docx's template defines them
        return
    for side in ("w:left", "w:right"):
        el = margins.find(qn(side))
        if el is not None:
            el.set(qn("w:w"), str(GRID_CELL_MARGIN_TWIPS))


_DROPPED_RELS = ("/stylesWithEffects", "/customXml", "/thumbnail")


def _slim(doc: Document) -> None:
    """Leave out what python-docx's template carries and the reports never use: 164 styles (380 KB
    of XML) where they name two, Word 2010's second copy of them, a bibliography store and a
    thumbnail of the template's own first page (which file browsers showed as the report's).
    Every report serialised, copied and compressed all of it: half the time of writing one."""
    styles = doc.styles.element
    by_id = {s.get(qn("w:styleId")): s for s in styles.iterchildren(qn("w:style"))}
    keep = {i for i, s in by_id.items() if s.get(qn("w:default")) in ("1", "true") or i in USED_STYLES}
    todo = list(keep)
    while todo:  # and the styles those are based on or linked to
        style = by_id[todo.pop()]
        for ref in ("w:basedOn", "w:link", "w:next"):
            el = style.find(qn(ref))
            target = el.get(qn("w:val")) if el is not None else None
            if target in by_id and target not in keep:
                keep.add(target)
                todo.append(target)
    for style_id, style in by_id.items():
        if style_id not in keep:
            styles.remove(style)
    for rels in (doc.part.rels, doc.part.package.rels):
        for rid in [r for r, rel in rels.items() if rel.reltype.endswith(_DROPPED_RELS)]:
            del rels[rid]


def para(
    where: Document | _Cell,
    text: str = "",
    *,
    bold: bool = False,
    italic: bool = False,
    size: float = BODY_PT,
    align: WD_ALIGN_PARAGRAPH | None = None,
    space_before: float = 0,
    space_after: float = 0,
    first: bool = False,
) -> Paragraph:
    """One paragraph of one run; `first` reuses the empty paragraph a new table cell starts with."""
    p = where.paragraphs[0] if first and isinstance(where, _Cell) else where.add_paragraph()
    if align is not None:
        p.alignment = align
    p.paragraph_format.space_before = Pt(space_before)
    p.paragraph_format.space_after = Pt(space_after)
    if text:
        run = p.add_run(text)
        run.bold, run.italic = bold or None, italic or None
        run.font.size = Pt(size)
    return p


def rule(where: Document | _Cell, width_mm: float, column_mm: float, *, space_before: float = 1) -> Paragraph:
    """A short centred horizontal line (under the issuing body and the motto): an empty paragraph
    indented from both sides with a bottom border, which Word draws only between the indents."""
    p = para(where, space_before=space_before)
    indent = max((column_mm - width_mm) / 2, 0)
    p.paragraph_format.left_indent = Mm(indent)
    p.paragraph_format.right_indent = Mm(indent)
    p.paragraph_format.line_spacing = Pt(2)
    ppr = p._p.get_or_add_pPr()
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    border.append(bottom)
    ppr.append(border)
    return p


def _no_borders(table: Table) -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    table._tbl.tblPr.append(borders)


def _widths(table: Table, widths_mm: Sequence[float]) -> None:
    """Each cell's width and the table grid's: Word lays a fixed table out by its cells, LibreOffice by its grid
    (python-docx splits the grid evenly, so LibreOffice showed every column of a matrix alike)."""
    table.autofit = False
    for column, width in zip(table.columns, widths_mm, strict=False):
        column.width = Mm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths_mm, strict=False):
            cell.width = Mm(width)


def layout_table(doc: Document, rows: int, widths_mm: Sequence[float]) -> Table:
    """A borderless table: the header and the signature block are laid out in columns."""
    table: Table = doc.add_table(rows=rows, cols=len(widths_mm))
    _no_borders(table)
    _widths(table, widths_mm)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    return table


def header_block(doc: Document, frame: Frame) -> None:
    """Issuing body on the left (governing body, then the body in bold capitals and a short rule);
    motto, slogan with its rule and the italic place/date line on the right."""
    table = layout_table(doc, 1, [HEADER_LEFT_MM, HEADER_RIGHT_MM])
    left, right = table.rows[0].cells
    centre = WD_ALIGN_PARAGRAPH.CENTER
    para(left, frame.parent_name.upper(), size=12, align=centre, first=True)
    para(left, frame.issuer_name.upper(), bold=True, size=12, align=centre)
    rule(left, 22, HEADER_LEFT_MM)
    para(right, MOTTO, bold=True, size=12, align=centre, first=True)
    para(right, SLOGAN, bold=True, size=13, align=centre)
    rule(right, 62, HEADER_RIGHT_MM)
    para(right, frame.date_line, italic=True, size=BODY_PT, align=centre, space_before=8)


def title_block(doc: Document, lines: Sequence[tuple[str, bool, bool]]) -> None:
    """Centred title lines: (text, bold, italic), 14 pt."""
    for n, (text, bold, italic) in enumerate(lines):
        para(
            doc,
            text,
            bold=bold,
            italic=italic,
            size=TITLE_PT,
            align=WD_ALIGN_PARAGRAPH.CENTER,
            space_before=14 if n == 0 else 0,
        )
    para(doc, space_after=4)


def _repeat_header(table: Table) -> None:
    trpr = table.rows[0]._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    trpr.append(el)


TABLE_GRID = "TableGrid"
"""The default template's bordered table style (set by id: looking it up by name costs 5 ms a table)."""
USED_STYLES = frozenset({"Normal", TABLE_GRID})
"""The styles the reports name; the document defaults (paragraph, character, table, list) stay too."""


def grid_table(
    doc: Document,
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    widths_mm: Sequence[float],
    *,
    size: float = TABLE_PT,
    centred: Sequence[int] = (),
    bold_rows: Sequence[int] = (),
) -> Table:
    """A bordered table with a bold header row repeated on every page; `centred` column indexes."""
    table: Table = doc.add_table(rows=1 + len(rows), cols=len(headers))
    table._tbl.tblStyle_val = TABLE_GRID
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _widths(table, widths_mm)
    _repeat_header(table)
    # Cells straight from each row's <w:tc> elements: Row.cells re-walks the grid (spans) on every call.
    cells = _CellFiller(table, size)
    trs = table._tbl.tr_lst
    for j, text in enumerate(headers):
        cells.fill(trs[0].tc_lst[j], text, bold=True, centre=True)
    for i, values in enumerate(rows, start=1):
        tcs = trs[i].tc_lst
        for j, text in enumerate(values):
            cells.fill(tcs[j], text, bold=(i - 1) in bold_rows, centre=j in centred)
    return table


class _CellFiller:
    """Fills table cells from one paragraph made by `para` per look (bold, centred), copied with
    its text replaced: a province's tables have thousands of cells, and python-docx's element
    API costs a third of a millisecond a paragraph."""

    def __init__(self, table: Table, size: float) -> None:
        self.table = table
        self.size = size
        self.protos: dict[tuple[bool, bool], Any] = {}

    def fill(self, tc: Any, text: str, *, bold: bool, centre: bool) -> None:
        if not text or "\n" in text or "\t" in text:  # empty or with breaks: python-docx's own way
            align = WD_ALIGN_PARAGRAPH.CENTER if centre else WD_ALIGN_PARAGRAPH.LEFT
            para(_Cell(tc, self.table), text, size=self.size, align=align, first=True, bold=bold)
            return
        proto = self.protos.get((bold, centre))
        if proto is None:
            proto = self.protos[(bold, centre)] = self._proto(tc, bold=bold, centre=centre)
        p = copy.deepcopy(proto)
        p.find(_T).text = text
        tc.replace(tc.find(_P), p)

    def _proto(self, tc: Any, *, bold: bool, centre: bool) -> Any:
        """A paragraph of this look made the slow way in a scratch copy of the cell."""
        scratch = copy.deepcopy(tc)
        align = WD_ALIGN_PARAGRAPH.CENTER if centre else WD_ALIGN_PARAGRAPH.LEFT
        para(_Cell(scratch, self.table), "x", size=self.size, align=align, first=True, bold=bold)
        p = scratch.find(_P)
        p.find(_T).set(qn("xml:space"), "preserve")
        return p


_P, _T = qn("w:p"), f"{qn('w:r')}/{qn('w:t')}"


def signature_block(doc: Document, frame: Frame, code: str, qr: bytes, url: str = "") -> None:
    """Verification code and QR on the left (with `url`, the page to look the code up); position
    and signer on the right (Decree 30 closing)."""
    para(doc, space_after=6)
    left_mm = 85 if url else 75  # room for the default address on one line (7.5 pt, cell margins)
    table = layout_table(doc, 1, [left_mm, TEXT_WIDTH_MM - left_mm])
    left, right = table.rows[0].cells
    p = para(left, first=True)
    p.add_run().add_picture(io.BytesIO(qr), width=Mm(26))
    para(left, f"Mã xác thực: {code}", bold=True, size=10)
    para(left, "Mã được tính lại từ kết quả đã ghi nhận để đối chiếu bản này.", italic=True, size=9)
    if url:
        para(left, f"Tra cứu: {url}", size=7.5)
    centre = WD_ALIGN_PARAGRAPH.CENTER
    para(right, (frame.position or "Thủ trưởng cơ quan").upper(), bold=True, size=BODY_PT, align=centre, first=True)
    para(right, space_before=72)  # room for the signature
    para(right, frame.signer_name, bold=True, size=BODY_PT, align=centre)


def to_bytes(doc: Document) -> bytes:
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
