"""Steps of the RT-* features: the system under test is an agency's document system (QLVB)."""

from __future__ import annotations

from harness.backchannel.models import Action
from harness.scenarios import rt
from harness.scenarios.context import ScenarioContext
from harness.scenarios.steps import given, then, when


@given("hệ thống được kiểm thử đã kết nối trục tỉnh")
def sut_ready(ctx: ScenarioContext) -> None:
    ctx.require_sut()
    ctx.require_driver()


# RT-01


@then("hệ thống gọi trục thành công bằng thông tin xác thực được cấp")
def calls_ok(ctx: ScenarioContext) -> None:
    rt.sut_calls_ok(ctx)


@then("mã định danh của hệ thống có trong danh bạ của trục")
def in_directory(ctx: ScenarioContext) -> None:
    rt.sut_in_directory(ctx)


@then("hệ thống đã đọc danh bạ cơ quan từ trục")
def read_directory(ctx: ScenarioContext) -> None:
    rt.sut_read_directory(ctx)


@then("trục từ chối khóa bí mật sai của hệ thống")
def wrong_secret(ctx: ScenarioContext) -> None:
    rt.wrong_credentials_refused(ctx)


# Sending


@when('hệ thống gửi một "{doc_type}" tới {to}')
def sut_sends(ctx: ScenarioContext, doc_type: str, to: str) -> None:
    rt.sut_sends(ctx, doc_type, rt.recipients(ctx, to))


@when("hệ thống được yêu cầu gửi một văn bản mật tới {to}")
def sut_sends_secret(ctx: ScenarioContext, to: str) -> None:
    rt.sut_sends(ctx, "Công văn", rt.recipients(ctx, to), secret=True)


@then("mỗi nơi nhận nhận được văn bản đúng một lần trong thời hạn")
def each_receives(ctx: ScenarioContext) -> None:
    rt.outbound_received(ctx)


@then("gói tin đạt mọi quy tắc bắt buộc của edXML")
def edx_ok(ctx: ScenarioContext) -> None:
    rt.outbound_edx_ok(ctx)


@then("mọi tệp PDF mang chữ ký số hợp lệ của người có thẩm quyền và của cơ quan gửi")
def signed_ok(ctx: ScenarioContext) -> None:
    rt.outbound_signed(ctx)


@then("hệ thống từ chối gửi văn bản mật")
def secret_refused(ctx: ScenarioContext) -> None:
    rt.secret_refused(ctx)


@then("không có văn bản nào của hệ thống đến nơi nhận trong thời gian quan sát")
def nothing_sent(ctx: ScenarioContext) -> None:
    rt.nothing_sent(ctx)


# Receiving


@when('đơn vị kiểm thử gửi cho hệ thống một "{doc_type}" đã ký số')
def probe_sends(ctx: ScenarioContext, doc_type: str) -> None:
    rt.send_document_to_sut(ctx, doc_type)


@when('đơn vị kiểm thử gửi cho hệ thống một văn bản có chữ ký "{defect}"')
def probe_sends_defective(ctx: ScenarioContext, defect: str) -> None:
    rt.send_defective_to_sut(ctx, defect)


@then('hệ thống tải văn bản về và xác nhận "done" trong thời hạn nhận')
def fetched_done(ctx: ScenarioContext) -> None:
    rt.fetched_done(ctx)


@then("khoảng cách giữa hai lần kiểm tra hộp thư của hệ thống không vượt quá giới hạn")
def cadence(ctx: ScenarioContext) -> None:
    rt.poll_cadence(ctx)


@given("trục sẽ chuyển văn bản tiếp theo cho hệ thống hai lần")
def duplicate_next(ctx: ScenarioContext) -> None:
    rt.duplicate_next_delivery(ctx)


@then("hệ thống tải về và xác nhận cả hai lần chuyển")
def both_fetched(ctx: ScenarioContext) -> None:
    rt.fetched(ctx, count=2)


@then("văn bản chỉ được vào sổ một lần")
def registered_once(ctx: ScenarioContext) -> None:
    rt.registered_once(ctx)


@then('đơn vị kiểm thử nhận được trạng thái "{code}" trong thời hạn')
def status_arrives(ctx: ScenarioContext, code: str) -> None:
    rt.status_arrives(ctx, code)


@then('đơn vị kiểm thử nhận được trạng thái "{code}" kèm lý do trong thời hạn')
def status_with_reason(ctx: ScenarioContext, code: str) -> None:
    rt.status_arrives(ctx, code, with_reason=True)


@when('văn thư "{action}" văn bản')
def clerk(ctx: ScenarioContext, action: str) -> None:
    rt.clerk(ctx, rt.ACTIONS_VI[action])


@when('văn thư từ chối văn bản với lý do "{reason}"')
def clerk_rejects(ctx: ScenarioContext, reason: str) -> None:
    rt.clerk(ctx, Action.REJECT, reason)


@then("mọi gói tin trạng thái của hệ thống hợp lệ, đúng địa chỉ và không đi lùi")
def chain_ok(ctx: ScenarioContext) -> None:
    rt.status_chain_ok(ctx)


@then("hệ thống không tiếp nhận văn bản đó")
def not_accepted(ctx: ScenarioContext) -> None:
    rt.not_accepted(ctx)


# RT-06


@when('nơi nhận trả trạng thái "{codes}" cho văn bản đó')
def probe_returns(ctx: ScenarioContext, codes: str) -> None:
    rt.probe_returns_statuses(ctx, [c.strip() for c in codes.split(",")])


@then("hệ thống tải về và xác nhận các gói tin trạng thái trong thời hạn")
def statuses_fetched(ctx: ScenarioContext) -> None:
    rt.statuses_fetched(ctx)


@then('sổ văn bản đi của hệ thống ghi nhận trạng thái "{code}"')
def sent_register(ctx: ScenarioContext, code: str) -> None:
    rt.sent_register_shows(ctx, code)


# RT-08


@when('đơn vị kiểm thử gửi yêu cầu "{kind}" văn bản đó')
def follow_up(ctx: ScenarioContext, kind: str) -> None:
    rt.probe_follow_up(ctx, rt.FOLLOW_UP_VI[kind])


@when("hệ thống thu hồi văn bản đó")
def sut_recalls(ctx: ScenarioContext) -> None:
    rt.sut_recalls(ctx)


@then("nơi nhận nhận được yêu cầu thu hồi văn bản đó trong thời hạn")
def recall_arrives(ctx: ScenarioContext) -> None:
    rt.recall_arrives(ctx)


# RT-09


@when("đơn vị kiểm thử gửi cho hệ thống {normal:d} văn bản thường rồi một văn bản hỏa tốc trong cùng một lần nhận")
def flash(ctx: ScenarioContext, normal: int) -> None:
    rt.flash_after_normal(ctx, normal)


@then("văn bản hỏa tốc được vào sổ trước các văn bản thường")
def flash_first(ctx: ScenarioContext) -> None:
    rt.flash_registered_first(ctx)


@then("hệ thống tải văn bản hỏa tốc về trong thời hạn hỏa tốc")
def flash_in_time(ctx: ScenarioContext) -> None:
    rt.flash_fetched_in_time(ctx)


# RT-12


@when('trục chuyển cho hệ thống một gói tin "{kind}" rồi một văn bản hợp lệ')
def broken_then_good(ctx: ScenarioContext, kind: str) -> None:
    rt.inject_broken_then_good(ctx, kind)


@then("hệ thống từ chối gói tin lỗi một cách rõ ràng")
def broken_refused(ctx: ScenarioContext) -> None:
    rt.broken_refused(ctx)
