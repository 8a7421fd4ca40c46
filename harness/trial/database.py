"""The campaign's database connection: open a SQLite file or a SQLAlchemy URL, create or check the schema,
serialise SQLite writers of one process, and upsert portably. The campaign store builds on it."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from sqlalchemy import (
    Table,
    create_engine,
    event,
    insert,
    select,
    update,
)
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.pool import StaticPool

from harness.errors import LienthongError
from harness.trial.tables import SCHEMA_VERSION as SCHEMA_VERSION
from harness.trial.tables import (
    meta_table,
    metadata,
)


class StoreError(LienthongError):
    """Anything the store refuses or cannot do, with a Vietnamese message for the operator."""


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA busy_timeout = 60000")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.close()


def _db_error(exc: SQLAlchemyError) -> StoreError:
    detail = getattr(exc, "orig", None) or exc
    return StoreError(f"Lỗi cơ sở dữ liệu của đợt chạy thử: {detail}")


class _SchemaRefused(StoreError):
    """A database from a newer lienthong: never retried."""


class Database:
    """A campaign database; `CampaignStore` adds what a campaign keeps in it."""

    def __init__(self, engine: Engine, *, files_dir: Path, url: str = "") -> None:
        self.engine = engine
        self.files_dir = files_dir
        self.url = url
        self._sqlite = engine.dialect.name == "sqlite"
        # SQLite has one writer at a time; serialising this process' threads avoids busy/snapshot errors
        # (other processes wait on busy_timeout). Other databases handle concurrency themselves.
        self._lock: threading.RLock | None = threading.RLock() if self._sqlite else None
        self._init_schema()

    # -- opening and closing -------------------------------------------------------------------------------------

    @classmethod
    def open(cls, target: str | Path, *, files_dir: Path | None = None) -> Self:
        """Open (creating if needed) the store at a SQLAlchemy URL (`sqlite:///x.db`, `postgresql://...`) or a path.

        Raises StoreError (Vietnamese) when the URL is malformed, the file is not a database, or its schema is
        newer than this version of lienthong knows.
        """
        if isinstance(target, Path) or "://" not in target:
            return cls.from_path(Path(target), files_dir=files_dir)
        try:
            url = make_url(target)
        except ArgumentError as exc:
            raise StoreError(f"URL cơ sở dữ liệu không hợp lệ: {target!r}") from exc
        return cls._from_url(url, files_dir=files_dir)

    @classmethod
    def from_path(cls, path: Path, *, files_dir: Path | None = None) -> Self:
        """Open the SQLite file at `path` (its parent folder is created); files go to `files/` beside it."""
        path = path.expanduser()
        return cls._from_url(URL.create("sqlite", database=str(path)), files_dir=files_dir)

    @classmethod
    def _from_url(cls, url: URL, *, files_dir: Path | None) -> Self:
        try:
            backend = url.get_backend_name()
        except Exception as exc:  # a URL without a usable scheme
            raise StoreError(f"URL cơ sở dữ liệu không hợp lệ: {url.render_as_string()!r}") from exc
        try:
            if backend == "sqlite":
                database = url.database or ""
                memory = database in ("", ":memory:") or url.query.get("mode") == "memory"
                if memory:
                    engine = create_engine(url, connect_args={"check_same_thread": False}, poolclass=StaticPool)
                else:
                    db_path = Path(database)
                    try:
                        db_path.parent.mkdir(parents=True, exist_ok=True)
                    except OSError as exc:
                        raise StoreError(f"Không tạo được thư mục {db_path.parent}: {exc.strerror or exc}") from exc
                    if db_path.is_dir():
                        raise StoreError(f"{db_path} là một thư mục, không phải tệp cơ sở dữ liệu.")
                    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 60})
                    files_dir = files_dir or db_path.parent / "files"
                event.listen(engine, "connect", _sqlite_pragmas)
            else:
                engine = create_engine(url, pool_pre_ping=True)
        except (ArgumentError, ImportError) as exc:
            raise StoreError(f"Không mở được cơ sở dữ liệu {url.render_as_string()}: {exc}") from exc
        try:
            return cls(
                engine,
                files_dir=files_dir or Path(".lienthong") / "trial" / "files",
                url=url.render_as_string(hide_password=True),
            )
        except BaseException:
            engine.dispose()
            raise

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    @contextmanager
    def _tx(self) -> Iterator[Connection]:
        guard: AbstractContextManager[Any] = self._lock if self._lock is not None else nullcontext()
        try:
            with guard, self.engine.begin() as conn:
                yield conn
        except SQLAlchemyError as exc:
            raise _db_error(exc) from exc

    def _init_schema(self) -> None:
        for attempt in range(3):
            try:
                self._create_schema()
                return
            except _SchemaRefused:
                raise
            except StoreError as exc:
                # Two processes creating the same fresh database can race on CREATE TABLE: retry once it exists.
                if attempt == 2 or "exists" not in exc.message_vi:
                    raise
                time.sleep(0.2)

    def _create_schema(self) -> None:
        with self._tx() as conn:
            meta_table.create(conn, checkfirst=True)
            raw = conn.execute(select(meta_table.c.value).where(meta_table.c.key == "schema_version")).scalar()
            if raw is not None:
                try:
                    version = int(raw)
                except ValueError:
                    version = -1
                if version > SCHEMA_VERSION or version < 1:
                    raise _SchemaRefused(
                        f"Cơ sở dữ liệu {self.url} có lược đồ phiên bản {raw}, "
                        f"trong khi phiên bản lienthong này chỉ hỗ trợ đến phiên bản {SCHEMA_VERSION}. "
                        "Hãy dùng phiên bản lienthong mới hơn (hoặc một cơ sở dữ liệu khác)."
                    )
            metadata.create_all(conn, checkfirst=True)
            if raw is None:
                conn.execute(insert(meta_table).values(key="schema_version", value=str(SCHEMA_VERSION)))
            elif int(raw) < SCHEMA_VERSION:
                # 1 -> 2 -> 3 only added tables, which create_all just made.
                conn.execute(
                    update(meta_table).where(meta_table.c.key == "schema_version").values(value=str(SCHEMA_VERSION))
                )

    def schema_version(self) -> int:
        with self._tx() as conn:
            raw = conn.execute(select(meta_table.c.value).where(meta_table.c.key == "schema_version")).scalar_one()
        return int(raw)

    def meta(self, key: str) -> str | None:
        """A campaign setting (`campaign.topology`, `reports.<round>`, ...), None when unset."""
        with self._tx() as conn:
            value = conn.execute(select(meta_table.c.value).where(meta_table.c.key == key)).scalar()
        return None if value is None else str(value)

    def set_meta(self, key: str, value: str) -> None:
        with self._tx() as conn:
            self._upsert(conn, meta_table, {"key": key, "value": value}, ("key",))

    def tx(self) -> AbstractContextManager[Connection]:
        """A transaction on the store's engine, serialised like the store's own (for the modules beside it)."""
        return self._tx()

    # -- generic upsert ------------------------------------------------------------------------------------------

    @staticmethod
    def upsert(conn: Connection, table: Table, values: dict[str, Any], keys: tuple[str, ...]) -> None:
        """Insert or update by `keys`, with the dialect's ON CONFLICT when it has one."""
        Database._upsert(conn, table, values, keys)

    @staticmethod
    def _upsert(conn: Connection, table: Table, values: dict[str, Any], keys: tuple[str, ...]) -> None:
        changes = {k: v for k, v in values.items() if k not in keys}
        dialect = conn.dialect.name
        if dialect == "sqlite":
            lite = sqlite_insert(table).values(**values)
            conn.execute(lite.on_conflict_do_update(index_elements=list(keys), set_=changes))
        elif dialect == "postgresql":
            # Imported here: SQLAlchemy's PostgreSQL dialect took a tenth of a second to load in every process.
            from sqlalchemy.dialects.postgresql import insert as pg_insert

            pg = pg_insert(table).values(**values)
            conn.execute(pg.on_conflict_do_update(index_elements=list(keys), set_=changes))
        else:
            where = [table.c[k] == values[k] for k in keys]
            if conn.execute(update(table).where(*where).values(**changes)).rowcount == 0:
                conn.execute(insert(table).values(**values))
