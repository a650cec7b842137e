"""Retention (``[retention]``, ``newsmon prune``, ``newsmon stats``) on SQLite and PostgreSQL.

Store-level tests build articles with known dates, flags, reviews, stories and alert
claims and check exactly what a prune deletes, keeps and remembers; the end-to-end tests
run real poll cycles and backfills against a loopback site (``tests/retention_site.py``).
Ages are relative to a fixed ``now`` handed to ``prune`` (no clock in the assertions).
"""
from __future__ import annotations

import asyncio
import json
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from flows.backfill_core import run_backfill_plain
from flows.cycle import summarize
from flows.runtime import run_cycle_plain
from models.records import ArticleRecord, MentionRecord
from models.retention import prune
from models.store import ClusterJob, Store
from models.tables import (
    AlertSent,
    Article,
    ArticleTombstone,
    ArticleUrl,
    ClusterBand,
    ClusterSignature,
    Cycle,
    FetchOutcome,
    Mention,
    ReviewEvent,
)
from newsmon.cli import main
from newsmon.settings import RetentionSettings, parse_settings
from tests.cli_helpers import WATCHLIST, write_config
from tests.retention_site import GeneratedSite, published

UTC = timezone.utc
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
FAST = {"batch_pause_s": 0.0}


def rec(n: int, *, days_old: float, published_at: bool = True, now: datetime = NOW, **kw) -> ArticleRecord:
    when = now - timedelta(days=days_old)
    base = dict(url=f"https://news.example/a/{n}", original_url=f"https://news.example/a/{n}?utm_source=rss",
                final_url=f"https://www.news.example/a/{n}", feed="Herald" if n % 2 else "Times",
                title=f"Story {n}", text=f"Body of story {n}, 한국어 본문 {n}.",
                published=when if published_at else None, fetched_at=None if published_at else when,
                raw_html=(f"<html><p>story {n}</p></html>" * 40).encode(), encoding="utf-8", http_status=200,
                extractor_version="old-extractor", watchlist_digest="w1")
    base.update(kw)
    return ArticleRecord(**base)


def flag(*ids: str) -> list[MentionRecord]:
    return [MentionRecord(entity_id=e, count=1, in_title=False, snippet=f"..{e}..", reason=f"alias {e}")
            for e in ids]


def count(store: Store, table, where=None) -> int:
    q = select(func.count()).select_from(table)
    if where is not None:
        q = q.where(where)
    with store.session() as s:
        return s.execute(q).scalar_one()


def cluster_together(store: Store, ids: list[int]) -> int:
    """Put articles in one story through the real clustering store (shared band key)."""
    band = 4242 + min(ids)  # a band key of this story only
    jobs = [ClusterJob(article_id=i, at=NOW, n_shingles=10, signature=b"\x01" * 16, bands=(band,)) for i in ids]
    out = store.assign_clusters(jobs, window=timedelta(days=3650),
                                choose=lambda job, cands: cands[0].cluster_id if cands else None)
    assert len(set(out)) == 1
    return out[0]


def fk_orphans(store: Store) -> int:
    """Rows whose foreign key points at no article (cascades must leave none)."""
    A = Article.__table__.c
    n = 0
    for table in (ArticleUrl, Mention, ReviewEvent, ClusterSignature, ClusterBand):
        c = table.__table__.c
        n += count(store, table, ~select(A.id).where(A.id == c.article_id).exists())
    c = AlertSent.__table__.c
    n += count(store, AlertSent, c.article_id.is_not(None) & ~select(A.id).where(A.id == c.article_id).exists())
    return n


def settings(**retention) -> RetentionSettings:
    return RetentionSettings(**{**FAST, **retention})


# -- the rules ---------------------------------------------------------------------------------

def test_defaults_keep_everything(store: Store) -> None:
    for n in range(6):
        store.save_article(rec(n, days_old=5000), flag("samsung") if n % 2 else [])
    before = list(store.export_rows())
    rep = prune(store, RetentionSettings(), now=NOW)
    assert [ln["action"] for ln in rep.lines] == ["reclaim"]
    assert rep.summary()["articles_deleted"] == 0 and rep.summary()["pages_dropped"] == 0
    assert list(store.export_rows()) == before
    assert all(a.raw_html for a in store.iter_articles(with_raw=True))


def test_raw_days_drops_old_pages_and_keeps_text_flags_and_reviews(store: Store) -> None:
    old = [store.save_article(rec(n, days_old=40), flag("samsung") if n == 0 else [])[0] for n in range(3)]
    undated_old = store.save_article(rec(3, days_old=40, published_at=False), [])[0]  # by fetch time
    new = store.save_article(rec(4, days_old=10), [])[0]
    store.set_review(old[0], "relevant", note="keep an eye", reviewer="mina")
    before = {r["id"]: r for r in store.export_rows()}

    dry = prune(store, settings(raw_days=30), now=NOW, dry_run=True)
    assert dry.step("drop_raw")["articles"] == 4
    assert all(a.raw_html for a in store.iter_articles(with_raw=True))  # the dry run wrote nothing

    rep = prune(store, settings(raw_days=30, batch_size=2), now=NOW)
    step = rep.step("drop_raw")
    assert (step["articles"], step["batches"]) == (4, 2)
    assert step["bytes"] == dry.step("drop_raw")["bytes"] > 0
    assert step["bytes_uncompressed"] == 4 * len(rec(0, days_old=0).raw_html)
    arts = {a.id: a for a in store.iter_articles(with_raw=True)}
    for aid in old + [undated_old]:
        assert arts[aid].raw_html is None and arts[aid].raw_dropped_at == NOW
    assert arts[new].raw_html is not None and arts[new].raw_dropped_at is None
    # Text, metadata, flags, review state and history stay exactly as they were.
    assert {r["id"]: r for r in store.export_rows()} == before
    assert [e.note for e in store.review_events(old[0])] == ["keep an eye"]
    assert store.bytes_per_article()["with_raw"] == 1
    # Idempotent: a second prune finds nothing more to drop.
    assert prune(store, settings(raw_days=30), now=NOW).step("drop_raw")["articles"] == 0


def test_articles_days_deletes_only_never_flagged_unreviewed_articles(store: Store) -> None:
    ids = {}
    ids["plain"] = store.save_article(rec(1, days_old=100), [])[0]
    ids["undated"] = store.save_article(rec(2, days_old=100, published_at=False), [])[0]
    ids["flagged"] = store.save_article(rec(3, days_old=100), flag("samsung"))[0]
    ids["reviewed"] = store.save_article(rec(4, days_old=100), [])[0]
    store.set_review(ids["reviewed"], "irrelevant", note="noise", reviewer="jun")
    ids["was_flagged"] = store.save_article(rec(5, days_old=100), flag("lg"))[0]
    store.replace_mentions(ids["was_flagged"], [], "w2")  # a re-match removed the flag: audit event stays
    ids["copy_of_flagged"] = store.save_article(rec(6, days_old=100), [])[0]  # same story as "flagged"
    ids["recent"] = store.save_article(rec(7, days_old=5), [])[0]
    ids["top"] = store.save_article(rec(8, days_old=1), [])[0]
    story = cluster_together(store, [ids["flagged"], ids["copy_of_flagged"]])
    gone = {"plain", "undated"}

    dry = prune(store, settings(articles_days=30), now=NOW, dry_run=True).step("delete")
    rep = prune(store, settings(articles_days=30), now=NOW)
    step = rep.step("delete")
    assert step["articles"] == dry["articles"] == 2 and step["flagged"] == 0
    assert step["tombstones"] == dry["tombstones"] == 6  # canonical, feed link, final URL of each
    assert step["bytes"] == dry["bytes"] > 0
    left = {a.id for a in store.iter_articles()}
    assert left == {v for k, v in ids.items() if k not in gone}
    assert store.get_article(ids["copy_of_flagged"]).cluster_id == story
    assert fk_orphans(store) == 0
    # Every URL form of a deleted article is still known: never fetched again.
    forms = [f(n) for n in (1, 2) for f in (lambda n: rec(n, days_old=0).url, lambda n: rec(n, days_old=0).original_url,
                                           lambda n: rec(n, days_old=0).final_url)]
    assert store.known_urls(forms + ["https://news.example/a/999"]) == set(forms)
    assert count(store, ArticleTombstone) == 6


def test_flagged_days_deletes_flagged_and_reviewed_with_their_history(store: Store) -> None:
    a = store.save_article(rec(1, days_old=400), flag("samsung"))[0]
    b = store.save_article(rec(2, days_old=400), [])[0]  # a copy in a's story
    c = store.save_article(rec(3, days_old=100), flag("samsung"))[0]  # flagged, younger than flagged_days
    d = store.save_article(rec(4, days_old=400), flag("lg"))[0]  # old, but a newer copy (e) keeps the story
    e = store.save_article(rec(5, days_old=100), flag("lg"))[0]
    f = store.save_article(rec(6, days_old=400), flag("yoon"))[0]  # alerted: its claim goes with its story
    store.save_article(rec(7, days_old=1), [])  # the top id (SQLite never deletes it)
    store.set_review(a, "relevant", note="filed", reviewer="mina")
    s1 = cluster_together(store, [a, b])
    s2 = cluster_together(store, [d, e])
    s3 = cluster_together(store, [f])
    for story, art in ((s1, a), (s2, d), (s3, f)):
        assert store.claim_alert("r", story, art, stale_before=NOW)
        store.finish_alert("r", story, ok=True)

    # articles_days alone never deletes flagged or reviewed articles (or b, a's copy).
    assert prune(store, settings(articles_days=30), now=NOW).step("delete")["articles"] == 0

    cfg = settings(articles_days=30, flagged_days=365)
    dry = prune(store, cfg, now=NOW, dry_run=True)
    rep = prune(store, cfg, now=NOW)
    step = rep.step("delete")
    assert (step["articles"], step["flagged"], step["reviewed"]) == (3, 2, 1)  # a, b, f
    assert (step["mentions"], step["review_events"]) == (2, 1)
    same = ("articles", "flagged", "reviewed", "mentions", "review_events", "tombstones", "bytes")
    assert {k: dry.step("delete")[k] for k in same} == {k: step[k] for k in same}
    assert {x.id for x in store.iter_articles()} == {c, d, e, store.article_id(rec(7, days_old=0).url)}
    assert count(store, ReviewEvent, ReviewEvent.__table__.c.article_id == a) == 0
    assert fk_orphans(store) == 0
    # Claims of stories with no article left go; a story with an article left keeps its claim
    # (d still exists; were it gone, e would still carry the story: no second alert).
    assert rep.step("alert_claims")["deleted"] == dry.step("alert_claims")["deleted"] == 2
    assert sorted(x.cluster_id for x in store.alert_records()) == [s2]


def test_log_days_trims_fetch_outcomes_and_cycles(store: Store) -> None:
    for i in range(7):
        store.record_fetch_outcome(f"https://x.example/{i}", outcome="temporary", error="timeout",
                                   at=NOW - timedelta(days=60 if i < 5 else 1))
        store.finish_cycle(store.start_cycle("poll", at=NOW - timedelta(days=60 if i < 5 else 1)), {"n": i})
    rep = prune(store, settings(log_days=30, batch_size=2), now=NOW)
    assert (rep.step("delete_log")["fetch_outcomes"], rep.step("delete_log")["cycles"]) == (5, 5)
    assert count(store, FetchOutcome) == 2 and count(store, Cycle) == 2


def test_article_ids_are_never_reused(store: Store) -> None:
    """SQLite gives max(id)+1 to a new row: the top row is kept until a newer one exists."""
    ids = [store.save_article(rec(n, days_old=100), [])[0] for n in range(4)]
    prune(store, settings(articles_days=30), now=NOW)
    left = [a.id for a in store.iter_articles()]
    assert left == ([ids[-1]] if store.dialect == "sqlite" else [])
    new = store.save_article(rec(10, days_old=1), [])[0]
    assert new > max(ids)
    prune(store, settings(articles_days=30), now=NOW)
    assert [a.id for a in store.iter_articles()] == [new]


def test_prune_releases_the_write_lock_between_batches(db_url: str) -> None:
    """Another writer (own connections, 1 s busy timeout) saves between every two batches."""
    store = Store(db_url)
    other = Store(db_url, sqlite_busy_timeout_s=1.0)
    try:
        store.check()
        for n in range(40):
            store.save_article(rec(n, days_old=100), [])
        saved: list[tuple[str, int]] = []

        def between(action: str) -> None:
            saved.append((action, other.save_article(rec(1000 + len(saved), days_old=0), [])[0]))

        rep = prune(store, settings(articles_days=30, raw_days=30, batch_size=5), now=NOW, between_batches=between)
        deleted = 40 - (store.dialect == "sqlite")  # the top id stays on SQLite... until the first save
        assert rep.step("delete")["articles"] >= deleted - 1 and rep.step("delete")["batches"] >= 7
        assert [a for a, _ in saved].count("delete") >= 7
        assert count(store, Article) == 40 - rep.step("delete")["articles"] + len(saved)
    finally:
        store.close()
        other.close()


# -- end to end: cycles, backfills, the CLI ---------------------------------------------------------

@pytest.fixture
def gen_site():
    with GeneratedSite(12) as site:
        yield site


def site_settings(site: GeneratedSite, db_url: str, tmp_path: Path, *, fetch: dict | None = None, **retention):
    return parse_settings({
        "database": {"url": db_url}, "watchlist": {"path": str(WATCHLIST)},
        "fetch": {"allow_networks": ["127.0.0.1/32"], "retries": 0, "deadline_s": 20.0, "per_host_concurrency": 4,
                  **(fetch or {})},
        "poll": {"extract_workers": 0},
        "retention": {"batch_pause_s": 0.0, **retention},
        "feeds": [{"name": "Gen", "url": site.url("/gen/feed.xml"), "sitemap": site.url("/gen/sitemap.xml")}],
    }, base_dir=tmp_path)


def page_hits(site: GeneratedSite) -> int:
    return sum(n for p, n in site.hits.items() if p.startswith("/gen/a/"))


async def test_deleted_articles_are_not_fetched_again_by_poll_or_backfill(gen_site, db_url, tmp_path) -> None:
    cfg = site_settings(gen_site, db_url, tmp_path, articles_days=1, flagged_days=1)
    s = summarize(await run_cycle_plain(cfg))
    assert s["articles_new"] == 12 and s["flagged"] >= 4
    store = Store(cfg.database_url)
    # Two weeks later every article is past both limits; the newest (top id) stays on SQLite.
    rep = prune(store, cfg.retention, now=published(11) + timedelta(days=14))
    kept = 1 if store.dialect == "sqlite" else 0
    assert rep.step("delete")["articles"] == 12 - kept and rep.step("delete")["flagged"] >= 3
    fetched = page_hits(gen_site)

    gen_site.bump()  # the feed changes: parsed again, still listing all twelve
    s2 = summarize(await run_cycle_plain(cfg, force=True))
    assert s2["articles_new"] == 0 and s2["articles_duplicate"] == 12
    summary = await run_backfill_plain(cfg, since=published(0).date(), until=published(11).date(), source="sitemap",
                                       workers=0)
    assert summary["articles_new"] == 0 and summary["articles_duplicate"] == 12
    assert page_hits(gen_site) == fetched  # no page requested again
    assert count(store, Article) == kept
    store.close()


async def test_backfill_stored_says_per_article_that_the_page_was_dropped(gen_site, db_url, tmp_path, capsys):
    cfg = site_settings(gen_site, db_url, tmp_path, raw_days=7)
    await run_cycle_plain(cfg)
    store = Store(cfg.database_url)
    dropped_at = published(11) + timedelta(days=10)
    assert prune(store, cfg.retention, now=dropped_at).step("drop_raw")["articles"] == 12
    with store.engine.begin() as conn:  # a new extractor version: every article is stale
        conn.execute(Article.__table__.update().values(extractor_version="older"))
        # ...and one never kept a page (a failed fetch): the generic message
        conn.execute(Article.__table__.update().where(Article.__table__.c.url == gen_site.article_url(3))
                     .values(raw_dropped_at=None, status="failed", reason="HTTP 404"))
    path = write_config(tmp_path / "newsmon.toml", {
        "database": {"url": db_url}, "watchlist": {"path": str(WATCHLIST)}, "poll": {"extract_workers": 0},
        "feeds": [{"name": "Gen", "url": gen_site.url("/gen/feed.xml")}]})
    assert await asyncio.to_thread(main, ["backfill", "--config", str(path), "--since", "2026-11-01", "--until",
                                          "2026-11-30", "--source", "stored", "--no-prefect"]) == 0
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    per_article = {ln["url"]: ln["reason"] for ln in lines if ln["event"] == "not_reextracted"}
    assert len(per_article) == 12
    day = dropped_at.date().isoformat()
    for i in range(12):
        expected = (f"page not kept (dropped by retention on {day}): re-extraction needs a refetch" if i != 3 else
                    "no page kept (the fetch failed: HTTP 404): re-extraction needs a refetch")
        assert per_article[gen_site.article_url(i)] == expected
    summary = lines[-1]
    assert summary["event"] == "summary" and summary["no_raw"] == 12 and summary["reextracted"] == 0
    store.close()


async def test_poll_cycle_runs_while_a_prune_deletes(db_url, tmp_path) -> None:
    """A prune of 1,000 articles runs in another thread, batch after batch, while a poll cycle
    stores 30 articles: both finish, nothing is lost. The prune is held (between batches,
    never inside one) near its end until the cycle is done, so they surely overlap."""
    with GeneratedSite(30) as site:
        cfg = site_settings(site, db_url, tmp_path, articles_days=30, batch_size=20)
        store = Store(cfg.database_url)
        store.check()
        store.save_articles([(rec(n, days_old=100, original_url=None, final_url=None,
                                  raw_html=b"<p>x</p>" * 200), []) for n in range(1000)])
        started, cycle_done = threading.Event(), threading.Event()
        batches = []

        def between(action: str) -> None:
            batches.append((action, cycle_done.is_set()))
            started.set()
            if len(batches) >= 1000 // 20 - 3:
                cycle_done.wait(300)  # the last batches only after the cycle

        result: dict = {}

        def run_prune() -> None:
            pruner = Store(cfg.database_url)
            try:
                result["report"] = prune(pruner, cfg.retention, now=NOW, between_batches=between)
            except BaseException as e:  # pragma: no cover - reported below
                result["error"] = e
                started.set()
            finally:
                pruner.close()

        t = threading.Thread(target=run_prune)
        t.start()
        assert started.wait(300)
        try:
            s = summarize(await run_cycle_plain(cfg))
        finally:
            cycle_done.set()
            await asyncio.to_thread(t.join, 300)
        assert "error" not in result, result.get("error")
        assert s["articles_new"] == 30 and s["articles_failed"] == 0 and s["feeds_failed"] == 0
        rep = result["report"]
        # All 1,000 (on SQLite the last old one too: the cycle's articles are newer rows).
        assert rep.step("delete")["articles"] == 1000
        before_end = [b for b in batches if not b[1]]
        assert len(before_end) >= 2 and len(batches) > len(before_end)  # batches before and after the cycle
        assert count(store, Article) == 30
        assert {r["url"] for r in store.export_rows()} >= {site.article_url(i) for i in range(30)}
        store.close()


def cli_config(tmp_path: Path, db_url: str, **retention) -> str:
    data = {"database": {"url": db_url}, "watchlist": {"path": str(WATCHLIST)}}
    if retention:
        data["retention"] = retention
    return str(write_config(tmp_path / "newsmon.toml", data))


def test_prune_cli_prints_counts_and_bytes_and_gives_space_back(db_url, tmp_path, capsys) -> None:
    import random
    store = Store(db_url)
    store.check()
    now = datetime.now(UTC)  # the command prunes against the clock
    store.save_articles([(rec(n, days_old=100 if n < 150 else 1, now=now, raw_html=random.Random(n).randbytes(100_000),
                              original_url=None, final_url=None), flag("samsung") if n % 10 == 0 else [])
                         for n in range(200)])
    store.close()
    cfg = cli_config(tmp_path, db_url, articles_days=30, raw_days=0, batch_pause_s=0.0)

    assert main(["prune", "--config", cfg, "--dry-run"]) == 0
    dry = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert main(["prune", "--config", cfg]) == 0
    real = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    by = {ln.get("action", ln["event"]): ln for ln in real}
    dry_by = {ln.get("action", ln["event"]): ln for ln in dry}
    # 135 old unflagged articles deleted, 15 old flagged ones kept; then every kept page dropped.
    assert by["delete"]["articles"] == dry_by["delete"]["articles"] == 135
    assert by["drop_raw"]["articles"] == dry_by["drop_raw"]["articles"] == 65
    assert by["delete"]["bytes"] == dry_by["delete"]["bytes"] > 135 * 100_000
    assert by["summary"]["bytes"] == by["delete"]["bytes"] + by["drop_raw"]["bytes"]
    assert all(ln["dry_run"] for ln in dry) and not any(ln["dry_run"] for ln in real)
    rec_line = by["reclaim"]
    if db_url.startswith("sqlite"):
        # The freed pages went back to the file system: the file shrank by about what was deleted.
        assert rec_line["method"] == "incremental_vacuum" and rec_line["free_bytes"] == 0
        assert rec_line["reclaimed_bytes"] >= 0.9 * 200 * 100_000
        assert rec_line["bytes_after"] < rec_line["bytes_before"] / 5
        assert rec_line["wal_bytes"] == 0
    else:
        assert rec_line["method"] == "vacuum_analyze" and "article" in rec_line["tables"]
    # The database still works and says what it holds.
    assert main(["stats", "--config", cfg]) == 0
    stats = json.loads(capsys.readouterr().out.splitlines()[0])
    assert (stats["articles"], stats["flagged"], stats["pages_kept"], stats["pages_dropped"]) == (65, 20, 0, 65)
    assert stats["tombstones"] == 135


def test_prune_cli_without_retention_deletes_nothing(db_url, tmp_path, capsys) -> None:
    store = Store(db_url)
    store.check()
    store.save_article(rec(1, days_old=5000), [])
    store.close()
    cfg = cli_config(tmp_path, db_url)
    assert main(["prune", "--config", cfg]) == 0
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert lines[-1]["articles_deleted"] == 0 and "nothing is deleted" in lines[-1]["note"]
    store = Store(db_url)
    [art] = list(store.iter_articles(with_raw=True))
    assert art.raw_html and art.raw_dropped_at is None
    store.close()


def test_stats_per_feed_and_month_and_size(db_url, tmp_path, capsys) -> None:
    store = Store(db_url)
    store.check()
    # Herald: odd n; Times: even n. Months by publication date (UTC).
    for n, when in enumerate([datetime(2026, 10, 31, 23, 30, tzinfo=UTC), datetime(2026, 11, 1, 0, 30, tzinfo=UTC),
                              datetime(2026, 11, 15, tzinfo=UTC), datetime(2026, 11, 20, tzinfo=UTC)]):
        store.save_article(rec(n, days_old=0, published=when), flag("samsung") if n in (1, 2) else [])
    store.set_review(1, "relevant", note=None, reviewer="mina")
    store.close()
    cfg = cli_config(tmp_path, db_url, raw_days=30)
    assert main(["stats", "--config", cfg]) == 0
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    head = lines[0]
    assert head["event"] == "stats" and (head["articles"], head["flagged"], head["reviewed"]) == (4, 2, 1)
    assert head["database_bytes"] > 0 and head["bytes_per_article"] == round(head["database_bytes"] / 4)
    assert head["retention"]["raw_days"] == 30 and head["backend"] == ("sqlite" if "sqlite" in db_url else "postgresql")
    feeds = {ln["feed"]: ln for ln in lines if ln["event"] == "feed"}
    assert {k: (v["articles"], v["flagged"]) for k, v in feeds.items()} == {"Herald": (2, 1), "Times": (2, 1)}
    months = {ln["month"]: (ln["articles"], ln["flagged"]) for ln in lines if ln["event"] == "month"}
    assert months == {"2026-10": (1, 0), "2026-11": (3, 2)}
    tables = {ln["table"]: ln["bytes"] for ln in lines if ln["event"] == "table"}
    assert tables["article"] > 0 and "article_tombstone" in tables
    assert main(["stats", "--config", cfg, "--no-tables"]) == 0
    assert '"event": "table"' not in capsys.readouterr().out


def test_retention_settings_are_validated(tmp_path) -> None:
    from newsmon.errors import ConfigError
    with pytest.raises(ConfigError, match="flagged_days.*set articles_days too"):
        parse_settings({"retention": {"flagged_days": 30}})
    with pytest.raises(ConfigError, match=r"flagged_days \(10\) is less than articles_days \(30\)"):
        parse_settings({"retention": {"articles_days": 30, "flagged_days": 10}})
    with pytest.raises(ConfigError, match="retention.raw_day.*did you mean 'raw_days'"):
        parse_settings({"retention": {"raw_day": 30}})
    assert not parse_settings({}).retention.enabled
    assert parse_settings({"retention": {"log_days": 90}}).retention.enabled


def test_sqlite_database_made_before_0_2_gets_incremental_vacuum_on_upgrade(tmp_path, capsys) -> None:
    from tests.migration_helpers import load_0_1_0
    url = f"sqlite:///{tmp_path / 'old.db'}"
    load_0_1_0(url)
    with Store(url).engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA auto_vacuum").scalar_one() == 0
    cfg = cli_config(tmp_path, url, articles_days=1)
    assert main(["db", "upgrade", "--config", cfg]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["sqlite_auto_vacuum"]["vacuumed"] and out["sqlite_auto_vacuum"]["auto_vacuum"] == "incremental"
    store = Store(url)
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA auto_vacuum").scalar_one() == 2
        assert conn.execute(text("SELECT count(*) FROM article WHERE raw_dropped_at IS NOT NULL")).scalar_one() == 0
    assert main(["db", "upgrade", "--config", cfg]) == 0  # once: not again
    assert "sqlite_auto_vacuum" not in capsys.readouterr().out
    store.close()


def test_prune_vacuum_full_switches_an_old_sqlite_file(tmp_path, capsys) -> None:
    import sqlite3

    from models.migrate import upgrade
    from tests.migration_helpers import load_0_1_0
    url = f"sqlite:///{tmp_path / 'old.db'}"
    load_0_1_0(url)
    upgrade(url)
    # A current database whose file has auto_vacuum NONE (e.g. the upgrade's VACUUM failed
    # for lack of disk space).
    raw = sqlite3.connect(tmp_path / "old.db", isolation_level=None)
    raw.execute("PRAGMA auto_vacuum = NONE")
    raw.execute("VACUUM")
    assert raw.execute("PRAGMA auto_vacuum").fetchone()[0] == 0
    raw.close()
    cfg = cli_config(tmp_path, url, articles_days=1, flagged_days=1)
    assert main(["prune", "--config", cfg]) == 0
    reclaim = [json.loads(x) for x in capsys.readouterr().out.splitlines()][-2]
    assert reclaim["method"] == "none" and "newsmon prune --vacuum-full" in reclaim["note"]
    assert main(["prune", "--config", cfg, "--vacuum-full"]) == 0
    reclaim = [json.loads(x) for x in capsys.readouterr().out.splitlines()][-2]
    assert reclaim["method"] == "vacuum" and reclaim["auto_vacuum"] == "incremental"
    assert sqlite3.connect(tmp_path / "old.db").execute("PRAGMA auto_vacuum").fetchone()[0] == 2
