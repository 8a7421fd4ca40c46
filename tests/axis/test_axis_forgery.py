"""A captured request must not authorise anything else (issue 24, item 1).

The attacker holds the headers of one agency's routine poll (no secret) and replays them with
unsigned headers added, against other operations, or sends a captured package again.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from harness.edxml.builder import build
from harness.edxml.factory import status_for
from harness.edxml.formats import ICT
from harness.transport.vxp import Operation, PreparedRequest, Quirks, VxpClient
from harness.transport.vxp.auth import PREFIX, hash_file
from simulators.launcher import AxisProcess
from tests.axis.conftest import H41_00, H41_12, AxisEnv, org
from tests.conftest import nghe_an_axis


def captured_poll(env: AxisEnv, agency: str) -> PreparedRequest:
    """The headers of the agency's routine getReceivedEdocList, as a listener on the wire sees them."""
    return env.client(agency).protocol.get_received_edoc_list()


def replay(
    env: AxisEnv, poll: PreparedRequest, operation: str, extra: dict[str, str], body: bytes = b"{}"
) -> dict[str, Any]:
    headers = {k.encode(): v for k, v in poll.headers.items()}
    headers.update({(PREFIX + k).encode(): v.encode() for k, v in extra.items()})
    url = poll.url.rsplit("/", 1)[0] + "/" + operation
    response = env.http.post(url, headers=headers, content=body)
    assert response.status_code == 200
    body_json: dict[str, Any] = response.json()
    return body_json


def test_a_captured_poll_cannot_read_acknowledge_or_send(env: AxisEnv) -> None:
    sender = env.client(H41_00)
    _, data = env.document(H41_00, [H41_12])
    sender.send_edoc(data, sender=H41_00)
    [item] = env.client(H41_12).get_received_edoc_list()
    poll = captured_poll(env, H41_12)
    assert env.client(H41_12).call(poll).ok, "the captured request itself is genuine"

    read = replay(env, poll, Operation.GET_EDOC, {"docId": item.doc_id})
    assert (read["status"], read["ErrorCode"], read["data"]) == ("FAIL", "400", ""), read
    gone = replay(env, poll, Operation.UPDATE_STATUS, {"docId": item.doc_id, "status": "done"})
    assert (gone["status"], gone["ErrorCode"]) == ("FAIL", "400"), gone
    _, forged = env.document(H41_12, [H41_00], subject="Văn bản giả mạo")
    sent = replay(env, poll, Operation.SEND_EDOC, {"from": H41_12, "servicetype": "eDoc"}, forged)
    assert (sent["status"], sent["ErrorCode"], sent["DocId"]) == ("FAIL", "400", ""), sent
    assert "from" in sent["ErrorDesc"] or "hash-file" in sent["ErrorDesc"]
    # Nothing happened: still pending, readable by its owner, nothing sent in its name.
    assert [i.doc_id for i in env.client(H41_12).get_received_edoc_list()] == [item.doc_id]
    assert env.client(H41_00).get_received_edoc_list() == []


def test_send_edoc_needs_a_signed_hash_file_that_matches(env: AxisEnv) -> None:
    client = env.client(H41_00)
    _, data = env.document(H41_00, [H41_12])
    req = client.protocol.prepare(
        Operation.SEND_EDOC, {"from": H41_00, "servicetype": "eDoc", "messagetype": "edoc"}, content=data
    )
    reply = client.call(req)
    assert (reply.status, reply.error_code) == ("FAIL", "400")
    assert reply.error_desc.startswith("Thieu tham so hash-file")
    _, other = env.document(H41_00, [H41_12])
    req = client.protocol.send_edoc(data, sender=H41_00, extra={"hash-file": hash_file(other)})
    reply = client.call(req)
    assert (reply.status, reply.error_code, reply.error_desc) == (
        "FAIL",
        "400",
        "hash-file khong khop voi noi dung goi tin",
    )
    assert env.client(H41_12).get_received_edoc_list() == []


def test_a_replayed_status_package_is_refused(env: AxisEnv) -> None:
    pkg, data = env.document(H41_00, [H41_12])
    env.client(H41_00).send_edoc(data, sender=H41_00)
    receiver = env.client(H41_12)
    status = build(status_for(pkg, org(H41_12), "03"))
    captured = receiver.protocol.send_edoc(status, sender=H41_12, message_type="status")
    first = receiver.call(captured)
    assert first.ok
    for _ in range(2):
        again = receiver.call(captured)
        assert (again.status, again.error_code, again.body["DocId"]) == ("FAIL", "409", "")
        assert again.error_desc == f"Goi tin nay da duoc gui (DocId {first.body['DocId']}): yeu cau lap lai"
    assert len(env.client(H41_00).get_received_edoc_list("status")) == 1


SECRET = "fresh-secret"
_clock = itertools.count()


@pytest.fixture(scope="module")
def fresh_axis(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AxisProcess]:
    """An axis that enforces timestamp freshness (5 minutes) and so refuses a signature used twice."""
    state: Path = tmp_path_factory.mktemp("fresh-axis")
    names = {H41_00: "UBND tỉnh Nghệ An"}
    with nghe_an_axis(state, "Trục tỉnh (kiểm tra độ mới)", {H41_00: SECRET}, names, freshness_seconds=300) as axis:
        yield axis


def ticking() -> datetime:
    """A clock a millisecond further on each call: every request its own timestamp."""
    return datetime.now(ICT) + timedelta(milliseconds=next(_clock))


def test_with_a_freshness_window_a_signature_is_used_once(fresh_axis: AxisProcess) -> None:
    with VxpClient(fresh_axis.endpoint, H41_00, SECRET, quirks=Quirks(fixed_timestamp=False)) as client:
        client.protocol.clock = ticking
        for _ in range(3):
            assert client.get_received_edoc_list() == []
        captured = client.protocol.get_received_edoc_list()
        assert client.call(captured).ok
        again = client.call(captured)
        assert (again.status, again.error_code) == ("FAIL", "401")
        assert again.error_desc == "Chu ky nay da duoc su dung: yeu cau lap lai bi tu choi"
        assert again.body["data"] == []
    stale = httpx.get(fresh_axis.control_url + "/journal").json()[-1]
    assert (stale["operation"], stale["status"], stale["error_code"]) == ("getReceivedEdocList", "FAIL", "401")
