"""The simulated agency against real axis processes: the conformant profile follows the rules, and
each faulty profile breaks exactly its knob where the other side (or the axis) can see it."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import itertools
import json
import signal
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path

import httpx
import pytest

from harness.edxml import build
from harness.edxml import model as m
from harness.edxml.factory import new_document, organization
from harness.edxml.parser import parse_package
from harness.pki import TestPki
from simulators.agency import profiles as profiles_module
from simulators.agency.engine import Connection, Mode, SimulatedAgency, Timing
from simulators.agency.host import pki_for, read_endpoints
from simulators.agency.process import AgencyHost
from simulators.agency.profiles import PROFILES, profile
from simulators.agency.store import AgencyStore
from simulators.launcher import Simulation
from tests.agencies import until
from tests.conftest import REPO

pytestmark = pytest.mark.slow  # over ten seconds of processes, browsers or fuzzing: not in the quick loop

A, B, C = "000.00.00.H41", "000.00.12.H41", "000.00.00.H14"
NAMES = {A: "UBND tỉnh Nghệ An", B: "Sở Thông tin và Truyền thông tỉnh Nghệ An", C: "UBND tỉnh Cao Bằng"}
FAST = Timing(poll_interval=0.05, step_delay=0.05)


@pytest.fixture(scope="module")
def sim(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Simulation]:
    with Simulation.start(REPO / "fixtures" / "topologies" / "minimal.yaml", tmp_path_factory.mktemp("sim")) as s:
        yield s


@pytest.fixture(scope="module")
def pki_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One PKI for the session: tests/test_agency_backchannel.py uses the same topology and directory."""
    return tmp_path_factory.getbasetemp() / "agency-pki"


@pytest.fixture(scope="module")
def pki(sim: Simulation, pki_dir: Path) -> TestPki:
    return pki_for(read_endpoints(sim.endpoints_path), pki_dir)


@pytest.fixture(autouse=True)
def reset(sim: Simulation) -> None:
    for axis in sim.processes:
        httpx.post(axis.control_url + "/reset", json={}).raise_for_status()


def agency(
    sim: Simulation, pki: TestPki, code: str, tmp_path: Path, name: str = "conformant", mode: Mode = Mode.AUTO
) -> SimulatedAgency:
    creds = sim.credentials(code)
    return SimulatedAgency(
        organization(code, NAMES[code]),
        Connection(creds.endpoint, creds.system_id, creds.secret),
        pki,
        str(tmp_path / f"{code}-{name}.sqlite3"),
        behaviour=profile(name),
        timing=FAST,
        mode=mode,
        profile_name=name,
    )


def run(coro: Awaitable[None]) -> None:
    asyncio.run(coro)  # type: ignore[arg-type]


def codes(a: SimulatedAgency, document_id: str) -> list[str]:
    return [s["code"] for s in a.store.received_statuses(document_id)]


def exchange(
    sim: Simulation,
    pki: TestPki,
    tmp_path: Path,
    sender: str,
    receiver: str,
    *,
    sender_profile: str = "conformant",
    receiver_profile: str = "conformant",
    receiver_mode: Mode = Mode.AUTO,
    expect: int = 5,
    done: Callable[[SimulatedAgency, SimulatedAgency], bool] | None = None,
) -> tuple[SimulatedAgency, SimulatedAgency, str]:
    """One document from sender to receiver; returns both agencies and the DocumentId once the
    sender holds `expect` statuses, or `done(sender, receiver)` holds (or the deadline passes)."""
    s = agency(sim, pki, sender, tmp_path, sender_profile)
    r = agency(sim, pki, receiver, tmp_path, receiver_profile, receiver_mode)
    result: list[str] = []

    async def go() -> None:
        _, document_id = await s.send_document("Quyết định", [organization(receiver, NAMES[receiver])])
        result.append(document_id)
        finished = (lambda: done(s, r)) if done is not None else (lambda: len(codes(s, document_id)) >= expect)
        with contextlib.suppress(AssertionError):
            await until([r, s], finished, timeout=10)
        for _ in range(5):  # a little longer, to see that nothing else arrives
            for a in (r, s):
                await a.poll_once()
            await asyncio.sleep(0.05)
        await s.mailbox.aclose()
        await r.mailbox.aclose()

    run(go())
    return s, r, result[0]


def test_conformant_exchange_returns_every_status_in_order(sim: Simulation, pki: TestPki, tmp_path: Path) -> None:
    s, r, doc = exchange(sim, pki, tmp_path, A, B)
    assert codes(s, doc) == ["01", "03", "04", "05", "06"]
    assert [(x["verdict"], x["state"]) for x in r.store.registrations()] == [("ok", "completed")]


def test_a_document_is_filed_as_its_envelope_once_checked_and_not_kept_in_the_queue(
    sim: Simulation, pki: TestPki, tmp_path: Path
) -> None:
    s, r, doc = exchange(sim, pki, tmp_path, A, B)
    assert codes(s, doc) == ["01", "03", "04", "05", "06"]
    queued = r.store.db.execute("SELECT done_at, length(package) AS n FROM inbox").fetchall()
    assert [(row["done_at"] is not None, row["n"]) for row in queued] == [(True, 0)]
    [registration] = r.store.registrations()
    [sent] = s.store.db.execute("SELECT package FROM sent_documents").fetchall()
    for kept in (bytes(registration["package"]), bytes(sent["package"])):
        package = parse_package(kept, strict=False)
        assert isinstance(package, m.EdocPackage)
        assert package.document_id == doc and package.attachments == [] and len(kept) < 10_000


def test_a_received_document_is_parsed_once_after_its_fetch(
    sim: Simulation, pki: TestPki, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The clerk's parse serves the 01 status and the signature check (each parse of a whole package was
    repeated by the clerk, the outbox and the checker, a tenth of a host's CPU at a province's size)."""
    from simulators.agency import checks, clerk, outbox

    whole: list[str] = []
    real = parse_package

    def counting(data: bytes, **kw: object) -> object:
        package = real(data, **kw)  # type: ignore[arg-type]
        if isinstance(package, m.EdocPackage) and package.attachments:
            whole.append(package.document_id or "")
        return package

    for module in (checks, clerk, outbox):
        monkeypatch.setattr(module, "parse_package", counting)
    s, r, doc = exchange(sim, pki, tmp_path, A, B)
    assert codes(s, doc) == ["01", "03", "04", "05", "06"]
    assert [(x["verdict"], x["state"]) for x in r.store.registrations()] == [("ok", "completed")]
    assert whole == [doc] and r.parsed == {}  # the clerk's one parse; nothing left behind


def test_conformant_exchange_across_provinces(sim: Simulation, pki: TestPki, tmp_path: Path) -> None:
    s, _, doc = exchange(sim, pki, tmp_path, A, C)
    assert codes(s, doc) == ["01", "03", "04", "05", "06"]


def test_unsigned_document_is_rejected_with_a_reason(sim: Simulation, pki: TestPki, tmp_path: Path) -> None:
    s, r, doc = exchange(sim, pki, tmp_path, A, B, sender_profile="never-signs", expect=2)
    assert codes(s, doc) == ["01", "02"]
    reason = s.store.received_statuses(doc)[1]["description"]
    assert reason.startswith("SIG-02")
    assert [(x["verdict"], x["state"]) for x in r.store.registrations()] == [("reject", "rejected")]


def test_other_agency_signature_is_rejected(sim: Simulation, pki: TestPki, tmp_path: Path) -> None:
    s, _, doc = exchange(sim, pki, tmp_path, A, B, sender_profile="signs-as-other-agency", expect=2)
    assert codes(s, doc) == ["01", "02"]
    assert s.store.received_statuses(doc)[1]["description"].startswith("SIG-12")


def test_receiver_that_accepts_unsigned_documents(sim: Simulation, pki: TestPki, tmp_path: Path) -> None:
    s, _, doc = exchange(sim, pki, tmp_path, A, B, sender_profile="never-signs", receiver_profile="accepts-unsigned")
    assert codes(s, doc) == ["01", "03", "04", "05", "06"]


@pytest.mark.parametrize(("receiver_profile", "expected"), [("conformant", ["01", "02"]), ("accepts-unsigned", ["01"])])
def test_driven_receiver_waits_unless_the_document_fails_its_checks(
    sim: Simulation, pki: TestPki, tmp_path: Path, receiver_profile: str, expected: list[str]
) -> None:
    s, r, doc = exchange(
        sim,
        pki,
        tmp_path,
        A,
        B,
        sender_profile="never-signs",
        receiver_profile=receiver_profile,
        receiver_mode=Mode.DRIVEN,
        expect=len(expected),
    )
    assert codes(s, doc) == expected
    assert [x["state"] for x in r.store.registrations()] == ["rejected" if len(expected) == 2 else "registered"]


@pytest.mark.parametrize(
    ("receiver_profile", "expected"),
    [
        ("no-status-01", ["03", "04", "05", "06"]),
        ("statuses-out-of-order", ["01", "03", "05", "04", "06"]),
        ("malformed-status", []),
    ],
)
def test_faulty_receivers_break_their_statuses(
    sim: Simulation, pki: TestPki, tmp_path: Path, receiver_profile: str, expected: list[str]
) -> None:
    def attempted(s: SimulatedAgency, r: SimulatedAgency) -> bool:
        return len(r.store.statuses_sent()) >= 5

    done = attempted if receiver_profile == "malformed-status" else None
    s, r, doc = exchange(sim, pki, tmp_path, A, B, receiver_profile=receiver_profile, expect=len(expected), done=done)
    assert codes(s, doc) == expected
    if receiver_profile == "malformed-status":
        outcomes = [x["outcome"] for x in r.store.statuses_sent()]
        assert outcomes and all("EDX-40" in o for o in outcomes), outcomes


def test_reject_without_reason(sim: Simulation, pki: TestPki, tmp_path: Path) -> None:
    s, _, doc = exchange(
        sim, pki, tmp_path, A, B, sender_profile="never-signs", receiver_profile="reject-without-reason", expect=2
    )
    # The axis (transport strictness) carries the empty-reason 02; the sender sees it without a reason.
    got = s.store.received_statuses(doc)
    assert [x["code"] for x in got] == ["01", "02"]
    assert got[1]["description"] == ""


def test_sender_that_ignores_its_statuses(sim: Simulation, pki: TestPki, tmp_path: Path) -> None:
    def all_sent(s: SimulatedAgency, r: SimulatedAgency) -> bool:
        return [x["outcome"] for x in r.store.statuses_sent()] == ["sent"] * 5

    s, _, doc = exchange(sim, pki, tmp_path, A, B, sender_profile="ignores-sent-statuses", done=all_sent)
    assert codes(s, doc) == []
    pending = httpx.get(sim.axis_for(A).control_url + "/deliveries", params={"receiver": A}).json()
    assert [d["state"] for d in pending if d["message_type"] == "status"] == ["initial"] * 5


@pytest.mark.parametrize(("receiver_profile", "registrations"), [("conformant", 1), ("registers-twice", 2)])
def test_redelivery_is_registered_once(
    sim: Simulation, pki: TestPki, tmp_path: Path, receiver_profile: str, registrations: int
) -> None:
    axis = sim.axis_for(B).control_url
    httpx.post(axis + "/faults", json={"kind": "duplicate", "agency": B, "remaining": 1}).raise_for_status()
    _, r, _ = exchange(sim, pki, tmp_path, A, B, receiver_profile=receiver_profile)
    assert len(r.store.registrations()) == registrations


@pytest.mark.parametrize(("receiver_profile", "state"), [("conformant", "fail"), ("acks-broken-packages", "done")])
def test_broken_package_gets_a_transport_fail(
    sim: Simulation, pki: TestPki, tmp_path: Path, receiver_profile: str, state: str
) -> None:
    broken = build(new_document(sender=organization(A, NAMES[A]), recipients=[organization(B, NAMES[B])]))
    broken = broken.replace(b"<edXML:Subject>", b"<edXML:Subject></edXML:Subject><edXML:X>")  # not well-formed
    control = sim.axis_for(B).control_url
    injected = httpx.post(
        control + "/inject", json={"body_base64": base64.b64encode(broken).decode(), "receivers": [B]}
    )
    assert injected.status_code == 201, injected.text
    r = agency(sim, pki, B, tmp_path, receiver_profile)

    async def go() -> None:
        await r.poll_once()
        await r.mailbox.aclose()

    run(go())
    states = [d["state"] for d in httpx.get(control + "/deliveries", params={"receiver": B}).json()]
    assert states == [state]
    if receiver_profile == "conformant":
        assert r.store.registrations() == []
    else:  # registered as far as it parses; its EDX findings are ignored, only the SIG check runs
        [registration] = r.store.registrations()
        assert registration["verdict"] == "reject" and registration["findings"].startswith("SIG-")
        assert r.store.statuses_sent()[0]["code"] == "01"


def test_every_profile_is_known_and_faulty_ones_differ_from_conformant() -> None:
    assert len(PROFILES) >= 18
    conformant = PROFILES["conformant"]
    assert all(p != conformant for name, p in PROFILES.items() if name != "conformant")
    for name in PROFILES:  # the module's table documents every faulty profile
        assert f"`{name}`" in (profiles_module.__doc__ or "") or name == "conformant"


def test_agency_host_process_answers_a_real_client(
    sim: Simulation, pki: TestPki, pki_dir: Path, tmp_path: Path
) -> None:
    """`python -m simulators.agency` hosts every agency but the one under test; a plain VXP client
    playing that agency sends a signed document and gets the full status sequence back."""
    from harness.edxml import model as m
    from harness.edxml.parser import parse_package
    from harness.signing.documents import signed_pilot_document
    from harness.transport.vxp import MessageType, VxpClient

    state = tmp_path / "agencies"
    args = ["--pki-dir", str(pki_dir), "--skip", A, "--poll", "0.1", "--step", "0.1"]
    with AgencyHost(sim.endpoints_path, state, args) as host:
        info = json.loads((state / "backchannel.json").read_text(encoding="utf-8"))
        assert set(info) == {"agencies", "token", "pid", "mode", "lag"}
        assert (info["token"], info["mode"], info["pid"]) == (None, "auto", host.proc.pid if host.proc else None)
        hosted = [a["id"] for a in read_endpoints(sim.endpoints_path)["agencies"] if a["id"] != A]
        assert sorted(info["agencies"]) == sorted(hosted)
        assert A not in info["agencies"] and info["agencies"][B].endswith(f"/agencies/{B}")
        creds = sim.credentials(A)
        signed = signed_pilot_document(pki, "Công văn", organization(A, NAMES[A]), [organization(B, NAMES[B])])
        got: list[str] = []
        with VxpClient(creds.endpoint, creds.system_id, creds.secret) as client:
            client.send_edoc(build(signed.package), sender=A)
            deadline = time.monotonic() + 30
            while len(got) < 5 and time.monotonic() < deadline:
                for item in client.get_received_edoc_list(MessageType.STATUS):
                    status = parse_package(client.get_edoc(item.doc_id), strict=False)
                    client.update_status(item.doc_id, "done")
                    assert isinstance(status, m.StatusPackage)
                    assert status.response_for is not None
                    assert status.response_for.document_id == signed.package.document_id
                    got.append(status.status_code or "")
                time.sleep(0.1)
        assert got == ["01", "03", "04", "05", "06"]
        assert host.stop() == 0  # SIGTERM: a clean exit
    assert not (state / "backchannel.json").exists()


def test_a_dormant_agency_does_not_poll_until_woken(
    sim: Simulation, pki: TestPki, pki_dir: Path, tmp_path: Path
) -> None:
    """Issue 28: a province-sized trial keeps idle simulated systems dormant (`--dormant`, then
    POST /agencies/<mã>/_sim/awake): a dormant one neither lists its mailbox nor answers; woken, it
    registers what waited and returns its statuses; dormant again, it stops polling."""
    from harness.backchannel.client import BackchannelClient
    from harness.signing.documents import signed_pilot_document
    from harness.transport.sim_control import AxisWatch
    from harness.transport.vxp import MessageType, VxpClient

    state = tmp_path / "agencies"
    args = ["--pki-dir", str(pki_dir), "--skip", A, "--poll", "0.1", "--step", "0.1", "--dormant"]
    creds, b = sim.credentials(A), sim.credentials(B)
    axis = next(p for p in sim.processes if p.code == "000.00.99.H41")
    with AgencyHost(sim.endpoints_path, state, args), contextlib.closing(AxisWatch(axis.control_url)) as watch:
        url = json.loads((state / "backchannel.json").read_text(encoding="utf-8"))["agencies"][B]
        signed = signed_pilot_document(pki, "Công văn", organization(A, NAMES[A]), [organization(B, NAMES[B])])
        with VxpClient(creds.endpoint, creds.system_id, creds.secret) as client, BackchannelClient(url) as back:

            def statuses() -> list[str]:
                out = []
                for item in client.get_received_edoc_list(MessageType.STATUS):
                    client.update_status(item.doc_id, "done")
                    out.append(item.doc_id)
                return out

            def listings(after: int = 0) -> int:
                rows = watch.journal(system_id=b.system_id, operation="getReceivedEdocList", after=after)
                return len(rows)

            client.send_edoc(build(signed.package), sender=A)
            time.sleep(1.5)
            assert listings() == 0, "a dormant system does not check its mailbox"
            assert statuses() == []
            with pytest.raises(Exception, match="awake"):
                back._call("POST", "/_sim/awake", json={"awake": "yes"})
            back.set_awake(True)
            got: list[str] = []
            deadline = time.monotonic() + 20
            while len(got) < 5 and time.monotonic() < deadline:
                got += statuses()
                time.sleep(0.1)
            assert len(got) == 5, "woken, it registers what waited and answers every status"
            back.set_awake(False)
            time.sleep(0.5)  # a poll under way finishes
            mark = watch.last_journal_id()
            time.sleep(1.0)
            assert listings(mark) == 0, "dormant again, it stops polling"


def test_polls_never_run_back_to_back(sim: Simulation, pki: TestPki, tmp_path: Path) -> None:
    """After a poll the system rests its interval before the next, however long the poll took: the clerk
    registers only between two fetches, and polls counted from the start of the previous one ran back to
    back on a busy host (late 01 statuses, flash documents registered late at 256 agencies)."""
    a = agency(sim, pki, A, tmp_path)
    a.timing = Timing(poll_interval=0.3, step_delay=0.05)
    spans: list[tuple[float, float]] = []

    async def slow_poll() -> None:
        started = time.monotonic()
        await asyncio.sleep(0.5)  # longer than the interval
        spans.append((started, time.monotonic()))

    a.poll_axis = slow_poll  # type: ignore[method-assign]

    async def scenario() -> None:
        stop = asyncio.Event()
        task = asyncio.create_task(a._poll_loop(stop))
        await asyncio.sleep(2.5)
        stop.set()
        await task
        await a.aclose()

    run(scenario())
    rests = [nxt[0] - prev[1] for prev, nxt in itertools.pairwise(spans)]
    assert len(spans) >= 2, spans
    assert min(rests) >= 0.25, rests


def test_an_idle_clerk_rests_and_wakes_for_planned_work(sim: Simulation, pki: TestPki, tmp_path: Path) -> None:
    """With nothing queued or due the clerk rests (it looked at its queue and due work every tick, twenty times
    a second per awake agency at a province's size), and work planned while it rests runs within a tick."""
    a = agency(sim, pki, A, tmp_path, mode=Mode.DRIVEN)
    looks: list[float] = []
    done: list[float] = []
    real_next = a.store.next_queued

    def counting(by_priority: bool) -> object:
        looks.append(time.monotonic())
        return real_next(by_priority)

    async def perform(reg: object, action: object, reason: str, *, driven: bool) -> str:
        done.append(time.monotonic())
        a.store.update_registration(int(reg["id"]), auto_due=None)  # type: ignore[index]
        return "02"

    a.store.next_queued = counting  # type: ignore[method-assign,assignment]
    a._perform = perform  # type: ignore[method-assign]
    planned: list[float] = []

    async def scenario() -> None:
        stop = asyncio.Event()
        task = asyncio.create_task(a._clerk_loop(stop))
        await asyncio.sleep(1.5)
        idle = len(looks)
        planned.append(time.monotonic())
        a.store.register(
            {"axis_doc_id": "x", "document_id": "d", "from_code": B, "verdict": "reject", "package": b"", "auto_due": 0}
        )
        await asyncio.sleep(0.3)
        stop.set()
        await task
        await a.aclose()
        looks[:] = looks[:idle]

    run(scenario())
    assert 1 <= len(looks) <= 4, f"{len(looks)} looks in 1.5 s idle"
    assert len(done) == 1 and done[0] - planned[0] < 0.15, (planned, done)


def test_a_killed_host_keeps_every_commit_of_its_store_without_waiting_for_the_disk(tmp_path: Path) -> None:
    """A simulated system's store survives its host's kill -9 (committed pages are the OS's) without an fsync at
    every commit: SQLite's default waited about 2 ms for the disk each time, on the event loop of a host serving
    a hundred systems."""
    path = str(tmp_path / "agency.sqlite3")
    code = (
        "import os, signal\nfrom simulators.agency.store import AgencyStore\n"
        f"store = AgencyStore({path!r})\nnumbers = [store.next_number() for _ in range(5)]\n"
        "print(numbers[-1], flush=True)\nos.kill(os.getpid(), signal.SIGKILL)\n"
    )
    killed = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    store = AgencyStore(path)
    try:
        assert store.db.execute("PRAGMA synchronous").fetchone()["synchronous"] == 1  # NORMAL: sync at checkpoints
        assert store.next_number() == int(killed.stdout) + 1
    finally:
        store.close()
