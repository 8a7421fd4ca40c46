"""SIG-24: the optional envelope XML-DSig, and the TraceHeader hazard of signatures.md §2 shown on
the axis' own trace code: a whole-package signature breaks at the first hop, a message-scoped one
survives every hop."""

from __future__ import annotations

import pytest
from lxml import etree

from harness.edxml import Finding, build, inspect
from harness.edxml.factory import new_document, organization
from harness.pki import AgencyEntry, Defect, TestPki, load_or_build
from harness.signing.envelope import EnvelopePolicy, EnvelopeScope, sign_envelope, verify_envelope
from harness.signing.verify import TrustConfig
from simulators.axis.trace import append_trace, serialize
from tests.conftest import SAMPLES

SENDER = "000.00.00.H41"
OTHER = "000.00.12.H41"


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> TestPki:
    return load_or_build(
        [AgencyEntry(SENDER, "UBND tỉnh Nghệ An"), AgencyEntry(OTHER, "Sở TT&TT tỉnh Nghệ An")],
        seed="test-envelope",
        directory=tmp_path_factory.mktemp("pki"),
    )


@pytest.fixture(scope="module")
def package() -> bytes:
    return build(new_document(sender=organization(SENDER, "UBND tỉnh Nghệ An"), number="77"))


def _hop(data: bytes, axis_code: str) -> bytes:
    root = etree.fromstring(data)
    assert append_trace(root, axis_code)
    return serialize(root)


def _rules(findings: list[Finding]) -> list[str]:
    return [f.rule for f in findings]


@pytest.mark.parametrize("scope", list(EnvelopeScope))
def test_a_fresh_envelope_signature_verifies_and_keeps_the_package_valid(
    scope: EnvelopeScope, pki: TestPki, package: bytes
) -> None:
    signed = sign_envelope(package, pki.agency(SENDER), scope)
    trust = TrustConfig.from_pki(pki)
    assert verify_envelope(signed, trust, sender=SENDER, policy=EnvelopePolicy.REQUIRE) == []
    assert inspect(signed).report.findings == []


def test_whole_package_signature_breaks_when_an_axis_appends_a_trace(pki: TestPki, package: bytes) -> None:
    signed = sign_envelope(package, pki.agency(SENDER), EnvelopeScope.ROOT)
    after_hop = _hop(signed, "000.00.99.H41")
    findings = verify_envelope(after_hop, TrustConfig.from_pki(pki), sender=SENDER, policy=EnvelopePolicy.REQUIRE)
    assert _rules(findings) == ["SIG-24"]
    assert "TraceHeader" in findings[0].message_vi
    assert findings[0].level.value == "MUST"


def test_message_scoped_signature_survives_every_hop(pki: TestPki, package: bytes) -> None:
    data = sign_envelope(package, pki.agency(SENDER), EnvelopeScope.MESSAGE)
    for axis in ("000.00.99.H41", "000.00.00.W00", "000.00.99.H14"):
        data = _hop(data, axis)
    assert data.count(b"TraceHeader>") >= 8
    assert verify_envelope(data, TrustConfig.from_pki(pki), sender=SENDER, policy=EnvelopePolicy.REQUIRE) == []


def test_tampered_message_header_is_caught(pki: TestPki, package: bytes) -> None:
    signed = sign_envelope(package, pki.agency(SENDER), EnvelopeScope.MESSAGE)
    tampered = signed.replace(b"<edXML:CodeNumber>77<", b"<edXML:CodeNumber>78<")
    assert tampered != signed
    assert _rules(verify_envelope(tampered, TrustConfig.from_pki(pki), sender=SENDER)) == ["SIG-24"]


def test_policies_and_identity(pki: TestPki, package: bytes) -> None:
    trust = TrustConfig.from_pki(pki)
    assert verify_envelope(package, trust, sender=SENDER, policy=EnvelopePolicy.REPORT) == []
    missing = verify_envelope(package, trust, sender=SENDER, policy=EnvelopePolicy.REQUIRE)
    assert _rules(missing) == ["SIG-24"] and missing[0].level.value == "MUST"
    other = sign_envelope(package, pki.agency(OTHER))
    wrong = verify_envelope(other, trust, sender=SENDER, policy=EnvelopePolicy.REPORT)
    assert _rules(wrong) == ["SIG-24"] and wrong[0].level.value == "SHOULD"
    assert "không phải của cơ quan gửi" in wrong[0].message_vi
    revoked = verify_envelope(sign_envelope(package, pki.bad[Defect.REVOKED]), trust, sender=SENDER)
    assert _rules(revoked) == ["SIG-24"]
    assert verify_envelope(other, trust, sender=SENDER, policy=EnvelopePolicy.IGNORE) == []


def test_vnpt_style_placeholder_is_reported(pki: TestPki) -> None:
    sample = SAMPLES / "vnpt-sdk" / "edoc.edxml"
    findings = verify_envelope(sample.read_bytes(), TrustConfig.from_pki(pki), sender=None)
    assert _rules(findings) == ["SIG-24"]
    assert findings[0].level.value == "SHOULD"
