"""``newsmon backup``: a consistent copy of a SQLite database while cycles write to it.

SQLite: the online backup API (``sqlite3.Connection.backup``), not a file copy (a copy
of a file being written, or of the file without its ``-wal``, can be torn or stale).

* Consistency: the copy is made inside ONE read transaction on the source, so it is the
  database exactly as it was when the backup started: every transaction committed before
  is in it, nothing committed later, nothing half-written. In WAL mode (newsmon's) a
  reader never blocks writers, so cycles keep saving while the backup runs; without the
  held transaction, SQLite restarts a stepped backup whenever another connection writes,
  and a busy database would never finish.
* Steps: pages are copied ``step_pages`` at a time, so the copy can be interrupted
  (Ctrl-C) between steps and progress is visible.
* The copy is written to ``FILE.partial``, switched to a self-contained rollback-journal
  file (no ``-wal`` beside it), checked with ``PRAGMA integrity_check`` and
  ``PRAGMA foreign_key_check``, synced, and only then renamed to ``FILE``: a ``FILE`` that
  exists is always a complete, checked backup.

PostgreSQL: newsmon does not copy it; ``pg_dump_command`` gives the ``pg_dump`` (and
``pg_restore``) command for the configured URL, never with its password.

Restore (README "Operating"): stop newsmon, remove the old ``-wal``/``-shm`` files, copy
the backup over the database file (or point ``[database] url`` at it), start again.
"""
from __future__ import annotations

import os
import shlex
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable
from urllib.parse import unquote

from newsmon.errors import ConfigError, StorageError

from .db import mask, normalize_url
from .space import sqlite_path

VERSION_TABLE = "newsmon_schema_version"


@dataclass
class BackupResult:
    path: Path
    bytes: int
    seconds: float
    integrity: str
    pages: int
    articles: int | None
    newest_fetched_at: str | None
    schema_revision: str | None
    source: str
    copy_seconds: float = 0.0   # the online backup itself
    check_seconds: float = 0.0  # integrity_check + foreign_key_check of the copy (reads it all)

    def as_dict(self) -> dict[str, Any]:
        return {"event": "backup", "backend": "sqlite", "path": str(self.path), "bytes": self.bytes,
                "seconds": round(self.seconds, 3), "integrity": self.integrity, "pages": self.pages,
                "articles": self.articles, "newest_fetched_at": self.newest_fetched_at,
                "schema_revision": self.schema_revision, "source": self.source,
                "copy_seconds": round(self.copy_seconds, 3), "check_seconds": round(self.check_seconds, 3)}


def _snapshot_facts(src: sqlite3.Connection) -> tuple[int | None, str | None, str | None]:
    """Articles, newest fetch time and schema revision as of the backup's snapshot."""
    names = {r[0] for r in src.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    articles = newest = revision = None
    if "article" in names:
        articles, newest = src.execute("SELECT count(*), max(fetched_at) FROM article").fetchone()
    if VERSION_TABLE in names:
        row = src.execute(f"SELECT version_num FROM {VERSION_TABLE}").fetchone()
        revision = row[0] if row else None
    elif "article" in names:
        revision = "0.1.0 (unversioned)"
    if newest is not None:  # stored as naive UTC text
        newest = str(newest).replace(" ", "T").split(".")[0] + "Z"
    return articles, newest, revision


def backup_sqlite(url: str, dest: str | Path, *, step_pages: int = 4096, busy_timeout_s: float = 30.0,
                  overwrite: bool = False, progress: Callable[[int, int], None] | None = None) -> BackupResult:
    """Back up the SQLite database of ``url`` to ``dest`` (see module docstring)."""
    src_path = sqlite_path(url)
    if src_path is None:
        raise ConfigError(f"{mask(url)} is not a SQLite file; newsmon backup copies SQLite databases")
    if not src_path.is_file():
        raise StorageError(f"database {mask(url)}: no such file {src_path}; check [database] url")
    dest = Path(dest).expanduser().resolve()
    if dest == src_path.resolve():
        raise ConfigError(f"backup: --to {dest} is the database itself; give another path")
    if dest.exists() and not overwrite:
        raise ConfigError(f"backup: {dest} exists already; choose a new file name or pass --overwrite")
    if not dest.parent.is_dir():
        raise ConfigError(f"backup: directory {dest.parent} does not exist; create it or choose another --to")
    tmp = dest.with_name(dest.name + ".partial")
    for stale in (tmp, Path(f"{tmp}-journal")):
        stale.unlink(missing_ok=True)
    t0 = time.monotonic()
    try:
        src = sqlite3.connect(src_path, timeout=busy_timeout_s, isolation_level=None)
        try:
            src.execute(f"PRAGMA busy_timeout = {int(busy_timeout_s * 1000)}")
            # The snapshot: one read transaction for the whole copy (see module docstring).
            src.execute("BEGIN DEFERRED")
            articles, newest, revision = _snapshot_facts(src)
            dst = sqlite3.connect(tmp, isolation_level=None)
            try:
                src.backup(dst, pages=step_pages,
                           progress=(lambda _s, remaining, total: progress(total - remaining, total))
                           if progress else None)
                src.execute("COMMIT")
                copied = time.monotonic()
                # The copy carries the source's WAL flag: make it one self-contained file.
                dst.execute("PRAGMA journal_mode = DELETE").fetchall()
                problems = [r[0] for r in dst.execute("PRAGMA integrity_check").fetchall()]
                orphans = dst.execute("PRAGMA foreign_key_check").fetchall()
                pages = dst.execute("PRAGMA page_count").fetchone()[0]
            finally:
                dst.close()
        finally:
            src.close()
    except sqlite3.Error as e:
        tmp.unlink(missing_ok=True)
        raise StorageError(f"backup of {mask(url)} to {dest} failed: {' '.join(str(e).split())}") from None
    except BaseException:
        tmp.unlink(missing_ok=True)  # interrupted: leave no partial file behind
        raise
    integrity = "ok" if problems == ["ok"] and not orphans else "; ".join(
        problems[:3] + [f"{len(orphans)} rows with a dangling foreign key"] * bool(orphans))
    if integrity != "ok":
        tmp.unlink(missing_ok=True)
        raise StorageError(f"backup of {mask(url)}: the copy fails PRAGMA integrity_check ({integrity[:300]}); "
                           f"the source is probably damaged: check it with `sqlite3 {src_path} 'PRAGMA "
                           f"integrity_check'` and keep your previous backups")
    with open(tmp, "rb") as f:
        os.fsync(f.fileno())
    os.replace(tmp, dest)
    end = time.monotonic()
    return BackupResult(dest, dest.stat().st_size, end - t0, integrity, pages, articles, newest, revision, mask(url),
                        copy_seconds=copied - t0, check_seconds=end - copied)


def pg_dump_command(url: str, dest: str | Path) -> dict[str, Any]:
    """The pg_dump / pg_restore commands for a PostgreSQL URL; the password is never included.

    A ``search_path`` in the URL's ``options`` (newsmon in its own schema) becomes ``--schema``.
    """
    u = normalize_url(url)
    if u.get_backend_name() != "postgresql":
        raise ConfigError(f"{mask(url)} is not a PostgreSQL URL")
    conn = []
    if u.host:
        conn += ["--host", u.host]
    if u.port:
        conn += ["--port", str(u.port)]
    if u.username:
        conn += ["--username", u.username]
    db = u.database or u.username or "postgres"
    schema = _search_path(u.query.get("options"))
    # With --schema, pg_dump leaves out what lives elsewhere: pg_trgm (in public), which the
    # search index needs (models/search_index.py), is named so that a restore creates it.
    only = ["--schema", schema, "--extension", "pg_trgm"] if schema else []
    dump = ["pg_dump", "--format=custom", "--file", str(dest), *conn, *only, "--dbname", db]
    restore = ["pg_restore", "--no-owner", *conn, "--dbname", db, str(dest)]
    out = {"event": "backup", "backend": "postgresql", "done": False, "database": mask(url),
           "command": shlex.join(dump), "restore": shlex.join(restore),
           "restore_note": "pg_restore into an empty database (createdb NAME, --dbname NAME, then point [database] "
                           "url at it), or add --clean --if-exists to replace newsmon's tables in place"}
    if u.password:
        out["password"] = ("not printed: export PGPASSWORD for the command, or put a line "
                           f"{u.host or 'localhost'}:{u.port or 5432}:{db}:{u.username}:PASSWORD in ~/.pgpass "
                           "(chmod 600)")
    return out


def _search_path(options: Any) -> str | None:
    """The first schema of a ``-c search_path=...`` libpq option, if any."""
    if isinstance(options, tuple):
        options = " ".join(options)
    for part in unquote(str(options or "")).replace("-c ", "-c").split():
        setting = part.removeprefix("-c")
        if setting.startswith("search_path="):
            return setting.removeprefix("search_path=").split(",")[0].strip('"') or None
    return None


def is_postgres(url: str) -> bool:
    return normalize_url(url).get_backend_name() == "postgresql"
