"""AX-12 Sức bền: odd nodes in a package's trace and slow clients holding connections do not stop the
axis serving others.
"""

from __future__ import annotations

import socket
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx

from harness.scenarios.ax.common import (
    expect_delivered,
    fail,
    home_axis,
    last_sent,
    send_document,
)
from harness.scenarios.context import ScenarioContext
from harness.transport.vxp import MessageType

AX12 = "AX-12"
SLOW_CONNECTIONS = 200
"""Half-sent requests the slow client holds open: more than a careless server keeps workers for."""


def send_with_trace_comment(ctx: ScenarioContext) -> None:
    """A signed document whose TraceHeader holds a comment, as some encoders write them."""
    sent = send_document(ctx, "local", ["local2"], mangle=_comment_in_trace)
    ctx.data["ax12_comment"] = sent


def _comment_in_trace(data: bytes) -> bytes:
    at = data.find(b"TraceHeader>")
    if at < 0:
        return data
    at += len(b"TraceHeader>")
    return data[:at] + b"<!-- ghi chu cua he thong gui -->" + data[at:]


@dataclass(slots=True)
class SlowFlood:
    sockets: list[socket.socket]

    def close(self) -> None:
        for s in self.sockets:
            s.close()


def hold_slow_connections(ctx: ScenarioContext) -> None:
    """Open connections to the axis and send each half a request line, then keep them open (the
    axis' own service path: VXP's adapter or EdocService)."""
    home_axis(ctx)
    probe = ctx.probe("local")
    bkav = probe.protocol == "bkav"
    for honest in (probe, ctx.probe("local2")):  # their connections are open (kept alive) before the flood
        if bkav:
            honest.mailbox.waiting(MessageType.EDOC)
        else:
            honest.client.count_receive_edoc()
    parts = urlsplit(probe.bkav.protocol.endpoint if bkav else probe.client.protocol.endpoint)
    half = "getPendingDoc" if bkav else "getReceivedEdoc"
    host, port = parts.hostname or "127.0.0.1", parts.port or (443 if parts.scheme == "https" else 80)
    held: list[socket.socket] = []
    for _ in range(SLOW_CONNECTIONS):
        s = socket.socket()
        s.settimeout(2)
        try:
            s.connect((host, port))
            s.sendall(f"POST {parts.path}/{half}".encode())
        except OSError:
            s.close()
            break
        held.append(s)
    flood = SlowFlood(held)
    ctx.data["ax12_flood"] = flood
    ctx.cleanups.append(flood.close)


def expect_others_served(ctx: ScenarioContext) -> None:
    """While the slow connections are held, a whole exchange completes within its deadlines."""
    started = time.monotonic()
    try:
        send_document(ctx, "local", ["local2"])
    except httpx.HTTPError as exc:
        raise fail(ctx, AX12, f"Trục không phục vụ đơn vị kiểm thử khi có kết nối chậm: {exc}") from exc
    sent = last_sent(ctx)
    expect_delivered(ctx, AX12)
    took = time.monotonic() - started
    if took > ctx.deadlines.fetch:
        raise fail(
            ctx,
            AX12,
            f"{sent.describe(ctx)} mất {took:.1f} s để đến nơi khi có {SLOW_CONNECTIONS} kết nối chậm "
            f"(thời hạn {ctx.deadlines.fetch:g} s).",
        )
