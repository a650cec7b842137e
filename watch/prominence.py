"""Prominence: is a story ABOUT an entity, or does it mention it in passing?

Every (article, entity) flag gets a score from 0 to 100, the sum of five parts, each
computed from the title, the body and the offsets of the entity's accepted mentions
(nothing else: no database, no other articles)::

    part        points  measure
    headline    30      the entity is named in the title
    lede        15      named in the lede: the first two paragraphs of the body (15 when in
                        the first, 10 when only in the second)
    mentions    15      mentions in title and body: 3 points each, at most 5 counted
    sentences   30      share of the body's sentences that name it: 100 points per unit of
                        share, so one sentence in three or more gives the full 30
    position    10      how early the first body mention comes: 10 at the start of the body,
                        0 at its end

A ``context`` term of the entity in the headline (its product, subsidiary or executive,
"AWS vs Azure vs GCP") while its own names are not: ``HEADLINE_CONTEXT`` (20) points for the
headline part (``headline_context``, applied by the matcher), and the parts name the term.

``ABOUT`` (55) is the default threshold from which a flag counts as "about" the entity. It
and the weights were set on the development part of the labelled set
(``tests/fixtures/labels``, ``benchmarks/mentions_eval.py``): a plateau, where 50 and 60
give nearly the same precision and recall. The share of sentences weighs most: a story
about a company names it in many of its sentences, a list or roundup names it often but in
a small share of them.

Paragraphs are the body's non-empty lines (extracted bodies put a blank line between
paragraphs). The lede skips short lines before the first real paragraph: kickers,
datelines, "Key Points" headings (fewer than ``LEDE_MIN_WORDS`` words). A sentence ends at
``. ! ?`` followed by a space, at ``。`` and at the end of a line (so Korean "…했다." ends one
too), and after a Hangul syllable at a full stop glued to the next word or at two spaces
(Korean text whose full stops were lost); a sentence is counted once however often it names
the entity. A line of more than ``RUN_TOGETHER`` sentences is a body without paragraph
breaks: its lede is its first two runs of ``LEDE_SENTENCES`` sentences.

An entity not in the headline named only in the site's own row of links or call to follow it
(``watch.roles.link_row``: "SNS [페이스북] [트위터]", "[카카오 친구맺기]", "▶ 네이버메인에 …
설정하기!", "카톡/라인 jebo23"; rules 13) scores 0, every part 0, ``parts["role"]`` "link": a
real mention of the platform that says nothing of the story; beside other mentions, such a
mention is left out of the score.

An entity not in the headline whose every body mention plays a role that is not a subject's
(``watch.roles``: the outlet cited as the source, the platform where someone posted, the
possessor in "A's daughter B", a row of links, an item of a long list) gets no lede, sentence
or position points, so it stays below ``ABOUT``; ``parts["role"]`` names the role.

``Prominence.parts`` keeps each part's points (under the part's name; they add up to the
score) and what it measured, in one flat dict, e.g.::

    {"headline": 30, "lede": 15, "mentions": 9, "sentences": 9, "position": 10,
     "in_title": True, "lede_paragraph": 1, "count": 3, "share": 0.09,
     "sentences_with": 2, "sentences_of": 22, "first_at": 0.02}

(``lede_paragraph`` 1, 2 or None; ``first_at`` the first body mention's place as a share of
the body's length, None without one.)
"""
from __future__ import annotations

import re
from typing import NamedTuple

from watch.roles import link_row, role

ABOUT = 55
HEADLINE, LEDE_FIRST, LEDE_SECOND = 30, 15, 10
HEADLINE_CONTEXT = 20  # a context term of the entity in the headline, not its name
PER_MENTION, MAX_MENTIONS = 3, 5
SENTENCES_MAX, SENTENCES_PER_SHARE = 30, 100
POSITION_MAX = 10
LEDE_MIN_WORDS = 5
RUN_TOGETHER = 10  # a line of more sentences is a body without paragraph breaks...
LEDE_SENTENCES = 3  # ...whose lede paragraphs are runs of this many sentences

_BREAKS = re.compile(r"\n+")
_POINTS = ("headline", "lede", "mentions", "sentences", "position")


class Prominence(NamedTuple):
    score: int
    parts: dict

    @property
    def about(self) -> bool:
        return self.score >= ABOUT


_TERMS = (". ", "! ", "? ", "。")  # a sentence ends at one of these, or at a line break
# Korean text as some sources give it (and as run-together dumps of news sites keep it): a full
# stop glued to the next sentence ("무산됐습니다.미국 워싱턴포스트에…"), or the full stop lost and
# only two spaces left ("…시작되고 있다  단기조정에…"). After a Hangul syllable, both end a
# sentence; a decimal point ("20.9%") or an abbreviation's dots follow no Hangul.
# (each pattern starts with its literal, which the regex engine scans for quickly; the
# Hangul syllable before it is a look-behind)
_KO_GLUED = re.compile(r"\.(?<=[\uac00-\ud7a3]\.)(?=[^\s\d.])")
_KO_SPACES = re.compile(r"  (?<=[\uac00-\ud7a3]  ) *(?=\S)")
# every sentence end inside one line, for cutting a long lede paragraph into sentences
_LINE_ENDS = re.compile(r"[.!?] |。|(?<=[\uac00-\ud7a3])(?:\.(?=[^\s\d.])| {2,}(?=\S))")


def _ends(text: str, a: int, b: int, hangul: bool = True) -> int:
    """Sentence ends in text[a:b]: ". " "! " "? " "。", and line breaks (a blank line between
    paragraphs is one end, not two). C-level ``str.count`` passes, several times faster
    than a regex over the body."""
    # (a two-character count is several times slower than finding one character: "!", "?"
    # and "。" are counted only where they occur at all)
    n = text.count(". ", a, b)
    if text.find("!", a, b) != -1:
        n += text.count("! ", a, b)
    if text.find("?", a, b) != -1:
        n += text.count("? ", a, b)
    if text.find("\n\n\n", a, b) == -1:  # the usual case: at most one blank line in a row
        n += text.count("\n", a, b) - text.count("\n\n", a, b)
    else:
        n += len(_BREAKS.findall(text, a, b))
    if not text.isascii():
        if text.find("。", a, b) != -1:
            n += text.count("。", a, b)
        if hangul:
            # (one character more for the look-ahead: an end right before a mention's
            # offset is still this range's)
            n += len(_KO_GLUED.findall(text, a, b + 1))
            if text.find("  ", a, b) != -1:
                n += len(_KO_SPACES.findall(text, a, b + 1))
    return n


def _chunks(text: str, a: int, b: int) -> list[tuple[int, int]]:
    """The lede paragraphs of the line text[a:b]: the line itself, or, when it holds more
    than ``RUN_TOGETHER`` sentences (a body written without paragraph breaks: a run-together
    dump of a news site, a wire story), its first two runs of ``LEDE_SENTENCES`` sentences.
    Otherwise every mention of such a body would be "in the lede"."""
    # (an upper bound first, with C-level counts: the usual paragraph of a few sentences
    # needs no regex)
    if (text.count(".", a, b) + text.count("  ", a, b) + text.count("!", a, b) + text.count("?", a, b)
            + text.count("。", a, b) < RUN_TOGETHER):
        return [(a, b)]
    cuts: list[int] = []
    for n, m in enumerate(_LINE_ENDS.finditer(text, a, b), 1):
        if n % LEDE_SENTENCES == 0 and len(cuts) < 2:
            cuts.append(m.end())
        if n >= RUN_TOGETHER:
            return [(a, cuts[0]), (cuts[0], cuts[1])]
    return [(a, b)]


_LINKISH = ("[", "▶", "►", "☞", "@", "/")


class Shape:
    """What prominence needs to know about one body, computed once per article: the spans of
    the lede's paragraphs (Python work per paragraph only until the lede is found) and the
    sentence numbers of the mentions (counted up to the last one; the number of sentences
    is finished from there on first use)."""

    __slots__ = ("_a", "_b", "_count", "_hangul", "_n", "_pos", "lede", "length", "links", "text")

    def __init__(self, text: str | None):
        text = text or ""
        self.text = text
        n = self.length = len(text)
        lede: list[tuple[int, int]] = []  # (start, end) of the lede's paragraphs, up to two
        pos = 0
        while pos < n and len(lede) < 2:
            end = text.find("\n", pos)
            if end == -1:
                end = n
            line = text[pos:end]
            if (len(line.split(None, LEDE_MIN_WORDS)) >= LEDE_MIN_WORDS if not lede
                    else line and not line.isspace()):
                lede.extend(_chunks(text, pos, end))
            pos = end + 1
        self.lede = lede[:2]
        self._hangul = not text.isascii()  # (Korean sentence ends need a Hangul syllable)
        # may the body hold a row of the site's links (rules 13: watch.roles.link_row)? A
        # bracket, an arrow, or the "@" or "/" of a handle must be in it (C-level finds: a
        # regex over the whole body cost a third of the matching time)
        self.links = any(ch in text for ch in _LINKISH)
        self._a = n - len(text.lstrip())  # (str.strip returns the string itself when there
        self._b = len(text.rstrip())      # is nothing to strip: no copy in the usual case)
        self._pos = self._a
        self._count = 0
        self._n: int | None = None

    @property
    def sentences(self) -> int:
        if self._n is None:
            a, b, text = self._a, self._b, self.text
            if b <= a:
                self._n = 0
            else:  # (+ 1: the last sentence ends where the text does, uncounted)
                pos = min(max(self._pos, a), b)
                self._n = self._count + _ends(text, pos, b, self._hangul) + 1
        return self._n

    def lede_paragraph(self, offset: int) -> int | None:
        """1 or 2 if ``offset`` is in the lede's first or second paragraph, else None."""
        for k, (a, b) in enumerate(self.lede, 1):
            if a <= offset < b:
                return k
        return None

    def sentence_numbers(self, offsets) -> dict[int, int]:
        """offset -> its sentence number, for all the offsets at once, in one pass (the ends
        between consecutive offsets are counted). Call it once, before ``sentences``."""
        out: dict[int, int] = {}
        text = self.text
        pos, count = self._pos, self._count
        for o in sorted(offsets):
            if o > pos:
                count += _ends(text, pos, o, self._hangul)
                pos = o
            out[o] = count
        self._pos, self._count = pos, count
        return out


def score(shape: Shape, in_title: bool, body: list[tuple[int, int]], n_title: int = 0,
          numbers: dict[int, int] | None = None) -> Prominence:
    """Prominence of one entity: ``body`` holds its mentions' (start, end) in the body,
    ``n_title`` how many mentions the title has; ``numbers`` the sentence number of each
    body offset (``Shape.sentence_numbers``; computed here when not given). Written for
    speed: it runs for every flag of every article."""
    lede_para = None
    lede = shape.lede
    if body and shape.links:
        # rules 13: a mention in the site's own row of links or call to follow it ("[카카오
        # 친구맺기]", "▶ 네이버메인에 … 설정하기!") says nothing of the story: not scored; named
        # only there (and not in the headline), the entity scores 0
        kept = [m for m in body if not link_row(shape.text, m[0], m[1])]
        if not kept and not in_title:
            return Prominence(0, {"headline": 0, "lede": 0, "mentions": 0, "sentences": 0, "position": 0,
                                  "in_title": False, "lede_paragraph": None, "count": n_title + len(body),
                                  "share": 0.0, "sentences_with": 0, "sentences_of": 0, "first_at": None,
                                  "role": "link"})
        body = kept
    if body:
        if numbers is None:  # (one-off use: a fresh Shape)
            numbers = shape.sentence_numbers([s for s, _ in body])
        if len(body) == 1:
            first = body[0][0]
            with_it = 1
        else:
            first = min([s for s, _ in body])
            with_it = len({numbers[s] for s, _ in body})
        for s, _ in body:
            for k, (a, b) in enumerate(lede, 1):
                if a <= s < b and (lede_para is None or k < lede_para):
                    lede_para = k
        n_sent = shape.sentences
        n_sent = max(n_sent, with_it)
        share = with_it / n_sent
        first_at = first / shape.length
        pos_pts = int(POSITION_MAX * (1 - first_at) + 0.5)
        first_at = int(first_at * 1000 + 0.5) / 1000  # (3 decimals; round() is 10x slower)
    else:
        with_it = n_sent = pos_pts = 0
        share = 0.0
        first_at = None
    count = n_title + len(body)
    head_pts = HEADLINE if in_title else 0
    lede_pts = LEDE_FIRST if lede_para == 1 else LEDE_SECOND if lede_para == 2 else 0
    count_pts = PER_MENTION * (min(MAX_MENTIONS, count))
    sent_pts = int(SENTENCES_PER_SHARE * share + 0.5)
    sent_pts = min(sent_pts, SENTENCES_MAX)
    total = head_pts + lede_pts + count_pts + sent_pts + pos_pts
    # named only as a source, a platform, a relative...: not a subject, so never "about"
    # (read only for a flag that would score "about": rare, and the roles' patterns are slow)
    played = None if in_title or total < ABOUT else only_role(shape.text, body)
    if played is not None:
        lede_pts = sent_pts = pos_pts = 0
        total = head_pts + count_pts
    parts = {"headline": head_pts, "lede": lede_pts, "mentions": count_pts, "sentences": sent_pts,
             "position": pos_pts, "in_title": in_title, "lede_paragraph": lede_para, "count": count,
             "share": int(share * 1000 + 0.5) / 1000, "sentences_with": with_it, "sentences_of": n_sent,
             "first_at": first_at}
    if played is not None:
        parts["role"] = played
    return Prominence(min(100, total), parts)


def only_role(text: str, body: list[tuple[int, int]]) -> str | None:
    """The role of the first body mention when every body mention plays one
    (``watch.roles``: a source, a platform, a relative's possessor, a link, a list item), else
    None: one plain mention makes the entity a possible subject again."""
    first = None
    for s, e in body:
        r = role(text, s, e)
        if r is None:
            return None
        first = first or r
    return first


def headline_context(pr: Prominence, term: str) -> Prominence:
    """``pr`` of an entity whose own names are not in the headline but one of its ``context``
    terms is (a product, subsidiary or executive: "AWS vs Azure vs GCP"): the headline part
    becomes ``HEADLINE_CONTEXT`` points, weaker than the name itself (a story about the
    product is not always about the company), and the parts say which term it was."""
    parts = dict(pr.parts)
    parts["headline"] = HEADLINE_CONTEXT
    parts["headline_context"] = term
    total = sum(parts[k] for k in _POINTS)
    return Prominence(min(100, total), parts)


# A news outlet credited as the story's source is a passing mention, however high it stands
# (the labels' convention): in a Korean headline it is the speaker of a quotation (로이터
# "…", AP "…", 블룸버그통신 "…"), and in the body it is credited: "…에 따르면" ("according
# to"), the subject of a verb of reporting (로이터통신은 … 보도했다, AP통신은 … 전했다, …를
# 인용해), "X reported", "according to X". A company quoted in a headline is its own news
# (삼성전자 "…" / 삼성전자는 … 밝혔다): 밝혔다 and 말했다 are statements, not credits.
_QUOTE_AFTER = re.compile(r"(?:통신|방송|신문)?\s?[\"“‘「]")
_CREDIT_AFTER = re.compile(r"(?:통신|방송|신문)?(?:에\s?따르면|(?:은|는|이|가)\s(?:(?!다\.\s)[^\n]){0,160}?"
                           r"(?:보도했|보도한|전했|인용)|\s+reported\b|\s+reports\b)")
_CREDIT_BEFORE = re.compile(r"(?i:\b(?:according to|told|citing|cited by)\s+(?:the\s+)?)$")
# The parent named as the possessor of the story's subject, another flagged entity ("카카오의
# 포털 다음이", "아마존의 게임 방송 플랫폼 트위치가", "폭스바겐그룹 산하 포르쉐가"): passing too
_PARENT_AFTER = re.compile(r"(?:그룹)?(?:의|\s산하)\s")
_WORD_SPACE = re.compile(r"[가-힣A-Za-z0-9]+\s")
PARENT_WORDS = 3  # words of description between the parent and the subject, at most


def credited_source(title: str, text: str, spans: list[tuple[str, int, int]]) -> bool:
    """Is the entity only the story's source? ``spans``: its mentions (field, start, end);
    at least one in the headline, each there the speaker of a quotation, each in the body a
    credit (module comments above)."""
    if not any(f == "title" for f, _, _ in spans):
        return False
    for f, s, e in spans:
        if f == "title":
            if not _QUOTE_AFTER.match(title, e):
                return False
        elif not (_CREDIT_AFTER.match(text, e) or _CREDIT_BEFORE.search(text, max(0, s - 24), s)):
            return False
    return True


def parent_of_another(fields: dict[str, str], spans: list[tuple[str, int, int]],
                      others: dict[str, set[int]]) -> bool:
    """Is every mention of the entity the possessor of another flagged entity's mention
    (``others``: field -> start offsets of the other entities' mentions)?"""
    for f, _, e in spans:
        t = fields[f]
        m = _PARENT_AFTER.match(t, e)
        if m is None:
            return False
        at, starts = m.end(), others.get(f, ())
        for _ in range(PARENT_WORDS):
            if at in starts:
                break
            w = _WORD_SPACE.match(t, at)
            if w is None:
                break
            at = w.end()
        if at not in starts:
            return False
    return True


def as_passing(pr: Prominence, why: str) -> Prominence:
    """``pr`` of an entity named only as the story's source or as the parent of its subject:
    the headline, lede and sentence parts count nothing (the name stands there for another's
    news), and the parts say why (``passing``: "source" or "parent")."""
    parts = dict(pr.parts)
    parts["headline"] = parts["lede"] = parts["sentences"] = 0
    parts["passing"] = why
    return Prominence(min(100, sum(parts[k] for k in _POINTS)), parts)


def prominence(title: str | None, text: str | None,
               mentions: list[tuple[str, int, int]]) -> Prominence:
    """One-off form: ``mentions`` are (field, start, end) of one entity, field "title" or
    "text", offsets into that field."""
    body = [(s, e) for f, s, e in mentions if f != "title"]
    n_title = sum(1 for f, _, _ in mentions if f == "title")
    return score(Shape(text), n_title > 0, body, n_title)
