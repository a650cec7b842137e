#!/usr/bin/env python3
"""Compare what two runs stored: two SQLite databases kept by ``ingest.py --keep DIR``.

usage: .venv/bin/python benchmarks/compare_dbs.py A.db B.db [--show 5]

Article ids depend on the order in which concurrent saves commit, so rows are keyed by
the article's canonical URL and every article id (mention, band, signature) is replaced by
that URL. A cluster id is the id of the cluster's first stored article, which for copies
with equal dates depends on which was saved first (timing, from run to run of the same
code), so clusters are compared by their members: a cluster id becomes the smallest URL
in that cluster (``--strict-clusters``: the URL of the article whose id it is). Columns that record when or by which run something happened
(``fetched_at``, ``flow_run_id``, ...) are left out; everything else must be equal. Binary
columns are compared by their SHA-256. Prints one line per table (rows, differing rows)
and exits 1 if any table differs.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import re
import sqlite3
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

# Per table: the columns that vary from run to run by nature (time, run id, surrogate id).
VOLATILE = {
    "article": {"id", "url_hash", "fetched_at", "extracted_at", "flow_run_id", "flagged_event_at"},
    "article_url": {"url_hash"},
    "mention": {"id"},
    "cluster_signature": set(),
    "cluster_band": set(),
    "feed": {"id", "last_polled_at", "last_success_at", "next_poll_at"},
    "fetch_outcome": {"id", "at", "flow_run_id"},
}
# Columns holding an article id, replaced by that article's URL.
ARTICLE_REFS = {"article_id", "cluster_id"}
# The benchmark's site listens on a free port, another one each run: URLs (in any column,
# in the kept pages too) are compared without it. url_hash is a hash of the URL: left out.
_PORT = re.compile(r"(127\.0\.0\.1):\d+")
_PORT_B = re.compile(rb"(127\.0\.0\.1):\d+")


def _value(column: str, v: object) -> object:
    if isinstance(v, bytes):
        if column == "raw_html":
            from models.compress import decompress
            v = _PORT_B.sub(rb"\1:PORT", decompress(v))
        return "sha256:" + hashlib.sha256(v).hexdigest()
    if isinstance(v, str):
        return _PORT.sub(r"\1:PORT", v)
    return v


def dump(path: str, *, strict_clusters: bool = False) -> dict[str, list[str]]:
    """Each table's rows as sorted JSON strings, article ids replaced by URLs."""
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    urls = dict(con.execute("SELECT id, url FROM article"))
    clusters = {cid: first for cid, first in con.execute(
        "SELECT cluster_id, min(url) FROM article WHERE cluster_id IS NOT NULL GROUP BY cluster_id")}
    out: dict[str, list[str]] = {}
    for table, skip in VOLATILE.items():
        cur = con.execute(f"SELECT * FROM {table}")  # fixed table names
        cols = [d[0] for d in cur.description]
        rows = []
        for r in cur:
            rec = {}
            for c, v in zip(cols, r):
                if c in skip:
                    continue
                if c == "cluster_id" and not strict_clusters:
                    v = clusters.get(v, v) if v is not None else None
                elif c in ARTICLE_REFS:
                    v = urls.get(v, v) if v is not None else None
                rec[c] = _value(c, v)
            rows.append(json.dumps(rec, sort_keys=True, ensure_ascii=False, default=str))
        out[table] = sorted(rows)
    con.close()
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("a")
    p.add_argument("b")
    p.add_argument("--show", type=int, default=3, help="differing rows shown per table")
    p.add_argument("--strict-clusters", action="store_true",
                   help="a cluster id must name the same first article, not only the same members")
    args = p.parse_args(argv)
    a, b = dump(args.a, strict_clusters=args.strict_clusters), dump(args.b, strict_clusters=args.strict_clusters)
    differs = False
    for table in VOLATILE:
        only_a = sorted(set(a[table]) - set(b[table]))
        only_b = sorted(set(b[table]) - set(a[table]))
        same = not only_a and not only_b and len(a[table]) == len(b[table])
        differs |= not same
        print(f"{table:18s} rows {len(a[table]):6d} / {len(b[table]):6d}  "
              f"{'identical' if same else f'only in A {len(only_a)}, only in B {len(only_b)}'}")
        for row in only_a[:args.show]:
            print(f"   A: {row[:300]}")
        for row in only_b[:args.show]:
            print(f"   B: {row[:300]}")
    return 1 if differs else 0


if __name__ == "__main__":
    sys.exit(main())
