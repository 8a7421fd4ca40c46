"""AX-09 Tải: a burst of documents is accepted without errors, delivered once, within the p95 threshold."""

from __future__ import annotations

import json
import math
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import httpx

from harness.edxml import build
from harness.paths import thresholds_path
from harness.scenarios.ax.common import AX09, BurstSettings, agency_of, axis_errors, collect_later, fail, home_axis, who
from harness.scenarios.context import ScenarioContext
from harness.scenarios.probe import Mail, documents_from
from harness.transport.mailbox import MailboxError, open_sync_mailbox, operation_for
from harness.transport.vxp.wire import Operation


@dataclass(slots=True)
class Burst:
    settings: BurstSettings
    document_ids: list[str]
    latencies_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0
    operation: str = "sendEdoc"
    """The send operation of the axis' protocol (sendDocument on EdocService)."""

    @property
    def p95_ms(self) -> float:
        if not self.latencies_ms:
            return math.inf
        ordered = sorted(self.latencies_ms)
        return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def send_burst(ctx: ScenarioContext) -> None:
    """`sends` signed documents from local to local2 over `threads` connections at once."""
    settings = BurstSettings.load()
    home_axis(ctx)
    sender, receiver = ctx.probe("local"), ctx.probe("local2")
    collect_later(ctx, sender, receiver)
    agency = agency_of(ctx, sender)
    packages = [
        ctx.world.kit.document(sender.organ, [receiver.organ], settings.doc_type) for _ in range(settings.sends)
    ]
    bodies = [build(p) for p in packages]
    burst = Burst(settings, [p.document_id or "" for p in packages])
    burst.operation = operation_for(agency.protocol, Operation.SEND_EDOC)
    lock = threading.Lock()
    threads = max(1, min(settings.threads, len(bodies)))

    def lane(index: int) -> None:
        """One connection of the burst, in the axis' protocol (VXP or EdocService)."""
        mailbox = open_sync_mailbox(agency.protocol, agency.endpoint, agency.system_id, agency.id, agency.secret)
        try:
            for n in range(index, len(bodies), threads):
                t0 = time.perf_counter()
                try:
                    mailbox.send(bodies[n], sender.organ_id)
                except MailboxError as exc:
                    error = f"{burst.document_ids[n]}: {exc.code} «{exc.description}»"
                except httpx.HTTPError as exc:
                    error = f"{burst.document_ids[n]}: {type(exc).__name__}: {exc}"
                else:
                    error = ""
                elapsed = (time.perf_counter() - t0) * 1000
                with lock:
                    if error:
                        burst.errors.append(error)
                    else:
                        burst.latencies_ms.append(elapsed)
        finally:
            mailbox.close()

    ctx.data["ax09_since"] = time.time()
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        for f in [pool.submit(lane, i) for i in range(threads)]:
            f.result()
    burst.seconds = time.monotonic() - started
    ctx.data["ax09"] = burst


def expect_burst_without_errors(ctx: ScenarioContext) -> None:
    burst: Burst = ctx.data["ax09"]
    if burst.errors:
        raise fail(
            ctx,
            AX09,
            f"{len(burst.errors)}/{burst.settings.sends} lần gửi dồn dập ({burst.settings.threads} luồng) bị lỗi; "
            f"lỗi đầu tiên: {burst.errors[0]}.",
        )


def expect_burst_delivered_once(ctx: ScenarioContext) -> None:
    burst: Burst = ctx.data["ax09"]
    sender, receiver = ctx.probe("local"), ctx.probe("local2")
    wanted = set(burst.document_ids)
    since = float(ctx.data["ax09_since"])

    def ours(mail: Mail) -> bool:
        return documents_from(sender.organ_id, since)(mail) and mail.document_id in wanted

    with axis_errors(ctx, AX09, f"{who(ctx, receiver)} tải hộp thư"):
        receiver.wait(ours, ctx.deadlines.fetch, count=len(wanted))
        receiver.collect()
    counts: dict[str, int] = dict.fromkeys(burst.document_ids, 0)
    for mail in receiver.find(ours):
        counts[mail.document_id] += 1
    lost = [d for d, n in counts.items() if n == 0]
    doubled = [f"{d} ({n} lần)" for d, n in counts.items() if n > 1]
    if lost or doubled:
        parts = []
        if lost:
            parts.append(f"mất {len(lost)}/{len(wanted)} văn bản (ví dụ {', '.join(lost[:3])})")
        if doubled:
            parts.append(f"{len(doubled)} văn bản đến nhiều lần ({', '.join(doubled[:3])})")
        raise fail(
            ctx,
            AX09,
            f"Sau {ctx.deadlines.fetch:g} giây, {who(ctx, receiver)}: " + "; ".join(parts) + ".",
        )


def expect_burst_p95(ctx: ScenarioContext) -> None:
    burst: Burst = ctx.data["ax09"]
    limit = burst.settings.p95_ms
    summary = {
        "sends": burst.settings.sends,
        "threads": burst.settings.threads,
        "errors": len(burst.errors),
        "seconds": round(burst.seconds, 3),
        "p95_ms": round(burst.p95_ms, 1),
        "threshold_p95_ms": limit,
        "latencies_ms": [round(x, 1) for x in burst.latencies_ms],
    }
    ctx.save_evidence("ax09-burst.json", json.dumps(summary, ensure_ascii=False, indent=1).encode("utf-8"))
    if burst.p95_ms > limit:
        raise fail(
            ctx,
            AX09,
            f"Phân vị 95 thời gian gửi ({burst.operation}) là {burst.p95_ms:.0f} ms, vượt ngưỡng {limit:g} ms "
            f"({burst.settings.sends} văn bản, {burst.settings.threads} luồng; tệp {thresholds_path()}).",
        )
