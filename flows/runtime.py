"""Set-up and tear-down of what one cycle shares: store, HTTP client, extraction pool.

``preflight(settings)`` (``flows/preflight.py``) checks everything a run needs before
any work starts, so a bad database URL or an unreadable watchlist ends the command with
one clear line and nothing half-written.
"""
from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from models.store import Store
from newsmon.settings import FeedSettings, Settings
from scrapers.fetch import Fetcher
from watch import Watchlist

from flows.cycle import FeedReport, Runtime, poll_batch
from flows.preflight import preflight
from flows.worker import make_executor
from review.pipeline import after_cycle


@contextlib.asynccontextmanager
async def open_runtime(settings: Settings, *, flow_run_id: str | None = None,
                       store: Store | None = None, watchlist: Watchlist | None = None,
                       workers: int | None | str = "settings") -> AsyncIterator[Runtime]:
    if store is None or watchlist is None:
        store, watchlist = preflight(settings)
    n = settings.poll.extract_workers if workers == "settings" else workers
    executor = make_executor(watchlist, n)  # type: ignore[arg-type]
    try:
        async with Fetcher(settings.fetch) as fetcher:
            yield Runtime(settings=settings, store=store, fetcher=fetcher, executor=executor,
                          watchlist=watchlist, flow_run_id=flow_run_id)
    finally:
        executor.shutdown(wait=True, cancel_futures=True)  # type: ignore[attr-defined]


def select_feeds(settings: Settings, names: list[str] | None = None, shard: int = 0,
                 shards: int = 1) -> list[FeedSettings]:
    """The configured feeds, optionally by name, and this worker's shard of them.

    Sharding is by a stable hash of the feed name so every worker of a fleet agrees on
    the split without coordination.
    """
    import zlib

    feeds = [f for f in settings.feeds if f.enabled]
    if names:
        unknown = sorted(set(names) - {f.name for f in settings.feeds})
        if unknown:
            from newsmon.errors import ConfigError
            raise ConfigError(f"unknown feed name(s): {', '.join(unknown)}; see `newsmon feeds`")
        feeds = [f for f in feeds if f.name in set(names)]
    if shards > 1:
        feeds = [f for f in feeds if zlib.crc32(f.name.encode()) % shards == shard]
    return feeds


def batches(feeds: list[FeedSettings], size: int) -> list[list[FeedSettings]]:
    return [feeds[i:i + size] for i in range(0, len(feeds), max(1, size))]


async def run_cycle_plain(settings: Settings, feeds: list[FeedSettings] | None = None, *,
                          force: bool = False, workers: int | None | str = "settings") -> list[FeedReport]:
    """One poll cycle without Prefect (tests, benchmarks, debugging)."""
    feeds = select_feeds(settings) if feeds is None else feeds
    async with open_runtime(settings, workers=workers) as rt:
        import asyncio
        groups = await asyncio.gather(*(poll_batch(rt, b, force=force)
                                        for b in batches(feeds, settings.poll.feeds_per_task)))
        await after_cycle(rt)  # story clusters + alerts (review/pipeline.py)
        return [r for g in groups for r in g]
