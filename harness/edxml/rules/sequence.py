"""EDX-45..49: rules over an ordered sequence of packages (a trial's exchange log, a mailbox).

Feed packages in the order they were exchanged, then call `finish()`: EDX-46 (every recipient
sent 01) can only be judged once the sequence is over.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from harness.edxml import model as m
from harness.edxml.catalogue import rule
from harness.edxml.findings import Finding

_MH = "/edXML/edXMLEnvelope/edXMLHeader/MessageHeader"
_PROGRESS = ("01", "02", "03", "04", "05", "06")
_TERMINAL = ("02", "06")


@dataclass(slots=True)
class _Sent:
    sender: str
    recipients: set[str]
    label: str


@dataclass(slots=True)
class SequenceChecker:
    """Stateful checker; one instance per exchange log."""

    documents: dict[str, _Sent] = field(default_factory=dict)
    change_requests: set[str] = field(default_factory=set)
    progress: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    awaiting_arrival: dict[tuple[str, str], str] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)

    def _report(self, rule_id: str, label: str, where: str, vi: str, en: str) -> None:
        r = rule(rule_id)
        self.findings.append(Finding(rule_id, r.level, f"{label}: {_MH}{where}", vi, en, r.source))

    def feed(self, package: m.Package, label: str) -> None:
        """Take the next package of the sequence; `label` names it in findings (file, docId)."""
        if isinstance(package, m.EdocPackage):
            self._document(package, label)
        else:
            self._status(package, label)

    def _document(self, doc: m.EdocPackage, label: str) -> None:
        bus = doc.trace_header_list.bussiness if doc.trace_header_list else None
        doc_type = (bus.bussiness_doc_type or "0") if bus else "0"
        if bus and doc_type in ("1", "2", "3"):
            if bus.document_id:
                self.change_requests.add(bus.document_id)
            for info in bus.replacement_info_list or []:
                if info.document_id:
                    self.change_requests.add(info.document_id)
        if not doc.document_id or not doc.from_ or not doc.from_.organ_id:
            return
        recipients = {t.organ_id for t in doc.to if t.organ_id}
        self.documents[doc.document_id] = _Sent(doc.from_.organ_id, recipients, label)
        if doc_type == "0":
            for r in recipients:
                self.awaiting_arrival.setdefault((doc.document_id, r), label)

    def _status(self, st: m.StatusPackage, label: str) -> None:
        rf, reporter, code = st.response_for, (st.from_.organ_id if st.from_ else None), st.status_code
        if rf is None or not rf.document_id or not reporter or not code:
            return  # stateless rules EDX-40/42 already report the gap
        doc_id = rf.document_id
        if code == "13":
            self.change_requests.add(doc_id)
            return
        if code in ("15", "16") and doc_id not in self.change_requests:
            self._report(
                "EDX-47",
                label,
                "/StatusCode",
                f"Trạng thái {code} trả lời văn bản '{doc_id}' nhưng chưa có yêu cầu thu hồi/cập nhật/thay thế nào.",
                f"Status {code} answers '{doc_id}' but no recall/update/replace request came before.",
            )
        sent = self.documents.get(doc_id)
        if sent is None or reporter not in sent.recipients:
            self._report(
                "EDX-48",
                label,
                "/ResponseFor/DocumentId",
                f"'{reporter}' báo trạng thái cho văn bản '{doc_id}' nhưng chưa có văn bản này gửi tới '{reporter}'.",
                f"'{reporter}' reports on '{doc_id}' but no such document was sent to '{reporter}' before.",
            )
        elif rf.organ_id != sent.sender:
            self._report(
                "EDX-49",
                label,
                "/ResponseFor/OrganId",
                f"ResponseFor/OrganId = '{rf.organ_id}', khác đơn vị gửi văn bản gốc '{sent.sender}'.",
                f"ResponseFor/OrganId = '{rf.organ_id}', not the original sender '{sent.sender}'.",
            )
        if code in _PROGRESS:
            self._progress(doc_id, reporter, code, label)

    def _progress(self, doc_id: str, reporter: str, code: str, label: str) -> None:
        history = self.progress.setdefault((doc_id, reporter), [])
        if not history and code != "01":
            self._report(
                "EDX-45",
                label,
                "/StatusCode",
                f"'{reporter}' gửi trạng thái {code} cho '{doc_id}' trước trạng thái 01.",
                f"'{reporter}' sent {code} for '{doc_id}' before 01.",
            )
        elif history and history[-1] in _TERMINAL:
            self._report(
                "EDX-45",
                label,
                "/StatusCode",
                f"'{reporter}' gửi trạng thái {code} cho '{doc_id}' sau trạng thái kết thúc {history[-1]}.",
                f"'{reporter}' sent {code} for '{doc_id}' after the final status {history[-1]}.",
            )
        elif history and code < history[-1]:
            self._report(
                "EDX-45",
                label,
                "/StatusCode",
                f"'{reporter}' gửi trạng thái {code} cho '{doc_id}' sau {history[-1]}: trạng thái đi lùi.",
                f"'{reporter}' sent {code} for '{doc_id}' after {history[-1]}: status went backwards.",
            )
        history.append(code)
        if code == "01":
            self.awaiting_arrival.pop((doc_id, reporter), None)

    def finish(self) -> list[Finding]:
        """Close the sequence: report every recipient that never sent 01, then all findings."""
        for (doc_id, recipient), label in sorted(self.awaiting_arrival.items()):
            self._report(
                "EDX-46",
                label,
                "/To",
                f"'{recipient}' không gửi trạng thái 01 (đã đến) cho văn bản '{doc_id}'.",
                f"'{recipient}' never sent status 01 (arrived) for '{doc_id}'.",
            )
        self.awaiting_arrival.clear()
        return list(self.findings)
