#!/usr/bin/env python3
"""Retention and backup benchmark: bytes per article before and after ``prune``, prune and
backup times, and how long a concurrent writer waits meanwhile.

usage: .venv/bin/python benchmarks/retention.py [--feeds 40] [--articles-per-feed 250]
       [--db sqlite|postgresql] [--json]

1. **build**: a loopback site of real pages (the shared extraction benchmark, each copy
   unique: ``common.py``) and ``newsmon run --no-prefect`` into a fresh database: 10,000
   articles by default, stored exactly as in production (extracted, matched, clustered,
   page kept zstd-compressed).
2. **stats**: ``newsmon stats`` (database bytes, bytes per article, per table) and its time.
3. **backup** (SQLite): ``newsmon backup``; then again while a writer thread saves articles
   through its own Store (latency of each save: the backup must not block it).
4. **prune** on copies of that database (``models.retention.prune``, the code of
   ``newsmon prune``, with ``now`` moved a year ahead so that every article is old):
   a. ``raw_days = 0``: every kept page dropped;
   b. ``articles_days = 30`` + ``raw_days = 0``: unflagged articles deleted too;
   c. (b) again while a writer saves articles (its save latencies).
   Bytes per article = database bytes (SQLite: main file after the WAL checkpoint;
   PostgreSQL: ``pg_total_relation_size`` of newsmon's tables) / articles left.

Figures only: nothing is asserted.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import shutil
import statistics
import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (  # noqa: E402
    PYTHON,
    SiteProcess,
    SiteSpec,
    clean_env,
    fresh_database,
    loadavg,
    run_measured,
    summary_line,
    write_config,
)

NEWSMON = str(Path(PYTHON).parent / "newsmon")


def newsmon(*args: str, cwd: Path) -> tuple[list[dict], float]:
    t0 = time.perf_counter()
    st = run_measured([NEWSMON, *args], clean_env(), cwd=cwd)
    if st.returncode != 0:
        sys.stderr.write(st.stderr[-4000:])
        sys.exit(f"benchmark: newsmon {args[0]} exited with {st.returncode}")
    return [json.loads(x) for x in st.stdout.splitlines() if x.startswith("{")], time.perf_counter() - t0


class Writer:
    """Saves small articles through its own Store in a loop; records each save's latency."""

    def __init__(self, db_url: str, tag: str, published: datetime | None = None) -> None:
        from models.store import Store

        self.store = Store(db_url)
        self.store.check()  # connect before timing (the first save would count the connection)
        self.tag = tag
        self.published = published  # (a prune scenario: dated after its cutoffs, so never pruned)
        self.latencies: list[float] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        from models.records import ArticleRecord

        i = 0
        while not self._stop.is_set():
            rec = ArticleRecord(url=f"https://writer.example/{self.tag}/{i}", feed="writer", title=f"w{i}",
                                text="A concurrent cycle's article. " * 20, raw_html=b"<p>w</p>" * 500,
                                published=self.published)
            t0 = time.perf_counter()
            self.store.save_article(rec, [])
            self.latencies.append(time.perf_counter() - t0)
            i += 1
            time.sleep(0.01)  # about a busy cycle's rate of group commits

    def __enter__(self) -> "Writer":
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join(60)
        self.store.close()

    def figures(self) -> dict:
        lat = sorted(self.latencies) or [0.0]
        return {"saves": len(self.latencies), "median_ms": 1000 * statistics.median(lat),
                "p99_ms": 1000 * lat[min(len(lat) - 1, int(0.99 * len(lat)))], "max_ms": 1000 * lat[-1]}


def db_bytes(db_url: str) -> tuple[int, int]:
    """(database bytes, articles) as ``newsmon stats`` counts them, WAL folded in first."""
    from models import space
    from models.store import Store

    store = Store(db_url)
    try:
        if store.dialect == "sqlite":
            space.checkpoint(store.engine, db_url)
        size = space.database_size(store.engine, db_url)["bytes"]
        n = store.article_stats().totals["articles"]
    finally:
        store.close()
    return size, n


def copy_database(kind: str, src_url: str, work: Path, name: str):
    """A copy of the benchmark database (as built) for one prune scenario (SQLite: newsmon's
    backup of the first backup, taken before any writer ran)."""
    if kind == "sqlite":
        from models.backup import backup_sqlite

        dest = work / f"{name}.db"
        backup_sqlite(src_url, dest)
        return _nullctx(f"sqlite:///{dest}")
    return _pg_copy(src_url, work)


class _nullctx:
    def __init__(self, v: str) -> None:
        self.v = v

    def __enter__(self) -> str:
        return self.v

    def __exit__(self, *_: object) -> None:
        pass


class _pg_copy:
    """A new schema filled from the source schema with INSERT ... SELECT (same ids)."""

    def __init__(self, src_url: str, work: Path) -> None:
        self.src_url, self.work = src_url, work

    def __enter__(self) -> str:
        from sqlmodel import SQLModel

        from models.backup import _search_path
        from models.store import Store
        from sqlalchemy.engine import make_url

        self._cm = fresh_database("postgresql", self.work)
        url = self._cm.__enter__()
        Store(url).check()
        src_schema = _search_path(make_url(self.src_url).query.get("options"))
        dst = Store(url)
        with dst.engine.begin() as conn:
            for t in SQLModel.metadata.sorted_tables:
                if t.name in ("newsmon_meta",):
                    continue
                conn.exec_driver_sql(f'INSERT INTO "{t.name}" SELECT * FROM "{src_schema}"."{t.name}"')
            for t in SQLModel.metadata.sorted_tables:  # serial columns continue after the copied ids
                if "id" in t.c and t.c.id.autoincrement is not False and t.name != "newsmon_meta":
                    conn.exec_driver_sql(f"SELECT setval(pg_get_serial_sequence('{t.name}', 'id'), "
                                         f"coalesce((SELECT max(id) FROM \"{t.name}\"), 1))")
        with dst.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("ANALYZE")  # planner statistics, as autovacuum keeps them in production
        dst.close()
        return url

    def __exit__(self, *exc: object) -> None:
        self._cm.__exit__(*exc)


def wait_for_no_older_snapshots(conn, timeout_s: float = 120.0) -> None:
    """PostgreSQL keeps dead rows while any transaction of the database may still see them
    (the test database is shared): wait until no other backend holds a snapshot."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        n = conn.exec_driver_sql("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                                 "AND backend_xmin IS NOT NULL AND pid <> pg_backend_pid()").scalar_one()
        if n == 0:
            return
        time.sleep(0.2)
    print("  (other transactions kept old snapshots open: dead rows may be counted)", flush=True)


def prune_scenario(url: str, name: str, retention: dict, *, now: datetime, writer: bool) -> dict:
    from models.retention import prune
    from models.store import Store
    from newsmon.settings import RetentionSettings

    before, n_before = db_bytes(url)
    store = Store(url)
    r = RetentionSettings(**retention)
    try:
        if writer:
            with Writer(url, name, published=now) as w:
                time.sleep(0.5)
                rep = prune(store, r, now=now)
                time.sleep(0.5)
            wfig = w.figures()
        else:
            rep = prune(store, r, now=now)
            wfig = None
    finally:
        store.close()
    after, n_after = db_bytes(url)
    full = None
    if not url.startswith("sqlite"):
        # What VACUUM FULL would give back (newsmon never runs it: it locks the tables).
        from sqlalchemy import create_engine
        from sqlmodel import SQLModel
        eng = create_engine(url, isolation_level="AUTOCOMMIT")
        with eng.connect() as conn:
            wait_for_no_older_snapshots(conn)
            conn.exec_driver_sql("VACUUM FULL " + ", ".join(f'"{t.name}"' for t in SQLModel.metadata.sorted_tables))
        eng.dispose()
        full, _ = db_bytes(url)
    d, dr = rep.step("delete") or {}, rep.step("drop_raw") or {}
    return {"scenario": name, "retention": retention, "seconds": rep.seconds, "articles_before": n_before,
            "articles_after": n_after, "deleted": d.get("articles", 0), "pages_dropped": dr.get("articles", 0),
            "batches": d.get("batches", 0) + dr.get("batches", 0), "longest_transaction_s": rep.longest_transaction_s,
            "bytes_before": before, "bytes_after": after,
            "per_article_before": before / max(n_before, 1), "per_article_after": after / max(n_after, 1),
            "reclaim": rep.step("reclaim"), "writer": wfig,
            "bytes_after_vacuum_full": full, "per_article_after_vacuum_full": full / max(n_after, 1) if full else None}


@contextlib.contextmanager
def _reused_schema(schema: Path):
    """PostgreSQL --reuse: a schema of the test database built by an earlier run (--keep)."""
    from sqlalchemy.engine import make_url

    from common import PG_ADMIN_URL
    yield make_url(PG_ADMIN_URL).update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
        hide_password=False)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--feeds", type=int, default=40)
    p.add_argument("--articles-per-feed", type=int, default=250)
    p.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    p.add_argument("--json", action="store_true")
    p.add_argument("--keep", type=Path, help="SQLite: keep a copy of the built database in this directory")
    p.add_argument("--reuse", type=Path, help="start from this SQLite database (made with --keep), or this "
                                              "PostgreSQL schema of the test database, instead of building one")
    args = p.parse_args(argv)
    spec = SiteSpec(feeds=args.feeds, articles_per_feed=args.articles_per_feed, pages="real")
    n = spec.feeds * spec.articles_per_feed
    print(f"retention benchmark: {n} articles ({spec.feeds} feeds x {spec.articles_per_feed}), database {args.db}, "
          f"load average {loadavg()}", flush=True)
    out: dict = {"articles": n, "db": args.db}
    with SiteProcess(spec) as site, tempfile.TemporaryDirectory(prefix="newsmon-bench-") as tmp:
        work = Path(tmp)
        with (_reused_schema(args.reuse) if args.db == "postgresql" and args.reuse
              else fresh_database(args.db, work)) as db_url:
            cfg = write_config(work / "newsmon.toml", db_url=db_url, allow=["127.0.0.1/32"],
                               feeds=[(f"bench-{i:05d}", site.feed_url(i)) for i in range(spec.feeds)],
                               poll={"max_entries_per_feed": max(200, spec.articles_per_feed)})
            if args.reuse:
                if args.db == "sqlite":
                    shutil.copyfile(args.reuse, work / "newsmon.db")
                print(f"  reused {args.reuse}", flush=True)
            else:
                t0 = time.perf_counter()
                st = run_measured([NEWSMON, "run", "--no-prefect", "--config", str(cfg)], clean_env(), cwd=work)
                if st.returncode != 0:
                    sys.stderr.write(st.stderr[-4000:])
                    sys.exit("benchmark: newsmon run failed")
                out["build"] = {"seconds": time.perf_counter() - t0, "summary": summary_line(st.stdout)}
                print(f"  built: {out['build']['summary'].get('articles_new')} articles in "
                      f"{out['build']['seconds']:.0f} s (load {loadavg()})", flush=True)
                if args.keep and args.db == "sqlite":
                    from models.backup import backup_sqlite
                    args.keep.mkdir(parents=True, exist_ok=True)
                    backup_sqlite(db_url, args.keep / "built.db", overwrite=True)

            lines, secs = newsmon("stats", "--config", str(cfg), cwd=work)
            head = lines[0]
            out["stats"] = {"seconds": secs, **{k: head[k] for k in ("articles", "flagged", "database_bytes",
                                                                      "bytes_per_article", "page_bytes_per_article")},
                            "tables": {ln["table"]: ln["bytes"] for ln in lines if ln["event"] == "table"}}
            _, secs_fast = newsmon("stats", "--config", str(cfg), "--no-tables", cwd=work)
            out["stats"]["seconds_no_tables"] = secs_fast
            print(f"  stats: {head['articles']} articles ({head['flagged']} flagged), database "
                  f"{head['database_bytes'] / 2**20:.1f} MiB = {head['bytes_per_article'] / 1024:.1f} KiB/article "
                  f"(kept page {head['page_bytes_per_article'] / 1024:.1f} KiB); newsmon stats {secs:.2f} s "
                  f"({secs_fast:.2f} s with --no-tables)", flush=True)

            if args.db == "sqlite":
                lines, secs = newsmon("backup", "--config", str(cfg), "--to", str(work / "backup.db"), cwd=work)
                b = lines[0]
                from models.backup import backup_sqlite
                with Writer(db_url, "backup") as w:
                    time.sleep(0.5)
                    busy = backup_sqlite(db_url, work / "backup-busy.db")
                    time.sleep(0.5)
                out["backup"] = {"seconds": b["seconds"], "copy_seconds": b["copy_seconds"],
                                 "check_seconds": b["check_seconds"], "command_seconds": secs, "bytes": b["bytes"],
                                 "integrity": b["integrity"], "busy_seconds": busy.seconds,
                                 "busy_integrity": busy.integrity, "writer": w.figures()}
                wf = w.figures()
                print(f"  backup: {b['bytes'] / 2**20:.1f} MiB in {b['seconds']:.2f} s (copy {b['copy_seconds']:.2f} s"
                      f" + integrity check {b['check_seconds']:.2f} s; command {secs:.2f} s), "
                      f"integrity {b['integrity']}; with a writer: {busy.seconds:.2f} s, {wf['saves']} saves "
                      f"meanwhile, save latency median {wf['median_ms']:.1f} ms, max {wf['max_ms']:.1f} ms",
                      flush=True)

            now = datetime.now(timezone.utc) + timedelta(days=365)
            scenarios = [("raw_days=0", {"raw_days": 0}, False),
                         ("articles_days=30,raw_days=0", {"articles_days": 30, "raw_days": 0}, False),
                         ("articles_days=30,raw_days=0 + writer", {"articles_days": 30, "raw_days": 0}, True)]
            out["prune"] = []
            for name, retention, writer in scenarios:
                pristine = f"sqlite:///{work / 'backup.db'}" if args.db == "sqlite" else db_url
                with copy_database(args.db, pristine, work, name.replace(",", "_").replace("=", "").replace(" ", "")
                                   .replace("+", "_")) as url:
                    res = prune_scenario(url, name, retention, now=now, writer=writer)
                out["prune"].append(res)
                w = res["writer"]
                print(f"  prune {name}: {res['deleted']} deleted, {res['pages_dropped']} pages dropped in "
                      f"{res['seconds']:.1f} s ({res['batches']} batches, longest transaction "
                      f"{1000 * res['longest_transaction_s']:.0f} ms); database "
                      f"{res['bytes_before'] / 2**20:.1f} -> {res['bytes_after'] / 2**20:.1f} MiB, per article "
                      f"{res['per_article_before'] / 1024:.1f} -> {res['per_article_after'] / 1024:.1f} KiB "
                      f"({res['articles_after']} articles left)"
                      + (f"; after VACUUM FULL {res['bytes_after_vacuum_full'] / 2**20:.1f} MiB = "
                         f"{res['per_article_after_vacuum_full'] / 1024:.1f} KiB/article"
                         if res["bytes_after_vacuum_full"] else "")
                      + (f"; writer: {w['saves']} saves, median {w['median_ms']:.1f} ms, p99 {w['p99_ms']:.1f} ms, "
                         f"max {w['max_ms']:.1f} ms" if w else ""), flush=True)
    if args.json:
        print(json.dumps(out, indent=1, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
