"""build -> parse -> build is lossless for both package kinds (edxml.md §4, §5; model.py convention).

Convention under test: a text field is None when its element is absent and a string (possibly empty)
when present; a list-valued container field is None when the container is absent and a list
(possibly empty) when present.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from harness.edxml import model as m
from harness.edxml.builder import build, escape_text
from harness.edxml.parser import parse_package

VIETNAMESE = (
    "ăâđêôơưàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵĂÂĐÊÔƠƯ"
    "ĂÂĐÊÔƠƯÀẢÃÁẠẰẲẴẮẶẦẨẪẤẬÈẺẼÉẸỀỂỄẾỆÌỈĨÍỊÒỎÕÓỌỒỔỖỐỘỜỞỠỚỢÙỦŨÚỤỪỬỮỨỰỲỶỸÝỴ"
)
# Characters that stress the escaping: markup, quotes, line ends (\r must survive as &#13;).
SPECIAL = " \t\n\r&<>\"'];"
_XML_ILLEGAL = "\ufffe\uffff"

_characters: st.SearchStrategy[str] = st.one_of(
    # Own (doubled) branch so that markup, quotes and line ends are frequent, not diluted.
    st.sampled_from(SPECIAL),
    st.sampled_from(SPECIAL),
    st.sampled_from(VIETNAMESE),
    st.characters(min_codepoint=0x20, max_codepoint=0x7E),
    # Any other XML-1.0-legal character (BMP above the C0 controls and astral planes).
    st.characters(min_codepoint=0x20, exclude_categories=["Cs"], exclude_characters=_XML_ILLEGAL),
)
text: st.SearchStrategy[str] = st.text(_characters, max_size=24)
opt_text: st.SearchStrategy[str | None] = st.none() | text


def _opt_list(items: st.SearchStrategy[str]) -> st.SearchStrategy[list[str] | None]:
    return st.none() | st.lists(items, max_size=3)


organizations: st.SearchStrategy[m.Organization] = st.builds(
    m.Organization,
    organ_id=opt_text,
    organization_in_charge=opt_text,
    organ_name=opt_text,
    organ_add=opt_text,
    email=opt_text,
    telephone=opt_text,
    fax=opt_text,
    website=opt_text,
)
codes: st.SearchStrategy[m.Code] = st.builds(m.Code, code_number=opt_text, code_notation=opt_text)
promulgation_infos: st.SearchStrategy[m.PromulgationInfo] = st.builds(
    m.PromulgationInfo, place=opt_text, promulgation_date=opt_text
)
document_types: st.SearchStrategy[m.DocumentType] = st.builds(
    m.DocumentType, type=opt_text, type_detail=opt_text, type_name=opt_text
)
signer_infos: st.SearchStrategy[m.SignerInfo] = st.builds(
    m.SignerInfo, competence=opt_text, position=opt_text, full_name=opt_text
)
other_infos: st.SearchStrategy[m.OtherInfo] = st.builds(
    m.OtherInfo,
    priority=opt_text,
    sphere_of_promulgation=opt_text,
    typer_notation=opt_text,
    promulgation_amount=opt_text,
    page_amount=opt_text,
    direction=opt_text,
    appendixes=_opt_list(text),
)
response_fors: st.SearchStrategy[m.ResponseFor] = st.builds(
    m.ResponseFor, organ_id=opt_text, code=opt_text, promulgation_date=opt_text, document_id=opt_text
)
staff_infos: st.SearchStrategy[m.StaffInfo] = st.builds(
    m.StaffInfo, department=opt_text, staff=opt_text, mobile=opt_text, email=opt_text
)
trace_headers: st.SearchStrategy[m.TraceHeader] = st.builds(m.TraceHeader, organ_id=opt_text, timestamp=opt_text)
receivers: st.SearchStrategy[m.Receiver] = st.builds(m.Receiver, organ_id=opt_text, receiver_type=opt_text)
bussiness_document_infos: st.SearchStrategy[m.BussinessDocumentInfo] = st.builds(
    m.BussinessDocumentInfo,
    document_info=opt_text,
    document_receiver=opt_text,
    receiver_list=st.none() | st.lists(receivers, max_size=3),
)
replacement_infos: st.SearchStrategy[m.ReplacementInfo] = st.builds(
    m.ReplacementInfo, document_id=opt_text, organ_ids=_opt_list(text)
)
bussinesses: st.SearchStrategy[m.Bussiness] = st.builds(
    m.Bussiness,
    document_id=opt_text,
    bussiness_doc_type=opt_text,
    bussiness_doc_reason=opt_text,
    paper=opt_text,
    bussiness_document_info=st.none() | bussiness_document_infos,
    replacement_info_list=st.none() | st.lists(replacement_infos, max_size=3),
    staff_info=st.none() | staff_infos,
)
trace_header_lists: st.SearchStrategy[m.TraceHeaderList] = st.builds(
    m.TraceHeaderList,
    trace_headers=st.lists(trace_headers, max_size=3),
    bussiness=st.none() | bussinesses,
)
signature_references: st.SearchStrategy[m.SignatureReference] = st.builds(
    m.SignatureReference,
    uri=opt_text,
    transforms=_opt_list(text),
    digest_method=opt_text,
    digest_value=opt_text,
)
signatures: st.SearchStrategy[m.Signature] = st.builds(
    m.Signature,
    canonicalization_method=opt_text,
    signature_method=opt_text,
    references=st.lists(signature_references, max_size=3),
    signature_value=opt_text,
    x509_subject_name=opt_text,
    x509_certificate=opt_text,
    in_dsig_namespace=st.booleans(),
)
manifest_references: st.SearchStrategy[m.Reference] = st.builds(
    m.Reference, content_id=opt_text, content_type=opt_text, description=opt_text, attachment_name=opt_text
)
attachments: st.SearchStrategy[m.Attachment] = st.builds(
    m.Attachment,
    content_id=opt_text,
    attachment_name=opt_text,
    description=opt_text,
    content_type=opt_text,
    encoded=opt_text,
)

edoc_packages: st.SearchStrategy[m.EdocPackage] = st.builds(
    m.EdocPackage,
    from_=st.none() | organizations,
    to=st.lists(organizations, max_size=3),
    document_id=opt_text,
    code=st.none() | codes,
    promulgation_info=st.none() | promulgation_infos,
    document_type=st.none() | document_types,
    subject=opt_text,
    content=opt_text,
    signer_info=st.none() | signer_infos,
    due_date=opt_text,
    other_info=st.none() | other_infos,
    response_for=st.lists(response_fors, max_size=3),
    steering_type=opt_text,
    to_places=_opt_list(text),
    trace_header_list=st.none() | trace_header_lists,
    signature=st.none() | signatures,
    manifest_version=opt_text,
    references=st.lists(manifest_references, max_size=3),
    attachments=st.lists(attachments, max_size=3),
)


def _status_packages(status_code: st.SearchStrategy[str | None]) -> st.SearchStrategy[m.StatusPackage]:
    return st.builds(
        m.StatusPackage,
        from_=st.none() | organizations,
        response_for=st.none() | response_fors,
        staff_info=st.none() | staff_infos,
        status_code=status_code,
        description=opt_text,
        timestamp=opt_text,
        trace_header_list=st.none() | trace_header_lists,
        signature=st.none() | signatures,
    )


# The parser tells a status package from a document package by its StatusCode element, so the
# main property keeps StatusCode present (possibly empty); the absent case is tested on its own below.
status_packages: st.SearchStrategy[m.StatusPackage] = _status_packages(text)

ROUNDTRIP = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _assert_lossless(pkg: m.Package) -> None:
    data = build(pkg)
    parsed = parse_package(data)
    assert parsed == pkg
    assert build(parsed) == data


@ROUNDTRIP
@given(edoc_packages)
def test_edoc_roundtrip_is_lossless(pkg: m.EdocPackage) -> None:
    _assert_lossless(pkg)


@ROUNDTRIP
@given(status_packages)
def test_status_roundtrip_is_lossless(pkg: m.StatusPackage) -> None:
    _assert_lossless(pkg)


@settings(max_examples=50, deadline=None)
@given(_status_packages(st.none()))
def test_status_without_status_code_roundtrips_as_status(pkg: m.StatusPackage) -> None:
    """StatusCode is optional in the model; the package must still come back as a StatusPackage."""
    _assert_lossless(pkg)


def test_empty_vs_absent_are_distinguished() -> None:
    """None (absent) and "" / [] (present but empty) survive the round trip as themselves."""
    absent = m.EdocPackage(other_info=m.OtherInfo(), to_places=None, manifest_version=None)
    empty = m.EdocPackage(
        subject="",
        other_info=m.OtherInfo(priority="", appendixes=[]),
        to_places=[],
        manifest_version="",
        trace_header_list=m.TraceHeaderList(
            bussiness=m.Bussiness(
                bussiness_document_info=m.BussinessDocumentInfo(receiver_list=[]), replacement_info_list=[]
            )
        ),
        signature=m.Signature(references=[m.SignatureReference(uri="", transforms=[])]),
    )
    for pkg in (absent, empty):
        _assert_lossless(pkg)
    assert build(absent) != build(empty)


def test_vietnamese_and_markup_text_roundtrip() -> None:
    value = "Văn bản <số 1> & \"Đặc biệt\" 'ưu tiên'\r\nDòng hai\rỲỶỸÝỴ ]]> 𝔸"
    attr = value + "\ttab"
    pkg = m.EdocPackage(
        subject=value,
        to_places=[value, ""],
        manifest_version=attr,
        signature=m.Signature(
            canonicalization_method=attr,
            signature_method=attr,
            references=[m.SignatureReference(uri=attr, transforms=[attr], digest_method=attr, digest_value=value)],
        ),
    )
    _assert_lossless(pkg)
    data = build(pkg)
    for escaped in (b"&#13;", b"&amp;", b"&lt;", b"&quot;", b"&#10;", b"&#9;"):
        assert escaped in data


@pytest.mark.parametrize("bad", ["\x01", "a\x00b", "x\x08", "\x0b", "\x0c", "\x1f", "\ufffe", "\uffff", "\ud800"])
def test_escape_text_refuses_control_characters(bad: str) -> None:
    with pytest.raises(ValueError):
        escape_text(bad)


def test_escape_text_escapes_markup_and_keeps_legal_whitespace() -> None:
    assert escape_text("a & b < c > d") == "a &amp; b &lt; c &gt; d"
    assert escape_text("x\ty\nz\r") == "x\ty\nz&#13;"
    assert escape_text("Văn phòng Chính phủ") == "Văn phòng Chính phủ"


def test_build_refuses_illegal_character_in_field() -> None:
    with pytest.raises(ValueError):
        build(m.EdocPackage(subject="bad \x01 subject"))
    with pytest.raises(ValueError):
        build(m.StatusPackage(status_code="03", signature=m.Signature(signature_method="\x02")))
