"""The /_sim control plane: journal, health, reset, registration, injection, stored packages."""

from __future__ import annotations

import base64
import json
import re

from harness.edxml import model as m
from harness.edxml.builder import build
from harness.edxml.factory import status_for
from harness.edxml.parser import parse_package
from harness.transport.vxp import MessageType
from tests.axis.conftest import AXIS_H41, G22, H14_00, H41_00, H41_12, NATIONAL, AxisEnv, org

TS = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+07:00\Z")


def test_journal_has_one_row_per_request(env: AxisEnv) -> None:
    sender, receiver = env.client(H41_00), env.client(H41_12)
    _, data = env.document(H41_00, [H41_12])
    doc_id = sender.send_edoc(data, sender=H41_00)
    items = receiver.get_received_edoc_list()
    delivery = items[0].doc_id
    receiver.get_edoc(delivery)
    receiver.update_status(delivery, "done")
    missing = receiver.call(receiver.protocol.get_edoc("f" * 24))
    assert missing.error_code == "404"
    receiver.send(receiver.protocol.download_edoc("f" * 24))

    rows = env.journal(AXIS_H41)
    assert [(r["system_id"], r["operation"], r["status"], r["error_code"]) for r in rows] == [
        (H41_00, "sendEdoc", "OK", "0"),
        (H41_12, "getReceivedEdocList", "OK", "0"),
        (H41_12, "getEdoc", "OK", "0"),
        (H41_12, "updateStatus", "OK", "0"),
        (H41_12, "getEdoc", "FAIL", "404"),
        (H41_12, "downloadEdoc", "FAIL", "404"),
    ]
    assert rows[0]["doc_ids"] == [doc_id, delivery]
    assert rows[1]["doc_ids"] == [delivery] and rows[2]["doc_ids"] == [delivery] and rows[3]["doc_ids"] == [delivery]
    assert "f" * 24 in rows[4]["error_desc"] and rows[5]["http_status"] == 404
    assert [r["id"] for r in rows] == sorted(r["id"] for r in rows)
    for r in rows:
        assert TS.match(r["ts"]) and r["duration_ms"] >= 0 and r["remote"] == "127.0.0.1"
    assert rows[0]["bytes_in"] == len(data) + 2 and rows[2]["bytes_out"] > len(data)

    # Filters: by operation, by caller, and after an id.
    assert [r["id"] for r in env.journal(AXIS_H41, operation="getEdoc")] == [rows[2]["id"], rows[4]["id"]]
    assert [r["operation"] for r in env.journal(AXIS_H41, system=H41_00)] == ["sendEdoc"]
    assert [r["id"] for r in env.journal(AXIS_H41, after=str(rows[3]["id"]))] == [rows[4]["id"], rows[5]["id"]]


def test_journal_rows_of_a_time_span(env: AxisEnv) -> None:
    """`since`/`until` (epoch seconds) keep the rows of that span: a failed scenario's evidence and the run-tests
    judging a few seconds read those seconds, not a system's whole history (the harness fetched the newest 2,000
    rows for each failure, and a check read up to 10,000 from the oldest)."""
    import time

    from harness.transport.sim_control import journal_time

    client = env.client(H41_00)
    client.get_agencies_list()
    time.sleep(0.05)
    middle = time.time()
    time.sleep(0.05)
    client.count_receive_edoc()
    time.sleep(0.05)
    end = time.time()
    time.sleep(0.05)
    client.get_agencies_list()
    rows = env.journal(AXIS_H41)
    assert [r["operation"] for r in rows] == ["getAgenciesList", "countReceiveEdoc", "getAgenciesList"]
    assert journal_time(rows[0]) < middle < journal_time(rows[1]) < end < journal_time(rows[2])
    since = env.journal(AXIS_H41, since=repr(middle))
    assert [r["id"] for r in since] == [rows[1]["id"], rows[2]["id"]]
    span = env.journal(AXIS_H41, since=repr(middle), until=repr(end))
    assert [r["id"] for r in span] == [rows[1]["id"]]
    assert env.journal(AXIS_H41, since=repr(middle), until=repr(end), tail="1", limit="5") == span
    assert env.journal(AXIS_H41, until=repr(middle)) == rows[:1]
    exact = env.journal(AXIS_H41, since=repr(journal_time(rows[1])), until=repr(journal_time(rows[1])))
    assert [r["id"] for r in exact] == [rows[1]["id"]]  # the row's own millisecond is inside
    response = env.control(AXIS_H41, "GET", "/journal", params={"since": "hôm qua"})
    assert response.status_code == 400 and "epoch" in response.json()["error"]


def test_journal_jsonl_download(env: AxisEnv) -> None:
    client = env.client(H41_00)
    client.get_agencies_list()
    client.count_receive_edoc()
    client.call(client.protocol.update_status("a" * 24, "done"))
    response = env.control(AXIS_H41, "GET", "/journal", params={"format": "jsonl"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/x-ndjson")
    assert "attachment" in response.headers["content-disposition"]
    lines = response.content.decode("utf-8").splitlines()
    assert len(lines) == 3 and response.content.endswith(b"\n")
    parsed = [json.loads(line) for line in lines]
    assert parsed == env.journal(AXIS_H41)
    assert [p["operation"] for p in parsed] == ["getAgenciesList", "countReceiveEdoc", "updateStatus"]
    assert parsed[2]["status"] == "FAIL"


def test_health(env: AxisEnv) -> None:
    for code in (NATIONAL, AXIS_H41):
        health = env.get_json(code, "/health")
        axis = env.axis(code)
        assert health["status"] == "ok" and health["code"] == code and health["endpoint"] == axis.endpoint
        assert health["role"] == ("national" if code == NATIONAL else "provincial")
        assert health["strictness"] == "transport" and health["uptime_s"] >= 0
        assert health["deliveries"] == {} and health["faults"] == 0
    _, data = env.document(H41_00, [H41_12])
    env.client(H41_00).send_edoc(data, sender=H41_00)
    env.add_fault(AXIS_H41, kind="latency", latency_ms=1)
    health = env.get_json(AXIS_H41, "/health")
    assert health["deliveries"] == {"initial": 1} and health["faults"] == 1


def test_reset(env: AxisEnv) -> None:
    sender, receiver = env.client(H41_00), env.client(H41_12)
    _, data = env.document(H41_00, [H41_12])
    sender.send_edoc(data, sender=H41_00)
    sender.register_agency("000.00.21.H41", "Phòng Văn thư", H41_00)
    env.add_fault(AXIS_H41, kind="latency", latency_ms=1)

    assert env.control(AXIS_H41, "POST", "/reset", json={}).json() == {"status": "ok"}
    assert env.deliveries(AXIS_H41) == [] and env.get_json(AXIS_H41, "/faults") == []
    assert env.journal(AXIS_H41) == []
    assert receiver.get_received_edoc_list() == []
    assert sender.get_sent_edoc_list() == []
    # Without `registry` the registrations stay; with it they go, the configured directory stays.
    codes = {a["code"] for a in sender.get_agencies_list()}
    assert "000.00.21.H41" in codes
    env.control(AXIS_H41, "POST", "/reset", json={"registry": True})
    codes = {a["code"] for a in sender.get_agencies_list()}
    assert "000.00.21.H41" not in codes and {H41_00, H41_12, H14_00, G22} <= codes
    # The same package may be sent again: the dedupe memory went with the packages.
    assert sender.send_edoc(data, sender=H41_00)


def test_systems_and_agencies_registered_through_the_control_plane(env: AxisEnv) -> None:
    new_system, new_organ = "000.00.40.H41", "000.00.41.H41"
    response = env.control(
        AXIS_H41,
        "POST",
        "/systems",
        json={"system_id": new_system, "secret": "s-40", "organs": [new_system, new_organ], "name": "He thong moi"},
    )
    assert response.status_code == 201
    assert response.json() == {"system_id": new_system, "organs": [new_system, new_organ], "domains": []}
    listed = {s["system_id"]: s for s in env.get_json(AXIS_H41, "/systems")}
    assert listed[new_system]["organs"] == [new_system, new_organ] and H41_00 in listed

    response = env.control(AXIS_H41, "POST", "/agencies", json={"code": new_organ, "name": "Phòng mới", "pid": H41_00})
    assert response.status_code == 201
    client = env.raw_client(env.axis(AXIS_H41).endpoint, new_system, "s-40")
    directory = {a["code"]: a for a in client.get_agencies_list()}
    assert directory[new_organ]["name"] == "Phòng mới" and directory[new_organ]["pid"] == H41_00

    # The new system sends as either of its organs and receives for both.
    _, data = env.document(new_organ, [H41_12])
    client.send_edoc(data, sender=new_organ)
    assert [i.from_ for i in env.client(H41_12).get_received_edoc_list()] == [new_organ]
    _, data = env.document(H41_12, [new_system, new_organ])
    env.client(H41_12).send_edoc(data, sender=H41_12)
    assert sorted(i.to for i in client.get_received_edoc_list()) == [new_system, new_organ]

    assert env.control(AXIS_H41, "DELETE", f"/systems/{new_system}").json() == {"removed": True}
    assert client.call(client.protocol.get_agencies_list()).error_code == "401"
    assert env.control(AXIS_H41, "DELETE", f"/systems/{new_system}").status_code == 404


def test_inject_puts_a_package_into_a_mailbox(env: AxisEnv) -> None:
    pkg, data = env.document(H14_00, [G22])
    response = env.control(
        AXIS_H41,
        "POST",
        "/inject",
        json={"body_base64": base64.b64encode(data).decode("ascii"), "receivers": [H41_12]},
    )
    assert response.status_code == 201, response.text
    injected = response.json()
    assert len(injected["deliveries"]) == 1
    receiver = env.client(H41_12)
    items = receiver.get_received_edoc_list()
    assert [(i.doc_id, i.from_, i.to) for i in items] == [(injected["deliveries"][0], H14_00, H41_12)]
    got = receiver.get_edoc(items[0].doc_id)
    assert pkg.document_id is not None and pkg.document_id.encode() in got

    # A status goes to its ResponseFor/OrganId; the stored copy carries this axis' trace.
    ours, _ = env.document(H41_00, [H14_00])
    status = build(status_for(ours, org(H14_00), "05"))
    response = env.control(
        AXIS_H41,
        "POST",
        "/inject",
        json={"body_base64": base64.b64encode(status).decode("ascii"), "message_type": "status"},
    )
    assert response.status_code == 201
    statuses = env.client(H41_00).get_received_edoc_list(MessageType.STATUS)
    assert [(i.from_, i.to) for i in statuses] == [(H14_00, H41_00)]
    stored = env.control(AXIS_H41, "GET", f"/packages/{response.json()['DocId']}")
    assert stored.status_code == 200
    stored_pkg = parse_package(stored.content, strict=False)
    assert isinstance(stored_pkg, m.StatusPackage) and stored_pkg.trace_header_list is not None
    assert [t.organ_id for t in stored_pkg.trace_header_list.trace_headers] == [AXIS_H41]

    bad = env.control(AXIS_H41, "POST", "/inject", json={"body_base64": "***"})
    assert bad.status_code == 400 and "base64" in bad.json()["error"]
    assert env.control(AXIS_H41, "GET", "/packages/" + "0" * 24).status_code == 404
