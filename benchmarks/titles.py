#!/usr/bin/env python3
"""Titles: newsmon's headline against the reference titles of the shared corpora.

Corpora with reference titles: the WCXB article pages (``title`` in shared/data/wcxb-articles/
ground-truth.json), the scrapinghub pages (the benchmark has no titles; ``benchmarks/data/
scrapinghub_titles.json`` holds the headline each page shows, labelled by hand from the page) and
the golden fixtures (``expected.title``). Per corpus: exact match (whitespace-normalised),
token match (lowercased ``\\w+`` tokens equal: punctuation and case differences forgiven), mean
token F1 (a normalised similarity), on all pages and on the two halves of page ids (even / odd
position in the sorted ids, for 2-fold checks of thresholds). The title is computed by
``extract_metadata`` (the whole of the title choice) with the page URL, as the pipeline does.
Prints figures; asserts nothing.

usage: .venv/bin/python benchmarks/titles.py [--corpora sh,wcxb,golden] [--show N] [--half even|odd]
       [--save FILE] [--compare FILE]   (--compare: the pages whose token match changed since --save)
"""
from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
NOW = datetime(2026, 12, 1, tzinfo=UTC)


def tokens(s: str | None) -> list[str]:
    return re.findall(r"\w+", (s or "").lower())


def token_f1(ref: str | None, pred: str | None) -> float:
    t, p = Counter(tokens(ref)), Counter(tokens(pred))
    if not t or not p:
        return float(t == p)
    o = sum((t & p).values())
    pr, rc = o / sum(p.values()), o / sum(t.values())
    return 2 * pr * rc / (pr + rc) if o else 0.0


def exact(ref: str | None, pred: str | None) -> bool:
    return " ".join((ref or "").split()) == " ".join((pred or "").split())


def load(name: str) -> list[tuple[str, str, str | None, str]]:
    """(id, html, url, reference title) for every page of the corpus with a reference title."""
    if name == "golden":
        golden = ROOT / "tests" / "fixtures" / "golden"
        out = []
        for spec_path in sorted(golden.glob("*.json")):
            spec = json.loads(spec_path.read_text(encoding="utf-8"))
            ref = spec["expected"].get("title")
            if ref:
                from scrapers.decode import decode_html
                raw = gzip.decompress((golden / f"{spec_path.stem}.html.gz").read_bytes())
                out.append((spec_path.stem, decode_html(raw, spec.get("charset")).text, spec.get("url"), ref))
        return out
    folder = {"sh": "extraction-benchmark", "wcxb": "wcxb-articles"}[name]
    data = SHARED / "data" / folder
    gt = json.loads((data / "ground-truth.json").read_text(encoding="utf-8"))
    refs = {i: v["title"] for i, v in gt.items() if v.get("title")}
    if name == "sh":
        refs = json.loads((ROOT / "benchmarks" / "data" / "scrapinghub_titles.json").read_text(encoding="utf-8"))
    return [(i, gzip.decompress((data / "html" / f"{i}.html.gz").read_bytes()).decode("utf-8", "replace"),
             gt[i].get("url"), refs[i]) for i in sorted(refs)]


def title_of(html: str, url: str | None) -> str | None:
    from scrapers.extract import _parse
    from scrapers.metadata import extract_metadata
    tree = _parse(html)
    if tree is None:
        return None
    return extract_metadata(tree, url, tz=UTC, now=NOW).title


def run(name: str, show: int, only: str | None) -> dict[str, str | None]:
    pages = load(name)
    if only:
        pages = pages[0 if only == "even" else 1::2]
    preds, cpu = {}, 0.0
    for pid, html, url, _ in pages:
        c0 = time.process_time()
        preds[pid] = title_of(html, url)
        cpu += time.process_time() - c0
    line = [f"{name:7s} n={len(pages):4d}"]
    for label, sub in (("all", pages), ("even", pages[0::2]), ("odd", pages[1::2])):
        if not sub:
            continue
        ex = sum(exact(r, preds[p]) for p, _, _, r in sub) / len(sub)
        tok = sum(tokens(r) == tokens(preds[p]) for p, _, _, r in sub) / len(sub)
        f1 = sum(token_f1(r, preds[p]) for p, _, _, r in sub) / len(sub)
        line.append(f"{label}: exact {ex:.3f} token {tok:.3f} f1 {f1:.3f}")
    print("  ".join(line) + f"  cpu {cpu * 1000 / max(1, len(pages)):.2f} ms/page", flush=True)
    misses = [(p, u, r) for p, _, u, r in pages if tokens(r) != tokens(preds[p])]
    for p, u, r in sorted(misses, key=lambda m: token_f1(m[2], preds[m[0]]))[:show]:
        print(f"  {p[:16]:16s} f1={token_f1(r, preds[p]):.2f} {(u or '')[:60]}\n      ref:  {r!r}\n      got:  {preds[p]!r}")
    return preds


def compare(name: str, before: dict[str, str | None], after: dict[str, str | None]) -> None:
    refs = {p: r for p, _, _, r in load(name)}
    for p in sorted(set(before) & set(after)):
        was = (token_f1(refs[p], before[p]), exact(refs[p], before[p]))
        now = (token_f1(refs[p], after[p]), exact(refs[p], after[p]))
        if was != now:
            mark = "+" if now > was else "-"
            print(f"  {mark} {name} {p[:16]:16s} ref {refs[p]!r}\n      was {before[p]!r}\n      now {after[p]!r}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpora", default="sh,wcxb,golden")
    ap.add_argument("--show", type=int, default=0, help="print the N worst pages that miss (token match)")
    ap.add_argument("--half", choices=("even", "odd"), help="only one half of the sorted ids")
    ap.add_argument("--save", type=Path, help="write the titles found, per corpus, as JSON")
    ap.add_argument("--compare", type=Path, help="a --save file: list the pages whose title score changed")
    a = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    found = {name: run(name, a.show, a.half) for name in a.corpora.split(",")}
    if a.save:
        a.save.write_text(json.dumps(found, ensure_ascii=False, indent=0), encoding="utf-8")
    if a.compare:
        before = json.loads(a.compare.read_text(encoding="utf-8"))
        for name, preds in found.items():
            compare(name, before.get(name, {}), preds)


if __name__ == "__main__":
    main()
