"""The store's batch paths used by the poll cycle (SQLite and PostgreSQL via ``db_url``):
``record_feed_polls``, ``save_articles``, ``feed_states(names)``, pre-compressed pages."""
from __future__ import annotations

import pickle
from dataclasses import asdict
from datetime import datetime, timedelta, timezone

import pytest

from models.compress import Compressed
from models.store import FeedPoll, Store
from newsmon.settings import FeedSettings
from tests.db_fixtures import db_url, store  # noqa: F401  (fixtures)
from tests.test_store import counts, ments, rec

KST = timezone(timedelta(hours=9))
T0 = datetime(2024, 5, 1, 12, 0, tzinfo=KST)


def feeds(store: Store, *names: str) -> None:
    store.sync_feeds([FeedSettings(name=n, url=f"https://{n.lower()}.example/rss") for n in names])


def state(store: Store, name: str) -> dict:
    return asdict(store.feed_states()[name])


def test_record_feed_polls_matches_one_by_one(store: Store) -> None:
    """Each kind of poll leaves the same state as ``record_feed_poll`` would."""
    feeds(store, "A", "B", "C", "D", "A1", "B1", "C1", "D1")
    for n in ("B", "C", "B1", "C1"):  # validators and one failure on record before
        store.record_feed_poll(n, ok=True, status="ok", http_status=200, etag='"v0"',
                               last_modified="Tue, 30 Apr 2024 00:00:00 GMT", at=T0 - timedelta(hours=1))
    store.record_feed_poll("D", ok=False, status="error", error="HTTP 503", at=T0 - timedelta(hours=1))
    store.record_feed_poll("D1", ok=False, status="error", error="HTTP 503", at=T0 - timedelta(hours=1))
    polls = [
        dict(ok=True, status="ok", http_status=200, etag='"v1"', last_modified=None, at=T0, entries=3),
        dict(ok=True, status="not_modified", http_status=304, at=T0),               # keeps validators
        dict(ok=True, status="not_modified", http_status=304, etag='"v2"', at=T0),  # replaces the ETag
        dict(ok=False, status="error", http_status=None, error="timed out",
             next_poll_at=T0 + timedelta(minutes=5), at=T0),
    ]
    batch = store.record_feed_polls([FeedPoll(n, **kw) for n, kw in zip("ABCD", polls)])
    one = {n: store.record_feed_poll(n, **kw) for n, kw in zip(("A1", "B1", "C1", "D1"), polls)}
    assert batch == {"A": 0, "B": 0, "C": 0, "D": 2} and list(one.values()) == [0, 0, 0, 2]
    for n in "ABCD":
        got, want = state(store, n), state(store, n + "1")
        got.pop("name"), want.pop("name"), got.pop("url"), want.pop("url")
        assert got == want, n
    b, c = store.feed_states()["B"], store.feed_states()["C"]
    assert (b.etag, b.last_modified, b.last_status) == ('"v0"', "Tue, 30 Apr 2024 00:00:00 GMT", "not_modified")
    assert c.etag == '"v2"' and b.last_polled_at == T0 and b.last_polled_at.utcoffset() == timedelta(0)


def test_record_feed_polls_many_and_unknown(store: Store) -> None:
    names = [f"feed-{i:04d}" for i in range(1200)]  # more than one statement chunk
    feeds(store, *names)
    out = store.record_feed_polls([FeedPoll(n, ok=True, status="not_modified", http_status=304, at=T0)
                                   for n in names])
    assert len(out) == 1200 and set(out.values()) == {0}
    assert {s.last_status for s in store.feed_states(names).values()} == {"not_modified"}
    with pytest.raises(LookupError, match="'nope'"):
        store.record_feed_polls([FeedPoll("feed-0001", ok=True, status="ok", at=T0 + timedelta(hours=1)),
                                 FeedPoll("nope", ok=True, status="ok", at=T0)])
    assert store.feed_states(["feed-0001"])["feed-0001"].last_status == "not_modified"  # rolled back
    with pytest.raises(ValueError, match="status"):
        store.record_feed_polls([FeedPoll("feed-0001", ok=True, status="fine")])
    assert store.record_feed_polls([]) == {}


def test_feed_states_by_name(store: Store) -> None:
    feeds(store, "A", "B", "C")
    assert set(store.feed_states(["C", "A", "missing"])) == {"A", "C"}
    assert store.feed_states([]) == {} and set(store.feed_states()) == {"A", "B", "C"}


def test_save_articles_one_transaction(store: Store) -> None:
    first = store.save_article(rec(1), ments("meta"))
    out = store.save_articles([(rec(2), ments("samsung-electronics", "lee-jae-yong")), (rec(1), []),
                               (rec(3), [])])
    assert out[1] == (first[0], False) and out[0][1] and out[2][1]
    assert counts(store) == (3, 3, 9)  # articles, mentions, URL forms (3 per article)
    a = store.get_article(out[0][0])
    assert [m.entity_id for m in a.mentions] == ["lee-jae-yong", "samsung-electronics"]
    assert store.save_articles([]) == []


def test_save_articles_all_or_nothing(store: Store) -> None:
    with pytest.raises(ValueError, match="status"):
        store.save_articles([(rec(1), []), (rec(2, status="weird"), [])])
    assert counts(store) == (0, 0, 0)


def test_precompressed_page_kept_as_is(store: Store) -> None:
    page = "<html><p>기사 본문</p></html>".encode() * 300
    blob = pickle.loads(pickle.dumps(Compressed.of(page)))  # as it comes back from a worker
    assert isinstance(blob, Compressed) and blob.raw_size == len(page) and len(blob) < len(page)
    aid, _ = store.save_article(rec(1, raw_html=blob), [])
    assert store.raw_html(aid) == page
    fig = store.bytes_per_article()
    assert fig["raw_bytes"] == len(page) and fig["stored_bytes"] == len(blob)
