"""`pytest features/ --sut <agency> --driver simulated`, as a user runs it: a subprocess that starts
the demo world itself, runs the Vietnamese scenarios through pytest-bdd and records results."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from harness.scenarios.results import Outcome, read_results
from harness.scenarios.runner import load_features, select
from tests.conftest import REPO

CONFORMANT = "000.00.12.H41"
"""Sở Thông tin và Truyền thông of the demo province: a conformant simulated vendor."""
NO_STATUS_01 = "000.00.07.H41"
"""Sở Tài chính of the demo province: its vendor never returns status 01."""


def run_features(tmp: Path, *args: str, timeout: float = 400) -> tuple[subprocess.CompletedProcess[str], float]:
    started = time.monotonic()
    out = subprocess.run(
        [sys.executable, "-m", "pytest", "features/rt", "-p", "no:cacheprovider", "-q", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    return out, time.monotonic() - started


def test_mandatory_scenarios_pass_for_a_conformant_demo_agency(tmp_path: Path) -> None:
    """The pytest-bdd path end to end (the full mandatory suite's speed: benchmarks/rt_suite.py)."""
    results = tmp_path / "results.jsonl"
    picked = ("RT-01", "RT-05", "RT-11")
    args = [a for s in picked for a in ("--scenario", s)]
    out, _ = run_features(
        tmp_path, "--sut", CONFORMANT, "--driver", "simulated", "-m", "mandatory", "--results", str(results), *args
    )
    assert out.returncode == 0, out.stdout[-4000:] + out.stderr[-2000:]
    recorded = read_results(results)
    mandatory = select(load_features([REPO / "features" / "rt"]), mandatory_only=True, ids=picked)
    assert len(recorded) == len(mandatory) >= len(picked)
    assert {r.outcome for r in recorded} == {Outcome.PASSED}
    assert {r.scenario_id for r in recorded} == set(picked)
    assert {r.agency for r in recorded} == {CONFORMANT} and {r.driver for r in recorded} == {"simulated"}
    assert all(r.steps and r.seconds > 0 and r.started for r in recorded)


def test_a_faulty_vendor_fails_naming_the_scenario_and_the_rule(tmp_path: Path) -> None:
    results = tmp_path / "results.jsonl"
    out, _ = run_features(tmp_path, "--sut", NO_STATUS_01, "--scenario", "RT-05", "--results", str(results))
    assert out.returncode == 1, out.stdout[-4000:]
    assert "Trạng thái tiếp nhận và xử lý theo đúng thứ tự" in out.stdout or "test_trạng_thái" in out.stdout
    recorded = read_results(results)
    assert {r.scenario_id for r in recorded} == {"RT-05"}
    assert {r.outcome for r in recorded} == {Outcome.FAILED}
    for r in recorded:
        assert "trạng thái 01" in r.message_vi and r.message_vi.startswith("[RT-05]"), r.message_vi
