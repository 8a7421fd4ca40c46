"""A load run from start to verdict, whoever starts it: the population (a simulated province grown
to N agencies, or a running axis' credentials), faults injected through the control plane, Locust
in its own processes (load/run.py), the drain of every mailbox, the loss and duplicate accounting,
the thresholds' verdicts and summary.json. `lienthong load` only parses options and prints.
"""

from __future__ import annotations

import json
import math
import tempfile
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from harness.errors import LienthongError
from harness.paths import fixtures_dir
from harness.transport.mailbox import open_sync_mailbox, operation_for
from harness.transport.sim_control import AxisWatch, ControlPlaneError
from harness.transport.vxp.wire import Operation
from load.accounting import (
    Accounting,
    AxisEvidence,
    accepted_from_journal,
    account_from_records,
    account_with_axis,
    drain,
    in_axis_ids,
)
from load.population import Population, from_endpoints, from_topology, grow_province, pick_province
from load.records import Recorder, read_records
from load.run import LocustPlan, read_stats_safely, run_locust
from load.scenario import Scenario
from load.thresholds import LoadThresholds, Verdict, evaluate
from simulators.launcher import Simulation
from simulators.topology import load_topology

JOURNAL_PAGE = 5000
SHOWN_PROBLEMS = 10

Echo = Callable[[str], None]


class LoadRunError(LienthongError):
    """A run that cannot go on (faults without a control plane, Locust without statistics)."""


@dataclass(frozen=True, slots=True)
class RunOptions:
    """How hard and how long to push, and what to break meanwhile."""

    users: int
    spawn_rate: float
    seconds: int
    workers: int = 1
    remote_workers: int = 0
    master_bind_host: str = "127.0.0.1"
    master_port: int = 0
    stop_timeout: int = 30
    fault_specs: list[dict[str, Any]] = field(default_factory=list)


@dataclass(slots=True)
class RunResult:
    verdicts: list[Verdict] = field(default_factory=list)
    accounting: Accounting | None = None
    failures: list[str] = field(default_factory=list)
    """Vietnamese: what failed the run."""

    @property
    def ok(self) -> bool:
        return not self.failures


def prepare_population(
    stack: ExitStack,
    *,
    target: str | None,
    endpoints: Path | None,
    topology: Path | None,
    province: str | None,
    agencies: int,
    control_url: str | None,
    control_token: str,
    echo: Echo,
    protocol: str | None = None,
) -> Population:
    """The population of the run; starts a simulated axis (stopped by `stack`) when there is no target.

    `protocol` ("vxp" or "bkav") overrides what the topology or endpoints.json says the axis speaks;
    for a simulated axis without `province`, the first province already speaking it is chosen."""
    if target is None and endpoints is None:
        topo = load_topology(topology or fixtures_dir() / "topologies" / "demo.yaml")
        if protocol and not province:
            province = next((p.code for p in topo.provinces if p.protocol == protocol), None)
        chosen = pick_province(topo, province)
        if protocol:
            chosen = replace(chosen, protocol=protocol)
        grown = grow_province(topo, chosen, agencies)
        echo(
            f"Khởi động trục tỉnh mô phỏng {chosen.name} ({chosen.code}, giao thức {chosen.protocol}) "
            f"với {agencies} cơ quan..."
        )
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
    if protocol:
        population.protocol = protocol
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


def _journal_after(watch: AxisWatch, mark: int, operation: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    after = mark
    while True:
        batch = watch.journal(operation=operation, after=after, limit=JOURNAL_PAGE)
        rows.extend(batch)
        if len(batch) < JOURNAL_PAGE:
            return rows
        after = int(batch[-1]["id"])


def _drain(population: Population, recorder: Recorder) -> tuple[int, list[str]]:
    errors: list[str] = []
    with ExitStack() as stack:
        boxes = []
        for a in population.agencies:
            box = open_sync_mailbox(population.protocol, population.endpoint, a.system_id, a.code, a.secret)
            stack.callback(box.close)
            boxes.append((a.code, box))
        count = drain(boxes, recorder, on_error=lambda code, exc: errors.append(f"{code}: {exc}"))
    return count, errors


def _fmt_ms(value: float) -> str:
    return "—" if math.isnan(value) else f"{value:.0f}"


def _write_summary(path: Path, data: dict[str, Any]) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8")


def run_load(
    population: Population,
    scenario: Scenario,
    thresholds: LoadThresholds,
    run_dir: Path,
    options: RunOptions,
    *,
    echo: Echo,
) -> RunResult:
    """Run Locust against the population's axis, then drain, account and judge; writes summary.json."""
    o = options
    users, spawn_rate, seconds, workers, remote_workers = o.users, o.spawn_rate, o.seconds, o.workers, o.remote_workers
    fault_specs = o.fault_specs
    watch = _control_plane(population)
    if fault_specs and watch is None:
        raise LoadRunError("--fault cần một trục có mặt phẳng điều khiển /_sim (trục mô phỏng).")
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
        stop_timeout_s=o.stop_timeout,
        workers=workers,
        remote_workers=remote_workers,
        master_bind_host=o.master_bind_host,
        master_port=o.master_port,
    )
    mode = f"{workers} worker cục bộ" + (f" + {remote_workers} worker ở máy khác" if remote_workers else "")
    echo(
        f"Thử tải {population.axis_name or population.axis_code} ({population.endpoint}, giao thức "
        f"{population.protocol}): {users} người dùng, "
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
        raise LoadRunError(f"Locust không tạo ra thống kê (mã thoát {outcome.exit_code}); xem nhật ký: {logs}")
    recorder = Recorder("drain")
    drained, drain_errors = _drain(population, recorder)
    recorder.flush(records_dir / "drain.jsonl")
    records = read_records(records_dir)
    if watch is not None:
        sends = operation_for(population.protocol, Operation.SEND_EDOC)
        systems = {a.system_id for a in population.agencies}
        accepted = accepted_from_journal(_journal_after(watch, mark, sends), systems, sends)
        deliveries = watch.deliveries()
        accounting = account_with_axis(in_axis_ids(records, deliveries), AxisEvidence(accepted, deliveries))
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
        "protocol": population.protocol,
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
    for line in summary_lines(result, summary, accounting, thresholds, plan):
        echo(line)
    return result


def summary_lines(
    result: RunResult, summary: dict[str, Any], accounting: Accounting, thresholds: LoadThresholds, plan: LocustPlan
) -> list[str]:
    """What the operator reads at the end of a run (Vietnamese)."""
    lines: list[str] = []
    echo = lines.append
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
    return lines
