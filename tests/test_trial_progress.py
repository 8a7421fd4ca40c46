"""The live display of a trial run (issue 28, item 5): scenarios, not attempts, passed and failed; the runs
again of failures have their own bar instead of growing the first one; the report phase has a bar that reaches
its end."""

from __future__ import annotations

import io
import threading
import time
from pathlib import Path

import pytest
from rich.console import Console

from harness.cli.progress import TrialProgress
from harness.pki import TestPki
from harness.reports import render_all
from harness.reports.render import SUMMARY_OUTPUTS
from harness.scenarios.results import Outcome, ScenarioResult
from harness.trial.campaign import serialized
from tests import reports_data as data


def _result(agency: str, name: str, outcome: Outcome, attempt: int = 1) -> ScenarioResult:
    return ScenarioResult(
        scenario_id="RT-05",
        name=name,
        agency=agency,
        driver="simulated",
        outcome=outcome,
        round="Đợt 1",
        tags=["RT-05"],
        feature="features/rt/rt05_trang_thai.feature",
        started="2026-12-06T09:00:00+07:00",
        seconds=1.0,
        attempt=attempt,
    )


def test_a_retry_that_passes_moves_the_scenario_to_passed() -> None:
    out = io.StringIO()
    display = TrialProgress(Console(file=out, width=200, force_terminal=False))
    with display.progress:
        display.listen("plan", {"A": 1, "B": 2})
        display.listen("result", _result("A", "x", Outcome.FAILED))
        display.listen("again", 1)  # A's lane ended before B's: its failure runs again while B's first runs go on
        display.listen("result", _result("B", "x", Outcome.ERROR))
        display.listen("result", _result("A", "x", Outcome.PASSED, attempt=2))
        display.listen("result", _result("B", "y", Outcome.PASSED))
        assert display._counts() == "[green]2 đạt[/] [red]1 không đạt[/]"
        display.listen("again", 1)
        display.listen("result", _result("B", "x", Outcome.FAILED, attempt=2))
        display.listen("reports", 5)
        display.listen("reported", 5)
    first, retry, reports = display.progress.tasks
    assert (first.total, first.completed) == (3, 3), "retries never grow the first bar"
    assert (retry.total, retry.completed) == (2, 2) and retry.description == "Chạy lại kịch bản không đạt"
    assert reports.description == "Viết báo cáo" and reports.finished
    assert display._counts() == "[green]2 đạt[/] [red]1 không đạt[/]", "three scenarios, whatever the attempts"
    assert "Chạy thử" in first.description and first.finished and retry.finished
    assert "3 cơ quan" not in out.getvalue() and "2 cơ quan, 3 kịch bản cần chạy" in out.getvalue()


@pytest.fixture(scope="module")
def pki() -> TestPki:
    return data.pki()


def test_render_all_reports_its_progress_to_the_end(pki: TestPki, tmp_path: Path) -> None:
    steps: list[int] = []
    runs = data.results(tmp_path / "evidence")
    render_all(data.summary(runs), tmp_path / "out", pki=pki, runs=runs, progress=steps.append)
    assert sum(steps) == len(data.ROSTER) + SUMMARY_OUTPUTS
    assert steps[-SUMMARY_OUTPUTS:] == [1] * SUMMARY_OUTPUTS


def test_the_campaign_hands_its_listener_one_event_at_a_time() -> None:
    """Results arrive from every scenario thread at once; the live display counted its dictionary while another
    thread added to it ("dictionary changed size during iteration" ended a demo run)."""
    inside = threading.Semaphore(1)
    overlaps: list[str] = []

    def listener(kind: str, data: object) -> None:
        if not inside.acquire(blocking=False):
            overlaps.append(kind)
            return
        time.sleep(0.005)
        inside.release()

    listen = serialized(listener)
    threads = [threading.Thread(target=lambda: [listen("result", i) for i in range(20)]) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert overlaps == []

    out = io.StringIO()
    display = TrialProgress(Console(file=out, width=200, force_terminal=False))
    listen = serialized(display.listen)
    with display.progress:
        listen("plan", {f"A{t}": 200 for t in range(8)})
        feeders = [
            threading.Thread(
                target=lambda t=t: [listen("result", _result(f"A{t}", f"k{i}", Outcome.PASSED)) for i in range(200)]
            )
            for t in range(8)
        ]
        for f in feeders:
            f.start()
        for f in feeders:
            f.join()
    assert len(display.latest) == 1600 and "1600 đạt" in out.getvalue()
