"""`lienthong trial`: the trial campaign's roster, rounds, manual attestations and completion status."""

from __future__ import annotations

import sys
from datetime import datetime, time
from pathlib import Path
from typing import Any, NoReturn

import click
from rich.console import Console
from rich.table import Table
from rich.text import Text

from harness.edxml.formats import ICT
from harness.trial.catalogue import BY_ID, RUN_TESTS
from harness.trial.expected import DEFAULT_FEATURES, expected_scenarios
from harness.trial.roster import HEADERS_VI, RosterFileError, read_roster
from harness.trial.statement import ItemOutcome, TrialRound
from harness.trial.store import TEST_ID_RE, CampaignStore, StoreError

DEFAULT_DB = ".lienthong/trial/campaign.db"
ITEM_MARK = {
    ItemOutcome.PASSED: ("Đ", "green"),
    ItemOutcome.FAILED: ("K", "bold red"),
    ItemOutcome.NOT_RUN: ("–", "dim"),
}

WIDE_STATUS = 130
"""From this terminal width on, `status` gives each run-test its own column."""

_DATETIME_FORMATS = (
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%H:%M %d/%m/%Y",
    "%H:%M:%S %d/%m/%Y",
)
_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")


def parse_ict(value: str, *, end_of_day: bool = True) -> datetime:
    """A date-time in ICT from "2026-12-15 17:00", "15/12/2026 17:00", ISO 8601 with an offset, or a date alone
    (the end of that day when `end_of_day`, else its start). Raises ValueError (Vietnamese) otherwise."""
    text = " ".join(value.split())
    for fmt in _DATETIME_FORMATS:
        try:
            return datetime.strptime(text, fmt).replace(tzinfo=ICT)
        except ValueError:
            pass
    for fmt in _DATE_FORMATS:
        try:
            day = datetime.strptime(text, fmt).date()
        except ValueError:
            continue
        return datetime.combine(day, time(23, 59, 59) if end_of_day else time(0, 0), ICT)
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(
            f"thời điểm {value!r} không hợp lệ: dùng dạng “2026-12-15 17:00” hoặc “15/12/2026 17:00” (giờ Việt Nam)"
        ) from None
    return parsed.astimezone(ICT) if parsed.tzinfo is not None else parsed.replace(tzinfo=ICT)


class IctDateTime(click.ParamType[datetime, Any]):
    name = "thời điểm"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> datetime:
        if isinstance(value, datetime):
            return value
        try:
            return parse_ict(str(value))
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


ICT_DATETIME = IctDateTime()


def show_time(dt: datetime | None) -> str:
    return dt.astimezone(ICT).strftime("%H:%M %d/%m/%Y") if dt is not None else "không có"


def _compact(marks: list[Text]) -> Text:
    """Twelve marks in groups of three: "ĐĐĐ ĐĐĐ Đ–– ĐĐĐ"."""
    out = Text()
    for i, mark in enumerate(marks):
        if i and i % 3 == 0:
            out.append(" ")
        out.append_text(mark)
    return out


def _fail(message_vi: str, code: int = 2) -> NoReturn:
    click.echo(f"Lỗi: {message_vi}", err=True)
    sys.exit(code)


def _open(db: str) -> CampaignStore:
    try:
        return CampaignStore.open(db)
    except StoreError as exc:
        _fail(exc.message_vi)


db_option = click.option(
    "--db",
    default=DEFAULT_DB,
    show_default=True,
    envvar="LIENTHONG_TRIAL_DB",
    help="Cơ sở dữ liệu của chiến dịch chạy thử: đường dẫn tệp SQLite hoặc URL (sqlite:///..., postgresql://...).",
)
round_option = click.option(
    "--round", "round_number", type=click.IntRange(min=1), required=True, help="Số thứ tự đợt chạy thử."
)


@click.group("trial")
def trial_group() -> None:
    """Chạy thử: danh sách cơ quan, các đợt, xác nhận thủ công và tình trạng hoàn thành."""


@trial_group.command("roster")
@db_option
@click.option("--sheet", default=None, help="Trang tính cần đọc (tệp .xlsx); mặc định trang đầu tiên có dòng tiêu đề.")
@click.option(
    "--replace", is_flag=True, help="Bỏ khỏi danh sách các cơ quan không có trong tệp (chỉ khi không có dòng lỗi)."
)
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def roster_command(db: str, sheet: str | None, replace: bool, file: Path) -> None:
    """Nhập danh sách cơ quan chạy thử từ tệp CSV (UTF-8, dấu phẩy hoặc chấm phẩy) hoặc XLSX.

    Các cột nhận theo tiêu đề: Mã định danh, Tên cơ quan, Đơn vị cung cấp, Hệ thống, Đầu mối liên hệ,
    Văn bản giấy. Mã thoát: 0 tất cả các dòng hợp lệ, 1 có dòng bị từ chối, 2 không đọc được tệp.
    """
    try:
        imported = read_roster(file, sheet=sheet)
    except RosterFileError as exc:
        _fail(f"không đọc được danh sách {file}: {exc.message_vi}")
    console = Console()
    with _open(db) as store:
        try:
            store.import_roster(imported.entries, replace=replace and imported.ok)
            total = len(store.roster())
        except StoreError as exc:
            _fail(exc.message_vi)
    table = Table(title=f"Danh sách cơ quan chạy thử đã nhập từ {file.name}")
    for field_name, header in HEADERS_VI.items():
        table.add_column(header, no_wrap=field_name == "organ_id", justify="right" if field_name[0] == "p" else "left")
    for e in imported.entries:
        paper = "" if e.paper_documents is None else str(e.paper_documents)
        table.add_row(e.organ_id, e.name, e.vendor, e.system, e.contact, paper)
    console.print(table)
    if imported.errors:
        errors = Console(stderr=True)
        errors.print(f"[bold red]{len(imported.errors)} dòng bị từ chối:[/]")
        for error in imported.errors:
            errors.print(Text(f"  {error.message_vi}"))
        if replace:
            errors.print("Không bỏ cơ quan nào khỏi danh sách vì có dòng bị từ chối (--replace bị bỏ qua).")
    console.print(
        f"Đã nhập {len(imported.entries)} cơ quan, {len(imported.errors)} dòng bị từ chối; "
        f"danh sách hiện có {total} cơ quan."
    )
    sys.exit(1 if imported.errors else 0)


@trial_group.command("round")
@db_option
@click.option("--number", type=click.IntRange(min=1), required=True, help="Số thứ tự đợt (1, 2, ...).")
@click.option("--name", default=None, help="Tên đợt; mặc định “Đợt N”.")
@click.option("--deadline", type=ICT_DATETIME, default=None, help="Hạn hoàn thành, giờ Việt Nam: “2026-12-15 17:00”.")
@click.option("--no-deadline", is_flag=True, help="Bỏ hạn hoàn thành của đợt.")
@click.option(
    "--letter", default=None, help="Văn bản giao chạy thử, ví dụ “Công văn số 451/STTTT-CNTT ngày 10/6/2019”."
)
def round_command(
    db: str, number: int, name: str | None, deadline: datetime | None, no_deadline: bool, letter: str | None
) -> None:
    """Tạo hoặc sửa một đợt chạy thử (các tùy chọn không nêu giữ nguyên giá trị cũ)."""
    if deadline is not None and no_deadline:
        _fail("không dùng cùng lúc --deadline và --no-deadline.")
    with _open(db) as store:
        try:
            held = store.round(number) or TrialRound(number, f"Đợt {number}")
            saved = TrialRound(
                number,
                name if name is not None else held.name,
                None if no_deadline else deadline or held.deadline,
                letter if letter is not None else held.letter,
            )
            store.add_round(saved)
        except StoreError as exc:
            _fail(exc.message_vi)
    click.echo(f"Đã lưu đợt {saved.number}: {saved.name}; hạn hoàn thành: {show_time(saved.deadline)}.")
    if saved.letter:
        click.echo(f"Văn bản giao chạy thử: {saved.letter}")


@trial_group.command("attest")
@db_option
@round_option
@click.option("--agency", required=True, help="Mã định danh cơ quan.")
@click.option("--test", "test_id", required=True, help="Nội dung chạy thử, ví dụ RT-08.")
@click.option("--who", required=True, help="Người xác nhận (họ tên, chức vụ).")
@click.option("--note", default="", help="Ghi chú: đã làm gì, thấy gì.")
@click.option("--file", "files", multiple=True, type=click.Path(path_type=Path), help="Tệp minh chứng (lặp lại được).")
@click.option("--fail", "failed", is_flag=True, help="Xác nhận KHÔNG ĐẠT (mặc định: đạt).")
@click.option("--at", "at", type=ICT_DATETIME, default=None, help="Thời điểm thực hiện; mặc định bây giờ.")
def attest_command(
    db: str,
    round_number: int,
    agency: str,
    test_id: str,
    who: str,
    note: str,
    files: tuple[Path, ...],
    failed: bool,
    at: datetime | None,
) -> None:
    """Ghi nhận một bước thủ công của nội dung chạy thử (kèm tệp minh chứng, được chép vào kho của đợt)."""
    test_id = test_id.strip().upper()
    if not TEST_ID_RE.match(test_id) or (test_id.startswith("RT-") and test_id not in BY_ID):
        _fail(f"nội dung chạy thử {test_id!r} không có (RT-01..RT-12, AX-01..AX-12).")
    if not who.strip():
        _fail("thiếu người xác nhận (--who).")
    for f in files:
        if not f.is_file():
            _fail(f"không có tệp minh chứng {f}.")
    with _open(db) as store:
        try:
            if store.round(round_number) is None:
                _fail(f"chưa có đợt {round_number}: tạo bằng `lienthong trial round --number {round_number}`.")
            if test_id.startswith("RT-") and store.agency(agency) is None:
                _fail(f"cơ quan {agency} không có trong danh sách chạy thử (nhập bằng `lienthong trial roster`).")
            attestation = store.attest(
                round_number, agency, test_id, who=who, note=note, files=files, passed=not failed, at=at
            )
        except StoreError as exc:
            _fail(exc.message_vi)
    verdict = "ĐẠT" if attestation.passed else "KHÔNG ĐẠT"
    click.echo(
        f"Đã ghi nhận {test_id} của {agency} (đợt {round_number}): {verdict}, {who}, {show_time(attestation.at)}."
    )
    for path, digest in zip(attestation.files, attestation.digests, strict=True):
        click.echo(f"  {path}  SHA-256 {digest}")


@trial_group.command("status")
@db_option
@click.option(
    "--round", "round_number", type=click.IntRange(min=1), default=None, help="Số thứ tự đợt; mặc định đợt mới nhất."
)
@click.option(
    "--features",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEFAULT_FEATURES,
    show_default=True,
    help="Thư mục kịch bản RT-* (để biết mỗi nội dung gồm những kịch bản nào).",
)
def status_command(db: str, round_number: int | None, features: Path) -> None:
    """Bảng tình trạng hoàn thành của từng cơ quan trong một đợt chạy thử."""
    try:
        expected = expected_scenarios(features)
    except Exception as exc:  # a broken feature file must not end in a traceback
        _fail(f"không đọc được kịch bản trong {features}: {exc}")
    with _open(db) as store:
        try:
            if round_number is None:
                known = store.rounds()
                if not known:
                    _fail("chưa có đợt chạy thử nào: tạo bằng `lienthong trial round --number 1 ...`.")
                round_number = known[-1].number
            statements = store.statements(round_number, expected)
        except StoreError as exc:
            _fail(exc.message_vi)
    console = Console()
    if not statements:
        console.print("Danh sách chạy thử trống: nhập bằng `lienthong trial roster FILE`.")
        return
    trial_round = statements[0].round
    wide = console.width >= WIDE_STATUS
    table = Table(title=f"Tình trạng chạy thử {trial_round.name} (hạn {show_time(trial_round.deadline)})")
    table.add_column("Mã định danh", no_wrap=True)
    table.add_column("Cơ quan", min_width=12, ratio=1)
    if wide:
        for test in RUN_TESTS:
            table.add_column(test.test_id[3:] + ("" if test.mandatory else "*"), justify="center", no_wrap=True)
    else:
        table.add_column("Nội dung 01…12", no_wrap=True)
    table.add_column("Kết quả", no_wrap=True)
    table.add_column("Trễ hạn", no_wrap=True)
    for s in statements:
        marks = [Text(ITEM_MARK[i.outcome][0], style=ITEM_MARK[i.outcome][1]) for i in s.items]
        cells: list[Text] = marks if wide else [_compact(marks)]
        verdict = Text(s.complete_vi, style="green" if s.complete else "red")
        overdue = Text("Trễ hạn" if s.late else "", style="bold red")
        table.add_row(s.agency.organ_id, s.agency.name, *cells, verdict, overdue)
    console.print(table)
    console.print(
        "Nội dung 01..12: RT-01..RT-12 (* và 08, 09 không bắt buộc); Đ: Đạt, K: Không đạt, –: Chưa thực hiện."
    )
    complete = sum(1 for s in statements if s.complete)
    late = sum(1 for s in statements if s.late)
    console.print(f"{complete}/{len(statements)} cơ quan hoàn thành; {late} cơ quan trễ hạn.")


def _add_run_command() -> None:
    """`trial run` lives in its own module (the campaign runner and its progress display), the console's
    accounts in the console's."""
    from harness.cli.console_cmd import accounts_command, user_command
    from harness.cli.trial_run_cmd import run_command

    trial_group.add_command(run_command)
    trial_group.add_command(accounts_command)
    trial_group.add_command(user_command)


_add_run_command()
