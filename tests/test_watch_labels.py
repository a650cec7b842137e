"""The labelled set (tests/fixtures/labels): its shape, and the matcher's and prominence's
figures on it against the targets of issues 16 and 14 (benchmarks/mentions_eval.py prints
them; CI runs this where ../shared is beside the checkout)."""
from __future__ import annotations

import importlib.util
import json
import tomllib
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LABELS = ROOT / "tests" / "fixtures" / "labels"
SHARED = ROOT.parent / "shared" / "data"


def _eval_module():
    spec = importlib.util.spec_from_file_location("mentions_eval", ROOT / "benchmarks" / "mentions_eval.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)  # type: ignore[union-attr]
    return mod


def test_the_set_is_well_formed():
    rows = [json.loads(x) for x in (LABELS / "mentions.jsonl").read_text(encoding="utf-8").splitlines()]
    ents = {e["id"] for e in tomllib.loads((LABELS / "watchlist.toml").read_text(encoding="utf-8"))["entities"]}
    assert len(rows) >= 250
    assert len({(r["article"], r["entity"]) for r in rows}) == len(rows)  # one label per pair
    assert {r["label"] for r in rows} == {"about", "passing", "not"}
    assert {r["split"] for r in rows} == {"dev", "heldout", "heldout2"}
    assert sum(r["split"] == "heldout2" for r in rows) >= 150  # a second held-out part (README)
    assert all(r["entity"] in ents and r["evidence"] for r in rows)
    # an article's pairs are all in the same part
    split = {}
    for r in rows:
        assert split.setdefault(r["article"], r["split"]) == r["split"]
    counts = Counter(r["label"] for r in rows)
    assert counts["not"] >= 100 and counts["about"] >= 50  # real false-alarm candidates, real stories
    assert Counter(r["source"] for r in rows)["written"] >= 20  # Korean articles written for the set


@pytest.mark.skipif(not SHARED.is_dir(), reason="needs ../shared beside the checkout")
def test_targets_on_the_labelled_set():
    res = _eval_module().evaluate()
    dev, held, everything = res["dev"], res["heldout"], res["all"]
    assert everything["recall"] >= 0.97, everything
    # the development part: the rules and the prominence weights were tuned on it
    assert dev["precision"] >= 0.985 and dev["recall"] >= 0.97, dev
    assert dev["about_precision"] >= 0.9 and dev["about_recall"] >= 0.9, dev
    # the whole set
    assert everything["precision"] >= 0.985 and everything["about_precision"] >= 0.9, everything
    # the held-out part: its errors were turned into rules 3 (README there); it now meets
    # the targets
    assert held["precision"] >= 0.985 and held["recall"] >= 0.97, held
    # the second held-out part: never tuned on, below the targets (README there); guard
    # against regressions only
    held2 = res["heldout2"]
    assert held2["precision"] >= 0.95 and held2["recall"] >= 0.89, held2


@pytest.mark.skipif(not SHARED.is_dir(), reason="needs ../shared beside the checkout")
def test_heldout2_is_exactly_the_candidates_it_was_built_from():
    """heldout2's pairs are the output of ``candidates.py --heldout2`` (seeded), in order, and
    none of its articles holds a pair of the first two parts."""
    import subprocess
    import sys

    out = subprocess.run([sys.executable, str(LABELS / "candidates.py"), "--heldout2", "--shared",
                          str(SHARED.parent)], capture_output=True, text=True, check=True).stdout.split()
    rows = [json.loads(x) for x in (LABELS / "mentions.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [f'{r["article"]}|{r["entity"]}' for r in rows if r["split"] == "heldout2"] == out
    first = {r["article"] for r in rows if r["split"] != "heldout2"}
    assert not first & {r["article"] for r in rows if r["split"] == "heldout2"}
