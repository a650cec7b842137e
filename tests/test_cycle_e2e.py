"""The backbone end to end: a real HTTP server on 127.0.0.1 serving the sample site,
two poll cycles, on SQLite and on PostgreSQL (``db_url`` is parametrised)."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from flows.cycle import summarize
from flows.runtime import run_cycle_plain
from models.store import Store
from newsmon.sample_server import SAMPLE_SITE, SampleSite
from newsmon.settings import parse_settings

REPO = Path(__file__).resolve().parent.parent
FEEDS = [("Herald", "/feeds/herald-business.xml", "Asia/Seoul"), ("Daily", "/feeds/daily-tech.atom", "UTC"),
         ("Korean", "/feeds/korean.rdf", "Asia/Seoul"), ("Wire", "/feeds/wire.json", "UTC"),
         ("Broken", "/feeds/broken.xml", "UTC")]


@pytest.fixture
def site(tmp_path):
    root = tmp_path / "site"
    shutil.copytree(SAMPLE_SITE, root)
    (root / "feeds" / "broken.xml").write_bytes(b"<?xml version='1.0'?><rss><channel><item><title>x</b>")
    with SampleSite(root) as s:
        yield s


def make_settings(site: SampleSite, db_url: str, tmp_path: Path, workers: int = 0, **fetch):
    return parse_settings({
        "database": {"url": db_url},
        "watchlist": {"path": str(REPO / "watchlists" / "default.toml")},
        "fetch": {"allow_networks": ["127.0.0.1/32"], "deadline_s": 10.0, "retries": 0, **fetch},
        "poll": {"extract_workers": workers},
        "feeds": [{"name": n, "url": site.url(p), "timezone": tz} for n, p, tz in FEEDS],
    }, base_dir=tmp_path)


def by_path(rows, site):
    return {r["url"].removeprefix(site.base): r for r in rows}


def named(row) -> list[str]:
    """Flagged entities without topics (the default watchlist also tracks topics)."""
    return [e for e in row["entities"] if not e.startswith("topic_")]


async def test_two_cycles_end_to_end(site, db_url, tmp_path):
    settings = make_settings(site, db_url, tmp_path)
    reports = await run_cycle_plain(settings)
    summary = summarize(reports)
    store = Store(settings.database_url)
    rows = by_path(list(store.export_rows()), site)

    # Every story once, under its canonical URL (tracking parameters gone), whichever feed listed it.
    ok = {p for p, r in rows.items() if r["status"] == "ok"}
    assert ok == {"/articles/samsung-hbm.html", "/articles/meta-seoul.html", "/articles/lg-cho.html",
                  "/articles/nec-audit.html", "/articles/metaverse.html"}
    assert site.hits["/articles/samsung-hbm.html"] == 1  # listed by two feeds, fetched once
    assert site.hits["/articles/nec-audit.html"] == 1

    # robots.txt disallows /private/: never requested, recorded with the reason.
    assert site.hits["/private/internal-memo.html"] == 0
    assert "/private/internal-memo.html" not in rows
    outcomes = [o for o in store.fetch_outcomes() if o.url.endswith("/private/internal-memo.html")]
    assert outcomes and outcomes[0].outcome == "blocked" and "robots" in outcomes[0].error
    assert summary["articles_skipped"] == 1

    # Flags come from title + body only: the sidebars name LG, Yoon, NEC, Samsung, Meta.
    assert named(rows["/articles/samsung-hbm.html"]) == ["samsung", "sk_hynix"]
    assert named(rows["/articles/meta-seoul.html"]) == ["lee_jaeyong", "meta", "samsung", "zuckerberg"]
    assert named(rows["/articles/lg-cho.html"]) == ["cho_joowan", "lg"]
    assert named(rows["/articles/nec-audit.html"]) == ["nec", "yoon"]
    assert named(rows["/articles/metaverse.html"]) == []  # metaverse, meta-analysis, Metadata

    # EUC-KR page (charset only in the HTTP header and meta) decoded right, sidebar gone.
    lg = rows["/articles/lg-cho.html"]
    assert "조주완 사장이 27일" in lg["text"] and "많이 본 뉴스" not in lg["text"]
    assert lg["language"] == "ko"
    assert lg["published"].startswith("2026-11-27T01:15:00")  # 10:15 KST

    hbm = rows["/articles/samsung-hbm.html"]
    assert hbm["published"].startswith("2026-11-27T00:30:00")
    assert "Most Viewed" not in hbm["text"] and "All rights reserved" not in hbm["text"]
    assert hbm["title"] == "Samsung Electronics wins HBM order as SK hynix expands capacity"

    # The broken feed is recorded with the parser's reason; the others went on.
    assert summary["feeds_failed"] == 1 and summary["failures"][0]["feed"] == "Broken"
    states = store.feed_states()
    assert states["Broken"].consecutive_failures == 1 and "malformed" in states["Broken"].last_error
    assert states["Herald"].etag and states["Herald"].last_status == "ok"
    assert summary["flagged"] == 4

    # Second cycle: conditional GETs answer 304, nothing is refetched, nothing changes.
    page_hits = {p: n for p, n in site.hits.items() if p.startswith("/articles/")}
    reports2 = await run_cycle_plain(settings, force=True)
    s2 = summarize(reports2)
    assert s2["feeds_not_modified"] == 4 and s2["articles_new"] == 0
    assert {p: n for p, n in site.hits.items() if p.startswith("/articles/")} == page_hits
    assert sorted(map(str, store.export_rows())) == sorted(map(str, rows.values()))


async def test_new_entries_after_feed_changes_and_dedup_of_known(site, db_url, tmp_path):
    settings = make_settings(site, db_url, tmp_path)
    await run_cycle_plain(settings)
    # The feed changes (new ETag) and now also lists an already stored story under another URL form.
    feed = site.root / "feeds" / "herald-business.xml"
    feed.write_text(feed.read_text().replace(
        "</channel>", "<item><title>dup</title><link>{base}/articles/meta-seoul.html?utm_source=x#c</link>"
        "</item></channel>"))
    before = site.hits["/articles/meta-seoul.html"]
    s = summarize(await run_cycle_plain(settings, force=True))
    assert site.hits["/articles/meta-seoul.html"] == before  # known by canonical form: not fetched
    assert s["articles_new"] == 0 and s["articles_duplicate"] >= 1


async def test_cycle_with_process_pool(site, db_url, tmp_path):
    """The production path: extraction and matching in worker processes."""
    settings = make_settings(site, db_url, tmp_path, workers=2)
    s = summarize(await run_cycle_plain(settings))
    assert s["articles_new"] == 5 and s["flagged"] == 4


async def test_extraction_processes_start_when_articles_are_new_only(site, db_url, tmp_path, monkeypatch):
    """The pool's processes start (all of them, once) when a feed lists unknown articles,
    before any page is ready; a cycle with nothing new starts none."""
    from flows import worker

    started: list[int] = []
    real = worker.Pool.start_workers

    def counting(self) -> None:
        started.append(self.workers)
        real(self)

    monkeypatch.setattr(worker.Pool, "start_workers", counting)
    settings = make_settings(site, db_url, tmp_path, workers=2)
    assert summarize(await run_cycle_plain(settings))["articles_new"] == 5
    assert started and set(started) == {2}  # asked by each feed with news; started once
    started.clear()
    assert summarize(await run_cycle_plain(settings, force=True))["articles_new"] == 0
    assert started == []


def test_pool_start_workers_starts_every_process_once(tmp_path):
    from flows.worker import Pool, ingest_page, make_executor
    from watch import load_watchlist

    pool = make_executor(load_watchlist(REPO / "watchlists" / "default.toml"), 2)
    assert isinstance(pool, Pool)
    try:
        pool.start_workers()
        pool.start_workers()
        assert len(pool._processes) == 2  # both started before any job of the cycle
        from flows.worker import _WARM_JOB
        ex, _match, blob, fp = pool.submit(ingest_page, _WARM_JOB).result(timeout=60)
        assert ex.status == "ok" and "city council" in ex.text and fp is not None and len(blob) > 0
        assert len(pool._processes) == 2
    finally:
        pool.shutdown(wait=True)
