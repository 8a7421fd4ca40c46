"""Signatures at package level: check every PDF attachment of an edXML package, or build a
package whose document is signed as Decree 30 asks, in one call."""

from __future__ import annotations

import binascii
import hashlib
import threading
import time
from datetime import datetime

from cryptography.hazmat.primitives import hashes

from harness.edxml import model as m
from harness.edxml.factory import new_document
from harness.edxml.findings import Finding
from harness.pdf.images import seal_png as seal_png_for
from harness.pdf.images import signature_png
from harness.pki import TestPki
from harness.signing.catalogue import rule
from harness.signing.sign import SigningOptions, sign_attachment, sign_main_document
from harness.signing.verify import Part, Profile, TrustConfig, verify_pdf

PDF = "application/pdf"
PILOT = SigningOptions(Profile.PILOT)
CACHE_SECONDS = 300.0
"""How long a verdict on the same PDF bytes under the same trust may be reused. Simulated
agencies verify the same test documents over and over (every vendor of a trial receives them);
within five minutes no certificate of the test PKI changes state."""


def trust_key(trust: TrustConfig) -> str:
    """A fingerprint of everything a verdict depends on besides the PDF itself."""
    h = hashlib.sha256()
    for cert in [*trust.roots, *trust.intermediates]:
        h.update(cert.fingerprint(hashes.SHA256()))
    for crl in trust.crls:
        h.update(crl.fingerprint(hashes.SHA256()))
    h.update(repr(sorted((trust.signer_map or {}).items())).encode())
    return h.hexdigest()


class VerdictCache:
    """Thread-safe memo of verify_pdf findings by (PDF digest, sender, part, profile, trust)."""

    def __init__(self, seconds: float = CACHE_SECONDS, size: int = 2048) -> None:
        self.seconds = seconds
        self.size = size
        self._items: dict[tuple[str, ...], tuple[float, list[Finding]]] = {}
        self._trust: dict[int, tuple[TrustConfig, str]] = {}
        self._lock = threading.Lock()

    def findings(
        self, data: bytes, trust: TrustConfig, *, sender: str | None, part: Part, profile: Profile, location: str
    ) -> list[Finding]:
        with self._lock:
            known = self._trust.get(id(trust))
            if known is None or known[0] is not trust:
                known = (trust, trust_key(trust))
                self._trust[id(trust)] = known
        key = (hashlib.sha256(data).hexdigest(), sender or "", part.value, profile.value, known[1], location)
        now = time.monotonic()
        with self._lock:
            hit = self._items.get(key)
            if hit is not None and now - hit[0] < self.seconds:
                return list(hit[1])
        found = verify_pdf(data, trust, sender=sender, part=part, profile=profile, location=location).findings
        with self._lock:
            if len(self._items) >= self.size:
                self._items.clear()
            self._items[key] = (now, list(found))
        return list(found)


VERDICTS = VerdictCache()


def verify_package(package: m.EdocPackage, trust: TrustConfig, *, profile: Profile = Profile.PILOT) -> list[Finding]:
    """SIG findings for a document package: the first PDF is the main document, later PDFs are
    separate attachments; a package without any PDF has no signed electronic file (SIG-02)."""
    sender = package.from_.organ_id if package.from_ is not None else None
    findings: list[Finding] = []
    pdf_seen = False
    for index, attachment in enumerate(package.attachments, start=1):
        try:
            data: bytes | None = attachment.data()
        except (binascii.Error, ValueError):
            data = None
        is_pdf = (attachment.content_type or "").lower() == PDF or (data is not None and data.startswith(b"%PDF-"))
        if not is_pdf:
            continue
        where = f"/edXML/AttachmentEncoded/Attachment[{index}]({attachment.attachment_name or ''})"
        if data is None:
            r = rule("SIG-01")
            findings.append(
                Finding("SIG-01", r.level, where, "Không giải mã được tệp đính kèm.", "Undecodable.", r.source)
            )
            continue
        part = Part.ATTACHMENT if pdf_seen else Part.MAIN
        pdf_seen = True
        findings.extend(VERDICTS.findings(data, trust, sender=sender, part=part, profile=profile, location=where))
    if not pdf_seen:
        r = rule("SIG-02")
        findings.append(
            Finding(
                "SIG-02",
                r.level,
                "/edXML/AttachmentEncoded",
                "Gói tin không có tệp văn bản điện tử (PDF) đã ký số.",
                "The package has no signed PDF document.",
                r.source,
            )
        )
    return findings


def signed_document(
    pki: TestPki,
    sender: m.Organization,
    recipients: list[m.Organization],
    main_pdf: bytes,
    *,
    signer_box: tuple[int, int, int, int],
    page: int = 0,
    appendices: list[tuple[str, bytes]] | None = None,
    person_png: bytes | None = None,
    seal_png: bytes | None = None,
    options: SigningOptions = PILOT,
    number: str = "123",
    notation: str = "UBND-VX",
    type_name: str = "Công văn",
    subject: str = "V/v báo cáo kết quả triển khai gửi, nhận văn bản điện tử",
    when: datetime | None = None,
) -> m.EdocPackage:
    """A document package whose main PDF carries both Decree 30 signatures and whose separate
    appendices carry the agency's signature; ready for `harness.edxml.build`."""
    assert sender.organ_id is not None
    person, agency = pki.person(sender.organ_id), pki.agency(sender.organ_id)
    person_png = person_png or signature_png(person.person_name or "Người ký", seed=1)
    seal_png = seal_png or seal_png_for(sender.organ_name or sender.organ_id)
    signed_main = sign_main_document(
        main_pdf,
        person,
        agency,
        signer_box=signer_box,
        page=page,
        person_png=person_png,
        seal_png=seal_png,
        options=options,
    )
    attachments = [m.Attachment.from_bytes("vanban", "vanban.pdf", signed_main, PDF)]
    for i, (name, pdf) in enumerate(appendices or [], start=1):
        attachments.append(
            m.Attachment.from_bytes(f"phuluc{i}", name, sign_attachment(pdf, agency, options=options), PDF)
        )
    return new_document(
        sender=sender,
        recipients=recipients,
        number=number,
        notation=notation,
        type_name=type_name,
        subject=subject,
        when=when,
        attachments=attachments,
    )
