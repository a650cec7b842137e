#!/usr/bin/env python3
"""Article-body extraction: newsmon vs trafilatura (and others), all corpora side by side.

Corpora: the scrapinghub pages (shared/data/extraction-benchmark, the benchmark's 4-gram
metric), the WCXB article pages (shared/data/wcxb-articles, WCXB's bag-of-words F1 per page;
also split by a hash of the page id into the tuning half and the check half), and the Korean
golden fixtures. Metrics come from shared/checks/extraction_eval.py. Per corpus and system:
F1, the share of pages worse than bare trafilatura by more than 0.05 (per-page F1), median
CPU ms per page and its ratio to trafilatura's, measured in this process, same run.
Prints figures; asserts nothing.

usage: .venv/bin/python benchmarks/extraction.py [--corpora sh,wcxb] [--eval FILE]
       [--systems a,b] [--worst N] [--limit N] [--repeat N]
"""
from __future__ import annotations

import argparse
import gzip
import hashlib
import importlib.util
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


def load_score(path: Path) -> Callable:
    if not path.exists():
        sys.exit(f"benchmark metric not found at {path}; pass --eval PATH/extraction_eval.py")
    spec = importlib.util.spec_from_file_location("extraction_eval", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def newsmon(html: str) -> str:
    from scrapers.extract import extract
    return extract(html).text


def trafilatura_default(html: str) -> str:
    import trafilatura
    return trafilatura.extract(html) or ""


def trafilatura_precision(html: str) -> str:
    import trafilatura
    return trafilatura.extract(html, favor_precision=True) or ""


def readability(html: str) -> str:
    import lxml.html
    from readability import Document

    from scrapers.htmltext import node_text
    try:
        summary = Document(html).summary(html_partial=True)
        return node_text(lxml.html.fragment_fromstring(summary, create_parent="div"))
    except Exception:  # noqa: BLE001 - a failure scores as an empty prediction
        return ""


SYSTEMS = {
    "newsmon": newsmon,
    "trafilatura": trafilatura_default,
    "trafilatura-precision": trafilatura_precision,
    "readability": readability,
}


def run_system(fn: Callable[[str], str], pages: dict[str, str]
               ) -> tuple[dict[str, str], list[float], list[float]]:
    """Predictions, wall-clock ms and CPU ms per page. The machine is shared: when other
    jobs load both cores, wall time inflates while this process's CPU time does not."""
    fn(next(iter(pages.values())))  # warm-up: imports and lazy initialisation are not page time
    preds, wall, cpu = {}, [], []
    for pid, html in pages.items():
        t0, c0 = time.perf_counter(), time.process_time()
        preds[pid] = fn(html)
        cpu.append((time.process_time() - c0) * 1000)
        wall.append((time.perf_counter() - t0) * 1000)
    return preds, wall, cpu


def golden_korean(ev) -> None:
    from datetime import datetime

    from scrapers.extract import extract
    golden = ROOT / "tests" / "fixtures" / "golden"
    truths, preds = {}, {}
    for spec_path in sorted(golden.glob("*.json")):
        spec = json.loads(spec_path.read_text(encoding="utf-8"))
        exp = spec["expected"]
        if exp["status"] != "ok":
            continue
        raw = gzip.decompress((golden / f"{spec_path.stem}.html.gz").read_bytes())
        r = extract(raw, spec.get("url"), charset=spec.get("charset"),
                    default_tz=spec.get("default_tz", "UTC"), now=datetime(2024, 3, 1, tzinfo=UTC))
        truths[spec_path.stem], preds[spec_path.stem] = exp["text"], r.text
    f, p, r_, _, per_page = ev.score(truths, preds)
    print(f"\ngolden fixtures (Korean outlets, en+ko, n={len(truths)}): newsmon f1={f:.3f} "
          f"precision={p:.3f} recall={r_:.3f}")
    for pid, (pp, rr) in sorted(per_page.items()):
        if min(pp, rr) < 0.95:
            print(f"  {pid:24s} precision={pp:.3f} recall={rr:.3f}")


def half(pid: str) -> str:
    """The WCXB split: tune on "tune", never look at "check" while tuning."""
    return "tune" if hashlib.sha1(pid.encode()).digest()[0] % 2 == 0 else "check"


CORPORA = {"sh": ("extraction-benchmark", "shingles"), "wcxb": ("wcxb-articles", "words")}


def page_f1(ev, metric: str, truth: str, pred: str) -> float:
    if metric == "words":
        return ev.word_scores(truth, pred)[2]
    p, r, _ = ev.page_scores(truth, pred)
    p, r = p or 0.0, r or 0.0
    return 2 * p * r / (p + r) if p + r else 0.0


def run_systems(names: list[str], pages: dict[str, str], repeat: int
                ) -> dict[str, tuple[dict[str, str], float, float]]:
    """Per system: predictions, median wall ms and median CPU ms per page. With ``repeat`` > 1
    every system goes over the pages that many times, the systems taking turns (the order
    reversed every other round), and each page counts with its least time: the other jobs of
    a shared machine inflate a round, never deflate it."""
    best: dict[str, tuple[dict[str, str], list[float], list[float]]] = {}
    for r in range(repeat):
        for sys_name in (names if r % 2 == 0 else names[::-1]):
            preds, wall, cpu = run_system(SYSTEMS[sys_name], pages)
            if sys_name in best:
                _, w0, c0 = best[sys_name]
                wall, cpu = list(map(min, w0, wall)), list(map(min, c0, cpu))
            best[sys_name] = (preds, wall, cpu)
    return {n: (preds, statistics.median(wall), statistics.median(cpu)) for n, (preds, wall, cpu) in best.items()}


def run_corpus(ev, name: str, systems: list[str], worst: int, limit: int | None, repeat: int = 1) -> None:
    folder, metric = CORPORA[name]
    data = SHARED / "data" / folder
    gt = json.loads((data / "ground-truth.json").read_text(encoding="utf-8"))
    ids = sorted(gt)[:limit] if limit else sorted(gt)
    pages = {i: gzip.decompress((data / "html" / f"{i}.html.gz").read_bytes()).decode("utf-8", "replace")
             for i in ids}
    truths = {i: gt[i]["articleBody"] for i in ids}
    scorer = ev.score_words if metric == "words" else ev.score
    print(f"\n{name}: {len(ids)} pages from {data} (metric {metric}); "
          f"load average {os.getloadavg()[0]:.2f} ({os.cpu_count()} cores)")
    results = run_systems(list(dict.fromkeys(["trafilatura", *systems])), pages, repeat)
    base_preds, _, base_cpu = results["trafilatura"]
    base_f1 = {i: page_f1(ev, metric, truths[i], base_preds[i]) for i in ids}
    print(f"{'system':22s} {'F1':>6s} {'tune':>6s} {'check':>6s} {'worse>0.05':>10s} "
          f"{'med ms':>7s} {'med cpu':>7s} {'cpu x tr':>8s}")
    for sys_name, (preds, wall, cpu) in results.items():
        f = scorer(truths, preds)[0]
        halves = []
        for h in ("tune", "check"):
            sub = [i for i in ids if half(i) == h]
            halves.append(scorer({i: truths[i] for i in sub}, {i: preds[i] for i in sub})[0] if sub else 0.0)
        f1s = {i: page_f1(ev, metric, truths[i], preds[i]) for i in ids}
        worse = sum(f1s[i] < base_f1[i] - 0.05 for i in ids) / len(ids)
        print(f"{sys_name:22s} {f:6.3f} {halves[0]:6.3f} {halves[1]:6.3f} {worse * 100:9.1f}% "
              f"{wall:7.1f} {cpu:7.1f} {cpu / base_cpu if base_cpu else 0:8.2f}", flush=True)
        if sys_name != "trafilatura":
            # a body trafilatura finds must never be dropped: pages empty here, not there
            dropped = sum(not preds[i].strip() and len(base_preds[i]) >= 100 for i in ids)
            print(f"    {sys_name}: {dropped} page(s) with no body where trafilatura has >= 100 chars")
        if sys_name == "newsmon" and worst:
            for i in sorted(ids, key=lambda i: f1s[i] - base_f1[i])[:worst]:
                print(f"    worst vs trafilatura {i[:16]} newsmon {f1s[i]:.2f} trafilatura {base_f1[i]:.2f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpora", default="sh,wcxb", help="comma list of: " + ",".join(CORPORA))
    ap.add_argument("--eval", type=Path, default=SHARED / "checks" / "extraction_eval.py")
    ap.add_argument("--systems", default="newsmon,trafilatura")
    ap.add_argument("--worst", type=int, default=5, help="print newsmon's N pages furthest below trafilatura")
    ap.add_argument("--limit", type=int, help="only the first N pages of each corpus (a quick look)")
    ap.add_argument("--repeat", type=int, default=1,
                    help="rounds over the pages, systems taking turns; each page's least time counts")
    a = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    ev = load_score(a.eval)
    for name in a.corpora.split(","):
        run_corpus(ev, name, a.systems.split(","), a.worst, a.limit, a.repeat)
    golden_korean(ev)


if __name__ == "__main__":
    main()
