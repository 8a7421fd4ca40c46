"""The launcher and `lienthong sim` with real axis processes on loopback ports."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from simulators.launcher import Simulation, SimulationError, is_axis_process, read_state
from tests.conftest import REPO

pytestmark = pytest.mark.slow  # over ten seconds of processes, browsers or fuzzing: not in the quick loop

MINIMAL = REPO / "fixtures" / "topologies" / "minimal.yaml"


def health(url: str) -> dict[str, Any]:
    with httpx.Client(trust_env=False, timeout=2.0) as client:
        response = client.get(f"{url}/health")
    assert response.status_code == 200
    body = response.json()
    assert isinstance(body, dict)
    return body


def lienthong(*args: str, timeout: float = 30) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "harness.cli", *args], capture_output=True, text=True, timeout=timeout, cwd=REPO
    )


def recorded_pids(state_dir: Path) -> list[int]:
    state = read_state(state_dir)
    assert state is not None
    return [int(a["pid"]) for a in state["axes"]]


def wait_gone(pids: list[int], timeout: float = 10.0) -> list[int]:
    deadline = time.monotonic() + timeout
    alive = pids
    while alive and time.monotonic() < deadline:
        alive = [p for p in alive if is_axis_process(p)]
        time.sleep(0.05)
    return alive


@pytest.fixture(scope="module")
def sim(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Simulation]:
    simulation = Simulation.start(MINIMAL, tmp_path_factory.mktemp("sim"), ready_timeout=20)
    pids = [p.pid for p in simulation.processes]
    try:
        yield simulation
    finally:
        simulation.stop()
    assert not any(p.alive for p in simulation.processes)
    assert wait_gone([p for p in pids if p is not None]) == []
    assert not simulation.state_path.exists()


def test_every_axis_is_healthy(sim: Simulation) -> None:
    assert [p.code for p in sim.processes] == ["000.00.00.W00", "000.00.99.H41", "000.00.99.H14"]
    for p in sim.processes:
        assert p.alive
        body = health(p.control_url)
        assert body["status"] == "ok" and body["code"] == p.code
    assert sim.axes["000.00.99.H41"] is sim.axes["truc-lien-thong-tinh-nghe-an"]
    assert sim.national.config.role.value == "national"


def test_agency_lookup(sim: Simulation) -> None:
    assert sim.axis_for("000.00.12.H14").code == "000.00.99.H14"
    assert sim.axis_for("000.00.00.G22") is sim.national
    endpoint, system_id, secret = sim.credentials("000.00.12.H41")
    assert endpoint == sim.axes["000.00.99.H41"].endpoint and endpoint.endswith("/XrdAdapter/adapter")
    assert (system_id, secret) == ("000.00.12.H41", "test-secret-h41-12")
    with pytest.raises(KeyError):
        sim.axis_for("000.00.00.H01")


def test_endpoints_json(sim: Simulation) -> None:
    data = json.loads(sim.endpoints_path.read_text(encoding="utf-8"))
    assert data["topology"] == "Mô phỏng tối giản (kiểm thử)"
    axes = {a["code"]: a for a in data["axes"]}
    assert [a["role"] for a in data["axes"]] == ["national", "provincial", "provincial"]
    national = axes["000.00.00.W00"]
    for p in sim.processes:
        entry = axes[p.code]
        assert (entry["name"], entry["endpoint"], entry["control_url"]) == (p.name, p.endpoint, p.control_url)
        assert entry["pid"] == p.pid
    assert axes["000.00.99.H41"]["upstream"] == national["endpoint"]
    assert axes["000.00.99.H14"]["level1"] == "H14"
    agencies = {a["id"]: a for a in data["agencies"]}
    assert set(agencies) == {"000.00.00.G22", "000.00.00.H41", "000.00.12.H41", "000.00.00.H14", "000.00.12.H14"}
    h14 = agencies["000.00.12.H14"]
    assert h14["axis"] == "000.00.99.H14" and h14["endpoint"] == axes["000.00.99.H14"]["endpoint"]
    assert (h14["system_id"], h14["secret"]) == ("000.00.12.H14", "test-secret-h14-12")
    assert agencies["000.00.00.G22"]["endpoint"] == national["endpoint"]
    state = read_state(sim.state_dir)
    assert state is not None and [a["pid"] for a in state["axes"]] == [p.pid for p in sim.processes]


def test_kill_then_restart(sim: Simulation) -> None:
    axis = sim.axes["000.00.99.H14"]
    old_pid = axis.pid
    axis.kill()
    assert not axis.alive and axis.returncode == -signal.SIGKILL
    with pytest.raises(httpx.HTTPError), httpx.Client(trust_env=False, timeout=1.0) as client:
        client.get(f"{axis.control_url}/health")
    axis.restart()
    assert axis.alive and axis.pid != old_pid
    assert health(axis.control_url)["code"] == "000.00.99.H14"
    state = read_state(sim.state_dir)
    assert state is not None and axis.pid in [a["pid"] for a in state["axes"]]


def test_busy_port_is_refused_before_anything_starts(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(SimulationError, match=f"Cổng {port} trên 127.0.0.1 đang được dùng"):
            Simulation.start(MINIMAL, tmp_path, base_port=port)
    assert read_state(tmp_path) is None


def test_axis_dying_at_start_reports_its_log_and_stops_the_others(tmp_path: Path) -> None:
    with pytest.raises(SimulationError) as info:
        Simulation.start(MINIMAL, tmp_path, log_level="no-such-level")
    assert "đã thoát với mã" in info.value.message_vi and "Cuối nhật ký" in info.value.message_vi
    assert read_state(tmp_path) is None


def test_cli_detach_status_down(tmp_path: Path) -> None:
    state_dir = tmp_path / "state"
    up = lienthong("sim", "up", "--topology", str(MINIMAL), "--state-dir", str(state_dir), "--detach")
    assert up.returncode == 0, up.stdout + up.stderr
    assert "Các trục liên thông" in up.stdout and "Mã định danh" in up.stdout and "test-secret-h41-12" in up.stdout
    assert str(state_dir / "endpoints.json") in up.stdout
    pids = recorded_pids(state_dir)
    assert len(pids) == 3 and all(is_axis_process(p) for p in pids)

    status = lienthong("sim", "status", "--state-dir", str(state_dir))
    assert status.returncode == 0, status.stdout + status.stderr
    assert status.stdout.count("đang chạy, sẵn sàng") == 3

    again = lienthong("sim", "up", "--topology", str(MINIMAL), "--state-dir", str(state_dir), "--detach")
    assert again.returncode == 2 and "đang chạy" in again.stderr and "Traceback" not in again.stderr

    down = lienthong("sim", "down", "--state-dir", str(state_dir))
    assert down.returncode == 0, down.stdout + down.stderr
    assert "Đã dừng 3 trục" in down.stdout
    assert wait_gone(pids) == []
    assert read_state(state_dir) is None

    after = lienthong("sim", "status", "--state-dir", str(state_dir))
    assert after.returncode == 1 and "Không có mô phỏng nào" in after.stdout


def test_cli_foreground_stops_everything_on_sigint(tmp_path: Path) -> None:
    state_dir = tmp_path / "state"
    proc = subprocess.Popen(
        [sys.executable, "-m", "harness.cli", "sim", "up", "--topology", str(MINIMAL), "--state-dir", str(state_dir)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )
    try:
        deadline = time.monotonic() + 20
        while not (state_dir / "endpoints.json").exists():
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "sim up did not become ready"
            time.sleep(0.05)
        pids = recorded_pids(state_dir)
        assert all(is_axis_process(p) for p in pids)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, out + err
    assert "Đã dừng tất cả 3 trục" in out and "Traceback" not in err
    assert wait_gone(pids, timeout=1.0) == []
    assert read_state(state_dir) is None


def test_cli_bad_topology_exits_two_in_vietnamese(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nnational: {code: 000.00.00.W00}\nprovince: []\n", encoding="utf-8")
    proc = lienthong("sim", "up", "--topology", str(bad), "--state-dir", str(tmp_path / "state"))
    assert proc.returncode == 2
    assert "khóa không được hỗ trợ: province" in proc.stderr and "Traceback" not in proc.stderr
