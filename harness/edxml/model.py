"""edXML package model (edxml.md §4 document packages, §5 status packages).

Field convention, so that build -> parse -> build is lossless: a text field is `None` when the
element is absent and a string (possibly empty) when it is present. List fields are `None` when the
container element is absent and a list (possibly empty) when it is present. Values are kept as the
raw text: checking them is the rules' job, not the model's.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field

from harness.edxml.formats import b64decode_valid

Text = str | None


@dataclass(slots=True)
class Organization:
    """From / To / status From (edxml.md §4.3 1.1, 1.2)."""

    organ_id: Text = None
    organization_in_charge: Text = None
    organ_name: Text = None
    organ_add: Text = None
    email: Text = None
    telephone: Text = None
    fax: Text = None
    website: Text = None


@dataclass(slots=True)
class Code:
    code_number: Text = None
    code_notation: Text = None


@dataclass(slots=True)
class PromulgationInfo:
    place: Text = None
    promulgation_date: Text = None


@dataclass(slots=True)
class DocumentType:
    type: Text = None
    type_detail: Text = None
    type_name: Text = None


@dataclass(slots=True)
class SignerInfo:
    competence: Text = None
    position: Text = None
    full_name: Text = None


@dataclass(slots=True)
class OtherInfo:
    priority: Text = None
    sphere_of_promulgation: Text = None
    typer_notation: Text = None
    promulgation_amount: Text = None
    page_amount: Text = None
    direction: Text = None
    appendixes: list[str] | None = None


@dataclass(slots=True)
class ResponseFor:
    """The document a status (or a replying document) refers to."""

    organ_id: Text = None
    code: Text = None
    promulgation_date: Text = None
    document_id: Text = None


@dataclass(slots=True)
class StaffInfo:
    department: Text = None
    staff: Text = None
    mobile: Text = None
    email: Text = None


@dataclass(slots=True)
class TraceHeader:
    organ_id: Text = None
    timestamp: Text = None


@dataclass(slots=True)
class Receiver:
    organ_id: Text = None
    receiver_type: Text = None


@dataclass(slots=True)
class BussinessDocumentInfo:
    """Update case (BussinessDocType=2)."""

    document_info: Text = None
    document_receiver: Text = None
    receiver_list: list[Receiver] | None = None


@dataclass(slots=True)
class ReplacementInfo:
    """Replace case (BussinessDocType=3)."""

    document_id: Text = None
    organ_ids: list[str] | None = None


@dataclass(slots=True)
class Bussiness:
    """TraceHeaderList/Bussiness (sic, edxml.md §4.4)."""

    document_id: Text = None
    bussiness_doc_type: Text = None
    bussiness_doc_reason: Text = None
    paper: Text = None
    bussiness_document_info: BussinessDocumentInfo | None = None
    replacement_info_list: list[ReplacementInfo] | None = None
    staff_info: StaffInfo | None = None


@dataclass(slots=True)
class TraceHeaderList:
    trace_headers: list[TraceHeader] = field(default_factory=list)
    bussiness: Bussiness | None = None


@dataclass(slots=True)
class SignatureReference:
    uri: Text = None
    transforms: list[str] | None = None
    digest_method: Text = None
    digest_value: Text = None


@dataclass(slots=True)
class Signature:
    """The XMLDSig-shaped envelope signature slot (edxml.md §4.6).

    `in_dsig_namespace` records whether the subtree was in the XML-DSig namespace (standard) or,
    as the reference library writes it, in the edXML namespace.
    """

    canonicalization_method: Text = None
    signature_method: Text = None
    references: list[SignatureReference] = field(default_factory=list)
    signature_value: Text = None
    x509_subject_name: Text = None
    x509_certificate: Text = None
    in_dsig_namespace: bool = False


@dataclass(slots=True)
class Reference:
    """Manifest entry (edXMLManifest/Reference)."""

    content_id: Text = None
    content_type: Text = None
    description: Text = None
    attachment_name: Text = None


@dataclass(slots=True)
class Attachment:
    """AttachmentEncoded/Attachment; the content is kept base64-encoded, as on the wire."""

    content_id: Text = None
    attachment_name: Text = None
    description: Text = None
    content_type: Text = None
    encoded: Text = None

    @classmethod
    def from_bytes(
        cls, content_id: str, name: str, data: bytes, content_type: str, description: str = ""
    ) -> Attachment:
        """Attachment for a file, with the `cid:` prefix the reference library writes."""
        cid = content_id if content_id.startswith("cid:") else f"cid:{content_id}"
        return cls(
            content_id=cid,
            attachment_name=name,
            description=description,
            content_type=content_type,
            encoded=base64.b64encode(data).decode("ascii"),
        )

    def data(self) -> bytes:
        """Decoded content (raises binascii.Error on invalid base64)."""
        return b64decode_valid("".join((self.encoded or "").split()))

    def reference(self) -> Reference:
        """The manifest entry that matches this attachment."""
        return Reference(
            content_id=self.content_id,
            content_type=self.content_type,
            description=self.description,
            attachment_name=self.attachment_name,
        )


@dataclass(slots=True)
class EdocPackage:
    """A document package (gói tin văn bản điện tử)."""

    from_: Organization | None = None
    to: list[Organization] = field(default_factory=list)
    document_id: Text = None
    code: Code | None = None
    promulgation_info: PromulgationInfo | None = None
    document_type: DocumentType | None = None
    subject: Text = None
    content: Text = None
    signer_info: SignerInfo | None = None
    due_date: Text = None
    other_info: OtherInfo | None = None
    response_for: list[ResponseFor] = field(default_factory=list)
    steering_type: Text = None
    to_places: list[str] | None = None
    trace_header_list: TraceHeaderList | None = None
    signature: Signature | None = None
    manifest_version: Text = "1.0"
    references: list[Reference] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)


@dataclass(slots=True)
class StatusPackage:
    """A status package (gói tin trạng thái, edxml.md §5)."""

    from_: Organization | None = None
    response_for: ResponseFor | None = None
    staff_info: StaffInfo | None = None
    status_code: Text = None
    description: Text = None
    timestamp: Text = None
    trace_header_list: TraceHeaderList | None = None
    signature: Signature | None = None


Package = EdocPackage | StatusPackage
