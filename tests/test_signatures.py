"""SIG checks: every negative fixture of signatures.md §4.1 fires exactly its rule; the conformant
document passes everything; an independent verifier (poppler's pdfsig) agrees with us."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from harness.pki import AgencyEntry, Defect, TestPki, load, load_or_build
from harness.pki.keys import rsa_key
from harness.signing.catalogue import catalogue
from harness.signing.negative import NegativeFixture, build_negative_fixtures
from harness.signing.verify import Part, Profile, TrustConfig, verify_pdf
from tests.conftest import nss_database, pdfsig

SENDER = "000.00.00.H41"
OTHER = "000.00.12.H41"
AGENCIES = [
    AgencyEntry(SENDER, "UBND tỉnh Nghệ An", "Nguyễn Văn An", "Chủ tịch"),
    AgencyEntry(OTHER, "Sở Thông tin và Truyền thông tỉnh Nghệ An", "Trần Thị Bình", "Giám đốc"),
]


@pytest.fixture(scope="module")
def pki_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pki")


@pytest.fixture(scope="module")
def pki(pki_dir: Path) -> TestPki:
    return load_or_build(AGENCIES, seed="test-signatures", directory=pki_dir)


@pytest.fixture(scope="module")
def base_pdf() -> bytes:
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=True)
    c.drawString(100, 750, "QUYET DINH so 123/QD-UBND")
    c.showPage()
    c.save()
    return buf.getvalue()


@pytest.fixture(scope="module")
def fixtures(pki: TestPki, base_pdf: bytes) -> dict[str, NegativeFixture]:
    return {f.name: f for f in build_negative_fixtures(pki, base_pdf, SENDER, OTHER)}


FIXTURE_NAMES = [
    "conformant",
    "conformant-strict-pss-bt",
    "conformant-attachment",
    "unsigned",
    "tampered",
    "garbled-cms",
    "modified-after-signing",
    "other-agency",
    "sha1",
    "pkcs1v15-strict",
    "agency-only",
    "person-only",
    "attachment-unsigned",
    "seal-image-no-signature",
    "invisible-signatures",
    "seal-not-overlapping",
    "attachment-signed-bottom-left",
    "certify-then-new-field-pilot",
    "certify-then-new-field-strict",
    "bad-timestamp",
    "revocation-unavailable",
    "revoked-after-signing",
    "expired-after-signing",
    "no-pdfa-claim",
    "scan-200dpi",
    "scan-100dpi",
    "scan-signed-bottom-left",
    "scan-pdf-1.3",
    "agency-signs-first",
    "pkcs7-detached-strict",
    "pkcs7-detached-pilot",
    "visible-time-right",
    "visible-time-wrong",
    "not-a-pdf",
    *(f"cert-{d.value}" for d in Defect),
]


@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_each_fixture_fires_exactly_its_rule(name: str, fixtures: dict[str, NegativeFixture], pki: TestPki) -> None:
    fx = fixtures[name]
    trust = TrustConfig.from_pki(pki, with_signer_map=False)
    if fx.without_crls:
        trust.crls = []
    result = verify_pdf(
        fx.pdf, trust, sender=SENDER, part=fx.part, profile=fx.profile, archival=fx.archival, digitised=fx.digitised
    )
    assert result.rules() == set(fx.expected), [f.message_en for f in result.findings]
    downgraded = {
        "certify-then-new-field-pilot",
        "revocation-unavailable",
        "revoked-after-signing",
        "expired-after-signing",
    }
    for finding in result.findings:
        expected_level = "SHOULD" if name in downgraded else catalogue()[finding.rule].level.value
        assert finding.level.value == expected_level, (name, finding)
    for finding in result.findings:
        assert finding.message_vi and finding.message_en and finding.source


def test_every_fixture_name_is_tested(fixtures: dict[str, NegativeFixture]) -> None:
    assert set(fixtures) == set(FIXTURE_NAMES)


def test_the_rules_covered_by_fixtures(fixtures: dict[str, NegativeFixture]) -> None:
    """Every SIG rule of the catalogue can fail: a fixture here fires it (SIG-24, the envelope
    signature, has its own tests in test_envelope_signature.py)."""
    covered = set().union(*(f.expected for f in fixtures.values()))
    assert covered | {"SIG-24"} == set(catalogue())


def test_conformant_document_reports_both_signers(fixtures: dict[str, NegativeFixture], pki: TestPki) -> None:
    result = verify_pdf(
        fixtures["conformant-strict-pss-bt"].pdf, TrustConfig.from_pki(pki), sender=SENDER, profile=Profile.STRICT
    )
    assert result.findings == []
    assert [s.signer_class.value for s in result.signatures] == ["person", "agency"]
    assert [s.signer for s in result.signatures] == ["Nguyễn Văn An", "UBND tỉnh Nghệ An"]
    assert all(s.signing_time is not None and s.trusted and s.intact for s in result.signatures)


def test_signer_map_refuses_a_certificate_not_registered_for_the_agency(
    fixtures: dict[str, NegativeFixture], pki: TestPki
) -> None:
    """The revoked certificate names the right agency in its subject but is not in the mapping table."""
    result = verify_pdf(fixtures["cert-revoked"].pdf, TrustConfig.from_pki(pki), sender=SENDER)
    assert result.rules() == {"SIG-08", "SIG-12"}


def test_attachment_signed_by_a_person_only_is_refused(pki: TestPki, base_pdf: bytes) -> None:
    from harness.signing.sign import sign_person

    pdf = sign_person(base_pdf, pki.person(SENDER), (400, 760, 560, 800))
    result = verify_pdf(pdf, TrustConfig.from_pki(pki), sender=SENDER, part=Part.ATTACHMENT)
    assert result.rules() == {"SIG-15"}


def test_pki_is_deterministic_and_round_trips(pki: TestPki, pki_dir: Path) -> None:
    key_a = rsa_key("seed-a", "label", 1024)
    key_b = rsa_key("seed-a", "label", 1024)
    key_c = rsa_key("seed-b", "label", 1024)
    assert key_a.private_numbers() == key_b.private_numbers()
    assert key_a.private_numbers() != key_c.private_numbers()
    again = load(pki_dir)
    assert again.agency(SENDER).certificate == pki.agency(SENDER).certificate
    assert again.agency(SENDER).chain == [pki.ca.certificate, pki.root.certificate]
    assert again.bad[Defect.UNTRUSTED].chain == [pki.untrusted_root.certificate]
    assert again.signer_map() == pki.signer_map()
    assert load_or_build(AGENCIES, seed="test-signatures", directory=pki_dir).root.certificate == pki.root.certificate


@pytest.fixture(scope="module")
def nss_db(pki: TestPki, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return nss_database(pki.root.certificate, tmp_path_factory.mktemp("nss"))


def test_pdfsig_agrees_the_conformant_document_is_valid(
    nss_db: Path, fixtures: dict[str, NegativeFixture], tmp_path: Path
) -> None:
    out = pdfsig(nss_db, fixtures["conformant-strict-pss-bt"].pdf, tmp_path)
    assert out.count("Signature is Valid.") == 2, out
    assert out.count("Certificate is Trusted.") == 2, out
    assert "Nguyễn Văn An" in out and "UBND tỉnh Nghệ An" in out


def test_pdfsig_agrees_the_tampered_document_is_broken(
    nss_db: Path, fixtures: dict[str, NegativeFixture], tmp_path: Path
) -> None:
    out = pdfsig(nss_db, fixtures["tampered"].pdf, tmp_path)
    assert "Signature is Valid." not in out
    assert "Digest Mismatch" in out


def test_a_signed_package_in_one_call_passes_edx_and_sig_checks(pki: TestPki, base_pdf: bytes) -> None:
    from harness.edxml import build, inspect
    from harness.edxml.factory import organization
    from harness.edxml.model import EdocPackage
    from harness.edxml.parser import parse_package
    from harness.signing.package import signed_document, verify_package

    pkg = signed_document(
        pki,
        organization(SENDER, "UBND tỉnh Nghệ An"),
        [organization(OTHER, "Sở Thông tin và Truyền thông tỉnh Nghệ An")],
        base_pdf,
        signer_box=(360, 120, 520, 200),
        appendices=[("phuluc.pdf", base_pdf)],
    )
    data = build(pkg)
    assert inspect(data).report.findings == []
    parsed = parse_package(data)
    assert isinstance(parsed, EdocPackage)
    assert verify_package(parsed, TrustConfig.from_pki(pki)) == []


def test_verify_package_finds_an_unsigned_appendix_and_a_package_without_pdf(pki: TestPki, base_pdf: bytes) -> None:
    from harness.edxml import model as m
    from harness.edxml.factory import new_document, organization
    from harness.pdf.images import seal_png, signature_png
    from harness.signing.package import verify_package
    from harness.signing.sign import sign_main_document

    main = sign_main_document(
        base_pdf,
        pki.person(SENDER),
        pki.agency(SENDER),
        signer_box=(360, 120, 520, 200),
        person_png=signature_png("Nguyễn Văn An", seed=1),
        seal_png=seal_png("UBND tỉnh Nghệ An"),
    )
    pkg = new_document(
        sender=organization(SENDER, "UBND tỉnh Nghệ An"),
        attachments=[
            m.Attachment.from_bytes("a", "vanban.pdf", main, "application/pdf"),
            m.Attachment.from_bytes("b", "phuluc.pdf", base_pdf, "application/pdf"),
        ],
    )
    findings = verify_package(pkg, TrustConfig.from_pki(pki))
    assert [(f.rule, "phuluc.pdf" in f.location) for f in findings] == [("SIG-15", True)]
    zipped = new_document(
        sender=organization(SENDER, "UBND tỉnh Nghệ An"),
        attachments=[m.Attachment.from_bytes("a", "vanban.zip", b"PK\x03\x04rest", "application/zip")],
    )
    assert [f.rule for f in verify_package(zipped, TrustConfig.from_pki(pki))] == ["SIG-02"]


def test_cli_validate_runs_sig_checks_with_a_pki(pki: TestPki, pki_dir: Path, base_pdf: bytes, tmp_path: Path) -> None:
    import json

    from click.testing import CliRunner

    from harness.cli.main import cli
    from harness.edxml import build
    from harness.edxml.factory import organization
    from harness.signing.package import signed_document

    def package(signer: str) -> Path:
        pkg = signed_document(
            pki,
            organization(signer, "Cơ quan gửi"),
            [organization(OTHER if signer == SENDER else SENDER, "Cơ quan nhận")],
            base_pdf,
            signer_box=(360, 120, 520, 200),
        )
        if signer != SENDER:  # claims to come from SENDER but is signed by OTHER
            assert pkg.from_ is not None
            pkg.from_.organ_id = SENDER
            pkg.document_id = (pkg.document_id or "").replace(signer, SENDER)
            pkg.trace_header_list.trace_headers[0].organ_id = SENDER  # type: ignore[union-attr]
        path = tmp_path / f"{signer}.edxml"
        path.write_bytes(build(pkg))
        return path

    good, spoofed = package(SENDER), package(OTHER)
    runner = CliRunner()
    ok = runner.invoke(cli, ["validate", "--pki", str(pki_dir), "--format", "json", str(good)])
    assert ok.exit_code == 0, ok.output
    assert json.loads(ok.output)[0]["findings"] == []
    bad = runner.invoke(cli, ["validate", "--pki", str(pki_dir), "--format", "json", str(spoofed)])
    assert bad.exit_code == 1, bad.output
    assert {f["rule"] for f in json.loads(bad.output)[0]["findings"]} == {"SIG-12"}
    plain = runner.invoke(cli, ["validate", "--format", "json", str(spoofed)])
    assert plain.exit_code == 0, "without trust anchors only the EDX rules run"


def _pdf_with_xmp(xmp: bytes) -> bytes:
    """A minimal one-page PDF whose catalogue carries `xmp` as /Metadata (built by hand: pyHanko's
    writer regenerates XMP on every write and would drop the claim)."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R /Metadata 4 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        b"<< /Type /Metadata /Subtype /XML /Length %d >>\nstream\n" % len(xmp) + xmp + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def test_pdfa_claim_is_read_from_xmp() -> None:
    from harness.signing import adapter

    claim = (
        b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        b'<rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">'
        b"<pdfaid:part>2</pdfaid:part><pdfaid:conformance>B</pdfaid:conformance></rdf:Description></rdf:RDF>"
        b"</x:xmpmeta>"
    )
    assert adapter.pdfa_claim(adapter.open_pdf(_pdf_with_xmp(claim))) == "2b"
    attribute_form = claim.replace(b"<pdfaid:part>2</pdfaid:part>", b"").replace(
        b'rdf:about=""', b'rdf:about="" pdfaid:part="3"'
    )
    assert adapter.pdfa_claim(adapter.open_pdf(_pdf_with_xmp(attribute_form))) == "3b"
    assert adapter.pdfa_claim(adapter.open_pdf(_pdf_with_xmp(b"<x:xmpmeta/>"))) is None


def test_a_cached_signer_is_never_reused_for_another_key(pki: TestPki, base_pdf: bytes) -> None:
    """Signers are kept per thread and credential (harness.signing.adapter._per_thread): the same
    certificate paired with another key signs with that key (and fails), not with the cached one."""
    import dataclasses

    from harness.signing.sign import sign_agency

    cred = pki.agency(SENDER)
    box = (400, 700, 560, 760)
    good = verify_pdf(sign_agency(base_pdf, cred, box), TrustConfig.from_pki(pki), sender=SENDER, part=Part.ATTACHMENT)
    assert good.findings == []
    forged = dataclasses.replace(cred, key=rsa_key("test-signatures", "another key"))
    bad = verify_pdf(sign_agency(base_pdf, forged, box), TrustConfig.from_pki(pki), sender=SENDER, part=Part.ATTACHMENT)
    assert bad.rules() == {"SIG-03"}  # the signature value does not verify under the certificate
    again = verify_pdf(sign_agency(base_pdf, cred, box), TrustConfig.from_pki(pki), sender=SENDER, part=Part.ATTACHMENT)
    assert again.findings == []
