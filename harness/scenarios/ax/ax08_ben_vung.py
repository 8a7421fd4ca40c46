"""AX-08 Bền vững dữ liệu: what the axis accepted survives a crash and restart."""

from __future__ import annotations

from harness.scenarios.ax.common import home_axis
from harness.scenarios.context import NotApplicable, ScenarioContext


def require_restart(ctx: ScenarioContext) -> None:
    home = home_axis(ctx)
    if ctx.world.restart_axis is None:
        raise NotApplicable(
            f"Bộ kiểm thử không quản lý tiến trình của trục {home} nên không thể tắt đột ngột và khởi động lại "
            "trục; AX-08 cần được thực hiện thủ công (tắt trục khi có gói tin chờ, khởi động lại, kiểm tra gói tin)."
        )
    if ctx.world.axes[home].control_url is None:
        raise NotApplicable(
            f"Trục {home} là trục thật ({ctx.world.axes[home].endpoint}): bộ kiểm thử không tắt đột ngột và khởi "
            "động lại được trục này; AX-08 cần được thực hiện thủ công cùng đơn vị vận hành trục."
        )


def crash_and_restart(ctx: ScenarioContext) -> None:
    require_restart(ctx)
    restart = ctx.world.restart_axis
    assert restart is not None
    restart(home_axis(ctx))
