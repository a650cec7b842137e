"""Classes of matcher errors found on the twelfth and thirteenth held-out parts of the labelled
set (real BBC News, Naver News and Daily Mail articles; tests/fixtures/labels, README there),
rules 14: each class is a general rule of watch.corroborate, watch.korean or watch.matcher,
tested on sentences written for the test (not the parts'), with the contrast that must stay as
it was."""
from __future__ import annotations

import pytest

from tests.watch_helpers import entity, flagged
from watch import Matcher, parse_watchlist
from watch.korean import elided_lists, endings

PERSON = ('[[entities]]\nid = "yoon"\nname = "Yoon Suk Yeol"\nkind = "person"\n'
          'aliases = ["Yoon Suk Yeol", "윤석열"]\n')


@pytest.fixture(scope="module")
def m() -> Matcher:
    return Matcher(parse_watchlist("\n".join([
        entity("universal", ["Universal Pictures", "Universal Studios", "Universal"]),
        entity("samsung", ["Samsung Electronics", "Samsung", "삼성전자", "삼성"], ["Galaxy", "갤럭시"]),
        entity("sony", ["Sony", "소니"]), entity("fox", ["Fox", "Fox Corporation"], ["Tubi"]),
        entity("apple", ["Apple", "애플"]), entity("lotus", ["Lotus", "로터스"]),
        entity("hyundai", ["Hyundai Motor", "Hyundai", "현대차", "현대"]), entity("kia", ["Kia", "기아", "기아차"]),
        entity("kb", ["KB", "KB국민은행", "국민은행"]), entity("samsung_card", ["Samsung Card", "삼성카드"]),
        entity("dell", ["Dell", "Dell Technologies", "델"]), entity("cnet", ["CNET", "씨넷"]),
        entity("nbc", ["NBC"]), entity("ford", ["Ford", "포드"]), entity("stellantis", ["Stellantis", "스텔란티스"]),
        entity("delta", ["Delta", "Delta Air Lines"]), entity("wired", ["Wired"]), entity("macworld", ["Macworld"]),
        PERSON,
    ])))


@pytest.mark.parametrize("text, expected", [
    # a watched name and an industry word make another company's name: that company
    ("Universal Electronics' NevoSL is a remote that lets people use one device.", []),
    ("Shares of Apple Records rose after the release.", []),
    # contrast: the entity's own alias (any number, spaces aside), a lower-case word, the name
    ("Samsung Electronics said profits rose.", ["samsung"]),
    ("Delta Airlines suspended her after the posts.", ["delta"]),
    ("Sony's electronics division said sales rose.", ["sony"]),
    ("Universal said the film would open in May.", ["universal"]),
])
def test_another_company_named_with_an_industry_word(m, text, expected):
    assert flagged(m, text) == expected


@pytest.mark.parametrize("text, expected", [
    # the end of a longer proper name: the bare mentions later are short for it
    ("Twentieth Century Fox has yet to choose. If Fox decided to back the format, others would follow.", []),
    # contrast: a context term establishes the entity; a short or loose longer name does not spread
    ("Twentieth Century Fox has yet to choose. If Fox decided to back Tubi, others would follow.", ["fox"]),
    ("Universal said the film would open in May, a spokesman for Universal said.", ["universal"]),
    # contrast: a name that goes on after the word is a product's, inside it, and does not spread
    ("The Floodlight Cam Wired Pro is bright. His work has appeared in Wired, Macworld and others.",
     ["macworld", "wired"]),
])
def test_bare_mentions_short_for_a_longer_proper_name(m, text, expected):
    assert flagged(m, text) == expected


@pytest.mark.parametrize("text, expected", [
    # a British plural verb after the name in mid-sentence: a company
    ("It is the niche which Apple have been responsible for creating.", ["apple"]),
    # contrast: a singular verb of a fruit, and a sentence's start
    ("It is the fruit which Apple has in its name.", []),
    ("Apple have been grown here for years.", []),
])
def test_a_companys_plural_verb(m, text, expected):
    assert flagged(m, text) == expected


@pytest.mark.parametrize("text, expected", [
    # elided lists: each item is the name the shared ending makes
    ("현대·기아차를 캡티브 시장으로 보유한 카드사가 늘었다.", ["hyundai", "kia"]),
    ("24일 KB국민·신한·하나·우리은행의 금리가 올랐다.", ["kb"]),
    # an affiliate's kind after the list: the affiliate, not the group (watched or not)
    ("신한·삼성·롯데카드는 캐시백율을 내렸다.", ["samsung_card"]),
    ("신한·삼성·롯데생명은 보험료를 올렸다.", []),
    # contrast: a list of the group itself, an affiliate glued on its own
    ("삼성·소니는 신제품을 공개했다.", ["samsung", "sony"]),
    ("삼성생명은 보험료를 올렸다.", []),
])
def test_elided_lists(m, text, expected):
    assert flagged(m, text) == expected


def test_elided_list_helpers():
    t = "KB국민·신한·우리은행의 금리"
    [(items, last)] = list(elided_lists(t))
    assert [t[a:b] for a, b in items] == ["KB국민", "신한"] and last == "우리은행의"
    assert "은행" in list(endings(last)) and list(endings("기아차"))[-1] == "차"
    assert list(elided_lists("삼성 LG")) == []


@pytest.mark.parametrize("text, expected", [
    # glued Korean forms: a full name transliterated, a site's .com, a faction word
    ("델테크놀로지스는 판매 중단 권고문을 배포했다.", ["dell"]),
    ("델 테크놀로지스는 판매 중단 권고문을 배포했다.", ["dell"]),
    ("그래픽카드 사진. (=씨넷닷컴)", ["cnet"]),
    ("당 지도부와 친윤석열계 의원들이 모였다.", ["yoon"]),
    # contrast: another company's glued name, a name inside another word
    ("유니버설일렉트로닉스는 리모컨을 만든다.", []),
    ("델타항공은 노선을 늘렸다.", []),
])
def test_glued_korean_forms(m, text, expected):
    assert flagged(m, text) == expected


@pytest.mark.parametrize("text, expected", [
    # a describing noun of a broadcaster; an attribute noun (a car); a list with figures
    ("미국 방송사 NBC가 방영을 폐지하려 했다.", ["nbc"]),
    ("잠수 가능한 로터스 차량이 더 멋지다.", ["lotus"]),
    ("폭스바겐을 앞섰고, 포드(2만962대)나 스텔란티스(2만92대) 등보다 많았다.", ["ford", "stellantis"]),
    # contrast: the everyday senses stay words
    ("연못의 로터스 꽃이 피었다.", []),
    ("우리 포드(2개)를 옮겼다.", []),
])
def test_korean_syntax_of_rules_14(m, text, expected):
    assert flagged(m, text) == expected


@pytest.mark.parametrize("text, expected", [
    # a context term that ends another quoted name (a card company's data alliance) is that name
    ("카드사들은 데이터 동맹 ‘도메인 갤럭시’를 통해 협력한다. 이번 행사에는 삼성 등이 참석했다.", []),
    # contrast: a quoted name it starts is the product; the bare term corroborates
    ("카드사들은 새 폰 ‘갤럭시 S24’를 홍보한다. 이번 행사에는 삼성 등이 참석했다.", ["samsung"]),
    ("카드사들은 갤럭시를 홍보한다. 이번 행사에는 삼성 등이 참석했다.", ["samsung"]),
])
def test_a_context_term_ending_another_quoted_name(m, text, expected):
    assert flagged(m, text) == expected


def test_an_elided_affiliate_is_explained(m):
    r = m.match("", "신한·삼성·롯데생명은 보험료를 올렸다.")
    assert [x.reason for x in r.rejected if x.entity_id == "samsung"] == [
        'an item of an elided list, short for "삼성생명", another company']
