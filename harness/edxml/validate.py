"""`validate(data) -> Report`: the one entry point from bytes to findings."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from harness.edxml.catalogue import rule
from harness.edxml.findings import Finding, Kind, Report
from harness.edxml.formats import now_ict
from harness.edxml.parser import Parsed, parse
from harness.edxml.rules import Context, SequenceChecker, Transport, run_checks
from harness.edxml.safexml import Limits


@dataclass(slots=True)
class Inspection:
    """A report together with what was parsed, for callers that go on using the package."""

    report: Report
    parsed: Parsed


def inspect(
    data: bytes,
    *,
    strict: bool = False,
    limits: Limits | None = None,
    today: date | None = None,
    transport: Transport | None = None,
    path: str | None = None,
    model: bool = True,
    carriage_only: bool = False,
) -> Inspection:
    """Parse safely, then run every stateless rule; never raises on bad input.

    `model=False` skips building the package model (and its copy of the attachment text) for
    callers that only want findings; `carriage_only` limits the rules to those an axis needs.
    """
    parsed = parse(data, strict=strict, limits=limits, model=model)
    r01 = rule("EDX-01")
    report = Report(kind=parsed.kind, path=path)
    report.findings.extend(
        Finding("EDX-01", r01.level, p.location, p.message_vi, p.message_en, r01.source) for p in parsed.problems
    )
    if parsed.root is not None:
        ctx = Context(
            root=parsed.root,
            kind=parsed.kind if parsed.kind is not Kind.UNKNOWN else Kind.EDOC,
            today=today or now_ict().date(),
            transport=transport,
        )
        run_checks(ctx, carriage_only=carriage_only)
        report.findings.extend(ctx.close())
    return Inspection(report, parsed)


def validate(
    data: bytes,
    *,
    strict: bool = False,
    limits: Limits | None = None,
    today: date | None = None,
    transport: Transport | None = None,
    path: str | None = None,
) -> Report:
    """Findings of every stateless EDX rule on one package."""
    return inspect(data, strict=strict, limits=limits, today=today, transport=transport, path=path, model=False).report


def validate_sequence(
    items: Iterable[tuple[str, bytes]], *, strict: bool = False, today: date | None = None
) -> tuple[list[Report], list[Finding]]:
    """Validate each package, then the stateful rules EDX-45..49 over the ordered sequence."""
    checker = SequenceChecker()
    reports: list[Report] = []
    for label, data in items:
        result = inspect(data, strict=strict, today=today, path=label)
        reports.append(result.report)
        if result.parsed.package is not None:
            checker.feed(result.parsed.package, label)
    return reports, checker.finish()
