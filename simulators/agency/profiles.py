"""Behaviour profiles: `conformant`, and faulty ones that each break exactly one thing.

Faulty profiles are how the run-test scenarios prove they can fail: each one must fail exactly
its own scenarios (the mutation matrix of issue 5).
"""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True, slots=True)
class Behaviour:
    """Every knob a profile can turn; the defaults are the conformant system."""

    signs: bool = True
    """Sign outgoing documents (RT-02)."""
    signs_as_other_agency: bool = False
    """Sign with another agency's certificate (RT-02, SIG-12)."""
    accepts_unsigned: bool = False
    """Accept (03) documents whose signatures fail instead of rejecting them (RT-07)."""
    sends_01: bool = True
    """Return status 01 on arrival (RT-05, EDX-46)."""
    statuses_in_order: bool = True
    """Send 01 -> 03 -> 04 -> 05 -> 06; False sends 05 before 04 (RT-05, EDX-45)."""
    reason_on_reject: bool = True
    """Give a reason with status 02 (EDX-44)."""
    well_formed_statuses: bool = True
    """False wraps statuses in a `Status` element the VNPT parser cannot read (EDX-40)."""
    poll_factor: float = 1.0
    """Multiplier of the polling interval (RT-04 cadence); a slow system polls rarely."""
    registers_redeliveries: bool = False
    """Register a redelivered package a second time (RT-04)."""
    fetches_sent_statuses: bool = True
    """Fetch and acknowledge statuses of documents it sent (RT-06)."""
    honours_flash: bool = True
    """Fetch flash documents first (RT-09)."""
    sends_secret: bool = False
    """Send documents marked secret over the axis (RT-11)."""
    acks_broken_packages: bool = False
    """Acknowledge a malformed package `done` instead of `fail` (RT-12)."""


CONFORMANT = Behaviour()

PROFILES: dict[str, Behaviour] = {
    "conformant": CONFORMANT,
    "never-signs": replace(CONFORMANT, signs=False),
    "signs-as-other-agency": replace(CONFORMANT, signs_as_other_agency=True),
    "accepts-unsigned": replace(CONFORMANT, accepts_unsigned=True),
    "no-status-01": replace(CONFORMANT, sends_01=False),
    "statuses-out-of-order": replace(CONFORMANT, statuses_in_order=False),
    "reject-without-reason": replace(CONFORMANT, reason_on_reject=False),
    "malformed-status": replace(CONFORMANT, well_formed_statuses=False),
    "polls-rarely": replace(CONFORMANT, poll_factor=20.0),
    "registers-twice": replace(CONFORMANT, registers_redeliveries=True),
    "ignores-flash": replace(CONFORMANT, honours_flash=False),
    "ignores-sent-statuses": replace(CONFORMANT, fetches_sent_statuses=False),
    "sends-secret": replace(CONFORMANT, sends_secret=True),
    "acks-broken-packages": replace(CONFORMANT, acks_broken_packages=True),
}


def profile(name: str) -> Behaviour:
    try:
        return PROFILES[name]
    except KeyError:
        raise KeyError(f"unknown behaviour profile {name!r}; known: {', '.join(PROFILES)}") from None
