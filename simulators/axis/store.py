"""Durable state of one axis in SQLite (WAL): registry, packages, deliveries, journal.

Every write is one short transaction on a single connection owned by the event loop, so a reply
that carries a DocId is only sent after the package and all its deliveries are committed.
Delivery states: `initial`/`processing` (in a mailbox), `done`/`fail` (acknowledged),
`queued`/`forwarded`/`undeliverable` (on their way to the national axis), `dropped` (fault).
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from harness.ids import InvalidIdentifier, parse_agency_id
from simulators.axis.config import AxisConfig, Durability, OrganizationSpec, SystemSpec
from simulators.axis.journal import take_staged
from simulators.sqlite import connect

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS systems (
    system_id TEXT PRIMARY KEY, secret TEXT NOT NULL, organs TEXT NOT NULL, domains TEXT NOT NULL,
    name TEXT NOT NULL DEFAULT '', source TEXT NOT NULL DEFAULT 'config');
CREATE TABLE IF NOT EXISTS organizations (
    code TEXT PRIMARY KEY, name TEXT NOT NULL, pid TEXT NOT NULL DEFAULT '', mail TEXT NOT NULL DEFAULT '',
    code_qd20 TEXT NOT NULL DEFAULT '', is_agency INTEGER NOT NULL DEFAULT 1, deleted INTEGER NOT NULL DEFAULT 0,
    version INTEGER NOT NULL DEFAULT 1, modify_date TEXT NOT NULL DEFAULT '', registered_by TEXT NOT NULL DEFAULT '',
    mobile TEXT NOT NULL DEFAULT '', fax TEXT NOT NULL DEFAULT '');
CREATE TABLE IF NOT EXISTS packages (
    id INTEGER PRIMARY KEY, doc_id TEXT NOT NULL UNIQUE, system_id TEXT NOT NULL, message_type TEXT NOT NULL,
    from_code TEXT NOT NULL, document_id TEXT NOT NULL DEFAULT '', title TEXT NOT NULL DEFAULT '',
    notation TEXT NOT NULL DEFAULT '', bussiness_type TEXT NOT NULL DEFAULT '', status_code TEXT NOT NULL DEFAULT '',
    body BLOB NOT NULL, created TEXT NOT NULL, origin TEXT NOT NULL DEFAULT 'client', origin_key TEXT UNIQUE);
CREATE INDEX IF NOT EXISTS packages_system ON packages(system_id, message_type);
CREATE INDEX IF NOT EXISTS packages_document ON packages(from_code, document_id, bussiness_type);
CREATE TABLE IF NOT EXISTS deliveries (
    doc_id TEXT PRIMARY KEY, package_id INTEGER NOT NULL REFERENCES packages(id), message_type TEXT NOT NULL,
    from_code TEXT NOT NULL, receiver TEXT NOT NULL, receiver_l1 TEXT NOT NULL, route TEXT NOT NULL,
    state TEXT NOT NULL, status_desc TEXT NOT NULL DEFAULT '', created TEXT NOT NULL, updated TEXT NOT NULL,
    acked TEXT NOT NULL DEFAULT '', upstream_doc_id TEXT NOT NULL DEFAULT '', attempts INTEGER NOT NULL DEFAULT 0,
    seq INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS deliveries_mailbox ON deliveries(state, message_type, receiver);
CREATE INDEX IF NOT EXISTS deliveries_domain ON deliveries(state, message_type, receiver_l1);
CREATE INDEX IF NOT EXISTS deliveries_package ON deliveries(package_id);
CREATE INDEX IF NOT EXISTS deliveries_seq ON deliveries(seq);
CREATE TABLE IF NOT EXISTS journal (
    id INTEGER PRIMARY KEY, ts TEXT NOT NULL, system_id TEXT NOT NULL, operation TEXT NOT NULL,
    doc_ids TEXT NOT NULL, http_status INTEGER NOT NULL, status TEXT NOT NULL, error_code TEXT NOT NULL,
    error_desc TEXT NOT NULL, duration_ms REAL NOT NULL, bytes_in INTEGER NOT NULL, bytes_out INTEGER NOT NULL,
    remote TEXT NOT NULL, note TEXT NOT NULL DEFAULT '');
CREATE INDEX IF NOT EXISTS journal_system ON journal(system_id, id);
CREATE TABLE IF NOT EXISTS purged (package_id INTEGER PRIMARY KEY, at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sent_bodies (
    system_id TEXT NOT NULL, sha256 TEXT NOT NULL, doc_id TEXT NOT NULL, seen REAL NOT NULL,
    PRIMARY KEY (system_id, sha256));
"""

MAILBOX_STATES = ("initial", "processing")
PENDING_STATES = ("initial", "processing", "queued")
"""A delivery in one of these still needs its package's body (its receiver or the relay has yet to take it)."""

JOURNAL_BATCH = 256
JOURNAL_INSERT = (
    "INSERT INTO journal (ts, system_id, operation, doc_ids, http_status, status, error_code, error_desc,"
    " duration_ms, bytes_in, bytes_out, remote, note) VALUES (:ts, :system_id, :operation, :doc_ids,"
    " :http_status, :status, :error_code, :error_desc, :duration_ms, :bytes_in, :bytes_out, :remote, :note)"
)


def level1_of(code: str) -> str:
    try:
        return parse_agency_id(code).level1
    except InvalidIdentifier:
        return ""


@dataclass(slots=True)
class NewDelivery:
    doc_id: str
    receiver: str
    route: str
    state: str


@dataclass(slots=True)
class NewPackage:
    doc_id: str
    system_id: str
    message_type: str
    from_code: str
    body: bytes
    created: str
    document_id: str = ""
    title: str = ""
    notation: str = ""
    bussiness_type: str = ""
    status_code: str = ""
    origin: str = "client"
    origin_key: str | None = None
    body_sha256: str = ""
    """SHA-256 of the package as the client sent it: the same bytes again are a replay."""
    deliveries: list[NewDelivery] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Owner:
    """Whose mailbox: exact organisation codes plus whole level-1 domains."""

    organs: tuple[str, ...]
    domains: tuple[str, ...] = ()

    def owns(self, receiver: str, receiver_l1: str) -> bool:
        return receiver in self.organs or (bool(receiver_l1) and receiver_l1 in self.domains)

    @classmethod
    def of(cls, system: SystemSpec) -> Owner:
        return cls(tuple(system.organs), tuple(system.domains))


def _filtered(sql: str, args: list[Any], conditions: Iterable[tuple[str, Any]]) -> tuple[str, list[Any]]:
    """`sql` plus ` AND <clause>` for each condition whose value is set (clauses take one `?`)."""
    for clause, value in conditions:
        if value:
            sql += f" AND {clause}"
            args.append(value)
    return sql, args


class Store:
    def __init__(self, path: str, durability: Durability = Durability.OFF) -> None:
        self.path = path
        self.db = connect(path, page_size=16384)  # larger pages: fewer overflow pages per ~100 KB package
        self.db.execute(f"PRAGMA synchronous={durability.value}")
        self.db.execute("PRAGMA foreign_keys=ON")
        self.db.execute("PRAGMA busy_timeout=5000")
        self.db.executescript(SCHEMA)

        self._journal: list[dict[str, Any]] = []

    def close(self) -> None:
        self.flush_journal()
        self.db.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction; journal rows waiting in memory are committed with it."""
        self.db.execute("BEGIN IMMEDIATE")
        pending, self._journal = self._journal, []
        own = take_staged()
        try:
            if pending:
                self.db.executemany(JOURNAL_INSERT, pending)
            yield self.db
            if own is not None:
                row = own[1]
                self.db.execute(JOURNAL_INSERT, {**row, "doc_ids": json.dumps(row["doc_ids"])})
        except BaseException:
            self.db.execute("ROLLBACK")
            self._journal = pending + self._journal  # other requests' rows are not lost with this one
            raise
        self.db.execute("COMMIT")
        if own is not None:
            own[0].written = True

    # Registry ------------------------------------------------------------------------------

    def load_config(self, config: AxisConfig) -> None:
        """Write the configured systems and directory; registrations made over the API are kept."""
        with self.transaction() as db:
            db.execute("DELETE FROM systems WHERE source = 'config'")
            for s in config.systems:
                self._put_system(db, s, "config")
            for o in config.organizations:
                db.execute(
                    "INSERT INTO organizations (code, name, pid, mail, code_qd20, is_agency) VALUES (?,?,?,?,?,?)"
                    " ON CONFLICT(code) DO UPDATE SET name=excluded.name, pid=excluded.pid, mail=excluded.mail,"
                    " code_qd20=excluded.code_qd20, is_agency=excluded.is_agency",
                    (o.code, o.name, o.pid, o.mail, o.code_qd20, int(o.is_agency)),
                )

    @staticmethod
    def _put_system(db: sqlite3.Connection, s: SystemSpec, source: str) -> None:
        db.execute(
            "INSERT INTO systems (system_id, secret, organs, domains, name, source) VALUES (?,?,?,?,?,?)"
            " ON CONFLICT(system_id) DO UPDATE SET secret=excluded.secret, organs=excluded.organs,"
            " domains=excluded.domains, name=excluded.name, source=excluded.source",
            (s.system_id, s.secret, json.dumps(s.organs), json.dumps(s.domains), s.name, source),
        )

    def put_system(self, system: SystemSpec, source: str = "api") -> None:
        with self.transaction() as db:
            self._put_system(db, system, source)

    def delete_system(self, system_id: str) -> bool:
        with self.transaction() as db:
            return db.execute("DELETE FROM systems WHERE system_id = ?", (system_id,)).rowcount > 0

    def systems(self) -> dict[str, SystemSpec]:
        rows = self.db.execute("SELECT * FROM systems").fetchall()
        return {
            r["system_id"]: SystemSpec(
                r["system_id"], r["secret"], json.loads(r["organs"]), json.loads(r["domains"]), r["name"]
            )
            for r in rows
        }

    def organizations(self, include_deleted: bool = False) -> list[dict[str, Any]]:
        where = "" if include_deleted else " WHERE deleted = 0"
        return list(self.db.execute(f"SELECT * FROM organizations{where} ORDER BY code").fetchall())

    def organization(self, code: str) -> dict[str, Any] | None:
        row: dict[str, Any] | None = self.db.execute("SELECT * FROM organizations WHERE code = ?", (code,)).fetchone()
        return row

    def register_organization(self, org: OrganizationSpec, registered_by: str, now: str, **extra: str) -> None:
        with self.transaction() as db:
            db.execute(
                "INSERT INTO organizations (code, name, pid, mail, code_qd20, is_agency, deleted, modify_date,"
                " registered_by, mobile, fax) VALUES (?,?,?,?,?,?,0,?,?,?,?) ON CONFLICT(code) DO UPDATE SET"
                " name=excluded.name, pid=excluded.pid, mail=excluded.mail, deleted=0, version=version+1,"
                " modify_date=excluded.modify_date, registered_by=excluded.registered_by,"
                " mobile=excluded.mobile, fax=excluded.fax",
                (
                    org.code,
                    org.name,
                    org.pid,
                    org.mail,
                    org.code_qd20,
                    int(org.is_agency),
                    now,
                    registered_by,
                    extra.get("mobile", ""),
                    extra.get("fax", ""),
                ),
            )

    def delete_organization(self, code: str, now: str) -> bool:
        with self.transaction() as db:
            cur = db.execute(
                "UPDATE organizations SET deleted = 1, version = version + 1, modify_date = ? WHERE code = ?"
                " AND deleted = 0",
                (now, code),
            )
            return cur.rowcount > 0

    # Packages and deliveries -----------------------------------------------------------------

    def accept(self, pkg: NewPackage) -> int:
        """Commit a package with its deliveries in one transaction; returns the package row id."""
        with self.transaction() as db:
            cur = db.execute(
                "INSERT INTO packages (doc_id, system_id, message_type, from_code, document_id, title, notation,"
                " bussiness_type, status_code, body, created, origin, origin_key) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    pkg.doc_id,
                    pkg.system_id,
                    pkg.message_type,
                    pkg.from_code,
                    pkg.document_id,
                    pkg.title,
                    pkg.notation,
                    pkg.bussiness_type,
                    pkg.status_code,
                    pkg.body,
                    pkg.created,
                    pkg.origin,
                    pkg.origin_key,
                ),
            )
            package_id = int(cur.lastrowid or 0)
            db.executemany(
                "INSERT INTO deliveries (doc_id, package_id, message_type, from_code, receiver, receiver_l1, route,"
                " state, created, updated, seq) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                [
                    (
                        d.doc_id,
                        package_id,
                        pkg.message_type,
                        pkg.from_code,
                        d.receiver,
                        level1_of(d.receiver),
                        d.route,
                        d.state,
                        pkg.created,
                        pkg.created,
                        package_id * 1000 + i,
                    )
                    for i, d in enumerate(pkg.deliveries)
                ],
            )
            if pkg.body_sha256:
                db.execute(
                    "INSERT OR REPLACE INTO sent_bodies (system_id, sha256, doc_id, seen) VALUES (?,?,?,?)",
                    (pkg.system_id, pkg.body_sha256, pkg.doc_id, time.time()),
                )
            return package_id

    def sent_body(self, system_id: str, sha256: str, since: float) -> str | None:
        """The DocId under which `system_id` sent these exact bytes after `since` (epoch seconds)."""
        sql = "SELECT doc_id FROM sent_bodies WHERE system_id = ? AND sha256 = ? AND seen >= ?"
        row = self.db.execute(sql, (system_id, sha256, since)).fetchone()
        return str(row["doc_id"]) if row is not None else None

    def package_by_origin(self, origin_key: str) -> dict[str, Any] | None:
        row: dict[str, Any] | None = self.db.execute(
            "SELECT id, doc_id FROM packages WHERE origin_key = ?", (origin_key,)
        ).fetchone()
        return row

    def duplicate_new_document(self, from_code: str, document_id: str, receivers: Sequence[str]) -> list[str]:
        """Receivers that already had this new document (same sender and DocumentId) delivered."""
        if not document_id:
            return []
        marks = ",".join("?" * len(receivers))
        rows = self.db.execute(
            "SELECT DISTINCT d.receiver FROM deliveries d JOIN packages p ON p.id = d.package_id"
            " WHERE p.from_code = ? AND p.document_id = ? AND p.message_type = 'edoc'"
            f" AND p.bussiness_type IN ('', '0') AND d.state != 'dropped' AND d.receiver IN ({marks})",
            (from_code, document_id, *receivers),
        ).fetchall()
        return [r["receiver"] for r in rows]

    def _owner_clause(self, owner: Owner) -> tuple[str, list[str]]:
        parts: list[str] = []
        args: list[str] = []
        if owner.organs:
            parts.append(f"receiver IN ({','.join('?' * len(owner.organs))})")
            args.extend(owner.organs)
        if owner.domains:
            parts.append(f"receiver_l1 IN ({','.join('?' * len(owner.domains))})")
            args.extend(owner.domains)
        return ("(" + " OR ".join(parts) + ")" if parts else "0"), args

    def mailbox(
        self,
        owner: Owner,
        message_type: str | None,
        *,
        since: str | None = None,
        until: str | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[dict[str, Any]]:
        """Deliveries waiting for `owner` (not yet acknowledged), oldest first."""
        clause, args = self._owner_clause(owner)
        sql, params = _filtered(
            f"SELECT * FROM deliveries WHERE route = 'local' AND state IN ('initial','processing') AND {clause}",
            list(args),
            [("message_type = ?", message_type), ("created >= ?", since), ("created <= ?", until)],
        )
        sql += " ORDER BY seq"
        if limit is not None:
            sql += " LIMIT ? OFFSET ?"
            params.extend([limit, offset])
        return list(self.db.execute(sql, params).fetchall())

    def count_mailbox(self, owner: Owner, message_type: str) -> int:
        clause, args = self._owner_clause(owner)
        row = self.db.execute(
            "SELECT COUNT(*) AS n FROM deliveries WHERE route = 'local' AND state IN ('initial','processing')"
            f" AND message_type = ? AND {clause}",
            [message_type, *args],
        ).fetchone()
        return int(row["n"])

    def delivery(self, doc_id: str) -> dict[str, Any] | None:
        row: dict[str, Any] | None = self.db.execute("SELECT * FROM deliveries WHERE doc_id = ?", (doc_id,)).fetchone()
        return row

    def delivery_by_seq(self, seq: int) -> dict[str, Any] | None:
        """A delivery by its number: the numeric docId of the EdocService protocol (profile B)."""
        row: dict[str, Any] | None = self.db.execute("SELECT * FROM deliveries WHERE seq = ?", (seq,)).fetchone()
        return row

    def document_exists(self, from_code: str, to_code: str, notation: str) -> bool:
        """A document of `from_code` numbered `notation` addressed to `to_code` (checkExistDocument)."""
        row = self.db.execute(
            "SELECT 1 FROM packages p JOIN deliveries d ON d.package_id = p.id WHERE p.from_code = ?"
            " AND p.notation = ? AND p.message_type = 'edoc' AND d.receiver = ? LIMIT 1",
            (from_code, notation, to_code),
        ).fetchone()
        return row is not None

    def delivery_body(self, doc_id: str) -> bytes | None:
        """The package body of a delivery; None when there is no such delivery or the body was purged."""
        row = self.db.execute(
            "SELECT p.body, x.package_id AS purged FROM deliveries d JOIN packages p ON p.id = d.package_id"
            " LEFT JOIN purged x ON x.package_id = p.id WHERE d.doc_id = ?",
            (doc_id,),
        ).fetchone()
        return None if row is None or row["purged"] is not None else bytes(row["body"])

    def purge_bodies(self, created_before: str, now: str, limit: int = 500) -> int:
        """Drop the bodies of packages created before `created_before` whose every delivery is over (taken and
        acknowledged, failed, dropped, forwarded or undeliverable): the metadata, deliveries and journal stay,
        the pages freed are reused, so a long trial's database stops growing with what it carried. A purged body
        is empty, so `length(body) > 0` alone keeps a package from being purged twice."""
        marks = ",".join("?" * len(PENDING_STATES))
        with self.transaction() as db:
            ids = [
                int(r["id"])
                for r in db.execute(
                    "SELECT p.id FROM packages p WHERE p.created < ? AND length(p.body) > 0"
                    f" AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.package_id = p.id AND d.state IN ({marks}))"
                    " ORDER BY p.id LIMIT ?",
                    (created_before, *PENDING_STATES, limit),
                )
            ]
            if ids:
                db.executemany("INSERT OR IGNORE INTO purged (package_id, at) VALUES (?, ?)", [(i, now) for i in ids])
                db.executemany("UPDATE packages SET body = X'' WHERE id = ?", [(i,) for i in ids])
        return len(ids)

    def package(self, doc_id: str) -> dict[str, Any] | None:
        """The package a sender's docId names, with `purged_at` set when its body was purged after retention."""
        row: dict[str, Any] | None = self.db.execute(
            "SELECT p.*, x.at AS purged_at FROM packages p LEFT JOIN purged x ON x.package_id = p.id"
            " WHERE p.doc_id = ?",
            (doc_id,),
        ).fetchone()
        return row

    def set_state(self, doc_ids: Iterable[str], state: str, desc: str, now: str, *, acked: bool = False) -> int:
        ids = list(doc_ids)
        if not ids:
            return 0
        with self.transaction() as db:
            ack = ", acked = ?" if acked else ""
            args: list[Any] = [state, desc, now] + ([now] if acked else [])
            cur = db.execute(
                f"UPDATE deliveries SET state = ?, status_desc = ?, updated = ?{ack}"
                f" WHERE doc_id IN ({','.join('?' * len(ids))})",
                args + ids,
            )
            return cur.rowcount

    def sent_by(self, system_id: str, doc_id: str) -> bool:
        """True when `doc_id` is a package `system_id` sent (not one relayed or received)."""
        row = self.db.execute(
            "SELECT 1 FROM packages WHERE doc_id = ? AND system_id = ? AND origin = 'client'", (doc_id, system_id)
        ).fetchone()
        return row is not None

    def sent(self, system_id: str, message_type: str | None, doc_id: str | None = None) -> list[dict[str, Any]]:
        sql = (
            "SELECT p.doc_id AS sender_doc_id, p.from_code, p.message_type, p.title, p.notation, p.created,"
            " d.doc_id AS receiver_doc_id, d.receiver, d.route, d.state, d.status_desc, d.acked, d.upstream_doc_id"
            " FROM packages p JOIN deliveries d ON d.package_id = p.id WHERE p.system_id = ? AND p.origin = 'client'"
        )
        sql, args = _filtered(sql, [system_id], [("p.message_type = ?", message_type), ("p.doc_id = ?", doc_id)])
        return list(self.db.execute(sql + " ORDER BY d.seq", args).fetchall())

    # Relay to the national axis ----------------------------------------------------------------

    def queued_upstream(self, limit: int = 50) -> list[dict[str, Any]]:
        """Packages with deliveries still to forward, with their queued receivers."""
        rows = self.db.execute(
            "SELECT p.id, p.doc_id, p.message_type, p.from_code, p.body, group_concat(d.doc_id, ' ') AS ids,"
            " group_concat(d.receiver, ' ') AS receivers FROM deliveries d JOIN packages p ON p.id = d.package_id"
            " WHERE d.route = 'upstream' AND d.state = 'queued' GROUP BY p.id ORDER BY p.id LIMIT ?",
            (limit,),
        ).fetchall()
        return list(rows)

    def mark_forwarded(self, doc_ids: Sequence[str], upstream_doc_id: str, now: str) -> None:
        with self.transaction() as db:
            db.execute(
                "UPDATE deliveries SET state = 'forwarded', upstream_doc_id = ?, updated = ?, attempts = attempts + 1"
                f" WHERE doc_id IN ({','.join('?' * len(doc_ids))})",
                [upstream_doc_id, now, *doc_ids],
            )

    def mark_undeliverable(self, doc_ids: Sequence[str], desc: str, now: str) -> None:
        with self.transaction() as db:
            db.execute(
                "UPDATE deliveries SET state = 'undeliverable', status_desc = ?, updated = ?,"
                f" attempts = attempts + 1 WHERE doc_id IN ({','.join('?' * len(doc_ids))})",
                [desc, now, *doc_ids],
            )

    # Journal ---------------------------------------------------------------------------------

    def journal_add(self, entry: dict[str, Any]) -> None:
        """Queue a journal row; it is committed with the next write or by `flush_journal`.

        Package data is always committed before its reply; journal rows may trail by one flush
        period (the app flushes every 200 ms), which keeps a read-mostly load from paying a
        commit per request.
        """
        self._journal.append({"note": "", **entry, "doc_ids": json.dumps(entry.get("doc_ids", []))})
        if len(self._journal) >= JOURNAL_BATCH:
            self.flush_journal()

    def flush_journal(self) -> None:
        if self._journal:
            with self.transaction():
                pass

    def journal(
        self,
        *,
        after: int = 0,
        operation: str | None = None,
        system_id: str | None = None,
        limit: int = 1000,
        tail: bool = False,
        since: str | None = None,
        until: str | None = None,
    ) -> list[dict[str, Any]]:
        """Journal rows after id `after`, oldest first; `tail` keeps the newest `limit` rows instead. `since` and
        `until` bound `ts` (the journal's own ISO format, which sorts as text): a failed scenario's evidence is its
        own seconds, not the system's last 2,000 calls serialised and filtered by the harness."""
        self.flush_journal()
        sql, args = _filtered(
            "SELECT * FROM journal WHERE id > ?",
            [after],
            [("operation = ?", operation), ("system_id = ?", system_id), ("ts >= ?", since), ("ts <= ?", until)],
        )
        order = " ORDER BY id DESC LIMIT ?" if tail else " ORDER BY id LIMIT ?"
        rows = self.db.execute(sql + order, [*args, limit]).fetchall()
        if tail:
            rows.reverse()
        for r in rows:
            r["doc_ids"] = json.loads(r["doc_ids"])
        return list(rows)

    # Inspection and reset --------------------------------------------------------------------

    def deliveries(self, *, state: str | None = None, receiver: str | None = None) -> list[dict[str, Any]]:
        sql = (
            "SELECT d.doc_id, p.doc_id AS sender_doc_id, d.message_type, d.from_code, d.receiver, d.route, d.state,"
            " d.status_desc, d.created, d.updated, d.acked, d.upstream_doc_id, p.document_id, p.origin,"
            " p.origin_key, p.id AS sender_number, d.seq AS number"
            " FROM deliveries d JOIN packages p ON p.id = d.package_id WHERE 1=1"
        )
        sql, args = _filtered(sql, [], [("d.state = ?", state), ("d.receiver = ?", receiver)])
        return list(self.db.execute(sql + " ORDER BY d.seq", args).fetchall())

    def counts(self) -> dict[str, int]:
        rows = self.db.execute("SELECT state, COUNT(*) AS n FROM deliveries GROUP BY state").fetchall()
        return {r["state"]: int(r["n"]) for r in rows}

    def reset(self, *, registry: bool = False) -> None:
        """Forget packages, deliveries and the journal; with `registry`, API registrations too."""
        self._journal = []
        with self.transaction() as db:
            db.execute("DELETE FROM deliveries")
            db.execute("DELETE FROM packages")
            db.execute("DELETE FROM journal")
            db.execute("DELETE FROM sent_bodies")
            db.execute("DELETE FROM purged")
            if registry:
                db.execute("DELETE FROM systems WHERE source != 'config'")
                db.execute("DELETE FROM organizations WHERE registered_by != ''")
