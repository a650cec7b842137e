#!/usr/bin/env python3
"""Flags of this checkout beside another's, on EVERY article of the labelled set's sources.

usage: .venv/bin/python benchmarks/flags_compare.py --code DIR [--no-context]

The labels cover some (article, entity) pairs; a rule can also change flags nobody labelled.
This runs both versions of the matcher with the evaluation watchlist on every article that
``mentions_eval.load_articles`` reads (the two corpora, the Readability pages, the written
Korean, every heldout part's real articles, the golden fixtures) and prints each flag found by
one version only, with its label when the pair is labelled and the first mention's sentence,
so that each change can be checked by hand. ``--code``: the other checkout (e.g. main
exported with ``git archive <commit> | tar -x -C /tmp/old``).
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from mentions_eval import ROOT, load_articles, load_labels, watchlist_text  # noqa: E402

_RUNNER = r"""
import json, sys
sys.path.insert(0, sys.argv[1])
from watch import Matcher, parse_watchlist
m = Matcher(parse_watchlist(open(sys.argv[2], encoding="utf-8").read()))
for line in sys.stdin:
    a = json.loads(line)
    r = m.match(a["title"], a["text"])
    print(json.dumps({"id": a["id"], "flags": {f.entity_id: f.snippet for f in r.flags}}, ensure_ascii=False))
"""


def flags(code: Path, docs: dict[str, tuple[str, str]], wl_text: str) -> dict[str, dict[str, str]]:
    """article -> {entity: snippet} with the matcher of checkout ``code``."""
    with tempfile.TemporaryDirectory() as d:
        wl = Path(d) / "watchlist.toml"
        wl.write_text(wl_text, encoding="utf-8")
        stdin = "".join(json.dumps({"id": a, "title": t, "text": b}, ensure_ascii=False) + "\n"
                        for a, (t, b) in docs.items())
        env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
        res = subprocess.run([sys.executable, "-c", _RUNNER, str(code), str(wl)], input=stdin,
                             capture_output=True, text=True, env=env, cwd=d, check=False)
        if res.returncode:
            raise SystemExit(f"matching with {code} failed: {res.stderr[-2000:]}")
    return {r["id"]: r["flags"] for r in map(json.loads, res.stdout.splitlines())}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--code", type=Path, required=True, help="the other checkout")
    ap.add_argument("--no-context", action="store_true", help="drop the watchlist's context terms")
    args = ap.parse_args()
    docs = load_articles()
    wl = watchlist_text(False, args.no_context)
    old, new = flags(args.code.resolve(), docs, wl), flags(ROOT, docs, wl)
    labels = {(lab["article"], lab["entity"]): lab["label"] for lab in load_labels()}
    changed = 0
    for aid in sorted(docs):
        a, b = old.get(aid, {}), new.get(aid, {})
        for ent in sorted(a.keys() ^ b.keys()):
            changed += 1
            what = "found" if ent in b else "dropped"
            snippet = (b.get(ent) or a.get(ent) or "").replace("\n", " ")[:160]
            print(f"{what:8} {ent:20} {aid:32} label={labels.get((aid, ent), '-'):8} | {snippet}")
    print(f"{len(docs)} articles, {changed} flags changed")


if __name__ == "__main__":
    main()
