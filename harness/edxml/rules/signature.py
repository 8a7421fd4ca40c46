"""EDX-38: the optional XMLDSig-shaped envelope Signature (edxml.md §4.6).

The legal signature of a document lives inside its PDF (signatures.md); this slot is informational,
so every finding here is SHOULD-level: incomplete parts, unknown algorithm URIs (the VPCP samples
write `http://www.w3.org/TR/xml-exc-c14n#`), SHA-1, and certificates that are not even base64 DER.
"""

from __future__ import annotations

from harness.edxml.namespaces import DSIG_NS, NS
from harness.edxml.rules.attachments import decode_base64
from harness.edxml.rules.context import Context
from harness.edxml.tree import Element, kid, path

C14N = {
    "http://www.w3.org/TR/2001/REC-xml-c14n-20010315",
    "http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments",
    "http://www.w3.org/2001/10/xml-exc-c14n#",
    "http://www.w3.org/2001/10/xml-exc-c14n#WithComments",
    "http://www.w3.org/2006/12/xml-c14n11",
    "http://www.w3.org/2006/12/xml-c14n11#WithComments",
}
TRANSFORMS = C14N | {
    "http://www.w3.org/2000/09/xmldsig#enveloped-signature",
    "http://www.w3.org/2000/09/xmldsig#base64",
}
SIGNATURE_METHODS = {
    "http://www.w3.org/2000/09/xmldsig#rsa-sha1",
    "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
    "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384",
    "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512",
    "http://www.w3.org/2007/05/xmldsig-more#sha256-rsa-MGF1",
    "http://www.w3.org/2007/05/xmldsig-more#sha384-rsa-MGF1",
    "http://www.w3.org/2007/05/xmldsig-more#sha512-rsa-MGF1",
    "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256",
    "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384",
    "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512",
}
DIGEST_METHODS = {
    "http://www.w3.org/2000/09/xmldsig#sha1",
    "http://www.w3.org/2001/04/xmlenc#sha256",
    "http://www.w3.org/2001/04/xmldsig-more#sha384",
    "http://www.w3.org/2001/04/xmlenc#sha512",
}
SHA1 = {"http://www.w3.org/2000/09/xmldsig#rsa-sha1", "http://www.w3.org/2000/09/xmldsig#sha1"}


def check_signature(ctx: Context) -> None:
    header = ctx.header
    assert header is not None
    sig = kid(header, "Signature")
    ns = NS
    if sig is None:
        sig, ns = kid(header, "Signature", DSIG_NS), DSIG_NS
    if sig is None:
        return
    signed = kid(sig, "SignedInfo", ns)
    if signed is None:
        ctx.missing("EDX-38", sig, "SignedInfo")
    else:
        _algorithm(ctx, kid(signed, "CanonicalizationMethod", ns), C14N, "CanonicalizationMethod")
        _algorithm(ctx, kid(signed, "SignatureMethod", ns), SIGNATURE_METHODS, "SignatureMethod")
        for ref in signed.iter(f"{{{ns}}}Reference"):
            for tr in ref.iter(f"{{{ns}}}Transform"):
                _algorithm(ctx, tr, TRANSFORMS, "Transform")
            _algorithm(ctx, kid(ref, "DigestMethod", ns), DIGEST_METHODS, "DigestMethod")
    if kid(sig, "SignatureValue", ns) is None:
        ctx.missing("EDX-38", sig, "SignatureValue")
    x509 = kid(kid(sig, "KeyInfo", ns), "X509Data", ns)
    cert = kid(x509, "X509Certificate", ns)
    if cert is None:
        ctx.report(
            "EDX-38",
            f"{path(sig)}/KeyInfo/X509Data/X509Certificate",
            "Chữ ký thiếu KeyInfo/X509Data/X509Certificate.",
            "Signature lacks KeyInfo/X509Data/X509Certificate.",
        )
        return
    der = decode_base64(cert.text or "")
    if der is None or not der.startswith(b"\x30"):
        ctx.report(
            "EDX-38",
            cert,
            f"X509Certificate '{(cert.text or '').strip()[:24]}' không phải chứng thư số DER mã hóa base64.",
            f"X509Certificate '{(cert.text or '').strip()[:24]}' is not a base64 DER certificate.",
        )


def _algorithm(ctx: Context, el: Element | None, known: set[str], label: str) -> None:
    if el is None:
        return
    uri = el.get("Algorithm", "")
    if uri not in known:
        ctx.report(
            "EDX-38",
            el,
            f"{label}@Algorithm '{uri}' không phải URI XML-DSig/C14N đã biết.",
            f"{label}@Algorithm '{uri}' is not a known XML-DSig/C14N URI.",
        )
    elif uri in SHA1:
        ctx.report(
            "EDX-38",
            el,
            f"{label} dùng SHA-1 ('{uri}'), thuật toán đã lỗi thời.",
            f"{label} uses SHA-1 ('{uri}'), which is deprecated.",
        )
