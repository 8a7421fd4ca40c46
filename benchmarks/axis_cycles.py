"""Complete exchange cycles per second through one simulated provincial axis.

N simulated agencies run concurrently against a real axis process (uvicorn, SQLite WAL). Each
agency repeatedly sends a ~100 KB document package to the next agency of the ring, then drains
its own mailbox: getReceivedEdocList -> getEdoc -> updateStatus done. A cycle is one package
acknowledged by its receiver. At the end every accepted DocId must have been acknowledged
exactly once (the axis' own delivery table is checked too): nothing lost, nothing doubled.

    python benchmarks/axis_cycles.py                       # 16 agencies, 20 s
    python benchmarks/axis_cycles.py --agencies 32 --duration 30 --size 100000
    python benchmarks/axis_cycles.py --check               # exit 1 below 300 cycles/s or on loss

The load generator runs in this process (asyncio, the harness' AsyncVxpClient) and shares the
machine's cores with the axis, so the figure is a floor for the axis itself.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import uvloop

from harness.edxml import build
from harness.edxml.factory import new_document, organization
from harness.edxml.model import Attachment
from harness.transport.vxp import AsyncVxpClient
from simulators.axis.config import AxisConfig, Role, SystemSpec
from simulators.launcher import AxisProcess

TARGET_CYCLES = 300.0
NUMBER_PLACEHOLDER = b"9876543210"


@dataclass(slots=True)
class Stats:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    sent: dict[str, str] = field(default_factory=dict)
    """Receiver-side bookkeeping: sender DocId -> receiver code."""
    acked: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    """Acknowledged receiver docIds -> times acknowledged (must end at 1)."""
    errors: int = 0
    cycles: int = 0


def agency_code(i: int) -> str:
    return f"000.{i // 100:02d}.{i % 100:02d}.H41"


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def template(sender: str, receiver: str, size: int) -> bytes:
    """A conformant package of about `size` bytes whose number is a placeholder to substitute."""
    pdf_len = max(1000, int(size * 0.74))
    blob = b"%PDF-1.4\n" + os.urandom(pdf_len)
    doc = new_document(
        sender=organization(sender, f"Cơ quan {sender}"),
        recipients=[organization(receiver, f"Cơ quan {receiver}")],
        number=NUMBER_PLACEHOLDER.decode(),
        attachments=[Attachment.from_bytes("vanban", "vanban.pdf", blob, "application/pdf")],
    )
    data = build(doc)
    assert data.count(NUMBER_PLACEHOLDER) >= 2
    return data


async def timed(stats: Stats, op: str, coro_fn, *args, **kwargs):  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    try:
        return await coro_fn(*args, **kwargs)
    finally:
        stats.latencies[op].append((time.perf_counter() - started) * 1000)


async def agency_loop(
    i: int, n: int, config: AxisConfig, size: int, batch: int, deadline: float, stats: Stats, counter: list[int]
) -> None:
    """Send `batch` packages to the next agency, then drain the own mailbox; until the deadline."""
    me, peer = agency_code(i), agency_code((i + 1) % n)
    data = template(me, peer, size)
    limits = httpx.Limits(max_connections=4, max_keepalive_connections=4)
    async with AsyncVxpClient(config.endpoint, me, f"bench-{i}", limits=limits) as client:
        while time.perf_counter() < deadline:
            try:
                for _ in range(batch):
                    counter[0] += 1
                    body = data.replace(NUMBER_PLACEHOLDER, f"{counter[0]:010d}".encode())
                    doc_id = await timed(stats, "sendEdoc", client.send_edoc, body, sender=me)
                    stats.sent[doc_id] = peer
                items = await timed(stats, "getReceivedEdocList", client.get_received_edoc_list)
                for item in items:
                    await timed(stats, "getEdoc", client.get_edoc, item.doc_id)
                    await timed(stats, "updateStatus", client.update_status, item.doc_id, "done")
                    stats.acked[item.doc_id] += 1
                    stats.cycles += 1
            except Exception:
                stats.errors += 1
        # Drain what is left so the loss check sees every accepted package.
        for _ in range(50):
            items = await client.get_received_edoc_list()
            if not items:
                break
            for item in items:
                await client.get_edoc(item.doc_id)
                await client.update_status(item.doc_id, "done")
                stats.acked[item.doc_id] += 1


def process_cpu(pid: int | None) -> float:
    """User+system CPU seconds of another process (Linux /proc), 0 when unavailable."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def drive(config: AxisConfig, n: int, size: int, batch: int, duration: float) -> tuple[Stats, float, int]:
    stats = Stats()
    counter = [0]
    # Warm-up outside the measurement.
    warm = time.perf_counter() + 0.5
    await asyncio.gather(*(agency_loop(i, n, config, size, batch, warm, Stats(), counter) for i in range(n)))
    started = time.perf_counter()
    deadline = started + duration
    await asyncio.gather(*(agency_loop(i, n, config, size, batch, deadline, stats, counter) for i in range(n)))
    measured_cycles = stats.cycles
    return stats, time.perf_counter() - started, measured_cycles


def check_loss(config: AxisConfig, stats: Stats) -> tuple[int, int, int]:
    """(accepted, lost, duplicated) from the axis' delivery table against the clients' acks."""
    rows = httpx.get(config.control_url + "/deliveries", timeout=60).json()
    accepted = len(rows)
    pending = [r for r in rows if r["state"] not in ("done",)]
    doubled = sum(1 for c in stats.acked.values() if c > 1)
    return accepted, len(pending), doubled


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--agencies", type=int, default=16)
    parser.add_argument("--duration", type=float, default=20.0)
    parser.add_argument("--size", type=int, default=100_000, help="package size in bytes (default ~100 KB)")
    parser.add_argument("--batch", type=int, default=4, help="packages each agency sends between two polls")
    parser.add_argument("--durability", choices=["OFF", "NORMAL", "FULL"], default="OFF")
    parser.add_argument("--strictness", choices=["off", "transport", "full"], default="transport")
    parser.add_argument("--check", action="store_true", help=f"exit 1 below {TARGET_CYCLES:.0f} cycles/s or on loss")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="lienthong-bench-") as tmp:
        n = args.agencies
        systems = [SystemSpec(agency_code(i), f"bench-{i}") for i in range(n)]
        config = AxisConfig.from_dict(
            {
                "name": "Trục tỉnh (benchmark)",
                "role": Role.PROVINCIAL.value,
                "code": "000.00.99.H41",
                "db_path": str(Path(tmp) / "axis.sqlite3"),
                "port": 0,
                "domains": ["H41"],
                "systems": [_spec(s) for s in systems],
                "durability": args.durability,
                "strictness": args.strictness,
            }
        )
        config.port = free_port(config.host)
        axis = AxisProcess(config, tmp)
        axis.start()
        axis.wait_ready(30)
        try:
            sample = template(agency_code(0), agency_code(1), args.size)
            client_cpu = time.process_time()
            axis_cpu = process_cpu(axis.pid)
            stats, elapsed, cycles = uvloop.run(drive(config, n, args.size, args.batch, args.duration))
            client_cpu = time.process_time() - client_cpu
            axis_cpu = process_cpu(axis.pid) - axis_cpu
            accepted, lost, doubled = check_loss(config, stats)
        finally:
            axis.stop()
    rate = cycles / elapsed
    print(
        f"Trục tỉnh mô phỏng, {n} cơ quan đồng thời, gói tin {len(sample) / 1000:.0f} KB, "
        f"durability={args.durability}, strictness={args.strictness}"
    )
    print(
        f"chu trình hoàn tất (gửi → liệt kê → lấy → xác nhận): {cycles} trong {elapsed:.1f} s = {rate:.0f} chu trình/s"
    )
    print(f"{'thao tác':<22}{'số lần':>8}{'p50 ms':>10}{'p99 ms':>10}")
    for op in ("sendEdoc", "getReceivedEdocList", "getEdoc", "updateStatus"):
        values = stats.latencies[op]
        print(f"{op:<22}{len(values):>8}{percentile(values, 0.5):>10.2f}{percentile(values, 0.99):>10.2f}")
    print(f"CPU (kể cả khởi động): trục {axis_cpu:.1f} s, bộ tạo tải {client_cpu:.1f} s")
    print(
        f"gói tin trục đã nhận: {accepted}, chưa xác nhận (mất): {lost}, xác nhận trùng: {doubled}, lỗi: {stats.errors}"
    )
    if args.check and (rate < TARGET_CYCLES or lost or doubled or stats.errors):
        print(f"KHÔNG ĐẠT: mục tiêu ≥ {TARGET_CYCLES:.0f} chu trình/s, không mất, không trùng, không lỗi")
        return 1
    return 0


def _spec(s: SystemSpec) -> dict[str, object]:
    return {"system_id": s.system_id, "secret": s.secret, "organs": s.organs, "domains": s.domains, "name": s.name}


if __name__ == "__main__":
    sys.exit(main())
