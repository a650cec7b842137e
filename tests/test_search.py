"""Full-text search (``models.store.search``, ``models.search_index``) on SQLite and PostgreSQL.

Unit tests of the query language and snippets; store tests that the index follows the
articles through inserts, re-extraction, retention deletes and the migration of an older
database; the inbox's ``q`` with its other filters.
"""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import text

from models.records import ArticleRecord, MentionRecord
from models.retention import prune
from models.store import SearchQuery, SearchQueryError, Store, parse_query
from models.store.search import make_snippet
from newsmon.settings import RetentionSettings
from tests.migration_helpers import load_0_1_0

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)

# (key, title, body, feed, days old, entities flagged)
ARTICLES = [
    ("ko1", "삼성전자, 2분기 실적 발표", "삼성전자는 7일 잠정 실적을 발표했다. 삼성전자의 메모리 사업이 회복됐다.",
     "Yonhap", 1, ["samsung"]),
    ("ko2", "메타, 새 AI 모델 공개", "메타는 새 AI 모델을 공개했다. 저커버그 최고경영자가 발표했다.", "Yonhap", 2, ["meta"]),
    ("ko3", "윤석열 대통령 기자회견", "윤석열 대통령이 기자회견을 열었다.", "Hani", 3, []),
    ("ko4", "메타버스 시장 둔화", "메타버스 플랫폼 이용자가 줄었다. 전자 업계는 관망했다.", "Hani", 4, []),
    ("en1", "Samsung Electronics profit jumps", ("Samsung Electronics said on Friday that profit rose 100% "
     "on memory chips. The file was named report_2026.pdf and C:\\temp\\x held the draft."), "Herald", 5,
     ["samsung"]),
    ("en2", "Meta cuts costs", ("Meta Platforms said it would cut costs, the company said. "
     'Analysts called it "a NEAR term fix" AND more.'), "Herald", 6, ["meta"]),
    ("en3", "Weather", "Rain all week across the peninsula.", "Times", 7, []),
]


def save_all(store: Store) -> dict[str, int]:
    ids = {}
    for key, title, body, feed, days, ents in ARTICLES:
        rec = ArticleRecord(url=f"https://news.example/{key}", feed=feed, title=title, text=body,
                            published=NOW - timedelta(days=days), language="ko" if key.startswith("ko") else "en")
        mentions = [MentionRecord(entity_id=e, count=1, in_title=False, snippet=e, reason=f"alias {e}")
                    for e in ents]
        ids[key], _ = store.save_article(rec, mentions)
    return ids


def found(store: Store, q: str, **filters) -> list[str]:
    """Keys of the matching articles, newest first (as ``Store.search`` orders them)."""
    query = parse_query(q)
    assert query is not None
    return [h.url.rsplit("/", 1)[1] for h in store.search(query, **filters)]


# -- the query language ------------------------------------------------------------------------

def test_parse_query_words_phrases_and_case():
    q = parse_query('  Samsung  "Memory   Chips" 삼성전자 samsung ')
    assert q == SearchQuery(("samsung", "memory chips", "삼성전자"))
    assert parse_query("") is None and parse_query('  "" ') is None and parse_query(None) is None
    # A term inside another adds nothing under AND.
    assert parse_query("삼성 삼성전자").terms == ("삼성전자",)
    # An unbalanced quote runs to the end; control characters are spaces.
    assert parse_query('meta "ai model').terms == ("meta", "ai model")
    assert parse_query("a\x00b\tc").terms == ("a", "b", "c")


def test_parse_query_limits_are_one_line_errors():
    with pytest.raises(SearchQueryError, match="longer than 10 characters"):
        parse_query("x" * 11, max_chars=10)
    with pytest.raises(SearchQueryError, match="at most 2 are allowed") as e:
        parse_query("one two three", max_terms=2)
    assert "\n" not in str(e.value)


def test_pattern_and_snippet_mark_the_first_hit():
    q = parse_query('"memory chips" samsung')
    assert [m.group(0) for m in q.pattern().finditer("SAMSUNG memory\nchips")] == ["SAMSUNG", "memory\nchips"]
    body = "word " * 100 + "Samsung shares rose. " + "tail " * 100
    snip = make_snippet(body, q, 80)
    assert snip.startswith("…") and snip.endswith("…") and "Samsung" in snip and len(snip) <= 82
    assert make_snippet("short body", q, 80) == "short body"  # no hit in the body: its start
    assert make_snippet(None, q) == ""


# -- the store, both backends --------------------------------------------------------------------

def test_korean_substrings_case_and_two_character_terms(store: Store):
    save_all(store)
    assert found(store, "삼성전자") == ["ko1"]  # 삼성전자는, 삼성전자의
    assert found(store, "삼성전자의") == ["ko1"]
    assert found(store, "SAMSUNG") == ["en1"]
    assert found(store, "samsung electronics") == ["en1"]  # two words: both must occur
    assert found(store, "메타") == ["ko2", "ko4"]  # 2 characters; 메타는 and 메타버스
    assert found(store, "윤석") == ["ko3"]
    assert found(store, "전자") == ["ko1", "ko4"]  # mid-word: 삼성전자; and a word of its own
    assert found(store, "회견") == ["ko3"]
    assert found(store, "메타 공개") == ["ko2"]  # AND of two 2-character terms
    # Two Latin characters are substrings too: "AI", "said", "Rain".
    assert found(store, "ai") == ["ko2", "en1", "en2", "en3"]
    assert found(store, "id") == ["en1", "en2"]
    assert found(store, "삼") == ["ko1"]  # one character: a scan
    assert found(store, "없는말") == [] and found(store, "없") == [] and found(store, "zq") == []


def test_phrases_and_and(store: Store):
    save_all(store)
    assert found(store, '"profit rose"') == ["en1"]
    assert found(store, '"rose profit"') == []
    assert found(store, "profit meta") == []
    assert found(store, "said company") == ["en2"]
    assert found(store, '"said on friday" memory') == ["en1"]
    assert found(store, '"삼성전자는 7일"') == ["ko1"]


@pytest.mark.parametrize("q, keys", [
    ('"', []),  # nothing to search: parse_query gives None (checked below)
    ("100%", ["en1"]), ("%", ["en1"]), ("_", ["en1"]), ("report_2026", ["en1"]), ("t_2", ["en1"]),
    ("c:\\temp", ["en1"]), ("\\", ["en1"]), ("*", []), ("samsung*", []), ("NEAR", ["en2"]),
    ('"a near term fix"', ["en2"]), ("AND", ["en1", "en2"]), ("OR", ["en1", "en2"]), ("^meta", []),
    ("doc:meta", []), ("meta:", []), ("(meta", []), ("meta)", []), ("'", []), ("'; DROP TABLE article; --", []),
    ('x" OR "y', ["en1", "en2"]), ("NOT", []), ("-", []), ("+", []), ("{", []),
])
def test_hostile_queries_match_literally_and_never_error(store: Store, q, keys):
    save_all(store)
    query = parse_query(q)
    if query is None:
        assert keys == []
        return
    assert sorted(h.url.rsplit("/", 1)[1] for h in store.search(query)) == sorted(keys)
    assert store.search(parse_query("삼성전자")), "the database is intact"


def test_filters_combine_and_rank_newest_first(store: Store):
    save_all(store)
    assert found(store, "said") == ["en1", "en2"]
    assert found(store, "said", feed="Herald") == ["en1", "en2"]
    assert found(store, "메타", feed="Hani") == ["ko4"]
    assert found(store, "메타", entity="meta") == ["ko2"]
    assert found(store, "메타", flagged_only=True) == ["ko2"]
    assert found(store, "발표", since=NOW - timedelta(days=1, hours=1)) == ["ko1"]
    assert found(store, "발표", until=NOW - timedelta(days=1, hours=1)) == ["ko2"]
    assert found(store, "발표", state="relevant") == []
    hits = store.search(parse_query("삼성전자"), snippet_chars=60)
    assert hits[0].entities == ["samsung"] and hits[0].feed == "Yonhap" and "삼성전자" in hits[0].snippet
    assert [h.id for h in store.search(parse_query("said"), limit=1, offset=1)] == [store.article_id(
        "https://news.example/en2")]


def test_index_follows_reextraction_and_failed_rows(store: Store):
    ids = save_all(store)
    store.replace_extraction(ids["ko3"], ArticleRecord(
        url="https://news.example/ko3", feed="Hani", title="정정 보도", text="이재용 회장이 귀국했다."))
    assert found(store, "윤석") == [] and found(store, "기자회견") == []
    assert found(store, "이재용") == ["ko3"] and found(store, "정정") == ["ko3"]
    # A failed page is stored without text; a later successful save upgrades it in place.
    failed = ArticleRecord(url="https://news.example/late", feed="Hani", title=None, text=None, status="failed",
                           reason="HTTP 404")
    store.save_article(failed, [])
    assert found(store, "늦은") == []
    store.save_article(ArticleRecord(url="https://news.example/late", feed="Hani", title="늦은 기사", text="본문이 왔다.",
                                     published=NOW), [])
    assert found(store, "늦은") == ["late"]


def test_index_follows_retention_deletes(store: Store):
    save_all(store)
    # (SQLite never deletes the newest row id: an article saved last keeps that place.)
    store.save_article(ArticleRecord(url="https://news.example/new", feed="Hani", title="새 기사", text="오늘 본문.",
                                     published=NOW), [])
    # Unflagged, unreviewed articles from before the cutoff day go: ko3, ko4, en3.
    report = prune(store, RetentionSettings(articles_days=3), now=NOW + timedelta(hours=12))
    assert report.summary()["articles_deleted"] == 3, report.summary()
    assert found(store, "메타버스") == [] and found(store, "peninsula") == [] and found(store, "윤석열") == []
    assert found(store, "메타") == ["ko2"] and found(store, "전자") == ["ko1"] and found(store, "본문") == ["new"]


def test_inbox_q_combines_with_the_other_filters(store: Store):
    save_all(store)

    def inbox(q: str, **kw) -> list[str]:
        clusters, total = store.review_inbox(q=parse_query(q), **kw)
        assert total == len(clusters)
        return [c.lead.url.rsplit("/", 1)[1] for c in clusters]

    assert inbox("삼성전자") == ["ko1"]
    assert inbox("메타") == ["ko2"]  # ko4 mentions 메타버스 but is not flagged: not in the inbox
    assert inbox("said") == ["en1", "en2"]
    assert inbox("said", entity="meta") == ["en2"]
    assert inbox("said", feed="Yonhap") == []
    assert inbox("said", state="new") == ["en1", "en2"]
    store.set_review(store.article_id("https://news.example/en2"), "relevant", reviewer="kim")
    assert inbox("said", state="new") == ["en1"]
    assert inbox("said", since=NOW - timedelta(days=5, hours=1)) == ["en1"]
    snips = store.search_snippets([store.article_id("https://news.example/ko1")], parse_query("메모리"), 40)
    assert list(snips.values()) == ["…발표했다. 삼성전자의 메모리 사업이 회복됐다."]


def test_two_character_terms_past_the_trigram_cap_are_scanned(store: Store):
    save_all(store)
    query = parse_query("sa", max_grams=1)  # "sa" starts "sai", "sam": more than 1
    assert sorted(h.url.rsplit("/", 1)[1] for h in store.search(query)) == ["en1", "en2"]


def test_existing_database_is_indexed_by_the_migration(db_url):
    expected = load_0_1_0(db_url)
    from models.migrate import upgrade
    upgrade(db_url)
    store = Store(db_url)
    try:
        with store.engine.connect() as conn:
            rows = conn.execute(text("SELECT id, title FROM article WHERE status = 'ok' AND title IS NOT NULL "
                                     "ORDER BY id")).all()
        assert rows and len(rows) <= expected["counts"]["article"]
        for aid, title in rows:
            word = max(title.split(), key=len)
            hits = store.search(parse_query(f'"{word}"'), limit=1000)
            assert aid in [h.id for h in hits], (aid, word)
    finally:
        store.close()


def _pg_index_defs(store: Store) -> list[str]:
    with store.engine.connect() as conn:
        return sorted(conn.execute(text("SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema() "
                                        "AND indexname LIKE 'ix_article_search_%'")).scalars())


def test_migration_0008_moves_the_postgresql_indexes_onto_a_stored_lowercased_column(db_url):
    """0008 replaces 0006's indexes over ``lower(title || text)`` by a generated column and
    indexes over it (PostgreSQL; SQLite is left as it was); undone, the expression indexes
    come back. Searches find the same articles either way, and the column follows the
    writes of every kind with no help from the store."""
    from alembic import command

    from models import search_index
    from models.migrate import alembic_config, locked_connection, upgrade

    store = Store(db_url)
    save_all(store)
    before = {q: found(store, q) for q in ("삼성전자", "메타", "SAID", '"profit rose"', "ai")}
    store.close()
    with locked_connection(db_url) as conn:
        command.downgrade(alembic_config(conn), "0007_prominence")
    store = Store(db_url)
    if store.dialect == "postgresql":
        defs = _pg_index_defs(store)
        assert len(defs) == 2 and all("lower(" in d and "search_doc" not in d for d in defs), defs
    store.close()
    upgrade(db_url)
    store = Store(db_url)
    try:
        assert {q: found(store, q) for q in before} == before
        assert before["SAID"] == ["en1", "en2"] and before["메타"] == ["ko2", "ko4"]
        if store.dialect == "sqlite":
            return
        defs = _pg_index_defs(store)
        assert len(defs) == 2 and all("(search_doc" in d and "lower(" not in d for d in defs), defs
        ids = store.article_id("https://news.example/en1")
        store.replace_extraction(ids, ArticleRecord(url="https://news.example/en1", feed="Herald",
                                                    title="ÉTÉ Title", text="Body TEXT"))
        with store.engine.connect() as conn:
            doc, storage = conn.execute(text(
                f"SELECT a.{search_index.DOC_COLUMN}, (SELECT attstorage FROM pg_attribute WHERE attrelid = "
                f"'article'::regclass AND attname = '{search_index.DOC_COLUMN}') FROM article a WHERE id = :i"),
                {"i": ids}).one()
        assert doc == "été title\nbody text" and storage == "m"
        assert found(store, "été") == ["en1"] and found(store, "said") == ["en2"]
        # (the planner may prefer a scan of a table this small: disallow it)
        with store.engine.connect() as conn:
            conn.exec_driver_sql("SET enable_seqscan = off")
            plan = " ".join(conn.exec_driver_sql(
                "EXPLAIN SELECT id FROM article WHERE search_doc LIKE '%%body text%%'").scalars())
        assert search_index.TRGM_INDEX in plan, plan
    finally:
        store.close()


def test_walking_by_date_gives_the_same_results(store: Store, monkeypatch):
    """SQLite answers a search with many matches by walking the date index (``WALK_BY_DATE_ABOVE``);
    the other way must list the same articles in the same order, with the filters."""
    from models.store import search

    save_all(store)
    queries = [("said", {}), ("메타", {}), ("전자", {"feed": "Hani"}), ("발표", {"until": NOW - timedelta(days=1, hours=1)}),
               ("ai", {}), ('"profit rose" samsung', {}), ("삼", {}), ("id", {"limit": 1, "offset": 1}),
               ("said", {"state": "new", "feed": "Herald"}), ("메타", {"entity": "meta", "state": "new"})]
    by_id = [found(store, q, **f) for q, f in queries]
    monkeypatch.setattr(search, "WALK_BY_DATE_ABOVE", 0)
    assert [found(store, q, **f) for q, f in queries] == by_id
    if store.dialect == "sqlite":
        with store.engine.connect() as conn:
            plan = " ".join(r[3] for r in conn.exec_driver_sql(
                "EXPLAIN QUERY PLAN SELECT id FROM article WHERE +article.id IN (SELECT rowid FROM article_search "
                "WHERE article_search MATCH 'said') ORDER BY coalesce(article.published, article.fetched_at) DESC, "
                "article.id DESC LIMIT 50"))
        assert "ix_article_when" in plan, plan


def test_upgrade_restores_what_a_sqlite_rebuild_of_article_drops(tmp_path):
    """A later migration that rebuilds ``article`` (batch mode) drops its triggers; every
    upgrade puts them back, so the index keeps following the articles."""
    from alembic.operations import Operations
    from alembic.runtime.migration import MigrationContext

    from models.migrate import VERSION_TABLE, locked_connection, upgrade
    from models.tables import Article

    url = f"sqlite:///{tmp_path / 'rebuilt.db'}"
    store = Store(url)
    save_all(store)
    store.close()
    with locked_connection(url) as conn:
        ops = Operations(MigrationContext.configure(conn, opts={"version_table": VERSION_TABLE}))
        with ops.batch_alter_table("article", recreate="always") as batch:
            batch.alter_column("reason", existing_type=Article.__table__.c.reason.type, nullable=True)
        assert conn.exec_driver_sql("SELECT count(*) FROM sqlite_master WHERE type = 'trigger'").scalar() == 0
    upgrade(url)  # after the migrations (none pending here): the triggers and the date index again
    store = Store(url)
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM sqlite_master WHERE name = 'ix_article_when' "
                                    "OR type = 'trigger'").scalar() == 4
    store.save_article(ArticleRecord(url="https://news.example/after", feed="Hani", title="재건 이후",
                                     text="트리거가 돌아왔다.", published=NOW), [])
    assert found(store, "트리거") == ["after"] and found(store, "메타") == ["ko2", "ko4"]
    store.close()


def test_inbox_search_counts_up_to_the_cap(store: Store):
    save_all(store)
    for n in range(6):  # six more flagged stories that say "said"
        store.save_article(ArticleRecord(url=f"https://news.example/more{n}", feed="Times", title=f"More {n}",
                                         text=f"Samsung said {n} things.", published=NOW - timedelta(hours=n)),
                           [MentionRecord(entity_id="samsung", count=1, in_title=False, snippet="s", reason="r")])
    clusters, total = store.review_inbox(q=parse_query("said"), limit=2, count_cap=3)
    assert [c.lead.url.rsplit("/", 1)[1] for c in clusters] == ["more0", "more1"]
    assert total == 3 and total.at_least
    clusters, total = store.review_inbox(q=parse_query("said"), limit=2, offset=6, count_cap=3)
    assert [c.lead.url.rsplit("/", 1)[1] for c in clusters] == ["en1", "en2"]  # the page is found anyway
    assert total == 8 and not total.at_least  # ...and there was no 9th story to count
    clusters, total = store.review_inbox(q=parse_query("said"), limit=50, count_cap=1000)
    assert total == 8 and not total.at_least and len(clusters) == 8


def test_walk_on_by_the_density_of_the_newest_articles():
    from models.store.search import PROBE_ROWS, _walk_on

    # none of the newest matched: reading the matches from the indexes, whatever is wanted
    assert not _walk_on(0, 1, 100_000)
    # a common term (30 % of the newest): 200 more rows are found within ~700 articles
    assert _walk_on(int(PROBE_ROWS * 0.3), 200, 100_000)
    # a common term in one feed of twenty (1.5 %): ~11,000 articles to walk for 170 rows,
    # against ~1,500 matches in all
    assert not _walk_on(int(PROBE_ROWS * 0.015), 170, 100_000)
    # the same density with a page of 5 rows still wanted: walking ~330 articles is cheaper
    assert _walk_on(int(PROBE_ROWS * 0.015), 5, 100_000)


def test_inbox_search_pages_do_not_depend_on_how_postgresql_reads_the_older_articles(store: Store, monkeypatch):
    """PostgreSQL walks the newest ``PROBE_ROWS`` articles by date, then walks on or reads
    every older match and sorts them (``_walk_on``): either way the same pages and counts."""
    from models.store import search

    save_all(store)
    for n in range(12):  # flagged stories over several days, some in the same feed
        store.save_article(ArticleRecord(url=f"https://news.example/d{n}", feed="Times" if n % 3 else "Hani",
                                         title=f"Day {n} 메타 said", text=f"Samsung said {n} things about 메타.",
                                         published=NOW - timedelta(days=n, hours=n)),
                           [MentionRecord(entity_id="samsung", count=1, in_title=False, snippet="s", reason="r")])
    cases = [("said", {}), ("said", {"feed": "Times"}), ("메타", {"entity": "samsung"}), ("said", {"state": "new"}),
             ("메타", {"since": NOW - timedelta(days=4)}), ("said things", {})]
    pages = [(3, 0, 5), (3, 3, 5), (50, 0, 200), (2, 4, 3)]  # (limit, offset, count cap)

    def inbox() -> list:
        out = []
        for q, f in cases:
            for limit, offset, cap in pages:
                clusters, total = store.review_inbox(q=parse_query(q), limit=limit, offset=offset, count_cap=cap, **f)
                out.append(([c.lead.url.rsplit("/", 1)[1] for c in clusters], int(total), total.at_least))
        return out

    plain = inbox()  # fewer articles than the probe: one walk
    assert plain[0] == (["d0", "d1", "d2"], 5, True)
    decided: list[bool] = []
    for walk in (True, False):
        def decide(got: int, need: int, older: float, walk: bool = walk) -> bool:
            decided.append(walk)
            return walk
        monkeypatch.setattr(search, "PROBE_ROWS", 4)
        monkeypatch.setattr(search, "_walk_on", decide)
        assert inbox() == plain
    assert (store.dialect == "postgresql") == bool(decided)
    if store.dialect == "postgresql":
        # A reader that stops among the newest leaves the planner its bitmaps for what follows.
        with store.engine.connect() as conn:
            heads, total, _ = search.walk_search(conn, [], parse_query("said"), offset=0, limit=1, cap=1)
            assert len(heads) == 1 and total.at_least
            assert conn.exec_driver_sql("SHOW enable_bitmapscan").scalar() == "on"


def test_sqlite_search_plans_are_not_driven_by_the_entity_feed_or_state_filters(tmp_path, monkeypatch):
    """Under a search, SQLite must read the search's matches (by id, or walking the date
    index) and test the filters on them: driven by a common entity's flags (or a feed's, a
    state's articles) it would read and sort all of them."""
    from sqlalchemy import event

    from models.store import search

    store = Store(f"sqlite:///{tmp_path / 'plans.db'}")
    save_all(store)
    seen: list[tuple[str, Any]] = []
    event.listen(store.engine, "before_cursor_execute",
                 lambda conn, cur, st, params, ctx, many: seen.append((st, params)))
    filters = {"entity": "samsung", "feed": "Herald", "state": "new"}
    for walk in (2000, 0):  # the matches looked up by id; the date index walked
        monkeypatch.setattr(search, "WALK_BY_DATE_ABOVE", walk)
        seen.clear()
        assert [c.lead.url for c in store.review_inbox(q=parse_query("said"), **filters)[0]] == [
            "https://news.example/en1"]
        assert [h.url for h in store.search(parse_query("said"), **filters)] == ["https://news.example/en1"]
        listings = [(st, p) for st, p in seen if "ORDER BY" in st and "article_search MATCH" in st]
        assert len(listings) == 2, seen
        with store.engine.connect() as conn:
            for st, p in listings:
                plan = " | ".join(r[3] for r in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + st, p))
                assert "ix_mention_entity_id" not in plan and "ix_article_feed" not in plan, plan
                assert "ix_article_review_state" not in plan, plan
                assert ("ix_article_when" in plan) == (walk == 0), plan
    store.close()
