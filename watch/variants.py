"""The spellings of a watchlist phrase that the automaton looks for.

``spellings`` gives every exact spelling of one alias / short name / exclude phrase:

* the phrase itself (normalized: ``watch.normalize``);
* aliases that look like romanized Korean names: every spelling (``watch.romanize``);
* topic aliases: singular/plural and hyphen/space twins (``watch.inflect``);
* phrases in Hangul or Hanja that contain spaces: also without them, since Korean
  spacing varies ("윤 대통령" / "윤대통령", "AI 반도체" / "AI반도체").

* each spelled in the cases it may take (``case_forms``): as written, plus capitalized
  word starts; topics in any common case; and the one-word name of a company, product or
  organization that is no everyday word ("Facebook", "Samsung", "Google") also in lower
  case, as informal text writes it ("facebook marketplace", "a quick google search"), but
  never inside a web address (the matcher drops "pic.twitter.com") nor as the lower-case
  first part of a hyphenated word ("uber-popular"); such a name in camel case also
  with only its first letter capitalized ("GitHub" as "Github", "TikTok" as "Tiktok");
  an everyday word ("Meta", "Apple") never matches in lower case; rules 17: such a name
  also in capitals ("NAVER", "SAMSUNG"), as Korean lists and company style write it;
* a name that is a web domain ("Amazon.com") in any case.

Roles: ``ALIAS``, ``SHORT`` (short names), ``EXCLUDE``, ``CONTEXT`` (context terms: spelled
like aliases, without name variants) and ``FIXED`` (the built-in fixed phrases of
``watch/data/fixed_terms.txt``: any common case, see ``fixed_spellings``).
"""
from __future__ import annotations

import re
from functools import lru_cache

from watch.inflect import topic_variants
from watch.normalize import normalize_phrase
from watch.romanize import name_variants

ALIAS, SHORT, EXCLUDE, CONTEXT, FIXED = 0, 1, 2, 3, 4

_CJK_RE = re.compile("[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


@lru_cache(maxsize=65536)
def spellings(phrase: str, kind: str, role: int) -> tuple[str, ...]:
    """Every exact spelling the automaton looks for for one watchlist phrase, the phrase
    itself first (cached: rebuilding a Matcher in the same process is cheap)."""
    base = normalize_phrase(phrase)
    topic = kind == "topic" and role != EXCLUDE
    forms = topic_variants(base) if topic else [base]
    out = [c for f in forms for c in case_forms(f, topic)]
    if role == ALIAS and not topic:
        out += name_variants(base, kind)[1:]  # generated in their allowed capitalizations
        if lower_case_ok(base, kind):
            out.append(base.lower())
            # rules 17: and in capitals, as Korean business lists and company style write it
            # (NAVER(190억원), SAMSUNG): the everyday words that stay out are the same
            out.append(base.upper())
            if _CAMEL_RE.fullmatch(base):  # "GitHub" also as "Github", as informal text writes it
                out.append(base[0] + base[1:].lower())
        elif _DOMAIN_RE.fullmatch(base):
            out += [base.lower(), base.upper()]
    if " " in base and _CJK_RE.search(base):
        out += [f.replace(" ", "") for f in out]
    return tuple(dict.fromkeys(out))


_NAME_WORD_RE = re.compile(r"[A-Z][A-Za-z]*[a-z][A-Za-z]*")  # Facebook, YouTube, Nvidia
_CAMEL_RE = re.compile(r"[A-Z][a-z]+[A-Z][A-Za-z]*")  # a capital inside the word: GitHub, TikTok
_DOMAIN_RE = re.compile(r"[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.(?:com|net|org|co|io|ai|kr|jp|cn|de|uk)")


def lower_case_ok(name: str, kind: str) -> bool:
    """May this alias also match in lower case? One word, a name in Title- or CamelCase,
    4+ letters, not an everyday word, of a company, product or organization."""
    from watch.ambiguity import english_words  # (the lists load on first use)

    return (kind in ("company", "product", "organization") and len(name) >= 4
            and bool(_NAME_WORD_RE.fullmatch(name)) and name.lower() not in english_words())


# A lower-case ASCII letter that starts a word (not after a letter or digit of any script).
_LOWER_INITIAL = re.compile(r"(?<![0-9A-Za-z\u00aa-\U0010ffff])[a-z]")


def _initials(f: str) -> list[int]:
    """Positions of lower-case letters that start a word."""
    return [m.start() for m in _LOWER_INITIAL.finditer(f)]


def _expand(f: str) -> list[str]:
    pos = _initials(f)
    if not pos:
        return [f]
    if len(pos) > 4:
        chars = list(f)
        for i in pos:
            chars[i] = chars[i].upper()
        return [f, "".join(chars)]
    out = []
    for mask in range(1 << len(pos)):
        chars = list(f)
        for b, i in enumerate(pos):
            if mask >> b & 1:
                chars[i] = chars[i].upper()
        out.append("".join(chars))
    return out


def case_forms(form: str, topic: bool) -> list[str]:
    """The exact spellings of a form that the automaton looks for.

    Case as written, except that a lower-case letter starting a word may be capitalized
    (title case, sentence start): "SK hynix" → "SK Hynix"; "meta-analysis" →
    "Meta-analysis", "Meta-Analysis", "meta-Analysis". Up to 4 such letters are varied
    independently (16 spellings); beyond that, all or none. "Meta" never becomes "meta"
    or "META". Topics ignore case: they also get the all-lower (and from it Sentence and
    Title Case) and ALL-UPPER spellings. Spellings whose length would change under case
    mapping (rare: "ß" → "SS") are dropped, so offsets stay exact.
    """
    forms = _expand(form)
    if topic:
        forms = forms + _expand(form.lower()) + [form.upper()]
    return [f for f in dict.fromkeys(forms) if len(f) == len(form)]


@lru_cache(maxsize=4096)
def fixed_spellings(phrase: str, alias: str = "") -> tuple[str, ...]:
    """A fixed phrase in lower, UPPER, Title and Sentence case (and, with Hangul, without
    spaces): "target audience", "Target audience", "Target Audience", "TARGET AUDIENCE".
    With ``alias``, also with that alias in its own case ("lg volume" -> "LG Volume")."""
    base = normalize_phrase(phrase)
    forms = _expand(base.lower()) + [base, base.upper()]
    if alias:
        a = normalize_phrase(alias)
        own = re.sub(rf"(?i)(?<!\w){re.escape(a)}(?!\w)", lambda _m: a, base.lower())
        forms += _expand(own)
    out = [f for f in dict.fromkeys(forms) if len(f) == len(base)]
    if " " in base and _CJK_RE.search(base):
        out += [f.replace(" ", "") for f in out]
    return tuple(dict.fromkeys(out))
