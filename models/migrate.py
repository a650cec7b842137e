"""Schema migrations: which revision a database is at, creating new ones, upgrading old ones.

The schema is versioned with Alembic (``models/migrations/versions``). Revision
``0001_baseline`` is exactly the schema newsmon 0.1.0 created, which had no version table:
a database with newsmon's tables and no version table is taken to be 0.1.0, stamped as the
baseline and upgraded in place (``newsmon db upgrade``).

Every command that opens the database calls ``ensure_current`` (through ``Store.check``):

* no newsmon table yet: the schema is created at the newest revision and stamped (as
  before migrations existed, a first run just works);
* at the newest revision: nothing to do (one read);
* behind (an older newsmon wrote it) or ahead (a newer one did): ``SchemaError``, one
  line that names the revisions, the newsmon versions and what to run. Nothing has been
  written then: the check only reads.

Concurrency: creating and upgrading run in ONE transaction that first takes a lock
(PostgreSQL: an advisory transaction lock; SQLite: ``BEGIN IMMEDIATE``, the write lock),
then reads the revision again. Two workers upgrading at once: the second waits, finds the
database current, and applies nothing. PostgreSQL and SQLite both have transactional DDL,
so a migration that fails leaves the database at the revision it had.

SQLite column changes use Alembic's batch mode (copy the table, drop the old one). The
migration connection runs with foreign keys OFF (otherwise the DROP would delete the child
rows through ON DELETE CASCADE) and checks ``PRAGMA foreign_key_check`` before committing.

The version table is ``newsmon_schema_version`` (not ``alembic_version``), so a PostgreSQL
schema shared with another Alembic-managed application does not mix their versions.
"""
from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import exc, inspect, select
from sqlalchemy.engine import Connection, Engine
from sqlmodel import SQLModel

from newsmon.errors import StorageError

from . import search_index, tables
from .db import make_engine, mask, read_engine, storage_error

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
VERSION_TABLE = "newsmon_schema_version"
BASELINE = "0001_baseline"
# The tables newsmon 0.1.0 created: all of them must be there to stamp an unversioned database.
BASELINE_TABLES = frozenset({
    "feed", "article", "article_url", "mention", "fetch_outcome", "robots_txt", "review_event", "cycle",
    "cluster_signature", "cluster_band", "alert_sent"})
_PG_MIGRATE_LOCK = 0x6E65_7773 + 11  # advisory lock serialising schema changes on PostgreSQL


class SchemaError(StorageError):
    """The database schema is not the one this newsmon needs (behind, ahead or foreign)."""


def newsmon_version() -> str:
    try:
        from importlib.metadata import version
        return version("newsmon")
    except Exception:  # noqa: BLE001 - not installed (running from a checkout): any failure means unknown
        return "unknown"


@dataclass(frozen=True)
class SchemaStatus:
    """Where a database stands. ``state`` is one of:

    ``empty`` (no newsmon table), ``current``, ``behind``, ``ahead`` (a revision this
    newsmon does not know), ``unversioned`` (0.1.0: tables without a version table).
    """

    state: str
    current: str | None
    head: str
    pending: list[str] = field(default_factory=list)  # revisions an upgrade applies, oldest first
    written_by: str | None = None  # the newsmon version that last created or upgraded it
    missing_tables: list[str] = field(default_factory=list)  # unversioned only

    def as_dict(self) -> dict[str, Any]:
        return {"state": self.state, "revision": self.current, "head": self.head, "pending": list(self.pending),
                "written_by": self.written_by, "newsmon": newsmon_version()}


# -- Alembic plumbing -----------------------------------------------------------------------

def script_directory() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config())


def alembic_config(connection: Connection | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def include_object(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    """Autogenerate sees only newsmon's own tables: a PostgreSQL schema may hold other
    applications' tables, and search keeps FTS shadow tables that are not models."""
    if type_ == "table":
        if name == VERSION_TABLE:
            return False
        if reflected and compare_to is None:
            return False
    # Not the indexes and the generated column of search either: raw DDL, not models
    # (models.search_index).
    if type_ == "column" and name == search_index.DOC_COLUMN and reflected and compare_to is None:
        return False
    return not (type_ == "index" and name in search_index.INDEX_NAMES)


def configure_context(context: Any, connection: Connection, metadata: Any) -> None:
    """``context.configure`` as every newsmon migration run needs it (``migrations/env.py``)."""
    context.configure(connection=connection, target_metadata=metadata, version_table=VERSION_TABLE,
                      render_as_batch=True, transactional_ddl=True, compare_type=True,
                      include_object=include_object)


def _migration_context(conn: Connection) -> MigrationContext:
    return MigrationContext.configure(conn, opts={"version_table": VERSION_TABLE})


# -- status -------------------------------------------------------------------------------------

def status_in(conn: Connection) -> SchemaStatus:
    """The schema status, read on ``conn`` (no writes)."""
    script = script_directory()
    head = script.get_current_head()
    assert head is not None, "no migrations found"
    names = set(inspect(conn).get_table_names())
    ours = names & {t.name for t in SQLModel.metadata.sorted_tables}
    if VERSION_TABLE not in names:
        if not ours:
            return SchemaStatus("empty", None, head, pending=_chain(script, None, head))
        return SchemaStatus("unversioned", None, head, pending=_chain(script, BASELINE, head),
                            written_by="0.1.0", missing_tables=sorted(BASELINE_TABLES - names))
    heads = _migration_context(conn).get_current_heads()
    current = heads[0] if heads else None
    written_by = _written_by(conn, names)
    if current is None:
        return SchemaStatus("empty" if ours == set() else "unversioned", None, head,
                            pending=_chain(script, None, head), written_by=written_by)
    try:
        script.get_revision(current)
    except Exception:  # noqa: BLE001 - an id our scripts don't have (alembic's error types vary): a newer newsmon
        return SchemaStatus("ahead", current, head, written_by=written_by)
    if current == head:
        return SchemaStatus("current", current, head, written_by=written_by)
    pending = _chain(script, current, head)
    if not pending:  # known but not an ancestor of head: a branch we don't have
        return SchemaStatus("ahead", current, head, written_by=written_by)
    return SchemaStatus("behind", current, head, pending=pending, written_by=written_by)


def _chain(script: ScriptDirectory, current: str | None, head: str) -> list[str]:
    """Revisions from just after ``current`` up to ``head``, oldest first ([] if not an ancestor)."""
    try:
        revs = list(script.iterate_revisions(head, current or "base"))
    except Exception:  # noqa: BLE001 - not an ancestor, or unknown (alembic's error types vary)
        return []
    out = [r.revision for r in reversed(revs)]
    if current is not None and current in out:  # iterate_revisions includes the lower bound on some versions
        out.remove(current)
    return out


def _written_by(conn: Connection, names: set[str]) -> str | None:
    if "newsmon_meta" not in names:
        return None
    m = tables.NewsmonMeta.__table__.c
    try:
        return conn.execute(select(m.value).where(m.key == "written_by")).scalar()
    except exc.DBAPIError:
        return None


def status(engine: Engine) -> SchemaStatus:
    """The schema status of ``engine``'s database, in a read-only transaction."""
    try:
        with read_engine(engine).connect() as conn:
            return status_in(conn)
    except exc.DBAPIError as e:
        raise storage_error(engine.url, e) from None


def describe(st: SchemaStatus, url: Any) -> str:
    """One line for a database that cannot be used as it is."""
    where = mask(url)
    mine = newsmon_version()
    if st.state in ("behind", "unversioned"):
        if st.state == "unversioned":
            at = "has the schema of newsmon 0.1.0 (no version table)"
        else:
            by = f", written by newsmon {st.written_by}" if st.written_by else ""
            at = f"is at schema revision {st.current}{by}"
        return (f"database {where} {at}; this newsmon {mine} needs revision {st.head} "
                f"({len(st.pending)} migration(s) to apply): back it up (`newsmon backup`), then run "
                f"`newsmon db upgrade --config PATH`")
    if st.state == "ahead":
        by = f"newsmon {st.written_by}" if st.written_by else "a newer newsmon"
        return (f"database {where}: schema revision {st.current} was written by {by}; this newsmon {mine} "
                f"knows revisions up to {st.head}: upgrade newsmon (pip install -U newsmon) or use another "
                f"[database] url")
    return f"database {where}: schema state {st.state}"


# -- locked changes ---------------------------------------------------------------------------------

@contextmanager
def locked_connection(url: str, *, busy_timeout_s: float = 30.0) -> Iterator[Connection]:
    """One transaction holding the migration lock, on a connection fit for schema changes.

    SQLite: foreign keys off for the connection (see module docstring), BEGIN IMMEDIATE
    (the write lock: other writers and migrators wait), ``foreign_key_check`` before the
    commit. PostgreSQL: ``pg_advisory_xact_lock``. Commits on success, rolls back on error.
    """
    engine = make_engine(url, sqlite_busy_timeout_s=busy_timeout_s, foreign_keys=False)
    try:
        with engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_PG_MIGRATE_LOCK})")
            yield conn
            if conn.dialect.name == "sqlite":
                bad = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if bad:
                    raise StorageError(f"database {mask(url)}: migration left {len(bad)} row(s) whose foreign "
                                       f"key points nowhere (first: {tuple(bad[0])}); nothing was changed")
    except exc.DBAPIError as e:
        raise storage_error(url, e, busy_timeout_s=busy_timeout_s) from None
    finally:
        engine.dispose()


def _record_writer(conn: Connection) -> None:
    from .store.base import upsert
    m = tables.NewsmonMeta.__table__
    conn.execute(upsert(conn, m, ["key"], {"key": "written_by", "value": newsmon_version(),
                                           "updated_at": datetime.now(UTC)}))


def _create_fresh(conn: Connection) -> None:
    SQLModel.metadata.create_all(conn)
    search_index.create(conn)  # not models: FTS5 table and triggers, or PostgreSQL GIN indexes
    _migration_context(conn).stamp(script_directory(), "heads")
    _record_writer(conn)


def ensure_current(url: str, engine: Engine, *, busy_timeout_s: float = 30.0) -> SchemaStatus:
    """Make a new database or accept a current one; SchemaError (one line) otherwise."""
    st = status(engine)
    if st.state == "current":
        return st
    if st.state != "empty":
        raise SchemaError(describe(st, engine.url))
    with locked_connection(url, busy_timeout_s=busy_timeout_s) as conn:
        st = status_in(conn)  # again, under the lock: another process may have created it
        if st.state == "empty":
            _create_fresh(conn)
            log.info("created the newsmon schema at revision %s in %s", st.head, mask(url))
            return status_in(conn)
    if st.state != "current":
        raise SchemaError(describe(st, engine.url))
    return st


@dataclass(frozen=True)
class UpgradeResult:
    before: SchemaStatus
    after: SchemaStatus
    applied: list[str]
    # SQLite: the one-time switch to incremental auto-vacuum (models.space), if it was needed.
    space: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        out = {"from": self.before.current or ("0.1.0 (unversioned)" if self.before.state == "unversioned"
                                                else None),
               "to": self.after.current, "applied": list(self.applied), "state": self.after.state,
               "newsmon": newsmon_version()}
        if self.space.get("vacuumed"):
            out["sqlite_auto_vacuum"] = self.space
        return out


def upgrade(url: str, *, busy_timeout_s: float = 30.0) -> UpgradeResult:
    """Bring the database to the newest revision (idempotent): create it if empty, stamp a
    0.1.0 database as the baseline, apply what is missing, all in one locked transaction."""
    with locked_connection(url, busy_timeout_s=busy_timeout_s) as conn:
        before = status_in(conn)
        if before.state == "ahead":
            raise SchemaError(describe(before, conn.engine.url))
        if before.state == "empty":
            _create_fresh(conn)
            return UpgradeResult(before, status_in(conn), [before.head])
        if before.state == "unversioned":
            if before.missing_tables:
                raise SchemaError(
                    f"database {mask(url)}: has some of newsmon's tables but not all of 0.1.0's (missing: "
                    f"{', '.join(before.missing_tables)}), and no schema version: it was not written by a "
                    f"newsmon release; restore a backup or use another [database] url")
            _migration_context(conn).stamp(script_directory(), BASELINE)
        if before.state != "current":
            command.upgrade(alembic_config(conn), "heads")
            _record_writer(conn)
        search_index.restore(conn)  # what a SQLite rebuild of article drops (triggers); idempotent
        after = status_in(conn)
    # After the commit: VACUUM cannot run inside the migration's transaction (0005_retention).
    from .space import switch_to_incremental
    space = switch_to_incremental(url, busy_timeout_s=busy_timeout_s)
    return UpgradeResult(before, after, before.pending if before.state != "current" else [], space)


def new_revision(url: str, message: str, *, autogenerate: bool = True) -> str:
    """Write a new revision file (developers): autogenerated from the models' difference with
    ``url``'s database, which must be at the newest revision. Returns its path."""
    with locked_connection(url) as conn:
        st = status_in(conn)
        if st.state != "current":
            raise SchemaError(f"database {mask(url)} must be at the newest revision ({st.head}) to compare "
                              f"the models with it; it is {st.state}")
        n = len(list(script_directory().walk_revisions())) + 1
        slug = "_".join(message.lower().split())[:40]
        scripts = command.revision(alembic_config(conn), message=message, autogenerate=autogenerate,
                                   rev_id=f"{n:04d}_{slug}")
    script = scripts[0] if isinstance(scripts, list) else scripts
    return str(script.path) if script is not None else ""
