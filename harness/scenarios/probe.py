"""A probe is an agency the harness plays itself: it sends to the system under test and collects
what the system sends back. One probe serves many concurrent scenarios: everything it fetches is
acknowledged and kept, and each scenario picks its own mail out by sender and DocumentId."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from harness.edxml import model as m
from harness.edxml.parser import parse_package
from harness.errors import LienthongError
from harness.transport.bkav import BkavClient
from harness.transport.mailbox import SyncBkavMailbox, SyncMailbox, SyncVxpMailbox
from harness.transport.vxp import MessageType, VxpClient


@dataclass(slots=True)
class Mail:
    doc_id: str
    kind: MessageType
    data: bytes
    received: float
    """Epoch seconds when the probe fetched it."""
    from_organ: str = ""
    document_id: str = ""
    """The package's own DocumentId (documents) or ResponseFor/DocumentId (statuses)."""
    status_code: str = ""
    business_type: str = "0"
    reference: str = ""
    """Bussiness/DocumentId of a revoke/update/replace."""
    package: m.EdocPackage | m.StatusPackage | None = None
    unreadable: str = ""
    """Why the package could not be read (it is still kept: a malformed status is evidence)."""


def read_mail(doc_id: str, kind: MessageType, data: bytes) -> Mail:
    mail = Mail(doc_id, kind, data, time.time())
    try:
        package = parse_package(data, strict=False)
    except Exception as exc:  # any parse failure is a finding, never a crash
        mail.unreadable = str(exc)[:300]
        return mail
    mail.package = package
    mail.from_organ = (package.from_.organ_id or "") if package.from_ is not None else ""
    if isinstance(package, m.StatusPackage):
        mail.status_code = package.status_code or ""
        mail.document_id = (package.response_for.document_id or "") if package.response_for else ""
    else:
        mail.document_id = package.document_id or ""
        bus = package.trace_header_list.bussiness if package.trace_header_list else None
        if bus is not None:
            mail.business_type = bus.bussiness_doc_type or "0"
            mail.reference = bus.document_id or ""
    return mail


class WrongProtocol(LienthongError):
    """A check that speaks one axis protocol itself was given a probe on an axis of the other."""


class Probe:
    """Sends and collects through a protocol-neutral mailbox, so the same run-tests judge systems on
    a VXP (profile A) or an EdocService (profile B) axis; `client`/`bkav` give checks that speak one
    protocol itself the raw client."""

    def __init__(
        self,
        organ: m.Organization,
        mailbox: SyncMailbox,
        *,
        role: str = "",
        horizon: Callable[[], float] | None = None,
        poll: float = 0.25,
    ) -> None:
        assert organ.organ_id is not None
        self.organ = organ
        self.organ_id: str = organ.organ_id
        self.role = role
        self.mailbox = mailbox
        self.mail: list[Mail] = []
        self._lock = threading.Lock()
        self._fetch_lock = threading.Lock()
        self._last_collect = 0.0
        self.horizon = horizon
        """Mail received before horizon() concerns no running scenario and is dropped (None: kept all)."""
        self.poll = poll
        """How often waiters look (the world's `Deadlines.poll`) unless a call says otherwise."""
        self._pruned = 0.0

    def __repr__(self) -> str:
        return f"Probe({self.organ_id}, {self.role})"

    @property
    def protocol(self) -> str:
        return self.mailbox.protocol

    @property
    def client(self) -> VxpClient:
        """The probe's VXP client (profile A axes only)."""
        if not isinstance(self.mailbox, SyncVxpMailbox):
            raise WrongProtocol(f"Đơn vị kiểm thử {self.organ_id} ở trục nói {self.protocol}, không phải VXP.")
        return self.mailbox.client

    @property
    def bkav(self) -> BkavClient:
        """The probe's EdocService client (profile B axes only)."""
        if not isinstance(self.mailbox, SyncBkavMailbox):
            raise WrongProtocol(f"Đơn vị kiểm thử {self.organ_id} ở trục nói {self.protocol}, không phải EdocService.")
        return self.mailbox.client

    def close(self) -> None:
        self.mailbox.close()

    def send(self, data: bytes, *, message_type: MessageType = MessageType.EDOC) -> str:
        return self.mailbox.send(data, self.organ_id, message_type)

    def collect(self, max_age: float = 0.0) -> None:
        """Fetch and acknowledge everything waiting (one fetcher at a time); skipped when another
        scenario collected less than `max_age` seconds ago, so many waiters do not flood the axis."""
        with self._fetch_lock:
            if max_age and time.monotonic() - self._last_collect < max_age:
                return
            self._last_collect = time.monotonic()
            for kind in (MessageType.EDOC, MessageType.STATUS):
                for doc_id in self.mailbox.waiting(kind):
                    data = self.mailbox.fetch(doc_id, kind)
                    mail = read_mail(doc_id, kind, data)
                    self.mailbox.ack(doc_id)
                    with self._lock:
                        self.mail.append(mail)
            self._prune()

    def _prune(self) -> None:
        """Forget mail no running scenario can look for: a probe serves a whole province's trial, and
        keeping (and scanning) everything it ever received made each wait slower than the last."""
        now = time.monotonic()
        if self.horizon is None or now - self._pruned < 1.0:
            return
        self._pruned = now
        horizon = self.horizon()
        with self._lock:
            if self.mail and self.mail[0].received < horizon:
                self.mail = [x for x in self.mail if x.received >= horizon]

    def snapshot(self) -> list[Mail]:
        """Everything received so far, in arrival order."""
        with self._lock:
            return list(self.mail)

    def find(self, predicate: Callable[[Mail], bool]) -> list[Mail]:
        with self._lock:
            return [x for x in self.mail if predicate(x)]

    def look(self, predicate: Callable[[Mail], bool], *, poll: float | None = None) -> list[Mail]:
        """Collect (unless someone did within the last `poll` seconds) and return what matches now."""
        self.collect(max_age=self.poll if poll is None else poll)
        return self.find(predicate)

    def wait(
        self, predicate: Callable[[Mail], bool], timeout: float, *, count: int = 1, poll: float | None = None
    ) -> list[Mail]:
        """Collect until `count` matching mails are here or `timeout` passes; returns what matched."""
        poll = self.poll if poll is None else poll
        deadline = time.monotonic() + timeout
        while True:
            found = self.find(predicate)
            if len(found) >= count or time.monotonic() >= deadline:
                return found
            self.collect(max_age=poll)
            found = self.find(predicate)
            if len(found) >= count:
                return found
            time.sleep(min(poll, max(0.0, deadline - time.monotonic())))


def documents_from(sender: str, since: float, document_id: str | None = None) -> Callable[[Mail], bool]:
    def match(x: Mail) -> bool:
        return (
            x.kind is MessageType.EDOC
            and x.from_organ == sender
            and x.received >= since
            and (document_id is None or x.document_id == document_id)
        )

    return match


def statuses_for(document_id: str, reporter: str | None = None, code: str | None = None) -> Callable[[Mail], bool]:
    def match(x: Mail) -> bool:
        return (
            x.kind is MessageType.STATUS
            and x.document_id == document_id
            and (reporter is None or x.from_organ == reporter)
            and (code is None or x.status_code == code)
        )

    return match
