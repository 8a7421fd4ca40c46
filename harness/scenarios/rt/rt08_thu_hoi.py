"""RT-08 Thu hồi: recall, update and replace follow-ups, both ways."""

from __future__ import annotations

import time

from harness.edxml import build
from harness.edxml import model as m
from harness.edxml.parser import parse_package
from harness.scenarios.context import NotApplicable, ScenarioContext
from harness.scenarios.probe import Mail, documents_from
from harness.scenarios.rt.common import axis_watch, sut_id_of, wait_until
from harness.scenarios.rt.rt03_gui import outbound_of
from harness.scenarios.rt.rt04_nhan import inbound_of
from harness.transport.sim_control import sent_as


def probe_follow_up(ctx: ScenarioContext, kind: str) -> None:
    inbound = inbound_of(ctx)
    original = parse_package(inbound.data, strict=False)
    assert isinstance(original, m.EdocPackage)
    package = ctx.world.kit.follow_up(original, kind)
    probe = inbound.probe
    doc_id = probe.send(build(package))
    ctx.data["follow_up"] = doc_id
    driver = ctx.require_driver()
    sut = sut_id_of(ctx)

    def pending() -> bool:
        entries = driver.received(inbound.document_id, probe.organ_id)
        if entries is None:
            rows = [d for d in axis_watch(ctx).deliveries(receiver=sut) if sent_as(d, doc_id)]
            return any(d["state"] in ("done", "fail") for d in rows)
        return any(e.pending_request for e in entries)

    wait_until(pending, ctx.deadlines.fetch, ctx.deadlines.poll)


def sut_recalls(ctx: ScenarioContext) -> None:
    out = outbound_of(ctx)
    if out.document_id is None:
        raise NotApplicable("Không biết DocumentId của văn bản cần thu hồi.")
    ctx.data["recall_since"] = time.time()
    command = ctx.require_driver().recall(out.document_id, "Thu hồi để kiểm thử")
    if not command.accepted:
        raise ctx.fail("RT-08", f"Hệ thống không thu hồi được văn bản: {command.refusal_code} {command.refusal_vi}")


def recall_arrives(ctx: ScenarioContext) -> None:
    out = outbound_of(ctx)
    sut = sut_id_of(ctx)
    since = float(ctx.data.get("recall_since", out.since))
    for probe in out.recipients:

        def is_recall(x: Mail) -> bool:
            return documents_from(sut, since)(x) and x.business_type == "1" and x.reference == out.document_id

        if not probe.wait(is_recall, ctx.deadlines.fetch):
            raise ctx.fail("RT-08", f"{probe.organ_id} không nhận được yêu cầu thu hồi văn bản {out.document_id}.")
