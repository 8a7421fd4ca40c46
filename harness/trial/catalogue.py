"""The run-test catalogue of the trial (pilot-run-tests.md): what the appendix lists, in order."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RunTest:
    test_id: str
    name_vi: str
    mandatory: bool


RUN_TESTS: tuple[RunTest, ...] = (
    RunTest("RT-01", "Kết nối, xác thực với trục", True),
    RunTest("RT-02", "Ký số văn bản đi", True),
    RunTest("RT-03", "Gửi văn bản điện tử", True),
    RunTest("RT-04", "Nhận văn bản điện tử", True),
    RunTest("RT-05", "Trả trạng thái xử lý", True),
    RunTest("RT-06", "Theo dõi nhật ký gửi, nhận", True),
    RunTest("RT-07", "Từ chối văn bản không ký số", True),
    RunTest("RT-08", "Thu hồi, cập nhật, thay thế", False),
    RunTest("RT-09", "Văn bản hỏa tốc, khẩn", False),
    RunTest("RT-10", "Đủ 14 loại văn bản", True),
    RunTest("RT-11", "Văn bản mật", True),
    RunTest("RT-12", "Gói tin lỗi", True),
)
"""Agency run-tests, in the appendix's order; `mandatory` decides the bottom line."""

BY_ID = {t.test_id: t for t in RUN_TESTS}
