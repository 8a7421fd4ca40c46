"""The Gherkin features: every run-test item is covered, tagged as the spec says, and every step
has exactly one definition in the shared registry (so both runners can execute it)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from harness.scenarios.runner import Scenario, load_features, load_steps
from harness.scenarios.steps import REGISTRY, match
from tests.conftest import REPO

FEATURES = REPO / "features"
MANDATORY_RT = {f"RT-{i:02d}" for i in (1, 2, 3, 4, 5, 6, 7, 10, 11, 12)}
"""pilot-run-tests.md: RT-08 and RT-09 are recommended, every other RT item is mandatory."""


@pytest.fixture(scope="module")
def scenarios() -> list[Scenario]:
    load_steps(FEATURES)
    return load_features([FEATURES / "rt", FEATURES / "ax"])


def test_every_run_test_item_has_scenarios(scenarios: list[Scenario]) -> None:
    ids = {s.scenario_id for s in scenarios}
    assert {f"RT-{i:02d}" for i in range(1, 13)} <= ids
    assert all(s.scenario_id for s in scenarios), [s.name for s in scenarios if not s.scenario_id]


def test_mandatory_tags_follow_the_spec(scenarios: list[Scenario]) -> None:
    for s in scenarios:
        if s.scenario_id.startswith("RT"):
            assert s.mandatory == (s.scenario_id in MANDATORY_RT), (s.scenario_id, s.name)
            assert s.mandatory or "recommended" in s.tags


def test_outlines_cover_the_14_types_and_the_signature_cases(scenarios: list[Scenario]) -> None:
    rt10 = [s for s in scenarios if s.scenario_id == "RT-10"]
    assert len(rt10) == 14 and len({s.name for s in rt10}) == 14
    rt07 = [s for s in scenarios if s.scenario_id == "RT-07"]
    assert len(rt07) == 6
    assert {t for s in rt07 for t in s.tags} >= {"SIG-02", "SIG-03", "SIG-12", "SIG-06", "SIG-07", "SIG-08"}


def test_every_step_has_exactly_one_definition(scenarios: list[Scenario]) -> None:
    for s in scenarios:
        for kind, text in s.steps:
            matching = [d for d in REGISTRY if d.kind == kind and d.parser.parse(text) is not None]
            assert len(matching) == 1, (s.name, kind, text, [d.pattern for d in matching])
            match(kind, text)


def test_features_are_vietnamese_gherkin() -> None:
    for path in sorted(FEATURES.rglob("*.feature")):
        text = path.read_text(encoding="utf-8")
        assert text.startswith("# language: vi\n"), path
        assert "Tính năng:" in text, path


def test_pytest_bdd_collects_every_scenario(scenarios: list[Scenario]) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "pytest", "features/", "--collect-only", "-q", "-p", "no:cacheprovider"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-2000:]
    collected = [line for line in out.stdout.splitlines() if "::test_" in line]
    assert len(collected) == len(scenarios)
    assert "PytestUnknownMarkWarning" not in out.stdout
