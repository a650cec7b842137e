"""Classes of matcher errors found on the tenth held-out part of the labelled set (real
Naver News and BBC News articles; tests/fixtures/labels, README there), rules 12: each class
is a general rule of watch.othernames, watch.corroborate or watch.propernames, tested on
sentences written for the test (not heldout10's), with the contrast that must stay as it
was."""
from __future__ import annotations

import pytest

from tests.watch_helpers import entity, flagged
from watch import Matcher, parse_watchlist
from watch.othernames import inside_body_name, title_before


@pytest.fixture(scope="module")
def m() -> Matcher:
    return Matcher(parse_watchlist("\n".join([
        entity("gartner", ["Gartner", "가트너"]), entity("reuters", ["Reuters"]),
        entity("signal", ["Signal"]), entity("target", ["Target"]), entity("valve", ["Valve"]),
        entity("apple", ["Apple", "애플"]), entity("box", ["Box"]),
    ])))


# a research article quoting a person whose surname is an unambiguous alias
_DR = ("Web design rules still hold, says expert\n\n"
       "Ten years on, says design guru Dr Hanno Gartner, the basics of the web have not changed. "
       "Dr Gartner has looked back at a decade of his work. Pop-ups have almost gone, said Dr Gartner. "
       "Gartner said simple pages were as important as ever.")


@pytest.mark.parametrize("text, expected", [
    # a title and a given name before the surname, then the title alone, and a bare mention:
    # all the person's
    (_DR, []),
    # British style without the stop, and with it; a Korean title after a Hangul name
    ("Ms Gartner, a teacher, said the school would open.", []),
    ("Reuters spoke to Prof. Gartner, who studies birds.", ["reuters"]),
    ("가트너 박사는 이번 연구가 중요하다고 말했다.", []),
    # contrast: the company with no title anywhere
    ("Gartner said PC shipments fell 5% in the quarter.", ["gartner"]),
    # contrast: repeated company syntax of its own outweighs one titled mention
    (("Dr Gartner spoke first. Gartner said shipments fell. Gartner's analysts expect a rebound. "
      "Gartner has cut its forecast."), ["gartner"]),
    # contrast: the title belongs to someone else ("Dr Smith of Gartner")
    ("Dr Smith of Gartner said shipments fell.", ["gartner"]),
])
def test_a_surname_after_a_personal_title_is_the_person(m, text, expected):
    title, _, body = text.partition("\n\n") if "\n\n" in text else ("", "", text)
    assert flagged(m, body, title) == expected


@pytest.mark.parametrize("text, expected", [
    # an everyday-word alias inside another body's "<kind> for|of …" name, in its middle
    ("Reuters quoted a lecturer at the Institute for Image, Signal and Speech Research.", ["reuters"]),
    ("Reuters quoted the Department of Target Planning at the council.", ["reuters"]),
    # contrast: the company named after the body, outside its name
    ("Reuters said the Centre for Policy Studies had praised Signal's encryption.", ["reuters", "signal"]),
    # contrast: a body's kind without "for" or "of" says nothing ("the Signal Foundation" is the
    # company's own foundation, not covered here)
    ("Reuters said Target will close stores.", ["reuters", "target"]),
])
def test_an_everyday_word_inside_another_bodys_name_is_not_the_company(m, text, expected):
    assert flagged(m, text) == expected


@pytest.mark.parametrize("text, expected", [
    # an industry noun before the company, at a sentence's start or in mid-sentence
    ("The game needs a login. Developer Valve has assumed everyone is online.", ["valve"]),
    ("Fans blamed games studio Valve for the delay.", ["valve"]),
    ("The loan came from bank Target last year.", ["target"]),
    ("They sued drugmaker Target in May.", ["target"]),
    # contrast: the noun's everyday sense, no company
    ("A valve in the engine failed.", []),
    # contrast: a kind already said before a capitalized word that starts another name
    ("Security firm Network Box said it stopped the virus.", []),
])
def test_an_industry_noun_before_a_company_is_its_syntax(m, text, expected):
    assert flagged(m, text) == expected


def test_the_helpers_quote_what_they_read():
    t = "a lecturer at the Centre for Vision, Speech and Signal Processing"
    i = t.index("Signal")
    assert inside_body_name(t, i, i + 6) == "Centre for Vision, Speech and Signal"
    assert inside_body_name("the Signal app", 4, 10) == ""
    t = "says guru Dr Jakob Nielsen, some"
    i = t.index("Nielsen")
    assert title_before(t, i, i + 7) == "Dr Jakob Nielsen"
    assert title_before("애플 박사과정 학생", 0, 2) == ""  # (박사과정, a PhD course: no title)
    assert title_before("애플 씨는", 0, 2) == "애플 씨는"
