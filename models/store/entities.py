"""Entity pages: flagged articles per entity and calendar day, entities flagged together.

Days are calendar days in a time zone (the desk's ``[schedule] timezone``), and the date
of an article is the inbox's: publication time, else fetch time. The counting is one
``GROUP BY entity, day`` in SQL on both backends, never a loop over the mentions:

* PostgreSQL converts with ``timezone(zone, ts)`` (the server's time zone database).
* SQLite stores naive UTC text and knows no zones, so the range is cut into the spans
  during which the zone's UTC offset is constant (Python's ``zoneinfo`` finds them: one
  span for most zones, one per daylight-saving switch otherwise) and the day is
  ``date(ts, '+<offset> seconds')`` under a ``CASE`` over those spans.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Date, and_, case, cast, distinct, func, literal, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import aliased

from ..tables import Article, Mention, UTCDateTime, as_utc
from .base import A, M, StoreBase, dated_between


def offset_spans(tz: str, since: datetime, until: datetime) -> list[tuple[datetime, int]]:
    """``[(start, utc_offset_seconds), ...]`` covering ``[since, until)``: each span runs to
    the next one's start. Transitions are found day by day, then to the second by bisection."""
    z = ZoneInfo(tz)

    def off(t: datetime) -> int:
        return int(t.astimezone(z).utcoffset().total_seconds())  # type: ignore[union-attr]

    start, end = as_utc(since), as_utc(until)
    spans = [(start, off(start))]
    t = start
    while t < end:
        nxt = min(t + timedelta(days=1), end)
        if off(nxt) != spans[-1][1]:
            lo, hi = 0, int((nxt - t).total_seconds())  # seconds after t: old offset at lo, new at hi
            while hi - lo > 1:
                mid = (lo + hi) // 2
                if off(t + timedelta(seconds=mid)) == spans[-1][1]:
                    lo = mid
                else:
                    hi = mid
            at = t + timedelta(seconds=hi)
            spans.append((at, off(at)))
        t = nxt
    return spans


def local_day(when: Any, tz: str, since: datetime, until: datetime, dialect: str) -> Any:
    """SQL expression: the calendar day in ``tz`` of the UTC timestamp ``when`` (valid for
    timestamps within ``[since, until)``)."""
    if dialect == "postgresql":
        return cast(func.timezone(tz, when), Date)
    spans = offset_spans(tz, since, until)

    def shifted(seconds: int) -> Any:
        return func.date(when, f"{seconds:+d} seconds")

    if len(spans) == 1:
        return shifted(spans[0][1])
    whens = [(when < literal(spans[i + 1][0], UTCDateTime()), shifted(o)) for i, (_, o) in enumerate(spans[:-1])]
    return case(*whens, else_=shifted(spans[-1][1]))


def _as_date(v: Any) -> date:
    return v if isinstance(v, date) else date.fromisoformat(str(v)[:10])


class EntityStore(StoreBase):
    # -- entity pages -----------------------------------------------------------------

    def _flagged_window(self, since: datetime, until: datetime) -> tuple[Any, list[Any]]:
        """The article's date (published, else fetched) and the conditions for flagged
        articles dated in ``[since, until)``."""
        when = func.coalesce(A.published, A.fetched_at, type_=UTCDateTime())
        return when, [A.status != "failed", dated_between(since, until)]

    def mentions_per_day(self, since: datetime, until: datetime, tz: str,
                         entities: list[str] | None = None) -> dict[str, dict[date, int]]:
        """entity id -> {day: flagged articles dated that day} for ``[since, until)``, days in
        ``tz``; only days with at least one (callers fill the zeros). ``entities`` limits the
        entities counted (None: every entity). One query."""
        when, conds = self._flagged_window(since, until)
        if entities is not None:
            if not entities:
                return {}
            conds.append(M.entity_id.in_(sorted(set(entities))))
        day = local_day(when, tz, since, until, self.dialect).label("day")
        q = (select(M.entity_id, day, func.count().label("n")).select_from(Mention.__table__)
             .join(Article.__table__, A.id == M.article_id).where(*conds).group_by(M.entity_id, day))
        out: dict[str, dict[date, int]] = {}

        def read(conn: Connection) -> None:
            for r in conn.execute(q):
                out.setdefault(r.entity_id, {})[_as_date(r.day)] = int(r.n)

        self._read(read)
        return out

    def co_flagged(self, entity: str, since: datetime, until: datetime, limit: int = 10) -> list[tuple[str, int]]:
        """The entities most often flagged in the same articles as ``entity`` within
        ``[since, until)``: (entity id, articles), most first, then by id."""
        other = aliased(Mention.__table__)
        _, conds = self._flagged_window(since, until)
        n = func.count(distinct(other.c.article_id)).label("n")
        q = (select(other.c.entity_id, n).select_from(Mention.__table__)
             .join(Article.__table__, A.id == M.article_id)
             .join(other, and_(other.c.article_id == M.article_id, other.c.entity_id != entity))
             .where(M.entity_id == entity, *conds).group_by(other.c.entity_id)
             .order_by(n.desc(), other.c.entity_id).limit(limit))
        return self._read(lambda conn: [(r.entity_id, int(r.n)) for r in conn.execute(q)])
