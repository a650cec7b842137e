#!/usr/bin/env python3
"""Precision and recall of the matcher, and of prominence's "about", on the labelled set.

usage: .venv/bin/python benchmarks/mentions_eval.py [--code DIR] [--no-context] [--default-only]
                                                   [--only dev|heldout|...|heldout30 ...]
                                                   [--errors dev|heldout|...|heldout30|all] [--json]

The labelled set is ``tests/fixtures/labels`` (its README says how it was built): 1,225
(article, entity) pairs from the shared corpora (``../shared/data``: reference titles and
bodies), written Korean articles and the project's golden extraction fixtures, each
labelled ``about``, ``passing`` (a real mention) or ``not`` (not the entity), split by
article into a development part (rules tuned on it), a held-out part (whose errors became
rules 3), a second held-out part (``heldout2``, whose errors became rules 4), a third
(``heldout3``, whose errors became rules 5), a fourth (``heldout4``, whose errors became
rules 6), a fifth (``heldout5``: real web articles of Mozilla Readability's test suite and
written Korean, whose errors became rules 7), a sixth (``heldout6``: more Readability pages
and written Korean, labelled before rules 7 were run on it, whose errors became rules 8), a
seventh (``heldout7``: real news articles written by journalists, Korean Naver News and BBC
News, ``rt:<name>`` in ``tests/fixtures/labels/heldout7``, labelled before any matcher ran on
them, measured once with rules 8, whose errors became rules 9), an eighth (``heldout8``:
more real news articles of the same sources, never used before, ``rt:<name>`` in
``tests/fixtures/labels/heldout8``, labelled before any matcher ran on them), a ninth
(``heldout9``: more of the same sources again, ``tests/fixtures/labels/heldout9``, the same
way, built while rules 10 were written from heldout8's errors) a tenth (``heldout10``:
more of them again, ``tests/fixtures/labels/heldout10``, the same way, built while rules 11
were written from heldout9's errors), an eleventh (``heldout11``: more BBC News and Naver News
IT/science articles, ``tests/fixtures/labels/heldout11``, the same way, built while rules 12 were
written from heldout10's errors) and a twelfth (``heldout12``: more BBC News tech and Naver News
IT/science articles, ``tests/fixtures/labels/heldout12``, the same way, built while rules 13 were
written from heldout11's errors) and a thirteenth (``heldout13``: Naver News articles of another
crawl, BBC News politics and sport and Daily Mail articles, ``tests/fixtures/labels/heldout13``,
the same way, built at the same time as heldout12) and a fourteenth (``heldout14``: Naver News
business and IT articles of another crawl, ``tests/fixtures/labels/heldout14``, the same way,
built blind while rules 14 were written) and a fifteenth (``heldout15``: Naver News articles of
2019 from another crawl, ``tests/fixtures/labels/heldout15``, the same way, built blind while
rules 15 were written) and a sixteenth (``heldout16``: Naver News business and IT articles of
2019 and BBC News tech articles, ``tests/fixtures/labels/heldout16``, the same way, built blind
while rules 15 were written), a seventeenth (``heldout17``: Naver News business and IT articles
of 2019 from the same crawl's E1 and Kakao files, ``tests/fixtures/labels/heldout17``, the same way,
built blind while rules 16 were written), an eighteenth (``heldout18``: Naver News articles of 2019 and BBC
News tech articles, ``tests/fixtures/labels/heldout18``, the same way, built blind while rules 16
were written) and a nineteenth (``heldout19``: Naver News articles of 2019 from the same crawl's
Samsung Fire, Hanwha Life, Hyundai Heavy, Nexon and Kakao files, ``tests/fixtures/labels/heldout19``,
the same way, built blind while rules 17 were written) and a twentieth (``heldout20``: Naver News articles
of March 2019 on Hyundai and BBC News tech articles, ``tests/fixtures/labels/heldout20``, the
same way, built blind at the same time) and a twenty-second (``heldout22``: English articles of Korean
outlets of Dec 2025 - Jan 2026 and BBC News articles, ``tests/fixtures/labels/heldout22``, the same
way, built blind while rules 18 were written) a twenty-third (``heldout23``: Naver News articles of
December 2025 from economy and business outlets, hephaex/Baram, ``tests/fixtures/labels/heldout23``,
the same way, built blind at the same time) and a twenty-fourth (``heldout24``: Yonhap articles of
December 2025 on parties, special counsels, the presidential office, chaebol affiliates and
chips, hephaex/Baram's Naver News crawl, ``tests/fixtures/labels/heldout24``, the same way, built
blind at the same time) and a twenty-fifth (``heldout25``: Naver News articles of December 2025
from IT, business-magazine and specialist outlets, hephaex/Baram, ``tests/fixtures/labels/heldout25``,
the same way, built blind while rules 20 were written) and a twenty-sixth (``heldout26``: Naver News
articles of December 2025 from Korean dailies and broadcasters and one Korea JoongAng Daily story,
hephaex/Baram, ``tests/fixtures/labels/heldout26``,
the same way, built blind while rules 20 were written) and a twenty-seventh (``heldout27``: Yonhap's
Korean business articles of 27-28 December 2025 on banks, insurers, foreign investment banks,
carmakers, Coupang and US tech deals, hephaex/Baram, ``tests/fixtures/labels/heldout27``, the same
way, built blind while rules 21 were written) and a twenty-eighth (``heldout28``: Naver News
articles of December 2025 from outlets with Naver numbers above 030, on parties, the defense ministry,
Japan's stablecoin rules, Coupang's shares and a streaming platform, hephaex/Baram,
``tests/fixtures/labels/heldout28``, the same way, built blind at the same time) and a twenty-ninth
(``heldout29``: Yonhap's Korean business, economy and IT articles of 27-28 December 2025 on retailers'
promotions, housing supply, next week's economy, generative AI in games and Coupang's statement,
hephaex/Baram, ``tests/fixtures/labels/heldout29``, the same way, built blind beside rules 22) and a thirtieth
(``heldout30``: Yonhap's Korean politics and ministries articles of 25-27 December 2025 and The Korea
Herald's English business articles of 30 December 2025 and 2 January 2026, hephaex/Baram,
``tests/fixtures/labels/heldout30``, the same way, built blind at the same time); the Readability
pages are ``tests/fixtures/labels/readability``, or
``$NEWSMON_READABILITY_PAGES``).

* "is the entity": a pair is predicted positive when the matcher flags the entity for the
  article (title + body), with ``tests/fixtures/labels/watchlist.toml``; positive labels
  are ``about`` and ``passing``. Targets: precision >= 0.985, recall >= 0.97.
* "about" (prominence, ``watch.prominence``): a pair is predicted "about" when it is
  flagged with a score >= ``ABOUT``; positive label ``about``. Targets: >= 0.9 each.

``--default-only`` keeps the pairs of the shipped beat watchlist's entities (Meta, Samsung,
LG, ...). ``--code DIR`` runs another checkout of the project instead (e.g. the 0.1.0 release,
exported with ``git archive 91ad444 | tar -x -C /tmp/v010``): its ``watch`` package is
imported in a subprocess, and the watchlist keys that version does not know (``context``,
``ambiguous``: when its ``watch/watchlist.py`` never names them) are dropped; "about" is
measured too when that version has ``watch/prominence.py``. ``--no-context`` drops ``context`` for this version too, to
show what the automatic rules do alone. Prints the figures (and, with ``--errors``, each
wrong pair of that part); asserts nothing (tests/test_watch_labels.py does).
"""
from __future__ import annotations

import argparse
import glob
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LABELS = ROOT / "tests" / "fixtures" / "labels"
SHARED = ROOT.parent / "shared"
SPLITS = ("dev", "heldout", *(f"heldout{n}" for n in range(2, 31)))
# heldout5's real web pages (Mozilla Readability's test suite; tests/fixtures/labels/README.md)
READABILITY = LABELS / "readability"
# the real news parts, heldout7 to heldout30 (tests/fixtures/labels/README.md says where each
# came from and which rules it was built blind beside): one folder each, a text a file, a title
# line (empty for the Korean ones), a blank line, the body
REAL_NEWS = [LABELS / part for part in SPLITS[SPLITS.index("heldout7"):]]
TARGETS = {"precision": 0.985, "recall": 0.97, "about_precision": 0.9, "about_recall": 0.9}

# matches stdin's articles with another checkout's matcher; VALUE: what is printed per flag
RUNNER = r"""
import json, sys
sys.path.insert(0, sys.argv[1])
from watch import Matcher, parse_watchlist
m = Matcher(parse_watchlist(open(sys.argv[2], encoding="utf-8").read()))
for line in sys.stdin:
    a = json.loads(line)
    r = m.match(a["title"], a["text"])
    print(json.dumps({"id": a["id"], "flags": {f.entity_id: VALUE for f in r.flags}}))
"""
_RUNNER = RUNNER.replace("VALUE", 'getattr(f, "prominence", None)')


def load_labels() -> list[dict]:
    return [json.loads(x) for x in (LABELS / "mentions.jsonl").read_text(encoding="utf-8").splitlines() if x.strip()]


def load_articles(shared: Path = SHARED) -> dict[str, tuple[str, str]]:
    """article id -> (title, body) for every article of the labelled set."""
    docs: dict[str, tuple[str, str]] = {}
    for corpus, tag in (("wcxb-articles", "wcxb"), ("extraction-benchmark", "seb")):
        truth = json.loads((shared / "data" / corpus / "ground-truth.json").read_text(encoding="utf-8"))
        for key, v in truth.items():
            docs[f"{tag}:{key}"] = (v.get("title") or "", v["articleBody"])
    for line in (LABELS / "written_ko.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            a = json.loads(line)
            docs[a["id"]] = (a["title"], a["text"])
    readability = Path(os.environ.get("NEWSMON_READABILITY_PAGES", READABILITY))
    for path in sorted(readability.glob("*.txt")):
        docs["rdb:" + path.stem] = ("", path.read_text(encoding="utf-8"))
    for path in sorted(p for d in REAL_NEWS for p in d.glob("*.txt")):
        title, _, body = path.read_text(encoding="utf-8").partition("\n\n")
        docs["rt:" + path.stem] = (title.strip(), body.strip())
    for path in sorted(glob.glob(str(ROOT / "tests" / "fixtures" / "golden" / "*.json"))):
        exp = json.loads(Path(path).read_text(encoding="utf-8"))["expected"]
        if exp.get("text"):
            docs["golden:" + Path(path).stem] = (exp.get("title") or "", exp["text"])
    return docs


def knows_context(code: Path | None) -> bool:
    """Does that checkout's watchlist format have ``context`` (and ``ambiguous``)?"""
    return code is None or "context" in (code / "watch" / "watchlist.py").read_text(encoding="utf-8")


def watchlist_text(old: bool, no_context: bool) -> str:
    """The evaluation watchlist; without the keys 0.1.0 does not know when ``old``."""
    text = (LABELS / "watchlist.toml").read_text(encoding="utf-8")
    if old or no_context:
        text = re.sub(r"(?m)^context = \[[^\]]*\]\n", "", text)
    if old:
        text = re.sub(r"(?m)^ambiguous = \{[^}]*\}\n", "", text)
    return text


def predict(docs: dict[str, tuple[str, str]], wl_text: str, code: Path | None = None) -> dict[str, dict]:
    """article -> {entity: prominence (None when that version has none)}."""
    wanted = sorted({lab["article"] for lab in load_labels()} & docs.keys())
    if code is None:
        sys.path.insert(0, str(ROOT))
        from watch import Matcher, parse_watchlist
        m = Matcher(parse_watchlist(wl_text))
        out = {}
        for aid in wanted:
            r = m.match(*docs[aid])
            out[aid] = {f.entity_id: f.prominence for f in r.flags}
        return out
    return run_checkout(code, {a: docs[a] for a in wanted}, wl_text, _RUNNER)


def run_checkout(code: Path, docs: dict[str, tuple[str, str]], wl_text: str, runner: str) -> dict[str, dict]:
    """article -> the ``flags`` that ``runner`` prints for it, matched in a subprocess with the
    ``watch`` package of checkout ``code`` (also used by flags_compare.py)."""
    with tempfile.TemporaryDirectory() as d:
        wl = Path(d) / "watchlist.toml"
        wl.write_text(wl_text, encoding="utf-8")
        stdin = "".join(json.dumps({"id": a, "title": t, "text": b}, ensure_ascii=False) + "\n"
                        for a, (t, b) in docs.items())
        env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
        res = subprocess.run([sys.executable, "-c", runner, str(code), str(wl)], input=stdin,
                             capture_output=True, text=True, env=env, cwd=d, check=False)
        if res.returncode:
            raise SystemExit(f"matching with {code} failed: {res.stderr[-2000:]}")
    return {r["id"]: r["flags"] for r in map(json.loads, res.stdout.splitlines())}


def figures(labels: list[dict], pred: dict[str, dict], about: int | None) -> dict:
    tp = fp = fn = 0
    atp = afp = afn = 0
    wrong: list[tuple[str, dict, object]] = []
    for lab in labels:
        flags = pred.get(lab["article"], {})
        flagged = lab["entity"] in flags
        positive = lab["label"] != "not"
        tp += flagged and positive
        fp += flagged and not positive
        fn += positive and not flagged
        if flagged != positive:
            wrong.append(("false alarm" if flagged else "missed", lab, flags.get(lab["entity"])))
        if about is not None:
            score = flags.get(lab["entity"])
            is_about = flagged and score is not None and score >= about
            atp += is_about and lab["label"] == "about"
            afp += is_about and lab["label"] != "about"
            afn += lab["label"] == "about" and not is_about
            if is_about != (lab["label"] == "about") and flagged == positive:
                wrong.append(("prominence", lab, score))
    f = {"pairs": len(labels), "positives": tp + fn, "tp": tp, "fp": fp, "fn": fn,
         "precision": tp / (tp + fp) if tp + fp else 1.0, "recall": tp / (tp + fn) if tp + fn else 1.0}
    if about is not None:
        f.update({"about": atp + afn, "about_precision": atp / (atp + afp) if atp + afp else 1.0,
                  "about_recall": atp / (atp + afn) if atp + afn else 1.0,
                  "about_tp": atp, "about_fp": afp, "about_fn": afn})
    f["wrong"] = wrong
    return f


def default_entities() -> set[str]:
    """The entities of the shipped beat watchlist (watchlists/default.toml)."""
    import tomllib
    data = tomllib.loads((ROOT / "watchlists" / "default.toml").read_text(encoding="utf-8"))
    return {e["id"] for e in data["entities"]}


def evaluate(code: Path | None = None, no_context: bool = False, shared: Path = SHARED,
             only: set[str] | None = None, splits: list[str] | None = None) -> dict[str, dict]:
    docs = load_articles(shared)
    labels = [x for x in load_labels() if (only is None or x["entity"] in only)
              and (not splits or x["split"] in splits) and x["article"] in docs]
    pred = predict(docs, watchlist_text(not knows_context(code), no_context), code)
    about = None
    if code is None or (code / "watch" / "prominence.py").exists():
        sys.path.insert(0, str(ROOT))
        from watch.prominence import ABOUT
        about = ABOUT
    parts = {name: [x for x in labels if x["split"] == name] for name in SPLITS}
    parts["all"] = labels
    return {name: figures(rows, pred, about) for name, rows in parts.items()}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--code", type=Path, help="another checkout to evaluate (e.g. the 0.1.0 release)")
    ap.add_argument("--no-context", action="store_true", help="drop the watchlist's context terms")
    ap.add_argument("--errors", choices=(*SPLITS, "all"), help="print the wrong pairs of that part")
    ap.add_argument("--only", choices=SPLITS, action="append",
                    help="evaluate only these parts (repeatable; default all)")
    ap.add_argument("--shared", type=Path, default=SHARED)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--default-only", action="store_true",
                    help="only the pairs of the shipped beat watchlist's entities")
    a = ap.parse_args()
    res = evaluate(a.code, a.no_context, a.shared, default_entities() if a.default_only else None, a.only)
    if a.json:
        print(json.dumps({k: {x: y for x, y in v.items() if x != "wrong"} for k, v in res.items()}, indent=1))
    else:
        who = f"code at {a.code}" if a.code else "this checkout"
        print(f"{who}{' (no context terms)' if a.no_context else ''}: labelled pairs "
              f"{res['all']['pairs']} (" + ", ".join(f"{n} {res[n]['pairs']}" for n in SPLITS if res[n]["pairs"]) + ")")
        for name in (*SPLITS, "all"):
            f = res[name]
            if not f["pairs"]:
                continue
            line = (f"  {name:<8} is-the-entity precision {f['precision']:.3f} recall {f['recall']:.3f} "
                    f"(tp {f['tp']}, fp {f['fp']}, fn {f['fn']} of {f['positives']} positives)")
            if "about_precision" in f:
                line += (f"; about precision {f['about_precision']:.3f} recall {f['about_recall']:.3f} "
                         f"({f['about']} about)")
            print(line)
    if a.errors:
        for kind, lab, score in res[a.errors]["wrong"]:
            print(f"  {kind:<11} {lab['label']:<7} {lab['entity']:<12} {lab['article'][:20]:<20} "
                  f"score={score} | {lab['evidence'][:110]}")


if __name__ == "__main__":
    main()
