"""The packages of a load run: real edXML from the harness' builder around real Decree 30 PDFs.

Each PDF is rendered once per document type by `harness.pdf` and padded to the package size the
scenario draws (an incremental-update stream object of incompressible bytes, so the file stays a
valid PDF); its base64 is cached per type and size. Every send then builds a fresh package with
the harness' factory and builder (new number, sender, receivers) around a marker and splices the
cached base64 in place of the marker: the bytes are exactly what `build()` would write, without
re-escaping megabytes of base64 for every send.

A package's *token* names it across the run: the DocumentId for a document; for a status, the
DocumentId it answers, its reporter and its status code. Senders record it, receivers read it
back from what they fetch (`token_of`), and the loss accounting matches the two.
"""

from __future__ import annotations

import base64
import itertools
import random
import re
import secrets
import threading
from dataclasses import dataclass
from datetime import date

from harness.edxml import build
from harness.edxml import model as m
from harness.edxml.factory import new_document, organization, status_for
from harness.ids import parse_document_id
from load.population import LoadAgency

MARKER = "LIENTHONGLOADPAYLOADMARKER"
STATUS_ARRIVED = "01"
"""The status a receiver returns for a document that reached its software (edxml.md §5)."""
_HEAD = 16384
"""Tokens are in the envelope, which comes before the attachments."""
_DOCUMENT_ID = re.compile(rb"<(?:[\w.-]+:)?DocumentId>([^<]*)</(?:[\w.-]+:)?DocumentId>")
_ORGAN_ID = re.compile(rb"<(?:[\w.-]+:)?OrganId>([^<]*)</(?:[\w.-]+:)?OrganId>")
_STATUS_CODE = re.compile(rb"<(?:[\w.-]+:)?StatusCode>([^<]*)</(?:[\w.-]+:)?StatusCode>")
_LAST = re.compile(rb"startxref\s+(\d+)\s+%%EOF\s*$")


@dataclass(frozen=True, slots=True)
class Built:
    data: bytes
    token: str
    kind: str
    """`edoc` or `status` (the VXP messagetype)."""


def pad_pdf(pdf: bytes, target: int, seed: int = 0) -> bytes:
    """`pdf` grown to `target` bytes by an incremental update adding one unreferenced stream object.

    The object holds incompressible bytes (as a scanned page's image would); viewers and signature
    checks ignore it, and the original revision stays byte for byte. The result is exactly `target`
    bytes unless the gap is smaller than the update's own frame (about 150 bytes); a PDF already at
    or above the target is returned unchanged.
    """
    if len(pdf) >= target:
        return pdf
    sizes = re.findall(rb"/Size (\d+)", pdf)
    roots = re.findall(rb"/Root (\d+ \d+ R)", pdf)
    last = _LAST.search(pdf)
    if not sizes or not roots or last is None:
        raise ValueError("PDF without a classic trailer (/Size, /Root, startxref)")
    obj = int(sizes[-1])
    base = pdf if pdf.endswith(b"\n") else pdf + b"\n"
    rng = random.Random(f"lienthong-load-pad|{seed}|{target}")

    def update(filler: int) -> bytes:
        offset = len(base)
        head = b"%d 0 obj\n<< /Length %d >>\nstream\n" % (obj, filler)
        body = head + rng.randbytes(filler) if filler else head
        body += b"\nendstream\nendobj\n"
        xref = offset + len(body)
        tail = b"xref\n%d 1\n%010d 00000 n \ntrailer\n<< /Size %d /Root %s /Prev %s >>\nstartxref\n%d\n%%%%EOF\n" % (
            obj,
            offset,
            obj + 1,
            roots[-1],
            last.group(1),
            xref,
        )
        return body + tail

    fixed = len(update(0))
    filler = max(0, target - len(base) - fixed)
    out = base + update(filler)
    # The Length and offsets may have gained digits; trim the filler by the difference.
    over = len(out) - target
    if over > 0 and filler > over:
        out = base + update(filler - over)
    return out


def token_of(package: bytes) -> tuple[str, str] | None:
    """(`edoc`|`status`, token) of a package as fetched from the axis, or None when unreadable."""
    head = package[:_HEAD]
    doc = _DOCUMENT_ID.search(head)
    if doc is None:
        return None
    document_id = doc.group(1).decode("utf-8", "replace").strip()
    status = _STATUS_CODE.search(head)
    if status is None:
        return "edoc", document_id
    sender = _ORGAN_ID.search(head)
    reporter = sender.group(1).decode("utf-8", "replace").strip() if sender else ""
    return "status", status_token(document_id, reporter, status.group(1).decode("ascii", "replace").strip())


def status_token(document_id: str, reporter: str, code: str) -> str:
    return f"{document_id}|{reporter}|{code}"


class PackageFactory:
    """Builds the run's packages; one per Locust process, safe to share between its users."""

    def __init__(self, issuer: LoadAgency, *, seed: int = 1, when: date | None = None) -> None:
        self.issuer = issuer
        """The agency whose documents the PDFs show (rendering per sender would cost seconds)."""
        self.seed = seed
        self.when = when or date.today()
        self._pdfs: dict[str, tuple[bytes, str, str, str]] = {}
        self._payloads: dict[tuple[str, int], bytes] = {}
        self._lock = threading.Lock()
        # A random start: two processes (or two runs against one axis) must not reuse DocumentIds,
        # which the axis would refuse as resent documents (409). CodeNumber stays within 11 characters.
        self._numbers = itertools.count(secrets.randbelow(9 * 10**9) + 10**9)

    def _rendered(self, doc_type: str) -> tuple[bytes, str, str, str]:
        """(PDF, type name, subject, notation) of the type's document, rendered once."""
        if doc_type not in self._pdfs:
            # Imported here: a Locust master never renders, and reportlab and Faker are slow to import.
            from harness.pdf import make_spec, render

            spec = make_spec(doc_type, self.issuer.code, self.issuer.name, seed=self.seed, when=self.when)
            self._pdfs[doc_type] = (render(spec).pdf, spec.doc_type.name, spec.subject, spec.notation)
        return self._pdfs[doc_type]

    def payload(self, doc_type: str, size: int) -> bytes:
        """Base64 of the type's PDF padded so that the package is about `size` bytes."""
        key = (doc_type, size)
        with self._lock:
            cached = self._payloads.get(key)
            if cached is None:
                pdf = self._rendered(doc_type)[0]
                overhead = 4096  # envelope, manifest, attachment element: about this much
                target = max(0, (size - overhead) * 3 // 4)
                cached = base64.b64encode(pad_pdf(pdf, target, self.seed))
                self._payloads[key] = cached
            return cached

    def warm(self, doc_types: list[str], sizes: list[int]) -> None:
        """Make every payload now, before the users start (rendering blocks the event loop)."""
        for t in doc_types:
            for s in sizes:
                self.payload(t, s)

    def next_number(self) -> str:
        return str(next(self._numbers))

    def edoc(self, sender: LoadAgency, receivers: list[LoadAgency], *, doc_type: str, size: int) -> Built:
        """A new document from `sender` to `receivers` carrying the (type, size) PDF."""
        payload = self.payload(doc_type, size)
        _, type_name, subject, notation = self._rendered(doc_type)
        number = self.next_number()
        attachment = m.Attachment(
            content_id=f"cid:{number}", attachment_name=f"{number}.pdf", description="Văn bản chính",
            content_type="application/pdf", encoded=MARKER,
        )  # fmt: skip
        doc = new_document(
            sender=organization(sender.code, sender.name),
            recipients=[organization(r.code, r.name) for r in receivers],
            number=number,
            notation=notation,
            type_name=type_name,
            subject=subject,
            attachments=[attachment],
        )
        prefix, _, suffix = build(doc).partition(MARKER.encode("ascii"))
        return Built(b"".join((prefix, payload, suffix)), str(doc.document_id), "edoc")

    def status(self, reporter: LoadAgency, document_token: str, code: str = STATUS_ARRIVED) -> Built:
        """A status package from `reporter` about the document named by `document_token` (its DocumentId)."""
        doc_id = parse_document_id(document_token)
        if doc_id is None:
            raise ValueError(f"not a DocumentId: {document_token!r}")
        answered = m.EdocPackage(
            from_=organization(doc_id.organ_id, doc_id.organ_id),
            document_id=document_token,
            code=m.Code(doc_id.number, doc_id.notation),
            promulgation_info=m.PromulgationInfo("", doc_id.date),
        )
        package = status_for(answered, organization(reporter.code, reporter.name), code)
        return Built(build(package), status_token(document_token, reporter.code, code), "status")
