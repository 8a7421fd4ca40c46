"""Which scenarios are running right now, so the console can show "Đang chạy" while a round goes on.

The campaign marks a scenario when it starts; recording its result (CampaignStore.record) clears the mark in
the same transaction. A session clears its round's marks when it starts and when it ends, so a killed run
leaves nothing that looks alive for long.
"""

from __future__ import annotations

from sqlalchemy import delete, select

from harness.edxml.formats import now_ict
from harness.trial.store import CampaignStore
from harness.trial.tables import live_table


def mark_running(
    store: CampaignStore, round_number: int, organ_id: str, scenario_id: str, name: str, attempt: int
) -> None:
    values = {
        "round": round_number,
        "organ_id": organ_id,
        "scenario_id": scenario_id,
        "name": name,
        "attempt": attempt,
        "started_at": now_ict(),
    }
    with store.tx() as conn:
        store.upsert(conn, live_table, values, ("round", "organ_id", "scenario_id", "name"))


def running(store: CampaignStore, round_number: int) -> set[tuple[str, str]]:
    """(organ_id, scenario_id) with at least one scenario running in the round."""
    t = live_table
    with store.tx() as conn:
        rows = conn.execute(select(t.c.organ_id, t.c.scenario_id).where(t.c.round == round_number)).all()
    return {(r.organ_id, r.scenario_id) for r in rows}


def clear_running(store: CampaignStore, round_number: int) -> None:
    with store.tx() as conn:
        conn.execute(delete(live_table).where(live_table.c.round == round_number))
