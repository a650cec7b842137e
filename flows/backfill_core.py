"""Backfill as plain async functions (Prefect wraps them in ``flows.backfill``).

Two sources:

* ``sitemap``: each feed's ``sitemap`` (indexes, urlsets, Google News sitemaps, gzip) is
  walked by ``scrapers.sitemaps.discover`` through the cycle's Fetcher, URLs dated in the
  window are checked against the store (``known_urls``: every URL form of every stored
  article) and the new ones go through ``flows.cycle.ingest_url`` - the very path a polled
  story takes (same canonical URL, same dedup, same per-host politeness, same records).
  Re-running skips what is stored, so a crashed backfill resumes where it stopped.
* ``stored``: articles in the window whose ``extractor_version`` is not the current one are
  re-extracted from their kept page bytes (process pool) and re-matched; then those whose
  ``watchlist_digest`` is not the current watchlist's, or that hold a flag without a
  prominence score (stored before 0.2.0), are re-matched from their stored title and text.
  Each finished article is current, so a re-run skips it. Review states are kept; a changed
  entity set leaves an audit event (``Store.replace_mentions``).

Progress is reported through an optional ``progress(unit, fraction)`` coroutine.
"""
from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from itertools import islice
from zoneinfo import ZoneInfo

from models.records import ArticleRecord
from models.store import StoredArticle, Store
from newsmon.errors import ConfigError
from newsmon.settings import FeedSettings, Settings
from scrapers.extract import EXTRACTOR_VERSION, Extracted
from scrapers.feeds import FeedEntry
from scrapers.sitemaps import SitemapEntry, day_start, discover
from watch import Matcher, MatchResult

from flows.cycle import FeedReport, Runtime, ingest_url, mention_records, summarize
from flows.runtime import open_runtime, select_feeds
from flows.worker import PageJob, process_page

log = logging.getLogger("newsmon.backfill")

SOURCES = ("sitemap", "stored")
Progress = Callable[[str, float], Awaitable[None]]


def window(since: date, until: date | None = None, *, today: date | None = None) -> tuple[datetime, datetime]:
    """``[since 00:00 UTC, until+1 day 00:00 UTC)``: both days included, ``until`` defaults to today."""
    if isinstance(since, datetime):
        since = since.date()
    if isinstance(until, datetime):
        until = until.date()
    until = until or today or datetime.now(timezone.utc).date()
    if since > until:
        raise ConfigError(f"backfill: since {since.isoformat()} is after until {until.isoformat()}")
    return day_start(since), day_start(until) + timedelta(days=1)


def check_source(source: str) -> str:
    if source not in SOURCES:
        raise ConfigError(f"backfill: source {source!r} is not one of {', '.join(SOURCES)}")
    return source


async def _db(fn, *args, **kwargs):
    return await asyncio.to_thread(fn, *args, **kwargs)


# --------------------------------------------------------------------------- sitemap

@dataclass
class SitemapReport(FeedReport):
    """A feed's sitemap backfill: the cycle's counters plus what the sitemaps held.

    ``duplicate`` counts URLs already stored (skipped without a request) or stored
    meanwhile by a concurrent poll; ``entries`` the URLs dated in the window.
    """

    sitemap: str | None = None
    listed: int = 0
    sitemap_files: int = 0
    pruned: int = 0
    out_of_range: int = 0
    undated: int = 0
    notes: list[str] = field(default_factory=list)


def sitemap_units(feeds: list[FeedSettings]) -> tuple[list[FeedSettings], list[SitemapReport]]:
    """Feeds whose sitemap is read (each sitemap URL once), and reports for the others."""
    units: list[FeedSettings] = []
    others: list[SitemapReport] = []
    owner: dict[str, str] = {}
    for f in feeds:
        if not f.sitemap:
            others.append(SitemapReport(feed=f.name, status="no_sitemap",
                                        error="no sitemap configured for this feed"))
        elif f.sitemap in owner:
            others.append(SitemapReport(feed=f.name, status="shared", sitemap=f.sitemap,
                                        error=f"same sitemap as feed {owner[f.sitemap]!r}, read once"))
        else:
            owner[f.sitemap] = f.name
            units.append(f)
    return units, others


def sitemap_zone(feed: FeedSettings) -> ZoneInfo:
    """Zone for sitemap dates without an offset: the feed's, else as the extractor picks it
    for pages without one (the site rule's zone, Asia/Seoul for .kr hosts, else UTC)."""
    if feed.timezone:
        return ZoneInfo(str(feed.timezone))
    from urllib.parse import urlsplit

    from scrapers import sites

    rule = sites.rule_for(feed.sitemap)
    if rule and rule.timezone:
        return ZoneInfo(rule.timezone)
    host = urlsplit(feed.sitemap or "").hostname or ""
    return ZoneInfo("Asia/Seoul" if host.endswith(".kr") else "UTC")


def _entry(e: SitemapEntry) -> FeedEntry:
    # The news sitemap's publication date plays the role of a feed's pubDate: a fallback
    # when the page carries no date. lastmod is a modification time, not a publication date.
    return FeedEntry(link=e.url, title=e.title, published=e.published, entry_id=None)


async def backfill_feed_sitemap(rt: Runtime, feed: FeedSettings, start: datetime, end: datetime, *,
                                logger: logging.Logger | logging.LoggerAdapter = log,
                                progress: Progress | None = None) -> SitemapReport:
    """Discover ``feed.sitemap``'s URLs dated in ``[start, end)`` and ingest the new ones."""
    rep = SitemapReport(feed=feed.name, sitemap=feed.sitemap)
    if not feed.sitemap:
        rep.status, rep.error = "no_sitemap", "no sitemap configured for this feed"
        return rep
    b = rt.settings.backfill
    disc = await discover(rt.fetcher, feed.sitemap, start=start, end=end, tz=sitemap_zone(feed),
                          max_depth=b.sitemap_max_depth, max_files=b.sitemap_max_files,
                          max_urls=b.sitemap_max_urls, max_bytes=b.sitemap_max_bytes)
    rep.listed, rep.sitemap_files, rep.pruned = disc.listed, disc.files, disc.pruned
    rep.out_of_range, rep.undated = disc.out_of_range, disc.undated
    rep.notes = (disc.errors + disc.notes)[:100]
    if disc.root_failed:
        rep.status, rep.error = "failed", disc.errors[0]
        logger.warning("%s: sitemap failed: %s", feed.name, rep.error)
        if progress:
            await progress(feed.name, 1.0)
        return rep
    if disc.errors:
        rep.error = f"{len(disc.errors)} sitemap file(s) failed, first: {disc.errors[0]}"
    entries = disc.entries
    rep.entries = len(entries)
    logger.info("%s: %d sitemap files, %d URLs listed, %d in the window (%d outside, %d undated, "
                "%d old sitemaps skipped)", feed.name, disc.files, disc.listed, len(entries),
                disc.out_of_range, disc.undated, disc.pruned)
    step = max(1, b.urls_per_step)
    for i in range(0, len(entries), step):
        chunk = entries[i:i + step]
        known = await _db(rt.store.known_urls, [e.url for e in chunk])
        todo: list[SitemapEntry] = []
        for e in chunk:
            if e.url in known or e.url in rt.in_flight:
                rep.duplicate += 1
            else:
                rt.in_flight.add(e.url)
                todo.append(e)
        await asyncio.gather(*(ingest_url(rt, feed, e.url, rep, entry=_entry(e)) for e in todo))
        done = i + len(chunk)
        logger.info("%s: %d/%d URLs: new=%d already stored=%d failed=%d no body=%d skipped=%d flagged=%d",
                    feed.name, done, len(entries), rep.new, rep.duplicate, rep.failed, rep.no_body,
                    rep.skipped, len(rep.flagged))
        if progress:
            await progress(feed.name, done / len(entries))
    rep.status = "ok"
    if progress and not entries:
        await progress(feed.name, 1.0)
    return rep


def sitemap_summary(reports: list[SitemapReport], start: datetime, end: datetime) -> dict:
    s = summarize(reports)
    s.update(source="sitemap", since=start.date().isoformat(), until=(end - timedelta(days=1)).date().isoformat(),
             urls_listed=sum(r.listed for r in reports), urls_in_window=sum(r.entries for r in reports),
             sitemap_files=sum(r.sitemap_files for r in reports),
             feeds_without_sitemap=sum(r.status == "no_sitemap" for r in reports))
    return s


# --------------------------------------------------------------------------- stored

@dataclass
class StoredCounts:
    feed: str
    reextracted: int = 0
    rematched: int = 0
    changed: int = 0     # articles whose set of flagged entities changed
    no_raw: int = 0      # stale extraction but no kept page: cannot be re-extracted
    failed: int = 0      # extraction raised (left as it was; tried again next run)


def no_page_reason(a: StoredArticle) -> str:
    """Why a stored article cannot be re-extracted: its page is not kept."""
    if a.raw_dropped_at is not None:
        return (f"page not kept (dropped by retention on {a.raw_dropped_at.date().isoformat()}): "
                "re-extraction needs a refetch")
    if a.status == "failed":
        return f"no page kept (the fetch failed: {a.reason or 'no reason recorded'}): re-extraction needs a refetch"
    return "no page kept: re-extraction needs a refetch"


@dataclass
class StoredReport:
    candidates: int = 0
    by_feed: dict[str, StoredCounts] = field(default_factory=dict)
    changes: list[dict] = field(default_factory=list)   # first 500 entity-set changes
    errors: list[str] = field(default_factory=list)     # first 200
    not_reextracted: list[dict] = field(default_factory=list)  # first 1000 articles without a kept page

    def counts(self, feed: str | None) -> StoredCounts:
        name = feed or "(no feed)"
        if name not in self.by_feed:
            self.by_feed[name] = StoredCounts(name)
        return self.by_feed[name]

    def total(self, attr: str) -> int:
        return sum(getattr(c, attr) for c in self.by_feed.values())

    def note_no_page(self, a: StoredArticle) -> str:
        self.counts(a.feed).no_raw += 1
        reason = no_page_reason(a)
        if len(self.not_reextracted) < 1000:
            self.not_reextracted.append({"id": a.id, "url": a.url, "feed": a.feed, "reason": reason})
        return reason

    def note_change(self, a: StoredArticle, added: list[str], removed: list[str]) -> None:
        self.counts(a.feed).changed += 1
        if len(self.changes) < 500:
            self.changes.append({"id": a.id, "url": a.url, "title": a.title, "feed": a.feed,
                                 "added": added, "removed": removed, "review_state": a.review_state})


def count_candidates(store: Store, start: datetime, end: datetime, feeds: list[str] | None,
                     extractor_version: str, watchlist_digest: str) -> int:
    """Articles in the window that a stored backfill would touch (for the progress bar).

    Same window rule as ``Store.iter_articles``: publication date, else fetch time.
    """
    from sqlalchemy import func, or_, select

    from models.store.articles import stale_match
    from models.tables import Article, UTCDateTime, as_utc

    A = Article.__table__.c
    when = func.coalesce(A.published, A.fetched_at, type_=UTCDateTime())
    conds = [when >= as_utc(start), when < as_utc(end),
             or_(A.extractor_version.is_(None), A.extractor_version != extractor_version,
                 stale_match(watchlist_digest))]
    if feeds is not None:
        conds.append(A.feed.in_(list(feeds)))
    with store.session() as s:
        return int(s.execute(select(func.count()).select_from(Article.__table__).where(*conds)).scalar_one())


def match_stored(title: str | None, text: str | None, matcher: Matcher | None = None) -> MatchResult:
    """Process-pool job: match a stored article's title and body (no extraction)."""
    if matcher is None:
        from flows import worker
        matcher = worker._matcher  # built once per worker process by the pool initializer
        if matcher is None:
            raise RuntimeError("match_stored called without a matcher (pool initializer not run)")
    return matcher.match(title, text)


def reextracted_record(a: StoredArticle, ex: Extracted) -> ArticleRecord:
    """The stored article with the new extraction; identity, page and review are kept."""
    rec = a.to_record()
    rec.raw_html = None  # keep the stored page as it is
    rec.title = ex.title or a.title
    rec.text = ex.text
    rec.status, rec.reason = ex.status, ex.reason
    if ex.published.value is not None:
        rec.published, rec.published_raw, rec.published_source = (
            ex.published.value, ex.published.raw, ex.published.source)
    rec.modified = ex.modified.value
    rec.authors = list(ex.authors)
    rec.language = ex.language
    rec.notes = list(ex.notes)
    rec.meta = {**a.meta, "method": ex.method}
    rec.extractor_version = EXTRACTOR_VERSION
    rec.extracted_at = None  # the store stamps "now"
    rec.aliases = []
    return rec


def _take(it: Iterator[StoredArticle], n: int) -> list[StoredArticle]:
    return list(islice(it, n))


class _StoredRun:
    def __init__(self, rt: Runtime, start: datetime, end: datetime, feeds: list[str] | None,
                 logger, progress: Progress | None) -> None:
        self.rt, self.start, self.end, self.feeds = rt, start, end, feeds
        self.logger, self.progress = logger, progress
        self.digest = rt.watchlist.digest()
        self.report = StoredReport()
        self.done = 0
        # InlineExecutor (extract_workers = 0) runs jobs here and has its own Matcher.
        self.inline_matcher: Matcher | None = getattr(rt.executor, "matcher", None)

    async def _tick(self, n: int) -> None:
        self.done += n
        if self.progress and self.report.candidates:
            await self.progress("stored", min(1.0, self.done / self.report.candidates))

    async def _batches(self, **kw) -> AsyncIterator[list[StoredArticle]]:
        size = max(1, self.rt.settings.backfill.stored_batch)
        it = self.rt.store.iter_articles(since=self.start, until=self.end, feeds=self.feeds, batch=size, **kw)
        while True:
            batch = await asyncio.to_thread(_take, it, size)
            if not batch:
                return
            yield batch

    async def reextract(self) -> None:
        """Pass 1: stale extractor version -> re-extract from the kept page, re-match."""
        async for batch in self._batches(with_raw=True, stale_extractor=EXTRACTOR_VERSION):
            await asyncio.gather(*(self._reextract_one(a) for a in batch))
            await self._tick(len(batch))
            self.logger.info("re-extracted %d articles so far (%s)", self.report.total("reextracted"),
                             _feed_line(self.report))

    async def _reextract_one(self, a: StoredArticle) -> None:
        c = self.report.counts(a.feed)
        if a.raw_html is None:
            reason = self.report.note_no_page(a)
            if c.no_raw <= 20:  # the first few in the log; all of them (up to 1000) in the summary
                self.logger.info("%s: %s", a.url, reason)
            return
        try:
            tz = self.rt.feed(a.feed).timezone if a.feed else None
        except KeyError:
            tz = None  # a feed since removed from the config: the extractor picks the zone
        job = PageJob(raw=a.raw_html, url=a.final_url or a.url, charset=a.raw_encoding,
                      feed_published=a.published if a.published_source == "feed" else None, default_tz=tz)
        loop = asyncio.get_running_loop()
        try:
            ex, match = await loop.run_in_executor(self.rt.executor, process_page, job)  # type: ignore[arg-type]
        except Exception as e:  # noqa: BLE001 - one bad page must not stop the backfill
            c.failed += 1
            if len(self.report.errors) < 200:
                self.report.errors.append(f"{a.url}: extraction failed: {type(e).__name__}: {e}")
            return
        await _db(self.rt.store.replace_extraction, a.id, reextracted_record(a, ex))
        added, removed = await _db(self.rt.store.replace_mentions, a.id, mention_records(match), self.digest)
        c.reextracted += 1
        if added or removed:
            self.report.note_change(a, added, removed)

    async def rematch(self) -> None:
        """Pass 2: stale watchlist digest -> re-match the stored title and text."""
        async for batch in self._batches(with_raw=False, stale_watchlist=self.digest):
            await asyncio.gather(*(self._rematch_one(a) for a in batch))
            await self._tick(len(batch))
            self.logger.info("re-matched %d articles so far (%s)", self.report.total("rematched"),
                             _feed_line(self.report))

    async def _rematch_one(self, a: StoredArticle) -> None:
        c = self.report.counts(a.feed)
        match = None
        if a.status == "ok" and (a.title or a.text):
            loop = asyncio.get_running_loop()
            try:
                match = await loop.run_in_executor(self.rt.executor, match_stored, a.title, a.text,
                                                   self.inline_matcher)  # type: ignore[arg-type]
            except Exception as e:  # noqa: BLE001
                c.failed += 1
                if len(self.report.errors) < 200:
                    self.report.errors.append(f"{a.url}: matching failed: {type(e).__name__}: {e}")
                return
        added, removed = await _db(self.rt.store.replace_mentions, a.id, mention_records(match), self.digest)
        c.rematched += 1
        if added or removed:
            self.report.note_change(a, added, removed)


def _feed_line(rep: StoredReport) -> str:
    return "; ".join(f"{c.feed}: re-extracted {c.reextracted}, re-matched {c.rematched}, changed {c.changed}"
                     + (f", no page {c.no_raw}" if c.no_raw else "") + (f", failed {c.failed}" if c.failed else "")
                     for c in rep.by_feed.values()) or "nothing to do"


async def reprocess_stored(rt: Runtime, start: datetime, end: datetime, feeds: list[str] | None = None, *,
                           logger: logging.Logger | logging.LoggerAdapter = log,
                           progress: Progress | None = None, passes: tuple[str, ...] = ("reextract", "rematch")
                           ) -> StoredReport:
    """Re-extract and re-match the stored articles of ``[start, end)`` that are not current."""
    run = _StoredRun(rt, start, end, feeds, logger, progress)
    run.report.candidates = await _db(count_candidates, rt.store, start, end, feeds, EXTRACTOR_VERSION, run.digest)
    logger.info("%d stored articles in the window need re-extraction or re-matching", run.report.candidates)
    if "reextract" in passes:
        await run.reextract()
    if "rematch" in passes:
        await run.rematch()
    if progress:
        await progress("stored", 1.0)
    return run.report


def stored_summary(rep: StoredReport, start: datetime, end: datetime) -> dict:
    return {
        "source": "stored", "since": start.date().isoformat(),
        "until": (end - timedelta(days=1)).date().isoformat(),
        "candidates": rep.candidates, "reextracted": rep.total("reextracted"), "rematched": rep.total("rematched"),
        "entities_changed": rep.total("changed"), "no_raw": rep.total("no_raw"), "failed": rep.total("failed"),
        "by_feed": {k: vars(v) for k, v in sorted(rep.by_feed.items())},
        "changes": rep.changes, "errors": rep.errors, "not_reextracted": rep.not_reextracted,
    }


# --------------------------------------------------------------------------- without Prefect

async def run_backfill_plain(settings: Settings, *, since: date, until: date | None = None,
                             feeds: list[str] | None = None, source: str = "sitemap",
                             workers: int | None | str = "settings") -> dict:
    """One backfill without Prefect (``newsmon backfill --no-prefect``, tests)."""
    check_source(source)
    start, end = window(since, until)
    selected = select_feeds(settings, feeds)
    async with open_runtime(settings, workers=workers) as rt:
        cycle_id = await _db(rt.store.start_cycle, f"backfill-{source}", None)
        if source == "sitemap":
            units, others = sitemap_units(selected)
            reports = list(await asyncio.gather(*(backfill_feed_sitemap(rt, f, start, end) for f in units)))
            summary = sitemap_summary(reports + others, start, end)
        else:
            rep = await reprocess_stored(rt, start, end, [f.name for f in selected] if feeds else None)
            summary = stored_summary(rep, start, end)
        await _db(rt.store.finish_cycle, cycle_id, summary)
    return summary
