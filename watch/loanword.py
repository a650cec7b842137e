"""Does a Hangul alias spell an English word the way Korean loanwords do?

Korean writes English loanwords in Hangul (라인 "line", 토스 "toss", 제네시스 "genesis",
애플 "apple"). When a company's English name is an everyday word, its Hangul spelling is
usually that loanword too, and carries the same ambiguity: 생산 라인 is a production line,
세터의 토스 a volleyball set, 제네시스 블록 Bitcoin's first block. ``spells`` compares the
consonants of the two, the way loanwords are formed: vowels are dropped (Korean and English
vowel spellings differ too much), an English ``r`` after a vowel is silent (Mars → 마스),
double letters are one, a final silent ``e`` is nothing, and each Hangul consonant stands
for the English consonants it is used to write (ㄹ: l or r; ㅈ: j, soft g or z; ㅂ: b, v
or p; ㅅ: s, z, sh or th...). The vowel 으 after a consonant with no vowel of its own in
English (스, 즈, 트, 크) is the helper vowel Korean adds, so it counts for nothing either.
"""
from __future__ import annotations

import re

# Hangul initial consonants (the 19 of Unicode's order) -> English consonant classes
_INITIAL: tuple[frozenset[str], ...] = tuple(frozenset(x.split()) for x in (
    "k g", "k g", "n", "d t", "d t", "l r", "m", "b v p", "b p", "s z sh th c", "s", "",
    "j g z s", "j z", "ch t s", "k c", "t", "p f", "h"))
# final consonants (28 slots, 0 = none); the rare double finals read as their first part
_FINAL: tuple[frozenset[str], ...] = tuple(frozenset(x.split()) for x in (
    "", "k g", "k g", "k g", "n", "n", "n", "t d", "l r", "l", "l", "l", "l", "l", "l", "l",
    "m", "p b", "p b", "t s", "t s", "ng", "t j", "t ch", "k", "t", "p", "t"))
_ENGLISH = re.compile(r"ng|ch|sh|th|ph|ck|gh|[bcdfgjklmnpqrstvxz]")
_SOFT = frozenset("eiy")


def _hangul_consonants(word: str) -> list[frozenset[str]] | None:
    out: list[frozenset[str]] = []
    for ch in word:
        code = ord(ch) - 0xAC00
        if not 0 <= code < 11172:
            return None
        ini, fin = code // 588, code % 28
        if _INITIAL[ini]:
            out.append(_INITIAL[ini])
        # vowels are not compared (the helper vowel 으 of 스, 트 included)
        if fin:
            out.append(_FINAL[fin])
    return out


def _english_consonants(word: str) -> list[frozenset[str]]:
    """The consonant sounds of an English spelling, each as the set of its readings."""
    w = word.lower()
    w = re.sub(r"([a-z])\1", r"\1", w)  # double letters: one sound
    w = re.sub(r"(?<=[aeiouy])r(?![aeiouy])", "", w)  # post-vowel r is silent in loanwords
    # an initial h is heard (honey: 허니); elsewhere it is part of a digraph or silent
    out: list[frozenset[str]] = [frozenset({"h"})] if w[:1] == "h" else []
    for m in _ENGLISH.finditer(w):
        t = m.group()
        soft = w[m.end():m.end() + 1] in _SOFT
        if t == "gh":
            continue  # silent (light, night)
        if t == "x":
            out += [frozenset({"k"}), frozenset({"s"})]
            continue
        out.append(_READINGS.get(t, {"j", "g"} if soft else {"g"}) if t == "g"
                   else frozenset({"s"} if soft else {"k"}) if t == "c"
                   else _READINGS.get(t, frozenset({t})))
    return out


_READINGS = {"ck": frozenset({"k"}), "q": frozenset({"k"}), "ph": frozenset({"f"}),
             "s": frozenset({"s", "z"}), "z": frozenset({"z", "s"})}


def spells(hangul: str, english: str) -> bool:
    """Is ``hangul`` a loanword spelling of the English word ``english``? (라인, line: yes)"""
    ko = _hangul_consonants(hangul)
    if not ko or not english.isalpha():
        return False
    en = _english_consonants(english)
    return len(en) == len(ko) and all(
        e & k or ("ng" in e and "n" in k) for k, e in zip(ko, en))
