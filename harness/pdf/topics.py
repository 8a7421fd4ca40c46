"""The subjects generated documents are about, read from topics.yaml (data, not code)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

TOPICS_FILE = Path(__file__).resolve().parent / "topics.yaml"


@dataclass(frozen=True, slots=True)
class Topic:
    name: str  # noun phrase: "chuyển đổi số"
    action: str  # verb phrase for a subject line: "đẩy mạnh chuyển đổi số ..."
    goal: str  # verb phrase: "Để {goal}, ..."
    tasks: tuple[str, ...]
    indicators: tuple[tuple[str, str], ...]  # (what is measured, unit)
    basis: tuple[str, ...]  # legal basis specific to the topic (real texts)
    ministry: str  # the central body a province reports to
    lead_local: str  # the department in charge in a province
    lead_central: str  # the unit in charge in a ministry
    unit_local: str  # drafting unit of a provincial People's Committee office
    unit_central: str


@dataclass(frozen=True, slots=True)
class Emergency:
    subject: str
    situation: str  # with {place}, {a}, {b}, {c} filled from the seed
    orders: tuple[str, ...]


def _tuples(value: Any) -> Any:
    return tuple(_tuples(v) for v in value) if isinstance(value, list) else value


def _load() -> tuple[tuple[Topic, ...], tuple[Emergency, ...]]:
    data = yaml.safe_load(TOPICS_FILE.read_text(encoding="utf-8"))
    topics = tuple(Topic(**{k: _tuples(v) for k, v in t.items()}) for t in data["topics"])
    emergencies = tuple(Emergency(**{k: _tuples(v) for k, v in e.items()}) for e in data["emergencies"])
    return topics, emergencies


TOPICS, EMERGENCIES = _load()
