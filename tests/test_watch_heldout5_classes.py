"""Classes of matcher errors found on the fifth held-out part of the labelled set
(tests/fixtures/labels, README there), rules 7: each class is a general rule of
watch.corroborate or watch.propernames, tested on sentences written for the test, with the
contrast that must stay as it was."""
from __future__ import annotations

import pytest

from tests.watch_helpers import entity, flagged
from watch import Matcher, parse_watchlist


@pytest.fixture(scope="module")
def m() -> Matcher:
    return Matcher(parse_watchlist("\n".join([
        entity("amazon", ["Amazon", "아마존"]), entity("target", ["Target", "타깃"]),
        entity("walmart", ["Walmart", "월마트"]), entity("kt", ["KT"]), entity("abc", ["ABC"]),
        entity("cnn", ["CNN"]), entity("united", ["United", "United Airlines"]),
        entity("google", ["Google"]), entity("apple", ["Apple"]), entity("woori", ["우리"]),
    ])))



@pytest.mark.parametrize("title, text, expected", [
    # a Korean short form named as a competitor: in a headline, with a partner particle
    ("월마트, 온라인 매출 증가…아마존 추격", "월마트의 매출이 늘었다.", ["amazon", "walmart"]),
    ("", "아마존과의 격차는 여전히 크다.", ["amazon"]),
    ("", "쿠팡은 아마존과 경쟁한다는 전략이다.", ["amazon"]),
    # contrast: the rainforest, with no competition word, stays out
    ("", "아마존의 숲이 줄어들고 있다. 아마존을 지키자는 목소리가 크다.", []),
])
def test_a_korean_short_form_as_a_competitor(m, title, text, expected):
    assert flagged(m, text, title) == expected


@pytest.mark.parametrize("title, text, expected", [
    # a describing noun before the name: the Korean "retailer Target"
    ("미국 유통업체 타깃, 연말 실적 부진", "실적이 나빴다.", ["target"]),
    ("", "미국 대형 유통업체 타깃이 부진을 예고했다.", ["target"]),
    # an item of a list of companies: "타깃 등 다른 경쟁사"
    ("", "타깃 등 다른 경쟁사보다는 빠르게 성장했다.", ["target"]),
    # contrast: the word "target" (targeted ads) stays out
    ("", "맞춤형 타깃 광고가 늘었다. 광고 타깃을 좁혔다.", []),
])
def test_a_describing_noun_or_a_list_of_companies_before_a_korean_name(m, title, text, expected):
    assert flagged(m, text, title) == expected


@pytest.mark.parametrize("text, expected", [
    # a list partner in a company's form, not on the watchlist: "KT와 LG유플러스는"
    ("KT와 LG유플러스는 3일 나란히 요금제를 내놨다.", ["kt"]),
    ("SK텔레콤과 KT는 요금을 내렸다.", ["kt"]),
    # contrast: a partner that is no company form is no corroboration
    ("KT와 경기를 치렀다.", []),
])
def test_a_korean_list_partner_in_a_company_form(m, text, expected):
    assert flagged(m, text) == expected


@pytest.mark.parametrize("text, expected", [
    # "the" + three-letter acronym + a lower-case noun: shared by many organizations
    ("They met the TV networks, the ABC top brass and a group from the union.", []),
    # contrast: still counted in prose otherwise
    ("It was a lush ABC adaptation of the novel.", ["abc"]),
    ("From The New York Times to the CNN to Condé Nast Traveller, all of them came.", ["cnn"]),
])
def test_the_acronym_as_a_modifier_is_no_proof(m, text, expected):
    assert flagged(m, text) == expected


@pytest.mark.parametrize("text, expected", [
    # an everyday word that starts a fixed name after "the", even with a company nearby
    ("We talked with newsrooms in Canada and the United States, and filled Google Doc files.",
     ["google"]),
    # contrast: the company's word, product or model after it keeps the mention
    ("She flew on the United Airlines route while using Google Maps.", ["google", "united"]),
    ("Google and Apple compete, and the Apple Watch sells well.", ["apple", "google"]),
])
def test_an_everyday_word_starting_a_longer_name(m, text, expected):
    assert flagged(m, text) == expected
