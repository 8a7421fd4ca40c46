"""The AX-* run-test scenarios (features/ax) against the simulated provincial axis of the demo topology.

Every scenario passes against a conformant axis; an axis made faulty through the simulator's
control plane fails the scenario that owns the fault, with a message naming what went wrong; and
the same scenarios pointed at the axis as "a real URL" (no control plane, no restart hook of
its own) still pass, except AX-08, which is not run and says why.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest

from harness.scenarios.ax.ax01_xac_thuc import leaks
from harness.scenarios.ax.profile_b import NOT_APPLICABLE
from harness.scenarios.results import Outcome, ScenarioResult
from harness.scenarios.runner import Scenario, load_features, load_steps, run_scenario, select
from harness.scenarios.steps import REGISTRY
from harness.scenarios.timing import Deadlines
from harness.scenarios.world import Agency, World, WorldError
from harness.transport.bkav.wire import VXP_COUNTERPART
from harness.transport.mailbox import bkav_service
from harness.transport.vxp.models import Reply
from harness.transport.vxp.wire import ascii_text
from simulators.launcher import Simulation
from tests.conftest import REPO

pytestmark = pytest.mark.slow  # over ten seconds of processes, browsers or fuzzing: not in the quick loop

DEMO = REPO / "fixtures" / "topologies" / "demo.yaml"
FEATURES = REPO / "features"
HOME = "000.00.99.H41"
LOCAL2 = "000.00.97.H41"
AX_IDS = [f"AX-{i:02d}" for i in range(1, 13)]

DEADLINES = Deadlines(fetch=4.0, status=6.0, poll_gap=1.5, observe=2.0, flash=1.5, quiet=0.8, poll=0.05)
"""Compressed further than COMPRESSED: the simulated axes deliver in-province at once and relay
through the national axis every 0.5 s; `quiet` still spans a relay poll."""
IN_PROVINCE_FETCH = 2.0
"""How long the fault tests wait for an in-province delivery that a fault has lost."""

load_steps(FEATURES)
SCENARIOS = load_features([FEATURES / "ax"])


def scenario_key(s: Scenario) -> str:
    """`AX-01:Thao_tac_sendEdoc_chi_phuc_vu...`: the scenario, readable in any terminal."""
    return f"{s.scenario_id}:" + re.sub(r"[^\w()-]+", "_", ascii_text(s.name))[:60].strip("_")


def run(world: World, scenarios: list[Scenario]) -> list[ScenarioResult]:
    return [run_scenario(world, s, home_axis=HOME) for s in scenarios]


def explain(r: ScenarioResult) -> str:
    steps = "\n".join(f"  {s.keyword} {s.text}: {s.outcome} {s.message_vi}" for s in r.steps)
    return f"{r.scenario_id} {r.name}: {r.outcome} {r.message_vi}\n{steps}\n{r.evidence[-1:] if r.evidence else ''}"


@pytest.fixture(scope="module")
def sim(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Simulation]:
    with Simulation.start(DEMO, tmp_path_factory.mktemp("ax-sim"), ready_timeout=30) as s:
        yield s


@pytest.fixture(scope="module")
def endpoints(sim: Simulation, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """endpoints.json with only the probe agencies: an axis run plays nobody else, and the test PKI
    of four agencies is built in a third of the time of the whole topology's."""
    data: dict[str, Any] = json.loads(sim.endpoints_path.read_text(encoding="utf-8"))
    data["agencies"] = [a for a in data["agencies"] if (a.get("extra") or {}).get("harness") == "probe"]
    return data


@pytest.fixture(scope="module")
def pki_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("ax-pki")


def crash_and_restart(sim: Simulation) -> Any:
    def restart(code: str) -> None:
        process = sim.axes[code]
        process.kill()
        process.restart()

    return restart


@pytest.fixture(scope="module")
def world(sim: Simulation, endpoints: dict[str, Any], pki_dir: Path) -> Iterator[World]:
    w = World.from_endpoints(endpoints, deadlines=DEADLINES, pki_dir=pki_dir)
    w.restart_axis = crash_and_restart(sim)
    yield w
    w.close()


@pytest.fixture
def faults(world: World) -> Iterator[Any]:
    """The provincial axis' control plane; every fault is removed after the test. Meanwhile a
    lost in-province delivery is given up on sooner."""
    watch = world.watch(HOME)
    world.deadlines = replace(DEADLINES, fetch=IN_PROVINCE_FETCH)
    try:
        yield watch
    finally:
        world.deadlines = DEADLINES
        watch.remove_fault()


def test_features_cover_every_ax_item_with_unambiguous_steps() -> None:
    assert sorted({s.scenario_id for s in SCENARIOS}) == AX_IDS
    assert all(s.mandatory for s in SCENARIOS), "every AX run-test is mandatory for axis operators"
    assert len({scenario_key(s) for s in SCENARIOS}) == len(SCENARIOS), "scenario names are unique"
    for s in SCENARIOS:
        for kind, text in s.steps:
            matches = [d.pattern for d in REGISTRY if d.kind == kind and d.parser.parse(text) is not None]
            assert len(matches) == 1, (s.name, kind, text, matches)


@pytest.mark.parametrize("scenario", SCENARIOS, ids=scenario_key)
def test_scenario_passes_against_the_simulated_axis(world: World, scenario: Scenario) -> None:
    (result,) = run(world, [scenario])
    assert result.outcome is Outcome.PASSED, explain(result)
    assert result.scenario_id == scenario.scenario_id and result.agency == HOME


def test_ax02_addresses_a_third_in_province_probe_when_there_is_one(sim: Simulation, world: World) -> None:
    third = Agency(
        "000.00.96.H41",
        "Đơn vị kiểm thử số 3 (lienthong)",
        HOME,
        sim.axes[HOME].endpoint,
        "000.00.96.H41",
        "demo-secret-probe-h41-3",
        {"harness": "probe"},
    )
    control = sim.axes[HOME].control_url
    http = httpx.Client(trust_env=False, timeout=15.0)
    registered = http.post(f"{control}/systems", json={"system_id": third.system_id, "secret": third.secret})
    assert registered.status_code == 201, registered.text
    wider = World(
        list(world.axes.values()),
        [*world.agencies.values(), third],
        pki=world.pki,
        deadlines=replace(DEADLINES, fetch=IN_PROVINCE_FETCH),
    )
    wider.kit = world.kit  # one numbering of documents: a second kit could reuse DocumentIds (409)
    try:
        assert wider.probe_ids(HOME)["local3"] == third.id
        (result,) = run(wider, select(SCENARIOS, ids=["AX-02"]))
        assert result.outcome is Outcome.PASSED, explain(result)
        assert [x.from_organ for x in wider.probe("local3", HOME).mail] == ["000.00.98.H41"]
        # Its mail is lost on the axis: AX-02 names the third probe, and only it.
        wider.watch(HOME).add_fault(kind="drop", agency=third.id)
        (result,) = run(wider, select(SCENARIOS, ids=["AX-02"]))
        assert result.outcome is Outcome.FAILED, explain(result)
        assert f"thứ ba trong tỉnh {third.id} không nhận được" in result.message_vi
        assert LOCAL2 not in result.message_vi.split(":", 1)[1]
    finally:
        wider.watch(HOME).remove_fault()
        wider.close()
        http.delete(f"{control}/systems/{third.system_id}")
        http.close()


def test_a_dropped_delivery_fails_ax02_naming_it(world: World, faults: Any) -> None:
    faults.add_fault(kind="drop", agency=LOCAL2)
    (result,) = run(world, select(SCENARIOS, ids=["AX-02"]))
    assert result.outcome is Outcome.FAILED, explain(result)
    assert result.scenario_id == "AX-02"
    assert result.message_vi.startswith("[AX-02] Trục không chuyển văn bản tới nơi nhận"), result.message_vi
    assert f"{LOCAL2} không nhận được văn bản 000.00.98.H41," in result.message_vi, result.message_vi
    assert [i.rule for i in result.issues] == ["AX-02"]


def test_a_duplicated_delivery_fails_ax02_and_ax07(world: World, faults: Any) -> None:
    faults.add_fault(kind="duplicate", agency=LOCAL2)
    chosen = select(SCENARIOS, ids=["AX-02", "AX-07"])
    results = run(world, chosen)
    assert [r.scenario_id for r in results] == ["AX-02", "AX-07", "AX-07"]
    for r in results:
        assert r.outcome is Outcome.FAILED, explain(r)
        assert r.message_vi.startswith(f"[{r.scenario_id}] Mỗi nơi nhận phải nhận văn bản đúng một lần")
        assert f"{LOCAL2} nhận văn bản" in r.message_vi and " 2 lần " in r.message_vi, r.message_vi


def test_an_axis_that_is_down_fails_the_scenarios(world: World, faults: Any) -> None:
    faults.add_fault(kind="down", duration_s=60)
    chosen = [
        next(s for s in SCENARIOS if s.scenario_id == "AX-01" and "sendEdoc" in s.name),
        *select(SCENARIOS, ids=["AX-02", "AX-03", "AX-09"]),
        next(s for s in SCENARIOS if s.scenario_id == "AX-10"),
    ]
    results = run(world, chosen)
    for r in results:
        assert r.outcome is Outcome.FAILED, explain(r)
        assert r.message_vi.startswith(f"[{r.scenario_id}]")
        assert "503" in r.message_vi, r.message_vi
    faults.remove_fault()
    world.deadlines = DEADLINES
    # Gone the fault, the same scenarios pass again: nothing was left behind.
    for r in run(world, chosen):
        assert r.outcome is Outcome.PASSED, explain(r)


def test_a_real_axis_url_runs_everything_but_ax08(
    sim: Simulation, endpoints: dict[str, Any], pki_dir: Path, world: World
) -> None:
    """As with `--axis-url`: the harness reaches the axis only through the VXP protocol."""
    real = World.from_endpoints(endpoints, deadlines=DEADLINES, pki_dir=pki_dir)
    real.restart_axis = crash_and_restart(sim)
    real.kit = world.kit  # one numbering of documents: a second kit could reuse DocumentIds (409)
    real.override_endpoint(HOME, sim.axes[HOME].endpoint)
    try:
        with pytest.raises(WorldError):
            real.watch(HOME)
        results = run(real, SCENARIOS)
    finally:
        real.close()
    for r in results:
        if r.scenario_id == "AX-08":
            assert r.outcome is Outcome.NOT_RUN, explain(r)
            assert r.message_vi.startswith(f"Trục {HOME} là trục thật"), r.message_vi
            assert "thực hiện thủ công" in r.message_vi
        else:
            assert r.outcome is Outcome.PASSED, explain(r)
    # Without a restart hook at all, AX-08 says so too.
    bare = World.from_endpoints(endpoints, deadlines=DEADLINES, pki_dir=pki_dir)
    try:
        (result,) = run(bare, select(SCENARIOS, ids=["AX-08"]))
    finally:
        bare.close()
    assert result.outcome is Outcome.NOT_RUN
    assert "không thể tắt đột ngột và khởi động lại" in result.message_vi


@pytest.mark.parametrize(
    ("body", "leaked"),
    [
        ({"DocId": "", "data": [], "count": 0}, False),
        ({"data": ""}, False),
        ({"data": [{"docId": "x"}]}, True),
        ({"data": "PD94bWw="}, True),
        ({"DocId": "6b14ea10cc38b38a344f7db1"}, True),
        ({"count": 3}, True),
    ],
)
def test_a_refusal_leaks_only_when_its_fields_carry_content(body: dict[str, Any], leaked: bool) -> None:
    """AX-01/AX-06: a refusal carries the SDKs' fields empty; content in them is a leak."""
    reply = Reply("FAIL", "401", "Chu ky HMAC khong hop le", 200, {"status": "FAIL", **body})
    assert leaks(reply) is leaked


def test_ax11_fails_against_an_axis_with_weak_authentication(world: World, faults: Any) -> None:
    """A `weak-auth` fault: unsigned parameters used, hash-file unchecked, replays and repeated
    protocol headers accepted. Each AX-11 scenario names what it caught."""
    faults.add_fault(kind="weak-auth")
    results = run(world, select(SCENARIOS, ids=["AX-11"]))
    assert len(results) == 4
    expected = [
        "Trục nhận yêu cầu phát lại nguyên văn",
        "Trục trả văn bản",
        "có hash-file không khớp nội dung",
        "hai tiêu đề XroadVnpt-systemid",
    ]
    for r, text in zip(results, expected, strict=True):
        assert r.outcome is Outcome.FAILED, explain(r)
        assert r.message_vi.startswith("[AX-11]") and text in r.message_vi, r.message_vi


def test_ax12_fails_when_delivery_is_lost_or_slow(world: World, faults: Any) -> None:
    comment, slow = select(SCENARIOS, ids=["AX-12"])
    probes = world.probe_ids(HOME)
    faults.add_fault(kind="drop", agency=probes["local2"])
    (result,) = run(world, [comment])
    assert result.outcome is Outcome.FAILED, explain(result)
    assert "không nhận được" in result.message_vi, result.message_vi
    faults.remove_fault()
    faults.add_fault(kind="latency", operation="sendEdoc", latency_ms=IN_PROVINCE_FETCH * 1500)
    (result,) = run(world, [slow])
    assert result.outcome is Outcome.FAILED, explain(result)
    assert "kết nối chậm" in result.message_vi, result.message_vi


BKAV_HOME = "000.00.99.H14"
BKAV_LOCAL2 = "000.00.97.H14"
"""Cao Bằng of the demo topology runs Bkav's axis (profile B, issue 27), and its second probe."""


def test_a_profile_b_axis_is_judged_on_what_applies_and_told_why_for_the_rest(world: World) -> None:
    """The AX suite against a Bkav EdocService axis (probes speak EdocService): every scenario that
    applies passes; the three AX-11 scenarios about VXP's signed requests are recorded as not
    applicable, and so are AX-01's rows of VXP operations EdocService has no counterpart for, each with the reason
    (harness/scenarios/ax/profile_b.py): never silently skipped."""
    results = [run_scenario(world, s, home_axis=BKAV_HOME) for s in SCENARIOS]
    not_applicable = {name for item, name in NOT_APPLICABLE if item == "AX-11"}
    for r in results:
        row = re.match(r"Thao tác (\w+) ", r.name) if r.scenario_id == "AX-01" else None
        no_counterpart = row is not None and row.group(1) not in VXP_COUNTERPART.values()
        if no_counterpart or r.name in not_applicable:
            assert r.outcome is Outcome.NOT_RUN, explain(r)
            assert r.message_vi.startswith("Không áp dụng cho trục EdocService của Bkav (hồ sơ B): "), r.message_vi
        else:
            assert r.outcome is Outcome.PASSED, explain(r)
    assert len(not_applicable) == 3 and sum(r.name in not_applicable for r in results) == 3
    rows = [re.match(r"Thao tác (\w+) ", r.name) for r in results if r.outcome is Outcome.PASSED]
    assert {m.group(1) for m in rows if m is not None} == set(VXP_COUNTERPART.values())  # AX-01 on EdocService


def test_a_dropped_delivery_on_a_profile_b_axis_fails_ax02(world: World) -> None:
    watch = world.watch(BKAV_HOME)
    world.deadlines = replace(DEADLINES, fetch=IN_PROVINCE_FETCH)
    try:
        watch.add_fault(kind="drop", agency=BKAV_LOCAL2)
        (result,) = [run_scenario(world, s, home_axis=BKAV_HOME) for s in select(SCENARIOS, ids=["AX-02"])]
    finally:
        world.deadlines = DEADLINES
        watch.remove_fault()
    assert result.outcome is Outcome.FAILED, explain(result)
    assert f"{BKAV_LOCAL2} không nhận được văn bản 000.00.98.H14," in result.message_vi, result.message_vi


def test_a_bkav_axis_as_careless_as_bkavs_own_server_fails_ax06(world: World) -> None:
    """Bkav's server serves any docId to any authenticated caller (axis-protocol.md §4.1); the
    weak-auth fault gives the simulated profile B axis that habit, and AX-06 says what leaked."""
    watch = world.watch(BKAV_HOME)
    try:
        watch.add_fault(kind="weak-auth")
        (result,) = [run_scenario(world, s, home_axis=BKAV_HOME) for s in select(SCENARIOS, ids=["AX-06"])]
    finally:
        watch.remove_fault()
    assert result.outcome is Outcome.FAILED, explain(result)
    assert "gọi getDocument trên gói tin" in result.message_vi and "đọc được gói tin" in result.message_vi


def test_a_duplicated_delivery_on_a_bkav_axis_fails_ax07(world: World) -> None:
    watch = world.watch(BKAV_HOME)
    try:
        watch.add_fault(kind="duplicate", agency=BKAV_LOCAL2)
        results = [run_scenario(world, s, home_axis=BKAV_HOME) for s in select(SCENARIOS, ids=["AX-07"])]
    finally:
        watch.remove_fault()
    assert [r.outcome for r in results] == [Outcome.FAILED, Outcome.FAILED], [explain(r) for r in results]
    assert all(f"{BKAV_LOCAL2} nhận văn bản" in r.message_vi and " 2 lần " in r.message_vi for r in results)


def test_a_bkav_axis_that_takes_any_hash_edoc_fails_ax11(world: World) -> None:
    """The same weak-auth fault leaves hash-edoc unchecked, as Bkav's own server does: AX-11 catches it."""
    scenario = next(s for s in SCENARIOS if s.scenario_id == "AX-11" and "hash-file" in s.name)
    watch = world.watch(BKAV_HOME)
    try:
        watch.add_fault(kind="weak-auth")
        result = run_scenario(world, scenario, home_axis=BKAV_HOME)
    finally:
        watch.remove_fault()
    assert result.outcome is Outcome.FAILED, explain(result)
    assert "có hash-edoc không khớp nội dung" in result.message_vi, result.message_vi


def test_a_bkav_axis_that_breaks_instead_of_refusing_fails_ax01(world: World) -> None:
    """AX-01 on profile B wants the filter's refusal; an axis answering 503 to a wrong token fails it."""
    scenario = next(s for s in SCENARIOS if s.scenario_id == "AX-01" and "getReceivedEdocList " in s.name)
    watch = world.watch(BKAV_HOME)
    try:
        watch.add_fault(kind="down", duration_s=30)
        result = run_scenario(world, scenario, home_axis=BKAV_HOME)
    finally:
        watch.remove_fault()
    assert result.outcome is Outcome.FAILED, explain(result)
    assert result.message_vi.startswith("[AX-01]"), result.message_vi
    assert "nhận lỗi" in result.message_vi and "HTTP 503" in result.message_vi, result.message_vi


def test_a_real_bkav_axis_url_runs_everything_that_applies_but_ax08(
    sim: Simulation, endpoints: dict[str, Any], pki_dir: Path, world: World
) -> None:
    """As with `--axis-url https://…/EdocService --axis-protocol bkav`: the harness reaches a profile B axis
    only through EdocService, with no control plane; AX-08 and what does not apply are not run, with reasons."""
    real = World.from_endpoints(endpoints, deadlines=DEADLINES, pki_dir=pki_dir)
    real.kit = world.kit
    real.override_endpoint(BKAV_HOME, bkav_service(sim.axes[BKAV_HOME].endpoint), "bkav")
    try:
        with pytest.raises(WorldError):
            real.watch(BKAV_HOME)
        results = [run_scenario(real, s, home_axis=BKAV_HOME) for s in SCENARIOS]
    finally:
        real.close()
    not_run = {r.name: r.message_vi for r in results if r.outcome is Outcome.NOT_RUN}
    assert all(r.outcome in (Outcome.PASSED, Outcome.NOT_RUN) for r in results), [explain(r) for r in results]
    assert sum(1 for r in results if r.outcome is Outcome.PASSED) >= 20
    ax08 = next(r for r in results if r.scenario_id == "AX-08")
    assert ax08.outcome is Outcome.NOT_RUN and "không thể tắt đột ngột và khởi động lại" in ax08.message_vi
    assert all("hồ sơ B" in message for name, message in not_run.items() if name != ax08.name), not_run
