"""Ready-made conformant packages: the starting point of fixtures, tests, benchmarks and agencies.

`new_document` returns a fully populated document package that passes every MUST and SHOULD
rule; callers override what they need. `status_for` answers a document with a status package
linked exactly as edxml.md §5.1 prescribes.
"""

from __future__ import annotations

import copy
import uuid
from datetime import datetime

from harness.edxml import model as m
from harness.edxml.formats import format_date, format_timestamp, now_ict
from harness.ids import format_document_id


def minimal_pdf(text: str = "Van ban dien tu") -> bytes:
    """A small but structurally valid one-page PDF (real PDFs come from the document renderer)."""
    safe = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    stream = f"BT /F1 12 Tf 72 720 Td ({safe}) Tj ET".encode("latin-1", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >>"
        b" /Contents 4 0 R >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for off in offsets:
        out += f"{off:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def organization(organ_id: str, name: str, parent: str = "", address: str = "") -> m.Organization:
    """An organisation block with all eight children, as the reference library writes it."""
    return m.Organization(
        organ_id=organ_id,
        organization_in_charge=parent or name,
        organ_name=name,
        organ_add=address or "Việt Nam",
        email="vanthu@example.gov.vn",
        telephone="0238000000",
        fax="",
        website="",
    )


DEFAULT_FROM = organization("000.00.00.H41", "UBND tỉnh Nghệ An", address="Thành phố Vinh, tỉnh Nghệ An")
DEFAULT_TO = organization("000.00.00.G22", "Văn phòng Chính phủ", "Chính phủ", "Số 1 Hoàng Hoa Thám, Hà Nội")


def new_document(
    *,
    sender: m.Organization | None = None,
    recipients: list[m.Organization] | None = None,
    number: str = "123",
    notation: str = "UBND-VX",
    type_name: str = "Công văn",
    subject: str = "V/v báo cáo kết quả triển khai gửi, nhận văn bản điện tử",
    priority: str = "0",
    when: datetime | None = None,
    attachments: list[m.Attachment] | None = None,
) -> m.EdocPackage:
    """A conformant new-document package (BussinessDocType 0) with one PDF attachment."""
    # Copies: callers mutate the returned package, never the shared organisation objects.
    sender = copy.deepcopy(sender or DEFAULT_FROM)
    recipients = copy.deepcopy(recipients or [DEFAULT_TO])
    when = when or now_ict()
    day = format_date(when)
    assert sender.organ_id is not None
    doc_id = format_document_id(sender.organ_id, day, number, notation)
    if attachments is None:
        attachments = [
            m.Attachment.from_bytes(
                str(uuid.uuid4()),
                f"{number}-{notation}.pdf",
                minimal_pdf(f"{number}/{notation}"),
                "application/pdf",
                "Văn bản chính",
            )
        ]
    return m.EdocPackage(
        from_=sender,
        to=list(recipients),
        document_id=doc_id,
        code=m.Code(number, notation),
        promulgation_info=m.PromulgationInfo("Nghệ An", day),
        document_type=m.DocumentType("2", "0", type_name),
        subject=subject,
        content="Báo cáo kết quả quý I",
        signer_info=m.SignerInfo("KT. CHỦ TỊCH", "Phó Chủ tịch", "Nguyễn Văn A"),
        due_date=None,
        other_info=m.OtherInfo(
            priority=priority,
            sphere_of_promulgation="Liên thông văn bản quốc gia",
            typer_notation="VX",
            promulgation_amount="1",
            page_amount="1",
            appendixes=[],
        ),
        steering_type="0",
        to_places=["Như trên", "Lưu: VT, VX"],
        trace_header_list=m.TraceHeaderList(
            trace_headers=[m.TraceHeader(sender.organ_id, format_timestamp(when))],
            bussiness=m.Bussiness(
                document_id=doc_id,
                bussiness_doc_type="0",
                bussiness_doc_reason="Văn bản điện tử mới",
                paper="0",
                staff_info=m.StaffInfo("Văn thư", "Trần Thị B", "0900000000", "vanthu@example.gov.vn"),
            ),
        ),
        references=[a.reference() for a in attachments],
        attachments=list(attachments),
    )


def status_for(
    document: m.EdocPackage,
    reporter: m.Organization,
    code: str,
    description: str = "",
    when: datetime | None = None,
) -> m.StatusPackage:
    """A status package from `reporter` about `document` (ResponseFor linkage of edxml.md §5.1)."""
    assert document.code is not None and document.promulgation_info is not None and document.from_
    return m.StatusPackage(
        from_=copy.deepcopy(reporter),
        response_for=m.ResponseFor(
            organ_id=document.from_.organ_id,
            code=f"{document.code.code_number}/{document.code.code_notation}",
            promulgation_date=document.promulgation_info.promulgation_date,
            document_id=document.document_id,
        ),
        staff_info=m.StaffInfo("Văn thư", "Lê Văn C", "0911000000", "vanthu@example.gov.vn"),
        status_code=code,
        description=description or STATUS_DESCRIPTIONS.get(code, ""),
        timestamp=format_timestamp(when or now_ict()),
    )


STATUS_DESCRIPTIONS = {
    "01": "Đã đến",
    "02": "Từ chối tiếp nhận",
    "03": "Đã tiếp nhận",
    "04": "Phân công xử lý",
    "05": "Đang xử lý",
    "06": "Hoàn thành",
    "13": "Lấy lại văn bản",
    "15": "Đồng ý",
    "16": "Từ chối",
}


FOLLOW_UP_REASONS = {
    "1": "Thu hồi văn bản ban hành nhầm",
    "2": "Cập nhật thông tin văn bản",
    "3": "Thay thế văn bản ban hành nhầm",
}


def follow_up(original: m.EdocPackage, new: m.EdocPackage, kind: str, reason: str = "") -> m.EdocPackage:
    """Turn `new` into a revoke (1), update (2) or replace (3) of `original` (edxml.md §7).

    `Bussiness/DocumentId` names the original; an update flags changed document info, a
    replacement lists the original and its recipients.
    """
    if kind not in FOLLOW_UP_REASONS:
        raise ValueError(f"business type must be 1, 2 or 3, not {kind!r}")
    assert new.trace_header_list is not None and new.trace_header_list.bussiness is not None
    bus = new.trace_header_list.bussiness
    bus.bussiness_doc_type = kind
    bus.bussiness_doc_reason = reason or FOLLOW_UP_REASONS[kind]
    bus.document_id = original.document_id
    if kind == "2":
        bus.bussiness_document_info = m.BussinessDocumentInfo("1", "0", None)
    if kind == "3":
        bus.replacement_info_list = [
            m.ReplacementInfo(original.document_id, [o.organ_id or "" for o in original.to or []])
        ]
    return new
