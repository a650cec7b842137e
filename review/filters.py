"""The inbox filters shared by the web inbox and ``newsmon review list``.

Dates: ``YYYY-MM-DD`` is a calendar day in ``[schedule] timezone``, and ``--until`` a
day includes that day (``--since 2026-11-27 --until 2026-11-27`` is one day); a full ISO
8601 time (``2026-11-27T09:00:00+09:00``) is taken as is, a naive one in the same zone.
The filtered date is the article's publication time, or its fetch time when the outlet
gave none.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from models.store.review import SORTS
from models.store.search import SearchQuery, SearchQueryError
from models.tables import REVIEW_STATES
from newsmon.settings import SearchSettings


class FilterError(ValueError):
    """A filter value that cannot be used; ``str()`` is one line naming it."""


@dataclass(frozen=True)
class InboxFilter:
    entity: str | None = None
    feed: str | None = None
    since: datetime | None = None  # aware
    until: datetime | None = None  # aware, exclusive
    state: str | None = None
    min_prominence: int | None = None  # 0-100: an entity flag at least this prominent
    q: SearchQuery | None = None  # full-text search over title and body (models.store.search)

    def query(self) -> dict:
        """Keyword arguments for ``Store.review_inbox``."""
        return {"entity": self.entity, "feed": self.feed, "since": self.since, "until": self.until,
                "state": self.state, "min_prominence": self.min_prominence, "q": self.q}


def parse_when(value: str, tz: str, *, end: bool, name: str) -> datetime:
    v = value.strip()
    z = ZoneInfo(tz)
    try:
        if len(v) == 10:
            d = date.fromisoformat(v)
            dt = datetime.combine(d + timedelta(days=1) if end else d, time(0), tzinfo=z)
        else:
            dt = datetime.fromisoformat(v.replace("Z", "+00:00"))
            dt = dt if dt.tzinfo is not None else dt.replace(tzinfo=z)
    except ValueError:
        raise FilterError(f"{name} {value!r} is not a date (YYYY-MM-DD) or an ISO 8601 time") from None
    except OverflowError:  # (the day after 9999-12-31)
        raise FilterError(f"{name} {value!r} is out of range") from None
    return utc_safe(dt, name, value)


def utc_safe(dt: datetime, name: str, value: object) -> datetime:
    """``dt`` if it can be stored (turned into UTC: the store does), else FilterError."""
    try:
        dt.astimezone(timezone.utc)
    except (OverflowError, ValueError):
        raise FilterError(f"{name} {value!r} is out of range") from None
    return dt


def parse_prominence(value: str | None) -> int | None:
    v = (value or "").strip()
    if not v:
        return None
    if not v.isdigit() or int(v) > 100:
        raise FilterError(f"min_prominence {value!r} is not a whole number from 0 to 100")
    return int(v)


def parse_filter(*, entity: str | None = None, feed: str | None = None, since: str | None = None,
                 until: str | None = None, state: str | None = None, tz: str = "UTC",
                 min_prominence: str | None = None, q: str | None = None,
                 search: SearchSettings | None = None) -> InboxFilter:
    """Validate raw filter values (web query string or CLI options); FilterError if unusable.
    ``q`` is a search (``models.store.search``), limited by ``search`` (``[search]``)."""
    def blank(v: str | None) -> str | None:
        v = (v or "").strip()
        return v or None

    entity, feed, since, until, state = map(blank, (entity, feed, since, until, state))
    if state is not None:
        state = state.lower()
        if state not in REVIEW_STATES:
            raise FilterError(f"state {state!r} is not one of {', '.join(REVIEW_STATES)}")
    s = parse_when(since, tz, end=False, name="since") if since else None
    u = parse_when(until, tz, end=True, name="until") if until else None
    if s is not None and u is not None and u <= s:
        raise FilterError(f"until ({until}) is not after since ({since})")
    try:
        query = (search or SearchSettings()).parse(q)
    except SearchQueryError as e:
        raise FilterError(str(e)) from None
    return InboxFilter(entity=entity, feed=feed, since=s, until=u, state=state,
                       min_prominence=parse_prominence(min_prominence), q=query)




def parse_sort(value: str | None) -> str:
    """The inbox order: ``time`` (newest first, the default) or ``prominence``."""
    v = (value or "").strip().lower() or "time"
    if v not in SORTS:
        raise FilterError(f"sort {value!r} is not one of {', '.join(SORTS)}")
    return v
