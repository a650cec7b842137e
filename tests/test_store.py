"""Store behaviour on SQLite and PostgreSQL (each test runs on both via ``db_url``)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from models.records import ArticleRecord, MentionRecord
from models.store import Store
from models.tables import Article, ArticleUrl, Cycle, Mention
from newsmon.settings import FeedSettings
from tests.db_fixtures import db_url, store  # noqa: F401  (fixtures)

UTC = timezone.utc
KST = timezone(timedelta(hours=9))


def rec(n: int, **kw) -> ArticleRecord:
    base = dict(
        url=f"https://news.example/article/{n}",
        original_url=f"https://news.example/article/{n}?utm_source=rss",
        final_url=f"https://www.news.example/article/{n}",
        feed="Herald", title=f"Story {n}", text=f"Body of story {n}. Samsung Electronics said.",
        published=datetime(2024, 5, n % 28 + 1, 3, 4, 5, tzinfo=UTC),
        published_raw="2024-05-01T12:04:05+09:00", published_source="json-ld",
        authors=["Kim Min-ji"], language="en", raw_html=f"<html><p>story {n}</p></html>".encode() * 50,
        encoding="utf-8", http_status=200, notes=["charset from header"], meta={"title": "og"},
        extractor_version="x1", watchlist_digest="w1",
    )
    base.update(kw)
    return ArticleRecord(**base)


def ments(*ids: str) -> list[MentionRecord]:
    return [MentionRecord(entity_id=e, count=i + 1, in_title=i == 0, snippet=f"...{e}...",
                          reason=f'alias "{e}" x{i + 1}',
                          details=[{"alias": e, "field": "text", "start": 3, "end": 9, "kind": "alias"}])
            for i, e in enumerate(ids)]


def counts(s: Store) -> tuple[int, int, int]:
    with s.session() as ses:
        return tuple(ses.execute(select(func.count()).select_from(t)).scalar_one()
                     for t in (Article, Mention, ArticleUrl))


def test_save_is_idempotent(store: Store) -> None:
    first = store.save_article(rec(1), ments("samsung-electronics", "lee-jae-yong"))
    before = (counts(store), list(store.export_rows()))
    again = store.save_article(rec(1), ments("samsung-electronics", "lee-jae-yong"))
    assert first[1] is True and again == (first[0], False)
    assert (counts(store), list(store.export_rows())) == before
    assert before[0] == (1, 2, 3)  # canonical + feed link + final URL


def test_aliases_make_every_url_form_known(store: Store) -> None:
    r = rec(2, aliases=["https://m.news.example/2"])
    aid, _ = store.save_article(r, [])
    forms = [r.url, r.original_url, r.final_url, "https://m.news.example/2"]
    unknown = "https://news.example/article/999"
    assert store.known_urls(forms + [unknown, r.url]) == set(forms)
    assert all(store.article_id(u) == aid for u in forms)
    assert store.article_id(unknown) is None
    assert store.known_urls([]) == set()
    # The same story reached through another feed link: no new row, the new link is known.
    aid2, created = store.save_article(rec(2, original_url="https://news.example/article/2?from=other", feed="Times"), [])
    assert (aid2, created) == (aid, False)
    assert store.known_urls(["https://news.example/article/2?from=other"]) == {"https://news.example/article/2?from=other"}
    assert store.get_article(aid).feed == "Herald"


def test_known_urls_chunks_large_lists(store: Store) -> None:
    ids = [store.save_article(rec(n, original_url=None, final_url=None), [])[0] for n in range(3)]
    urls = [f"https://other.example/{i}" for i in range(1200)] + [rec(n).url for n in range(3)]
    assert store.known_urls(urls) == {rec(n).url for n in range(3)}
    assert len(set(ids)) == 3


def test_mentions_are_stored_with_their_details(store: Store) -> None:
    aid, _ = store.save_article(rec(3), ments("meta", "mark-zuckerberg"))
    a = store.get_article(aid)
    assert a.entities == ["mark-zuckerberg", "meta"]
    by_id = {m.entity_id: m for m in a.mentions}
    assert by_id["meta"].count == 1 and by_id["meta"].in_title is True
    assert by_id["mark-zuckerberg"].count == 2 and by_id["mark-zuckerberg"].in_title is False
    assert by_id["meta"].snippet == "...meta..." and by_id["meta"].reason == 'alias "meta" x1'
    assert by_id["meta"].details == [{"alias": "meta", "field": "text", "start": 3, "end": 9, "kind": "alias"}]
    with pytest.raises(ValueError, match="appears twice"):
        store.save_article(rec(4), ments("meta") + ments("meta"))
    assert store.known_urls([rec(4).url]) == set()  # refused before anything was written


def test_failed_page_is_known_and_upgraded_by_a_later_success(store: Store) -> None:
    failed = ArticleRecord(url="https://news.example/gone", feed="Herald", title=None, text=None,
                           status="failed", reason="HTTP 404", http_status=404)
    aid, created = store.save_article(failed, [])
    assert created and store.known_urls([failed.url]) == {failed.url}
    assert store.raw_html(aid) is None
    # Failing again changes nothing.
    assert store.save_article(failed, []) == (aid, False)
    ok = rec(5, url="https://news.example/gone", original_url=None, final_url=None)
    assert store.save_article(ok, ments("meta")) == (aid, True)
    a = store.get_article(aid, with_raw=True)
    assert (a.status, a.reason, a.title, a.entities) == ("ok", None, "Story 5", ["meta"])
    assert a.raw_html == ok.raw_html
    # A failure never overwrites a stored page.
    assert store.save_article(failed, []) == (aid, False)
    assert store.get_article(aid).status == "ok"


def test_bad_records_are_refused_with_a_clear_error(store: Store) -> None:
    with pytest.raises(ValueError, match="status 'weird'"):
        store.save_article(rec(6, status="weird"), [])
    with pytest.raises(ValueError, match="without a URL"):
        store.save_article(rec(6, url=""), [])
    assert counts(store) == (0, 0, 0)


def test_hostile_text_is_stored_cleaned(store: Store) -> None:
    # NUL and lone surrogates come from broken pages; PostgreSQL would reject them.
    r = rec(7, title="Samsung\x00 <script>alert(1)</script>", text="bad \udcff byte", authors=["A\x00"],
            meta={"k\x00": "v\x00", "when": datetime(2024, 5, 1, tzinfo=UTC), "tags": ("a", "b")},
            language="x" * 300, encoding="e" * 300)
    aid, _ = store.save_article(r, [MentionRecord("samsung-electronics", 1, True, "snip\x00", "r")])
    a = store.get_article(aid)
    assert a.title == "Samsung <script>alert(1)</script>"  # stored raw; escaping is the renderer's job
    assert a.text == "bad \ufffd byte" and a.authors == ["A"]
    assert a.meta == {"k": "v", "when": "2024-05-01T00:00:00+00:00", "tags": ["a", "b"]}
    assert a.language == "x" * 300 and a.raw_encoding == "e" * 300
    assert a.mentions[0].snippet == "snip"


def test_feed_poll_bookkeeping(store: Store) -> None:
    store.sync_feeds([FeedSettings(name="Herald", url="https://h.example/rss"),
                      FeedSettings(name="Yonhap", url="https://y.example/rss")])
    store.sync_feeds([FeedSettings(name="Herald", url="https://h.example/rss2")])  # url changed
    st = store.feed_states()
    assert set(st) == {"Herald", "Yonhap"} and st["Herald"].url == "https://h.example/rss2"
    assert st["Herald"].consecutive_failures == 0 and st["Herald"].last_status is None

    t0 = datetime(2024, 5, 1, 12, 0, tzinfo=KST)
    n = store.record_feed_poll("Herald", ok=True, status="ok", http_status=200, error=None, etag='"v1"',
                               last_modified="Wed, 01 May 2024 03:00:00 GMT", next_poll_at=t0 + timedelta(minutes=15),
                               at=t0, entries=25)
    assert n == 0
    n1 = store.record_feed_poll("Herald", ok=False, status="error", http_status=503, error="HTTP 503",
                                etag=None, last_modified=None, next_poll_at=t0 + timedelta(minutes=30), at=t0)
    n2 = store.record_feed_poll("Herald", ok=False, status="error", http_status=None, error="timed out",
                                etag=None, last_modified=None, next_poll_at=t0 + timedelta(hours=1), at=t0)
    assert (n1, n2) == (1, 2)
    h = store.feed_states()["Herald"]
    assert (h.last_status, h.last_error, h.last_http_status, h.consecutive_failures) == ("error", "timed out", None, 2)
    assert h.etag == '"v1"' and h.entries_seen == 25  # failures keep validators
    assert h.last_success_at == t0 and h.next_poll_at == t0 + timedelta(hours=1)
    assert h.next_poll_at.tzinfo is not None and h.next_poll_at.utcoffset() == timedelta(0)

    t1 = t0 + timedelta(hours=2)
    assert store.record_feed_poll("Herald", ok=True, status="not_modified", http_status=304, error=None,
                                  etag=None, last_modified=None, next_poll_at=None, at=t1) == 0
    h = store.feed_states()["Herald"]
    assert (h.last_status, h.last_error, h.etag, h.last_success_at) == ("not_modified", None, '"v1"', t1)
    assert h.last_modified == "Wed, 01 May 2024 03:00:00 GMT"
    store.record_feed_poll("Herald", ok=True, status="ok", http_status=200, error=None, etag=None,
                           last_modified=None, next_poll_at=None, at=t1)
    assert store.feed_states()["Herald"].etag is None  # a 200 without validators clears them

    with pytest.raises(LookupError, match="unknown feed"):
        store.record_feed_poll("Nope", ok=True, status="ok", at=t1)
    with pytest.raises(ValueError, match="status"):
        store.record_feed_poll("Herald", ok=True, status="fine", at=t1)


def test_export_rows_and_date_filters(store: Store) -> None:
    may = datetime(2024, 5, 10, 1, 0, tzinfo=UTC)
    store.save_article(rec(1, published=may, feed="Herald"), ments("meta", "lg-electronics"))
    store.save_article(rec(2, published=datetime(2024, 5, 20, tzinfo=KST), feed="Times"), [])
    # No publication date: falls back to fetched_at for the filter, null in the export.
    store.save_article(rec(3, published=None, fetched_at=datetime(2024, 6, 1, tzinfo=UTC)), [])
    rows = list(store.export_rows())
    assert [r["url"] for r in rows] == [rec(n).url for n in (1, 2, 3)]
    r1 = rows[0]
    assert r1["published"] == "2024-05-10T01:00:00Z" and r1["entities"] == ["lg-electronics", "meta"]
    assert rows[1]["published"] == "2024-05-19T15:00:00Z" and rows[2]["published"] is None
    assert {"url", "title", "published", "language", "feed", "entities", "text", "status", "reason",
            "authors", "review_state", "cluster_id", "mentions"} <= set(r1)
    assert r1["mentions"][0] == {"entity": "lg-electronics", "count": 2, "in_title": False,
                                 "snippet": "...lg-electronics...", "reason": 'alias "lg-electronics" x2',
                                 "prominence": None, "prominence_parts": None}  # (records without a score)
    assert (r1["review_state"], r1["cluster_id"], r1["authors"], r1["language"]) == ("new", None, ["Kim Min-ji"], "en")

    def urls(**kw) -> list[str]:
        return [r["url"] for r in store.export_rows(**kw)]

    assert urls(since=datetime(2024, 5, 15, tzinfo=UTC)) == [rec(2).url, rec(3).url]
    assert urls(until=datetime(2024, 5, 19, 15, tzinfo=UTC)) == [rec(1).url]  # until is exclusive
    assert urls(since=datetime(2024, 5, 31, tzinfo=UTC), until=datetime(2024, 6, 2, tzinfo=UTC)) == [rec(3).url]
    assert urls(feeds=["Times"]) == [rec(2).url]
    assert urls(feeds=[]) == []


def test_iter_articles_streams_in_batches(store: Store) -> None:
    ids = [store.save_article(rec(n, extractor_version="x1" if n % 2 else "x2"), [])[0] for n in range(1, 8)]
    got = list(store.iter_articles(batch=2))
    assert [a.id for a in got] == ids and all(a.raw_html is None for a in got)
    raw = list(store.iter_articles(batch=3, with_raw=True))
    assert [a.raw_html for a in raw] == [rec(n).raw_html for n in range(1, 8)]
    assert [a.id for a in store.iter_articles(after_id=ids[4])] == ids[5:]
    assert [a.id for a in store.iter_articles(stale_extractor="x1")] == ids[1::2]
    assert list(store.iter_articles(stale_watchlist="w1")) == []
    again = raw[0].to_record()
    assert again.url == rec(1).url and again.raw_html == rec(1).raw_html and again.published == rec(1).published


def test_raw_html_round_trip_and_size(store: Store) -> None:
    page = ("<html><body>" + "<p>삼성전자가 발표했다. Samsung Electronics said.</p>" * 400 + "</body></html>").encode("euc-kr", "ignore")
    aid, _ = store.save_article(rec(8, raw_html=page, encoding="euc-kr"), [])
    assert store.raw_html(aid) == page
    sizes = store.bytes_per_article()
    assert sizes["articles"] == 1 and sizes["with_raw"] == 1 and sizes["raw_bytes"] == len(page)
    assert 0 < sizes["stored_bytes"] < len(page) / 5  # repetitive page: compresses well
    with pytest.raises(LookupError):
        store.raw_html(aid + 100)


def test_replace_mentions_keeps_review_state_and_trail(store: Store) -> None:
    aid, _ = store.save_article(rec(9), ments("samsung-electronics", "lee-jae-yong"))
    t = datetime(2024, 5, 2, 9, 30, tzinfo=KST)
    store.set_review(aid, "relevant", note="key story", reviewer="ana", at=t)
    added, removed = store.replace_mentions(aid, ments("samsung-electronics", "sk-hynix"), "w2")
    assert (added, removed) == (["sk-hynix"], ["lee-jae-yong"])
    a = store.get_article(aid)
    assert a.review_state == "relevant" and (a.review_note, a.reviewed_by, a.reviewed_at) == ("key story", "ana", t)
    assert a.entities == ["samsung-electronics", "sk-hynix"] and a.watchlist_digest == "w2"
    assert [m.entity_id for m in a.mentions] == ["samsung-electronics", "sk-hynix"]
    ev = store.review_events(aid)
    assert [(e.from_state, e.to_state, e.reviewer) for e in ev] == [("new", "relevant", "ana"),
                                                                     ("relevant", "relevant", "newsmon")]
    assert ev[0].at == t and ev[0].note == "key story" and ev[1].note == "re-match: +sk-hynix, -lee-jae-yong"
    # Same set again: no change, no new event.
    assert store.replace_mentions(aid, ments("samsung-electronics", "sk-hynix"), "w2") == ([], [])
    assert len(store.review_events(aid)) == 2
    assert store.replace_mentions(aid, [], "w3") == ([], ["samsung-electronics", "sk-hynix"])
    assert store.get_article(aid).entities == [] and store.get_article(aid).review_state == "relevant"
    with pytest.raises(LookupError):
        store.replace_mentions(aid + 100, [], "w3")


def test_replace_extraction_keeps_identity_review_and_mentions(store: Store) -> None:
    aid, _ = store.save_article(rec(10), ments("meta"))
    store.set_review(aid, "escalated", note=None, reviewer="bo")
    new = rec(10, title="Better title", text="Cleaner body", published=datetime(2024, 5, 3, tzinfo=UTC),
              extractor_version="x2", raw_html=None, feed="Other", url="https://ignored.example/")
    store.replace_extraction(aid, new)
    a = store.get_article(aid, with_raw=True)
    assert (a.title, a.text, a.extractor_version, a.published) == ("Better title", "Cleaner body", "x2", new.published)
    assert a.url == rec(10).url and a.feed == "Herald" and a.raw_html == rec(10).raw_html
    assert a.review_state == "escalated" and a.entities == ["meta"] and len(a.mentions) == 1
    with pytest.raises(LookupError):
        store.replace_extraction(aid + 100, new)


def test_set_review_validates(store: Store) -> None:
    aid, _ = store.save_article(rec(11), [])
    with pytest.raises(ValueError, match="review state 'maybe'"):
        store.set_review(aid, "maybe", note=None, reviewer=None)
    with pytest.raises(LookupError):
        store.set_review(aid + 1, "relevant", note=None, reviewer=None)
    assert store.review_events(aid) == [] and store.get_article(aid).review_state == "new"
    store.set_review(aid, "irrelevant", note="<b>spam</b>", reviewer="ana")
    store.set_review(aid, "new", note="reopened", reviewer="bo")
    assert [(e.from_state, e.to_state) for e in store.review_events(aid)] == [("new", "irrelevant"), ("irrelevant", "new")]


def test_datetimes_are_aware_utc_both_ways(store: Store) -> None:
    seoul = datetime(2024, 12, 3, 22, 27, 0, 123456, tzinfo=KST)
    naive = datetime(2024, 12, 3, 13, 27)  # taken as UTC
    aid, _ = store.save_article(rec(12, published=seoul, modified=naive, fetched_at=seoul), [])
    a = store.get_article(aid)
    assert a.published == seoul and a.published.tzinfo == UTC and a.published.hour == 13
    assert a.published.microsecond == 123456
    assert a.modified == naive.replace(tzinfo=UTC) and a.modified.tzinfo == UTC
    assert a.fetched_at == seoul and a.extracted_at.tzinfo == UTC
    cid = store.start_cycle("poll", "run-1", at=seoul)
    store.finish_cycle(cid, {"articles": {"new": 1}, "feeds": ["Herald"]}, at=seoul + timedelta(seconds=5))
    with store.session() as s:
        c = s.get(Cycle, cid)
        assert c.started_at == seoul and c.started_at.tzinfo == UTC
        assert c.finished_at - c.started_at == timedelta(seconds=5)
        assert c.summary == {"articles": {"new": 1}, "feeds": ["Herald"]} and c.flow_run_id == "run-1"
    with pytest.raises(LookupError):
        store.finish_cycle(cid + 100, {})


def test_fetch_outcomes(store: Store) -> None:
    t = datetime(2024, 5, 1, tzinfo=UTC)
    store.record_fetch_outcome("https://n.example/a", outcome="temporary", feed="Herald", error="timed out", at=t,
                               flow_run_id="r1")
    store.record_fetch_outcome("https://n.example/a", outcome="temporary", feed="Herald", error="HTTP 503",
                               http_status=503, at=t + timedelta(minutes=15), flow_run_id="r2")
    store.record_fetch_outcome("https://n.example/b", outcome="blocked", kind="page", feed="Times",
                               error="robots.txt disallows /b", at=t)
    out = store.fetch_outcomes()
    # Newest first; equal times in reverse order of recording.
    assert [(o.url, o.outcome, o.http_status) for o in out] == [("https://n.example/a", "temporary", 503),
                                                                ("https://n.example/b", "blocked", None),
                                                                ("https://n.example/a", "temporary", None)]
    assert out[0].at == t + timedelta(minutes=15) and out[0].feed == "Herald" and out[0].kind == "page"
    assert [o.url for o in store.fetch_outcomes(feed="Times")] == ["https://n.example/b"]
    assert [o.error for o in store.fetch_outcomes(flow_run_id="r1")] == ["timed out"]
    assert store.temporary_failures(["https://n.example/a", "https://n.example/b", "https://n.example/c"]) == {
        "https://n.example/a": 2}
    with pytest.raises(ValueError, match="outcome 'meh'"):
        store.record_fetch_outcome("https://n.example/a", outcome="meh")
