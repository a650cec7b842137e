"""``[[feeds]]`` TOML blocks for people to paste into their config (discover, OPML import).

Names and URLs come from strangers (a feed's title, an OPML file): they are written as TOML
basic strings with every quote, backslash and control character escaped, so whatever a
title holds, the block parses back to exactly that text (tomllib round trip in the tests).
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}


def toml_string(s: str) -> str:
    """``s`` as a TOML basic string (quoted)."""
    out = []
    for ch in s:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ord(ch) < 0x20 or ord(ch) == 0x7F or 0xD800 <= ord(ch) <= 0xDFFF:
            # Other control characters; lone surrogates (from a lenient decoder) become U+FFFD.
            out.append("\\uFFFD" if ord(ch) >= 0xD800 else f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _comment(s: str) -> str:
    """One comment line: no line breaks or control characters smuggled into the TOML."""
    return "".join(ch if ch.isprintable() else " " for ch in " ".join(s.split()))


@dataclass
class FeedBlock:
    name: str
    url: str
    comments: list[str] = field(default_factory=list)   # lines above the block
    keys: dict[str, str] = field(default_factory=dict)   # more string keys (timezone, ...)
    hints: list[str] = field(default_factory=list)       # commented-out lines inside the block
    enabled: bool = True


def unique_name(name: str, taken: set[str]) -> str:
    """``name``, or ``name (2)``, ``name (3)``... whichever is not taken yet; adds it to ``taken``."""
    name = " ".join(name.split()) or "feed"
    candidate, n = name, 1
    while candidate in taken:
        n += 1
        candidate = f"{name} ({n})"
    taken.add(candidate)
    return candidate


def feeds_toml(blocks: Iterable[FeedBlock]) -> str:
    out: list[str] = []
    for b in blocks:
        out += [f"# {_comment(c)}" for c in b.comments]
        out += ["[[feeds]]", f"name = {toml_string(b.name)}", f"url = {toml_string(b.url)}"]
        out += [f"{k} = {toml_string(v)}" for k, v in b.keys.items()]
        if not b.enabled:
            out.append("enabled = false")
        out += [f"# {_comment(h)}" for h in b.hints]
        out.append("")
    return "\n".join(out)
