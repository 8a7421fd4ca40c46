"""The campaign store's tables, in one place so the store and the modules beside it (tasks, accounts,
live progress, issued appendices) share one schema and one metadata.

Version 2 added `tasks`, `accounts`, `account_agencies`, `live`, `issued` and `audit` (the console's);
a version-1 database gets them on open (new tables only, nothing else changes).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Dialect,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.types import TypeDecorator

from harness.edxml.formats import ICT

SCHEMA_VERSION = 3
"""Bump with a migration in `CampaignStore._create_schema` whenever a table changes."""


class IsoDateTime(TypeDecorator[datetime]):
    """A timezone-aware datetime stored as ISO 8601 text in ICT: same on every database, sorts as text."""

    impl = String(40)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=ICT)
        return value.astimezone(ICT).isoformat(timespec="microseconds")

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        parsed = datetime.fromisoformat(str(value))
        return parsed.astimezone(ICT) if parsed.tzinfo is not None else parsed.replace(tzinfo=ICT)


metadata = MetaData()

meta_table = Table(
    "lienthong_meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

agencies_table = Table(
    "agencies",
    metadata,
    Column("organ_id", String(64), primary_key=True),
    Column("position", Integer, nullable=False),
    Column("name", Text, nullable=False),
    Column("vendor", Text, nullable=False),
    Column("system", Text, nullable=False),
    Column("contact", Text, nullable=False),
    Column("paper_documents", Integer, nullable=True),
)

rounds_table = Table(
    "rounds",
    metadata,
    Column("number", Integer, primary_key=True, autoincrement=False),
    Column("name", Text, nullable=False),
    Column("deadline", IsoDateTime(), nullable=True),
    Column("letter", Text, nullable=False),
)

runs_table = Table(
    "runs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("round", Integer, nullable=False),
    Column("organ_id", String(64), nullable=False),
    Column("scenario_id", String(16), nullable=False),
    Column("name", String(512), nullable=False),
    Column("attempt", Integer, nullable=False),
    Column("outcome", String(16), nullable=False),
    Column("started", String(40), nullable=False),
    Column("seconds", Float, nullable=False),
    Column("message_vi", Text, nullable=False),
    Column("result", Text, nullable=False),
    Column("recorded_at", IsoDateTime(), nullable=False),
    UniqueConstraint("round", "organ_id", "scenario_id", "name", "attempt", name="uq_runs_attempt"),
    Index("ix_runs_round_organ", "round", "organ_id"),
)

attestations_table = Table(
    "attestations",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("round", Integer, nullable=False),
    Column("organ_id", String(64), nullable=False),
    Column("test_id", String(16), nullable=False),
    Column("who", Text, nullable=False),
    Column("at", IsoDateTime(), nullable=False),
    Column("note", Text, nullable=False),
    Column("passed", Boolean, nullable=False),
    # JSON list of {"path" (relative to the files folder), "name", "sha256", "size"}.
    Column("files", Text, nullable=False),
    Index("ix_attestations_round_organ", "round", "organ_id"),
)

exchange_table = Table(
    "exchange",
    metadata,
    Column("round", Integer, primary_key=True, autoincrement=False),
    Column("sender", String(64), primary_key=True),
    Column("receiver", String(64), primary_key=True),
    Column("documents", Integer, nullable=False),
)


tasks_table = Table(
    "tasks",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("round", Integer, nullable=False),
    Column("organ_id", String(64), nullable=False),
    Column("scenario_id", String(16), nullable=False),
    Column("scenario", String(512), nullable=False),
    Column("attempt", Integer, nullable=False),
    Column("number", Integer, nullable=False),
    # instruction (do this in your own system) or attestation (vouch for what the axis cannot show)
    Column("kind", String(16), nullable=False),
    Column("title", Text, nullable=False),
    Column("text", Text, nullable=False),
    Column("expect_vi", Text, nullable=False),
    Column("document", Text, nullable=False),
    Column("deadline", IsoDateTime(), nullable=True),
    Column("created_at", IsoDateTime(), nullable=False),
    # open, done, impossible, expired
    Column("state", String(16), nullable=False),
    Column("answered_by", Text, nullable=False),
    Column("answered_at", IsoDateTime(), nullable=True),
    Column("note", Text, nullable=False),
    Column("files", Text, nullable=False),
    Index("ix_tasks_round_organ", "round", "organ_id"),
)

accounts_table = Table(
    "accounts",
    metadata,
    Column("username", String(128), primary_key=True),
    Column("password_hash", Text, nullable=False),
    # admin, agency, vendor
    Column("role", String(16), nullable=False),
    Column("display_name", Text, nullable=False),
    Column("created_at", IsoDateTime(), nullable=False),
    Column("disabled", Boolean, nullable=False),
)

account_agencies_table = Table(
    "account_agencies",
    metadata,
    Column("username", String(128), primary_key=True),
    Column("organ_id", String(64), primary_key=True),
)

live_table = Table(
    "live",
    metadata,
    Column("round", Integer, primary_key=True, autoincrement=False),
    Column("organ_id", String(64), primary_key=True),
    Column("scenario_id", String(16), primary_key=True),
    Column("name", String(512), primary_key=True),
    Column("attempt", Integer, nullable=False),
    Column("started_at", IsoDateTime(), nullable=False),
)

issued_table = Table(
    "issued",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("code", String(64), nullable=False),
    # phu-luc (one agency's appendix) or tong-hop (the summary)
    Column("kind", String(16), nullable=False),
    Column("round", Integer, nullable=False),
    Column("organ_id", String(64), nullable=True),
    Column("issued_at", IsoDateTime(), nullable=False),
    Column("pdf_sha256", String(64), nullable=False),
    Column("pdf_path", Text, nullable=False),
    Column("docx_path", Text, nullable=False),
    Index("ix_issued_code", "code"),
)

audit_table = Table(
    "audit",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", IsoDateTime(), nullable=False),
    Column("username", String(128), nullable=False),
    Column("action", String(32), nullable=False),
    Column("target", Text, nullable=False),
    Column("detail", Text, nullable=False),
)

sessions_table = Table(
    "sessions",
    metadata,
    # SHA-256 of the random session id the cookie carries: a stolen database does not give live sessions.
    Column("digest", String(64), primary_key=True),
    Column("username", String(128), nullable=False),
    Column("created_at", IsoDateTime(), nullable=False),
    Column("expires_at", IsoDateTime(), nullable=False),
    Column("address", String(64), nullable=False),
    Index("ix_sessions_username", "username"),
)

login_failures_table = Table(
    "login_failures",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", IsoDateTime(), nullable=False),
    Column("username", String(128), nullable=False),
    Column("address", String(64), nullable=False),
    Index("ix_login_failures_username", "username"),
    Index("ix_login_failures_address", "address"),
)

issued_statements_table = Table(
    "issued_statements",
    metadata,
    # What an issued appendix certified, as it was printed (the verification page shows this, not today's result).
    Column("code", String(64), primary_key=True),
    Column("statement", Text, nullable=False),
)
