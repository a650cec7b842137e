#!/usr/bin/env python3
"""Many-feeds benchmark: one ``newsmon run`` over 10,000 feeds that have nothing new.

usage: .venv/bin/python benchmarks/many_feeds.py [--feeds 10000] [--addresses 100]
       [--entries-per-feed 1] [--idle 3] [--changed 0] [--feeds-per-task N] [--db sqlite|postgresql]

A loopback site serves F small feeds (``--entries-per-feed`` stories each, short pages),
spread round robin over ``--addresses`` loopback addresses (127.0.0.2, 127.0.0.3, ...:
newsmon's politeness limits are per host, so many hosts let it poll many feeds at once
while each host still sees at most ``per_host_concurrency`` requests). A ``prefect server``
runs throughout (temporary home, free port). Cycles:

1. **first**: every feed answers 200 and its stories are fetched and stored (setup; shown);
2. **idle** (``--idle`` times): every feed answers 304 to the conditional GET. Reported:
   wall time of the command and of the flow run, Prefect task runs, requests the site saw
   (article fetches must be 0), CPU and peak RSS;
3. with ``--changed N``: N feeds get one new story each, then one more cycle ("most feeds
   answer 304").

Target (issue 8): an idle cycle over 10,000 feeds <= 60 s on one worker. Figures only.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from common import (  # noqa: E402
    PYTHON,
    PrefectServer,
    SiteProcess,
    SiteSpec,
    fresh_database,
    loadavg,
    loopback_addresses,
    median,
    run_measured,
    summary_line,
    write_config,
)

from newsmon.settings import FetchSettings  # noqa: E402

NEWSMON = str(Path(PYTHON).parent / "newsmon")


def cycle(label: str, site: SiteProcess, prefect: PrefectServer, config: Path, work: Path) -> dict:
    site.reset()
    la = loadavg()
    pcpu0 = prefect.cpu_s()
    st = run_measured([NEWSMON, "run", "--config", str(config)], prefect.env(), cwd=work)
    if st.returncode != 0:
        sys.stderr.write(st.stderr[-4000:])
        sys.exit(f"benchmark: newsmon run exited with {st.returncode}")
    out = st.summary() | {"label": label, "load_before": la, "server_requests": site.stats(),
                          "summary": summary_line(st.stdout), "flow_run": prefect.last_flow_run(),
                          "prefect_cpu_s": prefect.cpu_s() - pcpu0}
    s, req = out["summary"], out["server_requests"]
    print(f"  {label:6s} wall {st.wall_s:6.1f} s, flow run {out['flow_run'].get('run_s', float('nan')):6.1f} s, "
          f"tasks {out['flow_run'].get('task_runs')}, feeds 304/200 {req.get('feed_304', 0)}/{req.get('feed_200', 0)}, "
          f"pages {req.get('pages', 0)}, new {s.get('articles_new')}, failed feeds {s.get('feeds_failed')}, "
          f"CPU {st.cpu_s:.1f} s, RSS tree {st.rss_tree_mb:.0f} MB (load {la})", flush=True)
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--feeds", type=int, default=10_000)
    p.add_argument("--addresses", type=int, default=100,
                   help="loopback addresses to spread the feeds over (1: 127.0.0.1 only)")
    p.add_argument("--entries-per-feed", type=int, default=1)
    p.add_argument("--idle", type=int, default=3, help="idle cycles (median reported)")
    p.add_argument("--changed", type=int, default=0, help="then give N feeds a new story and run once more")
    p.add_argument("--feeds-per-task", type=int, default=None, help="[poll] feeds_per_task (default: newsmon's)")
    p.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    p.add_argument("--json", action="store_true", help="print the raw figures as JSON too")
    args = p.parse_args(argv)

    addresses = loopback_addresses(args.addresses)
    spec = SiteSpec(feeds=args.feeds, articles_per_feed=args.entries_per_feed, addresses=addresses,
                    pages="small")
    print(f"many-feeds benchmark: {spec.feeds} feeds x {spec.articles_per_feed} stories on "
          f"{len(addresses)} loopback address(es), database {args.db}, load average {loadavg()}", flush=True)
    runs: list[dict] = []
    with SiteProcess(spec) as site, tempfile.TemporaryDirectory(prefix="newsmon-bench-") as tmp, \
            PrefectServer() as prefect:
        work = Path(tmp)
        poll = {"feeds_per_task": args.feeds_per_task} if args.feeds_per_task else {}
        allow = ["127.0.0.0/8"] if len(addresses) > 1 else ["127.0.0.1/32"]
        with fresh_database(args.db, work) as db_url:
            cfg = write_config(work / "newsmon.toml", db_url=db_url, allow=allow, poll=poll,
                               feeds=[(f"bench-{i:05d}", site.feed_url(i)) for i in range(spec.feeds)])
            runs.append(cycle("first", site, prefect, cfg, work))
            for _ in range(args.idle):
                runs.append(cycle("idle", site, prefect, cfg, work))
            if args.changed:
                site.bump(args.changed)
                runs.append(cycle("changed", site, prefect, cfg, work))

    idle = [r for r in runs if r["label"] == "idle"]
    print()
    print(f"== {spec.feeds} feeds, nothing new ({len(idle)} idle cycles, medians) ==")
    print(f"wall (newsmon run)       {median([r['wall_s'] for r in idle]):.1f} s   (target <= 60 s)")
    print(f"wall (flow run)          {median([r['flow_run'].get('run_s', float('nan')) for r in idle]):.1f} s; "
          f"Prefect task runs {[r['flow_run'].get('task_runs') for r in idle]}")
    print(f"conditional GETs -> 304  {[r['server_requests'].get('feed_304', 0) for r in idle]}; article fetches "
          f"{[r['server_requests'].get('pages', 0) for r in idle]}; robots.txt "
          f"{[r['server_requests'].get('robots', 0) for r in idle]}")
    print(f"TCP connections open     at most {max(r['server_requests'].get('max_open_per_host', 0) for r in idle)} "
          f"per host (limit: [fetch] per_host_concurrency = {FetchSettings().per_host_concurrency}), at most "
          f"{max(r['server_requests'].get('max_open_total', 0) for r in idle)} in all")
    print(f"CPU newsmon              {median([r['cpu_s'] for r in idle]):.1f} s  (prefect server "
          f"{median([r['prefect_cpu_s'] for r in idle]):.1f} s)")
    print(f"peak RSS                 main {median([r['rss_main_mb'] for r in idle]):.0f} MB, tree "
          f"{median([r['rss_tree_mb'] for r in idle]):.0f} MB")
    print(f"load average seen        {sorted({r['load_before'] for r in runs})}")
    if args.json:
        print(json.dumps(runs, indent=1, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
