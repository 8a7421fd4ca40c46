"""`lienthong demo` on the demo province (run once per session by the `demo_trial` fixture): every
roster agency gets its DOCX and signed PDF appendix and its JUnit file, and the round its summary,
XLSX workbook and HTML report; each is opened with an independent reader."""

from __future__ import annotations

import re
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from harness.scenarios.world import pki_for_topology
from harness.trial.roster import read_roster
from simulators.topology import load_topology
from tests.conftest import REPO, DemoTrial, nss_database, pdfsig, require_tool

CONFORMANT = "000.00.12.H41"
NO_STATUS_01 = "000.00.07.H41"
NEVER_SIGNS = "000.00.05.H41"
ROSTER = REPO / "fixtures" / "rosters" / "demo.csv"
TOPOLOGY = REPO / "fixtures" / "topologies" / "demo.yaml"


def roster_ids() -> list[str]:
    return [e.organ_id for e in read_roster(ROSTER).entries]


def pdf_text(path: Path) -> str:
    require_tool("pdftotext")
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def docx_rows(path: Path) -> list[list[str]]:
    document = Document(str(path))
    return [[cell.text.strip() for cell in row.cells] for table in document.tables for row in table.rows]


def docx_text(path: Path) -> str:
    document = Document(str(path))
    parts = [p.text for p in document.paragraphs]
    parts += [c.text for t in document.tables for row in t.rows for c in row.cells]
    return "\n".join(parts)


def item_row(rows: list[list[str]], test_id: str) -> list[str]:
    return next(r for r in rows if any(c.startswith(test_id) for c in r))


def test_demo_exits_cleanly_and_says_where_the_reports_are(demo_trial: DemoTrial) -> None:
    assert demo_trial.returncode == 0, demo_trial.stdout[-3000:]
    assert str(demo_trial.out) in demo_trial.stdout.replace("\n", "")
    assert "Hoàn thành" in demo_trial.stdout


def test_every_roster_agency_has_its_appendix_and_junit(demo_trial: DemoTrial) -> None:
    ids = roster_ids()
    assert len(ids) >= 19
    for organ in ids:
        folder = demo_trial.out / organ
        for name in (f"phu-luc-{organ}.docx", f"phu-luc-{organ}.pdf", f"junit-{organ}.xml"):
            assert (folder / name).stat().st_size > 1000, (organ, name)
    for name in ("tong-hop.docx", "tong-hop.pdf", "ket-qua.xlsx", "bao-cao.html", "manifest.json"):
        assert (demo_trial.out / name).stat().st_size > 1000, name


def test_the_vendor_without_status_01_fails_rt05_with_that_reason(demo_trial: DemoTrial) -> None:
    rows = docx_rows(demo_trial.out / NO_STATUS_01 / f"phu-luc-{NO_STATUS_01}.docx")
    rt05 = item_row(rows, "RT-05")
    assert "Không đạt" in rt05
    assert any("trạng thái 01" in c for c in rt05), rt05
    assert "Chưa hoàn thành" in docx_text(demo_trial.out / NO_STATUS_01 / f"phu-luc-{NO_STATUS_01}.docx")
    text = pdf_text(demo_trial.out / NO_STATUS_01 / f"phu-luc-{NO_STATUS_01}.pdf")
    assert "Không đạt" in text and "Chưa hoàn thành" in text


def test_the_conformant_agency_is_complete(demo_trial: DemoTrial) -> None:
    path = demo_trial.out / CONFORMANT / f"phu-luc-{CONFORMANT}.docx"
    rows = docx_rows(path)
    for test_id in ("RT-01", "RT-02", "RT-05", "RT-10", "RT-12"):
        assert "Đạt" in item_row(rows, test_id), test_id
    text = docx_text(path)
    assert "Hoàn thành" in text and "Chưa hoàn thành" not in text
    pdf = pdf_text(demo_trial.out / CONFORMANT / f"phu-luc-{CONFORMANT}.pdf")
    assert "PHỤ LỤC" in pdf and "Hoàn thành" in pdf and "Chưa hoàn thành" not in pdf


BKAV_CONFORMANT = "000.00.12.H14"
"""Sở TTTT Cao Bằng: a conformant vendor of the demo's Bkav province (profile B)."""


def test_the_appendix_says_which_axis_and_protocol_the_agency_was_tested_on(demo_trial: DemoTrial) -> None:
    """A roster mixing provinces of both profiles (issue 27): each appendix names its axis and protocol."""
    for organ, axis, protocol in (
        (CONFORMANT, "Trục liên thông tỉnh Nghệ An (000.00.99.H41)", "VXP (trục của VNPT)"),
        (BKAV_CONFORMANT, "Trục liên thông tỉnh Cao Bằng (000.00.99.H14)", "EdocService (trục của Bkav)"),
    ):
        line = f"Trục kiểm thử: {axis}, giao thức {protocol}"
        assert line in docx_text(demo_trial.out / organ / f"phu-luc-{organ}.docx"), organ
        assert " ".join(line.split()) in " ".join(pdf_text(demo_trial.out / organ / f"phu-luc-{organ}.pdf").split())
    rows = docx_rows(demo_trial.out / BKAV_CONFORMANT / f"phu-luc-{BKAV_CONFORMANT}.docx")
    assert all("Đạt" in item_row(rows, t) for t in ("RT-01", "RT-03", "RT-04", "RT-05", "RT-12"))


def test_the_appendix_pdf_is_signed_by_the_ict_department(demo_trial: DemoTrial, tmp_path: Path) -> None:
    pki = pki_for_topology(load_topology(TOPOLOGY))
    db = nss_database(pki.root.certificate, tmp_path)
    for organ in (CONFORMANT, NEVER_SIGNS):
        report = pdfsig(db, (demo_trial.out / organ / f"phu-luc-{organ}.pdf").read_bytes(), tmp_path)
        assert "Signature is Valid" in report, report
        assert "Certificate is Trusted" in report, report
        assert "Sở Thông tin và Truyền thông tỉnh Nghệ An" in report


def test_the_workbook_and_junit_agree_with_the_appendix(demo_trial: DemoTrial) -> None:
    workbook = load_workbook(demo_trial.out / "ket-qua.xlsx", read_only=True)
    assert len(workbook.sheetnames) >= 5
    cells = [str(c) for sheet in workbook.worksheets for row in sheet.iter_rows(values_only=True) for c in row if c]
    assert CONFORMANT in cells and NO_STATUS_01 in cells
    suite = ET.parse(demo_trial.out / NO_STATUS_01 / f"junit-{NO_STATUS_01}.xml").getroot()
    cases = suite.iter("testcase")
    failed = [c for c in cases if c.find("failure") is not None]
    assert any(c.get("classname", "").startswith("RT-05") for c in failed)
    ok = ET.parse(demo_trial.out / CONFORMANT / f"junit-{CONFORMANT}.xml").getroot()
    assert not [c for c in ok.iter("testcase") if c.find("failure") is not None or c.find("error") is not None]


@pytest.mark.parametrize("organ", [CONFORMANT])
def test_page_one_renders_like_an_administrative_appendix(demo_trial: DemoTrial, organ: str, tmp_path: Path) -> None:
    """Page 1 rendered to PNG, and the word boxes of the Decree 30 header where they belong."""
    require_tool("pdftoppm")
    pdf = demo_trial.out / organ / f"phu-luc-{organ}.pdf"
    subprocess.run(["pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "p")], check=True)
    (png,) = tmp_path.glob("p*.png")
    assert png.stat().st_size > 5000
    boxes = subprocess.run(["pdftotext", "-bbox", "-f", "1", "-l", "1", str(pdf), "-"], capture_output=True, text=True)
    width = float(re.search(r'<page width="([\d.]+)"', boxes.stdout).group(1))  # type: ignore[union-attr]
    words = [
        (text, float(x), float(y))
        for x, y, text in re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>([^<]*)</word>', boxes.stdout)
    ]
    motto = next((x, y) for t, x, y in words if t == "CỘNG")
    title = next((x, y) for t, x, y in words if t == "PHỤ")
    assert motto[0] > width * 0.35 and motto[1] < 120, motto
    assert abs(title[0] - width / 2) < width * 0.15 and title[1] > motto[1], title


def test_the_demo_prints_the_console_and_a_working_administrator_login(demo_trial: DemoTrial) -> None:
    from harness.trial.accounts import AccountStore
    from harness.trial.store import CampaignStore

    text = " ".join(demo_trial.stdout.split())
    # Which command opens the console on these results without running anything again (issue 25, item 14).
    assert "(không chạy lại gì): lienthong console --demo-work" in text and "http://127.0.0.1:8090/" in text
    assert "demo --console" not in text
    found = re.search(r"Tài khoản quản trị: quantri / mật khẩu (\S+)", text)
    assert found, text[-1500:]
    with CampaignStore.open(str(demo_trial.db)) as store:
        accounts = AccountStore(store)
        admin = accounts.authenticate("quantri", found.group(1))
        assert admin is not None and admin.is_admin
        assert accounts.get(CONFORMANT) is not None  # every roster agency has its account
    assert (demo_trial.work / "tai-khoan.csv").read_text(encoding="utf-8-sig").count("\n") > len(roster_ids())
