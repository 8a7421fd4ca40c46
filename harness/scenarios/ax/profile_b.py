"""Which AX scenarios a Bkav EdocService axis (profile B) is judged on, and why the others are not.

A scenario that does not apply says so with the reason; one that applies but whose check still speaks
VXP itself says that instead: neither is ever skipped silently. Both are recorded as not run, with the
sentence, in the results and the reports. The rest run unchanged: their probes reach the axis through
the protocol-neutral mailbox (harness/transport/mailbox.py).
"""

from __future__ import annotations

from harness.scenarios.context import NotApplicable, ScenarioContext

PROFILE_B = "trục EdocService của Bkav (hồ sơ B)"

NOT_APPLICABLE = {
    ("AX-11", "Trục không dùng tham số không được ký"): (
        "EdocService không ký yêu cầu: chỉ có mã cơ quan (organId) và mã xác thực, không có tham số nào được "
        "ký để so với tham số không ký."
    ),
    ("AX-11", "Trục từ chối yêu cầu có tiêu đề systemid lặp lại"): (
        "EdocService không có tiêu đề systemid: bên gọi được xác định bằng organId và mã xác thực."
    ),
    ("AX-11", "Trục từ chối yêu cầu gửi gói tin được phát lại nguyên văn"): (
        "EdocService không có dấu thời gian hay chữ ký theo yêu cầu để phát hiện yêu cầu phát lại; văn bản "
        "mới gửi lại bị từ chối theo DocumentId (AX-07)."
    ),
}
"""(AX item, scenario name) -> why the scenario does not apply to profile B."""

NOT_YET = {
    ("AX-01", "Thao tác "): (
        "khung kịch bản liệt kê các thao tác của VXP và gọi chúng bằng systemid, chữ ký HMAC; bản cho các thao "
        "tác EdocService (organId, mã xác thực) chưa có"
    ),
}
"""(AX item, start of the scenario name) -> why its check cannot judge a profile B axis yet (it applies,
the check speaks VXP)."""


def require_profile(ctx: ScenarioContext, protocol: str) -> None:
    """Stop the scenario, saying why, when the axis under test speaks EdocService and it does not apply
    there or its check cannot judge it yet."""
    if protocol != "bkav":
        return
    item, name = ctx.result.scenario_id, ctx.result.name
    reason = NOT_APPLICABLE.get((item, name))
    if reason is not None:
        raise NotApplicable(f"Không áp dụng cho {PROFILE_B}: {reason}")
    pending = next((why for (i, start), why in NOT_YET.items() if i == item and name.startswith(start)), None)
    if pending is not None:
        raise NotApplicable(f"Chưa kiểm tra được trên {PROFILE_B}: {pending}.")
