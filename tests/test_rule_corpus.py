"""Every rule of the catalogue can fail: one fixture per rule makes exactly that rule fire."""

from __future__ import annotations

from pathlib import Path

import pytest

from fixtures.edxml import make_corpus
from harness.edxml import Level, Transport, validate, validate_sequence
from harness.edxml.builder import build
from harness.edxml.catalogue import catalogue
from harness.edxml.factory import DEFAULT_TO, new_document, status_for
from tests.conftest import CORPUS

INVALID = CORPUS / "invalid"
VALID = CORPUS / "valid"
FILE_RULES = [r for r in catalogue().values() if r.scope != "transport"]


def fixtures_for(rule_id: str) -> list[Path]:
    return sorted(p for p in INVALID.iterdir() if p.name.startswith(f"{rule_id}-"))


def rules_fired(fixture: Path) -> set[str]:
    if fixture.is_dir():
        items = [(str(p), p.read_bytes()) for p in sorted(fixture.iterdir())]
        reports, sequence = validate_sequence(items)
        return set().union(*(r.rules() for r in reports)) | {f.rule for f in sequence}
    return validate(fixture.read_bytes()).rules()


def test_corpus_files_are_what_the_generator_writes() -> None:
    assert make_corpus.stale(make_corpus.valid_corpus(), VALID) == []
    assert make_corpus.stale(make_corpus.invalid_corpus(), INVALID) == []


@pytest.mark.parametrize("rule_id", [r.id for r in FILE_RULES])
def test_every_rule_has_a_fixture_that_fires_exactly_it(rule_id: str) -> None:
    found = fixtures_for(rule_id)
    assert found, f"no fixture in fixtures/edxml/invalid/ for {rule_id}"
    for fixture in found:
        assert rules_fired(fixture) == {rule_id}, fixture.name


def test_every_must_rule_is_covered() -> None:
    must = {r.id for r in catalogue().values() if r.level is Level.MUST}
    covered = {p.name[:6] for p in INVALID.iterdir()}
    assert must - covered == set()
    assert len(must) >= 30


@pytest.mark.parametrize("path", sorted(VALID.iterdir()), ids=lambda p: p.name)
def test_valid_corpus_has_no_finding(path: Path) -> None:
    report = validate(path.read_bytes())
    assert report.findings == [], [f.message_en for f in report.findings]


def test_builder_package_has_no_must_finding() -> None:
    doc = new_document()
    assert validate(build(doc)).ok
    assert validate(build(status_for(doc, DEFAULT_TO, "03"))).ok


def test_transport_rules_fire_on_mismatched_headers() -> None:
    doc = build(new_document())
    good = Transport(messagetype="edoc", servicetype="eDoc", from_="000.00.00.H41")
    assert validate(doc, transport=good).findings == []
    wrong_type = validate(doc, transport=Transport(messagetype="status", servicetype="eDoc"))
    assert wrong_type.rules() == {"EDX-60"}
    wrong_service = validate(doc, transport=Transport(servicetype="edoc"))
    assert wrong_service.rules() == {"EDX-60"}
    wrong_from = validate(doc, transport=Transport(from_="000.00.00.G22"))
    assert wrong_from.rules() == {"EDX-61"}
    status = build(status_for(new_document(), DEFAULT_TO, "01"))
    assert validate(status, transport=Transport(messagetype="status", from_="000.00.00.G22")).findings == []


def test_findings_carry_location_messages_and_source() -> None:
    report = validate((INVALID / "EDX-11-code-number-too-long.edxml").read_bytes())
    (finding,) = report.findings
    assert finding.location == "/edXML/edXMLEnvelope/edXMLHeader/MessageHeader/Code/CodeNumber"
    assert "vượt giới hạn 11" in finding.message_vi
    assert "over the 11 limit" in finding.message_en
    assert finding.source.startswith("edxml.md")
    assert finding.level is Level.MUST
