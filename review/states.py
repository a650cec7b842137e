"""Review states and decisions.

Every flagged article has a review state (``new`` until someone decides), the latest
note, reviewer and time on the article row for listing, and the full history in
``review_event`` (the audit trail: from-state, to-state, note, reviewer, time). A
decision is normally taken on a whole story: every outlet of the cluster gets the same
state and its own audit event (``scope="cluster"``); ``scope="article"`` decides one
article only. Re-matching keeps the state (``Store.replace_mentions`` adds an audit
event naming the entities that changed) and re-extraction never touches it.

``decide_many`` is the one function every decision goes through (the story page, bulk
decisions in the inbox, ``newsmon review mark``): whatever must happen on each decision
hooks in there. ``decide`` is its one-article form. After the decision is stored, it hands
one ``newsmon.story.reviewed`` per decided story to the caller's event sink
(``newsmon.events.ApiSink``: sent from a thread, so a Prefect that is down or slow never
delays or fails a decision).
"""
from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass

from models.store import InboxArticle, Store
from models.tables import REVIEW_STATES
from newsmon.events import EventSink, reviewed_event

log = logging.getLogger("newsmon.review.states")

__all__ = ["REVIEW_STATES", "STATE_LABELS", "Decision", "DecisionError", "decide", "decide_many", "parse_state",
           "story_state"]

STATE_LABELS = {"new": "New", "relevant": "Relevant", "irrelevant": "Irrelevant", "escalated": "Escalated"}
SCOPES = ("cluster", "article")
MAX_REVIEWER_CHARS = 200  # a name, not a note


class DecisionError(ValueError):
    """A decision that cannot be recorded as given (bad state, note too long, ...): one line."""


def parse_state(value: str | None) -> str:
    v = (value or "").strip().lower()
    if v not in REVIEW_STATES:
        raise DecisionError(f"review state {value!r} is not one of {', '.join(REVIEW_STATES)}")
    return v


MAX_BULK = 1000  # stories in one bulk decision (a full inbox page at most)


@dataclass(frozen=True)
class Decision:
    article_ids: list[int]  # the articles decided on (for a story: any outlet of it)
    state: str
    note: str | None
    reviewer: str | None
    scope: str  # "cluster" | "article"
    changed: list[int]  # ids of the articles that got the state (all outlets of the stories)

    @property
    def article_id(self) -> int:
        return self.article_ids[0]


def _clean_text(value: str | None, limit: int, what: str) -> str | None:
    if value is None:
        return None
    # Normalise line ends; keep the text otherwise as typed (it is escaped on display).
    v = value.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not v:
        return None
    if len(v) > limit:
        raise DecisionError(f"the {what} has {len(v)} characters; at most {limit} are allowed")
    return v


def decide(store: Store, article_id: int, state: str, *, note: str | None = None,
           reviewer: str | None = None, scope: str = "cluster", note_max_chars: int = 4000,
           events: EventSink | None = None, entity_names: Mapping[str, str] | None = None,
           max_entities: int = 50) -> Decision:
    """Record a decision on one article's story (or the article alone): ``decide_many``."""
    return decide_many(store, [article_id], state, note=note, reviewer=reviewer, scope=scope,
                       note_max_chars=note_max_chars, events=events, entity_names=entity_names,
                       max_entities=max_entities)


def decide_many(store: Store, article_ids: list[int], state: str, *, note: str | None = None,
                reviewer: str | None = None, scope: str = "cluster", note_max_chars: int = 4000,
                events: EventSink | None = None, entity_names: Mapping[str, str] | None = None,
                max_entities: int = 50) -> Decision:
    """Record one decision on several articles' stories (or the articles alone) in one
    transaction, one audit event per article changed. Raises DecisionError (bad input) or
    LookupError (an unknown article; then nothing changed).

    With ``events``, then emits ``newsmon.story.reviewed`` per decided story (never raises for it)."""
    state = parse_state(state)
    if scope not in SCOPES:
        raise DecisionError(f"scope {scope!r} is not one of {', '.join(SCOPES)}")
    ids = list(dict.fromkeys(article_ids))
    if not ids:
        raise DecisionError("no story selected")
    if len(ids) > MAX_BULK:
        raise DecisionError(f"{len(ids)} stories selected; at most {MAX_BULK} can be decided at once")
    note = _clean_text(note, note_max_chars, "note")
    reviewer = _clean_text(reviewer, MAX_REVIEWER_CHARS, "reviewer name")
    if reviewer is not None:
        reviewer = " ".join(reviewer.split())
    changed = store.set_review_many(ids, state, note=note, reviewer=reviewer, scope=scope)
    decision = Decision(ids, state, note, reviewer, scope, changed)
    if events is not None and events.enabled:
        for aid in ids:
            _announce(store, decision, aid, events, entity_names, max_entities)
    return decision


def _announce(store: Store, d: Decision, article_id: int, events: EventSink,
              entity_names: Mapping[str, str] | None, max_entities: int) -> None:
    """Hand ``newsmon.story.reviewed`` to the sink; the decision is stored whatever happens here."""
    try:
        trail = store.review_events(article_id)
        from_state = trail[-1].from_state if trail else None
        art = next(iter(store.articles_by_id([article_id])))
        events.emit(reviewed_event(art, state=d.state, reviewer=d.reviewer, note=d.note, scope=d.scope,
                                   changed=d.changed, from_state=from_state, entity_names=entity_names,
                                   max_entities=max_entities))
    except Exception as e:  # noqa: BLE001 - never fail a stored decision for its event
        log.warning("review event for article %d not sent: %s", article_id, " ".join(str(e).split()))


def story_state(members: list[InboxArticle]) -> str:
    """The state shown for a story: its latest decision; ``new`` if nobody decided yet.

    An outlet that joined after the decision stays ``new`` on its own row (and makes the
    story show up under the "new" filter), but the story keeps showing the decision.
    """
    decided = [a for a in members if a.reviewed_at is not None]
    if not decided:
        return "new"
    return max(decided, key=lambda a: (a.reviewed_at, a.id)).review_state
