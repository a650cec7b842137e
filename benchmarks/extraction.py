#!/usr/bin/env python3
"""Article-body extraction: newsmon vs trafilatura vs readability-lxml, side by side.

Scores every system on the extraction-benchmark pages with the benchmark's own metric
(``score`` imported from shared/checks/extraction_eval.py: token 4-gram multisets, macro
precision/recall, F1 of the means) and times each page extraction in this process.
Also prints newsmon's body F1 on the Korean golden fixtures. Prints figures; asserts nothing.

usage: .venv/bin/python benchmarks/extraction.py [--data DIR] [--eval FILE] [--systems a,b]
       [--worst N]
"""
from __future__ import annotations

import argparse
import gzip
import importlib.util
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


def load_score(path: Path) -> Callable:
    if not path.exists():
        sys.exit(f"benchmark metric not found at {path}; pass --eval PATH/extraction_eval.py")
    spec = importlib.util.spec_from_file_location("extraction_eval", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.score


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


def golden_korean(score: Callable) -> None:
    from datetime import datetime, timezone

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
                    default_tz=spec.get("default_tz", "UTC"), now=datetime(2024, 3, 1, tzinfo=timezone.utc))
        truths[spec_path.stem], preds[spec_path.stem] = exp["text"], r.text
    f, p, r_, acc, per_page = score(truths, preds)
    print(f"\ngolden fixtures (Korean outlets, en+ko, n={len(truths)}): f1={f:.3f} precision={p:.3f} "
          f"recall={r_:.3f}")
    for pid, (pp, rr) in sorted(per_page.items()):
        print(f"  {pid:24s} precision={pp:.3f} recall={rr:.3f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=SHARED / "data" / "extraction-benchmark")
    ap.add_argument("--eval", type=Path, default=SHARED / "checks" / "extraction_eval.py")
    ap.add_argument("--systems", default=",".join(SYSTEMS))
    ap.add_argument("--worst", type=int, default=5, help="print newsmon's N worst pages")
    a = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    score = load_score(a.eval)
    gt = json.loads((a.data / "ground-truth.json").read_text(encoding="utf-8"))
    ids = sorted(gt)
    pages = {i: gzip.decompress((a.data / "html" / f"{i}.html.gz").read_bytes()).decode("utf-8", "replace")
             for i in ids}
    truths = {i: gt[i]["articleBody"] for i in ids}
    print(f"{len(ids)} pages from {a.data}")
    print(f"load average before the run: {os.getloadavg()[0]:.2f} ({os.cpu_count()} cores)")
    print(f"{'system':24s} {'F1':>6s} {'prec':>6s} {'recall':>6s} {'exact':>6s} "
          f"{'median ms':>9s} {'mean ms':>8s} {'p90 ms':>7s} {'median cpu ms':>13s}")
    for name in a.systems.split(","):
        preds, times, cpu = run_system(SYSTEMS[name], pages)
        f, p, r, acc, per_page = score(truths, preds)
        times.sort()
        p90 = times[int(0.9 * (len(times) - 1))]
        print(f"{name:24s} {f:6.3f} {p:6.3f} {r:6.3f} {acc:6.3f} {statistics.median(times):9.1f} "
              f"{statistics.mean(times):8.1f} {p90:7.1f} {statistics.median(cpu):13.1f}", flush=True)
        if name == "newsmon" and a.worst:
            worst = sorted(per_page.items(), key=lambda kv: min(kv[1]))[:a.worst]
            for pid, (pp, rr) in worst:
                print(f"    worst {pid[:16]} precision={pp:.2f} recall={rr:.2f}")
    golden_korean(score)


if __name__ == "__main__":
    main()
