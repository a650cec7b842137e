"""``newsmon.story.flagged``: tell Prefect about newly flagged stories, once per article.

Called by the review step of a cycle (``review.pipeline.after_cycle``), after clustering
(the event carries the story's cluster id) and beside the webhook alerts, with the same
rules for what is *new*: an article counts when it was fetched and published (undated:
fetched) within ``[review] alert_lookback_hours``, is ``ok``, flagged and not marked
``irrelevant``. So a backfill of old stories announces nothing (its run ends with one
``newsmon.backfill.completed`` event with its counts instead), and a recent story that
a backfill stored is announced by the next cycle, like its alert.

Once only, across passes, runs and workers: articles are claimed in the database
(``Store.claim_flagged_events``) before their events are handed to the sink. At most
``[events] max_flagged_per_pass`` per pass; the rest are announced by the next pass.
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from models.store import Store
from newsmon.events import EventSink, flagged_event
from newsmon.settings import Settings

log = logging.getLogger("newsmon.review.announce")


@dataclass
class AnnounceReport:
    claimed: int = 0
    emitted: int = 0
    not_sent: int = 0
    seconds: float = 0.0  # wall time of the pass: claim, read, build and queue the events
    ids: list[int] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"events_flagged": self.emitted, "events_not_sent": self.not_sent,
                "events_s": round(self.seconds, 3)}


def announce_flagged(store: Store, settings: Settings, sink: EventSink, *,
                     entity_names: dict[str, str] | None = None, now: datetime | None = None) -> AnnounceReport:
    """Claim the articles due and emit one ``newsmon.story.flagged`` each (sync: run it in a
    thread; ``emit`` only queues the event). Nothing is claimed when the sink is off."""
    rep = AnnounceReport()
    if not sink.enabled:
        return rep
    t0 = time.perf_counter()
    now = now or datetime.now(timezone.utc)
    since = now - timedelta(hours=settings.review.alert_lookback_hours)
    ev = settings.events
    ids = store.claim_flagged_events(since, limit=ev.max_flagged_per_pass, at=now)
    rep.claimed, rep.ids = len(ids), ids
    for art in store.articles_by_id(ids):
        event = flagged_event(art, entity_names, snippet_max=ev.snippet_max_chars,
                              max_entities=ev.max_related_entities)
        if sink.emit(event):
            rep.emitted += 1
        else:
            rep.not_sent += 1
    rep.seconds = time.perf_counter() - t0
    if rep.claimed:
        log.info("announced %d newly flagged stories to Prefect (%d not sent)", rep.emitted, rep.not_sent)
    return rep
