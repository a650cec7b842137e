"""Operating commands: ``newsmon serve`` and ``newsmon backfill`` (registered by ``newsmon.cli``)."""
from __future__ import annotations

import argparse
import asyncio
import signal
import sys
from datetime import date
from pathlib import Path
from typing import Callable


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date like 2026-11-01") from None


def cmd_serve(args) -> int:
    from newsmon.cli import _settings, emit, prefect_env

    settings = _settings(args)
    from flows.runtime import preflight
    preflight(settings)  # one-line errors before Prefect starts
    prefect_env()
    from flows.deployments import build_deployments, check_prefect_api, serve_deployments

    api = check_prefect_api()
    # Until Prefect's runner installs its own SIGTERM handler (graceful stop), a SIGTERM
    # during registration ends the process cleanly too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    deployments = build_deployments(settings, args.config)
    emit({"event": "serving", "api": api, "config": str(Path(args.config).resolve()),
          "deployments": [f"{d.flow_name}/{d.name}" for d in deployments],
          "schedule": {"cron": settings.schedule.poll_cron, "timezone": str(settings.schedule.timezone)}})
    sys.stdout.flush()
    serve_deployments(deployments, limit=args.limit)
    print("newsmon: serve stopped", file=sys.stderr)
    return 0


def cmd_backfill(args) -> int:
    from newsmon.cli import _settings, emit, prefect_env

    settings = _settings(args)
    from flows.backfill_core import check_source, run_backfill_plain, window
    from flows.runtime import preflight, select_feeds

    check_source(args.source)
    window(args.since, args.until)  # since after until: one line, before anything starts
    select_feeds(settings, args.feed)  # unknown feed names: one line
    preflight(settings)
    if args.no_prefect:
        summary = asyncio.run(run_backfill_plain(settings, since=args.since, until=args.until,
                                                 feeds=args.feed or None, source=args.source))
    else:
        prefect_env()
        from flows.backfill import backfill
        summary = asyncio.run(backfill(config_path=str(Path(args.config).resolve()), since=args.since,
                                       until=args.until, feeds=args.feed or None, source=args.source))
    for story in summary.get("flagged_stories", []):
        emit({"event": "flagged", **story})
    for change in summary.get("changes", []):
        emit({"event": "changed", **change})
    for item in summary.get("not_reextracted", []):
        emit({"event": "not_reextracted", **item})
    emit({"event": "summary", **{k: v for k, v in summary.items()
                                 if k not in ("flagged_stories", "changes", "not_reextracted")}})
    return 0


def register(sub, add: Callable[..., argparse.ArgumentParser]) -> None:
    sp = add("serve", cmd_serve, "register the poll-feeds (scheduled) and backfill deployments with the "
             "Prefect API in PREFECT_API_URL and run their flow runs until SIGTERM")
    sp.add_argument("--limit", type=int, default=None, help="most flow runs at once (default: no limit)")

    sp = add("backfill", cmd_backfill, "backfill a date range from the feeds' sitemaps, or re-extract and "
             "re-match stored articles (the Prefect flow backfill)")
    sp.add_argument("--since", type=_date, required=True, help="first day (YYYY-MM-DD, UTC)")
    sp.add_argument("--until", type=_date, default=None, help="last day, included (default: today)")
    sp.add_argument("--feed", action="append", help="only this feed (repeatable)")
    sp.add_argument("--source", choices=["sitemap", "stored"], default="sitemap",
                    help="sitemap: fetch what the sitemaps list; stored: re-process stored pages")
    sp.add_argument("--no-prefect", action="store_true", help="run without Prefect (debugging)")
    register_db(sub)


# --- newsmon db: schema migrations ------------------------------------------------------------

def cmd_db_current(args) -> int:
    from newsmon.cli import _settings, emit
    from models.db import make_engine, mask
    from models.migrate import status

    settings = _settings(args)
    engine = make_engine(settings.database_url, sqlite_busy_timeout_s=settings.database.sqlite_busy_timeout_s)
    try:
        st = status(engine)
    finally:
        engine.dispose()
    emit({"database": mask(settings.database_url), **st.as_dict()})
    return 0


def cmd_db_upgrade(args) -> int:
    from newsmon.cli import _settings, emit
    from models.db import mask
    from models.migrate import upgrade

    settings = _settings(args)
    res = upgrade(settings.database_url, busy_timeout_s=settings.database.sqlite_busy_timeout_s)
    event = "upgraded" if res.applied else "current"
    emit({"event": event, "database": mask(settings.database_url), **res.as_dict()})
    return 0


def cmd_db_revision(args) -> int:
    from newsmon.cli import _settings, emit
    from models.migrate import new_revision

    settings = _settings(args)
    emit({"event": "revision", "path": new_revision(settings.database_url, args.message,
                                                      autogenerate=not args.empty)})
    return 0


def register_db(sub) -> None:
    from newsmon.cli import command_group

    add = command_group(sub, "db", "schema migrations: current, upgrade",
                        "The database schema: which revision it is at, and upgrading it.")

    add("current", cmd_db_current, "print the schema revision of the database, the newest this newsmon "
        "knows, and the state (current, behind, ahead, unversioned = 0.1.0, empty)")
    add("upgrade", cmd_db_upgrade, "migrate the database to the newest revision (idempotent; a 0.1.0 "
        "database is recognised and upgraded in place; safe with several workers at once)")
    sp = add("revision", cmd_db_revision, "(developers) write a new migration autogenerated from the "
             "difference between the models and the database, which must be current")
    sp.add_argument("-m", "--message", required=True)
    sp.add_argument("--empty", action="store_true", help="an empty revision instead of an autogenerated one")
