"""One-sentence snippets around a mention, for reviewers.

A sentence ends at a line break, or at ``. ! ? 。 ！ ？ …`` (plus closing quotes or
brackets) followed by whitespace or the end of the text, except after an initial
("Jay Y. Lee") or a common abbreviation ("Mr.", "Corp.", "No."), so that those do not cut
the sentence. Korean sentences end with "다." and the like, which the same rule covers.
A sentence longer than ``SNIPPET_MAX`` characters is cut to a window around the mention
at word boundaries, with "…" marking each cut. Whitespace runs become one space.

Only ``SNIPPET_MAX`` characters on each side of a mention are searched (C-level regex
searches; backwards on a reversed copy of the field), so the cost per mention does not
grow with the article.
"""
from __future__ import annotations

import re

SNIPPET_MAX = 300

_TERMS = ".!?。！？…"
_CLOSERS = "\"'”’»)]"
_TERM_RE = re.compile(f"[{re.escape(_TERMS)}\n]")  # one terminator character
# A terminator run that ends a sentence: followed by closers, then whitespace or the end.
_END_RE = re.compile(f"[{re.escape(_TERMS)}]+[{re.escape(_CLOSERS)}]*(?=\\s|$)|\n")
_ABBREV = frozenset("""mr mrs ms dr prof st jr sr co corp inc ltd no vs gov sen rep gen lt col
capt sgt mt ft jan feb mar apr jun jul aug sep sept oct nov dec est approx dept univ""".split())
_LONGEST = max(len(a) for a in _ABBREV)


def _abbreviation_before(text: str, k: int) -> bool:
    """Is the "." at text[k] the dot of an initial ("Y.") or an abbreviation ("Corp.")?"""
    w = k
    while w > 0 and k - w <= _LONGEST and text[w - 1].isalpha():
        w -= 1
    if w == k or k - w > _LONGEST:
        return False  # no word, or longer than any abbreviation ("said.")
    word = text[w:k]
    return word.isascii() and ((len(word) == 1 and word.isupper()) or word.lower() in _ABBREV)


def _end_at(text: str, i: int) -> int | None:
    """If the terminator at text[i] ends a sentence, the offset just past it (and any
    closing quotes/brackets); else None."""
    if text[i] == "\n":
        return i + 1
    k = i
    while k > 0 and text[k - 1] in _TERMS:
        k -= 1
    m = _END_RE.match(text, k)
    if m is None:
        return None  # "3.5", "yna.co.kr", "U.S.-led"
    if text[k] == "." and _abbreviation_before(text, k):
        return None  # "Jay Y. Lee", "Mr. Lee", "NEC Corp. said"
    return m.end()


class Sentences:
    """Finds the sentence around a mention of one field by looking only near it, with
    C-level regex searches (backwards on a reversed copy), whatever the article's length."""

    __slots__ = ("text", "_rev")

    def __init__(self, text: str):
        self.text = text
        self._rev: str | None = None

    def span(self, start: int, end: int, reach: int = SNIPPET_MAX) -> tuple[int, int]:
        """[s, e) of the sentence holding text[start:end], looking at most ``reach`` away."""
        t = self.text
        n = len(t)
        lo = max(0, start - reach)
        s = lo
        if start > lo:
            rev = self._rev
            if rev is None:
                rev = self._rev = t[::-1]
            pos, stop = n - start, n - lo  # rev[n - 1 - i] == t[i]
            while pos < stop:
                m = _TERM_RE.search(rev, pos, stop)
                if m is None:
                    break
                got = _end_at(t, n - 1 - m.start())
                if got is not None and got <= start:
                    s = got
                    break
                pos = m.end()
        top = min(n, end + reach)
        e = top
        pos = end
        while pos < top:
            m = _END_RE.search(t, pos, top)
            if m is None:
                break
            if t[m.start()] != "." or not _abbreviation_before(t, m.start()):
                e = m.end()
                break
            pos = m.end()
        return s, e

    def snippet(self, start: int, end: int, limit: int = SNIPPET_MAX) -> str:
        """The sentence holding text[start:end], whitespace collapsed, at most ``limit`` chars."""
        s, e = self.span(start, end, limit)
        return _trim(self.text, s, e, start, end, limit)


def snippet(self, start: int, end: int, limit: int = SNIPPET_MAX) -> str:
        """The sentence holding text[start:end], whitespace collapsed, at most ``limit`` chars."""
        s, e = self.span(start, end)
        return _trim(self.text, s, e, start, end, limit)


def snippet(text: str, start: int, end: int, limit: int = SNIPPET_MAX) -> str:
    """One-off form of ``Sentences(text).snippet(start, end)``."""
    return Sentences(text).snippet(start, end, limit)


def _trim(text: str, s: int, e: int, start: int, end: int, limit: int) -> str:
    if e - s > limit:
        room = max(0, limit - (end - start) - 2)  # 2 = the two "…"
        ws = max(s, start - room // 2)
        we = min(e, ws + (end - start) + room)
        ws = max(s, we - (end - start) - room)
        # move the cuts to word boundaries (inwards), never into the mention
        if ws > s:
            sp = text.find(" ", ws, start)
            ws = sp + 1 if sp != -1 else ws
        if we < e:
            sp = text.rfind(" ", end, we)
            we = sp if sp != -1 else we
        body = " ".join(text[ws:we].split())
        return ("…" if ws > s else "") + body + ("…" if we < e else "")
    return " ".join(text[s:e].split())
