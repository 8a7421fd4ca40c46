"""The only module that talks to pyHanko (with `speedups`, which it installs): conversions, signing, validation,
PDF inspection.

pyHanko's API moves between releases (signatures.md §3 pitfall h), so the rest of the harness
uses our own types and this adapter; a pyHanko upgrade touches this file and `speedups`.
"""

from __future__ import annotations

import functools
import hashlib
import io
import re
import threading
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from asn1crypto import cms, core, tsp
from asn1crypto import crl as asn1_crl
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from PIL import Image
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.generic import pdf_name
from pyhanko.pdf_utils.images import PdfImage
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.layout import BoxConstraints
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import attributes, fields, general, signers, timestamps
from pyhanko.sign.general import simple_cms_attribute
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.validation.status import PdfSignatureStatus
from pyhanko.stamp import StaticStampStyle, TextStampStyle
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore
from pyhanko_certvalidator.util import get_pyca_cryptography_hash, process_pss_params

from harness.pki.keys import PrivateKey
from harness.pki.model import Credential, fingerprint
from harness.signing import speedups

speedups.install()

_T = TypeVar("_T")

Box = tuple[int, int, int, int]


def _store(certs: list[asn1_x509.Certificate]) -> SimpleCertificateStore:
    store = SimpleCertificateStore()  # type: ignore[no-untyped-call]
    store.register_multiple(certs)
    return store


def asn1_cert(cert: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def asn1_key(key: PrivateKey) -> asn1_keys.PrivateKeyInfo:
    der = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    return asn1_keys.PrivateKeyInfo.load(der)


@functools.lru_cache(maxsize=256)
def _planes(png: bytes) -> tuple[int, int, str, bytes, bytes | None]:
    """A stamp image as PDF wants it, compressed once: (width, height, colour space, pixels, alpha)."""
    image: Image.Image = Image.open(io.BytesIO(png))
    image.load()
    alpha = None
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        image = image.convert("RGBA" if image.mode != "LA" else "LA")
        alpha = zlib.compress(image.split()[-1].tobytes())
    image = image.convert("L" if image.mode in ("L", "LA") else "RGB")
    space = "/DeviceGray" if image.mode == "L" else "/DeviceRGB"
    return image.width, image.height, space, zlib.compress(image.tobytes()), alpha


class StampImage(PdfImage):
    """pyHanko's image content for a signature's appearance, with the image XObject built from pixels
    compressed once per image: a person's signature and an agency's seal are the same on every document
    they sign, and compressing them again took a quarter of the time of signing one."""

    def __init__(self, png: bytes) -> None:
        self._png = png
        width, height, _, _, _ = _planes(png)
        super().__init__(Image.new("L", (1, 1)), box=BoxConstraints(width, height))

    def _xobject(self, width: int, height: int, space: str, data: bytes) -> generic.StreamObject:
        number: Any = generic.NumberObject  # untyped in pyHanko
        return generic.StreamObject(
            {
                pdf_name("/Type"): pdf_name("/XObject"),
                pdf_name("/Subtype"): pdf_name("/Image"),
                pdf_name("/Width"): number(width),
                pdf_name("/Height"): number(height),
                pdf_name("/ColorSpace"): pdf_name(space),
                pdf_name("/BitsPerComponent"): number(8),
                pdf_name("/Filter"): pdf_name("/FlateDecode"),
            },
            encoded_data=data,
        )

    @property
    def image_ref(self) -> generic.IndirectObject:
        writer = self.writer
        assert writer is not None
        held: Any = self._image_ref
        if held is None or held.get_pdf_handler() is not writer:
            width, height, space, pixels, alpha = _planes(self._png)
            image = self._xobject(width, height, space, pixels)
            if alpha is not None:
                image[pdf_name("/SMask")] = writer.add_object(self._xobject(width, height, "/DeviceGray", alpha))
            held = self._image_ref = writer.add_object(image)
        return held  # type: ignore[no-any-return]


class LoadedKeyTimeStamper(timestamps.DummyTimeStamper):
    """pyHanko's offline timestamper signing with the already loaded TSA key: the original reloads the
    key from DER for every token (about 30 ms of RSA validation, half the cost of signing a report).
    The body is pyHanko's `_sign_tst_info` (0.2x) with the load left out."""

    def __init__(self, key: object, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._loaded = key

    def _sign_tst_info(self, tst_info_data: bytes, md_algorithm: str, dt: datetime) -> tuple[bytes, Any]:
        key = self._loaded
        if not isinstance(key, rsa.RSAPrivateKey):
            return super()._sign_tst_info(tst_info_data, md_algorithm, dt)
        digest = hashes.Hash(get_pyca_cryptography_hash(md_algorithm))
        digest.update(tst_info_data)
        attribute: Any = simple_cms_attribute  # untyped in pyHanko
        signed_attrs = cms.CMSAttributes(
            [
                attribute("content_type", "tst_info"),
                attribute("signing_time", cms.Time({"utc_time": core.UTCTime(dt)})),
                attribute(
                    "signing_certificate", tsp.SigningCertificate.load(_signing_certificate_v1(self.tsa_cert.dump()))
                ),
                attribute("message_digest", digest.finalize()),
            ]
        )
        signature = key.sign(signed_attrs.dump(), PKCS1v15(), get_pyca_cryptography_hash(md_algorithm.upper()))
        return signature, signed_attrs


_MADE = threading.local()
_PER_THREAD_MAX = 64


def _per_thread(key: tuple[object, ...], make: Callable[[], _T]) -> _T:
    """One object per key and thread: signers and timestampers hold parsed certificates and a
    certificate store (7-10 ms to build), reused by every signature the thread makes; per thread
    because asn1crypto parses lazily in place."""
    made: dict[tuple[object, ...], Any] | None = getattr(_MADE, "objects", None)
    if made is None:
        made = _MADE.objects = {}
    found = made.get(key)
    if found is None:
        if len(made) >= _PER_THREAD_MAX:  # a province's signers on one host: the oldest goes
            del made[next(iter(made))]
        found = made[key] = make()
    return found


def _identity(cred: Credential) -> tuple[object, ...]:
    """What a cached signer stands for: the certificate, its chain and the key (a test may pair a
    certificate with another key on purpose)."""
    der, spki = serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    public = cred.key.public_key().public_bytes(der, spki)
    return (cred.fingerprint, tuple(fingerprint(c) for c in cred.chain), public)


def timestamper(tsa: Credential, at: datetime | None = None) -> timestamps.TimeStamper:
    """An offline RFC 3161 timestamper under the test TSA certificate (B-T without a network);
    `at` fixes the time it certifies (fixtures of signatures made in the past)."""
    if at is None:
        return _per_thread(("tsa", *_identity(tsa)), lambda: _timestamper(tsa, None))
    return _timestamper(tsa, at)


def _timestamper(tsa: Credential, at: datetime | None) -> timestamps.TimeStamper:
    return LoadedKeyTimeStamper(
        tsa.key,
        tsa_cert=asn1_cert(tsa.certificate),
        tsa_key=asn1_key(tsa.key),
        certs_to_embed=_store([asn1_cert(c) for c in tsa.chain]),
        fixed_dt=at,
    )


@functools.lru_cache(maxsize=256)
def _signing_certificate_v1(cert_der: bytes) -> bytes:
    return bytes(general.as_signing_certificate(asn1_x509.Certificate.load(cert_der)).dump())


@functools.lru_cache(maxsize=256)
def _signing_certificate_v2(cert_der: bytes) -> bytes:
    return bytes(general.as_signing_certificate_v2(asn1_x509.Certificate.load(cert_der)).dump())


class _ParsedSigningCertificateV2(attributes.SigningCertificateV2Provider):
    """The signing-certificate-v2 attribute built once per certificate and handed out parsed from its DER.

    pyHanko builds it afresh for every signature, and asn1crypto re-encodes a constructed value (the
    issuer name inside it, down to every character) each time anything above it is encoded: a third of
    the cost of a signature. A value parsed from DER encodes as its stored bytes: the same attribute."""

    async def build_attr_value(self, dry_run: bool = False) -> tsp.SigningCertificateV2:
        return tsp.SigningCertificateV2.load(_signing_certificate_v2(self.signing_cert.dump()))


class LoadedKeySigner(signers.SimpleSigner):
    """SimpleSigner that signs with the already loaded RSA key.

    pyHanko reloads the key from DER for every raw signature (twice per PDF signature: the size
    estimate and the real one), and cryptography re-validates an RSA key on every load: about
    35 ms for RSA-2048, most of the cost of a signature. Test keys are ours and valid.
    """

    def __init__(self, key: object, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._loaded = key

    def _signed_attr_providers(self, *args: Any, **kwargs: Any) -> Iterable[Any]:
        for provider in super()._signed_attr_providers(*args, **kwargs):
            if type(provider) is attributes.SigningCertificateV2Provider:
                provider = _ParsedSigningCertificateV2(provider.signing_cert)
            yield provider

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        key = self._loaded
        if not isinstance(key, rsa.RSAPrivateKey):
            return bytes(super().sign_raw(data, digest_algorithm))
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)
        if mechanism.signature_algo == "rsassa_pss":
            pad, hash_algo = process_pss_params(mechanism["parameters"])
            return key.sign(data, pad, hash_algo)
        if mechanism.signature_algo == "rsassa_pkcs1v15":
            return key.sign(data, PKCS1v15(), get_pyca_cryptography_hash(digest_algorithm))
        return bytes(super().sign_raw(data, digest_algorithm))


def sign(
    pdf: bytes,
    cred: Credential,
    *,
    field_name: str,
    box: Box | None,
    page: int = 0,
    image_png: bytes | None = None,
    md_algorithm: str = "sha256",
    pss: bool = False,
    tsa: Credential | None = None,
    pades: bool = True,
    certify: bool = False,
    timestamp_at: datetime | None = None,
    stamp_text: str | None = None,
) -> bytes:
    """Append one approval signature in a new field; visible with `image_png` when a box is given."""
    signer = _per_thread(
        ("signer", *_identity(cred), pss),
        lambda: LoadedKeySigner(
            cred.key,
            signing_cert=asn1_cert(cred.certificate),
            signing_key=asn1_key(cred.key),
            cert_registry=_store([asn1_cert(c) for c in cred.chain]),
            prefer_pss=pss,
        ),
    )
    meta = signers.PdfSignatureMetadata(
        field_name=field_name,
        md_algorithm=md_algorithm,
        subfilter=fields.SigSeedSubFilter.PADES if pades else fields.SigSeedSubFilter.ADOBE_PKCS7_DETACHED,
        certify=certify,
        docmdp_permissions=fields.MDPPerm.FILL_FORMS,
    )
    style: StaticStampStyle | TextStampStyle | None = None
    if stamp_text is not None:
        style = TextStampStyle(stamp_text=stamp_text)
    elif image_png is not None:
        style = StaticStampStyle(background=StampImage(image_png), border_width=0)
    spec = (
        fields.SigFieldSpec(field_name, on_page=page, box=box) if box is not None else fields.SigFieldSpec(field_name)
    )
    pdf_signer = signers.PdfSigner(
        meta,
        signer,
        timestamper=timestamper(tsa, timestamp_at) if tsa else None,
        stamp_style=style,
        new_field_spec=spec,
    )
    out = io.BytesIO()
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    key = (cred.fingerprint, tsa.fingerprint if tsa else "", md_algorithm, pss, pades, timestamp_at is None)
    reserved = _RESERVED.get(key)
    pdf_signer.sign_pdf(writer, bytes_reserved=reserved, output=out)
    signed = out.getvalue()
    if reserved is None:
        size = _reserved_in(signed)
        if size:
            _RESERVED[key] = size
    return signed


_RESERVED: dict[tuple[str, str, str, bool, bool, bool], int] = {}
"""Room pyHanko sized for a signature of this signer and timestamper (by a dry run: a whole second signature
and timestamp): the next signature of the same kind reuses it and is made once, not twice."""


def _reserved_in(signed: bytes) -> int:
    """The /Contents placeholder of the signature just appended (hex digits, what `bytes_reserved` counts)."""
    at = signed.rfind(b"/Contents <")
    end = signed.find(b">", at) if at >= 0 else -1
    return end - at - len(b"/Contents <") if end > 0 else 0


def validation_context(
    roots: Iterable[x509.Certificate],
    intermediates: Iterable[x509.Certificate],
    crls: Iterable[x509.CertificateRevocationList],
    *,
    moment: datetime | None = None,
    hard_fail: bool = True,
    retroactive: bool = False,
) -> ValidationContext:
    """Offline validation: explicit anchors (never the system store, see pitfall on oscrypto). The context carries
    its inputs (`lienthong_inputs`): a certificate's path validation is remembered under them (`speedups`)."""
    root_ders = [c.public_bytes(serialization.Encoding.DER) for c in roots]
    other_ders = [c.public_bytes(serialization.Encoding.DER) for c in intermediates]
    crl_ders = [c.public_bytes(serialization.Encoding.DER) for c in crls]
    vc = ValidationContext(
        trust_roots=[asn1_x509.Certificate.load(d) for d in root_ders],
        other_certs=[asn1_x509.Certificate.load(d) for d in other_ders],
        crls=[asn1_crl.CertificateList.load(d) for d in crl_ders],
        allow_fetching=False,
        revocation_mode="hard-fail" if hard_fail else "soft-fail",
        moment=moment,
        retroactive_revinfo=retroactive,
    )
    digest = hashlib.sha256()
    for group in (root_ders, other_ders, crl_ders):
        digest.update(len(group).to_bytes(4, "big"))
        for der in group:
            digest.update(hashlib.sha256(der).digest())
    vc.lienthong_inputs = (digest.hexdigest(), moment.isoformat() if moment else None, hard_fail, retroactive)  # type: ignore[attr-defined]
    return vc


def open_pdf(pdf: bytes) -> PdfFileReader:
    """A reader over the file structure (raises on a broken PDF)."""
    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    reader.root  # noqa: B018 - forces the trailer and catalogue to parse now
    return reader


def read_signatures(reader: PdfFileReader) -> Sequence[EmbeddedPdfSignature]:
    """The signatures of a readable PDF (raises when a signature dictionary or CMS is broken)."""
    signatures: Sequence[EmbeddedPdfSignature] = reader.embedded_signatures
    return signatures


def validate(sig: EmbeddedPdfSignature, vc: ValidationContext) -> PdfSignatureStatus:
    return validate_pdf_signature(sig, vc, ts_validation_context=vc)


def signer_certificate(sig: EmbeddedPdfSignature) -> x509.Certificate:
    return x509.load_der_x509_certificate(sig.signer_cert.dump())


@dataclass(frozen=True, slots=True)
class Widget:
    """Where and how a signature shows on the page (signatures.md §4, SIG-16..18)."""

    page: int | None
    rect: tuple[float, float, float, float] | None
    has_image: bool
    page_size: tuple[float, float] | None = None
    text: str = ""
    """Text shown by the appearance (literal strings of its Tj/TJ operators)."""

    @property
    def visible(self) -> bool:
        return self.rect is not None and self.rect[2] - self.rect[0] > 1 and self.rect[3] - self.rect[1] > 1


def _page_refs(node: Any, out: list[tuple[int, Any]]) -> None:
    kids = node.get("/Kids")
    if kids is None:
        return
    for ref in kids:
        obj = ref.get_object()
        if obj.get("/Type") == "/Pages":
            _page_refs(obj, out)
        else:
            out.append((ref.idnum, obj))


def _has_image(xobject_owner: Any, depth: int = 0) -> bool:
    if depth > 3:
        return False
    resources = xobject_owner.get("/Resources")
    xobjects = resources.get("/XObject") if resources is not None else None
    if xobjects is None:
        return False
    for ref in xobjects.values():
        obj = ref.get_object()
        if obj.get("/Subtype") == "/Image" or (obj.get("/Subtype") == "/Form" and _has_image(obj, depth + 1)):
            return True
    return False


def widget(reader: PdfFileReader, sig: EmbeddedPdfSignature) -> Widget:
    """The signature's widget annotation: page index, rectangle (normalised), image in its appearance."""
    field = sig.sig_field
    annot = field if "/Rect" in field else (field.get("/Kids") or [None])[0]
    annot = annot.get_object() if annot is not None and hasattr(annot, "get_object") else annot
    if annot is None or "/Rect" not in annot:
        return Widget(None, None, False)
    x1, y1, x2, y2 = (float(v) for v in annot["/Rect"])
    rect = (min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2))
    pages: list[tuple[int, Any]] = []
    _page_refs(reader.root["/Pages"], pages)
    page_index = None
    page_size = None
    p_ref = annot.get_value_as_reference("/P", optional=True) if hasattr(annot, "get_value_as_reference") else None
    for i, (idnum, page) in enumerate(pages):
        if p_ref is not None and idnum == p_ref.idnum:
            page_index = i
            box = [float(v) for v in page.get("/MediaBox", [0, 0, 595, 842])]
            page_size = (box[2] - box[0], box[3] - box[1])
    appearance = annot.get("/AP")
    normal = appearance.get("/N") if appearance is not None else None
    has_image = normal is not None and _has_image(normal.get_object())
    text = _appearance_text(normal.get_object()) if normal is not None else ""
    return Widget(page_index, rect, has_image, page_size, text)


_LITERAL = re.compile(rb"\(((?:\\.|[^\\)])*)\)\s*Tj")


def _unescape(raw: bytes) -> str:
    out = bytearray()
    i = 0
    while i < len(raw):
        ch = raw[i]
        if ch == 0x5C and i + 1 < len(raw):  # backslash
            octal = re.match(rb"[0-7]{1,3}", raw[i + 1 : i + 4])
            if octal:
                out.append(int(octal.group(0), 8) & 0xFF)
                i += 1 + len(octal.group(0))
                continue
            out.append({ord("n"): 10, ord("r"): 13, ord("t"): 9}.get(raw[i + 1], raw[i + 1]))
            i += 2
            continue
        out.append(ch)
        i += 1
    return out.decode("latin-1")


def _appearance_text(stream: Any, depth: int = 0) -> str:
    try:
        data = stream.data
    except Exception:
        return ""
    parts = [_unescape(m.group(1)) for m in _LITERAL.finditer(data)]
    resources = stream.get("/Resources")
    xobjects = resources.get("/XObject") if resources is not None else None
    if depth < 3 and xobjects is not None:
        for ref in xobjects.values():
            obj = ref.get_object()
            if obj.get("/Subtype") == "/Form":
                parts.append(_appearance_text(obj, depth + 1))
    return "\n".join(p for p in parts if p)


def pdfa_claim(reader: PdfFileReader) -> str | None:
    """The PDF/A part and conformance the XMP metadata claims ("2b"), or None (a claim, not proof)."""
    import re

    meta = reader.root.get("/Metadata")
    if meta is None:
        return None
    try:
        data = meta.get_object().data
    except Exception:
        return None
    part = re.search(rb"pdfaid:part(?:>|=[\"'])\s*(\d)", data)
    if part is None:
        return None
    conformance = re.search(rb"pdfaid:conformance(?:>|=[\"'])\s*([A-Za-z])", data)
    return part.group(1).decode() + (conformance.group(1).decode().lower() if conformance else "")


def first_page_scan_dpi(reader: PdfFileReader) -> float | None:
    """Resolution of the largest image on page 1 if it were stretched over the page width
    (how digitised paper documents are laid out); None when the page has no image."""
    pages: list[tuple[int, Any]] = []
    _page_refs(reader.root["/Pages"], pages)
    if not pages:
        return None
    page = pages[0][1]
    box = [float(v) for v in page.get("/MediaBox", [0, 0, 595, 842])]
    width_in = (box[2] - box[0]) / 72
    resources = page.get("/Resources")
    xobjects = resources.get("/XObject") if resources is not None else None
    best: float | None = None
    for ref in (xobjects or {}).values():
        obj = ref.get_object()
        if obj.get("/Subtype") == "/Image":
            dpi = float(obj.get("/Width", 0)) / width_in
            best = dpi if best is None else max(best, dpi)
    return best


def append_page_content(pdf: bytes, content: bytes, page: int = 0) -> bytes:
    """An incremental update adding a content stream to a page (a change after signing)."""
    from pyhanko.pdf_utils import generic

    w = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    w.add_stream_to_page(page, w.add_object(generic.StreamObject(stream_data=content)))  # type: ignore[no-untyped-call]
    out = io.BytesIO()
    w.write(out)  # type: ignore[no-untyped-call]
    return out.getvalue()


def certificate_problem(cert: x509.Certificate, vc: ValidationContext) -> str | None:
    """None when a bare certificate validates for signing (path, validity, revocation), else why."""
    import asyncio

    from pyhanko_certvalidator import CertificateValidator

    validator = CertificateValidator(asn1_cert(cert), validation_context=vc)
    try:
        asyncio.run(validator.async_validate_usage({"non_repudiation"}))  # type: ignore[no-untyped-call]
    except Exception as exc:  # certvalidator raises a family of errors
        return str(exc)
    return None


__all__ = [
    "Box",
    "EmbeddedPdfSignature",
    "PdfFileReader",
    "PdfSignatureStatus",
    "Widget",
    "append_page_content",
    "asn1_cert",
    "asn1_key",
    "certificate_problem",
    "first_page_scan_dpi",
    "open_pdf",
    "pdfa_claim",
    "read_signatures",
    "sign",
    "signer_certificate",
    "timestamper",
    "validate",
    "validation_context",
    "widget",
]


def last_signature_covers_file(data: bytes) -> bool:
    """Whether the last signature covers every byte of the file (no incremental update after it)."""
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    try:
        signatures = read_signatures(open_pdf(data))
        return bool(signatures) and signatures[-1].evaluate_signature_coverage() is SignatureCoverageLevel.ENTIRE_FILE
    except Exception:  # pyHanko raises many types on broken files
        return False
