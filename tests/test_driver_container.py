"""The container driver, with the real docker SDK against a fake Docker Engine (tests/fake_docker_engine.py)."""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import docker
import httpx
import pytest

from harness.backchannel.models import Action, SendRequest
from harness.drivers.base import Driver, DriverError
from harness.drivers.container import ContainerDriver, ContainerSpec, container_axis_url
from tests.fake_docker_engine import FakeEngine

pytestmark = pytest.mark.slow  # over ten seconds of processes, browsers or fuzzing: not in the quick loop

ORGAN = "000.00.05.H41"
AXIS = "http://127.0.0.1:8101/XrdAdapter/adapter"
IMAGES = {
    "vendor/qlvb:1.0": "backchannel",
    "vendor/slow:1.0": "backchannel-slow",
    "vendor/broken:1.0": "exit",
    "vendor/silent:1.0": "silent",
}
REGISTRY = {"vendor/remote:2.0": "backchannel", "vendor/qlvb:1.0": "backchannel", "vendor/latest": "backchannel"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def engine() -> Iterator[tuple[FakeEngine, str]]:
    fake = FakeEngine(images=IMAGES, registry=REGISTRY)
    with fake.serve() as url:
        yield fake, url


def make_spec(image: str = "vendor/qlvb:1.0", **changes: Any) -> ContainerSpec:
    values: dict[str, Any] = {
        "image": image,
        "organ_id": ORGAN,
        "axis_endpoint": AXIS,
        "system_id": ORGAN,
        "secret": "bi-mat-123",
        "backchannel_port": free_port(),
        "start_timeout": 10.0,
    }
    values.update(changes)
    return ContainerSpec(**values)


def make_driver(url: str, tmp_path: Path, spec: ContainerSpec | None = None) -> ContainerDriver:
    return ContainerDriver(spec or make_spec(), docker_url=url, evidence_dir=tmp_path / "evidence", request_timeout=5)


def seen_env(driver: ContainerDriver) -> dict[str, str]:
    """The environment the stand-in process actually received, asked through its backchannel."""
    assert driver.backchannel_url is not None
    headers = {"Authorization": f"Bearer {driver.token}"}
    response = httpx.get(driver.backchannel_url + "/_env", headers=headers, timeout=5)
    response.raise_for_status()
    data: dict[str, str] = response.json()
    return data


def test_lifecycle(engine: tuple[FakeEngine, str], tmp_path: Path) -> None:
    fake, url = engine
    driver = make_driver(url, tmp_path)
    driver.start()
    try:
        [container] = fake.containers.values()
        assert container.status() == "running" and container.id == driver.container_id
        assert driver.backchannel_url == f"http://127.0.0.1:{driver.spec.backchannel_port}"
        # the Driver methods go through the container's backchannel
        command = driver.send_document(SendRequest("Công văn", ["000.00.12.H41"]))
        assert command.accepted and command.document_id == f"{ORGAN},2025/01/02,1/CV-TEST"
        refused = driver.send_document(SendRequest("Công văn", ["000.00.12.H41"], secret=True))
        assert not refused.accepted and refused.refusal_code == "SECRET_DOCUMENT"
        assert driver.attest("Bước") is None
    finally:
        driver.close()
    assert fake.containers == {} and [c.id for c in fake.removed] == [container.id]
    assert container.remove_query["force"] == "True" and container.remove_query["v"] == "True"
    assert container.process is not None and container.process.poll() is not None, "the process must be gone"
    assert driver.log_file == tmp_path / "evidence" / f"{driver.container_name}.log"
    log = driver.log_file.read_text(encoding="utf-8")
    assert "QLVB giả lập khởi động: 000.00.05.H41" in log and "backchannel sẵn sàng" in log
    assert re.match(r"\d{4}-\d\d-\d\dT", log), "evidence lines carry the engine's timestamps"
    driver.close()  # idempotent
    with pytest.raises(DriverError, match="chưa được khởi động"):
        driver.send_document(SendRequest("Công văn", ["000.00.12.H41"]))


def test_is_a_driver(tmp_path: Path) -> None:
    driver: Driver = make_driver("tcp://127.0.0.1:1", tmp_path)  # mypy checks the protocol
    assert driver.name == "container" and driver.attest("Bước") is None


def test_environment_labels_and_name(engine: tuple[FakeEngine, str], tmp_path: Path) -> None:
    fake, url = engine
    spec = make_spec(
        token="ma-truy-cap",
        backchannel_path="/agencies/000.00.05.H41/",
        env={"FAKE_BACKCHANNEL_PATH": "/agencies/000.00.05.H41/", "VENDOR_MODE": "test", "LIENTHONG_SECRET": "x"},
    )
    driver = make_driver(url, tmp_path, spec)
    driver.start()
    try:
        [container] = fake.containers.values()
        expected = {
            "LIENTHONG_AXIS_URL": AXIS,
            "LIENTHONG_SYSTEM_ID": ORGAN,
            "LIENTHONG_SECRET": "bi-mat-123",
            "LIENTHONG_ORGAN_ID": ORGAN,
            "LIENTHONG_BACKCHANNEL_PORT": str(spec.backchannel_port),
            "LIENTHONG_BACKCHANNEL_TOKEN": "ma-truy-cap",
            "FAKE_BACKCHANNEL_PATH": "/agencies/000.00.05.H41/",
            "VENDOR_MODE": "test",
        }
        assert sorted(container.body["Env"]) == sorted(f"{k}={v}" for k, v in expected.items())
        env = seen_env(driver)
        assert {k: v for k, v in env.items() if k in expected or k.startswith("LIENTHONG_")} == expected
        assert container.labels == {"lienthong.organ": ORGAN}
        assert re.fullmatch(r"lienthong-000\.00\.05\.H41-[0-9a-f]{6}", container.name)
        assert container.name == driver.container_name
        assert container.host_config["NetworkMode"] == "host"
        assert "PortBindings" not in container.host_config
        assert driver.backchannel_url == f"http://127.0.0.1:{spec.backchannel_port}/agencies/000.00.05.H41"
    finally:
        driver.close()


def test_random_token_by_default(engine: tuple[FakeEngine, str], tmp_path: Path) -> None:
    _, url = engine
    first, second = make_driver(url, tmp_path), make_driver(url, tmp_path)
    assert len(first.token) >= 24 and first.token != second.token
    assert first.container_name != second.container_name
    first.start()
    try:
        assert seen_env(first)["LIENTHONG_BACKCHANNEL_TOKEN"] == first.token
        unauthorised = httpx.get(f"{first.backchannel_url}/health", timeout=5)
        assert unauthorised.status_code == 401
    finally:
        first.close()
    assert make_driver(url, tmp_path, make_spec(token="")).environment()["LIENTHONG_BACKCHANNEL_TOKEN"] == ""


def test_bridge_network(engine: tuple[FakeEngine, str], tmp_path: Path) -> None:
    fake, url = engine
    spec = make_spec(network="bridge", axis_endpoint="http://localhost:8101/XrdAdapter/adapter")
    driver = make_driver(url, tmp_path, spec)
    driver.start()
    try:
        [container] = fake.containers.values()
        port = spec.backchannel_port
        assert container.host_config["NetworkMode"] == "bridge"
        assert container.host_config["PortBindings"] == {f"{port}/tcp": [{"HostIp": "127.0.0.1", "HostPort": ""}]}
        assert container.host_config["ExtraHosts"] == ["host.docker.internal:host-gateway"]
        assert container.env["LIENTHONG_AXIS_URL"] == "http://host.docker.internal:8101/XrdAdapter/adapter"
        assert driver.backchannel_url == f"http://127.0.0.1:{port}"
    finally:
        driver.close()


def test_axis_url_rewriting() -> None:
    assert container_axis_url(AXIS, "host") == AXIS
    assert container_axis_url(AXIS, "bridge") == "http://host.docker.internal:8101/XrdAdapter/adapter"
    assert container_axis_url("http://[::1]:80/a?b=1", "bridge") == "http://host.docker.internal:80/a?b=1"
    assert container_axis_url("https://localhost/XrdAdapter", "bridge") == "https://host.docker.internal/XrdAdapter"
    assert container_axis_url("http://10.0.0.5:8101/x", "bridge") == "http://10.0.0.5:8101/x"
    with pytest.raises(ValueError):
        make_spec(network="overlay")
    with pytest.raises(ValueError):
        make_spec(pull="sometimes")


def test_pull_only_when_missing(engine: tuple[FakeEngine, str], tmp_path: Path) -> None:
    fake, url = engine
    present = make_driver(url, tmp_path)
    present.start()
    present.close()
    assert fake.pulls == []

    remote = make_driver(url, tmp_path, make_spec("vendor/remote:2.0"))
    remote.start()
    remote.close()
    assert fake.pulls == ["vendor/remote:2.0"]

    untagged = make_driver(url, tmp_path, make_spec("vendor/latest"))
    untagged.start()
    untagged.close()
    assert fake.pulls == ["vendor/remote:2.0", "vendor/latest:latest"]

    again = make_driver(url, tmp_path, make_spec("vendor/remote:2.0"))
    again.start()
    again.close()
    assert len(fake.pulls) == 2, "an image already present is not pulled again"

    always = make_driver(url, tmp_path, make_spec(pull="always"))
    always.start()
    always.close()
    assert fake.pulls[-1] == "vendor/qlvb:1.0"


def test_pull_failures(engine: tuple[FakeEngine, str], tmp_path: Path) -> None:
    fake, url = engine
    with pytest.raises(DriverError, match="pull=never"):
        make_driver(url, tmp_path, make_spec("vendor/remote:2.0", pull="never")).start()
    assert fake.pulls == []
    with pytest.raises(DriverError, match=r"Không tải được ảnh vendor/unknown:9"):
        make_driver(url, tmp_path, make_spec("vendor/unknown:9")).start()
    assert fake.pulls == ["vendor/unknown:9"] and fake.containers == {} and fake.removed == []


def test_container_that_exits_at_once(engine: tuple[FakeEngine, str], tmp_path: Path) -> None:
    fake, url = engine
    driver = make_driver(url, tmp_path, make_spec("vendor/broken:1.0"))
    with pytest.raises(DriverError) as caught:
        driver.start()
    message = caught.value.message_vi
    assert "mã thoát 3" in message and "20 dòng log cuối" in message
    assert "lỗi: không kết nối được trục" in message and "dòng log 30" in message and "dòng log 12" in message
    assert "dòng log 11\n" not in message, "only the last 20 lines"
    assert fake.containers == {} and len(fake.removed) == 1, "the failed container is removed"
    assert driver.log_file is not None and "dòng log 1\n" in driver.log_file.read_text(encoding="utf-8")
    driver.close()


def test_container_that_never_answers(engine: tuple[FakeEngine, str], tmp_path: Path) -> None:
    fake, url = engine
    driver = make_driver(url, tmp_path, make_spec("vendor/silent:1.0", start_timeout=1.0))
    with pytest.raises(DriverError) as caught:
        driver.start()
    message = caught.value.message_vi
    assert "không trả lời GET /health trong 1 giây" in message
    assert "QLVB giả lập khởi động" in message
    assert fake.containers == {}
    [container] = fake.removed
    assert container.process is not None and container.process.poll() is not None


def test_slow_start_through_docker_host(
    engine: tuple[FakeEngine, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No docker_url: the engine comes from DOCKER_HOST; a slow system is waited for."""
    fake, url = engine
    monkeypatch.setenv("DOCKER_HOST", url)
    driver = ContainerDriver(make_spec("vendor/slow:1.0"), evidence_dir=tmp_path, request_timeout=5)
    assert driver.engine == url
    driver.start()
    try:
        assert fake.containers[str(driver.container_id)].status() == "running"
    finally:
        driver.close()


def test_engine_unreachable(tmp_path: Path) -> None:
    url = f"tcp://127.0.0.1:{free_port()}"
    driver = make_driver(url, tmp_path)
    with pytest.raises(DriverError, match=rf"^Không kết nối được Docker Engine tại {re.escape(url)}"):
        driver.start()
    driver.close()


def test_close_when_container_already_gone(engine: tuple[FakeEngine, str], tmp_path: Path) -> None:
    fake, url = engine
    make_driver(url, tmp_path).close()  # never started

    driver = make_driver(url, tmp_path)
    driver.start()
    client = docker.DockerClient(base_url=url)
    try:
        client.containers.get(driver.container_name).remove(force=True)
    finally:
        client.close()
    assert fake.containers == {}
    driver.close()
    driver.close()


def test_action_delegation(engine: tuple[FakeEngine, str], tmp_path: Path) -> None:
    """Actions go to the container's backchannel (the stand-in knows none: NOT_FOUND is a refusal)."""
    _, url = engine
    driver = make_driver(url, tmp_path)
    driver.start()
    try:
        command = driver.act("x", "000.00.12.H41", Action.ACCEPT)
        assert not command.accepted and command.refusal_code == "NOT_FOUND"
        assert not driver.recall("x").accepted
        with pytest.raises(DriverError, match="sổ văn bản đến"):
            driver.received()
    finally:
        driver.close()
