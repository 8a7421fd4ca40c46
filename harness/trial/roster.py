"""Import the trial roster (danh sách cơ quan chạy thử) from CSV or XLSX.

Columns are found by their header, Vietnamese or English, whatever the case, diacritics, punctuation or spacing
("Mã định danh", "MA DINH DANH", "id"...); a title block above the header row and extra columns (STT, ghi chú)
are ignored. Each bad row gets one Vietnamese error naming its row number and every problem found in it; the good
rows are still returned. Whole-file problems (unreadable, not CSV/XLSX, no header row) raise RosterFileError.
Nothing here raises anything else on bad input.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import NamedTuple

from harness.errors import LienthongError
from harness.ids import InvalidIdentifier, parse_agency_id
from harness.trial.statement import RosterEntry

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 20_000
MAX_COLUMNS = 64
HEADER_SEARCH_ROWS = 20
"""The header row must be among the first rows (a title block may stand above it)."""

FIELDS = ("organ_id", "name", "vendor", "system", "contact", "paper_documents")
HEADERS_VI = {
    "organ_id": "Mã định danh",
    "name": "Tên cơ quan",
    "vendor": "Đơn vị cung cấp",
    "system": "Hệ thống",
    "contact": "Đầu mối liên hệ",
    "paper_documents": "Văn bản giấy",
}
"""The canonical Vietnamese headers (what fixtures/rosters/*.csv and a blank template use)."""

ALIASES: dict[str, tuple[str, ...]] = {
    "organ_id": (
        "ma dinh danh",
        "ma dinh danh co quan",
        "ma dinh danh don vi",
        "ma co quan",
        "ma don vi",
        "ma",
        "id",
        "organ id",
        "organid",
        "agency id",
    ),
    "name": ("ten co quan", "ten don vi", "ten", "co quan", "don vi", "name", "agency", "agency name"),
    "vendor": ("don vi cung cap", "don vi cung cap phan mem", "nha cung cap", "vendor", "supplier"),
    "system": ("he thong", "ten he thong", "he thong qlvb", "phan mem", "system", "software"),
    "contact": ("dau moi lien he", "dau moi", "nguoi lien he", "lien he", "contact"),
    "paper_documents": ("van ban giay", "so van ban giay", "paper", "paper documents", "paper docs"),
}

_ALIAS_TO_FIELD = {alias: name for name, aliases in ALIASES.items() for alias in aliases}
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"


class RosterFileError(LienthongError):
    """The file as a whole cannot be read as a roster (Vietnamese message)."""


@dataclass(frozen=True, slots=True)
class RosterError:
    row: int
    """1-based row (line) number in the file or sheet."""
    message_vi: str
    """The whole message, starting with "Dòng N: "."""


class RosterImport(NamedTuple):
    """What a roster file gave: the good rows and one error per rejected row (unpacks as `entries, errors`)."""

    entries: list[RosterEntry]
    errors: list[RosterError]

    @property
    def ok(self) -> bool:
        return not self.errors


class _NoHeader(LienthongError):
    """The file has no usable header row (tried again with the next encoding or delimiter)."""


def normalise_header(text: str) -> str:
    """Case, diacritics, punctuation and spacing removed: "  Mã  định danh (*)" -> "ma dinh danh"."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return " ".join(re.sub(r"[^0-9a-z]+", " ", plain).split())


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return unicodedata.normalize("NFC", str(value)).strip()


def _header_map(cells: Sequence[object]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, cell in enumerate(cells):
        name = _ALIAS_TO_FIELD.get(normalise_header(_cell_text(cell)))
        if name is not None and name not in found:
            found[name] = index
    return found


def _check_id(value: str) -> str | None:
    """A Vietnamese problem with the identifier, or None when it is valid."""
    if not value:
        return "thiếu mã định danh"
    try:
        parse_agency_id(value)
    except InvalidIdentifier as exc:
        hint = ""
        if value.upper() != value:
            try:
                parse_agency_id(value.upper())
                hint = f" (có phải {value.upper()}?)"
            except InvalidIdentifier:
                pass
        return f"mã định danh {value!r} không hợp lệ: {exc.reason_vi}{hint}"
    return None


def parse_rows(rows: Iterable[tuple[int, Sequence[object]]]) -> RosterImport:
    """Entries and row errors from (row number, cells) pairs, header row included (found among the first rows).

    Raises RosterFileError when no header row with at least the identifier and name columns is found.
    """
    try:
        return _parse_rows(iter(rows))
    except _NoHeader as exc:
        raise RosterFileError(exc.message_vi) from None


def _parse_rows(rows: Iterator[tuple[int, Sequence[object]]]) -> RosterImport:
    columns: dict[str, int] | None = None
    partial: dict[str, int] = {}
    seen_rows = 0
    for _row_no, cells in rows:
        if not any(_cell_text(c) for c in cells):
            continue
        seen_rows += 1
        mapping = _header_map(cells[:MAX_COLUMNS])
        if "organ_id" in mapping and "name" in mapping:
            columns = mapping
            break
        if len(mapping) > len(partial):
            partial = mapping
        if seen_rows >= HEADER_SEARCH_ROWS:
            break
    if columns is None:
        if seen_rows == 0:
            raise _NoHeader("Tệp không có dữ liệu (không có dòng nào).")
        if partial:
            missing = [HEADERS_VI[f] for f in ("organ_id", "name") if f not in partial]
            raise _NoHeader(f"Dòng tiêu đề thiếu cột: {', '.join(missing)}.")
        expected = ", ".join(f"“{h}”" for h in HEADERS_VI.values())
        raise _NoHeader(
            f"Không tìm thấy dòng tiêu đề trong {HEADER_SEARCH_ROWS} dòng đầu; cần các cột {expected} "
            "(hoặc id, name, vendor, system, contact, paper)."
        )

    result = RosterImport([], [])
    first_row: dict[str, int] = {}
    count = 0
    for row_no, cells in rows:
        count += 1
        if count > MAX_ROWS:
            result.errors.append(
                RosterError(row_no, f"Dòng {row_no}: tệp quá {MAX_ROWS} dòng, phần còn lại bị bỏ qua.")
            )
            break
        values = {name: _cell_text(cells[i]) if i < len(cells) else "" for name, i in columns.items()}
        if not any(values.values()):
            continue
        problems: list[str] = []
        organ_id = values.get("organ_id", "")
        id_problem = _check_id(organ_id)
        if id_problem:
            problems.append(id_problem)
        elif organ_id in first_row:
            problems.append(f"mã định danh {organ_id} trùng với dòng {first_row[organ_id]}")
        name = values.get("name", "")
        if not name:
            problems.append("thiếu tên cơ quan")
        paper: int | None = None
        paper_text = values.get("paper_documents", "")
        if paper_text:
            if re.fullmatch(r"[0-9]{1,9}", paper_text):
                paper = int(paper_text)
            else:
                problems.append(f"số văn bản giấy {paper_text!r} không phải số nguyên không âm")
        if problems:
            result.errors.append(RosterError(row_no, f"Dòng {row_no}: {'; '.join(problems)}."))
            continue
        first_row[organ_id] = row_no
        result.entries.append(
            RosterEntry(
                organ_id=organ_id,
                name=name,
                vendor=values.get("vendor", ""),
                system=values.get("system", ""),
                contact=values.get("contact", ""),
                paper_documents=paper,
            )
        )
    return result


# -- CSV ---------------------------------------------------------------------------------------------------------


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise RosterFileError("Tệp UTF-16 bị hỏng, không đọc được.") from exc
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RosterFileError(
            f"Tệp không phải văn bản UTF-8 (byte lỗi ở vị trí {exc.start}) cũng không phải tệp Excel .xlsx: "
            "hãy lưu lại dưới dạng “CSV UTF-8” hoặc .xlsx."
        ) from exc
    if "\x00" in text:
        raise RosterFileError("Tệp chứa dữ liệu nhị phân, không phải CSV hay .xlsx.")
    return text


def _csv_rows(text: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    previous = 0
    try:
        for cells in reader:
            yield previous + 1, cells[:MAX_COLUMNS]
            previous = reader.line_num
    except csv.Error as exc:
        raise RosterFileError(f"Tệp CSV hỏng ở dòng {reader.line_num}: {exc}.") from exc


def parse_csv(text: str) -> RosterImport:
    """A roster from CSV text; the delimiter (comma, semicolon or tab) is the one that yields a header row."""
    head = "\n".join(text.splitlines()[:HEADER_SEARCH_ROWS])
    delimiters = sorted(",;\t", key=lambda d: -head.count(d))
    first_error: RosterFileError | None = None
    for delimiter in delimiters:
        try:
            return parse_rows(_csv_rows(text, delimiter))
        except RosterFileError as exc:
            first_error = first_error or exc
    assert first_error is not None
    raise first_error


# -- XLSX --------------------------------------------------------------------------------------------------------


def parse_xlsx(data: bytes, *, sheet: str | None = None) -> RosterImport:
    """A roster from an .xlsx workbook: the named sheet, or the first sheet that has a header row."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on damaged files
        raise RosterFileError(f"Không đọc được tệp Excel: {type(exc).__name__}: {exc}") from exc
    try:
        names = list(workbook.sheetnames)
        if sheet is not None and sheet not in names:
            listed = ", ".join(f"“{n}”" for n in names) or "(không có)"
            raise RosterFileError(f"Tệp Excel không có trang tính “{sheet}”; các trang tính: {listed}.")
        problems: list[str] = []
        for name in [sheet] if sheet is not None else names:
            try:
                worksheet = workbook[name]
                rows = (
                    (i, list(cells))
                    for i, cells in enumerate(worksheet.iter_rows(max_col=MAX_COLUMNS, values_only=True), start=1)
                )
                return parse_rows(rows)
            except RosterFileError as exc:
                problems.append(f"trang tính “{name}”: {exc.message_vi}")
                continue
            except Exception as exc:
                problems.append(f"trang tính “{name}”: không đọc được ({type(exc).__name__})")
                continue
        raise RosterFileError("Không trang tính nào đọc được danh sách: " + " ".join(problems))
    finally:
        workbook.close()


# -- files -------------------------------------------------------------------------------------------------------


def read_roster(path: Path, *, sheet: str | None = None) -> RosterImport:
    """Entries and row errors from a CSV or XLSX file (chosen by content, not only by extension).

    Raises RosterFileError (Vietnamese) when the file cannot be read as a roster at all.
    """
    try:
        with path.open("rb") as fh:
            data = fh.read(MAX_BYTES + 1)
    except OSError as exc:
        raise RosterFileError(f"Không đọc được tệp {path}: {exc.strerror or exc}") from exc
    if len(data) > MAX_BYTES:
        raise RosterFileError(f"Tệp {path} lớn quá {MAX_BYTES // (1024 * 1024)} MB.")
    if not data.strip():
        raise RosterFileError(f"Tệp {path} rỗng.")
    if data.startswith(_OLE_MAGIC):
        raise RosterFileError("Định dạng Excel cũ (.xls) không được hỗ trợ: hãy lưu lại thành .xlsx hoặc CSV UTF-8.")
    if data.startswith(_ZIP_MAGIC) or path.suffix.lower() in (".xlsx", ".xlsm"):
        return parse_xlsx(data, sheet=sheet)
    if sheet is not None:
        raise RosterFileError("Tùy chọn trang tính chỉ dùng cho tệp .xlsx.")
    return parse_csv(_decode(data))


def write_csv(entries: Iterable[RosterEntry], path: Path) -> None:
    """Write a roster with the canonical Vietnamese headers (UTF-8, comma); read_roster reads it back."""
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADERS_VI.values())
        for e in entries:
            paper = "" if e.paper_documents is None else str(e.paper_documents)
            writer.writerow([e.organ_id, e.name, e.vendor, e.system, e.contact, paper])
