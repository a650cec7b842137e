"""trafilatura's pruning XPaths, evaluated by a Python walk with the same result, during our runs.

trafilatura selects the nodes it prunes (comment sections, share bars, navigation, hidden
elements...) and its body containers with XPath expressions of the form
``.//*[self::div or self::section ...][re:test(@class, '...') or contains(@id, '...') ...]``.
libxml2 evaluates ``.//*`` by collecting every descendant into a node set before filtering,
and each ``re:test`` is an EXSLT call back into Python (argument lists of "smart" strings,
a regex cache lookup) per element: about a fifth of the CPU of a trafilatura run on a news
page went there. The same selection as a walk with lxml's C-level tag filter
(``iterdescendants(*tags)``) and precompiled regexes costs about a third.

Each replacement is a transcription of one expression of trafilatura 2.3.1
(``trafilatura.xpaths``), kept beside the SHA-1 of the expression's source (whitespace
normalised) and installed only when the installed trafilatura has exactly that source: a
release that changes an expression keeps its own XPath, nothing breaks. ``tests/test_trafxpath.py``
checks every transcription against its XPath on real and constructed pages.

The replacements are active only inside ``active()`` (``scrapers.candidates`` runs
trafilatura in it); any other caller in the process - the benchmarks' bare trafilatura -
gets trafilatura's own XPaths, unchanged.

XPath semantics kept (libxml2 + lxml's EXSLT):

* ``.//*`` is the context's descendants (not itself) that are elements, in document order;
* ``re:test(@a, p)`` searches ``p`` (``re.UNICODE``, ``re.I`` for flag ``i``) in the attribute,
  or in "" when it is absent; ``@a|@b`` as a string is the value of whichever of the two is
  written first on the element (libxml2 keeps attributes in source order);
* ``contains``/``starts-with``/``=`` compare the string value ("" when absent; ``=`` false).
"""
from __future__ import annotations

import contextlib
import contextvars
import hashlib
import re
from collections.abc import Callable, Iterator
from typing import Any

from lxml import etree

_ACTIVE: contextvars.ContextVar[bool] = contextvars.ContextVar("_ACTIVE", default=False)
_INSTALLED: dict[str, int] = {}

Selector = Callable[[etree._Element], list]


@contextlib.contextmanager
def active() -> Iterator[None]:
    """trafilatura calls made inside this block use the Python selections (when installed)."""
    token = _ACTIVE.set(True)
    try:
        yield
    finally:
        _ACTIVE.reset(token)


class _Dispatch:
    """Stands in for one XPath object of trafilatura: the Python selection inside ``active()``,
    the XPath itself anywhere else (and for anything but an element context)."""

    __slots__ = ("fast", "xpath")

    def __init__(self, xpath: etree.XPath, fast: Selector) -> None:
        self.xpath, self.fast = xpath, fast

    def __call__(self, node: Any, **kwargs: Any) -> Any:
        if kwargs or not _ACTIVE.get() or not isinstance(node, etree._Element):
            return self.xpath(node, **kwargs)
        return self.fast(node)

    @property
    def path(self) -> str:
        return self.xpath.path

    def __str__(self) -> str:  # trafilatura logs the body expression that matched
        return str(self.xpath)


def source_hash(path: str) -> str:
    """SHA-1 of an XPath's source with its whitespace normalised (the install guard)."""
    return hashlib.sha1(" ".join(path.split()).encode("utf-8")).hexdigest()


# --------------------------------------------------------------------------- XPath semantics

def _first(el: etree._Element, a: str, b: str) -> str:
    """``string(@a|@b)``: the value of the one of the two attributes written first, or ""."""
    va, vb = el.get(a), el.get(b)
    if va is None:
        return vb if vb is not None else ""
    if vb is None:
        return va
    for key in el.attrib:  # attribute names in source order
        if key == a:
            return va
        if key == b:
            return vb
    return va  # not reached: both are attributes of el


def _rx(pattern: str, flags: str = "") -> re.Pattern[str]:
    """A regex as lxml's EXSLT ``re:test`` compiles it."""
    return re.compile(pattern, re.UNICODE | (re.IGNORECASE if "i" in flags else 0))


def _remembered(find: Callable[[str], Any], limit: int = 20_000) -> Callable[[str], bool]:
    """``find`` with its answers kept per value: a page repeats its class names (a grid's
    column class on every teaser), and the long alternations cost most on those."""
    memo: dict[str, bool] = {}

    def test(value: str) -> bool:
        hit = memo.get(value)
        if hit is None:
            if len(memo) >= limit:
                memo.clear()
            hit = memo[value] = find(value) is not None
        return hit
    return test


def _finder(pattern: str, flags: str = "") -> Callable[[str], Any]:
    """``_rx(pattern).search`` for a pattern that cannot match "" (checked): then
    ``v is not None and find(v)`` is ``re:test(@a, pattern)`` without a call per absent attribute."""
    rx = _rx(pattern, flags)
    if rx.search("") is not None:
        raise ValueError(f"{pattern!r} matches an absent attribute")
    return rx.search


# --------------------------------------------------------------------------- the transcriptions

def _selectors() -> list[tuple[str, int, str, Selector]]:
    """(list name in ``trafilatura.xpaths``, index, SHA-1 of the source it transcribes, selection)."""
    from trafilatura import xpaths as tx

    sel: list[tuple[str, int, str, Selector]] = []

    # RAW_TREE_PRUNE_XPATH[0]: infinite-scroll / appended-article containers
    scroll = _finder("mvp-post-add-(?:box|wrap)|infinite-?scroll")
    mvp = _finder("mvp-post-add-(?:box|wrap)")

    def raw_prune_scroll(ctx: etree._Element) -> list:
        out = []
        for el in ctx.iterdescendants("div", "section", "aside"):
            i, c = el.get("id"), el.get("class")
            if ((i is not None and scroll(i)) or (c is not None and scroll(c))) and (
                    next(el.iterdescendants("h1"), None) is None
                    or (i is not None and mvp(i)) or (c is not None and mvp(c))):
                out.append(el)
        return out

    sel.append(("RAW_TREE_PRUNE_XPATH", 0, "f1e18cc2572d047028bbf27e8b94b83b5a36c7e7", raw_prune_scroll))

    # RAW_TREE_PRUNE_XPATH[1]: Elementor share buttons
    def raw_prune_share(ctx: etree._Element) -> list:
        return [el for el in ctx.iterdescendants("div", "section", "aside")
                if "elementor-share-buttons" in (el.get("class") or "")]

    sel.append(("RAW_TREE_PRUNE_XPATH", 1, "12b073ccb20e96330059aff8a9782a769ecf22e6", raw_prune_share))

    # REMOVE_COMMENTS_AND_LISTS_XPATH[0]: comment sections, and ol/ul comment lists
    comments_id = _finder(f"^(?:{tx._COMMENTS_ID}|disqus_thread|dsq-comments)")
    comments_class = _finder(tx._COMMENTS_CLASS)
    comments_list_id = _finder(f"^(?:{tx._COMMENTS_ID})")

    def comments_and_lists(ctx: etree._Element) -> list:
        out = []
        for el in ctx.iterdescendants("div", "list", "section", "details", "ol", "ul"):
            i, c = el.get("id"), el.get("class")
            by_class = c is not None and comments_class(c)
            if not (by_class or (i is not None and comments_id(i))):
                continue
            if el.tag in ("ol", "ul") and not (by_class or (i is not None and comments_list_id(i))):
                continue
            out.append(el)
        return out

    sel.append(("REMOVE_COMMENTS_AND_LISTS_XPATH", 0, "98cf895224cd33bceb3d7184180725cfdecc1e9f", comments_and_lists))

    # OVERALL_DISCARD_XPATH[0]: navigation, share, ads, footers, related lists, metadata blocks
    consent = _finder(tx._alt(tx._CONSENT_ID_CLASS_TOKENS))
    discard_id = _finder(tx._alt(tx._OVERALL_DISCARD_BOTH_TOKENS + tx._OVERALL_DISCARD_ID_TOKENS))
    discard_class = _remembered(_finder(tx._alt(tx._OVERALL_DISCARD_BOTH_TOKENS + tx._OVERALL_DISCARD_CLASS_TOKENS)))

    def overall_discard(ctx: etree._Element) -> list:
        out = []
        for el in ctx.iterdescendants("div", "item", "list", "p", "section", "span"):
            i, c = el.get("id"), el.get("class")
            if ((c is not None and discard_class(c)) or (i is not None and discard_id(i))
                    or ((i is not None or c is not None) and consent(_first(el, "id", "class")))
                    or el.get("data-lp-replacement-content") is not None
                    or "nav" in (el.get("role") or "").replace("N", "n")
                    or "MostPopularStories" in (el.get("data-component") or "")):
                out.append(el)
        return out

    sel.append(("OVERALL_DISCARD_XPATH", 0, "f3dbdb2392f1c3e03faca7a53b4725d086b5e9b3", overall_discard))

    # OVERALL_DISCARD_XPATH[1]: hidden elements, comment titles and forms, print-only blocks
    hidden = _finder("hidden")
    hidden_id = _finder("reader-comments|akismet")
    hidden_class = _remembered(_finder("^hide-|comments-title|nocomments|-reply-|message|akismet|suggest-links|"
                                       "-hide-|hide-print| hidden| hide|noprint|notloaded"))

    def hidden_discard(ctx: etree._Element) -> list:
        out = []
        for el in ctx.iterdescendants(etree.Element):
            i, c, style = el.get("id"), el.get("class"), el.get("style")
            if (c == "comments-title" or el.get("aria-hidden") == "true"
                    or (c is not None and hidden_class(c)) or (i is not None and hidden_id(i))
                    or ((i is not None or c is not None) and _first(el, "id", "class").startswith("reply-"))
                    or ((i is not None or style is not None) and hidden(_first(el, "id", "style")))
                    or (style is not None and ("display:none" in style or "display: none" in style))):
                out.append(el)
        return out

    sel.append(("OVERALL_DISCARD_XPATH", 1, "8d16edbf0d12a374e26a2600f395dbe22d1e9038", hidden_discard))

    # TEASER_DISCARD_XPATH[0] and DISCARD_IMAGE_ELEMENTS[0]: substring tests on id and class
    def teaser(ctx: etree._Element) -> list:
        return [el for el in ctx.iterdescendants("div", "item", "list", "p", "section", "span")
                if "teaser" in (el.get("id") or "").replace("T", "t")
                or "teaser" in (el.get("class") or "").replace("T", "t")]

    def image_caption(ctx: etree._Element) -> list:
        return [el for el in ctx.iterdescendants("div", "item", "list", "p", "section", "span")
                if "caption" in (el.get("id") or "") or "caption" in (el.get("class") or "")]

    sel.append(("TEASER_DISCARD_XPATH", 0, "c0b22696021e35a700ccbfc5a1cae802f6089143", teaser))
    sel.append(("DISCARD_IMAGE_ELEMENTS", 0, "6bf0a57a4c4cd449ada80164bbf50c50018f06f0", image_caption))

    # BODY_XPATH[0], [2], [3]: the first article container (trafilatura reads the first match only)
    content_tags = ("article", "div", "main", "section")
    article_id = _finder(tx._alt(tx._ARTICLE_CONTENT_ID_TOKENS))
    article_class = _remembered(_finder(tx._alt(tx._ARTICLE_CONTENT_CLASS_TOKENS)))

    def body_article(ctx: etree._Element) -> list:
        for el in ctx.iterdescendants(*content_tags):
            i, c = el.get("id"), el.get("class")
            if (c is not None and (c in ("post", "entry") or article_class(c))) \
                    or (i is not None and (i == "articleContent" or article_id(i))) \
                    or el.get("itemprop") == "articleBody":
                return [el]
        return []

    story_id = _finder(tx._alt(tx._STORY_ID_TOKENS))
    story_class = _finder(tx._alt(tx._STORY_CLASS_TOKENS))
    fulltext = _finder("fulltext", "i")

    def body_story(ctx: etree._Element) -> list:
        for el in ctx.iterdescendants(*content_tags):
            i, c = el.get("id"), el.get("class")
            if (c is not None and (c in ("postarea", "art-postcontent", "text", "cell", "story")
                                   or fulltext(c) or story_class(c))) \
                    or (i is not None and (i in ("article", "story") or story_id(i))) \
                    or el.get("role") == "article":
                return [el]
        return []

    main_id = _finder(tx._alt(tx._MAIN_CONTENT_ID_TOKENS))
    main_class = _finder(tx._alt(tx._MAIN_CONTENT_CLASS_TOKENS))

    def body_main(ctx: etree._Element) -> list:
        for el in ctx.iterdescendants(*content_tags):
            i, c = el.get("id"), el.get("class")
            if (i is not None and (i == "content" or main_id(i) or "main-content" in i.translate(_CM))) \
                    or (c is not None and (c == "content" or main_class(c) or "main-content" in c.translate(_CM)
                                           or "page-content" in c.translate(_CP))):
                return [el]
        return []

    sel.append(("BODY_XPATH", 0, "0673ee2ffbbe2eb709e944a75ba9ec9de937f9dd", body_article))
    sel.append(("BODY_XPATH", 2, "0a4c7447b2d457e9f7b6be6381b2317b382cebbc", body_story))
    sel.append(("BODY_XPATH", 3, "1c6c92144a4770dc0619a0b69332b25c98f9d954", body_main))
    return sel


_CM = str.maketrans("CM", "cm")
_CP = str.maketrans("CP", "cp")


def install() -> int:
    """Put the Python selections in trafilatura's XPath lists (once per process); returns how
    many were installed (0 when trafilatura is missing or its expressions differ)."""
    if "count" not in _INSTALLED:
        try:
            from trafilatura import xpaths as tx
            _INSTALLED["count"] = install_into(tx, _selectors())
        except (ImportError, AttributeError, ValueError):  # another trafilatura: its own XPaths stay
            _INSTALLED["count"] = 0
    return _INSTALLED["count"]


def install_into(module: Any, selectors: list[tuple[str, int, str, Selector]]) -> int:
    """Replace ``module.<name>[index]`` by a dispatch to its selection where the XPath there has
    exactly the transcribed source; returns how many were replaced."""
    count = 0
    for name, index, digest, fast in selectors:
        exprs = getattr(module, name, None)
        if not isinstance(exprs, list) or len(exprs) <= index:
            continue
        xpath = exprs[index]
        if isinstance(xpath, etree.XPath) and source_hash(xpath.path) == digest:
            exprs[index] = _Dispatch(xpath, fast)  # the lists are shared by trafilatura's modules
            count += 1
    return count


def installed() -> dict[tuple[str, int], tuple[etree.XPath, Selector]]:
    """(list name, index) -> (trafilatura's XPath, its Python selection), for the tests."""
    from trafilatura import xpaths as tx

    install()
    out = {}
    for name, index, _, _ in _selectors():
        entry = getattr(tx, name)[index]
        if isinstance(entry, _Dispatch):
            out[(name, index)] = (entry.xpath, entry.fast)
    return out
