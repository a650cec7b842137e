"""One poll cycle as plain async functions (Prefect wraps them in ``flows.poll``).

    feed ─fetch (conditional GET)─► bytes ─parse─► entries ─already stored?─► new links
    new link ─fetch─► page bytes ─(process pool: decode, extract, match)─► record ─► store

Everything here is testable without Prefect: ``Runtime`` bundles the shared pieces
(settings, one Fetcher = one HTTP client, the Store, the extraction pool) and
``poll_feed`` handles one feed end to end, recording every failure on the feed or
article instead of raising, so one broken feed never stops the others.
"""
from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Callable

from models.records import ArticleRecord, MentionRecord
from models.store import Store
from newsmon.errors import FetchError, PermanentFetchError, TemporaryFetchError
from newsmon.settings import FeedSettings, Settings
from scrapers.extract import EXTRACTOR_VERSION, Extracted
from scrapers.feeds import FeedEntry, parse_feed
from scrapers.fetch import Fetcher
from scrapers.urls import canonical_url, clean_url
from watch import MatchResult, Watchlist

from flows.worker import PageJob, process_page

log = logging.getLogger("newsmon.cycle")


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


@dataclass
class FlaggedStory:
    url: str
    title: str | None
    feed: str
    entities: list[str]
    snippet: str
    reasons: list[str]
    published: datetime | None


@dataclass
class FeedReport:
    """What happened to one feed in one cycle (becomes a row of the run summary)."""

    feed: str
    status: str = "pending"  # ok | not_modified | failed | backoff | disabled
    error: str | None = None
    entries: int = 0
    new: int = 0
    duplicate: int = 0
    failed: int = 0
    no_body: int = 0
    skipped: int = 0  # robots-disallowed or already being fetched by another feed this cycle
    flagged: list[FlaggedStory] = field(default_factory=list)
    article_errors: list[str] = field(default_factory=list)


@dataclass
class Runtime:
    settings: Settings
    store: Store
    fetcher: Fetcher
    executor: object  # concurrent.futures.Executor
    watchlist: Watchlist
    flow_run_id: str | None = None
    now: Callable[[], datetime] = utcnow
    # Links being fetched in this cycle (the same story listed by two feeds is fetched once).
    in_flight: set[str] = field(default_factory=set)
    # Bounds pages held in memory at once across the whole cycle.
    page_slots: asyncio.Semaphore | None = None

    def __post_init__(self) -> None:
        if self.page_slots is None:
            self.page_slots = asyncio.Semaphore(self.settings.poll.articles_in_flight)


def backoff_delay(settings: Settings, failures: int, retry_after: float | None) -> float:
    """Seconds until a failing feed is polled again: exponential, capped, Retry-After honoured."""
    p = settings.poll
    delay = min(p.backoff_cap_s, p.backoff_base_s * (2 ** max(0, failures - 1)))
    if retry_after:
        delay = max(delay, min(retry_after, p.backoff_cap_s))
    return delay


async def _db(fn, *args, **kwargs):
    """Run a (short, sync) store call off the event loop."""
    return await asyncio.to_thread(fn, *args, **kwargs)


async def poll_batch(rt: Runtime, feeds: list[FeedSettings], *, force: bool = False) -> list[FeedReport]:
    """Poll a batch of feeds concurrently (one Prefect task); feed states are read once."""
    states = await _db(rt.store.feed_states)
    return list(await asyncio.gather(*(poll_feed(rt, f, states.get(f.name), force=force) for f in feeds)))


async def poll_feed(rt: Runtime, feed: FeedSettings, state=None, *, force: bool = False) -> FeedReport:
    """Poll one feed and ingest its new articles; never raises for feed or page problems.

    ``state`` is the feed's stored poll state (``Store.feed_states()[name]``), or None.
    """
    rep = FeedReport(feed=feed.name)
    now = rt.now()
    if not feed.enabled:
        rep.status = "disabled"
        return rep
    if not force and state and state.next_poll_at and state.next_poll_at > now:
        rep.status = "backoff"
        rep.error = f"backing off after {state.consecutive_failures} failures until {state.next_poll_at.isoformat()}"
        return rep
    try:
        res = await rt.fetcher.fetch(feed.url, kind="feed",
                                     etag=state.etag if state else None,
                                     last_modified=state.last_modified if state else None)
        if res.not_modified:
            rep.status = "not_modified"
            await _db(rt.store.record_feed_poll, feed.name, ok=True, status="not_modified", http_status=304,
                      error=None, etag=state.etag if state else None,
                      last_modified=state.last_modified if state else None, next_poll_at=None, at=now)
            return rep
        parsed = parse_feed(res.content, res.final_url, max_entries=rt.settings.poll.max_entries_per_feed)
    except FetchError as e:
        return await _feed_failed(rt, feed, rep, e, state.consecutive_failures if state else 0, now)
    rep.entries = len(parsed.entries)
    await _ingest_entries(rt, feed, parsed.entries, rep)
    rep.status = "ok"
    note = "; ".join(parsed.notes) or None
    await _db(rt.store.record_feed_poll, feed.name, ok=True, status="ok", http_status=res.status, error=note,
              etag=res.etag, last_modified=res.last_modified, next_poll_at=None, at=now)
    return rep


async def _feed_failed(rt: Runtime, feed: FeedSettings, rep: FeedReport, e: FetchError,
                       failures_before: int, now: datetime) -> FeedReport:
    rep.status = "failed"
    rep.error = f"{e.kind}: {e}"
    delay = backoff_delay(rt.settings, failures_before + 1, e.retry_after)
    await _db(rt.store.record_feed_poll, feed.name, ok=False, status="error", http_status=e.status,
              error=rep.error, etag=None, last_modified=None,
              next_poll_at=now + timedelta(seconds=delay), at=now)
    await _db(rt.store.record_fetch_outcome, url=feed.url, feed=feed.name, kind="feed",
              outcome=e.kind, error=str(e), http_status=e.status, flow_run_id=rt.flow_run_id)
    log.warning("feed %r failed: %s", feed.name, rep.error)
    return rep


async def _ingest_entries(rt: Runtime, feed: FeedSettings, entries: list[FeedEntry], rep: FeedReport) -> None:
    known = await _db(rt.store.known_urls, [e.link for e in entries])
    todo = []
    for e in entries:
        if e.link in known:
            rep.duplicate += 1
        elif e.link in rt.in_flight:
            rep.duplicate += 1  # the same story from another feed, fetched once this cycle
        else:
            rt.in_flight.add(e.link)
            todo.append(e)
    await asyncio.gather(*(ingest_url(rt, feed, e.link, rep, entry=e) for e in todo))


async def ingest_url(rt: Runtime, feed: FeedSettings, link: str, rep: FeedReport, *,
                     entry: FeedEntry | None = None) -> None:
    """Fetch, extract, match and store one article. Failures are recorded, never raised."""
    assert rt.page_slots is not None
    async with rt.page_slots:
        try:
            res = await rt.fetcher.fetch(link, kind="page")
        except FetchError as e:
            await _article_failed(rt, feed, link, e, rep, entry)
            return
        job = PageJob(raw=res.content, url=res.final_url, charset=res.charset,
                      feed_published=entry.published if entry else None, default_tz=feed.timezone)
        loop = asyncio.get_running_loop()
        try:
            ex, match = await loop.run_in_executor(rt.executor, process_page, job)  # type: ignore[arg-type]
        except Exception as e:  # noqa: BLE001 - a hostile page must not stop the cycle
            err = PermanentFetchError(f"extraction failed: {type(e).__name__}: {e}", url=link)
            await _article_failed(rt, feed, link, err, rep, entry, raw=res.content, final_url=res.final_url)
            return
        rec = build_record(rt, feed, link, res.final_url, res.content, res.status, ex, entry)
        mentions = mention_records(match)
        _, created = await _db(rt.store.save_article, rec, mentions)
    if not created:
        rep.duplicate += 1
        return
    if ex.status != "ok":
        rep.no_body += 1
        return
    rep.new += 1
    if match and match.entities:
        rep.flagged.append(FlaggedStory(
            url=rec.url, title=rec.title, feed=feed.name, entities=list(match.entities),
            snippet=match.flags[0].snippet if match.flags else "",
            reasons=[f"{f.entity_id}: {f.reason}" for f in match.flags], published=rec.published))


def build_record(rt: Runtime, feed: FeedSettings, link: str, final_url: str, raw: bytes, status: int,
                 ex: Extracted, entry: FeedEntry | None) -> ArticleRecord:
    url = canonical_url(final_url, ex.canonical_url)
    aliases = sorted({clean_url(link), clean_url(final_url)} - {url})
    return ArticleRecord(
        url=url, feed=feed.name, title=ex.title or (entry.title if entry else None), text=ex.text,
        status=ex.status, reason=ex.reason, original_url=link, final_url=final_url,
        published=ex.published.value, published_raw=ex.published.raw, published_source=ex.published.source,
        modified=ex.modified.value, authors=list(ex.authors), language=ex.language, raw_html=raw,
        http_status=status, notes=list(ex.notes), meta={"method": ex.method},
        fetched_at=rt.now(), flow_run_id=rt.flow_run_id, extractor_version=EXTRACTOR_VERSION,
        aliases=aliases)


def mention_records(match: MatchResult | None) -> list[MentionRecord]:
    if not match:
        return []
    return [MentionRecord(entity_id=f.entity_id, count=f.count, in_title=f.in_title, snippet=f.snippet,
                          reason=f.reason,
                          details=[{"alias": m.alias, "text": m.text, "field": m.field, "start": m.start,
                                    "end": m.end, "kind": m.kind} for m in f.mentions])
            for f in match.flags]


async def _article_failed(rt: Runtime, feed: FeedSettings, link: str, e: FetchError, rep: FeedReport,
                          entry: FeedEntry | None, *, raw: bytes | None = None,
                          final_url: str | None = None) -> None:
    """Temporary failures are retried next cycle and blocked ones re-checked (outcome only);
    permanent ones are stored as a failed article so they are not fetched again every cycle."""
    msg = f"{link}: {e.kind}: {e}"
    rep.article_errors.append(msg)
    await _db(rt.store.record_fetch_outcome, url=link, feed=feed.name, kind="page", outcome=e.kind,
              error=str(e), http_status=e.status, flow_run_id=rt.flow_run_id)
    if isinstance(e, TemporaryFetchError):
        rep.failed += 1
        rt.in_flight.discard(link)
        return
    if e.kind == "blocked":
        # robots.txt or the address guard: re-checked each cycle at no network cost (robots is
        # cached), so a site that later allows the path is picked up. Outcome only, no article.
        rep.skipped += 1
        return
    rep.failed += 1
    rec = ArticleRecord(url=clean_url(link), feed=feed.name, title=entry.title if entry else None, text=None,
                        status="failed", reason=f"{e.kind}: {e}", original_url=link, final_url=final_url,
                        published=entry.published if entry else None,
                        published_source="feed" if entry and entry.published else None,
                        raw_html=raw, http_status=e.status, fetched_at=rt.now(), flow_run_id=rt.flow_run_id,
                        extractor_version=EXTRACTOR_VERSION)
    await _db(rt.store.save_article, rec, [])


def summarize(reports: list[FeedReport]) -> dict:
    """The cycle's figures, as shown in the CLI output and the Prefect markdown artifact."""
    by = lambda s: [r for r in reports if r.status == s]  # noqa: E731
    return {
        "feeds": len(reports),
        "feeds_ok": len(by("ok")),
        "feeds_not_modified": len(by("not_modified")),
        "feeds_failed": len(by("failed")),
        "feeds_backoff": len(by("backoff")),
        "articles_new": sum(r.new for r in reports),
        "articles_duplicate": sum(r.duplicate for r in reports),
        "articles_failed": sum(r.failed for r in reports),
        "articles_no_body": sum(r.no_body for r in reports),
        "articles_skipped": sum(r.skipped for r in reports),
        "flagged": sum(len(r.flagged) for r in reports),
        "failures": [{"feed": r.feed, "error": r.error} for r in reports if r.status == "failed"],
        "flagged_stories": [
            {"url": s.url, "title": s.title, "feed": s.feed, "entities": s.entities, "snippet": s.snippet,
             "reasons": s.reasons, "published": s.published.isoformat() if s.published else None}
            for r in reports for s in r.flagged],
        "article_errors": [msg for r in reports for msg in r.article_errors][:200],
    }
