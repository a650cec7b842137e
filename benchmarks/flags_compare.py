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
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from mentions_eval import (
    ROOT,
    RUNNER,
    load_articles,
    load_labels,
    run_checkout,
    watchlist_text,
)

_RUNNER = RUNNER.replace("VALUE", "f.snippet")


def flags(code: Path, docs: dict[str, tuple[str, str]], wl_text: str) -> dict[str, dict[str, str]]:
    """article -> {entity: snippet} with the matcher of checkout ``code``."""
    return run_checkout(code, docs, wl_text, _RUNNER)


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
