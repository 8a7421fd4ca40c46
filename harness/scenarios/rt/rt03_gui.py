"""Sending: RT-02 Ký số, RT-03 Gửi, RT-10 Đủ loại, RT-11 Văn bản mật: what the system sends, as the probes
receive it.
"""

from __future__ import annotations

import time

from harness.backchannel.models import SendRequest
from harness.drivers.operator import ANSWER_YES
from harness.edxml import model as m
from harness.edxml.findings import Level
from harness.edxml.validate import inspect
from harness.scenarios.context import NotApplicable, Outbound, ScenarioContext
from harness.scenarios.probe import Mail, Probe, documents_from
from harness.scenarios.rt.common import announce, sut_id_of
from harness.signing.package import verify_package


def sut_sends(
    ctx: ScenarioContext, doc_type: str, to: list[Probe], *, priority: str = "0", secret: bool = False
) -> None:
    driver = ctx.require_driver()
    since = time.time()
    command = driver.send_document(
        SendRequest(doc_type=doc_type, recipients=[p.organ_id for p in to], priority=priority, secret=secret)
    )
    ctx.outbound = Outbound(command.document_id, to, since, doc_type)
    ctx.data["send_command"] = command
    if not command.accepted and not secret:
        raise ctx.fail(
            "RT-03",
            f"Hệ thống không gửi được {doc_type}: {command.refusal_code} {command.refusal_vi}".strip(),
        )


def outbound_of(ctx: ScenarioContext) -> Outbound:
    if ctx.outbound is None:
        raise NotApplicable("Chưa có văn bản nào được yêu cầu gửi trong kịch bản.")
    return ctx.outbound


def outbound_received(ctx: ScenarioContext) -> dict[str, Mail]:
    """Each recipient probe gets the document exactly once within the deadline."""
    out = outbound_of(ctx)
    sut = sut_id_of(ctx)
    got: dict[str, Mail] = {}
    announce(ctx, f"{out.doc_type or 'văn bản'} của hệ thống đến nơi nhận", ctx.deadlines.fetch)
    for probe in out.recipients:
        mails = probe.wait(documents_from(sut, out.since, out.document_id), ctx.deadlines.fetch)
        if not mails:
            raise ctx.fail(
                "RT-03",
                f"{probe.organ.organ_name} ({probe.organ_id}) không nhận được {out.doc_type} của hệ thống "
                f"trong {ctx.deadlines.fetch:g} giây.",
            )
        got[probe.organ_id] = mails[0]
    settled = time.monotonic() + ctx.deadlines.poll * 3

    def once_each() -> None:
        time.sleep(max(0.0, settled - time.monotonic()))
        for probe in out.recipients:
            again = probe.look(documents_from(sut, out.since, got[probe.organ_id].document_id))
            if len(again) > 1:
                raise ctx.fail("RT-03", f"{probe.organ_id} nhận cùng một văn bản {len(again)} lần.")

    ctx.defer("mỗi nơi nhận chỉ nhận văn bản một lần", once_each)
    if out.document_id is None:
        out.document_id = next(iter(got.values())).document_id
    ctx.data["outbound_mail"] = got
    return got


def outbound_mails(ctx: ScenarioContext) -> list[Mail]:
    got: dict[str, Mail] | None = ctx.data.get("outbound_mail")
    if got is None:
        got = outbound_received(ctx)
    return list(got.values())


def outbound_edx_ok(ctx: ScenarioContext) -> None:
    for mail in outbound_mails(ctx):
        must = [f for f in inspect(mail.data).report.findings if f.level is Level.MUST]
        if must:
            ctx.save_evidence(f"{mail.doc_id}.edxml", mail.data)
            for f in must:
                ctx.note(f.rule, f.message_vi, f.location)
            rules = ", ".join(sorted({f.rule for f in must}))
            raise ctx.fail(
                "RT-03",
                f"Gói tin gửi tới {mail.doc_id} vi phạm quy tắc bắt buộc: {rules}: {must[0].message_vi}",
                on_content=True,
            )


def outbound_signed(ctx: ScenarioContext) -> None:
    for mail in outbound_mails(ctx):
        package = mail.package
        if not isinstance(package, m.EdocPackage):
            raise ctx.fail("RT-02", f"Không đọc được gói tin {mail.doc_id}: {mail.unreadable}", on_content=True)
        must = [f for f in verify_package(package, ctx.world.trust) if f.level is Level.MUST]
        if must:
            ctx.save_evidence(f"{mail.doc_id}.edxml", mail.data)
            for f in must:
                ctx.note(f.rule, f.message_vi, f.location)
            rules = ", ".join(sorted({f.rule for f in must}))
            raise ctx.fail(
                "RT-02", f"Chữ ký số của văn bản không hợp lệ ({rules}): {must[0].message_vi}", on_content=True
            )


def secret_refused(ctx: ScenarioContext) -> None:
    command = ctx.data.get("send_command")
    if command is None:
        raise NotApplicable("Chưa yêu cầu gửi văn bản mật.")
    if command.accepted and not command.instructed_only:
        raise ctx.fail("RT-11", "Hệ thống nhận lệnh và gửi văn bản mật qua trục.")
    if command.instructed_only:
        attestation = ctx.require_driver().attest("Hệ thống đã chặn, không cho gửi văn bản mật qua trục?")
        if attestation is not None:
            ctx.result.attestations.append(
                {
                    "operator": attestation.operator,
                    "step": attestation.step_vi,
                    "answer": attestation.answer,
                    "at": attestation.at.isoformat(),
                    "note": attestation.note,
                    "files": attestation.files,
                }
            )
            if attestation.answer != ANSWER_YES:
                raise ctx.fail("RT-11", f"Văn thư không xác nhận hệ thống chặn văn bản mật ({attestation.answer}).")


def nothing_sent(ctx: ScenarioContext) -> None:
    out = outbound_of(ctx)
    sut = sut_id_of(ctx)
    for probe in out.recipients:
        mails = probe.wait(documents_from(sut, out.since), ctx.deadlines.quiet)
        if mails:
            ctx.save_evidence(f"{mails[0].doc_id}.edxml", mails[0].data)
            raise ctx.fail(
                "RT-11", f"{probe.organ_id} nhận được văn bản {mails[0].document_id} của hệ thống (văn bản mật)."
            )
