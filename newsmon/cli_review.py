"""Review-desk commands: ``newsmon web``, ``newsmon review list|show|mark``, ``newsmon digest``.

Registered by ``newsmon.cli._extra_commands``. Output follows the CLI's rules: JSON Lines
on stdout, one-line errors on stderr (``newsmon: error: ...``, exit 2 for bad config,
database or input).
"""
from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import date
from typing import Any, Callable

from newsmon.errors import NewsmonError


class InputError(NewsmonError):
    """Bad command-line input (unknown article id, bad filter value, bad decision)."""


def _settings(args: argparse.Namespace) -> Any:
    from newsmon.settings import load_settings
    return load_settings(args.config)


def _store(settings: Any) -> Any:
    from models.store import Store
    store = Store.from_settings(settings)
    store.check()
    return store


def _emit(obj: dict) -> None:
    from newsmon.cli import emit
    emit(obj)


def _article_row(a: Any) -> dict:
    from models.store import iso_utc
    return {"id": a.id, "title": a.title, "url": a.url, "feed": a.feed, "published": iso_utc(a.published),
            "fetched_at": iso_utc(a.fetched_at), "entities": list(a.entities), "review_state": a.review_state,
            "reviewed_by": a.reviewed_by, "reviewed_at": iso_utc(a.reviewed_at), "review_note": a.review_note,
            "cluster_id": a.cluster_id if a.cluster_id is not None else a.id}


# --- commands -------------------------------------------------------------------------------

def web_settings(settings: Any, host: str | None, port: int | None) -> Any:
    """The settings with ``--host``/``--port`` applied and validated again (``auth = "none"``
    on a non-loopback address is refused here too); ConfigError, one line, otherwise."""
    from pydantic import ValidationError

    from newsmon.errors import ConfigError
    from newsmon.settings import WebSettings
    if host is None and port is None:
        return settings
    try:
        web = WebSettings(**{**settings.web.model_dump(), **({"host": host} if host else {}),
                             **({"port": port} if port else {})})
    except ValidationError as e:
        msg = e.errors()[0]["msg"].removeprefix("Value error, ")
        raise ConfigError(f"--host {host or settings.web.host}: {msg}") from None
    return settings.model_copy(update={"web": web})


def uvicorn_config(app: Any, host: str, port: int) -> Any:
    """How ``newsmon web`` serves the desk. ``proxy_headers=False``: the desk itself decides
    which X-Forwarded-* headers to believe (``[web] trusted_proxies``, review/web/auth.py);
    uvicorn's own handling would replace the peer address with a header value first."""
    import uvicorn
    return uvicorn.Config(app, host=host, port=port, log_level="warning", access_log=False, server_header=False,
                          proxy_headers=False)


def cmd_web(args: argparse.Namespace) -> int:
    settings = web_settings(_settings(args), args.host, args.port)
    import uvicorn

    from review.web import create_app
    host, port = settings.web.host, settings.web.port
    app = create_app(settings)
    print(f"newsmon review desk on http://{'[' + host + ']' if ':' in host else host}:{port}/ "
          f"(sign-in: {settings.web.auth}; Ctrl-C to stop)", file=sys.stderr)
    if settings.web.auth == "password" and not any(a.has_password and not a.disabled
                                                   for a in app.state.store.accounts()):
        print(f"newsmon: nobody can sign in yet: add an account with `newsmon users add NAME --role admin "
              f"--config {args.config}`", file=sys.stderr)
    uvicorn.Server(uvicorn_config(app, host, port)).run()
    return 0


def _filter(args: argparse.Namespace, settings: Any) -> Any:
    from review.filters import FilterError, parse_filter
    try:
        return parse_filter(entity=args.entity, feed=args.feed, since=args.since, until=args.until,
                            state=args.state, tz=settings.schedule.timezone,
                            min_prominence=getattr(args, "min_prominence", None))
    except FilterError as e:
        raise InputError(str(e)) from None


def cmd_review_list(args: argparse.Namespace) -> int:
    settings = _settings(args)
    f = _filter(args, settings)
    store = _store(settings)
    from models.store import iso_utc
    from review.states import story_state
    clusters, total = store.review_inbox(**f.query(), limit=args.limit, offset=args.offset, sort=args.sort)
    for c in clusters:
        lead = c.lead
        _emit({"cluster_id": c.cluster_id, "article_id": lead.id, "title": lead.title, "url": lead.url,
               "feed": lead.feed, "latest": iso_utc(c.latest), "state": story_state(c.members),
               "entities": c.entities, "prominence": c.prominence, "scores": c.scores,
               "outlets": [_article_row(a) for a in c.members], "matching": c.matching})
    print(f"{len(clusters)} of {total} matching stories", file=sys.stderr)
    return 0


def _article_id(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not an article id (a number; see `newsmon review list`)")
    if n < 1:
        raise argparse.ArgumentTypeError(f"{value!r} is not an article id (ids start at 1)")
    return n


def cmd_review_show(args: argparse.Namespace) -> int:
    settings = _settings(args)
    store = _store(settings)
    from models.store import export_row, iso_utc
    try:
        a = store.get_article(args.id)
    except LookupError:
        raise InputError(f"no article with id {args.id}; see `newsmon review list`") from None
    key = a.cluster_id if a.cluster_id is not None else a.id
    row = export_row(a)
    row["cluster_id"] = key
    row["mentions"] = [{"entity": m.entity_id, "count": m.count, "in_title": m.in_title, "snippet": m.snippet,
                        "reason": m.reason, "details": m.details} for m in a.mentions]
    row["review"] = {"state": a.review_state, "note": a.review_note, "reviewer": a.reviewed_by,
                     "at": iso_utc(a.reviewed_at)}
    row["history"] = [{"at": iso_utc(e.at), "reviewer": e.reviewer, "from": e.from_state, "to": e.to_state,
                       "note": e.note} for e in store.review_events(a.id)]
    row["outlets"] = [_article_row(m) for m in store.cluster_members(key)]
    row["flow_run_id"] = a.flow_run_id
    _emit(row)
    return 0


def cmd_review_mark(args: argparse.Namespace) -> int:
    settings = _settings(args)
    store = _store(settings)
    from review.accounts import local_name
    from review.states import DecisionError, decide
    events, names = _review_events(settings)
    try:
        d = decide(store, args.id, args.state, note=args.note, reviewer=args.reviewer or local_name(),
                   scope="article" if args.article_only else "cluster",
                   note_max_chars=settings.review.note_max_chars, events=events, entity_names=names,
                   max_entities=settings.events.max_related_entities)
    except DecisionError as e:
        raise InputError(str(e)) from None
    except LookupError:
        raise InputError(f"no article with id {args.id}; see `newsmon review list`") from None
    _emit({"article_id": d.article_id, "state": d.state, "note": d.note, "reviewer": d.reviewer,
           "scope": d.scope, "changed": d.changed})
    sys.stdout.flush()
    # The decision is stored and printed; give its event [events] api_timeout_s (plus the
    # import of Prefect's client) to reach Prefect before the process ends.
    events.flush()
    for msg in getattr(events, "errors", []):
        print(f"newsmon: warning: {msg}; the decision is stored", file=sys.stderr)
    return 0


def _review_events(settings: Any) -> tuple[Any, dict[str, str] | None]:
    """The sink for ``newsmon.story.reviewed`` (Prefect API if configured) and the entity
    names to label it with (none if the watchlist cannot be read: the decision goes on)."""
    from newsmon.events import api_sink

    events = api_sink(settings, log_errors=False)  # cmd_review_mark prints them, one line each
    if not events.enabled:
        return events, None
    try:
        from watch import load_watchlist
        return events, {e.id: e.name for e in load_watchlist(settings.watchlist_path).entities}
    except NewsmonError:
        return events, None


def _count(minimum: int) -> Callable[[str], int]:
    def parse(value: str) -> int:
        try:
            n = int(value)
        except ValueError:
            n = minimum - 1
        if n < minimum:
            raise argparse.ArgumentTypeError(f"{value!r} is not a whole number >= {minimum}")
        return n
    return parse


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date (YYYY-MM-DD)") from None


def cmd_digest(args: argparse.Namespace) -> int:
    settings = _settings(args)
    _store(settings).close()  # one-line error for a bad database before Prefect starts
    if args.no_prefect:
        from review.digest import run_digest
        d, md = asyncio.run(run_digest(settings, args.date))
        _emit({"event": "digest", **d.as_dict(), "markdown": md})
        return 0
    from pathlib import Path

    from newsmon.cli import prefect_env
    prefect_env()
    from review.digest import daily_digest
    result = asyncio.run(daily_digest(config_path=str(Path(args.config).resolve()),
                                      day=args.date.isoformat() if args.date else None))
    _emit({"event": "digest", **result})
    print("the digest is the markdown artifact 'daily-digest' of this flow run in the Prefect UI",
          file=sys.stderr)
    return 0


# --- registration ---------------------------------------------------------------------------

def _filters(sp: argparse.ArgumentParser) -> None:
    sp.add_argument("--entity", help="only stories flagged for this entity id")
    sp.add_argument("--feed", help="only stories with an article from this feed")
    sp.add_argument("--since", help="from this date (YYYY-MM-DD, in [schedule] timezone) or ISO time")
    sp.add_argument("--until", help="up to this date, inclusive (YYYY-MM-DD) or ISO time (exclusive)")
    sp.add_argument("--state", choices=["new", "relevant", "irrelevant", "escalated"])
    sp.add_argument("--min-prominence", help="only stories with an entity flag at least this prominent (0-100)")


def register(sub: Any, add: Callable[..., argparse.ArgumentParser]) -> None:
    sp = add("web", cmd_web, "serve the review inbox (FastAPI) on 127.0.0.1")
    sp.add_argument("--host", help="bind address (default [web] host = 127.0.0.1; another address needs "
                    '[web] auth = "password" or "proxy")')
    sp.add_argument("--port", type=int, help="port (default [web] port = 8765)")

    from newsmon.cli import command_group

    radd = command_group(sub, "review", "list, show and decide flagged stories")

    p = radd("list", cmd_review_list, "flagged stories (clusters), newest first, one JSON line each")
    _filters(p)
    p.add_argument("--limit", type=_count(1), default=50, help="stories per call (default 50)")
    p.add_argument("--offset", type=_count(0), default=0, help="skip this many stories (paging)")
    p.add_argument("--sort", choices=["time", "prominence"], default="time",
                   help="newest first (default) or most prominent first")

    p = radd("show", cmd_review_show, "one article with its mentions, outlets and decision history")
    p.add_argument("id", type=_article_id)

    p = radd("mark", cmd_review_mark, "record a decision on an article's story (all its outlets)")
    p.add_argument("id", type=_article_id)
    p.add_argument("--state", required=True, choices=["new", "relevant", "irrelevant", "escalated"])
    p.add_argument("--note")
    p.add_argument("--reviewer", help="who decides (default: the OS user running the command; a local "
                   "admin tool, so any name is taken as given)")
    p.add_argument("--article-only", action="store_true", help="decide this article only, not its whole story")

    sp = add("digest", cmd_digest, "the day's flagged stories per entity (Prefect flow daily-digest)")
    sp.add_argument("--date", type=_day, help="the day (YYYY-MM-DD in [schedule] timezone; default today)")
    sp.add_argument("--no-prefect", action="store_true", help="print the digest without a Prefect run")
