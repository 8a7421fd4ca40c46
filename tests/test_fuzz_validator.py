"""The validator under a seeded mutator: findings, never an exception (issue 24).

Mutants of the shared vendor samples and of the corpus' valid packages, strict and lenient,
for about ten seconds (the suite stays under ten minutes). The longer run is
`benchmarks/fuzz_validator.py` (README, Reliability).
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from harness.edxml import validate
from harness.edxml.mutate import mutants
from tests.conftest import CORPUS, SAMPLES

pytestmark = pytest.mark.slow  # over ten seconds of processes, browsers or fuzzing: not in the quick loop

BUDGET_SECONDS = 10.0
MAX_INPUTS = 8000
RULE = re.compile(r"^(EDX|SIG)-\d\d$")


def seeds() -> list[bytes]:
    files = sorted(SAMPLES.rglob("*.edxml")) + sorted((CORPUS / "valid").glob("*.edxml"))
    assert len(files) >= 10, f"too few seed packages under {SAMPLES} and {CORPUS}"
    return [Path(f).read_bytes() for f in files]


def test_mutated_packages_get_findings_never_an_exception() -> None:
    tried = refused = 0
    deadline = time.monotonic() + BUDGET_SECONDS
    for data in mutants(seeds(), seed=20261206):
        strict = tried % 2 == 1
        try:
            report = validate(data, strict=strict)
        except Exception as exc:  # the defect this test exists for: report the input to replay it
            raise AssertionError(f"input {tried} (strict={strict}, {len(data)} bytes) raised {exc!r}") from exc
        for f in report.findings:
            assert RULE.match(f.rule) and f.message_vi.strip() and f.message_en.strip(), f
        refused += not report.ok
        tried += 1
        if tried >= MAX_INPUTS or time.monotonic() > deadline:
            break
    assert tried >= 200, f"only {tried} inputs in {BUDGET_SECONDS:g} s"
    assert refused >= tried // 4, f"the mutator barely bites: {refused} of {tried} refused"
