"""One-sentence snippets around a mention, for reviewers.

A sentence ends at a line break, or at ``. ! ? 。 ！ ？ …`` (plus closing quotes or
brackets) followed by whitespace or the end of the text, except after an initial
("Jay Y. Lee") or a common abbreviation ("Mr.", "Corp.", "No."), so that those do not cut
the sentence. Korean sentences end with "다." and the like, which the same rule covers.
A sentence longer than ``SNIPPET_MAX`` characters is cut to a window around the mention
at word boundaries, with "…" marking each cut. Whitespace runs become one space.

Only ``SNIPPET_MAX`` characters on each side of a mention are searched (C-level regex
searches; backwards on a reversed copy of that window), so the cost per mention does
not grow with the article. Sentence-end checks are memoized per field: mentions in the
same or adjacent sentences share them.
"""
from __future__ import annotations

import re
import string

SNIPPET_MAX = 300

_TERMS = ".!?。！？…"
_CLOSERS = "\"'”’»)]"
_TERM_RE = re.compile(f"[{re.escape(_TERMS)}\n]")  # one terminator character or line break
_TERM_ASCII_RE = re.compile(r"[.!?\n]")  # the same for ASCII text (a cheaper class)
_CHUNK = 128  # characters reversed at a time when looking back for the sentence start
# A terminator run that ends a sentence: followed by closers, then whitespace or the end;
# or a line break. Written as "[terminator or line break](...)" rather than as the
# alternation "[terminators]+...|\n" because sre can then skip ahead to the next
# terminator character (a pattern starting with an alternation is tried at every position).
_END_RE = re.compile(f"[{re.escape(_TERMS)}\n](?:(?<=\n)|[{re.escape(_TERMS)}]*"
                     f"[{re.escape(_CLOSERS)}]*(?=\\s|$))")
_ABBREV = frozenset("""mr mrs ms dr prof st jr sr co corp inc ltd no vs gov sen rep gen lt col
capt sgt mt ft jan feb mar apr jun jul aug sep sept oct nov dec est approx dept univ""".split())
_LONGEST = max(len(a) for a in _ABBREV)
_ASCII_LETTERS = string.ascii_letters


# The last two letters of every abbreviation (all have 2+), in every case: most words
# before a dot ("said.", "year.") are told apart from them by this one lookup.
_LAST_TWO = frozenset(x + y for a in _ABBREV for x in (a[-2], a[-2].upper())
                      for y in (a[-1], a[-1].upper()))


def _abbreviation_before(text: str, k: int) -> bool:
    """Is the "." at text[k] the dot of an initial ("Y.") or an abbreviation ("Corp.")?

    The word is the run of letters (any script) before the dot. Only an ASCII word of at
    most ``_LONGEST`` letters can qualify: a single capital, or a word of ``_ABBREV``.
    (``Sentences.span`` first rules out most dots inline: neither a word ending in one of
    ``_LAST_TWO`` nor a capital before the dot.)"""
    if k < 2:
        return k == 1 and "A" <= text[0] <= "Z"
    if text[k - 2:k] in _LAST_TWO:
        # Maybe a word of _ABBREV. The ASCII letters are stripped off the end of the
        # _LONGEST + 1 characters before the dot; the word is rejected when longer, or
        # when a letter of another script precedes it.
        seg = text[k - _LONGEST - 1:k] if k > _LONGEST else text[:k]
        head = seg.rstrip(_ASCII_LETTERS)
        n = len(seg) - len(head)  # ASCII letters just before the dot
        if n == 0 or n > _LONGEST or (head and head[-1].isalpha()):
            return False  # longer than any abbreviation, or a mixed-script word
        word = seg[len(head):]
        return (n == 1 and word.isupper()) or word.lower() in _ABBREV
    # Not a word of _ABBREV (a word of 2+ ASCII letters would end in one of _LAST_TWO):
    # an initial, or nothing.
    return "A" <= text[k - 1] <= "Z" and not text[k - 2].isalpha()


class Sentences:
    """Finds the sentence around a mention of one field by looking only near it, with
    C-level regex searches, whatever the article's length."""

    __slots__ = ("text", "_ends")

    def __init__(self, text: str):
        self.text = text
        self._ends: dict[int, int | None] = {}  # terminator offset -> _end_at (memo)

    def span(self, start: int, end: int, reach: int = SNIPPET_MAX) -> tuple[int, int]:
        """[s, e) of the sentence holding text[start:end], looking at most ``reach`` away."""
        t = self.text
        lo = start - reach if start > reach else 0
        s = lo
        if start > lo:
            # Backwards: the nearest terminator first, searched in reversed copies of the
            # window, nearest part first (rev[j] == t[hi - 1 - j]): a sentence usually
            # starts within the first _CHUNK characters.
            ends = self._ends
            hi = start
            while hi > lo:
                a = hi - _CHUNK if hi - _CHUNK > lo else lo
                rev = t[a:hi][::-1]
                term = _TERM_ASCII_RE if rev.isascii() else _TERM_RE
                m = term.search(rev)
                while m is not None:
                    i = hi - 1 - m.start()
                    got = ends.get(i, -1)
                    if got == -1:  # does the terminator at t[i] end a sentence? (memoized)
                        if t[i] == "\n":
                            got = i + 1
                        else:
                            k = i  # start of the terminator run
                            while k > 0 and t[k - 1] in _TERMS:
                                k -= 1
                            end_m = _END_RE.match(t, k)
                            if end_m is None or (
                                    t[k] == "."
                                    and (k < 2 or t[k - 2:k] in _LAST_TWO or "A" <= t[k - 1] <= "Z")
                                    and _abbreviation_before(t, k)):
                                got = None  # "3.5", "U.S.-led"; "Jay Y. Lee", "Mr. Lee"
                            else:
                                got = end_m.end()
                        ends[i] = got
                    if got is not None and got <= start:
                        s = got
                        break
                    m = term.search(rev, m.end())
                if m is not None:  # found
                    break
                hi = a
        n = len(t)
        top = end + reach if end + reach < n else n
        e = top
        pos = end
        while pos < top:
            m = _END_RE.search(t, pos, top)
            if m is None:
                break
            k = m.start()
            if t[k] != "." or not ((k < 2 or t[k - 2:k] in _LAST_TWO or "A" <= t[k - 1] <= "Z")
                                   and _abbreviation_before(t, k)):
                e = m.end()
                break
            pos = m.end()
        return s, e

    def snippet(self, start: int, end: int, limit: int = SNIPPET_MAX) -> str:
        """The sentence holding text[start:end], whitespace collapsed, at most ``limit`` chars."""
        s, e = self.span(start, end, limit)
        if e - s > limit:
            return _trim(self.text, s, e, start, end, limit)
        seg = self.text[s:e]
        if seg.isprintable() and "  " not in seg:  # = _collapse(seg), inlined
            return seg.strip(" ")
        return " ".join(seg.split())


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
        body = _collapse(text[ws:we])
        return ("…" if ws > s else "") + body + ("…" if we < e else "")
    return _collapse(text[s:e])


def _collapse(seg: str) -> str:
    """``" ".join(seg.split())``, cheaper when there is nothing to collapse: every
    whitespace character but the ASCII space is non-printable (Unicode Cc/Zs/Zl/Zp), so in
    a printable segment without double spaces only a space at either end can go."""
    if seg.isprintable() and "  " not in seg:
        return seg.strip(" ")  # at most one space at each end (after the previous sentence)
    return " ".join(seg.split())
