"""Set-up and tear-down of what one cycle shares: store, HTTP client, extraction pool.

``preflight(settings)`` (``flows/preflight.py``) checks everything a run needs before
any work starts, so a bad database URL or an unreadable watchlist ends the command with
one clear line and nothing half-written.
"""
from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable
from typing import Any, TypeVar

from models.store import Store
from newsmon.events import EventSink, NullSink
from newsmon.settings import FeedSettings, Settings
from scrapers.fetch import Fetcher
from watch import Watchlist

from flows.cycle import FeedReport, Runtime, poll_batch
from flows.fleet import host_gate_for
from flows.preflight import preflight
from flows.worker import make_executor
from review.pipeline import after_cycle

T = TypeVar("T")
# How often the review step (story clusters, alerts) looks for newly stored articles while
# the cycle's batches run; each pass handles everything stored since the last one.
REVIEW_EVERY_S = 2.0


@contextlib.asynccontextmanager
async def open_runtime(settings: Settings, *, flow_run_id: str | None = None,
                       store: Store | None = None, watchlist: Watchlist | None = None,
                       workers: int | None | str = "settings",
                       events: EventSink | None = None) -> AsyncIterator[Runtime]:
    if store is None or watchlist is None:
        store, watchlist = preflight(settings)
    n = settings.poll.extract_workers if workers == "settings" else workers
    executor = make_executor(watchlist, n)  # type: ignore[arg-type]
    # [fetch] fleet_politeness: per-host slots held through Prefect as well (flows/fleet.py).
    gate = host_gate_for(settings.fetch)
    try:
        async with Fetcher(settings.fetch, host_gate=gate, robots_memory=store) as fetcher:
            yield Runtime(settings=settings, store=store, fetcher=fetcher, executor=executor,
                          watchlist=watchlist, flow_run_id=flow_run_id, events=events or NullSink())
    finally:
        executor.shutdown(wait=True, cancel_futures=True)  # type: ignore[attr-defined]
        if gate is not None:
            await gate.aclose()


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
        wanted = set(names)
        feeds = [f for f in feeds if f.name in wanted]
    if shards > 1:
        feeds = [f for f in feeds if zlib.crc32(f.name.encode()) % shards == shard]
    return feeds


def batches(feeds: list[FeedSettings], size: int) -> list[list[FeedSettings]]:
    return [feeds[i:i + size] for i in range(0, len(feeds), max(1, size))]


async def run_cycle_plain(settings: Settings, feeds: list[FeedSettings] | None = None, *,
                          force: bool = False, workers: int | None | str = "settings",
                          store: Store | None = None, watchlist: Watchlist | None = None,
                          events: EventSink | None = None) -> list[FeedReport]:
    """One poll cycle without Prefect (tests, benchmarks, debugging).

    ``store``/``watchlist`` from an earlier ``preflight`` are reused instead of opened again;
    ``events``: where its events go (default: nowhere, there is no flow run to relate them to).
    """
    feeds = select_feeds(settings) if feeds is None else feeds
    async with open_runtime(settings, workers=workers, store=store, watchlist=watchlist, events=events) as rt:
        # Story clusters + alerts (review/pipeline.py), beside the batches and once at the end.
        groups, _ = await with_review(rt, asyncio.gather(*(
            poll_batch(rt, b, force=force) for b in batches(feeds, settings.poll.feeds_per_task))))
        return [r for g in groups for r in g]


async def with_review(rt: Runtime, work: Awaitable[T], *, every_s: float = REVIEW_EVERY_S) -> tuple[T, dict]:
    """Run the cycle's ``work`` with the review step (``after_cycle``: story clusters,
    alerts) running beside it, then once more when the work is done.

    The review step reads what is stored already, so it need not wait for the whole cycle:
    every ``every_s`` seconds, if articles were stored since its last pass, it runs
    another pass. Its CPU then overlaps the extraction instead of adding to the cycle's
    wall time, and alerts go out while the cycle still runs. Returns the work's result
    and the passes' figures added up (``merge_review``).
    """
    task = asyncio.ensure_future(work)
    passes: list[dict] = []
    seen = rt.stored
    try:
        while not task.done():
            await asyncio.wait({task}, timeout=every_s)
            if not task.done() and rt.stored > seen:
                seen = rt.stored
                passes.append(await after_cycle(rt))
    except BaseException:
        task.cancel()
        raise
    result = task.result()
    passes.append(await after_cycle(rt))
    return result, merge_review(passes)


def merge_review(passes: list[dict]) -> dict:
    """Figures of several ``after_cycle`` passes as one: counts added, lists joined, and
    the last error message of each kind kept."""
    out: dict[str, Any] = {}
    for d in passes:
        for k, v in d.items():
            if isinstance(v, bool) or not isinstance(v, int | float | list):
                out[k] = v
            elif isinstance(v, list):
                out[k] = [*out.get(k, []), *v]
            else:
                out[k] = out.get(k, 0) + v
    return out
