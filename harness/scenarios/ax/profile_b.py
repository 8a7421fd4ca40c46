"""Which AX scenarios a Bkav EdocService axis (profile B) is judged on, and why the others are not.

A scenario that does not apply says so with the reason (one that applies but whose check still spoke
VXP would say that instead): never skipped silently, recorded as not run with the sentence in the
results and the reports. The rest run: their probes reach the axis through the protocol-neutral
mailbox (harness/transport/mailbox.py) and their raw calls read as one Answer (ax/answers.py).
"""

from __future__ import annotations

import re

from harness.scenarios.context import NotApplicable, ScenarioContext
from harness.transport.bkav.wire import VXP_COUNTERPART

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

NOT_YET: dict[tuple[str, str], str] = {}
"""(AX item, start of the scenario name) -> why its check cannot judge a profile B axis yet (it applies,
the check still speaks VXP). Empty: every AX scenario that applies to profile B is checked there."""

AX01_ROW = re.compile(r"^Thao tác (\w+) ")
"""AX-01's outline rows are named after a VXP operation; on profile B its EdocService counterpart runs."""


def require_profile(ctx: ScenarioContext, protocol: str) -> None:
    """Stop the scenario, saying why, when the axis under test speaks EdocService and it does not apply
    there or its check cannot judge it yet."""
    if protocol != "bkav":
        return
    item, name = ctx.result.scenario_id, ctx.result.name
    reason = NOT_APPLICABLE.get((item, name))
    row = AX01_ROW.match(name) if item == "AX-01" else None
    if row is not None and row.group(1) not in VXP_COUNTERPART.values():
        reason = f"EdocService không có thao tác tương ứng với {row.group(1)} của VXP."
    if reason is not None:
        raise NotApplicable(f"Không áp dụng cho {PROFILE_B}: {reason}")
    pending = next((why for (i, start), why in NOT_YET.items() if i == item and name.startswith(start)), None)
    if pending is not None:
        raise NotApplicable(f"Chưa kiểm tra được trên {PROFILE_B}: {pending}.")
