"""Fault injection: each kind fails in the way it promises, only where it is aimed, and goes away."""

from __future__ import annotations

import time
from types import SimpleNamespace
from typing import Any, cast

import httpx
import pytest

from harness.scenarios.context import ScenarioContext
from harness.scenarios.rt.common import FAULT_LIFETIME_S, scenario_fault
from harness.transport.sim_control import AxisWatch, ControlPlaneError
from harness.transport.vxp import MessageType, Operation, VxpClient
from tests.axis.conftest import AXIS_H41, H41_00, H41_12, AxisEnv, wait_until


def send(env: AxisEnv, client: VxpClient, sender: str, receivers: list[str]) -> str:
    _, data = env.document(sender, receivers)
    return client.send_edoc(data, sender=sender)


def remove_faults(env: AxisEnv, code: str = AXIS_H41) -> int:
    response = env.control(code, "DELETE", "/faults")
    assert response.status_code == 200
    removed: int = response.json()["removed"]
    return removed


def test_drop_accepts_but_never_delivers(env: AxisEnv) -> None:
    env.add_fault(AXIS_H41, kind="drop", agency=H41_12)
    sender, victim, bystander = env.client(H41_00), env.client(H41_12), env.client(H41_00)
    doc_id = send(env, sender, H41_00, [H41_12, H41_00])
    assert doc_id
    assert victim.get_received_edoc_list() == [] and victim.count_receive_edoc() == 0
    assert [i.to for i in bystander.get_received_edoc_list()] == [H41_00]
    dropped = env.deliveries(AXIS_H41, state="dropped")
    assert [(d["receiver"], d["sender_doc_id"]) for d in dropped] == [(H41_12, doc_id)]
    # A dropped delivery cannot be fetched either, even by whoever guesses its id.
    assert victim.call(victim.protocol.get_edoc(dropped[0]["doc_id"])).error_code == "404"
    journal = env.journal(AXIS_H41, operation="sendEdoc")
    assert journal[-1]["note"] == f"dropped:{dropped[0]['doc_id']}"

    assert remove_faults(env) == 1
    send(env, sender, H41_00, [H41_12])
    assert len(victim.get_received_edoc_list()) == 1


def test_duplicate_delivers_twice(env: AxisEnv) -> None:
    env.add_fault(AXIS_H41, kind="duplicate", agency=H41_12)
    sender, receiver = env.client(H41_00), env.client(H41_12)
    send(env, sender, H41_00, [H41_12, H41_00])
    items = receiver.get_received_edoc_list()
    assert len(items) == 2 and items[0].doc_id != items[1].doc_id
    assert receiver.get_edoc(items[0].doc_id) == receiver.get_edoc(items[1].doc_id)
    assert len(sender.get_received_edoc_list()) == 1, "the other receiver is not affected"

    remove_faults(env)
    for item in items:
        receiver.update_status(item.doc_id, "done")
    send(env, sender, H41_00, [H41_12])
    assert len(receiver.get_received_edoc_list()) == 1


def test_reorder_shuffles_the_mailbox(env: AxisEnv) -> None:
    sender, receiver = env.client(H41_00), env.client(H41_12)
    for _ in range(8):
        send(env, sender, H41_00, [H41_12])
    in_order = [i.doc_id for i in receiver.get_received_edoc_list()]
    sent_order = [s.receiver_doc_id for s in sender.get_sent_edoc_list()]
    assert in_order == sent_order and len(in_order) == 8

    env.add_fault(AXIS_H41, kind="reorder", operation="getReceivedEdocList", agency=H41_12)
    # Eight items have 40320 orders; five identity shuffles in a row would be a 1e-23 event.
    listings = [[i.doc_id for i in receiver.get_received_edoc_list()] for _ in range(5)]
    assert all(sorted(lst) == sorted(in_order) for lst in listings), "reordered, not lost or doubled"
    assert any(lst != in_order for lst in listings)

    remove_faults(env)
    assert [i.doc_id for i in receiver.get_received_edoc_list()] == in_order


def test_error_fails_without_storing(env: AxisEnv) -> None:
    env.add_fault(AXIS_H41, kind="error", operation="sendEdoc")
    sender = env.client(H41_00)
    _, data = env.document(H41_00, [H41_12])
    reply = sender.call(sender.protocol.send_edoc(data, sender=H41_00))
    assert (reply.status, reply.error_code) == ("FAIL", "500")
    assert env.deliveries(AXIS_H41) == []
    # Other operations still work.
    assert sender.get_received_edoc_list() == []

    remove_faults(env)
    assert sender.call(sender.protocol.send_edoc(data, sender=H41_00)).ok, "the same package now goes through"
    assert len(env.client(H41_12).get_received_edoc_list()) == 1


def test_latency_delays_only_the_chosen_operation(env: AxisEnv) -> None:
    latency_ms = 500
    env.add_fault(AXIS_H41, kind="latency", operation="getReceivedEdocList", latency_ms=latency_ms)
    client = env.client(H41_12)
    started = time.perf_counter()
    assert client.get_received_edoc_list() == []
    assert time.perf_counter() - started >= latency_ms / 1000
    assert client.count_receive_edoc() == 0
    slow = env.journal(AXIS_H41, operation="getReceivedEdocList")
    fast = env.journal(AXIS_H41, operation="countReceiveEdoc")
    # The event loop may wake a timer up to its clock resolution early: the journal's own timing can read 499.7.
    assert slow[-1]["duration_ms"] >= latency_ms - 5 and fast[-1]["duration_ms"] < latency_ms

    remove_faults(env)
    client.get_received_edoc_list()
    assert env.journal(AXIS_H41, operation="getReceivedEdocList")[-1]["duration_ms"] < latency_ms


def test_down_refuses_everything_for_its_duration(env: AxisEnv) -> None:
    duration = 1.0
    env.add_fault(AXIS_H41, kind="down", duration_s=duration)
    started = time.monotonic()
    sender, other = env.client(H41_00), env.client(H41_12)
    _, data = env.document(H41_00, [H41_12])
    for client, req in (
        (sender, sender.protocol.send_edoc(data, sender=H41_00)),
        (other, other.protocol.get_received_edoc_list(MessageType.EDOC)),
        (other, other.protocol.get_agencies_list()),
    ):
        reply = client.call(req)
        assert (reply.http_status, reply.status, reply.error_code) == (503, "FAIL", "503")
    assert env.deliveries(AXIS_H41) == []

    def back() -> bool:
        return sender.call(sender.protocol.get_received_edoc_list(MessageType.EDOC)).ok

    wait_until(back, duration + 5, "the axis to come back")
    assert time.monotonic() - started >= duration * 0.9
    assert sender.send_edoc(data, sender=H41_00)
    assert len(other.get_received_edoc_list()) == 1


def test_agency_scoping(env: AxisEnv) -> None:
    a, b = env.client(H41_00), env.client(H41_12)
    env.add_fault(AXIS_H41, kind="error", agency=H41_00)
    assert a.call(a.protocol.get_agencies_list()).error_code == "500"
    assert b.call(b.protocol.get_agencies_list()).ok
    assert send(env, b, H41_12, [H41_00])
    remove_faults(env)

    env.add_fault(AXIS_H41, kind="down", agency=H41_12, duration_s=60)
    assert b.call(b.protocol.get_agencies_list()).error_code == "503"
    assert len(a.get_received_edoc_list()) == 1
    remove_faults(env)
    assert b.call(b.protocol.get_agencies_list()).ok


def test_remaining_count_and_removal_by_id(env: AxisEnv) -> None:
    fault = env.add_fault(AXIS_H41, kind="error", operation="countReceiveEdoc", remaining=2)
    assert fault["remaining"] == 2 and fault["id"] > 0
    client = env.client(H41_12)

    def count_code() -> str:
        return client.call(client.protocol.count(Operation.COUNT_RECEIVE_EDOC, MessageType.EDOC)).error_code

    assert count_code() == "500"
    listed = env.get_json(AXIS_H41, "/faults")
    assert [(f["id"], f["remaining"], f["fired"]) for f in listed] == [(fault["id"], 1, 1)]
    assert count_code() == "500"
    assert env.get_json(AXIS_H41, "/faults") == [], "a spent fault disappears"
    assert count_code() == "0"

    other = env.add_fault(AXIS_H41, kind="error", operation="countReceiveEdoc")
    assert count_code() == "500"
    assert env.control(AXIS_H41, "DELETE", f"/faults/{other['id']}").json() == {"removed": 1}
    assert env.control(AXIS_H41, "DELETE", f"/faults/{other['id']}").status_code == 404
    assert count_code() == "0"


def test_bad_fault_is_refused(env: AxisEnv) -> None:
    for bad in ({"kind": "explode"}, {"kind": "error", "probability": 2}, {"kind": "down"}):
        response = env.control(AXIS_H41, "POST", "/faults", json=bad)
        assert response.status_code == 400, bad
        assert "error" in response.json()
    assert env.get_json(AXIS_H41, "/faults") == []


def test_faults_are_removed_by_owner_only(env: AxisEnv) -> None:
    mine = [env.add_fault(AXIS_H41, kind="error", operation="countReceiveEdoc", owner="RT-09/a") for _ in range(2)]
    theirs = env.add_fault(AXIS_H41, kind="latency", latency_ms=1, owner="RT-04/b")
    unowned = env.add_fault(AXIS_H41, kind="latency", latency_ms=1)
    assert {f["owner"] for f in mine} == {"RT-09/a"}
    assert env.control(AXIS_H41, "DELETE", "/faults", params={"owner": "RT-09/a"}).json() == {"removed": 2}
    assert {f["id"] for f in env.get_json(AXIS_H41, "/faults")} == {theirs["id"], unowned["id"]}
    too_long = env.control(AXIS_H41, "POST", "/faults", json={"kind": "error", "owner": "x" * 101})
    assert too_long.status_code == 400
    assert remove_faults(env) == 2


def test_a_scenario_fault_whose_answer_was_lost_goes_with_the_scenario(
    env: AxisEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The axis stored the fault, the harness never heard back: the scenario's clean-up still removes it
    (left behind, an error on a system's listing failed every later scenario of its lane)."""
    watch = AxisWatch(env.axis(AXIS_H41).control_url)
    real = AxisWatch._request

    def answer_lost(self: AxisWatch, method: str, path: str, **kwargs: Any) -> httpx.Response:
        response = real(self, method, path, **kwargs)
        if method == "POST":
            raise httpx.ReadTimeout("the answer was lost")
        return response

    monkeypatch.setattr(AxisWatch, "_request", answer_lost)
    ctx = cast(ScenarioContext, SimpleNamespace(result=SimpleNamespace(scenario_id="RT-09"), cleanups=[]))
    with pytest.raises(ControlPlaneError):
        scenario_fault(ctx, watch, kind="error", operation="getReceivedEdocList", agency=H41_12)
    (stored,) = env.get_json(AXIS_H41, "/faults")
    assert stored["owner"].startswith("RT-09/") and stored["duration_s"] == FAULT_LIFETIME_S
    for cleanup in ctx.cleanups:
        cleanup()
    assert env.get_json(AXIS_H41, "/faults") == []
    watch.close()
