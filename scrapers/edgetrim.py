"""Trim the edges of the chosen body: short lines there that only one extractor family found.

The body choice (``scrapers.bodychoice``) takes one candidate whole. Its first and last lines are
where an extractor's container overshoots the article: a kicker or section label, a repeated
headline, a dateline block, a "share"/"listen" widget, a teaser list, a sign-off of links. The
candidates come from two families built on different principles: trafilatura (its final answer
and its own extraction, which agree with each other by construction) and readability. A short line
at an edge that is not prose (``bodychoice.is_prose``) and that no candidate of the *other*
family contains is taken off; trimming stops at the first line that is prose or is confirmed.

Measured over both benchmarks (scrapinghub, WCXB) on the lines before the first and after the
last prose line of the chosen text: the unconfirmed non-prose ones were 70-87 % words outside
the reference text; the confirmed ones 6-30 %.

Never more than ``MAX_TRIM_SHARE`` of the text, never on a text without a prose line (a list,
a table: there edges are the content), and only when the other family found a body at all.
"""
from __future__ import annotations

from scrapers.bodychoice import is_prose
from scrapers.captions import line_key, line_words

# Only lines shorter than this are trimmed: a long line without a sentence end is mostly content
# (a list item, a table row). 2-fold check (tune on even page ids, check on odd, and back): 100
# on one half, 150-300 on the other; every limit from 80 up helped both halves of both corpora.
MAX_LINE_CHARS = 150
# At most this share of the chosen text's characters is trimmed (else nothing is).
MAX_TRIM_SHARE = 1 / 3
# The other family's candidates must hold at least this many characters to confirm anything.
MIN_OTHER_CHARS = 100

def family(name: str) -> str:
    """A candidate's extractor family: ``trafilatura-fast`` -> ``trafilatura``."""
    return name.split("-", 1)[0]


def _text_key(text: str) -> str:
    """``line_key`` of a whole text: its words are its lines' words in order (no word spans a
    line break), whose cached lists are joined rather than the text read again."""
    return " ".join(w for line in text.split("\n") for w in line_words(line))


def trim_edges(text: str, name: str, candidates: list[tuple[str, str]]) -> tuple[str, int]:
    """(``text`` without its unconfirmed edge lines, how many lines were taken off).

    ``name`` is the chosen candidate's name; ``candidates`` are all (name, text) pairs."""
    others = [t for n, t in candidates if family(n) != family(name)]
    if sum(len(t) for t in others) < MIN_OTHER_CHARS:
        return text, 0
    lines = text.split("\n")
    # with spaces around: a line's words match whole words of the other text
    confirmed_in = [f" {_text_key(t)} " for t in others]

    def unconfirmed(line: str) -> bool:
        key = line_key(line)
        return (bool(key) and len(line.strip()) < MAX_LINE_CHARS and not is_prose(line.strip())
                and not any(f" {key} " in o for o in confirmed_in))

    filled = [i for i, line in enumerate(lines) if line.strip()]
    if not any(is_prose(lines[i].strip()) for i in filled):
        return text, 0
    start, end = 0, len(filled)
    while start < end and unconfirmed(lines[filled[start]]):
        start += 1
    while end > start and unconfirmed(lines[filled[end - 1]]):
        end -= 1
    cut = filled[:start] + filled[end:]
    if not cut or sum(len(lines[i]) for i in cut) > MAX_TRIM_SHARE * len(text):
        return text, 0
    kept = "\n".join(lines[filled[start]:filled[end - 1] + 1])
    return kept.strip(), len(cut)
