"""`lienthong load`: load-test an axis with Locust, then judge thresholds and count losses.

Without `--target` a simulated provincial axis is started from a topology (grown to `--agencies`
agencies) and stopped afterwards; with `--target URL` the agencies' credentials come from
`--endpoints` (a running `lienthong sim up`) or `--topology`. The run itself is load/orchestrate.py;
Locust runs in its own processes (load/run.py); this process never imports it.

Exit codes: 0 every threshold met and nothing lost or doubled, 1 a threshold exceeded or a loss or
duplicate found, 2 usage, set-up or Locust failure (a Vietnamese message, never a traceback).
"""

from __future__ import annotations

import json
import re
import sys
from contextlib import ExitStack
from datetime import datetime
from pathlib import Path
from typing import Any, NoReturn

import click

from harness.transport.sim_control import ControlPlaneError
from load.orchestrate import LoadRunError, RunOptions, prepare_population, run_load
from load.population import PopulationError
from load.run import DEFAULT_MASTER_PORT, run_worker
from load.scenario import ScenarioError, load_scenario, parse_size
from load.thresholds import ThresholdError, load_thresholds
from simulators.launcher import SimulationError
from simulators.topology import TopologyError

DEFAULT_OUT = Path("reports/load")


def _fail(message: str) -> NoReturn:
    click.echo(f"Lỗi: {message}", err=True)
    sys.exit(2)


def parse_duration(text: str) -> int:
    """`90`, `90s`, `2m`, `1h30m` -> whole seconds (at least 1)."""
    t = text.strip().lower()
    if t.isdigit():
        return max(1, int(t))
    parts = re.fullmatch(r"(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?", t)
    if not t or parts is None:
        raise click.BadParameter(f"thời lượng không hợp lệ: {text!r} (ví dụ 60, 60s, 2m, 1h30m)")
    h, m, s = (int(x) if x else 0 for x in parts.groups())
    return max(1, h * 3600 + m * 60 + s)


def parse_fault(text: str) -> dict[str, Any]:
    """`drop`, `drop:0.2`, `latency:1:sendEdoc` or a JSON object -> a fault for /_sim/faults."""
    t = text.strip()
    if t.startswith("{"):
        try:
            data = json.loads(t)
        except ValueError as exc:
            raise click.BadParameter(f"--fault không phải JSON hợp lệ: {exc}") from None
        if not isinstance(data, dict):
            raise click.BadParameter("--fault JSON phải là một đối tượng")
        return data
    kind, _, rest = t.partition(":")
    probability, _, operation = rest.partition(":")
    fault: dict[str, Any] = {"kind": kind}
    if probability:
        try:
            fault["probability"] = float(probability)
        except ValueError:
            raise click.BadParameter(f"--fault {text!r}: xác suất phải là số (ví dụ drop:0.2)") from None
    if operation:
        fault["operation"] = operation
    return fault


@click.command("load")
@click.option(
    "--target",
    metavar="URL",
    help="Địa chỉ trục cần thử tải (endpoint VXP, hoặc địa chỉ EdocService với --protocol bkav); bỏ trống: tự "
    "khởi động trục mô phỏng.",
)
@click.option(
    "--topology",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Cấu trúc mô phỏng (mặc định fixtures/topologies/demo.yaml): trục tỉnh, các cơ quan và thông tin xác thực.",
)
@click.option(
    "--endpoints",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="endpoints.json của một `lienthong sim up` đang chạy: lấy trục và cơ quan từ đó.",
)
@click.option("--province", help="Tỉnh cần thử tải (mã cấp 1 như H41, mã trục hoặc tên); mặc định tỉnh đầu tiên.")
@click.option(
    "--protocol",
    type=click.Choice(["vxp", "bkav"]),
    help="Giao thức của trục: vxp (trục VNPT) hoặc bkav (EdocService của Bkav). Mặc định: giao thức của tỉnh "
    "trong cấu trúc; với bkav và không có --province, tỉnh đầu tiên dùng trục Bkav.",
)
@click.option(
    "--agencies",
    type=click.IntRange(2, 9999),
    default=50,
    show_default=True,
    help="Số cơ quan của trục mô phỏng (bổ sung cơ quan tổng hợp nếu cấu trúc có ít hơn).",
)
@click.option("--users", type=click.IntRange(1), default=30, show_default=True, help="Số người dùng Locust đồng thời.")
@click.option(
    "--spawn-rate", type=click.FloatRange(min=0.1), default=10.0, show_default=True, help="Người dùng mới mỗi giây."
)
@click.option("--duration", default="60s", show_default=True, help="Thời lượng chạy (60, 60s, 2m, 1h30m).")
@click.option(
    "--workers",
    type=click.IntRange(0, 64),
    default=0,
    show_default=True,
    help="Số tiến trình worker Locust cục bộ (chế độ phân tán: một master và K worker).",
)
@click.option(
    "--remote-workers",
    type=click.IntRange(0, 1000),
    default=0,
    show_default=True,
    help="Số worker chạy trên máy khác mà master chờ (xem README).",
)
@click.option(
    "--master-bind-host",
    default="127.0.0.1",
    show_default=True,
    help="Địa chỉ master lắng nghe worker (0.0.0.0 cho worker ở máy khác).",
)
@click.option(
    "--master-port",
    type=click.IntRange(0, 65535),
    default=0,
    help=f"Cổng master (mặc định: cổng trống; {DEFAULT_MASTER_PORT} khi có worker ở máy khác).",
)
@click.option(
    "--worker", "worker_mode", is_flag=True, help="Chỉ chạy một worker Locust nối tới --master-host (trên máy khác)."
)
@click.option("--master-host", help="Địa chỉ master mà worker nối tới (dùng với --worker).")
@click.option(
    "--thresholds",
    "thresholds_file",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="Tệp ngưỡng (mặc định $LIENTHONG_THRESHOLDS hoặc load/thresholds.yaml, mục `load`).",
)
@click.option(
    "--scenario",
    "scenario_file",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="Kịch bản tải (mặc định load/scenario.yaml): tỉ lệ người dùng, nhịp, kích thước gói tin.",
)
@click.option("--sizes", help="Thay kích thước gói tin của kịch bản, cách nhau bởi dấu phẩy (ví dụ 50KB,2MB).")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Thư mục kết quả (mặc định reports/load/<thời điểm>/): CSV, HTML, bản ghi, summary.json.",
)
@click.option(
    "--stop-timeout",
    type=click.IntRange(0, 600),
    default=20,
    show_default=True,
    help="Giây chờ người dùng làm xong việc đang dở khi dừng.",
)
@click.option(
    "--fault",
    "faults",
    multiple=True,
    help="Lỗi giả lập bật trên trục mô phỏng trong lượt chạy (drop:0.2, duplicate:0.1, hoặc JSON).",
)
@click.option(
    "--control-url", help="Mặt phẳng điều khiển của trục (…/_sim) nếu khác endpoints.json; chuỗi rỗng: không dùng."
)
@click.option("--control-token", default="", help="X-Sim-Token của mặt phẳng điều khiển.")
def load_command(
    target: str | None,
    topology: Path | None,
    endpoints: Path | None,
    province: str | None,
    protocol: str | None,
    agencies: int,
    users: int,
    spawn_rate: float,
    duration: str,
    workers: int,
    remote_workers: int,
    master_bind_host: str,
    master_port: int,
    worker_mode: bool,
    master_host: str | None,
    thresholds_file: Path | None,
    scenario_file: Path | None,
    sizes: str | None,
    out: Path | None,
    stop_timeout: int,
    faults: tuple[str, ...],
    control_url: str | None,
    control_token: str,
) -> None:
    """Thử tải trục liên thông bằng Locust, đánh giá ngưỡng và kiểm đếm văn bản thất lạc.

    Mỗi người dùng Locust đóng vai hệ thống quản lý văn bản của một cơ quan: gửi văn bản, nhận văn
    bản (liệt kê -> lấy -> xác nhận) hoặc trả trạng thái. Sau lượt chạy mọi hộp thư được vét hết và
    mỗi gói tin trục đã nhận phải được giao đúng một lần cho mỗi đơn vị nhận.
    """
    if worker_mode:
        if not master_host:
            _fail("--worker cần --master-host (địa chỉ máy chạy master).")
        sys.exit(run_worker(master_host, master_port or DEFAULT_MASTER_PORT))
    seconds = parse_duration(duration)
    try:
        scenario = load_scenario(scenario_file)
        if sizes:
            scenario = scenario.with_sizes([parse_size(s) for s in sizes.split(",") if s.strip()])
        thresholds = load_thresholds(thresholds_file)
    except (ScenarioError, ThresholdError) as exc:
        _fail(str(exc))
    fault_specs = [parse_fault(f) for f in faults]
    run_dir = out or DEFAULT_OUT / datetime.now().strftime("%Y%m%d-%H%M%S")
    try:
        run_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        _fail(f"không tạo được thư mục kết quả {run_dir}: {exc.strerror or exc}")
    try:
        with ExitStack() as stack:
            population = prepare_population(
                stack,
                target=target,
                endpoints=endpoints,
                topology=topology,
                province=province,
                protocol=protocol,
                agencies=agencies,
                control_url=control_url,
                control_token=control_token,
                echo=click.echo,
            )
            options = RunOptions(
                users=users,
                spawn_rate=spawn_rate,
                seconds=seconds,
                workers=workers,
                remote_workers=remote_workers,
                master_bind_host=master_bind_host,
                master_port=master_port,
                stop_timeout=stop_timeout,
                fault_specs=fault_specs,
            )
            result = run_load(population, scenario, thresholds, run_dir, options, echo=click.echo)
    except (TopologyError, SimulationError, LoadRunError) as exc:
        _fail(exc.message_vi)
    except (PopulationError, ControlPlaneError) as exc:
        _fail(str(exc))
    sys.exit(0 if result.ok else 1)
