"""Entity pages: ``GET /entity/{id}``, how coverage of one watched entity moves over time.

* Flagged articles per day over a range as a server-rendered SVG bar chart
  (``review/web/charts.py``) with the same numbers in a table beside it; days without
  mentions are shown as 0. Range: ``days=7|30|90|365`` (ending today), or
  ``since``/``until`` (``YYYY-MM-DD``, both included, at most ``[web] chart_max_days``
  days); days are calendar days in ``[schedule] timezone``, as in the inbox and digest.
* The entities most often flagged in the same articles within the range, linking to
  their pages (``[web] entity_related`` of them).
* Its latest stories in the range (``[web] entity_stories``), with the entity's
  prominence in each.

Any signed-in user may read it (viewers too). The inbox's sparklines (``sparklines``)
come from one query for all entities.
"""
from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from review.digest import day_bounds, entity_href, today
from review.filters import FilterError, utc_safe
from review.states import story_state
from review.web.charts import bar_chart, day_series, sparkline

if TYPE_CHECKING:
    from review.web.context import Desk

RANGES = (7, 30, 90, 365)  # days offered as one-click ranges
DEFAULT_DAYS = 30
MAX_ENTITY_ID = 200  # longer path values are no entity id of any watchlist


@dataclass(frozen=True)
class DayRange:
    first: date
    last: date  # included
    days: int | None  # the preset used, None for since/until

    @property
    def length(self) -> int:
        return (self.last - self.first).days + 1


def parse_range(days: str | None, since: str | None, until: str | None, *, now: date,
                max_days: int) -> DayRange:
    """The chart's days from the query string; FilterError (one line) if unusable."""
    def day(value: str, name: str) -> date:
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            raise FilterError(f"{name} {value!r} is not a date (YYYY-MM-DD)") from None

    since, until = (since or "").strip() or None, (until or "").strip() or None
    if since or until:
        last = day(until, "until") if until else now
        first = day(since, "since") if since else last - timedelta(days=DEFAULT_DAYS - 1)
        if last < first:
            raise FilterError(f"until ({last.isoformat()}) is before since ({first.isoformat()})")
        if (last - first).days + 1 > max_days:
            raise FilterError(f"the range {first.isoformat()} to {last.isoformat()} is longer than "
                              f"{max_days} days ([web] chart_max_days)")
        return DayRange(first, last, None)
    raw = (days or "").strip() or str(DEFAULT_DAYS)
    if not raw.isdigit() or int(raw) not in RANGES:
        raise FilterError(f"days {days!r} is not one of {', '.join(map(str, RANGES))}")
    n = int(raw)
    return DayRange(now - timedelta(days=n - 1), now, n)


def sparklines(desk: Desk, entity_ids: list[str]) -> dict[str, tuple[Markup, int]]:
    """entity id -> (sparkline of its last ``[web] sparkline_days`` days, their total): one
    query for every entity."""
    n = desk.settings.web.sparkline_days
    last = today(desk.tz)
    first = last - timedelta(days=n - 1)
    since, _ = day_bounds(first, desk.tz)
    _, until = day_bounds(last, desk.tz)
    counts = desk.store.mentions_per_day(since, until, desk.tz)  # every entity: no long IN list
    out = {}
    for e in entity_ids:
        values = [v for _, v in day_series(counts.get(e, {}), first, last)]
        name = desk.names.get(e, e)
        out[e] = (sparkline(values, label=f"{name}, flagged articles per day, last {n} days"), sum(values))
    return out


def register(app: FastAPI, desk: Desk) -> None:
    st, names, web = desk.store, desk.names, desk.settings.web

    @app.get("/entity/{entity_id}", response_class=HTMLResponse)
    async def entity_page(request: Request, entity_id: str) -> HTMLResponse:
        q = request.query_params
        try:
            rng = parse_range(q.get("days"), q.get("since"), q.get("until"), now=today(desk.tz),
                              max_days=web.chart_max_days)
        except FilterError as e:
            return desk.error(request, 400, str(e))
        known = entity_id in names or (
            len(entity_id) <= MAX_ENTITY_ID and entity_id in await asyncio.to_thread(st.flagged_entity_ids))
        if not known:
            return desk.error(request, 404, f"no entity {entity_id!r} in the watchlist or the stored flags")
        try:
            since = utc_safe(day_bounds(rng.first, desk.tz)[0], "since", rng.first.isoformat())
            until = utc_safe(day_bounds(rng.last, desk.tz)[1], "until", rng.last.isoformat())
        except OverflowError:  # (the day after 9999-12-31)
            return desk.error(request, 400, f"until {rng.last.isoformat()!r} is out of range")
        except FilterError as e:
            return desk.error(request, 400, str(e))

        def load() -> tuple[Any, Any, Any]:
            counts = st.mentions_per_day(since, until, desk.tz, [entity_id]).get(entity_id, {})
            related = st.co_flagged(entity_id, since, until, limit=web.entity_related)
            clusters, total = st.review_inbox(entity=entity_id, since=since, until=until,
                                              limit=web.entity_stories)
            return counts, related, (clusters, total)

        counts, related, (clusters, total) = await asyncio.to_thread(load)
        series = day_series(counts, rng.first, rng.last)
        name = names.get(entity_id, entity_id)
        chart = bar_chart(series, label=f"{name}: flagged articles per day", unit="articles")
        stories = [{"c": c, "lead": c.lead, "state": story_state(c.members), "score": c.scores.get(entity_id)}
                   for c in clusters]
        keep = {"since": rng.first.isoformat(), "until": rng.last.isoformat()} if rng.days is None \
            else {"days": rng.days}
        return desk.page(request, "entity.html", title=f"{name} · newsmon", entity_id=entity_id, entity_name=name,
                         rng=rng, ranges=RANGES, chart=chart, series=series, total=sum(counts.values()),
                         related=related, stories=stories, stories_total=total, entity_href=entity_href,
                         keep=keep, tz=desk.tz,
                         inbox_href="/?" + urlencode({"entity": entity_id, "since": rng.first.isoformat(),
                                                      "until": rng.last.isoformat()}))
