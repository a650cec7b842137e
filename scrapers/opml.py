"""OPML, the feed readers' exchange format: read subscriptions from one, write the config as one.

Reading treats the file as hostile XML from a stranger (the same rules as feeds):

* a size cap (``[feed_tools] opml_max_bytes``), checked before and while reading;
* defusedxml: entity declarations (billion laughs, quadratic blowup), external entities
  (XXE) and external DTDs are refused before any expansion or fetch;
* a nesting cap (``opml_max_depth``), checked while parsing, and a flat walk afterwards
  (no recursion to exhaust);
* nothing is fetched: ``type="include"`` outlines (another OPML by URL) are reported, not followed.

Nested outlines (folders, categories) are flattened; the folder path is kept as a comment.
Feeds appearing twice (same URL after normalisation) are listed once. An outline whose
``xmlUrl`` is not an http(s) URL is skipped with a one-line reason; ``feed://`` URLs, as
old readers wrote them, are read as http(s).

Writing produces OPML 2.0 (http://opml.org/spec2.opml): one ``type="rss"`` outline per
feed, ``isComment="true"`` for disabled ones (the spec's way to comment an outline out),
the feed's ``language`` as the spec's attribute, and its ``timezone`` and ``sitemap`` as
attributes in newsmon's own namespace, so that an export imports back to the same feeds.
"""
from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import format_datetime
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import defusedxml
import defusedxml.ElementTree as SafeET
import httpx

from newsmon.errors import InputError

NEWSMON_NS = "https://github.com/newsmon/newsmon/ns/opml"
MAX_URL_CHARS = 2048


@dataclass
class OpmlFeed:
    title: str | None
    url: str
    category: tuple[str, ...] = ()   # enclosing folders, outermost first
    enabled: bool = True
    language: str | None = None
    timezone: str | None = None
    sitemap: str | None = None


@dataclass
class OpmlImport:
    title: str | None
    feeds: list[OpmlFeed] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)   # one line each: what and why
    duplicates: int = 0


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def _attr(el: ET.Element, name: str) -> str | None:
    """Attribute by name, case-insensitively (``xmlurl`` and ``xmlUrl`` both occur)."""
    want = name.lower()
    for k, v in el.attrib.items():
        if k.rsplit("}", 1)[-1].lower() == want and (not k.startswith("{") or k.startswith(f"{{{NEWSMON_NS}}}")):
            v = " ".join(v.split())
            return v or None
    return None


def feed_url(raw: str) -> str:
    """The http(s) URL of an OPML ``xmlUrl``; ValueError with the reason otherwise."""
    url = raw.strip()
    low = url.lower()
    if low.startswith("feed:https://") or low.startswith("feed:http://"):
        url = url[5:]
    elif low.startswith("feed://"):
        url = "http://" + url[7:]
    if len(url) > MAX_URL_CHARS:
        raise ValueError(f"longer than {MAX_URL_CHARS} characters")
    if any(ch.isspace() or ord(ch) < 0x20 for ch in url):
        raise ValueError("contains spaces or control characters")
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, ValueError, TypeError) as e:
        raise ValueError(f"not a URL ({e})") from None
    if parsed.scheme not in ("http", "https"):
        raise ValueError("not an http(s) URL")
    if not parsed.host:
        raise ValueError("has no host")
    return url


def _key(url: str) -> str:
    """Same feed, whatever the case of the host, a default port or a fragment."""
    u = httpx.URL(url)
    return str(u.copy_with(fragment=None))


def _zone(value: str | None) -> str | None:
    if not value:
        return None
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return value


def _refuse_external_dtd(name, sysid, pubid, has_internal_subset) -> None:
    if sysid or pubid:
        raise defusedxml.DTDForbidden(name, sysid, pubid)


class _Parser(SafeET.DefusedXMLParser):
    """defusedxml's parser (entity declarations and external entities refused), which also
    refuses a DOCTYPE naming an external DTD: expat would not fetch it, but a file that asks
    for one is not a plain subscription list."""

    def __init__(self) -> None:
        super().__init__(target=ET.TreeBuilder(), forbid_dtd=False, forbid_entities=True,
                         forbid_external=True)
        self.parser.StartDoctypeDeclHandler = _refuse_external_dtd


def _parse(data: bytes, source: str, max_depth: int) -> ET.Element:
    depth = 0
    root: ET.Element | None = None
    try:
        for event, el in SafeET.iterparse(io.BytesIO(data), events=("start", "end"), parser=_Parser()):
            if event == "start":
                depth += 1
                if root is None:
                    root = el
                if depth > max_depth:
                    raise InputError(f"{source}: outlines nested deeper than {max_depth} levels; refused "
                                     f"(raise [feed_tools] opml_max_depth if the file is genuine)")
            else:
                depth -= 1
    except defusedxml.EntitiesForbidden:
        raise InputError(f"{source}: the file declares XML entities (<!ENTITY>); refused to prevent "
                         "entity expansion (billion laughs) and external entities (XXE)") from None
    except (defusedxml.ExternalReferenceForbidden, defusedxml.DTDForbidden):
        raise InputError(f"{source}: the file refers to an external DTD or entity; refused "
                         "(nothing was fetched)") from None
    except ET.ParseError as e:
        raise InputError(f"{source}: not well-formed XML ({e}); not an OPML file") from None
    if root is None or _local(root.tag) != "opml":
        found = _local(root.tag) if root is not None else "nothing"
        raise InputError(f"{source}: not an OPML file (root element <{found}>, expected <opml>)")
    return root


def parse_opml(data: bytes, *, source: str = "<opml>", max_bytes: int = 10 * 1024 * 1024,
               max_depth: int = 32) -> OpmlImport:
    """Subscriptions of an OPML document; InputError (one line) when it is unusable."""
    if len(data) > max_bytes:
        raise InputError(f"{source}: {len(data)} bytes, more than the cap of {max_bytes} "
                         "([feed_tools] opml_max_bytes); refused")
    root = _parse(data, source, max_depth)
    head = next((c for c in root if _local(c.tag) == "head"), None)
    title_el = next((c for c in head if _local(c.tag) == "title"), None) if head is not None else None
    result = OpmlImport(title=" ".join((title_el.text or "").split()) or None if title_el is not None else None)
    body = next((c for c in root if _local(c.tag) == "body"), None)
    if body is None:
        raise InputError(f"{source}: OPML without a <body>: no subscriptions in it")
    seen: set[str] = set()
    n = 0
    # Depth-first, in document order, without recursion: (element, folders, commented out).
    stack: list[tuple[ET.Element, tuple[str, ...], bool]] = [(c, (), False) for c in reversed(body)]
    while stack:
        el, folders, commented = stack.pop()
        if _local(el.tag) != "outline":
            continue
        n += 1
        label = _attr(el, "title") or _attr(el, "text")
        commented = commented or (_attr(el, "isComment") or "").lower() == "true"
        raw = _attr(el, "xmlUrl")
        where = f"outline {n}" + (f" ({label[:80]!r})" if label else "")
        if (_attr(el, "type") or "").lower() == "include":
            result.skipped.append(f"{where}: includes another OPML file ({(_attr(el, 'url') or '')[:200]}); "
                                  "not followed, import that file separately")
        elif raw is not None:
            try:
                url = feed_url(raw)
            except ValueError as e:
                result.skipped.append(f"{where}: xmlUrl {raw[:200]!r} {e}; skipped")
            else:
                key = _key(url)
                if key in seen:
                    result.duplicates += 1
                else:
                    seen.add(key)
                    sitemap = _attr(el, "sitemap")
                    try:
                        sitemap = feed_url(sitemap) if sitemap else None
                    except ValueError:
                        sitemap = None
                    result.feeds.append(OpmlFeed(title=label, url=url, category=folders,
                                                 enabled=not commented, language=_attr(el, "language"),
                                                 timezone=_zone(_attr(el, "timezone")), sitemap=sitemap))
        children = [c for c in el if _local(c.tag) == "outline"]
        if children:
            sub = folders + (label,) if label and raw is None else folders
            stack.extend((c, sub, commented) for c in reversed(children))
    return result


def read_opml(path: str | Path, *, max_bytes: int, max_depth: int) -> OpmlImport:
    """``parse_opml`` of a file, read no further than the cap."""
    path = Path(path)
    try:
        with path.open("rb") as f:
            data = f.read(max_bytes + 1)
    except OSError as e:
        raise InputError(f"{path}: cannot read ({e.strerror or e})") from None
    return parse_opml(data, source=str(path), max_bytes=max_bytes, max_depth=max_depth)


# -- export -----------------------------------------------------------------------------------

def _xml_text(s: str) -> str:
    """Drop what XML 1.0 cannot carry at all (most control characters, lone surrogates)."""
    return "".join(ch if ch in "\t\n\r" or (0x20 <= ord(ch) < 0xD800) or (0xE000 <= ord(ch) <= 0xFFFD)
                   or ord(ch) > 0xFFFF else "\ufffd" for ch in s)


def opml_document(feeds: Iterable, *, title: str = "newsmon feeds",
                  now: datetime | None = None) -> bytes:
    """OPML 2.0 bytes for configured feeds (objects with name, url, enabled, language,
    timezone, sitemap: ``newsmon.settings.FeedSettings``)."""
    ET.register_namespace("newsmon", NEWSMON_NS)
    root = ET.Element("opml", {"version": "2.0"})
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = _xml_text(title)
    ET.SubElement(head, "dateCreated").text = format_datetime(now or datetime.now(timezone.utc), usegmt=True)
    ET.SubElement(head, "docs").text = "http://opml.org/spec2.opml"
    body = ET.SubElement(root, "body")
    for f in feeds:
        attrs = {"type": "rss", "text": _xml_text(f.name), "title": _xml_text(f.name), "xmlUrl": _xml_text(f.url)}
        if not f.enabled:
            attrs["isComment"] = "true"
        if f.language:
            attrs["language"] = _xml_text(f.language)
        if f.timezone:
            attrs[f"{{{NEWSMON_NS}}}timezone"] = f.timezone
        if f.sitemap:
            attrs[f"{{{NEWSMON_NS}}}sitemap"] = _xml_text(f.sitemap)
        ET.SubElement(body, "outline", attrs)
    ET.indent(root)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode").encode() + b"\n"
