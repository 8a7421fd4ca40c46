"""RT-09's flash deadline counts from the release of the held listing (issue 28: a false failure under load)."""

from __future__ import annotations

import time
from datetime import datetime
from types import SimpleNamespace
from typing import Any

import pytest

from harness.edxml.formats import ICT
from harness.scenarios.rt import rt09_hoa_toc as rt09
from harness.scenarios.timing import COMPRESSED
from harness.transport.vxp.wire import Operation

LISTING = Operation.GET_RECEIVED_EDOC_LIST.value
FETCH = Operation.GET_EDOC.value


class HeldUpWatch:
    """An axis whose system lists (and takes the batch) the moment the fault is lifted, while the harness
    thread that lifted it resumes only later, as it did at 256 agencies with 32 scenarios at once."""

    def __init__(self, delay: float) -> None:
        self.delay = delay
        self.rows: list[dict[str, Any]] = []

    def _row(self, at: float, operation: str, status: str = "OK", doc_ids: list[str] | None = None) -> None:
        ts = datetime.fromtimestamp(at, ICT).isoformat(timespec="milliseconds")
        self.rows.append({"ts": ts, "operation": operation, "status": status, "doc_ids": doc_ids or []})

    def add_fault(self, **_: object) -> int:
        self._row(time.time(), LISTING, "FAIL")
        return 1

    def last_journal_id(self) -> int:
        return len(self.rows)

    def remove_faults(self, owner: str) -> int:
        return 0

    def remove_fault(self, fault: int) -> None:
        now = time.time()
        self._row(now + 0.001, LISTING, doc_ids=["flash-axis"])  # the system's next poll sees the whole batch
        self._row(now + 0.05, FETCH, doc_ids=["flash-axis"])  # flash first, as a conformant system does
        self._row(now + 3.0, LISTING)  # and lists again once the ten ordinary ones are registered
        time.sleep(self.delay)  # the harness thread resumes late

    def journal(
        self,
        *,
        system_id: str,
        operation: str | None = None,
        after: int | None = None,
        since: float | None = None,
        until: float | None = None,
    ) -> list[Any]:
        low = datetime.fromtimestamp(since, ICT).isoformat(timespec="milliseconds") if since is not None else ""
        high = datetime.fromtimestamp(until, ICT).isoformat(timespec="milliseconds") if until is not None else "~"
        return [r for r in self.rows if (operation is None or r["operation"] == operation) and low <= r["ts"] <= high]


def test_a_listing_made_while_the_harness_resumes_counts_after_the_release(monkeypatch: pytest.MonkeyPatch) -> None:
    watch = HeldUpWatch(delay=0.6)
    probe = SimpleNamespace(organ="probe", organ_id="000.00.98.H41", send=lambda data: "id")
    sut = SimpleNamespace(system_id="sut", organization=lambda: "sut")
    documents = iter(range(100))
    kit = SimpleNamespace(document=lambda *a, **k: SimpleNamespace(document_id=f"doc-{next(documents)}"))

    def fail(rule: str, message: str) -> Exception:
        return AssertionError(f"[{rule}] {message}")

    ctx: Any = SimpleNamespace(
        probe=lambda where: probe,
        require_sut=lambda: sut,
        world=SimpleNamespace(kit=kit),
        cleanups=[],
        result=SimpleNamespace(scenario_id="RT-09"),
        data={},
        deadlines=COMPRESSED,
        fail=fail,
    )
    monkeypatch.setattr(rt09, "axis_watch", lambda ctx: watch)
    monkeypatch.setattr(rt09, "build", lambda package: b"")
    monkeypatch.setattr(rt09, "probe_sends", lambda ctx, package, probe: None)
    monkeypatch.setattr(rt09, "next_listing", lambda ctx, after: True)
    monkeypatch.setattr(rt09, "sut_operation", lambda ctx, operation: operation.value)
    monkeypatch.setattr(rt09, "inbound_of", lambda ctx: SimpleNamespace(axis_doc_id="flash", document_id="flash"))
    monkeypatch.setattr(rt09, "deliveries_of", lambda ctx, doc_id: [{"doc_id": "flash-axis"}])

    rt09.flash_after_normal(ctx, 10)
    rt09.flash_fetched_in_time(ctx)  # raised "kiểm tra hộp thư lần đầu sau 2.4 giây" when timed after the call
