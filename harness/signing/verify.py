"""The SIG checks of signatures.md §4 on one PDF, as findings of the same type as the EDX ones.

pyHanko judges each signature (intact, trusted, revoked, coverage, modifications); this module
turns that into one finding per broken rule, adds what pyHanko does not judge (signer identity
against the sending agency, the two Decree 30 signatures, key usage, algorithm policy, time at
signing), and keeps one rule per cause, so a negative fixture fires exactly its own rule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from enum import StrEnum

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

from harness.edxml.findings import Finding, Level
from harness.pki import ORGAN_ID_PREFIX, POLICY_AGENCY, POLICY_PERSON, TestPki
from harness.pki.model import common_name, fingerprint
from harness.signing import adapter
from harness.signing.adapter import EmbeddedPdfSignature, PdfFileReader, PdfSignatureStatus
from harness.signing.catalogue import rule

ALLOWED_DIGESTS = frozenset(
    {"sha256", "sha384", "sha512", "sha3_256", "sha3_384", "sha3_512", "sha512_224", "sha512_256"}
)
ALLOWED_SUBFILTERS = frozenset({"/ETSI.CAdES.detached", "/adbe.pkcs7.detached"})


class Profile(StrEnum):
    STRICT = "strict"
    """TT 15/2025: RSASSA-PSS expected (SIG-10 warns), certify-then-new-field fails (SIG-05)."""
    PILOT = "pilot"
    """What deployed tools do: PKCS#1 v1.5 accepted silently, certify-then-new-field only warns."""


class Part(StrEnum):
    MAIN = "main"
    ATTACHMENT = "attachment"


class SignerClass(StrEnum):
    AGENCY = "agency"
    PERSON = "person"
    UNKNOWN = "unknown"


@dataclass(slots=True)
class TrustConfig:
    """Anchors, intermediates and CRLs for offline validation, plus who may sign for whom."""

    roots: list[x509.Certificate]
    intermediates: list[x509.Certificate] = field(default_factory=list)
    crls: list[x509.CertificateRevocationList] = field(default_factory=list)
    signer_map: dict[str, list[str]] | None = None
    """Organ id -> SHA-256 fingerprints allowed to sign for it; None trusts the UID in the subject."""

    @classmethod
    def from_pki(cls, pki: TestPki, *, with_signer_map: bool = True) -> TrustConfig:
        return cls(pki.trust_roots, pki.intermediates, list(pki.crls), pki.signer_map() if with_signer_map else None)


@dataclass(slots=True)
class SignatureInfo:
    """What the report shows of one signature."""

    field_name: str
    signer: str
    organ_id: str
    signer_class: SignerClass
    signing_time: datetime | None
    intact: bool
    trusted: bool


@dataclass(slots=True)
class PdfVerification:
    findings: list[Finding] = field(default_factory=list)
    signatures: list[SignatureInfo] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(f.level is Level.MUST for f in self.findings)

    def rules(self) -> set[str]:
        return {f.rule for f in self.findings}


def organ_id_of(cert: x509.Certificate) -> str:
    for attr in cert.subject.get_attributes_for_oid(NameOID.USER_ID):
        value = str(attr.value)
        if value.startswith(ORGAN_ID_PREFIX):
            return value[len(ORGAN_ID_PREFIX) :]
    return ""


def classify(cert: x509.Certificate) -> SignerClass:
    """Agency ("seal") or person certificate, by certificate policy (signatures.md §5 q. 3)."""
    try:
        policies = cert.extensions.get_extension_for_class(x509.CertificatePolicies).value
    except x509.ExtensionNotFound:
        return SignerClass.UNKNOWN
    oids = {p.policy_identifier for p in policies}
    if POLICY_AGENCY in oids:
        return SignerClass.AGENCY
    if POLICY_PERSON in oids:
        return SignerClass.PERSON
    return SignerClass.UNKNOWN


class _Collector:
    def __init__(self, location: str, profile: Profile) -> None:
        self.location = location
        self.profile = profile
        self.findings: list[Finding] = []

    def add(self, rule_id: str, where: str, vi: str, en: str, level: Level | None = None) -> None:
        r = rule(rule_id)
        self.findings.append(Finding(rule_id, level or r.level, f"{self.location}{where}", vi, en, r.source))


def _key_problem(cert: x509.Certificate) -> str | None:
    key = cert.public_key()
    if isinstance(key, rsa.RSAPublicKey) and key.key_size < 2048:
        return f"RSA {key.key_size} bit"
    if isinstance(key, ec.EllipticCurvePublicKey) and key.curve.key_size < 256:
        return f"ECDSA {key.curve.key_size} bit"
    return None


def _can_sign(cert: x509.Certificate) -> bool:
    try:
        ku = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        return True
    return bool(ku.digital_signature or ku.content_commitment)


def verify_pdf(
    pdf: bytes,
    trust: TrustConfig,
    *,
    sender: str | None = None,
    part: Part = Part.MAIN,
    profile: Profile = Profile.PILOT,
    location: str = "",
    archival: bool = False,
    digitised: bool = False,
) -> PdfVerification:
    """Every SIG check on one PDF; `sender` is the edXML From/OrganId the signers must belong to.

    `archival` adds the PDF/A claim check (SIG-22); `digitised` judges a scanned paper document
    (TT 01/2019: only the agency signs, top right; SIG-23) instead of the two Decree 30 signatures.
    """
    out = PdfVerification()
    c = _Collector(location, profile)
    out.findings = c.findings
    if not pdf.startswith(b"%PDF-"):
        c.add("SIG-01", "", "Tệp không phải PDF.", "The file is not a PDF.")
        return out
    try:
        reader = adapter.open_pdf(pdf)
    except Exception as exc:  # pyHanko raises many types on broken PDFs
        c.add("SIG-01", "", f"Không đọc được tệp PDF: {exc}.", f"Unreadable PDF: {exc}.")
        return out
    try:
        signatures = adapter.read_signatures(reader)
    except Exception as exc:
        c.add("SIG-03", "", f"Dữ liệu chữ ký hỏng, không kiểm tra được: {exc}.", f"Broken signature data: {exc}.")
        return out
    if not signatures:
        if part is Part.ATTACHMENT:
            c.add("SIG-15", "", "Tệp phụ lục không có chữ ký số của cơ quan.", "The attachment is not signed.")
        else:
            c.add("SIG-02", "", "Tài liệu chưa được ký số.", "The document carries no signature.")
        return out
    vc = adapter.validation_context(trust.roots, trust.intermediates, trust.crls)
    classes: list[SignerClass] = []
    widgets: list[adapter.Widget] = []
    statuses: list[PdfSignatureStatus | Exception] = []
    for sig in signatures:
        try:
            statuses.append(adapter.validate(sig, vc))
        except Exception as exc:
            statuses.append(exc)
    last_status = statuses[-1]
    changed_after_last = (
        not isinstance(last_status, Exception)
        and last_status.modification_level is not None
        and last_status.modification_level.name not in ("NONE", "LTA_UPDATES")
    )
    for index, sig in enumerate(signatures):
        last = index == len(signatures) - 1
        where = f"#chữ ký {sig.field_name}"
        try:
            cert = adapter.signer_certificate(sig)
        except Exception:
            c.add("SIG-03", where, "Không đọc được chứng thư số trong chữ ký.", "Unreadable signer certificate.")
            continue
        status = statuses[index]  # validated once above (the last one's decides SIG-05)
        if isinstance(status, Exception):
            c.add(
                "SIG-03",
                where,
                f"Không kiểm tra được chữ ký (dữ liệu ký hỏng): {status}.",
                f"Signature unverifiable: {status}.",
            )
            continue
        signer_class = classify(cert)
        classes.append(signer_class)
        widgets.append(adapter.widget(reader, sig))
        organ = organ_id_of(cert)
        tst = status.timestamp_validity
        when = tst.timestamp if tst is not None else status.signer_reported_dt
        out.signatures.append(
            SignatureInfo(
                sig.field_name, common_name(cert), organ, signer_class, when, bool(status.intact), bool(status.trusted)
            )
        )
        if not (status.intact and status.valid):
            c.add(
                "SIG-03",
                where,
                "Tài liệu đã bị thay đổi sau khi ký.",
                "The signed data was changed or the value is invalid.",
            )
            continue
        level = str(status.modification_level.name) if status.modification_level is not None else "NONE"
        allowed_after = level in ("NONE", "LTA_UPDATES")
        coverage = status.coverage.name if status.coverage is not None else ""
        if last and not (coverage == "ENTIRE_FILE" or allowed_after):
            c.add(
                "SIG-04",
                where,
                "Tài liệu đã bị sửa đổi sau chữ ký cuối cùng.",
                f"The file was changed after the last signature ({level}).",
            )
        elif not last and not changed_after_last and (level == "OTHER" or not status.docmdp_ok):
            c.add(
                "SIG-05",
                where,
                "Có thay đổi không được phép giữa các chữ ký.",
                f"Disallowed changes after this signature ({level}).",
                level=Level.SHOULD if profile is Profile.PILOT else None,
            )
        moment = when or datetime.now(UTC)
        problems = 0
        if not (cert.not_valid_before_utc <= moment <= cert.not_valid_after_utc):
            problems += 1
            expired = moment > cert.not_valid_after_utc
            c.add(
                "SIG-07",
                where,
                "Chứng thư số đã hết hạn sử dụng tại thời điểm ký."
                if expired
                else "Chứng thư số chưa có hiệu lực tại thời điểm ký.",
                f"Certificate not valid at signing time {moment.isoformat()}.",
            )
        digest = (status.md_algorithm or "").lower()
        weak_key = _key_problem(cert)
        if digest not in ALLOWED_DIGESTS or weak_key:
            problems += 1
            c.add(
                "SIG-09",
                where,
                f"Thuật toán không được phép: {weak_key or digest}.",
                f"Disallowed algorithm: {weak_key or digest}.",
            )
        if not _can_sign(cert):
            problems += 1
            c.add("SIG-21", where, "Chứng thư số không được phép dùng để ký.", "Key usage does not allow signing.")
        if (status.revoked or not status.trusted) and not problems:
            _judge_trust(c, where, sig, status, trust, profile, when)
        mechanism = str(status.pkcs7_signature_mechanism or "")
        if profile is Profile.STRICT and isinstance(cert.public_key(), rsa.RSAPublicKey) and "pss" not in mechanism:
            c.add("SIG-10", where, "Chữ ký RSA không dùng RSASSA-PSS.", f"RSA signature uses {mechanism}, not PSS.")
        shown = _shown_time(widgets[-1].text) if widgets else None
        if shown is not None and when is not None:
            wrong_zone = shown.utcoffset() != timedelta(hours=7)
            if wrong_zone or abs((shown - when).total_seconds()) > VISIBLE_TIME_TOLERANCE_S:
                c.add(
                    "SIG-19",
                    where,
                    f"Thời gian hiển thị {shown.isoformat()} không khớp thời điểm ký"
                    f" {when.astimezone(VN).isoformat(timespec='seconds')}"
                    + (" (không theo múi giờ Việt Nam)." if wrong_zone else "."),
                    f"Visible time {shown.isoformat()} differs from the signing time {when.isoformat()}.",
                )
        if when is None:
            c.add("SIG-11", where, "Chữ ký không gắn thời điểm ký.", "No signing time.")
        elif tst is not None and not (tst.intact and tst.valid and tst.trusted):
            c.add("SIG-11", where, "Dấu thời gian không hợp lệ.", "Invalid or untrusted timestamp.")
        if sender:
            allowed = None if trust.signer_map is None else trust.signer_map.get(sender, [])
            if organ != sender or (allowed is not None and fingerprint(cert) not in allowed):
                c.add(
                    "SIG-12",
                    where,
                    f"Người ký ({common_name(cert)}, {organ or 'không rõ cơ quan'}) không thuộc cơ quan gửi {sender}.",
                    f"Signer {organ or '?'} is not the sending agency {sender}.",
                )
        subfilter = str(sig.sig_object.get("/SubFilter", ""))
        if subfilter == "/adbe.pkcs7.detached" and profile is Profile.STRICT:
            c.add(
                "SIG-20",
                where,
                "Chữ ký dạng adbe.pkcs7.detached; TT 15/2025 khuyến nghị PAdES (ETSI.CAdES.detached).",
                "adbe.pkcs7.detached; PAdES (ETSI.CAdES.detached) is recommended.",
            )
        elif subfilter not in ALLOWED_SUBFILTERS:
            c.add("SIG-20", where, f"SubFilter không được hỗ trợ: {subfilter}.", f"Unsupported SubFilter {subfilter}.")
    if archival and adapter.pdfa_claim(reader) is None:
        c.add("SIG-22", "", "Tệp không khai báo PDF/A (TCVN 14159) trong siêu dữ liệu XMP.", "No PDF/A claim in XMP.")
    if digitised:
        _check_digitised(c, pdf, reader, classes, widgets)
    elif part is Part.MAIN:
        _check_main(c, classes)
        _check_main_appearance(c, classes, widgets)
    elif SignerClass.AGENCY not in classes:
        c.add("SIG-15", "", "Tệp phụ lục không có chữ ký số của cơ quan.", "No agency signature on the attachment.")
    else:
        _check_attachment_appearance(c, classes, widgets)
    return out


MIN_SCAN_DPI = 200
VISIBLE_TIME_TOLERANCE_S = 60
VN = timezone(timedelta(hours=7))
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:[+-]\d{2}:\d{2}|Z)")
_VGCA = re.compile(r"(\d{2})[./](\d{2})[./](\d{4}) (\d{2}):(\d{2}):(\d{2})")


def _shown_time(text: str) -> datetime | None:
    """A signing time printed on the appearance: ISO 8601 (Decree 30), or the VGCA tools'
    dd.MM.yyyy HH:mm:ss (read as Vietnam time)."""
    iso = _ISO.search(text)
    if iso:
        return datetime.fromisoformat(iso.group(0).replace("Z", "+00:00"))
    vgca = _VGCA.search(text)
    if vgca:
        d, mo, y, h, mi, se = (int(x) for x in vgca.groups())
        try:
            return datetime(y, mo, d, h, mi, se, tzinfo=VN)
        except ValueError:
            return None
    return None


def _top_right_of_first_page(w: adapter.Widget) -> bool:
    width, height = w.page_size or (595.0, 842.0)
    return (
        w.rect is not None
        and w.page == 0
        and (w.rect[0] + w.rect[2]) / 2 >= width / 2
        and (w.rect[1] + w.rect[3]) / 2 >= height / 2
    )


def _check_digitised(
    c: _Collector, pdf: bytes, reader: PdfFileReader, classes: list[SignerClass], widgets: list[adapter.Widget]
) -> None:
    # The header is the version the scan was produced in; a signer's later /Version upgrade of
    # the catalogue does not make the scanned file itself conform.
    version = pdf[5:8].decode("ascii", "replace")
    try:
        too_old = tuple(int(x) for x in version.split(".")) < (1, 4)
    except ValueError:
        too_old = True
    if too_old:
        c.add("SIG-23", "", f"Tệp số hóa dùng PDF {version}, phải từ 1.4.", f"PDF version {version} < 1.4.")
    dpi = adapter.first_page_scan_dpi(reader)
    if dpi is None or dpi < MIN_SCAN_DPI:
        shown = "không có ảnh quét" if dpi is None else f"{dpi:.0f} dpi"
        c.add(
            "SIG-23", "", f"Ảnh quét trang đầu chưa đạt {MIN_SCAN_DPI} dpi ({shown}).", f"Scan below 200 dpi ({shown})."
        )
    agency = [w for k, w in zip(classes, widgets, strict=True) if k is SignerClass.AGENCY]
    if not agency:
        c.add(
            "SIG-23", "", "Văn bản số hóa chưa có chữ ký số của cơ quan.", "No agency signature on the digitised copy."
        )
    elif not any(_top_right_of_first_page(w) for w in agency):
        c.add(
            "SIG-23",
            "",
            "Chữ ký của cơ quan trên văn bản số hóa không ở góc trên bên phải trang đầu.",
            "The agency signature is not top right of page 1.",
        )


SEAL_OVERLAP = (0.15, 0.55)
"""Share of the person's signature width the seal may cover (Decree 30: about one third)."""


def _check_main_appearance(c: _Collector, classes: list[SignerClass], widgets: list[adapter.Widget]) -> None:
    people = [w for k, w in zip(classes, widgets, strict=True) if k is SignerClass.PERSON]
    agencies = [w for k, w in zip(classes, widgets, strict=True) if k is SignerClass.AGENCY]
    for w in people:
        if not (w.visible and w.has_image):
            c.add(
                "SIG-17",
                "",
                "Chữ ký của người có thẩm quyền không hiển thị hình chữ ký trên văn bản.",
                "The person's signature has no visible signature image.",
            )
    if not people or not agencies:
        return
    person, seal = people[0], agencies[-1]
    if not (seal.visible and seal.has_image):
        c.add("SIG-16", "", "Chữ ký của cơ quan không hiển thị hình con dấu.", "The agency signature shows no seal.")
        return
    assert person.rect is not None and seal.rect is not None
    px1, py1, px2, py2 = person.rect
    sx1, sy1, sx2, sy2 = seal.rect
    share = (min(sx2, px2) - max(sx1, px1)) / max(px2 - px1, 1.0)
    vertical = min(sy2, py2) - max(sy1, py1)
    if seal.page != person.page or vertical <= 0 or sx1 >= px1 or not SEAL_OVERLAP[0] <= share <= SEAL_OVERLAP[1]:
        c.add(
            "SIG-16",
            "",
            f"Hình con dấu không trùm khoảng 1/3 bên trái chữ ký của người có thẩm quyền (trùm {max(share, 0):.0%}).",
            f"The seal does not cover about the left third of the person's signature ({max(share, 0):.0%}).",
        )


def _check_attachment_appearance(c: _Collector, classes: list[SignerClass], widgets: list[adapter.Widget]) -> None:
    for k, w in zip(classes, widgets, strict=True):
        if k is not SignerClass.AGENCY:
            continue
        if not _top_right_of_first_page(w):
            c.add(
                "SIG-18",
                "",
                "Chữ ký của cơ quan trên phụ lục không ở góc trên bên phải trang đầu.",
                "The attachment's agency signature is not top right of page 1.",
            )


def _judge_trust(
    c: _Collector,
    where: str,
    sig: EmbeddedPdfSignature,
    status: PdfSignatureStatus,
    trust: TrustConfig,
    profile: Profile,
    when: datetime | None,
) -> None:
    """Why a signature is not trusted now, judged at its signing time (VGCA semantics).

    A certificate revoked or expired *after* a timestamped signing time leaves the signature
    valid: that is a warning at receipt. Before it, or with no trusted time, it fails.
    """
    tst = status.timestamp_validity
    signing_time = when if tst is not None and tst.intact and tst.valid and tst.trusted else None
    if signing_time is not None and signing_time < datetime.now(UTC) - timedelta(minutes=5):
        try:
            vc = adapter.validation_context(
                trust.roots, trust.intermediates, trust.crls, moment=signing_time, retroactive=True
            )
            then = adapter.validate(sig, vc)
        except Exception:
            then = None
        if then is not None and then.trusted and not then.revoked:
            if status.revoked:
                c.add(
                    "SIG-08",
                    where,
                    "Chứng thư số bị thu hồi sau thời điểm ký (chữ ký vẫn có giá trị).",
                    f"Revoked after the timestamped signing time {signing_time.isoformat()}.",
                    level=Level.SHOULD,
                )
            else:
                c.add(
                    "SIG-07",
                    where,
                    "Chứng thư số hết hạn sau thời điểm ký (chữ ký vẫn có giá trị).",
                    f"Expired after the timestamped signing time {signing_time.isoformat()}.",
                    level=Level.SHOULD,
                )
            return
    if status.revoked:
        c.add("SIG-08", where, "Chứng thư số đã bị thu hồi.", "The certificate is revoked.")
    elif _trusted_without_revocation(sig, trust):
        c.add(
            "SIG-08",
            where,
            "Không kiểm tra được tình trạng thu hồi của chứng thư số.",
            "Revocation status unknown (no usable CRL).",
            level=Level.SHOULD if profile is Profile.PILOT else None,
        )
    else:
        c.add("SIG-06", where, "Chứng thư số không tin cậy.", f"Untrusted certificate ({status.trust_problem_indic}).")


def _trusted_without_revocation(sig: EmbeddedPdfSignature, trust: TrustConfig) -> bool:
    """True when only the revocation check failed: the path validates with revocation soft-failed."""
    try:
        vc = adapter.validation_context(trust.roots, trust.intermediates, trust.crls, hard_fail=False)
        return bool(adapter.validate(sig, vc).trusted)
    except Exception:
        return False


def _check_main(c: _Collector, classes: list[SignerClass]) -> None:
    if not classes:
        return
    missing = [k for k in (SignerClass.PERSON, SignerClass.AGENCY) if k not in classes]
    if missing:
        vi = {SignerClass.PERSON: "người có thẩm quyền", SignerClass.AGENCY: "cơ quan"}
        c.add(
            "SIG-13",
            "",
            "Văn bản thiếu chữ ký số của " + " và ".join(vi[k] for k in missing) + ".",
            "Missing the " + " and ".join(k.value for k in missing) + " signature.",
        )
    elif classes[-1] is not SignerClass.AGENCY or classes.index(SignerClass.PERSON) > classes.index(SignerClass.AGENCY):
        c.add("SIG-14", "", "Thứ tự ký chưa đúng: cơ quan phải ký sau cùng.", "The agency must sign last.")
