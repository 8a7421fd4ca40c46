"""`lienthong console`: serve the trial console on a campaign store; `lienthong trial accounts|user`
create its accounts (from the roster, or one by one)."""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import click
from rich.console import Console

from harness.console.config import ConsoleConfig
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


@click.command("console")
@click.option("--db", required=True, help="Kho kết quả: tệp SQLite hoặc URL (postgresql://...), như của trial run.")
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
    db: str, bind: str, topology: Path | None, base_url: str | None, https: bool, trusted_proxy: str | None
) -> None:
    """Phục vụ bảng điều khiển chạy thử (trang web) trên kho kết quả của đợt chạy thử."""
    serve_console(db, bind, topology, base_url, Console(), https=https, trusted_proxy=trusted_proxy)


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
