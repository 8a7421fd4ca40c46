"""The trial campaign store: results round trip, idempotence, resume, statements, attestations, threads, schema."""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from harness.edxml.formats import ICT
from harness.scenarios.results import Issue, Outcome, ScenarioResult, StepRecord
from harness.trial.catalogue import RUN_TESTS
from harness.trial.expected import expected_scenarios
from harness.trial.statement import Issuer, ItemOutcome, RosterEntry, TrialRound
from harness.trial.store import SCHEMA_VERSION, CampaignStore, StoreError

FINANCE = "000.00.07.H41"
HOME_AFFAIRS = "000.00.05.H41"
ROSTER = [
    RosterEntry(FINANCE, "Sở Tài chính tỉnh Nghệ An", "Công ty TNHH Công nghệ C", "VanThu-C 2.4", "Phạm Thu Hà", 25),
    RosterEntry(HOME_AFFAIRS, "Sở Nội vụ tỉnh Nghệ An", "Công ty Cổ phần Giải pháp Số B", "eOffice-B 4.8"),
]
ROUND = TrialRound(1, "Đợt 1", datetime(2026, 12, 15, 17, 0, tzinfo=ICT), "Công văn số 451/STTTT-CNTT")
EXPECTED = expected_scenarios()
T0 = datetime(2026, 12, 1, 8, 0, tzinfo=ICT)


def result(
    organ: str,
    scenario_id: str,
    name: str,
    outcome: Outcome = Outcome.PASSED,
    attempt: int = 1,
    minutes: int = 0,
    message: str = "",
) -> ScenarioResult:
    return ScenarioResult(
        scenario_id=scenario_id,
        name=name,
        agency=organ,
        driver="simulated",
        outcome=outcome,
        attempt=attempt,
        tags=[scenario_id, "mandatory"],
        started=(T0 + timedelta(minutes=minutes)).isoformat(timespec="seconds"),
        seconds=1.5,
        message_vi=message,
    )


def all_mandatory(organ: str, *, attempt: int = 1, minutes: int = 0) -> list[ScenarioResult]:
    return [
        result(organ, t.test_id, name, attempt=attempt, minutes=minutes)
        for t in RUN_TESTS
        if t.mandatory
        for name in sorted(EXPECTED[t.test_id])
    ]


@pytest.fixture
def store(tmp_path: Path) -> Iterator[CampaignStore]:
    opened = CampaignStore.open(tmp_path / "trial" / "campaign.db")
    opened.import_roster(ROSTER)
    opened.add_round(ROUND)
    yield opened
    opened.close()


def test_results_round_trip_with_steps_issues_and_evidence(store: CampaignStore) -> None:
    original = result(FINANCE, "RT-05", "Từ chối tiếp nhận có lý do", Outcome.FAILED, message="Thiếu lý do từ chối")
    original.steps = [StepRecord("Khi", "hệ thống trả trạng thái 02", Outcome.FAILED, 0.4, "không có lý do")]
    original.issues = [Issue("RT-05", "Trạng thái 02 không có lý do", "/edXML/Status")]
    original.evidence = ["/tmp/journal.jsonl"]
    original.attestations = [{"who": "Nguyễn Văn A", "note": "đã xem"}]
    store.record(original, 1)
    (back,) = store.results(1)
    assert back == original and back.to_json() == original.to_json()
    assert store.results(1, HOME_AFFAIRS) == [] and store.results(2) == []


def test_record_is_idempotent_and_replaces_the_same_attempt(store: CampaignStore) -> None:
    first = result(FINANCE, "RT-01", "Hệ thống xác thực với trục bằng thông tin được cấp", Outcome.ERROR)
    store.record(first, 1)
    store.record(first, 1)
    assert len(store.results(1)) == 1
    fixed = result(FINANCE, "RT-01", first.name, Outcome.PASSED)
    store.record(fixed, 1)
    assert [r.outcome for r in store.results(1)] == [Outcome.PASSED]
    store.record(result(FINANCE, "RT-01", first.name, Outcome.FAILED, attempt=2), 1)
    store.record(result(FINANCE, "RT-01", first.name, Outcome.FAILED), 2)
    assert [(r.attempt, r.outcome) for r in store.results(1)] == [(1, Outcome.PASSED), (2, Outcome.FAILED)]
    assert len(store.results(2)) == 1


def test_resume_skips_finished_and_retries_harness_errors(store: CampaignStore) -> None:
    a, b, c, d = ("RT-03", "một"), ("RT-03", "nhiều"), ("RT-04", "nhận"), ("RT-12", "lỗi")
    assert store.done(1, FINANCE) == set()
    assert store.next_attempt(1, FINANCE, *a) == 1
    store.record(result(FINANCE, *a, Outcome.PASSED), 1)
    store.record(result(FINANCE, *b, Outcome.FAILED), 1)
    store.record(result(FINANCE, *c, Outcome.ERROR), 1)
    store.record(result(FINANCE, *d, Outcome.NOT_RUN), 1)
    assert store.done(1, FINANCE) == {a, b}
    assert store.next_attempt(1, FINANCE, *c) == 2
    store.record(result(FINANCE, *c, Outcome.PASSED, attempt=2), 1)
    assert store.done(1, FINANCE) == {a, b, c}
    # A later harness error makes a scenario pending again, whatever came before.
    store.record(result(FINANCE, *a, Outcome.ERROR, attempt=2), 1)
    assert store.done(1, FINANCE) == {b, c}
    assert store.next_attempt(1, FINANCE, *a) == 3
    # Rounds and agencies are separate.
    assert store.done(2, FINANCE) == set() and store.done(1, HOME_AFFAIRS) == set()
    assert store.next_attempt(2, FINANCE, *a) == 1
    assert store.next_attempts(1, FINANCE) == {a: 3, b: 2, c: 3, d: 2}, "a whole lane's in one query"
    assert store.next_attempts(2, HOME_AFFAIRS) == {}


def test_statement_complete_only_when_every_mandatory_latest_run_passed(store: CampaignStore) -> None:
    assert not store.statement(1, FINANCE, EXPECTED).complete
    for r in all_mandatory(FINANCE):
        store.record(r, 1)
    statement = store.statement(1, FINANCE, EXPECTED)
    assert statement.complete and statement.complete_vi == "Hoàn thành"
    assert statement.item("RT-08").outcome is ItemOutcome.NOT_RUN  # optional: does not block completion
    assert statement.completed_at is not None and statement.completed_at < ROUND.deadline  # type: ignore[operator]
    assert not statement.late

    name = sorted(EXPECTED["RT-07"])[0]
    store.record(result(FINANCE, "RT-07", name, Outcome.FAILED, attempt=2, minutes=10, message="Chấp nhận gói"), 1)
    broken = store.statement(1, FINANCE, EXPECTED)
    assert not broken.complete and broken.item("RT-07").outcome is ItemOutcome.FAILED
    assert "Chấp nhận gói" in broken.item("RT-07").reason_vi and broken.item("RT-07").attempts == 7

    store.record(result(FINANCE, "RT-07", name, Outcome.PASSED, attempt=3, minutes=20), 1)
    fixed = store.statement(1, FINANCE, EXPECTED)
    assert fixed.complete and fixed.item("RT-07").outcome is ItemOutcome.PASSED
    assert fixed.completed_at == T0 + timedelta(minutes=20, seconds=1.5)


def test_statements_cover_the_roster_in_order_and_report_late_agencies(store: CampaignStore) -> None:
    for r in all_mandatory(HOME_AFFAIRS):
        store.record(r, 1)
    statements = store.statements(1, EXPECTED)
    assert [s.agency.organ_id for s in statements] == [FINANCE, HOME_AFFAIRS]
    assert [s.complete for s in statements] == [False, True]
    assert statements[0].item("RT-01").outcome_vi == "Chưa thực hiện"
    store.add_round(TrialRound(1, "Đợt 1", datetime(2020, 1, 1, tzinfo=ICT)))
    late = store.statements(1, EXPECTED)
    assert [s.late for s in late] == [True, True]  # incomplete past the deadline; completed after it
    with pytest.raises(StoreError, match="Chưa có đợt chạy thử số 9"):
        store.statements(9, EXPECTED)
    with pytest.raises(StoreError, match="không có trong danh sách"):
        store.statement(1, "000.00.99.H99", EXPECTED)


def test_attestations_copy_files_with_sha256_and_can_fail_an_item(store: CampaignStore, tmp_path: Path) -> None:
    evidence = tmp_path / "ảnh chụp màn hình.png"
    evidence.write_bytes(b"\x89PNG fake screenshot")
    digest = hashlib.sha256(evidence.read_bytes()).hexdigest()
    at = datetime(2026, 12, 2, 9, 30, tzinfo=ICT)
    made = store.attest(
        1, FINANCE, "RT-08", who="Phạm Thu Hà", note="Thu hồi thủ công", files=[evidence], passed=False, at=at
    )
    evidence.write_bytes(b"changed afterwards")
    (copy,) = made.files
    assert Path(copy).read_bytes() == b"\x89PNG fake screenshot"
    assert Path(copy).is_relative_to(tmp_path / "trial" / "files")
    assert made.digests == (digest,) and made.passed is False
    later = at + timedelta(hours=1)
    store.attest(1, HOME_AFFAIRS, "RT-04", who="Hoàng Văn Nam", note="Kiểm tra hộp thư 3 lần/buổi", at=later)

    (back,) = store.attestations(1, FINANCE)
    assert back == made and back.at == at
    assert [a.organ_id for a in store.attestations(1)] == [FINANCE, HOME_AFFAIRS]
    assert store.attestations(2) == []
    item = store.statement(1, FINANCE, EXPECTED).item("RT-08")
    assert item.outcome is ItemOutcome.FAILED and item.reason_vi == "Thu hồi thủ công" and copy in item.evidence

    with pytest.raises(StoreError, match="Không đọc được tệp minh chứng"):
        store.attest(1, FINANCE, "RT-08", who="X", files=[tmp_path / "khong-co.pdf"])
    with pytest.raises(StoreError, match="không hợp lệ"):
        store.attest(1, FINANCE, "RT-99x", who="X")
    assert len(store.attestations(1)) == 2


def test_concurrent_recording_from_threads(tmp_path: Path) -> None:
    db = tmp_path / "threads.db"
    writer = CampaignStore.open(f"sqlite:///{db}")
    reader = CampaignStore.open(db)  # a second engine, as another process would have
    errors: list[BaseException] = []
    organs = [f"000.00.{i:02d}.H41" for i in range(1, 9)]

    def work(organ: str) -> None:
        try:
            for n in range(30):
                name = f"kịch bản {n}"
                writer.record(result(organ, "RT-10", name, Outcome.ERROR), 1)
                attempt = writer.next_attempt(1, organ, "RT-10", name)
                writer.record(result(organ, "RT-10", name, attempt=attempt), 1)
                writer.record(result(organ, "RT-10", name, attempt=attempt), 1)  # a retry of the same write
                reader.done(1, organ)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(organ,)) for organ in organs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(reader.results(1)) == 8 * 30 * 2
    assert all(len(reader.done(1, organ)) == 30 for organ in organs)
    with sqlite3.connect(db) as raw:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    writer.close()
    reader.close()


def test_reopening_keeps_everything_and_newer_schema_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    with CampaignStore.from_path(db) as store:
        store.import_roster(ROSTER)
        store.add_round(ROUND)
        store.record(result(FINANCE, "RT-01", "x"), 1)
        assert store.schema_version() == SCHEMA_VERSION
    with CampaignStore.open(str(db)) as store:
        assert store.roster() == ROSTER and store.rounds() == [ROUND] and len(store.results(1)) == 1
        assert store.round(1) == ROUND and store.round(2) is None
    with sqlite3.connect(db) as raw:
        raw.execute("UPDATE lienthong_meta SET value = ? WHERE key = 'schema_version'", (str(SCHEMA_VERSION + 1),))
    with pytest.raises(StoreError) as refused:
        CampaignStore.open(db)
    assert f"phiên bản {SCHEMA_VERSION + 1}" in refused.value.message_vi
    assert "lienthong mới hơn" in refused.value.message_vi


def test_bad_targets_are_store_errors(tmp_path: Path) -> None:
    junk = tmp_path / "roster.csv"
    junk.write_text("Mã định danh,Tên cơ quan\n" * 200, encoding="utf-8")
    with pytest.raises(StoreError, match="Lỗi cơ sở dữ liệu"):
        CampaignStore.open(junk)
    with pytest.raises(StoreError, match="thư mục"):
        CampaignStore.open(tmp_path)
    with pytest.raises(StoreError):
        CampaignStore.open("nosuchdialect://host/db")


def test_roster_upsert_keeps_order_and_replace_removes(store: CampaignStore) -> None:
    renamed = RosterEntry(FINANCE, "Sở Tài chính", paper_documents=None)
    vinh = RosterEntry("000.00.40.H41", "UBND thành phố Vinh")
    store.import_roster([vinh, renamed])
    assert [a.organ_id for a in store.roster()] == [FINANCE, HOME_AFFAIRS, vinh.organ_id]
    assert store.agency(FINANCE) == renamed and store.paper_documents(FINANCE) is None
    store.import_roster([vinh], replace=True)
    assert store.roster() == [vinh] and store.paper_documents(FINANCE) is None


def test_in_memory_store_exchange_stats_and_summary() -> None:
    with CampaignStore.open("sqlite://") as store:
        store.import_roster(ROSTER)
        store.add_round(ROUND)
        store.set_exchange(1, {(FINANCE, HOME_AFFAIRS): 3, (HOME_AFFAIRS, FINANCE): 2})
        store.set_exchange(1, {(FINANCE, HOME_AFFAIRS): 5})  # set, not add
        assert store.exchange(1) == {(FINANCE, HOME_AFFAIRS): 5, (HOME_AFFAIRS, FINANCE): 2}
        stats = store.stats(1)
        assert (stats[FINANCE].sent, stats[FINANCE].received, stats[FINANCE].paper) == (5, 2, 25)
        assert stats[FINANCE].share == pytest.approx(7 / 32)
        assert stats[HOME_AFFAIRS].paper is None
        issuer = Issuer("000.00.12.H41", "Sở Thông tin và Truyền thông tỉnh Nghệ An", "UBND TỈNH NGHỆ AN", "Nghệ An")
        summary = store.summary(1, EXPECTED, issuer)
        assert summary.round == ROUND and len(summary.statements) == 2 and summary.exchange == store.exchange(1)
        assert store.exchange(2) == {}
