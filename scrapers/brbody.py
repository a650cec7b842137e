"""``<br>``-bodies: a container whose text is mostly its own text nodes separated by ``<br>``.

Small Korean outlets (and old table-layout CMSs everywhere) write the article as text + ``<br><br>``
in one ``div``/``td`` with no ``<p>``; generic extractors either skip it (no paragraphs), glue
its paragraphs into one table cell line, or take its parent with the navigation. This finder
needs no selector: it looks for the element whose *own* text (text nodes, inline tags, tails of
``<br>``) is longest, split by at least two ``<br>``, and not made of links.
"""
from __future__ import annotations

import copy
import re
from collections import Counter
from collections.abc import Callable

from lxml import etree

from scrapers import boilerplate, sites
from scrapers.htmltext import paragraphs

# Inline tags whose text counts as the container's own (bold lead, a name in a link...).
_INLINE = frozenset({"b", "strong", "i", "em", "u", "span", "font", "a", "mark", "sup", "sub",
                     "small", "big", "cite", "q", "abbr", "time"})
# not <p>: a paragraph with line breaks in it is one paragraph of a <p> body, not a <br> body
_CONTAINERS = ("div", "td", "section", "article", "dd", "main")
MIN_BR = 2
# Own text (no spaces) at least this long ...
MIN_OWN_CHARS = 100
# ... and at least this share of all the container's text (the rest: photos, boxes).
MIN_OWN_SHARE = 0.5
MAX_LINK_SHARE = 0.3
# Block children of the body that are this much link text are dropped (share bars, link lists).
LINK_BLOCK_SHARE = 0.6
_LINK_BLOCKS = ("div", "ul", "ol", "nav", "p", "section", "table", "span")
# replaces(): the <br> body is taken over a text that contains this share of its words ...
COVERS_SHARE = 0.85
# ... and the text's other lines are each at most this long, together at most this share of it.
MAX_EXTRA_LINE = 100
MAX_EXTRA_SHARE = 0.5
# Only short extractions are checked (small pages: where the <br> body is most of the page).
MAX_TEXT_CHARS = 2000


def _squeezed(s: str | None) -> int:
    return len(re.sub(r"\s+", "", s or ""))


def _own_text(el: etree._Element) -> tuple[int, int, int]:
    """(own chars, link chars among them, <br> children) of a container."""
    own, linked, brs = _squeezed(el.text), 0, 0
    for child in el:
        tag = child.tag.lower() if isinstance(child.tag, str) else ""
        if tag == "br":
            brs += 1
        elif tag in _INLINE:
            n = _squeezed(child.text_content())
            own += n
            if tag == "a":
                linked += n
            else:
                linked += sum(_squeezed(a.text_content()) for a in child.iter("a"))
        own += _squeezed(child.tail)
    return own, linked, brs


def _mostly_links(el: etree._Element) -> bool:
    total = _squeezed(el.text_content())
    linked = sum(_squeezed(a.text_content()) for a in el.iter("a"))
    return total > 0 and linked >= LINK_BLOCK_SHARE * total


def _describe(el: etree._Element) -> str:
    name = el.tag
    if el.get("id"):
        name += "#" + el.get("id")
    elif el.get("class"):
        name += "." + ".".join(el.get("class").split()[:2])
    return name


def find(tree: etree._Element) -> tuple[str, str] | None:
    """(text, "br:<element>") of the page's ``<br>``-body, or None."""
    best, best_own = None, 0
    for el in tree.iter(*_CONTAINERS):
        own, linked, brs = _own_text(el)
        if brs < MIN_BR or own < MIN_OWN_CHARS or own <= best_own:
            continue
        if linked > MAX_LINK_SHARE * own or own < MIN_OWN_SHARE * _squeezed(el.text_content()):
            continue
        best, best_own = el, own
    if best is None:
        return None
    best = copy.deepcopy(best)
    best.tail = None
    for block in list(best.iter(*_LINK_BLOCKS)):
        if block is not best and block.getparent() is not None and _mostly_links(block):
            block.drop_tree()  # a share bar or a list of links inside the body container
    text = sites.clean_node_text(best)
    return (text, f"br:{_describe(best)}") if text else None


def _tokens(text: str) -> Counter:
    return Counter(re.findall(r"\w+", text.lower()))


def replaces(br_text: str, text: str) -> bool:
    """Whether the ``<br>``-body should replace an extracted ``text``: the text holds it
    (same article), and what else the text has is short lines - navigation, a heading or
    byline moved to the end, table cell markers - not paragraphs of prose."""
    b, t = _tokens(br_text), _tokens(text)
    if not b or not t or sum((b & t).values()) < COVERS_SHARE * sum(b.values()):
        return False
    extra = 0
    for line in paragraphs(text):
        words = _tokens(line)
        if sum((words & b).values()) >= 0.5 * sum(words.values()):
            continue  # a line of the <br> body
        if len(line) > MAX_EXTRA_LINE:
            return False  # prose that the <br> body does not have
        extra += len(line)
    return extra <= MAX_EXTRA_SHARE * len(br_text)


def better_body(html: str, text: str, parse: Callable[[str], etree._Element | None]) -> tuple[str, str] | None:
    """On a page with ``<br>`` breaks and a short extracted ``text``: (text, method) of the
    page's ``<br>``-body when it should replace ``text`` (see ``replaces``), else None.
    ``parse`` gives a fresh tree (the caller's tree was pruned by the extractors)."""
    if len(text) >= MAX_TEXT_CHARS or html.count("<br") < MIN_BR + 1:
        return None
    tree = parse(html)
    if tree is None:
        return None
    boilerplate.remove_link_lists(tree, html)
    found = find(tree)
    if found is None or found[0] == text:
        return None
    if not text or replaces(found[0], text):
        return found
    return None
