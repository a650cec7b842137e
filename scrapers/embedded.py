"""Article bodies that sit as data inside ``<script>`` rather than in the DOM.

Instead of a list of known shapes, every JSON-bearing script of the page is parsed and every
field that could be the article becomes a candidate; the one that reads most like *this*
article wins. Script kinds read (the method names the first one the winner came from):

* JSON-LD (``articleBody``)                                            -> ``embedded:json-ld``
* ``<script id="__NEXT_DATA__">`` (Next.js pages router)               -> ``embedded:next_data``
* any other ``<script type="application/json">`` (Nuxt 3 ``__NUXT_DATA__``, Astro, ...)
                                                                       -> ``embedded:json``
* Next.js App Router RSC chunks ``self.__next_f.push([1,"..."])``: the joined strings are
  rows ``<id>:<JSON>`` and text rows ``<id>:T<hex byte length>,<text>`` that props
  reference as ``"$<id>"`` (React's flight format); when no field holds the body, the
  server-component tree (``["$", tag, key, props]`` across ``$L<id>`` rows) is rendered and
  its element with the most paragraph text taken                       -> ``embedded:flight``
* state assigned in scripts: ``window.__INITIAL_STATE__ = {...}``, ``__APOLLO_STATE__``,
  ``__PRELOADED_STATE__``, Arc XP ``Fusion.globalContent = {...}``, ``X = JSON.parse("...")``;
  when the state is JavaScript rather than JSON (``window.__NUXT__=(function(a,b){return
  {...}}(...))``), its long ``key: "string"`` literals are read one by one -> ``embedded:script``

Candidates: long strings (HTML fragments are converted with the DOM path's ``<br>``-aware
text conversion), lists of text blocks joined in order (Arc ``content_elements`` of
``{type: "text", content}``, headers and lists; Portable-Text-like ``children`` spans), and
lists of paragraph strings. Each is scored by length x overlap with the page's title and
description, weighted by its field name (``articleBody``/``contentHtml`` up,
``description``/``summary`` down). A photo article whose only body is a caption comes back
with the caption (``embedded:<kind>:caption``) when no prose body exists.

Hostile or malformed data fails soft: scripts, strings, nesting depth and the number of
visited nodes are capped, and no parsing error leaves this module.
"""
from __future__ import annotations

import html as html_lib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from lxml import etree
from lxml import html as lxml_html

from scrapers import sites
from scrapers.htmltext import node_text

# Field names whose string value is (probably) the article body, HTML or text.
BODY_KEYS = frozenset({
    "articlebody", "contenthtml", "content_html", "bodyhtml", "body_html", "articlecontent",
    "article_content", "article_body", "articlehtml", "article_html", "contents", "content",
    "body", "html", "text", "newsbody", "news_body", "articletext", "article_text",
    "story", "storybody", "maintext", "content_elements", "blocks", "paragraphs", "fulltext",
})
# Field names that hold text that is about the article, not the article.
_NOT_BODY = frozenset({"description", "summary", "subtitle", "title", "headline", "caption",
                       "alt", "excerpt", "lead", "teaser", "seo", "og", "meta", "abstract",
                       "metadescription", "og_description", "dek", "subheadline", "bio"})
CAPTION_KEYS = frozenset({"caption", "figcaption", "imagecaption", "image_caption", "photocaption"})
# Block types that never carry article text (Arc XP, Sanity, Contentful, WordPress blocks).
_NON_TEXT_BLOCKS = frozenset({
    "image", "video", "gallery", "ad", "raw_html", "interstitial_link", "oembed_response",
    "custom_embed", "social_media", "audio", "photo", "related_content", "link_list", "promo",
    "divider", "embed", "iframe", "newsletter", "table_of_contents",
})
MIN_EMBEDDED_CHARS = 200
# A caption-only photo article: the caption must be this long to stand as the body.
MIN_CAPTION_CHARS = 100
# Caps against hostile or huge pages.
MAX_SCRIPT_CHARS = 5_000_000
MAX_TOTAL_CHARS = 15_000_000
MAX_STRING_CHARS = 1_000_000
MAX_DEPTH = 60
MAX_NODES = 300_000
MAX_CANDIDATES = 400

_FLIGHT = re.compile(r"self\.__next_f\.push\(\s*\[\s*1\s*,\s*(\"(?:[^\"\\]|\\.)*\")\s*\]\s*\)", re.DOTALL)
_FLIGHT_ROW = re.compile(r"([0-9a-fA-F]{1,8}):")
_FLIGHT_REF = re.compile(r"^\$[0-9a-fA-F]{1,8}$")
# ``name = {`` / ``name = [`` / ``name = JSON.parse(`` anywhere in a script.
_ASSIGN = re.compile(
    r"(?:^|[;,\s(])(?:window\.|self\.|globalThis\.)?([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*)"
    r"\s*=\s*(?=[{\[]|JSON\.parse\()")
_JSON_PARSE_ARG = re.compile(r"JSON\.parse\(\s*(\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*')\s*\)", re.DOTALL)
# JavaScript object literals: ``key: "long string"`` (key bare or quoted).
_JS_LONG_STRING = re.compile(
    r"(?:([A-Za-z_$][\w$]{0,40})|\"([^\"\\]{1,40})\")\s*:\s*(\"(?:[^\"\\]|\\.){" + str(MIN_CAPTION_CHARS) + r",}\")",
    re.DOTALL)
_HTMLISH = re.compile(r"<(?:p|br|div|span|strong|em|b|i|a|h[1-6]|ul|ol|li|figure|img)\b[^>]*>", re.IGNORECASE)
_CAPTION_XPATH = etree.XPath("//figcaption | //*[contains(@class, 'caption')]")
_HANGUL_OR_CJK = re.compile(r"[\uac00-\ud7a3\u3040-\u30ff\u4e00-\u9fff]")


@dataclass
class Candidate:
    text: str
    source: str          # json-ld | next_data | json | flight | script
    key: str             # the field it came from (lower case), "" for array items
    structured: bool     # HTML paragraphs or text blocks joined in order
    caption: bool = False


# --------------------------------------------------------------------------- text of a value

def to_text(value: str) -> str:
    """A body string (HTML fragment or plain text) -> text with paragraph breaks."""
    return _to_text(value)[0]


def _to_text(value: str) -> tuple[str, bool]:
    """(text, is_caption): an HTML fragment holding only a figure gives its caption."""
    value = value.strip()
    if not value:
        return "", False
    if _HTMLISH.search(value):
        try:
            frag = lxml_html.fragment_fromstring(value, create_parent="div")
        except (etree.ParserError, ValueError, AssertionError):  # lxml asserts on odd fragments
            return "", False
        text = sites.clean_node_text(frag)
        if len(text) < MIN_CAPTION_CHARS:
            captions = "\n\n".join(t for t in (node_text(c) for c in _CAPTION_XPATH(frag)) if t)
            if len(captions) > len(text):
                return captions, True
        return text, False
    text = re.sub(r"[ \t\u00a0]+", " ", value)
    text = re.sub(r"\s*\n\s*\n\s*", "\n\n", text)
    return text.strip(), False


def reads_as_prose(text: str, min_chars: int = MIN_EMBEDDED_CHARS) -> bool:
    """Prose rather than URLs, code, JSON, id lists or a row of tags."""
    if len(text) < min_chars:
        return False
    if text.lstrip().startswith(("{", "[", "http", "function", "var ", "(", "$", "<")):
        return False
    words = text.split()
    if len(words) < 20 and len(_HANGUL_OR_CJK.findall(text[:2000])) < 40:
        return False
    if sum(1 for w in words if "/" in w or "=" in w or "{" in w or "\\" in w) > 0.2 * len(words):
        return False
    # real prose has sentence punctuation; a list of names or tags has none
    return bool(re.search(r"[.!?。다요]\s", text + " "))


# --------------------------------------------------------------------------- candidates in JSON

def _block_text(item: Any, depth: int = 0) -> str:
    """Text of one content block: ``{"type": "text", "content": "..."}``, a header, a list of
    items, or a block of inline ``children`` spans. Media, ads and embeds give ""."""
    if depth > 4:
        return ""
    if isinstance(item, str):
        return _to_text(item)[0] if len(item) <= MAX_STRING_CHARS else ""
    if not isinstance(item, dict):
        return ""
    typ = item.get("type") or item.get("_type") or item.get("__typename") or item.get("blockType")
    if isinstance(typ, str) and typ.lower() in _NON_TEXT_BLOCKS:
        return ""
    for key in ("content", "text", "html", "value", "body", "paragraph", "markdown"):
        v = item.get(key)
        if isinstance(v, str) and v.strip():
            return _block_text(v, depth + 1)
    for key, joiner in (("items", "\n"), ("list_items", "\n"), ("children", ""), ("spans", ""),
                        ("content", "\n")):
        v = item.get(key)
        if isinstance(v, list) and v:
            parts = [_block_text(x, depth + 1) for x in v[:500]]
            return joiner.join(p for p in parts if p).strip()
    return ""


def _list_candidate(key: str, items: list) -> tuple[str, bool] | None:
    """A list read as the article's blocks in order: (joined text, structured)."""
    if len(items) < 2:
        return None
    if all(isinstance(x, str) for x in items[:50]):
        if max(len(x) for x in items[:50]) < 40:
            return None  # tags, ids, names
        parts = [t for t in (_to_text(x)[0] for x in items[:2000] if len(x) <= MAX_STRING_CHARS) if t]
    elif sum(isinstance(x, dict) for x in items[:50]) >= min(len(items), 50) * 0.6:
        parts = [t for t in (_block_text(x) for x in items[:2000]) if t]
    else:
        return None
    if len(parts) < 2:
        return None
    return "\n\n".join(parts), True


def _captions_in(items: list) -> list[str]:
    out = []
    for x in items[:200]:
        if isinstance(x, dict):
            for k, v in x.items():
                if isinstance(k, str) and k.lower() in CAPTION_KEYS and isinstance(v, str) and v.strip():
                    out.append(_to_text(v)[0])
    return [c for c in out if c]


class _Collector:
    """Walks parsed documents and keeps body candidates, within the caps."""

    def __init__(self) -> None:
        self.candidates: list[Candidate] = []
        self.nodes = 0
        self.seen: set[int] = set()

    def add(self, text: str, source: str, key: str, structured: bool, caption: bool = False) -> None:
        if len(self.candidates) >= MAX_CANDIDATES or len(text) < MIN_CAPTION_CHARS:
            return
        h = hash(text)
        if h in self.seen:
            return
        self.seen.add(h)
        self.candidates.append(Candidate(text, source, key, structured, caption))

    def walk(self, data: Any, source: str, refs: dict[str, str] | None = None) -> None:
        stack: list[tuple[Any, str, int]] = [(data, "", 0)]
        while stack:
            node, key, depth = stack.pop()
            self.nodes += 1
            if self.nodes > MAX_NODES or depth > MAX_DEPTH:
                return
            if isinstance(node, str):
                self._string(node, key, source, refs)
            elif isinstance(node, dict):
                items = list(node.items())
                for k, v in reversed(items):  # stack: keep document order
                    stack.append((v, k.lower() if isinstance(k, str) else "", depth + 1))
            elif isinstance(node, list):
                found = _list_candidate(key, node)
                if found:
                    self.add(found[0], source, key, found[1])
                captions = _captions_in(node)
                if captions:
                    self.add("\n\n".join(dict.fromkeys(captions)), source, "caption", False, True)
                for v in reversed(node[:5000]):
                    stack.append((v, key, depth + 1))

    def _string(self, value: str, key: str, source: str, refs: dict[str, str] | None) -> None:
        if refs and _FLIGHT_REF.match(value) and value[1:] in refs:
            value = refs[value[1:]]  # a flight text row referenced from props
        if len(value) < MIN_CAPTION_CHARS or len(value) > MAX_STRING_CHARS:
            return
        head = value.lstrip()[:1]
        if head in "{[" or value.startswith(("http://", "https://", "data:", "/")):
            return
        text, caption = _to_text(value)
        self.add(text, source, key, "<p" in value or "<br" in value, caption or key in CAPTION_KEYS)


# --------------------------------------------------------------------------- script sources

def _loads(raw: str) -> Any:
    try:
        return json.loads(raw)
    except (ValueError, RecursionError):
        return None


def _raw_decode(raw: str, pos: int) -> Any:
    try:
        return json.JSONDecoder(strict=False).raw_decode(raw, pos)[0]
    except (ValueError, RecursionError):
        return None


def _js_string(literal: str) -> str | None:
    """A JavaScript string literal -> its value (JSON escapes plus ``\\xNN`` and ``\\'``)."""
    body = literal[1:-1]
    if literal[0] == "'":
        body = body.replace('\\"', '"').replace('"', '\\"')
    body = re.sub(r"\\x([0-9a-fA-F]{2})", r"\\u00\1", body).replace("\\'", "'")
    body = re.sub(r"\\([^\"\\/bfnrtu])", r"\1", body)  # JS allows any escaped char
    try:
        value = json.loads(f'"{body}"', strict=False)
    except ValueError:
        return None
    return value if isinstance(value, str) else None


def _assigned_state(script: str) -> Iterator[Any]:
    """JSON values assigned in a script (``X = {...}``, ``X = JSON.parse("...")``); when
    none parses, the script's long ``key: "string"`` literals as small documents."""
    found = False
    for n, m in enumerate(_ASSIGN.finditer(script)):
        if n >= 50:
            break
        pos = m.end()
        if script.startswith("JSON.parse", pos):
            arg = _JSON_PARSE_ARG.match(script, pos)
            value = _js_string(arg.group(1)) if arg else None
            data = _loads(value) if value else None
        else:
            data = _raw_decode(script, pos)
        if isinstance(data, (dict, list)):
            found = True
            yield data
    if not found:
        pairs = []
        for m in _JS_LONG_STRING.finditer(script):
            value = _js_string(m.group(3))
            if value:
                pairs.append({(m.group(1) or m.group(2)): value})
            if len(pairs) >= MAX_CANDIDATES:
                break
        if pairs:
            yield pairs


def _utf8_prefix(text: str, start: int, nbytes: int) -> str:
    """The characters of ``text`` from ``start`` that make up ``nbytes`` UTF-8 bytes."""
    chunk = text[start:start + nbytes]  # each character is at least one byte
    return chunk.encode("utf-8", "surrogatepass")[:nbytes].decode("utf-8", "ignore")


def flight_rows(blob: str) -> tuple[dict[str, Any], dict[str, str]]:
    """Parse React flight data: JSON rows and text rows (``<id>:T<hex len>,<text>``), by id."""
    rows: dict[str, Any] = {}
    texts: dict[str, str] = {}
    pos, n = 0, len(blob)
    while pos < n:
        m = _FLIGHT_ROW.match(blob, pos)
        if not m:
            nl = blob.find("\n", pos)
            if nl < 0:
                break
            pos = nl + 1
            continue
        rid, p = m.group(1), m.end()
        if blob.startswith("T", p):
            comma = blob.find(",", p, p + 12)
            try:
                length = int(blob[p + 1:comma], 16) if comma > 0 else -1
            except ValueError:
                length = -1
            if length >= 0:
                text = _utf8_prefix(blob, comma + 1, length)
                texts[rid] = text
                pos = comma + 1 + len(text)
                continue
        nl = blob.find("\n", p)
        end = nl if nl >= 0 else n
        line = blob[p:end]
        pos = end + 1
        # rows may carry a one- or two-letter tag before their JSON (I, HL, D, E ...)
        lead = len(line) - len(line.lstrip("ABCDEFGHIJKLMNOPQRSUVWXYZ"))
        if lead <= 2 and line[lead:lead + 1] in ("[", "{", '"'):
            data = _loads(line[lead:])
            if data is not None:
                rows[rid] = data
    return rows, texts


def _documents(tree: etree._Element, article_ld: list[dict]) -> Iterator[tuple[str, Any, dict | None]]:
    """(kind, parsed document, flight text rows) for every JSON-bearing script of the page."""
    for obj in article_ld:
        yield "json-ld", obj, None
    budget = MAX_TOTAL_CHARS
    chunks: list[str] = []
    for script in tree.iter("script"):
        text = script.text
        if not text or len(text) > MAX_SCRIPT_CHARS:
            continue
        if len(text) < MIN_CAPTION_CHARS and "__next_f" not in text:
            continue  # (flight chunks can be short: a row's pieces are joined below)
        budget -= len(text)
        if budget < 0:
            break
        typ = (script.get("type") or "").strip().lower()
        sid = script.get("id") or ""
        if "ld+json" in typ:
            if not article_ld:  # the caller's article objects already cover the page's JSON-LD
                data = _loads(text.strip())
                if data is not None:
                    yield "json-ld", data, None
        elif sid == "__NEXT_DATA__" or typ.endswith("json"):
            data = _loads(text.strip())
            if data is not None:
                yield ("next_data" if sid == "__NEXT_DATA__" else "json"), data, None
        elif "__next_f" in text:
            for m in _FLIGHT.finditer(text):
                chunk = _loads(m.group(1))
                if isinstance(chunk, str):
                    chunks.append(chunk)
        elif typ in ("", "text/javascript", "application/javascript", "module"):
            for data in _assigned_state(text):
                yield "script", data, None
    if chunks:
        blob = "".join(chunks)
        rows, texts = flight_rows(blob)
        container = rsc_article_html(rows, texts, blob)
        if container:  # first: the rows can be many and the walk is capped
            yield "flight", {"rsc": container}, None
        for row in rows.values():
            yield "flight", row, texts
        if texts:
            yield "flight", list(texts.values()), None


# --------------------------------------------------------------------------- RSC element trees

# Elements of a server component tree that are never article text.
_RSC_SKIP = frozenset({"script", "style", "noscript", "template", "svg", "iframe", "button", "form",
                       "nav", "aside", "footer", "header", "head", "meta", "link", "select", "input"})
_RSC_VOID = frozenset({"br", "hr", "img", "wbr", "source"})
_RSC_REF = re.compile(r"\$L?([0-9a-fA-F]{1,8})\b")
_BLOCKS = ("p", "h2", "h3", "h4", "ul", "ol", "blockquote", "pre", "table")
MAX_RSC_HTML = 3_000_000


def _render_rsc(node: Any, rows: dict[str, Any], texts: dict[str, str], out: list[str],
                depth: int, active: set[str]) -> None:
    """React element JSON (``["$", tag, key, props]``) -> HTML, following ``$id``/``$Lid`` rows."""
    if depth > MAX_DEPTH or len(out) > MAX_NODES:
        return
    if isinstance(node, str):
        if node.startswith("$"):
            ref = node[2:] if node.startswith("$L") else node[1:]
            if ref in texts:
                out.append(html_lib.escape(texts[ref]))
            elif ref in rows and ref not in active:
                active.add(ref)
                _render_rsc(rows[ref], rows, texts, out, depth + 1, active)
                active.discard(ref)
            return  # "$undefined", "$Sreact.suspense", ...
        out.append(html_lib.escape(node))
    elif isinstance(node, list):
        if len(node) == 4 and node[0] == "$" and isinstance(node[1], str):
            props = node[3] if isinstance(node[3], dict) else {}
            tag = node[1].lower()
            if tag.startswith("$") or not tag.isalnum():
                # a client component: its children and the element props it was given
                # ("content": "$2e"); plain data props (class names, ids) are not rendered
                for k, v in props.items():
                    if k == "children" or isinstance(v, list) or (isinstance(v, str) and v.startswith("$")):
                        _render_rsc(v, rows, texts, out, depth + 1, active)
                return
            if tag in _RSC_SKIP:
                return
            out.append(f"<{tag}>")
            inner = props.get("dangerouslySetInnerHTML")
            if isinstance(inner, dict) and isinstance(inner.get("__html"), str):
                raw = inner["__html"]
                out.append(texts.get(raw[1:], "") if raw.startswith("$") else raw)
            else:
                _render_rsc(props.get("children"), rows, texts, out, depth + 1, active)
            if tag not in _RSC_VOID:
                out.append(f"</{tag}>")
        else:
            for x in node[:5000]:
                _render_rsc(x, rows, texts, out, depth + 1, active)
    elif isinstance(node, dict):
        for v in node.values():  # the router's envelope rows ({"f": [[...tree...]]})
            if isinstance(v, list):
                _render_rsc(v, rows, texts, out, depth + 1, active)


def rsc_article_html(rows: dict[str, Any], texts: dict[str, str], blob: str) -> str:
    """The element of the server-rendered tree with the most paragraph text, as HTML."""
    referenced = set(_RSC_REF.findall(blob))
    out: list[str] = []
    for rid, row in rows.items():
        if rid not in referenced:
            _render_rsc(row, rows, texts, out, 0, {rid})
    html = "".join(out)
    if "<p>" not in html or len(html) > MAX_RSC_HTML:
        return ""
    try:
        root = lxml_html.fragment_fromstring(html, create_parent="div")
    except (etree.ParserError, ValueError, AssertionError):
        return ""
    best, best_len = None, 0
    for el in root.iter():
        n = sum(len(c.text_content()) for c in el if c.tag in _BLOCKS)
        if n > best_len and sum(1 for c in el if c.tag == "p") >= 2:
            best, best_len = el, n
    return etree.tostring(best, encoding="unicode", with_tail=False) if best is not None else ""


# --------------------------------------------------------------------------- choosing

def _ref_tokens(tree: etree._Element, title: str | None, description: str | None) -> set[str]:
    if title is None or description is None:
        meta: dict[str, str] = {}
        for el in tree.iter("meta"):
            name = (el.get("property") or el.get("name") or "").lower()
            if name in ("og:title", "og:description", "description") and el.get("content"):
                meta.setdefault(name, el.get("content"))
        if title is None:
            t = tree.find(".//title")
            title = meta.get("og:title") or (t.text_content() if t is not None else "")
        if description is None:
            description = meta.get("og:description") or meta.get("description") or ""
    return {t for t in re.findall(r"\w+", f"{title} {description}".lower()) if len(t) >= 2}


def _overlap(text: str, ref: set[str]) -> float:
    if not ref:
        return 0.5
    low = text[:20000].lower()
    return sum(1 for t in ref if t in low) / len(ref)


def score(c: Candidate, ref: set[str]) -> float:
    """Length x (base + overlap with title/description) x field-name and structure weights."""
    weight = 1.3 if c.key in BODY_KEYS else (0.4 if c.key in _NOT_BODY else 1.0)
    if c.structured:
        weight *= 1.15
    return len(c.text) * (0.25 + _overlap(c.text, ref)) * weight


def candidates(tree: etree._Element, article_ld: list[dict]) -> list[Candidate]:
    """Every body candidate in the page's script data (never raises)."""
    collector = _Collector()
    try:
        for kind, data, refs in _documents(tree, article_ld):
            collector.walk(data, kind, refs)
            if collector.nodes > MAX_NODES:
                break
    except (RecursionError, MemoryError, ValueError, TypeError):
        pass  # hostile data: keep what was found so far
    return collector.candidates


def best_from_json(data: Any, title: str = "", description: str = "") -> str:
    """The body that reads most like the article anywhere in one JSON document."""
    collector = _Collector()
    collector.walk(data, "json")
    ref = {t for t in re.findall(r"\w+", f"{title} {description}".lower()) if len(t) >= 2}
    best = _pick(collector.candidates, ref)
    return best.text if best else ""


def _pick(cands: list[Candidate], ref: set[str]) -> Candidate | None:
    prose = [c for c in cands if not c.caption and reads_as_prose(c.text)]
    if prose:
        return max(prose, key=lambda c: score(c, ref))
    captions = [c for c in cands if c.caption and len(c.text) >= MIN_CAPTION_CHARS]
    if captions:
        return max(captions, key=lambda c: score(c, ref))
    return None


def embedded_body(tree: etree._Element, article_ld: list[dict], *, title: str | None = None,
                  description: str | None = None) -> tuple[str, str] | None:
    """(text, method) of the body found in script data, or None. ``title``/``description``
    default to the page's og:title/<title> and og:description."""
    cands = candidates(tree, article_ld)
    if not cands:
        return None
    best = _pick(cands, _ref_tokens(tree, title, description))
    if best is None:
        return None
    return best.text, f"embedded:{best.source}" + (":caption" if best.caption else "")
