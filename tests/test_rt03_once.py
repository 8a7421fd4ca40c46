"""RT-03's "exactly once": the quiet window after a document arrives is checked after the scenario's last step
(so it overlaps the steps after it) and still catches a second copy arriving within it."""

from __future__ import annotations

import threading
import time
from types import SimpleNamespace
from typing import Any

import pytest

from harness.edxml import model as m
from harness.scenarios.context import Outbound, ScenarioContext, StepFailure
from harness.scenarios.probe import Mail, Probe
from harness.scenarios.rt import outbound_received
from harness.scenarios.timing import COMPRESSED
from harness.transport.vxp import MessageType

SUT = "000.00.05.H41"


class Mailbox:
    """A probe's mailbox whose documents appear when the test says so."""

    protocol = "vxp"

    def __init__(self) -> None:
        self.waiting_ids: list[str] = []
        self.packages: dict[str, bytes] = {}

    def deliver(self, doc_id: str) -> None:
        self.waiting_ids.append(doc_id)

    def waiting(self, kind: MessageType) -> list[str]:
        if kind is not MessageType.EDOC:
            return []
        ids, self.waiting_ids = self.waiting_ids, []
        return ids

    def fetch(self, doc_id: str, kind: MessageType) -> bytes:
        return b"<edXML/>"

    def ack(self, doc_id: str) -> None:
        pass


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every fetched package reads as the system's document D-1."""

    def read(doc_id: str, kind: MessageType, data: bytes) -> Mail:
        return Mail(doc_id, kind, data, time.time(), from_organ=SUT, document_id="D-1")

    monkeypatch.setattr("harness.scenarios.probe.read_mail", read)


def _scenario(mailbox: Mailbox) -> ScenarioContext:
    probe = Probe(m.Organization(organ_id="000.00.98.H41", organ_name="Đơn vị kiểm thử"), mailbox)  # type: ignore[arg-type]
    world: Any = SimpleNamespace(deadlines=COMPRESSED)
    ctx = ScenarioContext(world, result=SimpleNamespace(issues=[]))  # type: ignore[arg-type]
    ctx.sut = SimpleNamespace(id=SUT)  # type: ignore[assignment]
    ctx.outbound = Outbound("D-1", [probe], time.time() - 1, "Quyết định")
    return ctx


@pytest.mark.usefixtures("parsed")
@pytest.mark.parametrize("second_after", [None, 0.6])
def test_a_second_copy_within_the_window_fails_at_the_end(second_after: float | None) -> None:
    mailbox = Mailbox()
    mailbox.deliver("axis-1")
    ctx = _scenario(mailbox)
    started = time.monotonic()
    got = outbound_received(ctx)
    assert list(got) == ["000.00.98.H41"] and time.monotonic() - started < 1.0  # the step no longer waits
    if second_after is not None:
        threading.Timer(second_after, mailbox.deliver, args=("axis-2",)).start()
    assert [text for text, _ in ctx.deferred] == ["mỗi nơi nhận chỉ nhận văn bản một lần"]
    check = ctx.deferred[0][1]
    if second_after is None:
        check()
        assert time.monotonic() - started >= 3 * COMPRESSED.poll  # the window is still three looks long
    else:
        with pytest.raises(StepFailure, match="nhận cùng một văn bản 2 lần"):
            check()


@pytest.mark.usefixtures("parsed")
def test_a_probe_looks_at_the_worlds_cadence_unless_told_otherwise() -> None:
    """Waiters no longer pass the look interval at each call: the world gives its probes `Deadlines.poll`."""
    mailbox = Mailbox()
    probe = Probe(m.Organization(organ_id="000.00.98.H41"), mailbox, poll=30.0)  # type: ignore[arg-type]
    assert probe.look(lambda mail: True) == []  # the first look collects
    mailbox.deliver("axis-1")
    assert probe.look(lambda mail: True) == []  # within 30 s of the last: not again
    assert len(probe.look(lambda mail: True, poll=0.0)) == 1  # a call may still say otherwise
