"""Classes of matcher errors found on the twenty-first and twenty-second held-out parts of the
labelled set (real Naver News business articles of 2019, English news of Korean outlets of
2025-26; tests/fixtures/labels, README there), rules 19: each class is a general rule of
watch.korean, watch.glue, watch.corroborate or watch.matcher, tested on sentences written for the
test (not the parts'), with the contrast that must stay as it was."""
from __future__ import annotations

import pytest

from tests.watch_helpers import entity, flagged
from watch import Matcher, parse_watchlist
from watch.corroborate import position, series_step
from watch.glue import title_glued_before
from watch.korean import legal_name_follows


@pytest.fixture(scope="module")
def m() -> Matcher:
    return Matcher(parse_watchlist("\n".join([
        entity("e1", ["E1", "E1 Corporation"]),
        entity("hanwha_life", ["Hanwha Life", "한화생명"]),
        entity("samsung_fire", ["Samsung Fire", "삼성화재"]),
        entity("samsung", ["Samsung Electronics", "삼성전자"]),
        entity("trump", ["Donald Trump", "Trump", "도널드 트럼프", "트럼프"]),
        entity("telegram", ["Telegram", "텔레그램"]),
    ])))


# a long line of prose (a crawl joined the article into one line) with commas and figures
_PROSE = ("LPG 전문기업 E1은 12일 지방국세청으로부터 384억원의 추징금을 부과받았다고 공시했다.이번 추징금은 "
          "2014년부터 2018년까지 법인세 등, 세무조사에 따른 것으로 자기자본 대비 2.92%에 해당한다.E1은 \"일부 "
          "쟁점이 있는 항목은 검토 후 대응할 예정\"이라고 밝혔다.reporter@news.kr ▶ 구독하기 [ⓒ 뉴스(news.kr), "
          "무단 전재 및 재배포 금지]")


@pytest.mark.parametrize("text, expected", [
    # a Korean sentence end glued to the next sentence opening on a Latin name with its particle,
    # or to the reporter's mail address: the line is prose, its E1 is the company (subject of 공시했다)
    (_PROSE, ["e1"]),
    # contrast: the same line cut to figures and commas, no sentence: a row, E1 alone says nothing
    ("E1, 384억원, 2014년, 2018년, 2.92%, 1조3159억원, 검토 후 대응 예정이라는 공시 내용 " * 3, []),
])
def test_sentence_ends_glued_to_a_latin_name(m, text, expected):
    assert flagged(m, text) == expected


def test_position_reads_glued_latin_sentence_starts_as_prose():
    i = _PROSE.index("E1은")
    assert position(_PROSE, i, i + 2, False) == ""
    # contrast: without the sentence ends (spaces kept, stops dropped) the commas make it a row
    row = _PROSE.replace("했다.", "함 ").replace("한다.", "함 ").replace("밝혔다.", "밝힘 ")
    assert position(row, row.index("E1은"), row.index("E1은") + 2, False) == "table"


def test_one_pipe_of_a_footer_is_no_table():
    line = ("회사는 지난해 실적을 발표했다. 매출은 10억원, 이익은 2억원, 부채는 3억원이었다. 대표는 성장을 자신했다. "
            "직원들은 환영했다. 노조도 협상 결과를 반겼다. 회사는 올해 신규 채용을 두 배로 늘리기로 했다. "
            "직원들은 환영했다. 협력사들도 일감이 늘어날 것이라며 기대를 나타냈다. 저작권자(c) 뉴스, 무단 전재 금지덧붙이는 글 | 다른 매체에도 송고합니다. E1 관련 기사")
    i = line.index("E1")
    assert position(line, i, i + 2, False) == ""
    # contrast: a row of a table written with pipes stays a row
    row = "| E1 | 10억원 | 2억원 | 3억원 |" + " 회사는 성장했다." * 30
    assert position(row, 2, 4, False) == "table"


@pytest.mark.parametrize("text, expected", [
    # a company's full legal name: its alias + the rest of its industry's word, or + 주식회사
    ("한화그룹(한화생명보험) 10억 원을 냈다.", ["hanwha_life"]),
    ("삼성화재해상보험은 배당을 늘렸다.", ["samsung_fire"]),
    ("삼성전자주식회사는 공시했다.", ["samsung"]),
    # contrast: another word glued after the alias is another name
    ("한화생명과학은 신약을 개발했다.", []),
    ("삼성화재청소 업체가 문을 열었다.", []),
    ("한화생명보험설계사가 늘었다.", []),
])
def test_an_alias_extended_to_its_legal_name(m, text, expected):
    assert flagged(m, text) == expected


def test_legal_name_follows():
    assert legal_name_follows("한화생명보험의", 0, 4) == "보험"
    assert legal_name_follows("삼성화재해상보험", 0, 4) == "해상보험"
    assert legal_name_follows("삼성전자주식회사", 0, 4) == "주식회사"
    assert legal_name_follows("삼성전자보험", 0, 4) == ""
    assert legal_name_follows("한화생명보험사업", 0, 4) == ""


@pytest.mark.parametrize("text, expected", [
    # a name of several words glued by the crawl after a person's title (a byline run into the text)
    ("방송에서 못다한 이야기 - 홍길동 파트너도널드 트럼프 미국 대통령의 관세 정책이 이어지고 있다.", ["trump"]),
    ("김철수 기자도널드 트럼프 대통령이 말했다.", ["trump"]),
    # contrast: glued after other Hangul, the first word may end another word
    ("맥도널드 트럼프 타워점이 문을 열었다.", []),
    ("그는 대파트너도널드 트럼프 카드를 꺼냈다.", []),
])
def test_a_name_glued_after_a_persons_title(m, text, expected):
    assert flagged(m, text) == expected


def test_title_glued_before():
    t = "홍길동 파트너도널드 트럼프"
    assert title_glued_before(t, t.index("도널드"))
    t = "맥도널드 트럼프"
    assert not title_glued_before(t, t.index("도널드"))
    t = "대파트너도널드"
    assert not title_glued_before(t, t.index("도널드"))


@pytest.mark.parametrize("text, expected", [
    # a messenger named with its chats, in mid-sentence
    ("Aides had shared the photos in the Telegram chat, he said.", ["telegram"]),
    ("They met in a Telegram chatroom run by the suspect.", ["telegram"]),
    # contrast: the word with other nouns, or a telegram in lower case
    ("He sent a telegram chat to his mother.", []),
    ("The Telegram boy arrived at noon with the news.", []),
])
def test_a_messengers_chat(m, text, expected):
    assert flagged(m, text) == expected


@pytest.mark.parametrize("text, expected", [
    # a code of capitals and a number beside the next or previous one: a step of a series
    ("삼성전자의 승진 제도에서 고졸은 E1으로 시작하여 E2 단계까지밖에 갈 수 없었다.", ["samsung"]),
    ("삼성전자는 E1, E2, E3, E4, E5 단계마다 승진시험을 치른다.", ["samsung"]),
    # contrast: the company beside another watched name, no other step of the series near it
    ("삼성전자와 E1은 LPG 충전소 사업에서 손잡았다.", ["e1", "samsung"]),
    ("삼성전자와 E1은 손잡았다. 두 회사의 협력은 오래 이어졌다. 그 뒤 E3 규격이 나왔다.", ["e1", "samsung"]),
])
def test_a_step_of_a_series(m, text, expected):
    assert flagged(m, text) == expected


def test_series_step():
    t = "고졸은 E1으로 시작하여 E2 단계까지"
    assert series_step(t, t.index("E1"), t.index("E1") + 2) == "E2"
    t = "E2, E3 단계"
    assert series_step(t, 4, 6) == "E2"
    t = "E1과 E12를"
    assert series_step(t, 0, 2) == ""
    assert series_step("GS 칼텍스", 0, 2) == ""


@pytest.fixture(scope="module")
def m2() -> Matcher:
    return Matcher(parse_watchlist("\n".join([
        entity("e1", ["E1", "E1 Corporation"]),
        entity("kt", ["KT", "케이티"]),
        entity("lg", ["LG", "LG그룹"]),
    ])))


@pytest.mark.parametrize("title, text, expected", [
    # a Korean headline opening on the name and a comma, then its Hangul predicate: its subject
    ("E1, 세무조사로 추징금 384억 부과받아", "이번 추징금은 자기자본 대비 2.92%에 해당한다.", ["e1"]),
    ("[단독] KT, 요금제 전면 개편", "이번 개편은 다음달 시행된다.", ["kt"]),
    # contrast: a list of names or steps, an English headline, the name later in the headline
    ("E1, E2 단계 승진 시험", "이번 시험은 다음달 시행된다.", []),
    ("E1, 삼성, 현대 등 참여", "이번 사업은 다음달 시행된다.", []),
    ("E1, the new standard", "The standard ships next month.", []),
    ("승진 단계 E1, 올해 바뀐다", "이번 시험은 다음달 시행된다.", []),
    # contrast: the article names a sports team with it (the team's win)
    ("LG, 한국시리즈 우승", "LG 트윈스가 한국시리즈에서 우승했다.", []),
])
def test_a_korean_headline_opening_on_the_name(m2, title, text, expected):
    assert flagged(m2, text, title) == expected
