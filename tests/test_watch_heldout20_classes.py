"""Classes of matcher errors found on the twenty-third and twenty-fourth held-out parts of the
labelled set (real Naver News articles of December 2025, tests/fixtures/labels, README there),
rules 20: each class is a general rule of watch.othernames, watch.korean, watch.corroborate or
watch.matcher, tested on sentences written for the test (not the parts'), with the contrast that
must stay as it was."""
from __future__ import annotations

import pytest

from tests.watch_helpers import entity, flagged
from watch import Matcher, parse_watchlist
from watch.korean import unit_follows
from watch.othernames import title_before


@pytest.fixture(scope="module")
def m() -> Matcher:
    return Matcher(parse_watchlist("\n".join([
        entity("snu", ["Seoul National University", "서울대"]),
        entity("kcmi", ["Korea Capital Market Institute", "자본시장연구원"]),
        entity("gartner", ["Gartner", "가트너"]),
        entity("min_counsel", ["민중기 특별검사", "민중기 특검"]),
        entity("samsung", ["Samsung Electronics", "삼성전자"]),
        entity("bok", ["Bank of Korea", "한국은행"]),
        entity("kakao", ["Kakao", "카카오"]),
    ])))


@pytest.mark.parametrize("text, expected", [
    # a Korean full name, the affiliation, the title: the institution is the person's employer
    ("강연에서 이종섭 서울대 교수는 분명한 영향을 준다고 했다.", ["snu"]),
    ("오늘 김갑래 자본시장연구원 박사는 의견을 밝혔다.", ["kcmi"]),
    ("참석자인 박지은 서울대 교수가 발표했다.", ["snu"]),
    # contrast: the name alone before the title is a surname (rules 12), also after a word that
    # is no full name (no family name's syllable, or ending on a particle)
    ("가트너 박사는 이번 연구가 중요하다고 말했다.", []),
    ("그리고 가트너 박사는 이번 연구가 중요하다고 말했다.", []),
    ("이번에 가트너 박사는 이번 연구가 중요하다고 말했다.", []),
])
def test_an_affiliation_between_a_full_name_and_a_title(m, text, expected):
    assert flagged(m, text) == expected


def test_title_before_reads_the_full_name():
    assert title_before("김철수 가트너 박사는", 4, 7) == ""
    assert title_before("가트너 박사는", 0, 3) == "가트너 박사는"
    assert title_before("그리고 가트너 박사는", 4, 7) == "가트너 박사는"
    assert title_before("이번에 가트너 박사는", 4, 7) == "가트너 박사는"


@pytest.mark.parametrize("text, expected", [
    # a unit of the organisation glued to a long unambiguous alias: the organisation
    ("민중기 특별검사팀은 이날 김 의원을 기소했다.", ["min_counsel"]),
    ("민중기 특검팀이 수사를 이어갔다.", ["min_counsel"]),
    ("삼성전자측은 사실이 아니라고 밝혔다.", ["samsung"]),
    ("한국은행본부에서 회의가 열렸다.", ["bok"]),
    # contrast: another word glued on (팀장, 단지, 단계) stays another word
    ("민중기 특별검사팀장이 나왔다.", []),
    ("삼성전자단지 조성이 끝났다.", []),
    ("한국은행단계 조치가 나왔다.", []),
])
def test_a_unit_glued_to_an_organisation(m, text, expected):
    assert flagged(m, text) == expected


def test_unit_follows():
    assert unit_follows("특별검사팀은", 4) == "팀"
    assert unit_follows("삼성전자측", 4) == "측"
    assert unit_follows("한국은행본부의", 4) == "본부"
    assert unit_follows("특별검사팀장", 4) == ""
    assert unit_follows("삼성전자단계", 4) == ""


@pytest.mark.parametrize("text, expected", [
    # sponsoring an event is a company's act: the subject of 후원했다 is the company
    ("7개 학회가 공동 주최하고 카카오가 후원했다.", ["kakao"]),
    ("이번 행사는 카카오가 협찬했다.", ["kakao"]),
    # contrast: the cacao bean does other things
    ("카카오가 풍부한 초콜릿을 만들었다.", []),
])
def test_a_sponsor_is_a_company(m, text, expected):
    assert flagged(m, text) == expected
