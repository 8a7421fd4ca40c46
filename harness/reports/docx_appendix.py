"""The appendix of one agency and the summary across agencies as Word files, for the ICT department
to edit, number and file (the signed PDF is the version of record)."""

from __future__ import annotations

from docx.document import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH

from harness.reports import tables
from harness.reports.docx_frame import (
    TABLE_PT,
    TEXT_WIDTH_MM,
    grid_table,
    header_block,
    new_document,
    para,
    signature_block,
    title_block,
    to_bytes,
)
from harness.reports.text import APPENDIX, APPENDIX_TITLE, SUMMARY_TITLE
from harness.reports.verification import qr_png
from harness.reports.view import AgencyView, Frame, SummaryView
from harness.trial.catalogue import RUN_TESTS

ITEM_WIDTHS_MM = (11, 50, 22, 24, TEXT_WIDTH_MM - 107)


def _labelled(doc: Document, label: str, value: str) -> None:
    p = para(doc, space_after=2)
    p.add_run(f"{label}: ")
    p.add_run(value).bold = True


def _titles(frame: Frame, title: str) -> list[tuple[str, bool, bool]]:
    lines = [(APPENDIX, True, False), (title, True, False)]
    if frame.letter:
        lines.append((f"(Kèm theo {frame.letter})", False, True))
    return lines


def appendix_docx(view: AgencyView, frame: Frame) -> bytes:
    """Header, title, the agency block, one row per run-test, the bottom line, the signer."""
    doc = new_document(f"{APPENDIX_TITLE} - {view.name}", frame.issuer_name)
    header_block(doc, frame)
    title_block(doc, _titles(frame, APPENDIX_TITLE))
    _labelled(doc, "Tên cơ quan", view.name)
    _labelled(doc, "Mã định danh", view.organ_id)
    _labelled(doc, "Đơn vị cung cấp / hệ thống", view.vendor_system_vi)
    _labelled(doc, "Trục kiểm thử", view.axis_vi)
    _labelled(doc, "Đợt chạy thử", view.round_name)
    _labelled(doc, "Thời hạn hoàn thành", view.deadline_vi)
    para(doc, space_after=4)
    items = tables.items(view)
    grid_table(doc, items.headers, items.rows, ITEM_WIDTHS_MM, centred=items.centred)
    p = para(doc, space_before=8)
    p.add_run("Kết luận: ").bold = True
    p.add_run(view.conclusion_vi)
    signature_block(doc, frame, view.code, qr_png(view.qr_payload), view.verify_url)
    return to_bytes(doc)


def _section(doc: Document, text: str) -> None:
    para(doc, text, bold=True, space_before=10, space_after=4)


def _exchange_widths(table: tables.TextTable) -> tuple[list[float], float]:
    """A matrix: a label column and equal number columns; the list of what each party sent otherwise."""
    if table.matrix:
        columns = len(table.headers) - 1
        size = 10 if columns <= 9 else 8 if columns <= 15 else 6.5
        return [48.0, *[(TEXT_WIDTH_MM - 48.0) / columns] * columns], size
    return [9, 62, TEXT_WIDTH_MM - 9 - 62 - 17, 17], 9.5


def summary_docx(view: SummaryView) -> bytes:
    """Completion table, late agencies, share exchanged electronically, exchange matrix."""
    frame = view.frame
    doc = new_document(SUMMARY_TITLE, frame.issuer_name)
    header_block(doc, frame)
    title_block(doc, _titles(frame, SUMMARY_TITLE))
    _labelled(doc, "Đợt chạy thử", frame.round_name)
    _labelled(doc, "Số cơ quan hoàn thành", f"{view.complete_count}/{len(view.agencies)}")
    mark_w = 7.0
    widths: list[tuple[tables.TextTable, list[float], float]] = [
        (
            tables.completion(view),
            [9, TEXT_WIDTH_MM - 9 - 26 - mark_w * len(RUN_TESTS), *[mark_w] * len(RUN_TESTS), 26],
            9.5,
        ),
        (tables.late(view), [11, 48, 30, 26, TEXT_WIDTH_MM - 115], TABLE_PT),
        (tables.shares(view), [11, TEXT_WIDTH_MM - 11 - 18 * 3 - 28, 18, 18, 18, 28], TABLE_PT),
        *((t, *_exchange_widths(t)) for t in tables.matrices(view)),
    ]
    for table, table_widths, size in widths:
        _section(doc, table.title)
        if not table.rows:
            para(doc, table.empty)
            continue
        grid_table(
            doc,
            table.headers,
            table.rows,
            table_widths,
            size=size,
            centred=table.centred,
            bold_rows=table.bold_rows,
        )
        if table.note:
            para(doc, table.note, italic=True, size=11, space_before=2)
    if view.skipped:
        _section(doc, "Ghi chú")
        for note in view.skipped:
            para(doc, f"- {note}", size=12, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    signature_block(doc, frame, view.code, qr_png(view.qr_payload))
    return to_bytes(doc)
