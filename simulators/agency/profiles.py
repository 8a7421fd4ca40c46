"""Behaviour profiles: `conformant`, and faulty ones that each break exactly one thing.

Faulty profiles are how the run-test scenarios prove they can fail: each one must fail exactly
its own scenarios (the mutation matrix of issue 5). Every knob works in both modes of the agency
(`auto`: the simulated clerk acts by itself; `driven`: the harness acts through the backchannel).
The table names the run-test that must catch each fault; fixtures/mutation_matrix.yaml lists every
scenario each profile fails (a fault may also break the scenarios that depend on it).

| profile | what it breaks | run-test that must catch it |
| --- | --- | --- |
| `never-signs` | sends unsigned PDFs | RT-02 (and the peer's RT-07 answer: 02 "SIG-02: ...") |
| `signs-as-other-agency` | signs with another agency's certificates | RT-02 (SIG-12) |
| `accepts-unsigned` | never rejects a document for its signatures | RT-07 |
| `no-status-01` | never returns 01 on arrival | RT-05 (EDX-46) |
| `statuses-out-of-order` | 05 before 04 (auto 03, 05, 04, 06; driven: assign -> 05, process -> 04) | RT-05 (EDX-45) |
| `reject-without-reason` | 02 with an empty Description | RT-05 / RT-07 (EDX-44) |
| `malformed-status` | status packages wrapped in `Status` (the axis refuses them: EDX-40) | RT-05 |
| `polls-rarely` | polls 6 times less often (3 s in compressed time, twice RT-04's cadence) | RT-04 (cadence) |
| `registers-twice` | registers a redelivered document again (second 01, ...) | RT-04 |
| `ignores-flash` | registers in arrival order, flash documents wait their turn | RT-09 |
| `ignores-sent-statuses` | never fetches the statuses of what it sent | RT-06 |
| `sends-secret` | sends documents marked secret (subject starts "(MẬT)") | RT-11 |
| `acks-broken-packages` | acks broken/misaddressed packages `done`, registers them (only SIG checks can 02) | RT-12 |
| `wrong-credentials` | authenticates with a wrong secret: the axis answers 401 to everything | RT-01 |
| `sends-invalid-package` | its documents write PromulgationDate dd/MM/yyyy (EDX-13, not a carriage rule) | RT-03 |
| `ignores-recall` | never answers a recall, update or replacement (no 15/16) | RT-08 |
| `missing-doc-type` | cannot send a "Công điện" (UNSUPPORTED_TYPE) | RT-10 |
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
    """Never reject a document automatically for its SIG findings (RT-07): auto mode accepts it
    with 03, driven mode waits for the clerk's actions as for a good document."""
    sends_01: bool = True
    """Return status 01 on arrival (RT-05, EDX-46)."""
    statuses_in_order: bool = True
    """False swaps 04 and 05: auto sends 03, 05, 04, 06; driven sends 05 for `assign` and 04 for
    `process` (RT-05, EDX-45)."""
    reason_on_reject: bool = True
    """Give a reason with status 02; False sends an empty Description (EDX-44)."""
    well_formed_statuses: bool = True
    """False wraps statuses in a `Status` element the VNPT parser cannot read (EDX-40)."""
    poll_factor: float = 1.0
    """Multiplier of the polling interval (RT-04 cadence); a slow system polls rarely."""
    registers_redeliveries: bool = False
    """Register a redelivered package a second time (RT-04)."""
    fetches_sent_statuses: bool = True
    """Fetch and acknowledge statuses of documents it sent (RT-06)."""
    honours_flash: bool = True
    """Register flash documents (priority 3/4) first, then 2, 1, 0; False: arrival order (RT-09)."""
    sends_secret: bool = False
    """Send documents marked secret over the axis (RT-11)."""
    acks_broken_packages: bool = False
    """Acknowledge a malformed or misaddressed package `done` instead of `fail`, and register it
    where it can be parsed, ignoring its EDX findings and addressee; only the signature check can
    still reject it with 02 (a broken base64 file: SIG-01) (RT-12)."""
    wrong_secret: bool = False
    """Authenticate with a wrong secret: every axis call is refused with 401 (RT-01)."""
    valid_packages: bool = True
    """False writes PromulgationDate as dd/MM/yyyy in sent documents: EDX-13, a rule the axis at
    strictness `transport` does not check, so the package reaches the receiver (RT-03)."""
    answers_requests: bool = True
    """Answer recall/update/replace requests with 15/16; False ignores them: no pending request is
    recorded, agree/refuse are refused, auto mode sends nothing (RT-08)."""
    unsupported_types: tuple[str, ...] = ()
    """Document types (Vietnamese names) the system cannot send (RT-10)."""


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
    "polls-rarely": replace(CONFORMANT, poll_factor=6.0),
    "registers-twice": replace(CONFORMANT, registers_redeliveries=True),
    "ignores-flash": replace(CONFORMANT, honours_flash=False),
    "ignores-sent-statuses": replace(CONFORMANT, fetches_sent_statuses=False),
    "sends-secret": replace(CONFORMANT, sends_secret=True),
    "acks-broken-packages": replace(CONFORMANT, acks_broken_packages=True),
    "wrong-credentials": replace(CONFORMANT, wrong_secret=True),
    "sends-invalid-package": replace(CONFORMANT, valid_packages=False),
    "ignores-recall": replace(CONFORMANT, answers_requests=False),
    "missing-doc-type": replace(CONFORMANT, unsupported_types=("Công điện",)),
}


def profile(name: str) -> Behaviour:
    try:
        return PROFILES[name]
    except KeyError:
        raise KeyError(f"unknown behaviour profile {name!r}; known: {', '.join(PROFILES)}") from None
