"""What a simulated agency remembers (SQLite): the clerk's queue of fetched documents, registrations
and their state, recall/update/replace requests, the status outbox, sent documents and the statuses
received for them. Durable so a restarted agency neither loses nor repeats work: a fetched document
is queued here before it is acknowledged on the axis, a status is queued before it is sent."""

from __future__ import annotations

import contextlib
import json
import math
import time
from collections.abc import Callable, Iterator
from typing import Any

from simulators.sqlite import connect

VERSION = 2
"""PRAGMA user_version of the current schema; an older file is emptied and rebuilt."""

TABLES = ("counter", "inbox", "registrations", "requests", "statuses", "sent_documents", "received_statuses")

SCHEMA = """
CREATE TABLE IF NOT EXISTS counter (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS inbox (
    id INTEGER PRIMARY KEY, axis_doc_id TEXT NOT NULL UNIQUE, document_id TEXT NOT NULL, from_code TEXT NOT NULL,
    priority TEXT NOT NULL, rank INTEGER NOT NULL, package BLOB NOT NULL, note TEXT NOT NULL DEFAULT '',
    arrived_at REAL NOT NULL, done_at REAL);
CREATE INDEX IF NOT EXISTS inbox_document ON inbox(document_id, from_code);
CREATE INDEX IF NOT EXISTS inbox_queued ON inbox(rank, id) WHERE done_at IS NULL;
CREATE INDEX IF NOT EXISTS inbox_queued_fifo ON inbox(id) WHERE done_at IS NULL;
CREATE TABLE IF NOT EXISTS registrations (
    id INTEGER PRIMARY KEY, axis_doc_id TEXT NOT NULL, document_id TEXT NOT NULL, from_code TEXT NOT NULL,
    doc_type TEXT NOT NULL DEFAULT '', priority TEXT NOT NULL DEFAULT '0', business_type TEXT NOT NULL DEFAULT '0',
    state TEXT NOT NULL DEFAULT 'registered', verdict TEXT NOT NULL DEFAULT 'pending',
    findings TEXT NOT NULL DEFAULT '', reason TEXT NOT NULL DEFAULT '', package BLOB NOT NULL,
    registered_at REAL NOT NULL, auto_due REAL,
    pending_request TEXT, pending_id INTEGER, pending_due REAL);
CREATE INDEX IF NOT EXISTS registrations_document ON registrations(document_id, from_code);
CREATE INDEX IF NOT EXISTS registrations_verdict ON registrations(verdict, id);
CREATE INDEX IF NOT EXISTS registrations_auto ON registrations(auto_due, id) WHERE auto_due IS NOT NULL;
CREATE INDEX IF NOT EXISTS registrations_pending ON registrations(pending_due)
    WHERE pending_request IS NOT NULL AND pending_due IS NOT NULL;
CREATE TABLE IF NOT EXISTS requests (
    id INTEGER PRIMARY KEY, registration_id INTEGER NOT NULL, axis_doc_id TEXT NOT NULL, document_id TEXT NOT NULL,
    from_code TEXT NOT NULL, kind TEXT NOT NULL, reason TEXT NOT NULL DEFAULT '', received_at REAL NOT NULL,
    answer TEXT NOT NULL DEFAULT '', answered_at REAL);
CREATE INDEX IF NOT EXISTS requests_document ON requests(document_id, from_code);
CREATE TABLE IF NOT EXISTS statuses (
    id INTEGER PRIMARY KEY, registration_id INTEGER NOT NULL, code TEXT NOT NULL, description TEXT NOT NULL,
    created_at REAL NOT NULL, sent_at REAL, outcome TEXT NOT NULL DEFAULT '');
CREATE INDEX IF NOT EXISTS statuses_unsent ON statuses(id) WHERE sent_at IS NULL;
CREATE TABLE IF NOT EXISTS sent_documents (
    doc_id TEXT PRIMARY KEY, document_id TEXT NOT NULL, doc_type TEXT NOT NULL, recipients TEXT NOT NULL,
    business_type TEXT NOT NULL DEFAULT '0', reference TEXT NOT NULL DEFAULT '', subject TEXT NOT NULL DEFAULT '',
    package BLOB, sent_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS received_statuses (
    axis_doc_id TEXT PRIMARY KEY, document_id TEXT NOT NULL, from_code TEXT NOT NULL, code TEXT NOT NULL,
    description TEXT NOT NULL, received_at REAL NOT NULL);
"""

TERMINAL = ("rejected", "completed")

Row = dict[str, Any]


class AgencyStore:
    def __init__(self, path: str) -> None:
        self.db = connect(path)
        version = int(self.db.execute("PRAGMA user_version").fetchone()["user_version"])
        if version != VERSION:
            for table in (*TABLES, "planned_statuses"):
                self.db.execute(f"DROP TABLE IF EXISTS {table}")
        self.db.executescript(SCHEMA)
        self.db.execute(f"PRAGMA user_version = {VERSION}")
        self.due_hint = 0.0
        """No automatic step or request answer is due before this time (0: look now). Lowered whenever one is
        planned, set from the table by `refresh_due_hint` after the clerk ran what was due: a clerk asked the
        database at every look, twenty times a second while its agency was awake."""
        self.queue_hint = True
        """False only while the clerk's queue is known to be empty (set by `enqueue`, cleared by `next_queued`)."""
        self.unsent_hint = True
        """False only while every queued status is known to be sent (set by `queue_status`, cleared by `has_unsent`)."""
        self.on_planned: Callable[[], None] | None = None
        """Called when work is planned earlier than `due_hint` said, so that a resting clerk wakes for it."""

    def close(self) -> None:
        self.db.close()

    @contextlib.contextmanager
    def tx(self) -> Iterator[None]:
        """One atomic unit of work (the connection is in autocommit mode otherwise)."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def next_number(self) -> int:
        """The next document number; a new store starts from the clock so that two fresh state
        directories do not reuse a DocumentId the axis has already seen today."""
        start = int(time.time()) % 100_000
        with self.tx():
            self.db.execute("INSERT INTO counter VALUES ('number', ?) ON CONFLICT(name) DO NOTHING", (start,))
            self.db.execute("UPDATE counter SET value = value + 1 WHERE name = 'number'")
            row = self.db.execute("SELECT value FROM counter WHERE name = 'number'").fetchone()
        return int(row["value"])

    # Clerk queue --------------------------------------------------------------------------------

    def in_inbox(self, axis_doc_id: str) -> bool:
        return self.db.execute("SELECT 1 FROM inbox WHERE axis_doc_id = ?", (axis_doc_id,)).fetchone() is not None

    def known(self, document_id: str, from_code: str) -> bool:
        """A document from this sender is already queued, registered or taken as a request."""
        args = (document_id, from_code)
        for table in ("inbox", "registrations", "requests"):
            sql = f"SELECT 1 FROM {table} WHERE document_id = ? AND from_code = ? LIMIT 1"
            if self.db.execute(sql, args).fetchone() is not None:
                return True
        return False

    def enqueue(
        self, axis_doc_id: str, document_id: str, from_code: str, priority: str, rank: int, package: bytes, note: str
    ) -> None:
        self.queue_hint = True
        self.db.execute(
            "INSERT INTO inbox (axis_doc_id, document_id, from_code, priority, rank, package, note, arrived_at)"
            " VALUES (?,?,?,?,?,?,?,?) ON CONFLICT(axis_doc_id) DO NOTHING",
            (axis_doc_id, document_id, from_code, priority, rank, package, note, time.time()),
        )

    def next_queued(self, by_priority: bool) -> Row | None:
        """The next document to register. The clerk asks every tick while documents wait: the partial index
        answers without reading the queued packages (done_at sits after the package blob)."""
        if not self.queue_hint:
            return None
        order = "rank, id" if by_priority else "id"
        found = self.db.execute(f"SELECT id FROM inbox WHERE done_at IS NULL ORDER BY {order} LIMIT 1").fetchone()
        if found is None:
            self.queue_hint = False
            return None
        row: Row | None = self.db.execute("SELECT * FROM inbox WHERE id = ?", (found["id"],)).fetchone()
        return row

    def queued(self) -> int:
        return int(self.db.execute("SELECT COUNT(*) AS n FROM inbox WHERE done_at IS NULL").fetchone()["n"])

    def dequeue(self, inbox_id: int) -> None:
        """Done with a queued document: the registration (or request) keeps what is needed of it, so the
        queue drops its copy of the package (two copies of every received document took a third of a
        province-sized trial's disk; the axis still holds the original)."""
        self.db.execute("UPDATE inbox SET done_at = ?, package = X'' WHERE id = ?", (time.time(), inbox_id))

    # Registrations ------------------------------------------------------------------------------

    def _planned(self, values: Row) -> None:
        for key in ("auto_due", "pending_due"):
            due = values.get(key)
            if due is not None and float(due) < self.due_hint:
                self.due_hint = float(due)
                if self.on_planned is not None:
                    self.on_planned()

    def register(self, values: Row) -> int:
        self._planned(values)
        names = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        cur = self.db.execute(
            f"INSERT INTO registrations ({names}, registered_at) VALUES ({marks}, ?)", (*values.values(), time.time())
        )
        return int(cur.lastrowid or 0)

    def registration(self, registration_id: int) -> Row | None:
        row: Row | None = self.db.execute("SELECT * FROM registrations WHERE id = ?", (registration_id,)).fetchone()
        return row

    def update_registration(self, registration_id: int, **values: Any) -> None:
        self._planned(values)
        sets = ", ".join(f"{k} = ?" for k in values)
        self.db.execute(f"UPDATE registrations SET {sets} WHERE id = ?", (*values.values(), registration_id))

    def registrations(self, document_id: str | None = None, from_code: str | None = None) -> list[Row]:
        sql, args = "SELECT * FROM registrations WHERE 1=1", []
        if document_id:
            sql += " AND document_id = ?"
            args.append(document_id)
        if from_code:
            sql += " AND from_code = ?"
            args.append(from_code)
        return list(self.db.execute(sql + " ORDER BY id", args))

    def unchecked(self) -> list[int]:
        """Registrations whose checks (after 01) have not finished."""
        rows = self.db.execute("SELECT id FROM registrations WHERE verdict = 'pending' ORDER BY id")
        return [int(r["id"]) for r in rows]

    def due_steps(self, now: float) -> list[Row]:
        return list(
            self.db.execute(
                "SELECT * FROM registrations WHERE auto_due IS NOT NULL AND auto_due <= ? ORDER BY auto_due, id", (now,)
            )
        )

    def due_requests(self, now: float) -> list[Row]:
        return list(
            self.db.execute(
                "SELECT * FROM registrations WHERE pending_request IS NOT NULL AND pending_due IS NOT NULL"
                " AND pending_due <= ? ORDER BY pending_due, id",
                (now,),
            )
        )

    def refresh_due_hint(self, *, requests: bool) -> None:
        """`due_hint` from the table, once the due work ran: when the next automatic step (or, with `requests`,
        request answer) is due; infinity when none is."""
        row = self.db.execute(
            "SELECT (SELECT MIN(auto_due) FROM registrations WHERE auto_due IS NOT NULL) AS step,"
            " (SELECT MIN(pending_due) FROM registrations WHERE pending_request IS NOT NULL"
            " AND pending_due IS NOT NULL) AS answer"
        ).fetchone()
        due = [row["step"], row["answer"] if requests else None]
        self.due_hint = min((float(v) for v in due if v is not None), default=math.inf)

    def schedule_open_work(self, now: float) -> None:
        """Auto mode after a (re)start: give every unfinished registration and request a due time."""
        self._planned({"auto_due": now})
        placeholders = ", ".join("?" for _ in TERMINAL)
        self.db.execute(
            f"UPDATE registrations SET auto_due = ? WHERE auto_due IS NULL AND state NOT IN ({placeholders})",
            (now, *TERMINAL),
        )
        self.db.execute(
            "UPDATE registrations SET pending_due = ? WHERE pending_request IS NOT NULL AND pending_due IS NULL", (now,)
        )

    # Recall / update / replace requests ---------------------------------------------------------

    def add_request(
        self, registration_id: int, axis_doc_id: str, document_id: str, from_code: str, kind: str, reason: str
    ) -> int:
        cur = self.db.execute(
            "INSERT INTO requests (registration_id, axis_doc_id, document_id, from_code, kind, reason, received_at)"
            " VALUES (?,?,?,?,?,?,?)",
            (registration_id, axis_doc_id, document_id, from_code, kind, reason, time.time()),
        )
        return int(cur.lastrowid or 0)

    def answer_request(self, request_id: int, answer: str) -> None:
        self.db.execute(
            "UPDATE requests SET answer = ?, answered_at = ? WHERE id = ?", (answer, time.time(), request_id)
        )

    def requests(self, registration_id: int | None = None) -> list[Row]:
        if registration_id is None:
            return list(self.db.execute("SELECT * FROM requests ORDER BY id"))
        return list(self.db.execute("SELECT * FROM requests WHERE registration_id = ? ORDER BY id", (registration_id,)))

    # Status outbox ------------------------------------------------------------------------------

    def queue_status(self, registration_id: int, code: str, description: str) -> int:
        self.unsent_hint = True
        cur = self.db.execute(
            "INSERT INTO statuses (registration_id, code, description, created_at) VALUES (?,?,?,?)",
            (registration_id, code, description, time.time()),
        )
        return int(cur.lastrowid or 0)

    def unsent_statuses(self) -> list[Row]:
        return list(
            self.db.execute(
                "SELECT s.id, s.registration_id, s.code, s.description, r.package FROM statuses s"
                " JOIN registrations r ON r.id = s.registration_id WHERE s.sent_at IS NULL ORDER BY s.id"
            )
        )

    def has_unsent(self) -> bool:
        if self.unsent_hint:
            row = self.db.execute("SELECT 1 FROM statuses WHERE sent_at IS NULL LIMIT 1").fetchone()
            self.unsent_hint = row is not None
        return self.unsent_hint

    def status(self, status_id: int) -> Row | None:
        row: Row | None = self.db.execute("SELECT * FROM statuses WHERE id = ?", (status_id,)).fetchone()
        return row

    def mark_status(self, status_id: int, outcome: str) -> None:
        self.db.execute("UPDATE statuses SET sent_at = ?, outcome = ? WHERE id = ?", (time.time(), outcome, status_id))

    def drop_status(self, status_id: int) -> None:
        self.db.execute("DELETE FROM statuses WHERE id = ? AND sent_at IS NULL", (status_id,))

    def statuses_of(self, registration_id: int) -> list[Row]:
        """Statuses that reached the axis for one registration, in order."""
        return list(
            self.db.execute(
                "SELECT * FROM statuses WHERE registration_id = ? AND outcome = 'sent' ORDER BY id", (registration_id,)
            )
        )

    def statuses_sent(self) -> list[Row]:
        """Every status attempt with its outcome (`sent`, or `refused ...` by the axis)."""
        return list(
            self.db.execute(
                "SELECT registration_id, code, description, outcome FROM statuses WHERE sent_at IS NOT NULL ORDER BY id"
            )
        )

    # Sent documents and the statuses that come back --------------------------------------------

    def record_sent(
        self,
        doc_id: str,
        document_id: str,
        doc_type: str,
        recipients: list[str],
        *,
        business_type: str = "0",
        reference: str = "",
        subject: str = "",
        package: bytes | None = None,
    ) -> None:
        self.db.execute(
            "INSERT INTO sent_documents VALUES (?,?,?,?,?,?,?,?,?)",
            (
                doc_id,
                document_id,
                doc_type,
                json.dumps(recipients),
                business_type,
                reference,
                subject,
                package,
                time.time(),
            ),
        )

    def sent_documents(self) -> list[Row]:
        rows = list(self.db.execute("SELECT * FROM sent_documents ORDER BY sent_at, rowid"))
        for row in rows:
            row["recipients"] = json.loads(row["recipients"])
        return rows

    def sent_document(self, document_id: str) -> Row | None:
        row: Row | None = self.db.execute(
            "SELECT * FROM sent_documents WHERE document_id = ? ORDER BY sent_at LIMIT 1", (document_id,)
        ).fetchone()
        if row is not None:
            row["recipients"] = json.loads(row["recipients"])
        return row

    def record_status(self, axis_doc_id: str, document_id: str, from_code: str, code: str, description: str) -> bool:
        cur = self.db.execute(
            "INSERT INTO received_statuses VALUES (?,?,?,?,?,?) ON CONFLICT(axis_doc_id) DO NOTHING",
            (axis_doc_id, document_id, from_code, code, description, time.time()),
        )
        return cur.rowcount > 0

    def received_statuses(self, document_id: str | None = None) -> list[Row]:
        sql = "SELECT document_id, from_code, code, description, received_at FROM received_statuses"
        args: tuple[str, ...] = ()
        if document_id:
            sql += " WHERE document_id = ?"
            args = (document_id,)
        return list(self.db.execute(sql + " ORDER BY received_at, rowid", args))
