"""Running for months: ``newsmon prune``, ``newsmon stats``, ``newsmon backup`` (registered by
``newsmon.cli``). JSON lines on stdout like every command."""
from __future__ import annotations

import argparse
from typing import Callable


def _store(settings):
    from models.store import Store

    store = Store.from_settings(settings)
    store.check()  # a database behind or ahead: one line naming `newsmon db upgrade`
    return store


def cmd_prune(args) -> int:
    from newsmon.cli import _settings, emit
    from models.retention import prune

    settings = _settings(args)
    store = _store(settings)
    try:
        rep = prune(store, settings.retention, dry_run=args.dry_run, vacuum_full=args.vacuum_full)
    finally:
        store.close()
    for line in rep.lines:
        emit(line)
    summary = rep.summary()
    if not settings.retention.enabled:
        summary["note"] = ("no [retention] limit is set (raw_days, articles_days, flagged_days, log_days): nothing "
                           "is deleted; the defaults keep everything")
    emit(summary)
    return 0


def cmd_stats(args) -> int:
    from newsmon.cli import _settings, emit
    from models import space

    settings = _settings(args)
    store = _store(settings)
    try:
        st = store.article_stats()
        size = space.database_size(store.engine, store.url)
        tables = space.table_sizes(store.engine) if not args.no_tables else None
    finally:
        store.close()
    n = st.totals["articles"]
    r = settings.retention
    emit({"event": "stats", **st.totals, "database_bytes": size["bytes"],
          "bytes_per_article": round(size["bytes"] / n) if n else None,
          "page_bytes_per_article": round(st.totals["page_bytes"] / st.totals["pages_kept"])
          if st.totals["pages_kept"] else None,
          **{k: v for k, v in size.items() if k != "bytes"},
          "retention": {k: getattr(r, k) for k in ("raw_days", "articles_days", "flagged_days", "log_days")}})
    for row in st.by_feed:
        emit({"event": "feed", **row})
    for row in st.by_month:
        emit({"event": "month", **row})
    for name, b in sorted((tables or {}).items(), key=lambda kv: -kv[1]):
        emit({"event": "table", "table": name, "bytes": b})
    return 0


def cmd_backup(args) -> int:
    from newsmon.cli import _settings, emit
    from newsmon.errors import ConfigError
    from models.backup import backup_sqlite, is_postgres, pg_dump_command
    from models.db import mask

    settings = _settings(args)
    url = settings.database_url
    if is_postgres(url):
        emit(pg_dump_command(url, args.to))
        raise ConfigError(f"database {mask(url)} is PostgreSQL: newsmon backup copies SQLite files only; back it "
                          "up with the pg_dump command printed on stdout (the password is not in it)")
    res = backup_sqlite(url, args.to, busy_timeout_s=settings.database.sqlite_busy_timeout_s,
                        overwrite=args.overwrite)
    emit(res.as_dict())
    return 0


def register(sub, add: Callable[..., argparse.ArgumentParser]) -> None:
    sp = add("prune", cmd_prune, "apply [retention]: delete old articles, drop old kept pages, trim the fetch "
             "log, then give the space back (SQLite incremental vacuum, PostgreSQL VACUUM); prints counts and bytes")
    sp.add_argument("--dry-run", action="store_true", help="print what would be deleted; change nothing")
    sp.add_argument("--vacuum-full", action="store_true",
                    help="SQLite: rewrite the file with VACUUM afterwards (switches an old database to incremental "
                         "auto-vacuum; needs free disk space about the database's size; writers wait meanwhile)")

    sp = add("stats", cmd_stats, "articles, flagged, per feed and per month (UTC), database size and bytes per "
             "article, bytes per table")
    sp.add_argument("--no-tables", action="store_true",
                    help="skip the bytes per table (on SQLite they read the whole file)")

    sp = add("backup", cmd_backup, "consistent copy of the SQLite database while cycles write (online backup "
             "API, checked with PRAGMA integrity_check); on PostgreSQL prints the pg_dump command")
    sp.add_argument("--to", required=True, help="the backup file to write (must not exist)")
    sp.add_argument("--overwrite", action="store_true", help="replace --to if it exists")
