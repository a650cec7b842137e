"""Classes of matcher errors found on the seventeenth and eighteenth held-out parts of the
labelled set (real Naver News business articles of 2019 and BBC News tech; tests/fixtures/labels,
README there), rules 17: each class is a general rule of watch.korean, watch.corroborate,
watch.variants or watch.matcher, tested on sentences written for the test (not the parts'), with
the contrast that must stay as it was."""
from __future__ import annotations

import pytest

from tests.watch_helpers import entity, flagged
from watch import Matcher, parse_watchlist
from watch.korean import company_words_after, stock_code_follows


@pytest.fixture(scope="module")
def m() -> Matcher:
    return Matcher(parse_watchlist("\n".join([
        entity("doosan", ["Doosan", "두산"]),
        entity("e1", ["E1"]),
        entity("sk", ["SK Group", "SK", "에스케이"]),
        entity("scg", ["SCG Chemicals", "SCG케미칼", "SCG"]),
        entity("gigabyte", ["Gigabyte", "GIGABYTE", "기가바이트"]),
        entity("line", ["LINE", "라인"]),
        entity("apple", ["Apple", "애플"]),
        entity("woori", ["Woori Financial", "우리금융", "우리"]),
        entity("naver", ["Naver", "네이버"]),
    ])))


@pytest.mark.parametrize("text, expected", [
    # a six-digit stock code after the name: a listed company, also in a disclosure list's row
    ("△두산(000150)= 3분기 영업이익이 감소했다고 밝힘.", ["doosan"]),
    ("<유가증권>▲E1(017940)=1,656억원 규모 공급계약 ▲넷마블(251270)=최대주주 변경", ["e1"]),
    # contrast: no code, or a code that is not six digits, corroborates nothing
    ("△두산 3분기 영업이익이 감소.", []),
    ("▲E1(2019)=1,656억원 규모 ▲넷마블=최대주주 변경", []),
    # a long alias glued after Hangul before a stock code ends another listed name
    ("▲디에스케이(109740)=81억원 규모 장비 공급계약", []),
    # contrast: the alias itself before the code
    ("▲에스케이(034730)=자사주 매입", ["sk"]),
])
def test_a_stock_code_after_a_name(m, text, expected):
    assert flagged(m, text) == expected


def test_stock_code_follows():
    assert stock_code_follows("두산(000150)=", 2)
    assert not stock_code_follows("두산(1500)=", 2)
    assert not stock_code_follows("두산 (000150)", 2)


@pytest.mark.parametrize("text, expected", [
    # Hangul industry words after a Latin name that go on past the entity's own alias
    ("회사는 태국에서 SCG 케미칼 트레이딩과 공급계약을 체결했다.", []),
    # contrast: the words spell the entity's own alias (SCG케미칼, spaces aside)
    ("태국 SCG 케미칼과 공급계약을 체결했다.", ["scg"]),
])
def test_another_company_named_with_hangul_industry_words(m, text, expected):
    assert flagged(m, text) == expected


def test_company_words_after():
    assert company_words_after(" 케미칼 트레이딩과 계약", 0) == ["케미칼", "트레이딩"]
    assert company_words_after("케미칼은", 0) == ["케미칼"]
    assert company_words_after(" 공장에서", 0) == []
    # everyday loanwords after a group's name are no company's words
    assert company_words_after(" 글로벌 시장에서", 0) == []
    assert company_words_after(" 에너지 사업", 0) == []


@pytest.mark.parametrize("text, expected", [
    # a numeral before the lower-case word: a unit
    ("The second model comes with one gigabyte of storage.", []),
    ("Gmail launched with 1 gigabyte of free storage.", []),
    # contrast: the name as written, and informal lower case without a numeral
    ("A GIGABYTE motherboard with 2 slots.", ["gigabyte"]),
    ("I bought a gigabyte motherboard last week.", ["gigabyte"]),
])
def test_lower_case_after_a_numeral_is_a_unit(m, text, expected):
    assert flagged(m, text) == expected


@pytest.mark.parametrize("text, expected", [
    # a line code before the loanword: a production line
    ("일부 신규 라인 가동 개시. L8-1 라인 뿐 아니라 L8-2라인도 가동을 멈췄다.", []),
    # contrast: the name with its particle in prose
    ("라인도 일본에서 새 간편결제 서비스를 내놓았다.", ["line"]),
])
def test_a_line_code_before_a_loanword(m, text, expected):
    assert flagged(m, text) == expected


@pytest.mark.parametrize("text, expected", [
    # the maker before a quoted product name, one noun of its kind at most between
    ("2011년 애플 '시리'에서 출발한 대화형 AI는 진보하고 있다.", ["apple"]),
    ("내달 1일에는 애플 무선이어폰 '에어팟'을 판매한다.", ["apple"]),
    # contrast: after a bare noun the loanword is the word; no quoted name after it
    ("생산 라인 'A3'를 새로 깔았다.", []),
    ("애플 주스를 마셨다.", []),
])
def test_the_maker_before_a_quoted_product(m, text, expected):
    assert flagged(m, text) == expected


@pytest.mark.parametrize("text, expected", [
    # a financial group's holding company (지주) and a name in capitals, as lists write them
    ("아난티(445억원), 우리금융지주(435억원), 한국전력(364억원) 등", ["woori"]),
    ("현대오토에버(255억원), NAVER(190억원), 롯데쇼핑(188억원) 등", ["naver"]),
    # contrast: 지주 elsewhere is a landowner; an everyday word in capitals is no name
    ("우리지주 회사가 땅을 팔았다.", []),
    ("APPLE PIE RECIPES", []),
    # contrast: a name's capitals on an English line are a heading or another brand (as before)
    ("#29 NAVER DESK-V000B 5.1 6.5 8.8", []),
])
def test_holding_company_and_capitals(m, text, expected):
    assert flagged(m, text) == expected


@pytest.fixture(scope="module")
def credits() -> Matcher:
    return Matcher(parse_watchlist("\n".join([
        entity("dsme", ["DSME", "대우조선해양"]),
        entity("samsung", ["Samsung Electronics", "삼성전자"]),
    ])))


@pytest.mark.parametrize("text, expected", [
    # a credit's name with the next paragraph glued on by the crawl
    ("운반선의 항해 모습 / 사진제공=대우조선해양E1은 가격을 올렸다.", ["dsme"]),
    # contrast: no credit before it, and glued Hangul after a credit (a longer name)
    ("운반선 대우조선해양E1은 가격을 올렸다.", []),
    ("사진=삼성전자서비스", []),
])
def test_a_credit_glued_to_the_next_paragraph(credits, text, expected):
    assert flagged(credits, text) == expected
