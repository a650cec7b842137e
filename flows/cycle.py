"""One poll cycle as plain async functions (Prefect wraps them in ``flows.poll``).

    feed ─fetch (conditional GET)─► bytes ─parse─► entries ─already stored?─► new links
    new link ─fetch─► page bytes ─(process pool: decode, extract, match)─► record ─► store

Everything here is testable without Prefect: ``Runtime`` bundles the shared pieces
(settings, one Fetcher = one HTTP client, the Store, the extraction pool) and
``poll_feed`` handles one feed end to end, recording every failure on the feed or
article instead of raising, so one broken feed never stops the others.

Throughput (benchmarks/ingest.py, many_feeds.py): the event loop's process must keep
both cores' extraction workers fed, so it does little per page. Workers also compress the
page they already hold (``flows.worker.ingest_page``), and only the small compressed blob
comes back. Store writes go through ``GroupCommit``: whatever saves (or feed-poll records)
arrive while one transaction runs are written together in the next, so SQLite's single
writer commits once per batch instead of once per article, and 10,000 "not modified"
feeds cost a few transactions instead of 10,000.
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from functools import cached_property
from typing import Generic, TypeVar

from models.records import ArticleRecord, MentionRecord
from models.store import FeedPoll, FeedState, Store
from newsmon.errors import BlockedError, BotChallengeError, FetchError, PermanentFetchError, TemporaryFetchError
from newsmon.events import EventSink, NullSink
from newsmon.settings import FeedSettings, Settings
from scrapers.extract import EXTRACTOR_VERSION, Extracted
from scrapers.feeds import FeedEntry, feed_zone, parse_feed
from scrapers.fetch import Fetcher
from scrapers.urls import canonical_url, clean_url
from watch import MatchResult, Watchlist

from flows.feed_health import after_poll
from flows.worker import PageJob, ingest_page
from review.minhash import Fingerprint

log = logging.getLogger("newsmon.cycle")

ItemT = TypeVar("ItemT")
ResultT = TypeVar("ResultT")
# Largest group commit: articles (each ~40 KB: compressed page + text) and feed-poll rows.
ARTICLES_PER_COMMIT = 64
FEED_POLLS_PER_COMMIT = 500
# How long an article's save waits for others to share its transaction (GroupCommit):
# a few articles per commit at tens per second, at the cost of this much latency.
ARTICLES_LINGER_S = 0.1


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
    failure: str | None = None  # why it failed: FetchError.failure ("blocked: bot challenge", ...)
    entries: int = 0
    new: int = 0
    duplicate: int = 0
    failed: int = 0
    no_body: int = 0
    skipped: int = 0  # robots-disallowed or already being fetched by another feed this cycle
    challenged: int = 0  # articles whose site answered with a bot challenge (not stored)
    flagged: list[FlaggedStory] = field(default_factory=list)
    article_errors: list[str] = field(default_factory=list)


class GroupCommit(Generic[ItemT, ResultT]):
    """Coalesce concurrent store writes into one transaction per batch (group commit).

    ``await submit(item)`` returns that item's result once it is committed. While one
    batch is being written (in a thread), new items queue; the next batch takes up to
    ``max_batch`` of them. ``linger_s``: a batch that is not full waits up to that long for
    more items before it is written. Extracted articles arrive one at a time, a few tens
    of milliseconds apart, each after a write had finished: without the wait nearly every
    article paid for a transaction of its own (1,741 of 1,853 transactions of a
    2,000-article cycle held one item). If a batch fails, its items are retried one
    transaction each, so one bad record gets its own error and the others are stored.
    Nothing to start or stop: the writing task runs while items are queued and ends
    when none are left.
    """

    def __init__(self, write_many: Callable[[list[ItemT]], list[ResultT]],
                 write_one: Callable[[ItemT], ResultT], *, max_batch: int, linger_s: float = 0.0) -> None:
        self._many = write_many
        self._one = write_one
        self.max_batch = max(1, max_batch)
        self.linger_s = max(0.0, linger_s)
        self._pending: list[tuple[ItemT, asyncio.Future[ResultT]]] = []
        self._full = asyncio.Event()  # set when max_batch items are pending
        self._task: asyncio.Task[None] | None = None
        self.transactions = 0  # batches committed (for tests and benchmarks)

    async def submit(self, item: ItemT) -> ResultT:
        loop = asyncio.get_running_loop()
        fut: asyncio.Future[ResultT] = loop.create_future()
        self._pending.append((item, fut))
        if len(self._pending) >= self.max_batch:
            self._full.set()
        if self._task is None or self._task.done():
            self._task = loop.create_task(self._drain())
        return await fut

    async def _linger(self) -> None:
        """Wait until a batch is full or ``linger_s`` has passed."""
        if not self.linger_s or len(self._pending) >= self.max_batch:
            return
        self._full.clear()
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(self.linger_s):
                await self._full.wait()

    async def _drain(self) -> None:
        batch: list[tuple[ItemT, asyncio.Future[ResultT]]] = []
        try:
            while self._pending:
                await self._linger()
                batch = self._pending[:self.max_batch]
                del self._pending[:self.max_batch]
                try:
                    results = await asyncio.to_thread(self._many, [item for item, _ in batch])
                    self.transactions += 1
                except Exception:  # noqa: BLE001 - find the bad item: one transaction each
                    for item, fut in batch:
                        try:
                            res = await asyncio.to_thread(self._one, item)
                        except Exception as e:  # noqa: BLE001 - delivered to its submitter
                            _settle(fut, error=e)
                        else:
                            _settle(fut, result=res)
                    continue
                for (_, fut), res in zip(batch, results):
                    _settle(fut, result=res)
        finally:
            # Cancelled (the cycle is being torn down): nobody may wait forever.
            for _, fut in [*batch, *self._pending]:
                if not fut.done():
                    fut.cancel()
            self._pending.clear()


def _settle(fut: asyncio.Future, *, result: object = None, error: BaseException | None = None) -> None:
    if fut.done():  # its submitter was cancelled meanwhile
        return
    if error is not None:
        fut.set_exception(error)
    else:
        fut.set_result(result)


@dataclass
class Runtime:
    settings: Settings
    store: Store
    fetcher: Fetcher
    executor: object  # concurrent.futures.Executor
    watchlist: Watchlist
    flow_run_id: str | None = None
    now: Callable[[], datetime] = utcnow
    # Where the cycle's Prefect events go (newsmon/events.py): RunSink in a flow run.
    events: EventSink = field(default_factory=NullSink)
    # Links being fetched in this cycle (the same story listed by two feeds is fetched once).
    in_flight: set[str] = field(default_factory=set)
    # Bounds pages held in memory at once across the whole cycle.
    page_slots: asyncio.Semaphore | None = None
    # Articles stored (created) so far in this cycle; the review step runs when it grows.
    stored: int = 0
    # Body fingerprints the workers computed for the articles stored since the last
    # clustering pass (article id -> fingerprint; review.clusters.cluster_pending empties it).
    fingerprints: dict[int, Fingerprint | None] = field(default_factory=dict)
    watchlist_digest: str = field(init=False, default="")
    articles: GroupCommit[tuple[ArticleRecord, list[MentionRecord]], tuple[int, bool]] = field(init=False)
    feed_polls: GroupCommit[FeedPoll, int] = field(init=False)

    def __post_init__(self) -> None:
        self.watchlist_digest = self.watchlist.digest()  # once per cycle, stored on every article
        if self.page_slots is None:
            self.page_slots = asyncio.Semaphore(self.settings.poll.articles_in_flight)
        store = self.store
        self.articles = GroupCommit(store.save_articles, lambda item: store.save_article(*item),
                                    max_batch=ARTICLES_PER_COMMIT, linger_s=ARTICLES_LINGER_S)
        self.feed_polls = GroupCommit(lambda polls: _polls_in_order(store, polls),
                                      lambda poll: store.record_feed_polls([poll])[poll.name],
                                      max_batch=FEED_POLLS_PER_COMMIT)

    @cached_property
    def _feeds_by_name(self) -> dict[str, FeedSettings]:
        return {f.name: f for f in self.settings.feeds}

    def feed(self, name: str) -> FeedSettings:
        """The configured feed ``name`` (KeyError if none); a dict lookup, not a scan."""
        return self._feeds_by_name[name]

    def start_workers(self) -> None:
        """Start the extraction pool's processes if they are not running (``flows.worker.Pool``;
        other executors, e.g. a test's, have nothing to start)."""
        start = getattr(self.executor, "start_workers", None)
        if start is not None:
            start()

    async def save(self, rec: ArticleRecord, mentions: list[MentionRecord]) -> tuple[int, bool]:
        """``Store.save_article`` through the cycle's group commit."""
        return await self.articles.submit((rec, mentions))

    async def record_poll(self, poll: FeedPoll) -> int:
        """``Store.record_feed_poll`` through the cycle's group commit; returns the feed's
        consecutive failures afterwards."""
        return await self.feed_polls.submit(poll)


def _polls_in_order(store: Store, polls: list[FeedPoll]) -> list[int]:
    counts = store.record_feed_polls(polls)
    return [counts[p.name] for p in polls]


def backoff_delay(settings: Settings, failures: int, retry_after: float | None, *,
                  challenge: bool = False) -> float:
    """Seconds until a failing feed is polled again: exponential, capped, Retry-After honoured.

    A bot challenge is not a hiccup: asking again in minutes only makes the wall stricter,
    so it waits ``challenge_backoff_s`` (hours), or a longer Retry-After (within
    ``max(backoff_cap_s, challenge_backoff_s)``).
    """
    p = settings.poll
    if challenge:
        ceiling = max(p.backoff_cap_s, p.challenge_backoff_s)
        return max(p.challenge_backoff_s, min(retry_after or 0.0, ceiling))
    delay = min(p.backoff_cap_s, p.backoff_base_s * (2 ** max(0, failures - 1)))
    if retry_after:
        delay = max(delay, min(retry_after, p.backoff_cap_s))
    return delay


async def _db(fn, *args, **kwargs):
    """Run a (short, sync) store call off the event loop."""
    return await asyncio.to_thread(fn, *args, **kwargs)


async def poll_batch(rt: Runtime, feeds: list[FeedSettings], *, force: bool = False) -> list[FeedReport]:
    """Poll a batch of feeds concurrently (one Prefect task); their states are read in one query."""
    states = await _db(rt.store.feed_states, [f.name for f in feeds])
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
            await rt.record_poll(FeedPoll(feed.name, ok=True, status="not_modified", http_status=304,
                                          etag=state.etag if state else None,
                                          last_modified=state.last_modified if state else None, at=now))
            await after_poll(rt, feed, state, ok=True, failures=0, status=rep.status)
            return rep
        parsed = parse_feed(res.content, res.final_url, max_entries=rt.settings.poll.max_entries_per_feed,
                            default_tz=feed_zone(feed))
    except FetchError as e:
        return await _feed_failed(rt, feed, rep, e, state, now)
    rep.entries = len(parsed.entries)
    await _ingest_entries(rt, feed, parsed.entries, rep)
    rep.status = "ok"
    note = "; ".join(parsed.notes) or None
    await rt.record_poll(FeedPoll(feed.name, ok=True, status="ok", http_status=res.status, error=note,
                                  etag=res.etag, last_modified=res.last_modified, at=now))
    await after_poll(rt, feed, state, ok=True, failures=0, status=rep.status)
    return rep


async def _feed_failed(rt: Runtime, feed: FeedSettings, rep: FeedReport, e: FetchError,
                       state: FeedState | None, now: datetime) -> FeedReport:
    rep.status = "failed"
    rep.failure = e.failure
    rep.error = f"{e.failure}: {e}"
    failures_before = state.consecutive_failures if state else 0
    delay = backoff_delay(rt.settings, failures_before + 1, e.retry_after,
                          challenge=isinstance(e, BotChallengeError))
    status = "blocked" if isinstance(e, BlockedError) else "error"
    failures = await rt.record_poll(FeedPoll(feed.name, ok=False, status=status, http_status=e.status,
                                             error=rep.error, next_poll_at=now + timedelta(seconds=delay), at=now))
    await after_poll(rt, feed, state, ok=False, failures=failures, status=rep.status)
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
    if todo:
        # Articles to extract: the extraction processes start now, beside the other feeds'
        # parsing and these pages' fetching, rather than when the first page is ready.
        rt.start_workers()
    # A few workers pull the entries one by one, rather than one task per entry: a task per
    # entry of a long feed (hundreds) costs its frame and a semaphore waiter each, all held
    # until the cycle's page slots let them run, and memory would grow with the articles.
    pending = iter(todo)

    async def worker() -> None:
        for e in pending:
            await ingest_url(rt, feed, e.link, rep, entry=e)

    await asyncio.gather(*(worker() for _ in range(min(len(todo), rt.settings.poll.articles_in_flight))))


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
            # The worker extracts, matches and compresses the page: only the blob comes back.
            ex, match, blob, fp = await loop.run_in_executor(rt.executor, ingest_page, job)  # type: ignore[arg-type]
        except Exception as e:  # noqa: BLE001 - a hostile page must not stop the cycle
            err = PermanentFetchError(f"extraction failed: {type(e).__name__}: {e}", url=link)
            await _article_failed(rt, feed, link, err, rep, entry, raw=res.content, final_url=res.final_url)
            return
        final_url, status, charset = res.final_url, res.status, res.charset
        del job, res  # the page itself is no longer needed while the record waits to be saved
        rec = build_record(rt, feed, link, final_url, blob, status, ex, entry, charset=charset)
        mentions = mention_records(match)
        article_id, created = await rt.save(rec, mentions)
    if not created:
        rep.duplicate += 1
        return
    rt.fingerprints[article_id] = fp  # taken by the next clustering pass
    rt.stored += 1
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
                 ex: Extracted, entry: FeedEntry | None, *, charset: str | None = None) -> ArticleRecord:
    """The article row. ``charset`` (from HTTP) and the watchlist digest are kept so that a
    stored backfill re-extracts the raw page exactly and re-matches only when needed."""
    url = canonical_url(final_url, ex.canonical_url)
    aliases = sorted({clean_url(link), clean_url(final_url)} - {url})
    return ArticleRecord(
        url=url, feed=feed.name, title=ex.title or (entry.title if entry else None), text=ex.text,
        status=ex.status, reason=ex.reason, original_url=link, final_url=final_url,
        published=ex.published.value, published_raw=ex.published.raw, published_source=ex.published.source,
        modified=ex.modified.value, authors=list(ex.authors), language=ex.language, raw_html=raw,
        http_status=status, notes=list(ex.notes), meta={"method": ex.method},
        fetched_at=rt.now(), flow_run_id=rt.flow_run_id, extractor_version=EXTRACTOR_VERSION,
        encoding=charset, watchlist_digest=rt.watchlist_digest, aliases=aliases)


def mention_records(match: MatchResult | None) -> list[MentionRecord]:
    if not match:
        return []
    return [MentionRecord(entity_id=f.entity_id, count=f.count, in_title=f.in_title, snippet=f.snippet,
                          reason=f.reason, details=f.details(), prominence=f.prominence,
                          prominence_parts=f.prominence_parts or {})
            for f in match.flags]


async def _article_failed(rt: Runtime, feed: FeedSettings, link: str, e: FetchError, rep: FeedReport,
                          entry: FeedEntry | None, *, raw: bytes | None = None,
                          final_url: str | None = None) -> None:
    """Temporary failures are retried next cycle and blocked ones re-checked (outcome only);
    permanent ones are stored as a failed article so they are not fetched again every cycle."""
    msg = f"{link}: {e.failure}: {e}"
    rep.article_errors.append(msg)
    await _db(rt.store.record_fetch_outcome, url=link, feed=feed.name, kind="page", outcome=e.kind,
              error=str(e), http_status=e.status, flow_run_id=rt.flow_run_id)
    if isinstance(e, TemporaryFetchError):
        rep.failed += 1
        rt.in_flight.discard(link)
        return
    if isinstance(e, BotChallengeError):
        # The wall page is no article: outcome only, and the link is tried again next cycle.
        rep.challenged += 1
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
    await rt.save(rec, [])


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
        "feeds_challenged": sum(1 for r in reports if r.failure == BotChallengeError.failure),
        "articles_challenged": sum(r.challenged for r in reports),
        "flagged": sum(len(r.flagged) for r in reports),
        "failures": [{"feed": r.feed, "error": r.error, "kind": r.failure}
                     for r in reports if r.status == "failed"],
        "flagged_stories": [
            {"url": s.url, "title": s.title, "feed": s.feed, "entities": s.entities, "snippet": s.snippet,
             "reasons": s.reasons, "published": s.published.isoformat() if s.published else None}
            for r in reports for s in r.flagged],
        "article_errors": [msg for r in reports for msg in r.article_errors][:200],
    }
