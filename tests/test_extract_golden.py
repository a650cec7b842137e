"""Golden pages: every ``tests/fixtures/golden/<name>.html.gz`` is extracted and compared with
``<name>.json`` beside it - body F1 >= 0.95 with the benchmark's token 4-gram metric, and
exact title, dates, authors, language, canonical URL, status and method.

The pages are hand-written in the markup styles of Korean outlets (Yonhap, Korea Herald,
Hankyung, JoongAng, Hankyoreh, Chosun, small CMS outlets), in English and Korean, with
navigation, "most viewed" sidebars naming other watched companies, related boxes, photo
captions and footers around the body.
"""
from __future__ import annotations

import gzip
import json
import re
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

import pytest

from scrapers.extract import extract

GOLDEN = Path(__file__).parent / "fixtures" / "golden"
NOW = datetime(2024, 3, 1, 12, 0, tzinfo=timezone.utc)  # fixed: "future" is relative to it
CASES = sorted(p.name.removesuffix(".json") for p in GOLDEN.glob("*.json"))


def shingles(text: str) -> Counter:
    """The benchmark's metric (shared/checks/extraction_eval.py): token 4-gram multisets."""
    tokens = re.findall(r"\w+", text or "")
    if not tokens:
        return Counter()
    if len(tokens) < 4:
        return Counter([tuple(tokens)])
    return Counter(tuple(tokens[i:i + 4]) for i in range(len(tokens) - 3))


def body_f1(truth: str, pred: str) -> float:
    t, p = shingles(truth), shingles(pred)
    tp = sum((t & p).values())
    if not tp:
        return 1.0 if not t and not p else 0.0
    precision, recall = tp / sum(p.values()), tp / sum(t.values())
    return 2 * precision * recall / (precision + recall)


def load(name: str) -> tuple[bytes, dict]:
    raw = gzip.decompress((GOLDEN / f"{name}.html.gz").read_bytes())
    spec = json.loads((GOLDEN / f"{name}.json").read_text(encoding="utf-8"))
    return raw, spec


def run(name: str):
    raw, spec = load(name)
    feed = spec.get("feed_published")
    result = extract(raw, spec.get("url"), charset=spec.get("charset"),
                     feed_published=datetime.fromisoformat(feed) if feed else None,
                     default_tz=spec.get("default_tz", "UTC"), now=NOW)
    return result, spec["expected"]


def test_there_are_golden_pages():
    assert len(CASES) >= 12
    for name in CASES:
        assert (GOLDEN / f"{name}.html.gz").exists(), f"{name}.json has no {name}.html.gz"


@pytest.mark.parametrize("name", CASES)
def test_golden_body(name):
    r, exp = run(name)
    assert r.status == exp["status"], (r.status, r.reason, r.notes)
    if exp["status"] == "ok":
        # decoding: no replacement characters, no UTF-8-read-as-Latin-1/CP949 mojibake
        assert "\ufffd" not in r.text and not re.search(r"Ã.|â€|ì\x9d|ë\x8b", r.text + (r.title or ""))
        f1 = body_f1(exp["text"], r.text)
        assert f1 >= 0.95, f"{name}: body F1 {f1:.3f} (method {r.method})\n---\n{r.text}"
    else:
        assert r.text == ""
        assert r.reason and r.reason.startswith(exp["reason_prefix"]), r.reason
    if "method" in exp:
        assert r.method == exp["method"], r.notes


@pytest.mark.parametrize("name", CASES)
def test_golden_metadata(name):
    r, exp = run(name)
    assert r.title == exp["title"]
    published = r.published.value.isoformat() if r.published.value else None
    assert published == exp.get("published"), (r.published, r.notes)
    if "published_source" in exp:
        assert r.published.source == exp["published_source"]
        assert r.published.raw  # the raw string is kept with its source
    if "modified" in exp:
        modified = r.modified.value.isoformat() if r.modified.value else None
        assert modified == exp["modified"], (r.modified, r.notes)
    assert r.authors == exp["authors"]
    assert r.language == exp["language"]
    if "canonical_url" in exp:
        assert r.canonical_url == exp["canonical_url"]
    for note in exp.get("notes_contain", []):
        assert any(note in n for n in r.notes), r.notes
