"""``newsmon feeds``: the health list, and the verbs beside it (registered by ``newsmon.cli``).

    newsmon feeds [--config PATH] [--format jsonl|table]            feed health (as stored by the cycles)
    newsmon feeds check [--config PATH] [--feed NAME]... [--format jsonl|table] [--stale-days N]
    newsmon feeds discover URL [--config PATH] [--allow-network CIDR]... [--probe] [--format toml|jsonl]
    newsmon feeds import FILE.opml [--config PATH]                   prints [[feeds]] blocks
    newsmon feeds export [--config PATH] [--format opml] [--output FILE]

``check``, ``discover``, ``import`` and ``export`` need no database. ``discover`` and
``import`` work without a config (defaults); with ``--config`` they use its ``[fetch]`` limits
and SSRF allow list and leave out feeds it already has.
"""
from __future__ import annotations

import argparse
import asyncio
import sys
import unicodedata
from collections.abc import Callable, Sequence
from pathlib import Path
from urllib.parse import urlsplit

from newsmon.errors import ConfigError

DEFAULT_CONFIG = "newsmon.toml"


def _config(args) -> str:
    return args.config or DEFAULT_CONFIG


def _load(args):
    from newsmon.settings import load_settings
    return load_settings(_config(args))


def _optional_settings(args):
    """The config's settings when ``--config`` was given, else the defaults."""
    from newsmon.settings import Settings
    return _load(args) if args.config else Settings()


# -- the health list (as before the verbs) -----------------------------------------------------

def cmd_feeds(args) -> int:
    from models.store import Store
    from newsmon.cli import emit

    settings = _load(args)
    store = Store(settings.database_url, sqlite_busy_timeout_s=settings.database.sqlite_busy_timeout_s)
    store.check()
    store.sync_feeds(settings.feeds)
    states = store.feed_states()
    for f in settings.feeds:
        st = states.get(f.name)
        row = {"name": f.name, "url": f.url, "enabled": f.enabled,
               "last_status": st.last_status if st else None, "last_error": st.last_error if st else None,
               "consecutive_failures": st.consecutive_failures if st else 0,
               "last_polled_at": st.last_polled_at if st else None,
               "next_poll_at": st.next_poll_at if st else None,
               # when newsmon.feed.failing was emitted for the current failures (None: not failing)
               "failing_event_at": st.failing_event_at if st else None}
        if args.format == "jsonl":
            emit(row)
        else:
            print(f"{f.name}\t{row['last_status'] or '-'}\t{row['consecutive_failures']}\t"
                  f"{row['last_error'] or ''}")
    return 0


# -- check ------------------------------------------------------------------------------------

def _width(s: str) -> int:
    """Columns ``s`` takes in a terminal (Hangul and CJK take two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def _cut(s: str, width: int) -> str:
    if _width(s) <= width:
        return s
    out, used = [], 0
    for ch in s:
        if used + _width(ch) > width - 1:
            break
        out.append(ch)
        used += _width(ch)
    return "".join(out) + "…"


def table(rows: Sequence[Sequence[str]], header: Sequence[str], *, max_width: int = 40) -> str:
    """A plain-text table for people: every column but the last cut at ``max_width``."""
    cells = [[_cut(" ".join(c.split()), max_width) if i < len(header) - 1 else " ".join(c.split())
              for i, c in enumerate(r)] for r in [header, *rows]]
    widths = [max(_width(r[i]) for r in cells) for i in range(len(header) - 1)]
    lines = []
    for r in cells:
        lines.append("  ".join([c + " " * (w - _width(c)) for c, w in zip(r, widths)] + [r[-1]]).rstrip())
    return "\n".join(lines)


def _selected(settings, names: list[str] | None):
    if not names:
        return list(settings.feeds)
    known = {f.name for f in settings.feeds}
    unknown = [n for n in names if n not in known]
    if unknown:
        raise ConfigError(f"unknown feed name(s): {', '.join(map(repr, unknown))}; "
                          f"`newsmon feeds --config {DEFAULT_CONFIG}` lists them")
    return [f for f in settings.feeds if f.name in set(names)]


def cmd_check(args) -> int:
    from newsmon.cli import emit
    from scrapers.feedcheck import check_feeds
    from scrapers.fetch import Fetcher

    settings = _load(args)
    feeds = _selected(settings, args.feed)
    stale = args.stale_days if args.stale_days is not None else settings.feed_tools.stale_days
    if stale <= 0:
        raise ConfigError(f"--stale-days {stale:g}: must be more than 0")

    async def run():
        # Every feed gets its own verdict: a wall met by one feed does not stand for the others.
        async with Fetcher(settings.fetch, skip_walled_hosts=False) as fetcher:
            return await check_feeds(fetcher, feeds, stale_days=stale)

    results = asyncio.run(run())
    if args.format == "jsonl":
        for r in results:
            emit(r.as_dict())
        return 0
    rows = [[r.name, r.verdict, str(r.status or "-"), str(r.entries) if r.parsed else "-",
             r.newest.strftime("%Y-%m-%d %H:%MZ") if r.newest else "-",
             {True: "yes", False: "no", None: "-"}[r.conditional_get],
             r.reason + (f" [{'; '.join(r.notes)}]" if r.notes else "")] for r in results]
    print(table(rows, ["FEED", "VERDICT", "HTTP", "ENTRIES", "NEWEST (UTC)", "304", "REASON"]))
    return 0


# -- discover ---------------------------------------------------------------------------------

def _fetch_settings(settings, extra_networks: list[str] | None):
    if not extra_networks:
        return settings.fetch
    from pydantic import ValidationError

    from newsmon.settings import FetchSettings
    try:
        return FetchSettings.model_validate({**settings.fetch.model_dump(),
                                             "allow_networks": (*settings.fetch.allow_networks, *extra_networks)})
    except ValidationError as e:
        msg = e.errors()[0]["msg"].removeprefix("Value error, ")
        raise ConfigError(f"--allow-network: {msg}") from None


def _host(url: str) -> str:
    return urlsplit(url).hostname or url


def cmd_discover(args) -> int:
    from newsmon.cli import emit
    from newsmon.errors import InputError
    from newsmon.feed_blocks import FeedBlock, feeds_toml, unique_name
    from scrapers.discover import discover
    from scrapers.fetch import Fetcher
    from scrapers.opml import feed_url

    try:
        url = feed_url(args.url)
    except ValueError as e:
        raise InputError(f"{args.url}: {e}; give the page's http(s) URL") from None
    settings = _optional_settings(args)
    fetch = _fetch_settings(settings, args.allow_network)
    budget = args.max_candidates if args.max_candidates is not None else settings.feed_tools.discover_max_candidates
    if budget < 1:
        raise ConfigError(f"--max-candidates {budget}: must be at least 1")

    async def run():
        async with Fetcher(fetch) as fetcher:
            return await discover(fetcher, url, max_candidates=budget, probe=args.probe)

    found = asyncio.run(run())
    for note in found.notes:
        print(f"newsmon: note: {note}", file=sys.stderr)
    for line in found.rejected:
        print(f"newsmon: not a working feed: {line}", file=sys.stderr)
    configured = {f.url: f.name for f in settings.feeds}
    taken = set(configured.values())
    blocks, rows = [], []
    for f in found.feeds:
        if f.url in configured:
            print(f"newsmon: note: {f.url} is already configured as {configured[f.url]!r}", file=sys.stderr)
            continue
        name = unique_name(f.title or f.hint or _host(f.url), taken)
        how = {"self": "the URL itself", "link": "advertised by <link rel=alternate>",
               "anchor": "linked from the page", "path": "found at a common feed path"}[f.source]
        newest = f", newest {f.newest.isoformat()}" if f.newest else ""
        block = FeedBlock(name, f.url, comments=[f"{f.format}, {f.entries} entries{newest}; {how}"])
        if f.final_url:
            block.comments.append(f"redirects to {f.final_url}")
        if f.naive_dates:
            if f.zone:
                block.keys["timezone"] = f.zone
                block.comments.append(f"{f.naive_dates} entry dates carry no offset: read in {f.zone}")
            else:
                block.hints.append('timezone = "Asia/Seoul"   # entry dates carry no offset: '
                                   "set the outlet's IANA zone")
        blocks.append(block)
        rows.append({"name": name, "url": f.url, "source": f.source, "title": f.title, "format": f.format,
                     "entries": f.entries, "newest": f.newest, "dates_without_offset": f.naive_dates,
                     "timezone": block.keys.get("timezone")})
    if args.out_format == "jsonl":
        for row in rows:
            emit(row)
    elif blocks:
        sys.stdout.write(feeds_toml(blocks))
    print(f"newsmon: {len(blocks)} feed(s) found for {url} ({found.tried} candidate(s) tried)", file=sys.stderr)
    return 0


# -- OPML -------------------------------------------------------------------------------------

def cmd_import(args) -> int:
    from newsmon.feed_blocks import FeedBlock, feeds_toml, unique_name
    from scrapers.opml import read_opml

    settings = _optional_settings(args)
    tools = settings.feed_tools
    result = read_opml(args.file, max_bytes=tools.opml_max_bytes, max_depth=tools.opml_max_depth)
    for line in result.skipped:
        print(f"newsmon: skipped: {args.file}: {line}", file=sys.stderr)
    configured = {f.url: f.name for f in settings.feeds}
    taken = set(configured.values())
    blocks, already = [], 0
    for f in result.feeds:
        if f.url in configured:
            already += 1
            continue
        block = FeedBlock(unique_name(f.title or _host(f.url), taken), f.url)
        if f.category:
            block.comments.append("category: " + " / ".join(f.category))
        for key in ("sitemap", "timezone", "language"):
            if getattr(f, key):
                block.keys[key] = getattr(f, key)
        block.enabled = f.enabled
        blocks.append(block)
    sys.stdout.write(feeds_toml(blocks))
    extra = f", {already} already configured" if already else ""
    print(f"newsmon: {args.file}: {len(blocks)} feed(s), {result.duplicates} duplicate(s) removed, "
          f"{len(result.skipped)} skipped{extra}", file=sys.stderr)
    return 0


def cmd_export(args) -> int:
    from scrapers.opml import opml_document

    settings = _load(args)
    doc = opml_document(settings.feeds, title=f"newsmon feeds ({Path(_config(args)).name})")
    if args.output:
        Path(args.output).write_bytes(doc)
    else:
        sys.stdout.flush()
        sys.stdout.buffer.write(doc)
        sys.stdout.flush()
    return 0


# -- parser -----------------------------------------------------------------------------------

def register(sub, add: Callable[..., argparse.ArgumentParser]) -> None:
    sp = add("feeds", cmd_feeds, "list feeds with their health; verbs: check, discover, import, export",
             config=False)
    sp.add_argument("--config", "-c", default=None, help=f"config file (TOML; default {DEFAULT_CONFIG})")
    sp.add_argument("--format", choices=["jsonl", "table"], default="jsonl")
    verbs = sp.add_subparsers(dest="verb", metavar="{check,discover,import,export}")

    def verb(name: str, fn: Callable, help: str) -> argparse.ArgumentParser:
        vp = verbs.add_parser(name, help=help, description=help)
        # SUPPRESS: "feeds --config X check" keeps X; "feeds check --config X" sets it.
        vp.add_argument("--config", "-c", default=argparse.SUPPRESS,
                        help=f"config file (TOML; default {DEFAULT_CONFIG})")
        vp.set_defaults(fn=fn)
        return vp

    vp = verb("check", cmd_check, "fetch each feed once (through the fetcher, nothing stored) and give a "
              "verdict: ok, stale, empty, not a feed, blocked: bot challenge, http error, unreachable...")
    vp.add_argument("--feed", action="append", help="only this feed (repeatable)")
    vp.add_argument("--format", choices=["jsonl", "table"], default=argparse.SUPPRESS)
    vp.add_argument("--stale-days", type=float, default=None,
                    help="newest entry older than this many days: stale (default [feed_tools] stale_days, 7)")

    vp = verb("discover", cmd_discover, "list the feeds a page advertises (and common feed paths), each "
              "verified, as [[feeds]] blocks to paste into the config")
    vp.add_argument("url")
    vp.add_argument("--allow-network", action="append", metavar="CIDR",
                    help="also allow this private/loopback network (the SSRF guard refuses them); repeatable")
    vp.add_argument("--probe", action="store_true", help="try common feed paths even when the page advertises feeds")
    vp.add_argument("--max-candidates", type=int, default=None,
                    help="candidate URLs verified at most (default [feed_tools] discover_max_candidates)")
    vp.add_argument("--format", dest="out_format", choices=["toml", "jsonl"], default="toml")

    vp = verb("import", cmd_import, "read an OPML file (a feed reader's export) and print its feeds as "
              "[[feeds]] blocks")
    vp.add_argument("file")

    vp = verb("export", cmd_export, "write the configured feeds as OPML 2.0")
    vp.add_argument("--format", dest="out_format", choices=["opml"], default="opml")
    vp.add_argument("--output", "-o", default=None, help="write to this file instead of stdout")
