"""The console's commands: `lienthong trial accounts` and `trial user` make the accounts (passwords written
once, hashed in the store), `lienthong console` serves the pages on a campaign store."""

from __future__ import annotations

import csv
import subprocess
import sys
import time
from pathlib import Path

import httpx
from click.testing import CliRunner

from harness.cli.main import cli
from harness.trial.accounts import AccountStore
from harness.trial.store import CampaignStore
from tests.conftest import REPO
from tests.console_server import free_port, login

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
    port = free_port()
    lienthong = str(Path(sys.executable).parent / "lienthong")
    process = subprocess.Popen(
        [lienthong, "console", "--db", db, "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(base + "/dang-nhap", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        client = login(base, "quantri", password)
        assert client.get("/", follow_redirects=True).status_code == 200
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=15)
    assert f"{base}/" in output
