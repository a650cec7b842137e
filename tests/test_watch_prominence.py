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


def test_korean_sentence_ends_without_a_space_or_with_only_two_spaces():
    # as run-together dumps of Korean news keep them: a full stop glued to the next
    # sentence, or the full stop lost and two spaces left; not a decimal point
    text = "계획이 무산됐습니다.미국 측은 설명했다  그는 20.9% 올랐다고 말했다"
    assert Shape(text).sentences == 3
    assert Shape("지수는 20.9% 올랐다. 3.5배다").sentences == 2


def test_a_body_written_as_one_long_line_has_its_first_sentences_as_lede():
    sentences = [f"문장 {i}번은 다른 회사의 소식을 길게 전했다" for i in range(12)]
    text = "  ".join(sentences[:8] + ["셀트리온은 주가가 올랐다"] + sentences[9:])
    at = text.index("셀트리온")
    sh = Shape(text)
    # two lede "paragraphs" of three sentences each; the ninth sentence is in neither
    assert len(sh.lede) == 2 and sh.lede_paragraph(0) == 1 and sh.lede_paragraph(at) is None
    assert sh.lede_paragraph(text.index("문장 3번")) == 2
    p = prominence("", text, [("text", at, at + 4)])
    assert p.parts["lede"] == 0 and p.parts["sentences_of"] == 12
    # a long paragraph of a normal page (ten sentences or fewer) stays one paragraph
    short = "  ".join(sentences[:8] + ["셀트리온은 주가가 올랐다"])
    assert Shape(short).lede_paragraph(short.index("셀트리온")) == 1


LEDE_SOURCE = ("트럼프 대통령과 니에토 멕시코 대통령이 전화통화 중 충돌했다고 워싱턴포스트(WP)가 "
               "24일(현지시간) 보도했다.\n\n니에토 대통령의 미국 방문 계획도 취소됐다.\n\n"
               "양국은 국경장벽 비용을 두고 맞서 왔다.")


def _spans(text: str, *names: str) -> list[tuple[str, int, int]]:
    out = []
    for name in names:
        s = text.index(name)
        out.append(("text", s, s + len(name)))
    return out


def test_a_source_cited_in_the_lede_is_not_what_the_story_is_about():
    p = prominence("", LEDE_SOURCE, _spans(LEDE_SOURCE, "워싱턴포스트", "WP"))
    assert p.parts["role"] == "source" and p.parts["lede_paragraph"] == 1
    assert p.parts["lede"] == p.parts["sentences"] == p.parts["position"] == 0
    assert p.score == parts_points(p) == p.parts["mentions"] < ABOUT
    # the same name as the subject of one more sentence makes it a possible subject again
    text = LEDE_SOURCE + "\n\n워싱턴포스트는 이날 편집국장을 새로 임명했다."
    p = prominence("", text, _spans(text, "워싱턴포스트", "WP") + [("text", text.rindex("워싱턴포스트"),
                                                                   text.rindex("워싱턴포스트") + 6)])
    assert "role" not in p.parts and p.parts["lede"] == 15


def test_a_name_in_the_headline_is_never_discounted():
    p = prominence("워싱턴포스트, 편집국장 교체", LEDE_SOURCE,
                   [("title", 0, 6)] + _spans(LEDE_SOURCE, "워싱턴포스트"))
    assert "role" not in p.parts and p.parts["headline"] == 30 and p.parts["lede"] == 15


def test_roles_through_the_matcher():
    # the platform where the president posted, in a short lede: a passing mention
    m = Matcher(load_watchlist(ROOT / "watchlists" / "default.toml"))
    text = ("문재인 대통령은 25일 페이스북에 “여자 컬링팀의 은메달 쾌거에 축하를 드린다”고 썼다.\n\n"
            "삼성전자는 이날 선수단에 격려금을 전달했다.")
    res = m.match("문 대통령, 컬링팀에 축하 메시지", text)
    by_id = {f.entity_id: f for f in res.flags}
    # (the shipped watchlist names 페이스북 under Meta)
    assert by_id["meta"].prominence_parts["role"] == "platform" and by_id["meta"].prominence < ABOUT
    assert "role" not in by_id["samsung"].prominence_parts


def test_the_story_view_says_why_a_part_gave_nothing():
    from review.web.explain import prominence_rows

    p = prominence("", LEDE_SOURCE, _spans(LEDE_SOURCE, "워싱턴포스트", "WP"))
    rows = {r.key: r for r in prominence_rows(p.parts)}
    assert rows["lede"].points == 0 and rows["lede"].measure.endswith("not counted: named only as a source")
    assert "not counted" not in rows["mentions"].measure
