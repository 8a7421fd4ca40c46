"""What the console keeps in the campaign store: accounts (argon2 hashes, roster-made agency and vendor
accounts, who may see what), the clerk's tasks and the operator driver waiting on them, live progress and
the register of issued appendices."""

from __future__ import annotations

import io
import sqlite3
import threading
import time
from pathlib import Path

import pytest

from harness.drivers.operator import ANSWER_NO, ANSWER_NONE, ANSWER_YES, OperatorDriver
from harness.trial.accounts import ADMIN, AGENCY, AccountStore, GeneratedPassword, new_password, vendor_username
from harness.trial.issued import issued_by_code, latest_issued, record_issued
from harness.trial.live import clear_running, mark_running, running
from harness.trial.roster import read_roster
from harness.trial.statement import TrialRound
from harness.trial.store import SCHEMA_VERSION, CampaignStore, StoreError
from harness.trial.tasks import ATTESTATION, DONE, EXPIRED, IMPOSSIBLE, StoreTaskBoard, TaskStore
from tests import reports_data as data
from tests.conftest import REPO

ROSTER = REPO / "fixtures" / "rosters" / "demo.csv"
ORGAN = "000.00.12.H41"


@pytest.fixture
def store(tmp_path: Path) -> CampaignStore:
    s = CampaignStore.open(str(tmp_path / "trial.sqlite3"))
    s.import_roster(read_roster(ROSTER).entries)
    s.add_round(TrialRound(1, "Đợt 1", None, ""))
    return s


def test_passwords_are_argon2_hashes_and_wrong_ones_are_refused(store: CampaignStore, tmp_path: Path) -> None:
    accounts = AccountStore(store)
    accounts.create("quantri", "mot-mat-khau-dai", role=ADMIN)
    raw = sqlite3.connect(tmp_path / "trial.sqlite3").execute("SELECT password_hash FROM accounts").fetchone()[0]
    assert raw.startswith("$argon2id$") and "mot-mat-khau-dai" not in raw
    assert accounts.authenticate("quantri", "mot-mat-khau-dai") is not None
    assert accounts.authenticate("quantri", "sai") is None
    assert accounts.authenticate("khong-co", "mot-mat-khau-dai") is None
    with pytest.raises(StoreError, match="ít nhất"):
        accounts.create("ngan", "ngan", role=ADMIN)
    with pytest.raises(StoreError, match="đã có"):
        accounts.create("quantri", "mot-mat-khau-khac", role=ADMIN)
    with pytest.raises(StoreError, match="không hợp lệ"):
        accounts.create("có dấu", "mot-mat-khau-dai", role=ADMIN)
    with pytest.raises(StoreError, match="ít nhất một cơ quan"):
        accounts.create("coquan", "mot-mat-khau-dai", role=AGENCY)
    with pytest.raises(StoreError, match="Không có trong danh sách"):
        accounts.create("coquan", "mot-mat-khau-dai", role=AGENCY, agencies=["999.99.99.H99"])


def test_roster_accounts_see_only_their_agencies(store: CampaignStore) -> None:
    accounts = AccountStore(store)
    created = accounts.from_roster()
    roster = store.roster()
    vendors = {a.vendor for a in roster}
    assert len(created) == len(roster) + len(vendors)
    assert accounts.from_roster() == []  # idempotent
    agency = accounts.get(ORGAN)
    assert agency is not None and agency.agencies == {ORGAN} and not agency.may_see("000.00.07.H41")
    vendor_name = next(a.vendor for a in roster if a.organ_id == ORGAN)
    vendor = accounts.get(vendor_username(vendor_name))
    assert vendor is not None and vendor.agencies == {a.organ_id for a in roster if a.vendor == vendor_name}
    first = next(c for c in created if c.account.username == ORGAN)
    assert accounts.authenticate(ORGAN, first.password) is not None
    assert vendor_username("Công ty Cổ phần Giải pháp Số B") == "ncc-cong-ty-co-phan-giai-phap-so-b"


def _stored_hash(tmp_path: Path, username: str) -> str:
    with sqlite3.connect(tmp_path / "trial.sqlite3") as raw:
        return str(raw.execute("SELECT password_hash FROM accounts WHERE username = ?", (username,)).fetchone()[0])


def test_a_drawn_password_is_hashed_light_until_its_first_login_and_a_chosen_one_never(
    store: CampaignStore, tmp_path: Path
) -> None:
    accounts = AccountStore(store)
    drawn = new_password()
    assert isinstance(drawn, GeneratedPassword) and len(drawn) >= 16
    accounts.create("tudong", drawn, role=ADMIN)
    light = _stored_hash(tmp_path, "tudong")
    assert light.startswith("$argon2id$v=19$m=4096,t=1,p=1$") and drawn not in light
    assert accounts.authenticate("tudong", drawn + "x") is None
    assert _stored_hash(tmp_path, "tudong") == light  # a wrong password upgrades nothing
    assert accounts.authenticate("tudong", drawn) is not None
    upgraded = _stored_hash(tmp_path, "tudong")
    assert upgraded.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert accounts.authenticate("tudong", drawn) is not None
    # The same characters typed by a person (a plain string) get the full cost from the start.
    accounts.create("nguoidat", str(drawn), role=ADMIN)
    assert _stored_hash(tmp_path, "nguoidat").startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    created = {c.account.username: c.password for c in accounts.from_roster()}
    assert _stored_hash(tmp_path, ORGAN).startswith("$argon2id$v=19$m=4096,t=1,p=1$")
    assert accounts.authenticate(ORGAN, created[ORGAN]) is not None


def test_a_version_1_store_gains_the_console_tables(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    CampaignStore.open(str(path)).close()
    with sqlite3.connect(path) as raw:
        raw.execute("UPDATE lienthong_meta SET value = '1' WHERE key = 'schema_version'")
        raw.execute("DROP TABLE tasks")
    with CampaignStore.open(str(path)) as store:
        assert store.schema_version() == SCHEMA_VERSION == 3
        assert TaskStore(store).tasks() == []


def _driver(store: CampaignStore, tmp_path: Path, timeout: float = 10) -> tuple[OperatorDriver, StoreTaskBoard]:
    board = StoreTaskBoard(store, 1, ORGAN)
    board.begin("RT-11", "Hệ thống chặn gửi văn bản mật", 1)
    driver = OperatorDriver(
        ORGAN, "Sở TT&TT", "Văn thư", out=io.StringIO(), inp=None, log_path=tmp_path / "log.jsonl",
        answer_timeout=timeout, board=board,
    )  # fmt: skip
    return driver, board


def _answer_later(store: CampaignStore, state: str, delay: float = 0.5) -> threading.Thread:
    def run() -> None:
        tasks = TaskStore(store)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            open_ones = tasks.tasks(1, states=["open"])
            if open_ones:
                time.sleep(delay)
                tasks.answer(open_ones[0].id, state=state, who="Lê Minh Tuấn", note="ghi chú của văn thư")
                return
            time.sleep(0.05)

    thread = threading.Thread(target=run)
    thread.start()
    return thread


@pytest.mark.parametrize(("state", "answer"), [(DONE, ANSWER_YES), (IMPOSSIBLE, ANSWER_NO)])
def test_the_operator_driver_waits_on_the_clerks_answer(
    store: CampaignStore, tmp_path: Path, state: str, answer: str
) -> None:
    driver, _ = _driver(store, tmp_path)
    helper = _answer_later(store, state)
    attestation = driver.attest("Hệ thống đã chặn, không cho gửi văn bản mật qua trục?")
    helper.join()
    assert attestation.answer == answer
    assert attestation.operator == "Lê Minh Tuấn" and attestation.note == "ghi chú của văn thư"
    (task,) = TaskStore(store).tasks(1)
    assert task.kind == ATTESTATION and task.state == state and task.scenario_id == "RT-11"
    (note,) = store.attestations(1, ORGAN)
    assert note.passed is (state == DONE) and note.who == "Lê Minh Tuấn"
    assert (tmp_path / "log.jsonl").read_text(encoding="utf-8").count("\n") == 1


def test_an_unanswered_task_expires_and_counts_as_no_answer(store: CampaignStore, tmp_path: Path) -> None:
    driver, _ = _driver(store, tmp_path, timeout=0.6)
    attestation = driver.attest("Sổ văn bản đến chỉ có một bản?")
    assert attestation.answer == ANSWER_NONE
    (task,) = TaskStore(store).tasks(1)
    assert task.state == EXPIRED
    with pytest.raises(StoreError, match="quá hạn"):
        TaskStore(store).answer(task.id, state=DONE, who="Muộn")


def test_an_instruction_marked_impossible_ends_the_wait(store: CampaignStore, tmp_path: Path) -> None:
    from harness.backchannel.models import SendRequest

    driver, _ = _driver(store, tmp_path)
    driver.send_document(SendRequest(doc_type="Công văn", recipients=["000.00.00.H41"]))
    assert driver.abandoned() is None
    (task,) = TaskStore(store).tasks(1)
    assert "Công văn" in task.title and "000.00.00.H41" in task.expect_vi
    TaskStore(store).answer(task.id, state=IMPOSSIBLE, who="Lê Minh Tuấn", note="hệ thống lỗi khi ký")
    reason = driver.abandoned()
    assert reason is not None and "không thực hiện được" in reason and "hệ thống lỗi khi ký" in reason


def test_live_marks_are_cleared_when_the_result_is_recorded(store: CampaignStore, tmp_path: Path) -> None:
    result = data.results(tmp_path)[0]
    mark_running(store, 1, result.agency, result.scenario_id, result.name, result.attempt)
    token = store.change_token(1)
    assert running(store, 1) == {(result.agency, result.scenario_id)}
    store.record(result, 1)
    assert running(store, 1) == set() and store.change_token(1) != token
    mark_running(store, 1, result.agency, result.scenario_id, result.name, 2)
    clear_running(store, 1)
    assert running(store, 1) == set()


def test_issued_appendices_are_found_by_code_as_typed(store: CampaignStore, tmp_path: Path) -> None:
    record_issued(
        store, code="LT-ABCD-EFGH-2345-6723", kind="phu-luc", round_number=1, organ_id=ORGAN,
        pdf_sha256="a" * 64, pdf_path=tmp_path / "p.pdf",
    )  # fmt: skip
    record_issued(
        store, code="LT-ABCD-EFGH-2345-6723", kind="phu-luc", round_number=1, organ_id=ORGAN,
        pdf_sha256="a" * 64, pdf_path=tmp_path / "p.pdf",
    )  # fmt: skip
    (found,) = issued_by_code(store, "lt abcd efgh 2345 6723")
    assert found.organ_id == ORGAN and found.pdf_sha256 == "a" * 64
    assert latest_issued(store, 1, ORGAN) == found
    assert issued_by_code(store, "LT-0000") == []
