"""Prominence: is a story ABOUT an entity, or does it mention it in passing?

Every (article, entity) flag gets a score from 0 to 100, the sum of five parts, each
computed from the title, the body and the offsets of the entity's accepted mentions
(nothing else: no database, no other articles)::

    part        points  measure
    headline    30      the entity is named in the title
    lede        20      named in the lede: the first two paragraphs of the body (20 when in
                        the first, 12 when only in the second)
    mentions    20      mentions in title and body: 4 points each, at most 5 counted
    sentences   20      share of the body's sentences that name it: 100 points per unit of
                        share, so one sentence in five or more gives the full 20
    position    10      how early the first body mention comes: 10 at the start of the body,
                        0 at its end

``ABOUT`` (50) is the default threshold above which a flag counts as "about" the entity;
it and the weights were set on the development part of the labelled set
(``tests/fixtures/labels``, ``benchmarks/mentions_eval.py``).

Paragraphs are the body's non-empty lines (extracted bodies put a blank line between
paragraphs). The lede skips short lines before the first real paragraph: kickers,
datelines, "Key Points" headings (fewer than ``LEDE_MIN_WORDS`` words). Sentences end at
``. ! ? 。`` (and Korean "다.") followed by a space or a line end, and at line breaks; a
sentence is counted once however often it names the entity.

``Prominence.parts`` keeps each part's points and what it measured, e.g.
``{"headline": {"points": 30, "in_title": True}, "lede": {"points": 20, "paragraph": 1},
"mentions": {"points": 12, "count": 3}, "sentences": {"points": 9, "share": 0.09,
"with": 2, "of": 22}, "position": {"points": 10, "first_at": 0.02}}``.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

ABOUT = 50
HEADLINE, LEDE_FIRST, LEDE_SECOND = 30, 20, 12
PER_MENTION, MAX_MENTIONS = 4, 5
SENTENCES_MAX, SENTENCES_PER_SHARE = 20, 100
POSITION_MAX = 10
LEDE_MIN_WORDS = 5

_SENTENCE_END = re.compile(r"(?:[.!?。！？]+[\"'”’)\]]*(?=\s)|다\.(?=\s|$))|\n")
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Prominence:
    score: int
    parts: dict

    @property
    def about(self) -> bool:
        return self.score >= ABOUT


class Shape:
    """What prominence needs to know about one body, computed once per article."""

    __slots__ = ("length", "para_starts", "lede", "sent_starts")

    def __init__(self, text: str | None):
        text = text or ""
        self.length = len(text)
        starts: list[int] = []
        lede: list[int] = []  # paragraph indexes of the lede (up to two)
        pos = 0
        for line in text.split("\n"):
            if line.strip():
                starts.append(pos)
                if len(lede) < 2 and (lede or len(_WORD.findall(line)) >= LEDE_MIN_WORDS):
                    lede.append(len(starts) - 1)
            pos += len(line) + 1
        self.para_starts = starts
        self.lede = lede
        sents = [0]
        for m in _SENTENCE_END.finditer(text):
            sents.append(m.end())
        # drop empty "sentences" (blank lines, runs of terminators)
        self.sent_starts = [s for i, s in enumerate(sents)
                            if text[s:(sents[i + 1] if i + 1 < len(sents) else len(text))].strip()]

    def paragraph(self, offset: int) -> int:
        return bisect_right(self.para_starts, offset) - 1

    def sentence(self, offset: int) -> int:
        return bisect_right(self.sent_starts, offset) - 1


def score(shape: Shape, in_title: bool, body: list[tuple[int, int]], n_title: int = 0) -> Prominence:
    """Prominence of one entity: ``body`` holds its mentions' (start, end) in the body,
    ``n_title`` how many mentions the title has."""
    parts: dict = {}
    parts["headline"] = {"points": HEADLINE if in_title else 0, "in_title": in_title}
    lede_pts, lede_para = 0, None
    if body and shape.lede:
        paras = {shape.paragraph(s) for s, _ in body}
        if shape.lede[0] in paras:
            lede_pts, lede_para = LEDE_FIRST, 1
        elif len(shape.lede) > 1 and shape.lede[1] in paras:
            lede_pts, lede_para = LEDE_SECOND, 2
    parts["lede"] = {"points": lede_pts, "paragraph": lede_para}
    count = n_title + len(body)
    parts["mentions"] = {"points": PER_MENTION * min(count, MAX_MENTIONS), "count": count}
    n_sent = len(shape.sent_starts)
    with_it = len({shape.sentence(s) for s, _ in body})
    share = with_it / n_sent if n_sent else 0.0
    parts["sentences"] = {"points": min(SENTENCES_MAX, int(round(SENTENCES_PER_SHARE * share))),
                          "share": round(share, 3), "with": with_it, "of": n_sent}
    first_at = min((s for s, _ in body), default=None)
    if first_at is None or not shape.length:
        parts["position"] = {"points": 0, "first_at": None}
    else:
        rel = first_at / shape.length
        parts["position"] = {"points": int(round(POSITION_MAX * (1 - rel))), "first_at": round(rel, 3)}
    total = sum(p["points"] for p in parts.values())
    return Prominence(min(100, total), parts)


def prominence(title: str | None, text: str | None,
               mentions: list[tuple[str, int, int]]) -> Prominence:
    """One-off form: ``mentions`` are (field, start, end) of one entity, field "title" or
    "text", offsets into that field."""
    body = [(s, e) for f, s, e in mentions if f != "title"]
    n_title = sum(1 for f, _, _ in mentions if f == "title")
    return score(Shape(text), n_title > 0, body, n_title)
