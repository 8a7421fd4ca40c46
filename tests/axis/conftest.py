"""Shared fixtures for the simulated-axis tests: one Simulation per session, reset before each test.

The minimal topology runs as real processes: the national axis (with the central body G22) and two
provinces, H41 and H14, with two agencies each. Every test gets an `AxisEnv` whose mailboxes,
journals and faults are empty, whose axes are all alive, and which hands out VXP clients by agency
id, unique document numbers (so the new-document dedupe never refuses a test by accident) and
helpers that wait for mail with a deadline instead of sleeping.
"""

from __future__ import annotations

import itertools
import os
import time
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import httpx
import pytest

from harness.edxml import model as m
from harness.edxml.builder import build
from harness.edxml.factory import new_document, organization
from harness.edxml.parser import parse_package
from harness.transport.vxp import MessageType, Quirks, ReceivedItem, VxpClient
from simulators.launcher import AxisProcess, Simulation
from tests.conftest import REPO

MINIMAL = REPO / "fixtures" / "topologies" / "minimal.yaml"

NATIONAL = "000.00.00.W00"
AXIS_H41 = "000.00.99.H41"
AXIS_H14 = "000.00.99.H14"
G22 = "000.00.00.G22"
H41_00 = "000.00.00.H41"
H41_12 = "000.00.12.H41"
H14_00 = "000.00.00.H14"
H14_12 = "000.00.12.H14"
AGENCIES = (G22, H41_00, H41_12, H14_00, H14_12)

NAMES = {
    G22: "Văn phòng Chính phủ",
    H41_00: "UBND tỉnh Nghệ An",
    H41_12: "Sở Thông tin và Truyền thông tỉnh Nghệ An",
    H14_00: "UBND tỉnh Cao Bằng",
    H14_12: "Sở Thông tin và Truyền thông tỉnh Cao Bằng",
}

DEADLINE = 10.0
"""Seconds a helper waits for something that normally takes well under one (poll interval 0.2 s)."""

T = TypeVar("T")

_numbers = itertools.count(1)
_NUMBER_BASE = os.getpid() % 1000


def unique_number() -> str:
    """A CodeNumber no other test of this run uses (at most 11 characters, EDX-11)."""
    return f"{_NUMBER_BASE:03d}{next(_numbers):05d}"


def org(agency_id: str) -> m.Organization:
    return organization(agency_id, NAMES.get(agency_id, f"Don vi {agency_id}"))


def trace_of(data: bytes) -> list[tuple[str, str]]:
    """The package's TraceHeaders as (OrganId, Timestamp), one per hop."""
    pkg = parse_package(data, strict=False)
    assert pkg.trace_header_list is not None
    return [(t.organ_id or "", t.timestamp or "") for t in pkg.trace_header_list.trace_headers]


def wait_until(condition: Callable[[], T | None], timeout: float = DEADLINE, what: str = "condition") -> T:
    """Poll `condition` until it returns something truthy; fail the test at the deadline."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() >= deadline:
            pytest.fail(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(0.02)


class AxisEnv:
    """Clients, packages, control-plane calls and waits for one test against the shared simulation."""

    def __init__(self, sim: Simulation, http: httpx.Client) -> None:
        self.sim = sim
        self.http = http
        self._clients: list[VxpClient] = []

    # Clients --------------------------------------------------------------------------------

    def client(self, agency_id: str, *, quirks: Quirks | None = None, secret: str | None = None) -> VxpClient:
        """A VXP client of `agency_id` on its home axis (optionally with a wrong secret)."""
        endpoint, system_id, real_secret = self.sim.credentials(agency_id)
        return self.raw_client(endpoint, system_id, secret if secret is not None else real_secret, quirks=quirks)

    def raw_client(self, endpoint: str, system_id: str, secret: str, *, quirks: Quirks | None = None) -> VxpClient:
        c = VxpClient(endpoint, system_id, secret, quirks=quirks, timeout=15.0)
        self._clients.append(c)
        return c

    def close(self) -> None:
        for c in self._clients:
            c.close()

    # Packages -------------------------------------------------------------------------------

    def document(self, sender: str, recipients: list[str], **overrides: Any) -> tuple[m.EdocPackage, bytes]:
        """A conformant new document with a unique number, and its bytes."""
        overrides.setdefault("number", unique_number())
        pkg = new_document(sender=org(sender), recipients=[org(r) for r in recipients], **overrides)
        return pkg, build(pkg)

    # Control plane ---------------------------------------------------------------------------

    def axis(self, code: str) -> AxisProcess:
        """An axis by its code, or the home axis of an agency."""
        return self.sim.axes[code] if code in self.sim.axes else self.sim.axis_for(code)

    def control(self, code: str, method: str, path: str, **kwargs: Any) -> httpx.Response:
        return self.http.request(method, f"{self.axis(code).control_url}{path}", **kwargs)

    def get_json(self, code: str, path: str, **params: str) -> Any:
        response = self.control(code, "GET", path, params=params)
        assert response.status_code == 200, response.text
        return response.json()

    def add_fault(self, code: str, **fault: Any) -> dict[str, Any]:
        response = self.control(code, "POST", "/faults", json=fault)
        assert response.status_code == 201, response.text
        body: dict[str, Any] = response.json()
        return body

    def deliveries(self, code: str, **params: str) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = self.get_json(code, "/deliveries", **params)
        return rows

    def journal(self, code: str, **params: str) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = self.get_json(code, "/journal", **params)
        return rows

    def reset(self) -> None:
        """Empty every axis. Provinces, national, provinces: a relay caught mid-forward or mid-pull
        by the first round leaves nothing behind after the last one."""
        provinces = self.sim.processes[1:]
        for p in [*provinces, self.sim.national, *provinces]:
            response = self.http.post(f"{p.control_url}/reset", json={"registry": True})
            assert response.status_code == 200, response.text

    # Waiting --------------------------------------------------------------------------------

    def wait_mail(
        self,
        client: VxpClient,
        count: int = 1,
        message_type: MessageType = MessageType.EDOC,
        timeout: float = DEADLINE,
    ) -> list[ReceivedItem]:
        """The caller's pending list once it holds at least `count` items."""

        def ready() -> list[ReceivedItem] | None:
            items = client.get_received_edoc_list(message_type)
            return items if len(items) >= count else None

        return wait_until(ready, timeout, f"{count} {message_type} item(s) for {client.system_id}")


@pytest.fixture(scope="session")
def axis_sim(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Simulation]:
    """The minimal topology, started once for every axis test module."""
    with Simulation.start(MINIMAL, tmp_path_factory.mktemp("axis-sim"), ready_timeout=30) as sim:
        yield sim


@pytest.fixture
def env(axis_sim: Simulation) -> Iterator[AxisEnv]:
    """A clean simulation: every axis alive (a crash test may have left one dead), empty and fault-free."""
    for p in axis_sim.processes:
        if not p.alive:
            p.restart()
    with httpx.Client(trust_env=False, timeout=15.0) as http:
        e = AxisEnv(axis_sim, http)
        e.reset()
        try:
            yield e
        finally:
            e.close()
