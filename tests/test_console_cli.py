"""The console's commands: `lienthong trial accounts` and `trial user` make the accounts (passwords written
once, hashed in the store), `lienthong console` serves the pages on a campaign store."""

from __future__ import annotations

import csv
import shutil
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from harness.cli.main import cli
from harness.trial.accounts import AccountStore
from harness.trial.store import CampaignStore
from tests.conftest import REPO, DemoTrial
from tests.console_server import console_process, login

pytestmark = pytest.mark.slow  # over ten seconds of processes, browsers or fuzzing: not in the quick loop

ROSTER = REPO / "fixtures" / "rosters" / "demo.csv"


def test_accounts_from_the_roster_and_an_administrator(tmp_path: Path) -> None:
    db = str(tmp_path / "trial.sqlite3")
    runner = CliRunner()
    assert runner.invoke(cli, ["trial", "roster", "--db", db, str(ROSTER)]).exit_code == 0
    out = tmp_path / "tai-khoan.csv"
    made = runner.invoke(cli, ["trial", "accounts", "--db", db, "--out", str(out)])
    assert made.exit_code == 0, made.output
    rows = list(csv.reader(out.read_text(encoding="utf-8-sig").splitlines()))
    assert rows[0][0] == "Tên đăng nhập" and len(rows) > 20
    assert oct(out.stat().st_mode & 0o777) == "0o600"
    username, password = rows[1][0], rows[1][4]
    with CampaignStore.open(db) as store:
        assert AccountStore(store).authenticate(username, password) is not None
    short = runner.invoke(cli, ["trial", "user", "--db", db, "--username", "quantri", "--password", "ngan"])
    assert short.exit_code == 2 and "ít nhất" in short.output
    admin = runner.invoke(cli, ["trial", "user", "--db", db, "--username", "quantri"])
    assert admin.exit_code == 0 and "Mật khẩu:" in admin.output
    password = admin.output.split("Mật khẩu:")[1].split()[0]
    lienthong = str(Path(sys.executable).parent / "lienthong")
    log = tmp_path / "console.log"
    with console_process(Path(db), command=[lienthong, "console"], log=log) as base:
        client = login(base, "quantri", password)
        assert client.get("/", follow_redirects=True).status_code == 200
    assert f"{base}/" in log.read_text(encoding="utf-8")


def test_the_console_opens_the_last_demo_as_it_is(demo_trial: DemoTrial, tmp_path: Path) -> None:
    """`lienthong console` with no store opens the last demo's results and reruns nothing (issue 25, item 14)."""
    lienthong = str(Path(sys.executable).parent / "lienthong")
    empty = CliRunner().invoke(cli, ["console", "--demo-work", str(tmp_path / "khong-co")])
    assert empty.exit_code == 2 and "chưa có kết quả demo" in empty.output and "make demo" in empty.output
    work = tmp_path / "demo"
    shutil.copytree(demo_trial.work, work)
    db = work / "trial.sqlite3"
    with CampaignStore.open(str(db)) as store:
        before = [(r.agency, r.scenario_id, r.name, r.attempt) for r in store.outcomes(1)]
    rows = list(csv.reader((work / "tai-khoan.csv").read_text(encoding="utf-8-sig").splitlines()))
    password = next(r[4] for r in rows if r[0] == "quantri")
    log = tmp_path / "console.log"
    with console_process(None, command=[lienthong, "console", "--demo-work", str(work)], log=log) as base:
        admin = login(base, "quantri", password)  # the demo's own password: no new accounts were made
        page = admin.get("/dot/1")
        assert page.status_code == 200 and "Hoàn thành" in page.text
    said = log.read_text(encoding="utf-8")
    assert "không chạy lại" in said and "tai-khoan.csv" in said
    with CampaignStore.open(str(db)) as store:
        assert [(r.agency, r.scenario_id, r.name, r.attempt) for r in store.outcomes(1)] == before
    assert "lienthong console" in demo_trial.stdout and "demo --console" not in demo_trial.stdout
