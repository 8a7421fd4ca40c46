"""The plain parts of the load tests (load/): thresholds, loss accounting, payloads, scenario, population.

Fast and without Locust; tests/test_load_smoke.py runs the real thing.
"""

from __future__ import annotations

import io
import json
import math
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import click
import pytest
from pyhanko.pdf_utils.reader import PdfFileReader

from harness.cli.load_cmd import parse_duration, parse_fault
from harness.edxml.findings import Level
from harness.edxml.validate import validate
from harness.ids import parse_document_id
from harness.pdf import make_spec, render
from harness.transport.vxp import MessageType
from load.accounting import (
    AxisEvidence,
    accepted_from_journal,
    account_from_records,
    account_with_axis,
    drain,
    in_axis_ids,
)
from load.payloads import PackageFactory, pad_pdf, status_token, token_of
from load.population import (
    LoadAgency,
    Population,
    PopulationError,
    from_endpoints,
    grow_province,
    pick_province,
    synthetic_code,
)
from load.records import Record, Recorder, read_records
from load.scenario import SCENARIO_FILE, ScenarioError, load_scenario, parse_size
from load.thresholds import LoadThresholds, ThresholdError, evaluate, load_thresholds, read_stats
from simulators.topology import load_topology
from tests.conftest import REPO

MINIMAL = REPO / "fixtures" / "topologies" / "minimal.yaml"
STATS_HEADER = (
    "Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,Min Response Time,"
    "Max Response Time,Average Content Size,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%"
)
A = LoadAgency("000.00.12.H41", "Sở Thông tin và Truyền thông tỉnh Nghệ An", "000.00.12.H41", "s1")
B = LoadAgency("000.00.00.H41", "UBND tỉnh Nghệ An", "000.00.00.H41", "s2")
C = LoadAgency("000.00.07.H41", "Sở Tài chính tỉnh Nghệ An", "000.00.07.H41", "s3")


# Thresholds -------------------------------------------------------------------------------------


def stats_csv(path: Path, rows: list[tuple[str, int, int, float, float, float]]) -> Path:
    """Locust's stats CSV: (name, requests, failures, p95, p99, requests/s) per row."""
    lines = [STATS_HEADER]
    for name, n, f, p95, p99, rps in rows:
        typ = "" if name == "Aggregated" else "POST"
        lines.append(
            f"{typ},{name},{n},{f},10,12,1,{p99},1000,{rps},0,10,10,10,10,10,{p95},{p99},{p99},{p99},{p99},{p99}"
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_the_repository_thresholds_file_has_a_load_section() -> None:
    t = load_thresholds(REPO / "load" / "thresholds.yaml")
    assert t.failure_ratio == pytest.approx(0.01)
    assert t.min_docs_per_s > 0
    assert {"sendEdoc", "getReceivedEdocList", "getEdoc", "updateStatus"} <= set(t.operations)
    assert all(set(v) == {"p95_ms", "p99_ms"} for v in t.operations.values())


def test_thresholds_pass_and_fail_per_metric(tmp_path: Path) -> None:
    thresholds = LoadThresholds(
        failure_ratio=0.01,
        min_docs_per_s=5.0,
        operations={"sendEdoc": {"p95_ms": 100, "p99_ms": 200}, "getEdoc": {"p99_ms": 300}},
    )
    stats = read_stats(
        stats_csv(
            tmp_path / "s.csv",
            [
                ("sendEdoc", 100, 0, 90, 250, 10.0),
                ("getEdoc status", 50, 0, 50, 80, 5.0),
                ("updateStatus", 50, 0, 9000, 9000, 5.0),
                ("Aggregated", 200, 1, 90, 250, 20.0),
            ],
        )
    )
    verdicts = {v.metric: v for v in evaluate(stats, thresholds)}
    assert verdicts["failure_ratio"].ok and verdicts["failure_ratio"].value == pytest.approx(0.005)
    assert verdicts["docs_per_s"].ok and verdicts["docs_per_s"].value == pytest.approx(10.0)
    assert verdicts["p95 sendEdoc"].ok
    assert not verdicts["p99 sendEdoc"].ok
    assert "250 ms" in verdicts["p99 sendEdoc"].message_vi and "200 ms" in verdicts["p99 sendEdoc"].message_vi
    assert verdicts["p99 getEdoc status"].ok  # "getEdoc status" takes the limits of "getEdoc"
    assert "p95 getEdoc status" not in verdicts  # getEdoc has no p95 limit
    assert not any(m.endswith("updateStatus") for m in verdicts)  # no limits: not judged


def test_failures_and_low_throughput_fail(tmp_path: Path) -> None:
    thresholds = LoadThresholds(failure_ratio=0.01, min_docs_per_s=5.0)
    stats = read_stats(
        stats_csv(tmp_path / "s.csv", [("sendEdoc", 10, 5, 1, 1, 2.0), ("Aggregated", 10, 5, 1, 1, 2.0)])
    )
    verdicts = {v.metric: v for v in evaluate(stats, thresholds)}
    assert not verdicts["failure_ratio"].ok
    assert not verdicts["docs_per_s"].ok and verdicts["docs_per_s"].value == pytest.approx(1.0)


def test_a_run_without_requests_fails(tmp_path: Path) -> None:
    stats = read_stats(stats_csv(tmp_path / "s.csv", [("Aggregated", 0, 0, math.nan, math.nan, 0.0)]))
    verdicts = {v.metric: v for v in evaluate(stats, LoadThresholds())}
    assert not verdicts["failure_ratio"].ok


def test_bad_thresholds_files_say_why_in_vietnamese(tmp_path: Path) -> None:
    bad = tmp_path / "t.yaml"
    bad.write_text("scenario_burst: {sends: 1}\n", encoding="utf-8")
    with pytest.raises(ThresholdError, match="không có mục 'load'"):
        load_thresholds(bad)
    bad.write_text("load: {operations: {getEdoc: {p90_ms: 1}}}\n", encoding="utf-8")
    with pytest.raises(ThresholdError, match="p95_ms, p99_ms"):
        load_thresholds(bad)
    bad.write_text("load: {failure_ratio: -1}\n", encoding="utf-8")
    with pytest.raises(ThresholdError, match="không âm"):
        load_thresholds(bad)


# Loss accounting --------------------------------------------------------------------------------


def sent(doc_id: str, token: str, receivers: list[str], kind: str = "edoc", sender: str = A.code) -> Record:
    return {"t": "sent", "kind": kind, "doc_id": doc_id, "token": token, "from": sender, "to": receivers}


def acked(doc_id: str, token: str | None, receiver: str, kind: str = "edoc") -> Record:
    return {"t": "acked", "kind": kind, "doc_id": doc_id, "token": token, "receiver": receiver}


def delivery(doc_id: str, package: str, receiver: str, state: str = "done", mt: str = "edoc") -> dict[str, Any]:
    return {"doc_id": doc_id, "sender_doc_id": package, "receiver": receiver, "state": state, "message_type": mt}


def journal_send(package: str, *deliveries: str, system: str = A.system_id, status: str = "OK") -> dict[str, Any]:
    return {"operation": "sendEdoc", "status": status, "system_id": system, "doc_ids": [package, *deliveries]}


def test_everything_delivered_once_passes_with_the_axis_evidence() -> None:
    records = [
        sent("P1", "T1", [B.code, C.code]),
        acked("D1", "T1", B.code),
        acked("D2", "T1", C.code),
        sent("P2", "S1", [A.code], kind="status", sender=B.code),
        acked("D3", "S1", A.code, kind="status"),
    ]
    accepted = accepted_from_journal(
        [journal_send("P1", "D1", "D2"), journal_send("P2", "D3", system=B.system_id)], {A.system_id, B.system_id}
    )
    rows = [delivery("D1", "P1", B.code), delivery("D2", "P1", C.code), delivery("D3", "P2", A.code, mt="status")]
    result = account_with_axis(records, AxisEvidence(accepted, rows))
    assert result.ok
    assert (result.packages, result.documents, result.statuses, result.expected, result.delivered) == (2, 1, 1, 3, 3)


def test_a_dropped_delivery_is_a_loss_even_when_the_sender_never_read_the_reply() -> None:
    # P2 was accepted (journal) but its sender was stopped before recording it.
    records = [sent("P1", "T1", [B.code]), acked("D1", "T1", B.code)]
    accepted = accepted_from_journal([journal_send("P1", "D1"), journal_send("P2", "D2")], {A.system_id})
    rows = [delivery("D1", "P1", B.code), delivery("D2", "P2", C.code, state="dropped")]
    result = account_with_axis(records, AxisEvidence(accepted, rows))
    assert not result.ok
    assert [(p.package, p.receiver) for p in result.lost] == [("P2", C.code)]
    assert "dropped" in result.lost[0].reason


def test_pending_duplicated_and_unknown_packages_are_reported() -> None:
    records = [
        sent("P1", "T1", [B.code]),
        acked("D1", "T1", B.code),
        acked("D1b", "T1", B.code),  # the axis delivered P1 twice
        sent("P2", "T2", [B.code]),  # still waiting in the mailbox
        sent("P9", "T9", [C.code]),  # the client was told P9, the axis has no trace of it
    ]
    accepted = accepted_from_journal([journal_send("P1", "D1", "D1b"), journal_send("P2", "D2")], {A.system_id})
    rows = [
        delivery("D1", "P1", B.code),
        delivery("D1b", "P1", B.code),
        delivery("D2", "P2", B.code, state="initial"),
    ]
    result = account_with_axis(records, AxisEvidence(accepted, rows))
    assert [(p.package, p.deliveries) for p in result.duplicated] == [("P1", ("D1", "D1b"))]
    lost = {p.package: p.reason for p in result.lost}
    assert set(lost) == {"P2", "P9"}
    assert "hộp thư" in lost["P2"] and "không có bản chuyển phát" in lost["P9"]
    assert any("không có trong nhật ký" in n for n in result.notes)


def test_an_acknowledgement_only_the_axis_saw_still_counts_as_delivered() -> None:
    """A receiver stopped between updateStatus and its record: the axis' `done` is the evidence."""
    records = [sent("P1", "T1", [B.code])]
    accepted = accepted_from_journal([journal_send("P1", "D1"), journal_send("PX", status="FAIL")], {A.system_id})
    result = account_with_axis(records, AxisEvidence(accepted, [delivery("D1", "P1", B.code)]))
    assert result.ok and result.delivered == 1
    assert any("không kịp" in n for n in result.notes)


def test_other_systems_and_failed_sends_are_not_this_runs_packages() -> None:
    rows = [
        journal_send("P1", "D1"),
        journal_send("P2", "D2", system="someone-else"),
        journal_send("P3", status="FAIL"),
        {"operation": "getEdoc", "status": "OK", "system_id": A.system_id, "doc_ids": ["D9"]},
    ]
    assert set(accepted_from_journal(rows, {A.system_id})) == {"P1"}


def test_records_alone_match_tokens_to_receivers() -> None:
    records = [
        sent("P1", "T1", [B.code, C.code]),
        acked("D1", "T1", B.code),
        acked("D1", "T1", B.code),  # the same delivery acknowledged twice is still one delivery
        sent("P2", "T2", [B.code]),
        acked("D2", "T2", B.code),
        acked("D2b", "T2", B.code),
        acked("D3", "T-old", B.code),
        acked("D4", None, B.code),
    ]
    result = account_from_records(records)
    assert result.mode == "clients"
    assert [(p.package, p.receiver) for p in result.lost] == [("P1", C.code)]
    assert [(p.package, p.deliveries) for p in result.duplicated] == [("P2", ("D2", "D2b"))]
    assert result.expected == 3 and result.delivered == 1
    assert len(result.notes) == 2


class FakeMailbox:
    """A mailbox of harness.transport.mailbox's shape: list (docId, receiver), fetch, acknowledge."""

    def __init__(self, boxes: dict[str, list[tuple[str, bytes]]], receiver: str) -> None:
        self.boxes = boxes
        self.receiver = receiver
        self.acked: list[str] = []

    def listing(self, kind: MessageType) -> list[tuple[str, str]]:
        return [(d, self.receiver) for d, _ in self.boxes.get(kind.value, [])]

    def fetch(self, doc_id: str, kind: MessageType) -> bytes:
        return next(b for d, b in self.boxes[kind.value] if d == doc_id)

    def ack(self, doc_id: str) -> None:
        self.acked.append(doc_id)
        for key in self.boxes:
            self.boxes[key] = [(d, b) for d, b in self.boxes[key] if d != doc_id]


def test_drain_fetches_acknowledges_and_records_everything_left() -> None:
    factory = PackageFactory(A, when=date(2026, 11, 20))
    doc = factory.edoc(A, [B], doc_type="Công văn", size=60_000)
    status = factory.status(B, doc.token)
    box = FakeMailbox({"edoc": [("D1", doc.data)], "status": [("D2", status.data)]}, B.code)
    recorder = Recorder("drain")
    assert drain([(B.code, box)], recorder) == 2
    assert box.acked == ["D1", "D2"]
    records = recorder.take()
    assert [(r["doc_id"], r["kind"], r["token"], r["phase"], r["receiver"]) for r in records] == [
        ("D1", "edoc", doc.token, "drain", B.code),
        ("D2", "status", status.token, "drain", B.code),
    ]


def test_profile_b_numeric_ids_are_accounted_under_the_axis_doc_ids() -> None:
    """EdocService names a package and a delivery by numbers (issue 27); the accounting reads them as
    the axis' DocIds through the delivery table, and leaves VXP ids alone."""
    recorder = Recorder("node")
    recorder.sent(kind="edoc", doc_id="17", token="T1", sender=A.code, receivers=[B.code], size=10)
    recorder.acked(kind="edoc", receiver=B.code, doc_id="42", token="T1")
    recorder.sent(kind="edoc", doc_id="P2", token="T2", sender=A.code, receivers=[B.code], size=10)
    deliveries = [
        {"doc_id": "D1", "sender_doc_id": "P1", "receiver": B.code, "state": "done", "sender_number": 17, "number": 42},
        {"doc_id": "D2", "sender_doc_id": "P2", "receiver": B.code, "state": "initial", "sender_number": 18,
         "number": 43},
    ]  # fmt: skip
    records = in_axis_ids(recorder.take(), deliveries)
    assert [(r["t"], r["doc_id"]) for r in records] == [("sent", "P1"), ("acked", "D1"), ("sent", "P2")]
    result = account_with_axis(records, AxisEvidence({"P1": {}, "P2": {}}, deliveries))
    assert result.delivered == 1 and [(p.package, p.receiver) for p in result.lost] == [("P2", B.code)]
    assert not result.notes, result.notes


def test_records_are_merged_from_every_file_once(tmp_path: Path) -> None:
    recorder = Recorder("node-a")
    recorder.sent(kind="edoc", doc_id="P1", token="T1", sender=A.code, receivers=[B.code], size=10)
    recorder.acked(kind="edoc", receiver=B.code, doc_id="D1", token="T1")
    records = recorder.take()
    for name in ("master.jsonl", "local.jsonl"):  # a worker's records reached two files
        (tmp_path / name).write_text("".join(json.dumps(r) + "\n" for r in records) + '{"cut', encoding="utf-8")
    merged = read_records(tmp_path)
    assert [(r["t"], r["seq"]) for r in merged] == [("sent", 1), ("acked", 2)]


# Payloads ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def factory() -> PackageFactory:
    return PackageFactory(A, when=date(2026, 11, 20))


def test_padded_pdfs_have_the_size_and_stay_valid_pdfs() -> None:
    pdf = render(make_spec("Công văn", A.code, A.name, seed=1, when=date(2026, 11, 20))).pdf
    for target in (len(pdf) + 1000, 300_000, 2 * 1024 * 1024):
        padded = pad_pdf(pdf, target)
        assert len(padded) == target
        assert padded.startswith(pdf.rstrip(b"\n"))  # the rendered revision is untouched
        reader = PdfFileReader(io.BytesIO(padded), strict=True)
        assert reader.xrefs.total_revisions == 2
        assert reader.root["/Pages"]["/Count"] >= 1
    assert pad_pdf(pdf, 10) == pdf


def test_packages_are_conformant_sized_and_carry_their_token(factory: PackageFactory) -> None:
    built = factory.edoc(A, [B, C], doc_type="Quyết định", size=512_000)
    assert built.kind == "edoc"
    assert abs(len(built.data) - 512_000) < 4096
    assert [f.rule for f in validate(built.data).findings if f.level is Level.MUST] == []
    assert token_of(built.data) == ("edoc", built.token)
    parsed = parse_document_id(built.token)
    assert parsed is not None and parsed.organ_id == A.code
    again = factory.edoc(A, [B], doc_type="Quyết định", size=512_000)
    assert again.token != built.token  # a fresh number: the axis would refuse a resent document (409)


def test_status_packages_answer_the_document_and_name_their_reporter(factory: PackageFactory) -> None:
    doc = factory.edoc(A, [B], doc_type="Công văn", size=60_000)
    status = factory.status(B, doc.token)
    assert status.kind == "status"
    assert status.token == status_token(doc.token, B.code, "01")
    assert token_of(status.data) == ("status", status.token)
    assert [f.rule for f in validate(status.data).findings if f.level is Level.MUST] == []
    assert token_of(b"<html>not a package</html>") is None


# Scenario, population, CLI helpers -------------------------------------------------------------


def test_the_repository_scenario_spans_50_kb_to_2_mb() -> None:
    s = load_scenario(SCENARIO_FILE)
    assert min(b.bytes for b in s.sizes) == 50 * 1024
    assert max(b.bytes for b in s.sizes) == 2 * 1024 * 1024
    assert set(s.weights) == {"sender", "receiver", "status"} and all(s.weights.values())
    assert s.with_sizes([1000]).sizes[0].bytes == 1000


def test_bad_scenarios_and_sizes_are_refused(tmp_path: Path) -> None:
    bad = tmp_path / "s.yaml"
    bad.write_text("users: {robot: 1}\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match="robot"):
        load_scenario(bad)
    bad.write_text("wait_s: {sender: [2, 1]}\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match="lớn nhất"):
        load_scenario(bad)
    assert parse_size("50KB") == 51200 and parse_size("2MB") == 2097152 and parse_size("1000") == 1000
    with pytest.raises(ScenarioError):
        parse_size("lots")


def test_a_province_is_grown_with_synthetic_agencies() -> None:
    topo = load_topology(MINIMAL)
    province = pick_province(topo, "H41")
    grown = grow_province(topo, province, 5)
    assert [p.code for p in grown.provinces] == ["000.00.99.H41"]
    codes = [a.id for a in grown.provinces[0].agencies]
    assert codes[:2] == ["000.00.00.H41", "000.00.12.H41"]
    assert codes[2:] == [synthetic_code("H41", i) for i in range(3)]
    assert len(set(a.secret for a in grown.provinces[0].agencies)) == 5
    with pytest.raises(PopulationError, match="H99"):
        pick_province(topo, "H99")


def test_population_from_a_running_simulations_endpoints_file(tmp_path: Path) -> None:
    endpoints = {
        "axes": [
            {"code": "000.00.00.W00", "role": "national", "endpoint": "http://127.0.0.1:1/x"},
            {"code": "000.00.99.H41", "level1": "H41", "role": "provincial", "endpoint": "http://127.0.0.1:2/x",
             "control_url": "http://127.0.0.1:2/_sim", "name": "Trục tỉnh"},
        ],
        "agencies": [
            {"id": a.code, "name": a.name, "axis": "000.00.99.H41", "system_id": a.system_id, "secret": a.secret}
            for a in (A, B)
        ] + [{"id": "000.00.00.G22", "name": "VPCP", "axis": "000.00.00.W00", "system_id": "g", "secret": "x"}],
    }  # fmt: skip
    path = tmp_path / "endpoints.json"
    path.write_text(json.dumps(endpoints), encoding="utf-8")
    for population in (
        from_endpoints(path),
        from_endpoints(path, axis="H41"),
        from_endpoints(path, target="http://127.0.0.1:2/x/"),
    ):
        assert population.axis_code == "000.00.99.H41"
        assert [a.code for a in population.agencies] == [A.code, B.code]
        assert population.control_url == "http://127.0.0.1:2/_sim"
    assert Population.from_json(population.to_json()) == population
    with pytest.raises(PopulationError, match="ít nhất 2"):
        from_endpoints(path, axis="000.00.00.W00")


def test_cli_durations_and_faults() -> None:
    assert [parse_duration(t) for t in ("90", "90s", "2m", "1h30m", "0")] == [90, 90, 120, 5400, 1]
    with pytest.raises(click.BadParameter):
        parse_duration("soon")
    assert parse_fault("drop") == {"kind": "drop"}
    assert parse_fault("drop:0.25") == {"kind": "drop", "probability": 0.25}
    assert parse_fault("latency:1:getEdoc") == {"kind": "latency", "probability": 1.0, "operation": "getEdoc"}
    assert parse_fault('{"kind": "latency", "latency_ms": 50}') == {"kind": "latency", "latency_ms": 50}
    with pytest.raises(click.BadParameter):
        parse_fault("drop:often")


def test_nothing_the_tests_and_the_cli_import_pulls_in_locust_or_gevent() -> None:
    """Locust monkey-patches the standard library with gevent: it must stay in its own processes."""
    code = (
        "import sys, harness.cli.main, load.accounting, load.payloads, load.population, load.records, load.run, "
        "load.scenario, load.thresholds; "
        "print(sorted(m for m in ('locust', 'gevent', 'geventhttpclient', 'zmq') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO)
    assert out.stdout.strip() == "[]"


# Orchestration ------------------------------------------------------------------------------------


def test_faults_need_a_control_plane_before_anything_runs(tmp_path: Path) -> None:
    """load/orchestrate.py refuses in Vietnamese (the CLI prints it and exits 2); nothing is written."""
    from load.orchestrate import LoadRunError, RunOptions, run_load
    from load.population import Population
    from load.scenario import load_scenario
    from load.thresholds import load_thresholds

    population = Population("http://127.0.0.1:9/vxp", "000.00.00.H41", [A, B])
    options = RunOptions(users=1, spawn_rate=1, seconds=1, fault_specs=[{"kind": "drop"}])
    lines: list[str] = []
    with pytest.raises(LoadRunError) as caught:
        run_load(population, load_scenario(None), load_thresholds(None), tmp_path, options, echo=lines.append)
    assert "--fault cần một trục có mặt phẳng điều khiển" in caught.value.message_vi
    assert lines == [] and list(tmp_path.iterdir()) == []
