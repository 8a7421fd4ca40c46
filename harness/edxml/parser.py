"""Read a parsed edXML tree into the model, following the same schema tables as the builder.

Lenient by design: the parser looks children up by name (order is not enforced, unknown
extension elements are ignored, `Business` is read as `Bussiness`). Whether the package is
*conformant* is the rules' business, not the parser's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from harness.edxml import model as m
from harness.edxml.findings import Kind
from harness.edxml.namespaces import DSIG_NS, NS
from harness.edxml.safexml import Limits, Problem, load
from harness.edxml.schema import (
    ATTACHMENT,
    EDOC_HEADER,
    REFERENCE,
    STATUS_HEADER,
    TRACE_HEADER_LIST,
    Record,
    Shape,
)
from harness.edxml.tree import Element, is_element, kid, kids, text
from harness.errors import LienthongError


class EdxmlError(LienthongError, ValueError):
    """Raised by `parse_package` when the bytes cannot be read as an edXML package."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(
            "; ".join(p.message_vi for p in problems) or "không phải gói tin edXML",
            message_en="; ".join(p.message_en for p in problems) or "not an edXML package",
        )
        self.problems = problems


def _index(el: Element) -> dict[str, list[Element]]:
    out: dict[str, list[Element]] = {}
    prefix = f"{{{NS}}}"
    for c in el:
        tag = c.tag
        if isinstance(tag, str) and tag.startswith(prefix):
            out.setdefault(tag[len(prefix) :], []).append(c)
    if "Bussiness" not in out and "Business" in out:
        out["Bussiness"] = out["Business"]
    return out


def read_record(el: Element, spec: Record) -> Any:
    """Build `spec.cls` from the children of `el`."""
    idx = _index(el)
    values: dict[str, Any] = {}
    for f in spec.fields:
        found = idx.get(f.tag)
        if f.shape is Shape.REPEAT:
            assert f.record is not None
            values[f.attr] = [read_record(e, f.record) for e in found or ()]
        elif not found:
            values[f.attr] = None
        elif f.shape is Shape.TEXT:
            values[f.attr] = found[0].text or ""
        elif f.shape is Shape.RECORD:
            assert f.record is not None
            values[f.attr] = read_record(found[0], f.record)
        elif f.shape is Shape.TEXTS:
            values[f.attr] = [e.text or "" for e in kids(found[0], f.item_tag)]
        else:
            assert f.record is not None
            values[f.attr] = [read_record(e, f.record) for e in kids(found[0], f.item_tag)]
    return spec.cls(**values)


def find_signature(header: Element) -> Element | None:
    """The envelope Signature, in the edXML namespace (reference library) or in XML-DSig."""
    found = kid(header, "Signature")
    return found if found is not None else kid(header, "Signature", DSIG_NS)


def read_signature(el: Element) -> m.Signature:
    ns = DSIG_NS if el.tag == f"{{{DSIG_NS}}}Signature" else NS
    signed = kid(el, "SignedInfo", ns)

    def algorithm(parent: Element | None, name: str) -> str | None:
        node = kid(parent, name, ns)
        return None if node is None else node.get("Algorithm", "")

    refs: list[m.SignatureReference] = []
    for ref in kids(signed, "Reference", ns) if signed is not None else []:
        transforms_el = kid(ref, "Transforms", ns)
        refs.append(
            m.SignatureReference(
                uri=ref.get("URI"),
                transforms=None
                if transforms_el is None
                else [t.get("Algorithm", "") for t in kids(transforms_el, "Transform", ns)],
                digest_method=algorithm(ref, "DigestMethod"),
                digest_value=text(kid(ref, "DigestValue", ns)),
            )
        )
    x509 = kid(kid(el, "KeyInfo", ns), "X509Data", ns)
    return m.Signature(
        canonicalization_method=algorithm(signed, "CanonicalizationMethod"),
        signature_method=algorithm(signed, "SignatureMethod"),
        references=refs,
        signature_value=text(kid(el, "SignatureValue", ns)),
        x509_subject_name=text(kid(x509, "X509SubjectName", ns)),
        x509_certificate=text(kid(x509, "X509Certificate", ns)),
        in_dsig_namespace=ns == DSIG_NS,
    )


def package_kind(root: Element) -> Kind:
    """edoc when the header carries document fields, status when it carries a StatusCode (or no document part)."""
    header = kid(kid(root, "edXMLEnvelope"), "edXMLHeader")
    if header is None:
        return Kind.UNKNOWN
    mh = kid(header, "MessageHeader")
    if mh is None:
        return Kind.STATUS if kid(header, "Status") is not None else Kind.UNKNOWN
    if kid(mh, "StatusCode") is not None:
        return Kind.STATUS
    # No StatusCode, but nothing of a document either (no body, no recipients, no number): a status
    # package that lost its code, so that EDX-40 names the gap instead of a dozen document rules.
    envelope = kid(root, "edXMLEnvelope")
    if all(x is None for x in (kid(envelope, "edXMLBody"), kid(mh, "To"), kid(mh, "Code"))):
        return Kind.STATUS
    return Kind.EDOC


def to_model(root: Element) -> m.Package | None:
    """The model of a parsed package, or None when it has no MessageHeader to read."""
    envelope = kid(root, "edXMLEnvelope")
    header = kid(envelope, "edXMLHeader")
    mh = kid(header, "MessageHeader")
    if envelope is None or header is None or mh is None:
        return None
    kind = package_kind(root)
    pkg: m.Package = read_record(mh, STATUS_HEADER if kind is Kind.STATUS else EDOC_HEADER)
    thl = kid(header, "TraceHeaderList")
    pkg.trace_header_list = None if thl is None else read_record(thl, TRACE_HEADER_LIST)
    sig = find_signature(header)
    pkg.signature = None if sig is None else read_signature(sig)
    if isinstance(pkg, m.EdocPackage):
        manifest = kid(kid(envelope, "edXMLBody"), "edXMLManifest")
        pkg.manifest_version = None if manifest is None else manifest.get("version")
        pkg.references = (
            [read_record(r, REFERENCE) for r in kids(manifest, "Reference")] if manifest is not None else []
        )
        encoded = kid(root, "AttachmentEncoded")
        pkg.attachments = (
            [read_record(a, ATTACHMENT) for a in kids(encoded, "Attachment")] if encoded is not None else []
        )
    return pkg


@dataclass(slots=True)
class Parsed:
    """A parsed package: its model (when readable), its kind and the loading problems."""

    package: m.Package | None
    kind: Kind
    problems: list[Problem] = field(default_factory=list)
    root: Element | None = None


def parse(data: bytes, *, strict: bool = False, limits: Limits | None = None, model: bool = True) -> Parsed:
    """Safely parse bytes into the model (skipped when `model` is False); never raises on bad input."""
    loaded = load(data, strict=strict, limits=limits)
    if loaded.root is None:
        return Parsed(None, Kind.UNKNOWN, loaded.problems)
    root = loaded.root
    if not is_element(root):
        return Parsed(None, Kind.UNKNOWN, loaded.problems)
    return Parsed(to_model(root) if model else None, package_kind(root), loaded.problems, root)


def parse_package(data: bytes, *, strict: bool = True, limits: Limits | None = None) -> m.Package:
    """Parse bytes into the model or raise `EdxmlError` (for callers that need a package)."""
    parsed = parse(data, strict=strict, limits=limits)
    if parsed.package is None or (strict and parsed.problems):
        raise EdxmlError(parsed.problems)
    return parsed.package
