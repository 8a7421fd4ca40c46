"""Stateful rules EDX-45..49 on conformant and faulty exchanges built in memory."""

from __future__ import annotations

from harness.edxml import SequenceChecker
from harness.edxml import model as m
from harness.edxml.factory import DEFAULT_TO, new_document, organization, status_for

STC = organization("000.00.11.H41", "Sở Tài chính")


def run(*packages: m.Package) -> list[str]:
    checker = SequenceChecker()
    for i, pkg in enumerate(packages, 1):
        checker.feed(pkg, f"#{i}")
    return [f.rule for f in checker.finish()]


def test_full_conformant_lifecycle_has_no_finding() -> None:
    doc = new_document(recipients=[DEFAULT_TO, STC])
    flow: list[m.Package] = [doc]
    for code in ("01", "03", "04", "05", "05", "06"):
        flow.append(status_for(doc, DEFAULT_TO, code))
    flow += [status_for(doc, STC, "01"), status_for(doc, STC, "02", "Không thuộc thẩm quyền")]
    assert run(*flow) == []


def test_recall_by_status_13_then_agreement() -> None:
    doc = new_document()
    recall = status_for(doc, doc.from_ or DEFAULT_TO, "13", "Lấy lại do ban hành nhầm")
    assert run(doc, status_for(doc, DEFAULT_TO, "01"), recall, status_for(doc, DEFAULT_TO, "15")) == []


def test_update_by_business_type_2_then_refusal() -> None:
    doc = new_document()
    update = new_document(number="124")
    assert update.trace_header_list is not None and update.trace_header_list.bussiness is not None
    update.trace_header_list.bussiness.bussiness_doc_type = "2"
    update.trace_header_list.bussiness.document_id = doc.document_id
    flow: list[m.Package] = [doc, status_for(doc, DEFAULT_TO, "01"), update, status_for(doc, DEFAULT_TO, "16")]
    assert run(*flow) == []


def test_nothing_after_final_status() -> None:
    doc = new_document()
    flow = [doc] + [status_for(doc, DEFAULT_TO, c) for c in ("01", "03", "06", "05")]
    assert run(*flow) == ["EDX-45"]


def test_missing_arrival_reported_per_recipient() -> None:
    doc = new_document(recipients=[DEFAULT_TO, STC])
    assert run(doc) == ["EDX-46", "EDX-46"]
    assert run(doc, status_for(doc, STC, "01")) == ["EDX-46"]


def test_status_for_unknown_document() -> None:
    doc = new_document()
    assert run(status_for(doc, DEFAULT_TO, "01")) == ["EDX-48"]
