"""`lienthong console`: serve the trial console on a campaign store; `lienthong trial accounts|user`
create its accounts (from the roster, or one by one)."""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import click
from rich.console import Console

from harness.console.config import ConsoleConfig
from harness.paths import DEMO_WORK
from harness.trial.accounts import ADMIN, ROLES, AccountStore, NewAccount, new_password
from harness.trial.store import CampaignStore, StoreError

DEFAULT_BIND = "127.0.0.1:8090"


def serve_console(
    db: str,
    bind: str,
    topology: Path | None,
    base_url: str | None,
    console: Console,
    *,
    https: bool = False,
    trusted_proxy: str | None = None,
) -> None:
    from harness.console.serve import parse_bind, serve

    try:
        host, port = parse_bind(bind)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None
    base = base_url or f"{'https' if https else 'http'}://{host}:{port}"
    console.print(f"Bảng điều khiển chạy thử: [bold]{base}/[/] (Ctrl+C để dừng)")
    try:
        config = ConsoleConfig(db=db, topology=topology, base_url=base, https_only=https)
        serve(config, bind, trusted_proxy=trusted_proxy)
    except StoreError as exc:
        console.print(f"[red]Lỗi:[/] {exc.message_vi}")
        sys.exit(2)


def demo_store(work: Path, console: Console) -> str:
    """The last `lienthong demo`'s campaign store in `work`, opened as it is (nothing is run again)."""
    db = work / "trial.sqlite3"
    if not db.is_file():
        console.print(
            f"[red]Lỗi:[/] chưa có kết quả demo trong {work}: chạy [bold]make demo[/] (hoặc lienthong demo) trước, "
            "hoặc chỉ kho kết quả bằng --db."
        )
        sys.exit(2)
    console.print(f"Mở kết quả của lần chạy demo gần nhất ({db}); không chạy lại gì.", soft_wrap=True)
    accounts = work / "tai-khoan.csv"
    if accounts.is_file():
        console.print(f"Tài khoản và mật khẩu (quản trị: quantri) của lần chạy đó: [bold]{accounts}[/]", soft_wrap=True)
    return str(db)


@click.command("console")
@click.option(
    "--db",
    default=None,
    help="Kho kết quả: tệp SQLite hoặc URL (postgresql://...), như của trial run. "
    "Mặc định: kết quả của lần chạy demo gần nhất (không chạy lại).",
)
@click.option(
    "--demo-work",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Thư mục làm việc của demo khi không có --db (mặc định .lienthong/demo, như lienthong demo --work).",
)
@click.option("--bind", default=DEFAULT_BIND, show_default=True, help="Địa chỉ và cổng lắng nghe.")
@click.option(
    "--topology",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Cấu hình mô phỏng (mặc định: cấu hình lần chạy gần nhất ghi trong kho).",
)
@click.option("--base-url", default=None, help="Địa chỉ công khai của bảng điều khiển (cho mã QR, đường dẫn).")
@click.option(
    "--https",
    is_flag=True,
    help="Chạy sau proxy TLS: cookie phiên đánh dấu Secure, trình duyệt được yêu cầu chỉ dùng HTTPS (HSTS).",
)
@click.option(
    "--trusted-proxy",
    default=None,
    metavar="ĐỊA_CHỈ",
    help="Địa chỉ IP của proxy ngược được tin X-Forwarded-For (để hạn chế đăng nhập theo địa chỉ thật của người dùng).",
)
def console_command(
    db: str | None,
    demo_work: Path | None,
    bind: str,
    topology: Path | None,
    base_url: str | None,
    https: bool,
    trusted_proxy: str | None,
) -> None:
    """Phục vụ bảng điều khiển chạy thử (trang web) trên kho kết quả của đợt chạy thử; không có --db:
    trên kết quả của lần chạy demo gần nhất, không chạy lại gì."""
    console = Console()
    store = db if db is not None else demo_store(demo_work or DEMO_WORK, console)
    serve_console(store, bind, topology, base_url, console, https=https, trusted_proxy=trusted_proxy)


def write_accounts(created: list[NewAccount], path: Path) -> None:
    """The new accounts and their one-time passwords, for the department to hand out (keep it private)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["Tên đăng nhập", "Vai trò", "Tên", "Cơ quan", "Mật khẩu"])
        for item in created:
            a = item.account
            writer.writerow([a.username, a.role_vi, a.display_name, " ".join(sorted(a.agencies)), item.password])
    path.chmod(0o600)


@click.command("accounts")
@click.option("--db", required=True, help="Kho kết quả.")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="Tệp CSV ghi tài khoản mới và mật khẩu (chỉ ghi một lần; giữ kín).",
)
def accounts_command(db: str, out: Path) -> None:
    """Tạo tài khoản cho từng cơ quan và từng nhà cung cấp trong danh sách chạy thử."""
    console = Console()
    try:
        with CampaignStore.open(db) as store:
            created = AccountStore(store).from_roster()
    except StoreError as exc:
        console.print(f"[red]Lỗi:[/] {exc.message_vi}")
        sys.exit(2)
    write_accounts(created, out)
    console.print(f"Đã tạo {len(created)} tài khoản; mật khẩu ghi ở [bold]{out}[/].")


@click.command("user")
@click.option("--db", required=True, help="Kho kết quả.")
@click.option("--username", required=True, help="Tên đăng nhập.")
@click.option("--role", type=click.Choice(ROLES), default=ADMIN, show_default=True, help="Vai trò.")
@click.option("--name", "display_name", default="", help="Tên hiển thị.")
@click.option("--agency", "agencies", multiple=True, help="Cơ quan của tài khoản (lặp lại được).")
@click.option("--password", default=None, help="Mật khẩu (mặc định: tạo ngẫu nhiên và in ra).")
@click.option("--replace", is_flag=True, help="Đặt lại tài khoản đã có.")
def user_command(
    db: str, username: str, role: str, display_name: str, agencies: tuple[str, ...], password: str | None, replace: bool
) -> None:
    """Tạo (hoặc đặt lại) một tài khoản của bảng điều khiển."""
    console = Console()
    secret = password or new_password()
    try:
        with CampaignStore.open(db) as store:
            account = AccountStore(store).create(
                username, secret, role=role, display_name=display_name, agencies=agencies, replace=replace
            )
    except StoreError as exc:
        console.print(f"[red]Lỗi:[/] {exc.message_vi}")
        sys.exit(2)
    console.print(f"Tài khoản [bold]{account.username}[/] ({account.role_vi}) đã sẵn sàng.")
    if password is None:
        console.print(f"Mật khẩu: [bold]{secret}[/]")
