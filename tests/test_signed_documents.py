"""Signed Decree 30 documents end to end: render, sign where the layout says, package, verify;
independent readers (pdftotext, pdfsig) agree; `lienthong sign` drives it."""

from __future__ import annotations

import json
import shutil
import subprocess
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from harness.cli.main import cli
from harness.edxml import build, inspect
from harness.edxml.factory import organization
from harness.edxml.model import EdocPackage
from harness.edxml.parser import parse_package
from harness.pdf import DOC_TYPES
from harness.pki import AgencyEntry, TestPki, load_or_build
from harness.signing.documents import signed_pilot_document
from harness.signing.package import verify_package
from harness.signing.sign import SigningOptions
from harness.signing.verify import Profile, TrustConfig
from tests.conftest import nss_database, pdfsig, require_tool

SENDER = "000.00.00.H41"
RECEIVER = "000.00.12.H41"
AGENCIES = [
    AgencyEntry(SENDER, "UBND tỉnh Nghệ An", "Lê Văn Chính", "Chủ tịch"),
    AgencyEntry(RECEIVER, "Sở Thông tin và Truyền thông tỉnh Nghệ An", "Trần Thị Bình", "Giám đốc"),
]


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> TestPki:
    return load_or_build(AGENCIES, seed="test-signed-documents", directory=tmp_path_factory.mktemp("pki"))


def _sender() -> tuple[object, list[object]]:
    return organization(SENDER, "UBND tỉnh Nghệ An"), [organization(RECEIVER, "Sở TT&TT tỉnh Nghệ An")]


@pytest.mark.parametrize("doc_type", [t.name for t in DOC_TYPES])
def test_every_pilot_type_signs_and_verifies_clean(doc_type: str, pki: TestPki) -> None:
    sender, recipients = _sender()
    signed = signed_pilot_document(pki, doc_type, sender, recipients, seed=7)  # type: ignore[arg-type]
    data = build(signed.package)
    assert inspect(data).report.findings == []
    package = parse_package(data)
    assert isinstance(package, EdocPackage)
    assert verify_package(package, TrustConfig.from_pki(pki)) == []
    assert package.document_type is not None and package.document_type.type_name == doc_type


def test_strict_timestamped_document_with_appendices(pki: TestPki) -> None:
    sender, recipients = _sender()
    signed = signed_pilot_document(
        pki,
        "Kế hoạch",
        sender,  # type: ignore[arg-type]
        recipients,  # type: ignore[arg-type]
        appendices=2,
        options=SigningOptions(Profile.STRICT, tsa=pki.tsa),
    )
    assert len(signed.package.attachments) == 3
    findings = verify_package(signed.package, TrustConfig.from_pki(pki), profile=Profile.STRICT)
    assert findings == [], [f.message_en for f in findings]


def test_a_memo_signs_a_document_once_a_day_and_sends_it_under_fresh_numbers(
    pki: TestPki, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A simulated system reuses its signed PDF per sender, signer, type and day: nothing is rendered again,
    each package carries its own number and DocumentId and verifies clean; a document with appendices, another
    type, another signer, another day or another PKI is made anew."""
    from harness import pdf
    from harness.signing import documents

    sender, recipients = _sender()
    memo = documents.SignedPdfMemo(size=3)
    renders: list[str] = []
    real_render = pdf.render

    def render(spec: pdf.DocumentSpec) -> pdf.RenderedDocument:
        renders.append(spec.doc_type.name)
        return real_render(spec)

    monkeypatch.setattr(documents, "render", render)

    def send(number: int, doc_type: str = "Công văn", **kw: Any) -> documents.SignedDocument:
        return signed_pilot_document(pki, doc_type, sender, recipients, seed=number, number=number, memo=memo, **kw)  # type: ignore[arg-type]

    first, second = send(101), send(102)
    assert renders == ["Công văn"]
    assert second.signed_pdf == first.signed_pdf
    assert first.package.code is not None and second.package.code is not None
    assert (first.package.code.code_number, second.package.code.code_number) == ("101", "102")
    assert first.package.document_id != second.package.document_id
    for signed in (first, second):
        data = build(signed.package)
        assert inspect(data).report.findings == []
        assert verify_package(signed.package, TrustConfig.from_pki(pki)) == []
    send(103, appendices=1)
    assert renders == ["Công văn", "Công văn", "Báo cáo"]  # with appendices: made anew, not kept
    assert send(104).signed_pdf == first.signed_pdf
    other = send(105, signer_organ=RECEIVER)
    assert other.signed_pdf != first.signed_pdf
    assert verify_package(other.package, TrustConfig.from_pki(pki))  # the fault the profile asks for stays
    unsigned = send(106, sign=False)
    assert b"/ByteRange" not in unsigned.signed_pdf
    import datetime as dt

    send(107, when=dt.date(2026, 1, 2))
    assert len(renders) == 6
    send(108, "Thông báo")  # three kept: the first Công văn went when the January one came
    send(109)
    assert len(renders) == 8
    pki2 = load_or_build(AGENCIES, seed="test-signed-documents", directory=tmp_path)
    signed_pilot_document(pki2, "Công văn", sender, recipients, number=110, memo=memo)  # type: ignore[arg-type]
    assert len(renders) == 9


def test_signing_certificate_attributes_are_pyhankos_own(pki: TestPki) -> None:
    """The adapter hands out the signing-certificate attributes built once per certificate: each signature
    must carry the attribute pyHanko builds for its signer (v2) and the timestamp's for the TSA (v1)."""
    from asn1crypto import cms, tsp
    from pyhanko.sign.general import as_signing_certificate, as_signing_certificate_v2

    from harness.signing import adapter

    sender, recipients = _sender()
    strict = SigningOptions(Profile.STRICT, tsa=pki.tsa)
    for seed in (3, 4):  # the second document takes the attribute from the cache
        signed = signed_pilot_document(pki, "Tờ trình", sender, recipients, seed=seed, options=strict)  # type: ignore[arg-type]
        signatures = adapter.read_signatures(adapter.open_pdf(signed.signed_pdf))
        assert len(signatures) == 2
        for sig in signatures:
            attrs = {a["type"].native: a["values"][0] for a in sig.signer_info["signed_attrs"]}
            assert attrs["signing_certificate_v2"].dump() == as_signing_certificate_v2(sig.signer_cert).dump()
            token = sig.signer_info["unsigned_attrs"][0]["values"][0]
            tsa_info = token["content"]["signer_infos"][0]
            tsa_attrs = {a["type"].native: a["values"][0] for a in tsa_info["signed_attrs"]}
            sid = tsa_info["sid"].chosen
            tsa_cert = next(
                c.chosen
                for c in token["content"]["certificates"]
                if c.chosen.issuer == sid["issuer"] and c.chosen.serial_number == sid["serial_number"].native
            )
            assert isinstance(tsa_attrs["signing_certificate"], tsp.SigningCertificate)
            assert tsa_attrs["signing_certificate"].dump() == as_signing_certificate(tsa_cert).dump()
            assert isinstance(token, cms.ContentInfo)
    assert verify_package(signed.package, TrustConfig.from_pki(pki), profile=Profile.STRICT) == []


def test_pdftotext_reads_the_signed_document(pki: TestPki, tmp_path: Path) -> None:
    pdftotext = require_tool("pdftotext")
    sender, recipients = _sender()
    signed = signed_pilot_document(pki, "Quyết định", sender, recipients)  # type: ignore[arg-type]
    path = tmp_path / "qd.pdf"
    path.write_bytes(signed.signed_pdf)
    text = unicodedata.normalize(
        "NFC", subprocess.run([pdftotext, str(path), "-"], capture_output=True, text=True, check=True).stdout
    )
    for expected in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "QUYẾT ĐỊNH",
        "Lê Văn Chính",
        "Nơi nhận",
        signed.spec.number_text,
    ):
        assert expected in text, expected


def test_pdfsig_trusts_a_signed_generated_document(pki: TestPki, tmp_path: Path) -> None:
    db = tmp_path / "nss"
    db.mkdir()
    nss_database(pki.root.certificate, db)
    sender, recipients = _sender()
    signed = signed_pilot_document(pki, "Công văn", sender, recipients, options=SigningOptions(tsa=pki.tsa))  # type: ignore[arg-type]
    path = tmp_path / "cv.pdf"
    path.write_bytes(signed.signed_pdf)
    out = pdfsig(db, signed.signed_pdf, tmp_path)
    assert out.count("Signature is Valid.") == 2, out
    assert out.count("Certificate is Trusted.") == 2, out
    assert "Lê Văn Chính" in out and "UBND tỉnh Nghệ An" in out


@pytest.fixture(scope="module")
def pki_dir(pki: TestPki, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The module's PKI saved where `lienthong sign --pki` finds it (fingerprint of the demo agencies)."""
    from harness.cli.pki_cmd import agencies_of
    from harness.pki import DEFAULT_SEED
    from harness.pki.store import cache_dir

    agencies = agencies_of()
    load_or_build(agencies, seed=DEFAULT_SEED)  # the demo's PKI, built once for the whole suite
    directory = tmp_path_factory.mktemp("cli-pki") / "pki"
    shutil.copytree(cache_dir(agencies, DEFAULT_SEED), directory)
    return directory


def test_cli_sign_builds_a_package_that_validates(pki_dir: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "tt.edxml"
    pdf = tmp_path / "tt.pdf"
    result = runner.invoke(
        cli,
        [
            "sign",
            "--type",
            "Tờ trình",
            "--from",
            SENDER,
            "--to",
            RECEIVER,
            "--appendices",
            "1",
            "--out",
            str(out),
            "--pdf-out",
            str(pdf),
            "--pki",
            str(pki_dir),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "Tờ trình" in result.output and pdf.read_bytes().startswith(b"%PDF-")
    checked = runner.invoke(cli, ["validate", "--pki", str(pki_dir), "--format", "json", str(out)])
    assert checked.exit_code == 0, checked.output
    assert json.loads(checked.output)[0]["findings"] == []
    already = runner.invoke(
        cli, ["sign", "--pdf", str(pdf), "--from", SENDER, "--out", str(tmp_path / "again.pdf"), "--pki", str(pki_dir)]
    )
    assert (already.exit_code == 2 and "đã được ký" in already.output) or "filled already" in already.output


def test_cli_sign_signs_an_existing_pdf(pki_dir: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    plain = tmp_path / "cv.pdf"
    made = runner.invoke(cli, ["make-doc", "--type", "Công văn", "--agency", SENDER, "--out", str(plain)])
    assert made.exit_code == 0, made.output
    signed = tmp_path / "cv-signed.pdf"
    result = runner.invoke(
        cli, ["sign", "--pdf", str(plain), "--from", SENDER, "--out", str(signed), "--pki", str(pki_dir)]
    )
    assert result.exit_code == 0, result.output
    from harness.pki import load
    from harness.signing.verify import verify_pdf

    verdict = verify_pdf(signed.read_bytes(), TrustConfig.from_pki(load(pki_dir)), sender=SENDER)
    assert verdict.findings == [], [f.message_en for f in verdict.findings]
    assert [s.signer_class.value for s in verdict.signatures] == ["person", "agency"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--type", "Nghị quyết", "--to", RECEIVER], "Nghị quyết"),
        (["--type", "Công văn"], "--to"),
        (["--to", RECEIVER], "--type"),
        (["--type", "Công văn", "--pdf", "README.md", "--to", RECEIVER], "--type"),
    ],
)
def test_cli_sign_errors_are_vietnamese_and_exit_2(
    pki_dir: Path, tmp_path: Path, args: list[str], message: str
) -> None:
    result = CliRunner().invoke(
        cli, ["sign", "--from", SENDER, "--out", str(tmp_path / "x"), "--pki", str(pki_dir), *args]
    )
    assert result.exit_code == 2, result.output
    assert "Lỗi" in result.output and message in result.output


def test_cli_sign_refuses_an_agency_without_certificate(pki_dir: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli,
        [
            "sign",
            "--type",
            "Công văn",
            "--from",
            "000.00.99.H99",
            "--to",
            RECEIVER,
            "--out",
            str(tmp_path / "x"),
            "--pki",
            str(pki_dir),
        ],
    )
    assert result.exit_code == 2 and "không có trong PKI" in result.output


def test_cli_envelope_signature_round_trip(pki_dir: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    signed, plain = tmp_path / "gm.edxml", tmp_path / "gm-plain.edxml"
    for out, extra in ((signed, ["--envelope"]), (plain, [])):
        made = runner.invoke(
            cli,
            [
                "sign",
                "--type",
                "Giấy mời",
                "--from",
                SENDER,
                "--to",
                RECEIVER,
                "--out",
                str(out),
                "--pki",
                str(pki_dir),
                *extra,
            ],
        )
        assert made.exit_code == 0, made.output
    args = ["validate", "--pki", str(pki_dir), "--envelope", "require", "--format", "json"]
    ok = runner.invoke(cli, [*args, str(signed)])
    assert ok.exit_code == 0, ok.output
    missing = runner.invoke(cli, [*args, str(plain)])
    assert missing.exit_code == 1
    assert [f["rule"] for f in json.loads(missing.output)[0]["findings"]] == ["SIG-24"]


def test_name_comparison_keeps_rfc_5280_semantics_with_the_remembered_preparation() -> None:
    """The adapter remembers asn1crypto's string preparation of name attributes: names still compare as
    RFC 5280 says (case and inner spaces folded), different names still differ, and a prohibited character
    is still refused each time it is compared."""
    from asn1crypto import x509 as asn1_x509

    from harness.signing import speedups

    def name(cn: str, org: str = "Sở Thông tin và Truyền thông") -> asn1_x509.Name:
        parsed = asn1_x509.Name.build({"common_name": cn, "organization_name": org}, use_printable=False)
        return asn1_x509.Name.load(parsed.dump())  # freshly parsed, as in a signature

    assert asn1_x509.NameTypeAndValue._ldap_string_prep is speedups._cached_string_prep
    for _ in range(2):  # the second round answers from the cache
        assert name("Nguyễn  Văn   An") == name("nguyễn văn an")
        assert name("Nguyễn Văn An") != name("Nguyễn Văn Ân")
        assert name("Nguyễn Văn An") != name("Nguyễn Văn An", org="UBND tỉnh Nghệ An")
    for value in ("Nguyễn  Văn   An", "UBND tỉnh Nghệ An", " CA  Thử nghiệm "):
        assert speedups._string_prep(value) == speedups._slow_string_prep(None, value)
    for _ in range(2):
        with pytest.raises(ValueError):
            speedups._string_prep("a\ue000b")
