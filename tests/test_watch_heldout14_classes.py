"""Classes of matcher errors found on the fourteenth held-out part of the labelled set (real
Naver News business and IT articles; tests/fixtures/labels, README there), rules 15: each class
is a general rule of watch.ambiguity, watch.glue, watch.corroborate, watch.korean or
watch.matcher, tested on sentences written for the test (not the part's), with the contrast that
must stay as it was."""
from __future__ import annotations

import pytest

from tests.watch_helpers import entity, flagged
from watch import Matcher, parse_watchlist
from watch.ambiguity import KOREAN_GROUP, KOREAN_SHORT_FORM, group_itself, why_ambiguous
from watch.corroborate import team_named
from watch.glue import gloss_follows, latin_terms


@pytest.fixture(scope="module")
def m() -> Matcher:
    return Matcher(parse_watchlist("\n".join([
        entity("hanwha", ["Hanwha Group", "Hanwha", "한화그룹", "한화"]),
        entity("lotte", ["Lotte Group", "롯데그룹", "롯데"]),
        entity("samsung", ["Samsung Electronics", "삼성전자", "삼성"]),
        entity("hyundai", ["Hyundai Group", "현대그룹", "현대"]),
        entity("kakao", ["Kakao", "카카오"], ["카카오톡"]),
        entity("naver", ["Naver", "네이버"]),
        entity("nyt", ["The New York Times", "NYT", "뉴욕타임스"]),
        entity("meta", ["Meta", "메타"], ["Llama", "Instagram"]),
        entity("coupang", ["Coupang", "쿠팡"]),
        entity("nvidia", ["Nvidia", "엔비디아"]),
        entity("dell", ["Dell", "델"]),
        entity("ford", ["Ford", "포드"]), entity("nissan", ["Nissan", "닛산"]),
        entity("sdi", ["Samsung SDI", "삼성SDI"]),
        entity("mirae", ["Mirae Asset", "미래에셋", "미래"]),
    ])))


def test_a_group_name_of_the_group_itself():
    # a group name is ambiguous because it may mean any affiliate; for the group itself only a
    # common-noun reading would make it so
    assert why_ambiguous("한화", "company", ("Hanwha Group", "한화그룹")) == KOREAN_GROUP
    assert group_itself("한화", ("한화 그룹",))
    # contrast: the group name of an affiliate (Samsung Electronics), a group name that is also a
    # common noun (현대 "modern", 카카오 "cocoa")
    assert why_ambiguous("삼성", "company", ("Samsung Electronics", "삼성전자")) == KOREAN_SHORT_FORM
    assert why_ambiguous("현대", "company", ("Hyundai Group", "현대그룹")) == KOREAN_SHORT_FORM
    assert why_ambiguous("카카오", "company", ("Kakao", "카카오그룹")) == KOREAN_SHORT_FORM


@pytest.mark.parametrize("text, expected", [
    # the group's own name counts for the group
    ("한화는 서울 창동에 공연장을 짓는다.", ["hanwha"]),
    ("롯데는 올해 유통 부문 인력을 줄이기로 했다.", ["lotte"]),
    # contrast: a sports team named with it (glued or apart) makes the article the team's
    ("롯데 자이언츠가 한화 이글스를 꺾고 4연승을 달렸다. 한화는 3연패에 빠졌다.", []),
    ("한화이글스가 이겼다. 한화는 올해 3위다.", []),
    # contrast: the group name of an affiliate, and a group name that is a common word
    ("삼성은 서울에서 경기를 치렀다.", []),
    ("현대 사회의 특징을 다룬 책이다.", []),
])
def test_the_group_itself_unless_a_team(m, text, expected):
    assert flagged(m, text) == expected


def test_a_team_in_the_explanation(m):
    r = m.match("", "롯데 자이언츠가 이겼다. 롯데는 3위다.")
    assert r.entities == []
    assert any("sports team" in x.reason for x in r.rejected if x.entity_id == "lotte")


def test_team_named():
    assert team_named({"text": "롯데 자이언츠가 이겼다"}, "롯데")
    assert team_named({"text": "삼성라이온즈는"}, "삼성")
    # contrast: a company word that ends like a plural (홀딩스, 파트너스, 서비스)
    assert not team_named({"text": "한화 홀딩스는"}, "한화")
    assert not team_named({"text": "롯데 서비스가"}, "롯데")


@pytest.mark.parametrize("text, expected", [
    # a division or office of the company after its name, one word between at most
    ("박 본부장은 삼성 DS부문을 맡는다.", ["samsung"]),
    ("카카오 공동체 준법경영실과 법무법인이 감사에 착수했다.", ["kakao"]),
    ("삼성 반도체사업부는 신규 공정을 개발했다.", ["samsung"]),
    # contrast: a pronoun before it, a common word with another noun, cocoa
    ("카카오 함량이 높은 초콜릿이다.", []),
    ("우리 사업부는 올해 목표를 달성했다.", []),
    ("회사는 미래 사업부문을 새로 만들었다.", []),
])
def test_a_division_of_the_company(m, text, expected):
    assert flagged(m, text) == expected


@pytest.mark.parametrize("text, expected", [
    # every item of a list closed by 등 and a noun of companies, a few describing words between
    ("네이버 카카오 등 국내 디지털 플랫폼 기업에 대한 규제가 나왔다.", ["kakao", "naver"]),
    ("앞서 닛산 포드 등 여타 완성차업체들도 자산을 팔았다.", ["ford", "nissan"]),
    ("카카오, 쿠팡 등 기업들은 반발했다.", ["coupang", "kakao"]),
    # contrast: a list of products (cocoa), a particle among the words after 등
    ("카카오 버터 등 원료로 만든 제품이 늘었다.", []),
    ("카카오 등 원료를 수입하는 기업이 늘었다.", []),
])
def test_a_korean_list_of_companies_closed_by_deung(m, text, expected):
    assert flagged(m, text) == expected


@pytest.mark.parametrize("text, expected", [
    # a Hangul name glued to its Latin gloss (the crawl dropped the brackets)
    ("미국 일간지 뉴욕타임스NYT에 따르면 화병이 팔렸다.", ["nyt"]),
    # a Latin context term glued after its loanword spelling, in any case
    ("메타의 라마LLamA를 돌리려면 반도체 2개가 필요하다.", ["meta"]),
    # contrast: another company's Latin name glued to the short form, a Latin word that is not
    # the term, a term without its spelling before it
    ("삼성SDI는 배터리를 만든다.", ["sdi"]),
    ("메타의 라마LLM을 돌린다.", []),
    ("메타의 모델LLamA를 돌린다.", []),
])
def test_a_name_glued_to_its_gloss(m, text, expected):
    assert flagged(m, text) == expected


def test_gloss_follows():
    from watch.watchlist import parse_watchlist as parse
    wl = parse(entity("nyt", ["NYT", "뉴욕타임스"]) + entity("sdi", ["SDI"]))
    terms = latin_terms(wl.entities)
    assert gloss_follows("뉴욕타임스NYT에", 5, {0}, terms)
    assert gloss_follows("뉴욕타임스nyt", 5, {0}, terms)  # any case
    assert not gloss_follows("뉴욕타임스SDI", 5, {0}, terms)  # another entity's
    assert not gloss_follows("뉴욕타임스NYTimes", 5, {0}, terms)  # a longer word


@pytest.mark.parametrize("text, expected", [
    # a long unambiguous Hangul alias glued after other Hangul (a subheading run into the next)
    ("맞춤형 제작 착수엔비디아 보다 양산 쉬워", ["nvidia"]),
    # contrast: a short or ambiguous alias inside a longer word stays inside it
    ("새 모델은 가볍다.", []),
    ("비메타 진영이 반발했다.", []),
    # contrast: the right side still needs a word boundary
    ("엔비디아코리아는", ["nvidia"]),
    ("엔비디아스럽다", []),
])
def test_a_long_name_glued_after_hangul(m, text, expected):
    assert flagged(m, text) == expected


@pytest.mark.parametrize("text, expected", [
    # a streaming service glued to its company's name is the company
    ("쿠팡플레이 오리지널 드라마가 공개됐다.", ["coupang"]),
    # contrast: a longer word that starts with the noun is another word
    ("쿠팡플레이어는 새 기능이다.", []),
])
def test_a_play_service_glued_to_the_name(m, text, expected):
    assert flagged(m, text) == expected
