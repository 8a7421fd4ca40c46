"""AX-10 Đầu vào xấu: hostile packages (entities, XXE, broken base64, oversize) are refused clearly and the
axis keeps serving.
"""

from __future__ import annotations

from collections.abc import Callable

import httpx

from harness.edxml import build, hostile
from harness.paths import thresholds_path
from harness.scenarios.ax.answers import Answer, send_raw
from harness.scenarios.ax.common import (
    AX10,
    LOCAL_ERROR,
    SERVER_ERRORS,
    BadInputSettings,
    collect_later,
    expect_delivered,
    fail,
    home_axis,
    note,
    send_document,
)
from harness.scenarios.context import ScenarioContext
from harness.scenarios.world import WorldError
from harness.transport.vxp import Reply


def _invalid_base64(valid: bytes, settings: BadInputSettings) -> bytes:
    broken = hostile.corrupt_base64_in(valid)
    if broken is None:
        raise WorldError("Gói tin mẫu không có tệp đính kèm để làm hỏng base64.")
    return broken


def _oversize(valid: bytes, settings: BadInputSettings) -> bytes:
    assert settings.max_body_bytes is not None
    return valid.ljust(settings.max_body_bytes + settings.over_by_bytes, b" ")


BAD_INPUTS: dict[str, Callable[[bytes, BadInputSettings], bytes]] = {
    "không phải XML": lambda valid, s: b"Day khong phai la XML: <<< >>> &&&",
    "rỗng": lambda valid, s: b"",
    "XML bị cắt cụt": lambda valid, s: valid[: len(valid) // 2],
    "có thực thể ngoài (XXE)": lambda valid, s: hostile.xxe_in(valid),
    "bom thực thể (billion laughs)": lambda valid, s: hostile.entity_bomb_in(valid),
    "có tệp đính kèm base64 sai": _invalid_base64,
    "vượt dung lượng tối đa": _oversize,
}
"""AX-10 cases: the Vietnamese name used in the feature, and how to make the payload from a valid package."""


def send_bad_input(ctx: ScenarioContext, kind: str) -> None:
    make = BAD_INPUTS.get(kind)
    if make is None:
        raise WorldError(f"Không có đầu vào xấu «{kind}» (dùng: {', '.join(BAD_INPUTS)}).")
    settings = BadInputSettings.load()
    home_axis(ctx)
    sender, receiver = ctx.probe("local"), ctx.probe("local2")
    collect_later(ctx, sender, receiver)
    if make is _oversize and settings.max_body_bytes is None:
        note(
            ctx,
            AX10,
            "Bỏ qua gói tin vượt dung lượng: chưa biết dung lượng tối đa của trục "
            f"(scenario_bad_input.max_body_bytes trong {thresholds_path()}).",
        )
        ctx.data["ax10"] = None
        return
    valid = build(ctx.world.kit.document(sender.organ, [receiver.organ]))
    body = make(valid, settings)
    response: httpx.Response | Answer | str
    try:
        if sender.protocol == "bkav":
            response = send_raw(sender, body)
        else:
            response = sender.client.send(sender.client.protocol.send_edoc(body, sender=sender.organ_id))
    except httpx.HTTPError as exc:
        response = f"{type(exc).__name__}: {exc}"
    ctx.data["ax10"] = (kind, len(body), response)


def _edoc_service_refusal(ctx: ScenarioContext, what: str, answer: Answer) -> None:
    """Profile B: a refusal is the EdocService envelope (status Fail or Error, an error code and its
    description), never a server error, never a docId."""
    if answer.ok:
        raise fail(ctx, AX10, f"{what} được trục nhận (docId {answer.sent_id}): trục phải từ chối.")
    if answer.broke:
        raise fail(
            ctx,
            AX10,
            f"{what}: trục trả lỗi nội bộ hoặc không phải phong bì EdocService: {answer.code} «{answer.description}» "
            f"(HTTP {answer.http_status}) thay vì một lời từ chối rõ ràng.",
        )
    if not answer.code or not answer.description.strip():
        raise fail(ctx, AX10, f"{what} bị từ chối nhưng không có mã lỗi hay mô tả lỗi (errors rỗng).")
    if answer.leaks:
        raise fail(ctx, AX10, f"{what} bị từ chối nhưng trục vẫn trả docId.")


def expect_clear_refusal(ctx: ScenarioContext) -> None:
    record = ctx.data.get("ax10")
    if record is None:
        return
    kind, size, response = record
    what = f"Gói tin «{kind}» ({size} byte)"
    if isinstance(response, str):
        raise fail(ctx, AX10, f"{what}: trục ngắt kết nối thay vì trả lỗi rõ ràng ({response}).")
    if isinstance(response, Answer):
        _edoc_service_refusal(ctx, what, response)
        return
    reply = Reply.parse(response.status_code, response.content)
    if reply.ok:
        raise fail(ctx, AX10, f"{what} được trục nhận (DocId {reply.body.get('DocId', '')}): trục phải từ chối.")
    if reply.http_status >= 500 or reply.error_code in SERVER_ERRORS:
        raise fail(
            ctx,
            AX10,
            f"{what}: trục trả lỗi nội bộ {reply.error_code} «{reply.error_desc}» (HTTP {reply.http_status}) thay vì "
            "một lỗi 4xx rõ ràng.",
        )
    if reply.error_code == LOCAL_ERROR:
        if 400 <= reply.http_status < 500 and response.content.strip():
            return
        raise fail(
            ctx,
            AX10,
            f"{what}: câu trả lời không phải phong bì JSON của giao thức (HTTP {reply.http_status}, "
            f"{len(response.content)} byte).",
        )
    if not reply.error_desc.strip():
        raise fail(
            ctx, AX10, f"{what} bị từ chối (mã {reply.error_code}) nhưng không có thông báo lỗi (ErrorDesc rỗng)."
        )
    if reply.body.get("DocId"):
        raise fail(ctx, AX10, f"{what} bị từ chối nhưng trục vẫn trả DocId {reply.body['DocId']}.")


def expect_still_serving(ctx: ScenarioContext) -> None:
    """A valid document sent right after the bad input is accepted and delivered."""
    send_document(ctx, "local", ["local2"])
    expect_delivered(ctx, AX10)
