"""Classes of matcher errors found on the fourth held-out part of the labelled set
(tests/fixtures/labels, README there), rules 6: each class is a general rule of
watch.loanword, watch.korean or watch.corroborate, tested on sentences written for the test,
with the contrast that must stay as it was."""
from __future__ import annotations

import pytest

from tests.watch_helpers import entity, flagged
from watch import Matcher, parse_watchlist
from watch.ambiguity import KOREAN_LOANWORD, why_ambiguous
from watch.loanword import spells


@pytest.fixture(scope="module")
def m() -> Matcher:
    return Matcher(parse_watchlist("\n".join([
        entity("line", ["Line", "라인"]), entity("toss", ["Toss", "토스"]),
        entity("genesis", ["Genesis", "제네시스"]), entity("apple", ["Apple", "애플"]),
        entity("doosan", ["Doosan", "두산"]), entity("volkswagen", ["Volkswagen", "폭스바겐"]),
        entity("kakao", ["Kakao", "카카오"], ["카카오톡"]), entity("mars", ["Mars"]),
        entity("spirit", ["Spirit"]), entity("cj", ["CJ"]), entity("google", ["Google"]),
        entity("bbc", ["BBC"]), entity("ups", ["UPS"]), entity("dell", ["Dell", "델"]),
        entity("hp", ["HP"]),
    ])))



@pytest.mark.parametrize("hangul, english, same", [
    ("라인", "line", True), ("토스", "toss", True), ("제네시스", "genesis", True),
    ("애플", "apple", True), ("마스", "mars", True), ("타깃", "target", True), ("비자", "visa", True),
    ("허니", "honey", True), ("허니", "money", False),
    ("토스", "toast", False), ("쿠팡", "coupon", False), ("삼성", "line", False),
])
def test_a_loanword_spelling_is_read_from_its_consonants(hangul, english, same):
    assert spells(hangul, english) is same


def test_a_hangul_alias_spelling_an_everyday_english_alias_is_ambiguous():
    assert why_ambiguous("라인", "company", ("Line", "라인")) == KOREAN_LOANWORD
    assert why_ambiguous("애플", "company", ("Apple", "애플")) == KOREAN_LOANWORD
    # the English alias is no everyday word, or the Hangul spells another word: not ambiguous
    assert why_ambiguous("구글", "company", ("Google", "구글")) is None
    assert why_ambiguous("비바리퍼블리카", "company", ("Toss", "비바리퍼블리카")) is None


@pytest.mark.parametrize("text, expected", [
    # the loanword used as the word: an object after a modifier, a noun after it
    ("현대차가 울산공장의 전기차 생산 라인을 늘린다. 새 라인은 2026년 가동을 목표로 한다.", []),
    ("대한항공은 세터의 정교한 토스를 앞세웠다. 현대캐피탈은 토스가 길어졌다.", []),
    ("비트코인의 첫 블록인 제네시스 블록이 채굴된 지 16년이 됐다.", []),
    # the name: a subject, a possessor, a partner, an item of a list of names
    ("반면 애플은 중국 판매 부진 우려로 1% 하락했다.", ["apple"]),
    ("업계에서는 애플의 비전 프로와의 경쟁이 본격화할 것으로 본다.", ["apple"]),
    ("PC 출하량 증가…레노버·HP·델 순", ["dell"]),
])
def test_a_korean_loanword_needs_a_name_reading(m, text, expected):
    assert sorted(flagged(m, text)) == expected


@pytest.mark.parametrize("text, expected", [
    # a group noun glued to the name is the group; a product glued to it is its product
    ("체코 원전 수주…두산그룹 에너지 사업 탄력", ["doosan"]),
    ("폭스바겐그룹 산하 포르쉐가 전기차 4만대를 리콜한다.", ["volkswagen"]),
    ("간편송금 앱 경쟁…토스·카카오톡 중 하나 고르는 2030", ["kakao", "toss"]),
    # another company of the group stays another company
    ("두산베어스가 LG를 꺾었다.", []),
])
def test_a_group_or_product_noun_glued_to_a_korean_name(m, text, expected):
    assert sorted(flagged(m, text)) == expected


@pytest.mark.parametrize("text, expected", [
    # a place after "to", "on", "explore": repetition proves no company
    ("It studied a crewed mission to Mars. Crews could sleep through the cruise to Mars.", []),
    ("We will send humans to explore Mars and to put boots on Mars.", []),
    # a closing quotation mark is no possessive
    ("Good cultivars are ‘Jackmanii’, ‘Polish Spirit’, ‘Perle d’Azur’ for walls.", []),
    # but a possessive after -s, and a bare name used twice in prose, still count
    ("Analysts said Mars’ pet food unit grew. Buyers in Europe chose Mars again, and Mars won.", ["mars"]),
])
def test_places_and_quotes_are_not_company_syntax(m, text, expected):
    assert flagged(m, text) == expected


@pytest.mark.parametrize("text, expected", [
    # initials as a first name among people's names; a name as a verb
    ("Aiden Haig 1 goal. Daniel Viegas 2 assists. CJ DeBose 2 assists. Derek Mertz 3 saves.", []),
    ("When people Google types of health insurance, they find lists.", []),
    ("CJ Logistics said profits rose.", ["cj"]),
    ("Google said profits rose; people use Google daily.", ["google"]),
    # a three-letter acronym that is no word, in prose, is the name; a word (UPS) is not
    ("Harper was hot off directing a lush BBC adaptation of War & Peace.", ["bbc"]),
    ("It ships in two ups and downs of the market.", []),
    ("Quarterly figures\n\nBBC\n\nMarch 3", []),  # alone on its line: needs more
])
def test_initials_verbs_and_three_letter_acronyms(m, text, expected):
    assert flagged(m, text) == expected
