"""AX-02..AX-05: where the axes deliver packages, with which trace, and what the sender sees."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from harness.edxml import model as m
from harness.edxml.builder import build
from harness.edxml.factory import status_for
from harness.edxml.formats import now_ict, parse_timestamp
from harness.edxml.parser import parse_package
from harness.transport.vxp import MessageType
from tests.axis.conftest import (
    AXIS_H14,
    AXIS_H41,
    G22,
    H14_00,
    H14_12,
    H41_00,
    H41_12,
    NATIONAL,
    AxisEnv,
    org,
    trace_of,
    wait_until,
)

HEX24 = re.compile(r"^[0-9a-f]{24}\Z")
EXTRA_H41 = "000.00.13.H41"


def assert_timestamps(trace: list[tuple[str, str]], sent_at: datetime) -> None:
    """Every hop's timestamp parses, is in order, and lies between the send and now (ICT, 2 s slack)."""
    stamps = [parse_timestamp(t) for _, t in trace]
    assert all(s is not None for s in stamps), trace
    moments = [s for s in stamps if s is not None]
    assert moments == sorted(moments), trace
    earliest = sent_at.replace(tzinfo=None, microsecond=0) - timedelta(seconds=2)
    latest = now_ict().replace(tzinfo=None) + timedelta(seconds=2)
    assert all(earliest <= s <= latest for s in moments), (trace, sent_at)


def test_intra_province_delivers_once_to_each_addressed_agency(env: AxisEnv) -> None:
    response = env.control(H41_00, "POST", "/systems", json={"system_id": EXTRA_H41, "secret": "s-13"})
    assert response.status_code == 201, response.text
    extra = env.raw_client(env.axis(AXIS_H41).endpoint, EXTRA_H41, "s-13")
    sender = env.client(H41_00)
    pkg, data = env.document(H41_00, [H41_12, EXTRA_H41])
    sent_id = sender.send_edoc(data, sender=H41_00)
    assert HEX24.match(sent_id)

    seen: dict[str, str] = {}
    for receiver, client in ((H41_12, env.client(H41_12)), (EXTRA_H41, extra)):
        items = client.get_received_edoc_list(MessageType.EDOC)
        assert len(items) == 1, items
        item = items[0]
        assert HEX24.match(item.doc_id)
        assert (item.from_, item.to, item.status, item.message_type) == (H41_00, receiver, "initial", "edoc")
        got = client.get_edoc(item.doc_id)
        got_pkg = parse_package(got, strict=False)
        assert isinstance(got_pkg, m.EdocPackage) and got_pkg.document_id == pkg.document_id
        assert [o for o, _ in trace_of(got)] == [H41_00, AXIS_H41]
        seen[receiver] = item.doc_id
    assert len({sent_id, *seen.values()}) == 3, "sender and each receiver get distinct docIds"
    # The sender addressed nobody else: no third delivery anywhere on the provincial axis.
    assert sorted(d["receiver"] for d in env.deliveries(AXIS_H41)) == sorted([H41_12, EXTRA_H41])


def test_cross_province_goes_through_the_national_axis_with_four_trace_headers(env: AxisEnv) -> None:
    sender, receiver = env.client(H41_00), env.client(H14_12)
    pkg, data = env.document(H41_00, [H14_12])
    sent_at = now_ict()
    sender.send_edoc(data, sender=H41_00)
    items = env.wait_mail(receiver)
    assert len(items) == 1 and items[0].from_ == H41_00 and items[0].to == H14_12
    got = receiver.get_edoc(items[0].doc_id)
    trace = trace_of(got)
    assert [o for o, _ in trace] == [H41_00, AXIS_H41, NATIONAL, AXIS_H14]
    assert_timestamps(trace, sent_at)
    got_pkg = parse_package(got, strict=False)
    assert isinstance(got_pkg, m.EdocPackage) and got_pkg.document_id == pkg.document_id
    # Nothing leaked into the other agency of either province.
    assert env.client(H14_00).get_received_edoc_list() == []
    assert env.client(H41_12).get_received_edoc_list() == []


def test_central_body_to_province(env: AxisEnv) -> None:
    central, receiver = env.client(G22), env.client(H41_12)
    _, data = env.document(G22, [H41_12])
    sent_at = now_ict()
    central.send_edoc(data, sender=G22)
    items = env.wait_mail(receiver)
    assert len(items) == 1 and items[0].from_ == G22
    trace = trace_of(receiver.get_edoc(items[0].doc_id))
    assert [o for o, _ in trace] == [G22, NATIONAL, AXIS_H41]
    assert_timestamps(trace, sent_at)


def test_province_to_central_body(env: AxisEnv) -> None:
    sender, central = env.client(H14_00), env.client(G22)
    _, data = env.document(H14_00, [G22])
    sent_at = now_ict()
    sender.send_edoc(data, sender=H14_00)
    items = env.wait_mail(central)
    assert len(items) == 1 and items[0].from_ == H14_00 and items[0].to == G22
    trace = trace_of(central.get_edoc(items[0].doc_id))
    assert [o for o, _ in trace] == [H14_00, AXIS_H14, NATIONAL]
    assert_timestamps(trace, sent_at)


def test_status_is_routed_back_to_the_sender_by_response_for(env: AxisEnv) -> None:
    sender, receiver = env.client(H41_00), env.client(H14_00)
    pkg, data = env.document(H41_00, [H14_00])
    sender.send_edoc(data, sender=H41_00)
    items = env.wait_mail(receiver)
    receiver.update_status(items[0].doc_id, "done")

    status = status_for(pkg, org(H14_00), "03", "Đã tiếp nhận")
    status_id = receiver.send_edoc(build(status), sender=H14_00, message_type=MessageType.STATUS)
    assert HEX24.match(status_id)
    statuses = env.wait_mail(sender, message_type=MessageType.STATUS)
    assert len(statuses) == 1
    assert (statuses[0].from_, statuses[0].to, statuses[0].message_type) == (H14_00, H41_00, "status")
    got = sender.get_edoc(statuses[0].doc_id)
    got_status = parse_package(got, strict=False)
    assert isinstance(got_status, m.StatusPackage)
    assert got_status.status_code == "03"
    assert got_status.response_for is not None and got_status.response_for.document_id == pkg.document_id
    assert [o for o, _ in trace_of(got)] == [AXIS_H14, NATIONAL, AXIS_H41]
    # A status is not an edoc: the edoc mailbox stays empty and the edoc count too.
    assert sender.get_received_edoc_list(MessageType.EDOC) == []
    assert sender.count_receive_status() == 1 and sender.count_receive_edoc() == 0


def test_intra_province_status(env: AxisEnv) -> None:
    sender, receiver = env.client(H41_12), env.client(H41_00)
    pkg, data = env.document(H41_12, [H41_00])
    sender.send_edoc(data, sender=H41_12)
    receiver.update_status(receiver.get_received_edoc_list()[0].doc_id, "done")
    receiver.send_edoc(build(status_for(pkg, org(H41_00), "01")), sender=H41_00, message_type="status")
    statuses = sender.get_received_edoc_list(MessageType.STATUS)
    assert [(s.from_, s.to) for s in statuses] == [(H41_00, H41_12)]
    assert [o for o, _ in trace_of(sender.get_edoc(statuses[0].doc_id))] == [AXIS_H41]


def test_to_header_json_array_overrides_the_xml_to(env: AxisEnv) -> None:
    sender = env.client(H41_00)
    _, data = env.document(H41_00, [H41_12])
    doc_id = sender.send_edoc(data, sender=H41_00, to=[H14_00, H14_12])
    sent = sender.get_sent_edoc_list(doc_id=doc_id)
    assert sorted(s.to_code for s in sent) == [H14_00, H14_12]
    assert env.client(H41_12).get_received_edoc_list() == []
    assert len(env.wait_mail(env.client(H14_00))) == 1
    assert len(env.wait_mail(env.client(H14_12))) == 1


def test_to_header_quoted_string_overrides_the_xml_to(env: AxisEnv) -> None:
    sender = env.client(H41_00)
    _, data = env.document(H41_00, [G22])
    req = sender.protocol.send_edoc(data, sender=H41_00, to=H41_12)
    assert req.headers["XroadVnpt-to"] == f'"{H41_12}"'.encode()
    reply = sender.call(req)
    assert reply.ok, reply
    sent = sender.get_sent_edoc_list(doc_id=str(reply.body["DocId"]))
    assert [s.to_code for s in sent] == [H41_12]
    assert len(env.client(H41_12).get_received_edoc_list()) == 1
    assert env.deliveries(AXIS_H41, receiver=G22) == []


def test_sent_list_follows_each_delivery(env: AxisEnv) -> None:
    sender, local = env.client(H41_00), env.client(H41_12)
    pkg, data = env.document(H41_00, [H41_12, H14_00])
    doc_id = sender.send_edoc(data, sender=H41_00)

    sent = {s.to_code: s for s in sender.get_sent_edoc_list()}
    assert set(sent) == {H41_12, H14_00}
    assert all(s.sender_doc_id == doc_id and s.from_code == H41_00 for s in sent.values())
    assert pkg.code is not None and sent[H41_12].notation == f"{pkg.code.code_number}/{pkg.code.code_notation}"
    assert sent[H41_12].title == pkg.subject
    assert (sent[H41_12].receive_status, sent[H41_12].received_time) == ("initial", "")
    item = local.get_received_edoc_list()[0]
    assert sent[H41_12].receiver_doc_id == item.doc_id

    local.update_status(item.doc_id, "done", "Da nhan")
    remote = wait_until(
        lambda: next(
            (s for s in sender.get_sent_edoc_list() if s.to_code == H14_00 and s.send_status == "forwarded"), None
        ),
        what="the remote delivery to be forwarded",
    )
    assert remote.receive_status == ""
    after = {s.to_code: s for s in sender.get_sent_edoc_list()}
    assert (after[H41_12].receive_status, after[H41_12].receive_status_desc) == ("done", "Da nhan")
    assert after[H41_12].received_time != ""
    assert len(env.wait_mail(env.client(H14_00))) == 1


def test_counts(env: AxisEnv) -> None:
    sender, receiver = env.client(H41_00), env.client(H41_12)
    assert (receiver.count_receive_edoc(), receiver.count_receive_status()) == (0, 0)
    pkgs = []
    for _ in range(3):
        pkg, data = env.document(H41_00, [H41_12])
        sender.send_edoc(data, sender=H41_00)
        pkgs.append(pkg)
    assert (receiver.count_receive_edoc(), receiver.count_receive_status()) == (3, 0)
    receiver.send_edoc(build(status_for(pkgs[0], org(H41_12), "01")), sender=H41_12, message_type="status")
    assert (sender.count_receive_edoc(), sender.count_receive_status()) == (0, 1)
    receiver.update_status(receiver.get_received_edoc_list()[0].doc_id, "done")
    assert receiver.count_receive_edoc() == 2


def test_update_status_processing_done_fail(env: AxisEnv) -> None:
    sender, receiver = env.client(H41_00), env.client(H41_12)
    for _ in range(3):
        _, data = env.document(H41_00, [H41_12])
        sender.send_edoc(data, sender=H41_00)
    ids = [i.doc_id for i in receiver.get_received_edoc_list()]
    assert len(ids) == 3
    keep, done, failed = ids

    receiver.update_status(keep, "processing", "Dang xu ly")
    listed = {i.doc_id: i for i in receiver.get_received_edoc_list()}
    assert set(listed) == set(ids) and listed[keep].status == "processing"

    receiver.update_status(done, "done")
    receiver.update_status(failed, "fail", "Loi doc goi tin")
    assert [i.doc_id for i in receiver.get_received_edoc_list()] == [keep]
    by_receiver_id = {s.receiver_doc_id: s for s in sender.get_sent_edoc_list()}
    assert by_receiver_id[keep].receive_status == "processing"
    assert by_receiver_id[done].receive_status == "done"
    assert (by_receiver_id[failed].receive_status, by_receiver_id[failed].receive_status_desc) == (
        "fail",
        "Loi doc goi tin",
    )

    # Acknowledged means gone for good: a repeated ack or a later "processing" does not revive it.
    receiver.update_status(done, "done")
    receiver.update_status(done, "processing")
    _, data = env.document(H41_00, [H41_12])
    sender.send_edoc(data, sender=H41_00)
    after = [i.doc_id for i in receiver.get_received_edoc_list()]
    assert keep in after and done not in after and failed not in after and len(after) == 2
    assert receiver.count_receive_edoc() == 2
