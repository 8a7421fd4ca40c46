"""The axis' "transport" strictness runs a subset of the rules; it must find what the full run finds."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.edxml.validate import inspect
from simulators.axis.intake import TRANSPORT_RULES
from tests.conftest import CORPUS

PACKAGES = sorted((CORPUS / "invalid").rglob("*.edxml")) + sorted((CORPUS / "valid").glob("*.edxml"))


@pytest.mark.parametrize("path", PACKAGES, ids=lambda p: p.name)
def test_carriage_only_finds_every_transport_finding_of_the_full_run(path: Path) -> None:
    data = path.read_bytes()
    full = [(f.rule, f.location) for f in inspect(data, model=False).report.findings if f.rule in TRANSPORT_RULES]
    carriage = [
        (f.rule, f.location)
        for f in inspect(data, model=False, carriage_only=True).report.findings
        if f.rule in TRANSPORT_RULES
    ]
    assert carriage == full


def test_carriage_only_skips_the_conventions() -> None:
    data = next(p for p in PACKAGES if p.name.startswith("EDX-13-")).read_bytes()
    assert "EDX-13" in inspect(data, model=False).report.rules()
    assert "EDX-13" not in inspect(data, model=False, carriage_only=True).report.rules()
