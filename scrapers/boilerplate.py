"""Link-list boilerplate: "most read" / "related" blocks removed from the tree, however small
the page.

A block is removed when a short heading that names such a list ("많이 본 뉴스", "인기 기사",
"관련 기사", "주요 뉴스", "실시간 ...", "Most read", "Most popular", "Related", "Trending",
"More stories", ...) is followed by a list or block whose text is mostly link text. The
heading and the links go; so does their wrapper when nothing else is left in it. Extractors
keep such lists on small pages (there is too little else to compare with), and an entity
named only in the list would then be flagged as mentioned by the article.

The rule is general: the heading is recognised by its words, the block by its link density;
no class names or hosts.
"""
from __future__ import annotations

import re

from lxml import etree

from scrapers.htmltext import in_body

# Heading text (whole, case-insensitive, spaces ignored for Korean) naming a list of other
# articles. Korean words are matched without spaces ("많이본뉴스" == "많이 본 뉴스").
_KO = (r"(?:가장|오늘의?|이\s*시각|지금|최근|함께\s*보면\s*좋은)?\s*"
       r"(?:(?:많이\s*(?:본|읽은|찾은|공유한|보는)|인기|관련|주요|실시간|추천|최신|화제의?|핫|랭킹|베스트|핫이슈)\s*){1,2}"
       r"(?:뉴스|기사|포토|영상|이슈|검색어|콘텐츠|글)?\s*(?:top\s*\d+|\d+)?")
_EN = (r"(?:the\s+)?(?:most\s+(?:read|popular|viewed|shared|emailed|commented|watched)"
       r"(?:\s+(?:stories|articles|news|today|this\s+week|now))?|"
       r"(?:related|recommended|suggested|trending|popular|top|latest|more|recent)"
       r"(?:\s+(?:news|stories|articles|posts|reads|links|content|coverage|videos|now|for\s+you|today|"
       r"from\s+[\w .'&-]{1,30}|on\s+[\w .'&-]{1,30}))?|"
       r"you\s+(?:may|might)\s+(?:also\s+)?(?:like|enjoy|be\s+interested\s+in)|"
       r"read\s+(?:next|more|also)|what\s+to\s+read\s+next|editor'?s?\s+picks?|don'?t\s+miss|"
       r"in\s+case\s+you\s+missed\s+it|also\s+(?:read|on\s+[\w .]{1,30}))")
LIST_HEADING = re.compile(rf"^\W*(?:{_KO}|{_EN})\W*(?:더\s*보기|more|see\s+all|view\s+all)?\W*$", re.IGNORECASE)
# Only elements that can be a heading: short text, a heading tag or a wrapper of one line.
_HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6", "strong", "b", "span", "p", "div",
                           "dt", "header", "em", "a", "button", "caption", "legend", "li", "section"})
MAX_HEADING_CHARS = 40
# The block after the heading must be at least this much link text, with at least MIN_LINKS links.
MIN_LINK_SHARE = 0.6
MIN_LINKS = 2
# A wrapper is climbed only when the heading is (nearly) all of its text.
_WRAPPER_LEVELS = 3
# Short text nodes (C-level XPath; a heading is looked for only behind one that matches).
_SHORT_TEXTS = etree.XPath(f"descendant::text()[string-length(normalize-space()) > 1 and "
                           f"string-length(normalize-space()) <= {MAX_HEADING_CHARS}]")


def _text_len(el: etree._Element) -> int:
    return len("".join(el.itertext()).strip())


def _link_stats(els: list[etree._Element]) -> tuple[int, int, int]:
    """(text chars, link text chars, links) over ``els``."""
    total = linked = links = 0
    for el in els:
        total += len(re.sub(r"\s+", "", "".join(el.itertext())))
        for a in el.iter("a"):
            t = len(re.sub(r"\s+", "", "".join(a.itertext())))
            if t:
                linked += t
                links += 1
    return total, linked, links


def _is_link_block(els: list[etree._Element]) -> bool:
    total, linked, links = _link_stats(els)
    return links >= MIN_LINKS and total > 0 and linked >= MIN_LINK_SHARE * total


def _following_link_block(el: etree._Element) -> list[etree._Element]:
    """The element siblings right after ``el`` that together are a block of links."""
    block: list[etree._Element] = []
    sib = el.getnext()
    while sib is not None:
        if not isinstance(sib.tag, str):
            sib = sib.getnext()
            continue
        if not _text_len(sib):
            sib = sib.getnext()
            continue
        if not _is_link_block([sib]):
            break
        block.append(sib)
        sib = sib.getnext()
    # each sibling is a link block, so their sum is one too (links and shares add up)
    return block


def _is_heading(el: etree._Element) -> bool:
    if not isinstance(el.tag, str) or el.tag.lower() not in _HEADING_TAGS:
        return False
    text = " ".join("".join(el.itertext()).split())
    return 0 < len(text) <= MAX_HEADING_CHARS and bool(LIST_HEADING.match(text))


def _remove(el: etree._Element) -> None:
    """Drop ``el`` but keep its tail text (it belongs to the surrounding content)."""
    parent = el.getparent()
    if parent is None:
        return
    if el.tail and el.tail.strip():
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


def remove_link_lists(tree: etree._Element, html: str | None = None) -> int:
    """Remove "most read"/"related" heading + link-list blocks in place; returns how many.
    (``html`` is accepted for the caller's convenience; the tree is what is read.)"""
    removed = 0
    root = tree.getroottree().getroot()
    # a text node that reads as the heading (or its first words, "많이 본" of
    # <h3><span>많이 본</span> 뉴스</h3>: the climb below reaches the <h3>)
    headings = [t.getparent() for t in in_body(_SHORT_TEXTS, tree)
                if t.is_text and LIST_HEADING.match(" ".join(t.split()))]
    for el in headings:
        if el is None or el.getparent() is None or not _is_heading(el):
            continue
        if el.getroottree().getroot() is not root:
            continue  # inside a block removed already
        head = el
        for _ in range(_WRAPPER_LEVELS + 1):
            block = _following_link_block(head)
            if block:
                break
            parent = head.getparent()
            # climb only through wrappers whose text is the heading's (<div class=tit><h3>..) or
            # that are the whole heading (<h3><span>많이 본</span> 뉴스</h3>)
            if parent is None or parent.tag in ("body", "html") or \
                    (_text_len(parent) > _text_len(head) + 2 and not _is_heading(parent)):
                break
            head = parent
        else:
            block = []
        if not block:
            block = _links_inside_heading_parent(head)
            if not block:
                continue
        wrapper = head.getparent()
        for b in block:
            _remove(b)
        _remove(head)
        removed += 1
        # the wrapper (<div class="rank">) goes too when nothing readable is left in it
        while wrapper is not None and wrapper.tag not in ("body", "html") and not _text_len(wrapper) \
                and wrapper.getparent() is not None:
            parent = wrapper.getparent()
            _remove(wrapper)
            wrapper = parent
    return removed


def _links_inside_heading_parent(head: etree._Element) -> list[etree._Element]:
    """Heading and links in one wrapper without a sibling list (``<div><b>Related</b>
    <a>..</a><a>..</a></div>``): the wrapper's other children, when they are all links."""
    parent = head.getparent()
    if parent is None or parent.tag in ("body", "html", "article", "main"):
        return []
    rest = [c for c in parent if c is not head and isinstance(c.tag, str)]
    if rest and _is_link_block(rest) and not (parent.text or "").strip() and \
            not any((c.tail or "").strip() for c in parent if isinstance(c.tag, str)):
        return rest
    return []
