"""Sessions, login throttling, security headers and bounded uploads of the console (issue 25, items 3-6, 10),
over HTTP against a real console process on a small fresh campaign store (one per test: the throttle is
kept in the store and would otherwise slow the next test's logins from the same address)."""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from harness.edxml.formats import now_ict
from harness.reports.verification import canonical_content, verification_code
from harness.scenarios.results import Outcome
from harness.trial.accounts import ADMIN, AGENCY, AccountStore
from harness.trial.issued import latest_issued, record_issued
from harness.trial.roster import read_roster
from harness.trial.statement import TrialRound
from harness.trial.store import CampaignStore
from harness.trial.tasks import ATTESTATION, INSTRUCTION
from harness.trial.throttle import LoginThrottle, ThrottlePolicy
from tests import reports_data as data
from tests.conftest import REPO
from tests.console_server import browser_client, console_process, csrf_of, login, post_rt11_task

pytestmark = pytest.mark.slow  # over ten seconds of processes, browsers or fuzzing: not in the quick loop

ROSTER = REPO / "fixtures" / "rosters" / "demo.csv"
ORGAN = "000.00.12.H41"
PASSWORD = "mat-khau-kiem-thu-1"
CODE = "LT-ABCD-EFGH-2345-6723"


@dataclass
class Fresh:
    base: str
    db: Path
    spool: Path
    task: int

    def audit(self) -> list[tuple[str, str, str]]:
        with CampaignStore.open(str(self.db)) as store:
            return [(user, action, detail) for _at, user, action, _t, detail in AccountStore(store).audit_log()]


def _store(tmp_path: Path) -> tuple[Path, Path, int]:
    db = tmp_path / "trial.sqlite3"
    with CampaignStore.open(str(db)) as store:
        store.import_roster(read_roster(ROSTER).entries)
        store.add_round(TrialRound(1, "Đợt 1", None, ""))
        accounts = AccountStore(store)
        accounts.create("quantri", PASSWORD, role=ADMIN)
        accounts.create(ORGAN, PASSWORD, role=AGENCY, agencies=[ORGAN])
        task = post_rt11_task(store, ORGAN, ATTESTATION, attempt=1, title="Xác nhận hệ thống đã chặn")
        spool = Path(store.files_dir) / ".tai-len" / "dang-nhan"
        record_issued(
            store, code=CODE, kind="phu-luc", round_number=1, organ_id=ORGAN,
            pdf_sha256="a" * 64, pdf_path=tmp_path / "p.pdf",
        )  # fmt: skip
    return db, spool, task


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[Fresh]:
    db, spool, task = _store(tmp_path)
    with console_process(db) as base:
        yield Fresh(base, db, spool, task)


def _cookie_client(base: str, cookies: httpx.Cookies) -> httpx.Client:
    client = browser_client(base)
    for name, value in cookies.items():
        client.cookies.set(name, value)
    return client


def test_logout_ends_the_session_even_for_a_copied_cookie(fresh: Fresh) -> None:
    clerk = login(fresh.base, ORGAN, PASSWORD)
    assert clerk.get("/viec").status_code == 200
    copied = _cookie_client(fresh.base, clerk.cookies)
    assert copied.get("/viec").status_code == 200
    token = csrf_of(clerk.get("/viec").text)
    assert clerk.post("/dang-xuat", data={"csrf": token}).status_code == 303
    after = copied.get("/viec")
    assert after.status_code == 303 and after.headers["location"].startswith("/dang-nhap")


def test_a_password_reset_ends_every_session_of_the_account(fresh: Fresh) -> None:
    first = login(fresh.base, ORGAN, PASSWORD)
    second = login(fresh.base, ORGAN, PASSWORD)
    admin = login(fresh.base, "quantri", PASSWORD)
    done = subprocess.run(
        [sys.executable, "-m", "harness.cli", "trial", "user", "--db", str(fresh.db), "--username", ORGAN,
         "--role", AGENCY, "--agency", ORGAN, "--password", "mat-khau-moi-123", "--replace"],
        cwd=REPO, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    for client in (first, second):
        assert client.get("/viec").status_code == 303
    assert admin.get("/viec").status_code == 200  # other accounts keep their sessions
    login(fresh.base, ORGAN, "mat-khau-moi-123")


def _try(base: str, username: str, password: str) -> httpx.Response:
    client = browser_client(base)
    token = csrf_of(client.get("/dang-nhap").text)
    return client.post("/dang-nhap", data={"csrf": token, "username": username, "password": password, "next": "/"})


def test_twenty_wrong_passwords_then_the_right_one_is_throttled_and_logged(fresh: Fresh) -> None:
    # Wrong passwords until the seventh counted failure (a wait of 4 s after it) has just been recorded: how
    # many tries that takes depends on how fast the machine is, the right password right after it does not.
    codes: list[int] = []
    while len(codes) < 200 and not (codes.count(401) >= 7 and codes[-1] == 401):
        codes.append(_try(fresh.base, "quantri", f"sai-{len(codes)}").status_code)
    assert codes[:5] == [401] * 5 and 429 in codes and codes.count(401) == 7, codes
    right = _try(fresh.base, "quantri", PASSWORD)
    assert right.status_code == 429
    assert "hãy chờ" in right.text and int(right.headers["retry-after"]) > 0
    actions = [action for _user, action, _detail in fresh.audit() if _user == "quantri"]
    assert actions.count("login-failed") >= 5 and "login-throttled" in actions


def test_throttle_delays_grow_are_capped_and_clear_on_success(tmp_path: Path) -> None:
    store = CampaignStore.open(str(tmp_path / "t.sqlite3"))
    clock = [now_ict()]
    throttle = LoginThrottle(store, ThrottlePolicy(), clock=lambda: clock[0])

    def advance(seconds: float) -> None:
        clock[0] = clock[0] + timedelta(seconds=seconds)

    for _ in range(5):
        assert throttle.wait_seconds("quantri", "10.0.0.9") == 0
        throttle.failed("quantri", "10.0.0.9")
    assert throttle.wait_seconds("quantri", "10.0.0.9") == pytest.approx(1)
    assert throttle.wait_seconds("quantri", "10.0.0.1") == pytest.approx(1)  # the account, from anywhere
    for _ in range(20):  # an attacker waiting out each delay
        advance(throttle.wait_seconds("quantri", f"10.0.1.{_}") + 0.01)
        throttle.failed("quantri", f"10.0.1.{_}")
    # However many failures, the administrator from a clean address waits at most a minute.
    assert 0 < throttle.wait_seconds("quantri", "10.0.0.1") <= 60
    advance(60)
    assert throttle.wait_seconds("quantri", "10.0.0.1") == 0
    throttle.succeeded("quantri")
    assert throttle.wait_seconds("quantri", "10.0.0.1") == 0
    # One address spraying many names is stopped for longer than one account is.
    for i in range(20):
        throttle.failed(f"nguoi-{i}", "10.9.9.9")
    assert throttle.wait_seconds("ai-do", "10.9.9.9") == pytest.approx(15 * 60)
    advance(15 * 60 + 1)
    assert throttle.wait_seconds("ai-do", "10.9.9.9") == 0
    store.close()


def _assert_security_headers(reply: httpx.Response) -> None:
    csp = reply.headers.get("content-security-policy", "")
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert reply.headers.get("x-frame-options") == "DENY"
    assert reply.headers.get("x-content-type-options") == "nosniff"
    assert reply.headers.get("referrer-policy") == "no-referrer"


def test_every_response_carries_the_security_headers(fresh: Fresh) -> None:
    anonymous = browser_client(fresh.base)
    for path in ("/dang-nhap", "/xac-minh", "/tinh/console.css", "/tinh/campaign.js", "/khong-co"):
        _assert_security_headers(anonymous.get(path))
    admin = login(fresh.base, "quantri", PASSWORD)
    _assert_security_headers(admin.get("/"))  # a redirect
    for path in ("/dot/1", "/viec", f"/viec/{fresh.task}", "/dieu-hanh"):
        reply = admin.get(path)
        assert reply.status_code == 200, path
        _assert_security_headers(reply)
        assert "<script>" not in reply.text  # no inline script for the policy to block
    plain = httpx.get(fresh.base + "/dang-nhap", timeout=10).headers["set-cookie"].lower()
    assert "secure" not in plain and "httponly" in plain  # plain HTTP: not Secure


def test_behind_tls_the_cookie_is_secure_and_browsers_keep_to_https(tmp_path: Path) -> None:
    db, _spool, _task = _store(tmp_path)
    command = [sys.executable, "-m", "harness.cli", "console", "--https"]
    with console_process(db, command=command) as base:
        client = browser_client(base)
        page = client.get("/dang-nhap")
        cookie = page.headers["set-cookie"].lower()
        assert "secure" in cookie and "httponly" in cookie and "samesite=strict" in cookie
        assert page.headers["strict-transport-security"].startswith("max-age=")


def _folder_size(folder: Path) -> int:
    total = 0
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                with contextlib.suppress(FileNotFoundError):
                    total += entry.stat().st_size
    except FileNotFoundError:
        return 0
    return total


def test_a_3_gb_chunked_upload_is_refused_having_written_at_most_the_limit(fresh: Fresh) -> None:
    limit = 20 * 1024 * 1024
    chunk = b"%PDF-1.7\n" + b"0" * (1024 * 1024 - 9)
    sent = [0]
    peak = [0]
    stop = threading.Event()

    def watch() -> None:
        while not stop.is_set():
            peak[0] = max(peak[0], _folder_size(fresh.spool))
            time.sleep(0.005)

    def body() -> Iterator[bytes]:
        yield b'--x\r\nContent-Disposition: form-data; name="pdf"; filename="a.pdf"\r\n\r\n'
        for _ in range(3000):
            sent[0] += len(chunk)
            yield chunk

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        with httpx.Client(base_url=fresh.base, timeout=60) as client:
            reply = client.post(
                f"/xac-minh/{CODE}", content=body(), headers={"content-type": "multipart/form-data; boundary=x"}
            )
        refused: httpx.Response | None = reply
    except httpx.HTTPError:
        refused = None  # the server may close the connection as soon as it has answered
    finally:
        stop.set()
        watcher.join()
    if refused is not None:
        assert refused.status_code == 413 and "quá lớn" in refused.text
    assert 0 < peak[0] <= limit, peak[0]  # it was received in the console's own folder, and no more than the limit
    assert sent[0] < 200 * 1024 * 1024, sent[0]  # the server stopped reading, far short of 3 GB
    assert _folder_size(fresh.spool) == 0  # nothing left behind
    assert httpx.get(fresh.base + "/xac-minh", timeout=10).status_code == 200


def test_task_upload_refusals_are_vietnamese_without_internals(fresh: Fresh) -> None:
    clerk = login(fresh.base, ORGAN, PASSWORD)
    url = f"/viec/{fresh.task}"
    token = csrf_of(clerk.get(url).text)
    png = b"\x89PNG\r\n\x1a\n" + b"hong"
    four = [("screenshot", (f"a{i}.png", png, "image/png")) for i in range(4)]
    many = clerk.post(url, data={"csrf": token, "state": "done"}, files=four)
    assert many.status_code == 413 and "Quá nhiều tệp: tối đa 3 tệp" in many.text and "Too many" not in many.text
    long_note = clerk.post(url, data={"csrf": token, "state": "done", "note": "x" * 70_000}, files=four[:1])
    assert long_note.status_code == 413 and "Một trường của biểu mẫu quá dài" in long_note.text
    assert "exceeded" not in long_note.text
    broken = clerk.post(url, data={"csrf": token, "state": "done"}, files=four[:1])
    assert broken.status_code == 415 and "tệp hỏng hoặc không đầy đủ" in broken.text
    assert "cannot identify" not in broken.text.lower() and "truncated" not in broken.text.lower()
    garbage = clerk.post(url, content=b"--y\r\nabc", headers={"content-type": "multipart/form-data"})
    assert garbage.status_code == 400 and "không hợp lệ" in garbage.text
    login_with_file = httpx.post(
        fresh.base + "/dang-nhap", files={"f": ("a.txt", b"x")}, data={"username": "a"}, timeout=10
    )
    assert login_with_file.status_code == 400 and "không nhận tệp" in login_with_file.text


def test_the_verification_page_shows_what_the_appendix_certified_and_that_a_newer_one_exists(
    fresh: Fresh, tmp_path: Path
) -> None:
    statement = data.statements(data.results(tmp_path / "evidence"))[0]  # data.ON_TIME: every item Đạt
    code = verification_code(statement)
    with CampaignStore.open(str(fresh.db)) as store:
        record_issued(
            store, code=code, kind="phu-luc", round_number=1, organ_id=data.ON_TIME, pdf_sha256="b" * 64,
            pdf_path=tmp_path / "a.pdf", content=canonical_content(statement),
        )  # fmt: skip
        # A re-run since: today the agency has not passed RT-02, and a newer appendix was issued.
        store.record(replace(data.results(tmp_path / "e2")[0], scenario_id="RT-02", outcome=Outcome.FAILED), 1)
        record_issued(
            store, code="LT-ZZZZ-ZZZZ-ZZZZ-ZZZZ", kind="phu-luc", round_number=1, organ_id=data.ON_TIME,
            pdf_sha256="c" * 64, pdf_path=tmp_path / "b.pdf",
        )  # fmt: skip
        newer = latest_issued(store, 1, data.ON_TIME)
    assert newer is not None
    page = httpx.get(f"{fresh.base}/xac-minh/{code}", timeout=30)
    assert page.status_code == 200
    rows = dict(re.findall(r'<tr data-test="(RT-\d\d)">.*?<td class="cell [a-z-]+">([^<]+)</td>', page.text))
    assert rows["RT-02"] == "Đạt" and set(rows.values()) == {"Đạt"} and len(rows) == 12, rows
    assert "Hoàn thành" in page.text
    notice = re.search(r'<p class="warn" id="phu-luc-moi">([^<]+)</p>', page.text)
    assert notice and f"{newer.issued_at:%d/%m/%Y}" in notice.group(1), page.text[-3000:]
    # The newest appendix has no such notice.
    assert 'id="phu-luc-moi"' not in httpx.get(f"{fresh.base}/xac-minh/LT-ZZZZ-ZZZZ-ZZZZ-ZZZZ", timeout=30).text


def test_tasks_are_listed_in_scenario_order_and_a_step_opens_after_the_one_before(fresh: Fresh) -> None:
    with CampaignStore.open(str(fresh.db)) as store:
        steps = {
            kind: post_rt11_task(store, ORGAN, kind, attempt=2, number=number, title=title)
            for number, kind, title in (
                (1, INSTRUCTION, "Thử gửi văn bản MẬT"),
                (2, ATTESTATION, "Hệ thống đã chặn, không gửi văn bản MẬT lên trục"),
            )
        }
    clerk = login(fresh.base, ORGAN, PASSWORD)
    listed = clerk.get("/viec").text
    pending = listed[listed.index('id="viec-dang-cho"') : listed.index("Đã xong")]
    order = [int(n) for n in re.findall(r'<tr data-task="(\d+)">', pending)]
    assert order.index(steps[INSTRUCTION]) < order.index(steps[ATTESTATION]), order
    assert f"mở sau khi trả lời việc #{steps[INSTRUCTION]}" in pending
    attestation = clerk.get(f"/viec/{steps[ATTESTATION]}").text
    assert 'id="cho-buoc-truoc"' in attestation and 'id="tra-loi"' not in attestation
    token = csrf_of(attestation)
    early = clerk.post(f"/viec/{steps[ATTESTATION]}", data={"csrf": token, "state": "done", "note": "đã chặn"})
    assert early.status_code == 409 and f"Hãy trả lời việc #{steps[INSTRUCTION]}" in early.text
    first = clerk.post(f"/viec/{steps[INSTRUCTION]}", data={"csrf": token, "state": "done", "note": "đã thử"})
    assert first.status_code == 303
    attestation = clerk.get(f"/viec/{steps[ATTESTATION]}").text
    assert 'id="tra-loi"' in attestation and 'id="cho-buoc-truoc"' not in attestation
    then = clerk.post(f"/viec/{steps[ATTESTATION]}", data={"csrf": token, "state": "done", "note": "đã chặn"})
    assert then.status_code == 303
