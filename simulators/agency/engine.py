"""The simulated document system: poll, check, register, return statuses, send documents.

It uses the harness' own pieces (VXP client, edXML validation, signature checks, document
signing), so a conformant profile behaves as the rules say and a faulty one breaks exactly its
knob. Time is compressed by `Timing`: real trials poll every hours, the demo every fraction of a
second.

Three loops per agency:

* polling (every `poll_interval`): fetch new documents, check their EDX rules and addressee, queue
  them for the clerk (persisted before the transport acknowledgement: `done`, or `fail` with a
  Vietnamese reason), send what is left in the status outbox, fetch the statuses of sent documents;
* the clerk: registers queued documents one at a time (`register_delay` apart, flash first) and
  returns 01 at once; in `auto` mode it goes on by itself (03, 04, 05, 06 `step_delay` apart, 15
  to a recall). In `driven` mode those actions come from the backchannel (`act`);
* the checker: verifies the signatures of each registered document beside the clerk (a slow check
  never delays the next 01) and plans the automatic 02, with the rule ID, when one fails.

Every action changes the registration and queues its status in one transaction; the status is then
sent in outbox order, so statuses never overtake each other and a restart resends what was queued.

The parts live in their own modules (inbox, clerk, checks, outbox, composer over one AgencyState);
this one runs the loops.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from typing import Any

import httpx

from harness.transport.mailbox import MailboxError
from simulators.agency.checks import Checks
from simulators.agency.clerk import Clerk
from simulators.agency.composer import Composer
from simulators.agency.state import Connection, Mode, Timing

log = logging.getLogger(__name__)


__all__ = ["Connection", "Mode", "SimulatedAgency", "Timing"]


OUTBOX_RETRY = 1.0
"""Seconds before the clerk retries a status the axis could not take (besides every poll)."""


class SimulatedAgency(Clerk, Checks, Composer):
    """One simulated document system: its inbox, clerk, checker, outbox and composer, run by three loops."""

    async def start(self) -> None:
        """Once at startup: read the directory (the axis journal shows it) and, in auto mode, take
        up unfinished work left by an earlier run."""
        try:
            for code, name in await self.mailbox.directory():
                if code and name:
                    self.directory.setdefault(code, name)
        except (MailboxError, httpx.HTTPError) as exc:
            self._failure("đọc danh bạ cơ quan", exc)
        if self.mode is Mode.AUTO:
            self.store.schedule_open_work(time.time())
        if self.store.queued():
            self.wake.set()

    def set_awake(self, awake: bool) -> None:
        """Wake the agency (it polls at once) or make it dormant (no polling, no clerk work) until woken."""
        if awake:
            self.awake.set()
            self.wake.set()
        else:
            self.awake.clear()

    async def _until_awake(self, stop: asyncio.Event) -> None:
        """Return at once when awake; a dormant agency waits here, costing nothing, until woken or stopped."""
        if self.awake.is_set() or stop.is_set():
            return
        waiters = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(self.awake.wait())]
        await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
        for w in waiters:
            w.cancel()

    async def run(self, stop: asyncio.Event) -> None:
        """Poll and work until `stop` is set; a failed poll is logged and the next one goes on."""
        await self.start()
        await asyncio.gather(self._poll_loop(stop), self._clerk_loop(stop), self._checker_loop(stop))

    async def _poll_loop(self, stop: asyncio.Event) -> None:
        """A poll, then `interval` seconds of rest: polls never run back to back (the clerk registers only
        between two fetches, and a host busy fetching would never get to it; polls counted from the start
        of the previous one did that at 256 agencies: late 01 statuses, flash documents registered late)."""
        interval = self.timing.poll_interval * self.behaviour.poll_factor
        while not stop.is_set():
            await self._until_awake(stop)
            if stop.is_set():
                break
            await self.poll_axis()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=interval)

    async def _clerk_loop(self, stop: asyncio.Event) -> None:
        tick = max(0.01, min(0.05, self.timing.step_delay / 2))
        while not stop.is_set():
            await self._until_awake(stop)
            self.wake.clear()
            registered = False
            try:
                await self.run_due()
                if time.monotonic() - self._flushed_at > OUTBOX_RETRY and self.store.has_unsent():
                    await self.flush()  # a status the axis could not take: retry without waiting for a poll
                registered = not self._fetching and await self.register_next()
            except Exception:
                log.exception("%s: clerk step failed", self.organ_id)
            if registered:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=self.timing.register_delay)
                continue
            await self._clerk_rest(stop, tick)

    async def _clerk_rest(self, stop: asyncio.Event, tick: float) -> None:
        """Rest a tick while documents wait to be registered; with none, until woken (a document queued, work
        planned) or the next planned work is due, at most OUTBOX_RETRY (a status the axis could not take is
        retried). A clerk with nothing to do looked twenty times a second: sixteen awake agencies with nothing to
        do cost their host 5.5 % of a core, 0.3 % now (benchmarked alone)."""
        rest = tick
        if not self.store.queue_hint:
            rest = min(OUTBOX_RETRY, max(tick, self.store.due_hint - time.time()))
        waiters = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(self.wake.wait())]
        await asyncio.wait(waiters, timeout=rest, return_when=asyncio.FIRST_COMPLETED)
        for w in waiters:
            w.cancel()

    async def _checker_loop(self, stop: asyncio.Event) -> None:
        """Signature checks run beside the clerk, so a slow check never delays the next 01."""
        while not stop.is_set():
            await self._until_awake(stop)
            self.to_check.clear()
            try:
                await self.check_pending()
            except Exception:
                log.exception("%s: check failed", self.organ_id)
            waiters = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(self.to_check.wait())]
            await asyncio.wait(waiters, timeout=1.0, return_when=asyncio.FIRST_COMPLETED)
            for w in waiters:
                w.cancel()

    async def poll_axis(self) -> None:
        """One poll: fetch documents, resend the outbox, fetch statuses. Never raises."""
        steps: list[tuple[str, Callable[[], Any]]] = [("nhận văn bản", self.fetch_documents)]
        steps.append(("gửi trạng thái", self.flush))
        if self.behaviour.fetches_sent_statuses:
            steps.append(("nhận trạng thái", self.receive_statuses))
        for what, step in steps:
            try:
                await step()
            except (MailboxError, httpx.HTTPError) as exc:
                self._failure(what, exc)
                return
            except Exception:
                log.exception("%s: %s failed", self.organ_id, what)
                return
        self._last_failure = ""

    async def poll_once(self) -> None:
        """A whole cycle without waiting (tests): fetch, register everything queued, run what is
        due, send the outbox, fetch statuses."""
        await self.fetch_documents()
        while await self.register_next():
            pass
        await self.check_pending()
        await self.run_due()
        await self.flush()
        if self.behaviour.fetches_sent_statuses:
            await self.receive_statuses()
