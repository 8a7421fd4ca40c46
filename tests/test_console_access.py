"""Who may see what in the console, over HTTP against a real console process on a copy of the demo
campaign: an agency's pages, files and tasks are refused (and logged) for another agency's session, forms
need their CSRF token, uploads are limited in size and type with a Vietnamese message, and none of it
crashes the console or loses an attestation. Also the public verification page on the demo appendices."""

from __future__ import annotations

import io
import json
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlparse

import httpx
import pytest
from PIL import Image

from harness.trial.accounts import ADMIN, AGENCY, VENDOR, AccountStore
from harness.trial.expected import expected_scenarios
from harness.trial.statement import TrialRound
from harness.trial.store import CampaignStore
from harness.trial.tasks import ATTESTATION, INSTRUCTION, TaskStore
from tests.conftest import REPO, DemoTrial, require_tool
from tests.console_server import console_process, copy_store, csrf_of, login, post_rt11_task

A = "000.00.12.H41"  # conformant
B = "000.00.07.H41"  # no status 01
PASSWORD = "mat-khau-kiem-thu-1"
TOPOLOGY = REPO / "fixtures" / "topologies" / "demo.yaml"
FILE_LINK = re.compile(r'href="(/co-quan/[^/]+/tep/([0-9a-f]+)\?dot=1)" data-kind="([a-z-]+)"')


@dataclass
class Console:
    base: str
    db: Path
    demo: DemoTrial
    tasks: dict[str, int]

    def client(self, username: str) -> httpx.Client:
        return login(self.base, username, PASSWORD)

    def files(self, client: httpx.Client, organ: str) -> dict[str, tuple[str, str]]:
        """kind -> (url, key) of the files the agency page lists."""
        page = client.get(f"/co-quan/{organ}?dot=1")
        assert page.status_code == 200
        return {kind: (url, key) for url, key, kind in FILE_LINK.findall(page.text)}

    def audit(self) -> list[tuple[str, str, str]]:
        with CampaignStore.open(str(self.db)) as store:
            return [(user, action, target) for _at, user, action, target, _d in AccountStore(store).audit_log()]


@pytest.fixture(scope="module")
def console(demo_trial: DemoTrial, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Console]:
    assert demo_trial.returncode == 0, demo_trial.stdout[-2000:]
    db = copy_store(demo_trial.db, tmp_path_factory.mktemp("console") / "trial.sqlite3")
    tasks: dict[str, int] = {}
    with CampaignStore.open(str(db)) as store:
        accounts = AccountStore(store)
        accounts.create("quantri", PASSWORD, role=ADMIN, replace=True)
        accounts.create(A, PASSWORD, role=AGENCY, agencies=[A], replace=True)
        accounts.create(B, PASSWORD, role=AGENCY, agencies=[B], replace=True)
        vendor = next(a.vendor for a in store.roster() if a.organ_id == B)
        accounts.create("ncc-b", PASSWORD, role=VENDOR, display_name=vendor, agencies=[B], replace=True)
        for organ in (A, B):
            for kind in (INSTRUCTION, ATTESTATION):
                title = f"Việc kiểm thử của {organ}"
                text = "Vào màn hình «Văn bản đi» …"
                tasks[f"{organ}/{kind}"] = post_rt11_task(store, organ, kind, attempt=9, title=title, text=text)
    with console_process(db, topology=TOPOLOGY) as base:
        yield Console(base, db, demo_trial, tasks)


def test_another_agencys_pages_files_and_tasks_are_refused_and_logged(console: Console) -> None:
    a, b = console.client(A), console.client(B)
    files_a = console.files(a, A)
    assert {"appendix-pdf", "appendix-docx", "junit"} <= set(files_a)
    files_b = console.files(b, B)
    assert "bundle" in files_b  # B fails items: its evidence bundles are listed
    refused = [
        b.get(f"/co-quan/{A}?dot=1"),
        *(b.get(url) for url, _ in files_a.values()),
        b.get(f"/co-quan/{B}/tep/{files_a['appendix-pdf'][1]}?dot=1"),  # A's file key under B's own page
        a.get(f"/co-quan/{A}/tep/{files_b['bundle'][1]}?dot=1"),  # and B's under A's
        b.get(f"/viec/{console.tasks[f'{A}/{ATTESTATION}']}"),
        b.post(
            f"/viec/{console.tasks[f'{A}/{ATTESTATION}']}",
            data={"csrf": csrf_of(b.get("/viec").text), "state": "done", "note": "không phải của tôi"},
        ),
        b.get("/dieu-hanh"),
    ]
    for reply in refused:
        assert reply.status_code == 403, (reply.request.url, reply.status_code)
        assert "không được xem" in reply.text
    with CampaignStore.open(str(console.db)) as store:
        assert TaskStore(store).get(console.tasks[f"{A}/{ATTESTATION}"]).is_open  # type: ignore[union-attr]
    logged = [row for row in console.audit() if row[1] == "denied"]
    assert sum(1 for user, _, _ in logged if user == B) >= 7
    assert any(user == B and target == f"/co-quan/{A}" for user, _, target in logged)
    # B's own views never mention A; the administrator and a vendor see what they should.
    campaign_b = b.get("/dot/1").text
    assert B in campaign_b and A not in campaign_b
    live = b.get("/dot/1/trang-thai").json()
    assert set(live["cells"]) == {B}
    assert A not in b.get("/viec").text.replace(f"Việc kiểm thử của {A}", "")
    admin = console.client("quantri")
    assert admin.get(f"/co-quan/{A}?dot=1").status_code == 200
    assert admin.get(files_a["appendix-pdf"][0]).status_code == 200
    assert set(admin.get("/dot/1/trang-thai").json()["cells"]) >= {A, B}
    vendor = console.client("ncc-b")
    assert vendor.get(f"/co-quan/{B}?dot=1").status_code == 200
    assert vendor.get(f"/co-quan/{A}?dot=1").status_code == 403


def test_anonymous_requests_go_to_the_login_page_except_verification(console: Console) -> None:
    admin = console.client("quantri")
    url, _ = console.files(admin, A)["appendix-pdf"]
    with httpx.Client(base_url=console.base, follow_redirects=False) as anonymous:
        for path in (f"/co-quan/{A}?dot=1", url, "/dot/1", "/viec", f"/viec/{console.tasks[f'{A}/{INSTRUCTION}']}"):
            reply = anonymous.get(path)
            assert reply.status_code == 303 and reply.headers["location"].startswith("/dang-nhap"), path
        assert anonymous.get("/dot/1/trang-thai").status_code == 401
        assert anonymous.get("/xac-minh").status_code == 200
        bad = anonymous.post(
            "/dang-nhap",
            data={"csrf": csrf_of(anonymous.get("/dang-nhap").text), "username": A, "password": "sai-mat-khau"},
        )
        assert bad.status_code == 401 and "không đúng" in bad.text
        evil = anonymous.get("/dang-nhap?tiep=//evil.example/")
        assert 'value="/"' in evil.text  # never an open redirect after login


def test_forms_without_their_csrf_token_are_refused(console: Console) -> None:
    b = console.client(B)
    task = console.tasks[f"{B}/{INSTRUCTION}"]
    assert b.post(f"/viec/{task}", data={"state": "done"}).status_code == 403
    assert b.post(f"/viec/{task}", data={"state": "done", "csrf": "gia-mao"}).status_code == 403
    assert b.post("/dang-xuat", data={}).status_code == 403
    with httpx.Client(base_url=console.base) as fresh:
        reply = fresh.post("/dang-nhap", data={"username": B, "password": PASSWORD})
        assert reply.status_code == 403 and "CSRF" in reply.text
    admin = console.client("quantri")
    assert admin.post("/dieu-hanh/chay", data={"agency": B}).status_code == 403
    with CampaignStore.open(str(console.db)) as store:
        assert TaskStore(store).get(task).is_open  # type: ignore[union-attr]
    assert any(action == "csrf" for _, action, _ in console.audit())


def test_uploads_are_limited_in_size_and_type_and_a_good_answer_still_lands(console: Console) -> None:
    b = console.client(B)
    task = console.tasks[f"{B}/{ATTESTATION}"]

    def answer(files: list[tuple[str, tuple[str, bytes, str]]]) -> httpx.Response:
        token = csrf_of(b.get(f"/viec/{task}").text)
        return b.post(f"/viec/{task}", data={"csrf": token, "state": "done", "note": "đã chặn"}, files=files)

    png = (REPO / "harness" / "pdf" / "fonts").glob("*")  # any real file will do as "not an image"
    not_image = next(p for p in png if p.is_file()).read_bytes()[:4096]
    too_big = b"\x89PNG\r\n\x1a\n" + b"\0" * (5 * 1024 * 1024 + 10)
    fake_png = b"\x89PNG\r\n\x1a\n" + b"day khong phai anh"
    big = answer([("screenshot", ("anh.png", too_big, "image/png"))])
    assert big.status_code == 413 and "quá lớn" in big.text
    wrong = answer([("screenshot", ("anh.png", not_image, "image/png"))])
    assert wrong.status_code == 415 and "chỉ nhận ảnh PNG hoặc JPEG" in wrong.text
    broken = answer([("screenshot", ("anh.png", fake_png, "image/png"))])
    assert broken.status_code == 415 and "không đọc được" in broken.text
    huge = b.post(
        f"/viec/{task}",
        content=b"x" * (20 * 1024 * 1024),
        headers={"content-type": "multipart/form-data; boundary=x"},
    )
    assert huge.status_code == 413 and "quá lớn" in huge.text
    with CampaignStore.open(str(console.db)) as store:
        assert TaskStore(store).get(task).is_open  # type: ignore[union-attr]
        before = len(store.attestations(1, B))
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (164, 22, 26)).save(buffer, format="PNG")
    picture = buffer.getvalue()
    good = answer([("screenshot", ("man-hinh.png", picture, "image/png"))])
    assert good.status_code == 303, good.text[-500:]
    with CampaignStore.open(str(console.db)) as store:
        done = TaskStore(store).get(task)
        notes = store.attestations(1, B)
    assert done is not None and done.state == "done" and done.files[0]["size"] == len(picture)
    assert len(notes) == before + 1 and notes[-1].digests == (done.files[0]["sha256"],)
    again = answer([])
    assert again.status_code == 409 and "đã được trả lời" in again.text
    assert b.get("/dot/1").status_code == 200  # the console is still up


def _code(console: Console, organ: str) -> str:
    manifest = json.loads((console.demo.out / "manifest.json").read_text(encoding="utf-8"))
    return str(manifest["codes"][organ])


def test_the_code_printed_on_a_demo_appendix_opens_its_result(console: Console, tmp_path: Path) -> None:
    code = _code(console, A)
    pdf = console.demo.out / A / f"phu-luc-{A}.pdf"
    require_tool("zbarimg")
    subprocess.run(["pdftoppm", "-r", "150", "-png", str(pdf), str(tmp_path / "pg")], check=True)
    decoded = {
        subprocess.run(["zbarimg", "-q", "--raw", str(p)], capture_output=True, text=True).stdout.strip()
        for p in tmp_path.glob("pg*.png")
    } - {""}
    (url,) = decoded
    assert url.endswith(f"/xac-minh/{code}")
    with httpx.Client(base_url=console.base) as anonymous:
        page = anonymous.get(urlparse(url).path)
        assert page.status_code == 200
        assert A in page.text and "Đợt 1" in page.text and "Hoàn thành" in page.text
        other = anonymous.get(f"/xac-minh/{_code(console, B)}")
        assert B in other.text and "Chưa hoàn thành" in other.text
        unknown = anonymous.get("/xac-minh/LT-AAAA-BBBB-CCCC-DDDD")
        assert unknown.status_code == 404 and "Không tìm thấy" in unknown.text


def test_a_genuine_appendix_is_recognised_and_a_tampered_copy_is_not(console: Console) -> None:
    code = _code(console, A)
    genuine = (console.demo.out / A / f"phu-luc-{A}.pdf").read_bytes()
    middle = len(genuine) // 2
    tampered = genuine[:middle] + bytes([genuine[middle] ^ 0x01]) + genuine[middle + 1 :]
    with httpx.Client(base_url=console.base) as anonymous:

        def check(data: bytes) -> str:
            token = csrf_of(anonymous.get(f"/xac-minh/{code}").text)
            reply = anonymous.post(
                f"/xac-minh/{code}", data={"csrf": token}, files={"pdf": ("phu-luc.pdf", data, "application/pdf")}
            )
            assert reply.status_code == 200, reply.text[-500:]
            return reply.text

        assert "là bản phụ lục gốc có chữ ký số hợp lệ" in check(genuine)
        verdict = check(tampered)
        assert "KHÔNG phải bản phụ lục gốc" in verdict and "[SIG-0" in verdict
        other = (console.demo.out / B / f"phu-luc-{B}.pdf").read_bytes()
        assert "KHÔNG phải bản phụ lục gốc" in check(other)  # genuine, but not the appendix of this code
        token = csrf_of(anonymous.get(f"/xac-minh/{code}").text)
        text = anonymous.post(
            f"/xac-minh/{code}", data={"csrf": token}, files={"pdf": ("x.pdf", b"hello", "text/plain")}
        )
        assert text.status_code == 415 and "không phải tệp PDF" in text.text


@pytest.mark.parametrize(
    "path",
    [
        "/viec/99999999999999999999",
        "/viec/²",
        "/viec/0",
        "/viec/-1",
        "/dot/99999999999999999999",
        "/dot/99999999999999999999/trang-thai",
        f"/co-quan/{A}?dot=99999999999999999999",
        f"/co-quan/{A}?dot=١",
    ],
)
def test_numbers_in_addresses_out_of_range_are_a_vietnamese_404(console: Console, path: str) -> None:
    """An id SQLite cannot hold was a 500 (OverflowError), and the connection was reset after it."""
    admin = console.client("quantri")
    reply = admin.get(path)
    assert reply.status_code == 404, (path, reply.status_code, reply.text[:300])
    assert "Không có" in reply.text, reply.text[:300]
    assert "Traceback" not in reply.text and "Overflow" not in reply.text
    assert admin.get("/dot/1").status_code == 200, "the same connection keeps working"


def test_a_vendor_sees_its_clients_tasks_but_cannot_answer_them(console: Console) -> None:
    """An RT-11 attestation alone turns the item to Đạt: a vendor must not certify its own client."""
    with CampaignStore.open(str(console.db)) as store:
        ids = {
            kind: post_rt11_task(
                store,
                B,
                kind,
                attempt=11,
                number=n,
                title="Việc dành cho văn thư của cơ quan",
                text="Thử gửi văn bản MẬT",
            )
            for n, kind in enumerate((INSTRUCTION, ATTESTATION), start=1)
        }
    vendor = console.client("ncc-b")
    for task_id in ids.values():
        shown = vendor.get(f"/viec/{task_id}")
        assert shown.status_code == 200 and 'id="tra-loi"' not in shown.text and 'id="chi-xem"' in shown.text
        refused = vendor.post(f"/viec/{task_id}", data={"csrf": csrf_of(shown.text), "state": "done"})
        assert refused.status_code == 403 and "Chỉ tài khoản của cơ quan" in refused.text
    with CampaignStore.open(str(console.db)) as store:
        assert all(TaskStore(store).get(t).is_open for t in ids.values())  # type: ignore[union-attr]
    assert ("ncc-b", "denied", f"/viec/{ids[ATTESTATION]}") in console.audit()
    admin = console.client("quantri")
    first = admin.post(f"/viec/{ids[INSTRUCTION]}", data={"csrf": csrf_of(admin.get("/viec").text), "state": "done"})
    assert first.status_code == 303, first.text[-300:]
    page = admin.get(f"/viec/{ids[ATTESTATION]}")
    answered = admin.post(f"/viec/{ids[ATTESTATION]}", data={"csrf": csrf_of(page.text), "state": "done"})
    assert answered.status_code == 303, answered.text[-300:]
    with CampaignStore.open(str(console.db)) as store:
        task = TaskStore(store).get(ids[ATTESTATION])
        assert task is not None and task.answered_by.endswith("(quantri, quản trị)")


def test_the_exchange_matrix_shows_who_exchanged_with_whom_probes_included(console: Console) -> None:
    admin = console.client("quantri")
    page = admin.get("/dot/1").text
    assert 'id="chu-thich-ma-tran"' in page
    matrix = page[page.index('<table class="matrix small">') :]
    matrix = matrix[: matrix.index("</table>")]
    probes = re.findall(r'<th class="probe" title="([^":]+):', matrix)
    with CampaignStore.open(str(console.db)) as store:
        exchange = store.exchange(1)
        roster = {a.organ_id for a in store.roster()}
    outside = {o for pair in exchange for o in pair} - roster
    assert outside and set(probes) == outside  # the harness' probe agencies are columns (and rows)
    counted = sum(int(n) for n in re.findall(r"<td>(\d+)</td>", matrix))
    assert counted == sum(exchange.values()) > 0  # every document delivered is in a cell


def test_late_agencies_are_named_with_by_how_much_and_why(console: Console) -> None:
    with CampaignStore.open(str(console.db)) as store:
        held = store.round(1)
        assert held is not None
        done = store.statement(1, A, expected_scenarios()).completed_at
        assert done is not None
        store.add_round(TrialRound(1, held.name, done - timedelta(hours=1, minutes=5), held.letter))
    try:
        page = console.client("quantri").get("/dot/1").text
    finally:
        with CampaignStore.open(str(console.db)) as store:
            store.add_round(held)
    late = dict(re.findall(r'<li data-organ="([^"]+)"><a [^>]+>[^<]+</a> \([^)]+\): ([^<]+)</li>', page))
    assert late[A].startswith("Hoàn thành lúc") and "trễ 1 giờ 5 phút so với thời hạn" in late[A], late[A]
    assert late[B].startswith("Chưa hoàn thành: đã quá") and "mục bắt buộc chưa đạt: RT-" in late[B]
    row = page[page.index(f'<tr data-organ="{A}"') :]
    assert '<td class="timing late" title="Hoàn thành lúc' in row[: row.index("</tr>")]
    assert 'id="chu-thich-tre-han"' in page


def test_downloads_carry_the_security_headers(console: Console) -> None:
    admin = console.client("quantri")
    files = console.files(admin, A)
    assert {"appendix-pdf", "appendix-docx"} <= set(files)
    for kind in ("appendix-pdf", "appendix-docx"):
        reply = admin.get(files[kind][0])
        assert reply.status_code == 200
        assert reply.headers["x-content-type-options"] == "nosniff"
        assert "frame-ancestors 'none'" in reply.headers["content-security-policy"]
        assert reply.headers["referrer-policy"] == "no-referrer"


def test_the_console_shows_each_agencys_axis_and_protocol(console: Console) -> None:
    """The demo roster mixes a VNPT province and a Bkav one (issue 27): the campaign table and the
    agency page say which axis each agency is tested on and in which protocol."""
    admin = console.client("quantri")
    campaign = admin.get("/dot/1").text
    cells = dict(re.findall(r'<tr data-organ="([^"]+)".*?data-protocol="([a-z]*)"', campaign, re.S))
    assert cells[A] == "vxp" and cells["000.00.12.H14"] == "bkav", cells
    assert "000.00.99.H14 · EdocService (trục của Bkav)" in campaign
    page = admin.get("/co-quan/000.00.12.H14?dot=1").text
    assert "Trục kiểm thử: Trục liên thông tỉnh Cao Bằng (000.00.99.H14), giao thức EdocService" in page
    assert "giao thức VXP (trục của VNPT)" in console.client(A).get(f"/co-quan/{A}?dot=1").text
