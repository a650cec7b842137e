"""Article bodies that sit as data inside ``<script>`` rather than in the DOM.

Server-rendered React/Next.js pages of many Korean outlets ship an empty ``<div id="__next">``
and put the article in:

* ``<script id="__NEXT_DATA__" type="application/json">`` (Next.js pages router)  -> "embedded:next_data"
* ``self.__next_f.push([1, "..."])`` flight chunks (Next.js app router), whose rows hold
  props such as ``"contentHtml":"<p>...</p>"``                                -> "embedded:flight"
* JSON-LD ``articleBody``                                                     -> "embedded:json-ld"
* other state blobs (``window.__INITIAL_STATE__ = {...}``, Arc's ``Fusion.globalContent``,
  Nuxt) with ``content_elements`` / ``contentHtml`` / ``articleBody`` keys      -> "embedded:script"

Each finder returns the longest prose-like candidate; strings holding HTML are converted
with the same ``<br>``-aware text conversion as the DOM path.
"""
from __future__ import annotations

import json
import re
from typing import Any, Iterator

from lxml import etree, html as lxml_html

from scrapers import sites

# Keys whose string value is (probably) the article body, HTML or text.
BODY_KEYS = frozenset({
    "articlebody", "contenthtml", "content_html", "bodyhtml", "body_html", "articlecontent",
    "article_content", "article_body", "articlehtml", "article_html", "contents", "content",
    "body", "html", "text", "newsbody", "news_body", "articletext", "article_text",
    "story", "storybody", "maintext",
})
# Keys that hold text that is never the body.
_NOT_BODY = frozenset({"description", "summary", "subtitle", "title", "headline", "caption",
                       "alt", "excerpt", "lead", "teaser", "seo", "og", "meta"})
MIN_EMBEDDED_CHARS = 200
_FLIGHT = re.compile(r"self\.__next_f\.push\(\s*\[\s*\d+\s*,\s*(\"(?:[^\"\\]|\\.)*\")\s*\]\s*\)", re.S)
_KEYED_STRING = re.compile(
    r"\"(contentHtml|content_html|articleBody|article_body|bodyHtml|body_html|articleHtml|"
    r"newsBody|articleContent|content)\"\s*:\s*(\"(?:[^\"\\]|\\.)*\")", re.S)
_ASSIGNED_JSON = re.compile(
    r"(?:window\.)?(?:__INITIAL_STATE__|__PRELOADED_STATE__|__APOLLO_STATE__|__NUXT__|"
    r"Fusion\.globalContent|__INITIAL_DATA__|__DATA__)\s*=\s*", re.S)
_HTMLISH = re.compile(r"<(?:p|br|div|span|strong|em|b|i|a|h[1-6]|ul|ol|li|figure|img)\b[^>]*>", re.I)


def to_text(value: str) -> str:
    """A body string (HTML fragment or plain text) -> text with paragraph breaks."""
    value = value.strip()
    if not value:
        return ""
    if _HTMLISH.search(value):
        try:
            frag = lxml_html.fragment_fromstring(value, create_parent="div")
        except (etree.ParserError, ValueError, AssertionError):  # lxml asserts on odd fragments
            return ""
        return sites.clean_node_text(frag)
    text = re.sub(r"[ \t\u00a0]+", " ", value)
    text = re.sub(r"\s*\n\s*\n\s*", "\n\n", text)
    return text.strip()


def _prose_score(text: str) -> int:
    """Length of the text if it reads like prose, else 0 (URLs, code, JSON, id lists)."""
    if len(text) < MIN_EMBEDDED_CHARS:
        return 0
    if text.lstrip().startswith(("{", "[", "http", "function", "var ", "(")):
        return 0
    words = text.split()
    if len(words) < 20 and not re.search(r"[\uac00-\ud7a3\u3040-\u30ff\u4e00-\u9fff]{40}", text):
        return 0
    if sum(1 for w in words if "/" in w or "=" in w or "{" in w) > 0.2 * len(words):
        return 0
    return len(text)


def _walk_json(data: Any, depth: int = 0) -> Iterator[tuple[str, Any]]:
    if depth > 40:
        return
    if isinstance(data, dict):
        for k, v in data.items():
            yield k, v
            yield from _walk_json(v, depth + 1)
    elif isinstance(data, list):
        for v in data:
            yield from _walk_json(v, depth + 1)


def _arc_elements(data: Any) -> str:
    """Arc XP / Fusion ``content_elements``: paragraphs of type "text" (and headers)."""
    best = ""
    for k, v in _walk_json(data):
        if k == "content_elements" and isinstance(v, list):
            parts = [to_text(e.get("content", "")) for e in v
                     if isinstance(e, dict) and e.get("type") in ("text", "header")
                     and isinstance(e.get("content"), str)]
            text = "\n\n".join(p for p in parts if p)
            if len(text) > len(best):
                best = text
    return best


def best_from_json(data: Any) -> str:
    """The longest prose-like body under a body key anywhere in a JSON document."""
    best, best_score = "", 0
    arc = _arc_elements(data)
    if _prose_score(arc):
        best, best_score = arc, _prose_score(arc)
    for k, v in _walk_json(data):
        if not isinstance(v, str) or not isinstance(k, str):
            continue
        key = k.lower()
        if key in _NOT_BODY or key not in BODY_KEYS:
            continue
        if len(v) < MIN_EMBEDDED_CHARS:
            continue
        text = to_text(v)
        score = _prose_score(text)
        if score > best_score:
            best, best_score = text, score
    return best


def next_data_body(tree: etree._Element) -> str:
    for script in tree.iter("script"):
        if script.get("id") == "__NEXT_DATA__" and script.text:
            try:
                data = json.loads(script.text)
            except ValueError:
                return ""
            return best_from_json(data)
    return ""


def flight_body(scripts: list[str]) -> str:
    """Next.js app-router flight data: join the pushed string chunks, then look for body
    keys in the rows (they are JSON, but rows may be split across chunks, so scan by regex)."""
    chunks: list[str] = []
    for s in scripts:
        if "__next_f" not in s:
            continue
        for m in _FLIGHT.finditer(s):
            try:
                chunks.append(json.loads(m.group(1)))
            except ValueError:
                continue
    if not chunks:
        return ""
    return _best_keyed("".join(chunks))


def _best_keyed(blob: str) -> str:
    best, best_score = "", 0
    for m in _KEYED_STRING.finditer(blob):
        try:
            value = json.loads(m.group(2))
        except ValueError:
            continue
        text = to_text(value)
        score = _prose_score(text)
        if score > best_score:
            best, best_score = text, score
    return best


def jsonld_body(article_ld: list[dict]) -> str:
    best = ""
    for obj in article_ld:
        v = obj.get("articleBody")
        if isinstance(v, list):
            v = "\n\n".join(x for x in v if isinstance(x, str))
        if isinstance(v, str):
            text = to_text(v)
            if _prose_score(text) > len(best):
                best = text
    return best


def script_state_body(scripts: list[str]) -> str:
    """Other framework state blobs assigned in scripts, parsed as JSON when possible."""
    best = ""
    for s in scripts:
        m = _ASSIGNED_JSON.search(s)
        if not m:
            continue
        raw = s[m.end():].strip()
        data = None
        try:
            data, _ = json.JSONDecoder(strict=False).raw_decode(raw)
        except ValueError:
            pass
        text = best_from_json(data) if data is not None else _best_keyed(raw)
        if len(text) > len(best):
            best = text
    return best


def embedded_body(tree: etree._Element, article_ld: list[dict]) -> tuple[str, str] | None:
    """(text, method) of the best body found in script data, or None."""
    scripts = [s.text for s in tree.iter("script") if s.text and len(s.text) > MIN_EMBEDDED_CHARS]
    for method, finder in (
        ("embedded:next_data", lambda: next_data_body(tree)),
        ("embedded:flight", lambda: flight_body(scripts)),
        ("embedded:json-ld", lambda: jsonld_body(article_ld)),
        ("embedded:script", lambda: script_state_body(scripts)),
    ):
        text = finder()
        if text and len(text) >= MIN_EMBEDDED_CHARS:
            return text, method
    return None
