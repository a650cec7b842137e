"""``newsmon search``: full-text search of the stored articles, one JSON line per article.

Registered by ``newsmon.cli._extra_commands``. Searches every stored article (not only the
flagged ones; ``--flagged`` for those), newest first; the query language is
``models.store.search``'s. Filters as ``newsmon review list``'s; a bad filter or query is
one line on stderr and exit 2.
"""
from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any

from newsmon.cli_review import InputError, _emit, _settings, _store


def _limit(value: str) -> int:
    if not value.strip().isdigit() or not 1 <= int(value) <= 10_000:
        raise InputError(f"--limit {value!r} is not a whole number from 1 to 10000")
    return int(value)


def cmd_search(args: argparse.Namespace) -> int:
    settings = _settings(args)
    from review.filters import FilterError, parse_filter
    try:
        f = parse_filter(entity=args.entity, feed=args.feed, since=args.since, until=args.until, state=args.state,
                         tz=settings.schedule.timezone, q=args.q, search=settings.search)
    except FilterError as e:
        raise InputError(str(e)) from None
    if f.q is None:
        raise InputError(f"--q {args.q!r} has nothing to search for")
    limit = _limit(args.limit)
    store = _store(settings)
    try:
        hits = store.search(f.q, entity=f.entity, feed=f.feed, since=f.since, until=f.until, state=f.state,
                            flagged_only=args.flagged, limit=limit, snippet_chars=settings.search.snippet_chars)
    finally:
        store.close()
    for h in hits:
        _emit(h.as_dict())
    print(f"{len(hits)} article(s){' (--limit reached)' if len(hits) == limit else ''}", file=sys.stderr)
    return 0


def register(sub: Any, add: Callable[..., argparse.ArgumentParser]) -> None:
    sp = add("search", cmd_search, "full-text search of stored articles (title and body, case-insensitive "
             "substrings; all words must match; \"quoted phrases\"), newest first, one JSON line each")
    sp.add_argument("--q", required=True, help='the search, e.g. 삼성전자 or "memory chips" samsung')
    sp.add_argument("--entity", help="only articles flagged for this entity id")
    sp.add_argument("--feed", help="only articles from this feed")
    sp.add_argument("--since", help="from this date (YYYY-MM-DD, in [schedule] timezone) or ISO time")
    sp.add_argument("--until", help="up to this date, inclusive (YYYY-MM-DD) or ISO time (exclusive)")
    sp.add_argument("--state", help="only articles in this review state (new, relevant, irrelevant, escalated)")
    sp.add_argument("--flagged", action="store_true", help="only flagged articles (those the inbox lists)")
    sp.add_argument("--limit", default="50", help="articles at most (default 50)")
