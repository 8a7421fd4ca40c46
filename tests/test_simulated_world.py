"""The simulated world's start: axes, then the test PKI, then the agency hosts."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest

from harness.pki.store import MANIFEST
from harness.scenarios.simulated_world import SimulatedWorld
from tests.conftest import REPO

pytestmark = pytest.mark.slow  # real axis and agency processes

MINIMAL = REPO / "fixtures" / "topologies" / "minimal.yaml"


def test_hosts_start_after_the_pki_is_built(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """On a machine without the test PKI the world builds it before spawning the hosts: built by the
    hosts, a 256-agency PKI took the minute the hosts are given to start, and a fresh machine's first
    province trial stopped with "Bộ mô phỏng cơ quan không sẵn sàng sau 60 giây"."""
    pki_dir = tmp_path / "pki"
    monkeypatch.setenv("LIENTHONG_PKI_DIR", str(pki_dir))
    seen: list[bool] = []
    start_host = SimulatedWorld._start_host

    def recording(self: SimulatedWorld, timeout: float) -> None:
        seen.append((pki_dir / MANIFEST).is_file())
        start_host(self, timeout)

    monkeypatch.setattr(SimulatedWorld, "_start_host", recording)
    sim = SimulatedWorld(MINIMAL, tmp_path / "world", suts=["000.00.12.H41"], dormant=True)
    with sim:
        assert sim.world is not None
        assert "000.00.12.H41" in sim.hosted(0)
        assert sim.world.pki.agency("000.00.12.H41").certificate is not None
        started = time.time()
        sources = sim.lag_sources()  # each axis and each host: the harness paces and judges on their lag too
        urls = [source.url for source in sources]
        assert len(sources) == len(sim.world.axes) + 1  # the axes first, then the one host
        try:
            for source in sources:
                deadline = time.monotonic() + 10
                while not (samples := source(started)) and time.monotonic() < deadline:
                    time.sleep(0.1)
                assert samples and all(at > started for at, _ in samples), source.url
        finally:
            for source in sources:
                source.close()
        bad = httpx.get(urls[0], params={"after": "hôm qua"})
        assert bad.status_code == 400 and "after" in bad.json()["error"]
    assert seen == [True]
