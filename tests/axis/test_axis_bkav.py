"""Profile B (issue 27): a provincial axis process serving Bkav's EdocService protocol (axis-protocol.md §4),
exercised with the Bkav client: send, pending ids, fetch, confirm, statuses back; and the refusals an
attacker meets (wrong token, unknown organId, another organisation's docId, a duplicate new document,
a sender the caller does not own, hostile input), each in the real reply shape and journalled."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from harness.edxml import build, hostile
from harness.edxml import model as m
from harness.edxml.factory import new_document, organization, status_for
from harness.edxml.parser import parse_package
from harness.transport.bkav import BkavClient, BkavError, Kind
from harness.transport.bkav.wire import BASE_PATH, Reply
from harness.transport.sim_control import AxisWatch
from harness.transport.vxp import MessageType, VxpClient
from simulators.launcher import AxisProcess, Simulation
from simulators.topology import load_topology
from tests.axis.conftest import trace_of, wait_until
from tests.conftest import REPO, nghe_an_axis

H41_00, H41_12, H41_05 = "000.00.00.H41", "000.00.12.H41", "000.00.05.H41"
SECRETS = {H41_00: "token-ubnd", H41_12: "token-stttt", H41_05: "token-sxd"}
NAMES = {H41_00: "UBND tỉnh Nghệ An", H41_12: "Sở Thông tin và Truyền thông", H41_05: "Sở Xây dựng"}


@pytest.fixture(scope="module")
def axis(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AxisProcess]:
    state = tmp_path_factory.mktemp("bkav-axis")
    with nghe_an_axis(state, "Trục liên thông tỉnh Nghệ An (Bkav)", SECRETS, NAMES, protocol="bkav") as process:
        yield process


def service(axis: AxisProcess) -> str:
    return f"http://{axis.config.host}:{axis.config.port}{BASE_PATH}"


def client(axis: AxisProcess, organ: str, token: str | None = None) -> BkavClient:
    return BkavClient(service(axis), organ, SECRETS[organ] if token is None else token)


_numbers = iter(range(100, 10_000))


def document(sender: str, recipients: list[str]) -> tuple[bytes, str]:
    number = str(next(_numbers))
    pkg = new_document(
        sender=organization(sender, NAMES[sender]),
        recipients=[organization(r, NAMES[r]) for r in recipients],
        number=number,
    )
    return build(pkg), f"{number}/UBND-VX"


def test_a_document_travels_and_its_status_comes_back(axis: AxisProcess) -> None:
    data, code = document(H41_00, [H41_12])
    with client(axis, H41_00) as sender, client(axis, H41_12) as receiver:
        doc_id = sender.send_document(data)
        assert doc_id > 0
        pending = receiver.get_pending_doc_ids()
        assert [p.organ_id for p in pending] == [H41_12]
        fetched = receiver.get_document(pending[0].doc_id)
        document_pkg, original = parse_package(fetched, strict=False), parse_package(data, strict=False)
        assert isinstance(document_pkg, m.EdocPackage) and isinstance(original, m.EdocPackage)
        assert document_pkg.document_id == original.document_id
        assert b"TraceHeader" in fetched  # the axis adds its hop
        receiver.confirm_received(pending[0].doc_id)
        assert receiver.get_pending_doc_ids() == []
        assert sender.check_exist_document(H41_00, H41_12, code) is True
        assert sender.check_exist_document(H41_00, H41_05, code) is False

        status = build(status_for(document_pkg, organization(H41_12, NAMES[H41_12]), "01"))
        receiver.send_document(status, Kind.STATUS)
        statuses = sender.get_pending_doc_ids(Kind.STATUS)
        assert len(statuses) == 1 and statuses[0].doc_id != pending[0].doc_id  # ids never collide across kinds
        assert b"<edXML:StatusCode>01</edXML:StatusCode>" in sender.get_document(statuses[0].doc_id, Kind.STATUS)
        sender.confirm_received(statuses[0].doc_id)
        organs = sender.get_organizations()
        assert {o["organId"] for o in organs} >= set(NAMES) and sender.get_organizations(H41_05)[0]["organName"]


def test_the_filter_refuses_a_wrong_token_and_an_unknown_organ_with_its_401(axis: AxisProcess) -> None:
    for organ, token in ((H41_00, "sai"), ("000.00.77.H41", SECRETS[H41_00]), (H41_00, SECRETS[H41_12])):
        with BkavClient(service(axis), organ, token) as c, pytest.raises(BkavError) as refused:
            c.get_pending_doc_ids()
        reply = refused.value.reply
        assert (reply.http_status, reply.status, reply.code) == (401, "False", "9999")
        assert [(e.code, e.description) for e in reply.errors] == [("Unauthorized", "Unauthorized !")]
    bare = httpx.get(f"{service(axis)}/getPendingDocIds", headers={"type": "EDOC"})
    body = Reply.parse(bare.status_code, bare.content)
    assert bare.status_code == 401 and [e.code for e in body.errors] == ["Invalid Credentials"] * 2


def test_a_bkav_axis_does_not_answer_vxp(axis: AxisProcess) -> None:
    """A vendor whose system speaks VNPT's VXP, pointed at a Bkav province, fails here as it would there."""
    with VxpClient(axis.endpoint, H41_00, SECRETS[H41_00]) as vnpt:
        response = vnpt.send(vnpt.protocol.get_received_edoc_list(MessageType.EDOC))
    assert response.status_code == 404, response.text


def test_a_caller_cannot_read_or_confirm_another_organisations_document(axis: AxisProcess) -> None:
    data, _ = document(H41_00, [H41_12])
    with client(axis, H41_00) as sender, client(axis, H41_12) as owner, client(axis, H41_05) as other:
        sender.send_document(data)
        number = owner.get_pending_doc_ids()[-1].doc_id
        for call in (lambda: other.get_document(number), lambda: other.confirm_received(number)):
            with pytest.raises(BkavError) as refused:
                call()
            assert [(e.code, e.description) for e in refused.value.reply.errors] == [("DocID", "Invalid DocID")]
        assert owner.get_pending_doc_ids()[-1].doc_id == number  # still waiting for its owner
        owner.confirm_received(number)


def test_a_duplicate_new_document_and_a_foreign_sender_are_refused(axis: AxisProcess) -> None:
    data, _ = document(H41_00, [H41_05])
    with client(axis, H41_00) as sender, client(axis, H41_12) as impostor, client(axis, H41_05) as receiver:
        sender.send_document(data)
        with pytest.raises(BkavError) as again:
            sender.send_document(data)
        assert again.value.reply.errors[0].code == "ExistDoc" and again.value.reply.status == "Fail"
        with pytest.raises(BkavError) as forged:
            impostor.send_document(document(H41_00, [H41_05])[0])
        assert forged.value.reply.errors[0].code == "Forbidden"
        assert len(receiver.get_pending_doc_ids()) == 1
        receiver.confirm_received(receiver.get_pending_doc_ids()[0].doc_id)


def test_hostile_input_gets_a_clean_refusal_and_the_axis_goes_on(axis: AxisProcess) -> None:
    valid, _ = document(H41_00, [H41_12])
    with client(axis, H41_00) as sender:
        for payload in (
            hostile.entity_bomb_in(valid),
            hostile.xxe_in(valid),
            b"khong phai XML",
            valid[: len(valid) // 2],
        ):
            with pytest.raises(BkavError) as refused:
                sender.send_document(payload)
            assert refused.value.reply.code == "9999" and refused.value.reply.http_status == 200
        raw = sender.call(sender.protocol.get_document(1, Kind.EDOC))
        assert not raw.ok
        assert sender.send_document(valid) > 0


def test_every_call_is_journalled_under_its_operation(axis: AxisProcess) -> None:
    with client(axis, H41_12) as c:
        c.get_pending_doc_ids()
    with client(axis, H41_12, "sai") as c, pytest.raises(BkavError):
        c.get_pending_doc_ids()
    watch = AxisWatch(axis.config.control_url, token=axis.config.control_token)
    try:
        rows = [r for r in watch.journal(after=0) if r["operation"] == "getPendingDocIds"]
    finally:
        watch.close()
    assert rows[-2]["status"] == "OK" and rows[-2]["system_id"] == H41_12
    assert (rows[-1]["status"], rows[-1]["error_code"], rows[-1]["http_status"]) == ("FAIL", "401", 401)


def test_a_province_of_a_topology_speaks_edocservice_and_exchanges_with_a_vnpt_province(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """`protocol: bkav` on a province of the topology file reaches its axis process; a document from the
    Bkav province reaches an agency of the VNPT province through the national axis, one TraceHeader per
    hop, and its status comes back to the Bkav agency."""
    topology = load_topology(REPO / "fixtures" / "topologies" / "minimal.yaml")
    topology.provinces[1].protocol = "bkav"
    sim = Simulation.start(topology, tmp_path_factory.mktemp("bkav-topology"))
    try:
        h14, h41 = sim.axes["000.00.99.H14"], sim.axes["000.00.99.H41"]
        sender, local, remote = "000.00.00.H14", "000.00.12.H14", "000.00.12.H41"
        pkg = new_document(
            sender=organization(sender, "UBND tỉnh Cao Bằng"),
            recipients=[organization(local, "Sở TTTT Cao Bằng"), organization(remote, "Sở TTTT Nghệ An")],
            number="7",
        )
        root = f"http://{h14.config.host}:{h14.config.port}{BASE_PATH}"
        with (
            BkavClient(root, sender, "test-secret-h14-00") as a,
            BkavClient(root, local, "test-secret-h14-12") as b,
            VxpClient(h41.endpoint, remote, "test-secret-h41-12") as vnpt,
        ):
            a.send_document(build(pkg))
            assert len(b.get_pending_doc_ids()) == 1
            items = wait_until(vnpt.get_received_edoc_list, what="the document in the VNPT province")
            arrived = vnpt.get_edoc(items[0].doc_id)
            hops = trace_of(arrived)
            assert [organ for organ, _ in hops] == [sender, "000.00.99.H14", "000.00.00.W00", "000.00.99.H41"], hops
            vnpt.update_status(items[0].doc_id, "done")
            received = parse_package(arrived, strict=False)
            assert isinstance(received, m.EdocPackage)
            status = build(status_for(received, organization(remote, "Sở TTTT Nghệ An"), "01"))
            vnpt.send_edoc(status, sender=remote, message_type=MessageType.STATUS)
            back = wait_until(lambda: a.get_pending_doc_ids(Kind.STATUS), what="the status in the Bkav province")
            assert b"<edXML:StatusCode>01</edXML:StatusCode>" in a.get_document(back[0].doc_id, Kind.STATUS)
            a.confirm_received(back[0].doc_id)
        assert httpx.post(f"http://{h41.config.host}:{h41.config.port}{BASE_PATH}/getPendingDocIds").status_code == 404
    finally:
        sim.stop()
