"""The daily digest: the day's story clusters per watched entity.

``build_digest`` reads the stories (clusters with a flagged article dated that day in
``[schedule] timezone``; stories marked irrelevant are left out) and groups them under
each entity they were flagged for. ``digest_markdown`` renders it (all web text escaped:
see ``flows.report.md_text``), the ``daily-digest`` Prefect flow stores it as a markdown
artifact and, when ``[review] digest_webhook`` is set, POSTs a Slack-compatible summary
through the Fetcher. Each entity links to its page on the desk (``/entity/<id>``, the 30
days up to the digest's day) at ``[web] public_url``. ``newsmon digest --config PATH [--date YYYY-MM-DD]`` runs the flow.
"""
from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from urllib.parse import quote, urlencode
from zoneinfo import ZoneInfo

from prefect import flow
from prefect.artifacts import acreate_markdown_artifact

from models.store import InboxCluster, Store, iso_utc
from newsmon.settings import Settings, load_settings
from review.alerts import mrkdwn, mrkdwn_link
from review.states import story_state

MAX_BLOCKS = 48  # Slack allows 50 blocks per message
ENTITY_PAGE_DAYS = 30  # the range of the entity pages the digest links to


def entity_href(entity_id: str, **query: Any) -> str:
    """The page of an entity (the id is quoted: ids come from a hand-written watchlist)."""
    q = {k: v for k, v in query.items() if v is not None}
    return f"/entity/{quote(entity_id, safe='')}" + (f"?{urlencode(q)}" if q else "")


@dataclass(frozen=True)
class DigestStory:
    cluster_id: int
    article_id: int  # the lead article
    title: str | None
    url: str
    published: datetime | None
    feeds: list[str]  # every outlet of the story
    state: str


@dataclass
class Digest:
    day: date
    timezone: str
    by_entity: dict[str, list[DigestStory]] = field(default_factory=dict)  # entity id -> stories
    stories: int = 0
    irrelevant: int = 0  # stories left out because a reviewer marked them irrelevant
    desk_url: str | None = None  # [web] public_url: entities link to their desk pages

    def entity_url(self, entity_id: str) -> str | None:
        """The entity's desk page over the ``ENTITY_PAGE_DAYS`` days up to the digest's day."""
        if not self.desk_url:
            return None
        since = self.day - timedelta(days=ENTITY_PAGE_DAYS - 1)
        return self.desk_url + entity_href(entity_id, since=since.isoformat(), until=self.day.isoformat())

    def as_dict(self) -> dict:
        return {"date": self.day.isoformat(), "timezone": self.timezone, "stories": self.stories,
                "left_out_irrelevant": self.irrelevant,
                "entity_pages": {e: self.entity_url(e) for e in self.by_entity} if self.desk_url else {},
                "entities": {e: [{"cluster_id": s.cluster_id, "article_id": s.article_id, "title": s.title,
                                  "url": s.url, "published": iso_utc(s.published), "outlets": s.feeds,
                                  "state": s.state} for s in stories]
                             for e, stories in self.by_entity.items()}}


def day_bounds(day: date, tz: str) -> tuple[datetime, datetime]:
    """[start, end) of a calendar day in a time zone, as aware datetimes."""
    z = ZoneInfo(tz)
    start = datetime.combine(day, time(0), tzinfo=z)
    return start, datetime.combine(day + timedelta(days=1), time(0), tzinfo=z)


def today(tz: str) -> date:
    return datetime.now(ZoneInfo(tz)).date()


def build_digest(store: Store, day: date, tz: str, entity_order: list[str] | None = None,
                 desk_url: str | None = None) -> Digest:
    since, until = day_bounds(day, tz)
    clusters, _ = store.review_inbox(since=since, until=until, limit=None)
    d = Digest(day=day, timezone=tz, desk_url=desk_url.rstrip("/") if desk_url else None)
    groups: dict[str, list[DigestStory]] = {}
    for c in clusters:
        state = story_state(c.members)
        if state == "irrelevant":
            d.irrelevant += 1
            continue
        d.stories += 1
        story = _story(c, state)
        flagged = {e for a in c.members if a.id in set(c.matching) for e in a.entities}
        for e in flagged:
            groups.setdefault(e, []).append(story)
    order = {e: i for i, e in enumerate(entity_order or [])}
    for e in sorted(groups, key=lambda e: (order.get(e, len(order)), e)):
        d.by_entity[e] = groups[e]
    return d


def _story(c: InboxCluster, state: str) -> DigestStory:
    lead = c.lead
    return DigestStory(cluster_id=c.cluster_id, article_id=lead.id, title=lead.title, url=lead.url,
                       published=lead.when, feeds=c.feeds, state=state)


def digest_markdown(d: Digest, entity_names: dict[str, str] | None = None) -> str:
    from flows.report import (  # the one escaping rule for Prefect markdown
        md_link,
        md_text,
    )

    names = entity_names or {}
    lines = [f"# newsmon digest for {d.day.isoformat()} ({md_text(d.timezone)})", "",
             f"{d.stories} stories flagged"
             + (f"; {d.irrelevant} marked irrelevant left out" if d.irrelevant else "") + ".", ""]
    for e, stories in d.by_entity.items():
        url = d.entity_url(e)
        head = md_link(names.get(e, e), url) if url else md_text(names.get(e, e))
        lines += [f"## {head} ({len(stories)})", "",
                  "| story | outlets | state | published |", "|---|---|---|---|"]
        for s in stories:
            lines.append(f"| {md_link(s.title, s.url)} | {md_text(', '.join(s.feeds), 200)} "
                         f"({len(s.feeds)}) | {s.state} | {iso_utc(s.published) or ''} |")
        lines.append("")
    if not d.by_entity:
        lines.append("No flagged stories that day.")
    return "\n".join(lines)


def digest_payload(d: Digest, entity_names: dict[str, str] | None = None) -> dict:
    """Slack-compatible message: a header line and one section per entity (escaped mrkdwn)."""
    names = entity_names or {}
    head = f"newsmon digest for {d.day.isoformat()}: {d.stories} stories"
    blocks: list[dict] = [{"type": "section", "text": {"type": "mrkdwn", "text": f"*{mrkdwn(head)}*"}}]
    for e, stories in d.by_entity.items():
        if len(blocks) >= MAX_BLOCKS:
            blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": "… more in the Prefect artifact"}]})
            break
        url = d.entity_url(e)
        name = mrkdwn_link(url, names.get(e, e)) if url else mrkdwn(names.get(e, e), 80)
        lines = [f"*{name}* ({len(stories)})"]
        for s in stories[:10]:
            lines.append(f"• {mrkdwn_link(s.url, s.title)} ({len(s.feeds)} outlet(s))")
        if len(stories) > 10:
            lines.append(f"… and {len(stories) - 10} more")
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": "\n".join(lines)[:2900]}})
    return {"text": mrkdwn(head), "blocks": blocks}


async def post_digest(settings: Settings, payload: dict) -> None:
    """POST to ``[review] digest_webhook`` through the one fetch chokepoint (raises FetchError)."""
    from scrapers.fetch import Fetcher

    assert settings.review.digest_webhook
    async with Fetcher(settings.fetch) as f:
        await f.fetch(settings.review.digest_webhook, kind="webhook", method="POST", json=payload)


def _entity_names(settings: Settings) -> tuple[dict[str, str], list[str]]:
    from watch import load_watchlist

    wl = load_watchlist(settings.watchlist_path)
    return {e.id: e.name for e in wl.entities}, [e.id for e in wl.entities]


async def run_digest(settings: Settings, day: date | None = None, *, post: bool = True) -> tuple[Digest, str]:
    """Build the digest and POST it if a webhook is configured; returns (digest, markdown)."""
    names, order = _entity_names(settings)
    day = day or today(settings.schedule.timezone)
    store = Store.from_settings(settings)
    try:
        d = await asyncio.to_thread(build_digest, store, day, settings.schedule.timezone, order,
                                    settings.web.base_url())
    finally:
        store.close()
    md = digest_markdown(d, names)
    if post and settings.review.digest_webhook:
        await post_digest(settings, digest_payload(d, names))
    return d, md


@flow(name="daily-digest", log_prints=True)
async def daily_digest(config_path: str, day: str | None = None) -> dict:
    """The day's story clusters per entity as a markdown artifact (and the digest webhook)."""
    settings = load_settings(config_path)
    d, md = await run_digest(settings, date.fromisoformat(day) if day else None)
    await acreate_markdown_artifact(md, key="daily-digest",
                                    description=f"newsmon digest for {d.day.isoformat()}")
    return d.as_dict()
