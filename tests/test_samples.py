"""The real vendor samples: read without an exception, their real defects reported precisely."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from harness.edxml import Kind, Level, validate

# Every stateless finding on each real sample, by rule ID (checked by hand against the files).
EXPECTED: dict[str, tuple[Kind, set[str]]] = {
    "bkav/edoc_new.edxml": (Kind.EDOC, {"EDX-13", "EDX-17", "EDX-22", "EDX-24", "EDX-38"}),
    "bkav/edoc_update.edxml": (Kind.EDOC, {"EDX-22", "EDX-38"}),
    "bkav/status_processing_05.edxml": (Kind.STATUS, {"EDX-43"}),
    "vnpt-sdk/edoc.edxml": (
        Kind.EDOC,
        {"EDX-01", "EDX-09", "EDX-22", "EDX-24", "EDX-25", "EDX-31", "EDX-32", "EDX-37", "EDX-38"},
    ),
    "vnpt-sdk/edoc_new.edxml": (Kind.EDOC, {"EDX-01", "EDX-09", "EDX-22", "EDX-24", "EDX-38"}),
    "vnpt-sdk/edoc_replacement.edxml": (Kind.EDOC, {"EDX-22", "EDX-26", "EDX-38"}),
    "vnpt-sdk/edoc_revocation.edxml": (Kind.EDOC, {"EDX-22", "EDX-26", "EDX-38"}),
    "vnpt-sdk/edoc_update.edxml": (Kind.EDOC, {"EDX-22", "EDX-38"}),
    "vnpt-sdk/status.edxml": (Kind.STATUS, {"EDX-42"}),
    "vnpt-sdk/status_acceptance_03.edxml": (Kind.STATUS, {"EDX-43"}),
    "vnpt-sdk/status_assignment_04.edxml": (Kind.STATUS, {"EDX-43"}),
    "vnpt-sdk/status_cancellation_13.edxml": (Kind.STATUS, {"EDX-43", "EDX-49"}),
    "vnpt-sdk/status_change-acceptance_15.edxml": (Kind.STATUS, {"EDX-43"}),
    "vnpt-sdk/status_change-rejection_16.edxml": (Kind.STATUS, {"EDX-43"}),
    "vnpt-sdk/status_finish_06.edxml": (Kind.STATUS, {"EDX-43"}),
    "vnpt-sdk/status_inbox_01.edxml": (Kind.STATUS, {"EDX-43"}),
    "vnpt-sdk/status_processing_05.edxml": (Kind.STATUS, {"EDX-43"}),
    "vnpt-sdk/status_rejection_02.edxml": (Kind.STATUS, {"EDX-43"}),
}


def test_all_eighteen_samples_are_pinned(samples_dir: Path) -> None:
    on_disk = {str(p.relative_to(samples_dir)) for p in samples_dir.glob("*/*.edxml")}
    assert on_disk == set(EXPECTED)
    assert len(on_disk) == 18


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_sample_findings(samples_dir: Path, name: str) -> None:
    kind, rules = EXPECTED[name]
    report = validate((samples_dir / name).read_bytes(), path=name)
    assert report.kind is kind
    assert report.rules() == rules


def test_stray_bytes_sample_is_reported_and_still_checked(samples_dir: Path) -> None:
    report = validate((samples_dir / "vnpt-sdk/edoc_new.edxml").read_bytes())
    stray = [f for f in report.findings if f.rule == "EDX-01"]
    assert len(stray) == 1 and "4 byte lạ" in stray[0].message_vi and "'1212'" in stray[0].message_vi
    bad_to = [f for f in report.findings if f.rule == "EDX-09"]
    assert [f.location for f in bad_to] == ["/edXML/edXMLEnvelope/edXMLHeader/MessageHeader/To/OrganId"]
    assert "28.22.H17" in bad_to[0].message_vi
    strict = validate((samples_dir / "vnpt-sdk/edoc_new.edxml").read_bytes(), strict=True)
    assert strict.rules() == {"EDX-01"} and strict.kind is Kind.UNKNOWN


def test_day_first_date_and_undeclared_prefixes(samples_dir: Path) -> None:
    bkav = validate((samples_dir / "bkav/edoc_new.edxml").read_bytes())
    (date,) = [f for f in bkav.findings if f.rule == "EDX-13"]
    assert "30/10/2020" in date.message_vi and date.level is Level.MUST
    vnpt = validate((samples_dir / "vnpt-sdk/edoc.edxml").read_bytes())
    syntax = [f.message_en for f in vnpt.findings if f.rule == "EDX-01"]
    assert any("xlink" in m for m in syntax)
    assert any("edXML on AttachmentEncoded" in m for m in syntax)
    revocation = validate((samples_dir / "vnpt-sdk/edoc_revocation.edxml").read_bytes())
    assert {f.location for f in revocation.findings if f.rule == "EDX-26"} == {
        "/edXML/edXMLEnvelope/edXMLHeader/TraceHeaderList/Bussiness/DocumentId"
    }


def test_cli_json_over_all_samples(samples_dir: Path) -> None:
    files = sorted(str(p) for p in samples_dir.glob("*/*.edxml"))
    proc = subprocess.run(
        [sys.executable, "-m", "harness.cli", "validate", "--format", "json", *files],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    out = json.loads(proc.stdout)
    assert len(out) == 18
    by_name = {str(Path(item["path"]).relative_to(samples_dir)): item for item in out}
    for name, (kind, rules) in EXPECTED.items():
        item = by_name[name]
        assert item["kind"] == str(kind)
        assert {f["rule"] for f in item["findings"]} == rules
        for f in item["findings"]:
            assert set(f) >= {"rule", "level", "location", "message"}
