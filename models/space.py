"""Database size and giving space back: SQLite incremental vacuum, PostgreSQL VACUUM.

SQLite keeps the pages of deleted rows in a free list inside the file: new rows reuse
them, but the file never shrinks by itself. With ``auto_vacuum = INCREMENTAL`` the free
pages can be handed back to the file system in small steps (``PRAGMA incremental_vacuum``,
one short write transaction each, so poll cycles keep writing in between), without the
full rewrite and long exclusive lock of ``VACUUM``. The mode is fixed when the file is
created (``models.db`` sets it for every new database) and otherwise needs one VACUUM to
switch: ``newsmon db upgrade`` does that once for databases made before newsmon 0.2
(``switch_to_incremental``), and ``newsmon prune --vacuum-full`` can do it by hand.

In WAL mode the truncated file is only written back at a checkpoint: ``checkpoint``
runs ``wal_checkpoint(TRUNCATE)``, which also empties the ``-wal`` file a large prune grew.

PostgreSQL: a plain ``VACUUM (ANALYZE)`` marks the dead rows' space reusable (new rows fill
it, the files do not grow) without blocking reads or writes; only ``VACUUM FULL`` would
shrink the files, under an exclusive lock, so newsmon never runs it.
"""
from __future__ import annotations

import itertools
import logging
import sqlite3
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from sqlalchemy import exc
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

from newsmon.errors import StorageError

from .db import mask, normalize_url, read_engine, storage_error

log = logging.getLogger(__name__)

AUTO_VACUUM = {0: "none", 1: "full", 2: "incremental"}


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL (None for PostgreSQL or an in-memory database)."""
    u = normalize_url(url)
    if u.get_backend_name() != "sqlite":
        return None
    db = u.database or ""
    if db in ("", ":memory:") or db.startswith("file::memory:"):
        return None
    return Path(db).expanduser()


def _file_size(p: Path) -> int:
    try:
        return p.stat().st_size
    except OSError:
        return 0


def newsmon_tables() -> list[str]:
    return [t.name for t in SQLModel.metadata.sorted_tables]


# -- measuring -----------------------------------------------------------------------------------

def database_size(engine: Engine, url: str) -> dict[str, Any]:
    """The database's size in bytes, with what the backend knows about free space.

    SQLite: ``page_count * page_size`` of the main file (``bytes``), pages on the free list
    (``free_bytes``: reused by new rows, given back by incremental vacuum) and the current
    ``-wal`` file. PostgreSQL: the sum of ``pg_total_relation_size`` (table, indexes, TOAST)
    of newsmon's tables in the current schema (``bytes``); the database may hold others.
    """
    with read_engine(engine).connect() as conn:  # (SQLite: BEGIN DEFERRED, no write lock)
        if conn.dialect.name == "sqlite":
            page_size = conn.exec_driver_sql("PRAGMA page_size").scalar_one()
            pages = conn.exec_driver_sql("PRAGMA page_count").scalar_one()
            free = conn.exec_driver_sql("PRAGMA freelist_count").scalar_one()
            mode = conn.exec_driver_sql("PRAGMA auto_vacuum").scalar_one()
            path = sqlite_path(url)
            wal = _file_size(Path(f"{path}-wal")) if path else 0
            return {"backend": "sqlite", "bytes": pages * page_size, "free_bytes": free * page_size,
                    "wal_bytes": wal, "page_size": page_size, "auto_vacuum": AUTO_VACUUM.get(mode, str(mode))}
        sizes = _pg_table_sizes(conn)
        return {"backend": "postgresql", "bytes": sum(sizes.values())}


def _pg_table_sizes(conn: Any) -> dict[str, int]:
    rows = conn.exec_driver_sql(
        "SELECT c.relname, pg_total_relation_size(c.oid) FROM pg_class c "
        "JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.relkind = 'r' AND n.nspname = current_schema()").all()
    ours = set(newsmon_tables())
    return {name: int(size) for name, size in rows if name in ours}


def table_sizes(engine: Engine) -> dict[str, int] | None:
    """Bytes per newsmon table, indexes included (None when the backend cannot tell).

    SQLite: the ``dbstat`` virtual table (compiled into most builds), which reads every
    page of the file: seconds per GB. PostgreSQL: ``pg_total_relation_size`` (instant).
    """
    with read_engine(engine).connect() as conn:  # (SQLite: BEGIN DEFERRED, no write lock)
        if conn.dialect.name != "sqlite":
            return _pg_table_sizes(conn)
        owner = dict(conn.exec_driver_sql("SELECT name, tbl_name FROM sqlite_master "
                                          "WHERE type IN ('table', 'index')").all())
        try:
            rows = conn.exec_driver_sql("SELECT name, pgsize FROM dbstat WHERE aggregate = 1").all()
        except exc.OperationalError:  # SQLite built without SQLITE_ENABLE_DBSTAT_VTAB
            return None
    ours = set(newsmon_tables())
    out: dict[str, int] = {}
    for name, size in rows:
        table = owner.get(name, name)
        if table in ours:
            out[table] = out.get(table, 0) + int(size)
    return out


# -- SQLite: auto_vacuum, incremental vacuum, checkpoint -------------------------------------------

def _raw(path: Path, busy_timeout_s: float) -> sqlite3.Connection:
    conn = sqlite3.connect(path, timeout=busy_timeout_s, isolation_level=None)
    conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_s * 1000)}")
    return conn


def switch_to_incremental(url: str, *, busy_timeout_s: float = 30.0, force_vacuum: bool = False) -> dict[str, Any]:
    """Put a SQLite database in ``auto_vacuum = INCREMENTAL`` (one VACUUM if it is not yet).

    VACUUM rewrites the whole file: it needs free disk space about the size of the
    database, and other writers wait for it (readers do not, in WAL mode). ``force_vacuum``
    runs it even when the mode is right (``newsmon prune --vacuum-full``: compact the file).
    Returns what was done; {} for PostgreSQL.
    """
    path = sqlite_path(url)
    if path is None or not path.exists():
        return {}
    try:
        conn = _raw(path, busy_timeout_s)
        try:
            mode = conn.execute("PRAGMA auto_vacuum").fetchone()[0]
            if mode == 2 and not force_vacuum:
                return {"auto_vacuum": "incremental", "vacuumed": False}
            before = _file_size(path)
            t0 = time.monotonic()
            conn.execute("PRAGMA auto_vacuum = INCREMENTAL")
            conn.execute("VACUUM")
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
            mode = conn.execute("PRAGMA auto_vacuum").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error as e:
        raise _vacuum_error(url, e, busy_timeout_s) from None
    return {"auto_vacuum": AUTO_VACUUM.get(mode, str(mode)), "vacuumed": True,
            "seconds": round(time.monotonic() - t0, 3), "bytes_before": before, "bytes_after": _file_size(path)}


def _vacuum_error(url: str, e: sqlite3.Error, busy_timeout_s: float) -> StorageError:
    msg = " ".join(str(e).split())
    if "full" in msg.lower():
        return StorageError(f"database {mask(url)}: VACUUM failed ({msg}): it needs free disk space about the size "
                            f"of the database next to it (or in SQLITE_TMPDIR); free some and run it again")
    return storage_error(url, e, busy_timeout_s=busy_timeout_s)


class BatchSizer:
    """How many rows (or pages) the next transaction takes, so that it lasts about
    ``target_s``: from what the last one cost per row, growing at most twofold per step,
    between 1 and ``max_size``. Rows differ a lot in cost (an article with a 100 KiB page,
    its 40 band keys...), so a fixed count would hold the lock for very different times."""

    def __init__(self, max_size: int, target_s: float, start: int = 50) -> None:
        self.max_size = max(1, max_size)
        self.target_s = target_s
        self.size = max(1, min(self.max_size, start))
        self.longest_s = 0.0  # the longest transaction so far (reported)

    def record(self, elapsed_s: float, done: int) -> None:
        self.longest_s = max(self.longest_s, elapsed_s)
        if done <= 0 or elapsed_s <= 0:
            return
        ideal = self.target_s * done / elapsed_s
        self.size = int(max(1, min(self.max_size, ideal, self.size * 2)))


def incremental_vacuum(write: Callable[[Callable[[Any], Any]], Any], read_free: Callable[[], int], *,
                       sizer: BatchSizer, pause_s: float = 0.0,
                       between: Callable[[], None] | None = None) -> tuple[int, int]:
    """Give SQLite's free pages back, ``sizer.size`` pages per write transaction (``write``
    runs a function in one, as ``Store._write`` does). Returns (pages freed, transactions).

    The sqlite3 module steps ``PRAGMA incremental_vacuum(N)`` once, which frees one page,
    whatever N is: so each transaction runs ``incremental_vacuum(1)`` once per page.
    """
    freed = steps = 0
    remaining = read_free()
    while remaining > 0:
        n = min(sizer.size, remaining)

        def step(conn: Any) -> int:
            dbapi = conn.connection.driver_connection
            before = dbapi.execute("PRAGMA freelist_count").fetchone()[0]
            dbapi.executemany("PRAGMA incremental_vacuum(1)", itertools.repeat((), n))
            return before - dbapi.execute("PRAGMA freelist_count").fetchone()[0]

        t0 = time.monotonic()
        done = write(step)
        sizer.record(time.monotonic() - t0, done)
        steps += 1
        freed += done
        if done <= 0:  # nothing more can be freed (another process's transaction holds them)
            break
        remaining = read_free()
        if remaining > 0:
            if between is not None:
                between()
            if pause_s:
                time.sleep(pause_s)
    return freed, steps


def checkpoint(engine: Engine, url: str) -> dict[str, Any]:
    """``PRAGMA wal_checkpoint(TRUNCATE)``: write the WAL back (the truncated file shrinks)
    and empty it. Waits (busy timeout) for readers of older snapshots; if they stay, the
    checkpoint is partial and says so (``busy``: the next prune or cycle finishes it)."""
    raw = engine.raw_connection()
    try:
        busy, log_frames, done = raw.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    except sqlite3.Error as e:
        raise storage_error(url, e) from None
    finally:
        raw.close()
    path = sqlite_path(url)
    return {"busy": bool(busy), "wal_bytes": _file_size(Path(f"{path}-wal")) if path else 0}


# -- PostgreSQL --------------------------------------------------------------------------------------

def pg_vacuum(engine: Engine, tables: Iterable[str]) -> float:
    """``VACUUM (ANALYZE)`` of ``tables`` (outside a transaction, as VACUUM must be); seconds."""
    names = sorted(set(tables))
    if not names:
        return 0.0
    t0 = time.monotonic()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        quote = conn.dialect.identifier_preparer.quote
        conn.exec_driver_sql("VACUUM (ANALYZE) " + ", ".join(quote(n) for n in names))
    return time.monotonic() - t0


def pg_analyze_if_never(engine: Engine, tables: Iterable[str]) -> list[str]:
    """ANALYZE the ``tables`` that have no planner statistics yet (e.g. just restored with
    pg_restore, before autovacuum came by): without them PostgreSQL may plan prune's batch
    query as a scan of every candidate instead of an index walk. Returns those analyzed."""
    names = sorted(set(tables))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        rows = conn.exec_driver_sql(
            "SELECT relname FROM pg_stat_user_tables WHERE schemaname = current_schema() "
            "AND last_analyze IS NULL AND last_autoanalyze IS NULL").scalars().all()
        todo = [n for n in names if n in set(rows)]
        if todo:
            quote = conn.dialect.identifier_preparer.quote
            conn.exec_driver_sql("ANALYZE " + ", ".join(quote(n) for n in todo))
    return todo


def file_bytes(url: str) -> int | None:
    """Bytes of a SQLite database on disk (main file + WAL), None for PostgreSQL."""
    path = sqlite_path(url)
    if path is None:
        return None
    return _file_size(path) + _file_size(Path(f"{path}-wal"))


def is_sqlite(url: str) -> bool:
    return normalize_url(url).get_backend_name() == "sqlite"


__all__ = ["AUTO_VACUUM", "BatchSizer", "checkpoint", "database_size", "file_bytes", "incremental_vacuum", "is_sqlite",
           "pg_analyze_if_never", "pg_vacuum", "sqlite_path", "switch_to_incremental", "table_sizes"]

