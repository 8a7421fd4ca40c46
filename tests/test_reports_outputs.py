"""Workbook, HTML, JUnit and evidence bundles read back with independent readers (openpyxl, an HTML
parser, ElementTree, zipfile), and `render_all` surviving bad input."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
import xml.etree.ElementTree as ET
import zipfile
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from harness.pki import TestPki
from harness.reports import Manifest, render_all
from harness.reports.xlsx import SHEETS
from harness.scenarios.results import ScenarioResult
from harness.trial.statement import RosterEntry, TrialSummary, build_statement
from tests import reports_data as data


@dataclasses.dataclass
class Rendered:
    out: Path
    manifest: Manifest
    summary: TrialSummary
    runs: list[ScenarioResult]
    journals: dict[str, list[dict[str, Any]]]


@pytest.fixture(scope="module")
def pki() -> TestPki:
    return data.pki()


@pytest.fixture(scope="module")
def rendered(pki: TestPki, tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    base = tmp_path_factory.mktemp("reports")
    runs = data.results(base / "evidence")
    summary = data.summary(runs)
    journals: dict[str, list[dict[str, Any]]] = {}

    def journal_for(result: ScenarioResult) -> list[dict[str, Any]]:
        rows = [{"operation": "sendEdoc", "system": result.agency, "status": "OK", "scenario": result.name}]
        journals[result.name] = rows
        return rows

    manifest = render_all(summary, base / "out", pki=pki, runs=runs, journal_for=journal_for)
    assert manifest.ok, manifest.errors
    return Rendered(base / "out", manifest, summary, runs, journals)


def test_layout_and_manifest(rendered: Rendered) -> None:
    out = rendered.out
    for organ_id in (data.ON_TIME, data.LATE, data.FAILING):
        for name in (f"phu-luc-{organ_id}.docx", f"phu-luc-{organ_id}.pdf", f"junit-{organ_id}.xml"):
            assert (out / organ_id / name).is_file()
    for name in ("tong-hop.docx", "tong-hop.pdf", "ket-qua.xlsx", "bao-cao.html", "manifest.json"):
        assert (out / name).is_file()
    saved = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert saved["ok"] is True and saved["errors"] == []
    assert {f["path"] for f in saved["files"]} == {f.path for f in rendered.manifest.files}
    assert sorted(saved["codes"]) == sorted([data.ON_TIME, data.LATE, data.FAILING, "tong-hop"])
    assert not list(out.rglob("*.tmp"))


# ---------------------------------------------------------------------------------------------- XLSX


def test_workbook_sheets_and_cells(rendered: Rendered) -> None:
    wb = load_workbook(rendered.out / "ket-qua.xlsx")
    assert wb.sheetnames == list(SHEETS)
    summary = wb["Tổng hợp"]
    assert summary.freeze_panes == "A2" and summary["A1"].font.bold
    assert [c.value for c in summary[1]][:3] == ["STT", "Mã định danh", "Tên cơ quan"]
    failing = [c.value for c in summary[4]]
    assert failing[1] == data.FAILING and failing[5:9] == [9, 2, 1, "Chưa hoàn thành"]
    assert failing[10] == "Có" and str(failing[11]).startswith("LT-")
    on_time = [c.value for c in summary[2]]
    assert on_time[8] == "Hoàn thành" and on_time[9].strftime("%d/%m/%Y %H:%M") == "20/11/2026 10:22"  # type: ignore[union-attr]
    details = wb["Chi tiết"]
    assert details["B4"].value == "Sở Tài chính tỉnh Nghệ An" and details["D4"].value == "Không đạt"
    assert details["J4"].value == "Chưa thực hiện" and details["J1"].value == "RT-08 (khuyến nghị)"
    runs = wb["Lần chạy"]
    assert runs.max_row == 1 + len(rendered.runs)
    rows = [[c.value for c in r] for r in runs.iter_rows(min_row=2)]
    assert sum(1 for r in rows if r[0] == data.LATE and r[1] == "RT-07" and r[3] == 2) == 2
    assert any(r[4] == "Lỗi bộ kiểm thử" for r in rows)
    late = wb["Trễ hạn"]
    assert [late.cell(row=i, column=1).value for i in (2, 3)] == [data.LATE, data.FAILING]
    shares = wb["Tỷ lệ điện tử"]
    assert shares["G2"].value == pytest.approx(15 / 16) and shares["G2"].number_format == "0.0%"
    assert shares["F3"].value is None and shares["G3"].value == 1.0
    matrix = wb["Ma trận trao đổi"]
    assert matrix["B1"].value == data.ON_TIME and matrix["C2"].value == 7
    assert matrix.cell(row=6, column=1).value == "Tổng nhận" and matrix.cell(row=6, column=6).value == 17


# ---------------------------------------------------------------------------------------------- HTML


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _parse(html: str) -> _Collector:
    parser = _Collector()
    parser.feed(html)
    parser.close()
    return parser


def test_html_report_is_self_contained(rendered: Rendered) -> None:
    html = (rendered.out / "bao-cao.html").read_text(encoding="utf-8")
    parsed = _parse(html)
    names = {t for t, _ in parsed.tags}
    assert "script" not in names and "link" not in names and "img" not in names and "style" in names
    assert not any(k in ("src", "href") for _, attrs in parsed.tags for k in attrs)
    assert "http://" not in html and "https://" not in html and "@import" not in html
    text = " ".join(parsed.text)
    for expected in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Sở Tài chính tỉnh Nghệ An",
        "Chưa hoàn thành",
        "93,8%",
        "Tệp văn bản không có chữ ký số của cơ quan gửi.",
        rendered.manifest.codes["tong-hop"],
    ):
        assert expected in text, expected


def test_html_escapes_recorded_text(pki: TestPki, tmp_path: Path) -> None:
    hostile = RosterEntry("000.00.66.H41", 'Cơ quan <script>alert("x")</script> & "Sở"', "<b>vendor</b>")
    runs = data.results(tmp_path / "evidence")
    for r in runs:
        if r.agency == data.FAILING:
            r.agency = hostile.organ_id
    statement = build_statement(hostile, data.ROUND, runs, expected=data.EXPECTED)
    summary = dataclasses.replace(data.summary(runs), statements=[statement], exchange={}, stats={})
    manifest = render_all(summary, tmp_path / "out", pki=pki)
    html = (tmp_path / "out" / "bao-cao.html").read_text(encoding="utf-8")
    assert "<script>" not in html and "&lt;script&gt;" in html and "<b>vendor" not in html
    assert "Chưa có văn bản trao đổi trong đợt." in html
    assert manifest.ok, manifest.errors


# --------------------------------------------------------------------------------------------- JUnit


def test_junit_counts_and_cases(rendered: Rendered) -> None:
    root = ET.parse(rendered.out / data.FAILING / f"junit-{data.FAILING}.xml").getroot()
    (suite,) = root.findall("testsuite")
    assert suite.get("name") == f"{data.FAILING} Sở Tài chính tỉnh Nghệ An"
    cases = suite.findall("testcase")
    failures = [c for c in cases if c.find("failure") is not None]
    errors = [c for c in cases if c.find("error") is not None]
    skipped = [c for c in cases if c.find("skipped") is not None]
    assert (len(cases), len(failures), len(errors), len(skipped)) == (23, 1, 1, 1)
    for el in (suite, root):
        assert [el.get(k) for k in ("tests", "failures", "errors", "skipped")] == ["23", "1", "1", "1"]
    assert float(suite.get("time", "0")) == pytest.approx(sum(float(c.get("time", "0")) for c in cases))
    failure = failures[0]
    assert failure.get("classname") == "RT-02" and failure.get("name") == "Kịch bản RT-02 số 1"
    assert failure.find("failure").get("message") == data.FAIL_REASON  # type: ignore[union-attr]
    assert "[SIG-04] Không có chữ ký số của cơ quan. (vanban.pdf)" in (failure.find("failure").text or "")  # type: ignore[union-attr]
    assert errors[0].get("classname") == "RT-12" and skipped[0].get("classname") == "RT-08"
    clean = ET.parse(rendered.out / data.ON_TIME / f"junit-{data.ON_TIME}.xml").getroot().find("testsuite")
    assert clean is not None and clean.get("failures") == "0" and clean.get("tests") == "25"  # 24 runs + attestation


# ------------------------------------------------------------------------------------------- bundles


def test_evidence_bundles_of_failed_scenarios(rendered: Rendered) -> None:
    bundles = rendered.manifest.paths("bundle", data.FAILING)
    assert sorted(p.name for p in bundles) == [
        "RT-02-kich-ban-rt-02-so-1-lan-1.zip",
        "RT-12-kich-ban-rt-12-so-2-lan-1.zip",
    ]
    assert rendered.manifest.paths("bundle", data.ON_TIME) == []
    with zipfile.ZipFile(rendered.out / data.FAILING / "minh-chung" / "RT-02-kich-ban-rt-02-so-1-lan-1.zip") as zf:
        assert zf.testzip() is None
        names = set(zf.namelist())
        assert names == {
            "tom-tat.txt",
            "phat-hien.json",
            "nhat-ky.json",
            f"minh-chung/{data.FAILING}-RT-02-goi-tin.edxml",
        }
        assert zf.read(f"minh-chung/{data.FAILING}-RT-02-goi-tin.edxml") == b"<edXML>...</edXML>"
        findings = json.loads(zf.read("phat-hien.json"))
        assert findings["issues"] == [
            {"rule": "SIG-04", "message_vi": "Không có chữ ký số của cơ quan.", "location": "vanban.pdf"}
        ]
        assert findings["steps"][0]["outcome"] == "failed"
        assert findings["evidence"]["missing"][0].endswith("missing-journal.jsonl")
        assert json.loads(zf.read("nhat-ky.json")) == rendered.journals["Kịch bản RT-02 số 1"]
        summary = zf.read("tom-tat.txt").decode("utf-8")
        assert "Kết quả: Không đạt" in summary and "Tệp minh chứng không tìm thấy" in summary
        assert "Bắt đầu: 20/11/2026 10:41 (chạy 12,5 giây)" in summary
    with zipfile.ZipFile(rendered.out / data.FAILING / "minh-chung" / "RT-12-kich-ban-rt-12-so-2-lan-1.zip") as zf:
        assert "RuntimeError: trục" in zf.read("loi-bo-kiem-thu-1.txt").decode("utf-8")  # the kept traceback


# --------------------------------------------------------------------------------------- bad input


def test_one_broken_agency_does_not_stop_the_others(pki: TestPki, tmp_path: Path) -> None:
    runs = data.results(tmp_path / "evidence")
    summary = data.summary(runs)
    broken = summary.statements[0]
    broken.items[0].ran_at = "không phải thời điểm"  # type: ignore[assignment]
    duplicate = data.statements(runs)[1]
    summary.statements.append(duplicate)
    summary.statements[2].agency = dataclasses.replace(summary.statements[2].agency, name="Sở Tài chính\x00\x07 tỉnh")
    manifest = render_all(summary, tmp_path / "out", pki=pki, runs=runs)
    assert not manifest.ok
    messages = [(e.output, e.organ_id, e.message_vi) for e in manifest.errors]
    assert [(o, i) for o, i, _ in messages] == [("agency", data.ON_TIME), ("agency", data.LATE)]
    assert messages[0][2].startswith(f"Không tạo được phụ lục cho cơ quan {data.ON_TIME}:")
    assert "mã định danh trùng" in messages[1][2]
    assert not (tmp_path / "out" / data.ON_TIME).exists()
    for organ_id in (data.LATE, data.FAILING):
        assert (
            len(manifest.paths("appendix-pdf", organ_id)) == 1 and len(manifest.paths("appendix-docx", organ_id)) == 1
        )
    for kind in ("summary-docx", "summary-pdf", "xlsx", "html"):
        assert len(manifest.paths(kind)) == 1, kind
    html = (tmp_path / "out" / "bao-cao.html").read_text(encoding="utf-8")
    assert f"Không lập được phụ lục của cơ quan {data.ON_TIME}" in html and "Sở Tài chính tỉnh" in html
    saved = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert saved["ok"] is False and len(saved["errors"]) == 2


def test_issuer_without_certificate_still_gets_the_editable_files(pki: TestPki, tmp_path: Path) -> None:
    runs = data.results(tmp_path / "evidence")
    summary = data.summary(runs)
    summary.issuer = dataclasses.replace(summary.issuer, organ_id="000.00.99.H99")
    summary.statements = summary.statements[:1]
    manifest = render_all(summary, tmp_path / "out", pki=pki)
    assert {(e.output, e.organ_id) for e in manifest.errors} == {("appendix-pdf", data.ON_TIME), ("summary-pdf", None)}
    assert all("Không có chứng thư số của cơ quan ban hành 000.00.99.H99" in e.message_vi for e in manifest.errors)
    assert manifest.paths("appendix-docx", data.ON_TIME) and manifest.paths("xlsx") and manifest.paths("html")
    assert not manifest.paths("appendix-pdf")


def test_the_reports_package_loads_a_writer_only_when_it_is_used() -> None:
    """The console formats percentages and checks codes with harness.reports; importing it must not start
    python-docx, openpyxl and the report signer (1.7 s of the console's 3.1 s start), and every name the
    package offers still resolves."""
    probe = (
        "import sys, harness.reports.text, harness.reports.verification, harness.reports as r\n"
        "heavy = sorted(m for m in ('docx', 'openpyxl', 'harness.reports.pdf_sign', 'harness.reports.render') "
        "if m in sys.modules)\n"
        "assert not heavy, heavy\n"
        "assert all(getattr(r, n) is not None for n in r.__all__)\n"
        "assert 'docx' in sys.modules and r.render_all.__module__ == 'harness.reports.render'\n"
    )
    subprocess.run([sys.executable, "-c", probe], check=True, cwd=Path(__file__).resolve().parents[1])
