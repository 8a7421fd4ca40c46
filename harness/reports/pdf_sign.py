"""Signing a report PDF with the ICT department's certificate, as Decree 30 has an agency sign a
document attached to its letter: a visible signature at the top right of the first page showing
the letter's number and notation and the signing time (harness.signing does the signing)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    load_pem_private_key,
)

from harness.edxml.formats import now_ict
from harness.pki import TestPki
from harness.pki.model import Credential, Role
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


@dataclass(frozen=True, slots=True)
class ReportSigner:
    """The issuer's credential and the TSA: what signing a report needs, and picklable (as PEM), so that
    appendices can be signed in worker processes."""

    cred: Credential
    tsa: Credential

    @classmethod
    def of(cls, pki: TestPki, organ_id: str) -> ReportSigner:
        cred = pki.agencies.get(organ_id)
        if cred is None:
            raise ReportError(f"Không có chứng thư số của cơ quan ban hành {organ_id} để ký báo cáo.")
        return cls(cred, pki.tsa)

    def sign(self, pdf: bytes, *, reference: str, when: datetime | None = None) -> bytes:
        stamp = attachment_stamp_png(reference, when or now_ict())
        options = SigningOptions(tsa=self.tsa)
        return sign_with(pdf, self.cred, ATTACHMENT_FIELD, STAMP_BOX, image_png=stamp, options=options)

    def __reduce__(self) -> tuple[Any, tuple[bytes, bytes]]:
        return (ReportSigner._load, (_pem(self.cred), _pem(self.tsa)))

    @staticmethod
    def _load(cred: bytes, tsa: bytes) -> ReportSigner:
        return ReportSigner(_credential(cred), _credential(tsa))


def _pem(cred: Credential) -> bytes:
    """Key, certificate, chain, then the name fields as one JSON line: a credential across processes."""
    key = cred.key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
    certs = b"".join(c.public_bytes(Encoding.PEM) for c in (cred.certificate, *cred.chain))
    fields = {"name": cred.name, "role": cred.role.value, "organ_id": cred.organ_id}
    return key + certs + json.dumps(fields).encode() + b"\n"


def _credential(data: bytes) -> Credential:
    pem, _, fields_line = data.rpartition(b"-----\n")
    pem += b"-----\n"
    fields = json.loads(fields_line)
    key = load_pem_private_key(pem, password=None, unsafe_skip_rsa_key_validation=True)
    certs = x509.load_pem_x509_certificates(pem[pem.index(b"-----BEGIN CERTIFICATE") :])
    return Credential(fields["name"], Role(fields["role"]), certs[0], key, certs[1:], fields["organ_id"])  # type: ignore[arg-type]


def sign_report(pdf: bytes, pki: TestPki, organ_id: str, *, reference: str, when: datetime | None = None) -> bytes:
    """The PDF signed (PAdES, timestamped by the test TSA) with the agency certificate of `organ_id`."""
    return ReportSigner.of(pki, organ_id).sign(pdf, reference=reference, when=when)
