"""Element layout of the edXML header as data, shared by the builder and the parser.

One table per record says which element maps to which model attribute and in which order the
reference library (VNPT EdXML102) emits them (edxml.md §4.3-4.4, §5.1). The builder walks these
tables to write, the parser walks the same tables to read, so the two cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any

from harness.edxml import model as m


class Shape(Enum):
    TEXT = "text"  # <Tag>text</Tag>                       -> str | None
    RECORD = "record"  # <Tag>fields</Tag>                  -> record | None
    REPEAT = "repeat"  # <Tag>fields</Tag> repeated           -> list[record]
    TEXTS = "texts"  # <Tag><Item>t</Item>*</Tag>           -> list[str] | None
    RECORDS = "records"  # <Tag><Item>fields</Item>*</Tag>  -> list[record] | None


@dataclass(frozen=True, slots=True)
class Field:
    tag: str
    attr: str
    shape: Shape = Shape.TEXT
    item_tag: str = ""
    record: Record | None = None


@dataclass(frozen=True, slots=True)
class Record:
    cls: type[Any]
    fields: tuple[Field, ...]


def _texts(*pairs: tuple[str, str]) -> tuple[Field, ...]:
    return tuple(Field(tag, attr) for tag, attr in pairs)


ORGANIZATION = Record(
    m.Organization,
    _texts(
        ("OrganId", "organ_id"),
        ("OrganizationInCharge", "organization_in_charge"),
        ("OrganName", "organ_name"),
        ("OrganAdd", "organ_add"),
        ("Email", "email"),
        ("Telephone", "telephone"),
        ("Fax", "fax"),
        ("Website", "website"),
    ),
)
CODE = Record(m.Code, _texts(("CodeNumber", "code_number"), ("CodeNotation", "code_notation")))
PROMULGATION_INFO = Record(m.PromulgationInfo, _texts(("Place", "place"), ("PromulgationDate", "promulgation_date")))
DOCUMENT_TYPE = Record(
    m.DocumentType, _texts(("Type", "type"), ("TypeDetail", "type_detail"), ("TypeName", "type_name"))
)
SIGNER_INFO = Record(
    m.SignerInfo,
    _texts(("Competence", "competence"), ("Position", "position"), ("FullName", "full_name")),
)
OTHER_INFO = Record(
    m.OtherInfo,
    (
        *_texts(
            ("Priority", "priority"),
            ("SphereOfPromulgation", "sphere_of_promulgation"),
            ("TyperNotation", "typer_notation"),
            ("PromulgationAmount", "promulgation_amount"),
            ("PageAmount", "page_amount"),
            ("Direction", "direction"),
        ),
        Field("Appendixes", "appendixes", Shape.TEXTS, "Appendix"),
    ),
)
RESPONSE_FOR = Record(
    m.ResponseFor,
    _texts(
        ("OrganId", "organ_id"),
        ("Code", "code"),
        ("PromulgationDate", "promulgation_date"),
        ("DocumentId", "document_id"),
    ),
)
STAFF_INFO = Record(
    m.StaffInfo,
    _texts(("Department", "department"), ("Staff", "staff"), ("Mobile", "mobile"), ("Email", "email")),
)
TRACE_HEADER = Record(m.TraceHeader, _texts(("OrganId", "organ_id"), ("Timestamp", "timestamp")))
RECEIVER = Record(m.Receiver, _texts(("OrganId", "organ_id"), ("ReceiverType", "receiver_type")))
BUSSINESS_DOCUMENT_INFO = Record(
    m.BussinessDocumentInfo,
    (
        Field("DocumentInfo", "document_info"),
        Field("DocumentReceiver", "document_receiver"),
        Field("ReceiverList", "receiver_list", Shape.RECORDS, "Receiver", RECEIVER),
    ),
)
REPLACEMENT_INFO = Record(
    m.ReplacementInfo,
    (
        Field("DocumentId", "document_id"),
        Field("OrganIdList", "organ_ids", Shape.TEXTS, "OrganId"),
    ),
)
BUSSINESS = Record(
    m.Bussiness,
    (
        *_texts(
            ("DocumentId", "document_id"),
            ("BussinessDocType", "bussiness_doc_type"),
            ("BussinessDocReason", "bussiness_doc_reason"),
            ("Paper", "paper"),
        ),
        Field("BussinessDocumentInfo", "bussiness_document_info", Shape.RECORD, record=BUSSINESS_DOCUMENT_INFO),
        Field("ReplacementInfoList", "replacement_info_list", Shape.RECORDS, "ReplacementInfo", REPLACEMENT_INFO),
        Field("StaffInfo", "staff_info", Shape.RECORD, record=STAFF_INFO),
    ),
)
TRACE_HEADER_LIST = Record(
    m.TraceHeaderList,
    (
        Field("TraceHeader", "trace_headers", Shape.REPEAT, record=TRACE_HEADER),
        Field("Bussiness", "bussiness", Shape.RECORD, record=BUSSINESS),
    ),
)

EDOC_HEADER = Record(
    m.EdocPackage,
    (
        Field("From", "from_", Shape.RECORD, record=ORGANIZATION),
        Field("To", "to", Shape.REPEAT, record=ORGANIZATION),
        Field("DocumentId", "document_id"),
        Field("Code", "code", Shape.RECORD, record=CODE),
        Field("PromulgationInfo", "promulgation_info", Shape.RECORD, record=PROMULGATION_INFO),
        Field("DocumentType", "document_type", Shape.RECORD, record=DOCUMENT_TYPE),
        Field("Subject", "subject"),
        Field("Content", "content"),
        Field("SignerInfo", "signer_info", Shape.RECORD, record=SIGNER_INFO),
        Field("DueDate", "due_date"),
        Field("OtherInfo", "other_info", Shape.RECORD, record=OTHER_INFO),
        Field("ResponseFor", "response_for", Shape.REPEAT, record=RESPONSE_FOR),
        Field("SteeringType", "steering_type"),
        Field("ToPlaces", "to_places", Shape.TEXTS, "Place"),
    ),
)

STATUS_HEADER = Record(
    m.StatusPackage,
    (
        Field("From", "from_", Shape.RECORD, record=ORGANIZATION),
        Field("ResponseFor", "response_for", Shape.RECORD, record=RESPONSE_FOR),
        Field("StaffInfo", "staff_info", Shape.RECORD, record=STAFF_INFO),
        Field("StatusCode", "status_code"),
        Field("Description", "description"),
        Field("Timestamp", "timestamp"),
    ),
)

REFERENCE = Record(
    m.Reference,
    _texts(
        ("ContentId", "content_id"),
        ("ContentType", "content_type"),
        ("Description", "description"),
        ("AttachmentName", "attachment_name"),
    ),
)
ATTACHMENT = Record(
    m.Attachment,
    _texts(
        ("ContentId", "content_id"),
        ("AttachmentName", "attachment_name"),
        ("Description", "description"),
        ("ContentType", "content_type"),
        ("ContentTransferEncoded", "encoded"),
    ),
)
