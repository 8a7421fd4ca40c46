"""The operator driver: instructions a clerk can follow, and attestations that never block forever."""

from __future__ import annotations

import io
import json
import os
import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

import pytest

from harness.backchannel.models import Action, SendRequest
from harness.drivers.base import Command, Driver
from harness.drivers.operator import ANSWER_NO, ANSWER_NONE, ANSWER_YES, OperatorDriver

SUT = "000.00.05.H41"
SUT_NAME = "Sở Tư pháp tỉnh Thanh Hóa"
HEALTH = "000.00.12.H41"
HEALTH_NAME = "Sở Y tế tỉnh Thanh Hóa"
MINISTRY = "000.00.00.G06"
MINISTRY_NAME = "Bộ Nội vụ"
UNKNOWN = "000.00.99.H41"
AGENCIES = {HEALTH: HEALTH_NAME, MINISTRY: MINISTRY_NAME}
INCOMING = f"{HEALTH},2025/03/07,123/QĐ-SYT"
OUTGOING = f"{SUT},2025/03/08,45/CV-STP"


def make_driver(
    tmp_path: Path, inp: TextIO | None = None, timeout: float | None = 5.0
) -> tuple[OperatorDriver, io.StringIO]:
    out = io.StringIO()
    driver = OperatorDriver(
        SUT,
        SUT_NAME,
        "Nguyễn Thị Lan",
        out=out,
        inp=inp,
        log_path=tmp_path / "logs" / "attestations.jsonl",
        agencies=AGENCIES,
        answer_timeout=timeout,
    )
    return driver, out


def last_block(out: io.StringIO) -> str:
    return out.getvalue().rsplit("══ Bước", 1)[-1]


def assert_instructed(command: Command) -> None:
    assert command.accepted and command.instructed_only
    assert command.document_id is None and command.status_code is None


# -- instructions ---------------------------------------------------------------------------------


def test_send_names_recipients_priority_and_signatures(tmp_path: Path) -> None:
    driver, out = make_driver(tmp_path)
    request = SendRequest("Quyết định", [HEALTH, MINISTRY, UNKNOWN], priority="3", appendices=2, subject="Về việc X")
    assert_instructed(driver.send_document(request))
    text = out.getvalue()
    assert "Bước 1" in text and f"{SUT_NAME} ({SUT})" in text
    assert '"Văn bản đi"' in text and "Loại văn bản: Quyết định" in text
    assert f"{HEALTH_NAME} (mã {HEALTH})" in text and f"{MINISTRY_NAME} (mã {MINISTRY})" in text
    assert f"mã {UNKNOWN}" in text
    assert "Độ khẩn: Hỏa tốc (mã 3)" in text and "HỎA TỐC" in text
    assert "Trích yếu: Về việc X" in text and "2 phụ lục" in text
    assert "chữ ký người có thẩm quyền" in text and "chữ ký cơ quan" in text
    assert "Gửi" in text and f"{HEALTH}, {MINISTRY}, {UNKNOWN}" in text
    assert driver.instructions[0].number == 1 and driver.instructions[0].text in text


@pytest.mark.parametrize(
    ("priority", "name"),
    [("0", "Thường"), ("1", "Khẩn"), ("2", "Thượng khẩn"), ("3", "Hỏa tốc"), ("4", "Hỏa tốc hẹn giờ")],
)
def test_priority_words(tmp_path: Path, priority: str, name: str) -> None:
    driver, out = make_driver(tmp_path)
    driver.send_document(SendRequest("Công điện", [HEALTH], priority=priority))
    assert f"Độ khẩn: {name} (mã {priority})" in out.getvalue()
    assert ("HỎA TỐC" in out.getvalue()) is (priority in ("3", "4"))


def test_secret_document_must_be_blocked(tmp_path: Path) -> None:
    driver, out = make_driver(tmp_path)
    assert_instructed(driver.send_document(SendRequest("Công văn", [HEALTH], secret=True)))
    text = out.getvalue()
    assert "MẬT" in text and "THỬ gửi" in text and "CHẶN" in text
    assert f"{HEALTH_NAME} (mã {HEALTH})" in text
    assert "không có gói tin nào" in text


@pytest.mark.parametrize(("business", "verb"), [("1", "THU HỒI"), ("2", "CẬP NHẬT"), ("3", "THAY THẾ")])
def test_business_documents_name_the_original(tmp_path: Path, business: str, verb: str) -> None:
    driver, out = make_driver(tmp_path)
    driver.send_document(SendRequest("Công văn", [HEALTH], business_type=business, reference=OUTGOING))
    text = out.getvalue()
    assert f"văn bản {verb}" in text and "45/CV-STP" in text and "08/03/2025" in text and OUTGOING in text


@pytest.mark.parametrize(
    ("action", "words", "code"),
    [
        (Action.ACCEPT, ['"Tiếp nhận"'], "03"),
        (Action.REJECT, ['"Từ chối"', "«Sai thẩm quyền»"], "02"),
        (Action.ASSIGN, ['"Phân công"'], "04"),
        (Action.PROCESS, ['"Đang xử lý"'], "05"),
        (Action.COMPLETE, ['"Hoàn thành"'], "06"),
        (Action.AGREE, ["«Đồng ý»", "thu hồi / cập nhật / thay thế"], "15"),
        (Action.REFUSE, ["«Từ chối»", "thu hồi / cập nhật / thay thế"], "16"),
    ],
)
def test_actions_on_received_documents(tmp_path: Path, action: Action, words: list[str], code: str) -> None:
    driver, out = make_driver(tmp_path)
    reason = "Sai thẩm quyền" if action is Action.REJECT else ""
    assert_instructed(driver.act(INCOMING, HEALTH, action, reason))
    text = out.getvalue()
    assert '"Văn bản đến"' in text
    assert "123/QĐ-SYT" in text and "07/03/2025" in text and INCOMING in text
    assert f"{HEALTH_NAME} (mã {HEALTH})" in text
    for word in words:
        assert word in text
    assert f"trạng thái {code}" in text


def test_reject_without_reason_still_gives_one(tmp_path: Path) -> None:
    driver, out = make_driver(tmp_path)
    driver.act(INCOMING, HEALTH, Action.REJECT)
    assert re.search(r"nhập lý do:\n  «.+»", out.getvalue())


def test_unparsable_document_id_is_shown_as_is(tmp_path: Path) -> None:
    driver, out = make_driver(tmp_path)
    driver.act("abc-123", HEALTH, Action.ACCEPT)
    assert "«abc-123»" in out.getvalue() and f"(mã {HEALTH})" in out.getvalue()


def test_recall_and_numbering(tmp_path: Path) -> None:
    driver, out = make_driver(tmp_path)
    driver.act(INCOMING, HEALTH, Action.ACCEPT)
    assert_instructed(driver.recall(OUTGOING, "Ban hành nhầm"))
    block = last_block(out)
    assert block.startswith(" 2 · Thu hồi")
    assert '"Văn bản đi"' in block and '"Thu hồi"' in block and "«Ban hành nhầm»" in block
    assert "45/CV-STP" in block and f"{SUT_NAME} (mã {SUT})" in block and "13" in block
    assert [i.number for i in driver.instructions] == [1, 2]


def test_operator_cannot_see_registers(tmp_path: Path) -> None:
    driver: Driver = make_driver(tmp_path)[0]  # mypy checks the protocol
    assert driver.name == "operator"
    assert driver.received() is None and driver.received(INCOMING, HEALTH) is None and driver.sent() is None


def test_announce_wait(tmp_path: Path) -> None:
    driver, out = make_driver(tmp_path)
    deadline = driver.announce_wait(f"trạng thái 03 của {HEALTH}", 300)
    text = out.getvalue()
    assert f"Đang chờ trên trục: trạng thái 03 của {HEALTH}" in text
    assert f"{deadline:%H:%M:%S}" in text and "5 phút" in text
    driver.announce_wait("gói tin", 45)
    assert "45 giây" in out.getvalue()


# -- attestations ---------------------------------------------------------------------------------


@pytest.mark.parametrize("word", ["đạt", "dat", "Đạt", "có", "yes", "Y", " y "])
def test_attest_yes(tmp_path: Path, word: str) -> None:
    driver, _ = make_driver(tmp_path, io.StringIO(f"{word}\n\n\n"))
    result = driver.attest("Hệ thống chặn văn bản mật?")
    assert result.answer == ANSWER_YES and result.note == "" and result.files == []


@pytest.mark.parametrize("word", ["không đạt", "không", "no", "n", "N", "khong"])
def test_attest_no(tmp_path: Path, word: str) -> None:
    driver, _ = make_driver(tmp_path, io.StringIO(f"{word}\n\n\n"))
    assert driver.attest("Bước thủ công").answer == ANSWER_NO


def test_attest_decomposed_unicode(tmp_path: Path) -> None:
    """A terminal sending NFD (decomposed) Vietnamese is understood."""
    import unicodedata

    driver, _ = make_driver(tmp_path, io.StringIO(unicodedata.normalize("NFD", "không đạt") + "\n\n\n"))
    assert driver.attest("Bước").answer == ANSWER_NO


def test_attest_reasks_then_accepts(tmp_path: Path) -> None:
    driver, out = make_driver(tmp_path, io.StringIO("ok\nhmm\nđạt\nĐã chụp màn hình\n\n"))
    result = driver.attest("Sổ văn bản đến có một mục?")
    assert result.answer == ANSWER_YES and result.note == "Đã chụp màn hình"
    assert out.getvalue().count("Chưa hiểu câu trả lời") == 2


def test_attest_gives_up_after_three_reasks(tmp_path: Path) -> None:
    driver, out = make_driver(tmp_path, io.StringIO("a\nb\nc\nd\nđạt\n"))
    result = driver.attest("Bước")
    assert result.answer == ANSWER_NONE and "«d»" in result.note
    assert out.getvalue().count("Chưa hiểu câu trả lời") == 3


def test_attest_note_and_evidence_file(tmp_path: Path) -> None:
    evidence = tmp_path / "man hinh.png"
    evidence.write_bytes(b"png")
    driver, _ = make_driver(tmp_path, io.StringIO(f"không đạt\nHệ thống vẫn gửi văn bản mật\n{evidence}\n"))
    result = driver.attest("Văn bản mật bị chặn?")
    assert result.answer == ANSWER_NO and result.note == "Hệ thống vẫn gửi văn bản mật"
    assert result.files == [str(evidence.resolve())]
    assert evidence.read_bytes() == b"png"  # recorded, never copied or moved
    assert [p.name for p in (tmp_path / "logs").iterdir()] == ["attestations.jsonl"]


def test_attest_missing_file_is_asked_again(tmp_path: Path) -> None:
    evidence = tmp_path / "bang-chung.pdf"
    evidence.write_bytes(b"%PDF")
    driver, out = make_driver(tmp_path, io.StringIO(f"đạt\n\n{tmp_path / 'khong-co.pdf'}\n'{evidence}'\n"))
    result = driver.attest("Bước")
    assert "Không tìm thấy tệp" in out.getvalue()
    assert result.files == [str(evidence.resolve())]


def test_attest_missing_file_can_be_skipped(tmp_path: Path) -> None:
    driver, _ = make_driver(tmp_path, io.StringIO("đạt\nghi chú\n/khong/co/tep\n\n"))
    result = driver.attest("Bước")
    assert result.answer == ANSWER_YES and result.files == []


def test_attest_without_input(tmp_path: Path) -> None:
    driver, _ = make_driver(tmp_path, None)
    assert driver.attest("Bước").answer == ANSWER_NONE


def test_attest_at_end_of_input(tmp_path: Path) -> None:
    driver, _ = make_driver(tmp_path, io.StringIO(""))
    assert driver.attest("Bước 1").answer == ANSWER_NONE
    assert driver.attest("Bước 2").answer == ANSWER_NONE


def test_attest_eof_after_answer_keeps_answer(tmp_path: Path) -> None:
    driver, _ = make_driver(tmp_path, io.StringIO("đạt"))
    result = driver.attest("Bước")
    assert result.answer == ANSWER_YES and result.note == "" and result.files == []


@pytest.fixture
def pipe() -> Iterator[tuple[TextIO, TextIO]]:
    """A stream nobody writes to until the test says so (a clerk away from the keyboard)."""
    read_fd, write_fd = os.pipe()
    reader = os.fdopen(read_fd, "r", encoding="utf-8")
    writer = os.fdopen(write_fd, "w", encoding="utf-8")
    yield reader, writer
    writer.close()  # EOF lets the driver's reader thread end
    time.sleep(0.05)
    reader.close()


def test_attest_timeout_and_late_answer(tmp_path: Path, pipe: tuple[TextIO, TextIO]) -> None:
    reader, writer = pipe
    driver, out = make_driver(tmp_path, reader, timeout=0.2)
    started = time.monotonic()
    assert driver.attest("Bước 1").answer == ANSWER_NONE
    assert time.monotonic() - started < 2

    writer.write("đạt\n")  # the late answer to the first question
    writer.flush()
    deadline = time.monotonic() + 2
    while driver._lines.qsize() == 0 and time.monotonic() < deadline:
        time.sleep(0.01)

    results = []
    thread = threading.Thread(target=lambda: results.append(driver.attest("Bước 2")))
    thread.start()
    while "Xác nhận 2" not in out.getvalue() and time.monotonic() < deadline:
        time.sleep(0.01)
    writer.write("không đạt\n\n\n")
    writer.flush()
    thread.join(timeout=3)
    assert results and results[0].answer == ANSWER_NO, "the late answer must not answer the next question"


def test_attestation_log(tmp_path: Path) -> None:
    evidence = tmp_path / "anh.png"
    evidence.write_bytes(b"x")
    driver, _ = make_driver(tmp_path, io.StringIO(f"đạt\nghi chú một\n{evidence}\nkhông\n\n\n"))
    first = driver.attest("Văn bản mật bị chặn")
    second = driver.attest("Sổ đến có một mục")
    third = driver.attest("Không ai trả lời")
    rows = [json.loads(line) for line in driver.log_path.read_text(encoding="utf-8").splitlines()]
    assert [r["answer"] for r in rows] == ["đạt", "không đạt", "không trả lời"]
    assert rows[0] == {
        "operator": "Nguyễn Thị Lan",
        "organ_id": SUT,
        "agency": SUT_NAME,
        "step": "Văn bản mật bị chặn",
        "answer": "đạt",
        "at": first.at.isoformat(timespec="seconds"),
        "note": "ghi chú một",
        "files": [str(evidence.resolve())],
    }
    assert rows[1]["step"] == "Sổ đến có một mục" and rows[1]["note"] == "" and rows[1]["files"] == []
    assert first.at.tzinfo is not None and second.at >= first.at and third.operator == "Nguyễn Thị Lan"
    assert driver.attestations == [first, second, third]
    assert "đạt" in driver.log_path.read_text(encoding="utf-8")  # UTF-8, not \\u escapes
