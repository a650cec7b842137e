"""Review states, decisions on whole stories, the audit trail, and decisions surviving
re-match and re-extraction (SQLite and PostgreSQL)."""
from __future__ import annotations

from datetime import timedelta

import pytest

from models.records import ArticleRecord, MentionRecord
from models.store import Store
from newsmon.settings import ReviewSettings
from review.clusters import cluster_pending
from review.states import DecisionError, decide, parse_state, story_state
from tests.db_fixtures import db_url, store  # noqa: F401
from tests.review_corpus import stories
from tests.review_helpers import BASE_TIME, matcher, save

from flows.cycle import mention_records


def _story(store: Store, key: str = "samsung_hbm", n: int = 3) -> list[int]:
    s = next(x for x in stories() if x.key == key)
    body = "\n\n".join(s.paragraphs)
    texts = [body, body + "\n\n" + s.extra, "\n\n".join(s.paragraphs[:-1])][:n]
    ids = [save(store, url=f"https://o{i}.example/{key}", title=s.title if i % 2 == 0 else s.alt_title,
                text=t, feed=f"Outlet {i}", published=BASE_TIME + timedelta(minutes=i)) for i, t in enumerate(texts)]
    cluster_pending(store, ReviewSettings())
    return ids


def test_states_and_bad_input() -> None:
    assert parse_state(" Relevant ") == "relevant"
    for bad in ("", None, "done", "relevantt"):
        with pytest.raises(DecisionError, match="not one of new, relevant, irrelevant, escalated"):
            parse_state(bad)


def test_decision_on_a_story_reaches_every_outlet_with_its_own_audit_event(store: Store) -> None:
    ids = _story(store)
    assert len({store.get_article(i).cluster_id for i in ids}) == 1
    d = decide(store, ids[1], "relevant", note="Board meeting confirms the order", reviewer="  Kim   Min-ji ")
    assert d.changed == ids and d.reviewer == "Kim Min-ji" and d.scope == "cluster"
    for i in ids:
        a = store.get_article(i)
        assert (a.review_state, a.review_note, a.reviewed_by) == ("relevant", "Board meeting confirms the order",
                                                                  "Kim Min-ji")
        ev = store.review_events(i)
        assert [(e.from_state, e.to_state, e.reviewer) for e in ev] == [("new", "relevant", "Kim Min-ji")]
    # A second decision on one article only; the first stays in the history.
    decide(store, ids[2], "escalated", note="legal should see this", reviewer="Park", scope="article")
    trail = store.review_events(ids[2])
    assert [(e.from_state, e.to_state, e.note) for e in trail] == [
        ("new", "relevant", "Board meeting confirms the order"), ("relevant", "escalated", "legal should see this")]
    assert trail[0].at <= trail[1].at
    assert store.get_article(ids[0]).review_state == "relevant"
    members = store.cluster_members(store.get_article(ids[0]).cluster_id)
    assert story_state(members) == "escalated"  # the latest decision


def test_bad_decisions_change_nothing(store: Store) -> None:
    ids = _story(store, n=1)
    with pytest.raises(DecisionError, match="at most 10 are allowed"):
        decide(store, ids[0], "relevant", note="x" * 11, note_max_chars=10)
    with pytest.raises(DecisionError):
        decide(store, ids[0], "archived")
    with pytest.raises(LookupError):
        decide(store, 999_999, "relevant")
    assert store.get_article(ids[0]).review_state == "new" and store.review_events(ids[0]) == []


def test_new_outlet_after_the_decision_waits_for_review(store: Store) -> None:
    ids = _story(store, n=2)
    decide(store, ids[0], "irrelevant", reviewer="Kim")
    s = next(x for x in stories() if x.key == "samsung_hbm")
    late = save(store, url="https://late.example/x", title=s.alt_title, text="\n\n".join(s.paragraphs),
                feed="Late", published=BASE_TIME + timedelta(hours=3))
    cluster_pending(store, ReviewSettings())
    key = store.get_article(ids[0]).cluster_id
    assert store.get_article(late).cluster_id == key and store.get_article(late).review_state == "new"
    assert story_state(store.cluster_members(key)) == "irrelevant"
    new_stories, _ = store.review_inbox(state="new")
    assert [c.cluster_id for c in new_stories] == [key] and new_stories[0].matching == [late]


def test_rematch_and_reextract_keep_the_decision(store: Store) -> None:
    ids = _story(store, n=1)
    aid = ids[0]
    decide(store, aid, "escalated", note="check with legal", reviewer="Kim")
    a = store.get_article(aid)
    cluster = a.cluster_id
    # Re-match with a watchlist that no longer knows SK hynix: a mention goes, the decision stays.
    kept = [m for m in mention_records(matcher().match(a.title, a.text)) if m.entity_id != "sk_hynix"]
    added, removed = store.replace_mentions(aid, kept, watchlist_digest="w2")
    assert removed == ["sk_hynix"] and added == []
    a = store.get_article(aid)
    assert (a.review_state, a.review_note, a.reviewed_by, a.cluster_id) == ("escalated", "check with legal", "Kim",
                                                                            cluster)
    trail = store.review_events(aid)
    assert trail[-1].reviewer == "newsmon" and trail[-1].note == "re-match: -sk_hynix"
    assert (trail[-1].from_state, trail[-1].to_state) == ("escalated", "escalated")
    # Re-extraction replaces the text and title, never the decision or the cluster.
    store.replace_extraction(aid, ArticleRecord(url=a.url, feed=a.feed, title=a.title + " (update)",
                                                text=a.text + "\n\nUpdated with a comment.", language="en"))
    a = store.get_article(aid)
    assert a.title.endswith("(update)")
    assert (a.review_state, a.review_note, a.cluster_id) == ("escalated", "check with legal", cluster)
    row = next(r for r in store.export_rows() if r["id"] == aid)
    assert (row["review_state"], row["cluster_id"]) == ("escalated", cluster)


def test_notes_and_names_are_stored_as_typed(store: Store) -> None:
    """Notes and reviewer names are stored as typed (NUL dropped), escaped only on display."""
    ids = _story(store, n=1)
    decide(store, ids[0], "relevant", note="<script>alert(1)</script>\r\nline two\x00", reviewer="O'Brien & 김")
    e = store.review_events(ids[0])[-1]
    assert e.note == "<script>alert(1)</script>\nline two" and e.reviewer == "O'Brien & 김"


def test_mention_records_helper_is_real(store: Store) -> None:
    # Guard: the seeding helper stores the real matcher's offsets (used by the highlighting tests).
    ids = _story(store, n=1)
    a = store.get_article(ids[0])
    sam = next(m for m in a.mentions if m.entity_id == "samsung")
    assert isinstance(sam, MentionRecord)
    for d in sam.details:
        src = a.title if d["field"] == "title" else a.text
        assert src[d["start"]:d["end"]] == d["text"]
