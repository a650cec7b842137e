"""The ``backfill`` Prefect flow: a thin wrapper around ``flows.backfill_core``.

* ``source="sitemap"``: one task per feed sitemap (``sitemap [<feed>]``), at most
  ``[backfill] feeds_in_parallel`` at a time; per-article work is asyncio inside the task
  and extraction runs in the flow run's process pool, exactly as in ``poll-feeds``.
* ``source="stored"``: one task (``re-process stored articles``) streaming the stale
  articles of the window through the process pool in batches.

The run keeps a progress artifact (``backfill-progress``) up to date, logs per-feed counts
as it goes and ends with a markdown summary (``backfill-summary``) and, for sitemaps, a
table of newly flagged stories (``backfill-flagged``). Everything it finishes is stored
as it goes, so re-running the same backfill after a crash only does what is left.

Trigger it from the UI (deployment ``backfill/<name>`` > Run > Custom run), with
``prefect deployment run 'backfill/newsmon' --param since=2026-11-01 --param source=stored``,
or with ``newsmon backfill --since 2026-11-01``.
"""
from __future__ import annotations

import asyncio
import time
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal

from prefect import flow, get_run_logger, task
from prefect.artifacts import (
    acreate_markdown_artifact,
    acreate_progress_artifact,
    acreate_table_artifact,
    aupdate_progress_artifact,
)
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run

from flows.backfill_core import (
    SitemapReport,
    StoredReport,
    backfill_feed_sitemap,
    check_source,
    reprocess_stored,
    sitemap_summary,
    sitemap_units,
    stored_summary,
    window,
)
from flows.cycle import Runtime
from flows.report import flagged_rows, md_link, md_text
from flows.runtime import open_runtime, select_feeds
from newsmon.events import cycle_event, run_sink
from newsmon.settings import Settings, load_settings

PROGRESS_KEY = "backfill-progress"
SUMMARY_KEY = "backfill-summary"
FLAGGED_KEY = "backfill-flagged"


class ProgressBar:
    """The run's progress artifact: mean completion of its units, sent at most every 2 s."""

    def __init__(self, units: list[str], description: str, min_interval_s: float = 2.0) -> None:
        self.fractions = {u: 0.0 for u in units}
        self.description = description
        self.min_interval_s = min_interval_s
        self.artifact_id: uuid.UUID | None = None
        self._sent = -1.0
        self._at = 0.0

    @property
    def percent(self) -> float:
        if not self.fractions:
            return 100.0
        return round(100.0 * sum(self.fractions.values()) / len(self.fractions), 1)

    async def start(self) -> None:
        self.artifact_id = await acreate_progress_artifact(0.0, key=PROGRESS_KEY, description=self.description)

    async def update(self, unit: str, fraction: float) -> None:
        self.fractions[unit] = max(self.fractions.get(unit, 0.0), min(1.0, fraction))
        pct = self.percent
        if pct > self._sent and (pct >= 100.0 or time.monotonic() - self._at >= self.min_interval_s):
            await self._send(pct)

    async def finish(self) -> None:
        for u in self.fractions:
            self.fractions[u] = 1.0
        if self._sent < 100.0:
            await self._send(100.0)

    async def _send(self, pct: float) -> None:
        if self.artifact_id is None:
            return
        self._sent, self._at = pct, time.monotonic()
        try:
            await aupdate_progress_artifact(self.artifact_id, pct)
        except Exception as e:  # noqa: BLE001 - a UI hiccup must not stop the backfill
            get_run_logger().warning("could not update the progress artifact: %s", e)


@dataclass
class _Run:
    rt: Runtime
    bar: ProgressBar


# Runs of this process by key, so tasks get the shared client/pool without (unserialisable)
# task parameters (as in flows.poll).
_RUNS: dict[str, _Run] = {}


@task(name="backfill-sitemap", task_run_name="sitemap [{feed_name}]", cache_policy=NO_CACHE, retries=0)
async def sitemap_task(run_key: str, feed_name: str, start: datetime, end: datetime) -> SitemapReport:
    run = _RUNS[run_key]
    return await backfill_feed_sitemap(run.rt, run.rt.feed(feed_name), start, end,
                                       logger=get_run_logger(), progress=run.bar.update)


@task(name="backfill-stored", task_run_name="re-process stored articles", cache_policy=NO_CACHE, retries=0)
async def stored_task(run_key: str, feed_names: list[str] | None, start: datetime, end: datetime) -> StoredReport:
    run = _RUNS[run_key]
    return await reprocess_stored(run.rt, start, end, feed_names, logger=get_run_logger(), progress=run.bar.update)


async def run_backfill(settings: Settings, *, since: date, until: date | None = None,
                       feeds: list[str] | None = None, source: str = "sitemap") -> dict:
    """Body of the flow, callable with an already loaded Settings object."""
    logger = get_run_logger()
    check_source(source)
    start, end = window(since, until)
    selected = select_feeds(settings, feeds)
    run_id = str(flow_run.id) if flow_run.id else None
    key = run_id or uuid.uuid4().hex
    label = f"{start.date().isoformat()} to {(end - timedelta(days=1)).date().isoformat()}"
    logger.info("backfill from %s, %s, %d feed(s)", source, label, len(selected))
    events = run_sink(settings)
    async with open_runtime(settings, flow_run_id=run_id, events=events) as rt:
        cycle_id = await asyncio.to_thread(rt.store.start_cycle, f"backfill-{source}", run_id)
        try:
            if source == "sitemap":
                units, others = sitemap_units(selected)
                for o in others:
                    logger.info("%s: %s", o.feed, o.error)
                bar = ProgressBar([f.name for f in units], f"Sitemap backfill {label}: feeds done")
                _RUNS[key] = _Run(rt, bar)
                await bar.start()
                gate = asyncio.Semaphore(max(1, settings.backfill.feeds_in_parallel))

                async def one(feed_name: str) -> SitemapReport:
                    async with gate:
                        return await sitemap_task(key, feed_name, start, end)

                reports = list(await asyncio.gather(*(one(f.name) for f in units))) + others
                summary = sitemap_summary(reports, start, end)
                markdown = sitemap_markdown(summary, reports, label)
            else:
                bar = ProgressBar(["stored"], f"Stored backfill {label}: articles re-processed")
                _RUNS[key] = _Run(rt, bar)
                await bar.start()
                names = [f.name for f in selected] if feeds else None
                rep = await stored_task(key, names, start, end)
                reports = []
                summary = stored_summary(rep, start, end)
                markdown = stored_markdown(summary, label)
            await bar.finish()
        finally:
            _RUNS.pop(key, None)
        await asyncio.to_thread(rt.store.finish_cycle, cycle_id, summary)
    if events.enabled:  # one event for the run: its old stories are not announced one by one
        events.emit(cycle_event(f"backfill-{source}", cycle_id, summary))
    await acreate_markdown_artifact(markdown, key=SUMMARY_KEY, description=f"Backfill ({source}) {label}")
    if source == "sitemap":
        rows = flagged_rows(reports)
        await acreate_table_artifact(rows or [{"title": "(no new flagged stories)", "url": "", "entities": "",
                                               "snippet": "", "feed": "", "published": ""}],
                                     key=FLAGGED_KEY, description="Stories newly flagged by this backfill")
    logger.info("backfill done: %s", {k: v for k, v in summary.items() if not isinstance(v, (list, dict))})
    return summary


@flow(name="backfill", log_prints=True)
async def backfill(config_path: str, since: date, until: date | None = None, feeds: list[str] | None = None,
                   source: Literal["sitemap", "stored"] = "sitemap") -> dict:
    """Backfill the days ``since``..``until`` (default today, both included, UTC).

    ``source="sitemap"`` discovers article URLs in each feed's sitemap and ingests the ones
    not stored yet; ``"stored"`` re-extracts and re-matches stored articles from their kept
    pages after an extractor or watchlist change. ``feeds``: feed names (default all).
    """
    settings = load_settings(config_path)
    return await run_backfill(settings, since=since, until=until, feeds=feeds, source=source)


# --------------------------------------------------------------------------- markdown

def sitemap_markdown(summary: dict, reports: list[SitemapReport], label: str) -> str:
    lines = [f"# newsmon backfill from sitemaps, {md_text(label)}", "",
             "| feeds read | failed | without sitemap | sitemap files | URLs listed | in window | "
             "already stored | new | failed articles | no body | skipped | flagged |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|",
             f"| {summary['feeds_ok']} | {summary['feeds_failed']} | {summary['feeds_without_sitemap']} | "
             f"{summary['sitemap_files']} | {summary['urls_listed']} | {summary['urls_in_window']} | "
             f"{summary['articles_duplicate']} | {summary['articles_new']} | {summary['articles_failed']} | "
             f"{summary['articles_no_body']} | {summary['articles_skipped']} | {summary['flagged']} |", "",
             "## Per feed", "",
             "| feed | status | sitemap files | listed | in window | already stored | new | failed | flagged | note |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for r in reports:
        lines.append(f"| {md_text(r.feed)} | {r.status} | {r.sitemap_files} | {r.listed} | {r.entries} | "
                     f"{r.duplicate} | {r.new} | {r.failed} | {len(r.flagged)} | {md_text(r.error, 200)} |")
    lines.append("")
    flagged = [s for r in reports for s in r.flagged]
    if flagged:
        lines += ["## Newly flagged stories", "", "| story | entities | snippet | feed | published |",
                  "|---|---|---|---|---|"]
        for s in flagged[:200]:
            lines.append(f"| {md_link(s.title, s.url)} | {md_text(', '.join(s.entities))} | "
                         f"{md_text(s.snippet, 200)} | {md_text(s.feed)} | "
                         f"{s.published.isoformat() if s.published else ''} |")
        lines.append("")
    problems = [(r.feed, n) for r in reports for n in r.notes] + \
               [(r.feed, e) for r in reports for e in r.article_errors]
    if problems:
        lines += [f"## Notes and failures ({len(problems)})", ""]
        lines += [f"- **{md_text(f)}**: {md_text(n)}" for f, n in problems[:100]]
        if len(problems) > 100:
            lines.append(f"- … and {len(problems) - 100} more")
    return "\n".join(lines)


def stored_markdown(summary: dict, label: str) -> str:
    lines = [f"# newsmon backfill of stored articles, {md_text(label)}", "",
             "| to do | re-extracted | re-matched | flags changed | no kept page | failed |",
             "|---|---|---|---|---|---|",
             f"| {summary['candidates']} | {summary['reextracted']} | {summary['rematched']} | "
             f"{summary['entities_changed']} | {summary['no_raw']} | {summary['failed']} |", ""]
    if summary["by_feed"]:
        lines += ["## Per feed", "", "| feed | re-extracted | re-matched | flags changed | no kept page | failed |",
                  "|---|---|---|---|---|---|"]
        for name, c in summary["by_feed"].items():
            lines.append(f"| {md_text(name)} | {c['reextracted']} | {c['rematched']} | {c['changed']} | "
                         f"{c['no_raw']} | {c['failed']} |")
        lines.append("")
    if summary["changes"]:
        lines += ["## Flags changed (review decisions kept)", "", "| story | added | removed | review state |",
                  "|---|---|---|---|"]
        for ch in summary["changes"][:100]:
            lines.append(f"| {md_link(ch['title'], ch['url'])} | {md_text(', '.join(ch['added']))} | "
                         f"{md_text(', '.join(ch['removed']))} | {md_text(ch['review_state'])} |")
        lines.append("")
    if summary["errors"]:
        lines += [f"## Failures ({len(summary['errors'])})", ""]
        lines += [f"- {md_text(e)}" for e in summary["errors"][:50]]
        lines.append("")
    missing = summary.get("not_reextracted") or []
    if missing:
        lines += [f"## Not re-extracted: no kept page ({summary['no_raw']})", ""]
        lines += [f"- {md_link(m['url'], m['url'])}: {md_text(m['reason'])}" for m in missing[:100]]
        if summary["no_raw"] > 100:
            lines.append(f"- … and {summary['no_raw'] - 100} more")
    return "\n".join(lines)
