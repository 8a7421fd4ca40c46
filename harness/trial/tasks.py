"""The clerk's task list: what an operator-driven scenario asks a clerk (văn thư) to do or to vouch for,
kept in the campaign store so the console shows it and the driver, in another process, waits on the answer.

A task is an *instruction* (do this in your own system; the scenario then watches the axis) or an
*attestation* (say whether something the axis cannot show happened; the driver waits for the answer).
The clerk marks it done or not possible, with a note and screenshots; an attestation's answer is also
stored as a campaign attestation (who, when, each file's SHA-256), which the appendix shows.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select, update

from harness.drivers.operator import TaskAnswer
from harness.edxml.formats import ICT, now_ict
from harness.trial.store import CampaignStore, StoreError
from harness.trial.tables import tasks_table

INSTRUCTION = "instruction"
ATTESTATION = "attestation"
OPEN, DONE, IMPOSSIBLE, EXPIRED = "open", "done", "impossible", "expired"
STATE_VI = {OPEN: "Chờ thực hiện", DONE: "Đã thực hiện", IMPOSSIBLE: "Không thực hiện được", EXPIRED: "Quá hạn"}
KIND_VI = {INSTRUCTION: "Thao tác", ATTESTATION: "Xác nhận"}


@dataclass(frozen=True, slots=True)
class Task:
    id: int
    round: int
    organ_id: str
    scenario_id: str
    scenario: str
    attempt: int
    number: int
    kind: str
    title: str
    text: str
    expect_vi: str
    document: str
    deadline: datetime | None
    created_at: datetime
    state: str
    answered_by: str
    answered_at: datetime | None
    note: str
    files: tuple[dict[str, Any], ...]
    """{"path" (relative to the store's files folder), "name", "sha256", "size"} per uploaded file."""

    @property
    def state_vi(self) -> str:
        return STATE_VI.get(self.state, self.state)

    @property
    def kind_vi(self) -> str:
        return KIND_VI.get(self.kind, self.kind)

    @property
    def is_open(self) -> bool:
        return self.state == OPEN


def _step_of(task: Task) -> tuple[int, str, str, str, int]:
    """The scenario attempt a task is a step of: its steps are answered in order."""
    return (task.round, task.organ_id, task.scenario_id, task.scenario, task.attempt)


def in_scenario_order(tasks: Iterable[Task]) -> list[Task]:
    """Tasks as their scenarios asked for them: scenario attempts in the order they began, then step by step
    (so an attestation never sits above the instruction it depends on)."""
    listed = list(tasks)
    first: dict[tuple[int, str, str, str, int], int] = {}
    for task in listed:
        key = _step_of(task)
        first[key] = min(first.get(key, task.id), task.id)
    return sorted(listed, key=lambda t: (first[_step_of(t)], t.number, t.id))


def waiting(tasks: Iterable[Task]) -> dict[int, Task]:
    """For each open task that depends on an earlier open step of its scenario attempt, that step."""
    open_tasks = in_scenario_order(t for t in tasks if t.is_open)
    earliest: dict[tuple[int, str, str, str, int], Task] = {}
    blocked: dict[int, Task] = {}
    for task in open_tasks:
        before = earliest.setdefault(_step_of(task), task)
        if before.number < task.number:
            blocked[task.id] = before
    return blocked


def _task(row: Any) -> Task:
    return Task(
        id=int(row.id),
        round=int(row.round),
        organ_id=row.organ_id,
        scenario_id=row.scenario_id,
        scenario=row.scenario,
        attempt=int(row.attempt),
        number=int(row.number),
        kind=row.kind,
        title=row.title,
        text=row.text,
        expect_vi=row.expect_vi,
        document=row.document,
        deadline=row.deadline,
        created_at=row.created_at,
        state=row.state,
        answered_by=row.answered_by,
        answered_at=row.answered_at,
        note=row.note,
        files=tuple(json.loads(row.files or "[]")),
    )


class TaskStore:
    """Tasks of one campaign store."""

    def __init__(self, store: CampaignStore) -> None:
        self.store = store

    def post(
        self,
        *,
        round_number: int,
        organ_id: str,
        scenario_id: str,
        scenario: str,
        attempt: int,
        number: int,
        kind: str,
        title: str,
        text: str,
        expect_vi: str = "",
        document: str = "",
        deadline: datetime | None = None,
    ) -> Task:
        if kind not in (INSTRUCTION, ATTESTATION):
            raise StoreError(f"Loại việc {kind!r} không hợp lệ.")
        values = {
            "round": round_number,
            "organ_id": organ_id,
            "scenario_id": scenario_id,
            "scenario": scenario,
            "attempt": attempt,
            "number": number,
            "kind": kind,
            "title": title,
            "text": text,
            "expect_vi": expect_vi,
            "document": document,
            "deadline": deadline,
            "created_at": now_ict(),
            "state": OPEN,
            "answered_by": "",
            "answered_at": None,
            "note": "",
            "files": "[]",
        }
        with self.store.tx() as conn:
            task_id = conn.execute(insert(tasks_table).values(**values)).inserted_primary_key
        assert task_id is not None
        found = self.get(int(task_id[0]))
        assert found is not None
        return found

    def get(self, task_id: int) -> Task | None:
        with self.store.tx() as conn:
            row = conn.execute(select(tasks_table).where(tasks_table.c.id == task_id)).first()
        return _task(row) if row is not None else None

    def tasks(
        self,
        round_number: int | None = None,
        *,
        organ_ids: Collection[str] | None = None,
        states: Collection[str] | None = None,
    ) -> list[Task]:
        """Tasks newest first, filtered by round, agencies and states."""
        t = tasks_table
        query = select(t)
        if round_number is not None:
            query = query.where(t.c.round == round_number)
        if organ_ids is not None:
            query = query.where(t.c.organ_id.in_(list(organ_ids)))
        if states is not None:
            query = query.where(t.c.state.in_(list(states)))
        with self.store.tx() as conn:
            rows = conn.execute(query.order_by(t.c.id.desc())).all()
        return [_task(r) for r in rows]

    def waiting_on(self, task: Task) -> Task | None:
        """The earlier step of the task's scenario attempt that is still open (None: the task may be answered)."""
        t = tasks_table
        with self.store.tx() as conn:
            rows = conn.execute(
                select(t).where(
                    t.c.round == task.round,
                    t.c.organ_id == task.organ_id,
                    t.c.scenario_id == task.scenario_id,
                    t.c.scenario == task.scenario,
                    t.c.attempt == task.attempt,
                    t.c.state == OPEN,
                )
            ).all()
        steps = {r.id: _task(r) for r in rows}
        steps[task.id] = task
        return waiting(steps.values()).get(task.id)

    def set_deadline(self, task_id: int, deadline: datetime) -> None:
        with self.store.tx() as conn:
            conn.execute(update(tasks_table).where(tasks_table.c.id == task_id).values(deadline=deadline))

    def answer(self, task_id: int, *, state: str, who: str, note: str = "", files: Iterable[Path] = ()) -> Task:
        """The clerk's answer. Files are copied into the store under their digest; an attestation task is also
        recorded as a campaign attestation. Refused (StoreError, Vietnamese) when the task is not open."""
        if state not in (DONE, IMPOSSIBLE):
            raise StoreError(f"Trạng thái trả lời {state!r} không hợp lệ.")
        if not who.strip():
            raise StoreError("Thiếu người xác nhận.")
        task = self.get(task_id)
        if task is None:
            raise StoreError(f"Không có việc số {task_id}.")
        if not task.is_open:
            raise StoreError(f"Việc số {task_id} đã được trả lời hoặc đã quá hạn ({task.state_vi}).")
        before = self.waiting_on(task)
        if before is not None:
            raise StoreError(
                f"Hãy trả lời việc #{before.id} «{before.title}» (bước {before.number}) trước: "
                f"việc này là bước {task.number} của cùng kịch bản và phụ thuộc vào bước đó."
            )
        copied = [self.store.copy_in(Path(f), task.round, task.organ_id, task.scenario_id) for f in files]
        at = now_ict()
        with self.store.tx() as conn:
            changed = conn.execute(
                update(tasks_table)
                .where(tasks_table.c.id == task_id, tasks_table.c.state == OPEN)
                .values(
                    state=state,
                    answered_by=who,
                    answered_at=at,
                    note=note,
                    files=json.dumps(copied, ensure_ascii=False),
                )
            ).rowcount
        if not changed:
            raise StoreError(f"Việc số {task_id} vừa được người khác trả lời.")
        if task.kind == ATTESTATION:
            self.store.attest(
                task.round,
                task.organ_id,
                task.scenario_id,
                who=who,
                note=note or task.title,
                files=[self.store.files_dir / f["path"] for f in copied],
                passed=state == DONE,
                at=at,
            )
        found = self.get(task_id)
        assert found is not None
        return found

    def expire(self, task_id: int) -> None:
        with self.store.tx() as conn:
            conn.execute(
                update(tasks_table)
                .where(tasks_table.c.id == task_id, tasks_table.c.state == OPEN)
                .values(state=EXPIRED, answered_at=now_ict())
            )

    def expire_open(self, round_number: int, organ_ids: Collection[str]) -> int:
        """Close what a finished (or killed) session left open: nobody waits on those answers any more."""
        with self.store.tx() as conn:
            return int(
                conn.execute(
                    update(tasks_table)
                    .where(
                        tasks_table.c.round == round_number,
                        tasks_table.c.organ_id.in_(list(organ_ids)),
                        tasks_table.c.state == OPEN,
                    )
                    .values(state=EXPIRED, answered_at=now_ict())
                ).rowcount
            )


class StoreTaskBoard:
    """The operator driver's task board backed by the campaign store (harness.drivers.operator.TaskBoard)."""

    def __init__(self, store: CampaignStore, round_number: int, organ_id: str) -> None:
        self.tasks = TaskStore(store)
        self.round_number = round_number
        self.organ_id = organ_id
        self.scenario: tuple[str, str, int] = ("", "", 1)

    def begin(self, scenario_id: str, name: str, attempt: int) -> None:
        """The scenario the next tasks belong to (the driver serves one agency's scenarios one at a time)."""
        self.scenario = (scenario_id, name, attempt)

    def post(
        self,
        number: int,
        kind: str,
        title: str,
        text: str,
        *,
        expect_vi: str = "",
        document: str = "",
        deadline: datetime | None = None,
    ) -> int:
        scenario_id, name, attempt = self.scenario
        task = self.tasks.post(
            round_number=self.round_number,
            organ_id=self.organ_id,
            scenario_id=scenario_id or "RT-00",
            scenario=name,
            attempt=attempt,
            number=number,
            kind=kind,
            title=title,
            text=text,
            expect_vi=expect_vi,
            document=document,
            deadline=deadline,
        )
        return task.id

    def set_deadline(self, task_id: int, deadline: datetime) -> None:
        self.tasks.set_deadline(task_id, deadline)

    def poll(self, task_id: int) -> TaskAnswer | None:
        task = self.tasks.get(task_id)
        if task is None or task.is_open:
            return None
        paths = [str((self.tasks.store.files_dir / f["path"]).resolve()) for f in task.files]
        return TaskAnswer(task.state, task.answered_by, task.note, paths)

    def expire(self, task_id: int) -> None:
        self.tasks.expire(task_id)


def deadline_in(seconds: float) -> datetime:
    return (now_ict() + timedelta(seconds=max(0.0, seconds))).astimezone(ICT)
