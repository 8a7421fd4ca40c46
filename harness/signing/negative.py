"""Negative fixtures of signatures.md §4.1: each breaks exactly one SIG rule of a conformant PDF.

They are built on demand (deterministic PKI, any base PDF) so tests and `lienthong` share them and
nothing binary has to be committed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from harness.pdf.images import seal_png, signature_png
from harness.pki import Defect, TestPki
from harness.pki.builder import SIGNED_IN_THE_PAST
from harness.pki.model import Credential
from harness.signing import adapter
from harness.signing.adapter import Box
from harness.signing.sign import SigningOptions, sign_agency, sign_attachment, sign_main_document, sign_person
from harness.signing.verify import VN, Part, Profile

DEFAULT_BOX: Box = (360, 120, 520, 200)


@dataclass(frozen=True, slots=True)
class NegativeFixture:
    name: str
    pdf: bytes
    part: Part
    expected: frozenset[str]
    """The SIG rules the fixture must fire (and no others); empty for the conformant ones."""
    profile: Profile = Profile.PILOT
    description: str = ""
    without_crls: bool = False
    """Verify without revocation data (the "revocation unavailable" case)."""
    archival: bool = False
    """Verify with the PDF/A claim check (SIG-22)."""
    digitised: bool = False
    """Verify as a digitised paper document (SIG-23)."""


def _flip_in_signed_range(pdf: bytes) -> bytes:
    """Change one byte of page content covered by the signature (outside /Contents)."""
    at = pdf.index(b"stream", pdf.index(b"/Length")) + 20
    return pdf[:at] + bytes([pdf[at] ^ 0x01]) + pdf[at + 1 :]


def _garble_cms(pdf: bytes) -> bytes:
    match = re.search(rb"/Contents <([0-9a-fA-F]{64})", pdf)
    if match is None:
        raise ValueError("no signature /Contents found")
    start = match.start(1) + 40
    return pdf[:start] + b"0" * 24 + pdf[start + 24 :]


def _modify_after_signing(pdf: bytes) -> bytes:
    """An incremental update that adds a content stream to page 1 (not an allowed change)."""
    return adapter.append_page_content(pdf, b"q 1 0 0 RG 50 50 200 100 re S Q")


def _seal_without_signature(base_pdf: bytes) -> bytes:
    """A red seal drawn as page content over a copy of the document: it looks signed, it is not."""
    import io

    from PIL import Image, ImageDraw
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    seal = Image.new("RGBA", (200, 200), (0, 0, 0, 0))
    draw = ImageDraw.Draw(seal)
    draw.ellipse((8, 8, 192, 192), outline=(220, 0, 0, 255), width=10)
    draw.ellipse((30, 30, 170, 170), outline=(220, 0, 0, 255), width=4)
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=True)
    c.drawString(100, 750, "QUYET DINH (ban chup, khong co chu ky so)")
    c.drawImage(ImageReader(seal), 330, 110, 100, 100, mask="auto")
    c.showPage()
    c.save()
    return buf.getvalue()


def scanned_pdf(dpi: int, version: tuple[int, int] = (1, 4)) -> bytes:
    """A digitised paper document: one A4 page that is a single scanned image at `dpi`."""
    import io

    from PIL import Image, ImageDraw
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    width, height = round(8.27 * dpi), round(11.69 * dpi)
    scan = Image.new("L", (width, height), 250)
    draw = ImageDraw.Draw(scan)
    for line in range(30):
        y = round((1.2 + line * 0.3) * dpi)
        draw.line((round(1.2 * dpi), y, width - round(0.8 * dpi), y), fill=60, width=max(1, dpi // 50))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=True, pdfVersion=version)
    c.drawImage(ImageReader(scan), 0, 0, A4[0], A4[1])
    c.showPage()
    c.save()
    return buf.getvalue()


def _text_stamped(pdf: bytes, agency: Credential, shown: datetime) -> bytes:
    """The agency's attachment signature with a text appearance: number/notation and a time."""
    from harness.signing.sign import ATTACHMENT_FIELD, attachment_box

    text = f"123/QD-UBND\n{shown.isoformat(timespec='seconds')}"
    return adapter.sign(pdf, agency, field_name=ATTACHMENT_FIELD, box=attachment_box(), stamp_text=text)


def _two_signatures(
    pdf: bytes, first: Credential, second: Credential, images: tuple[bytes, bytes], *, pades: bool, pss: bool
) -> bytes:
    """Two visible signatures in a chosen order and format (order and SubFilter fixtures)."""
    from harness.signing.sign import AGENCY_FIELD, PERSON_FIELD, seal_box_for

    boxes = {PERSON_FIELD: DEFAULT_BOX, AGENCY_FIELD: seal_box_for(DEFAULT_BOX)}
    out = pdf
    for cred, image in ((first, images[0]), (second, images[1])):
        name = AGENCY_FIELD if cred.organ_id and cred.role.value == "agency" else PERSON_FIELD
        out = adapter.sign(out, cred, field_name=name, box=boxes[name], image_png=image, pades=pades, pss=pss)
    return out


def _certify_then_new_field(
    base_pdf: bytes, person: Credential, agency: Credential, options: SigningOptions, person_png: bytes, seal: bytes
) -> bytes:
    """The VGCA pattern: the person certifies (DocMDP P=2), then the agency adds a new field."""
    from harness.signing.sign import AGENCY_FIELD, PERSON_FIELD, seal_box_for

    first = adapter.sign(
        base_pdf,
        person,
        field_name=PERSON_FIELD,
        box=DEFAULT_BOX,
        image_png=person_png,
        certify=True,
        pss=options.pss,
        tsa=options.tsa,
    )
    return adapter.sign(
        first,
        agency,
        field_name=AGENCY_FIELD,
        box=seal_box_for(DEFAULT_BOX),
        image_png=seal,
        pss=options.pss,
        tsa=options.tsa,
    )


def build_negative_fixtures(pki: TestPki, base_pdf: bytes, sender: str, other: str) -> list[NegativeFixture]:
    """Every fixture for a document sent by `sender` (and `other`, another agency of the PKI)."""
    person, agency = pki.person(sender), pki.agency(sender)
    pilot = SigningOptions(Profile.PILOT)
    person_png = signature_png(person.person_name, seed=1)
    seal = seal_png(agency.common_name)

    def main(
        agency_cred: Credential,
        options: SigningOptions = pilot,
        person_cred: Credential = person,
        seal_box: Box | None = None,
        with_images: bool = True,
    ) -> bytes:
        return sign_main_document(
            base_pdf,
            person_cred,
            agency_cred,
            signer_box=DEFAULT_BOX,
            person_png=person_png if with_images else None,
            seal_png=seal if with_images else None,
            seal_box=seal_box,
            options=options,
        )

    good = main(agency)
    out = [
        NegativeFixture(
            "conformant", good, Part.MAIN, frozenset(), description="Người có thẩm quyền và cơ quan cùng ký"
        ),
        NegativeFixture(
            "conformant-strict-pss-bt",
            main(agency, SigningOptions(Profile.STRICT, tsa=pki.tsa)),
            Part.MAIN,
            frozenset(),
            Profile.STRICT,
            "RSASSA-PSS, PAdES B-T",
        ),
        NegativeFixture(
            "conformant-attachment",
            sign_attachment(base_pdf, agency),
            Part.ATTACHMENT,
            frozenset(),
            description="Phụ lục do cơ quan ký",
        ),
        NegativeFixture("unsigned", base_pdf, Part.MAIN, frozenset({"SIG-02"}), description="Không ký"),
        NegativeFixture(
            "tampered", _flip_in_signed_range(good), Part.MAIN, frozenset({"SIG-03"}), description="Sửa nội dung đã ký"
        ),
        NegativeFixture(
            "garbled-cms", _garble_cms(good), Part.MAIN, frozenset({"SIG-03"}), description="Dữ liệu chữ ký hỏng"
        ),
        NegativeFixture(
            "modified-after-signing",
            _modify_after_signing(good),
            Part.MAIN,
            frozenset({"SIG-04"}),
            description="Cập nhật sau khi ký",
        ),
        NegativeFixture(
            "other-agency",
            main(pki.agency(other), person_cred=pki.person(other)),
            Part.MAIN,
            frozenset({"SIG-12"}),
            description="Ký bằng chứng thư của cơ quan khác",
        ),
        NegativeFixture(
            "sha1", main(agency, SigningOptions(Profile.PILOT, md_algorithm="sha1")), Part.MAIN, frozenset({"SIG-09"})
        ),
        NegativeFixture(
            "pkcs1v15-strict",
            good,
            Part.MAIN,
            frozenset({"SIG-10"}),
            Profile.STRICT,
            "PKCS#1 v1.5 trong hồ sơ strict",
        ),
        NegativeFixture(
            "agency-only", sign_agency(base_pdf, agency, DEFAULT_BOX, image_png=seal), Part.MAIN, frozenset({"SIG-13"})
        ),
        NegativeFixture(
            "person-only",
            sign_person(base_pdf, person, DEFAULT_BOX, image_png=person_png),
            Part.MAIN,
            frozenset({"SIG-13"}),
        ),
        NegativeFixture(
            "invisible-signatures",
            main(agency, with_images=False),
            Part.MAIN,
            frozenset({"SIG-16", "SIG-17"}),
            description="Ký nhưng không hiển thị hình chữ ký và con dấu",
        ),
        NegativeFixture(
            "seal-not-overlapping",
            main(agency, seal_box=(60, 120, 160, 220)),
            Part.MAIN,
            frozenset({"SIG-16"}),
            description="Con dấu đặt xa chữ ký",
        ),
        NegativeFixture(
            "attachment-signed-bottom-left",
            sign_agency(base_pdf, agency, (40, 40, 220, 80), field_name="Sig_CoQuan_PhuLuc"),
            Part.ATTACHMENT,
            frozenset({"SIG-18"}),
            description="Chữ ký phụ lục ở góc dưới bên trái",
        ),
        NegativeFixture("attachment-unsigned", base_pdf, Part.ATTACHMENT, frozenset({"SIG-15"})),
        NegativeFixture(
            "seal-image-no-signature",
            _seal_without_signature(base_pdf),
            Part.MAIN,
            frozenset({"SIG-02"}),
            description="Có hình con dấu nhưng không có chữ ký số",
        ),
        NegativeFixture(
            "certify-then-new-field-pilot",
            _certify_then_new_field(base_pdf, person, agency, pilot, person_png, seal),
            Part.MAIN,
            frozenset({"SIG-05"}),
            description="Mẫu VGCA: người ký chứng nhận (P=2), cơ quan thêm trường mới; cảnh báo ở hồ sơ pilot",
        ),
        NegativeFixture(
            "certify-then-new-field-strict",
            _certify_then_new_field(base_pdf, person, agency, SigningOptions(Profile.STRICT), person_png, seal),
            Part.MAIN,
            frozenset({"SIG-05"}),
            Profile.STRICT,
            "Mẫu VGCA, hồ sơ strict: lỗi",
        ),
        NegativeFixture(
            "bad-timestamp",
            main(agency, SigningOptions(Profile.PILOT, tsa=pki.bad[Defect.SELF_SIGNED])),
            Part.MAIN,
            frozenset({"SIG-11"}),
            description="Dấu thời gian của TSA không tin cậy",
        ),
        NegativeFixture("no-pdfa-claim", good, Part.MAIN, frozenset({"SIG-22"}), archival=True),
        NegativeFixture(
            "scan-200dpi",
            sign_attachment(scanned_pdf(200), agency),
            Part.MAIN,
            frozenset(),
            description="Văn bản số hóa 200 dpi, cơ quan ký góc trên bên phải",
            digitised=True,
        ),
        NegativeFixture(
            "scan-100dpi", sign_attachment(scanned_pdf(100), agency), Part.MAIN, frozenset({"SIG-23"}), digitised=True
        ),
        NegativeFixture(
            "agency-signs-first",
            _two_signatures(base_pdf, agency, person, (seal, person_png), pades=True, pss=False),
            Part.MAIN,
            frozenset({"SIG-14"}),
            description="Cơ quan ký trước người có thẩm quyền",
        ),
        NegativeFixture(
            "pkcs7-detached-strict",
            _two_signatures(base_pdf, person, agency, (person_png, seal), pades=False, pss=True),
            Part.MAIN,
            frozenset({"SIG-20"}),
            Profile.STRICT,
            "adbe.pkcs7.detached trong hồ sơ strict",
        ),
        NegativeFixture(
            "pkcs7-detached-pilot",
            _two_signatures(base_pdf, person, agency, (person_png, seal), pades=False, pss=False),
            Part.MAIN,
            frozenset(),
            description="adbe.pkcs7.detached như công cụ VGCA: chấp nhận ở hồ sơ pilot",
        ),
        NegativeFixture(
            "scan-pdf-1.3",
            sign_attachment(scanned_pdf(200, (1, 3)), agency),
            Part.MAIN,
            frozenset({"SIG-23"}),
            digitised=True,
        ),
        NegativeFixture(
            "visible-time-right",
            _text_stamped(base_pdf, agency, datetime.now(VN)),
            Part.ATTACHMENT,
            frozenset(),
            description="Số, ký hiệu và thời gian ký ISO 8601 đúng",
        ),
        NegativeFixture(
            "visible-time-wrong",
            _text_stamped(base_pdf, agency, datetime(2020, 1, 1, 8, 0, tzinfo=VN)),
            Part.ATTACHMENT,
            frozenset({"SIG-19"}),
            description="Thời gian hiển thị khác thời điểm ký",
        ),
        NegativeFixture(
            "scan-signed-bottom-left",
            sign_agency(scanned_pdf(200), agency, (40, 40, 220, 80)),
            Part.MAIN,
            frozenset({"SIG-23"}),
            digitised=True,
        ),
        NegativeFixture(
            "revoked-after-signing",
            main(pki.bad[Defect.REVOKED], SigningOptions(Profile.PILOT, tsa=pki.tsa, timestamp_at=SIGNED_IN_THE_PAST)),
            Part.MAIN,
            frozenset({"SIG-08"}),
            description="Thu hồi sau thời điểm ký có dấu thời gian: cảnh báo",
        ),
        NegativeFixture(
            "expired-after-signing",
            main(
                pki.bad[Defect.EXPIRED_AFTER_SIGNING],
                SigningOptions(Profile.PILOT, tsa=pki.tsa, timestamp_at=SIGNED_IN_THE_PAST),
            ),
            Part.MAIN,
            frozenset({"SIG-07"}),
            description="Hết hạn sau thời điểm ký có dấu thời gian: cảnh báo",
        ),
        NegativeFixture(
            "revocation-unavailable",
            good,
            Part.MAIN,
            frozenset({"SIG-08"}),
            description="Không có dữ liệu thu hồi (CRL)",
            without_crls=True,
        ),
        NegativeFixture("not-a-pdf", b"PK\x03\x04 not a pdf", Part.ATTACHMENT, frozenset({"SIG-01"})),
    ]
    by_defect: dict[Defect, str] = {
        Defect.EXPIRED: "SIG-07",
        Defect.NOT_YET_VALID: "SIG-07",
        Defect.REVOKED: "SIG-08",
        Defect.RSA_1024: "SIG-09",
        Defect.SELF_SIGNED: "SIG-06",
        Defect.UNTRUSTED: "SIG-06",
        Defect.NO_SIGNING_USAGE: "SIG-21",
        Defect.EXPIRED_AFTER_SIGNING: "SIG-07",
    }
    for defect, rule_id in by_defect.items():
        out.append(NegativeFixture(f"cert-{defect.value}", main(pki.bad[defect]), Part.MAIN, frozenset({rule_id})))
    return out


Builder = Callable[[TestPki, bytes, str, str], list[NegativeFixture]]
