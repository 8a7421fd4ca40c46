"""A trial killed half way (SIGKILL: no clean-up at all) and run again resumes where it stopped:
nothing recorded is run twice, the simulators it left behind are stopped, and the statements
equal those of the uninterrupted demo trial."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from harness.trial.expected import expected_scenarios
from harness.trial.statement import ItemOutcome
from harness.trial.store import CampaignStore
from tests.conftest import REPO, DemoTrial

pytestmark = pytest.mark.slow  # over ten seconds of processes, browsers or fuzzing: not in the quick loop

AGENCIES = ("000.00.07.H41",)
SCENARIOS = ("RT-01", "RT-05", "RT-11")
LIENTHONG = str(Path(sys.executable).parent / "lienthong")


def trial_command(root: Path) -> list[str]:
    command = [LIENTHONG, "trial", "run", "--topology", str(REPO / "fixtures" / "topologies" / "demo.yaml")]
    command += ["--roster", str(REPO / "fixtures" / "rosters" / "demo.csv"), "--db", str(root / "trial.sqlite3")]
    command += ["--work", str(root / "work"), "--out", str(root / "out"), "--retries", "0"]
    for organ in AGENCIES:
        command += ["--agency", organ]
    for scenario in SCENARIOS:
        command += ["--scenario", scenario]
    return command


def recorded(db: Path) -> int:
    try:
        with sqlite3.connect(db, timeout=5) as conn:
            return int(conn.execute("SELECT COUNT(*) FROM runs").fetchone()[0])
    except sqlite3.Error:
        return 0


def our_processes(marker: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if marker in (entry / "cmdline").read_bytes().decode(errors="replace"):
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def outcomes(db: Path, organ: str) -> dict[str, ItemOutcome]:
    expected = {k: v for k, v in expected_scenarios(REPO / "features" / "rt").items() if k in SCENARIOS}
    store = CampaignStore.open(str(db))
    try:
        statement = store.statement(1, organ, expected)
    finally:
        store.close()
    return {i.test.test_id: i.outcome for i in statement.items if i.test.test_id in SCENARIOS}


def test_a_killed_trial_resumes_and_ends_like_an_uninterrupted_one(
    tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    db = tmp_path / "trial.sqlite3"
    first = subprocess.Popen(trial_command(tmp_path), cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 240
    while recorded(db) < 2 and first.poll() is None and time.monotonic() < deadline:
        time.sleep(0.2)
    assert first.poll() is None, "the trial ended before it could be killed half way"
    os.kill(first.pid, signal.SIGKILL)
    first.wait()
    killed_at = recorded(db)
    assert killed_at >= 2
    assert our_processes(str(tmp_path / "work")), "a SIGKILLed trial leaves its simulators behind"

    second = subprocess.run(trial_command(tmp_path), cwd=REPO, capture_output=True, text=True, timeout=300)
    assert second.returncode == 0, second.stdout[-3000:] + second.stderr[-2000:]
    assert f"bỏ qua {killed_at} kịch bản đã có kết quả" in " ".join(second.stdout.split())
    assert not our_processes(str(tmp_path / "work")), "simulators left running after the resumed trial"

    store = CampaignStore.open(str(db))
    try:
        runs = store.results(1)
    finally:
        store.close()
    keys = [(r.agency, r.scenario_id, r.name) for r in runs]
    assert len(keys) == len(set(keys)), "a scenario recorded before the kill was run again"
    assert {r.agency for r in runs} == set(AGENCIES) and {r.scenario_id for r in runs} == set(SCENARIOS)
    # the uninterrupted run to compare with is the demo's (asked for last: this test runs beside it)
    demo_trial: DemoTrial = request.getfixturevalue("demo_trial")
    for organ in AGENCIES:
        assert outcomes(db, organ) == outcomes(demo_trial.db, organ), organ
    assert outcomes(db, "000.00.07.H41")["RT-05"] is ItemOutcome.FAILED
    assert outcomes(db, "000.00.07.H41")["RT-01"] is ItemOutcome.PASSED
