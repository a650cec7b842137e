"""Classes of matcher errors found on the third held-out part of the labelled set
(tests/fixtures/labels, README there), rules 5: each class is a general rule of
watch.propernames or watch.corroborate, tested on sentences written for the test, with the
contrast that must stay as it was."""
from __future__ import annotations

import io
import json

import pytest

from tests.watch_helpers import entity, flagged
from watch import Matcher, parse_watchlist
from watch.jsonl import match_jsonl
from watch.propernames import (
    full_names,
    longer_name_before,
    sentence_case,
    title_before_person,
)


@pytest.fixture(scope="module")
def m() -> Matcher:
    return Matcher(parse_watchlist("\n".join([
        entity("box", ["Box"]), entity("coach", ["Coach"]), entity("puma", ["Puma"]),
        entity("stripe", ["Stripe"]), entity("ibm", ["IBM"]), entity("amazon", ["Amazon"]),
        entity("lg", ["LG"]), entity("target", ["Target"]), entity("zoom", ["Zoom"]),
        entity("intel", ["Intel"]), entity("mini", ["Mini"]),
    ])))



@pytest.mark.parametrize("text, expected", [
    # the everyday word ends a longer name that starts before it: another product or brand
    ("Featuring hot-swappable Kailh Box Ice Mint V2 switches, it suits every typist.", []),
    ("Choose between their Seasonal Style Box or standard Style Box each month.", []),
    ("Urbane Box lets you build a wardrobe at a slower pace.", []),
    ("Clothing Subscription Box FAQs", []),
    # contrasts: the capital of a sentence's first word is the sentence's ("Host", "Shop")
    ("Live Lessons – Host Zoom sessions or webinars from your course page.", ["zoom"]),
    ("Shop Amazon Prime deals this week.", ["amazon"]),
    # a describing word of a Title Case headline, a product after the longer name
    ("Retail Giant Target Reports Record Sales", ["target"]),
    ("Grow, Cook, Eat Amazon Prime", ["amazon"]),
    ("A 10th Gen Intel Core i5 processor has a 2GHz base speed.", ["intel"]),  # a product line and model
    ("At 73 grams, the Razer Viper Mini Wireless 73g is light.", []),  # a run of names: another brand's
])
def test_an_everyday_word_at_the_end_of_a_longer_name(m, text, expected):
    assert flagged(m, text) == expected


@pytest.mark.parametrize("text, expected", [
    ("Coach P.J. Fleck said Morgan has made progress this week.", []),
    ("Coach John Smith said the defense played well on Saturday.", []),
    ("Follow the plan that elite coach Dieter Hogen set up. With Coach Hogen's program, you run.", []),
    # contrasts: a product after the name, and a product named like a person elsewhere
    ("Coach Tabby bags were the season's best sellers, Coach said.", ["coach"]),
    ("Voice assistants like Amazon Alexa answer questions; Amazon Alexa said it will update.", ["amazon"]),
])
def test_a_title_before_a_persons_name(m, text, expected):
    assert flagged(m, text) == expected


def test_the_person_rule_reads_the_full_names_of_the_article():
    text = "the elite coach Dieter Hogen set up a plan, with integrated Amazon Alexa support"
    assert full_names(text) == {"Hogen": frozenset({"coach"}), "Alexa": frozenset({"integrated"})}
    assert title_before_person(text + ". Coach Hogen's plan", len(text) + 2, len(text) + 7) == "Coach Hogen"
    # "integrated" is no title: Alexa stays a product
    later = text + ". Amazon Alexa works"
    assert title_before_person(later, len(text) + 2, len(text) + 8) == ""


@pytest.mark.parametrize("text, expected", [
    ("Puma is a well-established name in the top 10 shoe companies in the world.", ["puma"]),
    ("Stripe is a payments company based in San Francisco and Dublin.", ["stripe"]),
    ("Box is a good place to keep the spare cables.", []),  # no company noun in the predicate
])
def test_a_company_described_by_a_predicate_noun(m, text, expected):
    assert flagged(m, text) == expected


@pytest.mark.parametrize("text, expected", [
    ("Integrations with Stripe, Gusto, and other third-party tools", ["stripe"]),
    ("Stripe, Gusto, Square", []),  # a Title Case or bare list line stays a heading
])
def test_a_list_line_in_sentence_case_is_prose(m, text, expected):
    assert flagged(m, text) == expected


@pytest.mark.parametrize("text, expected", [
    ("According to the IBM Cost of a Data Breach Report 2021, costs rose.", ["ibm"]),
    ("IBM Talent & Transformation provides data-driven solutions for HR teams.", ["ibm"]),
    ("The LG Twins won again at Jamsil on Sunday night.", []),  # one word: a team's name
    ("4. IBM Talent & Transformation", []),  # a Title Case heading says nothing
])
def test_an_acronym_leading_a_longer_name(m, text, expected):
    assert flagged(m, text) == expected


def test_helpers():
    assert sentence_case("Integrations with Stripe, Gusto, and other tools", 18, 24)
    assert not sentence_case("Best Tools for Teams, Slack and Zoom", 22, 27)
    t = "Featuring hot-swappable Kailh Box Ice"
    assert longer_name_before(t, t.index("Box"), t.index("Box") + 3) == "Kailh Box"
    t = "When Box said so"
    assert longer_name_before(t, 5, 8) == ""


def test_explain_lists_the_new_rejection_reasons(tmp_path):
    # newsmon match --explain: a title before a person, the end of another name
    wl = tmp_path / "wl.toml"
    wl.write_text("\n".join([entity("coach", ["Coach"]), entity("box", ["Box"])]), encoding="utf-8")
    line = json.dumps({"id": 1, "title": "", "text": "Coach P.J. Fleck said the Kailh Box Ice switches are fine."})
    out = io.StringIO()
    assert match_jsonl(str(wl), io.StringIO(line + "\n"), out, explain=True) == 0
    row = json.loads(out.getvalue())
    assert row["entities"] == []
    reasons = {r["entity"]: r["reason"] for r in row["rejected"]}
    assert 'a title before a person\'s name ("Coach P.J. Fleck")' in reasons["coach"]
    assert 'the end of a longer name ("Kailh Box")' in reasons["box"]
