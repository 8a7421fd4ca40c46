"""pytest plugin of the run-test features: `pytest features/ --sut 000.00.05.H41 --driver simulated`.

It starts (or attaches to) the simulated world, gives every scenario a ScenarioContext with the
system under test and its driver, and records each scenario's result (agency, scenario, attempt,
outcome, timings, issues, evidence) as a JSON line for the reports.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from harness.paths import fixtures_dir
from harness.scenarios.context import NotApplicable, ScenarioContext
from harness.scenarios.execution import ScenarioRun, scenario_id_of
from harness.scenarios.results import Recorder
from harness.scenarios.timing import PRESETS

DRIVERS = ("simulated", "backchannel", "operator", "container")


def pytest_addoption(parser: pytest.Parser) -> None:
    g = parser.getgroup("lienthong", "lienthong: kịch bản chạy thử")
    g.addoption("--topology", default=None, help="tệp cấu hình mô phỏng (mặc định fixtures/topologies/demo.yaml)")
    g.addoption("--endpoints", default=None, help="endpoints.json của một mô phỏng đang chạy (không khởi động mới)")
    g.addoption("--sut", default=None, help="mã định danh cơ quan có hệ thống được kiểm thử (RT-*)")
    g.addoption("--driver", default="simulated", choices=DRIVERS, help="cách điều khiển hệ thống được kiểm thử")
    g.addoption("--backchannel-url", default=None, help="địa chỉ backchannel của nhà cung cấp (--driver backchannel)")
    g.addoption("--backchannel-token", default=None, help="mã truy cập backchannel")
    g.addoption("--image", default=None, help="ảnh container của nhà cung cấp (--driver container)")
    g.addoption("--operator-name", default="Văn thư", help="người thao tác (--driver operator)")
    g.addoption("--sut-profile", default=None, help="hồ sơ hành vi của cơ quan mô phỏng được kiểm thử")
    g.addoption("--axis", default=None, help="mã trục được kiểm thử cho AX-* (mặc định trục tỉnh đầu tiên)")
    g.addoption("--axis-url", default=None, help="địa chỉ một trục thật cho AX-* (thay trục mô phỏng)")
    g.addoption(
        "--axis-protocol",
        default=None,
        choices=("vxp", "bkav"),
        help="giao thức của trục được kiểm thử: vxp (trục VNPT) hoặc bkav (EdocService); mặc định theo cấu hình",
    )
    g.addoption("--time", default="compressed", choices=sorted(PRESETS), help="thời hạn: nén (demo, CI) hay thật")
    g.addoption("--time-scale", type=float, default=1.0, help="nhân mọi thời hạn với hệ số này (máy chậm)")
    g.addoption("--round", default="", help="tên đợt chạy thử")
    g.addoption("--attempt", type=int, default=1, help="lần chạy thứ mấy")
    g.addoption("--results", default=None, help="tệp JSONL ghi kết quả từng kịch bản")
    g.addoption("--evidence-dir", default=None, help="thư mục lưu bằng chứng (gói tin lỗi, nhật ký)")
    g.addoption("--scenario", action="append", default=[], help="chỉ chạy mục này (RT-05, AX-03); lặp lại được")


def pytest_configure(config: pytest.Config) -> None:
    """Register the tags features use as marks: run-test items, rule IDs, mandatory/recommended."""
    from harness.edxml.catalogue import catalogue as edx
    from harness.signing.catalogue import catalogue as sig

    names = [f"RT-{i:02d}" for i in range(1, 13)] + [f"AX-{i:02d}" for i in range(1, 13)]
    names += [*edx(), *sig(), "mandatory", "recommended"]
    for name in names:
        config.addinivalue_line("markers", f"{name}: thẻ kịch bản chạy thử")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    wanted = set(_opt(config, "scenario"))
    if not wanted:
        return
    keep = [i for i in items if wanted & {m.name for m in i.iter_markers()}]
    config.hook.pytest_deselected(items=[i for i in items if i not in keep])
    items[:] = keep


def _opt(config: pytest.Config, name: str) -> Any:
    return config.getoption(name)


class Session:
    """What one pytest session runs against."""

    def __init__(self, config: pytest.Config, tmp: Path) -> None:
        from harness.scenarios.simulated_world import SimulatedWorld
        from harness.scenarios.world import World

        self.config = config
        self.sut_id: str | None = _opt(config, "sut")
        self.driver_name: str = _opt(config, "driver")
        deadlines = PRESETS[_opt(config, "time")].scaled(_opt(config, "time_scale"))
        results = _opt(config, "results")
        evidence = _opt(config, "evidence_dir")
        self.recorder = Recorder(Path(results) if results else None)
        self.evidence_dir = Path(evidence) if evidence else tmp / "evidence"
        self.sim: SimulatedWorld | None = None
        endpoints = _opt(config, "endpoints")
        if endpoints:
            self.world = World.from_endpoints(
                Path(endpoints), deadlines=deadlines, recorder=self.recorder, evidence_dir=self.evidence_dir
            )
        else:
            topology = Path(_opt(config, "topology") or fixtures_dir() / "topologies" / "demo.yaml")
            suts = [self.sut_id] if self.sut_id and self.driver_name == "simulated" else []
            profile = _opt(config, "sut_profile")
            self.sim = SimulatedWorld(
                topology,
                tmp / "world",
                suts=suts,
                profiles={self.sut_id: profile} if self.sut_id and profile else {},
                deadlines=deadlines,
                recorder=self.recorder,
                evidence_dir=self.evidence_dir,
            )
            self.world = self.sim.start()
        axis = _opt(config, "axis")
        axis_protocol = _opt(config, "axis_protocol")
        if not axis and axis_protocol:  # the first provincial axis that speaks it, when there is one
            provinces = [a for a in self.world.axes.values() if a.role == "provincial"]
            axis = next((a.code for a in provinces if a.protocol == axis_protocol), None)
        if axis:
            self.world.home_axis = axis
        axis_url = _opt(config, "axis_url")
        if axis_url:
            self.world.override_endpoint(self.world.home_axis, axis_url, axis_protocol)
        elif axis_protocol:
            self.world.set_protocol(self.world.home_axis, axis_protocol)
        self.driver = self._driver() if self.sut_id else None

    def _driver(self) -> Any:
        assert self.sut_id is not None
        if self.driver_name == "simulated":
            from harness.drivers.simulated import SimulatedDriver

            if self.sim is not None:
                return self.sim.driver(self.sut_id)
            endpoints = Path(_opt(self.config, "endpoints"))
            return SimulatedDriver.from_state(endpoints.parent / "agencies", self.sut_id)
        if self.driver_name == "backchannel":
            from harness.drivers.backchannel import BackchannelDriver

            url = _opt(self.config, "backchannel_url")
            if not url:
                raise pytest.UsageError("--driver backchannel cần --backchannel-url")
            driver = BackchannelDriver(url, token=_opt(self.config, "backchannel_token"))
            driver.start()
            return driver
        if self.driver_name == "operator":
            from harness.drivers.operator import OperatorDriver

            sut = self.world.agency(self.sut_id)
            names = {a.id: a.name for a in self.world.agencies.values()}
            return OperatorDriver(
                sut.id,
                sut.name,
                _opt(self.config, "operator_name"),
                log_path=self.evidence_dir / "attestations.jsonl",
                agencies=names,
            )
        from harness.drivers.container import ContainerDriver, ContainerSpec

        image = _opt(self.config, "image")
        if not image:
            raise pytest.UsageError("--driver container cần --image")
        sut = self.world.agency(self.sut_id)
        spec = ContainerSpec(
            image=image, organ_id=sut.id, axis_endpoint=sut.endpoint, system_id=sut.system_id, secret=sut.secret
        )
        container = ContainerDriver(spec, evidence_dir=self.evidence_dir)
        container.start()
        return container

    def close(self) -> None:
        if self.driver is not None:
            self.driver.close()
        if self.sim is not None:
            self.sim.stop()
        else:
            self.world.close()


SESSION = pytest.StashKey["Session"]()
"""The world and driver of this pytest session (config.stash)."""
SCENARIO = pytest.StashKey[tuple[str, str]]()
"""The scenario's name and feature, as pytest-bdd announces them (item.stash)."""
RUN = pytest.StashKey["ScenarioRun"]()
"""The scenario being run (item.stash); the step hooks report to it."""
STEP_STARTED = pytest.StashKey[float]()
CALL_PASSED = pytest.StashKey[bool]()
"""What pytest's call phase said of the scenario as a whole (item.stash)."""


@pytest.fixture(scope="session")
def lienthong_session(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Session]:
    session = Session(request.config, tmp_path_factory.mktemp("lienthong"))
    request.config.stash[SESSION] = session
    try:
        yield session
    finally:
        del request.config.stash[SESSION]
        session.close()


PYTEST_MARKS = {"parametrize", "usefixtures", "filterwarnings", "skip", "skipif", "xfail"}


def pytest_bdd_before_scenario(request: pytest.FixtureRequest, feature: Any, scenario: Any) -> None:
    request.node.stash[SCENARIO] = (str(scenario.name), str(feature.name))


def _scenario_info(request: pytest.FixtureRequest) -> tuple[str, str, list[str]]:
    """Name, feature and tags (feature, scenario and example tags, as pytest-bdd marks them)."""
    name, feature = request.node.stash.get(SCENARIO, (request.node.name, ""))
    tags = sorted({m.name for m in request.node.iter_markers()} - PYTEST_MARKS)
    return name, feature, tags


@pytest.fixture
def scenario_ctx(request: pytest.FixtureRequest, lienthong_session: Session) -> Iterator[ScenarioContext]:
    """The context every step gets; its result is recorded when the scenario ends."""
    s = lienthong_session
    name, feature, tags = _scenario_info(request)
    scenario_id = scenario_id_of(tags)
    sut = s.world.agency(s.sut_id) if s.sut_id else None
    if scenario_id.startswith("RT") and sut is None:
        pytest.skip("Kịch bản RT-* cần --sut <mã định danh cơ quan>")
    run = ScenarioRun(
        s.world,
        scenario_id=scenario_id,
        name=name,
        feature=feature,
        tags=tags,
        sut=sut,
        driver=s.driver,
        driver_name=s.driver_name if sut else "",
        attempt=_opt(request.config, "attempt"),
        round_name=_opt(request.config, "round"),
        home_axis=None if (sut and scenario_id.startswith("RT")) else s.world.home_axis,
    )
    request.node.stash[RUN] = run
    yield run.ctx
    del request.node.stash[RUN]
    run.finish(request.node.stash.get(CALL_PASSED, None))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    if report.when == "call":
        item.stash[CALL_PASSED] = bool(report.passed)


def pytest_bdd_after_scenario(request: pytest.FixtureRequest, **_: Any) -> None:
    """The checks left for the end run inside the test, so a failing one fails it as a step would."""
    run = request.node.stash.get(RUN, None)
    if run is None:
        return
    failure = run.settle()
    if failure is not None:
        raise failure


def pytest_bdd_before_step(request: pytest.FixtureRequest, **_: Any) -> None:
    request.node.stash[STEP_STARTED] = time.monotonic()


def _step_ended(request: pytest.FixtureRequest, step: Any, exception: Exception | None = None) -> None:
    run = request.node.stash.get(RUN, None)
    if run is None:
        return
    seconds = time.monotonic() - request.node.stash.get(STEP_STARTED, time.monotonic())
    run.step_ended(step.keyword.strip(), step.name, seconds, exception)


def pytest_bdd_after_step(request: pytest.FixtureRequest, step: Any, **_: Any) -> None:
    _step_ended(request, step)


def pytest_bdd_step_error(request: pytest.FixtureRequest, step: Any, exception: Exception, **_: Any) -> None:
    _step_ended(request, step, exception)
    if isinstance(exception, NotApplicable):
        pytest.skip(f"Chưa thực hiện: {exception.message_vi}")


def bind_steps(namespace: dict[str, Any]) -> None:
    """Register every step of harness.scenarios.steps with pytest-bdd in `namespace` (a conftest)."""
    from inspect import Parameter, Signature

    from pytest_bdd import given, parsers, then, when

    from harness.scenarios.steps import REGISTRY

    decorators = {"given": given, "when": when, "then": then}
    for index, step in enumerate(REGISTRY):

        def call(scenario_ctx: ScenarioContext, __step: Any = step, **params: Any) -> None:
            __step.func(scenario_ctx, **params)

        params = [Parameter("scenario_ctx", Parameter.POSITIONAL_OR_KEYWORD)]
        params += [Parameter(n, Parameter.KEYWORD_ONLY) for n in step.names]
        call.__signature__ = Signature(params)  # type: ignore[attr-defined]
        name = f"lienthong_step_{index}"
        call.__name__ = name
        namespace[name] = decorators[step.kind](parsers.parse(step.pattern), stacklevel=2)(call)


__all__ = ["bind_steps"]
