"""The documents probes send to the system under test: real rendered PDFs signed per Decree 30
(or deliberately broken), packaged as edXML. Signing is the expensive part, so each signed PDF is
made once per sender and type and reused under a fresh number and DocumentId for every send."""

from __future__ import annotations

import copy
import itertools
import secrets
import threading

from harness.edxml import model as m
from harness.edxml.factory import follow_up
from harness.edxml.formats import now_ict
from harness.ids import format_document_id
from harness.pdf import make_spec, render
from harness.pki import TestPki
from harness.signing.documents import SignedDocument, signed_pilot_document
from harness.signing.negative import NegativeFixture, build_negative_fixtures

SIGNATURE_DEFECTS = {
    "không ký số": "unsigned",
    "bị sửa sau khi ký": "tampered",
    "ký bằng chứng thư của cơ quan khác": "other-agency",
    "chứng thư không được tin cậy": "cert-untrusted",
    "chứng thư đã hết hạn": "cert-expired",
    "chứng thư đã bị thu hồi": "cert-revoked",
}
"""RT-07 cases: the Vietnamese name used in the features, and the negative fixture behind it."""


class DocumentKit:
    def __init__(self, pki: TestPki) -> None:
        self.pki = pki
        self._signed: dict[tuple[str, str], SignedDocument] = {}
        self._negative: dict[str, dict[str, NegativeFixture]] = {}
        self._lock = threading.Lock()
        # Random start: two kits (two runs against one axis) must not reuse DocumentIds, which the axis
        # would refuse as resent documents (409). CodeNumber stays within its 11 characters.
        self._numbers = itertools.count(secrets.randbelow(9 * 10**9) + 10**9, 1)

    def _base(self, sender: m.Organization, doc_type: str) -> SignedDocument:
        key = (sender.organ_id or "", doc_type)
        with self._lock:
            if key not in self._signed:
                self._signed[key] = signed_pilot_document(
                    self.pki, doc_type, sender, [sender], seed=len(self._signed) + 1
                )
            return self._signed[key]

    def _renumber(self, package: m.EdocPackage, recipients: list[m.Organization], priority: str) -> m.EdocPackage:
        """A fresh copy under a new number (so the axis does not refuse it as a resent document)."""
        doc = copy.deepcopy(package)
        assert doc.code is not None and doc.from_ is not None and doc.promulgation_info is not None
        doc.code.code_number = str(next(self._numbers))
        doc.to = copy.deepcopy(recipients)
        if doc.other_info is not None:
            doc.other_info.priority = priority
        doc.document_id = format_document_id(
            doc.from_.organ_id or "",
            doc.promulgation_info.promulgation_date or "",
            doc.code.code_number or "",
            doc.code.code_notation or "",
        )
        bus = doc.trace_header_list.bussiness if doc.trace_header_list else None
        if bus is not None:
            bus.document_id = doc.document_id
        return doc

    def document(
        self, sender: m.Organization, recipients: list[m.Organization], doc_type: str = "Công văn", priority: str = "0"
    ) -> m.EdocPackage:
        """A conformant signed document of `doc_type`."""
        return self._renumber(self._base(sender, doc_type).package, recipients, priority)

    def defective(
        self, sender: m.Organization, recipients: list[m.Organization], defect: str, other: str
    ) -> m.EdocPackage:
        """A Công văn whose main PDF carries one signature defect (a name of SIGNATURE_DEFECTS or a
        negative-fixture name); `other` is the agency whose certificate "other-agency" uses."""
        name = SIGNATURE_DEFECTS.get(defect, defect)
        organ = sender.organ_id or ""
        with self._lock:
            if organ not in self._negative:
                spec = make_spec("Công văn", organ, sender.organ_name or organ, seed=7, when=now_ict().date())
                fixtures = build_negative_fixtures(self.pki, render(spec).pdf, organ, other)
                self._negative[organ] = {f.name: f for f in fixtures}
            fixture = self._negative[organ].get(name)
        if fixture is None:
            raise KeyError(f"không có mẫu lỗi chữ ký {defect!r}")
        doc = self.document(sender, recipients)
        main = doc.attachments[0]
        doc.attachments[0] = m.Attachment.from_bytes(
            main.content_id or "vanban",
            main.attachment_name or "van-ban.pdf",
            fixture.pdf,
            main.content_type or "application/pdf",
        )
        doc.references = [a.reference() for a in doc.attachments]
        return doc

    def follow_up(
        self, original: m.EdocPackage, kind: str, recipients: list[m.Organization] | None = None
    ) -> m.EdocPackage:
        """A revoke (1), update (2) or replace (3) of `original`, from the same sender."""
        assert original.from_ is not None
        new = self.document(original.from_, recipients or list(original.to))
        return follow_up(original, new, kind)
