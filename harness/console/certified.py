"""What an issued appendix certified, read back from the canonical JSON kept when it was issued (the text
its verification code is the digest of), for the public verification page: a re-run after the appendix was
printed changes today's result, never what that appendix says."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from harness.edxml.formats import ICT
from harness.reports.verification import code_of
from harness.trial.catalogue import BY_ID
from harness.trial.issued import normalise_code
from harness.trial.statement import COMPLETE_VI, ITEM_OUTCOME_VI, ItemOutcome


@dataclass(frozen=True, slots=True)
class CertifiedItem:
    test_id: str
    name_vi: str
    outcome: str
    outcome_vi: str
    at: datetime | None


@dataclass(frozen=True, slots=True)
class Certified:
    organ_id: str
    name: str
    round_name: str
    complete: bool
    completed_at: datetime | None
    items: tuple[CertifiedItem, ...]

    @property
    def complete_vi(self) -> str:
        return COMPLETE_VI[self.complete]


def _instant(value: object) -> datetime | None:
    return datetime.fromisoformat(value).astimezone(ICT) if isinstance(value, str) and value else None


def _item(raw: dict[str, Any]) -> CertifiedItem:
    test_id = str(raw.get("id", ""))
    outcome = ItemOutcome(str(raw.get("outcome")))
    test = BY_ID.get(test_id)
    name = test.name_vi if test is not None else test_id
    return CertifiedItem(test_id, name, outcome.value, ITEM_OUTCOME_VI[outcome], _instant(raw.get("at")))


def certified(content: str | None, code: str) -> Certified | None:
    """The appendix's certified statement; None when none was kept, it is not an appendix, or it does not
    hash to `code` (a damaged record is not shown as if it were the appendix)."""
    if content is None or normalise_code(code_of(content.encode("utf-8"))) != normalise_code(code):
        return None
    try:
        data = json.loads(content)
        if data.get("kind") != "phu-luc":
            return None
        items = tuple(_item(i) for i in data.get("items", []))
        round_data = data.get("round") or {}
        return Certified(
            organ_id=str(data["organ_id"]),
            name=str(data.get("name", "")),
            round_name=str(round_data.get("name", "")),
            complete=bool(data.get("complete")),
            completed_at=_instant(data.get("completed_at")),
            items=items,
        )
    except (ValueError, KeyError, TypeError, AttributeError):
        return None
