"""Bulk decisions from the inbox (``POST /review/bulk``, ``review.states.decide_many``) on
SQLite and PostgreSQL: every outlet of every selected story, one audit event per article,
all in one transaction, under the signed-in reviewer's name."""
from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

import models.store.review as review_store
from models.store import Store
from review.states import DecisionError, decide_many
from tests.test_review_web import _seed
from tests.web_helpers import add_users, csrf_of, desk_client, desk_settings


@pytest.fixture
def desk(store: Store, db_url, tmp_path):
    ids = _seed(store)
    settings = desk_settings(db_url, tmp_path, auth="password")
    add_users(store, settings, ana="reviewer", vic="viewer")
    c = desk_client(store, settings)
    assert c.login("ana").status_code == 303
    return store, ids, c


def story(ids: dict[str, int], key: str) -> list[int]:
    return sorted(i for k, i in ids.items() if k.startswith(key + "/"))


def snapshot(store: Store) -> list[tuple]:
    return [(a.id, a.review_state, a.reviewed_by, len(store.review_events(a.id))) for a in store.iter_articles()]


def test_bulk_decision_on_selected_stories(desk) -> None:
    store, ids, c = desk
    inbox = c.get("/?state=new&feed=Daily").text
    assert 'id="bulk-relevant"' in inbox and inbox.count('class="pick"') == 5
    chosen = [ids["lg_hvac/base"], ids["nec_audit_ko/headline"]]  # any outlet stands for its story
    r = c.post("/review/bulk", data={"csrf": csrf_of(inbox), "state": "irrelevant", "note": "not our beat",
                                     "id": [str(i) for i in chosen], "next": "/?state=new&feed=Daily&done=x"},
               follow_redirects=False)
    assert r.status_code == 303
    loc = urlsplit(r.headers["location"])
    assert loc.path == "/" and parse_qs(loc.query) == {"state": ["new"], "feed": ["Daily"], "done": ["irrelevant"],
                                                        "n": ["6"], "s": ["2"]}
    page = c.get(r.headers["location"]).text
    assert 'id="flash" role="status">Marked irrelevant: 2 stories (6 articles).' in page
    changed = story(ids, "lg_hvac") + story(ids, "nec_audit_ko")
    at = set()
    for i in changed:
        a = store.get_article(i)
        events = store.review_events(i)
        assert (a.review_state, a.reviewed_by, a.review_note) == ("irrelevant", "ana", "not our beat")
        assert [(e.from_state, e.to_state, e.reviewer) for e in events] == [("new", "irrelevant", "ana")]
        at.add(events[0].at)
    assert len(at) == 1  # one decision, one moment: one transaction
    others = [i for k, i in ids.items() if i not in changed]
    assert all(store.get_article(i).review_state == "new" and not store.review_events(i) for i in others)


def test_bad_bulk_requests_change_nothing(desk) -> None:
    store, ids, c = desk
    token = csrf_of(c.get("/").text)
    before = snapshot(store)
    good = str(ids["lg_hvac/base"])
    for data, status, msg in [
        ({"state": "relevant", "id": [good, "999999"]}, 404, "no article with id 999999"),
        ({"state": "relevant"}, 400, "no story selected"),
        ({"state": "archived", "id": [good]}, 400, "not one of"),
        ({"state": "relevant", "id": [good, "x"]}, 400, "not a list of article ids"),
        ({"state": "relevant", "id": [good, "99999999999999"]}, 400, "not a list of article ids"),
        ({"state": "relevant", "id": [good], "note": "n" * 4001}, 400, "at most 4000"),
    ]:
        r = c.post("/review/bulk", data={"csrf": token, **data})
        assert r.status_code == status and msg in r.text and "nothing was changed" in r.text, data
    assert snapshot(store) == before
    # An outside "next" cannot send the reviewer elsewhere.
    r = c.post("/review/bulk", data={"csrf": token, "state": "relevant", "id": [good],
                                     "next": "https://evil.example/?x=1"}, follow_redirects=False)
    assert r.headers["location"].startswith("/?done=relevant")


def test_a_failure_halfway_rolls_the_whole_decision_back(desk, monkeypatch) -> None:
    store, ids, _ = desk
    before = snapshot(store)

    def broken_insert(*a, **kw):  # the audit events cannot be written: after the states were updated
        raise RuntimeError("disk full")

    monkeypatch.setattr(review_store, "insert", broken_insert)
    with pytest.raises(RuntimeError):
        decide_many(store, [ids["lg_hvac/base"], ids["samsung_hbm/base"]], "escalated", reviewer="ana")
    assert snapshot(store) == before
    with pytest.raises(DecisionError, match="at most 1000"):
        decide_many(store, list(range(1, 1002)), "relevant")
