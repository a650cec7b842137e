"""The watchlist matcher: one Aho-Corasick automaton, then rule checks on each hit.

Build (``Matcher(watchlist)``): every alias, short name and exclude phrase is normalized
(``watch.normalize``) and turned into every exact spelling it may take
(``watch.variants.spellings``): romanized Korean name variants (``watch.romanize``),
topic inflections (``watch.inflect``), Hangul phrases with spaces also without them
("윤 대통령" → "윤대통령"), and the allowed capitalizations (``case_forms``). All spellings
go into ONE Aho-Corasick automaton (``ahocorasick_rs``, the Rust aho-corasick crate: 5-8x
faster here than pyahocorasick, whose trie scans child lists linearly), built over the
spellings' bytes (as UTF-16, and its ASCII part also as ASCII: see ``Matcher.__init__``);
each spelling carries the targets (entity, role, watchlist phrase) that share it.

Match (``Matcher.match(title, text)``), per field:

1. normalize the field (NFKC + character map, offsets kept) and run the automaton over
   it: every occurrence of every spelling, overlapping ones included;
2. every hit must start and end a word:
   * a hit starting with a letter/digit must not follow a letter or digit (Hanja such as
     美 or 故 before it are fine); a hit starting with Hangul must not follow Hangul
     (비메타, 중앙선관위 is not the alias 선관위);
   * after the hit: end of text, a space or punctuation (so "Samsung's", "Meta-owned",
     "Zuckerberg-backed" match), or Hangul that is entirely a particle
     (``watch.korean``: "메타는" yes, "메타버스" no, and for a Latin alias "Meta는" yes,
     "LG디스플레이" no); a letter or digit means the alias is only part of a word ("LGBT",
     "Metadata"). Exception: an exclude phrase ending in Hangul may be the start of a
     longer word ("메타 분석" covers "메타 분석법"): suppression errs on the quiet side;
3. case is part of the spellings: as written, or with a lower-case word start written in
   upper case (title case, sentence start: "SK hynix" matches "SK Hynix", "Lee Jae-yong"
   matches "Lee Jae-Yong", the exclude "meta-analysis" matches "Meta-Analysis"); "Meta"
   never matches "meta" or "META". Topic aliases match in any common case (lower, UPPER,
   Title, Sentence). Exclude phrases follow the alias rule, not a case-blind substring
   rule, which would let "Meta Financial Group" or "Samsung Life Insurance" swallow "Meta
   financial results" or "Samsung lifestyle TVs"; write an exclude in lower case to catch
   it in any position;
4. alias / short-name hits inside an exclude-phrase hit of the same entity are dropped;
   overlapping hits of one entity merge into one mention ("President Yoon Suk Yeol");
   across entities the longest wins (ties: leftmost, then entity id), so an entity with
   the alias "Samsung Biologics" takes that phrase from "Samsung". Entities and topics
   are resolved separately (a topic never hides an entity, nor the reverse);
5. short names count only when a full alias of the same entity was found in the article
   (title + body; an alias that was excluded or lost to a longer alias does not count),
   and not when they start another romanized Korean name ("Lee Kun-hee", "Yoon
   Jong-kyoo"): those are other people with the same family name.

Results are deterministic: mentions are sorted by (field: title first, start, end, entity).
A Matcher pickles as its Watchlist and is rebuilt on unpickling (well under 1 s for 5,000
aliases), so process-pool workers can receive it.

Speed (``benchmarks/matching.py``): the automaton does the per-character work in Rust
(also finding runs of spaces to collapse: see ``__init__``); Python work is per hit and
per mention, kept small: hits are plain tuples, targets carry their entity index, short
names shared by many entities are expanded through a per-spelling entity index, the
romanized-name test of a short name is cached per word, hits of one entity are merged
without sorting by key functions, mention/flag objects are built without the frozen
dataclass's per-field ``object.__setattr__``, and snippets look only near the mention
(``watch.snippets``). Fields are normalized with an ASCII control character (U+001E)
instead of U+2029 for blank lines, so English text stays ASCII and its byte offsets are
character offsets (no conversion); no spelling contains either character and every rule
treats them alike, so the hits are the same. For other text see ``__init__``. The order
of the raw hits does not matter: ``_resolve`` sorts them.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from operator import itemgetter
from typing import NamedTuple

import ahocorasick_rs

from watch.ambiguity import (
    fixed_terms,
    korean_groups,
    marked_ambiguous,
    why_ambiguous,
)
from watch.corroborate import (
    HANGUL_SYLLABLE,
    Cand,
    decide,
    defined_after,
    line_span,
    list_item_name,
    venue,
    verb_use,
)
from watch.glue import (
    LONG_GLUED,
    gloss_follows,
    glossed_context,
    latin_terms,
    title_glued_before,
)
from watch.korean import (
    AFFILIATE_HANJA,
    AFFILIATE_NOUNS,
    COMPANY_WORDS,
    FACTION_PREFIXES,
    bank_follows,
    capability_named,
    chair_follows,
    compound_of,
    country_before,
    desk_named,
    economy_named,
    elided_lists,
    endings,
    is_hangul,
    is_ideograph,
    is_kana,
    latin_media_follows,
    legal_name_follows,
    merged_follows,
    particle_follows,
    product_follows,
    product_named,
    stock_code_follows,
    unit_follows,
)
from watch.normalize import fold, normalize
from watch.othernames import title_before
from watch.prominence import (
    ABOUT,
    Shape,
    as_passing,
    credited_source,
    headline_context,
    parent_of_another,
    score,
)
from watch.romanize import split_given
from watch.snippets import Sentences
from watch.variants import (
    ALIAS,
    CONTEXT,
    EXCLUDE,
    FIXED,
    SHORT,
    fixed_spellings,
    spellings,
)
from watch.watchlist import Watchlist

_ROLE_KIND = {ALIAS: "alias", SHORT: "short_name"}
# Character classes at the ends of a form, deciding the boundary rule. Kana next to a
# Latin (or other alphabetic) end is a boundary (Japanese has no spaces: "Amazonが"); kana
# next to a kana end is not ("メタ" in "メタバース").
_NONE, _WORD, _HANGUL, _KANA = 0, 1, 2, 3
# rules 15: the left end of a long unambiguous Hangul alias, which may be glued after other
# Hangul by a crawl ("착수엔비디아": watch.glue); its right end is an ordinary Hangul end
_HANGUL_GLUED = 4
# rules 19: the left end of a Hangul alias of several words whose first word is long (three
# syllables or more) and that no rule finds ambiguous (도널드 트럼프): glued by a crawl after a
# person's title (권태민 파트너도널드 트럼프: watch.glue.title_glued_before)
_HANGUL_TITLED = 5
# rules 17: a photo or data credit before a name ("사진제공=", "자료=", "출처:"): the name ends the
# credit, and a crawl glues the next paragraph to it: a Latin letter or digit may follow (glued
# Hangul may still be a longer name: 삼성전자서비스)
_CREDIT_BEFORE = re.compile(r"(?:제공|사진|자료|출처|그래픽)\s?[=:]\s?$")
# rules 16: the groups a merged firm's name may end with (watch.korean.merged_follows)


@dataclass(frozen=True)
class Mention:
    entity_id: str
    alias: str  # the watchlist phrase (alias / short name) this is a form of
    text: str  # as written in the original field
    field: str  # "title" | "text"
    start: int  # offsets into the ORIGINAL field string
    end: int
    kind: str  # "alias" | "short_name" | "topic"
    snippet: str  # the sentence holding it, ≤ 300 chars
    # an ambiguous alias (watch.ambiguity): what corroborated it (watch.corroborate); else ""
    note: str = ""

    @property
    def in_title(self) -> bool:
        return self.field == "title"

    def to_dict(self) -> dict:
        d = {"entity": self.entity_id, "alias": self.alias, "text": self.text,
             "field": self.field, "start": self.start, "end": self.end, "kind": self.kind,
             "snippet": self.snippet}
        if self.note:
            d["note"] = self.note
        return d


@dataclass(frozen=True)
class Rejected:
    """A mention that did not count, and why (``--explain``): an ambiguous alias without
    corroboration, any alias that starts a venue's name, or a lower-case spelling of a name
    that starts a hyphenated word ("uber-popular")."""

    entity_id: str
    alias: str
    text: str
    field: str
    start: int
    end: int
    reason: str

    def to_dict(self) -> dict:
        return {"entity": self.entity_id, "alias": self.alias, "text": self.text,
                "field": self.field, "start": self.start, "end": self.end, "reason": self.reason}


@dataclass(frozen=True)
class Flag:
    entity_id: str
    count: int  # mentions (aliases, short names, topic aliases)
    in_title: bool
    snippet: str  # of the first body mention of a full alias, else of the first mention
    reason: str  # human-readable why: 'alias "Samsung" ×2 in title and body; ...'
    mentions: tuple[Mention, ...]
    prominence: int = 0  # 0-100: about the entity, or a passing mention (watch.prominence)
    prominence_parts: dict | None = None  # each part's points and measure

    def details(self) -> list[dict]:
        """The mentions as ``models.records.MentionRecord.details`` stores them (``note``:
        what corroborated an ambiguous alias)."""
        out = []
        for m in self.mentions:
            d = {"alias": m.alias, "text": m.text, "field": m.field, "start": m.start,
                 "end": m.end, "kind": m.kind}
            if m.note:
                d["note"] = m.note
            out.append(d)
        return out

    def to_dict(self) -> dict:
        return {"entity": self.entity_id, "count": self.count, "in_title": self.in_title,
                "prominence": self.prominence, "prominence_parts": self.prominence_parts,
                "reason": self.reason, "snippet": self.snippet}


@dataclass(frozen=True)
class MatchResult:
    entities: list[str]
    flags: list[Flag]
    mentions: list[Mention]
    # mentions of ambiguous aliases that did not count, with the reason (newsmon match --explain)
    rejected: list[Rejected] = ()  # type: ignore[assignment]


_new = object.__new__


def _flag(eid: str, count: int, in_title: bool, snippet: str, reason: str,
          mentions: tuple[Mention, ...]) -> Flag:
    """``Flag(...)`` without the frozen dataclass's per-field ``object.__setattr__`` calls
    (prominence is filled in by ``Matcher.match`` once all flags are known)."""
    f = _new(Flag)
    d = f.__dict__
    d["entity_id"] = eid
    d["count"] = count
    d["in_title"] = in_title
    d["snippet"] = snippet
    d["reason"] = reason
    d["mentions"] = mentions
    d["prominence"] = 0
    d["prominence_parts"] = None
    return f


def _result(entities: list[str], flags: list[Flag], mentions: list[Mention],
            rejected: list[Rejected] | None = None) -> MatchResult:
    r = _new(MatchResult)
    d = r.__dict__
    d["entities"] = entities
    d["flags"] = flags
    d["mentions"] = mentions
    if rejected and len(rejected) > 1:
        rejected.sort(key=lambda x: (x.field != "title", x.start, x.entity_id))
    d["rejected"] = rejected or []
    return r


class _Target(NamedTuple):
    entity: int  # index into watchlist.entities
    role: int  # ALIAS | SHORT | EXCLUDE
    phrase: str  # the watchlist alias / short name / exclude phrase


class _Shorts(NamedTuple):
    """The short-name targets of one spelling ("Lee": every entity with that short name)."""
    targets: tuple[_Target, ...]  # in build order (entity index, then phrase order)
    entities: frozenset[int]
    by_entity: dict[int, tuple[_Target, ...]]


_CLASS_CACHE: dict[str, int] = {}


def _end_class(c: str) -> int:
    """Boundary class of the first/last character of a spelling (cached per character)."""
    cls = _CLASS_CACHE.get(c)
    if cls is None:
        cls = (_HANGUL if is_hangul(c) else _KANA if is_kana(c)
               else _WORD if c.isalnum() and not is_ideograph(c) else _NONE)
        _CLASS_CACHE[c] = cls
    return cls


def _is_word_char(c: str) -> bool:
    return c.isalnum() and not is_ideograph(c)


_OTHER_NAME_RE = re.compile(r" ([A-Z][a-z]+(?:-[A-Za-z][a-z]+)?)")
_GIVEN_CACHE: dict[str, bool] = {}  # word -> is it a romanized two-syllable given name


def _starts_other_korean_name(text: str, end: int) -> bool:
    """After a short name ("Lee"): does a romanized given name follow ("Lee Kun-hee")?"""
    m = _OTHER_NAME_RE.match(text, end)
    if not m:
        return False
    after = m.end()
    if after < len(text) and _is_word_char(text[after]):
        return False
    word = m.group(1)
    given = _GIVEN_CACHE.get(word)
    if given is None:
        given = bool(split_given(word))
        if len(_GIVEN_CACHE) < 65536:
            _GIVEN_CACHE[word] = given
    return given


_WORD_SPLIT = re.compile(r"[^\W_]+")  # words of a folded phrase (fixed-phrase containment)
_ASTRAL_RE = re.compile("[\U00010000-\U0010ffff]")  # two UTF-16 units each
_PARA = "\u2029"  # what watch.normalize makes of a blank line, by default
_PARA_SUB = "\x1e"  # what the matcher asks for instead (see the module docstring)
_DOUBLE_SPACE = "  "  # automaton pattern 0 (see Matcher.__init__)
_MENTION_ORDER = itemgetter(0, 1, 2, 3, 4)  # (not in title, start, end, entity id, alias)
_TARGET = itemgetter(2)  # of a hit (start, end, target)
_ENTITY = itemgetter(0)  # of a target


class Matcher:
    """Flags the watchlist entities an article mentions (see module docstring)."""

    def __init__(self, watchlist: Watchlist) -> None:
        self.watchlist = watchlist
        self._ids = [e.id for e in watchlist.entities]
        self._persons = frozenset(i for i, e in enumerate(watchlist.entities) if e.kind == "person")
        self._topic = [e.kind == "topic" for e in watchlist.entities]
        self._has_topics = any(self._topic)
        self._topic_ids = frozenset(i for i, t in enumerate(self._topic) if t)
        self._person = [e.kind == "person" for e in watchlist.entities]
        # (entity, alias) -> why it is ambiguous (watch.ambiguity; watchlist overrides win)
        self._amb: dict[tuple[int, str], str] = {}
        for i, ent in enumerate(watchlist.entities):
            overrides = dict(ent.ambiguous)
            for alias in ent.aliases:
                why = (marked_ambiguous(alias, ent.kind, ent.aliases) if overrides[alias] else None) \
                    if alias in overrides else why_ambiguous(alias, ent.kind, ent.aliases)
                if why:
                    self._amb[(i, alias)] = why
        # context terms that are an affiliate named with one of the entity's ambiguous short
        # forms ("GS리테일", "토스뱅크", "하나증권"): a company of its own, so they corroborate
        # nothing (they still put the entity in the headline for prominence), and the bare short form beside them is likely that affiliate ("GS리테일 …
        # GS 측은"), as beside any other company named with it (watch.corroborate.compounds);
        # not a merger of the short form with another watched name ("라인야후", "다음카카오"),
        # which the entity's own company became
        names = frozenset(normalize(a).text for e in watchlist.entities for a in e.aliases)
        self._affiliates = [frozenset(
            t for t in e.context
            for nt in (normalize(t).text,)
            if any(compound_of(nt, na) and nt[len(na):] not in names
                   for na in (normalize(a).text for a in e.aliases if (i, a) in self._amb)))
            for i, e in enumerate(watchlist.entities)]
        # every entity's one-word context terms (products, mostly): a single letter after one
        # is a model letter ("아이폰 X": watch.corroborate.veto)
        self._products = frozenset(w for e in watchlist.entities for t in e.context
                                   for w in (normalize(t).text,) if " " not in w)
        # rules 15 (watch.glue): Latin names any case, for a gloss glued to a Hangul name
        # ("뉴욕타임스NYT"), and the Latin context terms with the Hangul names of their entity
        # ("라마LLamA" after its loanword spelling)
        self._latin_terms = latin_terms(watchlist.entities)
        self._latin_context: dict[str, list[tuple[int, str]]] = {}
        self._hangul_names: dict[str, frozenset[int]] = {}
        for i, e in enumerate(watchlist.entities):
            for t in e.context:
                if t.isascii() and " " not in t:
                    self._latin_context.setdefault(t.casefold(), []).append((i, t))
            for t in e.aliases + e.context:
                if all(map(is_hangul, t)):
                    self._hangul_names[t] = self._hangul_names.get(t, frozenset()) | {i}
        # an entity's own spellings: a Hangul compound that starts with one of them is not
        # "another company of the same group" (watch.corroborate.compounds)
        self._own = []
        for e, affiliates in zip(watchlist.entities, self._affiliates):
            own = e.aliases + e.short_names + tuple(t for t in e.context if t not in affiliates)
            self._own.append(frozenset(map(fold, own)) | frozenset(normalize(x).text for x in own))
        # exact spelling -> [(entity, role, phrase)] (insertion-ordered: deterministic)
        keys: dict[str, list[_Target]] = {}

        def add(tg: _Target, forms) -> None:
            for key in forms:
                targets = keys.get(key)
                if targets is None:
                    keys[key] = [tg]
                elif tg not in targets:
                    targets.append(tg)

        for i, ent in enumerate(watchlist.entities):
            for role, phrases in ((ALIAS, ent.aliases), (SHORT, ent.short_names),
                                  (EXCLUDE, ent.exclude), (CONTEXT, ent.context)):
                for phrase in phrases:
                    add(_Target(i, role, phrase), spellings(phrase, ent.kind, role))
            for form, alias in _glued_forms(ent):
                add(_Target(i, ALIAS, alias), spellings(form, ent.kind, ALIAS))
        # rules 14: Hangul spellings of aliases, for the names of elided lists (현대·기아차)
        self._hangul_aliases = {k: tgs for k, v in keys.items() if not k.isascii()
                                for tgs in (tuple(tg for tg in v if tg.role == ALIAS),) if tgs}
        # fixed phrases (watch/data/fixed_terms.txt) that hold an ambiguous alias as a word:
        # its mentions inside them are rejected
        if self._amb:
            by_words: dict[tuple[str, ...], list[tuple[int, str]]] = {}
            for (i, alias) in self._amb:
                by_words.setdefault(tuple(_WORD_SPLIT.findall(fold(alias))), []).append((i, alias))
            for term in fixed_terms():
                words = tuple(_WORD_SPLIT.findall(fold(term)))
                for aw, owners in by_words.items():
                    n = len(aw)
                    if any(words[k:k + n] == aw for k in range(len(words) - n + 1)):
                        for i, alias in owners:
                            add(_Target(i, FIXED, term), fixed_spellings(term, alias))
        patterns: list[str] = []
        payloads: list[tuple] = []
        shared: dict[tuple, tuple] = {}  # one payload object for all spellings of a phrase
        classes = _CLASS_CACHE
        # ASCII spellings first: the automaton for ASCII text holds only those (a prefix of
        # the pattern list, so both automata number the patterns alike)
        for key, targets in sorted(keys.items(), key=lambda kv: not kv[0].isascii()):
            tgs = tuple(targets)
            lcls = classes.get(key[0])
            if lcls is None:
                lcls = _end_class(key[0])
            rcls = classes.get(key[-1])
            if rcls is None:
                rcls = _end_class(key[-1])
            if (lcls == _HANGUL and len(key) >= LONG_GLUED and all(map(is_hangul, key))
                    and all(tg.role == ALIAS and (tg.entity, tg.phrase) not in self._amb for tg in tgs)):
                lcls = _HANGUL_GLUED  # rules 15 (watch.glue)
            elif (lcls == _HANGUL and " " in key and len(key.split(" ", 1)[0]) >= LONG_GLUED
                  and all(c == " " or is_hangul(c) for c in key)
                  and all(tg.role == ALIAS and (tg.entity, tg.phrase) not in self._amb for tg in tgs)):
                lcls = _HANGUL_TITLED  # rules 19 (watch.glue)
            payload = shared.get((tgs, lcls, rcls))
            if payload is None:
                excl = tuple(dict.fromkeys(tg.entity for tg in tgs if tg.role == EXCLUDE))
                # context terms and fixed phrases: looked at only after the scan
                special = tuple(tg for tg in tgs if tg.role >= CONTEXT) or None
                # A Hangul exclude (or fixed) phrase may be the start of a longer word
                # ("메타 분석법"): suppression errs on the side of no false alarm.
                open_right = rcls == _HANGUL and bool(excl or special and any(
                    tg.role == FIXED for tg in special))
                short = tuple(tg for tg in tgs if tg.role == SHORT)
                by_entity: dict[int, tuple[_Target, ...]] = {}
                for tg in short:
                    by_entity[tg.entity] = by_entity.get(tg.entity, ()) + (tg,)
                payload = (lcls, rcls, open_right, tuple(tg for tg in tgs if tg.role == ALIAS),
                           _Shorts(short, frozenset(by_entity), by_entity) if short else None,
                           excl, special)
                shared[(tgs, lcls, rcls)] = payload
            patterns.append(key)
            payloads.append(payload)
        # The ASCII stand-in for U+2029 is used only if no spelling contains it (a
        # Watchlist built in code could hold control characters): the hits stay the same.
        self._para_sub = not any(_PARA_SUB in p for p in patterns)
        self.n_patterns = len(patterns)
        if patterns:
            # Pattern 0 is two spaces, which no spelling contains: fields are scanned before
            # runs of spaces are collapsed, and a hit of it sends the field back to be
            # collapsed and scanned again (rare: extracted text has single spaces). The
            # automaton finds it for free, while searching every text for "  " costs
            # about 5% of matching (spaces are frequent, so the search keeps stopping).
            patterns.insert(0, _DOUBLE_SPACE)
            payloads.insert(0, None)
        # ONE automaton over every spelling (aho-corasick crate, overlapping matches), as
        # bytes: in UTF-16 for non-ASCII text (offsets are halved; Hangul takes 2 bytes
        # instead of 3 in UTF-8, and no byte -> character table is built on every call as
        # the str API does), and its ASCII spellings alone for ASCII text (byte offsets are
        # character offsets; no other spelling can occur in it). The ASCII spellings come
        # first, so both automata number the spellings alike.
        n_ascii = sum(1 for p in patterns if p.isascii())
        self._automaton = self._automaton16 = None
        if n_ascii:
            self._automaton = ahocorasick_rs.BytesAhoCorasick(
                [p.encode("ascii") for p in patterns[:n_ascii]])
        if patterns:
            self._automaton16 = ahocorasick_rs.BytesAhoCorasick(
                [p.encode("utf-16-le") for p in patterns])
        self._payloads = payloads

    def __reduce__(self):
        # The automaton is rebuilt from the watchlist: smaller to ship than a pickled trie.
        return (Matcher, (self.watchlist,))

    # --- per field -------------------------------------------------------------------------

    def _scan(self, t: str) -> tuple[list[tuple[int, int, _Target]], list[tuple[int, int, _Shorts]],
                                     dict[int, list[tuple[int, int]]]] | None:
        """Hits of one normalized field that pass the word-boundary rules, in normalized
        offsets: alias candidates (start, end, target); short-name hits (start, end, the
        spelling's short-name targets), expanded only for entities that turn out to have a
        full alias in the article; exclude-phrase spans per entity. None if the text holds
        a run of spaces (it must be collapsed first: see __init__)."""
        n = len(t)
        cands: list[tuple[int, int, _Target]] = []
        shorts: list[tuple[int, int, _Shorts]] = []
        excluded: dict[int, list[tuple[int, int]]] = {}
        specials: list[tuple[int, int, tuple]] = []  # context terms and fixed phrases
        if t.isascii():
            if self._automaton is None:
                return cands, shorts, excluded, specials
            raw = self._automaton.find_matches_as_indexes(t.encode("ascii"), overlapping=True)
        else:
            if self._automaton16 is None:
                return cands, shorts, excluded, specials
            data = t.encode("utf-16-le")
            if len(data) == 2 * len(t):  # no character beyond the BMP: 2 bytes each
                # (a hit at an odd offset straddles two characters: not a real occurrence)
                raw = [(idx, s >> 1, e >> 1)
                       for idx, s, e in self._automaton16.find_matches_as_indexes(data, overlapping=True)
                       if not s & 1]
            else:
                raw = self._astral_hits(t, data)
        if raw and min(raw)[0] == 0:  # pattern 0: two spaces
            return None
        payloads = self._payloads
        for idx, start, end in raw:
            lcls, rcls, open_right, aliases, short, excl, special = payloads[idx]
            # Word boundaries (inlined: this loop runs for every raw hit). The right side
            # first: it is where most hits fail ("Lee" in "Leeway").
            right_ok = True
            if end < n and rcls:
                c = t[end]
                if c < "\u1100":  # (no Hangul, no Hanja): a letter or digit is a word
                    # (but an outlet's Latin kind glued to its Hangul name is it: 연합뉴스TV)
                    # (rules 15: or a Latin alias or context term of the same entity glued to
                    # its Hangul name, a gloss whose brackets a crawl dropped: 뉴욕타임스NYT)
                    right_ok = not c.isalnum() or rcls == _HANGUL and (
                        bool(latin_media_follows(t, end))
                        or gloss_follows(t, end, {tg.entity for tg in aliases}, self._latin_terms))
                elif is_hangul(c):
                    # a particle ("메타는"), or a product glued to the brand ("애플워치")
                    # (rules 19: or the rest of its legal name: 한화생명보험, 삼성전자주식회사)
                    right_ok = particle_follows(t, end) or bool(product_follows(t, end)) or (
                        lcls == _HANGUL_GLUED and bool(merged_follows(t, end, korean_groups()))
                    ) or bool(legal_name_follows(t, start, end)) or (
                        lcls >= _HANGUL_GLUED and bool(unit_follows(t, end))) or (  # rules 20: 특별검사팀은
                        (lcls >= _HANGUL_GLUED or lcls == _HANGUL and rcls == _WORD)
                        and bool(bank_follows(t, end))) or (  # rules 22: 미쓰비시UFJ은행
                        bool(chair_follows(t, start, end))  # rules 22: 과방위원장
                        and any(tg.entity not in self._persons for tg in aliases))
                elif is_kana(c):
                    right_ok = rcls != _KANA
                else:
                    # (rules 16: a Hanja affiliate kind glued to it is another company: 현대차證)
                    right_ok = not (c.isalnum() and (c < "\u3400" or not is_ideograph(c))) and c not in AFFILIATE_HANJA
                if not right_ok and c < "\u1100" and t[start - 1] in "=:" and _CREDIT_BEFORE.search(t, max(0, start - 8), start):
                    right_ok = True  # rules 17: a credit's name, the next paragraph glued on (사진제공=대우조선해양E1은)
                if not right_ok and not open_right:
                    continue
            if start and lcls:
                p = t[start - 1]
                if lcls == _WORD:
                    if p.isalnum() and (p < "\u3040" or not (is_ideograph(p) or is_kana(p))) and not (
                            p >= "\u1100" and is_hangul(p) and country_before(t, start)):
                        # a letter, digit or Hangul before: inside a word; but a country in
                        # Hangul glued before a Latin name is the company there ("한국GM")
                        continue
                elif lcls == _KANA:
                    if p.isalnum() and (p < "\u3400" or not is_ideograph(p)):
                        continue
                elif lcls == _HANGUL and p >= "\u1100" and is_hangul(p):
                    continue  # (a long unambiguous alias may be glued after Hangul: rules 15)
                elif lcls == _HANGUL_GLUED and p >= "\u1100" and is_hangul(p) and stock_code_follows(t, end):
                    continue  # (rules 17: but before a stock code it ends another listed name: 디에스케이(109740))
                elif lcls == _HANGUL_TITLED and p >= "\u1100" and is_hangul(p) and not title_glued_before(t, start):
                    continue  # (rules 19: after a person's title it starts a name: 파트너도널드 트럼프)
            if not right_ok:
                # A Hangul exclude phrase may be the start of a longer word: only the
                # exclude (and fixed) phrases of this spelling count.
                for i in excl:
                    excluded.setdefault(i, []).append((start, end))
                if special is not None:
                    specials.append((start, end, tuple(tg for tg in special if tg.role == FIXED)))
                continue
            if excl:
                for i in excl:
                    excluded.setdefault(i, []).append((start, end))
            if special is not None:
                specials.append((start, end, special))
            if aliases:
                for tg in aliases:
                    cands.append((start, end, tg))
            if short is not None:
                shorts.append((start, end, short))
        return cands, shorts, excluded, specials

    def _astral_hits(self, t: str, data: bytes) -> list[tuple[int, int, int]]:
        """The UTF-16 automaton's hits in text with characters beyond the BMP (emoji, ...:
        two UTF-16 units each), in character offsets. Hits start and end on character
        boundaries (no spelling starts with a low surrogate or ends with a high one); a
        unit offset x is character offset x minus the astral characters before it."""
        units = [m.start() + k for k, m in enumerate(_ASTRAL_RE.finditer(t))]  # their 1st unit
        out = []
        for idx, s, e in self._automaton16.find_matches_as_indexes(data, overlapping=True):
            if not s & 1:
                s >>= 1
                e >>= 1
                out.append((idx, s - bisect_left(units, s), e - bisect_left(units, e)))
        return out

    @staticmethod
    def _not_excluded(cands: list[tuple[int, int, _Target]],
                      excluded: dict[int, list[tuple[int, int]]]) -> list[tuple[int, int, _Target]]:
        if not excluded:
            return cands
        return [c for c in cands
                if not any(a <= c[0] and c[1] <= b for a, b in excluded.get(c[2][0], ()))]

    @staticmethod
    def _short_hits(t: str, shorts: list[tuple[int, int, _Shorts]],
                    excluded: dict[int, list[tuple[int, int]]],
                    with_alias: set[int]) -> list[tuple[int, int, _Target]]:
        """Short-name hits of entities with a full alias in the article, not inside one of
        their exclude phrases, and not the start of another romanized Korean name ("Lee
        Kun-hee"). Same order as the hits, then the targets in build order."""
        extra: list[tuple[int, int, _Target]] = []
        for s, e, sh in shorts:
            ents = with_alias.intersection(sh.entities) if len(with_alias) < len(sh.entities) \
                else sh.entities.intersection(with_alias)
            if not ents:
                continue
            by_entity = sh.by_entity
            if len(ents) == 1:
                (ent,) = ents
                sel = by_entity[ent]
            else:  # entity index order = build order (targets were added entity by entity)
                sel = [tg for ent in sorted(ents) for tg in by_entity[ent]]
            if excluded:
                sel = [tg for tg in sel
                       if not any(a <= s and e <= b for a, b in excluded.get(tg[0], ()))]
                if not sel:
                    continue
            if _starts_other_korean_name(t, e):  # depends on the hit only: checked once
                continue
            for tg in sel:
                extra.append((s, e, tg))
        return extra

    @staticmethod
    def _resolve(cands: list[tuple[int, int, _Target]], ids: list[str]) -> list[tuple[int, int, _Target]]:
        """Merge overlapping hits of one entity into one mention ("President Yoon Suk Yeol":
        union span, named after its longest alias); then, across entities, keep the longest
        of overlapping mentions (equal spans of different entities all stay). The order of
        the result does not matter (``match`` sorts the mentions; two mentions never share
        field, span, entity and phrase)."""
        if len(cands) < 2:
            return cands
        cands = sorted(cands)  # (start, end, target): plain tuple order, compared in C
        end = -1
        for c in cands:  # the common case: no two hits overlap, nothing to resolve
            if c[0] < end:
                break
            end = c[1]
        else:
            return cands
        # Per entity, chains of overlapping hits become one mention each: the union span,
        # named after the chain's best hit (aliases before short names, then longest, then
        # leftmost, then phrase). Groups keep the sorted order, so chains come left to right.
        by_entity: dict[int, list[tuple[int, int, _Target]]] = {}
        for c in cands:
            group = by_entity.get(c[2][0])
            if group is None:
                by_entity[c[2][0]] = [c]
            else:
                group.append(c)
        merged: list[tuple[int, int, _Target]] = []
        for group in by_entity.values():
            cur_s, cur_e, best = group[0]
            if len(group) == 1:
                merged.append(group[0])
                continue
            best_key = (best[1], cur_s - cur_e, cur_s, best[2])
            for i in range(1, len(group)):
                s, e, tg = group[i]
                if s < cur_e:  # overlaps the current chain: extend it
                    key = (tg[1], s - e, s, tg[2])
                    if key < best_key:
                        best, best_key = tg, key
                    cur_e = max(cur_e, e)
                else:
                    merged.append((cur_s, cur_e, best))
                    cur_s, cur_e, best = s, e, tg
                    best_key = (tg[1], s - e, s, tg[2])
            merged.append((cur_s, cur_e, best))
        if len(by_entity) == 1:
            return merged  # one entity: its chains do not overlap
        merged.sort()
        end = -1
        for c in merged:  # the usual case: mentions of different entities do not overlap
            if c[0] < end:
                break
            end = c[1]
        else:
            return merged
        # Across entities the longest wins (ties: leftmost, then entity id); equal spans of
        # different entities all stay. (Decorated: no two mentions share span and entity.)
        order = sorted([(s - e, s, ids[tg[0]], e, tg) for s, e, tg in merged])
        kept: list[tuple[int, int, _Target]] = []
        starts: list[int] = []  # kept spans, sorted by start; they never overlap (equal spans aside)
        ends: list[int] = []
        for _, s, _, e, tg in order:
            k = bisect_right(starts, s)
            if k > 0 and ends[k - 1] > s and not (starts[k - 1] == s and ends[k - 1] == e):
                continue
            if k < len(starts) and starts[k] < e:
                continue
            starts.insert(k, s)
            ends.insert(k, e)
            kept.append((s, e, tg))
        return kept

    def match(self, title: str | None, text: str | None) -> MatchResult:
        """Mentions and flags of one article (None counts as empty); ``rejected`` lists the
        mentions of ambiguous aliases that did not count, with the reason."""
        scanned = []
        with_alias: set[int] = set()
        blank_line = _PARA_SUB if self._para_sub else _PARA
        context: dict[int, str] = {}  # entity -> first context term found
        title_context: dict[int, str] = {}  # entity -> first context term in the title
        head_affiliates: dict[int, str] = {}  # entity -> first affiliate context term in the title
        in_fixed: set[tuple[int, str]] = set()  # (entity, alias) seen inside a fixed phrase
        rejected: list[Rejected] = []
        for fname, value in (("title", title), ("text", text)):
            if not value:
                continue
            norm = normalize(value, blank_line, collapse=False)
            scan = self._scan(norm.text)
            if scan is None:  # a run of spaces: collapse it, scan again (see __init__)
                norm = normalize(value, blank_line)
                scan = self._scan(norm.text)
            cands, shorts, excluded, specials = scan
            if "·" in norm.text and cands is not None:
                cands = self._elided(fname, norm, cands, rejected)
            if cands and not norm.text.isascii():
                cands = self._glued_pair(norm.text, cands)
            if excluded and cands:
                cands = self._not_excluded(cands, excluded)
            if specials:
                cands = self._specials(fname, norm, cands, specials,
                                       title_context if fname == "title" else context,
                                       head_affiliates if fname == "title" else None, in_fixed, rejected)
            if self._latin_context and not norm.text.isascii():
                for ent, term in glossed_context(norm.text, self._latin_context, self._hangul_names):
                    if term not in self._affiliates[ent]:
                        (title_context if fname == "title" else context).setdefault(ent, term)
            if cands or shorts:
                scanned.append((fname, norm, cands, shorts, excluded))
                with_alias.update(map(_ENTITY, map(_TARGET, cands)))  # (C-level loops)
        if not with_alias:  # no full alias anywhere: nothing to flag (short names need one)
            return _result([], [], [], rejected)
        if title_context:  # (the title's terms first: the note names the first one found)
            context = {**context, **title_context}
        ids = self._ids
        topic = self._topic
        # Topics are resolved apart from entities (below), unless the article has none.
        split = self._has_topics and not with_alias.isdisjoint(self._topic_ids)
        any_short = False
        # rows: (not in title, start, end, entity id, phrase, target, field, Normalized), in
        # offsets of the original field; sorted below into the order of the mentions.
        rows = []
        for fname, norm, cands, shorts, excluded in scanned:
            # Short names need a full alias of their entity in the article (title + body),
            # and must not start another romanized Korean name ("Lee Kun-hee").
            if shorts:
                extra = self._short_hits(norm.text, shorts, excluded, with_alias)
                if extra:
                    cands = cands + extra
                    any_short = True
            if not cands:
                continue
            if split:  # (candidates come only from entities in with_alias)
                ents = [c for c in cands if not topic[c[2][0]]]
                if not ents or len(ents) == len(cands):  # one kind only
                    resolved = self._resolve(cands, ids)
                else:  # a topic never hides an entity, nor the reverse
                    resolved = (self._resolve(ents, ids)
                                + self._resolve([c for c in cands if topic[c[2][0]]], ids))
            else:
                resolved = self._resolve(cands, ids)
            not_title = fname != "title"
            offsets = norm.offsets
            for s, e, tg in resolved:
                if offsets is not None:
                    s, e = offsets.start(s), offsets.end(e)
                rows.append((not_title, s, e, ids[tg[0]], tg[2], tg, fname, norm))
        if any_short:
            # An alias swallowed by a longer alias of another entity no longer licenses
            # short names.
            with_alias = {r[5][0] for r in rows if r[5][1] == ALIAS}
            rows = [r for r in rows if r[5][1] != SHORT or r[5][0] in with_alias]
        # a lower-case spelling ("facebook") never counts inside a web address ("pic.twitter.com")
        # nor as the first part of a hyphenated word ("uber-popular")
        rows = self._lower_case_words(rows, rejected)
        rows = self._not_venues(rows, rejected)
        notes: dict[tuple, str] = {}
        amb = self._amb
        if (amb and any(r[5][1] == ALIAS and (r[5][0], r[5][2]) in amb for r in rows)
                or any(r[7].original[r[2]:r[2] + 1] == " " and defined_after(r[7].original, r[1], r[2])
                       or title_before(r[7].original, r[1], r[2])
                       for r in rows if r[5][1] == ALIAS)):
            # (also for an alias that starts another organisation's name defined with its
            # initials, "Mitsubishi Tokyo Financial Group (MTFG)", or that follows a personal
            # title, "Dr Nielsen": watch.corroborate)
            rows = self._corroborate(rows, title, text, context, notes, rejected, in_fixed)
        rows.sort(key=_MENTION_ORDER)
        mentions: list[Mention] = []
        by_entity: dict[str, list[Mention]] = {}
        sentences: dict[str, Sentences] = {}
        for _, s, e, eid, phrase, (ent, role, _), fname, norm in rows:
            sent = sentences.get(fname)
            if sent is None:
                sent = sentences[fname] = Sentences(norm.original)
            # Mention(...) without the frozen dataclass's per-field object.__setattr__
            # calls (3x cheaper; inlined: this runs for every mention)
            m = _new(Mention)
            d = m.__dict__
            d["entity_id"] = eid
            d["alias"] = phrase
            d["text"] = norm.original[s:e]
            d["field"] = fname
            d["start"] = s
            d["end"] = e
            d["kind"] = "topic" if role == ALIAS and topic[ent] else _ROLE_KIND[role]
            d["snippet"] = sent.snippet(s, e)
            d["note"] = notes.get((fname, s, e, ent), "") if notes else ""
            mentions.append(m)
            group = by_entity.get(eid)
            if group is None:
                by_entity[eid] = [m]
            else:
                group.append(m)
        flags = []
        for eid in sorted(by_entity):
            ms = by_entity[eid]
            if len(ms) == 1:  # the common case, without the loops of _flag_of
                m = ms[0]
                in_title = m.field == "title"
                flags.append(_flag(eid, 1, in_title, m.snippet,
                                   _reason_one(m.kind, m.alias, m.text, in_title, m.note), (m,)))
            else:
                flags.append(_flag_of(eid, ms))
        if flags:
            shape = Shape(text)
            bodies = [[(m.start, m.end) for m in f.mentions if m.field == "text"] for f in flags]
            # sentence numbers only for entities named more than once in the body (one
            # counted pass; the rest of the body is counted once for the total)
            numbers = shape.sentence_numbers([s for b in bodies if len(b) > 1 for s, _ in b])
            # a context term in the headline (a product, subsidiary or executive: "AWS vs
            # Azure") puts the entity in the headline for prominence, noted in the parts
            in_head = {self._ids[k]: v for k, v in (head_affiliates | title_context).items()} \
                if title_context or head_affiliates else {}
            fields = {"title": title or "", "text": text or ""}
            starts: dict[str, dict[str, set[int]]] | None = None  # entity -> field -> starts
            for f, body in zip(flags, bodies):
                pr = score(shape, f.in_title, body, len(f.mentions) - len(body), numbers)
                if not f.in_title and f.entity_id in in_head:
                    pr = headline_context(pr, in_head[f.entity_id])
                if pr.score >= ABOUT and len(flags) > 1 or f.in_title:
                    # (only what could score "about" is read again; rare: a source or a parent)
                    spans = [(m.field, m.start, m.end) for m in f.mentions]
                    if f.in_title and credited_source(fields["title"], fields["text"], spans):
                        pr = as_passing(pr, "source")
                    elif pr.score >= ABOUT and len(flags) > 1:
                        if starts is None:
                            starts = {}
                            for g in flags:
                                for m in g.mentions:
                                    starts.setdefault(g.entity_id, {}).setdefault(m.field, set()).add(m.start)
                        others: dict[str, set[int]] = {}
                        for eid, by_field in starts.items():
                            if eid != f.entity_id:
                                for fld, ss in by_field.items():
                                    others.setdefault(fld, set()).update(ss)
                        if parent_of_another(fields, spans, others):
                            pr = as_passing(pr, "parent")
                d = f.__dict__
                d["prominence"] = pr.score
                d["prominence_parts"] = pr.parts
        return _result([f.entity_id for f in flags], flags, mentions, rejected)

    def _specials(self, fname: str, norm, cands: list[tuple[int, int, _Target]],
                  specials: list[tuple[int, int, tuple]], context: dict[int, str],
                  head: dict[int, str] | None, in_fixed: set[tuple[int, str]],
                  rejected: list[Rejected]) -> list[tuple[int, int, _Target]]:
        """Records the context terms found (affiliates apart, in ``head`` for the title only);
        drops (and explains) mentions of ambiguous aliases inside a fixed phrase
        (watch/data/fixed_terms.txt) that holds them, noting them in ``in_fixed``."""
        fixed: dict[int, list[tuple[int, int, str]]] = {}
        for s, e, targets in specials:
            for tg in targets:
                if tg.role == CONTEXT:
                    if _QUOTED_NAME_END.search(norm.text, max(0, s - 20), s) and \
                            _QUOTE_CLOSES.match(norm.text, e):
                        continue  # rules 14: the last word of another quoted name ("‘도메인 갤럭시’")
                    if tg.phrase not in self._affiliates[tg.entity]:
                        context.setdefault(tg.entity, tg.phrase)
                    elif head is not None:
                        head.setdefault(tg.entity, tg.phrase)
                else:
                    fixed.setdefault(tg.entity, []).append((s, e, tg.phrase))
        if not fixed:
            return cands
        keep = []
        for c in cands:
            s, e, tg = c
            spans = fixed.get(tg.entity)
            if spans and (tg.entity, tg.phrase) in self._amb:
                inside = next((p for a, b, p in spans if a <= s and e <= b), None)
                if inside is not None:
                    s0, e0 = norm.span(s, e)
                    a, b = next((a, b) for a, b, p in spans if a <= s and e <= b)
                    a0, b0 = norm.span(a, b)
                    rejected.append(Rejected(self._ids[tg.entity], tg.phrase, norm.original[s0:e0], fname,
                                             s0, e0, f'part of the fixed phrase "{norm.original[a0:b0]}", '
                                                     f"which is not the company"))
                    in_fixed.add((tg.entity, tg.phrase))
                    continue
            keep.append(c)
        return keep

    def _elided(self, fname: str, norm, cands: list[tuple[int, int, _Target]],
                rejected: list[Rejected]) -> list[tuple[int, int, _Target]]:
        """Rules 14: the items of an elided list are the names it abbreviates (현대·기아차 =
        현대차 and 기아차; KB국민·신한·하나·우리은행 = KB국민은행 …): an item that is an alias
        once the last item's ending is added becomes that alias, for its own entity or another
        (신한·삼성·롯데카드: 삼성카드, Samsung Card, not Samsung); an item whose list ends with an
        affiliate's kind that makes no watched name (`AFFILIATE_NOUNS`: 삼성·롯데생명) names
        that affiliate, so the group's mention there is dropped, with the reason; rules 22: not
        an item that already ends with such a kind, a full name in a list of full names."""
        t = norm.text
        for items, last in elided_lists(t):
            ends = tuple(endings(last))
            for a, b in items:
                item = t[a:b]
                full = next((item + x for x in ends if item + x in self._hangul_aliases), "")
                if full:
                    new = [(a, b, tg) for tg in self._hangul_aliases[full]]
                else:
                    kind = next((x for x in ends if x in AFFILIATE_NOUNS), "")
                    if not kind or item.endswith(AFFILIATE_NOUNS):
                        # rules 22: an item that already ends with a company kind (삼성화재,
                        # DB손해보험 in 삼성화재·DB손해보험·KB손해보험) is a full name, not a stem
                        continue
                    new = []
                    full = item + kind
                old = [c for c in cands if c[0] == a and c[1] == b]
                if not full or not (old or new):
                    continue
                mine = {tg.entity for _, _, tg in new}
                for s, e, tg in old:
                    if tg.entity not in mine:
                        s0, e0 = norm.span(s, e)
                        rejected.append(Rejected(self._ids[tg.entity], tg.phrase, norm.original[s0:e0], fname,
                                                 s0, e0, f'an item of an elided list, short for "{full}", '
                                                         f"another company"))
                cands = [c for c in cands if not (c[0] == a and c[1] == b)] + new
        return cands

    def _glued_pair(self, t: str, cands: list[tuple[int, int, _Target]]) -> list[tuple[int, int, _Target]]:
        """Rules 18: an elided pair written as one word, without its middle dot (현대기아자동차 =
        현대·기아자동차, 현대기아차): a long Hangul alias glued after a whole Hangul run (rules
        15) whose tail, added to that run, spells another entity's alias (현대 + 자동차 =
        현대자동차) names that entity too, as rules 14's elided lists do."""
        extra = []
        for s, e, tg in cands:
            if not s or not "\uac00" <= t[s - 1] <= "\ud7a3" or tg.role != ALIAS:
                continue
            w = s - 1
            while w and "\uac00" <= t[w - 1] <= "\ud7a3":
                w -= 1
            if s - w < 2 or w and t[w - 1].isalnum():
                continue
            run = t[w:s]
            for k in range(s + 1, e):
                for tg2 in self._hangul_aliases.get(run + t[k:e], ()):
                    if tg2.entity != tg.entity:
                        extra.append((w, s, tg2))
        return cands + extra if extra else cands

    def _lower_case_words(self, rows: list[tuple], rejected: list[Rejected]) -> list[tuple]:
        """Drops a lower-case spelling of a capitalized name inside a web address
        ("pic.twitter.com": silently, it names the site, not a mention) or as the first part
        of a hyphenated word ("uber-popular": explained; the name as a prefix is a word)."""
        keep = []
        for r in rows:
            original, s, e = r[7].original, r[1], r[2]
            if (original[s:e].isupper() and not r[4].isupper() and r[4].isascii()
                    and not HANGUL_SYLLABLE.search(original, *line_span(original, s, e))):
                # rules 17: a one-word name's capitals (watch.variants) are Korean lists' and
                # company style (NAVER(190억원)); in English they are headings and other brands
                # written in capitals ("VIVO DESK-V000B"): silently, as before rules 17
                continue
            if not original[s].islower():  # (the usual case: a name as written)
                keep.append(r)
                continue
            if _in_address(original, s, e, r[4]):
                continue
            if (original[e:e + 1] == "-" and original[e + 1:e + 2].islower() and original[s:e].islower()
                    and not r[4].islower()):
                rejected.append(Rejected(r[3], r[4], original[s:e], r[6], s, e,
                                         f'lower case, the first part of the hyphenated word '
                                         f'"{original[s:e]}{_WORD_AFTER.match(original, e).group(0)}", '
                                         f"not the name"))
                continue
            if not r[4].islower() and _NUMERAL_BEFORE.search(original, max(0, s - 12), s):
                # rules 17: a numeral before the lower-case word makes it a unit ("one gigabyte
                # of storage", "512 gigabytes"), as a name is not counted in numbers
                rejected.append(Rejected(r[3], r[4], original[s:e], r[6], s, e,
                                         f'lower case after a numeral ("{original[max(0, s - 12):e].strip()}"), '
                                         f"a unit, not the name"))
                continue
            keep.append(r)
        return keep

    def _not_venues(self, rows: list[tuple], rejected: list[Rejected]) -> list[tuple]:
        """Drops (and explains) mentions that start a venue's name ("Toyota Music Factory",
        "Shell Energy Stadium": watch.corroborate.venue) or use the name as a verb ("people
        Google types of": watch.corroborate.verb_use), for every alias of every entity."""
        keep = []
        for r in rows:
            original = r[7].original
            e = r[2]
            if original[e - 2:e] == "경제" and economy_named(original, r[1], e):
                rejected.append(Rejected(r[3], r[4], original[r[1]:e], r[6], r[1], e,
                                         f'the economy ("{original[r[1]:e + 8].strip()}"), not the outlet '
                                         f"named after it"))
                continue
            if original[e - 1:e] == "부" and desk_named(original, r[1], e):
                rejected.append(Rejected(r[3], r[4], original[r[1]:e], r[6], r[1], e,
                                         f'a newsroom\'s desk ("{original[r[1]:e + 8].strip()}"), not the '
                                         f"ministry"))  # rules 21
                continue
            if original[e - 1:e] == "군" and capability_named(original, r[1], e):
                rejected.append(Rejected(r[3], r[4], original[r[1]:e], r[6], r[1], e,
                                         f'the kind of force in general ("{original[r[1]:e + 6].strip()}"), '
                                         f"not the country's service"))  # rules 22
                continue
            if original[r[1] - 1:r[1]] == " " and product_named(original, r[1], e):
                rejected.append(Rejected(r[3], r[4], original[r[1]:e], r[6], r[1], e,
                                         f'the start of a product\'s name ("{original[max(0, r[1] - 6):e + 2].strip()}")'))
                continue  # rules 22
            if original[e:e + 1] == " " and not self._topic[r[5][0]]:
                v = venue(original, e)
                if v:
                    s = r[1]
                    rejected.append(Rejected(r[3], r[4], original[s:e], r[6], s, e,
                                             f'part of a venue\'s name ("{original[s:e]}{v}"), which is '
                                             f"not its sponsor"))
                    continue
                if verb_use(original, r[1], e):
                    s = r[1]
                    rejected.append(Rejected(r[3], r[4], original[s:e], r[6], s, e,
                                             f'used as a verb ("{original[max(0, s - 12):e + 8].strip()}"), '
                                             f"not the name"))
                    continue
                # rules 13: the first word of another company's name in a list of companies
                # or makers ("produced by Sony Ericsson, Motorola, BenQ")
                found = (list_item_name(original, r[1], e, products=self._products)
                         if original[e + 1:e + 2].isupper() and r[5][1] == ALIAS and " " not in r[4] else "")
                if found:
                    rejected.append(Rejected(r[3], r[4], original[r[1]:e], r[6], r[1], e, found))
                    continue
            keep.append(r)
        return keep

    def _corroborate(self, rows: list[tuple], title: str | None, text: str | None,
                     context: dict[int, str], notes: dict[tuple, str],
                     rejected: list[Rejected], in_fixed: set[tuple[int, str]] = frozenset()) -> list[tuple]:
        """Mentions of ambiguous aliases count only when corroborated (watch.corroborate)."""
        amb = self._amb
        topic = self._topic
        cands = []
        for r in rows:
            ent, role, phrase = r[5]
            cands.append(Cand(r[6], r[1], r[2], ent, phrase, role == SHORT, topic[ent],
                              amb.get((ent, phrase)) if role == ALIAS else None,
                              self._person[ent], r))
        accepted, refused = decide(cands, {"title": title or "", "text": text or ""}, context,
                                   self._own, self._ids, self._products, in_fixed)
        for c in accepted:
            if c.note:
                notes[(c.field, c.start, c.end, c.entity)] = c.note
        ids = self._ids
        for c in refused:
            r = _new(Rejected)  # (without the frozen dataclass's per-field __setattr__)
            d = r.__dict__
            d["entity_id"] = ids[c.entity]
            d["alias"] = c.phrase
            d["text"] = c.row[7].original[c.start:c.end]
            d["field"] = c.field
            d["start"] = c.start
            d["end"] = c.end
            d["reason"] = c.reason
            rejected.append(r)
        return [c.row for c in accepted]


# rules 14: a context term that ends a longer name in quotes ("데이터 동맹 ‘도메인 갤럭시’", a
# card company's data alliance; "the 'Open Galaxy' programme") names that other thing, not the
# entity's product; a quoted name it starts stays the product ("‘갤럭시 S24’")
_QUOTED_NAME_END = re.compile(r"[‘'\"“「『<《][^\s‘’'\"“”」』>》]+ $")
_QUOTE_CLOSES = re.compile(r"[’'\"”」』>》]")


def _glued_forms(ent) -> list[tuple[str, str]]:
    """(spelling, alias) pairs that Korean glues together (rules 14): a Latin alias "X W" whose
    W is a company word (``watch.korean.COMPANY_WORDS``) and whose X is also an alias, as each
    one-word Hangul alias glued to W's transliteration, or written apart (델테크놀로지스, 델
    테크놀로지스 = "Dell Technologies");
    a person's Hangul name of three or more syllables inside a faction word (친윤석열계, the
    person: ``FACTION_PREFIXES`` + name, with or without 계)."""
    hangul = [a for a in ent.aliases if " " not in a and is_hangul(a[-1])]
    out = []
    for alias in ent.aliases:
        head, _, word = alias.rpartition(" ")
        if alias.isascii() and head in ent.aliases and word in COMPANY_WORDS:
            out += [(h + sep + k, alias) for h in hangul for k in COMPANY_WORDS[word] for sep in ("", " ")]
    if ent.kind == "person":
        out += [(p + h + x, h) for h in hangul if len(h) >= 3 for p in FACTION_PREFIXES for x in ("", "계")]
    return out


_ADDRESS_AFTER = re.compile(r"[./][A-Za-z0-9]")
# rules 17: a numeral right before a lower-case spelling of a capitalized name (a unit: "one
# gigabyte", "512 gigabytes"); digits or an English number word
_NUMERAL_BEFORE = re.compile(r"(?:(?<![A-Za-z])(?:one|two|three|four|five|six|seven|eight|nine|ten|"
                             r"twelve|twenty|hundred|thousand|million)|[0-9])[ -]?$", re.IGNORECASE)
_WORD_AFTER = re.compile(r"[\w-]*")


def _in_address(original: str, s: int, e: int, phrase: str) -> bool:
    """Is a lower-case spelling of a capitalized name part of a web address or domain?"""
    text = original[s:e]
    if not text.islower() or phrase.islower():
        return False
    return (s > 0 and original[s - 1] in "./@") or bool(_ADDRESS_AFTER.match(original, e))


def _flag_of(eid: str, ms: list[Mention]) -> Flag:
    """The flag of one entity; its snippet is the first body mention of a full alias (else
    the first mention). Prominence is filled in by ``Matcher.match``."""
    best = ms[0]
    in_title = False
    for m in ms:
        if m.field == "title":
            in_title = True
        elif m.kind != "short_name":
            best = m
            break
    return _flag(eid, len(ms), in_title, best.snippet, _reason(ms), tuple(ms))


_LABEL = {"alias": "alias", "short_name": "short name", "topic": "topic"}


def _reason(ms: list[Mention]) -> str:
    """Why a flag was raised, one group per watchlist phrase, e.g.
    'alias "Samsung Electronics" ×2 in title and body; alias "Lee Jae-yong" ×1 in body
    (as "Lee Jae Yong"); short name "Lee" ×1 in body (allowed by full alias)'."""
    if len(ms) == 1:
        m = ms[0]
        return _reason_one(m.kind, m.alias, m.text, m.field == "title")
    groups: dict[tuple[str, str], list[Mention]] = {}
    for m in ms:
        groups.setdefault((m.kind, m.alias), []).append(m)
    parts = []
    for (kind, alias), g in groups.items():
        in_title = in_body = False
        written: list[str] = []
        for m in g:
            if m.field == "title":
                in_title = True
            else:
                in_body = True
            if m.text != alias:
                w = " ".join(m.text.split())
                if w != alias and w not in written:
                    written.append(w)
        where = "in title and body" if in_title and in_body else "in title" if in_title else "in body"
        part = f'{_LABEL[kind]} "{alias}" ×{len(g)} {where}'
        if written:
            part += " (as " + ", ".join(f'"{w}"' for w in written[:3]) + ")"
        if kind == "short_name":
            part += " (allowed by full alias)"
        note = next((m.note for m in g if m.note), "")
        if note:
            part += f" [{note}]"
        parts.append(part)
    return "; ".join(parts)


def _reason_one(kind: str, alias: str, text: str, in_title: bool, note: str = "") -> str:
    """``_reason`` of a single mention (the common case), without the grouping."""
    part = f'{_LABEL[kind]} "{alias}" ×1 {"in title" if in_title else "in body"}'
    if text != alias:
        w = " ".join(text.split())
        if w != alias:
            part += f' (as "{w}")'
    if kind == "short_name":
        part += " (allowed by full alias)"
    if note:
        part += f" [{note}]"
    return part
