"""Console sessions kept in the campaign store, so they can be ended: the cookie carries only a random id,
the store holds its SHA-256 with the account and expiry. Logging out deletes the row; resetting an account's
password (`AccountStore.create(..., replace=True)`) or disabling it deletes all of that account's rows, so a
cookie copied before then stops working at once, in every console process that shares the store.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import delete, insert, select

from harness.edxml.formats import now_ict
from harness.trial.store import CampaignStore
from harness.trial.tables import sessions_table

SESSION_HOURS = 12
MAX_SESSION_ID = 128


def _digest(session_id: str) -> str:
    return hashlib.sha256(session_id.encode("utf-8", "replace")).hexdigest()


class SessionStore:
    def __init__(self, store: CampaignStore, *, hours: float = SESSION_HOURS) -> None:
        self.store = store
        self.lifetime = timedelta(hours=hours)

    def open(self, username: str, address: str = "") -> str:
        """A new session for `username`; returns the id to put in the cookie (never stored in clear)."""
        session_id = secrets.token_urlsafe(32)
        now = now_ict()
        values = {
            "digest": _digest(session_id),
            "username": username,
            "created_at": now,
            "expires_at": now + self.lifetime,
            "address": address[:64],
        }
        with self.store.tx() as conn:
            # Expired rows go whenever someone logs in: the table stays the size of the live sessions.
            conn.execute(delete(sessions_table).where(sessions_table.c.expires_at < now))
            conn.execute(insert(sessions_table).values(**values))
        return session_id

    def username(self, session_id: object) -> str | None:
        """The account of a live session; None for an unknown, ended or expired one."""
        if not isinstance(session_id, str) or not 16 <= len(session_id) <= MAX_SESSION_ID:
            return None
        t = sessions_table
        with self.store.tx() as conn:
            row = conn.execute(select(t.c.username, t.c.expires_at).where(t.c.digest == _digest(session_id))).first()
        if row is None or row.expires_at < now_ict():
            return None
        return str(row.username)

    def close(self, session_id: object) -> None:
        if isinstance(session_id, str) and len(session_id) <= MAX_SESSION_ID:
            with self.store.tx() as conn:
                conn.execute(delete(sessions_table).where(sessions_table.c.digest == _digest(session_id)))

    def close_all(self, username: str) -> int:
        """End every session of the account (password reset, account disabled); returns how many."""
        with self.store.tx() as conn:
            result = conn.execute(delete(sessions_table).where(sessions_table.c.username == username))
        return int(result.rowcount or 0)
