"""AX-03 Trục quốc gia and AX-05 Vết chuyển: documents leave the province through the national axis, with
a trace header per hop.
"""

from __future__ import annotations

from harness.edxml import model as m
from harness.edxml.formats import parse_timestamp
from harness.scenarios.ax.common import AX03, AX05, fail, national_code, sent_list, upper_first, who
from harness.scenarios.context import ScenarioContext
from harness.scenarios.probe import Mail, Probe
from harness.scenarios.world import WorldError


def trace_of(mail: Mail) -> list[m.TraceHeader]:
    package = mail.package
    if isinstance(package, m.EdocPackage) and package.trace_header_list is not None:
        return list(package.trace_header_list.trace_headers)
    return []


def expected_trace(ctx: ScenarioContext, sender: Probe, receiver: Probe) -> list[str]:
    """Sender, then each axis in order: its own, the national one, the receiver's (edxml.md §6)."""
    national = national_code(ctx)
    s_axis = ctx.world.agency(sender.organ_id).axis
    r_axis = ctx.world.agency(receiver.organ_id).axis
    chain = [sender.organ_id, s_axis]
    if r_axis != s_axis:
        if national and s_axis != national:
            chain.append(national)
        if r_axis != chain[-1]:
            chain.append(r_axis)
    return chain


def expect_via_national(ctx: ScenarioContext) -> None:
    """Documents between the province and the outside went through the national axis (its trace)."""
    national = national_code(ctx)
    if national is None:
        raise WorldError("Cấu hình không có trục quốc gia.")
    for sent in sent_list(ctx):
        s_axis = ctx.world.agency(sent.sender.organ_id).axis
        for r in sent.recipients:
            if ctx.world.agency(r.organ_id).axis == s_axis:
                continue
            for mail in sent.received_by(r):
                hops = [t.organ_id or "" for t in trace_of(mail)]
                if national not in hops:
                    raise fail(
                        ctx,
                        AX03,
                        f"{upper_first(sent.describe(ctx))} đến {who(ctx, r)} mà không qua trục quốc gia {national}: "
                        f"vết chuyển {' → '.join(hops) or '(trống)'}.",
                    )


def expect_trace_per_hop(ctx: ScenarioContext) -> None:
    """One TraceHeader per hop, in order, with valid, non-decreasing timestamps."""
    problems = []
    for sent in sent_list(ctx):
        for r in sent.recipients:
            expected = expected_trace(ctx, sent.sender, r)
            for mail in sent.received_by(r)[:1]:
                trace = trace_of(mail)
                actual = [t.organ_id or "" for t in trace]
                if actual != expected:
                    problems.append(
                        f"{sent.document_id} nhận tại {r.organ_id}: {' → '.join(actual) or '(trống)'}, "
                        f"mong đợi {' → '.join(expected)}"
                    )
                    continue
                stamps = [parse_timestamp(t.timestamp or "") for t in trace]
                bad = [t.timestamp or "" for t, s in zip(trace, stamps, strict=True) if s is None]
                if bad:
                    problems.append(f"{sent.document_id} nhận tại {r.organ_id}: Timestamp sai dạng {bad}")
                elif stamps != sorted(s for s in stamps if s is not None):
                    problems.append(
                        f"{sent.document_id} nhận tại {r.organ_id}: Timestamp đi lùi "
                        f"({', '.join(t.timestamp or '' for t in trace)})"
                    )
    if problems:
        raise fail(
            ctx,
            AX05,
            "Mỗi chặng phải thêm đúng một TraceHeader (đơn vị gửi, rồi lần lượt từng trục): "
            + "; ".join(problems)
            + ".",
        )
