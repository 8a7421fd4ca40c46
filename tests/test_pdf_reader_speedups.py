"""The faster PDF tokenizer pieces and name comparison the signing adapter gives pyHanko and asn1crypto
(harness/signing/speedups.py): for every input, the same objects, stream position and errors as the originals;
a whole signed document and a report read the same object for object; verification still fails a
tampered document; a remembered path validation never outlives what it depended on."""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils import generic, misc
from pyhanko.pdf_utils.reader import HistoricalResolver, PdfFileReader

import harness.signing.adapter  # noqa: F401  (importing the adapter installs the speedups)
from harness.edxml.factory import organization
from harness.pdf import make_spec, render
from harness.pki import AgencyEntry, TestPki, load_or_build
from harness.pki.builder import _crl
from harness.signing import speedups
from harness.signing.documents import signed_pilot_document
from harness.signing.verify import TrustConfig, verify_pdf

SENDER = "000.00.00.H41"
AGENCIES = [AgencyEntry(SENDER, "UBND tỉnh Nghệ An", "Lê Văn Chính", "Chủ tịch")]


def outcome(call: Callable[[io.BytesIO], Any], data: bytes) -> tuple[Any, ...]:
    """What a reader gives for `data`: its value (or error type), where it left the stream and what follows."""
    stream = io.BytesIO(data)
    try:
        value: Any = call(stream)
    except Exception as exc:  # the error's type is part of the contract
        return ("error", type(exc).__name__)
    return (canonical(value), stream.tell(), stream.read())


def canonical(value: Any) -> Any:
    """A comparable form of a pyHanko object: its type and value, all the way down."""
    if isinstance(value, generic.StreamObject):
        return ("stream", canonical(dict(value)), value.encoded_data)
    if isinstance(value, dict):
        return (type(value).__name__, sorted((k, canonical(v)) for k, v in value.items()))
    if isinstance(value, list):
        return (type(value).__name__, [canonical(v) for v in value])
    if isinstance(value, generic.IndirectObject):
        return ("ref", value.idnum, value.generation)
    if isinstance(value, Decimal):
        return (type(value).__name__, str(value))
    return (type(value).__name__, value)


WHITESPACE_CASES = [
    b"   /Name",
    b"\n\r\t\f\x00x",
    b"x",
    b"",
    b"    ",
    b"  % a comment\n  /After",
    b"%only a comment",
    b" " * 200 + b"]",  # longer than one chunk
]


@pytest.mark.parametrize("data", WHITESPACE_CASES)
@pytest.mark.parametrize("seek_back", [False, True])
@pytest.mark.parametrize("allow_eof", [False, True])
def test_read_non_whitespace_matches_pyhanko(data: bytes, seek_back: bool, allow_eof: bool) -> None:
    def fast(s: io.BytesIO) -> Any:
        return speedups._read_non_whitespace(s, seek_back, allow_eof)

    def slow(s: io.BytesIO) -> Any:
        return speedups._slow_read_non_whitespace(s, seek_back, allow_eof)

    assert outcome(fast, data) == outcome(slow, data)


UNTIL_CASES = [b"Name rest", b"Name/Next", b"Type>>", b"abc", b"", b"x" * 5000 + b" end", b"12.5]", b"R\n"]
CLASSES = [misc.PDF_WHITESPACE, misc.PDF_WHITESPACE + misc.PDF_DELIMITERS]


@pytest.mark.parametrize("data", UNTIL_CASES)
@pytest.mark.parametrize("classes", CLASSES)
def test_read_until_class_matches_pyhanko(data: bytes, classes: bytes) -> None:
    def fast(s: io.BytesIO) -> Any:
        return speedups._read_until_class(classes, s)

    def slow(s: io.BytesIO) -> Any:
        return speedups._slow_read_until_class(classes, s)

    assert outcome(fast, data) == outcome(slow, data)


@pytest.mark.parametrize("data", [b"Type", b"", b"A#20B", b"F1+0", b"caf\xc3\xa9", b"Bad#zz", b"Bad#2", b"a\x7fb"])
def test_decode_name_matches_pyhanko(data: bytes) -> None:
    assert outcome(lambda _: speedups._decode_name(data), b"") == outcome(
        lambda _: speedups._slow_decode_name(data), b""
    )


ARRAY_CASES = [
    b"[ 0 0 595.2756 841.8898 ] rest",
    b"[1 2 3]",
    b"[]",
    b"[ ]x",
    b"[-1 +2 .5 5. -.25 007]",
    b"[ 2 0 R ]",
    b"[1 2 0 R 3]",
    b"[/Name 1]",
    b"[1/Name]",
    b"[1-2]",
    b"[1.2.3]",
    b"[1 % comment\n 2]",
    b"[[1 2] [3 4]]",
    b"[(a string) 1]",
    b"[1 2 3",  # never closed
    b"[" + b" 600.0977" * 3000 + b" ]after",  # longer than the first chunk
    b"x[1]",
]


@pytest.mark.parametrize("data", ARRAY_CASES)
def test_read_array_matches_pyhanko(data: bytes) -> None:
    ref: Any = generic.TrailerReference(None)  # type: ignore[no-untyped-call]

    def fast(s: io.BytesIO) -> Any:
        return speedups._read_array(s, ref)

    def slow(s: io.BytesIO) -> Any:
        return speedups._slow_read_array(s, ref)

    assert outcome(fast, data) == outcome(slow, data)


def test_numbers_keep_their_container() -> None:
    ref: Any = generic.TrailerReference(None)  # type: ignore[no-untyped-call]
    array = speedups._read_array(io.BytesIO(b"[1 2.5]"), ref)
    assert [type(x) for x in array] == [generic.NumberObject, generic.FloatObject]
    assert all(x.container_ref is ref for x in array)


STRING_CASES = [
    b"(plain) rest",
    b"()",
    b"(a (nested (twice)) string) x",
    b"(\\376\\377\\036\\346\\000y) /Next",  # UTF-16 in three-digit octal escapes, as in /Author
    b"(\\n\\r\\t\\b\\f\\(\\)\\\\)",
    b"(\\3771)",  # three digits, then a plain digit
    b"(\\12a)",  # a two-digit escape: the original decides
    b"(\\7)",
    b"(\\400)",  # over 255: the original raises
    b"(\\378)",  # '8' is a digit to the original
    b"(\\/ \\% \\<)",  # escapes only the original knows
    b"(line\\\r\ncontinued)",
    b"(raw\r\nbreak)",
    b"(unbalanced ( paren)",
    b"(unterminated",
    b"no paren",
    b"(" + b"x" * 5000 + b")",  # longer than one chunk
    b"(" + b"\\101" * 2000 + b")",
]


@pytest.mark.parametrize("data", STRING_CASES)
def test_read_string_literal_matches_pyhanko(data: bytes) -> None:
    assert outcome(speedups._read_string_literal_bytes, data) == outcome(speedups._slow_string_literal, data)


def test_subsume_returns_plain_values_and_raises_alike(signed_pdf: bytes) -> None:
    resolver = PdfFileReader(io.BytesIO(signed_pdf)).get_historical_resolver(0)
    number = generic.NumberObject(7)  # type: ignore[no-untyped-call]
    number.container_ref = generic.Reference(4, 0, None)
    assert speedups._subsume_object(resolver, number) is number
    orphan = generic.NameObject("/Orphan")
    with pytest.raises(misc.PdfReadError):
        speedups._slow_subsume(resolver, orphan)
    with pytest.raises(misc.PdfReadError):
        speedups._subsume_object(resolver, orphan)


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> TestPki:
    return load_or_build(AGENCIES, seed="test-reader-speedups", directory=tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="module")
def signed_pdf(pki: TestPki) -> bytes:
    sender = organization(SENDER, "UBND tỉnh Nghệ An")
    return signed_pilot_document(pki, "Quyết định", sender, [sender], seed=3).signed_pdf


@pytest.fixture
def originals(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """pyHanko's own readers, put back for the duration of a test."""
    monkeypatch.setattr(misc, "read_non_whitespace", speedups._slow_read_non_whitespace)
    monkeypatch.setattr(generic, "read_non_whitespace", speedups._slow_read_non_whitespace)
    monkeypatch.setattr(misc, "_read_until_class", speedups._slow_read_until_class)
    monkeypatch.setattr(generic, "_decode_name", speedups._slow_decode_name)
    monkeypatch.setattr(generic.ArrayObject, "read_from_stream", staticmethod(speedups._slow_read_array))
    monkeypatch.setattr(generic, "read_hex_string_from_stream", speedups._slow_hex_string)
    monkeypatch.setattr(generic, "_read_string_literal_bytes", speedups._slow_string_literal)
    monkeypatch.setattr(HistoricalResolver, "_subsume_object", speedups._slow_subsume)
    yield


def every_object(pdf: bytes) -> dict[tuple[int, int, int], Any]:
    reader = PdfFileReader(io.BytesIO(pdf))
    found = {}
    for revision in range(reader.xrefs.total_revisions):
        for ref in reader.xrefs.explicit_refs_in_revision(revision):
            value = reader.get_historical_resolver(revision)(ref)
            found[(revision, ref.idnum, ref.generation)] = canonical(value)
    found[(-1, 0, 0)] = canonical(reader.trailer.flatten())
    return found


@pytest.mark.parametrize("which", ["rendered", "signed"])
def test_whole_documents_read_the_same(which: str, signed_pdf: bytes, request: pytest.FixtureRequest) -> None:
    day = date(2026, 12, 1)
    pdf = signed_pdf if which == "signed" else render(make_spec("Công văn", SENDER, "UBND", seed=5, when=day)).pdf
    fast = every_object(pdf)
    request.getfixturevalue("originals")
    assert generic.ArrayObject.read_from_stream is not speedups._read_array
    slow = every_object(pdf)
    assert len(fast) > 15
    assert fast == slow


def test_equal_names_and_different_names() -> None:
    a = asn1_x509.Name.build({"common_name": "Lê Văn Chính", "country_name": "VN"})
    same = asn1_x509.Name.load(a.dump())
    other_encoding = asn1_x509.Name.build({"common_name": "lê  văn chính", "country_name": "VN"})
    different = asn1_x509.Name.build({"common_name": "Trần Thị Bình", "country_name": "VN"})
    assert a == same
    assert not a != same  # noqa: SIM202 (the inequality operator is what pyHanko calls too)
    assert (a == other_encoding) is speedups._slow_name_eq(a, other_encoding) is True  # RFC 4518: case, spaces
    assert a != different and not speedups._slow_name_eq(a, different)
    assert a != "not a name"


def test_a_name_tagged_as_a_general_name_is_compared_by_its_contents(monkeypatch: pytest.MonkeyPatch) -> None:
    """An ESS signing-certificate attribute names the issuer inside a GeneralName: the same name under another tag,
    equal without preparing every attribute again; a different one still unequal."""
    plain = asn1_x509.Name.build({"common_name": "Lê Văn Chính", "country_name": "VN"})

    def tagged(name: asn1_x509.Name) -> asn1_x509.Name:
        names = asn1_x509.GeneralNames([asn1_x509.GeneralName(name="directory_name", value=name)])
        return asn1_x509.GeneralNames.load(names.dump())[0].chosen

    same, other = tagged(plain), tagged(asn1_x509.Name.build({"common_name": "Lê Văn Chính", "country_name": "VM"}))
    assert same.dump() != plain.dump() and speedups._slow_name_eq(same, plain)

    def unwanted(a: object, b: object) -> bool:
        raise AssertionError("prepared again")

    monkeypatch.setattr(speedups, "_slow_name_eq", unwanted)
    assert same == plain and plain == same
    monkeypatch.undo()
    assert other != plain and not speedups._slow_name_eq(other, plain)


def test_verification_still_catches_a_change_after_signing(signed_pdf: bytes, pki: TestPki) -> None:
    trust = TrustConfig.from_pki(pki)
    assert verify_pdf(signed_pdf, trust, sender=SENDER).findings == []
    at = signed_pdf.index(b"/MediaBox [ 0 0 595.2756 841.8898 ]")
    tampered = signed_pdf[:at] + b"/MediaBox [ 0 0 595.2756 841.8899 ]" + signed_pdf[at + 35 :]
    assert tampered != signed_pdf and len(tampered) == len(signed_pdf)
    assert {f.rule for f in verify_pdf(tampered, trust, sender=SENDER).findings}


def test_path_validation_is_remembered_under_everything_it_depends_on(
    signed_pdf: bytes, pki: TestPki, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The same certificates validated again are not validated again; other anchors or a CRL that revokes the
    signer are other inputs, validated afresh, and give their own verdicts."""
    calls: list[object] = []
    real = speedups._slow_cert_usage

    async def counting(*args: Any, **kwargs: Any) -> Any:
        calls.append(args[0])
        return await real(*args, **kwargs)

    monkeypatch.setattr(speedups, "_slow_cert_usage", counting)
    monkeypatch.setattr(speedups, "_USAGE", {})
    trust = TrustConfig.from_pki(pki)
    assert verify_pdf(signed_pdf, trust, sender=SENDER).findings == []
    first = len(calls)
    assert first >= 2  # the person's and the agency's certificates
    assert verify_pdf(signed_pdf, trust, sender=SENDER).findings == []
    assert len(calls) == first

    revoked = _crl(pki.ca, [pki.agency(SENDER).certificate], "test-reader-speedups", "revoked")
    others = [c for c in trust.crls if c.issuer != pki.ca.certificate.subject]
    with_crl = dataclasses.replace(trust, crls=[revoked, *others])
    assert "SIG-08" in {f.rule for f in verify_pdf(signed_pdf, with_crl, sender=SENDER).findings}
    assert len(calls) > first

    other = load_or_build(AGENCIES, seed="test-reader-speedups-other", directory=tmp_path)
    elsewhere = dataclasses.replace(trust, roots=other.trust_roots, intermediates=other.intermediates, crls=other.crls)
    assert "SIG-06" in {f.rule for f in verify_pdf(signed_pdf, elsewhere, sender=SENDER).findings}


def _pdf(objects: list[str]) -> bytes:
    """A PDF of these objects (numbered from 1) with a correct cross-reference table."""
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode()
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


TAGGED = [
    "<< /Type /Catalog /Pages 2 0 R /StructTreeRoot 10 0 R /Names << /Dests 15 0 R >> >>",
    "<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 3 >>",
    "<< /Type /Pages /Parent 2 0 R /Kids [5 0 R 6 0 R] /Count 2 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Annots [7 0 R] /StructParents 0 >>",
    "<< /Type /Page /Parent 3 0 R /MediaBox [0 0 612 792] /Contents 8 0 R >>",
    "<< /Type /Page /Parent 3 0 R /MediaBox [0 0 612 792] /Annots [9 0 R] >>",
    "<< /Type /Annot /Subtype /Link /Rect [0 0 10 10] /Dest [5 0 R /Fit] /P 4 0 R >>",
    "<< /Length 8 >>\nstream\nBT 0 Tf \nendstream",
    "<< /Type /Annot /Subtype /Link /Rect [0 0 1 1] /Dest [4 0 R /XYZ 0 0 0] /P 6 0 R /Self 9 0 R >>",
    "<< /Type /StructTreeRoot /K [11 0 R] /ParentTree 14 0 R >>",
    "<< /Type /StructElem /S /Document /P 10 0 R /K [12 0 R 13 0 R] >>",
    "<< /S /P /P 11 0 R /Pg 4 0 R /K 0 >>",
    "<< /Type /StructElem /S /Link /P 11 0 R /K << /Type /OBJR /Obj 7 0 R /Pg 4 0 R >> >>",
    "<< /Nums [0 [12 0 R]] >>",
    "<< /Names [(a) [5 0 R /Fit] (b) 16 0 R] >>",
    "<< /D [6 0 R /Fit] /Next [11 0 R 12 0 R] >>",
]


def _access_maps(pdf: bytes, load: Callable[[HistoricalResolver], None]) -> list[Any]:
    reader = PdfFileReader(io.BytesIO(pdf))
    maps = []
    for revision in range(reader.xrefs.total_revisions):
        resolver = reader.get_historical_resolver(revision)
        load(resolver)
        maps.append(resolver._indirect_object_access_cache)
    return maps


@pytest.mark.parametrize("which", ["signed", "tagged"])
def test_the_paths_to_every_object_are_pyhankos(which: str, signed_pdf: bytes) -> None:
    """The map the modification analysis checks every changed object against: page tree entered only through its
    own place (links to other pages, a named destination), the structure tree apart, cycles, every revision."""
    pdf = signed_pdf if which == "signed" else _pdf(TAGGED)
    fast = _access_maps(pdf, speedups._load_reverse_xref_cache)
    slow = _access_maps(pdf, speedups._slow_reverse_xref)
    assert fast == slow
    assert sum(len(paths) for revision in fast for paths in revision.values()) >= 16
    if which == "tagged":
        (paths,) = fast
        page = {str(p) for p in paths[generic.Reference(5, 0)]}
        assert ".Root.Pages.Kids[0].Kids[0]" in page and ".Root.Names.Dests.Names[1][0]" in page and len(page) == 4
        link = {str(p) for p in paths[generic.Reference(9, 0)]}
        assert link == {".Root.Pages.Kids[0].Kids[1].Annots[0]"}  # not through its own /Self, nor page 4's /Dest
    broken = _pdf([TAGGED[0], "<< /Type /Pages /Kids [3 0 R 3 0 R] /Count 2 >>", *TAGGED[2:]])
    for load in (speedups._load_reverse_xref_cache, speedups._slow_reverse_xref):
        with pytest.raises(misc.PdfReadError, match="Circular reference in page tree"):
            _access_maps(broken, load)
