"""The tables of the appendix and the summary as text, built once: the DOCX and the PDF print the same
headers, rows, notes and empty-table sentences, and only choose widths and type sizes."""

from __future__ import annotations

from dataclasses import dataclass

from harness.reports.text import MARK_LEGEND
from harness.reports.view import AgencyView, Matrix, SummaryView
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
    matrix: bool = False
    """A matrix: a label column then equal narrow number columns."""


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


FULL_MATRIX_MAX = 16
"""Parties up to which the whole N×N matrix is printed on A4; beyond, it is grouped by level and the
documents each party sent are listed."""
MATRIX_COLUMNS = 16
"""Receiver columns in one printed matrix table; a wider matrix continues in further tables."""
MATRIX_TITLE = "IV. MA TRẬN TRAO ĐỔI VĂN BẢN"
DETAIL_TITLE = "V. VĂN BẢN ĐÃ GỬI THEO TỪNG CƠ QUAN"
DETAIL_PER_ROW = 24
"""Receivers listed in one row of the detail table (a row never outgrows a page)."""


def _matrix_tables(m: Matrix, title: str, note: str) -> list[TextTable]:
    """The matrix in tables of at most MATRIX_COLUMNS receiver columns, rows repeated in each."""
    n = len(m.ids)
    chunks = [range(s, min(s + MATRIX_COLUMNS, n)) for s in range(0, n, MATRIX_COLUMNS)]
    out = []
    totals = m.column_totals
    for k, cols in enumerate(chunks):
        last = k == len(chunks) - 1
        rows = [
            [f"{i}. {m.names[i - 1]}", *(str(row[j]) for j in cols), *([str(total)] if last else [])]
            for i, (row, total) in enumerate(zip(m.cells, m.row_totals, strict=True), start=1)
        ]
        rows.append(["Tổng nhận", *(str(totals[j]) for j in cols), *([str(m.total)] if last else [])])
        part = f" (cột {cols[0] + 1}–{cols[-1] + 1})" if len(chunks) > 1 else ""
        out.append(
            TextTable(
                f"{title}{part}" if k == 0 else f"{title}{part}, tiếp theo",
                ["Gửi \\ Nhận", *(str(j + 1) for j in cols), *(["Tổng gửi"] if last else [])],
                rows,
                centred=tuple(range(1, len(cols) + 2)),
                note=note if last else "",
                bold_rows=(n,),
                matrix=True,
            )
        )
    return out


def matrices(view: SummaryView) -> list[TextTable]:
    """Who sent how many documents to whom: the whole matrix while it fits a page, else the matrix of
    level groups and, for each party that sent documents, to whom and how many."""
    m = view.matrix
    n = len(m.ids)
    if not m.total:
        return [TextTable(MATRIX_TITLE, [], [], (), empty="Chưa có văn bản trao đổi trong đợt.")]
    if n <= FULL_MATRIX_MAX:
        return _matrix_tables(m, MATRIX_TITLE, "Hàng: cơ quan gửi; cột: cơ quan nhận (theo số thứ tự của hàng).")
    grouped = _matrix_tables(
        m.grouped(),
        f"{MATRIX_TITLE} THEO NHÓM CƠ QUAN",
        f"Hàng: nhóm gửi; cột: nhóm nhận (theo số thứ tự của hàng). {n} đơn vị trao đổi văn bản, "
        "chi tiết từng cơ quan ở mục V; ma trận đầy đủ trong sổ tính ket-qua.xlsx.",
    )
    rows: list[list[str]] = []
    senders = 0
    for i, (organ_id, name) in enumerate(zip(m.ids, m.names, strict=True)):
        sent = m.sent_to(i)
        if not sent:
            continue
        senders += 1
        label = f"{name} ({organ_id})" if name != organ_id else organ_id
        # A probe sends to every agency: its list goes on as many rows as it takes to fit a page.
        for k in range(0, len(sent), DETAIL_PER_ROW):
            to = "; ".join(f"{m.ids[j]}: {c}" for j, c in sent[k : k + DETAIL_PER_ROW])
            first = k == 0
            rows.append(
                [
                    str(senders) if first else "",
                    label if first else "(tiếp)",
                    to,
                    str(sum(c for _, c in sent)) if first else "",
                ]
            )
    detail = TextTable(
        DETAIL_TITLE,
        ["STT", "Cơ quan gửi", "Gửi đến (mã định danh: số văn bản)", "Tổng gửi"],
        rows,
        centred=(0, 3),
        note=f"{senders}/{n} đơn vị đã gửi văn bản; đơn vị không có trong bảng chưa gửi văn bản nào.",
    )
    return [*grouped, detail]
