"""Classes of matcher errors found on the ninth held-out part of the labelled set (real
Naver News and BBC News articles; tests/fixtures/labels, README there), rules 11: each class
is a general rule of watch.corroborate, watch.korean or the matcher's word boundaries, tested
on sentences written for the test (not heldout9's), with the contrast that must stay as it
was."""
from __future__ import annotations

import pytest

from tests.watch_helpers import entity, flagged
from watch import Matcher, parse_watchlist
from watch.korean import latin_media_follows

_TRUMP = ('[[entities]]\nid = "trump"\nname = "Donald Trump"\nkind = "person"\n'
          'aliases = ["Donald Trump", "Trump", "도널드 트럼프", "트럼프"]\n'
          'exclude = ["Ivanka Trump", "이방카 트럼프", "멜라니아 트럼프"]\n')


@pytest.fixture(scope="module")
def m() -> Matcher:
    return Matcher(parse_watchlist("\n".join([
        entity("bt", ["BT", "BT Group"]), entity("kt", ["KT"]),
        entity("united", ["United", "United Airlines"]), entity("apple", ["Apple"]),
        entity("reuters", ["Reuters"]), entity("yonhap", ["Yonhap", "연합뉴스"]),
        entity("ytn", ["YTN"]), entity("naver", ["네이버"]), _TRUMP,
    ])))


# a business article about an acronym company, one of whose products is "<acronym> <Word>"
# in a paragraph that also names people ("Andrew Burke", "Ian Fogg")
_BT = ("Jolly offers free net phone calls\n\n"
       "Jolly is offering customers free calls if they sign up to broadband in March. Users will "
       "need Jolly's software, known as Jolly Talkster, said analyst Andrew Burke. Jolly has launched "
       "the promotion to show off broadband. Jolly wants to be first, said Ian Fogg, an analyst.")


@pytest.mark.parametrize("text, expected", [
    # the acronym is the subject of many business sentences: its own syntax outweighs one
    # reading of "BT Talkster" as a person's initials and surname
    (_BT.replace("Jolly", "BT"), ["bt"]),
    # contrast: initials before a surname among people's names, and the acronym nowhere a
    # company ("CJ DeBose"-like): still a person
    ("Daniel Viegas scored 12 points. BT Hollins added 8 and Mark Jones 6.", []),
    # contrast: a single company-syntax use does not outweigh the initials reading
    ("Daniel Viegas scored 12 points. BT Hollins added 8. Later BT said the game was sold out.", []),
])
def test_an_acronym_with_its_own_repeated_company_syntax_is_the_company(m, text, expected):
    title, _, body = text.partition("\n\n") if "\n\n" in text else ("", "", text)
    assert flagged(m, body, title) == expected


@pytest.mark.parametrize("text, expected", [
    # an everyday word starting another company's multiword name that ends with a company word
    ("Reuters said WPP had bid for United Business Media's research unit.", ["reuters"]),
    ("Reuters reported that United Pacific Holdings will cut jobs.", ["reuters"]),
    ("Reuters said Apple Daily Media Holdings was raided.", ["reuters"]),
    # contrasts: the company word right after the alias is the alias's own company, and a
    # legal form after one more word is its formal name (Apple Computer Inc)
    ("Reuters said United Airlines will cut jobs.", ["reuters", "united"]),
    ("Reuters said Apple Computer Inc. will cut prices.", ["apple", "reuters"]),
])
def test_an_everyday_word_starting_another_multiword_company_name(m, text, expected):
    assert flagged(m, text) == expected


# a Korean broadcast transcript whose full stops are glued to the next sentence
# (over 200 characters, ending with the outlet's footer, commas between figures)
_GLUED = ("여야는 오늘 국회에서 추가경정예산안 처리를 위한 회담을 열었습니다.민주당은 이번 합의가 민생을 위한 첫걸음이라며 "
          "환영했습니다.한국당은 2018년 예산 심사 때와 마찬가지로 졸속 합의라며 강하게 반발했습니다.[김 대변인 : 합의는 "
          "존중하지만 1조, 2조, 3조 규모의 증액은 받아들일 수 없습니다.]정부는 회담 결과를 검토해 곧 발표할 예정입니다."
          "{}입니다.▶동영상 뉴스 모아보기[저작권자(c) 무단전재 금지]")


@pytest.mark.parametrize("text, expected", [
    # a sign-off in a one-line transcript with glued stops is prose, not a table row of figures
    (_GLUED.format("YTN 홍길동"), ["ytn"]),
    # contrast: a row of figures with no sentence in it stays a table row
    ("YTN, 12, 34, 56, 78", []),
])
def test_glued_korean_sentence_ends_make_a_line_prose(m, text, expected):
    assert flagged(m, text) == expected


@pytest.mark.parametrize("text, expected", [
    # the Latin broadcaster kind glued to a Hangul outlet is the outlet's channel
    ("제보는 연합뉴스TV : 02-398-4441", ["yonhap"]),
    ("▶ 연합뉴스TV 앱 다운받기", ["yonhap"]),
    ("연합뉴스TV는 이날 속보를 전했다.", ["yonhap"]),
    # contrast: a longer Latin word glued after it is no boundary
    ("연합뉴스TVING 채널", []),
    ("네이버TVcast 서비스", []),
])
def test_a_latin_outlet_kind_glued_to_a_hangul_name(m, text, expected):
    assert flagged(m, text) == expected


def test_latin_media_follows():
    assert latin_media_follows("연합뉴스TV", 4) == "TV"
    assert latin_media_follows("연합뉴스tv는", 4) == "TV"
    assert latin_media_follows("연합뉴스TVING", 4) == ""
    assert latin_media_follows("연합뉴스TV조선", 4) == ""


@pytest.mark.parametrize("text, expected", [
    # 트럼프 + the office he heads is the person, even when the excluded full name appears
    ("이방카 트럼프 백악관 보좌관이 방한한 데 이어 트럼프 행정부가 새 제재를 발표했다.", ["trump"]),
    ("이방카 트럼프 보좌관은 트럼프 정부의 입장을 설명했다.", ["trump"]),
    ("이방카 트럼프 보좌관의 방한에 대해 트럼프 측은 말을 아꼈다.", ["trump"]),
    # contrast: only the excluded full name
    ("이방카 트럼프 백악관 보좌관이 방한해 올림픽 폐회식에 참석했다.", []),
])
def test_a_leaders_office_after_a_korean_name_is_the_person(m, text, expected):
    assert flagged(m, text) == expected
