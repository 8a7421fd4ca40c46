"""Fault injection: make the axis misbehave on purpose, per operation and per agency.

Faults are how the AX scenarios and the load tests prove their checks can fail: a dropped
delivery must show up as a loss, a duplicated one as a duplicate, a down axis as an outage.
They live in memory (a restart clears them, like a real operator's toggle would not survive).
"""

from __future__ import annotations

import itertools
import random
import time
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

from harness.errors import LienthongError


class FaultKind(StrEnum):
    LATENCY = "latency"
    """Delay the reply by `latency_ms`."""
    ERROR = "error"
    """Answer FAIL (ErrorCode 500) without doing anything."""
    DOWN = "down"
    """Answer 503 FAIL to everything for `duration_s` seconds."""
    DROP = "drop"
    """Accept a package but silently lose the delivery to matching receivers."""
    DUPLICATE = "duplicate"
    """Create a second delivery (own docId) to matching receivers."""
    REORDER = "reorder"
    """Return mailbox lists in a shuffled order."""
    WEAK_AUTH = "weak-auth"
    """Authenticate as a careless axis would: unsigned parameters used, hash-file not checked,
    replays and duplicated protocol headers accepted (the AX-11 checks must catch it)."""


class FaultError(LienthongError, ValueError):
    """A fault the control plane cannot inject (the English text is what the API answers)."""


MAX_OWNER = 100


@dataclass(slots=True)
class Fault:
    kind: FaultKind
    operation: str = "*"
    agency: str = "*"
    """Caller system id or organisation code, or for drop/duplicate the receiver; `*` for any."""
    probability: float = 1.0
    latency_ms: float = 0.0
    duration_s: float | None = None
    """Lifetime of the fault from its creation; None keeps it until removed."""
    remaining: int | None = None
    """How many more times it may fire; None is unlimited."""
    owner: str = ""
    """Who put it there (a scenario run): removed with the others of its owner, even by a caller that
    never got the fault's id back."""
    id: int = 0
    created: float = field(default_factory=time.time)
    fired: int = 0

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Fault:
        try:
            kind = FaultKind(str(data["kind"]))
        except (KeyError, ValueError):
            raise FaultError(
                f"kind phải là một trong {[k.value for k in FaultKind]}",
                message_en=f"kind must be one of {[k.value for k in FaultKind]}",
            ) from None
        p = float(data.get("probability", 1.0))
        if not 0.0 <= p <= 1.0:
            raise FaultError("probability phải trong [0, 1]", message_en="probability must be within [0, 1]")
        duration = data.get("duration_s")
        if kind is FaultKind.DOWN and duration is None:
            raise FaultError("lỗi down cần duration_s", message_en="a down fault needs duration_s")
        remaining = data.get("remaining")
        owner = str(data.get("owner", ""))
        if len(owner) > MAX_OWNER:
            raise FaultError(f"owner dài quá {MAX_OWNER} ký tự", message_en=f"owner longer than {MAX_OWNER} characters")
        return cls(
            kind=kind,
            operation=str(data.get("operation", "*")),
            agency=str(data.get("agency", "*")),
            probability=p,
            latency_ms=float(data.get("latency_ms", 0.0)),
            duration_s=None if duration is None else float(duration),
            remaining=None if remaining is None else int(remaining),
            owner=owner,
        )

    def expired(self, now: float) -> bool:
        return (self.duration_s is not None and now > self.created + self.duration_s) or self.remaining == 0

    def to_json(self) -> dict[str, Any]:
        d = asdict(self)
        d["kind"] = self.kind.value
        return d


class Faults:
    def __init__(self, seed: int | None = None) -> None:
        self._faults: list[Fault] = []
        self._ids = itertools.count(1)
        self.rng = random.Random(seed)

    def add(self, fault: Fault) -> Fault:
        fault.id = next(self._ids)
        fault.created = time.time()
        self._faults.append(fault)
        return fault

    def remove(self, fault_id: int | None = None, *, owner: str | None = None) -> int:
        """Remove one fault, those of `owner`, or (neither given) every fault; returns how many."""
        before = len(self._faults)
        if fault_id is not None:
            self._faults = [f for f in self._faults if f.id != fault_id]
        elif owner is not None:
            self._faults = [f for f in self._faults if f.owner != owner]
        else:
            self._faults = []
        return before - len(self._faults)

    def active(self) -> list[Fault]:
        now = time.time()
        self._faults = [f for f in self._faults if not f.expired(now)]
        return list(self._faults)

    def fire(self, kind: FaultKind, operation: str, agencies: tuple[str, ...]) -> Fault | None:
        """The first matching fault that fires this time (probability, remaining count), if any."""
        for f in self.active():
            if f.kind is not kind or f.operation not in ("*", operation):
                continue
            if f.agency != "*" and f.agency not in agencies:
                continue
            if f.probability < 1.0 and self.rng.random() >= f.probability:
                continue
            f.fired += 1
            if f.remaining is not None:
                f.remaining -= 1
            return f
        return None
