"""Engine setup for SQLite and PostgreSQL, schema creation, and readable storage errors.

SQLite is set up for several writers (threads and processes) on one file:

* WAL journal: readers never block the writer and the writer never blocks readers.
* ``busy_timeout``: a writer waits for the lock instead of failing at once.
* Write transactions start with ``BEGIN IMMEDIATE``. A deferred transaction that reads
  first and writes later cannot wait for the lock when another writer committed in the
  meantime (SQLITE_BUSY_SNAPSHOT is returned at once, busy_timeout or not): that is where
  "database is locked" comes from under concurrency. Taking the write lock at BEGIN makes
  every writer queue on the busy handler instead. Read-only work uses the engine returned
  by ``read_engine()`` which begins DEFERRED, so it never waits on writers.

PostgreSQL goes through psycopg 3 with ``pool_pre_ping`` so that connections dropped by a
server restart are replaced instead of failing the next cycle.
"""
from __future__ import annotations

import json
import logging
import random
import re
import sqlite3
import time
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import event, exc
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.pool import StaticPool
from sqlmodel import create_engine

from newsmon.errors import StorageError

from . import tables  # noqa: F401  (registers the tables on SQLModel.metadata)

log = logging.getLogger(__name__)

# Arbitrary constant: the advisory lock that serialises schema creation on PostgreSQL.
_PG_INIT_LOCK = 0x6E65_7773  # "news"
_SQLITE_BEGIN = "newsmon_sqlite_begin"


def normalize_url(url: str) -> URL:
    """Parse a database URL; ``postgres://`` and ``postgresql://`` use psycopg 3."""
    try:
        u = make_url(url.strip())
    except exc.ArgumentError:
        raise StorageError(
            f"{url!r} is not a database URL; use sqlite:///path/to/newsmon.db or "
            "postgresql+psycopg://user@host:5432/dbname in [database] url") from None
    if u.drivername in ("postgres", "postgresql"):
        u = u.set(drivername="postgresql+psycopg")
    if u.get_backend_name() not in ("sqlite", "postgresql"):
        raise StorageError(
            f"{mask(u)}: unsupported database {u.get_backend_name()!r}; newsmon supports "
            "sqlite:///path and postgresql+psycopg://user@host/db in [database] url")
    if u.get_backend_name() == "postgresql" and u.get_driver_name() != "psycopg":
        raise StorageError(f"{mask(u)}: use the psycopg 3 driver, i.e. postgresql+psycopg://...")
    return u


def mask(url: URL | str) -> str:
    """The URL as text with any password replaced by ***."""
    if isinstance(url, str):
        try:
            url = make_url(url)
        except exc.ArgumentError:
            return re.sub(r"://([^:/@]*):[^@]*@", r"://\1:***@", url)
    return url.render_as_string(hide_password=True)


def _json_default(o: Any) -> Any:
    # Provenance dicts from extractors may hold datetimes, sets or other objects: store them
    # readably rather than lose the article to a TypeError.
    if isinstance(o, datetime | date):
        return o.isoformat()
    if isinstance(o, set | frozenset | tuple):
        return sorted(o, key=str) if isinstance(o, set | frozenset) else list(o)
    if isinstance(o, bytes):
        return o.decode("utf-8", "replace")
    return str(o)


def json_dumps(o: Any) -> str:
    # ensure_ascii=False: Korean text stays readable (and 3x smaller than \uXXXX) in SQLite.
    return json.dumps(o, ensure_ascii=False, default=_json_default)


def make_engine(url: str, *, sqlite_busy_timeout_s: float = 30, echo: bool = False,
                foreign_keys: bool = True) -> Engine:
    """An engine for ``url``; raises StorageError for a bad URL or an uncreatable SQLite directory.

    ``foreign_keys=False`` (SQLite) is for schema migrations only: a batch-mode column change
    copies a table and drops the old one, and with foreign keys on, the DROP would first
    delete every row (cascading to the child tables). Migrations run ``PRAGMA
    foreign_key_check`` before they commit instead (``models.migrate``).
    """
    u = normalize_url(url)
    if u.get_backend_name() == "sqlite":
        return _sqlite_engine(u, sqlite_busy_timeout_s, echo, foreign_keys)
    return create_engine(u, pool_pre_ping=True, echo=echo, json_serializer=json_dumps,
                         connect_args={"connect_timeout": 10, "application_name": "newsmon"})


def _sqlite_engine(u: URL, busy_timeout_s: float, echo: bool, foreign_keys: bool = True) -> Engine:
    db = u.database or ""
    memory = db in ("", ":memory:") or db.startswith("file::memory:")
    kwargs: dict[str, Any] = {}
    if memory:
        # One shared connection, otherwise every connection would see its own empty
        # database. Meant for single-threaded tools and tests only.
        kwargs["poolclass"] = StaticPool
    else:
        parent = Path(db).expanduser().parent
        try:
            parent.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            # mkdir says "File exists" when a path component is a file: say that instead.
            why = next((f"{a} is a file, not a directory" for a in (parent, *parent.parents)
                        if a.exists() and not a.is_dir()), e.strerror or str(e))
            raise StorageError(
                f"{mask(u)}: cannot create the directory {parent} ({why}); "
                "point [database] url at a writable path") from None
    engine = create_engine(
        u, echo=echo, json_serializer=json_dumps, **kwargs,
        # The sqlite3 module's own busy wait; PRAGMA busy_timeout below sets the same.
        connect_args={"check_same_thread": False, "timeout": busy_timeout_s})
    busy_ms = int(busy_timeout_s * 1000)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event below issue BEGIN instead of the sqlite3 module
        # (which would only begin lazily, deferred, before the first write).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        try:
            cur.execute(f"PRAGMA busy_timeout = {busy_ms}")
            cur.execute(f"PRAGMA foreign_keys = {'ON' if foreign_keys else 'OFF'}")
            if not memory:
                if _is_new_file(db):
                    # A new, empty file (before the WAL switch writes its header): made with
                    # incremental auto-vacuum, so that retention can give freed pages back
                    # to the file system (PRAGMA incremental_vacuum). Only then: on an
                    # existing file this pragma opens a write transaction (opening would
                    # wait for writers), and the mode only changes with a VACUUM
                    # (models.space.switch_to_incremental).
                    cur.execute("PRAGMA auto_vacuum = INCREMENTAL")
                _set_wal(cur, busy_timeout_s)
                # Safe against process crashes in WAL mode; only an OS crash may lose the last commits.
                cur.execute("PRAGMA synchronous = NORMAL")
        finally:
            cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        mode = conn.get_execution_options().get(_SQLITE_BEGIN, "IMMEDIATE")
        conn.exec_driver_sql(f"BEGIN {mode}")

    return engine


def _is_new_file(db: str) -> bool:
    try:
        return Path(db).expanduser().stat().st_size == 0
    except OSError:
        return True


def _set_wal(cur: Any, busy_timeout_s: float) -> None:
    """Switch the file to WAL (a no-op when it already is).

    The switch takes an exclusive lock and SQLite answers SQLITE_BUSY at once, without the
    busy handler, when another connection is switching at the same moment (two processes
    opening a new database): wait and retry within the busy timeout ourselves.
    """
    deadline = time.monotonic() + busy_timeout_s
    while True:
        try:
            cur.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as e:
            if "locked" not in str(e) and "busy" not in str(e) or time.monotonic() >= deadline:
                raise
            time.sleep(0.02 + random.random() * 0.03)


def read_engine(engine: Engine) -> Engine:
    """The same pool, but transactions that never write: on SQLite they begin DEFERRED."""
    if engine.dialect.name == "sqlite":
        return engine.execution_options(**{_SQLITE_BEGIN: "DEFERRED"})
    return engine


def storage_error(url: URL | str, e: BaseException, *, busy_timeout_s: float | None = None) -> StorageError:
    """One readable line: which database, what went wrong, what to do."""
    where = mask(url)
    orig = getattr(e, "orig", None) or e
    detail = " ".join(str(orig).split())
    low = detail.lower()
    backend = (make_url(url) if isinstance(url, str) else url).get_backend_name()
    if backend == "sqlite":
        if "locked" in low or "busy" in low:
            waited = f" for more than {busy_timeout_s:g}s" if busy_timeout_s else ""
            fix = ("another process held the write lock" + waited +
                   "; stop the other writer, raise [database] sqlite_busy_timeout_s, "
                   "or use PostgreSQL for many workers")
        elif "unable to open" in low:
            fix = "cannot open the file; check that its directory exists and is writable ([database] url)"
        elif "readonly" in low or "read-only" in low:
            fix = "the file or its directory is read-only; make it writable or change [database] url"
        elif "not a database" in low or "malformed" in low:
            fix = "the file is not a usable SQLite database; point [database] url at a new path"
        elif "no such table" in low:
            fix = "tables are missing; run `newsmon db upgrade --config PATH`"
        else:
            fix = "check [database] url"
        return StorageError(f"database {where}: {detail}; {fix}")
    if "does not exist" in low and "database" in low:
        fix = "create the database (createdb) or fix the name in [database] url"
    elif "password" in low or "authentication" in low:
        fix = "fix the user/password in [database] url or the server's pg_hba.conf"
    elif "connect" in low or "connection" in low or "could not translate host" in low or "timeout" in low:
        fix = "is PostgreSQL running and reachable at that host/port? check [database] url"
    elif "deadlock" in low:
        fix = "retry; if it persists, report it with the log"
    else:
        fix = "check [database] url and the server log"
    # psycopg messages carry the full conninfo on several lines; the first line is the cause.
    first = str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__
    return StorageError(f"database {where}: {' '.join(first.split())}; {fix}")
