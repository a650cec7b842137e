"""lxml element -> readable text that keeps paragraph structure.

Korean outlets often write the whole body as text nodes in one ``div`` separated by ``<br>``
(no ``<p>`` at all); ``text_content()`` would glue those paragraphs together and generic
extractors drop them. Here a block element ends a paragraph ("\\n\\n"), one ``<br>`` ends a
line ("\\n") and two or more ``<br>`` end a paragraph.
"""
from __future__ import annotations

import re

from lxml import etree

# Never text: code, widgets, embedded media and form controls.
SKIP_TAGS = frozenset({
    "script", "style", "noscript", "template", "svg", "math", "iframe", "object", "embed",
    "video", "audio", "canvas", "select", "option", "button", "input", "textarea", "head",
    "title", "meta", "link",
})
BLOCK_TAGS = frozenset({
    "p", "div", "section", "article", "main", "header", "footer", "aside", "nav", "figure",
    "figcaption", "blockquote", "pre", "ul", "ol", "li", "dl", "dt", "dd", "table", "thead",
    "tbody", "tfoot", "tr", "td", "th", "caption", "h1", "h2", "h3", "h4", "h5", "h6", "hr",
    "address", "details", "summary", "center", "form", "fieldset", "body", "html",
})
_BR = "\x01"      # one line break
_PARA = "\x02"    # paragraph break
# Whitespace other than the plain space; with runs of spaces, what collapses to one space.
# (Matching every single space, as one class would, costs a match per word.)
_OTHER_SPACES = re.compile("[\t\r\n\f\v\u00a0\u200b\u3000]")
_SPACE_RUN = re.compile(" {2,}")
# Break runs start with their marker (a literal: the regex engine jumps to it); the space
# before a marker is removed beforehand, the one after it by the paragraph rule.
_BR_RUN = re.compile(f"{_BR}(?: ?{_BR})+")
_PARA_RUN = re.compile(f"{_PARA}[ {_PARA}{_BR}]*")
BLANK_LINES = re.compile(r"\n{3,}")


def _walk(el: etree._Element, out: list[str]) -> None:
    tag = el.tag
    if not isinstance(tag, str):  # comment or processing instruction: only its tail counts
        if el.tail:
            out.append(el.tail)
        return
    tag = tag.lower()
    if tag in SKIP_TAGS:
        if el.tail:
            out.append(el.tail)
        return
    if tag == "br":
        out.append(_BR)
    else:
        block = tag in BLOCK_TAGS
        if block:
            out.append(_PARA)
        if el.text:
            out.append(el.text)
        for child in el:
            _walk(child, out)
        if block:
            out.append(_PARA)
        elif tag in ("td", "th"):
            out.append(" ")
    if el.tail:
        out.append(el.tail)


def node_text(el: etree._Element) -> str:
    """Text of ``el`` (its tail excluded): paragraphs joined by "\\n\\n", ``<br>`` lines by "\\n"."""
    out: list[str] = []
    if el.text and isinstance(el.tag, str) and el.tag.lower() not in SKIP_TAGS:
        out.append(el.text)
    if isinstance(el.tag, str) and el.tag.lower() in SKIP_TAGS:
        return ""
    for child in el:
        _walk(child, out)
    return normalize_breaks("".join(out))


def normalize_breaks(raw: str) -> str:
    """Collapse whitespace; turn the break markers into "\\n" / "\\n\\n"."""
    raw = _SPACE_RUN.sub(" ", _OTHER_SPACES.sub(" ", raw))
    # Two or more <br> in a row (with only spaces between) make a paragraph break.
    if _BR in raw:
        raw = _BR_RUN.sub(_PARA, raw)
    if _PARA in raw:
        raw = _PARA_RUN.sub("\n\n", raw.replace(" " + _PARA, _PARA))
    if _BR in raw:  # single <br>s are left, each with at most one space on each side
        raw = raw.replace(" " + _BR, _BR).replace(_BR + " ", _BR).replace(_BR, "\n")
    text = "\n".join([line.strip() for line in raw.split("\n")])
    if "\n\n\n" in text:
        text = BLANK_LINES.sub("\n\n", text)
    return text.strip()


def body_element(tree: etree._Element) -> etree._Element | None:
    """The <body> of ``tree``'s document, found without a walk over the whole document
    (scripts and styles of the head included): the HTML parser puts the one <body> right
    under the root."""
    root = tree.getroottree().getroot()
    return root if root.tag == "body" else root.find("body")


def in_body(xpath: etree.XPath, tree: etree._Element) -> list:
    """A relative ``descendant::...`` XPath evaluated on the <body> of ``tree``'s document:
    what ``//body//...`` selects."""
    body = body_element(tree)
    return xpath(body) if body is not None else []


def paragraphs(text: str) -> list[str]:
    """Non-empty lines of an extracted text (both "\\n" and "\\n\\n" separate them)."""
    return [line.strip() for line in text.split("\n") if line.strip()]
