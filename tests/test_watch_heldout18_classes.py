"""Classes of matcher errors found on the nineteenth and twentieth held-out parts of the labelled
set (real Naver News business articles of 2019; tests/fixtures/labels, README there), rules 18:
each class is a general rule of watch.korean, watch.corroborate or watch.matcher, tested on
sentences written for the test (not the parts'), with the contrast that must stay as it was."""
from __future__ import annotations

import pytest

from tests.watch_helpers import entity, flagged
from watch import Matcher, parse_watchlist
from watch.korean import country_before, economy_named


@pytest.fixture(scope="module")
def m() -> Matcher:
    return Matcher(parse_watchlist("\n".join([
        entity("kbs", ["KBS", "한국방송공사"]),
        entity("mbc", ["MBC", "문화방송"]),
        entity("hyundai", ["Hyundai Motor", "현대자동차", "현대차", "현대"]),
        entity("kia", ["Kia", "기아", "기아차", "기아자동차"]),
        entity("samsung_heavy", ["Samsung Heavy", "삼성중공업"]),
        entity("kakao", ["Kakao", "카카오"]),
        entity("hankyung", ["Korea Economic Daily", "한국경제", "한경"]),
        entity("sedaily", ["Seoul Economic Daily", "서울경제"]),
    ])))


@pytest.mark.parametrize("text, expected", [
    # a Korean city glued before a Latin name: the company's station or branch there
    ("후보들은 26일 창원KBS 공개홀에서 열린 토론회에 나섰다.", ["kbs"]),
    ("대구MBC 취재진이 현장을 찾았다.", ["mbc"]),
    # contrast: other Hangul glued before it is one word (not a city, or a longer run)
    ("재원KBS 공개홀에서 열렸다.", []),
    ("마창원KBS 공개홀에서 열렸다.", []),
    # contrast: in a sports report a city before a sponsor's name is its club
    ("창원MBC가 대구MBC를 꺾고 리그 선두에 올랐다.", []),
])
def test_a_city_glued_before_a_latin_name(m, text, expected):
    assert flagged(m, text) == expected


def test_country_before_also_reads_cities():
    assert country_before("창원KBS", 2) == "창원"
    assert country_before("한국GM", 2) == "한국"
    assert country_before("마창원KBS", 3) == ""
    assert country_before("공장GM", 2) == ""


@pytest.mark.parametrize("text, expected", [
    # an elided pair written as one word: the first name takes the second's ending
    ("연구진은 현대기아자동차 남양연구소에서 시연했다.", ["hyundai", "kia"]),
    ("현대기아차 노조가 파업에 들어갔다.", ["hyundai", "kia"]),
    # contrast: the run before it spells no alias with that ending, or is glued to more letters
    ("국산기아차 판매가 늘었다.", ["kia"]),
    ("X현대기아차 판매가 늘었다.", ["kia"]),
    # contrast: 현대 + 중공업 spells no alias of Hyundai Motor (rules 15 keep the glued alias)
    ("현대삼성중공업 합병설", ["samsung_heavy"]),
])
def test_an_elided_pair_written_as_one_word(m, text, expected):
    assert flagged(m, text) == expected


@pytest.mark.parametrize("text, expected", [
    # a group name that is also a common noun, as the subject of a seller's acts
    ("카카오는 판매 상품을 재고 상품과 주문제작 상품으로 분류했다.", ["kakao"]),
    ("카카오는 이용자에게 서비스 종료를 안내했다.", ["kakao"]),
    # contrast: another subject before the verb, or no such verb (the common noun)
    ("카카오는 원두가 재고로 분류했다.", []),
    ("카카오는 초콜릿의 원료로 쓰인다.", []),
])
def test_a_sellers_acts_after_the_name(m, text, expected):
    assert flagged(m, text) == expected


@pytest.mark.parametrize("text, expected", [
    # a country or city + 경제 before another noun, or before "에 대한": the economy
    ("한국경제 버팀목 반도체 업황이 어두워졌다.", []),
    ("부진은 한국경제에 대한 우려를 키웠다.", []),
    ("서울경제 활성화 방안을 내놓았다.", []),
    # contrast: the outlet before its own words, a reporter's name, in its dateline or footer
    ("네이버에서 한국경제 뉴스를 받아보세요", ["hankyung"]),
    ("서울경제 김민수 기자가 취재했다.", ["sedaily"]),
    ("[서울경제] 한화생명의 영구채 발행이 무산됐다.", ["sedaily"]),
    ("저작권자 ⓒ 한국경제, 무단 전재 및 재배포 금지", ["hankyung"]),
    ("한국경제는 이날 보도했다.", ["hankyung"]),
])
def test_an_economy_named_like_an_outlet(m, text, expected):
    assert flagged(m, text) == expected


def test_economy_named():
    t = "한국경제 버팀목"
    assert economy_named(t, 0, 4)
    assert not economy_named("[한국경제 버팀목", 1, 5)
    assert not economy_named("매일경제 버팀목", 0, 4)  # no place: not this rule's
