"""The watchlist matcher: one Aho-Corasick automaton, then rule checks on each hit.

Build (``Matcher(watchlist)``): every alias, short name and exclude phrase is normalized
(``watch.normalize``) and turned into every exact spelling it may take
(``watch.variants.spellings``): romanized Korean name variants (``watch.romanize``),
topic inflections (``watch.inflect``), Hangul phrases with spaces also without them
("윤 대통령" → "윤대통령"), and the allowed capitalizations (``case_forms``). All spellings
go into ONE Aho-Corasick automaton (``ahocorasick_rs``, the Rust aho-corasick crate: 5-8x
faster here than pyahocorasick, whose trie scans child lists linearly); each spelling
carries the targets (entity, role, watchlist phrase) that share it.

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

Speed (``benchmarks/matching.py``): the automaton does the per-character work in Rust;
Python work is per hit and per mention, kept small: hits are plain tuples, targets carry
their entity index, short names shared by many entities are expanded through a per-
spelling entity index, the romanized-name test of a short name is cached per word,
mention/flag objects are built without the frozen dataclass's per-field
``object.__setattr__``, and snippets look only near the mention (``watch.snippets``).
Fields are normalized with an ASCII control character (U+001E) instead of U+2029 for
blank lines, so English text stays ASCII and its byte offsets are character offsets
(no conversion); no spelling contains either character and every rule treats them
alike, so the hits are the same.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass
from operator import itemgetter
from typing import NamedTuple

import ahocorasick_rs

from watch.korean import is_hangul, is_ideograph, particle_follows
from watch.normalize import Normalized, normalize
from watch.romanize import split_given
from watch.snippets import Sentences
from watch.variants import ALIAS, EXCLUDE, SHORT, spellings
from watch.watchlist import Watchlist

_ROLE_KIND = {ALIAS: "alias", SHORT: "short_name"}
# Character classes at the ends of a form, deciding the boundary rule.
_NONE, _WORD, _HANGUL = 0, 1, 2


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

    @property
    def in_title(self) -> bool:
        return self.field == "title"

    def to_dict(self) -> dict:
        return {"entity": self.entity_id, "alias": self.alias, "text": self.text,
                "field": self.field, "start": self.start, "end": self.end, "kind": self.kind,
                "snippet": self.snippet}


@dataclass(frozen=True)
class Flag:
    entity_id: str
    count: int  # mentions (aliases, short names, topic aliases)
    in_title: bool
    snippet: str  # of the first body mention of a full alias, else of the first mention
    reason: str  # human-readable why: 'alias "Samsung" ×2 in title and body; ...'
    mentions: tuple[Mention, ...]

    def details(self) -> list[dict]:
        """The mentions as ``models.records.MentionRecord.details`` stores them."""
        return [{"alias": m.alias, "text": m.text, "field": m.field, "start": m.start,
                 "end": m.end, "kind": m.kind} for m in self.mentions]


@dataclass(frozen=True)
class MatchResult:
    entities: list[str]
    flags: list[Flag]
    mentions: list[Mention]


_new = object.__new__


def _mention(eid: str, alias: str, text: str, field: str, start: int, end: int, kind: str,
             snippet: str) -> Mention:
    """``Mention(...)`` without the frozen dataclass's per-field ``object.__setattr__``
    calls (3x cheaper; one is made for every mention of every article)."""
    m = _new(Mention)
    d = m.__dict__
    d["entity_id"] = eid
    d["alias"] = alias
    d["text"] = text
    d["field"] = field
    d["start"] = start
    d["end"] = end
    d["kind"] = kind
    d["snippet"] = snippet
    return m


def _flag(eid: str, count: int, in_title: bool, snippet: str, reason: str,
          mentions: tuple[Mention, ...]) -> Flag:
    f = _new(Flag)
    d = f.__dict__
    d["entity_id"] = eid
    d["count"] = count
    d["in_title"] = in_title
    d["snippet"] = snippet
    d["reason"] = reason
    d["mentions"] = mentions
    return f


def _result(entities: list[str], flags: list[Flag], mentions: list[Mention]) -> MatchResult:
    r = _new(MatchResult)
    d = r.__dict__
    d["entities"] = entities
    d["flags"] = flags
    d["mentions"] = mentions
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
        cls = _HANGUL if is_hangul(c) else _WORD if c.isalnum() and not is_ideograph(c) else _NONE
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


_PARA = "\u2029"  # what watch.normalize makes of a blank line, by default
_PARA_SUB = "\x1e"  # what the matcher asks for instead (see the module docstring)
_MENTION_ORDER = itemgetter(0, 1, 2, 3, 4)  # (not in title, start, end, entity id, alias)


class Matcher:
    """Flags the watchlist entities an article mentions (see module docstring)."""

    def __init__(self, watchlist: Watchlist) -> None:
        self.watchlist = watchlist
        self._ids = [e.id for e in watchlist.entities]
        self._topic = [e.kind == "topic" for e in watchlist.entities]
        self._has_topics = any(self._topic)
        # exact spelling -> [(entity, role, phrase)] (insertion-ordered: deterministic)
        keys: dict[str, dict[_Target, None]] = defaultdict(dict)
        for i, ent in enumerate(watchlist.entities):
            topic = ent.kind == "topic"
            for role, phrases in ((ALIAS, ent.aliases), (SHORT, ent.short_names),
                                  (EXCLUDE, ent.exclude)):
                for phrase in phrases:
                    tg = _Target(i, role, phrase)
                    for key in spellings(phrase, ent.kind, role):
                        keys[key][tg] = None
        patterns: list[str] = []
        payloads: list[tuple] = []
        shared: dict[tuple, tuple] = {}  # one payload object for all spellings of a phrase
        for key, targets in keys.items():
            tgs = tuple(targets)
            lcls, rcls = _end_class(key[0]), _end_class(key[-1])
            payload = shared.get((tgs, lcls, rcls))
            if payload is None:
                excl = tuple(dict.fromkeys(tg.entity for tg in tgs if tg.role == EXCLUDE))
                # A Hangul exclude phrase may be the start of a longer word ("메타 분석법"):
                # suppression errs on the side of no false alarm.
                open_right = rcls == _HANGUL and bool(excl)
                short = tuple(tg for tg in tgs if tg.role == SHORT)
                by_entity: dict[int, tuple[_Target, ...]] = {}
                for tg in short:
                    by_entity[tg.entity] = by_entity.get(tg.entity, ()) + (tg,)
                payload = (lcls, rcls, open_right, tuple(tg for tg in tgs if tg.role == ALIAS),
                           _Shorts(short, frozenset(by_entity), by_entity) if short else None,
                           excl)
                shared[(tgs, lcls, rcls)] = payload
            patterns.append(key)
            payloads.append(payload)
        # ONE automaton over every spelling (aho-corasick crate, overlapping matches), on
        # UTF-8 bytes: for ASCII text byte offsets are character offsets, and for other
        # text _char_hits converts them (cheaper than the str API, which builds a byte ->
        # character table of the whole text on every call).
        self._automaton = (ahocorasick_rs.BytesAhoCorasick([p.encode("utf-8") for p in patterns])
                           if patterns else None)
        self._payloads = payloads
        self._lengths = [len(p) for p in patterns]  # in characters
        # The ASCII stand-in for U+2029 is used only if no spelling contains it (a
        # Watchlist built in code could hold control characters): the hits stay the same.
        self._para_sub = not any(_PARA_SUB in p for p in patterns)
        self.n_patterns = len(patterns)

    def __reduce__(self):
        # The automaton is rebuilt from the watchlist: smaller to ship than a pickled trie.
        return (Matcher, (self.watchlist,))

    # --- per field -------------------------------------------------------------------------

    def _scan(self, t: str) -> tuple[list[tuple[int, int, _Target]], list[tuple[int, int, _Shorts]],
                                     dict[int, list[tuple[int, int]]]]:
        """Hits of one normalized field that pass the word-boundary rules, in normalized
        offsets: alias candidates (start, end, target); short-name hits (start, end, the
        spelling's short-name targets), expanded only for entities that turn out to have a
        full alias in the article; exclude-phrase spans per entity."""
        n = len(t)
        cands: list[tuple[int, int, _Target]] = []
        shorts: list[tuple[int, int, _Shorts]] = []
        excluded: dict[int, list[tuple[int, int]]] = {}
        if self._automaton is None:
            return cands, shorts, excluded
        if t.isascii():
            raw = self._automaton.find_matches_as_indexes(t.encode("ascii"), overlapping=True)
        else:
            raw = self._char_hits(t)
        payloads = self._payloads
        for idx, start, end in raw:
            lcls, rcls, open_right, aliases, short, excl = payloads[idx]
            # left boundary (inlined: this loop runs for every raw hit)
            if start and lcls:
                p = t[start - 1]
                if lcls == _WORD:
                    if p.isalnum() and (p < "\u3400" or not is_ideograph(p)):
                        continue  # a letter, digit or Hangul before: inside a word
                elif p >= "\u1100" and is_hangul(p):
                    continue
            # right boundary
            if end < n and rcls:
                c = t[end]
                if c >= "\u1100" and is_hangul(c):
                    right_ok = particle_follows(t, end)
                else:
                    right_ok = not (c.isalnum() and (c < "\u3400" or not is_ideograph(c)))
                if not right_ok:
                    if open_right:  # only the Hangul exclude phrases of this spelling count
                        for i in excl:
                            excluded.setdefault(i, []).append((start, end))
                    continue
            for i in excl:
                excluded.setdefault(i, []).append((start, end))
            for tg in aliases:
                cands.append((start, end, tg))
            if short is not None:
                shorts.append((start, end, short))
        return cands, shorts, excluded

    def _char_hits(self, t: str) -> list[tuple[int, int, int]]:
        """The automaton's hits in non-ASCII text, in character offsets. Overlapping hits
        come in order of their end, so each end is converted by decoding only the bytes
        since the previous one; the start is the end minus the spelling's length."""
        data = t.encode("utf-8")
        lengths = self._lengths
        out = []
        pb = pc = 0  # previous end: in bytes, in characters
        for idx, _, eb in self._automaton.find_matches_as_indexes(data, overlapping=True):
            if eb != pb:
                if eb > pb:
                    pc += len(data[pb:eb].decode("utf-8"))
                else:  # not expected (ends do not decrease), but exact either way
                    pc = len(data[:eb].decode("utf-8"))
                pb = eb
            out.append((idx, pc - lengths[idx], pc))
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
        of overlapping mentions (equal spans of different entities all stay)."""
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
        merged: list[tuple[int, int, _Target]] = []
        by_entity: dict[int, list[tuple[int, int, _Target]]] = {}
        for c in cands:
            by_entity.setdefault(c[2][0], []).append(c)
        for group in by_entity.values():
            if len(group) > 1:
                group.sort(key=lambda c: (c[0], c[0] - c[1], c[2][1], c[2][2]))
            cur_s, cur_e, best = group[0]
            best_rank = (best[1], cur_s - cur_e)  # aliases before short names, then longest
            for s, e, tg in group[1:]:
                if s < cur_e:  # overlaps the current mention: extend it
                    if (tg[1], s - e) < best_rank:
                        best, best_rank = tg, (tg[1], s - e)
                    if e > cur_e:
                        cur_e = e
                else:
                    merged.append((cur_s, cur_e, best))
                    cur_s, cur_e, best = s, e, tg
                    best_rank = (tg[1], s - e)
            merged.append((cur_s, cur_e, best))
        if len(merged) == 1:
            return merged
        order = sorted(merged, key=lambda c: (c[0] - c[1], c[0], ids[c[2][0]]))
        kept: list[tuple[int, int, _Target]] = []
        starts: list[int] = []  # kept spans, sorted by start; they never overlap (equal spans aside)
        ends: list[int] = []
        for s, e, tg in order:
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
        """Mentions and flags of one article (None counts as empty)."""
        scanned = []
        with_alias: set[int] = set()
        blank_line = _PARA_SUB if self._para_sub else _PARA
        for fname, value in (("title", title), ("text", text)):
            if not value:
                continue
            norm = normalize(value, blank_line)
            cands, shorts, excluded = self._scan(norm.text)
            if excluded and cands:
                cands = self._not_excluded(cands, excluded)
            if cands or shorts:
                scanned.append((fname, norm, cands, shorts, excluded))
                for c in cands:
                    with_alias.add(c[2][0])
        if not with_alias:  # no full alias anywhere: nothing to flag (short names need one)
            return _result([], [], [])
        ids = self._ids
        topic = self._topic
        hits: list[tuple[str, Normalized, int, int, _Target]] = []
        for fname, norm, cands, shorts, excluded in scanned:
            # Short names need a full alias of their entity in the article (title + body),
            # and must not start another romanized Korean name ("Lee Kun-hee").
            if shorts:
                extra = self._short_hits(norm.text, shorts, excluded, with_alias)
                if extra:
                    cands = cands + extra
            if not cands:
                continue
            if self._has_topics:
                ents = [c for c in cands if not topic[c[2][0]]]
                if not ents or len(ents) == len(cands):  # one kind only
                    resolved = self._resolve(cands, ids)
                else:  # a topic never hides an entity, nor the reverse
                    resolved = (self._resolve(ents, ids)
                                + self._resolve([c for c in cands if topic[c[2][0]]], ids))
            else:
                resolved = self._resolve(cands, ids)
            for s, e, tg in resolved:
                hits.append((fname, norm, s, e, tg))
        # An alias swallowed by a longer alias of another entity no longer licenses short names.
        with_alias = {h[4][0] for h in hits if h[4][1] == ALIAS}
        rows = []
        sentences: dict[str, Sentences] = {}
        for fname, norm, s, e, (ent, role, phrase) in hits:
            if role == SHORT and ent not in with_alias:
                continue
            offsets = norm.offsets
            if offsets is not None:
                s, e = offsets.start(s), offsets.end(e)
            sent = sentences.get(fname)
            if sent is None:
                sent = sentences[fname] = Sentences(norm.original)
            kind = "topic" if role == ALIAS and topic[ent] else _ROLE_KIND[role]
            rows.append((fname != "title", s, e, ids[ent], phrase, norm.original[s:e], fname, kind,
                         sent.snippet(s, e)))
        rows.sort(key=_MENTION_ORDER)
        mentions: list[Mention] = []
        by_entity: dict[str, list[Mention]] = {}
        for _, s, e, eid, phrase, written, fname, kind, snip in rows:
            m = _mention(eid, phrase, written, fname, s, e, kind, snip)
            mentions.append(m)
            group = by_entity.get(eid)
            if group is None:
                by_entity[eid] = [m]
            else:
                group.append(m)
        flags = _flags(by_entity)
        return _result([f.entity_id for f in flags], flags, mentions)


def _flags(by_entity: dict[str, list[Mention]]) -> list[Flag]:
    """One flag per entity, sorted by entity id; its snippet is the first body mention of a
    full alias (else the first mention)."""
    flags = []
    for eid in sorted(by_entity):
        ms = by_entity[eid]
        best = ms[0]
        in_title = False
        for m in ms:
            if m.field == "title":
                in_title = True
            elif m.kind != "short_name":
                best = m
                break
        flags.append(_flag(eid, len(ms), in_title, best.snippet, _reason(ms), tuple(ms)))
    return flags


_LABEL = {"alias": "alias", "short_name": "short name", "topic": "topic"}


def _reason(ms: list[Mention]) -> str:
    """Why a flag was raised, one group per watchlist phrase, e.g.
    'alias "Samsung Electronics" ×2 in title and body; alias "Lee Jae-yong" ×1 in body
    (as "Lee Jae Yong"); short name "Lee" ×1 in body (allowed by full alias)'."""
    if len(ms) == 1:  # the common case, without the grouping (same text)
        m = ms[0]
        kind, alias = m.kind, m.alias
        part = f'{_LABEL[kind]} "{alias}" ×1 {"in title" if m.field == "title" else "in body"}'
        if m.text != alias:
            w = " ".join(m.text.split())
            if w != alias:
                part += f' (as "{w}")'
        if kind == "short_name":
            part += " (allowed by full alias)"
        return part
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
        parts.append(part)
    return "; ".join(parts)
