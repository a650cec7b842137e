"""What a poll cycle does after its articles are saved: cluster them, announce the newly
flagged ones to Prefect (``review.announce``), then send alerts.

``after_cycle(rt)`` is the one call the cycle makes (``flows.poll.run_poll`` and
``flows.runtime.run_cycle_plain``). It works from the database, not from the cycle's
reports: it clusters every article still without a cluster (oldest first, so a crashed
run's articles are picked up by the next one) and sends the alerts due. It never raises:
the cycle's articles are stored already, and whatever fails here is logged, returned in
the summary and retried next cycle.
"""
from __future__ import annotations

import asyncio
import logging
from typing import Any

from newsmon.errors import NewsmonError
from review.alerts import check_rules, send_alerts
from review.announce import announce_flagged
from review.clusters import cluster_pending

log = logging.getLogger("newsmon.review")


async def after_cycle(rt: Any) -> dict:
    """Cluster new articles, emit their ``newsmon.story.flagged`` events and send due alerts;
    ``rt`` is a ``flows.cycle.Runtime``.

    Returns ``{"clustered", "joined_stories", "events_flagged", "events_not_sent",
    "alerts_sent", "alerts_failed", "alerts_already_sent", "alert_errors"}`` plus
    ``"review_error"`` if a step failed.
    """
    out: dict[str, Any] = {}
    settings = rt.settings
    try:
        rep = await asyncio.to_thread(cluster_pending, rt.store, settings.review,
                                      fingerprints=rt.fingerprints)
        out.update(clustered=rep.articles, joined_stories=rep.joined)
    except NewsmonError as e:  # StorageError: the next cycle clusters what is left
        log.warning("clustering failed: %s", e)
        out["review_error"] = f"clustering: {e}"
        return out
    entities = {e.id: e.name for e in rt.watchlist.entities}
    if rt.events.enabled:
        try:
            erep = await asyncio.to_thread(announce_flagged, rt.store, settings, rt.events, entity_names=entities)
            out.update(erep.as_dict())
        except NewsmonError as e:  # StorageError: nothing was claimed, the next pass retries
            log.warning("story events failed: %s", e)
            out["review_error"] = f"events: {e}"
    if not settings.alerts:
        return out
    try:
        check_rules(settings.alerts, set(entities))
        arep = await send_alerts(rt.store, settings, rt.fetcher, entity_names=entities)
        out.update(arep.as_dict())
    except NewsmonError as e:
        log.warning("alerts failed: %s", e)
        out["review_error"] = f"alerts: {e}"
    return out
