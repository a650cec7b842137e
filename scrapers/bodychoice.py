"""Choose the article body among candidate extractions by measurable features.

Every candidate (trafilatura with its fallbacks, trafilatura's own extraction without them,
readability-lxml, ...) is split into paragraphs; each paragraph gets two features:

* **prose**: it reads as running text (at least ``PROSE_MIN_CHARS`` and ends like a sentence);
* **support**: the share of its word 3-grams that the *other* candidates also contain
  (extractors built on different principles agree on the article and disagree on boilerplate).

A paragraph repeated inside one candidate (a "Read more" line, a share button, a listing's
label) counts against it. A candidate scores the sum over its paragraphs of
``length * (PROSE_WEIGHT * prose + SUPPORT_WEIGHT * support - CHAR_COST - REPEAT_COST * repeated)``;
the best score wins. So a longer candidate wins when its extra text is prose the others
confirm (the end sections of an explainer, the second half of a wire story), and a shorter
one wins when the other's extra text is short, unconfirmed lines (menus, teaser lists).

The weights were tuned on one half of the WCXB article pages (split by a hash of the page id)
and checked on the other half and the scrapinghub pages (``benchmarks/extraction.py``).
"""
from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from scrapers.captions import line_words, words

# A paragraph of at least this many characters that ends like a sentence is prose.
PROSE_MIN_CHARS = 60
PROSE_WEIGHT = 1.0
SUPPORT_WEIGHT = 1.0
# Every character costs this much: unconfirmed, non-prose text makes a candidate worse.
CHAR_COST = 0.3
# A short line that repeats inside the candidate is a listing's or a widget's label.
REPEAT_COST = 1.0
REPEAT_MAX_CHARS = 80

# Below this share of letters and digits a candidate is no text.
MIN_WORD_SHARE = 0.5
TEXT_SAMPLE_CHARS = 2000

_SENTENCE_END = re.compile(r"[.!?。…\"”’)다요]$")
_WORD = re.compile(r"\w+")
_Grams = set[tuple[str, ...]]


@dataclass(frozen=True)
class Candidate:
    name: str
    text: str


@dataclass(frozen=True)
class Choice:
    name: str
    text: str
    scores: dict[str, float]

    def note(self) -> str:
        parts = ", ".join(f"{k} {v:.0f}" for k, v in self.scores.items())
        return f"body choice: {self.name} (scores {parts})"


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.split("\n") if line.strip()]


def trigrams(text: str) -> set[tuple[str, ...]]:
    return _grams(words(text))


def line_trigrams(line: str) -> set[tuple[str, ...]]:
    """``trigrams`` of one line from its cached words (``captions.line_words``)."""
    return _grams(line_words(line))


def _grams(words: Sequence[str]) -> set[tuple[str, ...]]:
    if len(words) < 3:
        return {tuple(words)} if words else set()
    return set(zip(words, words[1:], words[2:]))


def is_prose(line: str) -> bool:
    return len(line) >= PROSE_MIN_CHARS and bool(_SENTENCE_END.search(line))


def is_text(text: str) -> bool:
    """At least ``MIN_WORD_SHARE`` of the visible characters are letters or digits (bytes
    decoded as replacement characters, or a page of symbols, are not an article).
    Judged on the first ``TEXT_SAMPLE_CHARS``: garbage shows at once, and long texts are costly."""
    text = text[:TEXT_SAMPLE_CHARS]
    visible = len(text) - sum(text.count(c) for c in " \n\t")
    return visible > 0 and len("".join(_WORD.findall(text))) >= MIN_WORD_SHARE * visible


def _line_grams(text: str) -> list[tuple[str, set[tuple[str, ...]]]]:
    return [(line, trigrams(line)) for line in _lines(text)]


def candidate_score(text: str, others: list[set[tuple[str, ...]]],
                    lines: list[tuple[str, set[tuple[str, ...]]]] | None = None,
                    others_lines: list[set[str]] | None = None) -> float:
    """The feature score of one candidate given the 3-gram sets of the other candidates
    (``lines``: its lines with their 3-grams, when already computed; ``others_lines``: the
    lines of each other candidate, beside ``others``: a line one of them has is wholly
    supported by it, no intersection needed)."""
    lines = _line_grams(text) if lines is None else lines
    counts: dict[str, int] = {}
    for line, _ in lines:
        counts[line] = counts.get(line, 0) + 1
    pairs = list(zip(others, others_lines)) if others_lines is not None else None
    total = 0.0
    for line, grams in lines:
        if not grams or not others:
            support = 0.0
        elif pairs is None:
            support = sum(map(len, map(grams.intersection, others))) / (len(grams) * len(others))
        else:  # the same counts: grams of a line of an other candidate are all in its set
            n = len(grams)
            support = sum(n if line in theirs else len(grams & g) for g, theirs in pairs) / (n * len(others))
        repeated = counts[line] > 1 and len(line) < REPEAT_MAX_CHARS
        total += len(line) * (PROSE_WEIGHT * is_prose(line) + SUPPORT_WEIGHT * support
                              - CHAR_COST - REPEAT_COST * repeated)
    return total


def _cached(cache: dict[str, _Grams], key: str, compute: Callable[[str], _Grams]) -> _Grams:
    if key not in cache:
        cache[key] = compute(key)
    return cache[key]


def choose(candidates: list[Candidate], min_chars: int = 0) -> Choice:
    """The best-scoring candidate; ties go to the earlier one (list the default first).

    A candidate shorter than ``min_chars`` (a teaser, a caption) competes only when no
    candidate reaches it: a body some extractor found is never dropped for a fragment.

    A candidate that is no text (``is_text``) never wins; with none left the choice is empty ("none").
    """
    if not candidates:
        return Choice("none", "", {})
    # Candidates share most of their lines, and two of them are often the same text: the
    # 3-grams of a line, the lines of a text and the score of a text are computed once.
    line_grams: dict[str, _Grams] = {}
    text_lines: dict[str, list[tuple[str, _Grams]]] = {}
    for c in candidates:
        if c.text not in text_lines:
            text_lines[c.text] = [(line, _cached(line_grams, line, line_trigrams)) for line in _lines(c.text)]
    # 3-grams per line (a line's 3-grams are the support unit; the union stands for the
    # candidate: 3-grams spanning two lines are left out on every side alike)
    text_grams = {t: set().union(*(g for _, g in ls)) if ls else set() for t, ls in text_lines.items()}
    line_sets = {t: {line for line, _ in ls} for t, ls in text_lines.items()}
    texty = {t: is_text(t) for t in text_lines}
    grams = [text_grams[c.text] for c in candidates]
    scores: dict[str, float] = {}
    # identical texts get identical scores: their "other candidates" are the same multiset
    text_score: dict[str, float] = {}
    best, best_score = candidates[0], float("-inf")
    long_enough = any(len(c.text) >= min_chars and texty[c.text] for c in candidates)
    for i, cand in enumerate(candidates):
        competes = grams[i] and texty[cand.text] and (len(cand.text) >= min_chars or not long_enough)
        if not competes:
            s = float("-inf")
        elif cand.text in text_score:
            s = text_score[cand.text]
        else:
            others = [g for j, g in enumerate(grams) if j != i]
            theirs = [line_sets[c.text] for j, c in enumerate(candidates) if j != i]
            s = text_score[cand.text] = candidate_score(cand.text, others, text_lines[cand.text], theirs)
        scores[cand.name] = s
        if s > best_score:
            best, best_score = cand, s
    if best_score == float("-inf"):
        return Choice("none", "", {})
    return Choice(best.name, best.text, {k: v for k, v in scores.items() if v != float("-inf")})
