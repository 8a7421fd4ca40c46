"""Headers the Java SDK carries from one call into the next, replayed by the harness' own client.

The SDK never clears its header map, and it signs every entry, so an axis cannot tell a value
meant for this call from one left by an earlier call: each operation must read its parameters so
that what published clients leave behind does no harm (README, "Compatibility"). These tests run
without the SDK (the real-SDK tier, `test_axis_real_sdk.py`, runs the same habits with the jars).
"""

from __future__ import annotations

import pytest

from harness.edxml.builder import build
from harness.edxml.factory import status_for
from harness.transport.vxp import MessageType, Operation, Quirks, VxpClient
from harness.transport.vxp.auth import PREFIX
from tests.axis.conftest import H41_00, H41_12, AxisEnv, org


def sticky(env: AxisEnv, agency: str) -> VxpClient:
    """A client that behaves as one long-lived SDK object."""
    return env.client(agency, quirks=Quirks.java_sdk())


def test_sent_list_after_update_status_lists_the_deliveries(env: AxisEnv) -> None:
    a = sticky(env, H41_00)
    _, data = env.document(H41_00, [H41_12])
    doc_id = a.send_edoc(data, sender=H41_00)
    _, data = env.document(H41_12, [H41_00])
    env.client(H41_12).send_edoc(data, sender=H41_12)
    [incoming] = env.wait_mail(a)
    a.get_edoc(incoming.doc_id)
    a.update_status(incoming.doc_id, "done")
    later = a.protocol.get_sent_edoc_list()
    assert later.headers[PREFIX + "docId"] == incoming.doc_id.encode(), "the SDK's carried-over docId"
    assert later.headers[PREFIX + "status"] == b"done"
    assert [(s.sender_doc_id, s.to_code) for s in a.get_sent_edoc_list()] == [(doc_id, H41_12)]
    # Nor does the carried-over status=done filter the received list.
    _, data = env.document(H41_12, [H41_00])
    env.client(H41_12).send_edoc(data, sender=H41_12)
    assert len(env.wait_mail(a)) == 1


def test_sent_list_filter_by_own_doc_id_still_holds(env: AxisEnv) -> None:
    a = env.client(H41_00)
    first = a.send_edoc(env.document(H41_00, [H41_12])[1], sender=H41_00)
    second = a.send_edoc(env.document(H41_00, [H41_12])[1], sender=H41_00)
    assert [s.sender_doc_id for s in a.get_sent_edoc_list(doc_id=second)] == [second]
    received = env.client(H41_12).get_received_edoc_list()[0].doc_id
    for foreign in (received, "0123456789abcdef01234567"):
        assert sorted(s.sender_doc_id for s in a.get_sent_edoc_list(doc_id=foreign)) == sorted([first, second])
    # Another system's package is not the caller's: its id filters nothing.
    theirs = env.client(H41_12).send_edoc(env.document(H41_12, [H41_00])[1], sender=H41_12)
    assert len(a.get_sent_edoc_list(doc_id=theirs)) == 2


def test_docid_and_docId_signed_together_act_on_the_named_document(env: AxisEnv) -> None:
    """Bkav's bridge: `docId` for getEdoc, `docid` for updateStatus, one SDK object."""
    sender = env.client(H41_00)
    for _ in range(3):
        sender.send_edoc(env.document(H41_00, [H41_12])[1], sender=H41_00)
    bridge = sticky(env, H41_12)
    ids = [i.doc_id for i in bridge.get_received_edoc_list()]
    bodies = {d: env.client(H41_12).get_edoc(d) for d in ids}
    assert len(ids) == 3 and len(set(bodies.values())) == 3
    bridge.call(bridge.protocol.prepare(Operation.GET_EDOC, {"docId": ids[0], "filePath": "/tmp"}, content=b"{}"))
    ack = bridge.protocol.prepare(Operation.UPDATE_STATUS, {"docid": ids[0], "status": "done"}, content=b"{}")
    assert bridge.call(ack).ok
    fetch = bridge.protocol.prepare(Operation.GET_EDOC, {"docId": ids[1], "filePath": "/tmp"}, content=b"{}")
    assert (fetch.headers[PREFIX + "docId"], fetch.headers[PREFIX + "docid"]) == (ids[1].encode(), ids[0].encode())
    assert bridge.call(fetch).body["data"] and bridge.get_edoc(ids[1]) == bodies[ids[1]]
    # confirmReceived: `docid` names the document, the getEdoc's `docId` is a leftover.
    confirm = bridge.protocol.prepare(Operation.UPDATE_STATUS, {"docid": ids[2], "status": "done"}, content=b"{}")
    assert confirm.headers[PREFIX + "docId"] != confirm.headers[PREFIX + "docid"]
    assert bridge.call(confirm).ok
    assert [i.doc_id for i in env.client(H41_12).get_received_edoc_list()] == [ids[1]]


@pytest.mark.parametrize("kept", ["docId", "docid"])
def test_send_edoc_with_one_of_two_signed_spellings_authenticates(env: AxisEnv, kept: str) -> None:
    """The JDK's HttpURLConnection (sendEdoc) keeps one header of a case-insensitive pair."""
    client = sticky(env, H41_12)
    client.protocol.prepare(Operation.GET_EDOC, {"docId": "a" * 24}, content=b"{}")
    client.protocol.prepare(Operation.UPDATE_STATUS, {"docid": "b" * 24, "status": "done"}, content=b"{}")
    req = client.protocol.send_edoc(env.document(H41_12, [H41_00])[1], sender=H41_12)
    dropped = "docid" if kept == "docId" else "docId"
    del req.headers[PREFIX + dropped]
    assert client.call(req).ok
    # A value under a signed name that was not signed is refused, whatever else arrived.
    req = client.protocol.send_edoc(env.document(H41_12, [H41_00])[1], sender=H41_12)
    req.headers[PREFIX + dropped] = b"c" * 24
    reply = client.call(req)
    assert (reply.status, reply.error_code) == ("FAIL", "401")


def test_carried_over_to_from_a_list_call_does_not_reroute(env: AxisEnv) -> None:
    """PVN's gateway lists its mail with `to` = its own code (a bare value), then sends."""
    a = sticky(env, H41_00)
    a.call(a.protocol.get_received_edoc_list(filters={"to": H41_00}))
    req = a.protocol.send_edoc(env.document(H41_00, [H41_12])[1], sender=H41_00)
    assert req.headers[PREFIX + "to"] == H41_00.encode()
    assert a.call(req).ok
    assert len(env.client(H41_12).get_received_edoc_list()) == 1
    assert env.client(H41_00).get_received_edoc_list() == []
    # A bare `to` naming receivers the package addresses is still the sender's choice.
    pkg_data = env.document(H41_00, [H41_12, "000.00.13.H41"])[1]
    req = env.client(H41_00).protocol.send_edoc(pkg_data, sender=H41_00, extra={"to": H41_12})
    assert env.client(H41_00).call(req).ok
    assert len(env.client(H41_12).get_received_edoc_list()) == 2
    assert env.deliveries("000.00.99.H41", receiver="000.00.13.H41") == []


def test_status_back_through_a_sticky_object(env: AxisEnv) -> None:
    """A status package after an edoc with `to`: the carried `to` does not route a status."""
    a, b = env.client(H41_00), sticky(env, H41_12)
    pkg, data = env.document(H41_00, [H41_12])
    a.send_edoc(data, sender=H41_00)
    b.send_edoc(env.document(H41_12, [H41_00])[1], sender=H41_12, to=[H41_00])
    b.send_edoc(build(status_for(pkg, org(H41_12), "01")), sender=H41_12, message_type="status")
    assert [(s.from_, s.to) for s in a.get_received_edoc_list(MessageType.STATUS)] == [(H41_12, H41_00)]
