"""Where an everyday-word alias is one word of ANOTHER proper name (rules 5).

An everyday word capitalized in running text is a name, but not necessarily the company's:

* the last words of a longer capitalized name that starts before it ("Kailh Box Ice Mint V2
  switches", "their Seasonal Style Box", "Urbane Box lets you"): ``longer_name_before``;
* a title or role before a person's name ("Coach P.J. Fleck", "Coach Hogen's program" in an
  article that names "Dieter Hogen"): ``title_before_person``.

Both read only the words around the mention, and the person rule the full names the article
itself writes out; neither uses a list of brands or of titles: the English word list, the
given-name list and the shape of the words do the work. ``sentence_case`` tells prose from a
Title Case line (a heading), for the rules of ``watch.corroborate`` that need it.
"""
from __future__ import annotations

import re
from functools import lru_cache

from watch.ambiguity import english_words, given_names

# function words, which may be lower case inside a Title Case headline ("Best Tools for Teams")
_FUNCTION = frozenset(("a", "an", "the", "and", "or", "nor", "but", "of", "in", "on", "at", "to",
                       "for", "from", "by", "with", "as", "vs", "versus", "via", "into", "onto",
                       "over", "per", "than", "that", "this", "these", "those", "its", "their",
                       "our", "your", "his", "her"))
_WORD = re.compile(r"[A-Za-z][\w'’-]*")
# the word right before the mention, separated by one space, on the same line
_PREV_WORD = re.compile(r"(?:^|(?<=[\s\"“(\[/]))([A-Za-z][\w'’-]*) $")
# what may stand before the word that starts a sentence (a bullet, a number, a quote, a dash
# after a label: "Live Lessons – Host Zoom sessions")
_START_BEFORE = re.compile(r"(?:^|\n|[.!?:;]\s+|\s[-–—]\s+|[\"“(\[]\s*)(?:[-*•–]\s*|\d{1,3}[.)]\s*)?$")
_RUN_BEFORE = re.compile(r"(?:(?<=[\s(\"“])|^)(?:[A-Z][\w'’&-]* )+$")
# words that describe a company before its name in a Title Case headline ("Tech Giant Apple",
# "The New Apple Watch")
# rules 12: a business's kind before its name ("Developer Valve has", "games studio Valve",
# "Japanese bank Mizuho"): one list, shared with watch.corroborate's describing nouns, so a
# kind that makes the company syntax never starts a longer name either
INDUSTRY_NOUNS = ("company", "firm", "giant", "maker", "retailer", "carrier", "airline", "automaker",
                  "carmaker", "chipmaker", "conglomerate", "brand", "startup", "start-up", "manufacturer",
                  "provider", "supplier", "vendor", "telco", "telecoms", "broadcaster", "lender",
                  "insurer", "publisher", "chain", "operator", "grocer", "supermarket", "miner",
                  "network", "developer", "studio", "bank", "group", "distributor", "producer",
                  "brewer", "drugmaker", "e-tailer", "exporter", "importer", "outfit", "label")
_DESCRIBING = frozenset(INDUSTRY_NOUNS + ("rival", "partner",
                         "parent", "owner", "new", "former",
                         # rules 10: a paper's edition is the paper ("the Sunday Telegraph reported")
                         "daily", "sunday", "saturday", "weekend", "weekly"))


def sentence_case(text: str, start: int, end: int) -> bool:
    """Is the mention's sentence written in lower case (a content word in lower case in it),
    rather than in Title Case like a headline?"""
    ls = max(text.rfind("\n", 0, start), text.rfind(". ", 0, start)) + 1
    le = min((x for x in (text.find("\n", end), text.find(". ", end)) if x != -1), default=len(text))
    return any(w[0].islower() and w.lower() not in _FUNCTION for w in _WORD.findall(text, ls, le))


def longer_name_before(text: str, start: int, end: int) -> str:
    """The capitalized word right before an everyday-word mention when the two are one longer
    name that is not the company's, quoted; "" if none. In mid-sentence any capitalized word
    other than an acronym ("hot-swappable Kailh Box", "standard Style Box"); at a sentence's
    start only a word that is no everyday word ("Urbane Box lets you"), since there the
    capital of "Shop", "When" or "Every" is the sentence's. Not a word that describes a
    company in a Title Case headline ("Retail Giant Target", "The New Apple Watch"); the
    caller also keeps the mention when the company's product or a company word follows
    ("Eat Amazon Prime")."""
    if start < 2 or text[start - 1] != " " or not text[start - 2].isalpha():
        return ""  # (the usual case, decided without a regex)
    if text[start - 5:start] == " the ":
        # rules 10: a title joined by "of the" ("Queen of the Sky", "Lord of the Rings"): the
        # capitalized word before "of" starts it; a company's name takes no "the"
        m = _OF_THE.search(text, max(0, start - 40), start)
        return f"{m.group(1)} of the {text[start:end]}" if m and m.group(1).lower() not in _FUNCTION else ""
    m = _PREV_WORD.search(text, max(0, start - 40), start)
    if not m:
        return ""
    prev = m.group(1)
    if not prev[0].isupper() or prev.isupper() or prev[-2:] in ("'s", "’s") or prev.lower() in _FUNCTION:
        return ""
    at_start = bool(_START_BEFORE.search(text, max(0, m.start() - 8), m.start()))
    if at_start and prev.lower() in english_words():
        return ""
    if prev.lower() in _DESCRIBING:
        # unless the business's kind was already said before it ("Security firm Network Box
        # said"): then the capitalized word starts the other business's name
        kind = _PREV_WORD.search(text, max(0, m.start() - 30), m.start())
        if not (kind and kind.group(1).lower() in _DESCRIBING):
            return ""
    # the whole run of capitalized words that ends with the mention ("Razer Viper Mini")
    run = _RUN_BEFORE.search(text, max(0, m.start() - 40), m.start())
    return f"{run.group(0) if run else ''}{prev} {text[start:end]}"


_OF_THE = re.compile(r"(?:^|(?<=[\s\"“(]))([A-Z][a-z][\w'’-]*) of the $")
_THE_BEFORE = re.compile(r"(?:^|[\s(\"“])the $")
# rules 10: a preposition right before it, without an article ("under United States law"): a
# place or an institution takes none, a product does ("a used Ford Focus", "the Apple Watch")
_PREPOSITION_BEFORE = re.compile(r"(?:^|[\s(\"“])(?:under|in|of|from|across|throughout|within|outside|"
                                 r"into|to|between|against|towards?|beyond|among|inside) $")
_NEXT_CAPITAL = re.compile(r" ([A-Z][a-z]+)(?![\w'’-])(?! [A-Z])")


def longer_name_after(text: str, start: int, end: int) -> str:
    """The mirror of ``longer_name_before``: an everyday-word mention after a lower-case
    "the" and before a capitalized everyday word is the first word of a fixed name ("the
    United States", "the Amazon River"), quoted; "" if none. The caller keeps the mention
    when the company's word, product or model follows ("the Apple Watch"); a longer run of
    capitalized words is a product's or program's name ("the Meta Blueprint Certification")."""
    if text[end:end + 1] != " " or not text[end + 1:end + 2].isupper():
        return ""  # (the usual case, decided without a regex)
    if not (_THE_BEFORE.search(text, max(0, start - 5), start)
            or _PREPOSITION_BEFORE.search(text, max(0, start - 12), start)):
        return ""
    m = _NEXT_CAPITAL.match(text, end)
    if not m or m.group(1).lower() not in english_words():
        return ""  # a coined word after it is a product ("the Apple CarPlay")
    return f"{text[start:end]} {m.group(1)}"


# an initial or initials ("P.J. Fleck", "J. Smith")
_INITIALS = re.compile(r" (?:[A-Z]\.\s?){1,3}[A-Z][a-z]+")
_NAME_AFTER = re.compile(r" ([A-Z][a-z]+)((?:['’]s)?(?![\w'’-]))( [A-Z][a-z]+)?")
# a person's full name written out after a lower-case word ("elite coach Dieter Hogen has")
_FULL_NAME = re.compile(r"(?:^|(?<=[\s(]))([a-z]+) ([A-Z][a-z]+) ([A-Z][a-z]+)(?![\w-])")


@lru_cache(maxsize=8)
def full_names(text: str) -> dict[str, frozenset[str]]:
    """Surname -> the lower-case words written right before the person's full name, for the
    names the text writes out in mid-sentence with a surname that is no everyday word
    ("elite coach Dieter Hogen": "Hogen" -> {"coach"}). A product's name has the same shape
    ("integrated Amazon Alexa", "like Google Analytics"): only the word before it tells a
    title ("coach") from a verb or a preposition."""
    words = english_words()
    out: dict[str, set[str]] = {}
    for lead, _, last in _FULL_NAME.findall(text):
        if last.lower() not in words:
            out.setdefault(last, set()).add(lead)
    return {k: frozenset(v) for k, v in out.items()}


def title_before_person(text: str, start: int, end: int) -> str:
    """The person's name after an everyday-word mention used as a title ("Coach P.J. Fleck",
    "Coach Hogen's"), quoted; "" if none: initials, a common given name and a surname, or the
    surname of a full name that the article writes after the same word in lower case."""
    if text[end:end + 1] != " " or not text[end + 1:end + 2].isupper():
        return ""
    m = _INITIALS.match(text, end)
    if m:
        return f"{text[start:end]}{m.group(0)}"
    m = _NAME_AFTER.match(text, end)
    if not m:
        return ""
    # a surname the article writes out in full after the same word in lower case ("coach
    # Dieter Hogen" … "Coach Hogen's"): the word is a title in this article
    if (m.group(1) in given_names() and not m.group(2) and m.group(3)
            or text[start:end].lower() in full_names(text).get(m.group(1), ())):
        return f"{text[start:end]} {m.group(1)}"
    return ""
