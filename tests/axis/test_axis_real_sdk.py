"""The published VNPT Java SDK (SDKVXP-2.0.1), unchanged, against real axis processes.

Every operation of the SDK, the refusals of each, a whole exchange in one province and one across
provinces through the national axis, all through the SDK's own result objects. A client is one
pair of long-lived SDK objects, as a vendor's system holds them, so the SDK's habits are on the
wire: one timestamp per object and every header of earlier calls carried into later ones.
Skipped, saying why, when the jars or a JDK are absent (`tests/axis/real_sdk.py`).
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from harness.edxml.builder import build
from harness.edxml.factory import status_for
from tests.axis.conftest import AGENCIES, AXIS_H41, G22, H14_00, H41_00, H41_12, AxisEnv, org, wait_until
from tests.axis.real_sdk import JavaSdk, java_sdk_session

EDOC = {"servicetype": "eDoc", "messagetype": "edoc"}
STATUS = {"servicetype": "eDoc", "messagetype": "status"}
DOC_ID = re.compile(r"^[0-9a-f]{24}$")
UNKNOWN_DOC_ID = "0123456789abcdef01234567"

_names = itertools.count(1)


@pytest.fixture(scope="module")
def sdk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[JavaSdk]:
    yield from java_sdk_session(tmp_path_factory.mktemp("java-sdk"))


class SdkAgency:
    """One agency's document system built on the SDK: one KnobstickServiceImp, one AgencyServiceImp."""

    def __init__(self, sdk: JavaSdk, env: AxisEnv, agency: str, work: Path, *, secret: str | None = None) -> None:
        endpoint, system_id, real_secret = env.sim.credentials(agency)
        self.sdk, self.agency, self.work = sdk, agency, work
        self.name = f"{agency}#{next(_names)}"
        self.store = work / self.name
        sdk.open(self.name, endpoint, system_id, secret if secret is not None else real_secret, self.store)

    def call(self, op: str, header: dict[str, Any] | None = None, **extra: str) -> dict[str, Any]:
        result = self.sdk.call(self.name, op, header, **extra)
        assert result is not None, f"the SDK returned null for {op}"
        return result

    def send(self, data: bytes, header: dict[str, Any] | None = None) -> dict[str, Any]:
        path = self.work / f"{self.name}-{next(_names)}.edxml"
        path.write_bytes(data)
        return self.call("sendEdoc", header if header is not None else {"from": self.agency, **EDOC}, file=str(path))

    def received(self, header: dict[str, Any] = EDOC) -> list[dict[str, Any]]:
        result = self.call("getReceivedEdocList", header)
        assert (result["status"], result["errorCode"]) == ("OK", "0"), result
        items: list[dict[str, Any]] = result["knobsticks"]
        return items

    def wait_received(self, header: dict[str, Any] = EDOC, count: int = 1) -> list[dict[str, Any]]:
        def ready() -> list[dict[str, Any]] | None:
            items = self.received(header)
            return items if len(items) >= count else None

        return wait_until(ready, what=f"{count} {header['messagetype']} item(s) for {self.agency}")

    def get(self, doc_id: str, **header: str) -> dict[str, Any]:
        return self.call("getEdoc", {"docId": doc_id, "filePath": str(self.store), **header})

    def ack(self, doc_id: str, status: str = "done", spelling: str = "docId") -> dict[str, Any]:
        return self.call("updateStatus", {spelling: doc_id, "status": status})

    def sent(self, header: dict[str, Any] = EDOC) -> list[dict[str, Any]]:
        result = self.call("getSentEdocList", header)
        assert (result["status"], result["errorCode"]) == ("OK", "0"), result
        rows: list[dict[str, Any]] = result["statusResult"]
        return rows


@pytest.fixture
def agency(sdk: JavaSdk, env: AxisEnv, tmp_path: Path) -> Any:
    def make(agency_id: str, *, secret: str | None = None) -> SdkAgency:
        return SdkAgency(sdk, env, agency_id, tmp_path, secret=secret)

    return make


def ok(result: dict[str, Any]) -> bool:
    return (result.get("status"), result.get("errorCode"), result.get("errorDesc")) == ("OK", "0", "Thanh cong")


def test_send_receive_acknowledge_and_status_back_in_one_province(env: AxisEnv, agency: Any) -> None:
    a, b = agency(H41_00), agency(H41_12)
    pkg, data = env.document(H41_00, [H41_12])
    sent = a.send(data)
    assert ok(sent) and DOC_ID.match(sent["docID"]), sent

    count = b.call("countReceiveEdoc", EDOC)
    assert ok(count) and count["count"] == 1
    [item] = b.received()
    assert (item["from"], item["to"], item["status"], item["messageType"]) == (H41_00, H41_12, "initial", "edoc")
    fetched = b.get(item["id"])
    assert ok(fetched) and fetched["data"].startswith("<?xml")
    saved = Path(fetched["filePath"])
    assert saved.name == f"{item['id']}.edxml" and saved.read_text("utf-8") == fetched["data"]
    download = b.call("downloadEdoc", {"docId": item["id"], "filePath": str(b.store / "dl")})
    assert (download["status"], download["errorCode"]) == ("SUCCESS", "0")
    assert Path(download["filePath"]).read_text("utf-8") == fetched["data"]
    assert ok(b.ack(item["id"]))
    assert b.received() == []

    status = b.send(build(status_for(pkg, org(H41_12), "01")), {"from": H41_12, **STATUS})
    assert ok(status) and DOC_ID.match(status["docID"])
    assert a.call("countReceiveStatus", STATUS)["count"] == 1
    [back] = a.wait_received(STATUS)
    assert (back["from"], back["messageType"]) == (H41_12, "status")
    assert "<edXML:StatusCode>01</edXML:StatusCode>" in a.get(back["id"])["data"]
    assert ok(a.ack(back["id"]))

    # The sender's object now carries docId/status/filePath of its updateStatus and getEdoc.
    [row] = a.sent()
    assert (row["senderDocId"], row["receiverDocId"], row["toCode"]) == (sent["docID"], item["id"], H41_12)
    assert (row["receiveStatus"], row["fromCode"]) == ("done", H41_00)
    [status_row] = b.sent(STATUS)
    assert (status_row["senderDocId"], status_row["toCode"]) == (status["docID"], H41_00)


def test_sent_list_after_update_status_lists_the_deliveries(env: AxisEnv, agency: Any) -> None:
    """The defect: the SDK carries updateStatus' docId into getSentEdocList, and the axis filtered on it."""
    a, b = agency(H41_00), agency(H41_12)
    _, data = env.document(H41_00, [H41_12])
    first = a.send(data)["docID"]
    _, data = env.document(H41_12, [H41_00])
    b.send(data, {"from": H41_12, **EDOC})
    [incoming] = a.wait_received()
    assert ok(a.get(incoming["id"])) and ok(a.ack(incoming["id"]))
    assert [r["senderDocId"] for r in a.sent()] == [first]
    # Received-list filters are not read from carried-over values either (status=done here).
    _, data = env.document(H41_12, [H41_00])
    b.send(data, {"from": H41_12, **EDOC})
    assert len(a.wait_received()) == 1
    # A docId that names one of the caller's own packages still filters the sent list.
    second = a.send(env.document(H41_00, [H41_12])[1])["docID"]
    assert [r["senderDocId"] for r in a.sent({**EDOC, "docId": first})] == [first]
    assert sorted(r["senderDocId"] for r in a.sent({**EDOC, "docId": incoming["id"]})) == sorted([first, second])


def test_across_provinces_through_the_national_axis(env: AxisEnv, agency: Any) -> None:
    a, c, g = agency(H41_00), agency(H14_00), agency(G22)
    pkg, data = env.document(H41_00, [H14_00, G22])
    sent = a.send(data)
    assert ok(sent), sent
    for receiver, code in ((c, H14_00), (g, G22)):
        [item] = receiver.wait_received()
        assert (item["from"], item["to"]) == (H41_00, code)
        assert ok(receiver.get(item["id"])) and ok(receiver.ack(item["id"]))
        assert ok(receiver.send(build(status_for(pkg, org(code), "01")), {"from": code, **STATUS}))
    backs = a.wait_received(STATUS, count=2)
    assert sorted(b["from"] for b in backs) == sorted([H14_00, G22])
    for back in backs:
        assert ok(a.get(back["id"])) and ok(a.ack(back["id"]))
    assert a.received(STATUS) == []
    rows = a.sent()
    assert sorted(r["toCode"] for r in rows) == sorted([H14_00, G22])
    assert {r["senderDocId"] for r in rows} == {sent["docID"]}


def test_every_operation_refused_with_a_wrong_secret(env: AxisEnv, agency: Any) -> None:
    bad = agency(H41_00, secret="not-the-secret")
    _, data = env.document(H41_00, [H41_12])
    refusals = {
        "sendEdoc": bad.send(data),
        "getReceivedEdocList": bad.call("getReceivedEdocList", EDOC),
        "getEdoc": bad.call("getEdoc", {"docId": UNKNOWN_DOC_ID, "filePath": str(bad.store)}),
        "updateStatus": bad.call("updateStatus", {"docId": UNKNOWN_DOC_ID, "status": "done"}),
        "getSentEdocList": bad.call("getSentEdocList", EDOC),
        "countReceiveEdoc": bad.call("countReceiveEdoc", EDOC),
        "countReceiveStatus": bad.call("countReceiveStatus", STATUS),
        "getAgenciesList": bad.call("getAgenciesList"),
        "getAgenciesListQD20": bad.call("getAgenciesListQD20", {"level": "1"}),
        "getSynchronizeUnit": bad.call("getSynchronizeUnit"),
        "registerAgency": bad.call("registerAgency", data='{"code":"000.00.21.H41","name":"X"}'),
        "deleteAgency": bad.call("deleteAgency", {"AgencyCode": H41_12}),
    }
    for op, result in refusals.items():
        assert (result["status"], result["errorCode"], result["errorDesc"]) == (
            "FAIL",
            "401",
            "Chu ky HMAC khong hop le",
        ), op
    assert refusals["sendEdoc"]["docID"] == ""
    # downloadEdoc answers raw bytes: the SDK can only say that nothing came (its own code 100).
    download = bad.call("downloadEdoc", {"docId": UNKNOWN_DOC_ID, "filePath": str(bad.store)})
    assert (download["status"], download["errorCode"]) == ("FAIL", "100")
    assert env.client(H41_12).get_received_edoc_list() == []


def test_send_refusals_reach_the_caller(env: AxisEnv, agency: Any) -> None:
    a = agency(H41_00)
    _, data = env.document(H41_00, [H41_12])
    wrong_sender = a.send(data, {"from": H41_12, **EDOC})
    assert (wrong_sender["status"], wrong_sender["errorCode"], wrong_sender["docID"]) == ("FAIL", "403", "")
    assert wrong_sender["errorDesc"] == f"Don vi gui {H41_12} khong dung voi ma da dang ky: {H41_00}"
    broken = a.send(b"<edXML>not a package")
    assert (broken["status"], broken["errorCode"], broken["docID"]) == ("FAIL", "400", "")
    assert "EDX-01" in broken["errorDesc"]
    assert ok(a.send(data))
    again = a.send(data)
    assert (again["status"], again["errorCode"], again["docID"]) == ("FAIL", "409", "")
    _, nowhere = env.document(G22, ["000.00.00.H99"])
    unknown = agency(G22).send(nowhere, {"from": G22, **EDOC})
    assert (unknown["status"], unknown["errorCode"], unknown["docID"]) == ("FAIL", "404", "")
    assert unknown["errorDesc"] == "Khong tim thay don vi nhan: 000.00.00.H99"
    assert len(env.client(H41_12).get_received_edoc_list()) == 1


def test_mailbox_refusals_reach_the_caller(env: AxisEnv, agency: Any) -> None:
    a, b = agency(H41_00), agency(H41_12)
    a.send(env.document(H41_00, [H41_12])[1])
    [item] = b.received()
    for op, result in {
        "getEdoc unknown": a.get(UNKNOWN_DOC_ID),
        "getEdoc of another's mail": a.get(item["id"]),
        "updateStatus of another's mail": a.ack(item["id"]),
    }.items():
        assert (result["status"], result["errorCode"]) == ("FAIL", "404"), op
        assert result["errorDesc"].startswith("Khong tim thay van ban"), op
    invalid = b.ack(item["id"], status="archived")
    assert (invalid["status"], invalid["errorCode"]) == ("FAIL", "400")
    assert "archived" in invalid["errorDesc"]
    assert [i["id"] for i in b.received()] == [item["id"]]


def test_agency_operations(env: AxisEnv, agency: Any) -> None:
    a = agency(H41_00)
    listed = a.call("getAgenciesList")
    assert ok(listed) and sorted(x["code"] for x in listed["agencies"]) == sorted(AGENCIES)
    level1 = a.call("getAgenciesListQD20", {"level": "1"})
    assert ok(level1) and sorted(x["code102"] for x in level1["agencies"]) == sorted([G22, H41_00, H14_00])
    units = a.call("getSynchronizeUnit")
    assert ok(units) and sorted(u["code"] for u in units["unitSynchronize"]) == sorted(AGENCIES)
    assert all(isinstance(u["version"], int) and u["deleted"] is False for u in units["unitSynchronize"])

    fields = {"id": "", "pcode": H41_00, "code": "000.00.21.H41", "name": "Phòng Văn thư", "mail": "vt@example.gov.vn"}
    new = json.dumps(fields, ensure_ascii=False)
    assert ok(a.call("registerAgency", data=new))
    names = {x["code"]: x["name"] for x in a.call("getAgenciesList")["agencies"]}
    assert names["000.00.21.H41"] == "Phòng Văn thư"
    taken = agency(H41_12).call("registerAgency", data=new)
    assert (taken["status"], taken["errorCode"]) == ("FAIL", "409")
    invalid = a.call("registerAgency", data='{"code":"khong-hop-le","name":"X"}')
    assert (invalid["status"], invalid["errorCode"]) == ("FAIL", "400")
    foreign = agency(H41_12).call("deleteAgency", {"AgencyCode": "000.00.21.H41"})
    assert (foreign["status"], foreign["errorCode"]) == ("FAIL", "403")
    assert ok(a.call("deleteAgency", {"AgencyCode": "000.00.21.H41"}))
    assert "000.00.21.H41" not in {x["code"] for x in a.call("getAgenciesList")["agencies"]}
    gone = a.call("deleteAgency", {"AgencyCode": "000.00.21.H41"})
    assert (gone["status"], gone["errorCode"]) == ("FAIL", "404")


def test_bkav_bridge_spellings_docid_and_docId_on_one_object(env: AxisEnv, agency: Any) -> None:
    """Bkav's bridge writes `docId` for getEdoc and `docid` for updateStatus on one SDK object.

    From the second document on, both spellings are signed on every call with different values;
    each operation must act on the document its caller named, and sendEdoc (whose connection
    keeps only one of the two headers) must still authenticate.
    """
    a, bridge = agency(H41_00), agency(H41_12)
    for _ in range(3):
        a.send(env.document(H41_00, [H41_12])[1])
    items = bridge.received()
    assert len(items) == 3
    bodies = {i["id"]: env.client(H41_12).get_edoc(i["id"]) for i in items}
    assert len(set(bodies.values())) == 3
    for item in items[:2]:
        assert bridge.get(item["id"])["data"].encode("utf-8") == bodies[item["id"]]
        assert ok(bridge.ack(item["id"], spelling="docid"))
    # confirmReceived: updateStatus with `docid` while the getEdoc's `docId` is still carried.
    assert ok(bridge.ack(items[2]["id"], spelling="docid"))
    assert bridge.received() == []
    assert ok(bridge.send(env.document(H41_12, [H41_00])[1], {"from": H41_12, **EDOC}))
    assert len(a.wait_received()) == 1


def test_carried_over_to_from_a_list_call_does_not_reroute(env: AxisEnv, agency: Any) -> None:
    """PVN's gateway lists its mail with `to` = its own code; the SDK then carries it into sendEdoc."""
    a = agency(H41_00)
    assert a.received({**EDOC, "to": H41_00}) == []
    assert ok(a.send(env.document(H41_00, [H41_12])[1]))
    assert len(env.client(H41_12).get_received_edoc_list()) == 1
    assert env.client(H41_00).get_received_edoc_list() == []


def test_an_axis_in_trouble_is_reported_through_the_sdk(env: AxisEnv, agency: Any) -> None:
    """HTTP 503 (down) and injected 500s: the SDK parses error bodies too, so the code reaches the caller."""
    a = agency(H41_00)
    _, data = env.document(H41_00, [H41_12])
    env.add_fault(AXIS_H41, kind="error", operation="sendEdoc")
    failed = a.send(data)
    assert (failed["status"], failed["errorCode"], failed["docID"]) == ("FAIL", "500", "")
    env.add_fault(AXIS_H41, kind="down", duration_s=60)
    for result in (a.send(data), a.call("getReceivedEdocList", EDOC), a.call("countReceiveEdoc", EDOC)):
        assert (result["status"], result["errorCode"]) == ("FAIL", "503"), result
        assert result["errorDesc"] == "Truc tam ngung hoat dong (gia lap)"
    assert env.deliveries(AXIS_H41) == []
