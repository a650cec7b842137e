"""Classes of matcher errors found on the eighth held-out part of the labelled set (real
Naver News and BBC News articles; tests/fixtures/labels, README there), rules 10: each class
is a general rule of watch.corroborate, watch.propernames, watch.korean or the matcher's word
boundaries, tested on sentences written for the test (not heldout8's), with the contrast
that must stay as it was."""
from __future__ import annotations

import pytest

from tests.watch_helpers import entity, flagged
from watch import Matcher, parse_watchlist
from watch.corroborate import defined_after
from watch.korean import country_before


@pytest.fixture(scope="module")
def m() -> Matcher:
    return Matcher(parse_watchlist("\n".join([
        entity("woori", ["우리"]), entity("hana", ["하나"]), entity("meta", ["Meta", "메타"]),
        entity("samsung", ["삼성"]), entity("shinhan", ["신한은행"]),
        entity("gm", ["GM", "General Motors"]), entity("ibm", ["IBM"]),
        entity("bt", ["BT", "BT Group"]), entity("target", ["Target"]),
        entity("telegraph", ["The Daily Telegraph", "Telegraph"]),
        entity("united", ["United", "United Airlines"]), entity("sky", ["Sky", "Sky Group"]),
        entity("ford", ["Ford"]), entity("x", ["X", "X Corp"]), entity("google", ["Google"]),
        entity("mitsubishi", ["Mitsubishi Motors", "Mitsubishi"]), entity("toyota", ["Toyota"]),
        entity("amazon", ["Amazon"]), entity("deutsche", ["Deutsche Bank"]),
    ])))


# a Korean article run into one line (rules 9 read it as prose), full stops lost
_RUN_ON = ("통일부는 이날 북측 대표단이 도착했다고 밝혔다  천해성 차관 등 {} 북측 대표단을 맞았다  "
           "양측은 오후에 회담을 열었다  정부는 회담 결과를 곧 발표할 예정이다  ▶ 무단 전재 및 재배포 금지")


@pytest.mark.parametrize("text, expected", [
    # 우리 (a pronoun) before a noun is "our …": "our side", "our economy", glued or apart,
    # even in a one-line article read as prose and beside other names
    (_RUN_ON.format("우리측 환영단이"), []),
    (_RUN_ON.format("우리 측 인사들이"), []),
    ("신한은행 관계자는 우리 측 입장을 설명했다.", ["shinhan"]),
    ("우리측이 제시한 일정을 북측이 수용했다고 통일부는 전했다.", []),
    ("우리 대표단은 새 협정을 체결했다.", []),
    ("우리는 새 서비스를 출시했다.", []),  # as a subject: "we"
    ("하나 측은 아직 입장을 내지 않았다.", []),  # a numeral: "one side"
    ("우리와 경쟁하는 나라들이 늘었다고 삼성 측은 밝혔다.", ["samsung"]),  # competing with us
    # contrasts: a name that is no pronoun keeps its business noun and subject syntax
    ("삼성 측은 사실이 아니라고 밝혔다.", ["samsung"]),
    ("메타 측은 새 기능을 공개했다.", ["meta"]),
    ("메타는 새 안경을 공개했다.", ["meta"]),
    # and the pronoun still counts as an item of a list of banks
    ("신한은행·우리 등 시중은행이 금리를 내렸다.", ["shinhan", "woori"]),
])
def test_a_korean_pronoun_before_a_noun_is_the_word(m, text, expected):
    assert flagged(m, text) == expected


@pytest.mark.parametrize("text, expected", [
    # a country in Hangul glued before a Latin name is the company's business there
    ("바른미래당은 한국GM 군산공장 폐쇄 문제를 따지기로 했다.", ["gm"]),
    ("한국IBM은 새 대표를 선임했다.", ["ibm"]),
    # contrasts: another Hangul word glued before it is no boundary ("대한국" is no country),
    # and a name glued to a noun after it is still inside a longer word
    ("대한국GM 공장", []),
    ("한국GM사태 국정조사", []),
])
def test_a_hangul_country_glued_before_a_latin_name(m, text, expected):
    assert flagged(m, text) == expected


def test_country_before_reads_the_whole_hangul_run():
    assert country_before("한국GM", 2) == "한국"
    assert country_before("대한국GM", 3) == ""
    assert country_before(" 미국GM", 3) == "미국"
    assert country_before("공장GM", 2) == ""


@pytest.mark.parametrize("text, expected", [
    # an industry's noun before a company, at a sentence's start too
    ("Donations poured in. Telco BT stepped in to take over the payments.", ["bt"]),
    ("The deal was struck by lender BT last week.", ["bt"]),
    ("Shoppers flocked to discount chain Target on Friday.", ["target"]),
    # contrast: a noun that says nothing of a company
    ("The deal was struck by team BT last week.", []),
])
def test_an_industry_noun_before_a_company(m, text, expected):
    assert flagged(m, text) == expected


@pytest.mark.parametrize("text, expected", [
    # a paper's edition is the paper: "Sunday" is no other name's first word
    ("The board resigned, the Sunday Telegraph reported.", ["telegraph"]),
    # contrast: another capitalized word before it still starts a longer name
    ("He bought a Western Union Telegraph reported as lost.", []),
])
def test_a_paper_edition_is_the_paper(m, text, expected):
    assert flagged(m, text) == expected


@pytest.mark.parametrize("text, expected", [
    # a title joined by "of the" ends with the everyday word: not the company
    ("Queen of the Sky, otherwise known as Ellen, was suspended. Google said so.", ["google"]),
    ("She wrote Lord of the Sky for years, and Google noticed.", ["google"]),
    # contrast: a role before "of" without "the" is the company's ("CEO of Sky")
    ("The chief executive of Sky said profits rose.", ["sky"]),
])
def test_a_title_joined_by_of_the(m, text, expected):
    assert flagged(m, text) == expected


@pytest.mark.parametrize("text, expected", [
    # a fixed name after a preposition, without an article: a place or an institution
    ("It would be confiscatory under United States law, Deutsche Bank said.", ["deutsche"]),
    ("Sales rose in United States markets, Deutsche Bank said.", ["deutsche"]),
    # contrasts: a product takes an article ("a used Ford Focus"), and the company's word
    # after it makes it the company ("flew United Airlines")
    ("Deutsche Bank's boss drives a used Ford Focus.", ["deutsche", "ford"]),
    ("She flew on United Airlines to Denver.", ["united"]),
])
def test_a_fixed_name_after_a_preposition(m, text, expected):
    assert flagged(m, text) == expected


@pytest.mark.parametrize("text, expected", [
    # the item of a list of companies is the longer name the letter starts
    ("Companies such as Blinkx, Copernic and X Friend all do the same job.", []),
    # contrast: the letter alone as an item of the list is the company
    ("Companies such as Google, Meta and X all do the same job.", ["google", "meta", "x"]),
])
def test_a_letter_starting_a_listed_company_name(m, text, expected):
    assert flagged(m, text) == expected


@pytest.mark.parametrize("text, expected", [
    # another organisation defined with its initials, ending with a company word: the alias
    # there and bare elsewhere is that organisation, when nothing else names the entity
    (("UFJ preferred the offer from Mitsubishi Tokyo Financial Group (MTFG). "
      "A deal with Mitsubishi would follow."), []),
    # contrasts: the company word right after the alias makes it the company's own formal
    # name; a unit or product (no company word at its end) is the company's; and the
    # entity's own longer alias keeps every mention
    ("Toyota Motor Corporation (TMC) said Toyota would cut jobs.", ["toyota"]),
    ("Amazon Web Services (AWS) grew fast, Amazon said.", ["amazon"]),
    ("Mitsubishi Motors said the Mitsubishi Tokyo Financial Group (MTFG) was a lender.", ["mitsubishi"]),
])
def test_another_organisation_defined_with_initials(m, text, expected):
    assert flagged(m, text) == expected


def test_defined_after_needs_every_initial():
    text = "from Mitsubishi Tokyo Financial Group (MTFG), Japan's"
    s = text.index("Mitsubishi")
    assert defined_after(text, s, s + len("Mitsubishi")) == "Mitsubishi Tokyo Financial Group (MTFG)"
    text = "from Mitsubishi Tokyo Financial Group (MUFG), Japan's"
    assert defined_after(text, s, s + len("Mitsubishi")) == ""
