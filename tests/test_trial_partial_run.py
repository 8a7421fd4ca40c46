"""A partial run adds to the round, it never shrinks it (issue 25, item 1).

Two runs of one scenario for one agency each, as the operator page starts them: after both, the
manifest, the console's downloads and the summary cover all the agencies of the demo roster.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from harness.console.files import agency_files
from harness.trial.store import CampaignStore
from tests.conftest import REPO

pytestmark = pytest.mark.slow  # over ten seconds of processes, browsers or fuzzing: not in the quick loop

LIENTHONG = str(Path(sys.executable).parent / "lienthong")
WIDE = {**os.environ, "COLUMNS": "200"}
FIRST, SECOND = "000.00.07.H41", "000.00.12.H41"


def run_one(root: Path, agency: str) -> subprocess.CompletedProcess[str]:
    command = [LIENTHONG, "trial", "run", "--topology", str(REPO / "fixtures" / "topologies" / "demo.yaml")]
    command += ["--roster", str(REPO / "fixtures" / "rosters" / "demo.csv"), "--db", str(root / "trial.sqlite3")]
    command += ["--work", str(root / "work"), "--out", str(root / "out"), "--retries", "0"]
    command += ["--agency", agency, "--scenario", "RT-01"]
    return subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=300, env=WIDE)


def test_a_partial_run_keeps_every_agency_in_the_reports(tmp_path: Path) -> None:
    """And a run whose report could not be written fails (issue 28, item 1: the signed summary missing used to
    leave one red line and exit 0); the next run writes it."""
    blocked = tmp_path / "out" / "tong-hop.pdf"
    blocked.mkdir(parents=True)  # the summary PDF cannot be written there
    proc = run_one(tmp_path, FIRST)
    assert proc.returncode == 3, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert "Không tạo được bảng tổng hợp PDF ký số" in proc.stdout
    assert "Lần chạy KHÔNG hoàn tất: 1 báo cáo không tạo được" in proc.stdout
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["ok"] is False and [e["output"] for e in manifest["errors"]] == ["summary-pdf"]
    blocked.rmdir()
    proc = run_one(tmp_path, SECOND)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert blocked.is_file()
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    store = CampaignStore.open(str(tmp_path / "trial.sqlite3"))
    try:
        roster = [e.organ_id for e in store.roster()]
        assert len(roster) == 26
        appendices = {f["organ_id"] for f in manifest["files"] if f["kind"] == "appendix-pdf"}
        assert appendices == set(roster), "every agency keeps its appendix in the manifest"
        for organ in roster:
            kinds = {f.kind for f in agency_files(store, 1, organ, store.results(1, organ), [], [])}
            assert {"appendix-pdf", "appendix-docx", "junit"} <= kinds, (organ, kinds)
        ran = {r.agency for r in store.results(1)}
        assert ran == {FIRST, SECOND}
    finally:
        store.close()
    html = (tmp_path / "out" / "bao-cao.html").read_text(encoding="utf-8")
    assert all(organ in html for organ in roster), "the summary lists the whole roster"
    assert {"tong-hop", FIRST, SECOND} <= set(manifest["codes"])
