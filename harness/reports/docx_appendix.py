"""The appendix of one agency and the summary across agencies as Word files, for the ICT department
to edit, number and file (the signed PDF is the version of record)."""

from __future__ import annotations

from docx.document import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH

from harness.reports.docx_frame import (
    TEXT_WIDTH_MM,
    grid_table,
    header_block,
    new_document,
    para,
    signature_block,
    title_block,
    to_bytes,
)
from harness.reports.text import APPENDIX, APPENDIX_TITLE, MARK_LEGEND, SUMMARY_TITLE
from harness.reports.verification import qr_png
from harness.reports.view import AgencyView, Frame, SummaryView
from harness.trial.catalogue import RUN_TESTS

ITEM_HEADERS = ("STT", "Mục chạy thử", "Kết quả", "Thời gian", "Minh chứng / Lý do")
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


def item_rows(view: AgencyView) -> list[list[str]]:
    return [[str(r.stt), r.label, r.outcome_vi, r.ran_at_vi, r.evidence_vi] for r in view.rows]


def appendix_docx(view: AgencyView, frame: Frame) -> bytes:
    """Header, title, the agency block, one row per run-test, the bottom line, the signer."""
    doc = new_document(f"{APPENDIX_TITLE} - {view.name}", frame.issuer_name)
    header_block(doc, frame)
    title_block(doc, _titles(frame, APPENDIX_TITLE))
    _labelled(doc, "Tên cơ quan", view.name)
    _labelled(doc, "Mã định danh", view.organ_id)
    _labelled(doc, "Đơn vị cung cấp / hệ thống", view.vendor_system_vi)
    _labelled(doc, "Đợt chạy thử", view.round_name)
    _labelled(doc, "Thời hạn hoàn thành", view.deadline_vi)
    para(doc, space_after=4)
    grid_table(doc, ITEM_HEADERS, item_rows(view), ITEM_WIDTHS_MM, centred=(0, 2, 3))
    p = para(doc, space_before=8)
    p.add_run("Kết luận: ").bold = True
    p.add_run(view.conclusion_vi)
    signature_block(doc, frame, view.code, qr_png(view.qr_payload), view.verify_url)
    return to_bytes(doc)


def _section(doc: Document, text: str) -> None:
    para(doc, text, bold=True, space_before=10, space_after=4)


def _matrix_size(n: int) -> float:
    return 10 if n <= 8 else 8 if n <= 14 else 6.5


def summary_docx(view: SummaryView) -> bytes:
    """Completion table, late agencies, share exchanged electronically, exchange matrix."""
    frame = view.frame
    doc = new_document(SUMMARY_TITLE, frame.issuer_name)
    header_block(doc, frame)
    title_block(doc, _titles(frame, SUMMARY_TITLE))
    _labelled(doc, "Đợt chạy thử", frame.round_name)
    _labelled(doc, "Số cơ quan hoàn thành", f"{view.complete_count}/{len(view.agencies)}")

    _section(doc, "I. KẾT QUẢ HOÀN THÀNH THEO CƠ QUAN")
    numbers = [t.test_id.removeprefix("RT-") for t in RUN_TESTS]
    rows = [
        [str(n), f"{a.name} ({a.organ_id})", *(a.row(t.test_id).mark for t in RUN_TESTS), a.complete_vi]
        for n, a in enumerate(view.agencies, start=1)
    ]
    mark_w = 7.0
    name_w = TEXT_WIDTH_MM - 9 - 26 - mark_w * len(RUN_TESTS)
    grid_table(
        doc,
        ["STT", "Cơ quan", *numbers, "Kết luận"],
        rows,
        [9, name_w, *([mark_w] * len(RUN_TESTS)), 26],
        size=9.5,
        centred=(0, *range(2, 3 + len(RUN_TESTS))),
    )
    para(doc, f"Cột 01–12: mục RT-01 đến RT-12. {MARK_LEGEND}", italic=True, size=11, space_before=2)

    _section(doc, "II. CƠ QUAN TRỄ HẠN")
    if view.late:
        late_rows = [
            [str(n), a.name, a.organ_id, a.deadline_vi, a.conclusion_vi] for n, a in enumerate(view.late, start=1)
        ]
        grid_table(
            doc,
            ["STT", "Cơ quan", "Mã định danh", "Thời hạn", "Tình trạng"],
            late_rows,
            [9, 48, 30, 26, TEXT_WIDTH_MM - 113],
            centred=(0, 2, 3),
        )
    else:
        para(doc, "Không có cơ quan trễ hạn.")

    _section(doc, "III. TỶ LỆ VĂN BẢN TRAO ĐỔI ĐIỆN TỬ")
    share_rows = [
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
    grid_table(
        doc,
        ["STT", "Cơ quan", "Gửi", "Nhận", "Giấy", "Tỷ lệ điện tử"],
        share_rows,
        [9, TEXT_WIDTH_MM - 9 - 18 * 3 - 28, 18, 18, 18, 28],
        centred=(0, 2, 3, 4, 5),
    )

    _section(doc, "IV. MA TRẬN TRAO ĐỔI VĂN BẢN")
    m = view.matrix
    if m.total:
        n = len(m.ids)
        first = 48.0
        cell_w = (TEXT_WIDTH_MM - first) / (n + 1)
        matrix_rows = [
            [f"{i}. {m.names[i - 1]}", *(str(c) for c in row), str(total)]
            for i, (row, total) in enumerate(zip(m.cells, m.row_totals, strict=True), start=1)
        ]
        matrix_rows.append(["Tổng nhận", *(str(c) for c in m.column_totals), str(m.total)])
        grid_table(
            doc,
            ["Gửi \\ Nhận", *(str(i) for i in range(1, n + 1)), "Tổng gửi"],
            matrix_rows,
            [first, *([cell_w] * (n + 1))],
            size=_matrix_size(n),
            centred=tuple(range(1, n + 2)),
            bold_rows=(n,),
        )
        para(
            doc, "Hàng: cơ quan gửi; cột: cơ quan nhận (theo số thứ tự của hàng).", italic=True, size=11, space_before=2
        )
    else:
        para(doc, "Chưa có văn bản trao đổi trong đợt.")
    if view.skipped:
        _section(doc, "Ghi chú")
        for note in view.skipped:
            para(doc, f"- {note}", size=12, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    signature_block(doc, frame, view.code, qr_png(view.qr_payload))
    return to_bytes(doc)
