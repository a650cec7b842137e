"""Feed bytes → entries: RSS 0.9x/2.0, RSS 1.0 (RDF), Atom and JSON Feed.

newsmon fetches feed bytes itself (``scrapers.fetch``: conditional GET, caps, SSRF
guard) and only hands bytes to feedparser, which therefore never opens a connection.

Dates: an entry date written without an offset ("2026-10-01 10:27:43", as BusinessKorea's
CMS writes them) is read in the outlet's zone (``default_tz``: the feed's ``timezone``, else
``scrapers.sites.default_zone``), not as UTC as feedparser would; ``ParsedFeed.naive_dates``
counts them (``newsmon feeds check`` and ``discover`` suggest a ``timezone`` key).

Safety: a document whose DTD declares entities is refused before parsing (no entity
expansion at all: billion laughs, quadratic blowup and external entities), instead
of relying on expat's amplification limits, which still let small bombs expand.
"""
from __future__ import annotations

import calendar
import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import feedparser

from newsmon.errors import PermanentFetchError
from scrapers import sites
from scrapers.metadata import parse_date
from scrapers.urls import clean_url


class FeedParseError(PermanentFetchError):
    """The bytes are not a usable feed (reason from feedparser or from our checks)."""


@dataclass(frozen=True)
class FeedEntry:
    link: str  # absolute, cleaned (tracking parameters removed)
    title: str | None
    published: datetime | None  # aware UTC, from the feed (fallback for the page's own date)
    entry_id: str | None
    summary: str | None = None
    authors: tuple[str, ...] = ()


@dataclass
class ParsedFeed:
    format: str  # feedparser's version string ("rss20", "atom10", "rss10", "json11", ...)
    title: str | None
    entries: list[FeedEntry]
    notes: list[str] = field(default_factory=list)  # e.g. "malformed XML, parsed leniently: ..."
    skipped: list[str] = field(default_factory=list)  # entries without a usable link, with reason
    naive_dates: int = 0  # entry dates written without an offset (read in default_tz)


_ENTITY_DECL = re.compile(rb"<!ENTITY", re.I)
_DOCTYPE = re.compile(rb"<!DOCTYPE", re.I)
_HTML_START = re.compile(rb"^\s*(?:<!--.*?-->\s*)*(?:<!DOCTYPE\s+html|<html)", re.I | re.S)


def _looks_like_json(body: bytes) -> bool:
    return body.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"{"


def feed_zone(feed) -> str | None:
    """The zone for a configured feed's offset-less dates: its ``timezone``, else the site's."""
    zone = sites.default_zone(feed.url)
    return feed.timezone or (zone[0] if zone else None)


def parse_feed(body: bytes, base_url: str, *, max_entries: int | None = None,
               default_tz: str | None = None) -> ParsedFeed:
    """Parse feed bytes; raise FeedParseError with a one-line reason when nothing usable is there.

    ``default_tz``: IANA zone for entry dates written without an offset (None: UTC).
    """
    if not body or not body.strip():
        raise FeedParseError("empty response body: not a feed", url=base_url)
    head = body[:65536]
    if _DOCTYPE.search(head) and _ENTITY_DECL.search(head):
        raise FeedParseError("feed declares XML entities (<!ENTITY>); refused to prevent entity "
                             "expansion (billion laughs / external entities)", url=base_url)
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FeedParseError("binary content (NUL bytes): not a feed", url=base_url)
    tz = ZoneInfo(default_tz) if default_tz else timezone.utc
    if _looks_like_json(body):
        parsed = _parse_json_feed(body, base_url, tz)
    else:
        if _HTML_START.match(head):
            raise FeedParseError("got an HTML page instead of a feed (check the feed URL)", url=base_url)
        parsed = _parse_xml_feed(body, base_url, tz)
    if max_entries is not None:
        parsed.entries = parsed.entries[:max_entries]
    return parsed


def _struct_to_dt(st) -> datetime | None:
    if not st:
        return None
    try:
        # feedparser normalises *_parsed to UTC struct_time.
        return datetime.fromtimestamp(calendar.timegm(st), tz=timezone.utc)
    except (OverflowError, ValueError, TypeError):
        return None


# The end of a date string that says where it is: Z, +09:00, -0500, GMT, KST, EST...
_HAS_ZONE = re.compile(r"(?:\d[zZ]|[+-]\d{2}:?\d{2}|\b(?![AaPp][Mm]\b)[A-Za-z]{2,5})\s*$")


def _entry_date(raw: str | None, parsed, tz: ZoneInfo | timezone) -> tuple[datetime | None, bool]:
    """(aware UTC date, whether it was written without an offset) of one entry date."""
    value = _struct_to_dt(parsed)
    if not raw or _HAS_ZONE.search(raw.strip()):
        return value, False
    # No offset: feedparser would read it as UTC (or not at all); read it in the outlet's zone.
    return parse_date(raw, tz) or value, True


def _parse_xml_feed(body: bytes, base_url: str, tz: ZoneInfo | timezone) -> ParsedFeed:
    # response_headers tells feedparser the base URL for relative links; it does no I/O on bytes.
    d = feedparser.parse(body, response_headers={"content-location": base_url}, sanitize_html=False,
                         resolve_relative_uris=True)
    notes: list[str] = []
    reason = _bozo_reason(d)
    if not d.get("version") and not d.entries:
        raise FeedParseError(f"not a feed: {reason or 'no RSS/Atom root element'}", url=base_url)
    if reason:
        if not d.entries:
            raise FeedParseError(f"malformed feed: {reason}", url=base_url)
        notes.append(f"malformed feed, parsed leniently: {reason}")
    entries, skipped, naive = [], [], 0
    for i, e in enumerate(d.entries):
        link = e.get("link") or _first_alternate(e) or (e.get("id") if _is_http(e.get("id")) else None)
        if not link:
            skipped.append(f"entry {i + 1} ({(e.get('title') or '')[:60]!r}) has no link")
            continue
        try:
            link = clean_url(link, base=base_url)
        except ValueError as err:
            skipped.append(f"entry {i + 1} has an invalid link {link!r}: {err}")
            continue
        if not _is_http(link):
            skipped.append(f"entry {i + 1} link {link[:80]!r} is not http(s)")
            continue
        key = next((k for k in ("published", "updated", "created") if e.get(k)), "published")
        published, no_offset = _entry_date(e.get(key), e.get(f"{key}_parsed"), tz)
        naive += no_offset
        authors = tuple(a.get("name") for a in e.get("authors", []) if a.get("name"))
        entries.append(FeedEntry(link=link, title=_clean(e.get("title")), published=published,
                                 entry_id=e.get("id"), summary=_clean(e.get("summary")), authors=authors))
    if reason and not entries:
        raise FeedParseError(f"malformed feed: {reason}", url=base_url)
    return ParsedFeed(format=d.get("version") or "unknown", title=_clean(d.feed.get("title")),
                      entries=entries, notes=notes, skipped=skipped, naive_dates=naive)


def _bozo_reason(d) -> str | None:
    if not d.get("bozo"):
        return None
    exc = d.get("bozo_exception")
    # A wrong Content-Type or charset declaration is harmless once the feed parsed.
    if exc is not None and type(exc).__name__ in ("CharacterEncodingOverride", "NonXMLContentType"):
        return None
    text = str(exc) if exc is not None else "unknown parse error"
    return " ".join(f"{type(exc).__name__}: {text}".split()) if exc is not None else text


def _first_alternate(e) -> str | None:
    for ln in e.get("links", []):
        if ln.get("rel", "alternate") == "alternate" and ln.get("href"):
            return ln["href"]
    return None


def _is_http(v) -> bool:
    return isinstance(v, str) and v.lower().startswith(("http://", "https://"))


def _clean(v) -> str | None:
    if not v:
        return None
    return " ".join(str(v).split()) or None


def _parse_json_feed(body: bytes, base_url: str, tz: ZoneInfo | timezone) -> ParsedFeed:
    """JSON Feed 1.0/1.1 (https://jsonfeed.org/version/1.1)."""
    try:
        doc = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise FeedParseError(f"invalid JSON feed: {e}", url=base_url) from None
    version = str(doc.get("version", "")) if isinstance(doc, dict) else ""
    if "jsonfeed.org" not in version or not isinstance(doc.get("items"), list):
        raise FeedParseError("JSON document is not a JSON Feed (no jsonfeed.org version or items)",
                             url=base_url)
    fmt = "json11" if version.rstrip("/").endswith("1.1") else "json10"
    entries, skipped, naive = [], [], 0
    for i, item in enumerate(doc["items"]):
        if not isinstance(item, dict):
            skipped.append(f"item {i + 1} is not an object")
            continue
        link = item.get("url") or item.get("external_url") or (item.get("id") if _is_http(item.get("id")) else None)
        if not isinstance(link, str) or not link:
            skipped.append(f"item {i + 1} has no url")
            continue
        link = clean_url(link, base=base_url)
        if not _is_http(link):
            skipped.append(f"item {i + 1} url {link[:80]!r} is not http(s)")
            continue
        published, no_offset = _iso(item.get("date_published") or item.get("date_modified"), tz)
        naive += no_offset
        authors_raw = item.get("authors") or ([item["author"]] if isinstance(item.get("author"), dict) else [])
        authors = tuple(a["name"] for a in authors_raw if isinstance(a, dict) and a.get("name"))
        entries.append(FeedEntry(link=link, title=_clean(item.get("title")), published=published,
                                 entry_id=str(item.get("id")) if item.get("id") is not None else None,
                                 summary=_clean(item.get("summary")), authors=authors))
    return ParsedFeed(format=fmt, title=_clean(doc.get("title")), entries=entries, skipped=skipped,
                      naive_dates=naive)


def _iso(v, tz: ZoneInfo | timezone) -> tuple[datetime | None, bool]:
    """(aware UTC date, whether it had no offset) of a JSON Feed RFC 3339 date."""
    if not isinstance(v, str):
        return None, False
    try:
        dt = datetime.fromisoformat(v.replace("Z", "+00:00"))
    except ValueError:
        return None, False
    naive = dt.tzinfo is None
    if naive:
        dt = dt.replace(tzinfo=tz)
    return dt.astimezone(timezone.utc), naive
