"""The ``newsmon`` command.

JSON Lines on stdout, diagnostics on stderr. Exit codes: 0 success (a cycle in which some
feeds or pages failed is still a success: failures are recorded on the feed/article),
2 bad config / watchlist / database (one line: ``newsmon: error: <file/key/url>: <reason>``),
1 unexpected failure.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

from newsmon.errors import NewsmonError

PREFECT_DEFAULTS = {
    # Measured on this machine: the first ephemeral run migrates a fresh database (15-20 s).
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_LOGGING_TO_API_WHEN_MISSING_FLOW": "ignore",
}


def prefect_env() -> None:
    """Defaults for Prefect that must be set before it is imported (users may override)."""
    for k, v in PREFECT_DEFAULTS.items():
        os.environ.setdefault(k, v)


def _json_default(o: Any) -> Any:
    if isinstance(o, (datetime, date)):
        return o.isoformat()
    if isinstance(o, Path):
        return str(o)
    if isinstance(o, (set, frozenset, tuple)):
        return list(o)
    raise TypeError(f"not JSON serialisable: {type(o).__name__}")


def emit(obj: dict) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, default=_json_default) + "\n")


def _settings(args):
    from newsmon.settings import load_settings
    return load_settings(args.config)


# --- commands -------------------------------------------------------------------------------

def cmd_run(args) -> int:
    settings = _settings(args)
    # light: the error path skips HTTP/extraction imports
    from flows.preflight import preflight
    store, watchlist = preflight(settings)  # one-line errors before Prefect starts
    feeds = args.feed or None
    if args.no_prefect:
        from flows.cycle import summarize
        from flows.runtime import run_cycle_plain, select_feeds
        reports = asyncio.run(run_cycle_plain(settings, select_feeds(settings, feeds, args.shard, args.shards),
                                              force=args.force, store=store, watchlist=watchlist))
        summary = summarize(reports)
    else:
        store.close()  # the flow run opens its own (it may run elsewhere in a deployment)
        prefect_env()
        from flows.poll import poll_feeds
        summary = asyncio.run(poll_feeds(config_path=str(Path(args.config).resolve()), feeds=feeds,
                                         shard=args.shard, shards=args.shards, force=args.force))
    for story in summary.get("flagged_stories", []):
        emit({"event": "flagged", **story})
    emit({"event": "summary", **{k: v for k, v in summary.items() if k != "flagged_stories"}})
    return 0


def cmd_export(args) -> int:
    settings = _settings(args)
    from models.store import Store
    store = Store(settings.database_url, sqlite_busy_timeout_s=settings.database.sqlite_busy_timeout_s)
    store.check()
    rows = store.export_rows()
    if args.format == "jsonl":
        for row in rows:
            emit(row)
    else:
        import csv
        fields = ["url", "title", "published", "language", "feed", "entities", "prominence", "text", "status",
                  "reason", "authors", "review_state", "cluster_id"]
        w = csv.DictWriter(sys.stdout, fieldnames=fields, extrasaction="ignore")
        w.writeheader()
        for row in rows:
            row = dict(row)
            row["entities"] = " ".join(row.get("entities") or [])
            row["authors"] = "; ".join(row.get("authors") or [])
            # "entity:score" per scored flag (the parts are in the jsonl export)
            row["prominence"] = " ".join(f"{m['entity']}:{m['prominence']}" for m in row.get("mentions") or []
                                         if m.get("prominence") is not None)
            w.writerow(row)
    return 0


def cmd_extract(args) -> int:
    from scrapers.extract import extract_file
    rc = 0
    for path in args.files:
        try:
            emit(extract_file(path))
        except OSError as e:
            print(f"newsmon: error: {path}: cannot read ({e.strerror or e})", file=sys.stderr)
            emit({"path": path, "title": None, "text": "", "published": None, "authors": [], "language": None,
                  "status": "failed", "reason": f"cannot read: {e.strerror or e}"})
            rc = 1
    return rc


def cmd_match(args) -> int:
    from watch import match_jsonl
    return match_jsonl(args.watchlist, sys.stdin, sys.stdout, explain=args.explain)


def cmd_demo(args) -> int:
    from newsmon.demo import run_demo
    prefect_env()
    return run_demo(workdir=Path(args.workdir), keep_serving=args.serve)


# --- parser ---------------------------------------------------------------------------------

def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="newsmon", description="Scheduled news monitoring with Prefect.")
    sub = p.add_subparsers(dest="command", required=True)

    def add(name: str, fn: Callable, help: str, config: bool = True) -> argparse.ArgumentParser:
        sp = sub.add_parser(name, help=help, description=help)
        if config:
            sp.add_argument("--config", "-c", default="newsmon.toml", help="config file (TOML)")
        sp.set_defaults(fn=fn)
        return sp

    sp = add("run", cmd_run, "run one poll cycle (the Prefect flow poll-feeds)")
    sp.add_argument("--feed", action="append", help="only this feed (repeatable)")
    sp.add_argument("--shard", type=int, default=0)
    sp.add_argument("--shards", type=int, default=1)
    sp.add_argument("--force", action="store_true", help="poll feeds even while they back off")
    sp.add_argument("--no-prefect", action="store_true", help="run the cycle without Prefect (debugging)")

    sp = add("export", cmd_export, "export stored articles")
    sp.add_argument("--format", choices=["jsonl", "csv"], default="jsonl")

    sp = add("extract", cmd_extract, "extract local HTML files (one JSON line each)", config=False)
    sp.add_argument("files", nargs="+")

    sp = add("match", cmd_match, "match JSON lines {id,title,text} from stdin", config=False)
    sp.add_argument("--watchlist", required=True)
    sp.add_argument("--jsonl", action="store_true", help="JSON Lines in and out (the default and only format)")
    sp.add_argument("--explain", action="store_true",
                    help='add "rejected": the mentions that did not count (ambiguous aliases without '
                         'corroboration, venues, lower-case hyphen prefixes, titles before a person, '
                         'words of a longer name), with the reason')

    sp = add("demo", cmd_demo, "serve the bundled sample news site on 127.0.0.1 and run a poll cycle on it",
             config=False)
    sp.add_argument("--workdir", default="demo-data", help="where the demo config and database go")
    sp.add_argument("--serve", action="store_true", help="keep the sample site running after the cycle")

    for extra in _extra_commands():
        extra(sub, add)
    return p


def command_group(sub: Any, name: str, help: str, description: str | None = None) -> Callable[..., argparse.ArgumentParser]:
    """A command with sub-commands (``newsmon db upgrade``, ``newsmon review mark``...):
    returns ``add(name, fn, help)``, which adds one sub-command taking ``--config``."""
    group = sub.add_parser(name, help=help, description=description or help)
    gsub = group.add_subparsers(dest=f"{name}_command", required=True)

    def add(sub_name: str, fn: Callable, sub_help: str) -> argparse.ArgumentParser:
        sp = gsub.add_parser(sub_name, help=sub_help, description=sub_help)
        sp.add_argument("--config", "-c", default="newsmon.toml", help="config file (TOML)")
        sp.set_defaults(fn=fn)
        return sp

    return add


def _extra_commands() -> list[Callable]:
    """Commands of later stages register here (serve, backfill, web, review, feeds)."""
    out = []
    for mod in ("newsmon.cli_ops", "newsmon.cli_review", "newsmon.cli_feeds", "newsmon.cli_users",
                "newsmon.cli_automations", "newsmon.cli_retention", "newsmon.cli_search"):
        try:
            m = __import__(mod, fromlist=["register"])
        except ModuleNotFoundError as e:
            if e.name != mod:
                raise
            continue
        out.append(m.register)
    return out


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.fn(args) or 0
    except NewsmonError as e:
        msg = " ".join(str(e).split())
        if getattr(args, "config", None):  # name the user's own config in the advice
            msg = msg.replace("--config PATH", f"--config {args.config}")
        print(f"newsmon: error: {msg}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("newsmon: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
