"""The appendix of one agency and the summary across agencies as PDF (unsigned; pdf_sign.py signs
them): the same content as the Word files, in the layout of the generated Decree 30 documents."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer

from harness.pdf.layout import ITALIC, TEXT_WIDTH, register_fonts
from harness.reports.pdf_frame import build, closing, grid, header, labelled, section, style, text, titles
from harness.reports.text import APPENDIX_TITLE, MARK_LEGEND, SUMMARY_TITLE
from harness.reports.view import AgencyView, Frame, SummaryView
from harness.trial.catalogue import RUN_TESTS

ITEM_HEADERS = ("STT", "Mục chạy thử", "Kết quả", "Thời gian", "Minh chứng / Lý do")


def _note(value: str) -> Paragraph:
    return text(value, style("note-small", ITALIC, 10.5))


def appendix_pdf(view: AgencyView, frame: Frame) -> bytes:
    register_fonts()
    widths = [10 * mm, 48 * mm, 22 * mm, 24 * mm]
    widths.append(TEXT_WIDTH - sum(widths))
    # The time on two lines (date, then hour): a narrow column that never splits the date.
    rows = [[str(r.stt), r.label, r.outcome_vi, r.ran_at_vi.replace(" ", "\n"), r.evidence_vi] for r in view.rows]
    story: list[Flowable] = [
        *header(frame),
        *titles(frame, APPENDIX_TITLE),
        labelled("Tên cơ quan", view.name),
        labelled("Mã định danh", view.organ_id),
        labelled("Đơn vị cung cấp / hệ thống", view.vendor_system_vi),
        labelled("Đợt chạy thử", view.round_name),
        labelled("Thời hạn hoàn thành", view.deadline_vi),
        Spacer(1, 3 * mm),
        grid(ITEM_HEADERS, rows, widths, centred=(0, 2, 3)),
        Spacer(1, 3 * mm),
        labelled("Kết luận", view.conclusion_vi),
        closing(frame, view.code, view.qr_payload, view.verify_url),
    ]
    return build(story, title=f"{APPENDIX_TITLE} - {view.name}", author=frame.issuer_name, subject=view.organ_id)


def _completion(view: SummaryView) -> list[Flowable]:
    mark_w = 7.5 * mm
    name_w = TEXT_WIDTH - 11 * mm - 27 * mm - mark_w * len(RUN_TESTS)
    rows = [
        [str(n), f"{a.name} ({a.organ_id})", *(a.row(t.test_id).mark for t in RUN_TESTS), a.complete_vi]
        for n, a in enumerate(view.agencies, start=1)
    ]
    headers = ["STT", "Cơ quan", *(t.test_id.removeprefix("RT-") for t in RUN_TESTS), "Kết luận"]
    table = grid(
        headers,
        rows,
        [11 * mm, name_w, *([mark_w] * len(RUN_TESTS)), 27 * mm],
        size=9,
        centred=(0, *range(2, 3 + len(RUN_TESTS))),
    )
    return [
        section("I. KẾT QUẢ HOÀN THÀNH THEO CƠ QUAN"),
        Spacer(1, 2 * mm),
        table,
        _note(f"Cột 01–12: mục RT-01 đến RT-12. {MARK_LEGEND}"),
    ]


def _late(view: SummaryView) -> list[Flowable]:
    out: list[Flowable] = [Spacer(1, 4 * mm), section("II. CƠ QUAN TRỄ HẠN"), Spacer(1, 2 * mm)]
    if not view.late:
        return [*out, text("Không có cơ quan trễ hạn.", style("plain"))]
    rows = [[str(n), a.name, a.organ_id, a.deadline_vi, a.conclusion_vi] for n, a in enumerate(view.late, start=1)]
    widths = [11 * mm, 46 * mm, 31 * mm, 24 * mm]
    widths.append(TEXT_WIDTH - sum(widths))
    return [*out, grid(["STT", "Cơ quan", "Mã định danh", "Thời hạn", "Tình trạng"], rows, widths, centred=(0, 2, 3))]


def _shares(view: SummaryView) -> list[Flowable]:
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
    widths = [11 * mm, TEXT_WIDTH - 11 * mm - 3 * 16 * mm - 26 * mm, 16 * mm, 16 * mm, 16 * mm, 26 * mm]
    return [
        Spacer(1, 4 * mm),
        section("III. TỶ LỆ VĂN BẢN TRAO ĐỔI ĐIỆN TỬ"),
        Spacer(1, 2 * mm),
        grid(["STT", "Cơ quan", "Gửi", "Nhận", "Giấy", "Tỷ lệ điện tử"], rows, widths, centred=(0, 2, 3, 4, 5)),
    ]


def _matrix(view: SummaryView) -> list[Flowable]:
    out: list[Flowable] = [Spacer(1, 4 * mm), section("IV. MA TRẬN TRAO ĐỔI VĂN BẢN"), Spacer(1, 2 * mm)]
    m = view.matrix
    if not m.total:
        return [*out, text("Chưa có văn bản trao đổi trong đợt.", style("plain"))]
    n = len(m.ids)
    first = 48 * mm
    cell = (TEXT_WIDTH - first) / (n + 1)
    size = 9.5 if n <= 8 else 7.5 if n <= 14 else 6
    rows = [
        [f"{i}. {m.names[i - 1]}", *(str(c) for c in row), str(total)]
        for i, (row, total) in enumerate(zip(m.cells, m.row_totals, strict=True), start=1)
    ]
    rows.append(["Tổng nhận", *(str(c) for c in m.column_totals), str(m.total)])
    headers = ["Gửi \\ Nhận", *(str(i) for i in range(1, n + 1)), "Tổng gửi"]
    table = grid(headers, rows, [first, *([cell] * (n + 1))], size=size, centred=range(1, n + 2), bold_rows=(n,))
    return [*out, table, _note("Hàng: cơ quan gửi; cột: cơ quan nhận (theo số thứ tự của hàng).")]


def summary_pdf(view: SummaryView) -> bytes:
    register_fonts()
    frame = view.frame
    story: list[Flowable] = [
        *header(frame),
        *titles(frame, SUMMARY_TITLE.replace(" LIÊN THÔNG", "\nLIÊN THÔNG")),
        labelled("Đợt chạy thử", frame.round_name),
        labelled("Số cơ quan hoàn thành", f"{view.complete_count}/{len(view.agencies)}"),
        Spacer(1, 3 * mm),
        *_completion(view),
        *_late(view),
        *_shares(view),
        *_matrix(view),
    ]
    if view.skipped:
        story += [Spacer(1, 4 * mm), section("Ghi chú")]
        story += [text(f"- {note}", style("plain-small", size=11)) for note in view.skipped]
    story.append(closing(frame, view.code, view.qr_payload))
    return build(story, title=SUMMARY_TITLE, author=frame.issuer_name, subject=frame.round_name)
