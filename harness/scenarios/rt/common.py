"""What every RT check shares: the system under test on the axis, waiting with a watchdog that gives up
early when the system has visibly stopped trying, and the phrases steps use.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from harness.backchannel.models import Action
from harness.scenarios.context import ScenarioContext
from harness.scenarios.probe import Probe
from harness.scenarios.world import ROLE_OF_PHRASE, ROLES_VI
from harness.transport.mailbox import operation_for
from harness.transport.sim_control import AxisWatch
from harness.transport.vxp.wire import Operation

ACTIONS_VI = {
    "tiếp nhận": Action.ACCEPT,
    "phân công xử lý": Action.ASSIGN,
    "xử lý": Action.PROCESS,
    "hoàn thành": Action.COMPLETE,
    "đồng ý yêu cầu": Action.AGREE,
    "từ chối yêu cầu": Action.REFUSE,
}
PRIORITY_VI = {"thường": "0", "khẩn": "1", "thượng khẩn": "2", "hỏa tốc": "3", "hỏa tốc hẹn giờ": "4"}
FOLLOW_UP_VI = {"thu hồi": "1", "cập nhật": "2", "thay thế": "3"}
T = TypeVar("T")
IMMEDIATE = ("01", "02")
"""Statuses a conformant system returns as soon as it has fetched and checked a document."""


FAULT_LIFETIME_S = 300.0
"""A scenario's fault goes away by itself after this long whatever became of its clean-up (a scenario
that holds one longer would be many times over its own deadlines)."""


def scenario_fault(ctx: ScenarioContext, watch: AxisWatch, **spec: Any) -> int:
    """Put a fault on the axis for this scenario only; returns its id. The clean-up is registered before
    the fault is asked for and removes every fault of this run by owner: when the axis stored one but its
    answer was lost, the error stayed on the system's listing for the rest of its lane and every later
    scenario of the system failed ("trục từ chối mọi lần gọi của hệ thống", 10 false failures)."""
    owner = f"{ctx.result.scenario_id}/{uuid.uuid4().hex}"

    def remove() -> None:
        watch.remove_faults(owner)

    ctx.cleanups.append(remove)
    spec.setdefault("duration_s", FAULT_LIFETIME_S)
    return watch.add_fault(owner=owner, **spec)


def sut_id_of(ctx: ScenarioContext) -> str:
    return ctx.require_sut().id


def axis_watch(ctx: ScenarioContext) -> AxisWatch:
    return ctx.world.watch(ctx.require_sut().axis)


def sut_operation(ctx: ScenarioContext, operation: Operation) -> str:
    """The name the system's axis journals (and faults) the work of a VXP operation under."""
    return operation_for(ctx.require_sut().protocol, operation)


def recipients(ctx: ScenarioContext, phrase: str) -> list[Probe]:
    """ "đơn vị kiểm thử trong tỉnh và đơn vị kiểm thử tỉnh khác" -> the probes."""
    parts = [p.strip() for chunk in phrase.split(" và ") for p in chunk.split(",") if p.strip()]
    out = []
    for part in parts:
        role = ROLE_OF_PHRASE.get(part)
        if role is None:
            raise ValueError(f"không hiểu nơi nhận «{part}»; dùng: {', '.join(ROLES_VI.values())}")
        out.append(ctx.probe(role))
    return out


def wait_until(predicate: Callable[[], T], timeout: float, poll: float) -> T:
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() >= deadline:
            return value
        time.sleep(poll)


def announce(ctx: ScenarioContext, what_vi: str, seconds: float) -> None:
    """Tell a clerk (operator driver) what the harness now waits for on the axis, and until when."""
    driver = ctx.driver
    hook = getattr(driver, "announce_wait", None)
    if callable(hook):
        hook(what_vi, seconds)


class Watchdog:
    """Ends a wait early, with the reason, once the axis or the system's own register already
    shows the awaited thing cannot come: every call of the system refused (wrong credentials), a
    status package of the system refused by the axis (malformed), or the system registered the
    document without returning the status a conformant system sends at once (01, automatic 02).
    It only ever turns a wait into a failure sooner; it never makes anything pass."""

    GRACE = 0.6
    """Share of the status deadline a registered document may go without its immediate status
    (a loaded machine delays a conformant system's status by a second or two, never by this)."""

    def __init__(
        self, ctx: ScenarioContext, *, code: str | None = None, document: tuple[str, str] | None = None
    ) -> None:
        self.ctx = ctx
        self.code = code
        self.document = document
        """(DocumentId, sender) the awaited status is about; default: the last document sent to the system."""
        self.after = axis_watch(ctx).last_journal_id()
        self.next_look = time.monotonic() + 0.5
        self.waited: float | None = None
        """What the verdict rests on, for `ctx.fail(waited=...)`: 0 for the axis' refusals (what the system sent),
        the seconds since the system registered the document for a missing immediate status, None otherwise."""

    def wait_of(self, reason: str | None, limit: float) -> float | None:
        """The `waited` of a failed wait_watched: the verdict's when the watchdog ended it, else the whole wait."""
        return self.waited if reason else limit

    def verdict(self) -> str | None:
        if time.monotonic() < self.next_look:
            return None
        self.next_look = time.monotonic() + 0.5
        abandoned = getattr(self.ctx.driver, "abandoned", None)
        reason = abandoned() if callable(abandoned) else None
        if isinstance(reason, str) and reason:
            return reason
        sut = self.ctx.require_sut()
        rows = axis_watch(self.ctx).journal(system_id=sut.system_id, after=self.after)
        refused = [r for r in rows if r["status"] != "OK"]
        if len(rows) >= 3 and len(refused) == len(rows):
            last = refused[-1]
            self.waited = 0.0
            return f"trục từ chối mọi lần gọi của hệ thống ({last['http_status']} {last['error_desc']})"
        if self.code is not None:
            sends = [r for r in refused if r["operation"] == sut_operation(self.ctx, Operation.SEND_EDOC)]
            if sends:
                self.waited = 0.0
                return f"trục từ chối gói tin hệ thống gửi: {sends[-1]['http_status']} {sends[-1]['error_desc']}"
        if self.code in IMMEDIATE:
            return self._missing_immediate_status()
        return None

    def _missing_immediate_status(self) -> str | None:
        inbound = self.ctx.inbound
        document = self.document or ((inbound.document_id, inbound.probe.organ_id) if inbound else None)
        if document is None or self.ctx.driver is None:
            return None
        entries = self.ctx.driver.received(*document)
        grace = self.GRACE * self.ctx.deadlines.status
        for entry in entries or []:
            age = time.time() - datetime.fromisoformat(entry.registered_at).timestamp()
            codes = [x.code for x in entry.statuses]
            if age > grace and self.code not in codes:
                shown = ", ".join(codes) or "không có"
                self.waited = age
                return (
                    f"hệ thống đã vào sổ văn bản {age:.1f} giây trước (trạng thái {entry.state}, đã trả: {shown}) "
                    f"nhưng không trả trạng thái {self.code}"
                )
        return None


def wait_watched(predicate: Callable[[], T], timeout: float, poll: float, dog: Watchdog) -> tuple[T, str | None]:
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() >= deadline:
            return value, None
        reason = dog.verdict()
        if reason:
            return predicate(), reason
        time.sleep(poll)
