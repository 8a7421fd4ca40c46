"""The optional XML-DSig signature of the edXML envelope (signatures.md §2, SIG-24).

The hazard: a `Reference URI=""` enveloped signature covers the whole package, TraceHeaderList
included, and every axis hop appends a TraceHeader, so it breaks after the first hop. Two scopes:

* `root`: what the QCVN sample shows (enveloped, URI=""); only verifiable before any hop. Kept
  to demonstrate the hazard and to check packages that really are signed this way.
* `message` (default): detached references, by Id, to MessageHeader and AttachmentEncoded, the
  parts no axis touches; it survives the TraceHeaders each hop appends.

Verification uses signxml for the XML signature and pyhanko-certvalidator for the certificate.
"""

from __future__ import annotations

import base64
import binascii
from enum import StrEnum

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from lxml import etree
from signxml.algorithms import SignatureConstructionMethod
from signxml.exceptions import InvalidInput, InvalidSignature
from signxml.signer import XMLSigner
from signxml.verifier import SignatureConfiguration, XMLVerifier

from harness.edxml.findings import Finding, Level
from harness.edxml.namespaces import DSIG_NS
from harness.edxml.safexml import load
from harness.edxml.tree import Element, kid
from harness.pki.model import Credential
from harness.signing import adapter
from harness.signing.catalogue import rule
from harness.signing.verify import TrustConfig, organ_id_of

MESSAGE_ID = "edxml-message-header"
ATTACHMENTS_ID = "edxml-attachments"
C14N = "http://www.w3.org/2001/10/xml-exc-c14n#"
LOCATION = "/edXML/edXMLEnvelope/edXMLHeader/Signature"


class EnvelopeScope(StrEnum):
    ROOT = "root"
    MESSAGE = "message"


class EnvelopePolicy(StrEnum):
    """What a receiver does with the envelope signature (signatures.md §2, conclusion 2)."""

    IGNORE = "ignore"
    REPORT = "report"
    """Check it when present; problems are warnings."""
    REQUIRE = "require"
    """It must be present and valid; problems fail."""


def _header(root: Element) -> Element:
    header = kid(kid(root, "edXMLEnvelope"), "edXMLHeader")
    if header is None:
        raise ValueError("not an edXML package: no edXMLEnvelope/edXMLHeader")
    return header


def sign_envelope(data: bytes, cred: Credential, scope: EnvelopeScope = EnvelopeScope.MESSAGE) -> bytes:
    """The package with an XML-DSig Signature (RSA-SHA256, exc-c14n) in edXMLHeader."""
    loaded = load(data, strict=True)
    if loaded.root is None:
        raise ValueError("the package is not well-formed XML")
    root = loaded.root
    header = _header(root)
    for old in [el for el in header if etree.QName(el).localname == "Signature"]:
        header.remove(old)
    key = cred.key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    certs = [c.public_bytes(serialization.Encoding.PEM).decode("ascii") for c in [cred.certificate, *cred.chain[:-1]]]
    if scope is EnvelopeScope.ROOT:
        placeholder = etree.SubElement(header, f"{{{DSIG_NS}}}Signature", Id="placeholder")
        placeholder.tail = "\n"
        signer = XMLSigner(
            method=SignatureConstructionMethod.enveloped,
            signature_algorithm="rsa-sha256",
            digest_algorithm="sha256",
            c14n_algorithm=C14N,
        )
        signed = signer.sign(root, key=key, cert=certs)
        return b'<?xml version="1.0" encoding="UTF-8"?>\n' + etree.tostring(signed, encoding="UTF-8")
    message = kid(header, "MessageHeader")
    attachments = kid(root, "AttachmentEncoded")
    if message is None:
        raise ValueError("no MessageHeader to sign")
    message.set("Id", MESSAGE_ID)
    refs = [f"#{MESSAGE_ID}"]
    if attachments is not None:
        attachments.set("Id", ATTACHMENTS_ID)
        refs.append(f"#{ATTACHMENTS_ID}")
    signer = XMLSigner(
        method=SignatureConstructionMethod.detached,
        signature_algorithm="rsa-sha256",
        digest_algorithm="sha256",
        c14n_algorithm=C14N,
    )
    signature = signer.sign(root, key=key, cert=certs, reference_uri=refs)
    header.append(signature)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + etree.tostring(root, encoding="UTF-8")


def _finding(where: str, vi: str, en: str, level: Level) -> Finding:
    r = rule("SIG-24")
    return Finding("SIG-24", level, f"{LOCATION}{where}", vi, en, r.source)


def _chain_ok(cert: x509.Certificate, trust: TrustConfig) -> str | None:
    """None when the certificate validates to a trust anchor (with revocation), else why not."""
    return adapter.certificate_problem(cert, adapter.validation_context(trust.roots, trust.intermediates, trust.crls))


def verify_envelope(
    data: bytes, trust: TrustConfig, *, sender: str | None, policy: EnvelopePolicy = EnvelopePolicy.REPORT
) -> list[Finding]:
    """SIG-24 findings for the envelope signature under `policy`."""
    if policy is EnvelopePolicy.IGNORE:
        return []
    level = Level.MUST if policy is EnvelopePolicy.REQUIRE else Level.SHOULD
    loaded = load(data)
    if loaded.root is None:
        return []  # EDX-01 already says it
    root = loaded.root
    try:
        header = _header(root)
    except ValueError:
        return []
    dsig = kid(header, "Signature", DSIG_NS)
    if dsig is None:
        placeholder = kid(header, "Signature") is not None
        if placeholder:
            return [
                _finding(
                    "",
                    "Chữ ký XML không theo chuẩn XML-DSig (không gian tên sai, giá trị giả).",
                    "Envelope signature is not XML-DSig (placeholder).",
                    level,
                )
            ]
        if policy is EnvelopePolicy.REQUIRE:
            return [_finding("", "Gói tin thiếu chữ ký số XML.", "No envelope signature.", level)]
        return []
    cert_el = dsig.find(f".//{{{DSIG_NS}}}X509Certificate")
    cert_text = (cert_el.text or "") if cert_el is not None else ""
    if not cert_text.strip():
        return [_finding("", "Chữ ký XML không kèm chứng thư số.", "No X509Certificate.", level)]
    try:
        cert = x509.load_der_x509_certificate(base64.b64decode("".join(cert_text.split())))
    except (ValueError, binascii.Error):
        return [_finding("", "Chứng thư số trong chữ ký XML không đọc được.", "Unreadable certificate.", level)]
    refs = [r.get("URI", "") for r in dsig.iter(f"{{{DSIG_NS}}}Reference")]
    try:
        XMLVerifier().verify(
            root,
            x509_cert=cert.public_bytes(serialization.Encoding.PEM).decode("ascii"),
            expect_config=SignatureConfiguration(expect_references=len(refs) or 1, require_x509=True),
        )
    except (InvalidSignature, InvalidInput, etree.LxmlError, ValueError) as exc:
        hop = " (có thể do trục đã thêm TraceHeader vào gói tin ký toàn bộ)" if "" in refs else ""
        return [_finding("", f"Chữ ký XML không hợp lệ{hop}: {exc}.", f"Invalid envelope signature: {exc}.", level)]
    out: list[Finding] = []
    covered = set(refs)
    if "" not in covered and not {f"#{MESSAGE_ID}", f"#{ATTACHMENTS_ID}"} <= covered:
        has_attachments = kid(root, "AttachmentEncoded") is not None
        if f"#{MESSAGE_ID}" not in covered or (has_attachments and f"#{ATTACHMENTS_ID}" not in covered):
            out.append(
                _finding(
                    "",
                    "Chữ ký XML không bao trùm MessageHeader và các tệp đính kèm.",
                    "The envelope signature does not cover MessageHeader and the attachments.",
                    level,
                )
            )
    problem = _chain_ok(cert, trust)
    if problem is not None:
        out.append(
            _finding("", f"Chứng thư số của chữ ký XML không hợp lệ: {problem}.", f"Certificate: {problem}.", level)
        )
    if sender and organ_id_of(cert) != sender:
        out.append(
            _finding(
                "",
                f"Chữ ký XML không phải của cơ quan gửi {sender}.",
                f"Envelope signer is not the sender {sender}.",
                level,
            )
        )
    return out
