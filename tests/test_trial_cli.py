"""`lienthong trial roster|round|attest|status` through click's runner (and one real process)."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime
from pathlib import Path

from click.testing import CliRunner, Result

from harness.cli.main import cli
from harness.cli.trial_cmd import parse_ict
from harness.edxml.formats import ICT
from harness.paths import REPO_ROOT
from harness.scenarios.results import Outcome, ScenarioResult
from harness.trial.expected import expected_scenarios
from harness.trial.store import CampaignStore

DEMO_ROSTER = REPO_ROOT / "fixtures" / "rosters" / "demo.csv"
FINANCE = "000.00.07.H41"


def run(*args: str, columns: int = 220) -> Result:
    return CliRunner().invoke(cli, ["trial", *args], env={"COLUMNS": str(columns)}, catch_exceptions=False)


def test_roster_import_prints_the_table(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    res = run("roster", "--db", str(db), str(DEMO_ROSTER))
    assert res.exit_code == 0, res.output
    assert FINANCE in res.stdout and "Sở Tài chính tỉnh Nghệ An" in res.stdout and "Đơn vị cung cấp" in res.stdout
    assert "Đã nhập 26 cơ quan, 0 dòng bị từ chối" in res.stdout
    with CampaignStore.open(db) as store:
        assert len(store.roster()) == 26


def test_roster_with_bad_rows_exits_one_and_keeps_good_rows(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'url.db'}"
    roster = tmp_path / "r.csv"
    roster.write_text("id;name\n000.00.07.H41;Sở Tài chính\nxyz;Sai mã\n000.00.07.H41;Trùng\n", encoding="utf-8")
    res = run("roster", "--db", db, str(roster))
    assert res.exit_code == 1
    assert "Dòng 3: mã định danh 'xyz' không hợp lệ" in res.stderr and "Dòng 4:" in res.stderr
    assert "Đã nhập 1 cơ quan, 2 dòng bị từ chối" in res.stdout
    with CampaignStore.open(db) as store:
        assert [a.organ_id for a in store.roster()] == [FINANCE]


def test_unreadable_roster_exits_two(tmp_path: Path) -> None:
    junk = tmp_path / "x.csv"
    junk.write_bytes(bytes(range(256)))
    res = run("roster", "--db", str(tmp_path / "c.db"), str(junk))
    assert res.exit_code == 2 and "không đọc được danh sách" in res.stderr
    res = run("roster", "--db", str(tmp_path / "c.db"), str(tmp_path / "missing.xlsx"))
    assert res.exit_code == 2 and "Traceback" not in res.output


def test_round_create_and_partial_update(tmp_path: Path) -> None:
    db = str(tmp_path / "c.db")
    res = run("round", "--db", db, "--number", "1", "--deadline", "2026-12-15 17:00", "--letter", "CV 451/STTTT-CNTT")
    assert res.exit_code == 0, res.output
    assert "Đã lưu đợt 1: Đợt 1; hạn hoàn thành: 17:00 15/12/2026" in res.stdout
    assert run("round", "--db", db, "--number", "1", "--name", "Đợt 1 (bổ sung)").exit_code == 0
    with CampaignStore.open(db) as store:
        saved = store.round(1)
    assert saved is not None and saved.name == "Đợt 1 (bổ sung)" and saved.letter == "CV 451/STTTT-CNTT"
    assert saved.deadline == datetime(2026, 12, 15, 17, 0, tzinfo=ICT)
    bad = run("round", "--db", db, "--number", "2", "--deadline", "hôm qua")
    assert bad.exit_code == 2 and "không hợp lệ" in bad.output


def test_parse_ict_accepts_the_usual_shapes() -> None:
    five_pm = datetime(2026, 12, 15, 17, 0, tzinfo=ICT)
    assert parse_ict("2026-12-15 17:00") == parse_ict("15/12/2026 17:00") == five_pm
    assert parse_ict("2026-12-15T10:00:00+00:00") == five_pm
    assert parse_ict("15/12/2026") == datetime(2026, 12, 15, 23, 59, 59, tzinfo=ICT)


def test_attest_with_files_and_failures(tmp_path: Path) -> None:
    db = str(tmp_path / "c.db")
    assert run("roster", "--db", db, str(DEMO_ROSTER)).exit_code == 0
    missing_round = run("attest", "--db", db, "--round", "1", "--agency", FINANCE, "--test", "RT-08", "--who", "A")
    assert missing_round.exit_code == 2 and "chưa có đợt 1" in missing_round.stderr
    assert run("round", "--db", db, "--number", "1").exit_code == 0
    shot = tmp_path / "thu-hoi.png"
    shot.write_bytes(b"fake screenshot")
    args = ["attest", "--db", db, "--round", "1", "--agency", FINANCE, "--who", "Phạm Thu Hà"]
    res = run(*args, "--test", "rt-08", "--note", "Không trả lời 15", "--file", str(shot), "--fail")
    assert res.exit_code == 0, res.output
    assert "RT-08" in res.stdout and "KHÔNG ĐẠT" in res.stdout and "SHA-256" in res.stdout
    assert run(*args, "--test", "RT-99").exit_code == 2
    assert run(*args, "--test", "RT-08", "--file", str(tmp_path / "nope.pdf")).exit_code == 2
    unknown = run("attest", "--db", db, "--round", "1", "--agency", "000.00.99.H99", "--test", "RT-01", "--who", "A")
    assert unknown.exit_code == 2 and "không có trong danh sách" in unknown.stderr
    with CampaignStore.open(db) as store:
        (note,) = store.attestations(1)
    assert note.test_id == "RT-08" and not note.passed and Path(note.files[0]).read_bytes() == b"fake screenshot"


def test_status_table(tmp_path: Path) -> None:
    db = str(tmp_path / "c.db")
    assert run("status", "--db", db).exit_code == 2  # no round yet
    assert run("roster", "--db", db, str(DEMO_ROSTER)).exit_code == 0
    assert run("round", "--db", db, "--number", "1", "--deadline", "2020-01-01 17:00").exit_code == 0
    expected = expected_scenarios()
    with CampaignStore.open(db) as store:
        for test_id, names in expected.items():
            for name in names:
                store.record(
                    ScenarioResult(
                        test_id, name, FINANCE, "simulated", Outcome.PASSED, started="2019-12-01T08:00:00+07:00"
                    ),
                    1,
                )
        store.record(ScenarioResult("RT-01", sorted(expected["RT-01"])[0], "000.00.05.H41", "sim", Outcome.FAILED), 1)
    res = run("status", "--db", db, "--round", "1")
    assert res.exit_code == 0, res.output
    lines = res.stdout.splitlines()
    finance = next(line for line in lines if FINANCE in line)
    assert "Hoàn thành" in finance and "Chưa" not in finance and "K" not in finance and "Trễ hạn" not in finance
    home = next(line for line in lines if "000.00.05.H41" in line)
    assert "Chưa hoàn thành" in home and " K " in home and "Trễ hạn" in home
    assert "1/26 cơ quan hoàn thành; 25 cơ quan trễ hạn." in res.stdout
    assert run("status", "--db", db).stdout == res.stdout  # latest round by default
    narrow = run("status", "--db", db, columns=80)
    assert "ĐĐĐ ĐĐĐ ĐĐĐ ĐĐĐ" in narrow.stdout and "K–– ––– ––– –––" in narrow.stdout
    assert max(len(line) for line in narrow.stdout.splitlines()) <= 80
    assert run("status", "--db", db, "--round", "7").exit_code == 2


def test_trial_group_is_registered_in_the_real_cli() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "harness.cli", "trial", "--help"], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    for command in ("roster", "round", "attest", "status"):
        assert command in proc.stdout
    assert "Chạy thử" in proc.stdout
