"""What every part of a simulated agency shares: its identity, store, axis client, profile, timing and
locks (AgencyState), the modes and timings it runs with, and small helpers.
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import logging
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, TypeVar

from cryptography.hazmat.primitives.serialization import Encoding

from harness.backchannel.models import (
    BackchannelError,
    ErrorCode,
)
from harness.edxml import build
from harness.edxml import model as m
from harness.edxml.formats import ICT
from harness.pki import TestPki
from harness.signing.verify import TrustConfig
from harness.transport.mailbox import Mailbox, open_mailbox
from simulators.agency.profiles import CONFORMANT, Behaviour
from simulators.agency.store import AgencyStore

log = logging.getLogger(__name__)


T = TypeVar("T")


class Mode(StrEnum):
    AUTO = "auto"
    """The simulated clerk accepts and works through every document by itself."""
    DRIVEN = "driven"
    """After 01 (or an automatic 02) the agency waits for backchannel actions."""


@dataclass(frozen=True, slots=True)
class Timing:
    poll_interval: float = 1.0
    """Seconds between two polls of the axis (multiplied by the profile's poll_factor)."""
    step_delay: float = 0.5
    """Seconds between two automatic statuses of the same document (03 -> 04 -> 05 -> 06, 02, 15)."""
    register_delay: float = 0.05
    """Seconds the clerk takes between two registrations (the queue that makes flash order visible)."""


@dataclass(frozen=True, slots=True)
class Connection:
    endpoint: str
    system_id: str
    secret: str
    protocol: str = "vxp"
    """What the home axis speaks: "vxp" (profile A) or "bkav" (EdocService, profile B)."""


WRONG_SECRET_SUFFIX = "-sai-mat-khau"
PARSED_KEPT = 64
"""Parsed registered documents kept for their checks; a document checked after it left is parsed again."""


def filed(package: m.EdocPackage) -> bytes:
    """What the registry keeps of a package once its files are checked (or it was sent): the envelope
    without the attachments' content. Statuses and follow-ups need only the header; keeping every file
    made a province-sized trial's simulated systems grow by tens of megabytes each."""
    return build(dataclasses.replace(package, attachments=[]))


_LOCKS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, asyncio.Lock]] = weakref.WeakKeyDictionary()


async def in_thread(kind: str, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run CPU-heavy work (rendering and signing, or verifying) in a worker thread, one job of each
    `kind` at a time per event loop. The waiting happens in the loop, not in a thread, so queued
    jobs never starve the thread pool the rest of the agency uses (pyHanko runs its own event
    loop inside, hence the thread)."""
    locks = _LOCKS.setdefault(asyncio.get_running_loop(), {})
    lock = locks.setdefault(kind, asyncio.Lock())
    async with lock:
        return await asyncio.to_thread(fn, *args, **kwargs)


def iso(ts: float | None) -> str:
    return datetime.fromtimestamp(ts or 0.0, ICT).isoformat(timespec="milliseconds")


def bad_request(message_vi: str) -> BackchannelError:
    return BackchannelError(400, ErrorCode.BAD_REQUEST, message_vi)


def trust_id(pki: TestPki) -> str:
    """What signature verdicts depend on besides the files: the anchors and the CRLs."""
    digest = hashlib.sha256()
    for cert in (pki.root.certificate, pki.ca.certificate):
        digest.update(cert.public_bytes(Encoding.DER))
    for crl in pki.crls:
        digest.update(crl.public_bytes(Encoding.DER))
    return digest.hexdigest()


class AgencyState:
    """The state the inbox, the clerk, the checker, the outbox and the composer work on."""

    def __init__(
        self,
        organ: m.Organization,
        connection: Connection,
        pki: TestPki,
        db_path: str,
        *,
        behaviour: Behaviour = CONFORMANT,
        timing: Timing = Timing(),
        mode: Mode = Mode.AUTO,
        profile_name: str = "conformant",
        directory: dict[str, str] | None = None,
        organs: tuple[str, ...] = (),
    ) -> None:
        assert organ.organ_id is not None
        self.organ = organ
        self.organ_id: str = organ.organ_id
        self.codes = {self.organ_id, *organs}
        """Every code this system receives for (a system may act for several organisations)."""
        self.pki = pki
        self.trust = TrustConfig.from_pki(pki)
        self.trust_id = trust_id(pki)
        self.behaviour = behaviour
        self.timing = timing
        self.mode = mode
        self.profile_name = profile_name
        self.directory: dict[str, str] = dict(directory or {})
        """Agency code -> name, for the recipients of documents this agency sends."""
        self.store = AgencyStore(db_path)
        self.connection = connection
        secret = connection.secret + WRONG_SECRET_SUFFIX if behaviour.wrong_secret else connection.secret
        self.mailbox: Mailbox = open_mailbox(
            connection.protocol, connection.endpoint, connection.system_id, self.organ_id, secret
        )
        self.lock = asyncio.Lock()
        """Held while the state of registrations changes and the outbox is sent."""
        self.fetch_lock = asyncio.Lock()
        """One fetch at a time (the polling loop, or a clerk's refresh before answering a request)."""
        self.wake = asyncio.Event()
        """Set when the polling loop queued something for the clerk, or work was planned for it."""
        self.store.on_planned = self.wake.set
        self.to_check = asyncio.Event()
        """Set when the clerk registered a document whose signatures must be checked."""
        self.parsed: dict[int, m.EdocPackage] = {}
        """Documents the clerk registered, parsed, by registration id until their signatures are checked: the 01
        status and the checker read them instead of parsing the package again (a 300 KB package is parsed in
        milliseconds, and each received document was parsed four times; see `remember_parsed`)."""
        self.awake = asyncio.Event()
        """Clear while the agency is dormant: a province-sized trial tests a few agencies at a time, and
        hundreds of idle systems polling four times a second would starve the ones under test."""
        self.awake.set()
        self.last_axis_error = ""
        self._last_failure = ""
        self._fetching = False
        self._flushed_at = 0.0
        """True while a poll is fetching: the clerk waits so that it sees the whole batch (flash order)."""

    async def aclose(self) -> None:
        await self.mailbox.aclose()
        self.store.close()

    def remember_parsed(self, registration_id: int, package: m.EdocPackage) -> None:
        """Keep a registered document's parsed package for its checks (the oldest go past PARSED_KEPT)."""
        while len(self.parsed) >= PARSED_KEPT:
            self.parsed.pop(next(iter(self.parsed)))
        self.parsed[registration_id] = package

    def _failure(self, what: str, exc: Exception) -> None:
        text = f"{what}: {exc}"
        level = logging.DEBUG if text == self._last_failure else logging.WARNING
        log.log(level, "%s: %s", self.organ_id, text)
        self._last_failure = text
