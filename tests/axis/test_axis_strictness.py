"""What each strictness level refuses: off (routing only), transport (§7.1 hooks), full (every MUST)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from harness.edxml import model as m
from harness.edxml.builder import build
from harness.edxml.factory import new_document, status_for
from harness.transport.vxp import MessageType, Reply, VxpClient
from simulators.axis.config import AxisConfig, OrganizationSpec, Role, Strictness, SystemSpec
from simulators.launcher import AxisProcess, wait_all_ready
from simulators.topology import free_ports
from tests.axis.conftest import H41_00, H41_12, NAMES, org, unique_number

SECRETS = {H41_00: "strict-secret-00", H41_12: "strict-secret-12"}


def config_for(strictness: Strictness, port: int, state_dir: Path) -> AxisConfig:
    return AxisConfig(
        name=f"Truc kiem tra muc {strictness.value}",
        role=Role.NATIONAL,
        code="000.00.00.W00",
        db_path=str(state_dir / f"strict-{strictness.value}.sqlite3"),
        port=port,
        systems=[SystemSpec(code, secret) for code, secret in SECRETS.items()],
        organizations=[OrganizationSpec(code, NAMES[code]) for code in SECRETS],
        strictness=strictness,
    )


@pytest.fixture(scope="module")
def strict_axes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[Strictness, AxisProcess]]:
    """One single axis per strictness level, started side by side."""
    state_dir = tmp_path_factory.mktemp("strictness")
    levels = list(Strictness)
    processes = {
        level: AxisProcess(config_for(level, port, state_dir), state_dir)
        for level, port in zip(levels, free_ports(len(levels)), strict=True)
    }
    try:
        for p in processes.values():
            p.start()
        wait_all_ready(list(processes.values()), 30)
        yield processes
    finally:
        for p in processes.values():
            p.terminate()
        for p in processes.values():
            p.wait_stopped(10)


@pytest.fixture
def senders(strict_axes: dict[Strictness, AxisProcess]) -> Iterator[dict[Strictness, VxpClient]]:
    with httpx.Client(trust_env=False) as http:
        for p in strict_axes.values():
            assert http.post(f"{p.control_url}/reset", json={}).status_code == 200
    clients = {level: VxpClient(p.endpoint, H41_00, SECRETS[H41_00]) for level, p in strict_axes.items()}
    try:
        yield clients
    finally:
        for c in clients.values():
            c.close()


def document() -> m.EdocPackage:
    return new_document(sender=org(H41_00), recipients=[org(H41_12)], number=unique_number())


def send(client: VxpClient, data: bytes, message_type: str = MessageType.EDOC) -> Reply:
    return client.call(client.protocol.send_edoc(data, sender=H41_00, message_type=message_type))


def delivered(axis: AxisProcess) -> int:
    with VxpClient(axis.endpoint, H41_12, SECRETS[H41_12]) as receiver:
        return receiver.count_receive_edoc()


def test_each_level_reports_itself(strict_axes: dict[Strictness, AxisProcess]) -> None:
    with httpx.Client(trust_env=False) as http:
        for level, p in strict_axes.items():
            assert http.get(f"{p.control_url}/health").json()["strictness"] == level.value


def test_conformant_package_passes_every_level(
    strict_axes: dict[Strictness, AxisProcess], senders: dict[Strictness, VxpClient]
) -> None:
    data = build(document())
    for level, client in senders.items():
        reply = send(client, data)
        assert reply.ok, (level, reply)
        assert delivered(strict_axes[level]) == 1


def test_must_defect_outside_the_transport_set_is_refused_only_at_full(
    strict_axes: dict[Strictness, AxisProcess], senders: dict[Strictness, VxpClient]
) -> None:
    pkg = document()
    assert pkg.promulgation_info is not None
    pkg.promulgation_info.promulgation_date = "2025/02/30"  # no such day (EDX-13)
    data = build(pkg)
    for level in (Strictness.OFF, Strictness.TRANSPORT):
        reply = send(senders[level], data)
        assert reply.ok, (level, reply)
        assert delivered(strict_axes[level]) == 1
    refused = send(senders[Strictness.FULL], data)
    assert (refused.status, refused.error_code) == ("FAIL", "400")
    assert "EDX-13" in refused.error_desc and refused.error_desc.isascii()
    assert delivered(strict_axes[Strictness.FULL]) == 0


def test_package_without_to_is_refused_from_transport(senders: dict[Strictness, VxpClient]) -> None:
    pkg = document()
    pkg.to = []
    data = build(pkg)
    for level in (Strictness.TRANSPORT, Strictness.FULL):
        reply = send(senders[level], data)
        assert (reply.status, reply.error_code) == ("FAIL", "400"), level
        assert "EDX-07" in reply.error_desc, (level, reply.error_desc)
    # Even with nothing checked, a package addressed to nobody cannot be routed.
    off = send(senders[Strictness.OFF], data)
    assert off.error_code == "400" and "EDX-07" in off.error_desc


def test_messagetype_must_match_the_package_kind(
    strict_axes: dict[Strictness, AxisProcess], senders: dict[Strictness, VxpClient]
) -> None:
    edoc = build(document())
    theirs = new_document(sender=org(H41_12), recipients=[org(H41_00)], number=unique_number())
    status = build(status_for(theirs, org(H41_00), "01"))  # from H41_00, routed back to H41_12
    for level in Strictness:
        # Each package is fine under its own kind, so the refusals below are about the kind alone.
        assert send(senders[level], status, MessageType.STATUS).ok, level
    for level in (Strictness.TRANSPORT, Strictness.FULL):
        for data, wrong in ((edoc, MessageType.STATUS), (status, MessageType.EDOC)):
            reply = send(senders[level], data, wrong)
            assert (reply.status, reply.error_code) == ("FAIL", "400"), (level, wrong)
            assert "EDX-60" in reply.error_desc, (level, wrong, reply.error_desc)
        assert delivered(strict_axes[level]) == 0
    unknown = send(senders[Strictness.OFF], edoc, "notice")
    assert unknown.error_code == "400" and "EDX-60" in unknown.error_desc
