"""Once-only state of newsmon's Prefect events (``newsmon/events.py``, ``review/announce.py``).

Each event that must be emitted once is *claimed* by a conditional UPDATE before it is
emitted, so two workers (or a rerun after a crash) never emit it twice:

* ``newsmon.story.flagged``: ``article.flagged_event_at`` goes from NULL to now, for the
  articles that the webhook alerts' rules call new (``claim_flagged_events``).
* ``newsmon.feed.failing``: ``feed.failing_event_at`` goes from NULL to now once the
  feed's committed failure count reaches the threshold (``claim_feed_failing``);
  ``newsmon.feed.recovered``: it goes back to NULL on the next success
  (``claim_feed_recovered``).

On PostgreSQL a second worker's UPDATE waits for the first one's row locks and then
re-checks the condition (READ COMMITTED), which no longer holds; SQLite has one writer.
Claiming before emitting makes the events at most once: a process killed between the
claim and the send loses that event (Prefect's events worker only queues it).
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import exists, func, select, update
from sqlalchemy.engine import Connection

from ..tables import Article, Feed, UTCDateTime, as_utc
from .articles import StoredArticle
from .base import A, F, M, StoreBase, _chunks, _now


@dataclass(frozen=True)
class FailingFeed:
    """A feed whose ``newsmon.feed.failing`` was just claimed (values as committed)."""

    name: str
    url: str
    consecutive_failures: int
    last_error: str | None
    last_http_status: int | None
    last_success_at: datetime | None


class EventStore(StoreBase):
    def articles_by_id(self, ids: list[int]) -> Iterator["StoredArticle"]:
        """The articles ``ids`` with their mentions, by id, read in chunks."""
        for chunk in _chunks(sorted(ids)):
            yield from self._articles(ids=chunk, batch=len(chunk))  # type: ignore[attr-defined]

    def claim_flagged_events(self, since: datetime, *, limit: int, at: datetime | None = None) -> list[int]:
        """Claim up to ``limit`` articles due for ``newsmon.story.flagged``, oldest id first;
        returns their ids (each id is returned to one caller, once).

        Due: flagged (has mentions), status ok, not marked irrelevant, clustered already (the
        event carries the story's cluster id), not announced yet, and - the alerts' rule -
        fetched and published (undated: fetched) at or after ``since``: a backfill of old
        stories, or an upgrade, announces nothing.
        """
        now = as_utc(at) if at is not None else _now()
        since = as_utc(since)
        due = (select(A.id)
               .where(A.flagged_event_at.is_(None), A.fetched_at >= since, A.status == "ok",
                      A.review_state != "irrelevant", A.cluster_id.is_not(None),
                      func.coalesce(A.published, A.fetched_at, type_=UTCDateTime()) >= since,
                      exists().where(M.article_id == A.id))
               .order_by(A.id).limit(max(1, limit)))
        claim = (update(Article.__table__)
                 .where(A.id.in_(due.scalar_subquery()), A.flagged_event_at.is_(None))
                 .values(flagged_event_at=now).returning(A.id))

        def txn(conn: Connection) -> list[int]:
            return sorted(int(i) for i in conn.execute(claim).scalars())

        return self._write(txn)

    def claim_feed_failing(self, name: str, *, min_failures: int, at: datetime | None = None) -> FailingFeed | None:
        """Mark feed ``name`` as announced failing if its committed failure count is at least
        ``min_failures`` and it is not marked yet; the feed's values if this call did it."""
        now = as_utc(at) if at is not None else _now()
        stmt = (update(Feed.__table__)
                .where(F.name == name, F.failing_event_at.is_(None), F.consecutive_failures >= min_failures)
                .values(failing_event_at=now)
                .returning(F.name, F.url, F.consecutive_failures, F.last_error, F.last_http_status,
                           F.last_success_at))
        row = self._write(lambda conn: conn.execute(stmt).mappings().first())
        return FailingFeed(**row) if row is not None else None

    def claim_feed_recovered(self, name: str) -> datetime | None:
        """Clear feed ``name``'s failing mark if its last poll succeeded; returns when the
        failing event was emitted, or None if the feed was not marked (or failed again)."""
        def txn(conn: Connection) -> Any:
            q = select(F.failing_event_at).where(F.name == name, F.failing_event_at.is_not(None),
                                                 F.consecutive_failures == 0)
            if self.dialect == "postgresql":
                q = q.with_for_update()
            since = conn.execute(q).scalar_one_or_none()
            if since is None:
                return None
            conn.execute(update(Feed.__table__).where(F.name == name).values(failing_event_at=None))
            return since

        return self._write(txn)
