"""Which aliases are ambiguous, and the word lists behind the decision.

An alias is AMBIGUOUS when the same string often names something else:

* an all-caps acronym of at most three letters or digits ("LG", "SK", "KT", "MS", "X",
  "3M"): initials, sizes, degrees, model letters, other companies' tickers;
* an ordinary word of English (``data/english_words.txt``: "Meta", "Apple", "Amazon",
  "Shell", "Target", "Delta", "Visa", "Ford"...), checked on the whole alias in lower case;
* a short Korean form (one to three Hangul syllables) that also names a business group or
  is a common noun (``data/korean_ambiguous.txt``: 삼성, 현대, 우리, 메타, 아마존...);
* a Hangul alias that is the loanword spelling of one of the same entity's English aliases
  that is an everyday word (``watch.loanword``): 라인 for "Line", 토스 for "Toss", 제네시스
  for "Genesis", 애플 for "Apple" — Korean borrows the word as well as the name (생산 라인,
  세터의 토스, 제네시스 블록).

The watchlist overrides the decision per alias (``ambiguous = { "Trump" = false }``); an
alias it marks ambiguous that no rule finds ambiguous gets a class of its own
(``marked_ambiguous``: a Hangul one is a Korean common word).
Topics are never ambiguous (they are subjects, matched in any case). What an ambiguous
mention needs before it counts is ``watch.corroborate``'s business.

The lists are plain text in ``watch/data`` (one entry a line, ``#`` comments), read once
per process. ``rules_fingerprint()`` hashes them together with the rules version, so that
a change of a list changes the watchlist digest and stored articles are re-matched.
"""
from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from pathlib import Path

from watch.loanword import spells
from watch.normalize import normalize_phrase

DATA = Path(__file__).resolve().parent / "data"
LISTS = ("english_words.txt", "korean_ambiguous.txt", "fixed_terms.txt", "given_names.txt")

SHORT_ACRONYM = "short acronym"
EVERYDAY_WORD = "everyday word"
KOREAN_SHORT_FORM = "Korean group name or common noun"
KOREAN_LOANWORD = "Korean spelling of an everyday English word"
# rules 15: a group name of an entity that is the group itself (한화 for Hanwha Group): it may
# still be the group's sports team (한화 이글스), never an affiliate
KOREAN_GROUP = "Korean group name, of the group itself"
OVERRIDE = "marked ambiguous in the watchlist"
# a Hangul alias the watchlist marks ambiguous: a Korean common word, like the list's
KOREAN_MARKED = "Korean word marked ambiguous in the watchlist"

_ACRONYM_RE = re.compile(r"[A-Z0-9]{1,3}")
_WORD_RE = re.compile(r"[A-Za-z]+")
_HANGUL_RE = re.compile("[\uac00-\ud7a3]{1,3}")
_HANGUL_WORD_RE = re.compile("[\uac00-\ud7a3]+")


def _entries(name: str) -> tuple[str, ...]:
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return tuple(x.strip() for x in lines if x.strip() and not x.lstrip().startswith("#"))


# The lists are dicts (word -> None), not sets: a dict holding only strings is not tracked
# by the garbage collector, while a set is, and every full collection during matching would
# walk its 20,000 entries again.
@lru_cache(maxsize=None)
def english_words() -> dict[str, None]:
    return dict.fromkeys(_entries("english_words.txt"))


@lru_cache(maxsize=None)
def korean_forms() -> dict[str, None]:
    return dict.fromkeys(_entries("korean_ambiguous.txt"))


@lru_cache(maxsize=None)
def korean_sections() -> dict[str, tuple[str, ...]]:
    """``korean_ambiguous.txt`` by section (rules 15): "groups" and "common nouns"."""
    out: dict[str, list[str]] = {}
    section = ""
    for line in (DATA / "korean_ambiguous.txt").read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            section = "groups" if line[3:].startswith("groups") else "common nouns"
        elif line.strip() and not line.lstrip().startswith("#"):
            out.setdefault(section, []).append(line.strip())
    return {k: tuple(v) for k, v in out.items()}


@lru_cache(maxsize=None)
def korean_groups() -> frozenset[str]:
    """The group names of ``korean_ambiguous.txt`` (its "groups" section), as a set."""
    return frozenset(korean_sections().get("groups", ()))


@lru_cache(maxsize=None)
def _korean_common() -> frozenset[str]:
    return frozenset(korean_sections().get("common nouns", ()))


def group_itself(alias: str, siblings: tuple[str, ...]) -> bool:
    """Is ``alias`` a group name (only) of an entity that is the group itself: one of its
    aliases is the name glued to or followed by 그룹 (한화그룹, "한화 그룹")? Then the reason
    a group name is ambiguous (it may mean any affiliate) does not apply (rules 15)."""
    return (alias in korean_groups() and alias not in _korean_common()
            and any(normalize_phrase(s).replace(" ", "") == alias + "그룹" for s in siblings))


@lru_cache(maxsize=None)
def given_names() -> dict[str, None]:
    return dict.fromkeys(_entries("given_names.txt"))


@lru_cache(maxsize=None)
def fixed_terms() -> tuple[str, ...]:
    return _entries("fixed_terms.txt")


@lru_cache(maxsize=None)
def rules_fingerprint(version: str) -> str:
    """``version`` plus a short hash of every list: part of the watchlist digest."""
    h = hashlib.sha256(version.encode())
    for name in LISTS:
        h.update((DATA / name).read_bytes())
    return f"{version}:{h.hexdigest()[:12]}"


def why_ambiguous(alias: str, kind: str, siblings: tuple[str, ...] = ()) -> str | None:
    """The class of an ambiguous alias (one of the constants above), or None. ``siblings``:
    the entity's other aliases (a Hangul alias spelling one that is an everyday word)."""
    if kind == "topic":
        return None
    a = normalize_phrase(alias)
    if _ACRONYM_RE.fullmatch(a) and any(c.isalpha() for c in a):
        return SHORT_ACRONYM
    if _WORD_RE.fullmatch(a) and a.lower() in english_words():
        return EVERYDAY_WORD
    if _HANGUL_RE.fullmatch(a) and a in korean_forms():
        return KOREAN_GROUP if group_itself(a, siblings) else KOREAN_SHORT_FORM
    if _HANGUL_WORD_RE.fullmatch(a) and any(
            _WORD_RE.fullmatch(w) and w.lower() in english_words() and spells(a, w)
            for w in map(normalize_phrase, siblings)):
        return KOREAN_LOANWORD
    return None


def marked_ambiguous(alias: str, kind: str, siblings: tuple[str, ...] = ()) -> str:
    """The class of an alias the watchlist marks ``ambiguous = true``: the class the rules
    give it when they find one, else ``KOREAN_MARKED`` for a Hangul alias (the user marks a
    Korean name ambiguous because it is a common word: 다음 "next", 당근 "carrot"; it then
    follows the rules of the Korean short forms, a name nearby counting only as an item of
    the same list: "다음 경기" beside another company is "the next game"), else ``OVERRIDE``."""
    why = why_ambiguous(alias, kind, siblings)
    if why:
        return why
    return KOREAN_MARKED if _HANGUL_WORD_RE.fullmatch(normalize_phrase(alias)) else OVERRIDE
