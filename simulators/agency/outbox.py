"""The outbox: statuses leave in the order they were queued; a refusal a retry cannot cure is recorded,
anything else is retried on the next flush.
"""

from __future__ import annotations

import time

import httpx

from harness.edxml import build
from harness.edxml import model as m
from harness.edxml.factory import status_for
from harness.edxml.parser import parse_package
from harness.transport.mailbox import MailboxError
from harness.transport.vxp import MessageType
from simulators.agency.state import AgencyState
from simulators.agency.store import Row


def wrap_status(data: bytes) -> bytes:
    """The faulty status shape: a `Status` wrapper the VNPT parser cannot read (EDX-40)."""
    return data.replace(b"<edXML:MessageHeader>", b"<edXML:Status><edXML:MessageHeader>").replace(
        b"</edXML:MessageHeader>", b"</edXML:MessageHeader></edXML:Status>"
    )


class Outbox(AgencyState):
    def _status_bytes(self, row: Row) -> bytes:
        document = self.parsed.get(row["registration_id"]) or parse_package(bytes(row["package"]), strict=False)
        assert isinstance(document, m.EdocPackage)
        status = status_for(document, self.organ, row["code"], row["description"])
        status.description = row["description"]  # may be empty: the faulty "reject without reason"
        data = build(status)
        return data if self.behaviour.well_formed_statuses else wrap_status(data)

    async def flush(self) -> None:
        async with self.lock:
            await self._flush()

    async def _flush(self) -> None:
        """Send the outbox in order; stop at the first failure a retry may cure (caller holds the lock)."""
        self._flushed_at = time.monotonic()
        for row in self.store.unsent_statuses():
            try:
                data = self._status_bytes(row)
                await self.mailbox.send(data, self.organ_id, MessageType.STATUS)
            except MailboxError as exc:
                self.last_axis_error = f"{exc.code} {exc.description}"
                if exc.permanent:
                    self.store.mark_status(row["id"], f"refused {exc.code}: {exc.description}")
                    continue
                return
            except httpx.HTTPError as exc:
                self.last_axis_error = f"không kết nối được trục {self.connection.endpoint} ({exc})"
                return
            self.store.mark_status(row["id"], "sent")
