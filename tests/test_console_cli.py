"""The console's commands: `lienthong trial accounts` and `trial user` make the accounts (passwords written
once, hashed in the store), `lienthong console` serves the pages on a campaign store."""

from __future__ import annotations

import csv
import sys
from pathlib import Path

from click.testing import CliRunner

from harness.cli.main import cli
from harness.trial.accounts import AccountStore
from harness.trial.store import CampaignStore
from tests.conftest import REPO
from tests.console_server import console_process, login

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
