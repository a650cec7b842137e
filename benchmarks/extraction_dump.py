#!/usr/bin/env python3
"""Every output field of ``scrapers.extract.extract`` on every page of every corpus, as JSON.

For checking that a change to the extraction code is output-neutral: dump before, dump
after, compare (``--compare OLD.json``: the pages and fields that differ, exit status 1).

Pages: the scrapinghub benchmark (shared/data/extraction-benchmark), the WCXB article pages
(shared/data/wcxb-articles), each extracted twice - as ``benchmarks/extraction.py`` calls it
(decoded text, no URL) and as the poll cycle's worker does (raw bytes with the page URL,
where a site rule can apply) - and the golden fixtures (tests/fixtures/golden) with their
spec's arguments. "Now" is fixed, so dates bounded by it do not drift between runs.

usage: .venv/bin/python benchmarks/extraction_dump.py OUT.json [--compare OLD.json] [--limit N]
"""
from __future__ import annotations

import argparse
import gzip
import json
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
GOLDEN = ROOT / "tests" / "fixtures" / "golden"
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
CORPORA = ("extraction-benchmark", "wcxb-articles")


def _corpus_pages(folder: str, limit: int | None) -> Iterator[tuple[str, bytes, dict]]:
    data = SHARED / "data" / folder
    gt = json.loads((data / "ground-truth.json").read_text(encoding="utf-8"))
    for pid in sorted(gt)[:limit]:
        yield pid, gzip.decompress((data / "html" / f"{pid}.html.gz").read_bytes()), gt[pid]


def outputs(limit: int | None = None) -> Iterator[tuple[str, dict]]:
    """(page key, ``Extracted.to_dict()``) for every page and calling mode."""
    from scrapers.extract import extract

    for folder in CORPORA:
        for pid, raw, truth in _corpus_pages(folder, limit):
            text = raw.decode("utf-8", "replace")
            yield f"{folder}/{pid}/text", extract(text, now=NOW).to_dict()
            yield f"{folder}/{pid}/bytes", extract(raw, truth.get("url"), now=NOW).to_dict()
    for spec_path in sorted(GOLDEN.glob("*.json"))[:limit]:
        spec = json.loads(spec_path.read_text(encoding="utf-8"))
        raw = gzip.decompress((GOLDEN / f"{spec_path.stem}.html.gz").read_bytes())
        feed = spec.get("feed_published")
        yield f"golden/{spec_path.stem}", extract(
            raw, spec.get("url"), charset=spec.get("charset"),
            feed_published=datetime.fromisoformat(feed) if feed else None,
            default_tz=spec.get("default_tz", "UTC"), now=NOW).to_dict()


def differences(old: dict[str, dict], new: dict[str, dict]) -> list[str]:
    """One line per page key missing on a side or per field whose value differs."""
    lines = [f"{k}: only in the old dump" for k in old.keys() - new.keys()]
    lines += [f"{k}: only in the new dump" for k in new.keys() - old.keys()]
    for key in sorted(old.keys() & new.keys()):
        for name in sorted(old[key].keys() | new[key].keys()):
            a, b = old[key].get(name), new[key].get(name)
            if a != b:
                lines.append(f"{key}: {name} differs: {json.dumps(a, ensure_ascii=False)[:200]} -> "
                             f"{json.dumps(b, ensure_ascii=False)[:200]}")
    return sorted(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--compare", type=Path, help="an earlier dump: print what differs, exit 1 if anything")
    ap.add_argument("--limit", type=int, help="only the first N pages of each corpus")
    a = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    dump = dict(outputs(a.limit))
    a.out.write_text(json.dumps(dump, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8")
    print(f"{len(dump)} page outputs written to {a.out}")
    if a.compare is None:
        return 0
    diff = differences(json.loads(a.compare.read_text(encoding="utf-8")), dump)
    print("\n".join(diff) if diff else f"identical to {a.compare}")
    return 1 if diff else 0


if __name__ == "__main__":
    raise SystemExit(main())
