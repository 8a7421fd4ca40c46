"""`lienthong trial run` and `lienthong demo`: run a trial round with live progress, then print the
statements and where the reports are."""

from __future__ import annotations

import shutil
import signal
import sys
from datetime import datetime, timedelta
from pathlib import Path
from types import FrameType
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from harness.cli.progress import TrialProgress
from harness.edxml.formats import ICT
from harness.paths import DEMO_WORK, REPO_ROOT
from harness.reports.verification import DEFAULT_VERIFY_BASE
from harness.scenarios.timing import PRESETS
from harness.trial.campaign import TrialError, TrialPlan, TrialRun, run_trial
from harness.trial.issuer import IssuerError
from harness.trial.store import StoreError

DEMO_TOPOLOGY = REPO_ROOT / "fixtures" / "topologies" / "demo.yaml"
DEMO_ROSTER = REPO_ROOT / "fixtures" / "rosters" / "demo.csv"
DEMO_LETTER = "Công văn số 451/STTTT-CNTT của Sở Thông tin và Truyền thông tỉnh Nghệ An"


class _Terminated(Exception):
    """SIGTERM: stop like Ctrl+C, so simulators are shut down and recorded runs stay recorded."""


def _on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise _Terminated


def _deadline(text: str | None) -> datetime | None:
    if not text:
        return None
    for fmt in ("%Y-%m-%d %H:%M", "%Y-%m-%d", "%d/%m/%Y %H:%M", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, fmt).replace(tzinfo=ICT)
        except ValueError:
            continue
    raise click.BadParameter(f"không hiểu thời hạn {text!r} (ví dụ 2026-12-15 17:00 hoặc 15/12/2026 17:00)")


def execute(plan: TrialPlan, console: Console) -> TrialRun:
    """Run the plan with progress bars; exits 2 on a set-up error, 130 when interrupted."""
    display = TrialProgress(console)
    progress, listen = display.progress, display.listen

    previous = signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        with progress:
            return run_trial(plan, listen)
    except (TrialError, StoreError, IssuerError) as exc:
        console.print(f"[red]Lỗi:[/] {exc.message_vi}")
        sys.exit(2)
    except (KeyboardInterrupt, _Terminated):
        console.print("[yellow]Đã dừng. Các kịch bản đã chạy xong được giữ lại; chạy lại lệnh để tiếp tục.[/]")
        sys.exit(130)
    finally:
        signal.signal(signal.SIGTERM, previous)


def print_outcome(run: TrialRun, plan: TrialPlan, console: Console) -> None:
    for error in run.roster_errors:
        console.print(f"[yellow]Danh sách cơ quan:[/] {error}")
    summary = run.summary
    table = Table(title=f"Kết quả chạy thử — {summary.round.name}")
    table.add_column("Mã định danh")
    table.add_column("Cơ quan")
    table.add_column("Kết luận")
    table.add_column("Không đạt")
    table.add_column("Chưa thực hiện")
    for s in summary.statements:
        failed = [i.test.test_id for i in s.items if i.outcome.value == "failed"]
        not_run = [i.test.test_id for i in s.items if i.outcome.value == "not-run"]
        verdict = f"[green]{s.complete_vi}[/]" if s.complete else f"[red]{s.complete_vi}[/]"
        table.add_row(s.agency.organ_id, s.agency.name, verdict, ", ".join(failed) or "—", f"{len(not_run)} mục")
    console.print(table)
    complete = sum(1 for s in summary.statements if s.complete)
    console.print(
        f"Hoàn thành {complete}/{len(summary.statements)} cơ quan; đã chạy {run.ran} kịch bản, "
        f"bỏ qua {run.skipped} kịch bản đã có kết quả."
    )
    if run.lag is not None and not run.lag.kept_time:
        console.print(
            f"[bold yellow]Máy chạy bộ kiểm thử bị quá tải[/] ({run.lag.summary_vi()}): các thời hạn rút gọn "
            "có thể không được giữ đúng, kết quả không đạt vì quá hạn cần chạy lại với --parallel nhỏ hơn "
            "hoặc --time-scale lớn hơn.",
            soft_wrap=True,
        )
    elif run.lag is not None:
        console.print(f"Máy chạy bộ kiểm thử giữ đúng thời gian rút gọn ({run.lag.summary_vi()}).", soft_wrap=True)
    for error in run.report_errors:
        console.print(f"[red]Báo cáo lỗi:[/] {error}")
    if run.files:
        console.print(f"Báo cáo ({len(run.files)} tệp) đã ghi vào: [bold]{plan.out_dir}[/]")
    if run.report_errors:
        console.print(
            f"[bold red]Lần chạy KHÔNG hoàn tất: {len(run.report_errors)} báo cáo không tạo được[/] "
            f"(danh sách trong {plan.out_dir / 'manifest.json'}); sửa lỗi rồi chạy lại lệnh: "
            "các kịch bản đã có kết quả không phải chạy lại.",
            soft_wrap=True,
        )


REPORTS_FAILED = 3
"""Exit status of a run whose scenarios ran but some report (a signed PDF, the workbook...) was not written."""


def exit_on_report_errors(run: TrialRun) -> None:
    """A report that could not be written is a failed run, whatever the scenarios gave."""
    if run.report_errors:
        sys.exit(REPORTS_FAILED)


def _plan_options(f: Any) -> Any:
    options = [
        click.option(
            "--out",
            "out_dir",
            type=click.Path(file_okay=False, path_type=Path),
            default=None,
            help="Thư mục báo cáo (mặc định reports/out).",
        ),
        click.option(
            "--time",
            "time_preset",
            type=click.Choice(sorted(PRESETS)),
            default="compressed",
            show_default=True,
            help="Thời hạn: rút gọn (giây) hoặc thật (giờ làm việc).",
        ),
        click.option("--time-scale", type=float, default=1.0, show_default=True, help="Nhân mọi thời hạn (máy chậm)."),
        click.option("--scenario", "scenarios", multiple=True, help="Chỉ chạy mục này (RT-05); lặp lại được."),
        click.option("--agency", "agencies", multiple=True, help="Chỉ chạy cơ quan này; lặp lại được."),
        click.option(
            "--hosts",
            type=click.IntRange(0, 64),
            default=0,
            show_default=True,
            help="Số tiến trình chạy các hệ thống mô phỏng (0: mỗi lõi CPU một tiến trình).",
        ),
        click.option(
            "--parallel",
            type=click.IntRange(0, 1000),
            default=0,
            show_default=True,
            help="Số cơ quan chạy thử cùng lúc (0: tự chọn theo số lõi CPU); máy chậm thì giảm.",
        ),
        click.option(
            "--retries",
            type=click.IntRange(0, 5),
            default=1,
            show_default=True,
            help="Chạy lại kịch bản không đạt bấy nhiêu lần, sau các kịch bản khác (lần chạy sau cùng được tính).",
        ),
    ]
    for option in reversed(options):
        f = option(f)
    return f


@click.command("run")
@click.option(
    "--topology",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    required=True,
    help="Tệp cấu hình mô phỏng (trục và cơ quan).",
)
@click.option(
    "--roster",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Danh sách cơ quan tham gia (CSV hoặc XLSX); nhập vào kho trước khi chạy.",
)
@click.option(
    "--db",
    default=str(REPO_ROOT / ".lienthong" / "trial" / "trial.sqlite3"),
    show_default=True,
    help="Kho kết quả: đường dẫn tệp SQLite hoặc URL (postgresql://...).",
)
@click.option("--round", "round_number", type=int, default=1, show_default=True, help="Đợt chạy thử.")
@click.option("--round-name", default=None, help="Tên đợt (mặc định 'Đợt N').")
@click.option("--deadline", default=None, help="Thời hạn của đợt, ví dụ '2026-12-15 17:00'.")
@click.option("--letter", default=None, help="Văn bản mà phụ lục kèm theo (số, ký hiệu, cơ quan).")
@click.option("--issuer", default=None, help="Mã định danh Sở TT&TT ký phụ lục (mặc định tìm trong cấu hình).")
@click.option(
    "--work",
    "work_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Thư mục làm việc (mô phỏng, minh chứng); mặc định cạnh kho kết quả.",
)
@click.option(
    "--operated",
    multiple=True,
    help="Cơ quan do văn thư thao tác qua bảng điều khiển (danh sách việc); lặp lại được.",
)
@click.option("--rerun", is_flag=True, help="Chạy lại cả các kịch bản đã có kết quả (lần chạy mới).")
@click.option(
    "--answer-timeout",
    type=float,
    default=3600.0,
    show_default=True,
    help="Số giây chờ văn thư trả lời một xác nhận.",
)
@click.option(
    "--verify-base",
    default=DEFAULT_VERIFY_BASE,
    show_default=True,
    help="Địa chỉ bảng điều khiển; mã QR trên phụ lục trỏ tới <địa chỉ>/xac-minh/<mã>.",
)
@_plan_options
def run_command(
    topology: Path,
    roster: Path | None,
    db: str,
    round_number: int,
    round_name: str | None,
    deadline: str | None,
    letter: str | None,
    issuer: str | None,
    work_dir: Path | None,
    operated: tuple[str, ...],
    rerun: bool,
    answer_timeout: float,
    verify_base: str,
    out_dir: Path | None,
    time_preset: str,
    time_scale: float,
    scenarios: tuple[str, ...],
    agencies: tuple[str, ...],
    hosts: int,
    parallel: int,
    retries: int,
) -> None:
    """Chạy mọi kịch bản cho mọi cơ quan trong danh sách (song song), ghi kết quả và báo cáo.

    Chạy lại cùng lệnh sau khi bị ngắt: các kịch bản đã có kết quả được bỏ qua. Mã thoát: 0 xong,
    2 lỗi cấu hình, 3 có báo cáo không tạo được, 130 bị ngắt.
    """
    console = Console()
    default_work = Path(db).parent if "://" not in db else REPO_ROOT / ".lienthong" / "trial"
    plan = TrialPlan(
        topology=topology,
        db=db,
        round_number=round_number,
        roster=roster,
        out_dir=out_dir or REPO_ROOT / "reports" / "out",
        work_dir=work_dir or default_work,
        scenario_ids=scenarios,
        agencies=agencies,
        issuer=issuer,
        round_name=round_name,
        deadline=_deadline(deadline),
        letter=letter,
        deadlines=PRESETS[time_preset].scaled(time_scale),
        hosts=hosts,
        parallel=parallel,
        retries=retries,
        operated=operated,
        rerun=rerun,
        answer_timeout=answer_timeout,
        verify_base=verify_base,
    )
    run = execute(plan, console)
    print_outcome(run, plan, console)
    exit_on_report_errors(run)


@click.command("demo")
@click.option(
    "--work",
    "work_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Thư mục làm việc (mặc định .lienthong/demo).",
)
@click.option("--resume", is_flag=True, help="Tiếp tục lần chạy demo trước thay vì chạy lại từ đầu.")
@click.option(
    "--console",
    "keep_console",
    is_flag=True,
    help="Chạy lại demo từ đầu (xoá kết quả cũ, mật khẩu mới) rồi mở bảng điều khiển cho đến khi Ctrl+C. "
    "Để chỉ mở bảng điều khiển trên kết quả đã có: lienthong console.",
)
@click.option("--bind", default="127.0.0.1:8090", show_default=True, help="Địa chỉ của bảng điều khiển.")
@_plan_options
def demo_command(
    work_dir: Path | None,
    resume: bool,
    keep_console: bool,
    bind: str,
    out_dir: Path | None,
    time_preset: str,
    time_scale: float,
    scenarios: tuple[str, ...],
    agencies: tuple[str, ...],
    hosts: int,
    parallel: int,
    retries: int,
) -> None:
    """Chạy thử trên tỉnh mô phỏng mặc định: khởi động trục và các hệ thống mô phỏng, chạy mọi
    kịch bản cho mọi cơ quan, ghi phụ lục và báo cáo vào reports/out/."""
    console = Console()
    work = work_dir or DEMO_WORK
    if not resume:
        shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True, exist_ok=True)
    today = datetime.now(ICT).replace(hour=17, minute=0, second=0, microsecond=0)
    plan = TrialPlan(
        topology=DEMO_TOPOLOGY,
        db=str(work / "trial.sqlite3"),
        round_number=1,
        roster=DEMO_ROSTER,
        out_dir=out_dir or REPO_ROOT / "reports" / "out",
        work_dir=work,
        scenario_ids=scenarios,
        agencies=agencies,
        round_name="Đợt 1",
        deadline=today + timedelta(days=7),
        letter=DEMO_LETTER,
        deadlines=PRESETS[time_preset].scaled(time_scale),
        hosts=hosts,
        parallel=parallel,
        retries=retries,
    )
    if not resume and (plan.out_dir / "manifest.json").exists():
        shutil.rmtree(plan.out_dir, ignore_errors=True)  # only a folder our reports wrote
    plan.verify_base = f"http://{bind}"
    console.print(f"[bold]Demo chạy thử liên thông[/]: {DEMO_TOPOLOGY.relative_to(REPO_ROOT)}")
    run = execute(plan, console)
    print_outcome(run, plan, console)
    exit_on_report_errors(run)
    login = demo_accounts(plan.db, work)
    if not keep_console:
        opener = "lienthong console" if work == DEMO_WORK else f"lienthong console --demo-work {work}"
        console.print(
            f"Xem kết quả trên bảng điều khiển (không chạy lại gì): [bold]{opener}[/], rồi mở {plan.verify_base}/",
            soft_wrap=True,
        )
    console.print(f"Tài khoản quản trị: [bold]{login[0]}[/] / mật khẩu [bold]{login[1]}[/]")
    console.print(f"Tài khoản của các cơ quan và nhà cung cấp: {work / 'tai-khoan.csv'}")
    if keep_console:
        from harness.cli.console_cmd import serve_console

        serve_console(plan.db, bind, DEMO_TOPOLOGY, None, console)


DEMO_ADMIN = "quantri"


def demo_accounts(db: str, work: Path) -> tuple[str, str]:
    """The demo campaign's administrator (a fresh password each run) and one account per agency and vendor."""
    from harness.cli.console_cmd import write_accounts
    from harness.trial.accounts import ADMIN, AccountStore, NewAccount, new_password
    from harness.trial.store import CampaignStore

    password = new_password()
    with CampaignStore.open(db) as store:
        accounts = AccountStore(store)
        admin = accounts.create(DEMO_ADMIN, password, role=ADMIN, display_name="Quản trị Sở TT&TT", replace=True)
        created = [NewAccount(admin, password), *accounts.from_roster()]
    write_accounts(created, work / "tai-khoan.csv")
    return DEMO_ADMIN, password
