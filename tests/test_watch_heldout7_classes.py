"""Classes of matcher errors found on the seventh held-out part of the labelled set (real
Naver News and BBC News articles; tests/fixtures/labels, README there), rules 9: each class
is a general rule of watch.corroborate or watch.korean, tested on sentences written for the
test (not heldout7's), with the contrast that must stay as it was."""
from __future__ import annotations

import pytest

from tests.watch_helpers import entity, flagged
from watch import Matcher, parse_watchlist

TRUMP = ('[[entities]]\nid = "trump"\nname = "Donald Trump"\nkind = "person"\n'
         'aliases = ["Donald Trump", "Trump", "도널드 트럼프", "트럼프"]\n'
         'exclude = ["Ivanka Trump", "이방카 트럼프"]\n')


@pytest.fixture(scope="module")
def m() -> Matcher:
    return Matcher(parse_watchlist("\n".join([
        entity("ap", ["AP", "Associated Press"]), entity("gm", ["GM", "General Motors"]),
        entity("bt", ["BT", "BT Group"]), entity("time", ["Time"]), entity("sun", ["Sun"]),
        entity("box", ["Box"]), entity("apple", ["Apple"]), entity("woori", ["우리"]),
        entity("samsung", ["삼성"]), TRUMP,
    ])))


# a Korean article run into one line, its full stops lost, ending with its outlet's footer
_RUN_ON = ("AP통신은 3일 양국 정상이 회담을 열었다고 전했다  양측은 2, 3차 협상에서 관세 문제를 논의했다  "
           "합의문은 모두 4, 5개 조항으로 이뤄졌다고 관계자는 밝혔다  회담은 6, 7시간 동안 이어졌고 양측은 "
           "추가 협상 일정도 잡았다  정부는 이번 합의가 수출에 도움이 될 것으로 본다  "
           "업계는 관세가 내려가면 수출 물량이 늘어날 것으로 기대하고 있다  ▶ 기사제보 및 문의 "
           "<저작권자 무단 전재 및 재배포 금지>")


@pytest.mark.parametrize("text, expected", [
    # a long line of Korean sentences whose last one is a footer without a full stop is
    # prose, not a row of comma-separated figures: the name's syntax counts there
    (_RUN_ON, ["ap"]),
    # contrast: a short row of figures is still a table row, where a short acronym needs more
    ("AP, 12, 35, 48", []),
])
def test_a_run_on_korean_line_is_prose(m, text, expected):
    assert flagged(m, text) == expected


@pytest.mark.parametrize("text, expected", [
    # the dateline or photo credit of Korean wire copy names the agency
    ("시위대가 거리를 행진하고 있다.[AP=연합뉴스 자료사진]", ["ap"]),
    ("【서울=AP/뉴시스】김철수 기자 = 정부가 새 대책을 내놓았다.", ["ap"]),
    ("(워싱턴 AP=연합뉴스) 미국 정부가 새 관세를 발표했다.", ["ap"]),
    # contrasts: a bracket without "=" or without Hangul is no credit
    ("점수는 [AP=3, BP=4]로 계산된다.", []),
    ("이 제품은 [AP] 등급을 받았다.", []),
])
def test_a_korean_wire_credit(m, text, expected):
    assert flagged(m, text) == expected


@pytest.mark.parametrize("text, expected", [
    # the outlet's kind written apart names it, as glued ("AP통신"); also after a Latin gloss
    # that follows a bracketed or quoted Hangul name
    ("AP 통신은 미국 관리를 인용해 이같이 전했다.", ["ap"]),
    ("<에이피>(AP) 통신은 미국 관리를 인용해 이같이 전했다.", ["ap"]),
    ("‘에이피’(AP) 통신에 따르면 협상은 결렬됐다.", ["ap"]),
    # contrasts: a Korean common word before the noun ("our broadcast"); a bare gloss
    ("우리 방송은 내일 특집을 편성한다.", []),
    ("액세스 포인트(AP) 장비를 교체했다.", []),
])
def test_an_outlet_kind_written_apart(m, text, expected):
    assert flagged(m, text) == expected


@pytest.mark.parametrize("text, expected", [
    # a Korean city glued to a company's name is its plant there
    ("GM군산 철수로 지역 경제가 어려워졌다.", ["gm"]),
    ("GM군산공장의 가동이 멈췄다.", ["gm"]),
    # contrasts: a longer word (a university, a hospital: other institutions)
    ("GM군산대 교수가 발표했다.", []),
    ("삼성서울병원에서 진료를 받았다.", []),
])
def test_a_company_glued_to_a_city(m, text, expected):
    assert flagged(m, text) == expected


@pytest.mark.parametrize("text, expected", [
    # an acronym as the subject of what it is about to do
    ("For a start, BT looks set to roll out its new phone service this year.", ["bt"]),
    ("Analysts say BT is poised to cut prices again.", ["bt"]),
    # contrast: a body temperature looks, it sets nothing
    ("Her BT looks normal on the chart this morning.", []),
])
def test_an_acronym_about_to_act(m, text, expected):
    assert flagged(m, text) == expected


@pytest.mark.parametrize("title, text, expected", [
    # an everyday word that starts another company's two-word name, which the article makes
    # the subject of a company's act: that company, not the watched one, even in the headline
    ("Ad sales boost Time Warner profit.", "Time Warner's fourth quarter profits rose 2%.", []),
    ("", "Time Warner posted a profit of $3bn. Time Warner Cable grew too.", []),
    # contrasts: the name itself has the results; a coined product name of the company, which
    # may even "say" things ("Amazon Alexa said": tests/test_watch_heldout3_classes.py)
    ("", "Time said on Friday that its Person of the Year issue sold out.", ["time"]),
    ("", "Drivers can now use Apple CarPlay in the new model.", ["apple"]),
    ("", "It works with Apple Homekit, says Carl Prouty, who tested it.", ["apple"]),
])
def test_the_first_word_of_another_company(m, title, text, expected):
    assert flagged(m, text, title) == expected


@pytest.mark.parametrize("text, expected", [
    # a capital "The" in mid-line starts a title (a paper, a venue, a book)
    ("News International, which publishes The Sun and the News of the World, will invest.", []),
    ("The exhibition at The Box, Plymouth, was a powerfully unified show.", []),
    # contrasts: the bare name as a company's subject; "The" at a line's start is the sentence's
    ("Investors cheered as Sun said it would cut jobs.", ["sun"]),
    ("Prices rose.\n\nThe Sun said it would ship a new server.", ["sun"]),
])
def test_a_title_with_the(m, text, expected):
    assert flagged(m, text) == expected


@pytest.mark.parametrize("text, expected", [
    # a title after a person's Korean name: the Korean "President Trump"
    ("트럼프 대통령의 장녀인 이방카 보좌관이 방한했다.", ["trump"]),
    ("트럼프 전 대통령은 이날 성명을 냈다.", ["trump"]),
    # contrasts: the card game's trump; another of the family (the watchlist's Korean exclude)
    ("그는 마지막 트럼프 카드를 꺼냈다.", []),
    ("이방카 트럼프와 동행한 보좌관이 도착했다.", []),
])
def test_a_korean_title_after_a_person(m, text, expected):
    assert flagged(m, text) == expected
