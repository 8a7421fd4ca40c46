"""The trial campaign store: roster, rounds, scenario runs, attestations and exchange counts in one database.

SQLite by default (one file, WAL; the campaign runner records from many threads of one process, and another
process such as `lienthong trial status` may read meanwhile), PostgreSQL (or any SQLAlchemy database) by URL:
only portable SQL is used, upserts go through the dialect's ON CONFLICT when it has one.

Tables (schema version `SCHEMA_VERSION`, kept in `lienthong_meta`):

* `agencies`: the roster (organ_id, name, vendor, system, contact, paper_documents, position = import order);
* `rounds`: number, name, deadline (ISO 8601 in ICT), letter;
* `runs`: one row per scenario attempt, unique (round, organ_id, scenario_id, name, attempt), with the full
  ScenarioResult JSON; recording the same attempt again replaces it (idempotent);
* `attestations`: manual steps an operator attested, the files copied into the store's files folder (by
  default `files/` beside the SQLite file) with their SHA-256;
* `exchange`: documents delivered over the axes per (round, sender, receiver), for the summary statistics.

Statements are never stored: they are a pure function of these tables (harness.trial.statement.build_statement),
so a resumed campaign and an uninterrupted one give equal statements.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    delete,
    func,
    insert,
    select,
)

from harness.edxml.formats import ICT, now_ict
from harness.scenarios.results import Outcome, ScenarioResult
from harness.trial.database import Database
from harness.trial.database import StoreError as StoreError
from harness.trial.statement import (
    AgencyAxis,
    AgencyStatement,
    Attestation,
    ExchangeStats,
    Issuer,
    RosterEntry,
    TrialRound,
    TrialSummary,
    build_statement,
)
from harness.trial.tables import SCHEMA_VERSION as SCHEMA_VERSION
from harness.trial.tables import (
    agencies_table,
    attestations_table,
    exchange_table,
    live_table,
    rounds_table,
    runs_table,
    tasks_table,
)

AXES_META = "campaign.axes"
"""Meta key: JSON {organ_id: {code, name, protocol}} of the axis each agency is tested on."""
TEST_ID_RE = re.compile(r"^(RT|AX)-[0-9]{2}\Z")
FINISHED = (Outcome.PASSED.value, Outcome.FAILED.value)
"""Outcomes a resumed campaign does not run again (error and not-run are retried with attempt + 1)."""


def _safe_name(name: str) -> str:
    cleaned = re.sub(r"[^\w.\-]+", "_", Path(name).name, flags=re.UNICODE).strip("._")
    return cleaned[:120] or "tep"


def _sha256(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


class CampaignStore(Database):
    """One trial campaign's database. Open with `CampaignStore.open(url_or_path)`; close (or use `with`)."""

    # -- roster --------------------------------------------------------------------------------------------------

    def import_roster(self, entries: Iterable[RosterEntry], *, replace: bool = False) -> int:
        """Add or update agencies (keyed by organ_id; new ones go after the existing ones in roster order).

        With `replace`, agencies not in `entries` are removed from the roster (their runs stay). Returns how many
        entries were written.
        """
        wanted = list(entries)
        with self._tx() as conn:
            if replace:
                keep = [e.organ_id for e in wanted]
                conn.execute(delete(agencies_table).where(agencies_table.c.organ_id.not_in(keep)))
            existing = dict(conn.execute(select(agencies_table.c.organ_id, agencies_table.c.position)).all())
            position = max(existing.values(), default=0)
            for entry in wanted:
                held = existing.get(entry.organ_id)
                if held is None:
                    position += 1
                    held = existing[entry.organ_id] = position
                values = {
                    "organ_id": entry.organ_id,
                    "position": held,
                    "name": entry.name,
                    "vendor": entry.vendor,
                    "system": entry.system,
                    "contact": entry.contact,
                    "paper_documents": entry.paper_documents,
                }
                self._upsert(conn, agencies_table, values, ("organ_id",))
        return len(wanted)

    def roster(self) -> list[RosterEntry]:
        """Every agency, in the order they were first imported."""
        t = agencies_table
        query = select(t.c.organ_id, t.c.name, t.c.vendor, t.c.system, t.c.contact, t.c.paper_documents)
        with self._tx() as conn:
            rows = conn.execute(query.order_by(t.c.position, t.c.organ_id)).all()
        return [RosterEntry(*row) for row in rows]

    def agency(self, organ_id: str) -> RosterEntry | None:
        return next((a for a in self.roster() if a.organ_id == organ_id), None)

    def paper_documents(self, organ_id: str) -> int | None:
        """Documents the agency still exchanged on paper (roster), None when unknown or not on the roster."""
        agency = self.agency(organ_id)
        return agency.paper_documents if agency is not None else None

    # -- rounds --------------------------------------------------------------------------------------------------

    def add_round(self, trial_round: TrialRound) -> None:
        """Create or replace round `trial_round.number`."""
        values = {
            "number": trial_round.number,
            "name": trial_round.name,
            "deadline": trial_round.deadline,
            "letter": trial_round.letter,
        }
        with self._tx() as conn:
            self._upsert(conn, rounds_table, values, ("number",))

    def round(self, number: int) -> TrialRound | None:
        return next((r for r in self.rounds() if r.number == number), None)

    def rounds(self) -> list[TrialRound]:
        t = rounds_table
        with self._tx() as conn:
            rows = conn.execute(select(t.c.number, t.c.name, t.c.deadline, t.c.letter).order_by(t.c.number)).all()
        return [TrialRound(int(r.number), r.name, r.deadline, r.letter) for r in rows]

    def _require_round(self, number: int) -> TrialRound:
        found = self.round(number)
        if found is None:
            raise StoreError(
                f"Chưa có đợt chạy thử số {number}: hãy tạo bằng `lienthong trial round --number {number}`."
            )
        return found

    # -- runs ----------------------------------------------------------------------------------------------------

    def record(self, result: ScenarioResult, round_number: int) -> None:
        """Store one scenario attempt; recording the same (agency, scenario, name, attempt) again replaces it."""
        values = {
            "round": round_number,
            "organ_id": result.agency,
            "scenario_id": result.scenario_id,
            "name": result.name,
            "attempt": result.attempt,
            "outcome": Outcome(result.outcome).value,
            "started": result.started,
            "seconds": float(result.seconds),
            "message_vi": result.message_vi,
            "result": json.dumps(result.to_json(), ensure_ascii=False),
            "recorded_at": now_ict(),
        }
        live = live_table.c
        with self._tx() as conn:
            self._upsert(conn, runs_table, values, ("round", "organ_id", "scenario_id", "name", "attempt"))
            conn.execute(
                delete(live_table).where(
                    live.round == round_number,
                    live.organ_id == result.agency,
                    live.scenario_id == result.scenario_id,
                    live.name == result.name,
                )
            )

    def results(self, round_number: int, organ_id: str | None = None) -> list[ScenarioResult]:
        """Every recorded attempt of the round (of one agency), by agency, scenario, name, attempt."""
        t = runs_table
        query = select(t.c.result).where(t.c.round == round_number)
        if organ_id is not None:
            query = query.where(t.c.organ_id == organ_id)
        query = query.order_by(t.c.organ_id, t.c.scenario_id, t.c.name, t.c.attempt)
        with self._tx() as conn:
            rows = conn.execute(query).scalars().all()
        return [ScenarioResult.from_json(json.loads(raw)) for raw in rows]

    def outcomes(self, round_number: int, organ_ids: Iterable[str] | None = None) -> list[ScenarioResult]:
        """Every attempt of the round without its JSON (no steps, issues or evidence): what a completion table
        needs, at a fraction of the cost of `results` on a province-sized campaign."""
        t = runs_table
        query = select(
            t.c.organ_id, t.c.scenario_id, t.c.name, t.c.attempt, t.c.outcome, t.c.started, t.c.seconds, t.c.message_vi
        ).where(t.c.round == round_number)
        if organ_ids is not None:
            query = query.where(t.c.organ_id.in_(list(organ_ids)))
        with self._tx() as conn:
            rows = conn.execute(query).all()
        return [
            ScenarioResult(
                scenario_id=r.scenario_id,
                name=r.name,
                agency=r.organ_id,
                driver="",
                outcome=Outcome(r.outcome),
                attempt=int(r.attempt),
                started=r.started,
                seconds=float(r.seconds),
                message_vi=r.message_vi,
            )
            for r in rows
        ]

    def change_token(self, round_number: int) -> str:
        """Changes whenever a run is recorded, a scenario starts, or a task or attestation is written: live pages
        poll this cheap token and only rebuild when it moved."""
        with self._tx() as conn:
            runs = conn.execute(
                select(func.count(), func.max(runs_table.c.id), func.max(runs_table.c.recorded_at)).where(
                    runs_table.c.round == round_number
                )
            ).one()
            live = conn.execute(select(func.count()).where(live_table.c.round == round_number)).scalar()
            tasks = conn.execute(
                select(func.count(), func.max(tasks_table.c.answered_at), func.max(tasks_table.c.id)).where(
                    tasks_table.c.round == round_number
                )
            ).one()
            notes = conn.execute(select(func.count()).where(attestations_table.c.round == round_number)).scalar()
        raw = f"{runs[0]}.{runs[1]}.{runs[2]}.{live}.{tasks[0]}.{tasks[1]}.{tasks[2]}.{notes}"
        return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:24]

    def _latest_outcomes(self, round_number: int, organ_id: str) -> dict[tuple[str, str], tuple[int, str]]:
        t = runs_table
        query = select(t.c.scenario_id, t.c.name, t.c.attempt, t.c.outcome).where(
            t.c.round == round_number, t.c.organ_id == organ_id
        )
        latest: dict[tuple[str, str], tuple[int, str]] = {}
        with self._tx() as conn:
            for scenario_id, name, attempt, outcome in conn.execute(query):
                held = latest.get((scenario_id, name))
                if held is None or attempt > held[0]:
                    latest[(scenario_id, name)] = (attempt, outcome)
        return latest

    def done(self, round_number: int, organ_id: str) -> set[tuple[str, str]]:
        """(scenario_id, name) whose latest attempt in the round finished (passed or failed): a resume skips them.

        A latest attempt that ended in `error` (the harness broke) or `not-run` is not done: run it again with
        `next_attempt`.
        """
        latest = self._latest_outcomes(round_number, organ_id)
        return {key for key, (_attempt, outcome) in latest.items() if outcome in FINISHED}

    def next_attempts(self, round_number: int, organ_id: str) -> dict[tuple[str, str], int]:
        """`next_attempt` of every scenario the agency has a run of in the round, in one query (a province's trial
        asked once per scenario: ten thousand queries before its first scenario started); absent ones are 1."""
        return {key: attempt + 1 for key, (attempt, _outcome) in self._latest_outcomes(round_number, organ_id).items()}

    def next_attempt(self, round_number: int, organ_id: str, scenario_id: str, name: str) -> int:
        """1 for a scenario never run in the round, else the highest recorded attempt + 1."""
        t = runs_table
        query = select(func.max(t.c.attempt)).where(
            t.c.round == round_number, t.c.organ_id == organ_id, t.c.scenario_id == scenario_id, t.c.name == name
        )
        with self._tx() as conn:
            highest = conn.execute(query).scalar()
        return int(highest or 0) + 1

    # -- attestations --------------------------------------------------------------------------------------------

    def _stored(self, source: Path, prefix: str) -> Path | None:
        """`source`'s path relative to the files folder when it is a file the store already holds."""
        if not source.name.startswith(prefix):
            return None
        try:
            return source.resolve().relative_to(self.files_dir.resolve())
        except ValueError:
            return None

    def copy_in(self, source: Path, round_number: int, organ_id: str, test_id: str) -> dict[str, Any]:
        if source.exists() and not source.is_file():
            raise StoreError(f"Tệp minh chứng {source} không phải là tệp thường.")
        try:
            digest, size = _sha256(source)
        except OSError as exc:
            raise StoreError(f"Không đọc được tệp minh chứng {source}: {exc.strerror or exc}") from exc
        prefix = f"{digest[:16]}-"
        held = self._stored(source, prefix)
        if held is not None:
            # Already in the store under its digest (a clerk's screenshot that also backs an attestation):
            # the same file, not a second copy named after the first.
            return {"path": held.as_posix(), "name": source.name[len(prefix) :], "sha256": digest, "size": size}
        relative = Path(f"dot-{round_number}") / _safe_name(organ_id) / _safe_name(test_id)
        relative = relative / f"{prefix}{_safe_name(source.name)}"
        target = self.files_dir / relative
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            if not (target.is_file() and _sha256(target)[0] == digest):
                fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
                os.close(fd)
                try:
                    shutil.copyfile(source, tmp)
                    os.replace(tmp, target)
                finally:
                    if os.path.exists(tmp):
                        os.unlink(tmp)
        except OSError as exc:
            raise StoreError(f"Không chép được tệp minh chứng vào {target.parent}: {exc.strerror or exc}") from exc
        return {"path": relative.as_posix(), "name": source.name, "sha256": digest, "size": size}

    def attest(
        self,
        round_number: int,
        organ_id: str,
        test_id: str,
        *,
        who: str,
        note: str = "",
        files: Iterable[Path | str] = (),
        passed: bool = True,
        at: datetime | None = None,
    ) -> Attestation:
        """Record a manual step; each file is copied into the store's files folder (content-addressed)."""
        if not TEST_ID_RE.match(test_id):
            raise StoreError(f"Mã nội dung chạy thử {test_id!r} không hợp lệ (dạng RT-01..RT-12 hoặc AX-01..AX-12).")
        if not who.strip():
            raise StoreError("Thiếu người xác nhận.")
        when = at or now_ict()
        if when.tzinfo is None:
            when = when.replace(tzinfo=ICT)
        copied = [self.copy_in(Path(f), round_number, organ_id, test_id) for f in files]
        values = {
            "round": round_number,
            "organ_id": organ_id,
            "test_id": test_id,
            "who": who,
            "at": when,
            "note": note,
            "passed": passed,
            "files": json.dumps(copied, ensure_ascii=False),
        }
        with self._tx() as conn:
            conn.execute(insert(attestations_table).values(**values))
        return self._attestation(organ_id, test_id, who, when.astimezone(ICT), note, passed, copied)

    def _attestation(
        self, organ_id: str, test_id: str, who: str, at: datetime, note: str, passed: bool, files: list[dict[str, Any]]
    ) -> Attestation:
        paths = tuple(str((self.files_dir / f["path"]).resolve()) for f in files)
        digests = tuple(str(f["sha256"]) for f in files)
        return Attestation(organ_id, test_id, who, at, note, paths, passed, digests)

    def attestations(self, round_number: int, organ_id: str | None = None) -> list[Attestation]:
        """The round's attestations (of one agency), oldest first."""
        t = attestations_table
        query = select(t.c.organ_id, t.c.test_id, t.c.who, t.c.at, t.c.note, t.c.passed, t.c.files).where(
            t.c.round == round_number
        )
        if organ_id is not None:
            query = query.where(t.c.organ_id == organ_id)
        with self._tx() as conn:
            rows = conn.execute(query.order_by(t.c.at, t.c.id)).all()
        return [
            self._attestation(r.organ_id, r.test_id, r.who, r.at, r.note, bool(r.passed), json.loads(r.files))
            for r in rows
        ]

    # -- statements ----------------------------------------------------------------------------------------------

    def statement(self, round_number: int, organ_id: str, expected: dict[str, set[str]]) -> AgencyStatement:
        """One agency's statement for the round; `expected` maps each run-test ID to its scenario names."""
        trial_round = self._require_round(round_number)
        agency = self.agency(organ_id)
        if agency is None:
            raise StoreError(f"Cơ quan {organ_id} không có trong danh sách chạy thử.")
        return build_statement(
            agency,
            trial_round,
            self.results(round_number, organ_id),
            expected=expected,
            attestations=self.attestations(round_number, organ_id),
        )

    def statements(self, round_number: int, expected: dict[str, set[str]]) -> list[AgencyStatement]:
        """Every roster agency's statement for the round, in roster order."""
        trial_round = self._require_round(round_number)
        results: dict[str, list[ScenarioResult]] = defaultdict(list)
        for result in self.results(round_number):
            results[result.agency].append(result)
        notes: dict[str, list[Attestation]] = defaultdict(list)
        for note in self.attestations(round_number):
            notes[note.organ_id].append(note)
        axes = self.agency_axes()
        return [
            build_statement(
                agency,
                trial_round,
                results[agency.organ_id],
                expected=expected,
                attestations=notes[agency.organ_id],
                axis=axes.get(agency.organ_id),
            )
            for agency in self.roster()
        ]

    def set_agency_axes(self, axes: Mapping[str, AgencyAxis]) -> None:
        """Which axis (and protocol) each agency is tested on: the campaign records it from its topology."""
        known = self.agency_axes()
        known.update(axes)
        data = {organ: axis.to_json() for organ, axis in sorted(known.items())}
        self.set_meta(AXES_META, json.dumps(data, ensure_ascii=False))

    def agency_axes(self) -> dict[str, AgencyAxis]:
        raw = self.meta(AXES_META)
        try:
            data = json.loads(raw) if raw else {}
        except ValueError:
            return {}
        if not isinstance(data, dict):
            return {}
        return {
            str(organ): AgencyAxis(str(a.get("code", "")), str(a.get("name", "")), str(a.get("protocol", "vxp")))
            for organ, a in data.items()
            if isinstance(a, dict)
        }

    # -- exchange statistics -------------------------------------------------------------------------------------

    def set_exchange(self, round_number: int, counts: Mapping[tuple[str, str], int]) -> None:
        """Set (not add) the documents delivered per (sender, receiver) in the round; idempotent."""
        with self._tx() as conn:
            for (sender, receiver), documents in counts.items():
                values = {"round": round_number, "sender": sender, "receiver": receiver, "documents": int(documents)}
                self._upsert(conn, exchange_table, values, ("round", "sender", "receiver"))

    def exchange(self, round_number: int) -> dict[tuple[str, str], int]:
        t = exchange_table
        query = select(t.c.sender, t.c.receiver, t.c.documents).where(t.c.round == round_number)
        with self._tx() as conn:
            rows = conn.execute(query.order_by(t.c.sender, t.c.receiver)).all()
        return {(sender, receiver): int(documents) for sender, receiver, documents in rows}

    def stats(
        self, round_number: int, *, exchange: Mapping[tuple[str, str], int] | None = None
    ) -> dict[str, ExchangeStats]:
        """Per roster agency: documents sent and received over the axes in the round, and on paper (roster).
        `exchange`: the round's counts when the caller already read them."""
        sent: dict[str, int] = defaultdict(int)
        received: dict[str, int] = defaultdict(int)
        counts = exchange if exchange is not None else self.exchange(round_number)
        for (sender, receiver), documents in counts.items():
            sent[sender] += documents
            received[receiver] += documents
        return {
            a.organ_id: ExchangeStats(a.organ_id, sent[a.organ_id], received[a.organ_id], a.paper_documents)
            for a in self.roster()
        }

    def summary(
        self,
        round_number: int,
        expected: dict[str, set[str]],
        issuer: Issuer,
        *,
        generated_at: datetime | None = None,
    ) -> TrialSummary:
        """Everything the cross-agency reports need for the round."""
        return TrialSummary(
            round=self._require_round(round_number),
            issuer=issuer,
            statements=self.statements(round_number, expected),
            exchange=self.exchange(round_number),
            stats=self.stats(round_number),
            generated_at=generated_at or now_ict(),
        )


def open_store(target: str | Path, *, files_dir: Path | None = None) -> CampaignStore:
    """Shorthand for `CampaignStore.open`."""
    return CampaignStore.open(target, files_dir=files_dir)
