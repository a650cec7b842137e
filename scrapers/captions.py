"""Figure captions and photo credits: found in the page, removed from the candidate bodies.

Readability keeps the text of ``<figure>``/``<figcaption>`` (trafilatura mostly drops it), so
when the body choice picks readability the article gains lines such as "Photo: Jane Doe, AP",
"(Image credit: ...)", "Image 2 of 5" and the description of every photo. The reference texts
of both benchmarks (scrapinghub, WCXB) leave captions out: of the words on caption lines that
reached our output, about nine in ten were not article text.

A caption is

* a ``<figcaption>``;
* an element whose class or id has the word ``caption`` or ``credit`` (``wp-caption-text``,
  ``image-credit``) and no block content of its own (a paragraph, list, table, heading);
* the text of a ``<figure>`` that shows an image or a video and holds no table, list or
  quotation (a figure around a table or a pull quote is content);

and is at most ``MAX_CAPTION_CHARS`` long (a long "figure" is a layout wrapper around text).

Also known from the markup: a paragraph that is one link in capital letters
(``shouted_link_keys``), news CMSs' related-story and app-promotion links set between the
paragraphs.

The captions are not cut from the tree: removing elements changes what trafilatura's own
heuristics pick (on some pages it then lost whole sections). Instead a candidate body drops
the lines that are exactly a caption's text (``drop_caption_lines``). The rule is structural:
tag names and class words, no hosts.
"""
from __future__ import annotations

import re
from functools import lru_cache

from lxml import etree

from scrapers.htmltext import BLANK_LINES, body_element, in_body, node_text, paragraphs

MAX_CAPTION_CHARS = 300
# "caption", "wp-caption-text", "image_credit", "photo-credits": the word, not "recaptionable"
_CLASS_WORD = re.compile(r"(?:^|[-_\s])(?:caption|credits?)(?:$|[-_\s])", re.IGNORECASE)
_BLOCK_CONTENT = frozenset({"p", "table", "ul", "ol", "blockquote", "li", "h1", "h2", "h3", "h4", "h5", "h6"})
_FIGURE_CONTENT = frozenset({"table", "ul", "ol", "blockquote"})
_MEDIA = frozenset({"img", "picture", "video", "iframe", "svg"})
# (the raw-page gate: "aption" is in every "figcaption" and "caption", tried first as the commonest)
_MARKERS = ("aption", "figure", "redit")
# A link paragraph "in capitals": at least this many letters, this share of them upper case.
MIN_SHOUT_LETTERS = 10
SHOUT_SHARE = 0.8
# (C-level prefilter: paragraphs with a link and no lower-case ASCII letter; Python checks the rest)
_PARAGRAPHS = etree.XPath("descendant::p[.//a][translate(., 'abcdefghijklmnopqrstuvwxyz', '') = .]")
_WORD = re.compile(r"\w+")


def words(text: str) -> list[str]:
    """The words of ``text``, lower case (uncached: for whole texts)."""
    return _WORD.findall(text.lower())


# The candidates of a page share most of their lines, and pages of one site their boilerplate;
# the caption filter, then the line filter (``scrapers.extract``) key the same lines: one cache.
@lru_cache(maxsize=4096)
def line_words(line: str) -> tuple[str, ...]:
    """``words`` of one line, cached: the line key here and the body choice's 3-grams
    (``scrapers.bodychoice``) are made from the same words of the same lines."""
    return tuple(words(line))


@lru_cache(maxsize=2048)
def line_key(line: str) -> str:
    """A line compared by its words only (spacing and punctuation differ between extractors)."""
    return " ".join(line_words(line))


def _tags_below(el: etree._Element) -> set[str]:
    return {d.tag for d in el.iterdescendants() if isinstance(d.tag, str)}


def is_caption(el: etree._Element) -> bool:
    """Whether ``el`` is a caption, a photo credit or an image figure (see the module doc)."""
    if not isinstance(el.tag, str):
        return False
    if el.tag == "figcaption":
        return True
    if el.tag == "figure":
        below = _tags_below(el)
        return bool(below & _MEDIA) and not below & _FIGURE_CONTENT
    words = f"{el.get('class') or ''} {el.get('id') or ''}"
    return bool(_CLASS_WORD.search(words)) and not _tags_below(el) & _BLOCK_CONTENT


def caption_keys(tree: etree._Element, html: str | None = None) -> frozenset[str]:
    """``line_key`` of every line of every caption on the page. ``html``: the raw page, to
    skip the walk when it has none of the markers."""
    if html is not None and not any(m in html for m in _MARKERS):
        return frozenset()
    keys: set[str] = set()
    for el in _candidates(tree):
        if not is_caption(el):
            continue
        text = node_text(el)
        if 0 < len(text) <= MAX_CAPTION_CHARS:
            keys.update(k for k in map(line_key, paragraphs(text)) if k)
    return frozenset(keys)


def _candidates(tree: etree._Element) -> list[etree._Element]:
    """Elements of the body worth a look: figures, figure captions, and elements whose class or id
    has "aption" or "redit" (one walk; the XPath with the same tests cost ~1.5x)."""
    body = body_element(tree)
    if body is None:
        return []
    found = []
    for el in body.iterdescendants(etree.Element):
        if el.tag in ("figcaption", "figure"):
            found.append(el)
            continue
        for value in (el.get("class"), el.get("id")):
            if value is not None and ("aption" in value or "redit" in value):
                found.append(el)
                break
    return found


def shouted_link_keys(tree: etree._Element) -> frozenset[str]:
    """``line_key`` of paragraphs that are one link in capital letters ("READ MORE ON ... BY
    CLICKING HERE", "SEAN SPICER ELIMINATED FROM ..."): news CMSs put their related-story and
    app-promotion links between the article's paragraphs that way. A link paragraph in mixed
    case is often content (a source, a list of resources) and stays."""
    keys: set[str] = set()
    for p in in_body(_PARAGRAPHS, tree):
        text = " ".join("".join(p.itertext()).split())
        letters = [c for c in text if c.isalpha()]
        if len(letters) < MIN_SHOUT_LETTERS or sum(c.isupper() for c in letters) < SHOUT_SHARE * len(letters):
            continue
        linked = "".join("".join(a.itertext()) for a in p.iter("a"))
        if line_key(linked) == line_key(text):
            keys.add(line_key(text))
    return frozenset(keys)


def drop_caption_lines(text: str, keys: frozenset[str]) -> str:
    """``text`` without the lines that are a caption (paragraph breaks kept as they were)."""
    if not keys:
        return text
    kept = [line for line in text.split("\n") if not line.strip() or line_key(line) not in keys]
    return BLANK_LINES.sub("\n\n", "\n".join(kept)).strip()
