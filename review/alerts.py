"""``[[alerts]]``: POST newly flagged stories to a webhook, once per story cluster and rule.

Rule (``newsmon.settings.AlertRule``): an article matches when one of the rule's
``entities`` (any flagged entity if the list is empty) is mentioned at least
``min_mentions`` times (counted per entity), in the headline when ``title_only``, with a
prominence score (``watch.prominence``, stored with the flag) of at least ``min_prominence``
when the rule sets one, and it came from one of ``feeds`` (any if empty). Articles marked ``irrelevant`` never alert.

Exactly once, across runs and workers: before the POST the sender *claims* the pair
(rule, cluster) in the ``alert_sent`` table with ``INSERT ... ON CONFLICT DO NOTHING``;
only the worker whose insert landed sends. Success marks the row ``sent`` (never sent
again, whatever joins the cluster later); a failure marks it ``failed`` with the error,
and the next run claims it again and retries. A claim left ``pending`` by a sender that
died mid-POST is taken over after ``[review] alert_claim_timeout_s``. Within one run the
Fetcher retries temporary failures (5xx, 429, timeouts) ``[fetch] retries`` times.

Only articles fetched *and* published (undated: fetched) within ``[review]
alert_lookback_hours`` are considered: a new rule does not replay the archive, a backfill
of old stories raises no alerts, and a webhook that stays down is retried for a day.

Payload: Slack-compatible ``{"text": <fallback line>, "blocks": [...]}`` (a section in
mrkdwn and a context line); works with Slack incoming webhooks and with Mattermost,
Rocket.Chat and Discord's ``/slack`` endpoints. Untrusted text (headlines, snippets,
feed names) is escaped for mrkdwn (``&``, ``<``, ``>``), so a headline cannot inject a
link or a mention; only http(s) article URLs are linked.
"""
from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from urllib.parse import urlsplit

from models.records import MentionRecord
from models.store import InboxArticle, StoredArticle, Store, iso_utc
from newsmon.errors import ConfigError, FetchError
from newsmon.settings import AlertRule, Settings
from scrapers.fetch import Fetcher

log = logging.getLogger("newsmon.review.alerts")

SECTION_MAX = 2900  # Slack rejects section text over 3000 characters
SNIPPET_MAX = 400


@dataclass
class AlertReport:
    sent: int = 0
    failed: int = 0
    already: int = 0  # matching stories whose alert was sent (or is being sent) before
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"alerts_sent": self.sent, "alerts_failed": self.failed, "alerts_already_sent": self.already,
                "alert_errors": self.errors[:50]}


def check_rules(rules: tuple[AlertRule, ...] | list[AlertRule], entity_ids: set[str]) -> None:
    """ConfigError (one line) when a rule names an entity the watchlist does not have (a typo
    would otherwise silently never alert)."""
    for r in rules:
        unknown = sorted(set(r.entities) - entity_ids)
        if unknown:
            raise ConfigError(f"[[alerts]] {r.name!r}: unknown entity id(s) {', '.join(unknown)}; "
                              f"use the ids of the watchlist's [[entities]]")


def matching_mentions(rule: AlertRule, article: StoredArticle) -> list[MentionRecord]:
    """The article's mentions that satisfy the rule (empty: the rule does not match)."""
    if rule.feeds and article.feed not in rule.feeds:
        return []
    out = []
    for m in article.mentions:
        if rule.entities and m.entity_id not in rule.entities:
            continue
        if m.count < rule.min_mentions:
            continue
        if rule.title_only and not m.in_title:
            continue
        if rule.min_prominence is not None and (m.prominence is None or m.prominence < rule.min_prominence):
            continue
        out.append(m)
    return out


def mrkdwn(text: str | None, limit: int = 300) -> str:
    """Untrusted text for Slack mrkdwn: one line, cut, and &<> escaped (Slack's rule)."""
    s = " ".join((text or "").split())
    if len(s) > limit:
        s = s[: limit - 1] + "…"
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def mrkdwn_link(url: str, label: str | None) -> str:
    if urlsplit(url).scheme not in ("http", "https"):
        return mrkdwn(label or url)
    safe = url.replace("|", "%7C").replace(">", "%3E").replace("<", "%3C").replace(" ", "%20")
    return f"<{safe}|{mrkdwn(label or url, 200).replace('|', '¦')}>"


def alert_payload(rule: AlertRule, article: StoredArticle, matched: list[MentionRecord],
                  outlets: list[InboxArticle], entity_names: dict[str, str] | None = None) -> dict:
    """The Slack-compatible message for one story."""
    names = entity_names or {}
    ents = ", ".join(names.get(m.entity_id, m.entity_id) for m in matched)
    title = article.title or article.url
    lines = [f"*{mrkdwn_link(article.url, title)}*",
             f"*Flagged:* {mrkdwn(ents)}"]
    for m in matched:
        lines.append(f"• {mrkdwn(names.get(m.entity_id, m.entity_id), 80)}: {mrkdwn(m.reason, 200)}")
    snippet = next((m.snippet for m in matched if m.snippet), "")
    if snippet:
        lines.append(f"> {mrkdwn(snippet, SNIPPET_MAX)}")
    others = [o for o in outlets if o.id != article.id]
    if others:
        feeds = sorted({o.feed or "?" for o in others})
        lines.append(f"Also run by {len(others)} other outlet(s): {mrkdwn(', '.join(feeds), 300)}")
    section = "\n".join(lines)
    if len(section) > SECTION_MAX:
        section = section[: SECTION_MAX - 1] + "…"
    context = " · ".join(x for x in (
        f"rule {mrkdwn(rule.name, 80)}", mrkdwn(article.feed or "", 80),
        iso_utc(article.published) or "", f"article #{article.id}") if x)
    return {
        "text": f"newsmon [{mrkdwn(rule.name, 80)}] {mrkdwn(ents, 200)}: {mrkdwn(title, 200)}",
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": section}},
            {"type": "context", "elements": [{"type": "mrkdwn", "text": context}]},
        ],
    }


async def send_alerts(store: Store, settings: Settings, fetcher: Fetcher, *,
                      entity_names: dict[str, str] | None = None,
                      now: datetime | None = None) -> AlertReport:
    """Send the alerts due now (see module docstring). Never raises for webhook failures:
    they are recorded on the claim and counted in the report."""
    rep = AlertReport()
    if not settings.alerts:
        return rep
    now = now or datetime.now(timezone.utc)
    rs = settings.review
    since = now - timedelta(hours=rs.alert_lookback_hours)
    candidates = await asyncio.to_thread(store.alert_candidates, since, since)
    stale_before = now - timedelta(seconds=rs.alert_claim_timeout_s)
    for rule in settings.alerts:
        seen: set[int] = set()  # clusters handled for this rule in this run
        for art in candidates:
            matched = matching_mentions(rule, art)
            key = art.cluster_id if art.cluster_id is not None else art.id
            if not matched or key in seen:
                continue
            seen.add(key)
            claimed = await asyncio.to_thread(store.claim_alert, rule.name, key, art.id,
                                              stale_before=stale_before)
            if not claimed:
                rep.already += 1
                continue
            outlets = await asyncio.to_thread(store.cluster_members, key)
            payload = alert_payload(rule, art, matched, outlets, entity_names)
            try:
                await fetcher.fetch(rule.webhook, kind="webhook", method="POST", json=payload)
            except FetchError as e:
                msg = f"alert {rule.name!r} for story #{key}: {e}"
                await asyncio.to_thread(store.finish_alert, rule.name, key, ok=False, error=str(e))
                rep.failed += 1
                rep.errors.append(msg)
                log.warning("%s (will retry next run)", msg)
                continue
            await asyncio.to_thread(store.finish_alert, rule.name, key, ok=True)
            rep.sent += 1
            log.info("alert %r sent for story #%d (%s)", rule.name, key, art.url)
    return rep
