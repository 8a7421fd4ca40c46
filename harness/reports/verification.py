"""Verification codes: a short code printed (and QR-encoded) on each appendix that a verifier can
recompute from the statement, so a printed or forwarded copy can be matched to the recorded result.

The code is a SHA-256 over a canonical JSON of what the appendix asserts (agency, round, each item's
outcome and time, the bottom line); wording, reasons and file paths are left out, so re-rendering
the same result gives the same code and any changed outcome or time gives another.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import unicodedata
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any
from urllib.parse import quote

from PIL import Image
from reportlab.graphics.barcode.qr import QrCodeWidget

from harness.reports.text import ict
from harness.trial.statement import AgencyStatement, TrialRound, TrialSummary

CODE_VERSION = 1
CODE_PREFIX = "LT"
_GROUP = 4
_CODE_BYTES = 10  # 80 bits: 16 base32 characters
DEFAULT_VERIFY_BASE = "http://127.0.0.1:8090"
"""Where the console serves its public verification page (`<base>/xac-minh/<code>`)."""
VERIFY_PATH = "/xac-minh/"


def _instant(dt: datetime | None) -> str | None:
    return ict(dt).astimezone(UTC).isoformat(timespec="seconds") if dt is not None else None


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _round(r: TrialRound) -> dict[str, Any]:
    return {"number": r.number, "name": _nfc(r.name), "deadline": _instant(r.deadline), "letter": _nfc(r.letter)}


def _statement(s: AgencyStatement) -> dict[str, Any]:
    return {
        "organ_id": s.agency.organ_id,
        "name": _nfc(s.agency.name),
        "items": [
            {"id": i.test.test_id, "mandatory": i.test.mandatory, "outcome": str(i.outcome), "at": _instant(i.ran_at)}
            for i in s.items
        ],
        "complete": s.complete,
        "completed_at": _instant(s.completed_at),
    }


def canonical_content(statement: AgencyStatement) -> bytes:
    """The bytes the code is computed over (stable key order, UTC seconds, NFC text)."""
    data = {"v": CODE_VERSION, "kind": "phu-luc", "round": _round(statement.round), **_statement(statement)}
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def summary_content(summary: TrialSummary) -> bytes:
    """The summary's canonical bytes: every statement plus the exchange figures it prints."""
    data = {
        "v": CODE_VERSION,
        "kind": "tong-hop",
        "round": _round(summary.round),
        "issuer": summary.issuer.organ_id,
        "statements": [_statement(s) for s in summary.statements],
        "exchange": sorted([a, b, n] for (a, b), n in summary.exchange.items()),
        "stats": sorted([s.organ_id, s.sent, s.received, s.paper] for s in summary.stats.values()),
    }
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def code_of(content: bytes) -> str:
    """ "LT-7K3F-9QX2-ABCD-EF12": 80 bits of SHA-256 in base32, grouped for reading aloud."""
    digest = hashlib.sha256(content).digest()[:_CODE_BYTES]
    text = base64.b32encode(digest).decode("ascii").rstrip("=")
    groups = [text[i : i + _GROUP] for i in range(0, len(text), _GROUP)]
    return "-".join([CODE_PREFIX, *groups])


def verification_code(statement: AgencyStatement) -> str:
    return code_of(canonical_content(statement))


def summary_code(summary: TrialSummary) -> str:
    return code_of(summary_content(summary))


def _normalise(code: str) -> str:
    return "".join(c for c in code.upper() if c.isalnum())


def verify_code(statement: AgencyStatement, code: str) -> bool:
    """Whether `code` (as typed: any case, with or without dashes) matches the statement."""
    return _normalise(code) == _normalise(verification_code(statement))


def verify_url(code: str, base: str = DEFAULT_VERIFY_BASE) -> str:
    """The console's verification page of `code`: "http://127.0.0.1:8090/xac-minh/LT-7K3F-9QX2-ABCD-EF12"."""
    return base.rstrip("/") + VERIFY_PATH + quote(code, safe="-")


def qr_payload(statement: AgencyStatement, base: str = DEFAULT_VERIFY_BASE) -> str:
    """What the appendix's QR code holds: the verification page of its code on the console at `base`."""
    return verify_url(verification_code(statement), base)


def qr_widget(payload: str) -> QrCodeWidget:
    """reportlab's QR encoder, error correction M (survives a worn printout)."""
    return QrCodeWidget(payload, barLevel="M", barBorder=4)


QR_BORDER = 4
"""Quiet zone around the code, in modules (the standard's minimum)."""
QR_MASK = 0
"""The data mask, fixed: reportlab chooses the one with the fewest penalty points by drawing the code
with each of the eight (85 % of encoding it, 8 ms an appendix). Any mask is valid and read alike;
the checkerboard one breaks up runs of one colour as well as any."""


@lru_cache(maxsize=64)
def qr_modules(payload: str) -> tuple[tuple[bool, ...], ...]:
    """The QR code's dark modules, row by row: encoded once per payload, then drawn for the DOCX
    and the PDF alike."""
    qr = qr_widget(payload).qr
    qr.version = qr.calculate_version()
    qr.makeImpl(False, QR_MASK)
    count = int(qr.getModuleCount())
    return tuple(tuple(bool(qr.isDark(r, c)) for c in range(count)) for r in range(count))


def qr_png(payload: str, module_px: int = 8) -> bytes:
    """The same QR code as a PNG (for DOCX): one pixel per module, scaled up without smoothing."""
    modules = qr_modules(payload)
    side = len(modules) + 2 * QR_BORDER
    image = Image.new("1", (side, side), 1)
    image.putdata([0 if dark else 1 for row in _bordered(modules) for dark in row])
    out = io.BytesIO()
    image.resize((side * module_px, side * module_px), Image.Resampling.NEAREST).save(out, format="PNG")
    return out.getvalue()


def _bordered(modules: tuple[tuple[bool, ...], ...]) -> list[tuple[bool, ...]]:
    blank = (False,) * (len(modules) + 2 * QR_BORDER)
    edge = (False,) * QR_BORDER
    return [blank] * QR_BORDER + [edge + row + edge for row in modules] + [blank] * QR_BORDER
