"""`pytest features/ --sut <agency> --driver simulated`, as a user runs it: a subprocess that starts
the demo world itself, runs the Vietnamese scenarios through pytest-bdd and records results."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from harness.scenarios.results import Outcome, read_results
from harness.scenarios.runner import load_features, select
from tests.conftest import REPO

pytestmark = pytest.mark.slow  # over ten seconds of processes, browsers or fuzzing: not in the quick loop

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


def test_pytest_bdd_passes_and_fails_scenarios_naming_the_scenario_and_the_rule(tmp_path: Path) -> None:
    """The pytest-bdd path end to end, for a vendor that never returns status 01: RT-11 passes,
    RT-05 fails naming the scenario and the rule. (That the conformant vendor passes every scenario
    is the mutation matrix; the full mandatory suite's speed is benchmarks/rt_suite.py.)"""
    results = tmp_path / "results.jsonl"
    args = ["--sut", NO_STATUS_01, "--driver", "simulated", "--scenario", "RT-05", "--scenario", "RT-11"]
    out, _ = run_features(tmp_path, *args, "--results", str(results))
    assert out.returncode == 1, out.stdout[-4000:]
    assert "Trạng thái tiếp nhận và xử lý theo đúng thứ tự" in out.stdout or "test_trạng_thái" in out.stdout
    recorded = read_results(results)
    expected = select(load_features([REPO / "features" / "rt"]), ids=("RT-05", "RT-11"))
    assert len(recorded) == len(expected) >= 3
    assert {r.agency for r in recorded} == {NO_STATUS_01} and {r.driver for r in recorded} == {"simulated"}
    assert all(r.steps and r.seconds > 0 and r.started for r in recorded)
    assert {r.outcome for r in recorded if r.scenario_id == "RT-11"} == {Outcome.PASSED}
    rt05 = [r for r in recorded if r.scenario_id == "RT-05"]
    assert {r.outcome for r in rt05} == {Outcome.FAILED}
    for r in rt05:
        assert "trạng thái 01" in r.message_vi and r.message_vi.startswith("[RT-05]"), r.message_vi
