"""HTML of an article page -> clean body text and metadata (a pure function).

The body cascade (``Extracted.method`` says which step produced the text):

1. ``site:<name>``     a per-site rule from ``scrapers.sites`` (declarative selectors) when the
                       URL's host has one and its selector yields a body;
2. a choice among candidate extractions of a lightly prepared tree (hidden elements removed,
   embedded tweets kept), made on measurable features by ``scrapers.bodychoice`` (prose-like
   paragraphs, agreement between the candidates, repeated short lines):
   ``trafilatura``       trafilatura's default mode with its own fallbacks,
   ``trafilatura-fast``  trafilatura's own extraction without the fallbacks,
   ``readability``       the readability body trafilatura compared against
   (all three from one trafilatura run: ``scrapers.candidates``), each without the page's
   caption and credit lines (``scrapers.captions``); the chosen one loses the short non-prose
   lines at its ends that the other extractor family lacks (``scrapers.edgetrim``);
3. ``container:<sel>`` a body container shared by Korean CMSs (``#article-view-content-div``,
                       ``itemprop=articleBody``...) read with ``<br>`` as line breaks;
4. ``embedded:*``      the body carried as data in scripts (``__NEXT_DATA__``, Next.js flight
                       data ``contentHtml``, JSON-LD ``articleBody``, state blobs).

The chosen text then goes through a line filter (``clean_lines``): repeated title and byline/date lines at the top, boilerplate at the bottom (copyright,
newsletter/follow/share prompts, reporter e-mail lines, photo credits, a trailing "related
stories" heading with its teaser titles; the outlet's calls to action, share rows and tip lines
with the unlabelled lines of their block: ``scrapers.footerlines``), "Read more:" link
lines, and duplicate paragraphs are removed, never more than a third of the text.

A page whose HTML holds no body anywhere comes back ``status="no_body"`` with a ``reason``
(paywall, consent wall, video page, JavaScript shell, empty page) - never navigation text.

Re-extraction: ``extract(raw_bytes, url, charset=..., feed_published=..., default_tz=...)``
is also the backfill entry point (``reextract`` is the same call, named for that use);
compare a stored ``extractor_version`` with ``EXTRACTOR_VERSION`` to find stale records.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import lxml.html
from lxml import etree

from scrapers import (
    bodychoice,
    boilerplate,
    brbody,
    candidates,
    captions,
    edgetrim,
    embedded,
    footerlines,
    sites,
)
from scrapers.decode import decode_html
from scrapers.htmltext import body_element, node_text, paragraphs
from scrapers.metadata import (
    DateInfo,
    detect_language,
    extract_metadata,
    korean_reporters,
)

# Bump when the output for the same HTML can change: stored articles with an older version
# are candidates for re-extraction from their kept raw HTML.
EXTRACTOR_VERSION = "3.2.0"

# Below this many characters a body is "no body" (a one-line teaser, a caption, a wall).
MIN_BODY_CHARS = 100
# A site rule's body shorter than this is checked against the generic candidates.
SHORT_BODY_CHARS = 600
# Below this, containers and script data are searched for a body (the DOM path found ~nothing).
TINY_BODY_CHARS = 250
# A container or script-data body replaces the DOM text when this much longer ...
PREFER_LONGER = 1.6
# ... or when this share of its word 3-grams is in the DOM text and it covers this share of
# the DOM text (the same article, minus extra lines or plus paragraph breaks).
SAME_TEXT = 0.9
SAME_TEXT_COVER = 0.75
# A trailing "related stories" heading is cut with the lines after it when each is at most this
# long (teaser titles) and all together at most this share of the text.
RELATED_TEASER_CHARS = 150
RELATED_TAIL_SHARE = 1 / 3
# With a paywall / consent / video marker, a body this short is the wall's teaser.
WALL_TEASER_CHARS = 600

__all__ = ["EXTRACTOR_VERSION", "DateInfo", "Extracted", "extract", "extract_file", "reextract"]


@dataclass
class Extracted:
    title: str | None
    text: str
    authors: list[str]
    published: DateInfo
    modified: DateInfo
    language: str | None
    canonical_url: str | None
    status: str                     # "ok" | "no_body"
    reason: str | None              # why no_body
    notes: list[str] = field(default_factory=list)
    method: str = ""                # which step produced the body

    def to_dict(self) -> dict:
        d = asdict(self)
        for k in ("published", "modified"):
            v = d[k]["value"]
            d[k]["value"] = v.isoformat() if v else None
        return d


# --------------------------------------------------------------------------- parsing

_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)


def _html_parser() -> etree.HTMLParser:
    """lxml.html's parser with its element classes looked up in C.

    lxml.html picks an element's class (``HtmlElement``, ``FormElement``...) in a Python
    callback, run each time an element is touched from Python: millions of calls per
    hundred pages, by our code and by trafilatura walking the tree. A namespace lookup
    with the same table gives every element the same class without the callback."""
    parser = lxml.html.HTMLParser()
    lookup = etree.ElementNamespaceClassLookup(etree.ElementDefaultClassLookup(
        element=lxml.html.HtmlElement, comment=lxml.html.HtmlComment,
        pi=lxml.html.HtmlProcessingInstruction, entity=lxml.html.HtmlEntity))
    classes = lookup.get_namespace(None)  # HTML elements have no namespace
    for tag, cls in lxml.html.HtmlElementClassLookup()._element_classes.items():
        classes[tag] = cls
    parser.set_element_class_lookup(lookup)
    return parser


_PARSER = _html_parser()


def _parse(html: str) -> etree._Element | None:
    html = _XML_DECL.sub("", html, count=1)
    if not html.strip():
        return None
    try:
        tree = lxml.html.document_fromstring(html, parser=_PARSER)
    except (etree.ParserError, ValueError, AssertionError):  # lxml asserts on odd fragments
        return None
    return tree


def _canonical_href(tree: etree._Element) -> str | None:
    for link in tree.iter("link"):
        if "canonical" in (link.get("rel") or "").lower().split() and link.get("href"):
            return link.get("href")
    for meta in tree.iter("meta"):
        if meta.get("property") == "og:url" and meta.get("content"):
            return meta.get("content")
    return None


def _zone(name: str) -> ZoneInfo | timezone:
    if name.upper() == "UTC":
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"default_tz {name!r} is not an IANA time zone such as 'Asia/Seoul'") from None


# --------------------------------------------------------------------------- body candidates

def _prepare_for_trafilatura(tree: etree._Element, html: str) -> None:
    """In-place, cheap, generic fixes before trafilatura sees the tree.

    * hidden elements (``hidden``, ``display:none``) are not part of what a reader sees
      (hover cards, off-screen menus, duplicated mobile copies);
    * embedded posts (tweets, Instagram) quoted in an article are part of its text, but
      trafilatura's class filters drop them: their class is removed, and so is the class
      of a wrapper that holds only the post (``<div class="social-media-embed">``).
    """
    # One walk over the body collects both kinds of hidden elements (an XPath per kind cost
    # more, and so did testing the raw HTML for each word first). The raw-HTML tests stay as
    # the gates they were - the marker is in the page as served - now made only for what
    # the walk found: an element counts when its own test and its word's gate hold.
    hidden, classed = _hidden_elements(tree)
    if hidden and ("hidden" in html or "none" in html):
        for el in hidden:
            el.drop_tree()
    gates: dict[str, bool] = {}
    for el, words in classed:
        for word in words:
            if word not in gates:
                gates[word] = word in html
        if any(gates[word] for word in words) and el.getparent() is not None:
            el.drop_tree()  # (inside a dropped hidden element: changes only that detached subtree)
    embeds: bool | None = None
    for el in tree.iter("blockquote"):
        if _EMBED_QUOTE.search(el.get("class") or ""):
            if embeds is None:
                embeds = any(w in html for w in _EMBED_WORDS)
            if embeds:
                del el.attrib["class"]
                _unmark_embed_wrappers(el)
    boilerplate.remove_link_lists(tree, html)


def _unmark_embed_wrappers(quote: etree._Element) -> None:
    """The wrappers around an embedded post (``<div class="social-media-embed">``) carry class
    words that trafilatura discards ("social", "embed"): the classes go from each ancestor
    whose text is only the post's, so the post stays wherever the article keeps it."""
    own = _text_chars(quote)
    parent = quote.getparent()
    while parent is not None and parent.tag not in ("body", "html") and _text_chars(parent) <= own:
        parent.attrib.pop("class", None)
        parent = parent.getparent()


def _text_chars(el: etree._Element) -> int:
    return len("".join("".join(el.itertext()).split()))


def _hidden_elements(tree: etree._Element
                     ) -> tuple[list[etree._Element], list[tuple[etree._Element, tuple[str, ...]]]]:
    """The body's elements a reader does not see: (marked ``hidden`` or styled ``display:none`` /
    ``visibility:hidden``; (element, the words of ``_HIDDEN_CLASS_WORDS`` in its class)),
    in document order."""
    body = body_element(tree)
    hidden: list[etree._Element] = []
    classed: list[tuple[etree._Element, tuple[str, ...]]] = []
    if body is None:
        return hidden, classed
    for el in body.iterdescendants(etree.Element):
        style = el.get("style")
        # (the substrings are a cheap test before the regex)
        if el.get("hidden") is not None or \
                (style and ("none" in style or "hidden" in style) and _DISPLAY_NONE.search(style)):
            hidden.append(el)
            continue
        cls = el.get("class")
        if cls and _HIDDEN_CLASS.search(cls):  # (one C-level test; the words only for a hit)
            classed.append((el, tuple(w for w in _HIDDEN_CLASS_WORDS if w in cls)))
    return hidden, classed


# Classes that frameworks use for text a reader never sees in place.
_HIDDEN_CLASS_WORDS = ("sr-only", "visually-hidden", "visuallyhidden", "screen-reader",
                       "element-hidden", "tooltip", "popover", "hovercard")
_HIDDEN_CLASS = re.compile("|".join(map(re.escape, _HIDDEN_CLASS_WORDS)))
_EMBED_WORDS = ("twitter-tweet", "instagram-media", "tiktok-embed")
_DISPLAY_NONE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_EMBED_QUOTE = re.compile("|".join(map(re.escape, _EMBED_WORDS)), re.IGNORECASE)


def _prepared(html: str) -> etree._Element | None:
    """The page's tree as ``_generic_body`` gives it to trafilatura: parsed and prepared."""
    tree = _parse(html)
    if tree is not None:
        _prepare_for_trafilatura(tree, html)
    return tree


def _readability(tree: etree._Element) -> str:
    from readability import Document

    try:
        # no url: making links absolute costs time and links are not kept
        doc = Document(tree, min_text_length=25)
        summary = doc.summary(html_partial=True)
    except Exception:  # noqa: BLE001 - readability raises bare Exceptions on odd pages
        return ""
    try:
        node = lxml.html.fragment_fromstring(summary, create_parent="div")
    except (etree.ParserError, ValueError, AssertionError):  # lxml asserts on odd fragments
        return ""
    return node_text(node)


# --------------------------------------------------------------------------- line filter

_COPYRIGHT = re.compile(r"©|ⓒ|\(c\)\s*\d{4}|copyright|all rights reserved|저작권자|무단\s*전재|"
                        r"재배포\s*금지|무단복제", re.IGNORECASE)
_TAIL_BOILER = re.compile(
    r"^(?:(?:tags?|tagged|topics|keywords|태그|키워드)\b.{0,250}|"
    r"\d*\s*comments?|tell us what you think.{0,40}|"
    r"email\s+\S+(?:\s+\S+)?\s+at\s+\S+@.{0,120}|have a tip\b.{0,160}|"
    r"\[?(?:사진|그래픽|영상|자료)\s*[=:].{0,60}\]?|"
    r"[가-힣]{2,4}\s*(?:기자|특파원|칼럼니스트|객원기자|선임기자|논설위원)(?:\s*\S*@\S+)?|"
    r"\S+@\S+\.\w+|(?:제보|보도자료)\s*[:는은].{0,80}|<?(?:저작권자|copyright).{0,150})$", re.IGNORECASE)
# Promotion prompts: a short line at the end of the text containing one of these.
_TAIL_PROMO = re.compile(
    r"\bsign up\b|\bsubscribe\b|\bnewsletters?\b|\bclick here\b|\bfollow (?:us|@|[\w .]{1,40} on "
    r"(?:twitter|facebook|instagram|youtube|linkedin))|\bget access to\b|\bdownload (?:the|our) app\b|"
    r"\b(?:like|liked|enjoy(?:ed)?) this (?:story|article)\b|\bshare (?:this|it) with\b|"
    r"구독|뉴스레터|카카오톡\s*채널|제보하기", re.IGNORECASE)
_ANYWHERE_LINK = re.compile(
    r"^(?:also on \S+\s|read more|related|also read|read also|see also|more|recommended|watch|"
    r"관련\s*기사|함께\s*보면|추천\s*기사|많이\s*본\s*뉴스)\s*[:：|>].{0,200}$", re.IGNORECASE)


def _is_tail_promo(line: str) -> bool:
    """A promotion prompt (``_TAIL_PROMO``), unless the line is a Korean declarative sentence:
    "회사는 카카오톡 채널을 열고 상담을 시작했다." is the story's last sentence, not a prompt."""
    return bool(_TAIL_PROMO.search(line)) and not footerlines.is_korean_sentence(line)


# "By Jane Doe", "By JANE DOE and John Roe | Reuters": names are capitalised words; "By the
# end of the year ..." is prose and stays.
_NAME = r"(?:[A-Z][\w.'’-]*|[a-z]{1,3}\b)(?:\s+(?:[A-Z][\w.'’-]*|[a-z]{1,3}\b)){0,4}"
_BYLINE_LINE = re.compile(
    rf"^(?:[Bb]y|BY|[Ww]ritten by|[Pp]osted by)\s+{_NAME}(?:\s*(?:,|and|&)\s*{_NAME})*"
    r"(?:\s*[|/–-]\s*.{0,60})?$")
_HEAD_META = re.compile(
    r"^(?:"
    r"(?:입력|등록|수정|송고|승인|업데이트|최종\s*수정|published|posted|updated|last updated)\s*[:：]?\s*"
    r"(?:\d{4}|[A-Za-z]{3,9}\.?\s+\d).{0,80}|"
    r"(?:\d{4}[./-]\d{1,2}[./-]\d{1,2}|\d{1,2}[./-]\d{1,2}[./-]\d{4}|[A-Za-z]{3,9}\.? \d{1,2}, \d{4})"
    r".{0,100})$", re.IGNORECASE)


# "About Samsung Electronics Co., Ltd." / "About the Company" / "### " release end markers
_ABOUT_HEADING = re.compile(
    r"^(?:[Aa]bout|ABOUT)\s+(?:the\s+)?[A-Z][\w&.,'’-]*(?:\s+[\w&.,'’-]+){0,6}$|^#{3,}$|^-\s*30\s*-$")
# "2024/02/29 17:05 송고", "2024-02-29 17:05 KST": a date line with at most a label.
_DATE_LINE = re.compile(
    r"^\d{4}[./-]\d{1,2}[./-]\d{1,2}\.?\s*(?:\d{1,2}:\d{2}(?::\d{2})?)?\s*"
    r"(?:송고|입력|수정|작성|등록|KST|UTC|GMT)?\s*$", re.IGNORECASE)


# a line's words, lower case (cached: the candidates share most of their lines)
_norm = captions.line_key


def _is_tag_list(line: str) -> bool:
    """"calendar 2018, stock car brasil, stock car interlagos, ..." - a keyword list."""
    items = [x.strip() for x in line.split(",")]
    return (len(items) >= 5 and "." not in line.rstrip(".")
            and all(0 < len(x.split()) <= 5 for x in items))


def _related_list_start(lines: list[str]) -> int:
    """Index where a trailing "related stories" block starts (``len(lines)`` when there is none).

    The block is the last line that reads as a list heading ("You may also like...", "Popular
    on ...", "관련 기사": ``boilerplate.LIST_HEADING``) and only short lines (teaser titles) after it,
    together at most ``RELATED_TAIL_SHARE`` of the text. The tree-level removal
    (``boilerplate.remove_link_lists``) misses such blocks when the links are not one block next to
    the heading; here only the order of lines is needed."""
    total = sum(len(x) for x in lines)
    for i in range(len(lines) - 1, 0, -1):
        if len(lines[i]) <= boilerplate.MAX_HEADING_CHARS and boilerplate.LIST_HEADING.match(lines[i]):
            tail = lines[i:]
            if all(len(x) <= RELATED_TEASER_CHARS for x in tail[1:]) \
                    and sum(len(x) for x in tail) <= RELATED_TAIL_SHARE * total:
                return i
            break
    return len(lines)


def _is_tail_boilerplate(line: str) -> bool:
    """A line that is boilerplate when it ends the text: copyright, prompts, reporter e-mail,
    photo credits, a date or byline, a tag list."""
    return len(line) < 300 and bool(
        _TAIL_BOILER.match(line) or _is_tail_promo(line) or footerlines.is_footer_line(line)
        or (len(line) < 120 and (_HEAD_META.match(line) or _DATE_LINE.match(line) or _BYLINE_LINE.match(line)))
        or (len(line) < 200 and _COPYRIGHT.search(line))
        or _is_tag_list(line))


def _pop_tail_boilerplate(lines: list[str], removed: list[str]) -> None:
    """Move the boilerplate lines at the end of ``lines`` to ``removed`` (never the last line)."""
    while len(lines) > 1 and _is_tail_boilerplate(lines[-1]):
        removed.append(lines.pop())


def clean_lines(text: str, title: str | None) -> tuple[str, list[str]]:
    """Remove boilerplate lines; returns (text, notes). Keeps at least 2/3 of the text."""
    lines = all_lines = paragraphs(text)
    if not lines:
        return "", []
    notes: list[str] = []
    removed: list[str] = []
    ntitle = _norm(title) if title else ""

    # top: the repeated headline, bylines and dates, a share row (only in the first few lines)
    head = 0
    while head < min(4, len(lines) - 1):
        line = lines[head]
        nl = _norm(line)
        if (ntitle and nl and (nl == ntitle or (len(nl) > 20 and ntitle.startswith(nl)))) \
                or (len(line) < 120 and (_HEAD_META.match(line) or _BYLINE_LINE.match(line))) \
                or footerlines.is_footer_line(line):
            head += 1
            continue
        break
    removed += lines[:head]
    lines = lines[head:]

    # bottom: a press release's "About <Company>" boilerplate (it names the company in every
    # release: a false mention), then copyright, prompts, reporter e-mail, photo credits
    total_len = sum(len(x) for x in lines)
    for i in range(len(lines) // 2, len(lines)):
        if _ABOUT_HEADING.match(lines[i]) and sum(len(x) for x in lines[i:]) <= 0.4 * total_len:
            removed += lines[i:]
            lines = lines[:i]
            break
    # tail boilerplate, an outlet's call-to-action block with its unlabelled lines ("Follow X on
    # Instagram", "Listen live at ..."), a trailing "related stories" list: each can hide the
    # others (prompts above a related list, a reporter line above the prompts), so until none is left
    while True:
        before = len(lines)
        _pop_tail_boilerplate(lines, removed)
        cut = max(1, min(footerlines.footer_zone_start(lines), _related_list_start(lines)))
        removed += lines[cut:]
        del lines[cut:]
        if len(lines) == before:
            break

    kept: list[str] = []
    seen: set[str] = set()
    duplicates = 0
    for line in lines:
        if len(line) < 250 and _ANYWHERE_LINK.match(line):
            removed.append(line)
            continue
        key = _norm(line)
        if len(key) >= 40 and key in seen:
            duplicates += 1  # a repeat loses nothing: not counted against the 1/3 guard
            continue
        seen.add(key)
        kept.append(line)

    total = sum(len(x) for x in all_lines)
    # an outlet prompt is never the story (``footerlines``): like a repeat, it is not counted
    # against the guard, which a short news brief under a long prompt block would else trip
    if removed and sum(len(x) for x in removed if not footerlines.is_footer_line(x)) > total / 3:
        return "\n\n".join(all_lines), ["line filter would remove over a third; skipped"]
    if removed or duplicates:
        notes.append(f"line filter removed {len(removed) + duplicates} boilerplate or repeated line(s)")
    return "\n\n".join(kept), notes


# --------------------------------------------------------------------------- walls

_PAYWALL = re.compile(
    r"subscribe to (?:continue|read)|subscribers? only|for subscribers|already a subscriber|"
    r"to continue reading|this (?:article|content) is (?:only )?(?:available|reserved) (?:to|for)|"
    r"premium (?:article|content)|paywall|유료\s*(?:회원|기사|구독)|구독자\s*전용|"
    r"로그인\s*(?:후|하시면)\s*(?:이용|열람|보실)|회원\s*전용|프리미엄\s*기사", re.IGNORECASE)
_CONSENT = re.compile(
    r"(?:we|our partners) (?:use|store) cookies|cookie (?:policy|settings|consent)|"
    r"consent to (?:the use of|our use of)|accept (?:all )?cookies|manage (?:your )?(?:privacy|consent)|"
    r"we value your privacy|before you continue|쿠키\s*(?:사용|정책)|개인정보\s*수집.{0,20}동의", re.IGNORECASE)
_JS_NEEDED = re.compile(r"enable javascript|javascript (?:is )?(?:required|disabled)|"
                        r"자바스크립트.{0,20}(?:활성화|사용)", re.IGNORECASE)


def _no_body_reason(tree: etree._Element, md, page_text: str, body: str) -> str:
    if md.accessible_for_free is False or _PAYWALL.search(page_text):
        return "paywall: the page shows only a teaser or a subscription prompt"
    if _CONSENT.search(page_text) and len(page_text) < 3000:
        return "consent wall: the page asks for cookie/privacy consent instead of showing the article"
    og_type = (md.og_type or "").lower()
    ld_types = {str(o.get("@type", "")).lower() for o in md.jsonld}
    if og_type.startswith("video") or "videoobject" in ld_types or \
            (tree.find(".//video") is not None and len(page_text) < 2000):
        return "video page: the content is a video, no article text"
    shell_ids = {"__next", "root", "app", "__nuxt", "svelte"}
    has_shell = any((el.get("id") or "") in shell_ids for el in tree.iter("div"))
    if _JS_NEEDED.search(page_text) or (has_shell and len(page_text) < 1500):
        return "JavaScript shell: the text is loaded by scripts and not in the HTML"
    if not page_text.strip():
        return "empty page: no visible text"
    return f"no article body found ({len(body)} characters of candidate text)"


def _is_wall_text(text: str) -> bool:
    """The extracted text is itself a paywall/consent/JS prompt, not an article."""
    return bool(_PAYWALL.search(text) or _CONSENT.search(text) or _JS_NEEDED.search(text))


def _wall_marker(md, page_text: str) -> str | None:
    if md.accessible_for_free is False or _PAYWALL.search(page_text):
        return "paywall"
    if _CONSENT.search(page_text) and len(page_text) < 3000:
        return "consent"
    return None


# --------------------------------------------------------------------------- main

def extract(html: str | bytes, url: str | None = None, *, charset: str | None = None,
            feed_published: datetime | None = None, default_tz: str | None = None,
            now: datetime | None = None) -> Extracted:
    """Clean body and metadata of one article page. Pure: no network, no database.

    ``html`` may be the raw bytes (decoded with ``scrapers.decode.decode_html`` using the HTTP
    ``charset``) or text. ``default_tz`` is the outlet's zone for dates without an offset;
    when it is None (the feed config names no zone), a site rule's zone for the URL's host,
    or Asia/Seoul for a .kr host, is used (noted), else UTC. Without ``url`` the page's canonical URL stands in.
    ``now`` bounds "future" dates (default: the current time).
    """
    notes: list[str] = []
    if isinstance(html, (bytes, bytearray, memoryview)):
        decoded = decode_html(bytes(html), charset)
        notes.extend(decoded.notes)
        html = decoded.text
    elif not isinstance(html, str):
        raise TypeError(f"extract() needs str or bytes, got {type(html).__name__}")
    now = now or datetime.now(UTC)
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)

    tree = _parse(html)
    # Without a URL (a saved file) the page's own canonical URL picks the site rule.
    page_url = url or (_canonical_href(tree) if tree is not None else None)
    rule = sites.rule_for(page_url)
    tz_name = default_tz or "UTC"
    if default_tz is None:
        # The caller gave no zone for the outlet: a site rule's zone, or Seoul for .kr hosts.
        zone = sites.default_zone(page_url)
        if zone is not None:
            tz_name = zone[0]
            notes.append(f"dates without offset read in {tz_name} ({zone[1]})")
    tz = _zone(tz_name)

    if tree is None:
        return Extracted(None, "", [], DateInfo(feed_published and _utc(feed_published, tz),
                                                feed_published and feed_published.isoformat(),
                                                feed_published and "feed"),
                         DateInfo(), None, None, "no_body", "empty page: no HTML", notes, "none")

    # The generic path lets trafilatura prune the tree in place (no copy per page); the
    # page's full visible text, needed only for bylines and walls, then comes from a reparse.
    state: dict = {"tree": tree}

    def pristine() -> etree._Element:
        if state["tree"] is None:
            state["tree"] = _parse(html)
        return state["tree"]

    def page_text() -> str:
        if "text" not in state:
            body_el = pristine().find("body")
            state["text"] = node_text(body_el) if body_el is not None else ""
        return state["text"]

    md = extract_metadata(tree, page_url, tz=tz, now=now, feed_published=feed_published,
                          visible_text=page_text)
    notes.extend(md.notes)

    # The body choice scores every candidate by its line-filtered text; the chosen one is
    # filtered again below: one filter run per distinct text of this page.
    filtered: dict[str, tuple[str, list[str]]] = {}

    def clean(t: str) -> tuple[str, list[str]]:
        if t not in filtered:
            filtered[t] = clean_lines(t, md.title)
        return filtered[t]

    text, method = "", "none"
    if rule is not None:
        found = sites.site_body(tree, rule)
        if found:
            text, method = found[0], f"site:{rule.name}"
        else:
            notes.append(f"site rule {rule.name} matched the host but no body selector did")

    if not text or len(text) < SHORT_BODY_CHARS:
        # No rule, or a rule that found little (a redesign moves the body): the generic
        # cascade runs and wins only when clearly longer.
        site_text, site_method = text, method
        state["tree"] = None  # from here on `tree` is pruned
        text, method = _generic_body(tree, html, url, md, notes, clean)
        if site_text and len(text) <= PREFER_LONGER * len(site_text):
            text, method = site_text, site_method
        elif site_text:
            notes.append(f"site rule gave {len(site_text)} chars, {method} {len(text)}: took {method}")

    # the reporter line ("홍길동 기자 hong@...") is read before the line filter drops it
    authors = md.authors or korean_reporters(paragraphs(text))
    text, line_notes = clean(text)
    notes.extend(line_notes)
    language = _language(md.language, text or page_text(), rule, notes)

    status, reason = "ok", None
    wall = (_wall_marker(md, page_text())
            if md.accessible_for_free is False or len(text) < WALL_TEASER_CHARS else None)
    if len(text) < MIN_BODY_CHARS or (len(text) < WALL_TEASER_CHARS and _is_wall_text(text)):
        status = "no_body"
        reason = _no_body_reason(pristine(), md, page_text(), text)
        if text:
            notes.append(f"discarded {len(text)} characters of candidate text ({method})")
        text = ""
    elif wall == "paywall":
        notes.append("paywall marker on the page: the text may be only the free part")
    return Extracted(md.title, text, authors, md.published, md.modified, language,
                     md.canonical_url, status, reason, notes, method)


def _generic_body(tree: etree._Element, html: str, url: str | None, md, notes: list[str],
                  clean: Callable[[str], tuple[str, list[str]]]) -> tuple[str, str]:
    """Candidates on any host, chosen by features (``scrapers.bodychoice``); then, for a
    short or unbroken choice, a marked-up container or script data (``_better_source``)."""
    _prepare_for_trafilatura(tree, html)
    # read before trafilatura prunes the tree; the candidates drop these lines
    caption_keys = captions.caption_keys(tree, html) | captions.shouted_link_keys(tree)
    # one trafilatura run yields all three candidates (scrapers.candidates)
    # the tree is handed over to trafilatura (no copy of it); the rare fallbacks rebuild it
    raw = candidates.trafilatura_candidates(tree, url, _readability, rebuild=lambda: _prepared(html))
    if max(len(t) for _, t in raw) < SHORT_BODY_CHARS:
        # Little text on the prepared tree: the pre-cleaning may have removed the body (a
        # wrapper marked hidden until scripts run): trafilatura on the page as served too.
        raw.append(("trafilatura-unprepared", candidates.trafilatura_text(html, url)))
    # (once per distinct text: trafilatura and its own extraction are often the same)
    uncaptioned = {text: captions.drop_caption_lines(text, caption_keys) for _, text in raw}
    raw = [(name, uncaptioned[text]) for name, text in raw]
    # Scored on what the line filter would keep: boilerplate lines it removes anyway must
    # not count for or against a candidate.
    cleaned = [bodychoice.Candidate(name, clean(text)[0]) for name, text in raw]
    choice = bodychoice.choose(cleaned, min_chars=MIN_BODY_CHARS)
    text, method = dict(raw).get(choice.name, ""), choice.name
    notes.append(choice.note())
    text, trimmed = edgetrim.trim_edges(text, method, raw)
    if trimmed:
        notes.append(f"{trimmed} edge line(s) no other extractor family found: trimmed")

    br_body = brbody.better_body(html, text, _parse)
    if br_body:
        notes.append(f"{method} text ({len(text)} chars) holds the <br>-body {br_body[1]}: took it")
        text, method = br_body

    # A marked-up body container (``itemprop=articleBody``, Korean CMS ids) or script data
    # is a second source of the same article: taken when the DOM candidates found ~nothing,
    # or when it is the chosen text without its extra lines (a precise subset) or with
    # its paragraph breaks (trafilatura flattens JSON-LD bodies it finds).
    # (only for short texts: the container search walks the whole page)
    if len(text) < SHORT_BODY_CHARS or "\n" not in text.strip():
        fresh = _parse(html)
        if fresh is not None:
            boilerplate.remove_link_lists(fresh, html)
        container = sites.generic_body(fresh) if fresh is not None else None
        if container and _better_source(container[0], text):
            notes.append(f"body from container {container[1]}")
            text, method = container[0], f"container:{container[1]}"
        # a body without a single paragraph break was probably flattened from data
        if fresh is not None and (len(text) < TINY_BODY_CHARS or "\n" not in text.strip()):
            found = embedded.embedded_body(fresh, md.article_ld)
            if found and _better_source(found[0], text):
                notes.append(f"DOM had {len(text)} chars; body taken from {found[1]}")
                text, method = found
    return text, method


def _better_source(found: str, text: str) -> bool:
    """Whether a container's or script data's text should replace the chosen DOM text."""
    if len(found) > PREFER_LONGER * len(text):
        return True
    got, have = bodychoice.trigrams(found), bodychoice.trigrams(text)
    if not got or not have:
        return False
    inside = len(got & have) / len(got)
    covered = len(got & have) / len(have)
    # the same article, nothing added, at most a tail or head of extra lines dropped
    return inside >= SAME_TEXT and covered >= SAME_TEXT_COVER


def _language(declared: str | None, text: str, rule, notes: list[str]) -> str | None:
    detected = detect_language(text) if text else None
    if declared and detected and declared != detected and detected in ("ko", "ja", "zh", "ru", "ar", "th"):
        notes.append(f"page declares language {declared!r} but its text is {detected!r}; using {detected!r}")
        return detected
    if declared:
        return declared
    if detected:
        return detected
    return rule.language if rule else None


def _utc(value: datetime, tz) -> datetime:
    if value.tzinfo is None:
        value = value.replace(tzinfo=tz)
    return value.astimezone(UTC)


def reextract(raw_html: bytes, url: str | None, charset: str | None = None,
              feed_published: datetime | None = None, default_tz: str | None = None,
              now: datetime | None = None) -> Extracted:
    """Backfill: re-run the current extractor on a stored page's raw bytes (same as extract)."""
    return extract(raw_html, url, charset=charset, feed_published=feed_published,
                   default_tz=default_tz, now=now)


def extract_file(path: str) -> dict:
    """For ``newsmon extract FILE``: one JSON-able record per page file (raw bytes decoded
    by the documented order; the file name is no URL, so no site rule applies)."""
    p = Path(path)
    raw = p.read_bytes()
    if p.suffix == ".gz":
        import gzip
        raw = gzip.decompress(raw)
    r = extract(raw, None)
    return {
        "path": str(path),
        "title": r.title,
        "text": r.text,
        "published": r.published.value.isoformat() if r.published.value else None,
        "modified": r.modified.value.isoformat() if r.modified.value else None,
        "authors": r.authors,
        "language": r.language,
        "canonical_url": r.canonical_url,
        "status": r.status,
        "reason": r.reason,
        "method": r.method,
        "notes": r.notes,
        "extractor_version": EXTRACTOR_VERSION,
    }


def main(argv: list[str] | None = None) -> int:
    """``python -m scrapers.extract FILE...``: one JSON line per file (what ``newsmon extract``
    prints). A file that cannot be read gets a one-line error on stderr; the others go on."""
    import json
    import sys

    paths = sys.argv[1:] if argv is None else argv
    failed = 0
    for path in paths:
        try:
            record = extract_file(path)
        except OSError as e:
            print(f"{path}: cannot read ({e.strerror or e})", file=sys.stderr)
            failed += 1
            continue
        print(json.dumps(record, ensure_ascii=False), flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
