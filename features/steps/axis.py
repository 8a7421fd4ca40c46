"""Steps of the AX-* features: the system under test is an axis (features/ax/*.feature).

Every step text is about the axis ("trục ...") or about the harness' test agencies acting through it
("đơn vị kiểm thử ... qua trục"), so none collides with the RT-* steps of agency.py.
"""

from __future__ import annotations

from harness.scenarios import ax
from harness.scenarios.context import ScenarioContext
from harness.scenarios.steps import given, then, when
from harness.transport.vxp import MessageType

# Background


@given("trục được kiểm thử là trục tỉnh có các đơn vị kiểm thử trong tỉnh")
def axis_with_local_probes(ctx: ScenarioContext) -> None:
    ax.require_probes(ctx, "local", "local2")


@given("trục được kiểm thử có đơn vị kiểm thử ở tỉnh khác và ở trung ương")
def axis_with_outside_probes(ctx: ScenarioContext) -> None:
    ax.require_probes(ctx, "remote", "central")


# Sending and delivery (AX-02..AX-08)


@when("đơn vị kiểm thử {sender} gửi qua trục một văn bản đã ký số tới {recipients}")
def probe_sends(ctx: ScenarioContext, sender: str, recipients: str) -> None:
    ax.send_to_phrase(ctx, ax.roles_of_phrase(f"đơn vị kiểm thử {sender}")[0], recipients)


@when("trục chuyển văn bản tới từng nơi nhận trong thời hạn nhận")
@then("trục chuyển văn bản tới từng nơi nhận trong thời hạn nhận")
def delivered(ctx: ScenarioContext) -> None:
    ax.expect_delivered(ctx)


@then("trục chuyển văn bản tới mỗi nơi nhận đúng một lần trong thời gian quan sát")
def delivered_once(ctx: ScenarioContext) -> None:
    ax.expect_exactly_once(ctx)


# AX-01


@when('đơn vị kiểm thử gọi thao tác "{operation}" của trục với khóa bí mật sai')
def call_wrong_secret(ctx: ScenarioContext, operation: str) -> None:
    ax.ax01_call(ctx, operation, "wrong-secret")


@when('đơn vị kiểm thử gọi thao tác "{operation}" của trục với mã hệ thống chưa đăng ký')
def call_unknown_system(ctx: ScenarioContext, operation: str) -> None:
    ax.ax01_call(ctx, operation, "unknown-system")


@when('đơn vị kiểm thử gọi thao tác "{operation}" của trục với thông tin xác thực được cấp')
def call_correct(ctx: ScenarioContext, operation: str) -> None:
    ax.ax01_call(ctx, operation, "correct")


@then("trục từ chối lời gọi vì không xác thực được bên gọi")
def call_refused(ctx: ScenarioContext) -> None:
    ax.ax01_expect_refused(ctx)


@then("các lời gọi bị từ chối không để lại tác động nào trên trục")
def refused_calls_harmless(ctx: ScenarioContext) -> None:
    ax.ax01_expect_no_side_effect(ctx)


@then("trục thực hiện lời gọi thành công")
def call_succeeded(ctx: ScenarioContext) -> None:
    ax.ax01_expect_success(ctx)


@when('đơn vị kiểm thử gửi qua trục một văn bản khai "from" là mã của đơn vị kiểm thử khác')
def send_document_foreign_from(ctx: ScenarioContext) -> None:
    ax.ax01_send_with_foreign_from(ctx, MessageType.EDOC)


@when('đơn vị kiểm thử gửi qua trục một gói tin trạng thái khai "from" là mã của đơn vị kiểm thử khác')
def send_status_foreign_from(ctx: ScenarioContext) -> None:
    ax.ax01_send_with_foreign_from(ctx, MessageType.STATUS)


@then('trục từ chối gói tin vì "from" không phải mã đã đăng ký của bên gọi')
def foreign_from_refused(ctx: ScenarioContext) -> None:
    ax.ax01_expect_from_refused(ctx)


@then('không đơn vị kiểm thử nào nhận được gói tin khai sai "from" qua trục')
def foreign_from_not_delivered(ctx: ScenarioContext) -> None:
    ax.ax01_expect_no_foreign_from_delivery(ctx)


# AX-03, AX-05


@then("vết chuyển của văn bản liên thông ngoài tỉnh có trục quốc gia")
def via_national(ctx: ScenarioContext) -> None:
    ax.expect_via_national(ctx)


@then("vết chuyển của mỗi văn bản nhận được là đơn vị gửi rồi lần lượt từng trục, mỗi chặng một TraceHeader")
def trace_per_hop(ctx: ScenarioContext) -> None:
    ax.expect_trace_per_hop(ctx)


# AX-04


@when('từng đơn vị kiểm thử nhận văn bản gửi qua trục trạng thái "{first}" rồi "{second}"')
def recipients_answer(ctx: ScenarioContext, first: str, second: str) -> None:
    ax.send_statuses(ctx, [first, second])


@then("trục chuyển mọi trạng thái về đơn vị gửi theo ResponseFor trong thời hạn trạng thái")
def statuses_back(ctx: ScenarioContext) -> None:
    ax.expect_statuses_back(ctx)


# AX-06


@when("trục giữ gói tin chờ trong hộp thư của nơi nhận")
def package_waiting(ctx: ScenarioContext) -> None:
    ax.find_waiting_package(ctx)


@then("trục không liệt kê gói tin đó cho đơn vị gửi")
def not_listed_for_sender(ctx: ScenarioContext) -> None:
    ax.expect_not_listed_for_other(ctx)


@then("trục trả lời các lời gọi đọc và xác nhận của đơn vị gửi trên gói tin đó như với một docId không tồn tại")
def foreign_access_like_unknown(ctx: ScenarioContext) -> None:
    """getEdoc, downloadEdoc, updateStatus (VXP); getDocument, confirmReceived (EdocService)."""
    ax.expect_foreign_access_like_unknown(ctx)


@then("trục vẫn giữ nguyên gói tin chờ trong hộp thư của nơi nhận")
def still_waiting(ctx: ScenarioContext) -> None:
    ax.expect_still_waiting_for_owner(ctx)


# AX-07


@when("đơn vị kiểm thử trong tỉnh gửi lại qua trục văn bản mới đó với cùng DocumentId")
def resend(ctx: ScenarioContext) -> None:
    ax.resend_same_document_id(ctx)


@then("trục từ chối bản gửi lại hoặc không chuyển nó lần thứ hai")
def resend_refused(ctx: ScenarioContext) -> None:
    ax.expect_resend_refused_or_deduplicated(ctx)


@then("trục không liệt kê lại gói tin nơi nhận đã xác nhận")
def acknowledged_gone(ctx: ScenarioContext) -> None:
    ax.expect_acknowledged_never_listed(ctx)


# AX-08


@given("bộ kiểm thử được phép tắt đột ngột và khởi động lại trục được kiểm thử")
def may_restart(ctx: ScenarioContext) -> None:
    ax.require_restart(ctx)


@when("trục bị tắt đột ngột (kill -9) rồi khởi động lại")
def crash(ctx: ScenarioContext) -> None:
    ax.crash_and_restart(ctx)


# AX-09


@when(
    "đơn vị kiểm thử trong tỉnh gửi dồn dập qua trục các văn bản tới đơn vị kiểm thử thứ hai trong tỉnh "
    "theo mục scenario_burst của tệp ngưỡng tải"
)
def burst(ctx: ScenarioContext) -> None:
    ax.send_burst(ctx)


@then("trục nhận mọi văn bản gửi dồn dập mà không có lỗi")
def burst_accepted(ctx: ScenarioContext) -> None:
    ax.expect_burst_without_errors(ctx)


@then("trục chuyển mỗi văn bản gửi dồn dập đúng một lần")
def burst_delivered(ctx: ScenarioContext) -> None:
    ax.expect_burst_delivered_once(ctx)


@then("thời gian trục nhận văn bản ở phân vị 95 không vượt ngưỡng tải")
def burst_latency(ctx: ScenarioContext) -> None:
    ax.expect_burst_p95(ctx)


# AX-10


@when('đơn vị kiểm thử trong tỉnh gửi tới trục một gói tin "{kind}"')
def bad_input(ctx: ScenarioContext, kind: str) -> None:
    ax.send_bad_input(ctx, kind)


@then("trục từ chối gói tin xấu bằng một lỗi rõ ràng kèm thông báo")
def bad_input_refused(ctx: ScenarioContext) -> None:
    ax.expect_clear_refusal(ctx)


@then("trục vẫn nhận và chuyển một văn bản hợp lệ gửi ngay sau đó")
def still_serving(ctx: ScenarioContext) -> None:
    ax.expect_still_serving(ctx)


# AX-11


@when("đơn vị kiểm thử trong tỉnh gửi qua trục một gói tin trạng thái rồi phát lại nguyên yêu cầu đó")
def replay_status(ctx: ScenarioContext) -> None:
    ax.replay_status(ctx)


@then("trục từ chối yêu cầu phát lại")
def replay_refused(ctx: ScenarioContext) -> None:
    ax.expect_replay_refused(ctx)


@then("đơn vị kiểm thử nhận gói tin trạng thái đúng một lần")
def status_once(ctx: ScenarioContext) -> None:
    ax.expect_status_once(ctx)


@when("một bên không có khóa bí mật thêm docId không ký vào yêu cầu tải hộp thư đã bắt được của đơn vị kiểm thử")
def unsigned_parameter(ctx: ScenarioContext) -> None:
    ax.unsigned_parameter(ctx)


@then("trục không trả và không xác nhận văn bản theo docId không được ký")
def unsigned_ignored(ctx: ScenarioContext) -> None:
    ax.expect_unsigned_ignored(ctx)


@when("đơn vị kiểm thử trong tỉnh gửi qua trục một văn bản kèm hash-file của văn bản khác")
def mismatched_hash(ctx: ScenarioContext) -> None:
    ax.mismatched_hash(ctx)


@then("trục từ chối gói tin vì hash-file không khớp nội dung")
def hash_refused(ctx: ScenarioContext) -> None:
    ax.expect_hash_refused(ctx)


@then("nơi nhận không nhận được văn bản có hash-file sai")
def hash_not_delivered(ctx: ScenarioContext) -> None:
    ax.expect_hash_not_delivered(ctx)


@when("đơn vị kiểm thử trong tỉnh gọi trục với thêm một tiêu đề systemid mang mã của đơn vị kiểm thử khác")
def duplicated_systemid(ctx: ScenarioContext) -> None:
    ax.duplicated_systemid(ctx)


@then("trục từ chối yêu cầu có tiêu đề giao thức lặp lại")
def duplicate_refused(ctx: ScenarioContext) -> None:
    ax.expect_duplicate_refused(ctx)


# AX-12


@when("đơn vị kiểm thử trong tỉnh gửi qua trục một văn bản có chú thích trong TraceHeader")
def trace_comment(ctx: ScenarioContext) -> None:
    ax.send_with_trace_comment(ctx)


@when("một máy khách giữ nhiều kết nối tới trục, mỗi kết nối chỉ gửi một nửa dòng yêu cầu")
def slow_clients(ctx: ScenarioContext) -> None:
    ax.hold_slow_connections(ctx)


@then("trục vẫn nhận và chuyển văn bản giữa các đơn vị kiểm thử trong thời hạn nhận")
def others_served(ctx: ScenarioContext) -> None:
    ax.expect_others_served(ctx)
