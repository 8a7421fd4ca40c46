"""Vietnamese wording and formats shared by every renderer, so a DOCX, a PDF and a workbook agree."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from pathlib import PurePath

from harness.edxml.formats import ICT, now_ict
from harness.pdf.layout import date_vi, vn_number
from harness.trial.statement import ItemOutcome

MOTTO = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
SLOGAN = "Độc lập - Tự do - Hạnh phúc"
APPENDIX = "PHỤ LỤC"
APPENDIX_TITLE = "KẾT QUẢ CHẠY THỬ LIÊN THÔNG VĂN BẢN ĐIỆN TỬ"
SUMMARY_TITLE = "TỔNG HỢP KẾT QUẢ CHẠY THỬ LIÊN THÔNG VĂN BẢN ĐIỆN TỬ"
MARK = {ItemOutcome.PASSED: "Đ", ItemOutcome.FAILED: "K", ItemOutcome.NOT_RUN: "–"}
"""One-letter marks of the summary table: Đạt, Không đạt, chưa thực hiện."""
MARK_LEGEND = "Đ: Đạt; K: Không đạt; –: Chưa thực hiện."
NOT_DECLARED = "Chưa khai báo"

# XML 1.0 forbids most C0 controls; python-docx, openpyxl and ElementTree would fail or write broken files.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def clean(text: object) -> str:
    """Printable NFC text: strings from scenarios and rosters may carry control characters."""
    return unicodedata.normalize("NFC", _ILLEGAL.sub("", str(text)))


def safe_name(value: str) -> str:
    """A file or folder name from an organ id or scenario name (never a path, never '.' or '..')."""
    name = _SAFE_NAME.sub("_", value).strip("._")
    return name or "_"


def ict(dt: datetime) -> datetime:
    """The instant in Vietnam time; naive datetimes are taken as already in Vietnam time."""
    return dt.replace(tzinfo=ICT) if dt.tzinfo is None else dt.astimezone(ICT)


def datetime_vi(dt: datetime | None, empty: str = "") -> str:
    """ "20/11/2026 10:15" (Vietnam time), the form the appendix prints times in."""
    return ict(dt).strftime("%d/%m/%Y %H:%M") if dt is not None else empty


def date_line(place: str, day: date | None = None) -> str:
    """ "Nghệ An, ngày 29 tháng 11 năm 2026": the italic place and date line of Decree 30."""
    when = day or now_ict().date()
    return f"{clean(place)}, {date_vi(when)}" if place else _cap(date_vi(when))


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def percent_vi(share: float | None, empty: str = "–") -> str:
    """ "87,5%": Vietnamese decimal comma, one decimal."""
    return f"{vn_number(share * 100, 1)}%" if share is not None else empty


def number_vi(value: float, decimals: int = 0) -> str:
    """ "12.500", "3,25": Vietnamese digit grouping."""
    return vn_number(value, decimals)


def seconds_vi(seconds: float) -> str:
    return f"{vn_number(seconds, 1)} giây"


def looks_like_path(entry: str) -> bool:
    """Evidence entries are paths, except the tracebacks the runner keeps when the harness crashed."""
    return bool(entry) and "\n" not in entry and len(entry) < 1024 and not entry.startswith("Traceback")


def evidence_names(entries: list[str], limit: int = 3) -> str:
    """The file names of the path-like evidence entries, a few of them: a table cell, not a listing."""
    names = list(dict.fromkeys(PurePath(e).name for e in entries if looks_like_path(e)))
    if not names:
        return ""
    shown = ", ".join(names[:limit])
    more = len(names) - limit
    return f"{shown} và {more} tệp khác" if more > 0 else shown
