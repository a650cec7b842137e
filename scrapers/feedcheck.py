"""``newsmon feeds check``: fetch each feed once and say whether it works, and if not, why.

Everything goes through the one fetcher (``scrapers.fetch``: SSRF guard, robots.txt, size
caps, deadlines), exactly as a poll cycle would fetch the feed, but nothing is stored: the
check is a probe, safe to run beside the scheduled cycles, and needs no database.

Per feed it reports the HTTP status, content type, whether the body parsed as a feed and
how many entries it lists, the newest entry's date, whether conditional GET works (a second
request carrying the ETag / Last-Modified the server sent gets 304 Not Modified: without
it every poll downloads the whole feed), and a verdict with a reason:

    ok                          parsed, has entries, the newest is recent
    stale                       the newest entry is older than ``stale_days``
    empty                       an empty body, or a feed that lists no usable entry
    not a feed                  HTML, JSON that is no JSON Feed, broken XML, entity declarations
    blocked: bot challenge      Cloudflare / DataDome / ... wall (``scrapers.challenge``)
    blocked: robots.txt         robots.txt disallows the feed's path for our user agent
    blocked: address not allowed the host resolves to a private/loopback address (SSRF guard)
    blocked                     another refusal of ours (scheme)
    too large                   past ``max_feed_bytes``
    http error                  any other HTTP error status (404, 410, 500 after retries...)
    unreachable                 DNS, connection, TLS or deadline failures
"""
from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta, timezone

from newsmon.errors import (
    AddressNotAllowed,
    BlockedError,
    BotChallengeError,
    FetchError,
    RobotsDisallowed,
    TooLargeError,
)
from newsmon.settings import FeedSettings
from scrapers.feeds import FeedParseError, ParsedFeed, feed_zone, parse_feed
from scrapers.fetch import FetchResult, Fetcher

VERDICTS = ("ok", "stale", "empty", "not a feed", "blocked: bot challenge", "blocked: robots.txt",
            "blocked: address not allowed", "blocked", "too large", "http error", "unreachable")

# Media types feeds are served with; anything else that parses is fine, with a note.
FEED_TYPES = frozenset({
    "application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/xml",
    "text/xml", "application/feed+json", "application/json", "application/x-rss+xml",
    "application/x-atom+xml", "text/rss+xml",
})
# An entry dated this far in the future is a wrong clock or zone, not the newest entry.
FUTURE_SLACK = timedelta(days=1)


@dataclass
class FeedCheck:
    """One feed's check, as printed (JSON line or table row)."""

    name: str
    url: str
    enabled: bool
    verdict: str = "unreachable"
    reason: str = ""
    status: int | None = None          # HTTP status of the first request
    final_url: str | None = None       # after redirects
    content_type: str | None = None
    bytes: int | None = None           # decompressed body size
    parsed: bool = False
    format: str | None = None          # rss20, atom10, rss10, json11...
    title: str | None = None
    entries: int = 0
    newest: datetime | None = None
    newest_age_days: float | None = None
    conditional_get: bool | None = None  # a second request with the validators got 304
    conditional: str | None = None       # what that second request showed
    notes: list[str] = field(default_factory=list)
    elapsed_s: float = 0.0

    def as_dict(self) -> dict:
        row = asdict(self)
        row["newest"] = self.newest.isoformat() if self.newest else None
        return row


def verdict_of(e: FetchError) -> str:
    """The verdict for a feed whose fetch or parse raised ``e``."""
    if isinstance(e, FeedParseError):
        return "empty" if "empty response body" in str(e) else "not a feed"
    if isinstance(e, BotChallengeError):
        return "blocked: bot challenge"
    if isinstance(e, RobotsDisallowed):
        return "blocked: robots.txt"
    if isinstance(e, AddressNotAllowed):
        return "blocked: address not allowed"
    if isinstance(e, BlockedError):
        return "blocked"
    if isinstance(e, TooLargeError):
        return "too large"
    if e.status is not None:
        return "http error"
    return "unreachable"


def _age(newest: datetime, now: datetime) -> str:
    hours = abs(now - newest).total_seconds() / 3600
    if hours < 1:
        return "less than an hour"
    if hours < 48:
        return f"{hours:.0f} h"
    return f"{hours / 24:.0f} days"


def _newest(parsed: ParsedFeed, now: datetime, notes: list[str]) -> datetime | None:
    dated = [e.published for e in parsed.entries if e.published is not None]
    future = [d for d in dated if d > now + FUTURE_SLACK]
    if future:
        notes.append(f"{len(future)} entries dated in the future (up to {max(future).isoformat()}); "
                     "ignored for the newest date: check the feed's clock or timezone")
    past = [d for d in dated if d <= now + FUTURE_SLACK]
    if len(dated) < len(parsed.entries):
        notes.append(f"{len(parsed.entries) - len(dated)} of {len(parsed.entries)} entries carry no date")
    return max(past) if past else None


def _judge(check: FeedCheck, parsed: ParsedFeed, *, stale_days: float, now: datetime) -> None:
    if not parsed.entries:
        check.verdict = "empty"
        check.reason = (f"the feed parsed ({parsed.format}) but lists no entries"
                        + (f"; {len(parsed.skipped)} without a usable link: {parsed.skipped[0]}"
                           if parsed.skipped else ""))
        return
    if check.newest is None:
        check.verdict, check.reason = "ok", f"{check.entries} entries (none dated: freshness unknown)"
        return
    age_days = (now - check.newest).total_seconds() / 86400
    check.newest_age_days = round(age_days, 2)
    if age_days < -1 / 24:  # within FUTURE_SLACK, but still ahead of the clock
        check.notes.append(f"the newest entry is dated {_age(now, check.newest)} in the future: dates "
                           "without an offset read in the wrong zone? set the feed's timezone")
    if age_days > stale_days:
        check.verdict = "stale"
        check.reason = (f"newest entry {check.newest.isoformat()} is {_age(check.newest, now)} old "
                        f"(stale after {stale_days:g} days)")
    else:
        check.verdict = "ok"
        when = f"{_age(check.newest, now)} ago" if age_days >= 0 else "dated ahead of the clock"
        check.reason = f"{check.entries} entries, newest {when}"


async def _conditional(fetcher: Fetcher, url: str, first: FetchResult, check: FeedCheck) -> None:
    """Ask again with the validators the server sent: 304 means polls cost nearly nothing."""
    sent = [h for h, v in (("ETag", first.etag), ("Last-Modified", first.last_modified)) if v]
    if not sent:
        check.conditional_get = False
        check.conditional = "no ETag or Last-Modified sent: every poll downloads the whole feed"
        return
    asked = " and ".join(sent)
    try:
        again = await fetcher.fetch(url, kind="feed", etag=first.etag, last_modified=first.last_modified)
    except FetchError as e:
        check.conditional = f"second request with {asked} failed: {e.failure}: {e}"
        return
    if again.not_modified:
        check.conditional_get = True
        check.conditional = f"304 Not Modified to a request with {asked}"
    else:
        check.conditional_get = False
        check.conditional = (f"answered {again.status} with the whole feed again ({len(again.content)} bytes) "
                             f"to a request with {asked}")


async def check_feed(fetcher: Fetcher, feed: FeedSettings, *, stale_days: float,
                     max_entries: int | None = None, now: datetime | None = None) -> FeedCheck:
    """Check one feed; never raises for feed problems (they are the verdict)."""
    started = time.monotonic()
    now = now or datetime.now(timezone.utc)
    check = FeedCheck(name=feed.name, url=feed.url, enabled=feed.enabled)
    try:
        res = await fetcher.fetch(feed.url, kind="feed")
        check.status, check.final_url = res.status, res.final_url
        check.content_type, check.bytes = res.content_type, len(res.content)
        if res.redirects:
            check.notes.append(f"redirected to {res.final_url}: configure that URL to save a request")
        if res.content_type and res.content_type not in FEED_TYPES:
            check.notes.append(f"served as {res.content_type}, not a feed media type")
        zone = feed_zone(feed)
        parsed = parse_feed(res.content, res.final_url, max_entries=max_entries, default_tz=zone)
    except FetchError as e:
        check.verdict, check.reason = verdict_of(e), f"{e.failure}: {e}"
        if e.status is not None:
            check.status = e.status
        check.elapsed_s = round(time.monotonic() - started, 3)
        return check
    check.parsed, check.format, check.title = True, parsed.format, parsed.title
    check.entries = len(parsed.entries)
    check.notes += parsed.notes
    if parsed.skipped:
        check.notes.append(f"{len(parsed.skipped)} entries skipped: {parsed.skipped[0]}")
    if parsed.naive_dates:
        where = f"read in {zone}" if zone else "read as UTC: set the feed's timezone"
        check.notes.append(f"{parsed.naive_dates} entry dates carry no offset; {where}")
    check.newest = _newest(parsed, now, check.notes)
    _judge(check, parsed, stale_days=stale_days, now=now)
    del parsed
    await _conditional(fetcher, feed.url, res, check)
    check.elapsed_s = round(time.monotonic() - started, 3)
    return check


async def check_feeds(fetcher: Fetcher, feeds: Iterable[FeedSettings], *, stale_days: float,
                      max_entries: int | None = None) -> list[FeedCheck]:
    """Check feeds concurrently (the fetcher's per-host and global limits apply), in order."""
    now = datetime.now(timezone.utc)
    return list(await asyncio.gather(*(check_feed(fetcher, f, stale_days=stale_days,
                                                  max_entries=max_entries, now=now) for f in feeds)))
