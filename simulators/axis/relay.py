"""A provincial axis' link to the national axis: forward what leaves, pull what arrives.

Both directions are at-least-once on the wire and exactly-once in effect:
* forwarding sends with an idempotency key (the local DocId), so a retry after a crash gets
  the DocId the national axis already gave;
* pulling commits the package under the national docId (unique) before acknowledging it, so a
  package fetched twice is stored once.
The province is a plain VXP client of the national axis, with the same client code agencies use.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import Any

import httpx

from harness.transport.aio import AiohttpTransport
from harness.transport.vxp.client import AsyncVxpClient
from harness.transport.vxp.models import VxpError
from harness.transport.vxp.wire import ErrorCode, MessageType, Operation, ascii_text
from simulators.axis.config import Strictness, UpstreamSpec
from simulators.axis.ids import new_doc_id
from simulators.axis.intake import Refusal, read_package
from simulators.axis.journal import RequestRecord, journal_time
from simulators.axis.routing import Route
from simulators.axis.service import RELAY_KEY, Axis, now_text

log = logging.getLogger(__name__)

PERMANENT = {ErrorCode.BAD_REQUEST, ErrorCode.FORBIDDEN, ErrorCode.NOT_FOUND, ErrorCode.CONFLICT, ErrorCode.TOO_LARGE}


class Relay:
    def __init__(self, axis: Axis, upstream: UpstreamSpec) -> None:
        self.axis = axis
        self.upstream = upstream
        self.client = AsyncVxpClient(
            upstream.endpoint, upstream.system_id, upstream.secret, timeout=30.0, transport=AiohttpTransport()
        )
        self.tasks: list[asyncio.Task[None]] = []
        self.pull_wakeup = asyncio.Event()

    def start(self) -> None:
        self.tasks = [asyncio.create_task(self.forward_loop()), asyncio.create_task(self.pull_loop())]

    async def stop(self) -> None:
        for t in self.tasks:
            t.cancel()
        for t in self.tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await t
        await self.client.aclose()

    def journal(self, operation: str, doc_ids: list[str], status: str, desc: str, started: float) -> None:
        record = RequestRecord(started, self.upstream.system_id, f"relay:{operation}", 0, self.upstream.endpoint)
        self.axis.store.journal_add(
            record.row(
                doc_ids=doc_ids,
                http_status=0,
                status=status,
                error_code="0" if status == "OK" else "",
                error_desc=desc,
                bytes_out=0,
            )
        )

    # Forwarding --------------------------------------------------------------------------------

    async def forward_loop(self) -> None:
        backoff = self.upstream.poll_interval
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.axis.forward_wakeup.wait(), timeout=backoff)
            self.axis.forward_wakeup.clear()
            try:
                ok = await self.forward_once()
                backoff = self.upstream.poll_interval if ok else min(backoff * 2, 10 * self.upstream.poll_interval)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("forwarding failed")
                backoff = min(backoff * 2, 10 * self.upstream.poll_interval)

    async def forward_once(self) -> bool:
        """Forward every queued package; False when the national axis could not be reached."""
        for row in self.axis.store.queued_upstream():
            if not await self.forward(row):
                return False
        return True

    async def forward(self, row: dict[str, Any]) -> bool:
        ids: list[str] = row["ids"].split(" ")
        receivers: list[str] = row["receivers"].split(" ")
        started = time.perf_counter()
        is_status = row["message_type"] == MessageType.STATUS
        req = self.client.protocol.send_edoc(
            bytes(row["body"]),
            sender=row["from_code"],
            message_type=row["message_type"],
            to=None if is_status else receivers,
            extra={RELAY_KEY: row["doc_id"]},
        )
        try:
            reply = await self.client.call(req)
        except httpx.HTTPError as exc:
            self.journal(Operation.SEND_EDOC, [row["doc_id"]], "FAIL", f"{type(exc).__name__}: {exc}", started)
            return False
        if reply.ok:
            upstream_id = str(reply.body.get("DocId", ""))
            self.axis.store.mark_forwarded(ids, upstream_id, now_text())
            self.journal(Operation.SEND_EDOC, [row["doc_id"], upstream_id], "OK", "", started)
            return True
        self.journal(Operation.SEND_EDOC, [row["doc_id"]], "FAIL", f"{reply.error_code} {reply.error_desc}", started)
        if reply.error_code in PERMANENT:
            self.axis.store.mark_undeliverable(ids, f"{reply.error_code} {reply.error_desc}", now_text())
            return True
        return False

    # Pulling -----------------------------------------------------------------------------------

    async def pull_loop(self) -> None:
        while True:
            try:
                await self.pull_once()
            except asyncio.CancelledError:
                raise
            except (httpx.HTTPError, VxpError) as exc:
                log.warning("pull from national axis failed: %s", exc)
            except Exception:
                log.exception("pull failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.pull_wakeup.wait(), timeout=self.upstream.poll_interval)
            self.pull_wakeup.clear()

    async def pull_once(self) -> int:
        """Fetch, store and acknowledge everything waiting on the national axis; returns how many.

        Each item on its own: one the national axis fails to hand over is tried again next round;
        one that cannot be taken in (an error no rule foresaw) is set aside, journalled, reported
        `fail` upstream and listed in `/_sim/health`; the others still flow. Only losing the
        national axis itself ends the round.
        """
        n = 0
        for mt in (MessageType.EDOC, MessageType.STATUS):
            for item in await self.client.get_received_edoc_list(mt):
                if item.doc_id in self.axis.set_aside:
                    continue
                started = time.perf_counter()
                try:
                    await self.pull(item.doc_id, item.to, mt)
                except (asyncio.CancelledError, httpx.TransportError):
                    raise
                except (VxpError, httpx.HTTPError) as exc:
                    # The national axis refused or failed this item: try it again next round.
                    self.journal("pull", [item.doc_id], "FAIL", f"retry later: {exc}"[:300], started)
                    continue
                except Exception as exc:
                    log.exception("pulled item %s set aside", item.doc_id)
                    await self.set_aside(item.doc_id, f"{type(exc).__name__}: {exc}"[:300], started)
                    continue
                n += 1
        return n

    async def set_aside(self, upstream_id: str, reason: str, started: float) -> None:
        self.axis.set_aside[upstream_id] = {"upstream_doc_id": upstream_id, "reason": reason, "ts": journal_time()}
        self.journal("pull", [upstream_id], "FAIL", f"set aside: {reason}", started)
        with contextlib.suppress(Exception):
            await self.client.update_status(upstream_id, "fail", ascii_text(reason)[:200])

    async def pull(self, upstream_id: str, receiver: str, mt: MessageType) -> None:
        started = time.perf_counter()
        axis = self.axis
        origin_key = f"pull|{upstream_id}"
        if axis.store.package_by_origin(origin_key) is None:
            body = await self.client.get_edoc(upstream_id)
            try:
                intake = read_package(
                    body,
                    message_type=mt.value,
                    service_type=None,
                    sender_param=None,
                    to_param=None,
                    strictness=Strictness.OFF,
                    limits=axis.limits,
                )
            except Refusal as r:
                self.journal("pull", [upstream_id], "FAIL", r.desc, started)
                await self.client.update_status(upstream_id, "fail", r.desc)
                return
            doc_id = new_doc_id()
            pkg = axis.new_package(intake, doc_id, self.upstream.system_id, origin="upstream", origin_key=origin_key)
            pkg.deliveries.extend(axis.deliveries_for(receiver, Route.LOCAL, Operation.SEND_EDOC))
            axis.store.accept(pkg)
            self.journal("pull", [upstream_id, doc_id, *(d.doc_id for d in pkg.deliveries)], "OK", "", started)
        await self.client.update_status(upstream_id, "done")
