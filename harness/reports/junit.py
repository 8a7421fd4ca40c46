"""JUnit XML per agency, for CI dashboards: one testsuite per agency, one testcase per scenario
(its latest attempt); failures are the system's, errors the harness's, skipped not run."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime

from harness.reports.text import clean, ict
from harness.scenarios.results import Outcome, ScenarioResult
from harness.trial.statement import AgencyStatement, ItemOutcome


def _details(result: ScenarioResult) -> str:
    """The text under <failure>/<error>: the steps, then the issues, as a reader of the CI log wants them."""
    lines = [
        f"{s.keyword} {s.text} -> {s.outcome.value}" + (f": {s.message_vi}" if s.message_vi else "")
        for s in result.steps
    ]
    lines += [f"[{i.rule}] {i.message_vi}" + (f" ({i.location})" if i.location else "") for i in result.issues]
    return clean("\n".join(lines))


def _case(suite: ET.Element, classname: str, name: str, seconds: float) -> ET.Element:
    return ET.SubElement(suite, "testcase", classname=clean(classname), name=clean(name), time=f"{seconds:.3f}")


def junit_xml(statement: AgencyStatement, *, timestamp: datetime | None = None) -> bytes:
    """The agency's suite; items with no recorded scenario get one skipped case, so none goes missing."""
    name = f"{statement.agency.organ_id} {statement.agency.name}"
    root = ET.Element("testsuites", name=clean(f"Chạy thử liên thông - {statement.round.name}"))
    suite = ET.SubElement(root, "testsuite", name=clean(name))
    counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    total = 0.0
    for item in statement.items:
        test_id = item.test.test_id
        cases = sorted(item.scenarios, key=lambda r: r.name)
        for r in cases:
            case = _case(suite, test_id, r.name, r.seconds)
            counts["tests"] += 1
            total += r.seconds
            message = clean(r.message_vi) or clean(item.reason_vi)
            if r.outcome is Outcome.FAILED:
                counts["failures"] += 1
                ET.SubElement(case, "failure", message=message, type="KhongDat").text = _details(r)
            elif r.outcome is Outcome.ERROR:
                counts["errors"] += 1
                ET.SubElement(case, "error", message=message, type="LoiBoKiemThu").text = _details(r)
            elif r.outcome is Outcome.NOT_RUN:
                counts["skipped"] += 1
                ET.SubElement(case, "skipped", message=message or "Chưa thực hiện")
        if item.outcome is ItemOutcome.NOT_RUN and not any(r.outcome is Outcome.NOT_RUN for r in cases):
            # Scenarios never run leave no result: one case stands for what is missing.
            case = _case(suite, test_id, f"{test_id} {item.test.name_vi}: chưa thực hiện", 0.0)
            counts["tests"] += 1
            counts["skipped"] += 1
            ET.SubElement(case, "skipped", message=clean(item.reason_vi) or "Chưa thực hiện")
        for note in item.attestations:
            case = _case(suite, test_id, f"Xác nhận của {note.who}", 0.0)
            counts["tests"] += 1
            if not note.passed:
                counts["failures"] += 1
                ET.SubElement(case, "failure", message=clean(note.note), type="XacNhanKhongDat")
    for key, value in counts.items():
        suite.set(key, str(value))
        root.set(key, str(value))
    suite.set("time", f"{total:.3f}")
    root.set("time", f"{total:.3f}")
    if timestamp is not None:
        suite.set("timestamp", ict(timestamp).replace(tzinfo=None).isoformat(timespec="seconds"))
    ET.indent(root)
    return bytes(ET.tostring(root, encoding="utf-8", xml_declaration=True))
