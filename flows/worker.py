"""CPU-bound per-page work (decode + extract + match), run in worker processes.

Extraction costs tens of milliseconds of pure Python/lxml per page; on the event loop
it would stall every fetch. The cycle sends raw page bytes to a process pool and gets
back plain dataclasses. Each worker builds its Matcher once (pool initializer), so the
watchlist automaton is not pickled per page. ``ingest_page`` (the poll cycle's job) also
compresses the page for storage there: the worker holds the bytes already, compression
then runs on both cores, and only the ~5x smaller blob travels back to the event loop.
"""
from __future__ import annotations

import contextlib
import os
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass
from datetime import datetime
import multiprocessing

from models.compress import Compressed
from review.minhash import Fingerprint, fingerprint
from scrapers.extract import Extracted, extract
from watch import Matcher, MatchResult, Watchlist

_matcher: Matcher | None = None


def _init(watchlist: Watchlist) -> None:
    global _matcher
    _matcher = Matcher(watchlist)
    # One small page through the whole job: the extraction's lazily imported libraries and
    # per-process set-up are loaded now, while the cycle still polls feeds (see
    # ``Pool.start_workers``), not when the first article waits for them.
    with contextlib.suppress(Exception):  # a warm-up, never a reason for a worker to fail
        ingest_page(_WARM_JOB)


def _ready() -> None:
    """The job ``Pool.start_workers`` submits: nothing, once the worker is initialised."""


@dataclass
class PageJob:
    raw: bytes
    url: str
    charset: str | None
    feed_published: datetime | None
    default_tz: str | None


def process_page(job: PageJob, matcher: Matcher | None = None) -> tuple[Extracted, MatchResult | None]:
    """Extract one page and match the watchlist on its title + body (not on sidebars)."""
    ex = extract(job.raw, job.url, charset=job.charset, feed_published=job.feed_published,
                 default_tz=job.default_tz)
    m = matcher or _matcher
    if m is None:
        raise RuntimeError("process_page called without a matcher (pool initializer not run)")
    result = m.match(ex.title, ex.text) if ex.status == "ok" else None
    return ex, result


def ingest_page(job: PageJob, matcher: Matcher | None = None
                ) -> tuple[Extracted, MatchResult | None, Compressed, Fingerprint | None]:
    """``process_page`` plus the page compressed for the store (``models.compress``) and
    the body's fingerprint for the story clusters (``review.clusters``): CPU work done
    here, in parallel, rather than in the cycle's one main process."""
    ex, result = process_page(job, matcher)
    fp = fingerprint(ex.text) if ex.status == "ok" else None
    return ex, result, Compressed.of(job.raw), fp


# Long enough to be kept as a body, so matching and the fingerprint run too.
_WARM_JOB = PageJob(
    raw=(b"<html><head><title>Warm-up</title></head><body><article><h1>Warm-up article</h1>"
         + b"<p>The warm-up article has a few plain sentences, so that the extraction keeps a body "
           b"of text: the city council met on Monday, heard the budget report and voted on the plan "
           b"for the new library, which opens next spring after two years of work.</p>" * 3
         + b"</article></body></html>"),
    url="http://warm-up.invalid/a", charset="utf-8", feed_published=None, default_tz=None)


class Pool(ProcessPoolExecutor):
    """The extraction process pool; ``start_workers`` starts its processes ahead of need.

    A process pool starts a worker (a new interpreter: imports, the Matcher, the warm-up
    page of ``_init``; ~0.4 s) only when a job finds none idle, so the cycle's first
    articles waited for it. The cycle calls ``start_workers`` as soon as a feed lists an
    article it has not stored (an idle cycle starts no process), and the workers get
    ready while the other feeds are parsed and the first pages fetched."""

    def __init__(self, workers: int, **kwargs: object) -> None:
        super().__init__(max_workers=workers, **kwargs)  # type: ignore[arg-type]
        self.workers = workers
        self._started = False

    def start_workers(self) -> None:
        if self._started:
            return
        self._started = True
        for _ in range(self.workers):  # each job that finds no idle worker starts one
            self.submit(_ready)


class InlineExecutor(Executor):
    """Runs jobs in the calling thread: for tests, debugging and extract_workers=0."""

    def __init__(self, watchlist: Watchlist) -> None:
        self.matcher = Matcher(watchlist)

    def start_workers(self) -> None:
        """Nothing to start."""

    def submit(self, fn, *args, **kwargs):  # type: ignore[override]
        from concurrent.futures import Future
        fut: Future = Future()
        try:
            if fn is process_page or fn is ingest_page:
                kwargs.setdefault("matcher", self.matcher)
            fut.set_result(fn(*args, **kwargs))
        except BaseException as e:  # noqa: BLE001 - delivered through the future
            fut.set_exception(e)
        return fut


def make_executor(watchlist: Watchlist, workers: int | None) -> Executor:
    """A process pool with one worker per core (``workers=None``), or inline (``0``)."""
    if workers == 0:
        return InlineExecutor(watchlist)
    n = workers or os.cpu_count() or 1
    # "spawn" keeps workers free of the parent's threads and event loop (Prefect runs several).
    ctx = multiprocessing.get_context("spawn")
    return Pool(n, mp_context=ctx, initializer=_init, initargs=(watchlist,))
