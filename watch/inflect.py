"""Simple English inflections for topic aliases (``kind = "topic"``).

Topics match case-insensitively, and a topic written in the plural also matches the
singular and the other way round: "AI chips" ↔ "AI chip", "XR headset" ↔ "XR headsets",
"battery" ↔ "batteries", "switch" ↔ "switches". Only the LAST word is inflected, and only
when it is ASCII letters of 3+ characters and not all capitals (so "AI", "HBM", "5G" stay
as written); uncountable words ("news", "data", "-ics") and "-is" → "-es" are handled.
Possessives need no variant: the apostrophe is a word boundary ("deepfake's" matches).
Multi-word topics also get their hyphen/space twin ("AI chip" ↔ "AI-chip").
Hangul topics get no English inflection; Korean particles and the plural suffix 들 are
handled by ``watch.korean``.
"""
from __future__ import annotations

import re

_SIBILANT = ("s", "x", "z", "ch", "sh")
_VOWELS = "aeiou"
_UNCOUNTED = frozenset({"news", "series", "species", "means", "data", "media", "software",
                        "hardware", "equipment", "research", "information", "gas"})


def _number_twins(word: str) -> list[str]:
    """Singular ↔ plural of one lower-case English word (regular forms only)."""
    w = word
    if w in _UNCOUNTED or w.endswith("ics"):  # news, electronics, robotics: no singular
        return []
    if w.endswith("is"):  # analysis → analyses
        return [w[:-2] + "es"]
    if w.endswith("ies") and len(w) > 4:
        return [w[:-3] + "y"]
    if w.endswith("es") and w[:-2].endswith(_SIBILANT):
        return [w[:-2]]
    if w.endswith("s") and not w.endswith(("ss", "us", "is")):
        return [w[:-1]]
    if w.endswith("y") and len(w) > 1 and w[-2] not in _VOWELS:
        return [w[:-1] + "ies"]
    if w.endswith(_SIBILANT):
        return [w + "es"]
    return [w + "s"]


_LAST_WORD_RE = re.compile(r"([A-Za-z]{3,})$")


def topic_variants(alias: str) -> list[str]:
    """The alias and its inflected twins (see module docstring); order is deterministic."""
    out = [alias]
    m = _LAST_WORD_RE.search(alias)
    if m and not m.group(1).isupper() and (m.start() == 0 or not alias[m.start() - 1].isalnum()):
        last = m.group(1)
        for twin in _number_twins(last.lower()):
            out.append(alias[: m.start()] + twin)  # topics ignore case: lower case is fine
    for form in list(out):
        if " " in form:
            out.append(form.replace(" ", "-"))
        elif "-" in form:
            out.append(form.replace("-", " "))
    seen: list[str] = []
    for f in out:
        if f not in seen:
            seen.append(f)
    return seen
