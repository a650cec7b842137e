"""Names glued to their neighbours by a crawl (rules 15).

Text scraped from news sites loses brackets, spaces and line breaks: "뉴욕타임스(NYT)에 따르면"
becomes "뉴욕타임스NYT에 따르면", "메타의 라마(LLaMA)를" becomes "메타의 라마LLamA를", and a
subheading runs into the next one ("맞춤형 제작 착수" + "엔비디아 보다 양산 쉬워"). The word
boundary rules of ``watch.matcher`` then see one long word and drop the name. Two glues are read
back, both general and both narrow enough to keep the word boundary's job (메타버스,
삼성바이오로직스 stay other words):

* a Hangul name glued to a Latin word that GLOSSES it: the Latin word (any case, a crawl keeps
  the source's odd capitals: "LLamA") is one of the same entity's Latin aliases or context
  terms, or the Hangul word spells it the way loanwords do (``watch.loanword``: 라마 = llama).
  The Hangul alias then ends at the Latin word (``gloss_follows``), and a Latin context term
  glued after its own Hangul spelling corroborates its entity (``glossed_context``);
* a long Hangul alias (three syllables or more) that no rule finds ambiguous, glued after
  other Hangul (``LONG_GLUED``: applied by the matcher to the spelling's left boundary): such a
  name is rarely the end of another word, while a short or ambiguous one often is (모델 holds
  델, 소비자 holds 비자, 비메타 is "non-meta");
* rules 19: a Hangul alias of several words whose first word is long (도널드 트럼프), glued after a
  person's title that ends a Hangul run (``title_glued_before``: "권태민 파트너도널드 트럼프", a
  column's byline run into its first sentence). Only after a title: after other Hangul the first
  word may end another word (맥도널드 트럼프 타워점 holds 도널드 트럼프).
"""
from __future__ import annotations

import re

from watch.loanword import spells

# the fewest Hangul syllables of an alias that may be glued after other Hangul
LONG_GLUED = 3
_LATIN_RUN = re.compile(r"[A-Za-z][A-Za-z0-9]*")
# a Hangul run glued to a Latin word (a bracket the crawl dropped): "라마LLamA", "뉴욕타임스NYT"
_HANGUL_LATIN = re.compile(r"(?<![가-힣])([가-힣]{2,})([A-Za-z][A-Za-z0-9]*)")


def latin_terms(entities) -> dict[str, frozenset[int]]:
    """Casefolded one-word Latin aliases and context terms -> the entities that have them."""
    out: dict[str, set[int]] = {}
    for i, e in enumerate(entities):
        for term in e.aliases + e.context:
            if term.isascii() and _LATIN_RUN.fullmatch(term):
                out.setdefault(term.casefold(), set()).add(i)
    return {k: frozenset(v) for k, v in out.items()}


def gloss_follows(text: str, end: int, entities: set[int] | frozenset[int],
                  terms: dict[str, frozenset[int]]) -> bool:
    """Is the Latin word glued at ``end`` one of the entities' Latin aliases or context terms
    (any case), ending there (a particle or no letter after it)? "뉴욕타임스NYT에": yes for the
    New York Times; "삼성SDI" (another company) and "하이퍼클로바X": no."""
    m = _LATIN_RUN.match(text, end)
    if not m:
        return False
    owners = terms.get(m.group(0).casefold())
    return owners is not None and not owners.isdisjoint(entities)


def glossed_context(text: str, context_terms: dict[str, list[tuple[int, str]]],
                    hangul_names: dict[str, frozenset[int]]) -> list[tuple[int, str]]:
    """(entity, term) for every Latin context term glued after a Hangul word that glosses it:
    its loanword spelling (라마LLamA: Llama) or a Hangul alias or context term of the same
    entity. ``context_terms``: casefolded one-word Latin context term -> [(entity, term)];
    ``hangul_names``: Hangul alias or context term -> entities."""
    out: list[tuple[int, str]] = []
    for m in _HANGUL_LATIN.finditer(text):
        found = context_terms.get(m.group(2).casefold())
        if not found:
            continue
        hangul, latin = m.group(1), m.group(2).lower()
        for ent, term in found:
            if any(spells(hangul[k:], latin) or ent in hangul_names.get(hangul[k:], ())
                   for k in range(len(hangul) - 1)):
                out.append((ent, term))
    return out


# rules 19: the titles and posts a byline or caption puts after a person's name, before the
# crawl glues the next words on ("권태민 파트너", "김철수 기자", "홍길동 연구원")
TITLE_NOUNS: tuple[str, ...] = (
    "파트너", "기자", "특파원", "연구원", "애널리스트", "논설위원", "위원", "위원장", "대표", "회장", "사장",
    "부사장", "교수", "변호사", "전무", "상무", "부장", "팀장", "센터장", "앵커", "칼럼니스트", "이사")
_HANGUL_RUN_BEFORE = re.compile(r"(?<![가-힣])[가-힣]+$")


def title_glued_before(text: str, start: int) -> bool:
    """Rules 19: is the Hangul run glued before ``start`` a person's title (``TITLE_NOUNS``),
    standing as a word of its own (after a space or the start of the line)?"""
    m = _HANGUL_RUN_BEFORE.search(text, max(0, start - 8), start)
    return m is not None and m.group(0) in TITLE_NOUNS
