"""The console in a real headless Chromium, as its users work: a clerk answers the tasks an operator-driven
RT-11 scenario posts (with screenshots), the scenario passes, and the agency page shows it; the administrator
watches the running round's table change without reloading; the appendix downloads and opens.

Set LIENTHONG_SCREENSHOTS=DIR to keep PNG screenshots of each page (the README's come from here)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from docx import Document
from PIL import Image
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from harness.scenarios.world import pki_for_topology
from harness.trial.accounts import ADMIN, AGENCY, AccountStore
from harness.trial.roster import read_roster
from harness.trial.statement import TrialRound
from harness.trial.store import CampaignStore
from simulators.topology import load_topology
from tests.browser import chromium, log_in, wait_for
from tests.conftest import REPO, nss_database, pdfsig
from tests.console_server import console_process

pytestmark = pytest.mark.slow  # over ten seconds of processes, browsers or fuzzing: not in the quick loop

TOPOLOGY = REPO / "fixtures" / "topologies" / "demo.yaml"
ROSTER = REPO / "fixtures" / "rosters" / "demo.csv"
CLERK_AGENCY = "000.00.12.H41"
ADMIN_PASSWORD = "quan-tri-mat-khau-1"
CLERK_PASSWORD = "van-thu-mat-khau-1"


def shot(browser: WebDriver, name: str) -> None:
    folder = os.environ.get("LIENTHONG_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        browser.save_screenshot(str(Path(folder) / f"{name}.png"))


def screenshot_png(path: Path) -> Path:
    image = Image.new("RGB", (320, 200), "white")
    for x in range(20, 300):
        for y in range(20, 60):
            image.putpixel((x, y), (164, 22, 26))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    path.write_bytes(buffer.getvalue())
    return path


@pytest.fixture
def campaign(tmp_path: Path) -> Iterator[Path]:
    db = tmp_path / "trial.sqlite3"
    with CampaignStore.open(str(db)) as store:
        store.import_roster(read_roster(ROSTER).entries)
        store.add_round(TrialRound(1, "Đợt 1", None, "Công văn số 451/STTTT-CNTT"))
        accounts = AccountStore(store)
        accounts.create("quantri", ADMIN_PASSWORD, role=ADMIN, display_name="Quản trị Sở TT&TT")
        accounts.create(
            CLERK_AGENCY, CLERK_PASSWORD, role=AGENCY, display_name="Văn thư Sở TT&TT", agencies=[CLERK_AGENCY]
        )
    yield db


def open_task(browser: WebDriver, base: str, kind_vi: str) -> None:
    """From the task list, open the newest open task of that kind (the list reloads itself every 5 s)."""
    browser.get(base + "/viec")

    def link(b: WebDriver) -> object:
        rows = b.find_elements(By.CSS_SELECTOR, "#viec-dang-cho tr[data-task]")
        found = [r for r in rows if kind_vi in r.text and "RT-11" in r.text]
        return found[0].find_element(By.CSS_SELECTOR, "td:nth-child(4) a") if found else False

    wait_for(browser, link, timeout=90).click()  # type: ignore[attr-defined]


def answer_done(browser: WebDriver, note: str, screenshot: Path) -> None:
    browser.find_element(By.ID, "da-thuc-hien").click()
    browser.find_element(By.ID, "ghi-chu").send_keys(note)
    browser.find_element(By.ID, "anh-chup").send_keys(str(screenshot))
    browser.find_element(By.ID, "gui").click()
    wait_for(browser, lambda b: b.find_elements(By.ID, "da-ghi"))


def cell(browser: WebDriver, organ: str, test_id: str) -> str:
    found = browser.find_elements(By.CSS_SELECTOR, f'tr[data-organ="{organ}"] td[data-test="{test_id}"]')
    return found[0].text if found else ""


def test_a_clerk_answers_an_operator_scenario_and_the_administrator_sees_it_live(
    campaign: Path, tmp_path: Path
) -> None:
    picture = screenshot_png(tmp_path / "man-hinh-chan-van-ban-mat.png")
    trial = [
        str(Path(sys.executable).parent / "lienthong"), "trial", "run",
        "--topology", str(TOPOLOGY), "--db", str(campaign), "--round", "1",
        "--agency", CLERK_AGENCY, "--scenario", "RT-11", "--operated", CLERK_AGENCY,
        "--out", str(tmp_path / "out"), "--work", str(tmp_path / "work"),
        "--answer-timeout", "240", "--retries", "0",
    ]  # fmt: skip
    with console_process(campaign, topology=TOPOLOGY) as base, chromium() as admin, chromium() as clerk:
        log_in(admin, base, "quantri", ADMIN_PASSWORD)
        admin.get(base + "/dot/1")
        assert cell(admin, CLERK_AGENCY, "RT-11") == "Chưa thực hiện"
        admin.execute_script("window.__samePage = 'vẫn trang cũ';")
        log_in(clerk, base, CLERK_AGENCY, CLERK_PASSWORD)
        process = subprocess.Popen(trial, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        try:
            # While the scenario waits on the clerk, the administrator's table says so, without a reload.
            wait_for(admin, lambda b: cell(b, CLERK_AGENCY, "RT-11") == "Đang chạy", timeout=120)
            shot(admin, "bang-hoan-thanh-dang-chay")
            open_task(clerk, base, "Thao tác")
            assert "MẬT" in clerk.find_element(By.CSS_SELECTOR, "pre.instruction").text
            shot(clerk, "viec-cua-van-thu")
            answer_done(clerk, "Đã thử gửi, hệ thống không cho gửi", picture)
            open_task(clerk, base, "Xác nhận")
            answer_done(clerk, "Hệ thống báo: văn bản mật không được gửi qua trục", picture)
            assert "Đã thực hiện" in clerk.find_element(By.ID, "tinh-trang").text
            output, _ = process.communicate(timeout=240)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
        assert process.returncode == 0, output[-3000:]
        wait_for(admin, lambda b: cell(b, CLERK_AGENCY, "RT-11") == "Đạt", timeout=10)
        assert admin.execute_script("return window.__samePage;") == "vẫn trang cũ", "the page was reloaded"
        shot(admin, "bang-hoan-thanh")

        clerk.get(f"{base}/co-quan/{CLERK_AGENCY}?dot=1")
        row = clerk.find_element(By.CSS_SELECTOR, '#bang-noi-dung tr[data-test="RT-11"]')
        assert "Đạt" in row.text
        attempt = clerk.find_element(By.ID, "chi-tiet-RT-11")
        assert "operator" in attempt.get_attribute("textContent")  # type: ignore[operator]
        shot(clerk, "trang-co-quan")

        # The attestation was stored with who, when and the screenshot's digest.
        with CampaignStore.open(str(campaign)) as store:
            (note,) = [a for a in store.attestations(1, CLERK_AGENCY) if a.test_id == "RT-11"]
        assert note.passed and "Văn thư Sở TT&TT" in note.who and len(note.digests) == 1
        assert Path(note.files[0]).read_bytes() == picture.read_bytes()
        # The screenshot sent with both answers is kept once, not once more under a doubled name.
        kept = [p for p in Path(note.files[0]).parent.iterdir() if p.read_bytes() == picture.read_bytes()]
        assert [p.name for p in kept] == [Path(note.files[0]).name]

        # Download both appendices through the console with the clerk's session and open them.
        cookies = {c["name"]: c["value"] for c in clerk.get_cookies()}
        links = {
            a.get_attribute("data-kind"): a.get_attribute("href")
            for a in clerk.find_elements(By.CSS_SELECTOR, "#tep a[data-kind]")
        }
        with httpx.Client(cookies=cookies, timeout=30) as http:
            docx_reply = http.get(str(links["appendix-docx"]))
            pdf_reply = http.get(str(links["appendix-pdf"]))
        assert docx_reply.status_code == 200 and pdf_reply.status_code == 200
        document = Document(io.BytesIO(docx_reply.content))
        text = "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
        assert "RT-11" in text and "Đạt" in text
        (rt11,) = {c.text for t in document.tables for r in t.rows for c in r.cells[-1:] if "Xác nhận" in c.text}
        assert rt11.count(picture.name) == 1, rt11  # the screenshot named once
        assert "Xác nhận của Văn thư Sở TT&TT" in rt11 and f"{note.at:%d/%m/%Y}" in rt11, rt11  # who and when
        pki = pki_for_topology(load_topology(TOPOLOGY))
        report = pdfsig(nss_database(pki.root.certificate, tmp_path), pdf_reply.content, tmp_path)
        assert "Signature is Valid" in report and "Certificate is Trusted" in report, report


def test_the_login_page_refuses_a_wrong_password_in_vietnamese(campaign: Path) -> None:
    with console_process(campaign) as base, chromium() as browser:
        browser.get(base + "/dot/1")
        assert "/dang-nhap" in browser.current_url
        browser.find_element(By.ID, "username").send_keys("quantri")
        browser.find_element(By.ID, "password").send_keys("sai-mat-khau-roi")
        browser.find_element(By.CSS_SELECTOR, "#login button[type=submit]").click()
        alert = wait_for(browser, lambda b: b.find_elements(By.CSS_SELECTOR, "p.error"))
        assert "Tên đăng nhập hoặc mật khẩu không đúng" in alert[0].text
        shot(browser, "dang-nhap")
        started = time.monotonic()
        log_in(browser, base, "quantri", ADMIN_PASSWORD)
        assert time.monotonic() - started < 30
        assert browser.current_url.rstrip("/").endswith("/dot/1")
