"""The tables of the appendix and the summary as text, built once: the DOCX and the PDF print the same
headers, rows, notes and empty-table sentences, and only choose widths and type sizes."""

from __future__ import annotations

from dataclasses import dataclass

from harness.reports.text import MARK_LEGEND
from harness.reports.view import AgencyView, SummaryView
from harness.trial.catalogue import RUN_TESTS


@dataclass(frozen=True, slots=True)
class TextTable:
    title: str
    """The section heading ("" for the appendix' one table)."""
    headers: list[str]
    rows: list[list[str]]
    centred: tuple[int, ...]
    """Columns set centred (numbers, marks, codes)."""
    note: str = ""
    """The italic line under the table."""
    bold_rows: tuple[int, ...] = ()
    empty: str = ""
    """What is printed instead of the table when it has no rows."""


ITEM_HEADERS = ["STT", "Mục chạy thử", "Kết quả", "Thời gian", "Minh chứng / Lý do"]


def items(view: AgencyView, *, time_on_two_lines: bool = False) -> TextTable:
    """One row per run-test of an agency's appendix. The PDF's narrow time column takes the date, then
    the hour, on two lines, so that the date never splits."""
    rows = []
    for r in view.rows:
        when = r.ran_at_vi.replace(" ", "\n") if time_on_two_lines else r.ran_at_vi
        rows.append([str(r.stt), r.label, r.outcome_vi, when, r.evidence_vi])
    return TextTable("", ITEM_HEADERS, rows, centred=(0, 2, 3))


def completion(view: SummaryView) -> TextTable:
    rows = [
        [str(n), f"{a.name} ({a.organ_id})", *(a.row(t.test_id).mark for t in RUN_TESTS), a.complete_vi]
        for n, a in enumerate(view.agencies, start=1)
    ]
    return TextTable(
        "I. KẾT QUẢ HOÀN THÀNH THEO CƠ QUAN",
        ["STT", "Cơ quan", *(t.test_id.removeprefix("RT-") for t in RUN_TESTS), "Kết luận"],
        rows,
        centred=(0, *range(2, 3 + len(RUN_TESTS))),
        note=f"Cột 01–12: mục RT-01 đến RT-12. {MARK_LEGEND}",
    )


def late(view: SummaryView) -> TextTable:
    rows = [[str(n), a.name, a.organ_id, a.deadline_vi, a.conclusion_vi] for n, a in enumerate(view.late, start=1)]
    return TextTable(
        "II. CƠ QUAN TRỄ HẠN",
        ["STT", "Cơ quan", "Mã định danh", "Thời hạn", "Tình trạng"],
        rows,
        centred=(0, 2, 3),
        empty="Không có cơ quan trễ hạn.",
    )


def shares(view: SummaryView) -> TextTable:
    rows = [
        [
            str(n),
            f"{s.name} ({s.organ_id})",
            str(s.sent),
            str(s.received),
            "–" if s.paper is None else str(s.paper),
            s.share_vi,
        ]
        for n, s in enumerate(view.shares, start=1)
    ]
    return TextTable(
        "III. TỶ LỆ VĂN BẢN TRAO ĐỔI ĐIỆN TỬ",
        ["STT", "Cơ quan", "Gửi", "Nhận", "Giấy", "Tỷ lệ điện tử"],
        rows,
        centred=(0, 2, 3, 4, 5),
    )


def matrix(view: SummaryView) -> TextTable:
    """Who sent how many documents to whom; no rows when nothing was exchanged."""
    m = view.matrix
    n = len(m.ids)
    rows: list[list[str]] = []
    if m.total:
        rows = [
            [f"{i}. {m.names[i - 1]}", *(str(c) for c in row), str(total)]
            for i, (row, total) in enumerate(zip(m.cells, m.row_totals, strict=True), start=1)
        ]
        rows.append(["Tổng nhận", *(str(c) for c in m.column_totals), str(m.total)])
    return TextTable(
        "IV. MA TRẬN TRAO ĐỔI VĂN BẢN",
        ["Gửi \\ Nhận", *(str(i) for i in range(1, n + 1)), "Tổng gửi"],
        rows,
        centred=tuple(range(1, n + 2)),
        note="Hàng: cơ quan gửi; cột: cơ quan nhận (theo số thứ tự của hàng).",
        bold_rows=(n,),
        empty="Chưa có văn bản trao đổi trong đợt.",
    )
