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
(notifications, events) hooks in there. ``decide`` is its one-article form.
"""
from __future__ import annotations

from dataclasses import dataclass

from models.store import InboxArticle, Store
from models.tables import REVIEW_STATES

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
           reviewer: str | None = None, scope: str = "cluster", note_max_chars: int = 4000) -> Decision:
    """Record a decision on one article's story (or the article alone): ``decide_many``."""
    return decide_many(store, [article_id], state, note=note, reviewer=reviewer, scope=scope,
                       note_max_chars=note_max_chars)


def decide_many(store: Store, article_ids: list[int], state: str, *, note: str | None = None,
                reviewer: str | None = None, scope: str = "cluster", note_max_chars: int = 4000) -> Decision:
    """Record one decision on several articles' stories (or the articles alone) in one
    transaction, one audit event per article changed. Raises DecisionError (bad input) or
    LookupError (an unknown article; then nothing changed)."""
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
    return Decision(ids, state, note, reviewer, scope, changed)


def story_state(members: list[InboxArticle]) -> str:
    """The state shown for a story: its latest decision; ``new`` if nobody decided yet.

    An outlet that joined after the decision stays ``new`` on its own row (and makes the
    story show up under the "new" filter), but the story keeps showing the decision.
    """
    decided = [a for a in members if a.reviewed_at is not None]
    if not decided:
        return "new"
    return max(decided, key=lambda a: (a.reviewed_at, a.id)).review_state
