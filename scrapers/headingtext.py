"""The text of a headline element and of title strings, as the reader sees it.

* ``repair``: entities escaped twice by the site (``SQL &amp;#x26; AI`` reaches us as
  ``SQL &#x26; AI``) are read once more, and UTF-8 that the site stored after reading it as
  Latin-1/cp1252 ("Investorâ\\x80\\x99s", "JOHNSONâ€™S") is read back as UTF-8.
* ``element_text``: ``<br>`` and block children separate words ("WEEKEND<br>CODING" is two
  words, ``text_content()`` glues them), so does an inline element's edge between a lowercase
  letter and a capital; scripts and styles are not text.
* ``undecorated``: a heading often carries more than the headline inside it - a ``<time>``,
  "Posted on … by …", a "Blog:" / "Title:" label, a source link and a comment count. When
  the page's title strings name the headline, the descendant elements whose words are not a
  run of a title string are dropped, and the rest is kept if it is exactly that headline.
"""
from __future__ import annotations

import html
import re
from collections.abc import Sequence
from functools import lru_cache

from lxml import etree

from scrapers.htmltext import BLOCK_TAGS, SKIP_TAGS

MAX_HEADING_ELEMENTS = 64
_ENTITY = re.compile(r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,9});")
# A UTF-8 lead byte read as Latin-1/cp1252 (Â-ô) followed by a continuation byte read the same way.
_MOJIBAKE = re.compile("[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e"
                       "\u0192\u02c6\u02dc\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030"
                       "\u2039\u203a\u20ac\u2122]")


# The edge of an inline element; where a lowercase letter meets a capital there, the two are
# separate words that CSS displays apart ("Alternatives<span class=block>Top Tools</span>");
# a drop cap ("<span>T</span>he") is a capital followed by lowercase and stays joined.
_EDGE = "\x00"
_GLUED = re.compile(f"(?<=[a-z]){_EDGE}+(?=[A-Z])")


@lru_cache(maxsize=4096)
def words(s: str) -> tuple[str, ...]:
    """Lowercased ``\\w+`` words (cached: the same title strings are compared many times)."""
    return tuple(re.findall(r"\w+", s.lower()))


def repair(s: str) -> str:
    """``s`` without a second layer of entities and with UTF-8 mojibake undone (else as is)."""
    if "&" in s and _ENTITY.search(s):
        s = html.unescape(s)
    if _MOJIBAKE.search(s):
        for codec in ("cp1252", "latin-1"):
            try:
                return s.encode(codec).decode("utf-8")
            except UnicodeError:  # not mojibake after all: leave the text alone
                continue
    return s


def element_text(el: etree._Element, drop: frozenset | set = frozenset()) -> str:
    """Visible text of ``el``, one space between words, without the subtrees in ``drop``."""
    out: list[str] = []

    def walk(e: etree._Element) -> None:
        tag = e.tag.lower() if isinstance(e.tag, str) else None
        if tag is not None and tag not in SKIP_TAGS and e not in drop:
            sep = " " if tag == "br" or tag in BLOCK_TAGS else _EDGE
            out.append(sep + (e.text or ""))
            for child in e:
                walk(child)
            out.append(sep)
        if e is not el:
            out.append(e.tail or "")

    walk(el)
    return " ".join(repair(_GLUED.sub(" ", "".join(out)).replace(_EDGE, "")).split())


def _is_run(ws: Sequence[str], of: Sequence[str]) -> bool:
    """``ws`` occurs in ``of`` as consecutive words."""
    n = len(ws)
    return any(of[i:i + n] == ws for i in range(len(of) - n + 1))


def _mark(el: etree._Element, heads: Sequence[Sequence[str]], drop: set) -> None:
    for child in el:
        if not isinstance(child.tag, str) or child.tag.lower() in SKIP_TAGS:
            continue
        ws = words(element_text(child, drop))
        if not ws or any(_is_run(ws, h) for h in heads):
            continue  # part of the headline, children and all
        _mark(child, heads, drop)  # a wrapper may hold the headline and a decoration
        ws = words(element_text(child, drop))
        if ws and not any(_is_run(ws, h) for h in heads):
            drop.add(child)


def undecorated(el: etree._Element, text: str, headlines: Sequence[str]) -> str:
    """``text`` (of heading ``el``) without its decorations, when what remains is one of
    ``headlines`` word for word; else ``text``."""
    ws = words(text)
    heads = [h for h in map(words, headlines) if h and h != ws and _is_run(h, ws)]
    if not heads or sum(1 for _ in el.iterdescendants()) > MAX_HEADING_ELEMENTS:
        return text  # (a heading of a thousand empty tags is not worth taking apart)
    drop: set = set()
    _mark(el, heads, drop)
    if drop:
        rest = element_text(el, drop)
        if words(rest) in heads:
            return rest
    return text
