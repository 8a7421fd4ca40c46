"""What every rule check receives: the tree, located parts of it, and a way to report."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from harness.edxml.catalogue import rule
from harness.edxml.findings import Finding, Kind, Level
from harness.edxml.tree import Element, child_path, kid, path

MAX_FINDINGS_PER_RULE = 100


@dataclass(frozen=True, slots=True)
class Transport:
    """Transport metadata that came with the package (VXP headers), for EDX-60/61."""

    messagetype: str | None = None
    servicetype: str | None = None
    from_: str | None = None


@dataclass(slots=True)
class Context:
    """State of one package check. Parts are None when the structure rules found them missing."""

    root: Element
    kind: Kind
    today: date
    transport: Transport | None = None
    envelope: Element | None = None
    header: Element | None = None
    message_header: Element | None = None
    body: Element | None = None
    findings: list[Finding] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)

    def report(self, rule_id: str, where: Element | str, vi: str, en: str, level: Level | None = None) -> None:
        """Record a finding of `rule_id` at an element (or a location string), up to the per-rule cap."""
        self.counts[rule_id] += 1
        if self.counts[rule_id] > MAX_FINDINGS_PER_RULE:
            return  # counted and summarised by close(); no location computed for a flood
        r = rule(rule_id)
        location = where if isinstance(where, str) else path(where)
        self.findings.append(Finding(rule_id, level or r.level, location, vi, en, r.source))

    def close(self) -> list[Finding]:
        """All findings, plus one summary per rule whose findings were capped."""
        for rule_id, count in self.counts.items():
            if count > MAX_FINDINGS_PER_RULE:
                r = rule(rule_id)
                more = count - MAX_FINDINGS_PER_RULE
                self.findings.append(
                    Finding(
                        rule_id,
                        r.level,
                        "/",
                        f"... và {more:,} phát hiện {rule_id} khác (chỉ liệt kê {MAX_FINDINGS_PER_RULE}).",
                        f"... and {more:,} more {rule_id} findings (only {MAX_FINDINGS_PER_RULE} listed).",
                        r.source,
                    )
                )
        return self.findings

    def missing(self, rule_id: str, parent: Element, name: str) -> None:
        """Report that `parent` lacks its child `name`."""
        if self.counts[rule_id] >= MAX_FINDINGS_PER_RULE:
            self.counts[rule_id] += 1
            return
        self.report(rule_id, child_path(parent, name), f"Thiếu phần tử {name}.", f"Missing element {name}.")

    def require_text(
        self, rule_id: str, parent: Element | None, name: str, max_len: int | None = None, label: str = ""
    ) -> str | None:
        """Check that `parent/name` exists, is not blank and fits `max_len`; return its text."""
        label = label or name
        if parent is None:
            return None
        el = kid(parent, name)
        if el is None:
            self.missing(rule_id, parent, name)
            return None
        value = el.text or ""
        if not value.strip():
            self.report(rule_id, el, f"{label} rỗng.", f"{label} is empty.")
        elif max_len is not None and len(value) > max_len:
            self.report(
                rule_id,
                el,
                f"{label} dài {len(value)} ký tự, vượt giới hạn {max_len}.",
                f"{label} is {len(value)} characters, over the {max_len} limit.",
            )
        return value

    def max_length(self, rule_id: str, el: Element | None, limit: int, label: str = "") -> None:
        """Report `el`'s text when it is longer than `limit` (absent or empty is fine)."""
        if el is None or el.text is None or len(el.text) <= limit:
            return
        name = label or path(el).rsplit("/", 1)[-1]
        self.report(
            rule_id,
            el,
            f"{name} dài {len(el.text)} ký tự, vượt giới hạn {limit}.",
            f"{name} is {len(el.text)} characters, over the {limit} limit.",
        )

    def one_of(self, rule_id: str, el: Element | None, allowed: tuple[str, ...], label: str = "") -> None:
        """Report `el`'s value unless it is one of `allowed`; absent or blank elements are skipped."""
        if el is None or not (el.text or "").strip():
            return
        if el.text not in allowed:
            name = label or path(el).rsplit("/", 1)[-1]
            self.report(
                rule_id,
                el,
                f"{name} = '{el.text}' không thuộc {{{', '.join(allowed)}}}.",
                f"{name} = '{el.text}' is not one of {{{', '.join(allowed)}}}.",
            )
