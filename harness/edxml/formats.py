"""Date, timestamp and code formats of edXML (edxml.md §9), shared by builders and rules."""

from __future__ import annotations

import base64
import binascii
import re
from datetime import date, datetime, timedelta, timezone

ICT = timezone(timedelta(hours=7), "ICT")
DATE_RE = re.compile(r"^[0-9]{4}/[0-9]{2}/[0-9]{2}\Z")
TIMESTAMP_RE = re.compile(r"^[0-9]{4}/[0-9]{2}/[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}\Z")
STATUS_CODE_RE = re.compile(r"^[0-9]{2}\Z")
STATUS_CODES = ("01", "02", "03", "04", "05", "06", "13", "15", "16")


def format_date(d: date) -> str:
    """`yyyy/MM/dd`, the library's DEFAULT_DATE_FORMAT."""
    return d.strftime("%Y/%m/%d")


def format_timestamp(dt: datetime) -> str:
    """`yyyy/MM/dd HH:mm:ss` in local time (ICT), no zone designator."""
    if dt.tzinfo is not None:
        dt = dt.astimezone(ICT)
    return dt.strftime("%Y/%m/%d %H:%M:%S")


def parse_date(value: str) -> date | None:
    """The date of a `yyyy/MM/dd` string, or None when the shape or the calendar date is wrong."""
    if not DATE_RE.match(value):
        return None
    try:
        return datetime.strptime(value, "%Y/%m/%d").date()
    except ValueError:
        return None


def parse_timestamp(value: str) -> datetime | None:
    """The local time of a `yyyy/MM/dd HH:mm:ss` string, or None."""
    if not TIMESTAMP_RE.match(value):
        return None
    try:
        return datetime.strptime(value, "%Y/%m/%d %H:%M:%S")
    except ValueError:
        return None


def now_ict() -> datetime:
    return datetime.now(ICT)


def b64decode_valid(text: str) -> bytes:
    """`base64.b64decode(text, validate=True)`, the same bytes and the same errors, four times as fast on valid
    input: that first matches a regular expression over the whole text, then decodes, and every package an axis,
    a system or the harness reads is base64 twice over (its attachments, and the edXML in a VXP reply)."""
    try:
        return binascii.a2b_base64(text, strict_mode=True)
    except (binascii.Error, ValueError):
        return base64.b64decode(text, validate=True)
