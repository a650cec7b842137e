#!/usr/bin/env python3
"""Feed tools: ``newsmon feeds check`` over many feeds, and the bot-wall detector on real pages.

1. ``newsmon feeds check`` (the real command, in its own process) over N feeds of the
   loopback benchmark site (``benchmarks/common.py``: ETag + 304, robots.txt), spread over
   loopback addresses: wall time, CPU, peak RSS, requests the site saw, verdict counts.
2. ``scrapers.challenge.detect_wall`` on every real article page of the shared corpora
   (the extraction benchmark and WCXB, as served with 200): microseconds per page and false
   positives (must be 0); the same pages as if served with a 503, to show how specific the
   refusal-status markers are; and the wall fixtures of the tests (all must be found).

Prints figures, asserts nothing.
"""
from __future__ import annotations

import argparse
import collections
import gzip
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx  # noqa: E402

from benchmarks.common import (  # noqa: E402
    PAGES_DIR, REPO, SiteProcess, SiteSpec, clean_env, loadavg, loopback_addresses, run_measured, write_config,
)
from scrapers.challenge import detect_wall  # noqa: E402

WCXB_DIR = REPO.parent / "shared" / "data" / "wcxb-articles" / "html"
WALLS = REPO / "tests" / "fixtures" / "hostile" / "challenges"


def check_many(feeds: int, addresses: int) -> dict:
    spec = SiteSpec(feeds=feeds, articles_per_feed=5, addresses=loopback_addresses(addresses), pages="small")
    with SiteProcess(spec) as site, tempfile.TemporaryDirectory(prefix="newsmon-bench-") as tmp:
        cfg = write_config(Path(tmp) / "newsmon.toml", db_url=f"sqlite:///{tmp}/unused.db",
                           allow=["127.0.0.0/8"], feeds=[(f"bench-{i:05d}", site.feed_url(i)) for i in range(feeds)])
        site.reset()
        st = run_measured([str(Path(sys.executable).with_name("newsmon")), "feeds", "check", "--config", str(cfg)],
                          clean_env())
        requests = site.stats()
    rows = [json.loads(line) for line in st.stdout.splitlines()]
    verdicts = collections.Counter(r["verdict"] for r in rows)
    conditional = collections.Counter(r["conditional_get"] for r in rows)
    return {"feeds": feeds, "addresses": addresses, "wall_s": round(st.wall_s, 2), "cpu_s": round(st.cpu_s, 2),
            "rss_mb": round(st.rss_main_mb), "rows": len(rows), "verdicts": dict(verdicts),
            "conditional_get": {str(k): v for k, v in conditional.items()}, "site": requests,
            "returncode": st.returncode}


def pages() -> list[bytes]:
    out = [gzip.decompress(p.read_bytes()) for p in sorted(PAGES_DIR.glob("*.html.gz"))]
    out += [gzip.decompress(p.read_bytes()) for p in sorted(WCXB_DIR.glob("*.html.gz"))]
    return out


def detector() -> dict:
    corpus = pages()
    headers = httpx.Headers({"Content-Type": "text/html; charset=utf-8"})
    t0 = time.process_time()
    rounds = 5
    false_200 = 0
    for _ in range(rounds):
        false_200 = sum(detect_wall(200, headers, body) is not None for body in corpus)
    per_page_us = (time.process_time() - t0) / (rounds * len(corpus)) * 1e6
    as_503 = collections.Counter(w.vendor for body in corpus if (w := detect_wall(503, headers, body)))
    fixtures = {p.name: detect_wall(200 if p.name == "sucuri-js.html" else 403, headers, p.read_bytes())
                for p in sorted(WALLS.glob("*.html")) if not p.name.startswith("not-a-wall")}
    return {"pages": len(corpus), "mean_page_kb": round(sum(map(len, corpus)) / len(corpus) / 1024, 1),
            "us_per_page_200": round(per_page_us, 1), "false_positives_200": false_200,
            "real_pages_taken_for_walls_if_served_503": dict(as_503),
            "fixtures_found": sum(w is not None for w in fixtures.values()), "fixtures": len(fixtures)}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--feeds", type=int, default=2000)
    p.add_argument("--addresses", type=int, default=20)
    p.add_argument("--json", action="store_true")
    args = p.parse_args(argv)
    print(f"feed-tools benchmark, load average {loadavg()}", flush=True)
    figures = {"check": check_many(args.feeds, args.addresses), "detector": detector()}
    c, d = figures["check"], figures["detector"]
    print(f"feeds check: {c['feeds']} feeds on {c['addresses']} loopback addresses in {c['wall_s']} s "
          f"({c['wall_s'] / c['feeds'] * 1000:.1f} ms per feed), CPU {c['cpu_s']} s, RSS {c['rss_mb']} MB, "
          f"exit {c['returncode']}; verdicts {c['verdicts']}; conditional GET {c['conditional_get']}; "
          f"site saw {c['site']}")
    print(f"wall detector: {d['pages']} real pages (mean {d['mean_page_kb']} KiB), {d['us_per_page_200']} us per "
          f"page at 200, false positives {d['false_positives_200']}; as 503: {d['real_pages_taken_for_walls_if_served_503']}; "
          f"fixtures found {d['fixtures_found']}/{d['fixtures']}")
    if args.json:
        print(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
