"""``newsmon.feed.failing`` and ``newsmon.feed.recovered``, decided after each feed poll.

A feed is *failing* once ``[poll] failing_after`` polls in a row failed: the poll that
brings the count there claims the feed (``Store.claim_feed_failing``: a conditional
UPDATE of ``feed.failing_event_at``) and emits ``failing`` with the last error; later
failures (4, 5, ...) find the feed claimed and emit nothing. The next successful poll
(``ok`` or ``not modified``) clears the claim and emits ``recovered`` once.

The batch's feed states (read when the batch starts) say which feeds are claimed, so a
healthy feed costs no extra query; the conditional UPDATE decides if two workers race.
Nothing happens without an event sink (plain cycles, ``[events] enabled = false``): the
claim means "Prefect was told", so a failure seen without Prefect is announced by the
first failed poll that runs with it.
"""
from __future__ import annotations

import asyncio
import logging
from typing import Any

from newsmon.errors import NewsmonError
from newsmon.events import feed_failing_event, feed_recovered_event
from newsmon.settings import FeedSettings

log = logging.getLogger("newsmon.feed_health")


async def after_poll(rt: Any, feed: FeedSettings, state: Any, *, ok: bool, failures: int, status: str) -> None:
    """Emit the feed's health event if this poll changed it (``rt``: a ``flows.cycle.Runtime``;
    ``state``: the feed's ``FeedState`` from before the poll, or None). Never raises."""
    if not rt.events.enabled:
        return
    store, at = rt.store, rt.now()
    try:
        if ok:
            if state is None or state.failing_event_at is None:
                return
            since = await asyncio.to_thread(store.claim_feed_recovered, feed.name)
            if since is not None:
                rt.events.emit(feed_recovered_event(feed.name, feed.url, failing_since=since, status=status,
                                                    last_success_before=state.last_success_at, at=at))
            return
        threshold = rt.settings.poll.failing_after
        if failures < threshold or (state is not None and state.failing_event_at is not None):
            return
        claimed = await asyncio.to_thread(store.claim_feed_failing, feed.name, min_failures=threshold, at=at)
        if claimed is not None:
            rt.events.emit(feed_failing_event(
                feed.name, claimed.url, failures=claimed.consecutive_failures, error=claimed.last_error,
                http_status=claimed.last_http_status, last_success_at=claimed.last_success_at,
                failing_after=threshold))
    except NewsmonError as e:  # the poll itself is recorded; the next poll decides again
        log.warning("feed %r: health event not decided: %s", feed.name, e)
