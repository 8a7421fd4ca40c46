"""The operator page starts real trial runs: a round for chosen agencies and run-tests, then a re-run of one
item, each a `lienthong trial run` process whose results land in the store the console reads."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from harness.trial.accounts import ADMIN, AccountStore
from harness.trial.roster import read_roster
from harness.trial.statement import TrialRound
from harness.trial.store import CampaignStore
from tests.conftest import REPO
from tests.console_server import console_process, csrf_of, login

pytestmark = pytest.mark.slow  # over ten seconds of processes, browsers or fuzzing: not in the quick loop

TOPOLOGY = REPO / "fixtures" / "topologies" / "demo.yaml"
ROSTER = REPO / "fixtures" / "rosters" / "demo.csv"
ORGAN = "000.00.12.H41"
PASSWORD = "quan-tri-mat-khau-1"


def _attempts(db: Path) -> list[int]:
    with CampaignStore.open(str(db)) as store:
        return sorted(r.attempt for r in store.results(1, ORGAN) if r.scenario_id == "RT-01")


def _wait_for_run(client: object, db: Path, count: int, timeout: float = 240) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if len(_attempts(db)) >= count and "đang chạy" not in client.get("/dieu-hanh").text:  # type: ignore[attr-defined]
            return
        time.sleep(1)
    raise AssertionError(f"the run did not record {count} attempts in {timeout:g} s: {_attempts(db)}")


def test_the_operator_starts_a_round_and_reruns_an_item(tmp_path: Path) -> None:
    db = tmp_path / "trial.sqlite3"
    with CampaignStore.open(str(db)) as store:
        store.import_roster(read_roster(ROSTER).entries)
        store.add_round(TrialRound(1, "Đợt 1", None, ""))
        store.set_meta("campaign.work_dir", str(tmp_path / "work"))
        store.set_meta("reports.1", str(tmp_path / "out"))
        AccountStore(store).create("quantri", PASSWORD, role=ADMIN)
    with console_process(db, topology=TOPOLOGY) as base:
        admin = login(base, "quantri", PASSWORD)
        page = admin.get("/dieu-hanh")
        assert page.status_code == 200 and str(TOPOLOGY) in page.text
        token = csrf_of(page.text)
        none = admin.post("/dieu-hanh/chay", data={"csrf": token, "round": "1"})
        assert none.status_code == 400 and "ít nhất một cơ quan" in none.text
        started = admin.post(
            "/dieu-hanh/chay", data={"csrf": token, "round": "1", "agency": ORGAN, "scenario": "RT-01"}
        )
        assert started.status_code == 303
        busy = admin.post("/dieu-hanh/chay", data={"csrf": token, "round": "1", "agency": ORGAN})
        assert busy.status_code == 409 and "đang chạy" in busy.text
        _wait_for_run(admin, db, 1)  # RT-01 is one scenario
        assert (tmp_path / "out" / ORGAN / f"phu-luc-{ORGAN}.pdf").is_file()
        bad = admin.post(
            "/dieu-hanh/chay-lai", data={"csrf": token, "organ_id": ORGAN, "test_id": "RT-99", "round": "1"}
        )
        assert bad.status_code == 400
        again = admin.post(
            "/dieu-hanh/chay-lai", data={"csrf": token, "organ_id": ORGAN, "test_id": "RT-01", "round": "1"}
        )
        assert again.status_code == 303
        _wait_for_run(admin, db, 2)
        assert _attempts(db) == [1, 2]
        log = admin.get("/dieu-hanh").text
        assert "Lần 2" in log and "xong" in log
