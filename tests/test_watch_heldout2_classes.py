"""Classes of matcher errors found on the second held-out part of the labelled set
(tests/fixtures/labels, README there): each class is a general rule of watch.corroborate,
watch.matcher, watch.variants or watch.korean, tested on sentences written for the test,
with the contrast that must stay as it was."""
from __future__ import annotations

import io
import json

import pytest

from tests.watch_helpers import entity, flagged
from watch import Matcher, parse_watchlist
from watch.jsonl import match_jsonl


@pytest.fixture(scope="module")
def m() -> Matcher:
    return Matcher(parse_watchlist("\n".join([
        entity("adobe", ["Adobe"]), entity("box", ["Box"]), entity("square", ["Square"]),
        entity("slack", ["Slack"]), entity("zoom", ["Zoom"]), entity("notion", ["Notion"]),
        entity("unity", ["Unity"]), entity("intel", ["Intel"]), entity("github", ["GitHub"]),
        entity("uber", ["Uber"]), entity("delta", ["Delta"]), entity("shell", ["Shell"]),
        entity("target", ["Target"]), entity("amazon", ["Amazon"]),
        entity("apple", ["Apple", "애플"], ("아이패드",)),
        entity("samsung", ["삼성전자", "삼성"]), entity("hyundai", ["현대자동차", "현대"]),
        entity("woori", ["우리은행", "우리"]), entity("shinhan", ["신한은행", "신한"]),
    ])))



def test_company_syntax_stops_at_a_paragraph_break(m):
    # a name ending one paragraph and a coined word starting the next are not one product name
    assert flagged(m, "Bib Gourmand | Union Square\n\nDumplingHaus serves Taiwanese food.") == []
    assert flagged(m, "We moved every file to Box DropSync last year.") == ["box"]
    # a single line break may be inside a paragraph (a link's text): still read across
    assert flagged(m, "Check the price\n\nView\non Amazon") == ["amazon"]


def test_korean_brand_glued_to_a_product_is_the_brand(m):
    r = m.match("", "최근에는 갤럭시 워치나 애플워치처럼 수면을 재는 기기가 늘었다.")
    assert r.entities == ["apple"] and r.mentions[0].text == "애플"
    # the brand's product corroborates an ambiguous short form ("삼성페이")
    r = m.match("", "결제는 삼성페이로 했다고 그는 말했다.")
    assert r.entities == ["samsung"] and "삼성페이" in r.mentions[0].note
    # a longer word is still another word, and another company of the group stays one
    assert flagged(m, "애플리케이션을 내려받았다.") == []
    assert flagged(m, "현대카드는 새 카드를 내놓았다.") == []


def test_a_camel_case_name_in_title_case(m):
    assert flagged(m, "Some resources:\n\n- Github's git tutorial\n- Pro Git book") == ["github"]
    assert flagged(m, "the code is on github now") == ["github"]  # (lower case: as before)
    assert flagged(m, "A gitHub page") == []  # only the name's own case, Title case, lower case


def test_a_lower_case_name_starting_a_hyphenated_word_is_not_the_name(m):
    r = m.match("", "Our uber-popular coaching program pairs you with a coach.")
    assert r.entities == []
    assert [x.reason for x in r.rejected] == [
        'lower case, the first part of the hyphenated word "uber-popular", not the name']
    assert flagged(m, "We ordered an uber to the airport.") == ["uber"]
    assert flagged(m, "The Uber-owned unit was sold.") == ["uber"]


def test_explain_lists_the_new_rejection_reasons(tmp_path):
    # newsmon match --explain: the hyphen prefix, and the Korean common word near a name
    wl = tmp_path / "wl.toml"
    wl.write_text("\n".join([entity("uber", ["Uber"]), entity("apple", ["Apple", "애플"], ("아이패드",)),
                             entity("woori", ["우리은행", "우리"])]), encoding="utf-8")
    line = json.dumps({"id": 1, "title": "", "text": "Our uber-popular plan. 애플 아이패드를 주지만, 우리가 놓친 것도 있다."},
                      ensure_ascii=False)
    out = io.StringIO()
    assert match_jsonl(str(wl), io.StringIO(line + "\n"), out, explain=True) == 0
    row = json.loads(out.getvalue())
    assert row["entities"] == ["apple"]
    assert {(r["entity"], r["text"]) for r in row["rejected"]} == {("uber", "uber"), ("woori", "우리")}
    reasons = " | ".join(r["reason"] for r in row["rejected"])
    assert 'the first part of the hyphenated word "uber-popular"' in reasons
    assert "no corroboration" in reasons


@pytest.mark.parametrize("text, expected", [
    ("Delivery through email, Slack, Teams, or SMS based on preferences.", ["slack"]),
    ("Integrations – Connect with Zoom, Slack, and other tools.", ["slack", "zoom"]),
    ("Teams store data in open table formats like Parquet, Iceberg, or Delta for analytics.", []),
    ("Cases rose with the Alpha, Beta, Delta, and Omicron waves of the pandemic.", []),
    ("Ranking #14 on RedMonk (tied with Scala and Shell), Kotlin is popular.", []),
])
def test_an_item_of_a_comma_list_of_names(m, text, expected):
    assert flagged(m, text) == expected


@pytest.mark.parametrize("text, expected", [
    ("Tools like Figma and Notion-based documentation help a lot.", ["notion"]),
    ("Some ideas to serve include:\n\n- Box-style lunches with a full meal in a box", []),
    ("Box-style packaging is back this year.", []),
])
def test_manner_compounds_count_only_in_mid_sentence(m, text, expected):
    assert flagged(m, text) == expected


@pytest.mark.parametrize("text, expected", [
    ("An Adobe survey on review processes found that 60 percent of teams struggle.", ["adobe"]),
    ("Live Lessons – Host Zoom sessions or webinars from your course page.", ["zoom"]),
    ("We adopted sorting layers, similar to what Unity does with its components.", ["unity"]),
    ("Square meetings are held in the hall each week.", []),  # sentence start: the capital says nothing
    ("Unity does not come easily to a divided party.", []),
])
def test_things_a_service_publishes_or_hosts_and_what_it_does(m, text, expected):
    assert flagged(m, text) == expected


def test_a_product_line_and_a_model_code(m):
    assert flagged(m, "A laptop with at least an Intel Core i3 processor is enough.") == ["intel"]
    assert flagged(m, "I loved Delta Force 2 as a kid, the game was hard.") == []  # a sequel's number


@pytest.mark.parametrize("text, expected", [
    ("The film made $320,000, according to Box Office Mojo.", []),
    ("Sales fell, according to Target, which blamed the weather.", ["target"]),
])
def test_according_to_a_longer_name(m, text, expected):
    assert flagged(m, text) == expected


def test_a_korean_common_word_is_established_by_a_name_nearby_only_in_a_list(m):
    # 우리 "we" with a particle near Apple's iPad is the pronoun
    text = "학생에게 애플 아이패드를 나눠 준다. 교사들은 만족하지만, 우리가 놓치고 있는 것도 있다."
    assert flagged(m, text) == ["apple"]
    # as an item of a list of banks, it is the bank
    assert flagged(m, "신한은행·우리 등 시중은행이 금리를 내렸다.") == ["shinhan", "woori"]
    assert flagged(m, "신한은행과 우리 두 곳이 금리를 내렸다.") == ["shinhan", "woori"]
