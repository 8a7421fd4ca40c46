"""AX-01 Xác thực on an EdocService axis (profile B): each operation serves only a caller whose
`organId` and token match, refuses a wrong token and an unknown organisation with the filter's 401,
and a refused call changes nothing.

The feature's outline names VXP operations; on profile B each row runs its EdocService counterpart
(sendEdoc as sendDocument, getReceivedEdocList as getPendingDocIds, getEdoc as getDocument,
updateStatus as confirmReceived, getAgenciesList as getOrganizations). Rows without one are not
applicable there (ax/profile_b.py says so).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from harness.edxml import build
from harness.scenarios.ax.common import (
    AX01,
    axis_errors,
    base64_data,
    collect_later,
    expect_refused_send_not_delivered,
    fail,
    home_axis,
    listed,
    note,
    pending_doc_id,
    send_document,
    who,
)
from harness.scenarios.context import ScenarioContext
from harness.scenarios.probe import Probe, read_mail
from harness.scenarios.world import WorldError
from harness.transport.bkav import BkavClient, Kind, Operation, PreparedRequest, Reply
from harness.transport.bkav.wire import VXP_COUNTERPART
from harness.transport.vxp import MessageType

EDOC_SERVICE_OF = {vxp: bkav for bkav, vxp in VXP_COUNTERPART.items()}
"""VXP operation name -> the EdocService operation that does its work."""
NUMBERED = (Operation.GET_DOCUMENT, Operation.CONFIRM_RECEIVED)
UNKNOWN_ORGAN = "000.00.00.X99"
"""An organisation code no axis registers (level-1 X99 belongs to no province)."""
CASES_VI = {
    "wrong-secret": "mã xác thực sai",
    "unknown-system": "mã cơ quan chưa đăng ký",
    "correct": "thông tin được cấp",
}


@dataclass(slots=True)
class Ax01B:
    operation: Operation
    caller: Probe
    peer: Probe
    doc_id: str = ""
    data: bytes = b""
    document_id: str = ""
    since: float = field(default_factory=time.time)
    last: Reply | None = None
    last_case: str = ""


def counterpart(name: str) -> Operation:
    try:
        return EDOC_SERVICE_OF[name]
    except KeyError:
        raise WorldError(f"Thao tác VXP «{name}» không có thao tác tương ứng trong EdocService.") from None


def _state(ctx: ScenarioContext, name: str) -> Ax01B:
    """A pending package in the caller's mailbox for the numbered operations, a package for sendDocument."""
    op = counterpart(name)
    state: Ax01B | None = ctx.data.get("ax01b")
    if state is not None and state.operation is op:
        return state
    home_axis(ctx)
    caller, peer = ctx.probe("local"), ctx.probe("local2")
    state = Ax01B(op, caller, peer)
    collect_later(ctx, caller, peer)
    if op in NUMBERED:
        sent = send_document(ctx, "local2", ["local"])
        with axis_errors(ctx, AX01, f"{who(ctx, caller)} tìm gói tin chờ trong hộp thư"):
            doc_id = pending_doc_id(caller, peer.organ_id, sent.document_id, ctx.deadlines.fetch, ctx.deadlines.poll)
        if doc_id is None:
            raise fail(
                ctx, AX01, f"Không chuẩn bị được gói tin chờ: {who(ctx, caller)} không thấy {sent.describe(ctx)}."
            )
        state.doc_id, state.document_id = doc_id, sent.document_id
    elif op is Operation.SEND_DOCUMENT:
        package = ctx.world.kit.document(caller.organ, [peer.organ])
        state.data, state.document_id = build(package), package.document_id or ""
    ctx.data["ax01b"] = state
    return state


def _request(state: Ax01B, client: BkavClient) -> PreparedRequest:
    p, op = client.protocol, state.operation
    if op is Operation.SEND_DOCUMENT:
        return p.send_document(state.data)
    if op is Operation.GET_PENDING_DOC_IDS:
        return p.get_pending_doc_ids(Kind.EDOC)
    if op is Operation.GET_DOCUMENT:
        return p.get_document(int(state.doc_id), Kind.EDOC)
    if op is Operation.CONFIRM_RECEIVED:
        return p.confirm_received(int(state.doc_id))
    return p.get_organizations()


def call(ctx: ScenarioContext, name: str, case: str) -> None:
    """Call one operation as the local probe with a wrong token, an unknown organId or its own credentials."""
    state = _state(ctx, name)
    own = state.caller.bkav
    service, organ, token = own.protocol.endpoint, own.organ_id, own.protocol.token
    client = own
    if case == "wrong-secret":
        client = BkavClient(service, organ, token + "-sai")
    elif case == "unknown-system":
        client = BkavClient(service, UNKNOWN_ORGAN, token)
    try:
        with axis_errors(ctx, AX01, f"Gọi {state.operation} bằng {CASES_VI[case]}"):
            state.last = client.call(_request(state, client))
    finally:
        if client is not own:
            client.close()
    state.last_case = case


def expect_refused(ctx: ScenarioContext) -> None:
    state: Ax01B = ctx.data["ax01b"]
    reply = state.last
    assert reply is not None
    what = f"Lời gọi {state.operation} bằng {CASES_VI[state.last_case]} của {who(ctx, state.caller)}"
    if reply.ok:
        raise fail(ctx, AX01, f"{what} được trục chấp nhận (status {reply.status}): trục phải từ chối.")
    if any(reply.body.get(name) for name in ("data", "docId", "docIDs", "organizations")):
        raise fail(ctx, AX01, f"{what} bị từ chối nhưng trục vẫn trả dữ liệu ({', '.join(sorted(reply.body))}).")
    if reply.http_status >= 500:
        raise fail(ctx, AX01, f"{what} nhận lỗi {reply.error_text} (HTTP {reply.http_status}) thay vì bị từ chối.")
    if reply.http_status != 401:
        note(
            ctx, AX01, f"{what} bị từ chối với {reply.error_text} (HTTP {reply.http_status}; bộ lọc của Bkav dùng 401)."
        )


def expect_no_side_effect(ctx: ScenarioContext) -> None:
    """The refused calls changed nothing: no delivery, no acknowledgement."""
    state: Ax01B = ctx.data["ax01b"]
    op, caller = state.operation, state.caller
    with axis_errors(ctx, AX01, f"Kiểm tra trạng thái trục sau các lời gọi {op} bị từ chối"):
        if op is Operation.SEND_DOCUMENT:
            expect_refused_send_not_delivered(ctx, AX01, caller, state.peer, state.since, state.document_id)
        elif op in NUMBERED and state.doc_id not in listed(caller):
            raise fail(
                ctx,
                AX01,
                f"Gói tin {state.doc_id} trong hộp thư của {who(ctx, caller)} đã bị xác nhận hoặc biến mất sau các "
                f"lời gọi {op} bị từ chối.",
            )


def expect_success(ctx: ScenarioContext) -> None:
    state: Ax01B = ctx.data["ax01b"]
    reply, op, caller = state.last, state.operation, state.caller
    assert reply is not None
    what = f"Lời gọi {op} bằng thông tin xác thực được cấp của {who(ctx, caller)}"
    if not reply.ok:
        raise fail(ctx, AX01, f"{what} bị từ chối: {reply.error_text} (HTTP {reply.http_status}).")
    with axis_errors(ctx, AX01, f"Kiểm tra kết quả lời gọi {op}"):
        if op is Operation.GET_DOCUMENT:
            mail = read_mail(state.doc_id, MessageType.EDOC, base64_data(reply.body))
            if mail.document_id != state.document_id:
                raise fail(
                    ctx, AX01, f"{what} trả gói tin có DocumentId «{mail.document_id}» thay vì «{state.document_id}»."
                )
        elif op is Operation.SEND_DOCUMENT and not str(reply.body.get("docId", "")).isdigit():
            raise fail(ctx, AX01, f"{what} thành công nhưng không có docId.")
        elif op is Operation.CONFIRM_RECEIVED and state.doc_id in listed(caller):
            raise fail(ctx, AX01, f"{what} thành công nhưng gói tin {state.doc_id} vẫn chờ trong hộp thư.")
