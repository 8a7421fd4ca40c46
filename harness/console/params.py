"""Numbers in the console's addresses: validated before they reach the store.

`int()` takes `²`, `١٢` and a thousand digits; SQLite takes none of them beyond 64 bits (an
OverflowError that was a 500, after which the connection was reset). An identifier that cannot
be one is simply a page that does not exist.
"""

from __future__ import annotations

import re

from starlette.exceptions import HTTPException

MAX_ID = 2**31 - 1
_DIGITS = re.compile(r"[0-9]{1,10}")


def parse_id(raw: str | int | None, what_vi: str) -> int:
    """A positive identifier from a route or query parameter, or 404 in Vietnamese."""
    text = str(raw if raw is not None else "").strip()
    if not _DIGITS.fullmatch(text) or not 0 < int(text) <= MAX_ID:
        raise HTTPException(404, f"Không có {what_vi} «{text[:20]}».")
    return int(text)


def id_or_none(raw: object) -> int | None:
    """The same check for a form field, where a bad value is a form error rather than a 404."""
    text = str(raw if raw is not None else "").strip()
    return int(text) if _DIGITS.fullmatch(text) and 0 < int(text) <= MAX_ID else None
