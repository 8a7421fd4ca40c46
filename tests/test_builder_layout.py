"""The builder writes the reference library's layout (edxml.md §4.1-4.6, §5.1, §11)."""

from __future__ import annotations

import pytest
from lxml import etree

from harness.edxml import model as m
from harness.edxml.builder import build
from harness.edxml.factory import new_document, organization, status_for
from harness.edxml.namespaces import DSIG_NS, NS

XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>'
ROOT_START = f'<edXML xmlns="{NS}">'

EDOC_HEADER_ORDER = [
    "From",
    "To",
    "DocumentId",
    "Code",
    "PromulgationInfo",
    "DocumentType",
    "Subject",
    "Content",
    "SignerInfo",
    "DueDate",
    "OtherInfo",
    "ResponseFor",
    "SteeringType",
    "ToPlaces",
]
STATUS_HEADER_ORDER = ["From", "ResponseFor", "StaffInfo", "StatusCode", "Description", "Timestamp"]
ORGANIZATION_ORDER = [
    "OrganId",
    "OrganizationInCharge",
    "OrganName",
    "OrganAdd",
    "Email",
    "Telephone",
    "Fax",
    "Website",
]


def _full_document() -> m.EdocPackage:
    """A document package with every optional element set."""
    doc = new_document()
    doc.due_date = "2024/05/20"
    assert doc.other_info is not None
    doc.other_info.direction = "false"
    doc.other_info.appendixes = ["Phụ lục số liệu"]
    doc.response_for = [
        m.ResponseFor(
            organ_id="000.00.00.G22",
            code="7816/VPCP-TTĐT",
            promulgation_date="2015/09/30",
            document_id="000.00.00.G22,2015/09/30,7816/VPCP-TTĐT",
        )
    ]
    return doc


def _signature(in_dsig_namespace: bool = False) -> m.Signature:
    return m.Signature(
        canonicalization_method="http://www.w3.org/2001/10/xml-exc-c14n#",
        signature_method="http://www.w3.org/2000/09/xmldsig#rsa-sha1",
        references=[
            m.SignatureReference(
                uri="",
                transforms=["http://www.w3.org/2000/09/xmldsig#enveloped-signature"],
                digest_method="http://www.w3.org/2000/09/xmldsig#sha1",
                digest_value="AAAA",
            )
        ],
        signature_value="BBBB",
        x509_subject_name="CN=Test",
        x509_certificate="MIIFqTCCBJG",
        in_dsig_namespace=in_dsig_namespace,
    )


def _full_status() -> m.StatusPackage:
    reporter = organization("000.00.00.G22", "Văn phòng Chính phủ", "Chính phủ", "Hà Nội")
    return status_for(_full_document(), reporter, "03", "Văn thư đã tiếp nhận văn bản trên phần mềm")


def _root(data: bytes) -> etree._Element:
    return etree.fromstring(data)


def _local(el: etree._Element) -> str:
    return etree.QName(el).localname


def _child_names(el: etree._Element) -> list[str]:
    return [_local(c) for c in el if isinstance(c.tag, str)]


def _only(el: etree._Element, name: str) -> etree._Element:
    found = el.findall(f"{{{NS}}}{name}")
    assert len(found) == 1, f"expected exactly one {name} under {_local(el)}, found {len(found)}"
    return found[0]


def _header(root: etree._Element) -> etree._Element:
    return _only(_only(root, "edXMLEnvelope"), "edXMLHeader")


def _message_header(root: etree._Element) -> etree._Element:
    return _only(_header(root), "MessageHeader")


@pytest.mark.parametrize("pkg", [_full_document(), _full_status()], ids=["edoc", "status"])
def test_declaration_root_and_envelope(pkg: m.Package) -> None:
    data = build(pkg)
    lines = data.decode("utf-8").splitlines()
    assert lines[0] == XML_DECLARATION
    assert lines[1] == ROOT_START
    assert lines[2].strip() == f'<edXML:edXMLEnvelope xmlns:edXML="{NS}">'
    assert lines[-1] == "</edXML>"

    root = _root(data)
    assert root.tag == f"{{{NS}}}edXML"
    assert root.prefix is None
    assert root.nsmap == {None: NS}
    envelope = _only(root, "edXMLEnvelope")
    assert envelope.prefix == "edXML"
    assert envelope.nsmap.get("edXML") == NS


@pytest.mark.parametrize("pkg", [_full_document(), _full_status()], ids=["edoc", "status"])
def test_header_children_are_prefixed(pkg: m.Package) -> None:
    header = _header(_root(build(pkg)))
    assert header.prefix == "edXML"
    elements = list(header.iter())
    assert len(elements) > 10
    for el in elements:
        assert isinstance(el.tag, str)
        assert el.tag.startswith(f"{{{NS}}}"), el.tag
        assert el.prefix == "edXML", f"{_local(el)} written without the edXML: prefix"


def test_body_and_manifest_are_prefixed() -> None:
    root = _root(build(_full_document()))
    body = _only(_only(root, "edXMLEnvelope"), "edXMLBody")
    manifest = _only(body, "edXMLManifest")
    assert manifest.get("version") == "1.0"
    for el in body.iter():
        assert el.prefix == "edXML", f"{_local(el)} written without the edXML: prefix"
    assert _child_names(manifest) == ["Reference"]
    assert _child_names(manifest[0]) == ["ContentId", "ContentType", "Description", "AttachmentName"]


def test_attachments_are_unprefixed_in_edxml_namespace() -> None:
    data = build(_full_document())
    text = data.decode("utf-8")
    assert "\n  <AttachmentEncoded>\n" in text
    assert "\n    <Attachment>\n" in text
    assert "edXML:AttachmentEncoded" not in text and "edXML:Attachment>" not in text
    assert "edXML:ContentTransferEncoded" not in text

    root = _root(data)
    assert _child_names(root) == ["edXMLEnvelope", "AttachmentEncoded"]
    encoded = _only(root, "AttachmentEncoded")
    attachments = list(encoded)
    assert [_local(a) for a in attachments] == ["Attachment"]
    assert _child_names(attachments[0]) == [
        "ContentId",
        "AttachmentName",
        "Description",
        "ContentType",
        "ContentTransferEncoded",
    ]
    for el in encoded.iter():
        assert isinstance(el.tag, str)
        assert el.prefix is None, f"{_local(el)} should be unprefixed"
        assert etree.QName(el).namespace == NS


def test_empty_attachment_encoded_and_manifest_still_written() -> None:
    doc = new_document(attachments=[])
    root = _root(build(doc))
    assert len(_only(root, "AttachmentEncoded")) == 0
    manifest = _only(_only(_only(root, "edXMLEnvelope"), "edXMLBody"), "edXMLManifest")
    assert len(manifest) == 0
    assert manifest.get("version") == "1.0"


def test_edoc_message_header_order() -> None:
    doc = _full_document()
    mh = _message_header(_root(build(doc)))
    assert _child_names(mh) == EDOC_HEADER_ORDER
    assert _child_names(_only(mh, "From")) == ORGANIZATION_ORDER
    assert _child_names(_only(mh, "To")) == ORGANIZATION_ORDER
    assert _child_names(_only(mh, "Code")) == ["CodeNumber", "CodeNotation"]
    assert _child_names(_only(mh, "PromulgationInfo")) == ["Place", "PromulgationDate"]
    assert _child_names(_only(mh, "DocumentType")) == ["Type", "TypeDetail", "TypeName"]
    assert _child_names(_only(mh, "SignerInfo")) == ["Competence", "Position", "FullName"]
    assert _child_names(_only(mh, "OtherInfo")) == [
        "Priority",
        "SphereOfPromulgation",
        "TyperNotation",
        "PromulgationAmount",
        "PageAmount",
        "Direction",
        "Appendixes",
    ]
    assert _child_names(_only(_only(mh, "OtherInfo"), "Appendixes")) == ["Appendix"]
    assert _child_names(_only(mh, "ResponseFor")) == ["OrganId", "Code", "PromulgationDate", "DocumentId"]
    assert _child_names(_only(mh, "ToPlaces")) == ["Place", "Place"]


def test_edoc_repeated_to_and_response_for_stay_grouped_in_order() -> None:
    doc = _full_document()
    doc.to.append(organization("000.00.00.H53", "UBND tỉnh Tây Ninh"))
    doc.response_for.append(m.ResponseFor(organ_id="000.00.00.H41"))
    names = _child_names(_message_header(_root(build(doc))))
    assert names == [*EDOC_HEADER_ORDER[:2], "To", *EDOC_HEADER_ORDER[2:12], "ResponseFor", *EDOC_HEADER_ORDER[12:]]


def test_trace_header_list_layout() -> None:
    doc = _full_document()
    header = _header(_root(build(doc)))
    assert _child_names(header) == ["MessageHeader", "TraceHeaderList"]
    thl = _only(header, "TraceHeaderList")
    assert _child_names(thl) == ["TraceHeader", "Bussiness"]
    assert _child_names(_only(thl, "TraceHeader")) == ["OrganId", "Timestamp"]
    assert _child_names(_only(thl, "Bussiness")) == [
        "DocumentId",
        "BussinessDocType",
        "BussinessDocReason",
        "Paper",
        "StaffInfo",
    ]


def test_signature_follows_trace_header_list_unprefixed() -> None:
    doc = _full_document()
    doc.signature = _signature()
    data = build(doc)
    header = _header(_root(data))
    assert _child_names(header) == ["MessageHeader", "TraceHeaderList", "Signature"]
    sig = header[2]
    assert "\n      <Signature>\n" in data.decode("utf-8")
    for el in sig.iter():
        assert el.prefix is None
        assert etree.QName(el).namespace == NS
    assert _child_names(sig) == ["SignedInfo", "SignatureValue", "KeyInfo"]


def test_signature_in_dsig_namespace() -> None:
    doc = _full_document()
    doc.signature = _signature(in_dsig_namespace=True)
    data = build(doc)
    assert f'<Signature xmlns="{DSIG_NS}">' in data.decode("utf-8")
    header = _header(_root(data))
    sig = header[2]
    for el in sig.iter():
        assert etree.QName(el).namespace == DSIG_NS


def test_status_message_header_order() -> None:
    mh = _message_header(_root(build(_full_status())))
    assert _child_names(mh) == STATUS_HEADER_ORDER
    assert _child_names(_only(mh, "From")) == ORGANIZATION_ORDER
    assert _child_names(_only(mh, "ResponseFor")) == ["OrganId", "Code", "PromulgationDate", "DocumentId"]
    assert _child_names(_only(mh, "StaffInfo")) == ["Department", "Staff", "Mobile", "Email"]


def test_status_has_no_body_nor_attachments() -> None:
    data = build(_full_status())
    text = data.decode("utf-8")
    assert "edXMLBody" not in text
    assert "edXMLManifest" not in text
    assert "AttachmentEncoded" not in text
    root = _root(data)
    assert _child_names(root) == ["edXMLEnvelope"]
    assert _child_names(_only(root, "edXMLEnvelope")) == ["edXMLHeader"]
    assert _child_names(_header(root)) == ["MessageHeader"]
    names = {_local(el) for el in root.iter() if isinstance(el.tag, str)}
    assert not names & {"edXMLBody", "edXMLManifest", "AttachmentEncoded", "Attachment"}


def test_status_linkage_matches_document() -> None:
    doc = _full_document()
    status = _full_status()
    mh = _message_header(_root(build(status)))
    rf = _only(mh, "ResponseFor")
    assert doc.from_ is not None and doc.code is not None and doc.promulgation_info is not None
    assert _only(rf, "OrganId").text == doc.from_.organ_id
    assert _only(rf, "Code").text == f"{doc.code.code_number}/{doc.code.code_notation}"
    assert _only(rf, "PromulgationDate").text == doc.promulgation_info.promulgation_date
    assert _only(rf, "DocumentId").text == doc.document_id
    assert _only(mh, "StatusCode").text == "03"


def test_empty_values_are_self_closing() -> None:
    text = build(_full_document()).decode("utf-8")
    # The factory's organisations leave Fax and Website empty, written as in edxml.md §11.1.
    assert "<edXML:Fax/>" in text
    assert "<edXML:Website/>" in text
