"""What a simulated agency remembers (SQLite): registrations, planned statuses, sent documents,
statuses received for them. Durable so a restarted agency neither loses nor repeats work."""

from __future__ import annotations

import json
import time
from typing import Any

from simulators.sqlite import connect

SCHEMA = """
CREATE TABLE IF NOT EXISTS counter (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS registrations (
    id INTEGER PRIMARY KEY, axis_doc_id TEXT NOT NULL, document_id TEXT NOT NULL, from_code TEXT NOT NULL,
    decision TEXT NOT NULL, reason TEXT NOT NULL DEFAULT '', package BLOB NOT NULL, registered_at REAL NOT NULL);
CREATE INDEX IF NOT EXISTS registrations_document ON registrations(document_id, from_code);
CREATE TABLE IF NOT EXISTS planned_statuses (
    id INTEGER PRIMARY KEY, registration_id INTEGER NOT NULL, code TEXT NOT NULL, description TEXT NOT NULL,
    due REAL NOT NULL, sent_at REAL, outcome TEXT NOT NULL DEFAULT '');
CREATE TABLE IF NOT EXISTS sent_documents (
    doc_id TEXT PRIMARY KEY, document_id TEXT NOT NULL, doc_type TEXT NOT NULL, recipients TEXT NOT NULL,
    sent_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS received_statuses (
    axis_doc_id TEXT PRIMARY KEY, document_id TEXT NOT NULL, from_code TEXT NOT NULL, code TEXT NOT NULL,
    description TEXT NOT NULL, received_at REAL NOT NULL);
"""


class AgencyStore:
    def __init__(self, path: str) -> None:
        self.db = connect(path)
        self.db.executescript(SCHEMA)

    def close(self) -> None:
        self.db.close()

    def next_number(self) -> int:
        self.db.execute("INSERT INTO counter VALUES ('number', 0) ON CONFLICT(name) DO NOTHING")
        self.db.execute("UPDATE counter SET value = value + 1 WHERE name = 'number'")
        return int(self.db.execute("SELECT value FROM counter WHERE name = 'number'").fetchone()["value"])

    def registered(self, document_id: str, from_code: str) -> bool:
        row = self.db.execute(
            "SELECT 1 FROM registrations WHERE document_id = ? AND from_code = ?", (document_id, from_code)
        ).fetchone()
        return row is not None

    def register(
        self, axis_doc_id: str, document_id: str, from_code: str, decision: str, reason: str, package: bytes
    ) -> int:
        cur = self.db.execute(
            "INSERT INTO registrations (axis_doc_id, document_id, from_code, decision, reason, package, registered_at)"
            " VALUES (?,?,?,?,?,?,?)",
            (axis_doc_id, document_id, from_code, decision, reason, package, time.time()),
        )
        return int(cur.lastrowid or 0)

    def plan(self, registration_id: int, steps: list[tuple[str, str, float]]) -> None:
        self.db.executemany(
            "INSERT INTO planned_statuses (registration_id, code, description, due) VALUES (?,?,?,?)",
            [(registration_id, code, desc, due) for code, desc, due in steps],
        )

    def due_statuses(self, now: float) -> list[dict[str, Any]]:
        return list(
            self.db.execute(
                "SELECT s.id, s.code, s.description, r.package FROM planned_statuses s JOIN registrations r"
                " ON r.id = s.registration_id WHERE s.sent_at IS NULL AND s.due <= ? ORDER BY s.due, s.id",
                (now,),
            ).fetchall()
        )

    def mark_status(self, status_id: int, outcome: str) -> None:
        self.db.execute(
            "UPDATE planned_statuses SET sent_at = ?, outcome = ? WHERE id = ?", (time.time(), outcome, status_id)
        )

    def registrations(self) -> list[dict[str, Any]]:
        return list(
            self.db.execute("SELECT id, axis_doc_id, document_id, from_code, decision, reason FROM registrations")
        )

    def statuses_sent(self) -> list[dict[str, Any]]:
        return list(
            self.db.execute(
                "SELECT registration_id, code, description, outcome FROM planned_statuses"
                " WHERE sent_at IS NOT NULL ORDER BY sent_at, id"
            )
        )

    def record_sent(self, doc_id: str, document_id: str, doc_type: str, recipients: list[str]) -> None:
        self.db.execute(
            "INSERT INTO sent_documents VALUES (?,?,?,?,?)",
            (doc_id, document_id, doc_type, json.dumps(recipients), time.time()),
        )

    def record_status(self, axis_doc_id: str, document_id: str, from_code: str, code: str, description: str) -> bool:
        cur = self.db.execute(
            "INSERT INTO received_statuses VALUES (?,?,?,?,?,?) ON CONFLICT(axis_doc_id) DO NOTHING",
            (axis_doc_id, document_id, from_code, code, description, time.time()),
        )
        return cur.rowcount > 0

    def received_statuses(self, document_id: str | None = None) -> list[dict[str, Any]]:
        sql = "SELECT document_id, from_code, code, description FROM received_statuses"
        args: tuple[str, ...] = ()
        if document_id:
            sql += " WHERE document_id = ?"
            args = (document_id,)
        return list(self.db.execute(sql + " ORDER BY received_at, rowid", args))
