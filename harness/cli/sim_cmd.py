"""`lienthong sim up|down|status`: run a topology of simulated axes as local processes.

Exit codes: 0 done, 1 `status` finds axes not running, 2 bad topology, port in use, axis not ready
or I/O error (a Vietnamese message, never a traceback).
"""

from __future__ import annotations

import signal
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Any, NoReturn

import click
import httpx
from rich.console import Console
from rich.table import Table

from simulators.axis.config import Role
from simulators.launcher import (
    AxisProcess,
    Simulation,
    SimulationError,
    is_axis_process,
    read_state,
    stop_from_state,
)
from simulators.topology import TopologyError

DEFAULT_STATE_DIR = Path(".lienthong/sim")
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)

_state_dir_option = click.option(
    "--state-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEFAULT_STATE_DIR,
    show_default=True,
    help="Thư mục trạng thái: cấu hình, cơ sở dữ liệu, nhật ký của từng trục, endpoints.json, state.json.",
)


def _console() -> Console:
    console = Console(soft_wrap=False)
    if not console.is_terminal:
        console.width = max(console.width, 160)  # logs (docker, CI): do not fold secrets and endpoints
    return console


def _fail(message: str) -> NoReturn:
    click.echo(f"Lỗi: {message}", err=True)
    sys.exit(2)


def _role_vi(process: AxisProcess) -> str:
    if process.config.role is Role.NATIONAL:
        return "quốc gia"
    return f"tỉnh ({', '.join(process.config.domains)})"


def _print_simulation(console: Console, sim: Simulation) -> None:
    console.print(f"\n[bold]{sim.topology.name}[/bold]")
    axes = Table(title="Các trục liên thông", title_justify="left", expand=False)
    axes.add_column("Tên trục")
    axes.add_column("Vai trò", no_wrap=True)
    axes.add_column("Mã", no_wrap=True)
    axes.add_column("Endpoint", no_wrap=True)
    for p in sim.processes:
        axes.add_row(p.name, _role_vi(p), p.code, p.endpoint)
    console.print(axes)
    agencies = Table(title="Các cơ quan", title_justify="left", expand=False)
    agencies.add_column("Mã định danh", no_wrap=True)
    agencies.add_column("Tên")
    agencies.add_column("Trục", no_wrap=True)
    agencies.add_column("systemId", no_wrap=True)
    agencies.add_column("Secret", no_wrap=True)
    for axis, agency in sim.topology.agencies():
        agencies.add_row(agency.id, agency.name, axis.code, agency.system_id, agency.secret)
    console.print(agencies)
    console.print(f"Danh sách endpoint và thông tin xác thực: [bold]{sim.endpoints_path}[/bold]")


def _raise_interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


@contextmanager
def _stop_signals_interrupt() -> Iterator[None]:
    """SIGTERM and SIGHUP behave like Ctrl-C, so `docker stop` or a closed terminal stop every axis too."""
    previous = {s: signal.getsignal(s) for s in STOP_SIGNALS}
    for s in STOP_SIGNALS:
        signal.signal(s, _raise_interrupt)
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


def _ignore_stop_signals() -> None:
    """While stopping: a second Ctrl-C must not abandon half-stopped axes (stop is bounded by SIGKILL)."""
    for s in STOP_SIGNALS:
        signal.signal(s, signal.SIG_IGN)


def _wait(console: Console, sim: Simulation) -> None:
    """Block until interrupted or until every axis has gone (e.g. `sim down` from another terminal)."""
    reported: set[str] = set()
    while True:
        time.sleep(0.5)
        for p in sim.processes:
            if not p.alive and p.code not in reported:
                reported.add(p.code)
                console.print(
                    f"[yellow]Trục {p.name} ({p.code}) đã dừng (mã thoát {p.returncode}); "
                    f"xem nhật ký {p.log_path}.[/yellow]"
                )
        if not sim.alive():
            return


@click.group("sim")
def sim_group() -> None:
    """Chạy các trục liên thông mô phỏng (quốc gia, tỉnh) theo một tệp cấu trúc YAML."""


@sim_group.command("up")
@click.option(
    "--topology",
    "topology_path",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Tệp YAML mô tả cấu trúc mô phỏng (vd. fixtures/topologies/demo.yaml).",
)
@_state_dir_option
@click.option("--detach", is_flag=True, help="Trả về ngay khi các trục sẵn sàng, để chúng tiếp tục chạy nền.")
@click.option("--host", default=None, help="Địa chỉ lắng nghe cho mọi trục, thay cho giá trị trong tệp (vd. 0.0.0.0).")
@click.option(
    "--base-port",
    type=click.IntRange(1, 65535),
    default=None,
    help="Cổng cố định: trục thứ i (trục quốc gia là 0) lắng nghe ở cổng N+i.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=30.0,
    show_default=True,
    help="Thời gian tối đa (giây) chờ mọi trục sẵn sàng.",
)
@click.option(
    "--log-level",
    type=click.Choice(["critical", "error", "warning", "info", "debug"]),
    default="warning",
    show_default=True,
    help="Mức nhật ký của các tiến trình trục.",
)
def up_command(
    topology_path: Path,
    state_dir: Path,
    detach: bool,
    host: str | None,
    base_port: int | None,
    timeout: float,
    log_level: str,
) -> None:
    """Khởi động các trục mô phỏng và chờ đến khi nhấn Ctrl-C (hoặc nhận SIGTERM) thì dừng tất cả."""
    console = _console()
    sim: Simulation | None = None
    with _stop_signals_interrupt():
        try:
            sim = Simulation.start(
                topology_path,
                state_dir,
                host=host,
                base_port=base_port,
                ready_timeout=timeout,
                log_level=log_level,
            )
            _print_simulation(console, sim)
            if detach:
                sim.detach()
                console.print(
                    f"Các trục tiếp tục chạy nền. Dừng bằng: [bold]lienthong sim down --state-dir {state_dir}[/bold]"
                )
                return
            console.print("Đang chạy. Nhấn Ctrl-C để dừng tất cả các trục.")
            sys.stdout.flush()
            _wait(console, sim)
            sim.stop()
            console.print("Tất cả các trục đã dừng; kết thúc.")
        except TopologyError as exc:
            _fail(exc.message_vi)
        except SimulationError as exc:
            _fail(exc.message_vi)
        except OSError as exc:
            _fail(f"không khởi động được mô phỏng: {exc.strerror or exc}")
        except KeyboardInterrupt:
            # Simulation.start stops what it had started itself; afterwards, stopping is ours.
            _ignore_stop_signals()
            if sim is None:
                console.print("Đã hủy khởi động; các trục đã khởi chạy đều đã dừng.")
                return
            count = len(sim.alive())
            sim.stop()
            console.print(f"\nĐã dừng tất cả {count} trục mô phỏng.")
        finally:
            if sim is not None and not sim.detached and sim.alive():
                sim.stop()  # any other way out (an I/O error while printing...) must not orphan the axes


@sim_group.command("down")
@_state_dir_option
@click.option(
    "--timeout",
    type=click.FloatRange(min=0),
    default=10.0,
    show_default=True,
    help="Thời gian (giây) chờ mỗi trục dừng êm trước khi buộc dừng (SIGKILL).",
)
def down_command(state_dir: Path, timeout: float) -> None:
    """Dừng các trục của một mô phỏng đã khởi động bằng `sim up --detach`."""
    if read_state(state_dir) is None:
        click.echo(f"Không có mô phỏng nào đang chạy trong {state_dir}.")
        return
    try:
        stopped = stop_from_state(state_dir, timeout=timeout)
    except OSError as exc:
        _fail(f"không dừng được mô phỏng trong {state_dir}: {exc.strerror or exc}")
    if stopped:
        click.echo(f"Đã dừng {len(stopped)} trục (pid {', '.join(map(str, stopped))}).")
    else:
        click.echo(f"Các trục ghi trong {state_dir} đều đã dừng từ trước.")


def _healthy(client: httpx.Client, axis: dict[str, Any]) -> bool:
    url = axis.get("control_url")
    if not isinstance(url, str):
        return False
    try:
        response = client.get(f"{url}/health")
    except httpx.HTTPError:
        return False
    return response.status_code == 200


@sim_group.command("status")
@_state_dir_option
def status_command(state_dir: Path) -> None:
    """Cho biết trục nào của mô phỏng đang chạy và đã sẵn sàng."""
    state = read_state(state_dir)
    if state is None:
        click.echo(f"Không có mô phỏng nào đang chạy trong {state_dir}.")
        sys.exit(1)
    console = _console()
    table = Table(title=str(state.get("topology", "")), title_justify="left", expand=False)
    table.add_column("Tên trục")
    table.add_column("Mã", no_wrap=True)
    table.add_column("PID", no_wrap=True, justify="right")
    table.add_column("Trạng thái", no_wrap=True)
    table.add_column("Endpoint", no_wrap=True)
    axes = [a for a in state.get("axes", []) if isinstance(a, dict)]
    ready = 0
    with httpx.Client(trust_env=False, timeout=1.0) as client:
        for axis in axes:
            pid = axis.get("pid")
            config = axis.get("config")
            if not (isinstance(pid, int) and is_axis_process(pid, config if isinstance(config, str) else None)):
                status = "[red]đã dừng[/red]"
            elif _healthy(client, axis):
                status = "[green]đang chạy, sẵn sàng[/green]"
                ready += 1
            else:
                status = "[yellow]đang chạy, chưa phản hồi[/yellow]"
            name, code, endpoint = (str(axis.get(k, "")) for k in ("name", "code", "endpoint"))
            table.add_row(name, code, str(pid), status, endpoint)
    console.print(table)
    if axes and ready == len(axes):
        console.print(f"Cả {ready} trục đang chạy và sẵn sàng.")
        sys.exit(0)
    console.print(f"{ready}/{len(axes)} trục đang chạy và sẵn sàng.")
    sys.exit(1)
