"""What every driver offers the scenarios.

A driver only makes the system act and, where it can, tells what the system holds. Pass/fail is
always decided from what reaches the axis: a driver that can only instruct a clerk (operator)
returns `Command(instructed_only=True)` and the scenario waits for the effect on the axis.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from harness.backchannel.models import Action, ReceivedDocument, SendRequest, SentDocument
from harness.errors import LienthongError


class DriverError(LienthongError, RuntimeError):
    """The driver itself failed (backchannel unreachable, container did not start, ...)."""


@dataclass(slots=True)
class Command:
    """How the system took a command."""

    accepted: bool
    """The system (or the clerk) took the command; False when it refused it."""
    instructed_only: bool = False
    """Operator: the clerk was only told what to do; the axis will show whether it happened."""
    document_id: str | None = None
    """For a send: the DocumentId the system reports (None when it cannot tell)."""
    status_code: str | None = None
    """For an action: the status code the system reports it sent."""
    refusal_code: str = ""
    refusal_vi: str = ""
    """Why the system refused (e.g. SECRET_DOCUMENT: văn bản mật không được gửi qua trục)."""


@dataclass(slots=True)
class Attestation:
    """A manual step an operator vouched for: who, what, when, and the evidence they gave."""

    operator: str
    step_vi: str
    answer: str
    at: datetime
    note: str = ""
    files: list[str] = field(default_factory=list)


class Driver(Protocol):
    name: str
    """simulated, backchannel, operator or container."""

    def start(self) -> None:
        """Get the system ready (start a container, check the backchannel answers)."""

    def close(self) -> None: ...

    def send_document(self, request: SendRequest) -> Command: ...

    def act(self, document_id: str, from_organ: str, action: Action, reason: str = "") -> Command: ...

    def recall(self, document_id: str, reason: str = "") -> Command: ...

    def received(self, document_id: str | None = None, from_organ: str | None = None) -> list[ReceivedDocument] | None:
        """The system's register of received documents, or None when the driver cannot see it."""

    def sent(self) -> list[SentDocument] | None:
        """The system's register of sent documents with their statuses, or None."""

    def attest(self, step_vi: str) -> Attestation | None:
        """Ask a person to vouch for a step the axis cannot show; None for automatic drivers."""
