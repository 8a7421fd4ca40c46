"""Signing a report PDF with the ICT department's certificate, as Decree 30 has an agency sign a
document attached to its letter: a visible signature at the top right of the first page showing
the letter's number and notation and the signing time (harness.signing does the signing)."""

from __future__ import annotations

import re
from datetime import datetime

from harness.edxml.formats import now_ict
from harness.pki import TestPki
from harness.reports.errors import ReportError
from harness.signing.adapter import Box
from harness.signing.documents import attachment_stamp_png
from harness.signing.sign import A4_WIDTH, ATTACHMENT_FIELD, SigningOptions, sign_with

# In the top margin, right-aligned with the text (right margin 15 mm), clear of the motto below;
# 9:1 like the stamp image, so the two lines of the stamp are not squeezed.
STAMP_BOX: Box = (A4_WIDTH - 43 - 207, 792, A4_WIDTH - 43, 815)
_NUMBER = re.compile(r"[Ss]ố\s*:?\s*(\d+/[^\s,;]+)")


def stamp_reference(letter: str, fallback: str) -> str:
    """The number and notation of the letter the report is attached to ("451/STTTT-CNTT"), else `fallback`."""
    found = _NUMBER.search(letter)
    return found.group(1) if found else fallback


def sign_report(pdf: bytes, pki: TestPki, organ_id: str, *, reference: str, when: datetime | None = None) -> bytes:
    """The PDF signed (PAdES, timestamped by the test TSA) with the agency certificate of `organ_id`."""
    cred = pki.agencies.get(organ_id)
    if cred is None:
        raise ReportError(f"Không có chứng thư số của cơ quan ban hành {organ_id} để ký báo cáo.")
    stamp = attachment_stamp_png(reference, when or now_ict())
    return sign_with(pdf, cred, ATTACHMENT_FIELD, STAMP_BOX, image_png=stamp, options=SigningOptions(tsa=pki.tsa))
