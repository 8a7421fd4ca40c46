"""The SIG rule catalogue (signatures.md §4) as data, with the same Rule type as the EDX rules."""

from __future__ import annotations

from harness.edxml.catalogue import Rule, load_catalogue


def catalogue() -> dict[str, Rule]:
    return load_catalogue("harness.signing")


def rule(rule_id: str) -> Rule:
    return catalogue()[rule_id]
