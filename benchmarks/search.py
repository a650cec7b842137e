#!/usr/bin/env python3
"""Search latency on 100,000 stored articles, SQLite and PostgreSQL (issue 14: p95 <= 200 ms).

The corpus: half English, half Korean articles whose bodies are shuffled paragraphs of real
text, the English from the shared extraction corpora (``../shared/data/*/ground-truth.json``),
the Korean from the project's written Korean articles (``tests/fixtures/labels/written_ko.jsonl``)
and its Korean golden fixtures. A few names are planted at known rates so that rare terms
exist in both scripts (1 article in 1,000: 한화오션, 곽상도, Pathward). Titles are a
paragraph's first sentence; dates spread over a year; 20 feeds; 10 % of the articles are
decided. Flags come from the real matcher on the shared entity watchlist, so the inbox
holds what it would hold. Kept pages: an HTML page around the text (nav, scripts), compressed
by the store as in production (``--raw`` off to store none).

Articles are saved through ``Store.save_articles`` (the pipeline's path) with the search
index dropped, then the index is built over them by ``models.search_index.create`` (what the
migration adding it does on a filled database; 100,000 articles: ~4 minutes per backend instead
of ~30 for PostgreSQL with the index kept in step row by row), once: the database is cached
(SQLite: a file under ``/tmp/newsmon-bench-search``; PostgreSQL: the schema
``newsmon_bench_search_<n>_v<corpus>_<newest migration>`` of the test database) and reused by
later runs; ``--rebuild`` builds it again.

Measured, per backend, for a mix of queries (3+ character words, 2-character Korean terms,
two words, a phrase, rare and common, each with and without filters: entity, feed, 30 days,
state): the inbox (``Store.review_inbox(q=...)``: a page of 50 stories and the total) and
``Store.search`` (50 articles with snippets, as ``newsmon search``). Each query runs
``--repeat`` times after one warm-up; p50/p95/max over all runs, and per query. Also the
cost of keeping the index on writes: saving 1,000 articles into a fresh database with and
without the search index (the ratio of the two times, same run).
"""
from __future__ import annotations

import argparse
import json
import math
import os
import random
import re
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks.common import PG_ADMIN_URL, fresh_database

SHARED = REPO.parent / "shared" / "data"
CACHE = Path(os.environ.get("NEWSMON_BENCH_CACHE", "/tmp/newsmon-bench-search"))
CORPUS_VERSION = 2  # bump when the generated corpus changes: cached databases are rebuilt
NOW = datetime(2026, 12, 1, 0, 0, tzinfo=UTC)
FEEDS = [f"Feed {i:02d}" for i in range(20)]
RARE = {"ko": ["한화오션", "곽상도"], "en": ["Pathward"]}
RARE_RATE = 0.002  # per article of the language: 1 in 1,000 of all articles


# -- the corpus ----------------------------------------------------------------------------------

def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n+", text or "") if len(p.strip()) >= 30]


def paragraph_pools() -> dict[str, list[str]]:
    en: list[str] = []
    for name in ("wcxb-articles", "extraction-benchmark"):
        for page in json.loads((SHARED / name / "ground-truth.json").read_text(encoding="utf-8")).values():
            en.extend(_paragraphs(page.get("articleBody", "")))
    ko: list[str] = []
    for line in (REPO / "tests/fixtures/labels/written_ko.jsonl").read_text(encoding="utf-8").splitlines():
        d = json.loads(line)
        ko.extend(_paragraphs(d.get("text", "")))
    for f in sorted((REPO / "tests/fixtures/golden").glob("*.json")):
        exp = json.loads(f.read_text(encoding="utf-8")).get("expected") or {}
        if exp.get("language") == "ko":
            ko.extend(_paragraphs(exp.get("text", "")))
    return {"en": sorted(set(en)), "ko": sorted(set(ko))}


def generate(n: int, seed: int = 14):
    """(ArticleRecord, language) for ``n`` articles, deterministic for a seed."""
    from models.records import ArticleRecord

    rnd = random.Random(seed)
    pools = paragraph_pools()
    for i in range(n):
        lang = "ko" if i % 2 else "en"
        pool = pools[lang]
        paras = rnd.sample(pool, rnd.randint(5, 9) if lang == "ko" else rnd.randint(6, 12))
        for word in RARE[lang]:
            if rnd.random() < RARE_RATE:
                k = rnd.randrange(len(paras))
                paras[k] += f" {word}의 발언이 나왔다." if lang == "ko" else f" {word} said so."
        first = re.split(r"(?<=[.!?다])\s", paras[0], maxsplit=1)[0]
        title = first[:90]
        body = "\n\n".join(paras[1:])
        when = NOW - timedelta(seconds=rnd.randrange(365 * 86400))
        yield ArticleRecord(url=f"https://bench{i % 20}.example/{lang}/{i}", feed=FEEDS[i % 20], title=title,
                            text=body, published=when, language=lang, status="ok", http_status=200,
                            raw_html=None, encoding="utf-8"), lang


def page_html(title: str, body: str) -> bytes:
    nav = "".join(f'<li><a href="/section/{k}">Section {k}</a></li>' for k in range(60))
    script = "<script>window.dataLayer=window.dataLayer||[];" + "x();" * 400 + "</script>"
    paras = "".join(f"<p>{p}</p>" for p in body.split("\n\n"))
    return (f"<!doctype html><html><head><title>{title}</title>{script}</head><body><nav><ul>{nav}</ul></nav>"
            f"<article><h1>{title}</h1>{paras}</article><footer>{nav}</footer></body></html>").encode()


def build(url: str, n: int, *, raw: bool, batch: int = 500) -> dict:
    """Store ``n`` generated articles (with flags from the real matcher) and some decisions."""
    from dataclasses import replace

    from flows.cycle import mention_records
    from models import search_index
    from models.store import Store
    from watch import Matcher, load_watchlist

    matcher = Matcher(load_watchlist(SHARED / "entities" / "watchlist.toml"))
    store = Store(url)
    store.check()
    t0 = time.perf_counter()
    # The search index is built once after the articles are stored, as the migration that
    # adds it builds it over a filled database: keeping it in step row by row made the
    # PostgreSQL build take ~30 minutes (every GIN insert; ``write_cost`` measures that cost).
    with store.engine.begin() as conn:
        search_index.drop(conn)
    items = []
    flagged = 0
    for rec, _lang in generate(n):
        if raw:
            rec = replace(rec, raw_html=page_html(rec.title or "", rec.text or ""))
        mentions = mention_records(matcher.match(rec.title or "", rec.text or ""))
        flagged += bool(mentions)
        items.append((rec, mentions))
        if len(items) >= batch:
            store.save_articles(items)
            items = []
    if items:
        store.save_articles(items)
    with store.engine.begin() as conn:
        search_index.create(conn)
    rnd = random.Random(7)
    with store.engine.connect() as conn:
        ids = [r[0] for r in conn.exec_driver_sql("SELECT id FROM article ORDER BY id")]
    decided = rnd.sample(ids, n // 10)
    for k in range(0, len(decided), 500):
        chunk = decided[k:k + 500]
        store.set_review_many(chunk, rnd.choice(["relevant", "irrelevant", "escalated"]), reviewer="bench",
                              scope="article")
    if store.dialect == "postgresql":
        with store.engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")
    secs = time.perf_counter() - t0
    store.close()
    return {"articles": n, "flagged": flagged, "build_s": round(secs, 1)}


# -- cached databases -------------------------------------------------------------------------

def _pg_conninfo() -> str:
    from sqlalchemy.engine import make_url
    u = make_url(PG_ADMIN_URL)
    return (f"host={u.host or '127.0.0.1'} port={u.port or 5432} user={u.username or 'postgres'} "
            f"dbname={u.database or 'postgres'} connect_timeout=5")


def cached_database(kind: str, n: int, *, raw: bool, rebuild: bool) -> tuple[str, dict]:
    """URL of the cached corpus database (built first if missing or stale) and its build figures.

    Keyed by the corpus version and the schema's newest migration: a newsmon whose schema
    (or search index) differs builds its own, so a cache never measures another layout, and
    the older one stays to measure the older code against."""
    from models.migrate import script_directory

    head = script_directory().get_current_head()
    tag = f"{n}_v{CORPUS_VERSION}_{head}{'' if raw else '_noraw'}"
    CACHE.mkdir(parents=True, exist_ok=True)
    meta_path = CACHE / f"{kind}-{tag}.json"
    if kind == "sqlite":
        path = CACHE / f"search-{tag}.db"
        url = f"sqlite:///{path}"
        if rebuild or not meta_path.exists() or not path.exists():
            for p in CACHE.glob(f"search-{tag}.db*"):
                p.unlink()
            meta_path.unlink(missing_ok=True)
            meta = build(url, n, raw=raw)
            meta_path.write_text(json.dumps(meta))
        return url, json.loads(meta_path.read_text())
    import psycopg
    from psycopg import sql
    from sqlalchemy.engine import make_url

    schema = f"newsmon_bench_search_{tag}"
    url = make_url(PG_ADMIN_URL).update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
        hide_password=False)
    with psycopg.connect(_pg_conninfo(), autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", (schema,)).fetchone()
        if rebuild or not exists or not meta_path.exists():
            admin.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema)))
            admin.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
            meta_path.unlink(missing_ok=True)
    if not meta_path.exists():
        meta = build(url, n, raw=raw)
        meta_path.write_text(json.dumps(meta))
    return url, json.loads(meta_path.read_text())


# -- queries ------------------------------------------------------------------------------------------

QUERIES = [  # (label, q): the mix
    ("ko 4ch common", "삼성전자"),
    ("ko 4ch rare", "한화오션"),
    ("ko 3ch", "반도체"),
    ("ko 2ch common", "삼성"),
    ("ko 2ch", "메타"),
    ("ko 2ch rare", "곽상"),
    ("ko 2ch mid-word", "전자"),
    ("ko two words", "삼성전자 반도체"),
    ("ko 2ch + word", "메타 저커버그"),
    ("en common", "president"),
    ("en rare", "pathward"),
    ("en two words", "trump election"),
    ("en phrase", '"interest rates"'),
    ("en 2ch", "ai"),
]
FILTERS = [  # (label, filters): each query runs with each
    ("none", {}),
    ("entity", {"entity": "samsung"}),
    ("feed", {"feed": "Feed 07"}),
    ("30 days", {"since": NOW - timedelta(days=30)}),
    ("state new", {"state": "new"}),
]


def pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, max(0, math.ceil(p / 100 * len(s)) - 1))]  # nearest rank


def measure(url: str, repeat: int) -> dict:
    from models.store import Store
    from newsmon.settings import SearchSettings

    settings = SearchSettings()
    store = Store(url)
    store.check()
    out: dict = {"inbox": {}, "search": {}, "matches": {}}
    try:
        for label, q in QUERIES:
            query = settings.parse(q)
            for flabel, f in FILTERS:
                key = f"{label} | {flabel}"
                calls = {"inbox": lambda query=query, f=f: store.review_inbox(
                             q=query, limit=50, count_cap=settings.count_stories, **f),
                         "search": lambda query=query, f=f: store.search(query, limit=50,
                                                                         snippet_chars=settings.snippet_chars, **f)}
                for path, call in calls.items():
                    result = call()  # warm-up
                    if path == "inbox":
                        out["matches"][key] = result[1]
                    times = []
                    for _ in range(repeat):
                        t = time.perf_counter()
                        call()
                        times.append((time.perf_counter() - t) * 1000)
                    out[path][key] = times
        # The inbox without a search, for comparison.
        base = []
        for _ in range(repeat):
            t = time.perf_counter()
            store.review_inbox(limit=50)
            base.append((time.perf_counter() - t) * 1000)
        out["inbox_without_q"] = base
    finally:
        store.close()
    return out


def summary(times: dict[str, list[float]]) -> dict:
    every = [t for ts in times.values() for t in ts]
    return {"runs": len(every), "p50_ms": round(statistics.median(every), 1), "p95_ms": round(pct(every, 95), 1),
            "max_ms": round(max(every), 1)}


def write_cost(kind: str, n: int) -> dict:
    """Seconds to save ``n`` generated articles into a fresh database, with and without the index."""
    from models import search_index
    from models.store import Store

    items = [(rec, []) for rec, _ in generate(n, seed=99)]
    out = {}
    for with_index in (False, True, False, True):
        with tempfile.TemporaryDirectory() as tmp, fresh_database(kind, Path(tmp)) as url:
            store = Store(url)
            store.check()
            if not with_index:
                with store.engine.begin() as conn:
                    search_index.drop(conn)
            t = time.perf_counter()
            for k in range(0, n, 100):
                store.save_articles(items[k:k + 100])
            out.setdefault("with" if with_index else "without", []).append(time.perf_counter() - t)
            store.close()
    w, wo = min(out["with"]), min(out["without"])
    return {"articles": n, "with_index_s": round(w, 2), "without_index_s": round(wo, 2), "ratio": round(w / wo, 2)}


def size_figures(url: str) -> dict:
    from sqlalchemy import create_engine
    e = create_engine(url)
    try:
        with e.connect() as conn:
            if conn.dialect.name == "postgresql":
                row = conn.exec_driver_sql(
                    "SELECT pg_relation_size('ix_article_search_trgm'), pg_relation_size('ix_article_search_bigram'),"
                    " pg_total_relation_size('article')").one()
                return {"trigram_index_mb": round(row[0] / 2**20, 1), "bigram_index_mb": round(row[1] / 2**20, 1),
                        "article_total_mb": round(row[2] / 2**20, 1)}
            from sqlalchemy.exc import OperationalError
            try:  # dbstat is compiled into most SQLite builds, not all
                fts = conn.exec_driver_sql("SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'article_search%'").scalar()
            except OperationalError:
                fts = None
            page = conn.exec_driver_sql("PRAGMA page_size").scalar() * conn.exec_driver_sql("PRAGMA page_count").scalar()
            return {"fts_mb": round(fts / 2**20, 1) if fts else None, "database_mb": round(page / 2**20, 1)}
    finally:
        e.dispose()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    ap.add_argument("--articles", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--rebuild", action="store_true")
    ap.add_argument("--no-raw", dest="raw", action="store_false", help="store no kept pages")
    ap.add_argument("--build-only", action="store_true")
    ap.add_argument("--write-cost", type=int, default=1000, help="articles for the write-cost figure (0: skip)")
    ap.add_argument("--json", action="store_true", help="print the raw figures too")
    a = ap.parse_args(argv)
    kinds = ["sqlite", "postgresql"] if a.db == "both" else [a.db]
    report = {"load_average": os.getloadavg()}
    for kind in kinds:
        url, meta = cached_database(kind, a.articles, raw=a.raw, rebuild=a.rebuild)
        print(f"[{kind}] corpus: {json.dumps(meta)}", flush=True)
        if a.build_only:
            continue
        m = measure(url, a.repeat)
        r = {"corpus": meta, "size": size_figures(url), "inbox": summary(m["inbox"]),
             "search": summary(m["search"]), "inbox_without_q": summary({"": m["inbox_without_q"]})}
        # Per query class (a query with each of the filters): p50/p95/max over its runs.
        r["per_class"] = {label: {path: summary({k: v for k, v in m[path].items() if k.startswith(f"{label} | ")})
                                  for path in ("inbox", "search")} for label, _ in QUERIES}
        r["per_query"] = {k: {"inbox_p50_ms": round(statistics.median(m["inbox"][k]), 1),
                              "inbox_max_ms": round(max(m["inbox"][k]), 1),
                              "search_p50_ms": round(statistics.median(m["search"][k]), 1),
                              "search_max_ms": round(max(m["search"][k]), 1),
                              "matching_stories": m["matches"][k]} for k in m["inbox"]}
        if a.write_cost:
            r["write_cost"] = write_cost(kind, a.write_cost)
        report[kind] = r
        print(f"[{kind}] inbox with q: {r['inbox']}  search: {r['search']}  inbox without q: "
              f"{r['inbox_without_q']}  size: {r['size']}  write cost: {r.get('write_cost')}", flush=True)
        for label, v in r["per_class"].items():
            print(f"[{kind}]   {label:16s} inbox p50/p95/max {v['inbox']['p50_ms']}/{v['inbox']['p95_ms']}/"
                  f"{v['inbox']['max_ms']} ms   search {v['search']['p50_ms']}/{v['search']['p95_ms']}/"
                  f"{v['search']['max_ms']} ms", flush=True)
        worst = sorted(r["per_query"].items(), key=lambda kv: -kv[1]["inbox_max_ms"])[:8]
        for k, v in worst:
            print(f"[{kind}]   slowest: {k:32s} {v}", flush=True)
    report["load_average_after"] = os.getloadavg()
    print(f"load average before {report['load_average']}, after {report['load_average_after']}")
    if a.json:
        print(json.dumps(report, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
