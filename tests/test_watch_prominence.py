"""watch.prominence: the score's parts, and the scores the matcher puts on its flags."""
from __future__ import annotations

from pathlib import Path

from watch import Matcher, load_watchlist
from watch.prominence import ABOUT, Shape, prominence, score

ROOT = Path(__file__).resolve().parent.parent
STORY = ("SEOUL, March 3 (Yonhap)\n\n"
         "Samsung Electronics said Thursday it will build a new chip packaging plant. "
         "The plant will open in 2027.\n\n"
         "Samsung plans to invest 4 trillion won. Rivals are expanding too.\n\n"
         "SK hynix held half of the HBM market last year. Analysts expect more orders.")


def parts_points(p) -> int:
    return sum(p.parts[k] for k in ("headline", "lede", "mentions", "sentences", "position"))


def test_parts_of_a_story_about_the_entity():
    s1 = STORY.index("Samsung Electronics")
    s2 = STORY.index("Samsung plans")
    p = prominence("Samsung to build chip plant", STORY,
                   [("title", 0, 7), ("text", s1, s1 + 19), ("text", s2, s2 + 7)])
    assert p.parts["in_title"] and p.parts["headline"] == 30
    # the dateline is skipped: the lede is the first two real paragraphs
    assert p.parts["lede_paragraph"] == 1 and p.parts["lede"] == 15
    assert p.parts["count"] == 3 and p.parts["mentions"] == 9
    assert (p.parts["sentences_with"], p.parts["sentences_of"]) == (2, 7)
    assert p.parts["share"] == round(2 / 7, 3) and p.parts["sentences"] == 29
    assert p.parts["first_at"] == round(STORY.index("Samsung") / len(STORY), 3) and p.parts["position"] == 9
    assert p.score == parts_points(p) == 92 and p.about


def test_a_passing_mention():
    s = STORY.index("SK hynix")
    p = prominence("Samsung to build chip plant", STORY, [("text", s, s + 8)])
    assert not p.parts["in_title"] and p.parts["lede"] == 0 and p.parts["count"] == 1
    assert p.score == parts_points(p) < ABOUT and not p.about


def test_title_only_and_empty_bodies():
    p = prominence("Samsung to build chip plant", "", [("title", 0, 7)])
    assert p.score == 33 and p.parts["first_at"] is None and p.parts["sentences_of"] == 0
    assert Shape(None).sentences == 0 and Shape("  \n\n ").sentences == 0


def test_sentences_in_korean_and_blank_lines():
    text = "삼성전자가 29일 발표했다. 영업이익이 늘었다.\n\n\n\n회사는 투자를 늘린다"
    sh = Shape(text)
    assert sh.sentences == 3
    numbers = sh.sentence_numbers([0, text.index("회사는")])
    assert numbers == {0: 0, text.index("회사는"): 2}


def test_score_is_capped_and_parts_add_up():
    text = "Meta. Meta. Meta. Meta. Meta. Meta."
    body = [(i, i + 4) for i in range(0, len(text), 6)]
    p = score(Shape(text), True, body, 1)
    assert p.score == 100 and parts_points(p) == 100


def test_the_matcher_fills_prominence_on_every_flag():
    m = Matcher(load_watchlist(ROOT / "watchlists" / "default.toml"))
    res = m.match("Samsung to build chip plant", STORY)
    by_id = {f.entity_id: f for f in res.flags}
    assert by_id["samsung"].prominence >= ABOUT > by_id["sk_hynix"].prominence
    for f in res.flags:
        assert f.prominence == parts_points(type("P", (), {"parts": f.prominence_parts})())
        assert f.to_dict()["prominence"] == f.prominence
