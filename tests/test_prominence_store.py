"""Prominence stored with each flag, the inbox sorted by it, and the entity-page queries
(flagged articles per entity and local day, co-flagged entities), on SQLite and PostgreSQL."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from models.records import ArticleRecord, MentionRecord
from models.store import Store
from models.store.entities import offset_spans
from tests.review_helpers import save

UTC = timezone.utc
T0 = datetime(2026, 11, 20, 0, 0, tzinfo=UTC)


def flag(entity: str, prominence: int | None, **parts: object) -> MentionRecord:
    return MentionRecord(entity, 1, False, "s", "r", prominence=prominence,
                         prominence_parts={"headline": 0, "sentences": prominence or 0, **parts})


def put(store: Store, slug: str, when: datetime, *flags: MentionRecord, feed: str = "Wire") -> int:
    rec = ArticleRecord(url=f"https://news.example/{slug}", feed=feed, title=slug, text="body", published=when)
    aid, created = store.save_article(rec, list(flags))
    assert created
    return aid


def test_save_reads_back_score_and_parts_and_rematch_replaces_them(store: Store) -> None:
    aid = save(store, url="https://news.example/a", title="Samsung Electronics raises chip prices",
               text="Samsung Electronics said on Monday it would raise prices.\n\nThe company cited demand.")
    [m] = store.get_article(aid).mentions
    assert m.entity_id == "samsung" and 55 <= m.prominence <= 100  # headline, lede, every sentence
    assert m.prominence_parts["in_title"] is True and m.prominence_parts["headline"] == 30
    assert m.prominence == sum(m.prominence_parts[k] for k in ("headline", "lede", "mentions", "sentences", "position"))
    # Re-match: the new score and parts replace the old ones; a missing score stays NULL.
    store.replace_mentions(aid, [flag("samsung", 12, headline=0)], "digest-2")
    [m] = store.get_article(aid).mentions
    assert (m.prominence, m.prominence_parts["headline"]) == (12, 0)
    store.replace_mentions(aid, [MentionRecord("samsung", 1, False, "s", "r")], "digest-3")
    [m] = store.get_article(aid).mentions
    assert m.prominence is None and m.prominence_parts == {}
    [row] = store.export_rows()
    assert row["mentions"][0]["prominence"] is None and row["mentions"][0]["prominence_parts"] is None


def test_out_of_range_scores_are_clamped(store: Store) -> None:
    aid = put(store, "x", T0, flag("lg", 140), flag("nec", -3))
    assert {m.entity_id: m.prominence for m in store.get_article(aid).mentions} == {"lg": 100, "nec": 0}


def test_inbox_sorts_by_prominence_filters_on_it_and_carries_the_scores(store: Store) -> None:
    old_about = put(store, "old-about", T0, flag("lg", 90), flag("nec", 20))
    new_passing = put(store, "new-passing", T0 + timedelta(days=2), flag("lg", 15))
    mid = put(store, "mid", T0 + timedelta(days=1), flag("lg", 40), flag("nec", 70))
    unscored = put(store, "unscored", T0 + timedelta(days=3), flag("lg", None))

    def ids(**kw) -> list[int]:
        clusters, total = store.review_inbox(**kw)
        assert total == len(clusters)
        return [c.lead.id for c in clusters]

    assert ids() == [unscored, new_passing, mid, old_about]  # newest first
    assert ids(sort="prominence") == [old_about, mid, new_passing, unscored]  # unscored last
    # With an entity, that entity's flag decides.
    assert ids(sort="prominence", entity="nec") == [mid, old_about]
    assert ids(min_prominence=50) == [mid, old_about]
    assert ids(min_prominence=50, entity="lg") == [old_about]
    [c] = [c for c in store.review_inbox()[0] if c.lead.id == mid]
    assert c.scores == {"lg": 40, "nec": 70} and c.prominence == 70
    [c] = [c for c in store.review_inbox()[0] if c.lead.id == unscored]
    assert c.scores == {} and c.prominence is None
    with pytest.raises(ValueError, match="sort"):
        store.review_inbox(sort="random")
    # Pages of the prominence order do not overlap.
    first = [c.lead.id for c in store.review_inbox(sort="prominence", limit=2)[0]]
    second = [c.lead.id for c in store.review_inbox(sort="prominence", limit=2, offset=2)[0]]
    assert first + second == [old_about, mid, new_passing, unscored]


def test_offset_spans_cut_the_range_at_daylight_saving_switches() -> None:
    year = (datetime(2026, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC))
    assert offset_spans("Asia/Seoul", *year) == [(year[0], 9 * 3600)]
    assert offset_spans("America/New_York", *year) == [
        (year[0], -5 * 3600), (datetime(2026, 3, 8, 7, 0, tzinfo=UTC), -4 * 3600),
        (datetime(2026, 11, 1, 6, 0, tzinfo=UTC), -5 * 3600)]
    assert offset_spans("Asia/Kathmandu", *year) == [(year[0], 5 * 3600 + 45 * 60)]


def test_mentions_per_day_counts_local_days_in_sql(store: Store) -> None:
    # 2026-11-20 23:30 UTC is 2026-11-21 08:30 in Seoul, and still the 20th in UTC.
    put(store, "a", datetime(2026, 11, 20, 23, 30, tzinfo=UTC), flag("lg", 50), flag("nec", 50))
    put(store, "b", datetime(2026, 11, 21, 1, 0, tzinfo=UTC), flag("lg", 50))
    put(store, "c", datetime(2026, 11, 23, 16, 0, tzinfo=UTC), flag("lg", 50))  # 24th in Seoul
    put(store, "outside", datetime(2026, 12, 5, tzinfo=UTC), flag("lg", 50))
    failed = ArticleRecord(url="https://news.example/failed", feed="Wire", title=None, text=None,
                           status="failed", reason="gone", published=datetime(2026, 11, 21, 2, tzinfo=UTC))
    store.save_article(failed, [])
    since, until = datetime(2026, 11, 19, tzinfo=UTC), datetime(2026, 11, 30, tzinfo=UTC)
    seoul = store.mentions_per_day(since, until, "Asia/Seoul")
    assert seoul == {"lg": {date(2026, 11, 21): 2, date(2026, 11, 24): 1}, "nec": {date(2026, 11, 21): 1}}
    utc = store.mentions_per_day(since, until, "UTC", entities=["lg"])
    assert utc == {"lg": {date(2026, 11, 20): 1, date(2026, 11, 21): 1, date(2026, 11, 23): 1}}
    assert store.mentions_per_day(since, until, "UTC", entities=[]) == {}


def test_mentions_per_day_across_a_daylight_saving_switch(store: Store) -> None:
    # New York switched back on 2026-11-01 06:00 UTC: 04:30 UTC is still Oct 31 (EDT, -4),
    # and 2026-11-02 04:30 UTC is Nov 1 (EST, -5).
    put(store, "edt", datetime(2026, 11, 1, 3, 30, tzinfo=UTC), flag("lg", 50))
    put(store, "est", datetime(2026, 11, 2, 4, 30, tzinfo=UTC), flag("lg", 50))
    got = store.mentions_per_day(datetime(2026, 10, 25, tzinfo=UTC), datetime(2026, 11, 10, tzinfo=UTC),
                                 "America/New_York")
    assert got == {"lg": {date(2026, 10, 31): 1, date(2026, 11, 1): 1}}


def test_co_flagged_entities_most_first_within_the_range(store: Store) -> None:
    put(store, "a", T0, flag("lg", 1), flag("nec", 1), flag("samsung", 1))
    put(store, "b", T0 + timedelta(hours=1), flag("lg", 1), flag("samsung", 1))
    put(store, "c", T0 + timedelta(hours=2), flag("nec", 1))
    put(store, "late", T0 + timedelta(days=40), flag("lg", 1), flag("nec", 1))
    assert store.co_flagged("lg", T0, T0 + timedelta(days=30)) == [("samsung", 2), ("nec", 1)]
    assert store.co_flagged("lg", T0, T0 + timedelta(days=60), limit=1) == [("nec", 2)]
    assert store.co_flagged("c-nobody", T0, T0 + timedelta(days=60)) == []


def test_rematch_updates_kept_flags_in_place(store: Store) -> None:
    """ON CONFLICT on re-match: a flag still found keeps its row and gets the new values."""
    from sqlalchemy import select

    from models.tables import Mention

    aid = put(store, "r", T0, flag("lg", 10), flag("nec", 20))
    m = Mention.__table__.c

    def rows() -> dict[str, tuple[int, int | None, int]]:
        with store.engine.connect() as conn:
            return {r.entity_id: (r.id, r.prominence, r.count)
                    for r in conn.execute(select(m.id, m.entity_id, m.prominence, m.count).where(m.article_id == aid))}

    before = rows()
    added, removed = store.replace_mentions(aid, [MentionRecord("lg", 4, True, "s", "r", prominence=80,
                                                                prominence_parts={"headline": 30}),
                                                  flag("samsung", 55)], "digest-2")
    assert (added, removed) == (["samsung"], ["nec"])
    after = rows()
    assert after["lg"] == (before["lg"][0], 80, 4) and set(after) == {"lg", "samsung"}
    assert store.replace_mentions(aid, [], "digest-3") == ([], ["lg", "samsung"]) and rows() == {}
