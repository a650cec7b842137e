"""Classes of matcher errors found on the twenty-seventh and twenty-eighth held-out parts of the
labelled set (real Naver News articles of December 2025, tests/fixtures/labels, README there),
rules 22: each class is a general rule of watch.korean or watch.matcher, tested on sentences
written for the test (not the parts'), with the contrast that must stay."""
from __future__ import annotations

import pytest

from tests.watch_helpers import entity, flagged
from watch import Matcher, parse_watchlist


def _person(eid: str, aliases: list[str]) -> str:
    """One person of a test watchlist, as TOML (``entity`` gives companies)."""
    return entity(eid, aliases).replace('kind = "company"', 'kind = "person"')


@pytest.fixture(scope="module")
def m() -> Matcher:
    return Matcher(parse_watchlist("\n".join([
        entity("hanwha_life", ["한화생명"]),
        entity("samsung_fire", ["삼성화재"]),
        entity("hyundai_marine", ["현대해상"]),
        entity("db_insurance", ["DB손해보험"]),
        entity("kb_insurance", ["KB손해보험"]),
        entity("samsung", ["삼성"]),
        entity("lotte", ["롯데"]),
        entity("mufg", ["MUFG", "미쓰비시UFJ"]),
        entity("smfg", ["SMFG", "미쓰이스미토모"]),
        entity("bok", ["한국은행"]),
        entity("committee", ["과학기술정보방송통신위원회", "과방위"]),
        entity("fss", ["금융감독원", "금감원"]),
        entity("police", ["경찰청"]),
        entity("tass", ["TASS", "타스"]),
        entity("navy", ["대한민국 해군", "해군"]),
        _person("kim_jiwon", ["김지원"]),
    ])))


@pytest.mark.parametrize("text, expected", [
    # a dotted list of full names, the kind written in every item: each item is its company
    ("삼성화재·DB손해보험·현대해상·KB손해보험 등 4개사는 요율 검증을 마쳤다.",
     ["db_insurance", "hyundai_marine", "kb_insurance", "samsung_fire"]),
    ("한화생명·KB손해보험이 발표했다.", ["hanwha_life", "kb_insurance"]),
    # contrast: a group's short name as the stem of an elided list stays the affiliate (rules 14)
    ("삼성·롯데손해보험이 발표했다.", []),
])
def test_a_list_of_full_names_is_not_elided(m, text, expected):
    assert flagged(m, text) == expected


@pytest.mark.parametrize("text, expected", [
    # a bank glued to a long or half-Latin name is the company's bank, one of its names
    ("미쓰비시UFJ은행과 미쓰이스미토모은행이 실증에 착수했다.", ["mufg", "smfg"]),
    # contrast: a longer word than 은행 glued, and a short word's bank, stay other words
    ("미쓰이스미토모은행원들이 모였다.", []),
    ("한국은행은 기준금리를 동결했다.", ["bok"]),
])
def test_a_bank_glued_to_a_long_name(m, text, expected):
    assert flagged(m, text) == expected


@pytest.mark.parametrize("text, expected", [
    # a body's short name glued to its chair's title, the syllable shared, is the body
    ("최민희 과방위원장의 발언이 논란이 됐다.", ["committee"]),
    ("이날 금감원장은 은행장들을 만났다.", ["fss"]),
    # contrast: its members, another word glued, and a person's name before 장
    ("과방위원들이 회의장을 떠났다.", []),
    ("금감원장비를 교체했다.", []),
    ("김지원장이 말했다.", []),
    # contrast: a region's office, the region written before it
    ("경북·경기 경찰청장을 지낸 의원", []),
    ("경찰청장은 사과했다.", ["police"]),
])
def test_a_chair_glued_to_a_body_short_name(m, text, expected):
    assert flagged(m, text) == expected


@pytest.mark.parametrize("text, expected", [
    # an alias that only starts the word after a product's kind is the product's name
    ("기아는 8월 픽업트럭 타스만을 출시했다.", []),
    # contrast: the agency quoted, the name ending the word
    ("타스는 크렘린궁 발표를 전했다.", ["tass"]),
    ("러시아 타스통신에 따르면", ["tass"]),
])
def test_an_alias_starting_a_product_name(m, text, expected):
    assert flagged(m, text) == expected


@pytest.mark.parametrize("text, expected", [
    # an armed service's bare name before a word of strength is that kind of force in general
    ("비대칭 상황이 해군 전력으로까지 확대되고 있다.", []),
    ("중국은 해군력 증강에 나섰다.", []),
    # contrast: the service acting, and a longer word after it
    ("해군은 이날 서해에서 훈련을 했다.", ["navy"]),
    ("해군 전력화 사업을 발표했다.", ["navy"]),
])
def test_a_service_name_as_a_kind_of_force(m, text, expected):
    assert flagged(m, text) == expected
