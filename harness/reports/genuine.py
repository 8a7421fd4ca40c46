"""Is an uploaded PDF the genuine signed appendix? The check behind the console's public page
`/xac-minh/<code>`: the harness' own signature verification, then the file's digest against the
signed PDFs the campaign issued under that code.

Which SIG checks apply. A report appendix is a document attached to the ICT department's letter
and signed once, by the department's agency certificate (pdf_sign.py), the way Decree 30
(Appendix I) has an agency sign a separate attachment file. So it is verified as an attachment
(`Part.ATTACHMENT`: SIG-15 agency signature present, SIG-18 its place), not as a main document:
the two-signature rules of a Decree 30 document (SIG-13/14 person and agency signatures and
their order, SIG-16/17 seal and signature images) do not apply to a report. Everything else that
says whether the signature holds is kept: readable PDF (SIG-01), signature present and intact
(SIG-02/03), nothing changed after it (SIG-04), certificate trusted, valid and not revoked at the
signing time (SIG-06/07/08), allowed algorithms, key usage and format (SIG-09/20/21), signing
time (SIG-11), and with `issuer_organ_id` the signer's agency (SIG-12). The profile is PILOT
because that is how the reports are signed (PKCS#1 v1.5); PDF/A (SIG-22) is not claimed by the
reports and digitised-copy rules (SIG-23) are not about them. Only MUST findings count: a SHOULD
finding (signature placement, a certificate revoked after a timestamped signing time) does not
make a copy a forgery.

Stricter than the harness' SIG-04, which allows DSS/LTA and metadata updates after the last
signature: an issued appendix has exactly one signature and nothing after it, so the signature
must cover the entire file. The digest check alone would catch such updates too; the signature
checks are there to say why a copy that does not match is not genuine.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from harness.edxml.findings import Level
from harness.pki import TestPki
from harness.reports.text import ict
from harness.signing import adapter
from harness.signing.verify import Part, Profile, TrustConfig, verify_pdf

MAX_BYTES = 20 * 1024 * 1024
_MB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Genuineness:
    """The verdict on one uploaded file; `reasons_vi` says why it is not genuine (empty when it is)."""

    genuine: bool
    reasons_vi: tuple[str, ...]
    signer: str
    """Common name of the signer's certificate, "" when no signature could be read."""
    signed_at: datetime | None
    """The timestamp's time (else the time the signer claims), in Vietnam time."""
    sha256: str
    matches_issued: bool
    """The file is byte for byte one of the signed PDFs issued under the code."""


def _reason(rule_id: str, message_vi: str) -> str:
    """ "[SIG-03] ...", without the (English) exception text a parse failure carries."""
    if rule_id == "SIG-01" and message_vi.startswith("Không đọc được"):
        message_vi = "Không đọc được tệp PDF (tệp hỏng hoặc không đầy đủ)."
    elif rule_id == "SIG-03" and ": " in message_vi:
        message_vi = message_vi.split(": ", 1)[0] + "."
    return f"[{rule_id}] {message_vi}"


def _size(n: int) -> str:
    """ "20 MB", "1,5 MB", "800 byte"."""
    if n < _MB:
        return f"{n} byte"
    return f"{n / _MB:.1f}".removesuffix(".0").replace(".", ",") + " MB"


def _not_issued(issued: Collection[str]) -> str:
    if not issued:
        return "Chưa có bản phụ lục PDF nào được phát hành theo mã xác thực này."
    return "Tệp không phải bản phụ lục đã phát hành theo mã xác thực này (mã băm SHA-256 không khớp)."


def check_appendix_pdf(
    data: bytes,
    *,
    pki: TestPki,
    issued_sha256: Collection[str],
    issuer_organ_id: str | None = None,
    max_bytes: int = MAX_BYTES,
) -> Genuineness:
    """Whether `data` is a genuine signed appendix: signature intact, trusted and covering the
    whole file (verified against the test PKI's trust anchors, intermediates and CRLs), signed by
    `issuer_organ_id` when given, and the file's SHA-256 one of `issued_sha256`.

    Never raises on the content of `data`: an empty, oversized, truncated or non-PDF file is a
    not-genuine verdict with the reason in Vietnamese.
    """
    sha256 = hashlib.sha256(data).hexdigest()
    issued = {d.strip().lower() for d in issued_sha256}
    matches = sha256 in issued

    def verdict(reasons: list[str], signer: str = "", signed_at: datetime | None = None) -> Genuineness:
        if not matches:
            reasons.append(_not_issued(issued))
        return Genuineness(not reasons, tuple(reasons), signer, signed_at, sha256, matches)

    if not data:
        return verdict(["Tệp rỗng: không có nội dung để kiểm tra."])
    if len(data) > max_bytes:
        return verdict(
            [f"Tệp quá lớn ({_size(len(data))}, tối đa {_size(max_bytes)}): không phải phụ lục đã phát hành."]
        )
    try:
        result = verify_pdf(
            data, TrustConfig.from_pki(pki), sender=issuer_organ_id, part=Part.ATTACHMENT, profile=Profile.PILOT
        )
    except Exception as exc:  # a verifier bug must not take the public page down
        return verdict([f"Không kiểm tra được chữ ký số của tệp ({type(exc).__name__})."])
    reasons = [_reason(f.rule, f.message_vi) for f in result.findings if f.level is Level.MUST]
    signatures = result.signatures
    if len(signatures) > 1:
        reasons.append(f"Tệp có {len(signatures)} chữ ký số; phụ lục phát hành chỉ có một chữ ký của cơ quan ban hành.")
    if (
        signatures
        and not any(r.startswith(("[SIG-03]", "[SIG-04]")) for r in reasons)
        and not adapter.last_signature_covers_file(data)
    ):
        reasons.append("[SIG-04] Tệp có dữ liệu được thêm vào sau chữ ký số; bản phát hành không có phần thêm nào.")
    first = signatures[0] if signatures else None
    signed_at = first.signing_time if first else None
    return verdict(reasons, first.signer if first else "", ict(signed_at) if signed_at else None)
