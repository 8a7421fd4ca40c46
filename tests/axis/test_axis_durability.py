"""AX-07 de-duplication and AX-08 durability: kill -9 an axis mid-way, nothing lost, nothing doubled."""

from __future__ import annotations

from typing import Any

import pytest

from harness.transport.vxp import VxpError
from tests.axis.conftest import AXIS_H14, AXIS_H41, H14_00, H14_12, H41_00, H41_12, NATIONAL, AxisEnv, wait_until

pytestmark = pytest.mark.slow  # over ten seconds of processes, browsers or fuzzing: not in the quick loop

RELAY_DEADLINE = 20.0
"""A relay backs off up to ten poll intervals while the national axis is away."""


def relay_polls_after(env: AxisEnv, province: str, mark: int, polls: int = 2) -> None:
    """Wait until the province's relay has listed its national mailbox `polls` more times."""

    def polled() -> bool:
        rows = env.journal(NATIONAL, operation="getReceivedEdocList", system=province, after=str(mark))
        return len([r for r in rows if r["status"] == "OK"]) >= polls * 2  # edoc and status lists

    wait_until(polled, RELAY_DEADLINE, f"{polls} polls of the national axis by {province}")


def last_journal_id(env: AxisEnv, code: str) -> int:
    rows = env.journal(code)
    return int(rows[-1]["id"]) if rows else 0


def only(items: list[Any]) -> Any:
    assert len(items) == 1, items
    return items[0]


def test_provincial_axis_killed_between_send_and_fetch(env: AxisEnv) -> None:
    sender = env.client(H41_00)
    pkg, data = env.document(H41_00, [H41_12])
    sender.send_edoc(data, sender=H41_00)
    axis = env.axis(AXIS_H41)
    axis.kill()
    assert not axis.alive
    axis.restart()

    receiver = env.client(H41_12)
    item = only(receiver.get_received_edoc_list())
    assert b"<edXML" in receiver.get_edoc(item.doc_id)
    receiver.update_status(item.doc_id, "done")
    assert receiver.get_received_edoc_list() == []

    # The acknowledgement is durable too: another crash does not bring the package back.
    axis.kill()
    axis.restart()
    assert receiver.get_received_edoc_list() == [] and receiver.count_receive_edoc() == 0
    assert [d["state"] for d in env.deliveries(AXIS_H41)] == ["done"]
    # And the dedupe memory survived both crashes.
    with pytest.raises(VxpError) as refused:
        sender.send_edoc(data, sender=H41_00)
    assert refused.value.reply.error_code == "409"
    assert pkg.document_id is not None and pkg.document_id in refused.value.reply.error_desc


def test_national_axis_killed_while_a_package_waits_to_be_forwarded(env: AxisEnv) -> None:
    env.add_fault(NATIONAL, kind="down", duration_s=60)
    sender = env.client(H41_00)
    _, data = env.document(H41_00, [H14_00])
    sender.send_edoc(data, sender=H41_00)
    assert [d["state"] for d in env.deliveries(AXIS_H41)] == ["queued"]
    # The province tried and was refused (503): the package waits in its queue.
    wait_until(
        lambda: [r for r in env.journal(AXIS_H41, operation="relay:sendEdoc") if r["status"] == "FAIL"],
        what="a failed forward attempt",
    )
    assert [d["state"] for d in env.deliveries(AXIS_H41)] == ["queued"]

    national = env.sim.national
    national.kill()  # the restart also forgets the in-memory down fault
    national.restart()

    receiver = env.client(H14_00)
    item = only(env.wait_mail(receiver, timeout=RELAY_DEADLINE))
    assert item.from_ == H41_00
    receiver.update_status(item.doc_id, "done")
    mark = last_journal_id(env, NATIONAL)
    relay_polls_after(env, AXIS_H14, mark)
    assert receiver.get_received_edoc_list() == []
    assert [d["state"] for d in env.deliveries(AXIS_H41)] == ["forwarded"]
    assert [(d["receiver"], d["state"]) for d in env.deliveries(NATIONAL)] == [(H14_00, "done")]
    assert [(d["receiver"], d["state"]) for d in env.deliveries(AXIS_H14)] == [(H14_00, "done")]


def test_national_axis_killed_holding_an_accepted_package(env: AxisEnv) -> None:
    # The far province cannot collect its mail, so the package sits on the national axis.
    env.add_fault(NATIONAL, kind="down", operation="getReceivedEdocList", agency=AXIS_H14, duration_s=60)
    sender = env.client(H41_00)
    _, data = env.document(H41_00, [H14_12])
    sender.send_edoc(data, sender=H41_00)
    waiting = wait_until(
        lambda: env.deliveries(NATIONAL, receiver=H14_12, state="initial"), what="the package on the national axis"
    )
    assert len(waiting) == 1
    assert env.deliveries(AXIS_H14) == []

    national = env.sim.national
    national.kill()
    national.restart()

    receiver = env.client(H14_12)
    item = only(env.wait_mail(receiver, timeout=RELAY_DEADLINE))
    assert item.from_ == H41_00
    receiver.update_status(item.doc_id, "done")
    mark = last_journal_id(env, NATIONAL)
    relay_polls_after(env, AXIS_H14, mark)
    assert receiver.get_received_edoc_list() == []
    assert [(d["receiver"], d["state"]) for d in env.deliveries(NATIONAL)] == [(H14_12, "done")]
    assert len(env.deliveries(AXIS_H14)) == 1


def test_resent_new_document_is_refused_and_a_new_number_is_accepted(env: AxisEnv) -> None:
    sender = env.client(H41_00)
    pkg, data = env.document(H41_00, [H41_12, H14_00])
    sender.send_edoc(data, sender=H41_00)
    reply = sender.call(sender.protocol.send_edoc(data, sender=H41_00))
    assert (reply.status, reply.error_code) == ("FAIL", "409")
    assert pkg.document_id is not None and pkg.document_id in reply.error_desc
    assert H41_12 in reply.error_desc and H14_00 in reply.error_desc
    assert reply.body.get("DocId", "") == ""

    # Acknowledging does not open the door to a second copy.
    receiver = env.client(H41_12)
    receiver.update_status(only(receiver.get_received_edoc_list()).doc_id, "done")
    assert sender.call(sender.protocol.send_edoc(data, sender=H41_00)).error_code == "409"
    assert receiver.get_received_edoc_list() == []

    _, other = env.document(H41_00, [H41_12, H14_00])
    assert sender.send_edoc(other, sender=H41_00)
    assert len(receiver.get_received_edoc_list()) == 1
    # The refused resends created no delivery anywhere: two packages, two copies for each receiver.
    assert sorted(d["receiver"] for d in env.deliveries(AXIS_H41)) == [H14_00, H14_00, H41_12, H41_12]
    assert len(env.wait_mail(env.client(H14_00), count=2)) == 2
    assert len(env.deliveries(NATIONAL, receiver=H14_00)) == 2


def test_the_journal_row_of_an_accepted_operation_survives_kill_9(env: AxisEnv) -> None:
    """The row is written with the package (or the acknowledgement), not up to 200 ms later."""
    sender, receiver = env.client(H41_00), env.client(H41_12)
    sent = [sender.send_edoc(env.document(H41_00, [H41_12])[1], sender=H41_00) for _ in range(3)]
    axis = env.axis(AXIS_H41)
    axis.kill()
    axis.restart()
    rows = env.journal(AXIS_H41, operation="sendEdoc")
    assert [r["doc_ids"][0] for r in rows if r["status"] == "OK"] == sent
    assert all(r["system_id"] == H41_00 and r["bytes_out"] > 0 for r in rows)
    item = receiver.get_received_edoc_list()[0]
    receiver.update_status(item.doc_id, "done")
    axis.kill()
    axis.restart()
    acks = env.journal(AXIS_H41, operation="updateStatus")
    assert [(r["doc_ids"], r["status"]) for r in acks] == [([item.doc_id], "OK")]
