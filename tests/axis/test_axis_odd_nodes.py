"""Comments and processing instructions where the axis writes its TraceHeader, and a relay that
keeps pulling when one item cannot be taken in (issue 24, item 2)."""

from __future__ import annotations

import asyncio
import base64
from pathlib import Path
from typing import Any

import pytest

from harness.transport.vxp import ReceivedItem, VxpError
from harness.transport.vxp.models import Reply
from harness.transport.vxp.wire import MessageType
from simulators.axis.config import AxisConfig, Role, UpstreamSpec
from simulators.axis.relay import Relay
from simulators.axis.service import Axis
from tests.axis.conftest import AXIS_H41, G22, H41_00, H41_12, NATIONAL, AxisEnv, trace_of

ODD_TRACES = {
    "comment in TraceHeader": (b"<edXML:TraceHeader>", b"<edXML:TraceHeader><!-- ghi chu -->"),
    "processing instruction in OrganId": (b"<edXML:OrganId>", b"<edXML:OrganId><?pi x?>"),
    "comment in Timestamp": (b"</edXML:Timestamp>", b"<!-- c --></edXML:Timestamp>"),
}


def with_odd_trace(data: bytes, case: str) -> bytes:
    """The package with an odd node planted in (or in the first child of) its last TraceHeader."""
    old, new = ODD_TRACES[case]
    start = data.rindex(b"<edXML:TraceHeader>")
    at = data.index(old, start)
    return data[:at] + new + data[at + len(old) :]


@pytest.mark.parametrize("case", list(ODD_TRACES))
def test_the_axis_stamps_its_trace_after_odd_nodes(env: AxisEnv, case: str) -> None:
    sender = env.client(H41_00)
    _, data = env.document(H41_00, [H41_12])
    assert b"<edXML:TraceHeader>" in data
    reply = sender.call(sender.protocol.send_edoc(with_odd_trace(data, case), sender=H41_00))
    assert reply.ok, reply
    [item] = env.wait_mail(env.client(H41_12))
    hops = trace_of(env.client(H41_12).get_edoc(item.doc_id))
    assert hops[-1][0] == AXIS_H41 and len(hops) == 2


def test_a_planted_package_does_not_wedge_the_relay(env: AxisEnv) -> None:
    """Planted on the national axis for a province: it used to abort every pull round there."""
    _, data = env.document(G22, [H41_12])
    planted = with_odd_trace(data, "comment in TraceHeader")
    response = env.control(
        NATIONAL,
        "POST",
        "/inject",
        json={"raw": True, "receivers": [H41_12], "from": G22, "body_base64": base64.b64encode(planted).decode()},
    )
    assert response.status_code == 201, response.text
    _, good = env.document(G22, [H41_12])
    env.client(G22).send_edoc(good, sender=G22)
    items = env.wait_mail(env.client(H41_12), count=2)
    assert len(items) == 2
    assert all(r["status"] == "OK" for r in env.journal(AXIS_H41, operation="relay:pull"))


class FakeNational:
    """The national axis as the relay sees it: a list of items and their packages."""

    def __init__(self, items: list[str]) -> None:
        self.items = items
        self.statuses: list[tuple[str, str]] = []

    async def get_received_edoc_list(self, mt: MessageType) -> list[ReceivedItem]:
        if mt is not MessageType.EDOC:
            return []
        pending = [d for d in self.items if d not in {s[0] for s in self.statuses}]
        return [ReceivedItem(d, "edoc", "eDoc", G22, H41_12, "initial", "", "", "") for d in pending]

    async def update_status(self, doc_id: str, status: str, description: str | None = None) -> None:
        self.statuses.append((doc_id, status))


class BrokenRelay(Relay):
    """A relay whose intake fails in some way no rule foresaw, for some items."""

    def __init__(self, axis: Axis, upstream: UpstreamSpec) -> None:
        super().__init__(axis, upstream)
        self.failures: dict[str, BaseException] = {}
        self.pulled: list[str] = []

    async def pull(self, upstream_id: str, receiver: str, mt: MessageType) -> None:
        if upstream_id in self.failures:
            raise self.failures[upstream_id]
        self.pulled.append(upstream_id)
        await self.client.update_status(upstream_id, "done")


def test_one_bad_item_is_set_aside_and_the_rest_flow(tmp_path: Path) -> None:
    config = AxisConfig(
        name="Trục tỉnh (thử)",
        role=Role.PROVINCIAL,
        code=AXIS_H41,
        db_path=str(tmp_path / "axis.sqlite3"),
        domains=["H41"],
        upstream=UpstreamSpec("http://127.0.0.1:9/XrdAdapter/adapter", AXIS_H41, "s"),
    )

    async def scenario() -> tuple[Axis, BrokenRelay, FakeNational]:
        axis = Axis(config)
        relay = BrokenRelay(axis, config.upstream)  # type: ignore[arg-type]
        await relay.client.aclose()
        national = FakeNational(["a" * 24, "b" * 24, "c" * 24, "d" * 24])
        relay.client = national  # type: ignore[assignment]
        relay.failures = {
            "b" * 24: UnicodeDecodeError("utf-8", b"\xed", 0, 1, "invalid continuation byte"),
            "c" * 24: VxpError("getEdoc", Reply("FAIL", "503", "down", 503)),
        }
        relay.pulled = []
        assert await relay.pull_once() == 2
        # Next round: the transient failure is tried again, the set-aside item is not.
        relay.failures = {"b" * 24: RuntimeError("must not be pulled again")}
        assert await relay.pull_once() == 1
        return axis, relay, national

    axis, relay, national = asyncio.run(scenario())
    try:
        assert relay.pulled == ["a" * 24, "d" * 24, "c" * 24]
        assert list(axis.set_aside) == ["b" * 24]
        assert "UnicodeDecodeError" in axis.set_aside["b" * 24]["reason"]
        assert ("b" * 24, "fail") in national.statuses
        rows: list[dict[str, Any]] = axis.store.journal()
        pulls = [(r["doc_ids"], r["status"]) for r in rows if r["operation"] == "relay:pull"]
        assert (["b" * 24], "FAIL") in pulls and (["c" * 24], "FAIL") in pulls
    finally:
        axis.close()
