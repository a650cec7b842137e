"""Spelling variants of romanized Korean names.

One Korean name is romanized many ways: 이재용 appears as "Lee Jae-yong", "Lee Jae Yong",
"Lee Jaeyong", "Lee JaeYong", "Lee Jae-Yong" and, in Western order, "Jae-yong Lee". An
alias that looks like a romanized Korean name gets all of these forms, generated from the
one alias the analyst wrote; a different given name ("Lee Jae-myung") is never produced.

An alias "looks like a romanized Korean name" when it is

* a family name followed by a two-syllable given name written with a hyphen
  ("Lee Jae-yong"), a space ("Yoon Suk Yeol"), joined ("Lee Jaeyong", "Lee JaeYong"), or
  the same in Western order ("Jae-yong Lee");
* every given-name syllable is a plausible romanized Korean syllable (``is_syllable``:
  initial consonant(s) + vowel + optional final, covering Revised Romanization,
  McCune-Reischauer without diacritics and the usual personal spellings such as Joo,
  Yoon, Hee, Kyoo, Young, Suh);
* the family name is in ``SURNAMES`` or, for ``kind = "person"`` entities, is itself a
  plausible syllable (so unusual spellings such as "Chey" still work there, while
  "National Election Commission" or "President Yoon" never do).

Variants (for given-name syllables s1, s2): ``S1-s2``, ``S1-S2``, ``S1 S2``, ``S1 s2``,
``S1s2``, ``S1S2``, each after the family name and, in Western order, before it; the
family name also in capitals, as Korean government and some outlets write it
("LEE Jae-yong", "Jae-yong LEE"). A joined
given name that can be split in more than one way ("Sukyeol" = suk+yeol or su+kyeol)
gets the variants of every split. Family-name spellings (Lee/Yi/Rhee) are not varied:
they are different names as often as they are the same one; list them as aliases.
"""
from __future__ import annotations

import re

SURNAMES: frozenset[str] = frozenset("""
Lee Yi Rhee Rhie Kim Gim Park Pak Bak Choi Choe Chey Jung Jeong Chung Cheong Kang Gang Cho Jo
Yoon Yun Youn Jang Chang Lim Im Rim Han Oh Seo Suh Shin Sin Kwon Gwon Hwang Ahn An Song
Yoo Yu Ryu Rhyu Hong Jeon Jun Chun Ko Go Koh Moon Mun Yang Son Sohn Bae Pae Baek Paik Paek
Heo Huh Hur Nam Noh Roh No Ha Kwak Gwak Sung Seong Cha Joo Ju Woo U Koo Gu Ku Min Na Ra Jin
Chin Chae Won Bang Pyo Ban Do To Ma Maeng Seol Sul Gil Kil Ok Uhm Eom Um Wi Ye Jegal Namgung
Hwangbo Seonwoo Sunwoo Dokgo Yeo Pyun Byun Byeon Gong Kong Hyun Hyeon Ham Yeom Yum Chu Choo
Mo Kye Kyung Tak Lew Myung Myeong
""".split())

_INITIALS = ("tch", "kk", "gg", "tt", "dd", "pp", "bb", "ss", "jj", "ch", "sh", "rh",
             "g", "k", "n", "d", "t", "r", "l", "m", "b", "p", "s", "j", "h", "f")
_VOWELS = ("yae", "yeo", "wae", "eui", "you", "yoo", "ae", "ya", "eo", "ye", "wa", "oe", "yo",
           "wo", "we", "wi", "yu", "eu", "ui", "oo", "ee", "ou", "ea", "ey", "ai", "uh", "ah",
           "oh", "eh", "a", "e", "i", "o", "u")
_FINALS = ("ng", "nk", "ck", "k", "g", "n", "l", "r", "m", "p", "b", "t")


def _alt(xs: tuple[str, ...]) -> str:
    return "|".join(sorted(xs, key=len, reverse=True))


_SYLLABLE_RE = re.compile(f"(?:{_alt(_INITIALS)})?(?:{_alt(_VOWELS)})(?:{_alt(_FINALS)})?")


def is_syllable(s: str) -> bool:
    """Is s (any case) one plausible romanized Korean syllable?"""
    return _SYLLABLE_RE.fullmatch(s.lower()) is not None


_CAMEL_RE = re.compile(r"([A-Z][a-z]+)([A-Z][a-z]+)")


def split_given(g: str) -> list[tuple[str, str]]:
    """Two-syllable readings of a given name: "Jae-yong", "JaeYong", "Jaeyong" → [(jae, yong)]."""
    if "-" in g:
        a, _, b = g.partition("-")
        return [(a.lower(), b.lower())] if a and b and is_syllable(a) and is_syllable(b) else []
    camel = _CAMEL_RE.fullmatch(g)
    if camel:
        a, b = camel.groups()
        return [(a.lower(), b.lower())] if is_syllable(a) and is_syllable(b) else []
    low = g.lower()
    return [(low[:i], low[i:]) for i in range(1, len(low))
            if is_syllable(low[:i]) and is_syllable(low[i:])]


_WORD = r"[A-Z][a-z]+"
_GIVEN = r"[A-Z][A-Za-z]*(?:-[A-Za-z]+)?"
# compiled once (re's own cache costs a lookup per call; a watchlist has thousands of aliases)
_WORD_RE = re.compile(_WORD)
_GIVEN_RE = re.compile(_GIVEN)
_LETTERS_RE = re.compile(r"[A-Za-z]+")


def parse_korean_name(alias: str, kind: str) -> tuple[str, list[tuple[str, str]]] | None:
    """(family name, given-name splits) when ``alias`` looks like a romanized Korean name."""
    toks = alias.split()
    # Readings (family, splits) in both name orders; a family name from SURNAMES wins.
    readings: list[tuple[str, list[tuple[str, str]]]] = []
    if len(toks) == 3 and all(_LETTERS_RE.fullmatch(t) for t in toks):
        if _WORD_RE.fullmatch(toks[0]) and is_syllable(toks[1]) and is_syllable(toks[2]):
            readings.append((toks[0], [(toks[1].lower(), toks[2].lower())]))
        if _WORD_RE.fullmatch(toks[2]) and is_syllable(toks[0]) and is_syllable(toks[1]):
            readings.append((toks[2], [(toks[0].lower(), toks[1].lower())]))
    elif len(toks) == 2:
        a, b = toks
        if _WORD_RE.fullmatch(a) and _GIVEN_RE.fullmatch(b):
            readings.append((a, split_given(b)))
        if _WORD_RE.fullmatch(b) and _GIVEN_RE.fullmatch(a):  # Western order: "Jae-yong Lee"
            readings.append((b, split_given(a)))
    readings = [(f, s) for f, s in readings if s]
    for family, splits in readings:
        if family in SURNAMES:
            return family, splits
    for family, splits in readings:
        if kind == "person" and is_syllable(family):
            return family, splits
    return None


def name_variants(alias: str, kind: str) -> list[str]:
    """All spellings of a romanized Korean name alias (the alias itself first), else [alias]."""
    parsed = parse_korean_name(alias, kind)
    if parsed is None:
        return [alias]
    family, splits = parsed
    out = [alias]
    for s1, s2 in splits:
        c1, c2 = s1.capitalize(), s2.capitalize()
        for given in (f"{c1}-{s2}", f"{c1}-{c2}", f"{c1} {c2}", f"{c1} {s2}", f"{c1}{s2}", f"{c1}{c2}"):
            for form in (f"{family} {given}", f"{given} {family}",
                         f"{family.upper()} {given}", f"{given} {family.upper()}"):
                if form not in out:
                    out.append(form)
    return out
