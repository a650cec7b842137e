"""The prominence of a flag, explained for the story view: each part's points, its
maximum, and the measure behind it (``watch.prominence`` documents the parts)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from watch import prominence as wp

# part -> (label, most points it can give)
PARTS = (
    ("headline", "Headline", wp.HEADLINE),
    ("lede", "Lede", wp.LEDE_FIRST),
    ("mentions", "Mentions", wp.PER_MENTION * wp.MAX_MENTIONS),
    ("sentences", "Sentence share", wp.SENTENCES_MAX),
    ("position", "First position", wp.POSITION_MAX),
)


@dataclass(frozen=True)
class PartRow:
    key: str
    label: str
    points: int | None  # None: the stored parts lack it
    most: int
    measure: str


def _measure(key: str, p: dict[str, Any]) -> str:
    if key == "headline":
        return "named in the headline" if p.get("in_title") else "not in the headline"
    if key == "lede":
        para = p.get("lede_paragraph")
        return {1: "in the first paragraph", 2: "in the second paragraph"}.get(para, "not in the first two paragraphs")
    if key == "mentions":
        n = p.get("count")
        return f"{n} mention{'' if n == 1 else 's'} (title and body)" if isinstance(n, int) else ""
    if key == "sentences":
        w, of, share = p.get("sentences_with"), p.get("sentences_of"), p.get("share")
        if not isinstance(w, int) or not isinstance(of, int):
            return ""
        pct = f" ({share * 100:.0f}%)" if isinstance(share, (int, float)) else ""
        return f"in {w} of {of} sentences{pct}"
    if key == "position":
        at = p.get("first_at")
        if not isinstance(at, (int, float)):
            return "no mention in the body"
        return f"first body mention {at * 100:.0f}% into the text"
    return ""


# parts that give nothing when the entity is named only in a role (watch.roles)
_DISCOUNTED = ("lede", "sentences", "position")


def prominence_rows(parts: dict[str, Any] | None) -> list[PartRow]:
    """One row per part, in the documented order; empty without stored parts."""
    if not parts:
        return []
    rows = []
    played = parts.get("role")
    for key, label, most in PARTS:
        v = parts.get(key)
        measure = _measure(key, parts)
        if played == "link":  # (rules 13: every part is 0)
            measure += "; not counted: named only in the site's own links (share, subscribe or contact)"
        elif played and key in _DISCOUNTED:
            measure += f"; not counted: named only as a {played}"
        rows.append(PartRow(key, label, int(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None,
                            most, measure))
    return rows
