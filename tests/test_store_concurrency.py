"""Several threads and processes writing the same articles at once, on SQLite and PostgreSQL.

Expected: one row per article, complete mentions and aliases, every failure counted, and no
IntegrityError, deadlock or "database is locked" surfacing to the caller.
"""
from __future__ import annotations

import multiprocessing as mp
import random
import traceback
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from models.records import ArticleRecord, MentionRecord
from models.store import Store
from models.tables import Article, ArticleUrl, Mention
from newsmon.settings import FeedSettings
from tests.db_fixtures import db_url, store  # noqa: F401  (fixtures)

N_ARTICLES = 40
FAILURES_PER_WORKER = 10
ENTITIES = ["meta", "samsung-electronics", "lg-electronics", "sk-hynix", "yoon-suk-yeol"]


def make_rec(n: int) -> ArticleRecord:
    # Neighbouring articles share one alias (e.g. a syndication link), so concurrent
    # transactions also compete for article_url rows that belong to different articles.
    return ArticleRecord(
        url=f"https://wire.example/story/{n}", feed=f"feed-{n % 3}", title=f"Story {n}",
        text=f"Body {n}", original_url=f"https://wire.example/story/{n}?utm_source=feed",
        final_url=f"https://www.wire.example/story/{n}", aliases=[f"https://syndicated.example/{n // 2}"],
        raw_html=f"<html>{n}</html>".encode() * 20)


def make_mentions(n: int) -> list[MentionRecord]:
    return [MentionRecord(entity_id=e, count=n % 4 + 1, in_title=False, snippet=f"{e} in {n}", reason="alias")
            for e in ENTITIES[: n % len(ENTITIES) + 1]]


def _worker(url: str, order: list[int], barrier, queue) -> None:  # runs in a spawned process
    try:
        s = Store(url)
        barrier.wait(timeout=120)
        s.check()  # both processes create the schema at once on a fresh database
        s.sync_feeds([FeedSettings(name="shared", url="https://wire.example/rss")])
        saved = [(n, *s.save_article(make_rec(n), make_mentions(n))) for n in order]
        counts = [s.record_feed_poll("shared", ok=False, status="error", error="HTTP 503", http_status=503)
                  for _ in range(FAILURES_PER_WORKER)]
        s.close()
        queue.put(("ok", saved, counts))
    except BaseException as e:  # report everything: the parent asserts on it
        queue.put(("error", f"{type(e).__name__}: {e}\n{traceback.format_exc()}", []))


def check_database(s: Store, results: list[list[tuple[int, int, bool]]], failures: int) -> None:
    with s.session() as ses:
        n_art = ses.execute(select(func.count()).select_from(Article)).scalar_one()
        n_ment = ses.execute(select(func.count()).select_from(Mention)).scalar_one()
        n_urls = ses.execute(select(func.count()).select_from(ArticleUrl)).scalar_one()
    assert n_art == N_ARTICLES
    assert n_ment == sum(len(make_mentions(n)) for n in range(N_ARTICLES))
    assert n_urls == 3 * N_ARTICLES + (N_ARTICLES + 1) // 2  # 3 forms each + one shared alias per pair
    created = [(n, aid) for res in results for n, aid, c in res if c]
    assert sorted(n for n, _ in created) == list(range(N_ARTICLES))  # each created exactly once
    ids = {}
    for res in results:
        for n, aid, _ in res:
            assert ids.setdefault(n, aid) == aid  # every saver got the same id
    for a in s.iter_articles(batch=7):
        n = int(a.url.rsplit("/", 1)[1])
        assert a.id == ids[n]
        assert [m.entity_id for m in a.mentions] == sorted(m.entity_id for m in make_mentions(n))
        assert a.entities == sorted(m.entity_id for m in make_mentions(n))
    r = make_rec(7)
    assert s.known_urls([r.url, r.original_url, r.final_url]) == {r.url, r.original_url, r.final_url}
    assert s.feed_states()["shared"].consecutive_failures == failures


def test_threads_save_the_same_articles(store: Store) -> None:
    store.sync_feeds([FeedSettings(name="shared", url="https://wire.example/rss")])
    workers = 4

    def work(seed: int) -> list[tuple[int, int, bool]]:
        order = list(range(N_ARTICLES))
        random.Random(seed).shuffle(order)
        saved = [(n, *store.save_article(make_rec(n), make_mentions(n))) for n in order]
        for _ in range(FAILURES_PER_WORKER):
            store.record_feed_poll("shared", ok=False, status="error", error="timed out")
        return saved

    with ThreadPoolExecutor(workers) as ex:
        results = list(ex.map(work, range(workers)))
    check_database(store, results, workers * FAILURES_PER_WORKER)


def test_processes_save_the_same_articles(db_url: str) -> None:
    ctx = mp.get_context("spawn")
    barrier, queue = ctx.Barrier(2), ctx.Queue()
    # Different random orders: each process creates some articles and meets the other's
    # in-flight or committed rows for the rest (the same order lets one process lead throughout).
    orders = [random.Random(seed).sample(range(N_ARTICLES), N_ARTICLES) for seed in (1, 2)]
    procs = [ctx.Process(target=_worker, args=(db_url, order, barrier, queue)) for order in orders]
    for p in procs:
        p.start()
    try:
        outcomes = [queue.get(timeout=180) for _ in procs]
    finally:
        for p in procs:
            p.join(timeout=30)
            if p.is_alive():
                p.kill()
    errors = [o[1] for o in outcomes if o[0] != "ok"]
    assert not errors, errors[0]
    assert all(p.exitcode == 0 for p in procs)
    s = Store(db_url)
    try:
        check_database(s, [o[1] for o in outcomes], 2 * FAILURES_PER_WORKER)
        counts = sorted(c for o in outcomes for c in o[2])
        assert counts == list(range(1, 2 * FAILURES_PER_WORKER + 1))  # every increment seen once
    finally:
        s.close()


def test_opening_an_existing_database_never_waits_for_a_writer(tmp_path) -> None:
    """`newsmon export` / `feeds` / the inbox open the store while a cycle may hold the
    SQLite write lock: finding every table there takes no lock, so they do not wait."""
    import sqlite3

    url = f"sqlite:///{tmp_path / 'n.db'}"
    with Store(url) as first:
        first.check()  # creates the tables
    writer = sqlite3.connect(tmp_path / "n.db", isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # a cycle in the middle of a group commit
    try:
        # Waiting for the lock would end in "database is locked" after the busy timeout.
        with Store(url, sqlite_busy_timeout_s=0.5) as reader:
            reader.check()
            assert list(reader.export_rows()) == []
    finally:
        writer.execute("ROLLBACK")
        writer.close()
