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
READABILITY = LABELS / "readability"  # heldout5's web pages (labels README)
# the parts measured, not asserted: each one the test of rules it was built apart from (labels
# README); rules 14 were tuned on heldout12 and heldout13, rules 15 on heldout14, rules 16 on
# heldout15 and heldout16, rules 17 on heldout17 and heldout18, rules 18 on heldout19 and
# heldout20, rules 19 on heldout21 and heldout22, rules 20 on heldout23 and heldout24, rules 21 on
# heldout25 and heldout26, rules 22 on heldout27 and heldout28 (all asserted below); heldout29
# and heldout30, built blind beside the next rules (rules 22 frozen), are their tests
UNASSERTED: tuple[str, ...] = ("heldout29", "heldout30")


def _pooled(res: dict, parts: list[str]) -> dict:
    """The figures of several parts taken as one (from their counts)."""
    tp, fp, fn = (sum(res[p][k] for p in parts) for k in ("tp", "fp", "fn"))
    atp, afp, afn = (sum(res[p][k] for p in parts) for k in ("about_tp", "about_fp", "about_fn"))
    return {"precision": tp / (tp + fp), "recall": tp / (tp + fn), "about_precision": atp / (atp + afp),
            "about_recall": atp / (atp + afn)}


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
    assert {r["split"] for r in rows} == {"dev", "heldout", "heldout2", "heldout3", "heldout4", "heldout5",
                                          "heldout6", "heldout7", "heldout8", "heldout9", "heldout10",
                                          "heldout11", "heldout12", "heldout13", "heldout14", "heldout15", "heldout16",
                                          "heldout17", "heldout18", "heldout19", "heldout20", "heldout21", "heldout22",
                                          "heldout23", "heldout24", "heldout25", "heldout26",
                                          "heldout27", "heldout28", "heldout29", "heldout30"}
    assert sum(r["split"] == "heldout2" for r in rows) >= 150  # a second held-out part (README)
    assert sum(r["split"] == "heldout3" for r in rows) >= 150  # and a third
    assert sum(r["split"] == "heldout4" for r in rows) >= 150  # and a fourth
    assert sum(r["split"] == "heldout5" for r in rows) >= 150  # and a fifth, on new real text
    assert sum(r["split"] == "heldout6" for r in rows) >= 150  # and a sixth
    assert sum(r["split"] == "heldout7" for r in rows) >= 150  # and a seventh, on real news articles
    assert sum(r["split"] == "heldout8" for r in rows) >= 150  # and an eighth, on more of them
    assert sum(r["split"] == "heldout8" and r["source"] == "naver-news" for r in rows) >= 70  # Korean
    assert sum(r["split"] == "heldout9" for r in rows) >= 145  # and a ninth, on more of them
    assert sum(r["split"] == "heldout9" and r["source"] == "naver-news" for r in rows) >= 70  # Korean
    assert sum(r["split"] == "heldout10" for r in rows) >= 105  # and a tenth, on more of them
    assert sum(r["split"] == "heldout10" and r["source"] == "naver-news" for r in rows) >= 45  # Korean
    assert sum(r["split"] == "heldout11" for r in rows) >= 80  # and an eleventh, on more of them
    assert sum(r["split"] == "heldout11" and r["source"] == "naver-news" for r in rows) >= 30  # Korean
    assert sum(r["split"] == "heldout12" for r in rows) >= 90  # and a twelfth, on more of them
    assert sum(r["split"] == "heldout12" and r["source"] == "naver-news" for r in rows) >= 30  # Korean
    assert sum(r["split"] == "heldout13" for r in rows) >= 140  # and a thirteenth, on more of them
    assert sum(r["split"] == "heldout13" and r["source"] == "naver-news" for r in rows) >= 115  # Korean
    assert sum(r["split"] == "heldout14" for r in rows) >= 95  # and a fourteenth, built blind
    assert sum(r["split"] == "heldout14" and r["source"] == "naver-news" for r in rows) >= 95  # all Korean
    assert sum(r["split"] == "heldout15" for r in rows) >= 150  # and a fifteenth, on a new crawl
    assert sum(r["split"] == "heldout15" and r["source"] == "naver-news" for r in rows) >= 150  # all Korean
    assert sum(r["split"] == "heldout16" for r in rows) >= 140  # and a sixteenth, built blind
    assert sum(r["split"] == "heldout16" and r["source"] == "naver-news" for r in rows) >= 120  # Korean
    assert sum(r["split"] == "heldout17" for r in rows) >= 155  # and a seventeenth, built blind
    assert sum(r["split"] == "heldout17" and r["source"] == "naver-news" for r in rows) >= 155  # all Korean
    assert sum(r["split"] == "heldout18" for r in rows) >= 105  # and an eighteenth, built blind
    assert sum(r["split"] == "heldout18" and r["source"] == "naver-news" for r in rows) >= 90  # Korean
    assert sum(r["split"] == "heldout19" for r in rows) >= 80  # and a nineteenth, built blind
    assert sum(r["split"] == "heldout19" and r["source"] == "naver-news" for r in rows) >= 80  # all Korean
    assert sum(r["split"] == "heldout20" for r in rows) >= 70  # and a twentieth, built blind
    assert sum(r["split"] == "heldout20" and r["source"] == "naver-news" for r in rows) >= 50  # Korean
    assert sum(r["split"] == "heldout21" for r in rows) >= 130  # and a twenty-first, built blind
    assert sum(r["split"] == "heldout21" and r["source"] == "naver-news" for r in rows) >= 130  # all Korean
    assert sum(r["split"] == "heldout22" for r in rows) >= 110  # and a twenty-second, built blind
    assert sum(r["split"] == "heldout22" and r["source"] == "naver-news-en" for r in rows) >= 100  # English
    assert sum(r["split"] == "heldout24" for r in rows) >= 90  # and a twenty-fourth, built blind
    assert sum(r["split"] == "heldout24" and r["source"] == "naver-news" for r in rows) >= 90  # all Korean
    assert sum(r["split"] == "heldout25" for r in rows) >= 100  # and a twenty-fifth, built blind
    assert sum(r["split"] == "heldout25" and r["source"] == "naver-news" for r in rows) >= 100  # all Korean
    assert sum(r["split"] == "heldout23" for r in rows) >= 100  # and a twenty-third, built blind
    assert sum(r["split"] == "heldout23" and r["source"] == "naver-news" for r in rows) >= 100  # all Korean
    assert sum(r["split"] == "heldout26" for r in rows) >= 100  # and a twenty-sixth, built blind
    assert sum(r["split"] == "heldout26" and r["source"] == "naver-news" for r in rows) >= 90  # mostly Korean
    assert sum(r["split"] == "heldout27" for r in rows) >= 100  # and a twenty-seventh, built blind
    assert sum(r["split"] == "heldout27" and r["source"] == "naver-news" for r in rows) >= 100  # all Korean
    assert sum(r["split"] == "heldout28" for r in rows) >= 65  # and a twenty-eighth, built blind
    assert sum(r["split"] == "heldout28" and r["source"] == "naver-news" for r in rows) >= 65  # all Korean
    assert sum(r["split"] == "heldout29" for r in rows) >= 50  # and a twenty-ninth, built blind
    assert sum(r["split"] == "heldout29" and r["source"] == "naver-news" for r in rows) >= 50  # all Korean
    assert sum(r["split"] == "heldout30" for r in rows) >= 65  # and a thirtieth
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
    mod = _eval_module()
    res = mod.evaluate()
    # the targets, "about" included, on the parts before heldout8 (its "about" is below them);
    # heldout8 to heldout11, below, by their own figures (rules 13 were tuned on heldout11, and
    # found the footer share links of heldout7-10: README there); heldout12 and heldout13 (the
    # tests of rules 13, then tuned on by rules 14) below; heldout14 (the test of rules 14, then
    # tuned on by rules 15) below; heldout15 and heldout16 (the tests of rules 15, then tuned on
    # by rules 16) below; heldout17 and heldout18 (the tests of rules 16, then tuned on by rules
    # 17) below; heldout19 and heldout20 (the tests of rules 17, then tuned on by rules 18) and
    # heldout21 and heldout22 (the tests of rules 18, then tuned on by rules 19) and heldout23 and
    # heldout24 (the tests of rules 18 and 19, then tuned on by rules 20) and heldout25 and
    # heldout26 (the tests of rules 19 and 20, then tuned on by rules 21) and heldout27 and
    # heldout28 (the tests of rules 20 and 21, then tuned on by rules 22) below; heldout29 (a test
    # of rules 22) is measured, not asserted (README there)
    unasserted = UNASSERTED
    everything = _pooled(res, [p for p in mod.SPLITS if p not in ("heldout8", "heldout9", "heldout10", "heldout11",
                                                                 "heldout12", "heldout13", "heldout14",
                                                                 "heldout15", "heldout16", "heldout17",
                                                                 "heldout18", "heldout19", "heldout20",
                                                                 "heldout21", "heldout22", "heldout23",
                                                                 "heldout24", "heldout25", "heldout26",
                                                                 "heldout27", "heldout28", *unasserted)])
    dev, held = res["dev"], res["heldout"]
    # the development part: the rules and the prominence weights were tuned on it
    assert dev["precision"] >= 0.985 and dev["recall"] >= 0.97, dev
    assert dev["about_precision"] >= 0.9 and dev["about_recall"] >= 0.9, dev
    # the whole set, heldout7 included (real news articles): rules 9 give 0.999 / 0.991; "about"
    # 0.964 / 0.927 with prominence tuned on heldout7 (Korean sentence ends, watch/roles.py)
    assert everything["precision"] >= 0.985 and everything["recall"] >= 0.97, everything
    assert everything["about_precision"] >= 0.95 and everything["about_recall"] >= 0.92, everything
    # the seventh (real Naver News and BBC News articles): its errors were turned into rules 9
    # (tuned on: 1.000 and 0.969, its three misses footer share links left by design; 0.977
    # and 0.866 with rules 8, measured once); the recall target is not met, so the guard is
    # at the figures reached. Its "about" figures are tuned on too (1.000 / 0.733): one about
    # pair fewer than prominence's own branch measured (0.800), because the watchlist's Trump
    # now excludes "이방카 트럼프", whose mentions had lifted a story whose headline writes
    # "회견서트럼프" (glued, no word) from 47 to 63 (README there)
    held7 = res["heldout7"]
    # (rules 13: 1.000 and 1.000, its footer share links found)
    assert held7["precision"] >= 0.985 and held7["recall"] >= 0.99, held7
    assert held7["about_precision"] >= 0.92 and held7["about_recall"] >= 0.73, held7
    # the eighth (more real news articles): its errors were turned into rules 10 (tuned on:
    # 1.000 and 0.924, its seven misses six footer share links left by design and a photo
    # credit glued to the next sentence; 0.911 and 0.891 with rules 9, measured once); the
    # recall target is not met, so the guard is at the figures reached. "about" (1.000 /
    # 0.615) was not worked on here. With it, the whole set keeps the "is the entity" targets
    held8 = res["heldout8"]
    # (rules 13: 1.000 and 0.989, its footer share links found; the glued photo credit left)
    assert held8["precision"] >= 0.985 and held8["recall"] >= 0.98, held8
    assert held8["about_precision"] >= 0.88 and held8["about_recall"] >= 0.61, held8
    with8 = _pooled(res, [p for p in mod.SPLITS if p not in ("heldout9", "heldout10", *unasserted)])
    assert with8["precision"] >= 0.985 and with8["recall"] >= 0.97, with8
    # the ninth (more real news articles): its errors were turned into rules 11 (tuned on:
    # 1.000 and 0.930, its seven misses footer share links left by design; 0.989 and 0.890
    # with rules 10, measured once); the guard is at the figures reached, and the whole set
    # with it keeps the "is the entity" targets
    held9 = res["heldout9"]
    # (rules 13: 1.000 and 1.000, its footer share links found)
    assert held9["precision"] >= 0.985 and held9["recall"] >= 0.99, held9
    assert held9["about_precision"] >= 0.9 and held9["about_recall"] >= 0.71, held9
    with9 = _pooled(res, [p for p in mod.SPLITS if p not in ("heldout10", *unasserted)])
    assert with9["precision"] >= 0.985 and with9["recall"] >= 0.97, with9
    # the tenth (more real news articles): its errors were turned into rules 12 (tuned on:
    # 1.000 and 0.942, its four misses footer share links left by design; 0.970 and 0.928
    # with rules 11, measured once); the guard is at the figures reached, and the whole set
    # with it keeps the "is the entity" targets
    held10 = res["heldout10"]
    # (rules 13: 1.000 and 1.000, its footer share links found)
    assert held10["precision"] >= 0.985 and held10["recall"] >= 0.99, held10
    assert held10["about_precision"] >= 0.75 and held10["about_recall"] >= 0.33, held10
    with10 = _pooled(res, [p for p in mod.SPLITS if p not in ("heldout11", *unasserted)])
    assert with10["precision"] >= 0.985 and with10["recall"] >= 0.97, with10
    # the eleventh (BBC News and Naver News IT/science): its errors were turned into rules 13
    # (tuned on: 1.000 and 1.000; 0.981 and 0.981 with rules 12, measured once); "about" was
    # not worked on (0.857 / 0.600). The whole set with it keeps the "is the entity" targets
    held11 = res["heldout11"]
    assert held11["precision"] >= 0.985 and held11["recall"] >= 0.99, held11
    assert held11["about_precision"] >= 0.85 and held11["about_recall"] >= 0.6, held11
    # the twelfth and thirteenth (BBC News, Naver News, Daily Mail): their errors were turned
    # into rules 14 (tuned on: 1.000 and 1.000 each; 0.968 / 0.968 and 0.989 / 0.926 with rules
    # 13, measured once); "about" was not worked on (1.000 / 0.583 and 0.875 / 0.875)
    for part in ("heldout12", "heldout13"):
        assert res[part]["precision"] >= 0.985 and res[part]["recall"] >= 0.99, (part, res[part])
    assert res["heldout12"]["about_precision"] >= 0.95 and res["heldout12"]["about_recall"] >= 0.58, res
    assert res["heldout13"]["about_precision"] >= 0.85 and res["heldout13"]["about_recall"] >= 0.85, res
    # the fourteenth (Naver News business and IT, built blind): its errors were turned into rules
    # 15 (tuned on: 1.000 and 1.000; 1.000 and 0.893 with rules 14, measured once); "about" was not
    # worked on (0.853 / 0.853; 0.839 / 0.765 with rules 14)
    held14 = res["heldout14"]
    assert held14["precision"] >= 0.985 and held14["recall"] >= 0.99, held14
    assert held14["about_precision"] >= 0.85 and held14["about_recall"] >= 0.85, held14
    # the fifteenth and sixteenth (Naver News business of 2019, BBC tech, built blind): their
    # errors were turned into rules 16 (tuned on: 1.000 / 0.992 and 1.000 / 0.980; 1.000 / 0.926
    # and 0.990 / 0.969 with rules 15, measured once). Left: a former employer's job beside a
    # longer company of the same name (`카카오 기획자` with 카카오벤처스) and two bare 삼성 for its
    # insurers, labelled passing by that part's convention; "about" was not worked on. Since
    # heldout17 added Daum Webtoon to the watchlist, heldout15's `다음웹툰에서` is that entity's
    # (the longer name wins), not the labelled Daum: 0.984
    held15, held16 = res["heldout15"], res["heldout16"]
    assert held15["precision"] >= 0.985 and held15["recall"] >= 0.98, held15
    assert held15["about_precision"] >= 0.75 and held15["about_recall"] >= 0.83, held15
    assert held16["precision"] >= 0.985 and held16["recall"] >= 0.979, held16
    assert held16["about_precision"] >= 0.84 and held16["about_recall"] >= 0.70, held16
    # the seventeenth and eighteenth (Naver News business of 2019, BBC tech, built blind): their
    # errors were turned into rules 17 (tuned on: 1.000 / 0.952 and 0.988 / 0.966; 0.983 / 0.911
    # and 0.964 / 0.931 with rules 16, measured once). Left: four outlet sign-offs as a bare
    # domain (chosunbiz.com, against the convention that a name only inside a web address is no
    # mention), three bare names in articles naming a longer company that starts with them
    # (카카오페이지, 아마존웹서비스, KBS뉴스), Daum in 다음웹툰 (Daum Webtoon's), and Spectrum beside
    # Atari (a list of computer makers); "about" was not worked on
    held17, held18 = res["heldout17"], res["heldout18"]
    assert held17["precision"] >= 0.985 and held17["recall"] >= 0.95, held17
    assert held17["about_precision"] >= 0.67 and held17["about_recall"] >= 0.91, held17
    assert held18["precision"] >= 0.985 and held18["recall"] >= 0.965, held18
    assert held18["about_precision"] >= 0.84 and held18["about_recall"] >= 0.88, held18
    # the nineteenth and twentieth (Naver News business of 2019, built blind): their errors were
    # turned into rules 18 (tuned on: 1.000 / 1.000 each; 0.983 / 0.966 and 1.000 / 0.983 with
    # rules 17, measured once); "about" was not worked on
    held19, held20 = res["heldout19"], res["heldout20"]
    assert held19["precision"] >= 0.985 and held19["recall"] >= 0.99, held19
    assert held19["about_precision"] >= 0.75 and held19["about_recall"] >= 0.99, held19
    assert held20["precision"] >= 0.985 and held20["recall"] >= 0.99, held20
    assert held20["about_precision"] >= 0.87 and held20["about_recall"] >= 0.99, held20
    # the twenty-first and twenty-second (Naver News of 2019 with lists of groups and affiliates,
    # English news of Korean outlets of 2025-26, built blind): their errors were turned into rules
    # 19 (tuned on: 1.000 / 0.991 and 1.000 / 1.000; 1.000 / 0.965 and 1.000 / 0.989 with rules 18,
    # measured once). Left: `현대가 한양대를 지원하듯이` (a bare 현대 with the subject particle, in an
    # interview: nothing tells the company from "the modern age" there); "about" was not worked on
    held21, held22 = res["heldout21"], res["heldout22"]
    assert held21["precision"] >= 0.985 and held21["recall"] >= 0.99, held21
    assert held21["about_precision"] >= 0.76 and held21["about_recall"] >= 0.62, held21
    assert held22["precision"] >= 0.985 and held22["recall"] >= 0.99, held22
    assert held22["about_precision"] >= 0.99 and held22["about_recall"] >= 0.81, held22
    # the twenty-third and twenty-fourth (Naver News of December 2025, economy outlets and Yonhap,
    # built blind): their errors were turned into rules 20 (tuned on: 1.000 / 1.000 each; 1.000 /
    # 0.952 and 1.000 / 0.975 with rules 18 and 19, measured once); "about" was not worked on
    held23, held24 = res["heldout23"], res["heldout24"]
    assert held23["precision"] >= 0.985 and held23["recall"] >= 0.99, held23
    assert held23["about_precision"] >= 0.72 and held23["about_recall"] >= 0.69, held23
    assert held24["precision"] >= 0.985 and held24["recall"] >= 0.99, held24
    assert held24["about_precision"] >= 0.80 and held24["about_recall"] >= 0.66, held24
    # the twenty-fifth and twenty-sixth (Naver News of December 2025, IT and specialist outlets,
    # national dailies and broadcasters, built blind): their errors were turned into rules 21
    # (tuned on: 1.000 / 1.000 each; 0.965 / 0.965 and 1.000 / 0.989 with rules 20, 0.964 / 0.953
    # and 1.000 / 0.978 with rules 19, measured once); "about" was not worked on
    held25, held26 = res["heldout25"], res["heldout26"]
    assert held25["precision"] >= 0.985 and held25["recall"] >= 0.99, held25
    assert held25["about_precision"] >= 0.77 and held25["about_recall"] >= 0.77, held25
    assert held26["precision"] >= 0.985 and held26["recall"] >= 0.99, held26
    assert held26["about_precision"] >= 0.80 and held26["about_recall"] >= 0.69, held26
    # the twenty-seventh and twenty-eighth (Naver News of December 2025, Yonhap's business and
    # markets, outlets above 030, built blind): their errors were turned into rules 22 (tuned on:
    # 1.000 / 1.000 each; 0.989 / 0.967 and 0.982 / 0.949 with rules 20 and 21, measured once);
    # "about" was not worked on
    held27, held28 = res["heldout27"], res["heldout28"]
    assert held27["precision"] >= 0.985 and held27["recall"] >= 0.99, held27
    assert held27["about_precision"] >= 0.71 and held27["about_recall"] >= 0.27, held27
    assert held28["precision"] >= 0.985 and held28["recall"] >= 0.99, held28
    assert held28["about_precision"] >= 0.94 and held28["about_recall"] >= 0.77, held28
    whole = _pooled(res, [p for p in mod.SPLITS if p not in unasserted])
    assert whole["precision"] >= 0.985 and whole["recall"] >= 0.99, whole
    # the held-out part: its errors were turned into rules 3 (README there); it now meets
    # the targets
    assert held["precision"] >= 0.985 and held["recall"] >= 0.97, held
    # the second held-out part: its errors were turned into rules 4; it now meets them
    held2 = res["heldout2"]
    assert held2["precision"] >= 0.985 and held2["recall"] >= 0.97, held2
    # the third held-out part: its errors were turned into rules 5; it now meets them
    held3 = res["heldout3"]
    assert held3["precision"] >= 0.985 and held3["recall"] >= 0.97, held3
    assert held3["about_precision"] >= 0.9 and held3["about_recall"] >= 0.9, held3
    # the fourth held-out part: its errors were turned into rules 6; it now meets them
    held4 = res["heldout4"]
    assert held4["precision"] >= 0.985 and held4["recall"] >= 0.97, held4
    assert held4["about_precision"] >= 0.9 and held4["about_recall"] >= 0.9, held4
    # the fifth held-out part (real web pages and written Korean): its errors were turned into
    # rules 7; it meets the "is the entity" targets (1.000 and 1.000 since its 야후 재팬 pair
    # was relabelled by the brand-and-country principle of rules 8; "about" 0.949 / 0.860 is
    # not a target met: README there), with its web pages present
    if READABILITY.is_dir():
        held5 = res["heldout5"]
        assert held5["precision"] >= 0.985 and held5["recall"] >= 0.97, held5
        assert held5["about_precision"] >= 0.94 and held5["about_recall"] >= 0.86, held5
        # the sixth (more Readability pages and written Korean): its errors were turned into
        # rules 8 (tuned on: 1.000 and 1.000, about 0.964 / 0.964; 0.951 and 0.924 with rules 7)
        held6 = res["heldout6"]
        assert held6["precision"] >= 0.985 and held6["recall"] >= 0.97, held6
        assert held6["about_precision"] >= 0.9 and held6["about_recall"] >= 0.9, held6


# the parts in the order they were built: each later part is checked against all the parts before it
_PARTS = ("dev", "heldout", *(f"heldout{n}" for n in range(2, 31)))


@pytest.mark.skipif(not SHARED.is_dir(), reason="needs ../shared beside the checkout")
@pytest.mark.parametrize("part, earlier", [(p, _PARTS[:i]) for i, p in enumerate(_PARTS) if i >= 2])
def test_a_later_held_out_part_is_exactly_the_candidates_it_was_built_from(part, earlier):
    """A later held-out part's pairs are the output of ``candidates.py --<part>`` (seeded), in
    order, and none of its articles holds a pair of an earlier part."""
    import subprocess
    import sys

    if part in ("heldout5", "heldout6") and not READABILITY.is_dir():
        pytest.skip("needs heldout5's web pages beside the checkout")
    out = subprocess.run([sys.executable, str(LABELS / "candidates.py"), f"--{part}", "--shared",
                          str(SHARED.parent)], capture_output=True, text=True, check=True).stdout.split()
    rows = [json.loads(x) for x in (LABELS / "mentions.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [f'{r["article"]}|{r["entity"]}' for r in rows if r["split"] == part] == out
    first = {r["article"] for r in rows if r["split"] in earlier}
    assert not first & {r["article"] for r in rows if r["split"] == part}
