"""Signing per Decree 30 (signatures.md §1.2): the person, then the agency over the left third of
the person's signature; separate attachments signed by the agency at the top right.

Profiles: `strict` signs RSA with RSASSA-PSS (TT 15/2025), `pilot` with PKCS#1 v1.5 as deployed
tools do. With a TSA credential the signatures are PAdES B-T (offline timestamp), else B-B.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from harness.pki.model import Credential
from harness.signing import adapter
from harness.signing.adapter import Box
from harness.signing.verify import Profile

PERSON_FIELD = "Sig_NguoiKy"
AGENCY_FIELD = "Sig_CoQuan"
ATTACHMENT_FIELD = "Sig_CoQuan_PhuLuc"
A4_WIDTH, A4_HEIGHT = 595, 842


@dataclass(frozen=True, slots=True)
class SigningOptions:
    profile: Profile = Profile.PILOT
    tsa: Credential | None = None
    md_algorithm: str = "sha256"
    timestamp_at: datetime | None = None
    """Fix the timestamp's time (fixtures of documents signed in the past); None is now."""

    @property
    def pss(self) -> bool:
        return self.profile is Profile.STRICT


def seal_box_for(signer_box: Box, seal_size: int = 100) -> Box:
    """A seal square whose right edge covers about the left third of the person's signature."""
    x1, y1, x2, y2 = signer_box
    right = x1 + (x2 - x1) // 3
    cy = (y1 + y2) // 2
    half = seal_size // 2
    return (right - seal_size, cy - half, right, cy + half)


def sign_with(
    pdf: bytes,
    cred: Credential,
    field_name: str,
    box: Box | None,
    *,
    page: int = 0,
    image_png: bytes | None = None,
    options: SigningOptions = SigningOptions(),
) -> bytes:
    """One signature in a new field, with the profile's mechanism, digest and timestamp."""
    return adapter.sign(
        pdf,
        cred,
        field_name=field_name,
        box=box,
        page=page,
        image_png=image_png,
        md_algorithm=options.md_algorithm,
        timestamp_at=options.timestamp_at,
        pss=options.pss,
        tsa=options.tsa,
    )


def sign_person(
    pdf: bytes,
    person: Credential,
    box: Box | None,
    *,
    page: int = 0,
    image_png: bytes | None = None,
    options: SigningOptions = SigningOptions(),
) -> bytes:
    return sign_with(pdf, person, PERSON_FIELD, box, page=page, image_png=image_png, options=options)


def sign_agency(
    pdf: bytes,
    agency: Credential,
    box: Box | None,
    *,
    page: int = 0,
    image_png: bytes | None = None,
    options: SigningOptions = SigningOptions(),
    field_name: str = AGENCY_FIELD,
) -> bytes:
    return sign_with(pdf, agency, field_name, box, page=page, image_png=image_png, options=options)


def sign_main_document(
    pdf: bytes,
    person: Credential,
    agency: Credential,
    *,
    signer_box: Box,
    page: int = 0,
    person_png: bytes | None = None,
    seal_png: bytes | None = None,
    seal_box: Box | None = None,
    options: SigningOptions = SigningOptions(),
) -> bytes:
    """Both Decree 30 signatures: the competent person first, then the agency's seal signature
    (by default over the left third of the person's, see `seal_box_for`)."""
    signed = sign_person(pdf, person, signer_box, page=page, image_png=person_png, options=options)
    box = seal_box or seal_box_for(signer_box)
    return sign_agency(signed, agency, box, page=page, image_png=seal_png, options=options)


def attachment_box(width: int = 180, height: int = 40, margin: int = 20) -> Box:
    """Top-right corner of the first page (A4), where the agency signs a separate attachment."""
    return (A4_WIDTH - margin - width, A4_HEIGHT - margin - height, A4_WIDTH - margin, A4_HEIGHT - margin)


def sign_attachment(
    pdf: bytes, agency: Credential, *, text_png: bytes | None = None, options: SigningOptions = SigningOptions()
) -> bytes:
    """The agency's signature on a separate attachment file, top right of page 1."""
    return sign_with(pdf, agency, ATTACHMENT_FIELD, attachment_box(), image_png=text_png, options=options)
