"""The ``poll-feeds`` Prefect flow: a thin wrapper around ``flows.cycle``.

One Prefect task per batch of feeds (the server spends ~45 ms CPU per task run, so a
task per article would cost more than the work); per-article work is asyncio inside
the task and CPU-bound extraction runs in a process pool shared by the flow run.
The run ends with a markdown summary and a table artifact of newly flagged stories.

Events (``newsmon/events.py``): the run emits ``newsmon.story.flagged`` for newly flagged
stories (in the review step, ``review/announce.py``), ``newsmon.feed.failing`` /
``recovered`` when a feed's health changes (``flows/feed_health.py``) and, at its end,
``newsmon.cycle.completed`` with the summary's counts; all related to this flow run.
"""
from __future__ import annotations

import asyncio
import uuid

from prefect import flow, get_run_logger, task
from prefect.artifacts import acreate_markdown_artifact, acreate_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run

from newsmon.events import cycle_event, run_sink
from newsmon.settings import Settings, load_settings
from flows.cycle import FeedReport, Runtime, poll_batch, summarize
from flows.report import flagged_rows, summary_markdown
from flows.runtime import batches, open_runtime, select_feeds, with_review

# Runtimes of the flow runs in this process, so tasks get the shared client/pool by key
# instead of as (unserialisable) task parameters.
_RUNTIMES: dict[str, Runtime] = {}


def _batch_name(parameters: dict) -> str:
    names = parameters["feed_names"]
    label = ", ".join(names[:3]) + (f" +{len(names) - 3}" if len(names) > 3 else "")
    return f"poll [{label}]"


@task(name="poll-batch", task_run_name=_batch_name, cache_policy=NO_CACHE, retries=0)
async def poll_batch_task(runtime_key: str, feed_names: list[str], force: bool = False) -> list[FeedReport]:
    rt = _RUNTIMES[runtime_key]
    logger = get_run_logger()
    feeds = [rt.feed(n) for n in feed_names]
    reports = await poll_batch(rt, feeds, force=force)
    # One line per feed with news or trouble; the quiet ones in one line (each log line is
    # an API write, and most feeds of a large cycle answer "not modified").
    quiet = [r.feed for r in reports if r.status == "not_modified"]
    for r in reports:
        if r.status == "not_modified":
            continue
        line = (f"{r.feed}: {r.status} entries={r.entries} new={r.new} dup={r.duplicate} "
                f"failed={r.failed} flagged={len(r.flagged)}")
        (logger.warning if r.status == "failed" else logger.info)(line + (f" error={r.error}" if r.error else ""))
    if quiet:
        more = f" +{len(quiet) - 5}" if len(quiet) > 5 else ""
        logger.info(f"{len(quiet)} feeds not modified: {', '.join(quiet[:5])}{more}")
    return reports


async def run_poll(settings: Settings, *, feeds: list[str] | None = None, shard: int = 0, shards: int = 1,
                   force: bool = False) -> tuple[dict, list[FeedReport]]:
    """Body of the flow, callable with an already loaded Settings object."""
    logger = get_run_logger()
    selected = select_feeds(settings, feeds, shard, shards)
    run_id = str(flow_run.id) if flow_run.id else None
    key = run_id or uuid.uuid4().hex
    events = run_sink(settings)
    async with open_runtime(settings, flow_run_id=run_id, events=events) as rt:
        cycle_id = rt.store.start_cycle("poll", run_id)
        _RUNTIMES[key] = rt
        try:
            # Story clusters + alerts (review/pipeline.py) run beside the batches on what is
            # stored already, and once more at the end.
            groups, review = await with_review(rt, asyncio.gather(*(
                poll_batch_task(key, [f.name for f in b], force)
                for b in batches(selected, settings.poll.feeds_per_task))))
        finally:
            _RUNTIMES.pop(key, None)
    reports = [r for g in groups for r in g]
    summary = summarize(reports)
    summary["review"] = review
    rt.store.finish_cycle(cycle_id, summary)
    if events.enabled:
        events.emit(cycle_event("poll", cycle_id, summary))
    await acreate_markdown_artifact(summary_markdown("newsmon poll cycle", summary, reports),
                                    key="poll-summary", description="Feeds and articles of this poll cycle")
    rows = flagged_rows(reports)
    await acreate_table_artifact(rows or [{"title": "(no new flagged stories)", "url": "", "entities": "",
                                           "snippet": "", "feed": "", "published": ""}],
                                 key="flagged-stories", description="Stories newly flagged in this run")
    logger.info("cycle done: %s", {k: v for k, v in summary.items() if not isinstance(v, list)})
    return summary, reports


@flow(name="poll-feeds", log_prints=True)
async def poll_feeds(config_path: str, feeds: list[str] | None = None, shard: int = 0, shards: int = 1,
                     force: bool = False) -> dict:
    """Poll the configured feeds once (optionally a named subset, or shard ``shard`` of ``shards``)."""
    settings = load_settings(config_path)
    summary, _ = await run_poll(settings, feeds=feeds, shard=shard, shards=shards, force=force)
    return summary
