"""`lienthong load`: load-test an axis with Locust, then judge thresholds and count losses.

Without `--target` a simulated provincial axis is started from a topology (grown to `--agencies`
agencies) and stopped afterwards; with `--target URL` the agencies' credentials come from
`--endpoints` (a running `lienthong sim up`) or `--topology`. Locust runs in its own processes
(load/run.py); this process never imports it.

Exit codes: 0 every threshold met and nothing lost or doubled, 1 a threshold exceeded or a loss or
duplicate found, 2 usage, set-up or Locust failure (a Vietnamese message, never a traceback).
"""

from __future__ import annotations

import json
import math
import re
import sys
import tempfile
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import urlsplit

import click
import yaml

from harness.paths import fixtures_dir
from harness.scenarios.axis_watch import AxisWatch, ControlPlaneError
from harness.transport.vxp import VxpClient
from load.accounting import (
    Accounting,
    AxisEvidence,
    accepted_from_journal,
    account_from_records,
    account_with_axis,
    drain,
)
from load.population import Population, PopulationError, from_endpoints, from_topology, grow_province, pick_province
from load.records import Recorder, read_records
from load.run import DEFAULT_MASTER_PORT, LocustPlan, read_stats_safely, run_locust, run_worker
from load.scenario import Scenario, ScenarioError, load_scenario, parse_size
from load.thresholds import LoadThresholds, ThresholdError, Verdict, evaluate, load_thresholds
from simulators.launcher import Simulation, SimulationError
from simulators.topology import TopologyError, load_topology

DEFAULT_OUT = Path("reports/load")
JOURNAL_PAGE = 5000
SHOWN_PROBLEMS = 10


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


@dataclass(slots=True)
class RunResult:
    verdicts: list[Verdict] = field(default_factory=list)
    accounting: Accounting | None = None
    failures: list[str] = field(default_factory=list)
    """Vietnamese: what failed the run."""

    @property
    def ok(self) -> bool:
        return not self.failures


def _population(
    stack: ExitStack,
    *,
    target: str | None,
    endpoints: Path | None,
    topology: Path | None,
    province: str | None,
    agencies: int,
    control_url: str | None,
    control_token: str,
) -> Population:
    """The population of the run; starts a simulated axis (stopped by `stack`) when there is no target."""
    if target is None and endpoints is None:
        topo = load_topology(topology or fixtures_dir() / "topologies" / "demo.yaml")
        chosen = pick_province(topo, province)
        grown = grow_province(topo, chosen, agencies)
        click.echo(f"Khởi động trục tỉnh mô phỏng {chosen.name} ({chosen.code}) với {agencies} cơ quan...")
        state = stack.enter_context(tempfile.TemporaryDirectory(prefix="lienthong-load-"))
        sim = Simulation.start(grown, state)
        stack.callback(sim.stop)
        axis = sim.axes[chosen.code]
        return from_topology(
            grown.provinces[0], axis.endpoint, control_url=axis.control_url, control_token=axis.config.control_token
        )
    if endpoints is not None:
        population = from_endpoints(endpoints, axis=province, target=target)
    else:
        topo = load_topology(topology or fixtures_dir() / "topologies" / "demo.yaml")
        assert target is not None
        population = from_topology(pick_province(topo, province), target)
        population.control_url = _origin(target) + "/_sim"  # a simulated axis answers there; probed later
    if control_url is not None:
        population.control_url = control_url or None
    population.control_token = control_token or population.control_token
    return population


def _origin(url: str) -> str:
    """`http://host:port` of a URL."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _control_plane(population: Population) -> AxisWatch | None:
    """The axis' control plane when it answers, else None (a real axis has none)."""
    if not population.control_url:
        return None
    watch = AxisWatch(population.control_url, token=population.control_token)
    try:
        watch.health()
    except ControlPlaneError:
        watch.close()
        return None
    return watch


def _journal_after(watch: AxisWatch, mark: int) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    after = mark
    while True:
        batch = watch.journal(operation="sendEdoc", after=after, limit=JOURNAL_PAGE)
        rows.extend(batch)
        if len(batch) < JOURNAL_PAGE:
            return rows
        after = int(batch[-1]["id"])


def _drain(population: Population, recorder: Recorder) -> tuple[int, list[str]]:
    errors: list[str] = []
    with ExitStack() as stack:
        boxes = [
            (a.code, stack.enter_context(VxpClient(population.endpoint, a.system_id, a.secret)))
            for a in population.agencies
        ]
        count = drain(boxes, recorder, on_error=lambda code, exc: errors.append(f"{code}: {exc}"))
    return count, errors


def _fmt_ms(value: float) -> str:
    return "—" if math.isnan(value) else f"{value:.0f}"


def _write_summary(path: Path, data: dict[str, Any]) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8")


@click.command("load")
@click.option(
    "--target", metavar="URL", help="Endpoint VXP của trục cần thử tải; bỏ trống: tự khởi động trục mô phỏng."
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
            population = _population(
                stack,
                target=target,
                endpoints=endpoints,
                topology=topology,
                province=province,
                agencies=agencies,
                control_url=control_url,
                control_token=control_token,
            )
            result = _run(
                population,
                scenario,
                thresholds,
                run_dir,
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
    except (TopologyError, SimulationError) as exc:
        _fail(exc.message_vi)
    except (PopulationError, ControlPlaneError) as exc:
        _fail(str(exc))
    sys.exit(0 if result.ok else 1)


def _run(
    population: Population,
    scenario: Scenario,
    thresholds: LoadThresholds,
    run_dir: Path,
    *,
    users: int,
    spawn_rate: float,
    seconds: int,
    workers: int,
    remote_workers: int,
    master_bind_host: str,
    master_port: int,
    stop_timeout: int,
    fault_specs: list[dict[str, Any]],
) -> RunResult:
    watch = _control_plane(population)
    if fault_specs and watch is None:
        _fail("--fault cần một trục có mặt phẳng điều khiển /_sim (trục mô phỏng).")
    mark = 0
    if watch is not None:
        mark = watch.last_journal_id()
        for spec in fault_specs:
            watch.add_fault(**spec)
    population_file = run_dir / "population.json"
    population.save(population_file)
    scenario_file = run_dir / "scenario.yaml"
    scenario_file.write_text(yaml.safe_dump(scenario.to_json(), allow_unicode=True, sort_keys=False), encoding="utf-8")
    records_dir = run_dir / "records"
    plan = LocustPlan(
        out=run_dir,
        endpoint=population.endpoint,
        population_file=population_file,
        scenario_file=scenario_file,
        records_dir=records_dir,
        users=users,
        spawn_rate=spawn_rate,
        duration_s=seconds,
        stop_timeout_s=stop_timeout,
        workers=workers,
        remote_workers=remote_workers,
        master_bind_host=master_bind_host,
        master_port=master_port,
    )
    mode = f"{workers} worker cục bộ" + (f" + {remote_workers} worker ở máy khác" if remote_workers else "")
    click.echo(
        f"Thử tải {population.axis_name or population.axis_code} ({population.endpoint}): {users} người dùng, "
        f"{spawn_rate:g} người dùng/s, {seconds} s, {len(population.agencies)} cơ quan, "
        f"{mode if plan.distributed else 'một tiến trình Locust'}; kết quả trong {run_dir}"
    )
    try:
        outcome = run_locust(plan)
    finally:
        if watch is not None and fault_specs:
            watch.remove_fault()  # the drain and the next run must not meet the injected faults
    stats = read_stats_safely(plan)
    if stats is None:
        logs = ", ".join(str(p) for p in outcome.logs)
        _fail(f"Locust không tạo ra thống kê (mã thoát {outcome.exit_code}); xem nhật ký: {logs}")
    recorder = Recorder("drain")
    drained, drain_errors = _drain(population, recorder)
    recorder.flush(records_dir / "drain.jsonl")
    records = read_records(records_dir)
    if watch is not None:
        accepted = accepted_from_journal(_journal_after(watch, mark), {a.system_id for a in population.agencies})
        accounting = account_with_axis(records, AxisEvidence(accepted, watch.deliveries()))
        watch.close()
    else:
        accounting = account_from_records(records)
    result = RunResult(verdicts=evaluate(stats, thresholds), accounting=accounting)
    for v in result.verdicts:
        if not v.ok:
            result.failures.append(f"vượt ngưỡng {v.metric}: {v.message_vi}")
    if accounting.lost:
        result.failures.append(f"mất {len(accounting.lost)} lần chuyển phát (gói tin trục đã nhận nhưng không tới nơi)")
    if accounting.duplicated:
        result.failures.append(f"trùng {len(accounting.duplicated)} lần chuyển phát (một gói tin giao hơn một lần)")
    if outcome.timed_out:
        result.failures.append("Locust không dừng đúng hạn")
    sent = [r for r in records if r.get("t") == "sent" and r.get("kind") == "edoc"]
    summary = {
        "ok": result.ok,
        "failures": result.failures,
        "target": population.endpoint,
        "axis": population.axis_code,
        "users": users,
        "spawn_rate": spawn_rate,
        "duration_s": seconds,
        "workers": workers,
        "remote_workers": remote_workers,
        "agencies": len(population.agencies),
        "locust_exit_code": outcome.exit_code,
        "generator_cpu_saturated": outcome.cpu_saturated,
        "documents_sent": len(sent),
        "mean_document_bytes": round(sum(int(r.get("bytes", 0)) for r in sent) / len(sent)) if sent else 0,
        "drained_after_run": drained,
        "drain_errors": drain_errors[:20],
        "thresholds": thresholds.to_json(),
        "verdicts": [v.to_json() for v in result.verdicts],
        "stats": {
            name: {
                "requests": s.requests,
                "failures": s.failures,
                "median_ms": s.median_ms,
                "p95_ms": s.p95_ms,
                "p99_ms": s.p99_ms,
                "rps": s.rps,
            }
            for name, s in stats.items()
        },
        "accounting": accounting.to_json(),
        "scenario": scenario.to_json(),
        "faults": fault_specs,
        "files": {"html": str(plan.html), "csv": f"{plan.csv_prefix}_stats.csv", "records": str(records_dir)},
    }
    _write_summary(run_dir / "summary.json", summary)
    _print_summary(result, summary, accounting, thresholds, plan)
    return result


def _print_summary(
    result: RunResult, summary: dict[str, Any], accounting: Accounting, thresholds: LoadThresholds, plan: LocustPlan
) -> None:
    echo = click.echo
    echo("")
    echo(f"Thao tác (Locust, {plan.duration_s} s):")
    echo(f"  {'tên':<28}{'yêu cầu':>9}{'lỗi':>7}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'yêu cầu/s':>11}")
    for name, s in summary["stats"].items():
        echo(
            f"  {name:<28}{s['requests']:>9}{s['failures']:>7}{_fmt_ms(s['median_ms']):>9}"
            f"{_fmt_ms(s['p95_ms']):>9}{_fmt_ms(s['p99_ms']):>9}{s['rps']:>11.2f}"
        )
    echo(f"Ngưỡng ({thresholds.source}):")
    for v in result.verdicts:
        echo(f"  {'ĐẠT      ' if v.ok else 'KHÔNG ĐẠT'}  {v.message_vi}")
    source = (
        "nhật ký và bảng chuyển phát của trục cùng bản ghi của client"
        if accounting.mode == "axis"
        else "bản ghi của client (trục không có mặt phẳng điều khiển)"
    )
    echo(f"Kiểm đếm thất lạc (nguồn: {source}):")
    echo(
        f"  gói tin trục đã nhận: {accounting.packages} (văn bản {accounting.documents}, trạng thái "
        f"{accounting.statuses}); lần chuyển phát phải có: {accounting.expected}; giao đúng một lần: "
        f"{accounting.delivered}; mất: {len(accounting.lost)}; trùng: {len(accounting.duplicated)}; "
        f"vét sau lượt chạy: {summary['drained_after_run']}"
    )
    for p in accounting.lost[:SHOWN_PROBLEMS]:
        echo(f"  - MẤT {p.package} -> {p.receiver}: {p.reason}")
    for p in accounting.duplicated[:SHOWN_PROBLEMS]:
        echo(f"  - TRÙNG {p.package} -> {p.receiver}: {p.reason} ({', '.join(p.deliveries)})")
    for note in accounting.notes:
        echo(f"  ghi chú: {note}")
    if summary["generator_cpu_saturated"]:
        echo(
            "  cảnh báo: tiến trình Locust đã vượt 90 % CPU, thời gian phản hồi có thể bị thổi phồng; "
            "thêm --workers hoặc worker ở máy khác"
        )
    echo(f"Báo cáo: {plan.html}, {plan.csv_prefix}_stats.csv, {plan.out / 'summary.json'}")
    if result.ok:
        echo("Kết luận: ĐẠT (mọi ngưỡng được đáp ứng, không mất, không trùng).")
    else:
        echo("Kết luận: KHÔNG ĐẠT: " + "; ".join(result.failures) + ".")
