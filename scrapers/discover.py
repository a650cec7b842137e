"""``newsmon feeds discover URL``: the feeds a site offers, each one verified by parsing it.

Order, as feed readers do it (Miniflux's subscription finder, feedfinder2):

1. the URL itself, when it already is a feed;
2. the feeds the page advertises: ``<link rel="alternate">`` (or ``rel="feed"``) of type RSS,
   Atom, RDF or JSON Feed, hrefs resolved against ``<base href>`` and the final URL;
3. links in the page that look like feeds (``rss``, ``atom``, ``feed``, ``.xml`` in the
   path) on the same site: the RSS index pages of Korean outlets list their section feeds
   this way, without ``<link>`` tags;
4. when none of that found a feed (or when asked), common paths on the site: ``/feed``,
   ``/rss``, ``/rss.xml``, ``/atom.xml``, ``/feed.xml``, ``/index.xml``, ``/feed.json``, and
   ``/rss/allArticle.xml`` of the ND soft CMS that many Korean outlets run.

Every candidate is fetched through the fetcher (SSRF guard, robots.txt, caps: a discovery
is crawling too) and kept only if it parses as a feed with entries; at most
``[feed_tools] discover_max_candidates`` candidates are tried. Advertised feeds that do not
work are reported with the reason; failed guesses of common paths are expected and only
counted.
"""
from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urldefrag, urljoin, urlsplit

import lxml.html
from lxml import etree

from newsmon.errors import BotChallengeError, FetchError, InputError
from scrapers.decode import decode_html
from scrapers.feeds import FeedParseError, ParsedFeed, parse_feed
from scrapers.fetch import Fetcher
from scrapers.sites import default_zone
from scrapers.urls import same_site

FEED_LINK_TYPES = frozenset({
    "application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/feed+json",
    "application/json", "application/x-rss+xml", "application/x-atom+xml", "text/xml",
    "application/xml", "text/rss+xml",
})
COMMON_PATHS: tuple[str, ...] = (
    "/feed", "/rss", "/rss.xml", "/atom.xml", "/feed.xml", "/index.xml", "/feed.json",
    "/rss/allArticle.xml", "/index.rss", "/feeds/posts/default", "/?feed=rss2",
)
_FEEDISH = re.compile(r"(?:^|[/_.\-])(?:rss|atom|feeds?|xml)(?:$|[/_.\-?])|\.(?:rss|atom|xml)(?:$|\?)", re.I)
MAX_PAGE_LINKS = 2000  # anchors looked at per page (a portal's home page has thousands)


@dataclass
class Candidate:
    url: str
    source: str                 # "self", "link", "anchor", "path"
    hint: str | None = None     # title attribute / link text


@dataclass
class FoundFeed:
    url: str
    source: str
    title: str | None
    format: str
    entries: int
    newest: datetime | None
    naive_dates: int
    zone: str | None            # the site's zone for those dates, if newsmon knows one
    hint: str | None = None
    final_url: str | None = None  # where the URL redirects to, if it does


@dataclass
class Discovery:
    url: str
    final_url: str | None
    feeds: list[FoundFeed] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)   # advertised/linked feeds that failed, one line each
    notes: list[str] = field(default_factory=list)
    tried: int = 0
    cut: bool = False  # candidates left untried at the cap


def _page_tree(body: bytes, charset: str | None) -> etree._Element | None:
    text = decode_html(body, charset).text
    if not text.strip():
        return None
    try:
        return lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError):
        return None


def _resolve(base: str, href: str | None) -> str | None:
    if not href or not href.strip():
        return None
    try:
        url = urldefrag(urljoin(base, href.strip()))[0]
    except ValueError:
        return None
    return url if urlsplit(url).scheme in ("http", "https") else None


def page_candidates(tree: etree._Element, page_url: str) -> tuple[list[Candidate], list[Candidate]]:
    """(advertised feeds, feed-looking links) of a parsed page, URLs resolved, in page order."""
    base_el = tree.find(".//base[@href]")
    base = _resolve(page_url, base_el.get("href")) if base_el is not None else None
    base = base or page_url
    links: list[Candidate] = []
    for el in tree.iter("link"):
        rel = set((el.get("rel") or "").lower().split())
        kind = (el.get("type") or "").split(";")[0].strip().lower()
        if ("alternate" in rel and kind in FEED_LINK_TYPES) or ("feed" in rel and (not kind or kind in FEED_LINK_TYPES)):
            url = _resolve(base, el.get("href"))
            if url:
                links.append(Candidate(url, "link", " ".join((el.get("title") or "").split()) or None))
    anchors: list[Candidate] = []
    for i, el in enumerate(tree.iter("a")):
        if i >= MAX_PAGE_LINKS:
            break
        url = _resolve(base, el.get("href"))
        if not url or not same_site(url, page_url):
            continue
        path = urlsplit(url).path + ("?" + urlsplit(url).query if urlsplit(url).query else "")
        if _FEEDISH.search(path) and "sitemap" not in path.lower():
            text = " ".join((el.text_content() or "").split())
            anchors.append(Candidate(url, "anchor", (el.get("title") or text or None)))
    return links, anchors


def common_candidates(url: str) -> list[Candidate]:
    """Common feed paths at the site's root and, for a URL with a path, below that path."""
    parts = urlsplit(url)
    root = f"{parts.scheme}://{parts.netloc}"
    out = [Candidate(root + p, "path") for p in COMMON_PATHS]
    path = parts.path.rstrip("/")
    if path and "." not in path.rsplit("/", 1)[-1]:  # /blog, not /article.html
        out += [Candidate(root + path + p, "path") for p in COMMON_PATHS if not p.startswith("/?")]
    return out


def _unique(cands: list[Candidate], seen: set[str]) -> list[Candidate]:
    out = []
    for c in cands:
        if c.url not in seen:
            seen.add(c.url)
            out.append(c)
    return out


async def _verify(fetcher: Fetcher, cand: Candidate) -> tuple[Candidate, FoundFeed | None, str | None, str | None]:
    """(candidate, feed, why not, final URL) after fetching and parsing it."""
    try:
        res = await fetcher.fetch(cand.url, kind="feed")
        zone = default_zone(res.final_url)
        parsed = parse_feed(res.content, res.final_url, default_tz=zone[0] if zone else None)
    except FetchError as e:
        return cand, None, f"{e.failure}: {e}", None
    if not parsed.entries:
        return cand, None, f"a {parsed.format} feed without entries", res.final_url
    feed = _found(cand, parsed, zone[0] if zone else None)
    if res.final_url != cand.url:
        feed.final_url = res.final_url
    return cand, feed, None, res.final_url


def _found(cand: Candidate, parsed: ParsedFeed, zone: str | None) -> FoundFeed:
    dated = [e.published for e in parsed.entries if e.published]
    return FoundFeed(url=cand.url, source=cand.source, title=parsed.title, format=parsed.format,
                     entries=len(parsed.entries), newest=max(dated) if dated else None,
                     naive_dates=parsed.naive_dates, zone=zone, hint=cand.hint)


async def _try_all(fetcher: Fetcher, cands: list[Candidate], found: Discovery, finals: set[str],
                   budget: int) -> None:
    room = max(0, budget - found.tried)
    found.cut = found.cut or len(cands) > room
    cands = cands[:room]
    found.tried += len(cands)
    for cand, feed, why, final in await asyncio.gather(*(_verify(fetcher, c) for c in cands)):
        if feed is not None:
            if final in finals:  # the same feed under a second URL (a redirect)
                continue
            finals.add(final or feed.url)
            found.feeds.append(feed)
        elif cand.source != "path":
            found.rejected.append(f"{cand.url} ({'advertised by <link>' if cand.source == 'link' else 'linked'}"
                                  f"): {why}")


async def discover(fetcher: Fetcher, url: str, *, max_candidates: int = 30,
                   probe: bool = False) -> Discovery:
    """Find and verify the feeds of ``url``. InputError when the page cannot be read and
    nothing else could be tried (a bot challenge, an address the guard refuses)."""
    found = Discovery(url=url, final_url=None)
    seen: set[str] = set()
    finals: set[str] = set()
    tree = None
    try:
        res = await fetcher.fetch(url, kind="page")
    except BotChallengeError as e:
        raise InputError(f"{url}: {e.failure}: {e}; newsmon does not solve challenges") from None
    except FetchError as e:
        if e.kind == "blocked":
            raise InputError(f"{url}: {e.failure}: {e}") from None
        found.notes.append(f"the page could not be fetched ({e.failure}: {e}); trying common feed paths")
        probe = True
    else:
        found.final_url = res.final_url
        seen.add(url)
        try:  # the URL may be a feed already
            parsed = parse_feed(res.content, res.final_url)
        except FeedParseError:
            parsed = None
        if parsed is not None and parsed.entries:
            found.tried = 1
            zone = default_zone(res.final_url)
            feed = _found(Candidate(url, "self"), parsed, zone[0] if zone else None)
            feed.final_url = res.final_url if res.final_url != url else None
            found.feeds.append(feed)
            return found
        tree = _page_tree(res.content, res.charset)
    if tree is not None:
        links, anchors = page_candidates(tree, found.final_url or url)
        await _try_all(fetcher, _unique(links, seen), found, finals, max_candidates)
        await _try_all(fetcher, _unique(anchors, seen), found, finals, max_candidates)
    if probe or not found.feeds:
        await _try_all(fetcher, _unique(common_candidates(found.final_url or url), seen), found, finals,
                       max_candidates)
    if found.cut:
        found.notes.append(f"stopped after {max_candidates} candidates ([feed_tools] discover_max_candidates)")
    return found
