#!/usr/bin/env python3
"""Entity pages and the inbox's prominence order on a large archive: query and page times.

usage: .venv/bin/python benchmarks/entity_pages.py [--articles 100000] [--entities 200]
       [--days 365] [--db sqlite|postgresql] [--rounds 5] [--json]

1. **build**: ``--articles`` flagged articles spread evenly over ``--days`` days, each
   flagging 1-4 of ``--entities`` entities (a Zipf-like spread: a few entities are in
   many articles, as in real coverage) with a prominence score; inserted in bulk with
   SQLAlchemy Core (the save path is measured by ``ingest.py``).
2. **queries** (median of ``--rounds``, after one warm-up): the inbox sparklines (every
   entity, 30 days: one GROUP BY), one entity's chart over 30 and 365 days, its
   co-flagged entities over 365 days, its latest 20 stories (also for a typical entity),
   and the first inbox page (50 stories) by time and by prominence.
3. **pages**: the same through the web app (``GET /`` with the sparklines,
   ``GET /entity/<id>?days=365``), rendered by FastAPI's TestClient in this process.

Days are in Asia/Seoul (the offset arithmetic of SQLite's path). Figures only: nothing is
asserted. The load average is printed with the figures: the machine is shared.
"""
from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import fresh_database, loadavg  # noqa: E402

TZ = "Asia/Seoul"
END = datetime(2026, 12, 1, 0, 0, tzinfo=timezone.utc)


def build(store, n_articles: int, n_entities: int, days: int, seed: int = 14) -> list[str]:
    from sqlalchemy import insert, select

    from models.tables import Article, Mention

    rng = random.Random(seed)
    entities = [f"e{i:04d}" for i in range(n_entities)]
    weights = [1 / (i + 1) for i in range(n_entities)]  # Zipf-like: e0000 is the busiest
    span = days * 86400
    chunk = 2000
    with store.engine.begin() as conn:
        for start in range(0, n_articles, chunk):
            rows, flags = [], []
            for i in range(start, min(start + chunk, n_articles)):
                when = END - timedelta(seconds=span * (i + 0.5) / n_articles)
                ents = sorted(set(rng.choices(entities, weights, k=rng.randint(1, 4))))
                rows.append({"url_hash": f"{i:064x}", "url": f"https://bench.example/{i}", "feed": f"feed{i % 40}",
                             "title": f"story {i}", "status": "ok", "published": when, "fetched_at": when,
                             "authors": [], "notes": [], "meta": {}, "entities": ents})
                flags.append(ents)
            conn.execute(insert(Article.__table__), rows)
            ids = conn.execute(select(Article.__table__.c.id, Article.__table__.c.url_hash)
                               .where(Article.__table__.c.url_hash.in_([r["url_hash"] for r in rows]))).all()
            by_hash = {h: i for i, h in ids}
            mrows = [{"article_id": by_hash[r["url_hash"]], "entity_id": e, "count": 1, "in_title": False,
                      "snippet": "", "reason": "", "details": [], "prominence": rng.randint(0, 100),
                      "prominence_parts": {"headline": 0}}
                     for r, ents in zip(rows, flags) for e in ents]
            conn.execute(insert(Mention.__table__), mrows)
    if store.dialect == "postgresql":
        with store.engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")
    return entities


def timed(fn: Callable[[], object], rounds: int) -> float:
    fn()  # warm-up
    out = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return statistics.median(out) * 1000


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--articles", type=int, default=100_000)
    ap.add_argument("--entities", type=int, default=200)
    ap.add_argument("--days", type=int, default=365)
    ap.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()

    from fastapi.testclient import TestClient

    from models.store import Store
    from newsmon.settings import parse_settings
    from review.digest import day_bounds
    from review.web import create_app

    with tempfile.TemporaryDirectory() as tmp, fresh_database(args.db, Path(tmp)) as url:
        store = Store(url)
        store.check()
        t0 = time.perf_counter()
        entities = build(store, args.articles, args.entities, args.days)
        build_s = time.perf_counter() - t0
        busy = entities[0]
        typical = entities[len(entities) // 2]  # (Zipf: the median entity is in ~0.3 % of the articles)
        last = (END - timedelta(seconds=1)).astimezone(__import__("zoneinfo").ZoneInfo(TZ)).date()

        def bounds(n: int) -> tuple[datetime, datetime]:
            return day_bounds(last - timedelta(days=n - 1), TZ)[0], day_bounds(last, TZ)[1]

        s30, s365 = bounds(30), bounds(365)
        n_busy = sum(store.mentions_per_day(*s365, TZ, [busy]).get(busy, {}).values())
        q = {
            "sparklines_all_entities_30d": lambda: store.mentions_per_day(*s30, TZ),
            "entity_chart_30d": lambda: store.mentions_per_day(*s30, TZ, [busy]),
            "entity_chart_365d": lambda: store.mentions_per_day(*s365, TZ, [busy]),
            "co_flagged_365d": lambda: store.co_flagged(busy, *s365),
            "entity_latest_20_stories_365d": lambda: store.review_inbox(entity=busy, since=s365[0], until=s365[1],
                                                                        limit=20),
            "typical_entity_latest_20_365d": lambda: store.review_inbox(entity=typical, since=s365[0],
                                                                        until=s365[1], limit=20),
            "inbox_page_by_time": lambda: store.review_inbox(limit=50),
            "inbox_page_by_prominence": lambda: store.review_inbox(limit=50, sort="prominence"),
            "inbox_page_min_prominence_55": lambda: store.review_inbox(limit=50, min_prominence=55),
        }
        figures = {k: round(timed(fn, args.rounds), 1) for k, fn in q.items()}
        settings = parse_settings({"database": {"url": url}, "schedule": {"timezone": TZ},
                                   "web": {"sparkline_days": 30}}, base_dir=Path(tmp))
        names = {e: f"Entity {e}" for e in entities}
        client = TestClient(create_app(settings, store=store, entity_names=names), base_url="http://127.0.0.1:8765")
        end_day = last.isoformat()
        since_365 = (last - timedelta(days=364)).isoformat()

        def get(path: str) -> None:
            r = client.get(path)
            assert r.status_code == 200, (path, r.status_code, r.text[:200])

        figures["page_inbox_with_sparklines"] = round(timed(lambda: get("/"), args.rounds), 1)
        figures["page_entity_365d"] = round(timed(lambda: get(f"/entity/{busy}?since={since_365}&until={end_day}"),
                                                  args.rounds), 1)
        figures["page_typical_entity_365d"] = round(timed(
            lambda: get(f"/entity/{typical}?since={since_365}&until={end_day}"), args.rounds), 1)
        store.close()
    result = {"db": args.db, "articles": args.articles, "entities": args.entities, "days": args.days,
              "busiest_entity_articles_365d": n_busy, "build_s": round(build_s, 1), "ms": figures,
              "loadavg": loadavg(), "date": date.today().isoformat()}
    if args.json:
        print(json.dumps(result))
        return
    print(f"{args.db}: {args.articles:,} articles over {args.days} days, {args.entities} entities "
          f"(busiest: {n_busy:,} articles in 365 days); built in {build_s:.1f} s; load {result['loadavg']}")
    for k, v in figures.items():
        print(f"  {k:34s} {v:8.1f} ms (median of {args.rounds})")


if __name__ == "__main__":
    main()
