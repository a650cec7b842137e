"""Sitemaps -> dated article URLs (for ``backfill`` with ``source="sitemap"``).

What news sites publish (https://www.sitemaps.org/protocol.html and Google's news sitemap
extension https://www.google.com/schemas/sitemap-news/0.9):

* ``<urlset>``: ``<url><loc>`` with an optional ``<lastmod>`` (W3C datetime: a date, or a
  date and time with an offset); Google News sitemaps add ``<news:news>`` with
  ``<news:publication_date>`` and ``<news:title>``;
* ``<sitemapindex>``: ``<sitemap><loc>`` (+ ``<lastmod>``) pointing at more sitemaps,
  nested indexes included (the protocol forbids nesting, sites do it anyway);
* any of these gzip-compressed (``sitemap.xml.gz`` served as ``application/x-gzip``,
  not as a ``Content-Encoding``), a plain-text list of URLs, or an RSS/Atom feed.

``parse_sitemap`` is a pure function (bytes -> ``ParsedSitemap``). ``discover`` walks an
index breadth-first through ``Fetcher.fetch(kind="sitemap")`` - so the SSRF guard, robots.txt,
size caps and per-host politeness apply to every file - with caps on depth, files and URLs,
and keeps the URLs dated inside a time window. Index entries whose ``lastmod`` is older than
the window are not fetched: a sitemap last changed before the window lists no URL changed
inside it.

XML is parsed without DTDs, entity expansion or network access (no XXE, no billion laughs).
"""
from __future__ import annotations

import re
import zlib
from collections import deque
from dataclasses import dataclass, field
from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

from lxml import etree

from newsmon.errors import FetchError, PermanentFetchError
from scrapers.urls import clean_url

__all__ = ["SitemapEntry", "SitemapRef", "ParsedSitemap", "SitemapError", "Discovery",
           "parse_sitemap", "parse_w3c_datetime", "gunzip_capped", "discover"]

_GZIP_MAGIC = b"\x1f\x8b"
_HTTP = re.compile(r"^https?://", re.I)


class SitemapError(PermanentFetchError):
    """The bytes are not a usable sitemap (one-line reason)."""


@dataclass(frozen=True)
class SitemapEntry:
    url: str                          # absolute, cleaned (same form as feed links)
    lastmod: datetime | None = None   # aware UTC
    published: datetime | None = None  # news:publication_date (aware UTC)
    title: str | None = None          # news:title

    @property
    def when(self) -> datetime | None:
        """The date the window is checked against: publication date first, else lastmod."""
        return self.published or self.lastmod


@dataclass(frozen=True)
class SitemapRef:
    url: str
    lastmod: datetime | None = None


@dataclass
class ParsedSitemap:
    kind: str  # "urlset" | "index" | "text" | "feed"
    entries: list[SitemapEntry] = field(default_factory=list)
    sitemaps: list[SitemapRef] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- parsing

def gunzip_capped(data: bytes, cap: int, *, url: str | None = None) -> bytes:
    """Decompress gzip ``data``, refusing more than ``cap`` bytes of output (gzip bombs)."""
    d = zlib.decompressobj(16 + zlib.MAX_WBITS)
    out = bytearray()
    try:
        chunk = d.decompress(data, cap + 1 - len(out))
        out += chunk
        while d.unconsumed_tail and len(out) <= cap:
            out += d.decompress(d.unconsumed_tail, cap + 1 - len(out))
        if len(out) <= cap:
            out += d.flush()
    except zlib.error as e:
        raise SitemapError(f"corrupt gzip sitemap at {url or '?'} ({e})", url=url) from None
    if len(out) <= cap and not d.eof:
        raise SitemapError(f"corrupt gzip sitemap at {url or '?'} (truncated or not gzip)", url=url)
    if len(out) > cap:
        raise SitemapError(f"gzip sitemap at {url or '?'} decompresses to more than {cap} bytes; "
                           f"refused (raise backfill.sitemap_max_bytes if it is genuine)", url=url)
    return bytes(out)


def parse_w3c_datetime(value: str | None, tz: timezone | ZoneInfo = timezone.utc) -> datetime | None:
    """A sitemap date (``2026-11-27``, ``2026-11``, ``2026-11-27T09:30+09:00``, ``...Z``) as aware
    UTC; a value without an offset is read in ``tz``; None if absent or unreadable."""
    if not value:
        return None
    s = value.strip()
    if not s:
        return None
    try:
        if re.fullmatch(r"\d{4}", s):
            dt = datetime(int(s), 1, 1)
        elif re.fullmatch(r"\d{4}-\d{2}", s):
            dt = datetime(int(s[:4]), int(s[5:7]), 1)
        else:
            # fromisoformat (3.11) reads dates, "Z", offsets, fractions and "T09:30".
            dt = datetime.fromisoformat(s.replace(" ", "T", 1) if re.match(r"\d{4}-\d{2}-\d{2} \d", s) else s)
    except ValueError:
        return None
    if dt.tzinfo is None or dt.utcoffset() is None:
        dt = dt.replace(tzinfo=tz)
    return dt.astimezone(timezone.utc)


def _local(tag: object) -> str:
    if not isinstance(tag, str):
        return ""  # comments, processing instructions
    return tag.rsplit("}", 1)[-1].lower()


def _child_text(el: etree._Element, name: str) -> str | None:
    for c in el:
        if _local(c.tag) == name:
            return (c.text or "").strip() or None
    return None


def _find(el: etree._Element, name: str) -> etree._Element | None:
    for c in el:
        if _local(c.tag) == name:
            return c
    return None


def _url(raw: str | None, base: str, counts: dict[str, int]) -> str | None:
    if not raw:
        counts["no_loc"] = counts.get("no_loc", 0) + 1
        return None
    try:
        url = clean_url(raw, base=base)
    except ValueError:
        counts["bad_loc"] = counts.get("bad_loc", 0) + 1
        return None
    if not _HTTP.match(url):
        counts["bad_loc"] = counts.get("bad_loc", 0) + 1
        return None
    return url


_PARSER_OPTS = dict(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                    huge_tree=False, remove_comments=True, remove_pis=True)


def parse_sitemap(data: bytes, url: str, *, tz: timezone | ZoneInfo = timezone.utc,
                  max_bytes: int = 50 * 1024 * 1024) -> ParsedSitemap:
    """Parse one sitemap file (XML urlset or index, gzip'd or not, text list, RSS/Atom).

    Raises ``SitemapError`` (one line) when nothing usable is there.
    """
    if data[:2] == _GZIP_MAGIC:
        data = gunzip_capped(data, max_bytes, url=url)
    if len(data) > max_bytes:
        raise SitemapError(f"sitemap at {url} is {len(data)} bytes, over the cap of {max_bytes}", url=url)
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head:
        raise SitemapError(f"empty sitemap at {url}", url=url)
    if not head.startswith(b"<"):
        return _parse_text(head, url)
    notes: list[str] = []
    try:
        root = etree.fromstring(head, etree.XMLParser(recover=False, **_PARSER_OPTS))
    except etree.XMLSyntaxError as e:
        # Sites ship sitemaps with a stray '&' or a truncated tail: read what can be read.
        root = etree.fromstring(head, etree.XMLParser(recover=True, **_PARSER_OPTS))
        notes.append(f"malformed XML, parsed leniently: {' '.join(str(e).split())[:160]}")
    if root is None:
        raise SitemapError(f"not XML at {url}: nothing parseable", url=url)
    kind = _local(root.tag)
    if kind in ("rss", "feed", "rdf"):
        return _parse_feed(data, url, notes)
    if kind not in ("urlset", "sitemapindex"):
        raise SitemapError(f"not a sitemap at {url}: root element <{kind or '?'}> "
                           f"(expected <urlset> or <sitemapindex>)", url=url)
    counts: dict[str, int] = {}
    out = ParsedSitemap(kind="urlset" if kind == "urlset" else "index", notes=notes)
    bad_dates = 0
    if kind == "sitemapindex":
        for sm in root:
            if _local(sm.tag) != "sitemap":
                continue
            loc = _url(_child_text(sm, "loc"), url, counts)
            if loc:
                raw_mod = _child_text(sm, "lastmod")
                mod = parse_w3c_datetime(raw_mod, tz)
                bad_dates += bool(raw_mod and mod is None)
                out.sitemaps.append(SitemapRef(loc, mod))
    else:
        for u in root:
            if _local(u.tag) != "url":
                continue
            loc = _url(_child_text(u, "loc"), url, counts)
            if not loc:
                continue
            raw_mod = _child_text(u, "lastmod")
            mod = parse_w3c_datetime(raw_mod, tz)
            bad_dates += bool(raw_mod and mod is None)
            published = title = None
            news = _find(u, "news")
            if news is not None:
                raw_pub = _child_text(news, "publication_date")
                published = parse_w3c_datetime(raw_pub, tz)
                bad_dates += bool(raw_pub and published is None)
                title = _child_text(news, "title")
            out.entries.append(SitemapEntry(loc, mod, published, title))
    if counts.get("no_loc") or counts.get("bad_loc"):
        notes.append(f"{counts.get('no_loc', 0) + counts.get('bad_loc', 0)} entries without a usable "
                     f"http(s) <loc> skipped")
    if bad_dates:
        notes.append(f"{bad_dates} unreadable dates ignored")
    return out


def _parse_text(data: bytes, url: str) -> ParsedSitemap:
    """The protocol's text format: one URL per line, UTF-8."""
    text = data.decode("utf-8", "replace")
    out = ParsedSitemap(kind="text")
    bad = 0
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        if not _HTTP.match(line):
            bad += 1
            continue
        try:
            out.entries.append(SitemapEntry(clean_url(line)))
        except ValueError:
            bad += 1
    if not out.entries:
        raise SitemapError(f"not a sitemap at {url}: neither XML nor a list of http(s) URLs", url=url)
    if bad:
        out.notes.append(f"{bad} lines that are not http(s) URLs skipped")
    return out


def _parse_feed(data: bytes, url: str, notes: list[str]) -> ParsedSitemap:
    """RSS 2.0 / Atom feeds are valid sitemaps too (sitemaps.org, "Syndication feed")."""
    from scrapers.feeds import parse_feed

    parsed = parse_feed(data, url)
    return ParsedSitemap(kind="feed", notes=notes + list(parsed.notes),
                         entries=[SitemapEntry(e.link, None, e.published, e.title) for e in parsed.entries])


# --------------------------------------------------------------------------- discovery

@dataclass
class Discovery:
    """What one sitemap tree holds for a time window."""

    root: str
    entries: list[SitemapEntry] = field(default_factory=list)  # in the window, each URL once
    listed: int = 0         # URLs listed by the urlsets read
    undated: int = 0        # listed without lastmod or publication date (not taken)
    out_of_range: int = 0   # dated outside the window
    files: int = 0          # sitemap files fetched and parsed
    pruned: int = 0         # index entries not fetched: last modified before the window
    errors: list[str] = field(default_factory=list)  # one line per file that failed
    notes: list[str] = field(default_factory=list)
    truncated: bool = False  # a cap stopped the walk
    root_failed: bool = False


async def discover(fetcher, root: str, *, start: datetime, end: datetime,
                   tz: timezone | ZoneInfo = timezone.utc, max_depth: int = 3, max_files: int = 500,
                   max_urls: int = 200_000, max_bytes: int = 50 * 1024 * 1024) -> Discovery:
    """Walk the sitemap tree at ``root`` and keep URLs dated in ``[start, end)``.

    ``fetcher`` is a ``scrapers.fetch.Fetcher`` (entered). Never raises for a bad file: the
    failure is recorded in ``errors`` (``root_failed`` when the root itself failed).
    """
    out = Discovery(root=root)
    seen_files: set[str] = set()
    seen_urls: set[str] = set()
    queue: deque[tuple[str, int]] = deque([(root, 0)])
    while queue:
        url, depth = queue.popleft()
        if url in seen_files:
            continue
        if out.files >= max_files:
            out.truncated = True
            out.notes.append(f"stopped after {max_files} sitemap files (backfill.sitemap_max_files); "
                             f"{len(queue) + 1} not read")
            break
        seen_files.add(url)
        try:
            res = await fetcher.fetch(url, kind="sitemap", max_bytes=max_bytes)
            parsed = parse_sitemap(res.content, res.final_url, tz=tz, max_bytes=max_bytes)
        except FetchError as e:
            out.errors.append(f"{url}: {e.kind}: {e}")
            out.root_failed = out.root_failed or url == root
            continue
        out.files += 1
        out.notes.extend(f"{url}: {n}" for n in parsed.notes)
        if parsed.kind == "index":
            if depth >= max_depth:
                out.truncated = True
                out.notes.append(f"{url}: index nested deeper than {max_depth} levels "
                                 f"(backfill.sitemap_max_depth); {len(parsed.sitemaps)} sitemaps not read")
                continue
            for ref in parsed.sitemaps:
                if ref.lastmod is not None and ref.lastmod < start:
                    out.pruned += 1
                    continue
                if ref.url not in seen_files:
                    queue.append((ref.url, depth + 1))
            continue
        for e in parsed.entries:
            if out.listed >= max_urls:
                out.truncated = True
                out.notes.append(f"stopped after {max_urls} URLs (backfill.sitemap_max_urls)")
                queue.clear()
                break
            out.listed += 1
            when = e.when
            if when is None:
                out.undated += 1
            elif not (start <= when < end):
                out.out_of_range += 1
            elif e.url not in seen_urls:
                seen_urls.add(e.url)
                out.entries.append(e)
    if out.undated:
        out.notes.append(f"{out.undated} URLs without lastmod or publication date not taken "
                         f"(their date is unknown)")
    return out


def day_start(d: date) -> datetime:
    """Midnight UTC of ``d``."""
    return datetime.combine(d, time(0), tzinfo=timezone.utc)
