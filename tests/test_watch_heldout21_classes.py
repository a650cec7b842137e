"""Classes of matcher errors found on the twenty-fifth and twenty-sixth held-out parts of the
labelled set (real Naver News articles of December 2025, tests/fixtures/labels, README there),
rules 21: each class is a general rule of watch.korean, watch.corroborate or watch.matcher,
tested on sentences written for the test (not the parts'), with the contrast that must stay."""
from __future__ import annotations

import pytest

from tests.watch_helpers import entity, flagged
from watch import Matcher, parse_watchlist


@pytest.fixture(scope="module")
def m() -> Matcher:
    return Matcher(parse_watchlist("\n".join([
        entity("line", ["LINE", "라인"]),
        entity("microsoft", ["Microsoft", "MS"]),
        entity("gm", ["GM", "General Motors"]),
        entity("motie", ["산업통상자원부", "산업부"]),
        entity("toyota", ["Toyota", "도요타"]),
        entity("dior", ["Dior", "디올"]),
        entity("mbc", ["MBC"]),
        entity("lg", ["LG전자"]),
    ]) + '\n[[entities]]\nid = "posco"\nname = "POSCO"\nkind = "company"\naliases = ["POSCO", "포스코", "포스코그룹"]\n'))


@pytest.mark.parametrize("text, expected", [
    # a loanword right after a noun of making is the common word (a production line)
    ("공장의 조립 라인이 새 제품 양산을 발표했다.", []),
    ("전용 라인은 공개됐다.", []),
    # contrast: the name as a subject of a business act
    ("라인이 새 메신저 기능을 발표했다.", ["line"]),
])
def test_a_loanword_after_a_noun_of_making(m, text, expected):
    assert flagged(m, text) == expected


@pytest.mark.parametrize("text, expected", [
    # a Latin acronym in parentheses after the Hangul spelling of the company's name is it
    ("LG전자가 제너럴모터스(GM)와 손잡았다.", ["gm", "lg"]),
    ("한국지엠(GM) 노조가 파업했다.", ["gm"]),
    # contrast: after a Korean common noun it abbreviates that noun (market share)
    ("LG전자는 시장 점유율(MS) 회복에 나섰다.", ["lg"]),
    # contrast: a Hangul word glued after Latin letters is no word of its own (LS그룹(GM)): the
    # company form before it corroborates as before, no gloss vetoes it
    ("LG전자와 LS그룹(GM)이 발표했다.", ["gm", "lg"]),
])
def test_an_acronym_glossing_the_hangul_word_before_it(m, text, expected):
    assert flagged(m, text) == expected


@pytest.mark.parametrize("text, expected", [
    # a ministry's short name before a newsroom's words is the outlet's desk
    ("이 코너는 한 매체 산업부의 뉴스 코너입니다.", []),
    ("홍길동 산업부 기자", []),
    # contrast: the ministry acting, and its press corps
    ("산업부는 수출 대책을 발표했다.", ["motie"]),
    ("산업부 기자단에 자료를 배포했다.", ["motie"]),
])
def test_a_ministry_short_name_as_a_newsroom_desk(m, text, expected):
    assert flagged(m, text) == expected


@pytest.mark.parametrize("text, expected", [
    # a trade suffix or 뉴스 glued to the brand: the brand
    ("북측에는 도요타향 배터리 설비가 들어선다.", ["toyota"]),
    ("그가 받은 ‘디올백’이 문제였다.", ["dior"]),
    ("MBC뉴스 홍길동입니다.", ["mbc"]),
    # contrast: a longer word starting with it stays another word
    ("도요타향수를 샀다.", []),
    ("디올백화점에 갔다.", []),
])
def test_a_suffix_glued_to_a_brand(m, text, expected):
    assert flagged(m, text) == expected


@pytest.mark.parametrize("text, expected", [
    # a material written like a team's plural (스테인리스) names no sports team, so the group's
    # own name stays the group
    ("수익금으로 포스코 스테인리스 강재를 활용한 설비를 만든다.", ["posco"]),
    # contrast: a sports team named with it
    ("포스코 스틸러스가 이겼다. 포스코 선수들이 환호했다.", []),
])
def test_a_material_is_no_team(m, text, expected):
    assert flagged(m, text) == expected
