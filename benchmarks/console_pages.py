"""Response times of the trial console's pages on a province-sized campaign, through a real console process.

Builds a temporary campaign store (N agencies, every scenario of features/rt recorded with 3 attempts, some
attestations, an exchange matrix of a few thousand pairs), starts `python -m harness.console` on a free port,
logs in as the administrator and times, over HTTP with keep-alive:

* the campaign page /dot/1 (first render, which builds the statements, then warm renders);
* the agency page /co-quan/<id>?dot=1 for several agencies;
* the live poll /dot/1/trang-thai?token=<current token> while nothing changes.

Targets (medians of the warm requests): campaign page < 200 ms, agency page < 100 ms.

    python benchmarks/console_pages.py                      # 256 agencies, 30 requests per page
    python benchmarks/console_pages.py --agencies 512 --requests 50
    python benchmarks/console_pages.py --profile            # also cProfile both pages in-process

Exits 1 when a median misses its target (for CI), 0 otherwise. The console and this client share the machine.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import json
import os
import pstats
import random
import re
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
from markupsafe import Markup
from sqlalchemy import insert

from harness.console.model import CampaignView
from harness.edxml.formats import ICT
from harness.scenarios.results import Issue, Outcome, ScenarioResult, StepRecord
from harness.scenarios.runner import KEYWORD_VI, load_features
from harness.trial.accounts import AccountStore
from harness.trial.expected import DEFAULT_FEATURES, expected_scenarios
from harness.trial.statement import RosterEntry, TrialRound
from harness.trial.store import CampaignStore
from harness.trial.tables import runs_table

REPO = Path(__file__).resolve().parent.parent
CAMPAIGN_TARGET_MS = 200.0
AGENCY_TARGET_MS = 100.0
ROUND = 1
ATTEMPTS = 3
ADMIN = ("sotttt.quantri", "mat-khau-quan-tri-2026")
AGENCY_PASSWORD = "mat-khau-co-quan-2026"
CSRF_RE = re.compile(r'name="csrf" value="([^"]+)"')

PROVINCES = ("H41", "H14", "H53", "H56")
"""Nghệ An, Cao Bằng, Tây Ninh, Thanh Hóa: level-1 codes of fixtures/ids/level1.yaml."""
BODIES = (
    "Văn phòng UBND tỉnh",
    "Sở Nội vụ",
    "Sở Tài chính",
    "Sở Kế hoạch và Đầu tư",
    "Sở Thông tin và Truyền thông",
    "Sở Giáo dục và Đào tạo",
    "Sở Y tế",
    "Sở Tư pháp",
    "Sở Xây dựng",
    "Sở Giao thông vận tải",
    "Sở Nông nghiệp và Phát triển nông thôn",
    "Sở Tài nguyên và Môi trường",
    "Sở Lao động - Thương binh và Xã hội",
    "Sở Văn hóa, Thể thao và Du lịch",
    "Thanh tra tỉnh",
    "Ban Quản lý Khu kinh tế",
    "UBND huyện Quỳnh Lưu",
    "UBND huyện Diễn Châu",
    "UBND thị xã Hoàng Mai",
    "UBND xã Nghi Phong",
    "UBND phường Hưng Dũng",
    "Trung tâm Phục vụ hành chính công",
)
PROVINCE_VI = {"H41": "Nghệ An", "H14": "Cao Bằng", "H53": "Tây Ninh", "H56": "Thanh Hóa"}
VENDORS = (
    ("Công ty CP Phần mềm Sao Mai", "eOffice-SM 5.2"),
    ("Công ty TNHH Giải pháp số Hồng Lĩnh", "QLVB-HL 3.1"),
    ("Tập đoàn Công nghiệp - Viễn thông Quân đội", "VOffice 6.0"),
    ("Tổng công ty Dịch vụ Viễn thông VNPT-VinaPhone", "VNPT-iOffice 4.3"),
    ("Công ty CP Công nghệ Lam Sơn", "LS-Doc 2.8"),
    ("Công ty CP Tin học Trường An", "TA-VanThu 7.0"),
    ("Công ty TNHH Phần mềm Bến Thủy", "BT-eDoc 1.9"),
    ("Công ty CP Hệ thống thông tin Cửa Lò", "CL-QLVB 3.5"),
)
SURNAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô")
GIVEN = ("Văn Hùng", "Thị Mai", "Minh Tuấn", "Thu Hà", "Quốc Bảo", "Thị Lan", "Đức Anh", "Thanh Hương")
RULES = (
    ("EDX-17", "Thiếu trường bắt buộc edXML:Code/CodeNumber", "/edXMLEnvelope/edXMLHeader/MessageHeader/Code"),
    (
        "EDX-40",
        "Ngày ban hành không đúng định dạng ISO 8601",
        "/edXMLEnvelope/edXMLHeader/MessageHeader/PromulgationInfo",
    ),
    ("SIG-04", "Chứng thư số của người ký đã hết hạn tại thời điểm ký", "van-ban.pdf#Sig1"),
    ("SIG-11", "Chữ ký số không bao phủ toàn bộ tệp PDF (có bản cập nhật sau khi ký)", "van-ban.pdf"),
    ("TRN-03", "Không xác nhận đã nhận (updateStatus done) trong thời hạn 15 phút", "getReceivedEdocList"),
    ("TRN-08", "Gửi trùng văn bản: cùng DocId xuất hiện hai lần trong hộp thư nơi nhận", "sendEdoc"),
    ("STS-02", "Gói tin trạng thái thiếu StatusCode", "/edXMLEnvelope/edXMLHeader/Status"),
)


@dataclass(frozen=True, slots=True)
class Timing:
    label: str
    cold_ms: float
    warm_ms: list[float]
    target_ms: float | None
    size_kb: float

    @property
    def median(self) -> float:
        return percentile(self.warm_ms, 0.5)

    @property
    def p95(self) -> float:
        return percentile(self.warm_ms, 0.95)

    @property
    def passed(self) -> bool:
        return self.target_ms is None or self.median < self.target_ms


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def organ_id(i: int) -> str:
    """Unique identifiers of both shapes: legacy QCVN 102 (3 in 4) and QĐ 20/2020, over four provinces."""
    province = PROVINCES[i % len(PROVINCES)]
    n = i // len(PROVINCES) + 1
    if i % 4 == 3:
        return f"{province}.{n // 100:02d}.{n % 100:02d}"
    return f"000.{n // 100:02d}.{n % 100:02d}.{province}"


def roster(n: int, rng: random.Random) -> list[RosterEntry]:
    out = []
    for i in range(n):
        code = organ_id(i)
        province = PROVINCE_VI[PROVINCES[i % len(PROVINCES)]]
        body = BODIES[(i // len(PROVINCES)) % len(BODIES)]
        name = f"{body.replace(' tỉnh', '')} tỉnh {province}" if not body.startswith("UBND ") else body
        if i // (len(PROVINCES) * len(BODIES)):
            name += f" (đơn vị {i // (len(PROVINCES) * len(BODIES)) + 1})"
        vendor, system = VENDORS[rng.randrange(len(VENDORS))]
        contact = f"{rng.choice(SURNAMES)} {rng.choice(GIVEN)} (Văn phòng, 0238.38{rng.randrange(10000, 99999)})"
        paper = None if rng.random() < 0.1 else rng.randrange(0, 60)
        out.append(RosterEntry(code, name, vendor, system, contact, paper))
    return out


def attempt_result(
    rng: random.Random,
    agency: str,
    test_id: str,
    name: str,
    attempt: int,
    outcome: Outcome,
    started: datetime,
    steps: tuple[tuple[str, str], ...],
    tags: list[str],
    feature: str,
    evidence: list[str],
) -> ScenarioResult:
    seconds = round(rng.uniform(0.8, 45.0), 3)
    records: list[StepRecord] = []
    message = ""
    issues: list[Issue] = []
    failing_step = len(steps) - 1 if outcome is not Outcome.PASSED else len(steps)
    for k, (kind, text) in enumerate(steps):
        if k < failing_step:
            records.append(StepRecord(KEYWORD_VI[kind], text, Outcome.PASSED, round(rng.uniform(0.05, 8.0), 3)))
        elif k == failing_step:
            rule, text_vi, location = RULES[rng.randrange(len(RULES))]
            message = (
                f"{rule}: {text_vi}" if outcome is Outcome.FAILED else "Trục thử nghiệm không phản hồi (hết 30 giây)"
            )
            records.append(StepRecord(KEYWORD_VI[kind], text, outcome, round(rng.uniform(0.05, 30.0), 3), message))
            if outcome is Outcome.FAILED:
                issues.append(Issue(rule, text_vi, location))
                other = RULES[rng.randrange(len(RULES))]
                issues.append(Issue(other[0], other[1], other[2]))
    return ScenarioResult(
        scenario_id=test_id,
        name=name,
        agency=agency,
        driver="http-vxp",
        outcome=outcome,
        attempt=attempt,
        round=f"Đợt {ROUND}",
        tags=tags,
        feature=feature,
        started=started.isoformat(timespec="seconds"),
        seconds=seconds,
        message_vi=message,
        steps=records,
        issues=issues,
        evidence=evidence,
    )


def outcomes_for(rng: random.Random, struggling: bool) -> list[Outcome]:
    """Three attempts: early ones often fail, the last passes unless the agency still struggles."""
    first = Outcome.FAILED if rng.random() < 0.35 else Outcome.PASSED
    if first is Outcome.PASSED and rng.random() < 0.04:
        first = Outcome.ERROR
    second = Outcome.FAILED if rng.random() < 0.15 else Outcome.PASSED
    third = Outcome.FAILED if struggling and rng.random() < 0.12 else Outcome.PASSED
    return [first, second, third]


@dataclass(frozen=True, slots=True)
class Built:
    store_path: Path
    agencies: list[RosterEntry]
    runs: int
    pairs: int
    attestations: int
    seconds: float
    agency_user: str


def build_store(tmp: Path, n: int, seed: int) -> Built:
    rng = random.Random(seed)
    started_build = time.perf_counter()
    path = tmp / "campaign.sqlite3"
    expected = expected_scenarios()
    scenarios = {(s.scenario_id, s.name): s for s in load_features([DEFAULT_FEATURES]) if s.scenario_id}
    agencies = roster(n, rng)
    now = datetime.now(ICT).replace(microsecond=0)
    opened = now - timedelta(days=21)
    deadline = now - timedelta(days=3)
    runs = 0
    with CampaignStore.open(path) as store:
        store.import_roster(agencies)
        store.add_round(TrialRound(ROUND, f"Đợt {ROUND}", deadline, "Công văn số 451/STTTT-CNTT ngày 10/6/2026"))
        evidence_root = store.files_dir / f"dot-{ROUND}" / "minh-chung"
        batch: list[dict[str, Any]] = []
        for index, agency in enumerate(agencies):
            struggling = rng.random() < 0.3
            folder = evidence_root / agency.organ_id
            folder.mkdir(parents=True, exist_ok=True)
            clock = opened + timedelta(hours=rng.uniform(0, 24 * 6), minutes=index)
            for test_id in sorted(expected):
                journal = folder / f"{test_id}-nhat-ky.json"
                journal.write_text(json.dumps({"organ_id": agency.organ_id, "test": test_id, "events": []}))
                for name in sorted(expected[test_id]):
                    scenario = scenarios.get((test_id, name))
                    steps = scenario.steps if scenario else (("given", "hệ thống đã kết nối"), ("then", name))
                    tags = list(scenario.tags) if scenario else [test_id]
                    feature = scenario.feature if scenario else test_id
                    for attempt, outcome in enumerate(outcomes_for(rng, struggling), start=1):
                        clock += timedelta(minutes=rng.uniform(2, 90) if attempt == 1 else rng.uniform(60, 60 * 30))
                        evidence = [str(journal)]
                        if test_id in ("RT-03", "RT-04", "RT-10", "RT-12"):
                            package = folder / f"{test_id}-lan-{attempt}-goi-tin.edxml"
                            if not package.exists():
                                package.write_bytes(b"<edXMLEnvelope/>")
                            evidence.append(str(package))
                        result = attempt_result(
                            rng, agency.organ_id, test_id, name, attempt, outcome, clock, steps, tags, feature, evidence
                        )
                        batch.append(run_row(result, now))
                    clock = opened + timedelta(hours=rng.uniform(0, 24 * 10), minutes=index)
            if len(batch) >= 5000:
                runs += flush(store, batch)
        runs += flush(store, batch)
        shot = tmp / "anh-chup-man-hinh.png"
        shot.write_bytes(b"\x89PNG\r\n\x1a\n" + rng.randbytes(20_000))
        attested = 0
        for agency in agencies[:: max(1, n // 40)]:
            for test_id in ("RT-06", "RT-11"):
                store.attest(
                    ROUND,
                    agency.organ_id,
                    test_id,
                    who=f"{rng.choice(SURNAMES)} {rng.choice(GIVEN)}",
                    note="Văn thư xác nhận đã thực hiện trên hệ thống của cơ quan.",
                    files=[shot] if test_id == "RT-11" else [],
                    passed=rng.random() > 0.1,
                    at=now - timedelta(days=rng.uniform(4, 15)),
                )
                attested += 1
        exchange: dict[tuple[str, str], int] = {}
        codes = [a.organ_id for a in agencies]
        target_pairs = min(n * (n - 1), max(3000, 12 * n))
        while len(exchange) < target_pairs:
            sender, receiver = rng.sample(codes, 2)
            exchange[(sender, receiver)] = rng.randrange(1, 40)
        store.set_exchange(ROUND, exchange)
        accounts = AccountStore(store)
        accounts.create(ADMIN[0], ADMIN[1], role="admin", display_name="Quản trị Sở TT&TT")
        own = agencies[1 % n].organ_id
        accounts.create(own, AGENCY_PASSWORD, role="agency", display_name=agencies[1 % n].name, agencies=[own])
    return Built(path, agencies, runs, len(exchange), attested, time.perf_counter() - started_build, own)


def run_row(result: ScenarioResult, recorded_at: datetime) -> dict[str, Any]:
    """The row CampaignStore.record writes for one attempt (inserted here in batches, not one transaction each)."""
    return {
        "round": ROUND,
        "organ_id": result.agency,
        "scenario_id": result.scenario_id,
        "name": result.name,
        "attempt": result.attempt,
        "outcome": result.outcome.value,
        "started": result.started,
        "seconds": float(result.seconds),
        "message_vi": result.message_vi,
        "result": json.dumps(result.to_json(), ensure_ascii=False),
        "recorded_at": recorded_at,
    }


def flush(store: CampaignStore, batch: list[dict[str, Any]]) -> int:
    done = len(batch)
    if batch:
        with store.tx() as conn:
            conn.execute(insert(runs_table), batch)
        batch.clear()
    return done


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


@contextmanager
def console(db: Path, log: Path) -> Iterator[str]:
    """A console process on a free port; always stopped (terminate, then kill) on the way out."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "harness.console", "--db", str(db), "--bind", f"127.0.0.1:{port}"]
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=REPO, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"console exited with {process.returncode}:\n{log.read_text(errors='replace')}")
            try:
                if httpx.get(base + "/dang-nhap", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"console not answering after 60 s:\n{log.read_text(errors='replace')}")
            time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


def login(client: httpx.Client, username: str, password: str) -> None:
    form = client.get("/dang-nhap")
    found = CSRF_RE.search(form.text)
    if form.status_code != 200 or found is None:
        raise RuntimeError(f"login form: HTTP {form.status_code}, no CSRF field")
    fields = {"csrf": found.group(1), "username": username, "password": password, "next": "/"}
    answer = client.post("/dang-nhap", data=fields)
    if answer.status_code != 303:
        raise RuntimeError(f"login as {username}: HTTP {answer.status_code} (expected 303)")


def timed_get(client: httpx.Client, url: str) -> tuple[float, httpx.Response]:
    started = time.perf_counter()
    response = client.get(url)
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise RuntimeError(f"GET {url}: HTTP {response.status_code}: {response.text[:300]}")
    return elapsed, response


def measure(
    client: httpx.Client, label: str, urls: list[str], requests: int, target: float | None, *, check: str = ""
) -> Timing:
    cold, first = timed_get(client, urls[0])
    if check and check not in first.text:
        raise RuntimeError(f"{label}: {urls[0]} does not contain {check!r}")
    warm = [timed_get(client, urls[k % len(urls)])[0] for k in range(requests)]
    return Timing(label, cold, warm, target, len(first.content) / 1024)


def sample_agencies(agencies: list[RosterEntry], count: int) -> list[str]:
    step = max(1, len(agencies) // count)
    return [a.organ_id for a in agencies[::step][:count]]


def run_console(built: Built, tmp: Path, requests: int) -> list[Timing]:
    timings: list[Timing] = []
    campaign = f"/dot/{ROUND}"
    organs = sample_agencies(built.agencies, 8)
    with (
        console(built.store_path, tmp / "console.log") as base,
        httpx.Client(base_url=base, timeout=60) as client,
        httpx.Client(base_url=base, timeout=60) as clerk,
    ):
        login(client, *ADMIN)
        last = built.agencies[-1].organ_id
        timings.append(measure(client, "campaign page /dot/1", [campaign], requests, CAMPAIGN_TARGET_MS, check=last))
        urls = [f"/co-quan/{o}?dot={ROUND}" for o in organs]
        label = f"agency page ({len(organs)} agencies)"
        timings.append(measure(client, label, urls, requests, AGENCY_TARGET_MS, check=organs[0]))
        changed_ms, changed = timed_get(client, f"{campaign}/trang-thai")
        token = str(changed.json()["token"])
        poll = f"{campaign}/trang-thai?token={quote(token, safe='')}"  # as the page's encodeURIComponent
        timings.append(measure(client, "live poll, unchanged", [poll], requests, None, check='"changed":false'))
        timings.append(Timing("live poll, no token (all cells)", changed_ms, [], None, len(changed.content) / 1024))
        timings.append(
            measure(client, "campaign page, vendor filter", [f"{campaign}?ncc={VENDORS[0][0]}"], requests, None)
        )
        # A campaign under way: every recorded run moves the token, so the next poll and page rebuild the statements.
        polls: list[float] = []
        pages: list[float] = []
        poll_kb = page_kb = 0.0
        with CampaignStore.open(built.store_path) as writer:
            for k in range(min(requests, 10)):
                writer.record(new_run(organs[k % len(organs)], 10 + 2 * k), ROUND)
                elapsed, answer = timed_get(client, f"{campaign}/trang-thai?token={quote(token, safe='')}")
                if answer.json().get("changed") is not True:
                    raise RuntimeError("the live poll did not see a newly recorded run")
                token = str(answer.json()["token"])
                polls.append(elapsed)
                poll_kb = len(answer.content) / 1024
                writer.record(new_run(organs[k % len(organs)], 11 + 2 * k), ROUND)
                elapsed, answer = timed_get(client, campaign)
                pages.append(elapsed)
                page_kb = len(answer.content) / 1024
                token = str(timed_get(client, f"{campaign}/trang-thai")[1].json()["token"])
        timings.append(Timing("live poll after a new run", polls[0], polls[1:], None, poll_kb))
        timings.append(Timing("campaign page after a new run", pages[0], pages[1:], None, page_kb))
        login(clerk, built.agency_user, AGENCY_PASSWORD)
        timings.append(measure(clerk, "campaign page (agency account)", [campaign], requests, None))
        own = [f"/co-quan/{built.agency_user}?dot={ROUND}"]
        timings.append(measure(clerk, "own agency page (agency account)", own, requests, None))
        first = timed_get(clerk, f"{campaign}/trang-thai")[1]
        mine = f"{campaign}/trang-thai?token={quote(str(first.json()['token']), safe='')}"
        timings.append(measure(clerk, "live poll, unchanged (agency acct)", [mine], requests, None))
    return timings


def new_run(organ: str, attempt: int) -> ScenarioResult:
    """One more attempt of RT-01 for an agency, as the campaign runner records it."""
    return ScenarioResult(
        scenario_id="RT-01",
        name=sorted(expected_scenarios()["RT-01"])[0],
        agency=organ,
        driver="http-vxp",
        outcome=Outcome.PASSED,
        attempt=attempt,
        round=f"Đợt {ROUND}",
        tags=["RT-01", "mandatory"],
        started=datetime.now(ICT).isoformat(timespec="seconds"),
        seconds=1.5,
        steps=[StepRecord("Thì", "hệ thống gọi trục thành công", Outcome.PASSED, 1.5)],
    )


def print_table(timings: list[Timing]) -> None:
    header = f"{'page':<36}{'first ms':>9}{'n':>4}{'median ms':>11}{'p95 ms':>9}{'KB':>8}  target"
    print(header)
    print("-" * len(header))
    for t in timings:
        verdict = "-" if t.target_ms is None else f"< {t.target_ms:.0f} ms: {'PASS' if t.passed else 'FAIL'}"
        median = f"{t.median:>11.1f}" if t.warm_ms else f"{'':>11}"
        p95 = f"{t.p95:>9.1f}" if t.warm_ms else f"{'':>9}"
        print(f"{t.label:<36}{t.cold_ms:>9.1f}{len(t.warm_ms):>4}{median}{p95}{t.size_kb:>8.1f}  {verdict}")
    print(
        "first = the first request of its kind; median and p95 over the n requests after it (one keep-alive"
        " connection);\n'after a new run' = a run recorded just before each request, so each rebuilds the statements"
    )


def profile(built: Built, top: int) -> None:
    """cProfile both pages in-process (create_app, the endpoints called on this thread), 10 warm renders each,
    and count the full (generation 2) garbage collections they trigger."""
    from starlette.requests import Request
    from starlette.responses import Response

    from harness.console import model, pages_agency, pages_campaign
    from harness.console.app import create_app
    from harness.console.config import ConsoleConfig
    from harness.console.render import TEMPLATES

    app = create_app(ConsoleConfig(db=str(built.store_path)))
    organs = sample_agencies(built.agencies, 8)

    def request(path: str, params: dict[str, Any], query: str = "") -> Request:
        scope = {
            "type": "http",
            "method": "GET",
            "path": path,
            "path_params": params,
            "headers": [],
            "query_string": query.encode(),
            "app": app,
            "session": {"user": ADMIN[0]},
        }
        return Request(scope)

    def campaign() -> Response:
        return pages_campaign.campaign(request(f"/dot/{ROUND}", {"number": ROUND}))

    def agencies() -> Response:
        for organ in organs:
            answer = pages_agency.agency_page(request(f"/co-quan/{organ}", {"organ_id": organ}, f"dot={ROUND}"))
        return answer

    full: list[float] = []
    began: list[float] = [0.0]

    def watch(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            began[0] = time.perf_counter()
        elif info["generation"] == 2:
            full.append(time.perf_counter() - began[0])

    gc.callbacks.append(watch)
    try:
        for label, fn in (("campaign page", campaign), (f"agency page, {len(organs)} agencies", agencies)):
            fn()  # warm: statement cache, compiled templates
            full.clear()
            profiler = cProfile.Profile()
            started = time.perf_counter()
            profiler.enable()
            for _ in range(10):
                fn()
            profiler.disable()
            elapsed = (time.perf_counter() - started) / 10
            gc_ms = sum(full) * 100
            print(
                f"\n== {label}: {elapsed * 1000:.1f} ms per render under cProfile; {len(full)} full GCs in 10 renders,"
                f" {gc_ms:.1f} ms of GC per render =="
            )
            for order in ("cumulative", "tottime"):
                out = io.StringIO()
                pstats.Stats(profiler, stream=out).sort_stats(order).print_stats(top)
                print(f"-- sorted by {order} --")
                print(_trim(out.getvalue()))
        # The campaign page split into its model and its template, without the profiler.
        store = app.state.store
        account = app.state.accounts.get(ADMIN[0])
        assert account is not None
        view = model.campaign_view(store, app.state.statements, account, ROUND)
        assert view is not None
        template = TEMPLATES.env.get_template("campaign.html")
        context = {
            "view": view,
            "filters": {"province": "", "vendor": "", "state": ""},
            "account": account,
            "filter_states": model.FILTER_STATES,
            "state_vi": model.STATE_VI,
            "poll_ms": 1000,
            "csrf": "x" * 43,
            "csrf_field": "csrf",
        }
        cells = len(view.matrix_organs) ** 2
        print("campaign page, parts (median of 10):")
        for part, call in (
            (
                "campaign_view() (model, statements cached)",
                lambda: model.campaign_view(store, app.state.statements, account, ROUND),
            ),
            ("store.stats()", lambda: store.stats(ROUND)),
            ("store.exchange()", lambda: store.exchange(ROUND)),
            ("store.change_token()", lambda: store.change_token(ROUND)),
            (
                f"campaign.html render ({len(view.rows)} rows, matrix {len(view.matrix_organs)}² = {cells} cells)",
                lambda: template.render(context),
            ),
            (
                "campaign.html render, same view without the matrix",
                lambda: template.render({**context, "view": _no_matrix(view)}),
            ),
            ("store.outcomes() (cold rebuild)", lambda: store.outcomes(ROUND)),
        ):
            full.clear()
            times = []
            for _ in range(10):
                started = time.perf_counter()
                call()
                times.append((time.perf_counter() - started) * 1000)
            print(
                f"  {part:<72}{percentile(times, 0.5):>8.1f} ms   full GCs: {len(full)} ({sum(full) * 100:.1f} ms/call)"
            )
    finally:
        gc.callbacks.remove(watch)
        app.state.store.close()


def _no_matrix(view: CampaignView) -> CampaignView:
    return replace(view, matrix_organs=[], matrix_html=Markup())


def _trim(text: str) -> str:
    for prefix in (str(REPO), sys.prefix, sys.base_prefix):
        text = text.replace(prefix + os.sep, "")
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--agencies", type=int, default=256)
    parser.add_argument("--requests", type=int, default=30, help="warm requests per page (default 30)")
    parser.add_argument("--seed", type=int, default=2020)
    parser.add_argument("--profile", action="store_true", help="also cProfile the pages in-process")
    parser.add_argument("--top", type=int, default=25, help="functions shown per profile (default 25)")
    args = parser.parse_args(argv)
    if args.agencies < 2:
        parser.error("--agencies must be at least 2")

    with tempfile.TemporaryDirectory(prefix="lienthong-console-bench-") as tmp_name:
        tmp = Path(tmp_name)
        built = build_store(tmp, args.agencies, args.seed)
        size_mb = built.store_path.stat().st_size / 1e6
        print(
            f"campaign store: {len(built.agencies)} agencies, {built.runs} runs (3 attempts x "
            f"{built.runs // (3 * len(built.agencies))} scenarios), {built.attestations} attestations, "
            f"{built.pairs} exchange pairs, {size_mb:.0f} MB, built in {built.seconds:.1f} s"
        )
        timings = run_console(built, tmp, args.requests)
        print_table(timings)
        if args.profile:
            profile(built, args.top)
    failed = [t for t in timings if not t.passed]
    print(
        "FAIL" if failed else "PASS",
        f"({sum(t.target_ms is not None for t in timings) - len(failed)}/"
        f"{sum(t.target_ms is not None for t in timings)} medians within target)",
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
