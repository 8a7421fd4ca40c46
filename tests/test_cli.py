"""`lienthong validate`: exit codes, formats and robustness, run as a real process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import CORPUS


def lienthong(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "harness.cli", *args], capture_output=True, text=True, timeout=120)


def test_valid_files_exit_zero_with_vietnamese_table() -> None:
    proc = lienthong("validate", *map(str, sorted((CORPUS / "valid").glob("*.edxml"))))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "ĐẠT" in proc.stdout and "Không có phát hiện nào" in proc.stdout
    assert "9 đạt, 0 không đạt" in proc.stdout


def test_must_finding_exits_one_and_names_the_rule() -> None:
    proc = lienthong("validate", str(CORPUS / "invalid" / "EDX-13-future-date.edxml"))
    assert proc.returncode == 1
    assert "EDX-13" in proc.stdout and "KHÔNG ĐẠT" in proc.stdout


def test_should_finding_only_exits_zero() -> None:
    proc = lienthong("validate", "--format", "json", str(CORPUS / "invalid" / "EDX-22-uuid-document-id.edxml"))
    assert proc.returncode == 0
    (item,) = json.loads(proc.stdout)
    assert item["ok"] is True and [f["rule"] for f in item["findings"]] == ["EDX-22"]
    assert item["findings"][0]["level"] == "SHOULD"


def test_missing_file_exits_two_but_reports_the_others(tmp_path: Path) -> None:
    proc = lienthong(
        "validate", "--format", "json", str(tmp_path / "nope.edxml"), str(CORPUS / "valid" / "status-03.edxml")
    )
    assert proc.returncode == 2
    assert "không đọc được tệp" in proc.stderr
    assert len(json.loads(proc.stdout)) == 1


def test_usage_error_exits_two() -> None:
    assert lienthong("validate").returncode == 2
    assert lienthong("validate", "--format", "xml", "x").returncode == 2


def test_non_xml_file_is_a_finding_not_a_traceback(tmp_path: Path) -> None:
    junk = tmp_path / "anh.png"
    junk.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    text = tmp_path / "ghichu.txt"
    text.write_text("Đây không phải XML", encoding="utf-8")
    proc = lienthong("validate", "--format", "json", str(junk), str(text))
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    items = json.loads(proc.stdout)
    assert [f["rule"] for item in items for f in item["findings"]] == ["EDX-01", "EDX-01"]
    assert all(item["kind"] == "unknown" for item in items)


def test_strict_mode_refuses_stray_bytes() -> None:
    stray = str(CORPUS / "invalid" / "EDX-01-stray-bytes.edxml")
    lenient = json.loads(lienthong("validate", "--format", "json", stray).stdout)[0]
    strict = json.loads(lienthong("validate", "--format", "json", "--strict", stray).stdout)[0]
    assert lenient["kind"] == "edoc" and strict["kind"] == "unknown"
    assert "bỏ qua" in lenient["findings"][0]["message"] and "từ chối" in strict["findings"][0]["message"]


def test_sequence_option_runs_stateful_rules() -> None:
    folder = CORPUS / "invalid" / "EDX-46-no-arrival-status"
    proc = lienthong("validate", "--sequence", "--format", "json", *map(str, sorted(folder.iterdir())))
    assert proc.returncode == 1
    out = json.loads(proc.stdout)
    assert [f["rule"] for f in out["sequence"]] == ["EDX-46"]
    assert all(item["ok"] for item in out["files"])


def test_max_size_option(tmp_path: Path) -> None:
    proc = lienthong("validate", "--format", "json", "--max-size", "1000", str(CORPUS / "valid" / "edoc-new.edxml"))
    assert proc.returncode == 1
    (item,) = json.loads(proc.stdout)
    assert "vượt giới hạn 1,000 byte" in item["findings"][0]["message"]


def test_max_size_names_the_file_size_not_the_bytes_read(tmp_path: Path) -> None:
    big = tmp_path / "lon.edxml"
    big.write_bytes((CORPUS / "valid" / "edoc-new.edxml").read_bytes() + b" " * 5000)
    size = big.stat().st_size
    proc = lienthong("validate", "--format", "json", "--max-size", "1000", str(big))
    assert proc.returncode == 1
    (item,) = json.loads(proc.stdout)
    assert item["findings"][0]["rule"] == "EDX-01"
    assert f"{size:,} byte vượt giới hạn 1,000 byte" in item["findings"][0]["message"]


def test_devices_and_fifos_are_refused_without_reading(tmp_path: Path) -> None:
    """/dev/urandom never ends (its size is 0) and a FIFO with no writer blocks on open."""
    fifo = tmp_path / "ong.edxml"
    os.mkfifo(fifo)
    for target in ("/dev/urandom", str(fifo)):
        proc = lienthong("validate", target, str(CORPUS / "valid" / "edoc-new.edxml"))
        assert proc.returncode == 2, (target, proc.stderr)
        assert f"Lỗi: {target} không phải tệp thường" in proc.stderr
        assert "Traceback" not in proc.stderr
        assert "Đã kiểm tra 1 tệp: 1 đạt, 0 không đạt." in proc.stdout, "the other file is still checked"


def test_a_surrogate_reference_is_a_finding_not_a_traceback(tmp_path: Path) -> None:
    data = (CORPUS / "valid" / "edoc-new.edxml").read_bytes()
    at = data.index(b"<edXML:OrganName>") + len(b"<edXML:OrganName>")
    bad = tmp_path / "surrogate.edxml"
    bad.write_bytes(data[:at] + b"&#xD800;" + data[at:])
    proc = lienthong("validate", "--format", "json", str(bad))
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    (item,) = json.loads(proc.stdout)
    assert any(f["rule"] == "EDX-01" and "UTF-16" in f["message"] for f in item["findings"]), item
