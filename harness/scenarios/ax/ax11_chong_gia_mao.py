"""AX-11 Chống giả mạo: replayed, unsigned, mismatched and duplicated requests, as an attacker sends them.
The harness plays the attacker with its own test agencies' requests, never with their secrets.
"""

from __future__ import annotations

import time

from harness.edxml import build
from harness.edxml.factory import status_for
from harness.scenarios.ax.answers import Answer
from harness.scenarios.ax.common import (
    axis_errors,
    collect_later,
    collect_quietly,
    fail,
    home_axis,
    send_document,
    wait_for,
    who,
)
from harness.scenarios.context import ScenarioContext
from harness.scenarios.probe import statuses_for
from harness.transport.bkav.wire import HASH, edoc_hash
from harness.transport.vxp import MessageType, Operation, PreparedRequest, Reply
from harness.transport.vxp.auth import PREFIX, hash_file

AX11 = "AX-11"


def _call(ctx: ScenarioContext, rule: str, req: PreparedRequest, what: str) -> Reply:
    probe = ctx.probe("local")
    with axis_errors(ctx, rule, what):
        response = probe.client.send(req)
    return Reply.parse(response.status_code, response.content)


def replay_status(ctx: ScenarioContext) -> None:
    """The local probe sends a status package, then the very same request again (a replay)."""
    home_axis(ctx)
    sender, receiver = ctx.probe("local"), ctx.probe("local2")
    collect_later(ctx, sender, receiver)
    document = ctx.world.kit.document(receiver.organ, [sender.organ])
    status = build(status_for(document, sender.organ, "01"))
    req = sender.client.protocol.send_edoc(status, sender=sender.organ_id, message_type=MessageType.STATUS)
    first = _call(ctx, AX11, req, f"{who(ctx, sender)} gửi gói tin trạng thái")
    if not first.ok:
        raise fail(ctx, AX11, f"Trục không nhận gói tin trạng thái hợp lệ: {first.error_code} «{first.error_desc}».")
    again = _call(ctx, AX11, req, f"{who(ctx, sender)} phát lại yêu cầu gửi gói tin trạng thái")
    ctx.data["ax11_replay"] = (document.document_id or "", again)


def expect_replay_refused(ctx: ScenarioContext) -> None:
    _, again = ctx.data["ax11_replay"]
    if again.ok:
        raise fail(
            ctx,
            AX11,
            f"Trục nhận yêu cầu phát lại nguyên văn (DocId {again.body.get('DocId', '')}): một yêu cầu bắt được "
            "trên đường truyền có thể gửi lại gói tin bao nhiêu lần cũng được.",
        )


def expect_status_once(ctx: ScenarioContext) -> None:
    document_id, _ = ctx.data["ax11_replay"]
    sender, receiver = ctx.probe("local"), ctx.probe("local2")
    pred = statuses_for(document_id, sender.organ_id, "01")
    with axis_errors(ctx, AX11, f"{who(ctx, receiver)} tải hộp thư"):
        wait_for(receiver, pred, time.monotonic() + ctx.deadlines.fetch, ctx.deadlines.poll)
        collect_quietly([receiver], ctx.deadlines.quiet, ctx.deadlines.poll)
    copies = receiver.find(pred)
    if len(copies) != 1:
        raise fail(ctx, AX11, f"{who(ctx, receiver)} nhận gói tin trạng thái {len(copies)} lần (phải đúng một lần).")


def unsigned_parameter(ctx: ScenarioContext) -> None:
    """Without the secret: a captured poll of the local probe, replayed to getEdoc and updateStatus
    with an unsigned docId naming a document waiting in that probe's mailbox."""
    sent = send_document(ctx, "local2", ["local"])
    owner = ctx.probe("local")
    mail = owner.client.get_received_edoc_list(MessageType.EDOC)
    waiting = next((m for m in mail if m.from_ == sent.sender.organ_id), None)
    deadline = time.monotonic() + ctx.deadlines.fetch
    while waiting is None and time.monotonic() < deadline:
        time.sleep(ctx.deadlines.poll)
        mail = owner.client.get_received_edoc_list(MessageType.EDOC)
        waiting = next((m for m in mail if m.from_ == sent.sender.organ_id), None)
    if waiting is None:
        raise fail(ctx, AX11, f"{who(ctx, owner)} không nhận được văn bản để thử tham số không ký.")
    poll = owner.client.protocol.get_received_edoc_list(MessageType.EDOC)
    results = {}
    for operation, extra in (
        (Operation.GET_EDOC, {"docId": waiting.doc_id}),
        (Operation.UPDATE_STATUS, {"docId": waiting.doc_id, "status": "done"}),
    ):
        headers = dict(poll.headers)
        headers.update({PREFIX + k: v.encode() for k, v in extra.items()})
        url = poll.url.rsplit("/", 1)[0] + "/" + operation
        forged = PreparedRequest("POST", url, headers, b"{}", str(operation))
        results[str(operation)] = _call(ctx, AX11, forged, f"Gọi {operation} với tham số docId không ký")
    ctx.data["ax11_unsigned"] = (waiting.doc_id, results)


def expect_unsigned_ignored(ctx: ScenarioContext) -> None:
    doc_id, results = ctx.data["ax11_unsigned"]
    owner = ctx.probe("local")
    read = results[Operation.GET_EDOC]
    if read.ok or read.body.get("data"):
        raise fail(
            ctx,
            AX11,
            f"Trục trả văn bản {doc_id} cho một yêu cầu có docId không được ký: ai bắt được một lần tải hộp thư "
            f"của {who(ctx, owner)} cũng đọc được văn bản của đơn vị này.",
        )
    if results[Operation.UPDATE_STATUS].ok:
        raise fail(ctx, AX11, f"Trục xác nhận văn bản {doc_id} theo một docId không được ký.")
    with axis_errors(ctx, AX11, f"{who(ctx, owner)} tải hộp thư"):
        still = [m.doc_id for m in owner.client.get_received_edoc_list(MessageType.EDOC)]
    if doc_id not in still:
        raise fail(ctx, AX11, f"Văn bản {doc_id} biến mất khỏi hộp thư của {who(ctx, owner)} sau yêu cầu giả mạo.")


def mismatched_hash(ctx: ScenarioContext) -> None:
    home_axis(ctx)
    sender, receiver = ctx.probe("local"), ctx.probe("local2")
    collect_later(ctx, sender, receiver)
    package = ctx.world.kit.document(sender.organ, [receiver.organ])
    other = build(ctx.world.kit.document(sender.organ, [receiver.organ]))
    what = f"{who(ctx, sender)} gửi văn bản với mã băm sai"
    answer: Answer
    if sender.protocol == "bkav":  # EdocService's hash-edoc, the SHA-256 of the document
        req = sender.bkav.protocol.send_document(build(package))
        req.headers[HASH] = edoc_hash(other)
        with axis_errors(ctx, AX11, what):
            answer = Answer.of_bkav(sender.bkav.call(req))
    else:
        wrong = {"hash-file": hash_file(other)}
        req_vxp = sender.client.protocol.send_edoc(build(package), sender=sender.organ_id, extra=wrong)
        answer = Answer.of_vxp(_call(ctx, AX11, req_vxp, what))
    ctx.data["ax11_hash"] = (package.document_id or "", answer, time.time())
    ctx.data["ax11_hash_name"] = HASH if sender.protocol == "bkav" else "hash-file"


def expect_hash_refused(ctx: ScenarioContext) -> None:
    document_id, answer, _ = ctx.data["ax11_hash"]
    if answer.ok:
        raise fail(
            ctx,
            AX11,
            f"Trục nhận văn bản {document_id} có {ctx.data['ax11_hash_name']} không khớp nội dung (DocId "
            f"{answer.sent_id}): nội dung có thể bị thay dưới một chữ ký bắt được.",
        )


def expect_hash_not_delivered(ctx: ScenarioContext) -> None:
    document_id, _, since = ctx.data["ax11_hash"]
    receiver = ctx.probe("local2")
    with axis_errors(ctx, AX11, f"{who(ctx, receiver)} tải hộp thư"):
        collect_quietly([receiver], ctx.deadlines.quiet, ctx.deadlines.poll)
    got = [m for m in receiver.find(lambda m: m.document_id == document_id and m.received >= since)]
    if got:
        raise fail(ctx, AX11, f"{who(ctx, receiver)} nhận văn bản {document_id} có hash-file sai.")


def duplicated_systemid(ctx: ScenarioContext) -> None:
    """The local probe's own poll with a second systemid header naming the other probe."""
    home_axis(ctx)
    caller, other = ctx.probe("local"), ctx.probe("local2")
    req = caller.client.protocol.get_received_edoc_list(MessageType.EDOC)
    headers = [(k.encode(), v) for k, v in req.headers.items()]
    headers.insert(0, ((PREFIX + "systemid").encode(), other.client.system_id.encode()))
    with axis_errors(ctx, AX11, "Gọi getReceivedEdocList với tiêu đề systemid lặp lại"):
        response = caller.client.http.post(req.url, headers=headers, content=b"")
    ctx.data["ax11_duplicate"] = Reply.parse(response.status_code, response.content)


def expect_duplicate_refused(ctx: ScenarioContext) -> None:
    reply: Reply = ctx.data["ax11_duplicate"]
    if reply.ok:
        raise fail(
            ctx,
            AX11,
            "Trục nhận một yêu cầu có hai tiêu đề XroadVnpt-systemid khác nhau: nhật ký và bước xác thực có thể "
            "đọc hai bên gọi khác nhau.",
        )
