#!/usr/bin/env python3
"""Ingest and idle-cycle benchmark: ``newsmon run`` on a loopback site of real pages.

usage: .venv/bin/python benchmarks/ingest.py [--feeds 40] [--articles-per-feed 50]
       [--db sqlite|postgresql] [--repeat 1] [--idle 3] [--baseline-pages N | --no-baseline]

A loopback site serves F feeds x A articles: real pages of the shared extraction benchmark,
each copy unique (see ``common.py``). A ``prefect server`` is started first (temporary home,
free port), then, per repeat, on a fresh database:

1. **ingest**: ``newsmon run --config ...`` (the Prefect flow ``poll-feeds``) fetches,
   extracts, matches and stores every article. Reported: articles/s, wall time of the
   command and of the flow run, CPU time (newsmon process + its worker processes; the
   Prefect server's and the site's CPU separately), peak RSS (main process, largest
   worker, the whole tree summed), bytes per stored article;
2. **idle**: ``newsmon run`` again with nothing new: every feed answers 304 to the
   conditional GET. Reported: wall times and article fetches (must be 0);
3. **baseline**: the same pages through bare ``trafilatura.extract(page_bytes)`` in this one
   process (the single-core cost of the essential work).

Targets (issue 8; 2 cores): ingest wall <= 1.0 x baseline, every article stored; idle wall
<= 10 % of the ingest wall with 0 article fetches; peak RSS <= 800 MB, and within 15 % between
2,000 and 10,000 articles (``--articles-per-feed 250``). Figures only: nothing is asserted.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from common import (  # noqa: E402
    PYTHON,
    PrefectServer,
    RunStats,
    Site,
    SiteProcess,
    SiteSpec,
    fresh_database,
    loadavg,
    median,
    run_measured,
    storage_figures,
    summary_line,
    write_config,
)

NEWSMON = str(Path(PYTHON).parent / "newsmon")


def baseline(site: SiteProcess, pages: int) -> dict:
    """Bare trafilatura on the same page bytes the site serves, one process, one core."""
    import trafilatura

    spec = site.spec
    gen = Site(spec, site.bases)
    order = [(f, k) for k in range(spec.articles_per_feed) for f in range(spec.feeds)]
    if pages < len(order):
        # An even sample over every template (pages repeat the 120 templates in a fixed cycle).
        step = len(order) / pages
        order = [order[int(i * step)] for i in range(pages)]
    cpu0, wall0 = time.process_time(), time.perf_counter()
    ok = 0
    for f, k in order:
        ok += trafilatura.extract(gen.page(f, k)) is not None
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    total = spec.feeds * spec.articles_per_feed
    return {"pages": len(order), "extracted": ok, "cpu_s": cpu, "wall_s": wall,
            "ms_per_page": 1000 * wall / len(order), "cpu_ms_per_page": 1000 * cpu / len(order),
            # Scaled to all pages of the site when only a sample was extracted.
            "wall_all_s": wall * total / len(order), "cpu_all_s": cpu * total / len(order)}


def run_cycle(site: SiteProcess, prefect: PrefectServer | None, config: Path, workdir: Path) -> dict:
    site.reset()
    env = prefect.env() if prefect else __import__("common").clean_env()
    cmd = [NEWSMON, "run", "--config", str(config)] + ([] if prefect else ["--no-prefect"])
    pcpu0 = prefect.cpu_s() if prefect else 0.0
    scpu0 = site.cpu_s()
    st: RunStats = run_measured(cmd, env, cwd=workdir)
    if st.returncode != 0:
        sys.stderr.write(st.stderr[-4000:])
        sys.exit(f"benchmark: newsmon run exited with {st.returncode}")
    out = st.summary() | {"server_requests": site.stats(), "summary": summary_line(st.stdout),
                          "site_cpu_s": site.cpu_s() - scpu0}
    if prefect:
        out["prefect_cpu_s"] = prefect.cpu_s() - pcpu0
        out["flow_run"] = prefect.last_flow_run()
    return out


def keep_database(db: Path, to: Path) -> None:
    """A consistent copy of the SQLite database (the backup API: the WAL is folded in)."""
    import sqlite3

    to.parent.mkdir(parents=True, exist_ok=True)
    to.unlink(missing_ok=True)
    with sqlite3.connect(db) as src, sqlite3.connect(to) as dst:
        src.backup(dst)


def fmt_mb(x: float) -> str:
    return f"{x:.0f} MB"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--feeds", type=int, default=40)
    p.add_argument("--articles-per-feed", type=int, default=50)
    p.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    p.add_argument("--repeat", type=int, default=1, help="ingest+idle+baseline rounds (medians reported)")
    p.add_argument("--idle", type=int, default=3, help="idle cycles per round")
    p.add_argument("--baseline-pages", type=int, default=0,
                   help="extract only an even sample of this many pages for the baseline (0: all)")
    p.add_argument("--no-baseline", action="store_true")
    p.add_argument("--no-prefect", action="store_true", help="newsmon run --no-prefect (no Prefect server)")
    p.add_argument("--workers", type=int, default=None, help="[poll] extract_workers (default: cores)")
    p.add_argument("--in-flight", type=int, default=None, help="[poll] articles_in_flight")
    p.add_argument("--json", action="store_true", help="print the raw figures as JSON too")
    p.add_argument("--keep", type=Path, default=None, metavar="DIR",
                   help="copy each round's SQLite database, as the ingest left it, to DIR/roundN.db "
                        "(to compare what two versions stored: benchmarks/compare_dbs.py)")
    args = p.parse_args(argv)

    spec = SiteSpec(feeds=args.feeds, articles_per_feed=args.articles_per_feed, pages="real")
    n_articles = spec.feeds * spec.articles_per_feed
    print(f"ingest benchmark: {spec.feeds} feeds x {spec.articles_per_feed} articles = {n_articles} "
          f"pages, database {args.db}, load average {loadavg()}", flush=True)
    rounds = []
    with SiteProcess(spec) as site, tempfile.TemporaryDirectory(prefix="newsmon-bench-") as tmp:
        prefect = None if args.no_prefect else PrefectServer()
        try:
            for r in range(args.repeat):
                work = Path(tmp) / f"round{r}"
                work.mkdir()
                poll = {"max_entries_per_feed": max(200, spec.articles_per_feed)}
                if args.workers is not None:
                    poll["extract_workers"] = args.workers
                if args.in_flight is not None:
                    poll["articles_in_flight"] = args.in_flight
                with fresh_database(args.db, work) as db_url:
                    cfg = write_config(work / "newsmon.toml", db_url=db_url, allow=["127.0.0.1/32"],
                                       feeds=[(f"bench-{i:05d}", site.feed_url(i)) for i in range(spec.feeds)],
                                       poll=poll)
                    la = loadavg()
                    ingest = run_cycle(site, prefect, cfg, work)
                    ingest["load_before"] = la
                    if args.keep and args.db == "sqlite":
                        keep_database(work / "newsmon.db", args.keep / f"round{r + 1}.db")
                    print(f"  round {r + 1}: ingest {ingest['wall_s']:.1f} s "
                          f"(new {ingest['summary'].get('articles_new')}, load {la})", flush=True)
                    idles = []
                    for _ in range(args.idle):
                        la = loadavg()
                        idle = run_cycle(site, prefect, cfg, work)
                        idle["load_before"] = la
                        idles.append(idle)
                        print(f"  round {r + 1}: idle {idle['wall_s']:.1f} s, flow run "
                              f"{idle.get('flow_run', {}).get('run_s', float('nan')):.1f} s, "
                              f"page fetches {idle['server_requests'].get('pages', 0)}", flush=True)
                    storage = storage_figures(db_url)
                base = None
                if not args.no_baseline:
                    la = loadavg()
                    base = baseline(site, args.baseline_pages or n_articles)
                    base["load_before"] = la
                    print(f"  round {r + 1}: bare trafilatura {base['wall_s']:.1f} s for {base['pages']} "
                          f"pages ({base['ms_per_page']:.1f} ms/page, load {la})", flush=True)
                rounds.append({"ingest": ingest, "idle": idles, "storage": storage, "baseline": base})
        finally:
            if prefect:
                prefect.stop()

    report(rounds, n_articles, args)
    if args.json:
        print(json.dumps(rounds, indent=1, default=str))
    return 0


def report(rounds: list[dict], n_articles: int, args: argparse.Namespace) -> None:
    ing = [r["ingest"] for r in rounds]
    idle = [i for r in rounds for i in r["idle"]]
    stored = [r["storage"]["articles"] for r in rounds]
    wall = median([i["wall_s"] for i in ing])
    flow = median([i.get("flow_run", {}).get("run_s", float("nan")) for i in ing])
    print()
    print(f"== ingest: {n_articles} articles, {args.db}, {len(rounds)} round(s), medians ==")
    print(f"articles stored          {stored} (new per summary: "
          f"{[i['summary'].get('articles_new') for i in ing]})")
    print(f"wall (newsmon run)       {wall:.1f} s  -> {n_articles / wall:.1f} articles/s")
    if not args.no_prefect:
        print(f"wall (flow run)          {flow:.1f} s  (Prefect task runs: "
              f"{[i['flow_run'].get('task_runs') for i in ing]})")
    print(f"CPU newsmon + workers    {median([i['cpu_s'] for i in ing]):.1f} s (main process "
          f"{median([i['cpu_main_s'] for i in ing]):.1f} s, children {median([i['cpu_children_s'] for i in ing]):.1f} s)"
          f"   (prefect server {median([i.get('prefect_cpu_s', 0) for i in ing]):.1f} s, "
          f"loopback site {median([i['site_cpu_s'] for i in ing]):.1f} s)")
    print(f"peak RSS                 main {fmt_mb(median([i['rss_main_mb'] for i in ing]))}, "
          f"largest worker {fmt_mb(median([i['rss_workers_mb'] for i in ing]))}, "
          f"tree {fmt_mb(median([i['rss_tree_mb'] for i in ing]))} "
          f"({median([i['children'] for i in ing]):.0f} child processes)")
    s = rounds[-1]["storage"]
    print(f"storage ({args.db:10s})    kept page {s['stored_per_article'] / 1024:.1f} KiB/article "
          f"(raw {s['raw_per_article'] / 1024:.1f} KiB, ratio {s['ratio']:.1f}); "
          f"database {s['db_bytes_per_article'] / 1024:.1f} KiB/article")
    bases = [r["baseline"] for r in rounds if r["baseline"]]
    if bases:
        bw = median([b["wall_all_s"] for b in bases])
        print(f"bare trafilatura         {bw:.1f} s for {n_articles} pages on one core "
              f"({median([b['ms_per_page'] for b in bases]):.1f} ms/page"
              f"{', sampled ' + str(bases[0]['pages']) + ' pages' if bases[0]['pages'] < n_articles else ''})")
        bc = median([b["cpu_all_s"] for b in bases])
        ratios = [r["ingest"]["wall_s"] / r["baseline"]["wall_all_s"] for r in rounds if r["baseline"]]
        print(f"ingest / bare            {median(ratios):.2f}  (target <= 1.00; median of the rounds' "
              f"{', '.join(f'{x:.2f}' for x in ratios)}: wall times measured one after the other)")
        # Load-independent view: if newsmon had both cores to itself, its wall time could not
        # be below its CPU time / 2; compared with the bare extraction's CPU time.
        print(f"CPU / 2 / bare CPU       {median([i['cpu_s'] for i in ing]) / 2 / bc:.2f}  "
              f"(bare CPU {bc:.1f} s, {median([b['cpu_ms_per_page'] for b in bases]):.1f} ms/page: the ratio "
              f"on two idle cores if newsmon kept both busy)")
    print(f"== idle cycle ({len(idle)} runs, medians) ==")
    iw = median([i["wall_s"] for i in idle])
    shares = [100 * median([i["wall_s"] for i in r["idle"]]) / r["ingest"]["wall_s"] for r in rounds if r["idle"]]
    print(f"wall (newsmon run)       {iw:.1f} s  ({median(shares):.0f} % of the round's ingest; target <= 10 %)")
    if not args.no_prefect:
        ifl = median([i.get("flow_run", {}).get("run_s", float("nan")) for i in idle])
        print(f"wall (flow run)          {ifl:.1f} s  ({100 * ifl / wall:.0f} % of ingest)")
    print(f"article fetches          {[i['server_requests'].get('pages', 0) for i in idle]} (target 0); "
          f"feeds 304: {[i['server_requests'].get('feed_304', 0) for i in idle]}")
    print(f"CPU newsmon              {median([i['cpu_s'] for i in idle]):.1f} s; peak RSS tree "
          f"{fmt_mb(median([i['rss_tree_mb'] for i in idle]))}")
    print(f"load average seen        {sorted({x['load_before'] for x in ing + idle})}")


if __name__ == "__main__":
    sys.exit(main())
