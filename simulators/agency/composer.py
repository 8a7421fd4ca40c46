"""The composer: documents this agency sends (checked as its own form would, rendered, signed per the
profile, sent), recalls and follow-ups, and the register of sent documents with their statuses.
"""

from __future__ import annotations

import logging
import re

import httpx

from harness.backchannel.models import (
    BackchannelError,
    ErrorCode,
    SendRequest,
    SendResult,
    SentDocument,
    StatusEntry,
)
from harness.edxml import build
from harness.edxml import model as m
from harness.edxml.factory import follow_up, organization
from harness.edxml.parser import parse_package
from harness.ids import InvalidIdentifier, parse_agency_id
from harness.pdf.doctypes import UnknownDocType, doc_type
from harness.signing.documents import SignedPdfMemo, signed_pilot_document
from harness.transport.mailbox import MailboxError
from simulators.agency.state import AgencyState, bad_request, filed, in_thread, iso

log = logging.getLogger(__name__)

COMPOSED = SignedPdfMemo()
"""The host's signed documents by sender, signer, type and day: each agency's Công văn of the day is rendered
and signed once and sent under fresh numbers (harness.signing.documents.SignedPdfMemo)."""


def break_promulgation_date(data: bytes) -> bytes:
    """PromulgationDate yyyy/MM/dd -> dd/MM/yyyy: EDX-13, which the axis' carriage rules do not check."""
    return re.sub(
        rb"(<edXML:PromulgationInfo>.*?<edXML:PromulgationDate>)(\d{4})/(\d{2})/(\d{2})",
        rb"\1\4/\3/\2",
        data,
        count=1,
        flags=re.DOTALL,
    )


class Composer(AgencyState):
    def sent(self) -> list[SentDocument]:
        by_document: dict[str, list[StatusEntry]] = {}
        for s in self.store.received_statuses():
            entry = StatusEntry(s["code"], s["description"], s["from_code"], iso(s["received_at"]))
            by_document.setdefault(s["document_id"], []).append(entry)
        return [
            SentDocument(
                document_id=d["document_id"],
                doc_type=d["doc_type"],
                recipients=list(d["recipients"]),
                sent_at=iso(d["sent_at"]),
                business_type=d["business_type"],
                statuses=by_document.get(d["document_id"], []),
            )
            for d in self.store.sent_documents()
        ]

    async def send(self, request: SendRequest) -> SendResult:
        """POST /documents: check the request as the system's own form would, then sign and send."""
        if request.priority not in ("0", "1", "2", "3", "4"):
            raise bad_request(f"Độ khẩn (priority) phải là 0, 1, 2, 3 hoặc 4, không phải {request.priority!r}.")
        if request.business_type not in ("0", "1", "2", "3"):
            raise bad_request(
                f"Loại nghiệp vụ (business_type) phải là 0, 1, 2 hoặc 3, không phải {request.business_type!r}."
            )
        if not isinstance(request.appendices, int) or isinstance(request.appendices, bool):
            raise bad_request("Số phụ lục (appendices) phải là số nguyên từ 0 đến 5.")
        if not 0 <= request.appendices <= 5:
            raise bad_request("Số phụ lục (appendices) phải từ 0 đến 5.")
        if request.subject is not None and not isinstance(request.subject, str):
            raise bad_request("Trích yếu (subject) phải là chuỗi.")
        if not isinstance(request.secret, bool):
            raise bad_request("Trường secret phải là true hoặc false.")
        if request.reference is not None and not isinstance(request.reference, str):
            raise bad_request("Trường reference phải là chuỗi DocumentId.")
        for code in request.recipients:
            try:
                parse_agency_id(code)
            except InvalidIdentifier:
                raise BackchannelError(
                    422, ErrorCode.UNKNOWN_RECIPIENT, f"Mã định danh nơi nhận không hợp lệ: {code!r}."
                ) from None
        try:
            kind = doc_type(request.doc_type)
        except UnknownDocType as exc:
            raise BackchannelError(422, ErrorCode.UNSUPPORTED_TYPE, f"Không hỗ trợ {exc.message_vi}") from None
        if kind.name in self.behaviour.unsupported_types:
            raise BackchannelError(
                422, ErrorCode.UNSUPPORTED_TYPE, f"Hệ thống chưa hỗ trợ soạn và gửi loại văn bản «{kind.name}»."
            )
        if request.secret and not self.behaviour.sends_secret:
            raise BackchannelError(
                422,
                ErrorCode.SECRET_DOCUMENT,
                "Văn bản mật không được gửi qua trục liên thông văn bản; hãy chuyển bằng văn bản giấy theo quy định"
                " bảo vệ bí mật nhà nước.",
            )
        original: m.EdocPackage | None = None
        if request.business_type != "0":
            if not request.reference:
                raise bad_request("Văn bản thu hồi, cập nhật hoặc thay thế phải có reference (DocumentId văn bản gốc).")
            original = self._sent_package(request.reference)
        subject = request.subject
        if request.secret:
            subject = f"(MẬT) {subject or ''}".strip()
        return await self._send(
            kind.name,
            list(dict.fromkeys(request.recipients)),
            priority=request.priority,
            business_type=request.business_type,
            original=original,
            appendices=request.appendices,
            subject=subject,
            prefix=bool(request.secret),
        )

    async def recall(self, document_id: str, reason: str = "") -> SendResult:
        """Recall a sent document: a business-type-1 (revoke) document package to its recipients.
        (A status 13 would be routed by ResponseFor/OrganId, i.e. back to this very agency.)"""
        row = self.store.sent_document(document_id)
        if row is None:
            raise BackchannelError(404, ErrorCode.NOT_FOUND, f"Không có văn bản đi {document_id} trong sổ.")
        original = self._sent_package(document_id)
        return await self._send(
            row["doc_type"], list(row["recipients"]), business_type="1", original=original, reason=reason
        )

    def _sent_package(self, document_id: str) -> m.EdocPackage:
        row = self.store.sent_document(document_id)
        if row is None or row["package"] is None:
            raise BackchannelError(
                404, ErrorCode.NOT_FOUND, f"Không có văn bản đi {document_id} trong sổ của {self.organ_id}."
            )
        package = parse_package(bytes(row["package"]), strict=False)
        assert isinstance(package, m.EdocPackage)
        return package

    async def _send(
        self,
        type_name: str,
        recipients: list[str],
        *,
        priority: str = "0",
        business_type: str = "0",
        original: m.EdocPackage | None = None,
        reason: str = "",
        appendices: int = 0,
        subject: str | None = None,
        prefix: bool = False,
    ) -> SendResult:
        number = self.store.next_number()
        other = next((o for o in self.pki.agencies if o != self.organ_id), None)
        orgs = [organization(code, self.directory.get(code, code)) for code in recipients]
        signed = await in_thread(
            "sign",
            signed_pilot_document,
            self.pki,
            type_name,
            self.organ,
            orgs,
            seed=number,
            number=number,
            appendices=appendices,
            sign=self.behaviour.signs,
            signer_organ=other if self.behaviour.signs_as_other_agency else None,
            priority=priority,
            memo=COMPOSED,
        )
        package = signed.package
        if subject:
            package.subject = subject[:500]
        elif prefix:
            package.subject = f"(MẬT) {package.subject or ''}"[:500]
        if original is not None:
            package = follow_up(original, package, business_type, reason.strip())
        data = build(package)
        if not self.behaviour.valid_packages:
            data = break_promulgation_date(data)
        try:
            doc_id = await self.mailbox.send(data, self.organ_id)
        except MailboxError as exc:
            raise BackchannelError(
                502, ErrorCode.AXIS_ERROR, f"Trục từ chối văn bản: {exc.code} {exc.description}".strip()
            ) from None
        except httpx.HTTPError as exc:
            raise BackchannelError(
                502, ErrorCode.AXIS_ERROR, f"Không kết nối được trục {self.connection.endpoint}: {exc}"
            ) from None
        document_id = package.document_id or ""
        self.store.record_sent(
            doc_id,
            document_id,
            type_name,
            recipients,
            business_type=business_type,
            reference=(original.document_id or "") if original is not None else "",
            subject=package.subject or "",
            package=filed(package),
        )
        log.info("%s: sent %s (%s) to %s as %s", self.organ_id, document_id, type_name, recipients, doc_id)
        return SendResult(document_id, [doc_id])

    async def send_document(
        self, doc_type: str, recipients: list[m.Organization], *, priority: str = "0"
    ) -> tuple[str, str]:
        """Render, sign per the profile and send a document; returns (axis DocId, DocumentId)."""
        for r in recipients:
            if r.organ_id and r.organ_name:
                self.directory.setdefault(r.organ_id, r.organ_name)
        result = await self._send(doc_type, [r.organ_id or "" for r in recipients], priority=priority)
        return result.axis_doc_ids[0], result.document_id
