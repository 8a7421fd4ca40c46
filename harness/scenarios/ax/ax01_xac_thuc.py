"""AX-01 Xác thực: credentials, request signatures and the sender a request may claim."""

from __future__ import annotations

import secrets
import time
from contextlib import suppress
from dataclasses import dataclass, field

import httpx

from harness.edxml import build
from harness.edxml.factory import status_for
from harness.ids import IdShape, InvalidIdentifier, parse_agency_id
from harness.scenarios.ax import ax01_edoc_service as edoc_service
from harness.scenarios.ax.answers import FORBIDDEN_CODE, Answer
from harness.scenarios.ax.common import (
    AX01,
    LOCAL_ERROR,
    agency_of,
    axis_errors,
    base64_data,
    broke,
    collect_later,
    collect_quietly,
    expect_refused_send_not_delivered,
    fail,
    home_axis,
    listed,
    note,
    pending_doc_id,
    send_document,
    upper_first,
    who,
)
from harness.scenarios.context import ScenarioContext
from harness.scenarios.probe import Probe, documents_from, read_mail, statuses_for
from harness.scenarios.world import Agency, WorldError
from harness.transport.bkav import Kind
from harness.transport.vxp import MessageType, Operation, PreparedRequest, Reply, VxpClient, VxpError

DOC_ID_OPERATIONS = (Operation.GET_EDOC, Operation.DOWNLOAD_EDOC, Operation.UPDATE_STATUS)


@dataclass(slots=True)
class Ax01:
    operation: Operation
    caller: Probe
    agency: Agency
    peer: Probe
    doc_id: str = "0" * 24
    data: bytes = b""
    document_id: str = ""
    code: str = ""
    since: float = field(default_factory=time.time)
    last: httpx.Response | None = None
    last_case: str = ""


def operation_of(name: str) -> Operation:
    try:
        return Operation(name)
    except ValueError:
        raise WorldError(f"Thao tác VXP «{name}» không có trong giao thức ({', '.join(Operation)}).") from None


def on_edoc_service(ctx: ScenarioContext) -> bool:
    """The axis under test speaks EdocService (profile B): ax01_edoc_service.py checks it."""
    home_axis(ctx)
    return ctx.probe("local").protocol == "bkav"


def probe_sub_unit_code(organ_id: str) -> str:
    """A sub-unit code under the probe for registerAgency/deleteAgency (never a real agency's)."""
    try:
        parsed = parse_agency_id(organ_id)
    except InvalidIdentifier:
        return f"{organ_id}.99"
    if parsed.shape is IdShape.LEGACY:
        g4, _g3, g2, level1 = organ_id.split(".")
        return f"{g4}.99.{g2}.{level1}"
    return f"{organ_id}.99"


def directory_codes(client: VxpClient) -> set[str]:
    return {str(a.get("code", "")) for a in client.get_agencies_list()}


def ax01_state(ctx: ScenarioContext, name: str) -> Ax01:
    """The fixture of one AX-01 scenario, made on first use: a pending package in the caller's
    mailbox for the docId operations, a package for sendEdoc, a registered code for deleteAgency."""
    op = operation_of(name)
    state: Ax01 | None = ctx.data.get("ax01")
    if state is not None and state.operation is op:
        return state
    home_axis(ctx)
    caller, peer = ctx.probe("local"), ctx.probe("local2")
    state = Ax01(op, caller, agency_of(ctx, caller), peer)
    collect_later(ctx, caller, peer)
    poll = ctx.deadlines.poll
    if op in DOC_ID_OPERATIONS:
        sent = send_document(ctx, "local2", ["local"])
        with axis_errors(ctx, AX01, f"{who(ctx, caller)} tìm gói tin chờ trong hộp thư"):
            doc_id = pending_doc_id(caller, peer.organ_id, sent.document_id, ctx.deadlines.fetch, poll)
        if doc_id is None:
            raise fail(
                ctx, AX01, f"Không chuẩn bị được gói tin chờ: {who(ctx, caller)} không thấy {sent.describe(ctx)}."
            )
        state.doc_id, state.document_id = doc_id, sent.document_id
    elif op is Operation.SEND_EDOC:
        package = ctx.world.kit.document(caller.organ, [peer.organ])
        state.data, state.document_id = build(package), package.document_id or ""
    elif op in (Operation.REGISTER_AGENCY, Operation.DELETE_AGENCY):
        state.code = probe_sub_unit_code(caller.organ_id)
        code = state.code
        ctx.cleanups.append(lambda: _delete_quietly(caller.client, code))
        if op is Operation.DELETE_AGENCY:
            with axis_errors(ctx, AX01, f"{who(ctx, caller)} đăng ký mã thử {code} để chuẩn bị deleteAgency"):
                caller.client.register_agency(code, "Đơn vị thử xác thực (lienthong)", caller.organ_id)
    ctx.data["ax01"] = state
    return state


def _delete_quietly(client: VxpClient, code: str) -> None:
    with suppress(VxpError, httpx.HTTPError):
        if code in directory_codes(client):
            client.delete_agency(code)


def ax01_request(state: Ax01, client: VxpClient) -> PreparedRequest:
    p, op, sender = client.protocol, state.operation, state.caller.organ_id
    if op is Operation.SEND_EDOC:
        return p.send_edoc(state.data, sender=sender)
    if op is Operation.GET_RECEIVED_EDOC_LIST:
        return p.get_received_edoc_list(MessageType.EDOC)
    if op is Operation.GET_EDOC:
        return p.get_edoc(state.doc_id)
    if op is Operation.DOWNLOAD_EDOC:
        return p.download_edoc(state.doc_id)
    if op is Operation.UPDATE_STATUS:
        return p.update_status(state.doc_id, "done")
    if op is Operation.GET_SENT_EDOC_LIST:
        return p.get_sent_edoc_list(MessageType.EDOC)
    if op is Operation.COUNT_RECEIVE_EDOC:
        return p.count(op, MessageType.EDOC)
    if op is Operation.COUNT_RECEIVE_STATUS:
        return p.count(op, MessageType.STATUS)
    if op is Operation.GET_AGENCIES_LIST:
        return p.get_agencies_list()
    if op is Operation.GET_AGENCIES_LIST_QD20:
        return p.get_agencies_list_qd20(1)
    if op is Operation.GET_SYNCHRONIZE_UNIT:
        return p.get_synchronize_unit()
    if op is Operation.REGISTER_AGENCY:
        return p.register_agency(state.code, "Đơn vị thử xác thực (lienthong)", sender)
    return p.delete_agency(state.code)


CREDENTIAL_CASES_VI = {
    "wrong-secret": "khóa bí mật sai",
    "unknown-system": "mã hệ thống chưa đăng ký",
    "correct": "thông tin xác thực được cấp",
}


def ax01_call(ctx: ScenarioContext, name: str, case: str) -> None:
    """Call one operation as the local probe with wrong, unknown or correct credentials."""
    if on_edoc_service(ctx):
        edoc_service.call(ctx, name, case)
        return
    state = ax01_state(ctx, name)
    a = state.agency
    own: VxpClient | None = None
    if case == "wrong-secret":
        own = client = VxpClient(a.endpoint, a.system_id, a.secret + "-sai", timeout=30.0)
    elif case == "unknown-system":
        own = client = VxpClient(a.endpoint, f"lienthong-{secrets.token_hex(4)}", a.secret, timeout=30.0)
    else:
        client = state.caller.client
    try:
        with axis_errors(ctx, AX01, f"Gọi {state.operation} bằng {CREDENTIAL_CASES_VI[case]}"):
            state.last = client.send(ax01_request(state, client))
    finally:
        if own is not None:
            own.close()
    state.last_case = case


def leaks(reply: Reply) -> bool:
    """A refusal that carries content: the operation's fields are there (the SDKs read them) but empty."""
    return any(reply.body.get(name) for name in ("data", "DocId", "count"))


def ax01_expect_refused(ctx: ScenarioContext) -> None:
    if on_edoc_service(ctx):
        edoc_service.expect_refused(ctx)
        return
    state: Ax01 = ctx.data["ax01"]
    assert state.last is not None
    op, response, case = state.operation, state.last, CREDENTIAL_CASES_VI[state.last_case]
    what = f"Lời gọi {op} bằng {case} của {who(ctx, state.caller)}"
    if op is Operation.DOWNLOAD_EDOC:
        if response.content:
            raise fail(
                ctx,
                AX01,
                f"{what} nhận về {len(response.content)} byte (HTTP {response.status_code}): trục phải từ chối "
                "với nội dung rỗng (SDK lưu mọi nội dung khác rỗng như gói tin).",
            )
        if response.status_code < 400 or response.status_code >= 500:
            raise fail(ctx, AX01, f"{what} được trả HTTP {response.status_code} thay vì một lỗi từ chối (4xx).")
        return
    reply = Reply.parse(response.status_code, response.content)
    if reply.ok:
        raise fail(ctx, AX01, f"{what} được trục chấp nhận (status OK, HTTP {reply.http_status}): trục phải từ chối.")
    if reply.error_code == LOCAL_ERROR and reply.http_status in (401, 403):
        return
    if broke(reply):
        raise fail(
            ctx,
            AX01,
            f"{what} nhận lỗi {reply.error_code} «{reply.error_desc}» (HTTP {reply.http_status}) thay vì bị từ "
            "chối xác thực (FAIL 401/403).",
        )
    if leaks(reply):
        raise fail(ctx, AX01, f"{what} bị từ chối nhưng trục vẫn trả dữ liệu ({', '.join(sorted(reply.body))}).")
    if reply.error_code not in ("401", "403"):
        note(ctx, AX01, f"{what} bị từ chối với mã {reply.error_code} «{reply.error_desc}» (giao thức dùng 401).")


def ax01_expect_no_side_effect(ctx: ScenarioContext) -> None:
    """The refused calls changed nothing: no delivery, no acknowledgement, no directory change."""
    if on_edoc_service(ctx):
        edoc_service.expect_no_side_effect(ctx)
        return
    state: Ax01 = ctx.data["ax01"]
    op, caller = state.operation, state.caller
    with axis_errors(ctx, AX01, f"Kiểm tra trạng thái trục sau các lời gọi {op} bị từ chối"):
        if op is Operation.SEND_EDOC:
            expect_refused_send_not_delivered(ctx, AX01, caller, state.peer, state.since, state.document_id)
        elif op in DOC_ID_OPERATIONS:
            status = listed(caller).get(state.doc_id)
            if status is None or status == "done":
                raise fail(
                    ctx,
                    AX01,
                    f"Gói tin {state.doc_id} trong hộp thư của {who(ctx, caller)} đã bị xác nhận hoặc biến mất sau các "
                    f"lời gọi {op} bị từ chối (trạng thái: {status or 'không còn trong danh sách'}).",
                )
        elif op is Operation.REGISTER_AGENCY:
            if state.code in directory_codes(caller.client):
                raise fail(ctx, AX01, f"Mã {state.code} có trong danh bạ dù lời gọi registerAgency đã bị từ chối.")
        elif op is Operation.DELETE_AGENCY and state.code not in directory_codes(caller.client):
            raise fail(ctx, AX01, f"Mã {state.code} biến khỏi danh bạ dù lời gọi deleteAgency đã bị từ chối.")


def ax01_expect_success(ctx: ScenarioContext) -> None:
    if on_edoc_service(ctx):
        edoc_service.expect_success(ctx)
        return
    state: Ax01 = ctx.data["ax01"]
    assert state.last is not None
    op, response, caller = state.operation, state.last, state.caller
    what = f"Lời gọi {op} bằng thông tin xác thực được cấp của {who(ctx, caller)}"
    if op is Operation.DOWNLOAD_EDOC:
        mail = read_mail(state.doc_id, MessageType.EDOC, response.content)
        if response.status_code != 200 or mail.document_id != state.document_id:
            raise fail(
                ctx,
                AX01,
                f"{what} không tải được gói tin {state.doc_id} (HTTP {response.status_code}, "
                f"{len(response.content)} byte, DocumentId «{mail.document_id}» thay vì «{state.document_id}»).",
            )
        return
    reply = Reply.parse(response.status_code, response.content)
    if not reply.ok:
        raise fail(ctx, AX01, f"{what} bị từ chối: {reply.error_code} «{reply.error_desc}» (HTTP {reply.http_status}).")
    with axis_errors(ctx, AX01, f"Kiểm tra kết quả lời gọi {op}"):
        if op is Operation.GET_EDOC:
            mail = read_mail(state.doc_id, MessageType.EDOC, base64_data(reply.body))
            if mail.document_id != state.document_id:
                raise fail(
                    ctx,
                    AX01,
                    f"{what} trả gói tin có DocumentId «{mail.document_id}» thay vì «{state.document_id}».",
                )
        elif op is Operation.SEND_EDOC and not reply.body.get("DocId"):
            raise fail(ctx, AX01, f"{what} thành công nhưng không có DocId.")
        elif op is Operation.UPDATE_STATUS and listed(caller).get(state.doc_id, "done") != "done":
            raise fail(ctx, AX01, f"{what} thành công nhưng gói tin {state.doc_id} vẫn chờ trong hộp thư.")
        elif op is Operation.REGISTER_AGENCY and state.code not in directory_codes(caller.client):
            raise fail(ctx, AX01, f"{what} thành công nhưng mã {state.code} không có trong danh bạ.")
        elif op is Operation.DELETE_AGENCY and state.code in directory_codes(caller.client):
            raise fail(ctx, AX01, f"{what} thành công nhưng mã {state.code} vẫn còn trong danh bạ.")


def ax01_send_with_foreign_from(ctx: ScenarioContext, message_type: MessageType) -> None:
    """The local probe sends, with its own credentials, a package whose `from` is local2's code."""
    home_axis(ctx)
    caller, impostor = ctx.probe("local"), ctx.probe("local2")
    collect_later(ctx, caller, impostor)
    if message_type is MessageType.EDOC:
        package = ctx.world.kit.document(impostor.organ, [caller.organ])
        data, document_id = build(package), package.document_id or ""
    else:
        original = ctx.world.kit.document(caller.organ, [impostor.organ])
        data, document_id = build(status_for(original, impostor.organ, "01")), original.document_id or ""
    ctx.data.setdefault("ax01_from_since", time.time())
    with axis_errors(ctx, AX01, f"{who(ctx, caller)} gửi gói tin khai from={impostor.organ_id}"):
        if caller.protocol == "bkav":  # EdocService names the sender only in the package
            bkav = caller.bkav
            answer = Answer.of_bkav(bkav.call(bkav.protocol.send_document(data, Kind.of(message_type))))
        else:
            req = caller.client.protocol.send_edoc(data, sender=impostor.organ_id, message_type=message_type)
            response = caller.client.send(req)
            answer = Answer.of_vxp(Reply.parse(response.status_code, response.content))
    tries: list[tuple[MessageType, str, Answer]] = ctx.data.setdefault("ax01_from", [])
    tries.append((message_type, document_id, answer))


def ax01_expect_from_refused(ctx: ScenarioContext) -> None:
    message_type, document_id, answer = ctx.data["ax01_from"][-1]
    caller, impostor = ctx.probe("local"), ctx.probe("local2")
    expected = FORBIDDEN_CODE[caller.protocol]
    kind = "văn bản" if message_type is MessageType.EDOC else "gói tin trạng thái"
    what = f"{upper_first(kind)} {document_id} do {who(ctx, caller)} gửi nhưng khai from={impostor.organ_id}"
    if answer.ok:
        raise fail(ctx, AX01, f"{what} được trục nhận (DocId {answer.sent_id}): trục phải từ chối ({expected}).")
    if answer.broke:
        raise fail(
            ctx,
            AX01,
            f"{what} nhận lỗi {answer.code} «{answer.description}» (HTTP {answer.http_status}) thay vì bị từ chối "
            f"vì from không đúng mã đã đăng ký ({expected}).",
        )
    if answer.leaks:
        raise fail(ctx, AX01, f"{what} bị từ chối nhưng trục vẫn trả DocId.")
    if answer.code != expected:
        note(ctx, AX01, f"{what} bị từ chối với mã {answer.code} «{answer.description}» (giao thức dùng {expected}).")


def ax01_expect_no_foreign_from_delivery(ctx: ScenarioContext) -> None:
    caller, impostor = ctx.probe("local"), ctx.probe("local2")
    with axis_errors(ctx, AX01, f"{who(ctx, caller)} tải hộp thư trong thời gian quan sát"):
        collect_quietly([caller], ctx.deadlines.quiet, ctx.deadlines.poll)
    since = ctx.data.get("ax01_from_since", 0.0)
    for message_type, document_id, _ in ctx.data.get("ax01_from", []):
        pred = (
            documents_from(impostor.organ_id, since, document_id)
            if message_type is MessageType.EDOC
            else statuses_for(document_id, impostor.organ_id)
        )
        got = caller.find(pred)
        if got:
            raise fail(
                ctx,
                AX01,
                f"Gói tin {document_id} khai from={impostor.organ_id} (bị từ chối hay không) vẫn đến "
                f"{who(ctx, caller)} (DocId {got[0].doc_id}).",
            )
