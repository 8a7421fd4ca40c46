"""AX-01 authentication and AX-06 mailbox isolation, plus the SDK quirks the axis must accept."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

import httpx
import pytest

from harness.edxml.formats import ICT
from harness.transport.vxp import MessageType, Operation, PreparedRequest, Protocol, Quirks, VxpClient
from harness.transport.vxp.auth import HASH_HEADER, PREFIX, SIGN_HEADER, SIGN_HEADER_KEY, hash_file
from tests.axis.conftest import AXIS_H41, G22, H14_00, H41_00, H41_12, AxisEnv

UNKNOWN_DOC_ID = "0123456789abcdef01234567"

Builder = Callable[[Protocol, str, bytes], PreparedRequest]

BUILDERS: dict[Operation, Builder] = {
    Operation.SEND_EDOC: lambda p, doc_id, data: p.send_edoc(data, sender=p.system_id),
    Operation.GET_RECEIVED_EDOC_LIST: lambda p, doc_id, data: p.get_received_edoc_list(),
    Operation.GET_EDOC: lambda p, doc_id, data: p.get_edoc(doc_id),
    Operation.DOWNLOAD_EDOC: lambda p, doc_id, data: p.download_edoc(doc_id),
    Operation.UPDATE_STATUS: lambda p, doc_id, data: p.update_status(doc_id, "done"),
    Operation.GET_SENT_EDOC_LIST: lambda p, doc_id, data: p.get_sent_edoc_list(),
    Operation.COUNT_RECEIVE_EDOC: lambda p, doc_id, data: p.count(Operation.COUNT_RECEIVE_EDOC, MessageType.EDOC),
    Operation.COUNT_RECEIVE_STATUS: lambda p, doc_id, data: p.count(Operation.COUNT_RECEIVE_STATUS, MessageType.STATUS),
    Operation.GET_AGENCIES_LIST: lambda p, doc_id, data: p.get_agencies_list(),
    Operation.GET_AGENCIES_LIST_QD20: lambda p, doc_id, data: p.get_agencies_list_qd20(1),
    Operation.GET_SYNCHRONIZE_UNIT: lambda p, doc_id, data: p.get_synchronize_unit(),
    Operation.REGISTER_AGENCY: lambda p, doc_id, data: p.register_agency("000.00.31.H41", "Phong thu nghiem"),
    Operation.DELETE_AGENCY: lambda p, doc_id, data: p.delete_agency("000.00.31.H41"),
}


REFUSAL_FIELDS: dict[Operation, dict[str, Any]] = {
    Operation.SEND_EDOC: {"DocId": ""},
    Operation.GET_RECEIVED_EDOC_LIST: {"data": []},
    Operation.GET_EDOC: {"data": ""},
    Operation.GET_SENT_EDOC_LIST: {"data": []},
    Operation.COUNT_RECEIVE_EDOC: {"count": 0},
    Operation.COUNT_RECEIVE_STATUS: {"count": 0},
    Operation.GET_AGENCIES_LIST: {"data": []},
    Operation.GET_AGENCIES_LIST_QD20: {"data": []},
    Operation.GET_SYNCHRONIZE_UNIT: {"data": []},
    Operation.UPDATE_STATUS: {},
    Operation.REGISTER_AGENCY: {},
    Operation.DELETE_AGENCY: {},
}
"""What a refusal carries besides the envelope: the fields the Java and .NET SDKs read, empty.

The Java SDK reads sendEdoc's `DocId` unconditionally: without it a refusal ends in a
NullPointerException inside the SDK and the caller gets an empty result, not the axis' reason.
"""


def test_every_operation_is_covered() -> None:
    assert set(BUILDERS) == set(Operation)
    assert set(REFUSAL_FIELDS) == set(Operation) - {Operation.DOWNLOAD_EDOC}


def envelope_of(response: httpx.Response) -> dict[str, Any]:
    """The reply as the SDK reads it: US-ASCII JSON with the three envelope fields."""
    text = response.content.decode("ascii")
    body = json.loads(text)
    assert isinstance(body, dict)
    assert {"status", "ErrorCode", "ErrorDesc"} <= set(body), body
    assert body["status"] in ("OK", "FAIL") and isinstance(body["ErrorCode"], str)
    assert isinstance(body["ErrorDesc"], str) and body["ErrorDesc"].isascii()
    return body


def strip_signature(req: PreparedRequest) -> PreparedRequest:
    for name in (SIGN_HEADER, SIGN_HEADER_KEY, HASH_HEADER):
        del req.headers[PREFIX + name]
    return req


def tamper_signed_value(req: PreparedRequest) -> PreparedRequest:
    """Change a signed header after signing (the HMAC still matches the sign-header JSON)."""
    req.headers[PREFIX + "timestamp"] = b"01012001T000000+0000"
    return req


def pending_doc_for(env: AxisEnv, receiver: str) -> str:
    sender = env.client(H41_00)
    _, data = env.document(H41_00, [receiver])
    sender.send_edoc(data, sender=H41_00)
    items = env.client(receiver).get_received_edoc_list()
    assert len(items) == 1
    return items[0].doc_id


@pytest.mark.parametrize("operation", list(BUILDERS), ids=str)
def test_every_operation_refuses_bad_credentials(env: AxisEnv, operation: Operation) -> None:
    doc_id = pending_doc_for(env, H41_12)
    endpoint, system_id, secret = env.sim.credentials(H41_12)
    _, data = env.document(H41_12, [H41_00])
    cases: dict[str, tuple[VxpClient, Callable[[PreparedRequest], PreparedRequest]]] = {
        "wrong secret": (env.raw_client(endpoint, system_id, secret + "x"), lambda r: r),
        "unknown system": (env.raw_client(endpoint, "000.00.77.H41", secret), lambda r: r),
        "missing signature": (env.client(H41_12), strip_signature),
        "tampered signed header": (env.client(H41_12), tamper_signed_value),
    }
    mark = str(env.journal(AXIS_H41)[-1]["id"])
    for case, (client, mangle) in cases.items():
        req = mangle(BUILDERS[operation](client.protocol, doc_id, data))
        response = client.send(req)
        if operation is Operation.DOWNLOAD_EDOC:
            # The SDK saves any non-empty body as the package: a refusal is an empty 404.
            assert (response.status_code, response.content) == (404, b""), case
        else:
            body = envelope_of(response)
            assert (body["status"], body["ErrorCode"]) == ("FAIL", "401"), (case, body)
            assert response.status_code == 200
            assert set(body) == {"status", "ErrorCode", "ErrorDesc", *REFUSAL_FIELDS[operation]}, (case, body)
            assert {k: body[k] for k in REFUSAL_FIELDS[operation]} == REFUSAL_FIELDS[operation], (case, body)
    # The journal records each refusal as such, downloadEdoc's included.
    refused = env.journal(AXIS_H41, after=mark)
    assert len(refused) == len(cases)
    assert all((r["status"], r["error_code"]) == ("FAIL", "401") for r in refused), refused
    # Nothing happened: the package is still pending, nothing new was sent, registered or deleted.
    receiver = env.client(H41_12)
    assert [i.doc_id for i in receiver.get_received_edoc_list()] == [doc_id]
    assert env.client(H41_00).get_received_edoc_list() == []
    assert "000.00.31.H41" not in {a["code"] for a in receiver.get_agencies_list()}


def test_the_same_requests_signed_properly_succeed(env: AxisEnv) -> None:
    """The refusals above are about the credentials, not the requests."""
    doc_id = pending_doc_for(env, H41_12)
    client = env.client(H41_12)
    _, data = env.document(H41_12, [H41_00])
    last: list[Operation] = [Operation.UPDATE_STATUS, Operation.DELETE_AGENCY]  # after the calls that need them
    order = [op for op in BUILDERS if op not in last] + last
    for operation in order:
        response = client.send(BUILDERS[operation](client.protocol, doc_id, data))
        if operation is Operation.DOWNLOAD_EDOC:
            assert response.status_code == 200 and response.content.startswith(b"<?xml")
            continue
        body = envelope_of(response)
        assert (body["status"], body["ErrorCode"]) == ("OK", "0"), (operation, body)
        for name, empty in REFUSAL_FIELDS[operation].items():
            assert type(body[name]) is type(empty), (operation, name, body)


def test_from_must_be_the_registered_code(env: AxisEnv) -> None:
    for agency, impostor in ((H41_00, H41_12), (G22, H14_00)):
        client = env.client(agency)
        _, data = env.document(impostor, [H41_12])
        response = client.send(client.protocol.send_edoc(data, sender=impostor))
        body = envelope_of(response)
        assert (body["status"], body["ErrorCode"]) == ("FAIL", "403")
        assert body["ErrorDesc"] == f"Don vi gui {impostor} khong dung voi ma da dang ky: {agency}"
        assert body.get("DocId", "") == ""
    assert env.deliveries(AXIS_H41) == [] and env.deliveries(G22) == []


def test_mailbox_isolation(env: AxisEnv) -> None:
    doc_id = pending_doc_for(env, H41_12)
    owner = env.client(H41_12)
    assert [s.receiver_doc_id for s in env.client(H41_00).get_sent_edoc_list()] == [doc_id]
    assert owner.get_sent_edoc_list() == [], "the receiver does not see the sender's log"
    for other in (env.client(H41_00), env.client(H14_00)):
        assert other.get_received_edoc_list() == [] and other.count_receive_edoc() == 0
        for target in (doc_id, UNKNOWN_DOC_ID):
            replies = [
                other.call(other.protocol.get_edoc(target)),
                other.call(other.protocol.update_status(target, "done")),
            ]
            for reply in replies:
                assert (reply.status, reply.error_code) == ("FAIL", "404")
                assert reply.error_desc.replace(target, "<id>") == "Khong tim thay van ban <id>"
                assert reply.body.get("data", "") == "", "nothing of the document leaks"
            download = other.send(other.protocol.download_edoc(target))
            assert (download.status_code, download.content) == (404, b"")
    # The owner still has it, unacknowledged and readable.
    assert [(i.doc_id, i.status) for i in owner.get_received_edoc_list()] == [(doc_id, "initial")]
    assert owner.get_edoc(doc_id).startswith(b"<?xml")


def test_java_sdk_client_full_sequence(env: AxisEnv) -> None:
    sender = env.client(H41_00, quirks=Quirks.java_sdk())
    receiver = env.client(H41_12, quirks=Quirks.java_sdk())
    _, data = env.document(H41_00, [H41_12])
    doc_id = sender.send_edoc(data, sender=H41_00)
    # The SDK keeps re-sending (and signing) the keys of earlier calls: from, to, hash-file...
    later = sender.protocol.get_sent_edoc_list()
    assert PREFIX + "hash-file" in later.headers and PREFIX + "from" in later.headers
    assert [s.sender_doc_id for s in sender.get_sent_edoc_list()] == [doc_id]
    assert receiver.count_receive_edoc() == 1
    items = receiver.get_received_edoc_list()
    assert len(items) == 1
    first = receiver.get_edoc(items[0].doc_id)
    assert receiver.download_edoc(items[0].doc_id) == first
    receiver.update_status(items[0].doc_id, "done")
    assert receiver.get_received_edoc_list() == []
    # A second document through the same long-lived objects (same timestamp, sticky headers).
    _, data2 = env.document(H41_00, [H41_12])
    sender.send_edoc(data2, sender=H41_00)
    assert len(receiver.get_received_edoc_list()) == 1
    assert {s.receive_status for s in sender.get_sent_edoc_list()} == {"done", "initial"}


def test_signed_names_in_insertion_order(env: AxisEnv) -> None:
    sender = env.client(H41_00, quirks=Quirks(hashmap_order=False))
    _, data = env.document(H41_00, [H41_12])
    req = sender.protocol.send_edoc(data, sender=H41_00)
    assert req.headers[PREFIX + SIGN_HEADER_KEY].startswith(b"timestamp;systemid;Content-Type;from")
    assert sender.call(req).ok
    assert len(env.client(H41_12, quirks=Quirks(hashmap_order=False)).get_received_edoc_list()) == 1


def test_stale_timestamp_is_accepted_by_default(env: AxisEnv) -> None:
    sender = env.client(H41_00)
    sender.protocol.clock = lambda: datetime(2001, 1, 1, 8, 0, 0, tzinfo=ICT)
    _, data = env.document(H41_00, [H41_12])
    req = sender.protocol.send_edoc(data, sender=H41_00)
    assert req.headers[PREFIX + "timestamp"] == b"01012001T080000+0000"
    assert sender.call(req).ok


def test_lower_case_docid_header(env: AxisEnv) -> None:
    doc_id = pending_doc_for(env, H41_12)
    receiver = env.client(H41_12)
    got = receiver.call(receiver.protocol.prepare(Operation.GET_EDOC, {"docid": doc_id}, content=b"{}"))
    assert got.ok and isinstance(got.body.get("data"), str) and got.body["data"]
    acked = receiver.call(
        receiver.protocol.prepare(Operation.UPDATE_STATUS, {"docid": doc_id, "status": "done"}, content=b"{}")
    )
    assert acked.ok
    assert receiver.get_received_edoc_list() == []


def test_hash_file_padded_and_unpadded(env: AxisEnv) -> None:
    # A package whose digest has a byte below 0x10, so that the two spellings really differ.
    while True:
        _, data = env.document(H41_00, [H41_12])
        if hash_file(data) != hash_file(data, padded=True):
            break
    for quirks in (Quirks(unpadded_hash=True), Quirks(unpadded_hash=False)):
        sender = env.client(H41_00, quirks=quirks)
        req = sender.protocol.send_edoc(data, sender=H41_00)
        expected = hash_file(data, padded=not quirks.unpadded_hash)
        assert req.headers[PREFIX + "hash-file"] == expected.encode()
        assert sender.call(req).ok
        _, data = env.document(H41_00, [H41_12])
    assert len(env.client(H41_12).get_received_edoc_list()) == 2


def test_missing_trailing_crlf_and_lower_case_servicetype(env: AxisEnv) -> None:
    plain = env.client(H41_00, quirks=Quirks(trailing_crlf=False))
    _, data = env.document(H41_00, [H41_12])
    req = plain.protocol.send_edoc(data, sender=H41_00)
    assert req.content == data
    assert plain.call(req).ok
    sdk = env.client(H41_00)
    _, data = env.document(H41_00, [H41_12])
    req = sdk.protocol.send_edoc(data, sender=H41_00, service_type="edoc")
    assert req.headers[PREFIX + "servicetype"] == b"edoc"
    assert sdk.call(req).ok
    receiver = env.client(H41_12)
    bodies = [receiver.get_edoc(i.doc_id) for i in receiver.get_received_edoc_list()]
    assert len(bodies) == 2 and all(b.rstrip().endswith(b"</edXML>") for b in bodies)


def test_wrong_hash_file_is_refused(env: AxisEnv) -> None:
    sender = env.client(H41_00)
    _, data = env.document(H41_00, [H41_12])
    req = sender.protocol.send_edoc(data, sender=H41_00, extra={"hash-file": hash_file(data + b"x")})
    body = envelope_of(sender.send(req))
    assert (body["status"], body["ErrorCode"]) == ("FAIL", "400")
    assert "hash-file" in body["ErrorDesc"]
    assert env.deliveries(AXIS_H41) == []
    assert env.client(H41_12).get_received_edoc_list() == []


def test_replies_are_ascii_even_from_vietnamese_texts(env: AxisEnv) -> None:
    client = env.client(H41_00)
    # An invalid code: the reason comes from a Vietnamese message and must lose its diacritics.
    response = client.send(client.protocol.register_agency("khong-hop-le", "Phòng thử nghiệm"))
    body = envelope_of(response)
    assert (body["status"], body["ErrorCode"]) == ("FAIL", "400")
    assert "khong-hop-le" in body["ErrorDesc"]
    # Directory names are Vietnamese: they travel as JSON escapes, the bytes stay ASCII.
    listing = client.send(client.protocol.get_agencies_list())
    assert envelope_of(listing)["status"] == "OK"
    names = {a["code"]: a["name"] for a in json.loads(listing.content)["data"]}
    assert names[H41_00] == "UBND tỉnh Nghệ An"
