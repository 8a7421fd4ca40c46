"""The axis' answer to one raw call of a probe, whichever protocol the probe speaks.

Checks that must see a refusal as it is (AX-06, AX-07) send their calls raw: through the VXP client's
`send` (profile A) or the EdocService client's `call` (profile B), never through the mailbox, which
turns a refusal into an exception. Both answers read as one `Answer`, so a check judges either.
"""

from __future__ import annotations

from dataclasses import dataclass

from harness.scenarios.probe import Probe
from harness.transport.bkav import Reply as BkavReply
from harness.transport.vxp import Reply as VxpReply

VXP_BROKEN = ("500", "503", "100")
"""VXP codes that say the axis broke (server errors, the parser's catch-all), not that it refused."""
BKAV_BROKEN = ("InternalServer", "Unavailable", "NotJson")
DUPLICATE_CODE = {"vxp": "409", "bkav": "ExistDoc"}
"""How each protocol refuses a new document sent again under the same DocumentId."""
FORBIDDEN_CODE = {"vxp": "403", "bkav": "Forbidden"}
"""How each protocol refuses a package whose sender the caller does not own."""
LEAKY_FIELDS = ("data", "DocId", "docId", "count")
"""Fields of an answer that carry content: in a refusal they must be empty."""


@dataclass(frozen=True, slots=True)
class Answer:
    ok: bool
    code: str
    """VXP's errorCode, or EdocService's first error code (ExistDoc, DocID, ...)."""
    description: str
    http_status: int
    sent_id: str = ""
    """The axis' id of a package it accepted (VXP DocId, EdocService docId)."""
    leaks: bool = False
    """A refusal that still carries content."""

    @property
    def broke(self) -> bool:
        return self.http_status >= 500 or self.code in VXP_BROKEN or self.code in BKAV_BROKEN

    def shape(self, doc_id: str) -> tuple[bool, str, int, str]:
        """What a caller learns from the answer, with the docId asked about blanked out."""
        return (self.ok, self.code, self.http_status, self.description.replace(doc_id, "<docId>"))

    @classmethod
    def of_vxp(cls, reply: VxpReply) -> Answer:
        leaks = not reply.ok and any(reply.body.get(name) for name in LEAKY_FIELDS)
        sent = str(reply.body.get("DocId", "")) if reply.ok else ""
        return cls(reply.ok, reply.error_code, reply.error_desc, reply.http_status, sent, leaks)

    @classmethod
    def of_bkav(cls, reply: BkavReply) -> Answer:
        first = reply.errors[0] if reply.errors else None
        code = first.code if first is not None else ("" if reply.ok else reply.code)
        description = first.description if first is not None else ""
        leaks = not reply.ok and any(reply.body.get(name) for name in LEAKY_FIELDS)
        sent = str(reply.body.get("docId", "")) if reply.ok else ""
        return cls(reply.ok, code, description, reply.http_status, sent, leaks)


def send_raw(probe: Probe, data: bytes) -> Answer:
    """Send a document package and keep the answer, refusal or not."""
    if probe.protocol == "bkav":
        return Answer.of_bkav(probe.bkav.call(probe.bkav.protocol.send_document(data)))
    client = probe.client
    response = client.send(client.protocol.send_edoc(data, sender=probe.organ_id))
    return Answer.of_vxp(VxpReply.parse(response.status_code, response.content))


def read_raw(probe: Probe, doc_id: str) -> Answer:
    """Read a package by docId (getEdoc, getDocument) without acknowledging it."""
    if probe.protocol == "bkav":
        return Answer.of_bkav(probe.bkav.call(probe.bkav.protocol.get_document(int(doc_id))))
    response = probe.client.send(probe.client.protocol.get_edoc(doc_id))
    return Answer.of_vxp(VxpReply.parse(response.status_code, response.content))


def ack_raw(probe: Probe, doc_id: str) -> Answer:
    """Acknowledge a package by docId (updateStatus done, confirmReceived)."""
    if probe.protocol == "bkav":
        return Answer.of_bkav(probe.bkav.call(probe.bkav.protocol.confirm_received(int(doc_id))))
    response = probe.client.send(probe.client.protocol.update_status(doc_id, "done"))
    return Answer.of_vxp(VxpReply.parse(response.status_code, response.content))
