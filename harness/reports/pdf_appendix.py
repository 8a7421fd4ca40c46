"""The appendix of one agency and the summary across agencies as PDF (unsigned; pdf_sign.py signs
them): the same content as the Word files, in the layout of the generated Decree 30 documents."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer

from harness.pdf.layout import ITALIC, TEXT_WIDTH, register_fonts
from harness.reports import tables
from harness.reports.pdf_frame import CELL_PT, build, closing, grid, header, labelled, section, style, text, titles
from harness.reports.tables import TextTable
from harness.reports.text import APPENDIX_TITLE, SUMMARY_TITLE
from harness.reports.view import AgencyView, Frame, SummaryView
from harness.trial.catalogue import RUN_TESTS


def _note(value: str) -> Paragraph:
    return text(value, style("note-small", ITALIC, 10.5))


def appendix_pdf(view: AgencyView, frame: Frame) -> bytes:
    register_fonts()
    widths = [10 * mm, 48 * mm, 22 * mm, 24 * mm]
    widths.append(TEXT_WIDTH - sum(widths))
    # The time on two lines (date, then hour): a narrow column that never splits the date.
    items = tables.items(view, time_on_two_lines=True)
    story: list[Flowable] = [
        *header(frame),
        *titles(frame, APPENDIX_TITLE),
        labelled("Tên cơ quan", view.name),
        labelled("Mã định danh", view.organ_id),
        labelled("Đơn vị cung cấp / hệ thống", view.vendor_system_vi),
        labelled("Trục kiểm thử", view.axis_vi),
        labelled("Đợt chạy thử", view.round_name),
        labelled("Thời hạn hoàn thành", view.deadline_vi),
        Spacer(1, 3 * mm),
        grid(items.headers, items.rows, widths, centred=items.centred),
        Spacer(1, 3 * mm),
        labelled("Kết luận", view.conclusion_vi),
        closing(frame, view.code, view.qr_payload, view.verify_url),
    ]
    return build(story, title=f"{APPENDIX_TITLE} - {view.name}", author=frame.issuer_name, subject=view.organ_id)


def _table(table: TextTable, widths: list[float], size: float = CELL_PT) -> list[Flowable]:
    """A summary section: its heading, the table (or the sentence that says it is empty), its note."""
    out: list[Flowable] = [Spacer(1, 4 * mm), section(table.title, space_after=2 * mm)]
    if not table.rows:
        return [*out, text(table.empty, style("plain"))]
    grid_ = grid(table.headers, table.rows, widths, size=size, centred=table.centred, bold_rows=table.bold_rows)
    return [*out, grid_, *([_note(table.note)] if table.note else [])]


def _matrix_pt(columns: int) -> float:
    return 9.5 if columns <= 9 else 7.5 if columns <= 15 else 6


def _widths(table: TextTable) -> tuple[list[float], float]:
    """A matrix: a label column and equal number columns; the list of what each party sent otherwise."""
    if table.matrix:
        first, columns = 48 * mm, len(table.headers) - 1
        return [first, *[(TEXT_WIDTH - first) / columns] * columns], _matrix_pt(columns)
    fixed = [11 * mm, 62 * mm, 0.0, 17 * mm]
    fixed[2] = TEXT_WIDTH - sum(fixed)
    return fixed, 9


def _sections(view: SummaryView) -> list[Flowable]:
    mark_w = 7.5 * mm
    late_widths = [11 * mm, 46 * mm, 31 * mm, 24 * mm]
    completion = _table(
        tables.completion(view),
        [11 * mm, TEXT_WIDTH - 11 * mm - 27 * mm - mark_w * len(RUN_TESTS), *[mark_w] * len(RUN_TESTS), 27 * mm],
        size=9,
    )
    exchange: list[Flowable] = []
    for table in tables.matrices(view):
        widths, size = _widths(table)
        exchange += _table(table, widths, size=size)
    return [
        *completion[1:],  # the first section follows the labels without the extra space
        *_table(tables.late(view), [*late_widths, TEXT_WIDTH - sum(late_widths)]),
        *_table(
            tables.shares(view),
            [11 * mm, TEXT_WIDTH - 11 * mm - 3 * 16 * mm - 26 * mm, 16 * mm, 16 * mm, 16 * mm, 26 * mm],
        ),
        *exchange,
    ]


def summary_pdf(view: SummaryView) -> bytes:
    register_fonts()
    frame = view.frame
    story: list[Flowable] = [
        *header(frame),
        *titles(frame, SUMMARY_TITLE.replace(" LIÊN THÔNG", "\nLIÊN THÔNG")),
        labelled("Đợt chạy thử", frame.round_name),
        labelled("Số cơ quan hoàn thành", f"{view.complete_count}/{len(view.agencies)}"),
        Spacer(1, 3 * mm),
        *_sections(view),
    ]
    if view.skipped:
        story += [Spacer(1, 4 * mm), section("Ghi chú")]
        story += [text(f"- {note}", style("plain-small", size=11)) for note in view.skipped]
    story.append(closing(frame, view.code, view.qr_payload))
    return build(story, title=SUMMARY_TITLE, author=frame.issuer_name, subject=frame.round_name)
