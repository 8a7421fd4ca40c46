"""The workbook the ICT department filters and totals: one sheet per view of the round, real dates
and numbers in the cells (not text), a styled and frozen header row."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import datetime

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from harness.reports.view import SummaryView
from harness.trial.catalogue import RUN_TESTS
from harness.trial.statement import ItemOutcome

SHEETS = ("Tổng hợp", "Chi tiết", "Lần chạy", "Trễ hạn", "Tỷ lệ điện tử", "Ma trận trao đổi", "Trao đổi theo cặp")
XLSX_FULL_MATRIX_MAX = 300
"""Parties up to which the sheet holds the whole N×N matrix; beyond, the matrix of level groups (every
pair is on the next sheet), so that the workbook stays quick to write and to open."""
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
_HEADER_FONT = Font(name="Times New Roman", bold=True, color="FFFFFF")
_HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
_BODY_FONT = Font(name="Times New Roman")
_THIN = Side(style="thin", color="A6A6A6")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_OUTCOME_FILL = {
    ItemOutcome.PASSED: PatternFill("solid", fgColor="C6EFCE"),
    ItemOutcome.FAILED: PatternFill("solid", fgColor="FFC7CE"),
    ItemOutcome.NOT_RUN: PatternFill("solid", fgColor="EDEDED"),
}
Cell = str | int | float | datetime | None


def _naive(dt: datetime | None) -> datetime | None:
    """Excel has no time zones: cells hold Vietnam wall-clock time (the views are already in ICT)."""
    return dt.replace(tzinfo=None) if dt is not None else None


def _styles(wb: Workbook) -> None:
    """Named styles, set on a cell in one step: a workbook of 50 000 runs is written in seconds, not minutes."""
    wb.add_named_style(
        NamedStyle(
            "lt-header",
            font=_HEADER_FONT,
            fill=_HEADER_FILL,
            border=_BORDER,
            alignment=Alignment(horizontal="center", vertical="center", wrap_text=True),
        )
    )
    top, wrapped = Alignment(vertical="top"), Alignment(vertical="top", wrap_text=True)
    wb.add_named_style(NamedStyle("lt-text", font=_BODY_FONT, border=_BORDER, alignment=wrapped))
    wb.add_named_style(NamedStyle("lt-value", font=_BODY_FONT, border=_BORDER, alignment=top))
    wb.add_named_style(
        NamedStyle("lt-date", font=_BODY_FONT, border=_BORDER, alignment=top, number_format=DATETIME_FORMAT)
    )


def _style_of(value: object) -> str:
    return "lt-text" if isinstance(value, str) else "lt-date" if isinstance(value, datetime) else "lt-value"


def _sheet(ws: Worksheet, headers: Sequence[str], rows: Sequence[Sequence[Cell]], widths: Sequence[float]) -> None:
    ws.append(list(headers))
    for row in rows:
        ws.append(list(row))
    for cell in ws[1]:
        cell.style = "lt-header"
    for row_cells in ws.iter_rows(min_row=2):
        for cell in row_cells:
            cell.style = _style_of(cell.value)
    for j, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = width
    ws.freeze_panes = "A2"
    if rows:
        ws.auto_filter.ref = ws.dimensions


def _completion(ws: Worksheet, view: SummaryView) -> None:
    headers = ["STT", "Mã định danh", "Tên cơ quan", "Đơn vị cung cấp", "Hệ thống", "Số mục đạt", "Không đạt"]
    headers += ["Chưa thực hiện", "Kết luận", "Hoàn thành lúc", "Trễ hạn", "Mã xác thực"]
    rows: list[list[Cell]] = [
        [
            n,
            a.organ_id,
            a.name,
            a.vendor,
            a.system,
            a.count(ItemOutcome.PASSED),
            a.count(ItemOutcome.FAILED),
            a.count(ItemOutcome.NOT_RUN),
            a.complete_vi,
            _naive(a.completed_at),
            "Có" if a.late else "Không",
            a.code,
        ]
        for n, a in enumerate(view.agencies, start=1)
    ]
    _sheet(ws, headers, rows, [6, 16, 36, 14, 16, 10, 10, 12, 16, 17, 9, 26])


def _details(ws: Worksheet, view: SummaryView) -> None:
    headers = [
        "Mã định danh",
        "Tên cơ quan",
        *(f"{t.test_id}{'' if t.mandatory else ' (khuyến nghị)'}" for t in RUN_TESTS),
    ]
    headers.append("Kết luận")
    rows: list[list[Cell]] = [
        [a.organ_id, a.name, *(a.row(t.test_id).outcome_vi for t in RUN_TESTS), a.complete_vi] for a in view.agencies
    ]
    _sheet(ws, headers, rows, [16, 36, *([13] * len(RUN_TESTS)), 16])
    for i, a in enumerate(view.agencies, start=2):
        for j, t in enumerate(RUN_TESTS, start=3):
            ws.cell(row=i, column=j).fill = _OUTCOME_FILL[a.row(t.test_id).outcome]


def _runs(ws: Worksheet, view: SummaryView) -> None:
    headers = ["Mã định danh", "Mục", "Kịch bản", "Lần", "Kết quả", "Bắt đầu", "Số giây", "Thông điệp"]
    rows: list[list[Cell]] = [
        [r.organ_id, r.test_id, r.scenario, r.attempt, r.outcome_vi, _naive(r.started), r.seconds, r.message_vi]
        for r in view.runs
    ]
    _sheet(ws, headers, rows, [16, 8, 44, 6, 16, 17, 9, 60])


def _late(ws: Worksheet, view: SummaryView) -> None:
    headers = ["Mã định danh", "Tên cơ quan", "Thời hạn", "Hoàn thành lúc", "Tình trạng"]
    rows: list[list[Cell]] = [
        [a.organ_id, a.name, _naive(a.deadline), _naive(a.completed_at), a.conclusion_vi] for a in view.late
    ]
    _sheet(ws, headers, rows, [16, 36, 17, 17, 60])


def _shares(ws: Worksheet, view: SummaryView) -> None:
    headers = ["Mã định danh", "Tên cơ quan", "Gửi", "Nhận", "Điện tử", "Giấy", "Tỷ lệ điện tử"]
    rows: list[list[Cell]] = [
        [s.organ_id, s.name, s.sent, s.received, s.electronic, s.paper, s.share] for s in view.shares
    ]
    _sheet(ws, headers, rows, [16, 36, 8, 8, 9, 8, 13])
    for (cell,) in ws.iter_rows(min_row=2, min_col=7, max_col=7):
        cell.number_format = "0.0%"


def _matrix(ws: Worksheet, view: SummaryView) -> None:
    m = view.matrix if len(view.matrix.ids) <= XLSX_FULL_MATRIX_MAX else view.matrix.grouped()
    headers = ["Gửi \\ Nhận", *m.ids, "Tổng gửi"]
    rows: list[list[Cell]] = [
        [f"{m.names[i]} ({x})" if m.names[i] != x else x, *m.cells[i], m.row_totals[i]] for i, x in enumerate(m.ids)
    ]
    rows.append(["Tổng nhận", *m.column_totals, m.total])
    _sheet(ws, headers, rows, [44, *([15] * len(m.ids)), 10])
    last = ws.max_row
    for cell in ws[last]:
        cell.font = Font(name="Times New Roman", bold=True)
    ws.freeze_panes = "B2"


def _pairs(ws: Worksheet, view: SummaryView) -> None:
    """Every (sender, receiver) with documents: the matrix as a list to filter, at any size."""
    m = view.matrix
    headers = [
        "Mã cơ quan gửi",
        "Cơ quan gửi",
        "Nhóm gửi",
        "Mã cơ quan nhận",
        "Cơ quan nhận",
        "Nhóm nhận",
        "Số văn bản",
    ]
    rows: list[list[Cell]] = [
        [m.ids[i], m.names[i], m.groups[i], m.ids[j], m.names[j], m.groups[j], c]
        for i in range(len(m.ids))
        for j, c in m.sent_to(i)
    ]
    _sheet(ws, headers, rows, [16, 40, 30, 16, 40, 30, 11])


def workbook_xlsx(view: SummaryView) -> bytes:
    wb = Workbook()
    default = wb.active
    if default is not None:
        wb.remove(default)
    _styles(wb)
    for title, fill in zip(SHEETS, (_completion, _details, _runs, _late, _shares, _matrix, _pairs), strict=True):
        fill(wb.create_sheet(title), view)
    wb.properties.creator = view.frame.issuer_name
    wb.properties.title = "Kết quả chạy thử liên thông văn bản điện tử"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
