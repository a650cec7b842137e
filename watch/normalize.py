"""Text normalization for matching, with offsets mapped back to the original string.

Matching runs on a *normalized* copy of each field; mentions are reported with offsets
into the ORIGINAL string. The normalized text is built in three steps:

1. Every character is folded with **NFKC** (full-width ``Ｓａｍｓｕｎｇ`` → ``Samsung``,
   mathematical letters ``𝐌𝐞𝐭𝐚`` → ``Meta``, ligatures ``ﬁ`` → ``fi``, NBSP/ideographic
   space → space, decomposed (NFD) Hangul jamo → syllables, ...) and then through
   ``CHAR_MAP`` below, which handles what NFKC leaves alone or gets wrong for matching:

   =====================================  ===========================================
   characters                             become
   =====================================  ===========================================
   ’ ‘ ‛ ʼ ʻ ′ ´ ` ＇                     ``'`` (apostrophe: possessives "Samsung’s")
   ‐ ‑ ‒ – — ― − ⁃ ﹣ －                  ``-`` (hyphen: "Lee Jae‑yong", "Meta–owned")
   “ ”                                    ``"`` (only to keep English text ASCII)
   NEL, U+2028, U+2029                    a space (line breaks: see step 2)
   …                                      ``...`` (as NFKC)
   soft hyphen, ZWSP, ZWNJ, ZWJ, word     deleted (invisible: "Sam\\u00adsung" is Samsung)
   joiner, BOM
   ™ ℠ №                                  kept as they are (NFKC would turn "Samsung™"
                                          into "SamsungTM", gluing letters to the name)
   =====================================  ===========================================

   Cyrillic and Greek letters that look like Latin ones (``а е о р с у х і ј ѕ``,
   ``Α Β Ε Κ Μ Ο Ρ Τ Χ ο``, ... see ``HOMOGLYPHS``) become the Latin letter **only inside
   a word that also holds ASCII letters** (``Ѕаmsung``): mixed-script words are spoofs or
   typos, while an all-Cyrillic word (Russian "Мета") is left alone.

2. Whitespace: a blank line ("\\n\\n", a paragraph break) becomes two U+2029 paragraph
   separators, so no alias spans two paragraphs; any other line break, tab or Unicode
   space is one space; then runs of two or more spaces collapse to one, so
   "Lee  Jae-yong" (two spaces, or a line break plus indentation) still matches.

The automaton runs on this normalized text, case kept (case rules are part of the keys:
see ``watch.matcher``).

Offsets: a character that turns into exactly one character keeps its place, so only
clusters whose length changes (ligatures, deletions, collapsed spaces, composed jamo)
are recorded. A mention that starts or ends inside such a cluster is widened to the
whole cluster in the original string.

Speed: everything that touches every character is C-level. The frequent 1:1 characters
(curly quotes, dashes, NBSP) are replaced with ``str.replace``, after which most English
text is ASCII and done; other text is searched once for any other mapped or look-alike
character (one compiled character class), checked with ``unicodedata.is_normalized``,
and only when needed scanned for its special runs, which alone are handled in Python.
"""
from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from functools import lru_cache
from dataclasses import dataclass

# --- the documented character map -----------------------------------------------------------

_APOSTROPHES = "\u2019\u2018\u201b\u02bc\u02bb\u2032\u00b4\u0060\uff07"
_HYPHENS = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2043\ufe63\uff0d"
_SPACES = "\u0085\u2028\u2029"  # NFKC keeps these line/paragraph separators
_INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff"
_KEEP = "\u2122\u2120\u2116"  # ™ ℠ №: symbols, not letters (NFKC would spell them out)
_ELLIPSIS = "\u2026"  # … → "..." as NFKC does (listed so the fast scanner handles it)

CHAR_MAP: dict[str, str] = {}
CHAR_MAP.update({c: "'" for c in _APOSTROPHES})
CHAR_MAP.update({c: "-" for c in _HYPHENS})
CHAR_MAP.update({"\u201c": '"', "\u201d": '"'})
CHAR_MAP.update({c: " " for c in _SPACES})
CHAR_MAP.update({c: "" for c in _INVISIBLE})
CHAR_MAP.update({c: c for c in _KEEP})
CHAR_MAP[_ELLIPSIS] = "..."

# Look-alikes applied only inside words that also contain ASCII letters (see module doc).
HOMOGLYPHS: dict[str, str] = {
    # Cyrillic
    "\u0410": "A", "\u0412": "B", "\u0415": "E", "\u041a": "K", "\u041c": "M", "\u041d": "H",
    "\u041e": "O", "\u0420": "P", "\u0421": "C", "\u0422": "T", "\u0425": "X", "\u0405": "S",
    "\u0406": "I", "\u0408": "J", "\u0430": "a", "\u0435": "e", "\u043e": "o", "\u0440": "p",
    "\u0441": "c", "\u0443": "y", "\u0445": "x", "\u0455": "s", "\u0456": "i", "\u0458": "j",
    "\u0501": "d", "\u04bb": "h",
    # Greek
    "\u0391": "A", "\u0392": "B", "\u0395": "E", "\u0396": "Z", "\u0397": "H", "\u0399": "I",
    "\u039a": "K", "\u039c": "M", "\u039d": "N", "\u039f": "O", "\u03a1": "P", "\u03a4": "T",
    "\u03a5": "Y", "\u03a7": "X", "\u03bf": "o", "\u03b9": "i", "\u03ba": "k", "\u03bd": "v",
}


def _is_continuer(c: str) -> bool:
    """Characters that attach to the previous one: combining marks, Hangul medial/final jamo."""
    cp = ord(c)
    return (unicodedata.combining(c) != 0 or 0x1160 <= cp <= 0x11FF or 0xD7B0 <= cp <= 0xD7FF)


def _nfkc_unstable(cps) -> list[int]:
    isn = unicodedata.is_normalized
    return [cp for cp in cps if not isn("NFKC", chr(cp))]


def _special_codepoints() -> list[int]:
    # BMP only (~15 ms at import): astral characters are all treated as special (one range)
    cps = set(_nfkc_unstable(range(0x80, 0x10000)))
    cps.update(ord(c) for c in CHAR_MAP)
    cps.update(ord(c) for c in HOMOGLYPHS)
    cps.update(range(0x1100, 0x1200))  # conjoining jamo compose into syllables
    cps.update(range(0xA960, 0xA980))
    cps.update(range(0xD7B0, 0xD800))
    cps.update(cp for cp in range(0x300, 0x10000) if unicodedata.combining(chr(cp)))
    return sorted(cp for cp in cps if cp >= 0x80)


def _char_class(cps: list[int]) -> str:
    parts: list[str] = []
    i = 0
    while i < len(cps):
        j = i
        while j + 1 < len(cps) and cps[j + 1] == cps[j] + 1:
            j += 1
        a, b = re.escape(chr(cps[i])), re.escape(chr(cps[j]))
        parts.append(a if i == j else f"{a}-{b}")
        i = j + 1
    return "".join(parts)


_SPECIAL_CPS = _special_codepoints()
# Two scanners. sre scans a small character class ~10x faster than a big one, so text that
# is already NFKC-normalized (checked in C, ~400 MB/s) only looks for CHAR_MAP and
# look-alike characters; other text looks for every special character. Astral characters
# are all "special" (one range keeps the big class fast; they are rare: emoji, math letters).
_BIG_RE = re.compile(f"[{_char_class(_SPECIAL_CPS)}\U00010000-\U0010ffff]+")
_SMALL_RE = re.compile(f"[{_char_class(sorted({ord(c) for c in CHAR_MAP} | {ord(c) for c in HOMOGLYPHS}))}]+")
# Frequent characters replaced by C-level str.replace before anything else: 1:1 changes
# need no offset bookkeeping, and English text with curly quotes, dashes and NBSP is ASCII
# afterwards (no scanning at all). Double quotes become '"' (only for matching: they are
# word boundaries either way). "…" (NFKC: "...") is in CHAR_MAP: the small scanner does it.
_FREQUENT = ("\u2019", "\u201c", "\u201d", "\u2014", "\u2013", "\u00a0", "\u2018")
_ONE_TO_ONE = tuple(sorted(
    {**{c: r for c, r in CHAR_MAP.items() if len(r) == 1 and c != r},
     "\u00a0": " ", "\u202f": " ", "\u2007": " ", "\u3000": " "}.items(),
    key=lambda cr: (cr[0] not in _FREQUENT, _FREQUENT.index(cr[0]) if cr[0] in _FREQUENT else 0)))
_SMALL_CHARS = tuple(c for c, r in CHAR_MAP.items() if len(r) != 1) + tuple(HOMOGLYPHS)
# Every other character the two passes above look for, as ONE character class: text in
# which none occurs (most Korean text, once its curly quotes are replaced) skips ~70 scans.
# A single class without a repeat lets sre skip ahead through the text in C.
_N_FREQUENT = len(_FREQUENT)  # _ONE_TO_ONE starts with the frequent characters
assert tuple(c for c, _ in _ONE_TO_ONE[:_N_FREQUENT]) == _FREQUENT
_RARE_RE = re.compile("[" + "".join(re.escape(c) for c in sorted(
    {c for c, _ in _ONE_TO_ONE[_N_FREQUENT:]} | set(_SMALL_CHARS))) + "]")
_PARA = "\u2029"  # paragraph separator: what a blank line becomes

_cluster_cache: dict[str, str] = {}


def _fold_cluster(cluster: str) -> str:
    """NFKC + CHAR_MAP of one base character with its combining marks (cached)."""
    out = _cluster_cache.get(cluster)
    if out is None:
        if cluster in CHAR_MAP:
            out = CHAR_MAP[cluster]
        else:
            nf = unicodedata.normalize("NFKC", cluster)
            out = "".join(CHAR_MAP.get(ch, ch) for ch in nf)
            if nf != cluster and out.isspace():
                out = " "  # NBSP, ideographic space, ... are one space
        if len(_cluster_cache) < 100_000:
            _cluster_cache[cluster] = out
    return out


def _word_has_ascii_letter(s: str, i: int) -> bool:
    """Whether the word around s[i] holds an ASCII letter (mixed-script look-alike test)."""
    j = i - 1
    while j >= 0 and (s[j].isalnum() or s[j] in HOMOGLYPHS):
        if s[j].isascii():
            return True
        j -= 1
    j = i + 1
    while j < len(s) and (s[j].isalnum() or s[j] in HOMOGLYPHS):
        if s[j].isascii():
            return True
        j += 1
    return False


class OffsetMap:
    """Maps offsets of a derived string back to its source.

    Only clusters whose length changed are stored: (derived pos, derived len, source pos,
    source len), sorted by derived position. Everything between them is shifted 1:1.
    """

    __slots__ = ("_np", "_nl", "_op", "_ol", "_inner")

    def __init__(self, entries: list[tuple[int, int, int, int]], inner: "OffsetMap | None" = None):
        self._np = [e[0] for e in entries]
        self._nl = [e[1] for e in entries]
        self._op = [e[2] for e in entries]
        self._ol = [e[3] for e in entries]
        self._inner = inner

    def _start(self, i: int) -> int:
        k = bisect_right(self._np, i) - 1
        if k < 0:
            return i
        if i < self._np[k] + self._nl[k]:
            return self._op[k]
        return self._op[k] + self._ol[k] + (i - self._np[k] - self._nl[k])

    def _end(self, j: int) -> int:
        if j <= 0:
            return self._start(j)
        k = bisect_right(self._np, j - 1) - 1
        if k < 0:
            return j
        if j - 1 < self._np[k] + self._nl[k]:
            return self._op[k] + self._ol[k]
        return self._op[k] + self._ol[k] + (j - self._np[k] - self._nl[k])

    def start(self, i: int) -> int:
        """Source offset of the character at derived offset i (span start)."""
        i = self._start(i)
        return self._inner.start(i) if self._inner else i

    def end(self, j: int) -> int:
        """Source offset just past the derived character j-1 (span end)."""
        j = self._end(j)
        return self._inner.end(j) if self._inner else j


@dataclass(frozen=True, slots=True)
class Normalized:
    original: str
    text: str  # normalized, case kept: the automaton and the rules run on it
    offsets: OffsetMap | None  # None: offsets are identical

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Normalized [start, end) → original [start, end)."""
        if self.offsets is None:
            return start, end
        return self.offsets.start(start), self.offsets.end(end)


def lower_same_length(t: str) -> str:
    low = t.lower()
    if len(low) == len(t):
        return low
    return "".join(c if len(lc := c.lower()) != 1 else lc for c in t)


def _char_pass(s: str, scanner: re.Pattern) -> tuple[str, list[tuple[int, int, int, int]]]:
    """NFKC + CHAR_MAP + look-alikes over the special runs of s; other text is copied."""
    out: list[str] = []
    entries: list[tuple[int, int, int, int]] = []
    n_pos = 0  # length of the output so far
    last = 0
    for m in scanner.finditer(s):
        a, b = m.span()
        if a > last and _is_continuer(s[a]):
            a -= 1  # compose the mark with the character before it
        if a > last:
            out.append(s[last:a])
            n_pos += a - last
        # Split the run into clusters: a base character and the continuers after it.
        i = a
        while i < b:
            j = i + 1
            while j < b and _is_continuer(s[j]):
                j += 1
            cluster = s[i:j]
            if cluster in HOMOGLYPHS:
                rep = HOMOGLYPHS[cluster] if _word_has_ascii_letter(s, i) else cluster
            else:
                rep = _fold_cluster(cluster)
            out.append(rep)
            if len(rep) != j - i:
                entries.append((n_pos, len(rep), i, j - i))
            n_pos += len(rep)
            i = j
        last = b
    out.append(s[last:])
    return "".join(out), entries


def _collapse_spaces(t: str) -> tuple[str, list[tuple[int, int, int, int]]]:
    """Runs of 2+ spaces → one space (str.find is ~15x faster than a regex here)."""
    entries: list[tuple[int, int, int, int]] = []
    pieces: list[str] = []
    removed = 0
    last = 0
    n = len(t)
    a = t.find("  ")
    while a != -1:
        b = a + 2
        while b < n and t[b] == " ":
            b += 1
        pieces.append(t[last:a + 1])
        entries.append((a - removed, 1, a, b - a))
        removed += b - a - 1
        last = b
        a = t.find("  ", b)
    pieces.append(t[last:])
    return "".join(pieces), entries


def normalize(s: str, blank_line: str = _PARA, collapse: bool = True) -> Normalized:
    """Normalize one field for matching (see the module docstring).

    ``blank_line``: the character a blank line becomes, twice (U+2029 by default). The
    matcher passes an ASCII control character that no spelling contains, so that English
    text stays ASCII (cheaper for the automaton); every rule treats both alike (neither
    is a letter, digit, Hangul or space).
    ``collapse=False`` leaves runs of spaces as they are: the matcher's automaton finds
    them while it scans, and only then is the field normalized again with collapsing
    (searching each text for "  " is slow: the search stops at every space)."""
    t = s
    entries1: list[tuple[int, int, int, int]] = []
    if not s.isascii():
        for c, r in _ONE_TO_ONE[:_N_FREQUENT]:  # isascii() is O(1): stop when done
            if c in t:
                t = t.replace(c, r)
                if t.isascii():
                    break
        if not t.isascii():
            if _RARE_RE.search(t) is None:
                # no other mapped character and no look-alike: only NFKC may change it
                if not unicodedata.is_normalized("NFKC", t):
                    t, entries1 = _char_pass(t, _BIG_RE)
            else:
                for c, r in _ONE_TO_ONE[_N_FREQUENT:]:
                    if c in t:
                        t = t.replace(c, r)
                        if t.isascii():
                            break
                if not t.isascii():
                    probe = t.replace(_ELLIPSIS, "") if _ELLIPSIS in t else t
                    if not unicodedata.is_normalized("NFKC", probe):
                        t, entries1 = _char_pass(t, _BIG_RE)
                    elif any(c in t for c in _SMALL_CHARS):  # C-level scans
                        t, entries1 = _char_pass(t, _SMALL_RE)
    # Whitespace: 1:1 changes (offsets unaffected), all C-level str.replace.
    if "\r" in t:
        t = t.replace("\r\n", " \n").replace("\r", " ")
    if "\n" in t:
        # A blank line ends a paragraph: no alias spans it, so it becomes paragraph
        # separators (a word boundary, not a space); other line breaks are spaces.
        # (str.replace returns the string itself when there is nothing to replace.)
        t = t.replace("\n\n", blank_line + blank_line).replace("\n", " ")
    for c in "\t\x0b\x0c":
        if c in t:
            t = t.replace(c, " ")
    inner = OffsetMap(entries1) if entries1 else None
    if collapse and "  " in t:
        t, entries2 = _collapse_spaces(t)
        offsets: OffsetMap | None = OffsetMap(entries2, inner) if entries2 else inner
    else:
        offsets = inner
    return Normalized(s, t, offsets)


@lru_cache(maxsize=65536)
def normalize_phrase(s: str) -> str:
    """Normalized form of a watchlist phrase (alias, short name, exclude), trimmed."""
    return normalize(s.strip()).text.strip()


def fold(s: str) -> str:
    """The automaton key of a phrase: normalized and lower-cased."""
    return lower_same_length(normalize_phrase(s))
