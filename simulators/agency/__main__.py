"""`python -m simulators.agency --endpoints .lienthong/sim/endpoints.json --state-dir D`: host the
simulated agencies of a running simulation and their backchannel until SIGINT/SIGTERM."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from pathlib import Path

from simulators.agency.engine import Mode, Timing
from simulators.agency.host import HostError, build_agencies, pki_for, read_endpoints, serve
from simulators.agency.profiles import PROFILES

DESCRIPTION = (
    "Chạy các cơ quan mô phỏng (hệ thống QLVB) của một mô phỏng đang chạy, cùng backchannel HTTP "
    "(harness/backchannel/openapi.yaml) tại /agencies/<mã định danh>, đến khi nhận SIGINT/SIGTERM."
)


def profile_override(value: str) -> tuple[str, str]:
    code, sep, name = value.partition("=")
    if not sep or not code.strip() or not name.strip():
        raise argparse.ArgumentTypeError(f"cần dạng MÃ=HỒ_SƠ, ví dụ 000.00.12.H41=never-signs (nhận được {value!r})")
    if name.strip() not in PROFILES:
        raise argparse.ArgumentTypeError(f"hồ sơ {name.strip()!r} không tồn tại; các hồ sơ: {', '.join(PROFILES)}")
    return code.strip(), name.strip()


def non_negative(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"cần một số giây, không phải {value!r}") from None
    if number < 0:
        raise argparse.ArgumentTypeError("không được âm")
    return number


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m simulators.agency", description=DESCRIPTION, add_help=False)
    p.add_argument("-h", "--help", action="help", help="hiện hướng dẫn này rồi thoát")
    p.add_argument("--endpoints", type=Path, required=True, help="endpoints.json do `lienthong sim up` ghi ra")
    p.add_argument(
        "--state-dir", type=Path, required=True, help="thư mục lưu tệp SQLite của từng cơ quan và backchannel.json"
    )
    p.add_argument("--pki-dir", type=Path, default=None, help="thư mục PKI thử nghiệm (mặc định .lienthong/pki)")
    p.add_argument("--only", action="append", default=[], metavar="MÃ", help="chỉ mô phỏng cơ quan này (lặp lại được)")
    p.add_argument(
        "--skip", action="append", default=[], metavar="MÃ", help="không mô phỏng cơ quan này (hệ thống được kiểm thử)"
    )
    p.add_argument(
        "--profile",
        action="append",
        default=[],
        type=profile_override,
        metavar="MÃ=HỒ_SƠ",
        help=f"hồ sơ hành vi cho một cơ quan, thay cho `profile:` của topology ({', '.join(PROFILES)})",
    )
    p.add_argument(
        "--mode",
        choices=[m.value for m in Mode],
        default=Mode.AUTO.value,
        help="auto: văn thư mô phỏng tự tiếp nhận và xử lý; driven: sau trạng thái 01 chờ lệnh qua backchannel",
    )
    p.add_argument("--backchannel-host", default="127.0.0.1", help="địa chỉ lắng nghe của backchannel")
    p.add_argument("--backchannel-port", type=int, default=0, help="cổng backchannel (0: cổng trống bất kỳ)")
    p.add_argument("--token", default=None, help="mã truy cập backchannel (Authorization: Bearer <mã>)")
    p.add_argument("--poll", type=non_negative, default=1.0, help="số giây giữa hai lần lấy văn bản trên trục")
    p.add_argument("--step", type=non_negative, default=0.5, help="số giây giữa hai trạng thái tự động của một văn bản")
    p.add_argument(
        "--register-delay", type=non_negative, default=0.05, help="số giây văn thư cần giữa hai lần vào sổ văn bản đến"
    )
    p.add_argument(
        "--dormant",
        action="store_true",
        help="các cơ quan bắt đầu ở trạng thái nghỉ (không kiểm tra hộp thư) cho đến khi được đánh thức qua "
        "POST /agencies/<mã>/_sim/awake",
    )
    p.add_argument("--log-level", default="warning", help="mức nhật ký (debug, info, warning, error)")
    return p


def main(argv: list[str] | None = None) -> None:
    args = parser().parse_args(argv)
    logging.basicConfig(level=args.log_level.upper(), format="%(asctime)s %(name)s %(levelname)s %(message)s")
    for name in ("pyhanko", "pyhanko_certvalidator"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    mode = Mode(args.mode)
    try:
        endpoints = read_endpoints(args.endpoints)
        pki = pki_for(endpoints, args.pki_dir)
        agencies = build_agencies(
            endpoints,
            pki,
            args.state_dir,
            Timing(args.poll, args.step, args.register_delay),
            args.skip,
            only=args.only,
            profiles=dict(args.profile),
            mode=mode,
        )
    except HostError as exc:
        print(f"Lỗi: {exc.message_vi}", file=sys.stderr)
        sys.exit(2)
    for agency in agencies if args.dormant else ():
        agency.set_awake(False)

    async def run() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await serve(
            agencies,
            stop,
            state_dir=args.state_dir,
            host=args.backchannel_host,
            port=args.backchannel_port,
            token=args.token,
            mode=mode,
            log_level=args.log_level.lower(),
        )

    try:
        asyncio.run(run())
    except HostError as exc:
        print(f"Lỗi: {exc.message_vi}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
