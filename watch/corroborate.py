"""Ambiguous mentions count only when the article corroborates them.

``decide`` takes every candidate mention of one article (after the automaton, the word
boundary rules, excludes and overlap resolution of ``watch.matcher``) and splits the
mentions of ambiguous aliases (``watch.ambiguity``) into accepted ones, each with a note
saying what corroborated it, and rejected ones, each with the reason. Mentions of other
aliases, short names and topics pass through (short names still need an accepted full
alias). All rules are general; the lists they use are in ``watch/data``.

Never (the mention is not the entity, whatever else the article says):

* inside a fixed phrase that is not the company: "meta description", "target audience",
  "LG Volume", "x-ray", "현대 미술" (``data/fixed_terms.txt``; applied by the matcher,
  which sees those phrases in its automaton);
* part of a person's name: after a common given name or an initial ("Harrison Ford",
  "John M. Ford"); the bare alias is then that person in the rest of the article too;
* the first word of another company's name, an item of a list of makers or companies
  ("phones produced by Sony Ericsson, Motorola, BenQ": ``list_item_name``; rules 13, applied by
  the matcher to EVERY alias);
* the first word of another company's name made with an industry word that is not one of the
  entity's aliases ("Universal Electronics'": ``other_company``; rules 14), and the end of a
  longer proper name of three or more capitalized words that ends there ("Twentieth Century
  Fox is"): the article's bare mentions are then short for that name ("If Fox decided"), unless
  ``OWN_SYNTAX`` of them have company syntax or an alias or context term names the entity;
* (rules 14, in the matcher) an item of an elided Korean list whose shared ending makes another
  company's name (신한·삼성·롯데카드: 삼성카드) or an affiliate's kind (삼성·롯데생명);
* part of a venue's name ("Shell Energy Stadium", "Toyota Music Factory", "Ford Field":
  ``venue``; the matcher applies it to EVERY alias of every entity, ambiguous or not: a
  venue is not its sponsor);
* glued to another word by "&" ("KT&G", "LG&E");
* a single-letter alias used as a model letter: after a capitalized or camel-case word, or
  a one-word context term of any entity, or before a "-code" ("Xbox Series X", "Ledger
  Nano X", "Fujifilm X-H2S", "iPhone X", "아이폰 X");
* a single-letter alias beside another lone capital letter in its sentence: a placeholder
  ("args X and Y, return Z"); the letter then names nothing in the whole article.
* two-letter initials before a surname, in a paragraph that names people by a common given
  name and a surname ("Daniel Viegas 2 assists. CJ DeBose 2 assists");
* a one-word name used as a verb, after a subject and before a lower-case object ("When
  people Google types of insurance": ``verb_use``, applied to EVERY alias by the matcher).
* an everyday-word alias used as a title before a person's name ("Coach P.J. Fleck", "Coach
  Hogen's" where the article writes "coach Dieter Hogen"), or ending a longer capitalized
  name that starts before it ("Kailh Box Ice Mint V2", "standard Style Box", "Urbane Box
  lets you"; not before a company word, nor, after a single everyday word, before the company's
  product or a product line and model code: "Eat Amazon Prime", "10th Gen Intel Core i5"),
  or starting a fixed name after "the" ("the United States"; not "the Apple Watch"):
  ``watch.propernames``.

An entity is ESTABLISHED in the article by the first of:

1. ``alias``: a mention of one of its unambiguous aliases ("Meta Platforms", "Facebook");
2. ``context``: one of its ``context`` terms anywhere in title or body ("Instagram",
   "Galaxy", "갤럭시");
3. ``syntax``: company syntax around one of its ambiguous mentions (below);
4. ``named``: an everyday-word alias used at least ``BARE_NAMES`` times as a bare name in
   prose: capitalized inside a sentence, after a lower-case word or a comma (not after
   "the": "the Amazon" is the river; not after a word of place or travel: "a mission to
   Mars"), not part of a longer capitalized name ("Delta Lake", "Big Apple"), and not in a
   sentence about food or drink; or a three-letter acronym that is no English word once in
   prose ("a lush BBC adaptation"; not "UPS", not in a heading, table or parentheses, not
   "the" + acronym + a lower-case noun: "the ABC top brass");
5. ``near``: another established entity, or a topic, in the same paragraph within
   ``NEAR`` characters ("Samsung, LG lead OLED TV race"). Two ambiguous names do not
   establish each other ("삼성, LG 꺾고": two baseball teams). A Korean short form that is a
   common word or group name (우리, 하나; and a Hangul alias marked ambiguous, 다음) only when
   tied to the name (``_korean_tie``): an item of the same list ("신한은행·우리", "신한은행과
   우리"; ``_KO_LIST_BETWEEN``), its parent ("카카오의 포털 다음", "구글의 유튜브") or a portal
   before one of its services ("카카오는 다음 검색에"): "우리가 놓치고" near "아이패드" is
   "we", "다음 경기는" near "토스" is "the next game".

An ambiguous alias the article uses inside a fixed phrase (``in_fixed``: "the Delta
variant") is read that way when bare too: neither 4 nor 5 establishes it ("a surge with
Delta").

Once established, all its mentions count (except the "never" ones above), each noting its
own syntax when it has some, else what established the entity. Not established: every
mention of its ambiguous aliases is rejected with the reason.

Positions that cannot corroborate by themselves (``position``): a mention that is ALONE
on its line (a heading, initials above a date, a label), in a TABLE row ("a | b | c",
tab-separated, or a comma-separated row of figures), in a SPEC list ("Volume: 4150 in³")
or IN PARENTHESES on its own ("The Shack (LG)") counts only when the entity is established
by something else (1, 2, or a mention elsewhere); in a spec list's VALUE, the name of a
company or product made with it counts (``name_syntax``: "Where to watch: Apple TV"). A
short HEADING-like line (up to eight words, no sentence punctuation) may use syntax (3), and
a name nearby (5) only as an item of the same list ("Cards (Visa, Mastercard, Amex)").

Company syntax (``syntax``), in the original text around the mention:

* English, after it: possessive ("LG's"; a bare apostrophe only after -s: "‘Polish Spirit’"
  closes a quotation); a hyphen participle ("Meta-owned",
  "Amazon-backed"); a role or business noun ("Meta CEO", "Apple shares", "Target stores");
  a company-name word ("LG Display", "Shell Energy", "SK Innovation"); a reporting or
  business verb, after at most two adverbs/auxiliaries ("LG said", "Apple has unveiled");
  an apposition (", the company", ", which owns"); a predicate noun, even at a sentence's
  start ("Puma is a well-established name", "Stripe is a payments company"); an acronym
  leading a longer name of two or more capitalized words in a sentence in lower case ("the
  IBM Cost of a Data Breach Report"); a ticker ("(NASDAQ: META)", "(LON: SHEL)"); a coined
  product name that is not an everyday word ("Apple CarPlay", "Amazon S3", "LG OLED"); a
  capitalized product noun, even at a sentence's start ("Apple TV", "Amazon Prime", "Google
  Maps", "Apple Intelligence"); a product line and a model code of letters and digits
  ("Intel Core i3"; not "Delta Force 2"); a corporate event ("the Target breach", "Meta
  layoffs"). A possessive after a single letter is no possessive after a number ("two X's").
* English, after an everyday word in mid-sentence only (at a sentence's or list item's
  start its capital says nothing): a manner compound ("Notion-based", "Apple-style"; not
  "- Box-style lunches"); a thing the company publishes or a service hosts ("An Adobe
  survey", "Host Zoom sessions"); what a product does ("what Unity does").
* English, an everyday word capitalized in mid-sentence as an item of a comma list whose
  neighbouring item is a capitalized name ("email, Slack, Teams, or SMS"), in prose (or on a
  short line in sentence case: "Integrations with Stripe, Gusto, and other tools"), not
  after an article and not after "like"/"such as" unless the noun before is one of
  companies or tools (``_names_list``).
* every pattern stops at a paragraph break (a blank line; ``_line_window``).
* no English syntax counts for an everyday word in a sentence about food or drink (a
  restaurant, cuisine, menu, chef...): the name is then likely a restaurant or a shop.
* English, before it: "with" after a software or business tie ("new integration with Zoom",
  "a partnership with Delta"); "shares of", "CEO of", "stake in"; "acquired by", "made by";
  "according to"; a describing noun ("tech giant Meta", "retailer Target", "rival LG"); a
  photographer's name before it ("Jeff Chiu | AP") or "Photo/" after it (a photo credit);
  "at" after a word about working there ("engineers at Meta", "a stint at Meta") or
  about buying ("… French Press at Amazon"), but not after dining words ("dinner at Meta");
  "on"/"from"/"via" after buying or posting verbs and gift cards ("available on Amazon",
  "posts on X", "gift card from Starbucks, Target, or Amazon"); "on"/"at"/"from" followed by
  a price ("on Amazon for $39");
  an item of a list of companies or tools ("companies such as Google, Meta and Amazon").
  None of these when, in a sentence in lower case, a longer capitalized name goes on after
  the mention ("according to Box Office Mojo").
* the platform of the site's own call to follow, subscribe or contact it ("[카카오 친구맺기]",
  "▶ 네이버메인에 ‘뉴스1채널’ 설정하기!", "카톡/라인 jebo23": ``watch.roles.link_call``; rules 13),
  not for a pronoun or determiner ("▶ 다음 기사 보기").
* Korean: a business noun after it (삼성 측, 메타 주가, KT 대표, 관계자, 대변인, 실적); rules 13:
  a company's attribute written apart (인텔 기술을, 애플 제품의: ``_K_ATTRIBUTE``), not after a
  Korean common word or group name (현대 기술), a loanword used as the word, or a noun it
  compounds with (생산 라인 기술); a
  product noun or the group noun 그룹 glued to it (삼성페이, 애플워치, 카카오톡, 두산그룹:
  ``watch.korean.product_follows``); for a loanword alias (라인, 토스, 애플:
  ``watch.loanword``) a subject, possessive or partner particle (애플은, 애플의, 애플과의) or
  an item of a "·" list, unless the article uses it as the word, after a modifier and before
  an object particle (생산 라인을);
  "…에 따르면"; a subject/topic particle followed, in the same sentence and outside
  quotes, by a business verb (발표, 공개, 출시, 인수, 투자, 밝혔다, 말했다...), unless it is a
  verb of saying after a quotative ending in a sentence whose subject comes before the name
  ("대변인은 … 하나도 양보할 수 없다고 말했다": the name is inside the reported words,
  ``_reported_by_another``); an outlet's kind or a country glued to it (AP통신,
  구글코리아), or a city, the company's plant there (GM군산; rules 9); an outlet's kind
  written apart (AP 통신은; rules 9); a wire or photo credit ([AP=연합뉴스 자료사진],
  【평창=AP/뉴시스】: ``_korean_credit``, rules 9); a title after a person's name (트럼프
  대통령의; rules 9); for a loanword alias, not when the article uses it after an adjective
  ("세터의 정확한 토스가": the word; ``_loanword_as_word``); a model code (엘지 V30); the
  channel a product comes through (KT를 통해 출시); a Latin name in parentheses glued to the
  Hangul word it glosses, read on after the parentheses (비피(BP)가; rules 9: also after the
  word's closing bracket, <에이피>(AP) 통신은); a competitor, also
  challenged or in its stronghold (아마존에 도전장, 아마존의 아성)
  (…아마존 추격, 아마존과의 격차); a describing noun before it (유통업체 타깃이, 포털
  '다음', 포털 서비스인 다음의); an item of a list of companies or products (타깃 등 다른
  경쟁사, 제네시스 등 신차); a list partner in a company's form (KT와 LG유플러스는); rules 15:
  a division or office after it (한화 건설부문은, 카카오 공동체 준법경영실과: ``_K_DIVISION``),
  every item of a list closed by 등 and a noun of companies (네이버 카카오 등 국내 디지털 플랫폼
  기업: ``_K_LIST_COMPANIES``), and the group's own name for an entity that is the group (한화
  for Hanwha Group), unless the article names a sports team with it (``team_named``).
  When the article names another company that starts with the same short form
  (현대백화점, 우리카드, 삼성라이온즈파크, LG디스플레이) and never the entity
  unambiguously, Korean and English syntax and nearby names do not count: the bare
  form is likely that company. A Hangul compound is such a company only when used as one
  (a subject or topic, before a business noun, at the head of a headline: ``_as_company``;
  "메타버스 사업의" is a common word); an affiliate named with the short form that is a
  ``context`` term (GS리테일) is one too, and corroborates nothing
  (``Matcher._affiliates``); the group noun glued to the name (두산그룹) establishes the
  entity before any of this.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from itertools import islice

from watch.ambiguity import (
    EVERYDAY_WORD,
    KOREAN_GROUP,
    KOREAN_LOANWORD,
    KOREAN_MARKED,
    KOREAN_SHORT_FORM,
    SHORT_ACRONYM,
    english_words,
    given_names,
    korean_groups,
)
from watch.korean import (
    COMPANY_WORDS,
    COUNTRY_NOUNS,
    COUNTRY_PREFIXES,
    GLUED_MODIFIERS,
    GROUP_NOUNS,
    MEDIA_NOUNS,
    MODIFIER_WORDS,
    PLACE_NOUNS,
    SERVICE_NOUNS,
    SITE_NOUNS,
    company_words_after,
    country_before,
    is_hangul,
    particle_follows,
    product_follows,
    stock_code_follows,
)
from watch.loanword import spells
from watch.normalize import fold
from watch.othernames import inside_body_name, title_before
from watch.propernames import (
    INDUSTRY_NOUNS,
    longer_name_after,
    longer_name_before,
    sentence_case,
    title_before_person,
)
from watch.roles import link_call

# Korean aliases that are also common words: a name nearby counts only as an item of a list
_KOREAN_WORDS = frozenset({KOREAN_SHORT_FORM, KOREAN_LOANWORD, KOREAN_MARKED, KOREAN_GROUP})
NEAR = 250  # characters: "another watchlist name near it"
WINDOW = 160  # characters of context read on each side of a mention

ALONE, TABLE, SPEC, PAREN, HEADING = "alone", "table", "spec", "paren", "heading"
_WEAK_REASON = {
    ALONE: "alone on its line (a heading, initials or a label)",
    TABLE: "in a table row",
    SPEC: "in a spec list (label: value)",
    PAREN: "alone in parentheses (an abbreviation or code)",
}
STRICT = frozenset(_WEAK_REASON)  # positions where only alias/context/other mentions count


@dataclass(slots=True)
class Cand:
    """One candidate mention, in offsets of its ORIGINAL field."""

    field: str  # "title" | "text"
    start: int
    end: int
    entity: int  # index into the watchlist
    phrase: str  # the watchlist alias / short name
    short: bool  # a short name
    topic: bool
    amb: str | None  # why the alias is ambiguous (None: it is not)
    person: bool = False  # the entity is a person
    row: tuple = ()  # the matcher's row, handed back untouched
    note: str = ""  # accepted: what corroborated it
    reason: str = ""  # rejected: why
    veto: str = ""
    pos: str = ""
    syntax: str = ""
    compounds: tuple = field(default_factory=tuple)
    word_use: bool = False  # a loanword alias the article uses as the word (``_loanword_as_word``)


# ------------------------------------------------------------------------- positions

_BULLET = re.compile(r"^\s*(?:[-*•·▪►–—]+|\d{1,3}[.)]|#{1,6}|[(\[]?\d{1,3}[)\]])?\s*")
_WORDS = re.compile(r"[^\W_]+(?:['’.-][^\W_]+)*")
_SENTENCE_END = re.compile(r"[.!?。？！…](?:[\"'”’)\]]*)\s*$|다\.?\s*$")
_SPEC = re.compile(r"^\s*(?:[-*•·]\s*)?([^:|]{1,40}?)\s*[:：]\s*(\S.*)$")
_DIGIT = re.compile(r"\d")
# a Korean sentence's end inside a line, before the next sentence: "했다. 이", "했다  이" (copy
# whose full stops were lost keeps the final 다 and the spaces). Only Korean: an English line
# of many ". " without a final stop is as often a reference list ("Cooney GM, Dwan K. Exercise
# for depression. Cochrane Database Syst Rev. 2013;9") as prose. Also a stop glued to the next
# sentence (rules 11: "했습니다.민주당은", copy whose spaces after the stops were lost), also when
# the next sentence opens on a Latin name with its particle (rules 19: "해당한다.E1은",
# "밝혔다.LG전자는") or on the reporter's mail address of the sign-off ("밝혔다.themoon@news1.kr")
_INNER_SENTENCE_END = re.compile(r"[가-힣]다(?:[.\"”’']?\s+(?=\S)|[.\"”’'](?=[가-힣\[(<\"“‘'▶]"
                                 r"|[A-Z][A-Za-z0-9&]*[가-힣]|[A-Za-z0-9][\w.+-]*@[a-z]))")
# rules 16: two more kinds of inner sentence ends of a long line of prose. English sentences run
# into one line by a crawl (a games roundup whose reviews and headings share a line): a lower-case
# word, a stop and a next sentence opening on a function word ("… like never before. If nothing
# else …"); a reference list's items open on titles and names ("Dwan K. Exercise for …"), rarely
# on these. And Korean notes in the clipped style (개조식), whose sentences end on a noun or stem
# and a full stop ("… 방식으로 바꿔. 이를테면 …", "… 폐지할 예정. 더불어 …"). Three of either.
_ENGLISH_INNER_END = re.compile(r"[a-z]{3,}[.!?][\"”’)]?\s+(?:The|A|An|It|Its|He|She|They|We|You|I|If|In|On|"
                                r"At|This|That|These|Those|There|But|And|As|So|With|For|When|While)\s")
_CLIPPED_END = re.compile(r"[가-힣]\.\s+(?=[가-힣])")


def line_span(text: str, start: int, end: int) -> tuple[int, int]:
    ls = text.rfind("\n", 0, start) + 1
    le = text.find("\n", end)
    return ls, (len(text) if le < 0 else le)


def _gloss(text: str, start: int) -> bool:
    """Is the mention in parentheses glued to a Hangul word ("비피(BP)가", "메타(Meta)는",
    "<에이피>(AP) 통신은")? It
    glosses that word, the name in Korean: not an abbreviation or code, and the Korean syntax
    after the parentheses is the name's (rules 8)."""
    if start < 2 or text[start - 1] != "(":
        return False
    # (rules 9: also after the Hangul word's closing bracket or quote, "<에이피>(AP) 통신은")
    k = start - 3 if text[start - 2] in _CLOSERS and start >= 3 else start - 2
    return is_hangul(text[k])


_CLOSERS = ">》〉」』’”'\""


def _three(rx: re.Pattern[str], line: str) -> bool:
    """Does ``rx`` match three times in the line's first 2,000 characters? (stops at the third:
    this runs for every open mention on a long line)"""
    return next(islice(rx.finditer(line, 0, 2000), 2, None), None) is not None


def position(text: str, start: int, end: int, is_title: bool) -> str:
    """The kind of place the mention sits in (see the module docstring); "" for prose."""
    if 0 < start and end < len(text) and text[start - 1] == "(" and text[end] == ")" and not _gloss(text, start):
        return PAREN
    if is_title:
        return ""
    ls, le = line_span(text, start, end)
    line = text[ls:le]
    piped = "|" in line and (line.count("|") >= 2 or line.lstrip().startswith("|"))
    if le - ls > 200 and not piped and "\t" not in line and (
            _SENTENCE_END.search(line) or _three(_INNER_SENTENCE_END, line) or _three(_CLIPPED_END, line)
            or _three(_ENGLISH_INNER_END, line)):
        # a long line of prose (the usual case: decided without splitting it); also when it
        # ends without a full stop but holds sentences (rules 9: a Korean article run into one
        # line that ends with its outlet's footer, "… 무단 전재 및 재배포 금지"), which the
        # comma rule below would take for a row of figures
        # (rules 19: one "|" is no table: an outlet's footer run into the line, "덧붙이는 글 | …")
        return ""
    if piped or "\t" in line.strip():
        return TABLE
    fields = line.split(",")
    if (len(fields) >= 3 and sum(1 for f in fields if _DIGIT.search(f)) >= 2
            and not _SENTENCE_END.search(line)):
        return TABLE
    m = _SPEC.match(line)
    if (m and "(" not in m.group(1) and len(_WORDS.findall(m.group(1))) <= 5
            and len(_WORDS.findall(m.group(2))) <= 8 and not _SENTENCE_END.search(line)):
        return SPEC
    rest = _BULLET.sub("", line[: start - ls]) + " " + line[end - ls:]
    words = _WORDS.findall(rest)
    if not words:
        return ALONE
    if len(words) <= 7 and not _SENTENCE_END.search(line):
        return HEADING
    return ""


# ---------------------------------------------------------------------------- vetoes

_INITIAL_BEFORE = re.compile(r"(?:\b([A-Z][a-z]+)\s+)?(?<![A-Z.]\.)\b([A-Z])\.\s*$")
_NAME_BEFORE = re.compile(r"\b([A-Z][a-z]+)\s+$")
# a venue named after a sponsor ("Shell Energy Stadium", "Toyota Music Factory", "Ford
# Field", "Target Center"): the head noun after up to two capitalized words; "Center" only
# right after the name ("Samsung Research Center" is a lab of the company)
_VENUE_AFTER = re.compile(r"(?:(?:\s+[A-Z][\w'&-]*){0,2}\s+(?:Stadium|Arena|Ballpark|Amphitheat(?:er|re)|"
                          r"Coliseum|Speedway|Pavilion|Dome|Music Factory|Music Hall|Concert Hall|"
                          r"Theat(?:er|re)|Field|Bowl)|\s+(?:Center|Centre))\b")


# a subject that searches, before a name used as a verb ("when people Google types of")
_VERB_SUBJECT = re.compile(r"(?:^|[^\w'’])(?:I|you|You|we|We|they|They|people|users|just|simply)\s+$")
# a lower-case word after the name that is not a verb or function word of the name as subject
# ("people Google types", not "people Google is hiring" nor "users Google and Apple")
_LOWER_WORD_AFTER = re.compile(r" (?!(?:is|was|has|had|and|or|of|in|on|for|to|with|as|at|by|said|says)\b)[a-z]")


def verb_use(text: str, start: int, end: int) -> bool:
    """A one-word name used as a verb: after a subject ("people", "you", "we"...) and before
    a lower-case object ("When people Google types of insurance", "you Google it"). Applied
    to every alias by the matcher: to google something is not the company."""
    return (_LOWER_WORD_AFTER.match(text, end) is not None
            and _VERB_SUBJECT.search(text, max(0, start - 12), start) is not None
            and text[start:end].isalpha())


def venue(text: str, end: int) -> str:
    """The venue name that the mention ending at ``end`` starts, quoted; "" if none. Applied
    to every alias of every entity by the matcher: a venue is not its sponsor."""
    if text[end:end + 1] != " " or not text[end + 1:end + 2].isupper():
        return ""  # (the usual case, decided without a regex)
    m = _VENUE_AFTER.match(text, end)
    return m.group(0) if m else ""
_MODEL_BEFORE = re.compile(r"(?:^|[^\w])([A-Z][\w]*|\w*\d\w*|[a-z]+[A-Z]\w*)\s+$")  # (camel case: "iPhone X")
_WORD_BEFORE = re.compile(r"(?:^|[^\w])(\w+)\s$")
# another lone capital letter nearby: letters as placeholders ("args X and Y, return Z")
# ("I" and "A" are words; only within the sentence: see _clause)
_PLACEHOLDER = re.compile(r"(?<![\w.&'’-])([B-HJ-Z])(?![\w&'’-])")


def _clause(before: str, after: str, ahead: bool) -> str:
    """The part of ``before`` (ahead False) or ``after`` (ahead True) in the mention's sentence."""
    if ahead:
        m = re.search(r"[.!?;:]\s|\n", after)
        return after[:m.start()] if m else after
    cut = max(before.rfind(". "), before.rfind("? "), before.rfind("! "), before.rfind("\n"), before.rfind(": "))
    return before[cut + 1:]


_MODEL_AFTER = re.compile(r"^-?[A-Z0-9][\w]*\d|^-[A-Z]")
_LIST_WORDS = frozenset(("and", "or", "as", "such", "like", "including", "include", "includes", "with",
                         "vs", "versus", "than", "on", "in", "of", "for", "to", "by", "from", "at",
                         "the", "a", "an"))


# two or three capitalized words right before the mention ("Key Transparency. KT") or in
# parentheses right after it ("LG (Lieutenant Governor)"): initials being defined
_WORDS_BEFORE = re.compile(r"((?:[A-Z][a-z]+[\s-]+){1,2}[A-Z][a-z]+)\s*[(.,:;—–-]?\s*$")
_WORDS_AFTER = re.compile(r"\s*\(\s*((?:[A-Z][a-z]+[\s-]+){1,2}[A-Z][a-z]+)\s*\)")


def _initials_of(words: str, letters: str) -> bool:
    parts = re.split(r"[\s-]+", words)
    return len(parts) >= len(letters) and "".join(p[0] for p in parts[-len(letters):]) == letters


_SURNAME_AFTER = re.compile(r" ((?:Mc|Mac|De|Di|Le|La|O')?[A-Z][a-z]+)(?![\w-])")
_GIVEN_SURNAME = re.compile(r"\b([A-Z][a-z]+) [A-Z][a-z]+(?:[A-Z][a-z]+)?\b")


def _people_nearby(text: str, s: int, e: int) -> bool:
    """Is there a common given name followed by a surname in the mention's paragraph?"""
    lo = text.rfind("\n\n", 0, s)
    hi = text.find("\n\n", e)
    para = text[lo + 1 if lo >= 0 else 0:hi if hi >= 0 else len(text)]
    return any(m.group(1) in given_names() for m in _GIVEN_SURNAME.finditer(para))


# rules 19: a Korean headline's opening (nothing, or a tag in brackets: "[단독] ") and, after the
# name, a comma and a Hangul word that is no particle-less list item ("E1, 세무조사로")
_HEADLINE_OPENING = re.compile(r"\s*(?:[\[【<(][^\]】>)]{1,8}[\]】>)]\s*)?")
_HEADLINE_TOPIC = re.compile(r", (?=[가-힣]{2})(?![가-힣]{1,6}(?:,|·|와 |과 |및 ))")


_SERIES_CODE = re.compile(r"([A-Z]{1,3})(\d{1,2})")


def series_step(text: str, s: int, e: int) -> str:
    """Rules 19: for a code of capitals and a number (E1), the same capitals with the number
    one above or below it, as a word of its own within 30 characters ("E2"); "" if none."""
    m = _SERIES_CODE.fullmatch(text, s, e)
    if not m:
        return ""
    n = int(m.group(2))
    for k in (n + 1, n - 1):
        if k < 0:
            continue
        near = re.compile(rf"(?<![A-Za-z0-9]){m.group(1)}{k}(?![A-Za-z0-9])")
        found = near.search(text, max(0, s - 30), min(len(text), e + 30))
        if found:
            return found.group(0)
    return ""


def veto(text: str, c: Cand, products: frozenset[str] = frozenset(), article: str = "") -> str:
    """Why the mention is never the entity ("" if it may be); ``article``: title and body
    together (a name's use elsewhere in the article), ``text`` when not given."""
    s, e = c.start, c.end
    before = text[max(0, s - 40):s]
    after = text[e:e + 60]
    # (each "$"-anchored search below runs only when the text right before the mention can
    # end its pattern: those searches try every position of the window)
    tail = before.rstrip(" (.,:;—–-")
    last_capital = tail[-1:].islower() and tail.rsplit(None, 1)[-1][:1].isupper()
    if c.amb == SHORT_ACRONYM and 2 <= len(c.phrase) <= 3 and c.phrase.isalpha():
        # defined right there as the initials of something else: "Key Transparency. KT",
        # "Lieutenant Governor (LG)", "LG (Lieutenant Governor)"
        for m in (_WORDS_BEFORE.search(before) if last_capital else None,
                  _WORDS_AFTER.match(after) if after[:1] in " (" else None):
            if m and _initials_of(m.group(1), c.phrase):
                words = " ".join(re.split(r"[\s-]+", m.group(1))[-len(c.phrase):]) if m.re is _WORDS_BEFORE \
                    else m.group(1)
                return f'the initials of "{words}" here'
        # initials as a first name among people's names ("Daniel Viegas 2 assists. CJ DeBose
        # 2 assists"): a surname after it, and a given name + surname in the same paragraph
        if len(c.phrase) == 2 and not c.person:
            m = _SURNAME_AFTER.match(after)
            if m and m.group(1).lower() not in english_words() and _people_nearby(text, s, e):
                return f'part of a person\'s name ("{text[s:e]} {m.group(1)}")'
    if after[:1] == "&" and after[1:2].isalnum() or before[-1:] == "&" and before[-2:-1].isalnum():
        return "joined to another name by \"&\""
    if c.amb == KOREAN_LOANWORD and _K_MAKING_RIGHT_BEFORE.search(before):
        # rules 21: the common word after a noun of making ("조립 라인이", "전용 라인으로")
        return f'the word "{text[s:e]}" after a noun of making ("{before[-4:].strip()} {text[s:e]}")'
    if c.amb == SHORT_ACRONYM:
        # rules 19: a step of a series, the same letters with the next or previous number near it
        # ("E1으로 시작하여 E2 단계까지", "E1, E2, E3 단계마다"): a grade, level or model code
        found = series_step(text, s, e)
        if found:
            return f'a step of a series ("{text[s:e]}" beside "{found}")'
    if not c.person:
        # rules 12: a personal title before it ("Dr Jakob Nielsen", "Dr Nielsen", "애플 박사")
        found = title_before(text, s, e)
        if found:
            return f'a surname after a title ("{found}")'
        if before.rstrip()[-1:] == ".":
            m = _INITIAL_BEFORE.search(before)
            if m and (m.group(1) is None or m.group(1) in given_names()):
                return f'part of a person\'s name ("{(before[m.start():] + text[s:e]).strip()}")'
        if last_capital and before[-1:] == " ":
            m = _NAME_BEFORE.search(before)
            if m and m.group(1) in given_names():
                return f'part of a person\'s name ("{m.group(1)} {text[s:e]}")'
    if c.amb == EVERYDAY_WORD and not c.person:
        # one word of another proper name (watch.propernames)
        found = title_before_person(text, s, e)
        if found:
            return f'a title before a person\'s name ("{found}")'
        # rules 12: one word of another body's name ("the Centre for Vision, Speech and Signal
        # Processing"), wherever in the name, as rules 9-11's longer names at its ends
        found = inside_body_name(text, s, e)
        if found:
            return f'inside another organisation\'s name ("{found}")'
        found = longer_name_before(text, s, e)
        # unless the longer name goes on with a company word ("Royal Dutch Shell plc"), or,
        # after a single everyday word, with the company's product or a product line and model
        # code ("Eat Amazon Prime", "10th Gen Intel Core i5"; after a word that is no everyday
        # word, or a run of capitalized words, the longer name is another brand's: "Kailh Box
        # Ice Mint V2", "Razer Viper Mini Wireless 73g")
        words = found.split() if found else ()
        if found and not (_R_CORP.match(after) or len(words) == 2 and words[0].lower() in english_words()
                          and (_R_PRODUCT.match(after) or _R_MODEL.match(after))):
            return f'the end of a longer name ("{found}")'
        # the mirror: "the United States", "the Amazon River" (an everyday word that starts a
        # fixed name after "the"), unless what follows is the company's word, product or
        # model ("the Apple Watch", "the Target Corp.", "the Apple TV app")
        found = longer_name_after(text, s, e)
        if found and not any(rx.match(after) for rx in (_R_CORP, _R_PRODUCT, _R_MODEL, _R_THING, _R_ROLE)):
            return f'the start of a longer name ("{found}")'
        # rules 9: a title whose capital "The" in mid-sentence is part of it ("which publishes
        # The Sun and the News of the World"): a paper's, book's or band's name, not the
        # company's, whose name has no article (a watched "The Guardian" is its own alias)
        if before.endswith("The ") and _TITLE_THE.search(before) and not any(
                rx.match(after) for rx in (_R_CORP, _R_PRODUCT, _R_MODEL)):
            return f'part of a title ("The {text[s:e]}")'
        found = _company_named_with(text, s, e, article or text)
        if found:
            return found
    if len(c.phrase) == 1 and c.amb == SHORT_ACRONYM:
        found = _company_named_with(text, s, e, article or text)
        if found:
            return found
    if len(c.phrase) == 1:
        m = next((m for part in (_clause(before[-50:], after[:50], False), _clause(before[-50:], after[:50], True))
                  for m in _PLACEHOLDER.finditer(part) if m.group(1) != c.phrase), None)
        if m:
            return f'a placeholder letter, beside "{m.group(1)}"'
        m = _MODEL_BEFORE.search(before)
        if m and m.group(1).lower() not in _LIST_WORDS:
            return f'a model letter ("{m.group(1)} {text[s:e]}")'
        # after a product of the watchlist's (a context term: "아이폰 X", "Galaxy S")
        m = _WORD_BEFORE.search(before) if products else None
        if m and m.group(1) in products:
            return f'a model letter ("{m.group(1)} {text[s:e]}", after a product)'
        if _MODEL_AFTER.match(after):
            return f'a model code ("{text[s:e]}{_MODEL_AFTER.match(after).group(0)}")'
    return ""


# a lower-case word or a comma, then "The" (a capital "The" in mid-sentence starts a title)
_TITLE_THE = re.compile(r"(?:^|\s)(?:[a-z][\w'’-]*|\S*,) The $")  # (not "\n\nThe": a line's start)
_NEXT_NAME_WORD = re.compile(r" ([A-Z][a-z]+)(?![\w'’-]*[A-Z0-9])")
# what only a company has or does after a two-word name: its financial results ("Time Warner's
# fourth quarter profits", "Time Warner posted a profit of $3bn"); a product or an assistant may
# "say" things ("Amazon Alexa said it will update"), it posts no profit
_RESULTS = r"(?:profits?|losses|loss|revenues?|sales|earnings|results|net income|operating income)"
_COMPANY_ACT = (rf"(?:['’]s\s+(?:[\w-]+\s+){{0,3}}{_RESULTS}\b|\s+(?:posted|reported|announced|booked)\s+"
                rf"(?:(?:a|an|its|record|higher|lower)\s+)?(?:[\w-]+\s+){{0,2}}{_RESULTS}\b)")


def _company_named_with(text: str, s: int, e: int, article: str) -> str:
    """The everyday word starts another company's two-word name (rules 9): the next word is
    capitalized, no everyday word, given name, company word or product noun (the reading of
    a coined product name, "Apple CarPlay"), and the article gives the two words a company's
    results ("Time Warner's fourth quarter profits", so also "Ad sales boost Time Warner
    profit"): that company is not the watched one. The veto reason, or ""."""
    m = _NEXT_NAME_WORD.match(text, e)
    if not m:
        return ""
    tok = m.group(1)
    after = text[e:e + 60]
    if tok in given_names() or _R_CORP.match(after) or _R_PRODUCT.match(after):
        return ""
    name = text[s:e] + " " + tok
    longer = _LONGER_COMPANY.match(text, m.end())
    if longer:
        # rules 11: the two words go on to a company word ("United Business Media's NOP
        # World"): another company's name, whose second word is none (with one right after
        # the alias it is the alias's own company: "United Airlines")
        return f'the start of another company\'s name ("{text[s:longer.end()]}")'
    act = re.search(re.escape(name) + _COMPANY_ACT, article) if tok.lower() not in english_words() else None
    if act:
        return f'the start of another company\'s name ("{name}": "{act.group(0).strip()}")'
    return list_item_name(text, s, e, everyday=True)


# rules 13: the makers a product comes from, after a verb of making and "by", up to the mention
# ("Symbian phones produced by Sony Ericsson, Motorola, BenQ"): each item is one maker's name
_L_MAKERS = re.compile(r"\b(?:made|produced|manufactured|built|developed|designed|supplied|sold|marketed)"
                       r"\s+by\s+((?:[A-Z0-9][\w.&'’+-]*(?:\s+[A-Z0-9][\w.&'’+-]*)*\s*(?:,\s*(?:and\s+|or\s+)?|"
                       r"\s(?:and|or)\s+))*)$")
_PRODUCT_LIST = re.compile(r"(?i:a list of (?:tools|apps|services|software|integrations|platforms|brands|tech)\b)")
_MORE_ITEMS = re.compile(r"(?:\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+)[A-Z][\w.&'’+-]*")


def list_item_name(text: str, s: int, e: int, everyday: bool = False,
                   products: frozenset[str] = frozenset()) -> str:
    """The one-word name text[s:e] starts a two-word item of a list of companies or makers
    (rules 10: "Companies such as Blinkx, Copernic and X Friend"; rules 13, for every alias:
    "phones produced by Sony Ericsson, Motorola, BenQ"): each item of such a list is one
    company's name, so the two words name another company, not the watched one. The next word
    is capitalized and ends the item; it is no given name, company word, product noun, one-word
    ``context`` term (``products``: "Sony PlayStation"), coined product or model code ("Sony
    A7"), and, unless ``everyday``, no everyday word (a unit or product named with the name:
    "Microsoft Research", "Samsung Galaxy"). The veto reason, or ""."""
    m = _NEXT_NAME_WORD.match(text, e)
    if not m:
        return ""
    tok = m.group(1)
    after = text[e:e + 60]
    if (tok in given_names() or tok in products or (not everyday and tok.lower() in english_words())
            or _R_CORP.match(after) or _R_PRODUCT.match(after)):
        return ""
    if re.match(r"[\w'’&-]| [A-Z0-9]", text[m.end():m.end() + 2]):
        return ""  # the item goes on: a longer name ("Sony Ericsson Mobile")
    before = text[max(0, s - 200):s]
    lst = _company_list(before) if before.rstrip().endswith(_LIST_END) else ""
    if lst and not everyday and _PRODUCT_LIST.search(lst):
        lst = ""  # a list of products is named with their makers ("tools like IBM Cognos")
    if not lst:
        k = _L_MAKERS.search(before)
        # the first item only when more items follow: one maker is no list
        if k and (k.group(1) or _MORE_ITEMS.match(text, m.end())):
            lst = f'a list of makers ("{before[k.start():k.start(1)].strip()}")'
    if lst:
        return f'the start of another company\'s name ("{text[s:e]} {tok}", an item of {lst})'
    return ""


# ---------------------------------------------------------------------------- syntax

def _alt(words: str) -> str:
    return "|".join(sorted((w.replace(" ", r"\s+") for w in words.split(",")), key=len, reverse=True))


_ROLE_NOUNS = _alt("CEO,CFO,CTO,COO,chief,chief executive,chairman,chairwoman,president,founder,"
                   "co-founder,cofounder,executive,executives,exec,execs,spokesperson,spokesman,"
                   "spokeswoman,representative,representatives,employee,employees,engineer,engineers,"
                   "researcher,researchers,scientist,scientists,staff,staffers,board,shareholders,"
                   "investors,shares,stock,stocks,earnings,revenue,revenues,profit,profits,sales,results,"
                   "financial results,quarterly,guidance,outlook,market cap,market value,valuation,"
                   "headquarters,HQ,subsidiary,subsidiaries,unit,division,affiliate,affiliates,users,"
                   "customers,account,accounts,app,apps,platform,ads,store,stores,spokespeople,"
                   "executive chairman,board of directors,"
                   # corporate events: "the Target breach", "the Meta layoffs"
                   "breach,data breach,hack,layoffs,lawsuit,lawsuits,boycott,IPO,merger,takeover,"
                   "buyout,outage,recall,recalls,settlement,scandal,antitrust")
_CORPORATE = _alt("Inc,Corp,Corporation,Co,Ltd,Limited,plc,PLC,AG,SA,SE,LLC,GmbH,NV,Group,Holdings,"
                  "Display,Chem,Chemical,Chemicals,Electronics,Energy,Motor,Motors,Telecom,Innovation,"
                  "Steel,Heavy Industries,Industries,Construction,Engineering,Securities,Insurance,"
                  "Bank,Financial,Capital,Card,Life Sciences,Airlines,Air Lines,Airways,Foods,Pharma,"
                  "Pharmaceuticals,Biologics,Biotech,Semiconductor,Technologies,Technology,Systems,"
                  "Networks,Solutions,Entertainment,Media,Studios,Pictures,Retail,Oil,Gas,Petroleum,"
                  "Shipbuilding,Logistics,Hotels,Resorts,Platforms,Research,Labs,Ventures,Brands")
_VERBS = _alt("said,says,announced,announces,reported,reports,unveiled,unveils,launched,launches,"
              "released,releases,introduced,introduces,confirmed,confirms,denied,denies,declined,declines,"
              "acquired,acquires,bought,buys,sold,sells,agreed,agrees,signed,signs,plans,planned,expects,"
              "posted,posts,shipped,ships,invested,invests,hired,hires,fired,cut,cuts,laid off,lays off,"
              "filed,files,sued,sues,told,tells,partnered,partners,teamed,raised,raises,lowered,lowers,"
              "priced,debuted,debuts,rolled out,rolls out,showcased,showcases,revealed,reveals,tested,"
              "apologized,apologizes,claims,claimed,admitted,admits,warned,warns,disclosed,discloses,"
              "paid,pays,owns,operates,supplies,supplied,rejected,rejects,responded,responds,stated,"
              "tweeted,trained,trains,developed,develops,built,builds,designed,designs,employs,employed,"
              "acknowledged,acknowledges,invests,spent,spends,hopes,aims,wants,intends,is set to,"
              # rules 9: what a subject is about to do ("BT looks set to roll out")
              "looks set to,look set to,looked set to,appears set to,seems set to,is poised to,"
              "is preparing to,is due to,"
              "produced,published,issued,"
              "is planning,is expected,was founded,was fined,got fined,faces,faced,rose,fell,jumped,"
              "dropped,gained,climbed,slid,slipped,tumbled,surged,soared,plunged,slumped,rallied,"
              "edged up,edged down,shed")
_ADVERBS = _alt("has,have,had,will,would,also,recently,reportedly,previously,later,then,again,itself,"
                "now,just,first,officially,quietly,finally,already,has now,has also,may,could,said it")
_R_POSS = re.compile(r"^['’]s?(?![\w'’])")
_PLURAL_BEFORE = re.compile(r"(?i:\b(?:two|three|four|five|six|several|many|multiple|both|double|triple|"
                            r"all|no|\d+)\s+)$")
_R_HYPH = re.compile(r"^-(?:owned|backed|funded|made|branded|led|run|built|designed|developed|operated|"
                     r"supported|sponsored|affiliated|certified|compatible|exclusive|powered|hosted|"
                     r"acquired|parent)\b")
# a manner compound ("Notion-based", "Apple-style", "Instagram-worthy"): the name only when the
# capital is the name's, not the sentence's or list item's ("- Box-style lunches")
_R_HYPH_MANNER = re.compile(r"^-(?:style|styled|like|esque|based|inspired|themed|worthy|friendly)\b")
_R_ROLE = re.compile(rf"^\s+(?i:{_ROLE_NOUNS})\b")
_R_CORP = re.compile(rf"^\s+(?:{_CORPORATE})\b\.?")
# more capitalized words ending with a company word that describes a business (not a legal
# form: "Apple Computer Inc" is Apple's own old name): "[United Business] Media"
_LONGER_COMPANY = re.compile(rf"(?: [A-Z][a-z]+){{0,2}} (?:{_alt('Group,Holdings,Media,Entertainment,Studios,Pictures,Technologies,Networks,Systems,Solutions,Ventures,Brands,Capital,Financial,Securities,Insurance,Industries,Logistics,Telecom,Electronics,Motors,Airlines,Airways,Foods,Pharmaceuticals')})(?![\w-])")
_R_VERB = re.compile(rf"^,?\s+(?:(?:{_ADVERBS})\s+){{0,2}}(?:{_VERBS})\b")
# what a product or service does, as a verb after its name ("what Unity does", "Slack lets
# you"): too common after an everyday word to count at a sentence's start, where the
# capital says nothing
_R_VERB_MID = re.compile(r"^,?\s+(?:(?:also|now|just|still|already|even)\s+)?(?:does|did|offers|offered|"
                         r"provides|provided|uses|used|supports|supported|lets|let|allows|allowed|enables|"
                         r"enabled|recommends|integrates|charges|requires|handles|syncs|stores|hosts)\b")
# rules 14: British English gives a company a plural verb ("which Apple have been responsible
# for", "BT are expected to"); a singular thing named by the everyday word takes "has", "is"
_R_PLURAL_VERB = re.compile(r"^\s+(?:have|are|were)\s+(?:been|not|also|now|still|already|long|[a-z]+ed|[a-z]+en)\b")
_COMPANY_NOUNS = ("company|firm|giant|maker|parent|owner|retailer|carrier|airline|automaker|carmaker|"
                  "chipmaker|conglomerate|group|platform|network|operator|manufacturer|provider|startup|"
                  "bank|insurer|brand|supplier|vendor|developer|publisher|studio")
_R_APPOS = re.compile(rf"^,\s+(?:(?:the|a|an|its)\s+(?:[\w-]+\s+){{0,3}}?(?:{_COMPANY_NOUNS})\b|which\s+"
                      r"(?:owns|makes|operates|runs|sells|acquired|bought)\b)")
# a company described by a predicate noun: "Puma is a well-established name in the top 10 shoe
# companies", "Stripe is a payments company"; even at a sentence's start (the predicate says
# what the name is)
_R_COPULA = re.compile(rf"^\s+(?:is|was|has been|remains)\s+(?:a|an|one of the)\s+(?:[\w-]+\s+){{0,3}}?"
                       rf"(?:{_COMPANY_NOUNS}|companies|brands|name)\b")
# (rules 8: any exchange's code before it, "(LON: SHEL)", "(US: XOM)"; the day's move or a
# link after it, "(TGT -2.83%)", "(TGT - Get Report)")
_R_TICKER = re.compile(r"^\s*\((?:(?:NASDAQ|Nasdaq|NYSE|[A-Z]{2,6})\s*:\s*)?"
                       r"(?=[A-Z0-9.]*[A-Z])[A-Z0-9.]{1,6}(?:\s*[-+−]\s?\d+(?:\.\d+)?%|\s+-\s+Get Report)?\)")
# a photo credit (rules 8): the photographer's name and "|" or "/" before the agency ("Jeff
# Chiu | AP", "Benoit Tessier/Reuters"), or "AP Photo/…", "Reuters Photo"
_L_CREDIT = re.compile(r"(?:^|[\s(])[A-Z][a-z]+(?:\s[A-Z][\w'.-]+){1,2}\s?[|/]\s?$")
_R_CREDIT_AFTER = re.compile(r"^\sPhotos?\s?/")
# things a company makes, runs or sells ("Apple devices", "Ford sedan", "Shell stations"): not
# after an everyday-word alias that starts a sentence, whose capital says nothing
_THINGS = _alt("devices,device,products,hardware,software,ecosystem,services,fans,owners,subscribers,"
               "computers,computer,laptops,laptop,phones,phone,smartphones,smartphone,tablets,watches,"
               "watch,TV,TVs,"
               "cars,car,sedan,sedans,SUV,SUVs,truck,trucks,pickup,pickups,vehicle,vehicles,EV,EVs,plant,"
               "plants,factory,factories,facility,facilities,manufacturing,dealership,dealerships,dealer,"
               "dealers,stations,outlets,branches,flights,flight,planes,jets,cards,credit card,debit card,"
               "marketplace,sellers,seller,listings,storefront,reviews,gift card,gift cards,marketing,"
               "advertising,"
               # what a company publishes or a service hosts ("an Adobe survey", "Zoom sessions")
               "survey,surveys,study,studies,report,reports,poll,whitepaper,white paper,documentation,"
               "docs,session,sessions,meeting,meetings,call,calls,webinar,webinars,message,messages,"
               "channel,channels,workspace,workspaces,integration,integrations,subscription,"
               "subscriptions,plan,plans,pricing,login,API,SDK,"
               # rules 19: a messenger's chats ("in the Telegram chat", "a Signal chatroom")
               "chat,chats,chatroom,chatrooms,chat room,chat rooms,group chat,group chats")
_R_THING = re.compile(rf"^\s+(?i:{_THINGS})\b")
# a product or service named with the company's name and a capitalized product noun ("Apple
# TV", "Amazon Prime", "Google Maps", "Meta Business Suite"): counts even at a sentence's
# start and in a spec list's value ("Where to watch: Apple TV")
_PRODUCTS = _alt("Prime,Prime Video,Music,Pay,TV,Video,Store,App Store,Play Store,Cloud,Maps,Books,"
                 "Photos,News,Wallet,Watch,Arcade,Fresh,Echo,Ads,Marketplace,Shopping,Drive,Podcasts,"
                 "Fitness,Card,Pencil,Vision Pro,Web Services,Business Suite,Seller Central,"
                 "Studios,Intelligence,Translate,Assistant,Analytics,Workspace")
_R_PRODUCT = re.compile(rf"^\s+(?:{_PRODUCTS})\+?(?![\w-])")  # (+: "Apple TV+")
# an acronym leading a longer name of two or more capitalized words, in a sentence in lower
# case ("the IBM Cost of a Data Breach Report", "IBM Talent & Transformation provides"): a
# report, unit or product of the company (one word may be a team: "LG Twins"; a Title Case
# heading says nothing)
_R_ACRONYM_NAME = re.compile(r"^ [A-Z][a-z][\w'’-]*(?: (?:(?:&|of|and|for|the|a|an) )*[A-Z][a-z][\w'’-]*)+")
# a price after a store: "on Amazon for $39", "at Target for under $20"
_R_PRICE = re.compile(r"^\s+for\s+(?:just\s+|only\s+|about\s+|around\s+|under\s+|less than\s+)?"
                      r"(?:US|C|A)?[$€£¥₩]\s?\d")
_SENTENCE_START = re.compile(r"(?:^|[.!?:;]\s+|\n)\s*(?:[-*•–]\s*|\d{1,3}[.)]\s*)?$")
_L_TITLE = re.compile(r"\b(?:President|Mr\.|Mrs\.|Ms\.|Dr\.|Sen\.|Senator|Rep\.|Representative|Gov\.|"
                      r"Governor|Vice President|Prime Minister|Minister|Chancellor|Secretary|Judge|"
                      r"Justice|Chairman|Chairwoman|Speaker)\s+$")
# the items of a list before the mention ("at both Barnes & Noble and " Amazon): dropped to
# see the preposition that governs the whole list
_LIST_BEFORE = re.compile(r"(?:(?:both|either)\s+)?(?:[A-Z0-9][\w.&'’+-]*(?:\s+(?:&\s+)?[A-Z0-9][\w.&'’+-]*)*"
                          r"\s*(?:,\s*(?:and\s+|or\s+)?|\s+and\s+|\s+or\s+|\s*&\s+))+$")
_R_TOKEN = re.compile(r"^\s+([A-Za-z][\w+]*)")
# one or two capitalized words, then a model code of letters AND digits ("Core i3", "Watch
# S9"; not "Force 2", a sequel's number)
_R_MODEL = re.compile(r"^ (?:[A-Z][a-z]+ ){1,2}(?=[A-Za-z]*\d)(?=\d*[A-Za-z])[A-Za-z0-9]{2,6}(?![\w-])")

_L_OF = re.compile(r"(?i:\b(?:shares|stock|shareholders|stake|investors?|CEO|chief executive|founder|"
                   r"co-founder|chairman|president|employees?|owner|parent|unit|subsidiary|division|"
                   r"spokes(?:person|man|woman)|executives?)\s+(?:of|in|at|for)\s+)$")
_L_BY = re.compile(r"\b(?:announced|unveiled|reported|confirmed|denied|acquired|owned|bought|made|developed|built|designed|operated|run|backed|funded|"
                   r"sponsored|released|launched|published|created|produced|manufactured|sold|offered|"
                   r"provided|supplied|hosted|deployed|used|adopted|pioneered|invented|patented|"
                   r"championed|featured|recognized|named)\s+by\s+$")
_L_ACCORDING = re.compile(r"\b[Aa]ccording\s+to\s+$")
# rules 16: an industry noun in the plural before one name is its apposition too ("from
# developers Blizzard", "carmakers Ford and GM")
_INDUSTRY_PLURALS = tuple(n[:-1] + "ies" if n.endswith("y") else n + "s" for n in INDUSTRY_NOUNS
                          if not n.endswith(("s", "-up")))
_L_DESCR = re.compile(r"(?i:\b(?:" + "|".join(map(re.escape, INDUSTRY_NOUNS + _INDUSTRY_PLURALS)) + r"|rival|"
                      r"rivals|competitor|competitors|partner|parent|owner|major|behemoth|titan|"
                      r"heavyweight)\s+)$")
_L_AT = re.compile(r"(?<![.!?]\s)(?<!^)\b(?:at|with)\s+$")
_AT_ROLE = re.compile(r"(?i:\b(?:work|works|worked|working|job|jobs|stint|career|role|position|intern|"
                      r"internship|employees?|staff|staffers|engineers?|researchers?|scientists?|"
                      r"executives?|execs?|managers?|directors?|vp|head|leaders?|leadership|folks|people|"
                      r"teams?|overlords|insiders|colleagues|developers|designers|lawyers|officials|boss|"
                      r"hired|joined|left|layoffs|years|decade|former|formerly|ex-\w+|buy|bought|price|"
                      r"deal|deals|sale|available|sold|shop|order|\$[\d.,]+|"
                      # a software or business tie to a product or company ("new integration
                      # with Zoom", "a partnership with Target", "compatible with Slack")
                      r"integrat(?:ion|ions|es|ed|ing|e)|compatib(?:le|ility)|partnerships?|partnered|"
                      r"partnering|collaborat(?:ion|ions|ed|ing)|agreements?|contracts?|tie-ups?|"
                      r"sync(?:s|ed|ing)?)\b)"
                      # (a product's name, "French Press at Amazon": case-sensitive, outside (?i:))
                      r"|\b[A-Z][\w-]*\s+[A-Z0-9][\w-]*\b")
_AT_NOT = re.compile(r"(?i:\b(?:dinner|lunch|brunch|breakfast|meal|meals|drinks|eat|ate|dine|dined|dining|"
                     r"table|reservations?|stay|stayed|night|evening|party|wedding|concert|tonight|"
                     r"restaurant|chef|menu|cuisine|food)\b)")
_L_ON = re.compile(r"(?i:\b(?:buy|buying|bought|order|ordered|shop|shopping|sold|sells?|selling|available|"
                   r"purchased?|listed|find|found|check|view|see|visit|prices?|deals?|posted|posts?|posting|"
                   r"shared|share|tweeted|wrote|published|live|streaming|stream|watch|follow|join|joined|"
                   r"message|messaged|chat|comments?|trending|viral|search|searched|searching|talking|"
                   r"talk|talked|reviews|ratings?|storefront|seller|sellers|cheap|cheaper|cheapest|"
                   r"affordable|bargains?|discount(?:ed)?|coupons?|gift\s+cards?|vouchers?)\b[^.!?]{0,30}"
                   r"\b(?:on|from|via|through|at)\s+|\$\d[\d,.]*\s+(?:on|from|at)\s+)$")
_L_LIST_KEY = re.compile(r"(?i:\b(?:such as|like|including|include[sd]?|e\.g\.,?|among them|notably|"
                         r"from)\s+|:\s*)")
_LIST_NOUN = re.compile(r"(?i:\b(?:companies|firms|brands|clients|customers|organi[sz]ations|partners|"
                        r"retailers|stores|sponsors|giants|players|vendors|employers|carriers|airlines|"
                        r"automakers|carmakers|platforms|providers|names|hyperscalers|competitors|rivals|"
                        r"manufacturers|makers|businesses|corporations|enterprises|tech|labs|hyperscaler|"
                        r"leaders|heavyweights|incumbents|household names|big tech|tools|apps|services|"
                        r"software|integrations)\b)")
_LIST_ITEMS = re.compile(r"^(?:\s*[A-Z0-9][\w.&'’+-]*(?:\s+[A-Z0-9][\w.&'’+-]*)*(?:\s*\([^)]*\))?\s*,?"
                         r"\s*(?:and|or|&)?\s*)*$")

# what a noun glued to a name makes of it (watch.korean): the name in each case
_GLUED_KIND = {**dict.fromkeys(GROUP_NOUNS, "the group"), **dict.fromkeys(SERVICE_NOUNS, "a web service"),
               **dict.fromkeys(MEDIA_NOUNS, "a news outlet"),
               **dict.fromkeys(COUNTRY_NOUNS, "the brand in a country"),
               **{p + x: "the company's site in a city" for p in PLACE_NOUNS for x in ("",) + SITE_NOUNS}}
_K_NOUN = re.compile(r"^\s*(?:측|관계자|대변인|주가|주식|주주|대표|대표이사|회장|부회장|사장|최고경영자|"
                     r"CEO|임원|직원|노조|본사|이사회|실적|매출|영업이익|순이익|공시|자회사|창업자|설립자)")
# rules 15: a division or office of the company after its name, at most one word between
# ("한화 건설부문은", "삼성 DS부문", "카카오 공동체 준법경영실과", "LG 사업본부장"): only a company
# is divided into 부문, 사업부, 본부 or a management office (경영실, 전략실); a person's post
# there (본부장, 부문장) too. Not for a pronoun or determiner ("우리 사업부": our division).
_K_DIVISION = re.compile(r"^\s(?:[가-힣A-Za-z]+\s)?[가-힣A-Za-z]*(?:부문|사업부|본부|경영실|전략실)(?:장)?"
                         r"(?:은|는|이|가|의|과|와|도|에서|에|을|를|으로|로)?(?![가-힣])")
# rules 13: what a company has or makes, after a name written apart and before a particle
# ("인텔 기술을 뛰어 넘으려", "애플 제품의", "KT 서비스가"): a company's attribute, the Korean
# "Intel technology". Not for a Korean common word or group name (현대 기술 "modern
# technology", 우리 제품 "our products", 카카오 제품 "cocoa products": the word modifies the
# noun as well), nor for a loanword the article uses as the word (생산 라인을) or one
# possessed by a noun before it ("세터의 토스 기술": the setter's toss)
_K_ATTRIBUTE = re.compile(r"^\s(?:기술|기술력|제품|제품군|칩|칩셋|반도체|프로세서|공장|서비스|플랫폼|"
                          r"소프트웨어|브랜드|특허|연구소|연구진|엔지니어|경영진|생태계|매장|신제품|"
                          r"차량|차종|신차|모델|스마트폰|노트북|방송)"
                          r"(?:은|는|이|가|을|를|의|과|와|도|에|으로|로|만|처럼)?(?![가-힣])")
# (a noun bare or possessive right before it makes a compound with the word: "생산 라인 기술",
# "세터의 토스 기술"; a country does not: "미국 인텔 기술")
# (rules 14: nor does a verb's or adjective's adnominal of two or more syllables, which modifies
# the name and its noun together: "잠수 가능한 로터스 차량", "새로운 인텔 칩")
_K_BARE_BEFORE = re.compile(r"(?<![가-힣])(?!(?:" + "|".join(COUNTRY_PREFIXES) + r")\s$)"
                            r"(?![가-힣]+(?:한|운|른|된|던|는)\s$)[가-힣]*"
                            r"[^은는이가을를에도와과로서고며면\s\W]\s$")
_K_NAME_PARTICLE = re.compile(r"은|는|이|가|의|과|와|과의|와의|도|에게")
# a Hangul word that is no particle-ended phrase, then the loanword as an object: the word
# ("생산 라인을", "정교한 토스를"), not a name ("삼성전자가 애플을 제치고")
# (a longer Hangul word before the last syllable need not be matched: a search finds either)
_K_WORD_USE = r"[^은는이가의을를에도와과로서고며면\s\W]\s"


# an adjective right before the loanword, whatever its particle ("세터의 정확한 토스가",
# "빠른 토스로", "새로운 라인은"): a name is rarely described by an adjective; the adnominal
# endings -한/-운/-른/-난 of adjectives, not after an object or adverbial particle or a time
# ("2015년", "3일", "10년 전"), where the same ending is a verb's relative clause ("아이폰을
# 출시한 애플은", "2015년 출시한 토스는"), and not the postpositions written like adjectives
# ("이에 대한 애플의 입장", "…에 따른", "다른")
_K_ADJ_USE = (r"(?:^|[^가-힣\s]\s?|[가-힣]*[^을를에로서년월일전후\s]\s)"
              r"(?!(?:대|위|관|의|통|향|인|말)한\s|따른\s|다른\s)"
              r"(?<![가-힣])[가-힣]*(?:한|운|른|난)\s")
# (a particle or punctuation after it: "간편한 토스 앱" is the brand before a noun)
_K_PARTICLE_OR_END = "(?:(?:은|는|이|가|을|를|의|로|으로|과|와|도|만|에)(?![가-힣])|(?=[^\\s가-힣]|$))"


# rules 17: a code of letters and digits right before it names which one ("L8-1 라인",
# "L8-2라인도", "A3 라인"): the common word (a production line), as a name takes no code before
_K_CODE_BEFORE = r"(?<![A-Za-z0-9])[A-Z]{1,3}[0-9]+(?:-[0-9]+)?\s?"


# rules 17: a quoted product name after a loanword name, one noun of its kind at most between
_K_BRAND_OF_QUOTED = re.compile(r"^\s(?:[가-힣]{2,6}\s)?['‘\"“][^'’\"”\n]{1,20}['’\"”]")
# a bare Hangul noun right before (no particle, no number and unit: "2011년 애플" is a date's)
_K_BARE_NOUN_BEFORE = re.compile(r"(?<![0-9])[가-힣]*[가-힣](?<![은는이가의을를에도와과로서고며면])\s$")


# rules 21: a noun of making or of use right before the loanword, glued or one space apart
# ("생산라인", "전용 라인으로", "조립 라인"): the common word it spells (a production line), as a
# company is not produced, assembled or dedicated; read anywhere in the article, like the rest
_K_MAKING_BEFORE = r"(?:생산|제조|조립|양산|전용|공정|증설)\s?"


_K_MAKING_RIGHT_BEFORE = re.compile(r"(?<![가-힣])" + _K_MAKING_BEFORE + "$")


def _loanword_as_word(text: str, word: str) -> bool:
    """Is ``word`` used in ``text`` as the common word it spells: after a modifier and
    before an object particle ("생산 라인을 늘린다", "세터의 정교한 토스를"), after an
    adjective ("세터의 정확한 토스가"), or after a noun of making (rules 21: "생산라인")?"""
    w = re.escape(word)
    return (re.search(_K_WORD_USE + w + "(?:을|를)(?![가-힣])", text) is not None
            or re.search(_K_MAKING_BEFORE + w, text) is not None
            or re.search(_K_CODE_BEFORE + w, text) is not None
            or re.search(_K_ADJ_USE + w + _K_PARTICLE_OR_END, text, re.MULTILINE) is not None)


# a competitor: the name (with a partner or object particle) before a word of competition
# ("…아마존 추격", "아마존과의 격차", "바이두와 경쟁"): only a company or a team is chased
# (rules 8: a challenge to it, "아마존에 도전장", "…에 맞서"; its stronghold, "아마존의 아성"; the
# first of two rivals, "아마존과 이베이를 위협하는"; not "우리의 도전", "우리를 위협", the words)
_K_RIVAL = re.compile(r"^(?:과의|와의|과|와|을|를)?\s?(?:추격|격차|경쟁|견제|맞대결|추월|제치)|^에\s?(?:도전|맞서)|"
                      r"^의\s아성|^(?:과|와)\s[가-힣A-Za-z]+(?:을|를)\s(?:추격|견제|위협|제치)")
# a model code of letters and digits after the name ("엘지 V30", "삼성 S24 울트라")
_K_MODEL = re.compile(r"^\s[A-Z]{1,3}\d{1,4}[A-Za-z+]?(?![A-Za-z0-9])")
# what comes through it: a product, a sale, a service ("KT를 통해 다음달 출시된다")
_K_CHANNEL = re.compile(r"^(?:을|를)\s통해\s(?:(?!다\.)[^\n]){0,30}?(?:출시|판매|공개|제공|서비스|공급|방송|유통|"
                        r"배송|구매|예약|개통)")
# an item of a list of companies: "타깃 등 다른 경쟁사", "구글 등 빅테크 기업"
# (rules 8: or of a company's products, "제네시스 등 신차", "애플 등 브랜드")
# the nouns of companies that the three alternations below share (a list's closing noun, a
# list's companies, a describing noun before the name); each adds its own
_K_COMPANY_NOUNS = "업체|기업|회사|경쟁사|제조사|빅테크"
_K_LIST_OF = re.compile(rf"^\s*등\s+(?:[가-힣]+\s+)?(?:{_K_COMPANY_NOUNS}|경쟁업체|유통업체|브랜드|신차|차종|제품)")
# rules 15: every item of a Korean list closed by 등 and a noun of companies, up to three
# describing words after 등 ("네이버 카카오 등 국내 디지털 플랫폼 기업", "르노 닛산 포드 등 여타
# 완성차업체들도"; the crawl may have dropped the commas): each item is a company. Only nouns of
# companies, not of products ("카카오 버터 등 원료로 만든 제품" is cocoa), and the words after 등
# bare ones ("등 원료로 만든 기업" reads on past a particle)
_K_COMPANY_KINDS = f"{_K_COMPANY_NOUNS}|유통사|통신사|방송사|언론사|증권사|카드사|보험사|금융사|게임사|완성차"
_K_AFTER_KIND = "은|는|이|가|을|를|의|에|과|와|도|로|으로|에서|에게|에는|에도|에서는|에서도|보다|까지|만"
_K_LIST_COMPANIES = re.compile(r"^(?:(?:\s*[,·、/]\s*|\s+)[가-힣A-Za-z0-9&]+){0,4}\s*등\s+"
                               r"(?:[가-힣A-Za-z]+(?<![은는이가을를의로서에])\s+){0,3}"
                               rf"[가-힣]*(?:{_K_COMPANY_KINDS})들?(?:{_K_AFTER_KIND})?(?![가-힣])")
# a describing noun before the name: "유통업체 타깃이", "미국 기업 아마존" (the Korean "retailer Target")
# ... and what a portal or messenger is called ("포털 다음", "포털 '다음'", "메신저 라인"), or a
# noun with the copula's adnominal, an apposition ("포털 서비스인 다음의", "플랫폼인 트위치")
_K_DESCR = re.compile(rf"(?:^|\s)(?:(?:{_K_COMPANY_NOUNS}|유통업체|브랜드|유통사|소매업체|포털|"
                      r"포털사이트|메신저|검색엔진|방송사|방송국|언론사|통신사|신문사|완성차업체|자동차업체)|[가-힣]*(?:업체|기업|회사|브랜드|서비스|플랫폼|포털|앱|메신저)인)"
                      r"\s['‘\"“<《「『〈]?$")
_NATION_PREFIX = "美中日英獨佛韓北"  # 美메타 = "the US company Meta"
# rules 16: one table of the nouns of a company's roles around a name written apart (the Korean
# "parts maker Continental", "a former Kakao planner"), for a name that is no pronoun or
# determiner (우리, 다음 "next": "업체 다음으로" is "after the suppliers"):
# * before it, an industry noun, which Korean compounds with what it describes (간편 송금앱,
#   獨부품사, 게임 개발사, 대기업), so any Hangul may precede it: apps and makers of a kind;
# * after it, where a person's career or a store stands: a former employer's 출신 and the jobs
#   held there (기획자, 개발자, 디자이너, 연구원), an app store of the company (애플 앱스토어, the
#   two written apart), and working there (아마존에서 관련 업무를 담당했다, 구글에서 근무한).
_K_ROLE_BEFORE_NOUNS = "앱|어플|부품사|부품업체|개발사|게임사|제작사|배급사|제조사|완성차업체|업체|기업|대기업|포털"
_K_ROLE_BEFORE = re.compile(rf"(?:^|[\s{_NATION_PREFIX}])[가-힣]*(?:{_K_ROLE_BEFORE_NOUNS})\s['‘\"“]?$")
_K_ROLE_AFTER_NOUNS = "출신|기획자|개발자|디자이너|연구원|앱스토어|플레이스토어|근무|재직|퇴사|입사"
_K_ROLE_AFTER = re.compile(rf"^(?:\s(?:{_K_ROLE_AFTER_NOUNS})(?:{_K_AFTER_KIND}|으로|이자|인|이다|이었다|이며|이고|이라)?(?![가-힣])|"
                           r"에서(?:는|도)?\s(?:[가-힣]+\s)?(?:업무|근무|재직|일했|일한|일하|경력을))")
# (for a pronoun or determiner, only a describing noun of a service: "포털사이트 다음", "메신저 라인")
_K_DESCR_SERVICE = re.compile(r"포털|메신저|검색엔진|서비스|플랫폼|앱")
# a list partner written in a company's form: a Latin acronym glued to Hangul ("LG유플러스",
# "SK텔레콤") or a word ending in a company noun ("삼성전자", "현대카드"): "KT와 LG유플러스는"
_K_COMPANY_FORM = r"(?:[A-Z]{1,4}[가-힣]{2,}|[가-힣]+(?:전자|텔레콤|통신|그룹|은행|증권|카드|생명|화재|건설|화학|제약|중공업|자동차|항공|홀딩스))"
_K_PARTNER_AFTER = re.compile(rf"^(?:과|와|·|,\s?)\s?{_K_COMPANY_FORM}(?:은|는|이|가|의|과|와|도)?(?![가-힣])")
_K_PARTNER_BEFORE = re.compile(rf"(?:^|\s){_K_COMPANY_FORM}(?:과|와|·|,\s?)\s?$")
_K_ACCORD = re.compile(r"^(?:에|에게)?\s*따르면")
# subject / topic particles; 에서 marks an institution as the subject ("메타에서는 반발했다")
_K_SUBJECT = re.compile(r"^(?:측)?(?:은|는|이|가|도|에서는|에서도|에서)(?![가-힣])")
# business acts, as verb stems or (in headlines) nouns
# (rules 20: and sponsoring an event, 후원, 협찬: "카카오가 후원했다")
_K_ACTS = "발표|공개|출시|인수|투자|선보|체결|합병|매각|상장|채용|설립|진출|철수|양산|수주|협력|제휴|소송|반발|후원|협찬"
# (rules 18: and what a seller does with its goods and customers: 공지했, 안내했, 분류했; no
# verb that people or a nation do as well, such as 요구했 or 결정했: "국민이 요구했다")
_K_VERB = re.compile(rf"{_K_ACTS}|내놓|내놨|밝혔|말했|설명했|공시|반박|해명|부인|사과|제소|추진|도입|개발했|공급|"
                     r"공지했|안내했|분류했")
# a headline's "X, …" / "X…" followed by a business noun ("美메타, 새 모델 공개")
_K_HEADLINE = re.compile(rf"^\s*[,…·]\s*[^.!?\n]{{0,40}}?(?:{_K_ACTS}|개발)")
_K_OTHER_SUBJECT = re.compile(r"[가-힣]{2,}(?:이|가)\s")
_SENT_END_KO = re.compile(r"다\.|[.!?]\s|\n")


def _quoted(text: str, start: int) -> bool:
    """Is ``start`` inside a quotation opened earlier in its sentence?"""
    ls = max(text.rfind("\n", 0, start), text.rfind(". ", 0, start), text.rfind("다.", 0, start))
    seg = text[ls + 1:start]
    opened = sum(seg.count(q) for q in "\"“‘「『")
    closed = sum(seg.count(q) for q in "”’」』")
    if "\"" in seg:
        return seg.count("\"") % 2 == 1 or opened - seg.count("\"") > closed
    return opened > closed


# words that make a name in the same sentence a restaurant, bar or shop ("No.77 Meta ...
# blends Eastern and Western cuisines"): company syntax there proves nothing
_VENUE_WORDS = re.compile(r"(?i:\b(?:restaurants?|chefs?|menus?|cuisines?|dishes|dish|dining|diners?|"
                          r"bistro|brasserie|cafe|café|eatery|brunch|dinner|lunch|reservations?|cocktails?|"
                          r"tasting|sommelier|bakery|pub|izakaya|omakase)\b)")


def _sentence(text: str, start: int, end: int) -> str:
    a = max(text.rfind(". ", 0, start), text.rfind("\n", 0, start), start - 300)
    b = [x for x in (text.find(". ", end), text.find("\n", end)) if x != -1]
    return text[max(0, a):min(b + [end + 300])]


def syntax(text: str, c: Cand) -> str:
    """The company syntax around the mention, quoted; "" if none (module docstring)."""
    s, e = c.start, c.end
    found = _syntax(text, c)
    if found and c.amb == EVERYDAY_WORD and _VENUE_WORDS.search(_sentence(text, s, e)):
        return ""  # a restaurant or shop's name, whatever the syntax
    return found


_LIST_END = (",", " and", " or", "&", ":", " as", " like", "including", " include", " includes",
             "e.g.", "notably")
_DESCR_WORDS = frozenset(INDUSTRY_NOUNS + _INDUSTRY_PLURALS + ("rival", "rivals", "competitor", "competitors", "partner",
                                           "parent", "owner", "major", "behemoth", "titan", "heavyweight"))


_PARA_BREAK = re.compile(r"\n[ \t\r]*\n")


def _line_window(text: str, s: int, e: int, width: int) -> tuple[str, str]:
    """Up to ``width`` characters before ``s`` and after ``e``, within the mention's
    paragraph: a blank line ends every pattern (a name that ends one paragraph and the word
    that starts the next are not one name: "Hudson Square" / "Thai"). A single line break
    may be inside a paragraph (link text: "View\\non Amazon")."""
    after = text[e:e + width]
    m = _PARA_BREAK.search(after)
    if m:
        after = after[:m.start()]
    before = text[max(0, s - width):s]
    if "\n" in before:
        last = None
        for last in _PARA_BREAK.finditer(before):
            pass
        if last is not None:
            before = before[last.end():]
    return before, after


def _syntax(text: str, c: Cand) -> str:
    s, e = c.start, c.end
    word = text[s:e]
    # rules 13: the platform of the outlet's own call to follow, subscribe or contact it
    # ("[카카오 친구맺기]", "▶ 네이버메인에 … 설정하기!", "카톡/라인 jebo23": watch.roles);
    # not a pronoun or determiner ("▶ 다음 기사 보기" is "next")
    call = link_call(text, s, e) if c.phrase not in MODIFIER_WORDS else ""
    if call:
        return f'"{call}" (the platform of a call to follow the outlet)'
    before, after = _line_window(text, s, e, WINDOW)
    single = len(c.phrase) == 1
    if not after.isascii() or not before.isascii():  # match the patterns on NFKC forms
        after = unicodedata.normalize("NFKC", after)
        before = unicodedata.normalize("NFKC", before)
        word = unicodedata.normalize("NFKC", word)
        if after[:1] == ")" and _gloss(text, s):  # "비피(BP)가 … 밝혔다": read on after the gloss
            after = after[1:]
        credit = _korean_credit(before, after)
        if credit:
            return f'"{credit[0]}{word}{credit[1]}" (a wire or photo credit)'
        korean = _korean_syntax(text, c, word, after, before)
        if korean:
            return korean
        if is_hangul(word[-1]) or (after[:1] and is_hangul(after[0])):
            return ""  # Korean text: the English patterns do not apply
    # after the mention (each pattern anchored there: cheap)
    m = _R_CREDIT_AFTER.match(after) or _L_CREDIT.search(before, max(0, len(before) - 40))
    if m:  # a photo credit: an agency after its photographer's name, or "AP Photo/…"
        return f'"{m.group(0).strip() + " " + word if m.re is _L_CREDIT else word + m.group(0)}" (a photo credit)'
    for rx in (_R_POSS, _R_HYPH, _R_TICKER):
        m = rx.match(after)
        if m:
            if rx is _R_POSS and single and _PLURAL_BEFORE.search(before, max(0, len(before) - 20)):
                continue  # "two X's": the plural of a letter, not a possessive
            if rx is _R_POSS and m.group(0) in "'’" and word[-1:] not in "sS":
                continue  # a bare apostrophe closes a quotation ("‘Polish Spirit’"), except after -s ("Mars’")
            return f'"{word}{m.group(0)}"'
    # an everyday word's capital says something only in mid-sentence
    mid = not (c.amb == EVERYDAY_WORD and _SENTENCE_START.search(before, max(0, len(before) - 10)))
    m = _R_HYPH_MANNER.match(after)
    if m and mid:
        return f'"{word}{m.group(0)}"'
    if c.person:
        m = _L_TITLE.search(before, max(0, len(before) - 30))
        if m:
            return f'"{m.group(0)}{word}"'
        # a watched person's everyday-word surname, capitalized in mid-sentence and not the
        # start of a longer name ("he supported Trump and", not "Trump Tower")
        if (c.amb == EVERYDAY_WORD and not _SENTENCE_START.search(before, max(0, len(before) - 10))
                and not re.match(r"\s+[A-Z]", after) and re.search(r"[a-z,]\s+$", before[-4:])):
            return f'"…{before[-12:].lstrip()}{word}" (a name in mid-sentence)'
    if not single:
        for rx in (_R_ROLE, _R_VERB, _R_APPOS, _R_COPULA):
            m = rx.match(after)
            if m:
                return f'"{word}{m.group(0)}"'
        found = name_syntax(text, c)
        if found:
            return found
        m = _R_ACRONYM_NAME.match(after) if c.amb == SHORT_ACRONYM else None
        if m and sentence_case(text, s, e):
            return f'"{word}{m.group(0)}" (a longer name led by it)'
        m = _R_THING.match(after) if mid else None
        if m:
            return f'"{word}{m.group(0)}"'
        m = _R_VERB_MID.match(after) if mid and c.amb == EVERYDAY_WORD else None
        if m:
            return f'"{word}{m.group(0)}"'
        m = _R_PLURAL_VERB.match(after) if mid else None
        if m:
            return f'"{word}{m.group(0)}" (a company\'s plural verb)'
    else:
        m = _R_VERB.match(after)
        if m:
            return f'"{word}{m.group(0)}"'
    if c.amb == EVERYDAY_WORD:
        # a short line in sentence case is prose without its full stop ("Integrations with
        # Stripe, Gusto, and other third-party tools"), not a heading
        found = (_names_list(text, c, before, after)
                 if c.pos == "" or c.pos == HEADING and sentence_case(text, s, e) else "")
        if found:
            return found
        if _LONGER_NAME.match(after) and _LOWER_BEFORE.search(before):
            # "according to Box Office Mojo": the words before it govern the longer name
            return ""
    # before the mention: dispatched on the word right before it (or before the list the
    # mention ends: "at both Barnes & Noble and" Amazon)
    stripped = before.rstrip()
    ends_list = stripped.endswith(_LIST_END)
    heads = [before]
    if ends_list:
        lst = _LIST_BEFORE.search(before, max(0, len(before) - 100))
        if lst and lst.start():
            heads.append(before[:lst.start()])
    for b in heads:
        tail = b[-60:]
        words = tail.split()
        if not words:
            continue
        w = words[-1].lower()
        rx = (_L_OF if w in ("of", "in", "at", "for") else _L_BY if w == "by"
              else _L_ACCORDING if w == "to" else _L_DESCR if w in _DESCR_WORDS else None)
        m = rx.search(tail) if rx is not None else None
        if m:
            return f'"{tail[m.start():].lstrip()}{word}"'
        if w in ("on", "from", "via", "through", "at"):
            m = _L_ON.search(tail)
            if m:
                return f'"{tail[m.start():].lstrip()}{word}"'
            if b is before and w in ("on", "from", "at"):
                m = _R_PRICE.match(after)
                if m:
                    return f'"{w} {word}{m.group(0)}" (a store)'
        if w in ("at", "with"):
            m = _L_AT.search(b)
            if m:
                ctx = b[max(0, m.start() - 40):m.start()]
                sent = re.split(r"[.!?]\s", ctx)[-1]
                role = _AT_ROLE.search(sent)
                if role and not _AT_NOT.search(sent):
                    return f'"{b[m.start():]}{word}" after "{role.group(0)}"'
    if ends_list:
        lst = _company_list(before)
        if lst:
            return lst + f' … "{word}"'
    return ""


# a longer capitalized name goes on after the mention ("Box Office Mojo"), in a sentence whose
# words before it are in lower case ("according to"; not a Title Case headline)
_LONGER_NAME = re.compile(r"^ [A-Z][\w'’&-]*")
_LOWER_BEFORE = re.compile(r"(?:^|\s)[a-z][\w'’-]*[,:]?\s+$")
# the neighbours of a mention in a list of names ("email, Slack, Teams, or SMS", "Connect
# with Zoom, Slack, and other tools"): commas (two names joined by "and" may be any two
# things: "tied with Scala and Shell")
_SEP = r"(?:\s*,\s*(?:and\s+|or\s+)?)"
_NEXT_ITEM = re.compile(rf"^{_SEP}([A-Z][\w.&'’+-]*)(?![\w])(?!\s+[A-Z])")
_PREV_ITEMS = re.compile(rf"(?:(?<=\s)|^)(?:[A-Z][\w.&'’+-]*{_SEP})+$")
_LIST_LEAD = re.compile(r"(?:^|\s)([a-z][\w'’-]*),?\s+$")
_LIST_KEYS = frozenset(("like", "as", "including", "include", "includes", "included", "e.g."))


def _names_list(text: str, c: Cand, before: str, after: str) -> str:
    """An everyday word capitalized in mid-sentence as an item of a comma-separated list whose
    neighbouring item is also a capitalized name: a list of names ("email, Slack, Teams, or
    SMS"). The
    list must follow a lower-case word other than an article ("the Alpha, Beta, Delta and
    Omicron variants" are not names of companies), and a list introduced by "like", "such
    as" or "including" must be one of companies or tools ("tools like …"; not "formats like
    Parquet, Iceberg, or Delta"); quoted, "" if none."""
    if not _bare_name(text, c):
        return ""
    prev = _PREV_ITEMS.search(before, max(0, len(before) - 80))
    nxt = _NEXT_ITEM.match(after)
    if not (prev or nxt):
        return ""
    lead_at = prev.start() if prev else len(before)
    lead = _LIST_LEAD.search(before, max(0, lead_at - 30), lead_at)
    if not lead or lead.group(1).lower() in ("the", "a", "an", "these", "those", "its", "their"):
        return ""
    if lead.group(1).lower() in _LIST_KEYS and not _LIST_NOUN.search(before, max(0, lead.start() - 40),
                                                                      lead.start() + 1):
        return ""
    item = prev.group(0).rstrip() if prev else ""
    return f'an item of a list of names ("{item}{" " if item else ""}{text[c.start:c.end]}{nxt.group(0) if nxt else ""}")'


# only names and list separators between two mentions: items of one list
_LIST_BETWEEN = re.compile(r"(?:\s*(?:,|/|&|\band\b|\bor\b)\s*|\s*[A-Z0-9][\w.&'’+-]*)*\s*$")
_COLON = re.compile(r"[:：]")
# only Korean list separators (with names between them) between two mentions
# (rules 14: an item may carry its figure in parentheses, and 나/이나/또는 join items too:
# "포드(2만962대)나 스텔란티스(2만92대)")
_KO_FIGURE = r"(?:\([^()\n]{0,24}\d[^()\n]{0,24}\))?"
_KO_SEP = rf"{_KO_FIGURE}\s*(?:[,·、/]|와|과|및|이나|나|또는)\s*"
_KO_LIST_BETWEEN = re.compile(rf"(?:{_KO_SEP}[^\s,·、/()]+)*{_KO_SEP}$")


# the possessor of the name after it, right before it or before a noun of what a company
# owns (up to two words of description first): a parent ("구글의 유튜브", "카카오의 포털
# 다음", "아마존의 게임 방송 플랫폼 트위치"); not "우리의 경쟁 상대 구글" ("our rival")
_KO_OWNED = "자회사|계열사|손자회사|포털|플랫폼|브랜드|서비스|앱|메신저|법인|사업부|부문"
_KO_PARENT_BETWEEN = re.compile(rf"의\s(?:(?:[가-힣A-Za-z0-9]+\s){{0,2}}(?:{_KO_OWNED})(?:인)?\s"
                                rf"(?:[가-힣A-Za-z0-9]+\s){{0,2}})?['‘\"“<《「『〈]?$")
# a service noun after the name, spaced: a portal's or platform's service ("다음 검색",
# "다음 메일", "카카오 지도"); with another company nearby, no common word
_KO_SERVICE = re.compile(r"\s(?:검색|메일|카페|지도|웹툰|블로그|포털|쇼핑|뉴스|앱|클라우드|플랫폼)")


def _korean_tie(text: str, c: Cand, a: Cand, lo: int, hi: int) -> bool:
    """May the nearby name ``a`` establish the Korean common word ``c`` (우리, 하나, 다음)? Only
    when the two are tied: items of one list ("신한은행·우리"), one the parent of the other
    ("카카오의 포털 다음", "네이버의 자회사인 메신저 서비스 <라인>"), or ``c`` a portal's name
    before one of its services ("카카오는 다음 검색에"): "우리가 놓치고" near "아이패드",
    "다음 경기" near "토스" are the words."""
    if _KO_LIST_BETWEEN.match(text, lo, hi):
        return True
    # the parent of an established name, or owned by one ("네이버의 자회사인 메신저 서비스 <라인>")
    if _KO_PARENT_BETWEEN.match(text, lo, hi) and not _quoted(text, min(c.start, a.start)):
        return True
    m = _KO_SERVICE.match(text, c.end)
    return m is not None and (m.end() == len(text) or not is_hangul(text[m.end()])
                              or particle_follows(text, m.end()))


def _in_value(text: str, c: Cand) -> bool:
    """Is the mention after the colon of its "Label: value" line?"""
    ls, _ = line_span(text, c.start, c.end)
    return bool(_COLON.search(text, ls, c.start))


def name_syntax(text: str, c: Cand) -> str:
    """The mention is part of a company's or a product's name: a company-name word ("LG
    Display"), a capitalized product noun ("Apple TV"), a coined product name that is no
    everyday word ("Apple CarPlay", "Amazon S3"). Quoted; "" if none."""
    if len(c.phrase) == 1:
        return ""
    after = _line_window(text, c.start, c.end, 40)[1]
    word = text[c.start:c.end]
    for rx in (_R_CORP, _R_PRODUCT):
        m = rx.match(after)
        if m:
            return f'"{word}{m.group(0)}"'
    m = _R_MODEL.match(after)
    if m:  # a product line and a model code ("Intel Core i3", "Apple Watch S9")
        return f'"{word}{m.group(0)}" (a model name)'
    m = _R_TOKEN.match(after)
    if m:
        tok = m.group(1)
        if (any(ch.isupper() or ch.isdigit() for ch in tok) and tok.lower() not in english_words()
                and tok not in given_names()):
            return f'"{word}{m.group(0)}" (a product name)'
    return ""


# the dateline or photo credit of Korean wire copy (rules 9): "[AP=연합뉴스 자료사진]",
# "【평창=AP/뉴시스】", "(워싱턴 AP=연합뉴스)": in brackets, a place or agency and "=" before
# the name or "=" / "/" and another agency after it, with Hangul inside
_K_CREDIT_BEFORE = re.compile(r"[\[【〔(]\s*(?:[가-힣]{1,10}(?:\s*=\s*|\s+))?$")
_K_CREDIT_AFTER = re.compile(r"^(?:\s*[=/]\s*[^\]】〕)\n=/]{1,20}){0,2}\s*[\]】〕)]")


def _korean_credit(before: str, after: str) -> tuple[str, str] | None:
    """The bracketed credit around the mention (before, after), or None."""
    b = _K_CREDIT_BEFORE.search(before, max(0, len(before) - 16))
    if not b:
        return None
    a = _K_CREDIT_AFTER.match(after)
    if not a:
        return None
    inside = b.group(0)[1:] + a.group(0)[:-1]
    if "=" not in inside or not any(is_hangul(ch) for ch in inside):
        return None
    return b.group(0), a.group(0)


# a person's title after the name ("트럼프 대통령의", "트럼프 전 대통령"; rules 9): the Korean
# "President Trump", which names the person, not the word or another of the family
_K_TITLE = re.compile(r"^\s(?:전\s|前\s?)?(?:대통령|부통령|당선인|국무장관|장관|총리|수상|주석|국왕|의원|"
                      r"상원의원|하원의원|주지사|위원장|회장|부회장|사장|대표|감독|선수|"
                      # the office a leader heads, named after the person (rules 11: "트럼프
                      # 행정부가", the Trump administration; "트럼프 정부", "트럼프 측은")
                      r"행정부|정부|정권|측)")  # (not 시장, "market")
_MEDIA_APART = frozenset(("통신", "방송", "신문"))


# rules 18: words of a sports report, where a city glued before a sponsor's name is its club
# (not 경기, also "the economy" and a province)
_SPORTS = re.compile(r"승리|패배|꺾|리그|시즌|감독|선수|구단|득점|우승|농구|야구|축구|배구|홈팀|원정")


def _korean_syntax(text: str, c: Cand, word: str, after: str, before: str) -> str:
    """Korean company syntax after a mention (Hangul alias, or a Latin one in Korean text)."""
    if before[-1:] and before[-1] in _NATION_PREFIX:
        return f'"{before[-1]}{word}" (a country prefix)'
    country = country_before(before, len(before)) if word[:1].isascii() else ""
    if country and country not in COUNTRY_PREFIXES and _SPORTS.search(_sentence(text, c.start, c.end)):
        country = ""  # a club is named after its city and sponsor ("창원LG가 서울SK를 꺾었다")
    if country:  # "한국GM": the company's business in a country, as "구글코리아" (rules 10),
        # or its station in a city ("창원KBS", rules 18)
        kind = "country" if country in COUNTRY_PREFIXES else "city"
        return f'"{country}{word}" (a {kind} prefix)'
    if not (is_hangul(word[-1]) or after.lstrip(" ")[:1] and is_hangul(after.lstrip(" ")[0])):
        return ""
    if c.field == "title":
        m = _K_HEADLINE.match(after)
        if m:
            return f'"{word}{m.group(0)}" (a headline)'
    run = re.match("[가-힣]*", after).group(0)  # particle glued to the name ("는", "측은")
    # a pronoun, numeral or determiner (우리, 하나, 다음) before a noun modifies it ("우리 측",
    # "우리측 환영단", "우리 경제"), and as a subject it is "we": neither is a company's syntax
    # (its list partners, describing nouns, competitors and the like below still are)
    modifier = c.phrase in MODIFIER_WORDS
    if run.startswith("측") and not modifier:
        return f'"{word}측"'
    # (a particle first: "메타지만" is "meta, but", not a magazine)
    product = product_follows(after, 0) if run and not particle_follows(after, 0) else ""
    if product in SERVICE_NOUNS and c.phrase in GLUED_MODIFIERS:
        product = ""  # "우리채널", "하나앱" read as "our channel", "one app" (rules 16: not 다음카페)
    if product:  # a product glued to the brand ("삼성페이", "애플워치"), the group ("두산그룹"),
        # a news outlet ("로이터통신") or the brand's business in a country ("구글코리아")
        return f'"{word}{product}" ({_GLUED_KIND.get(product, "a product name")})'
    if after[:1] == " " and c.amb not in _KOREAN_WORDS and product_follows(after, 1) in _MEDIA_APART:
        # the outlet's kind written apart names it too ("AP 통신은", "<에이피>(AP) 통신은"), as
        # glued; not after a Korean common word ("우리 방송은" is "our broadcast")
        return f'"{word} {product_follows(after, 1)}" (a news outlet)'
    if c.person:
        m = _K_TITLE.match(after)
        if m and (m.end() == len(after) or not is_hangul(after[m.end()]) or particle_follows(after, m.end())):
            return f'"{word}{m.group(0)}" (a title after the name)'
    if c.amb == KOREAN_LOANWORD:
        # a loanword is used as the word mostly as an object or inside a phrase (생산 라인을,
        # 세터의 토스를, 제네시스 블록이); as a name it is a subject, a possessor, a partner
        # (애플은, 애플의, 애플과의) or an item of a list of names (레노버·HP·델)
        if _K_NAME_PARTICLE.fullmatch(run) and not c.word_use:
            return f'"{word}{run}" (a name\'s particle)'
        if before.endswith("·") or after.startswith("·"):
            return f'"{word}" in a list of names'
        # rules 17: the maker before a quoted product name, with at most one noun of its kind
        # between (애플 '시리'에서, 애플 무선이어폰 '에어팟'을); not after a bare noun, which
        # makes the loanword the word (생산 라인 'A'를)
        m = _K_BRAND_OF_QUOTED.match(after)
        if m and not _K_BARE_NOUN_BEFORE.search(before):
            return f'"{word}{m.group(0)}" (the maker of a quoted product)'
    m = _K_MODEL.match(after)
    if m:  # a product line's model code after the name ("엘지 V30", "삼성 S24")
        return f'"{word}{m.group(0)}" (a model name)'
    m = _K_CHANNEL.match(after) if c.amb not in _KOREAN_WORDS else None
    if m:  # the carrier or store a product comes through ("KT를 통해 출시된다"; not "우리를 통해")
        return f'"{word}{m.group(0)}" (a channel)'
    for rx, what in ((_K_RIVAL, "a competitor"), (_K_LIST_OF, "a list of companies"),
                     (_K_LIST_COMPANIES, "a list of companies"),
                     (_K_PARTNER_AFTER, "a list partner in a company's form")):
        if rx is not _K_LIST_OF and rx is not _K_PARTNER_AFTER and modifier:
            continue  # "우리와 경쟁하는 나라들": competing with us; "우리 기업 등": our companies
        m = rx.match(after)
        if m:
            return f'"{word}{m.group(0)}" ({what})'
    m = _K_DESCR.search(before) or _K_PARTNER_BEFORE.search(before)
    if m and modifier and m.re is _K_DESCR and not _K_DESCR_SERVICE.search(m.group(0)):
        m = None  # rules 16: "업체 다음으로" is "after the suppliers"; "포털 다음에서" is Daum
    if m:
        return f'"{m.group(0).strip()} {word}" ({"a describing noun" if m.re is _K_DESCR else "a list partner"})'
    if not modifier:
        m = _K_ROLE_BEFORE.search(before[-24:])  # (the noun and a word glued before it)
        if m:
            return f'"{m.group(0).strip()} {word}" (an industry noun before it)'
        m = _K_ROLE_AFTER.match(after)
        if m:
            return f'"{word}{m.group(0)}" (a career or store at the company)'
    rest = after[len(run):]
    if (not run or particle_follows(after, 0)) and not modifier:
        m = _K_NOUN.match(rest)
        if m:
            return f'"{word}{run}{rest[:m.end()]}"'
        # (not for a common noun that names no group: "미래 사업부문" is "the future business
        # division"; 카카오 and 현대, group names too, keep it)
        m = (_K_DIVISION.match(after) if not run and not (
            c.amb in (KOREAN_SHORT_FORM, KOREAN_MARKED) and c.phrase not in korean_groups())
            else None)
        if m:
            return f'"{word}{m.group(0)}" (a division of the company)'
        m = (_K_ATTRIBUTE.match(after) if not run and c.amb not in (KOREAN_SHORT_FORM, KOREAN_MARKED)
             and not c.word_use and len(c.phrase) > 1 and not _K_BARE_BEFORE.search(before) else None)
        if m:
            return f'"{word}{m.group(0)}" (what the company has or makes)'
    m = _K_ACCORD.match(after)
    if m:
        return f'"{word}{m.group(0)}"'
    if _K_SUBJECT.match(after) and not modifier and not _quoted(text, c.start):
        end = _SENT_END_KO.search(after)
        clause = after[:end.end() if end else 100][:100]
        v = _K_VERB.search(clause)
        # the verb's subject must be the name: no other subject ("면적이") in between, and the
        # name not inside what another subject of the sentence reports (below)
        if (v and not _K_OTHER_SUBJECT.search(clause, _K_SUBJECT.match(after).end(), v.start())
                and not _reported_by_another(before, clause, v)):
            return f'"{word}{clause[:v.end()]}…"'
    return ""


# a verb of saying after a quotative ending ("…없다고 말했다", "…라며 밝혔다")
_K_SAY = re.compile(r"밝혔|말했|설명했|반박|해명|부인")
_K_QUOTATIVE = re.compile(r"(?:다|라|냐|자)(?:고|며)\s+$")
# a subject or topic of the sentence before the name ("외교부 대변인은 …"): it is the speaker;
# not a time or place set as the topic ("올해는", "이번에는", "국내에서는")
_K_SPEAKER_BEFORE = re.compile(r"(?<![가-힣])(?!(?:올해|지난해|내년|작년|이번|오늘|어제|현재|최근|당시|지금|이날|"
                               r"그날|그동안)[은는이가]\s)[가-힣]+(?<!에)(?<!에서)[은는이가]\s")


def _reported_by_another(before: str, clause: str, verb: re.Match) -> bool:
    """Is the verb found after the name a verb of saying, after a quotative ending, in a
    sentence with a subject before the name? Then the name is inside the reported words
    ("대변인은 대만 문제는 하나도 양보할 수 없다고 말했다": 하나도 "not one bit"; "관계자는
    메타가 … 것이라고 말했다"), and the speaker is that subject, not the name."""
    if not (_K_SAY.match(clause, verb.start()) and _K_QUOTATIVE.search(clause, 0, verb.start())):
        return False
    sentence = re.split(r"다\.\s*|[.!?]\s+|\n", before)[-1]
    return _K_SPEAKER_BEFORE.search(sentence) is not None


def _company_list(before: str) -> str:
    sent = re.split(r"[.!?;]\s|\n", before)[-1]
    for m in reversed(list(_L_LIST_KEY.finditer(sent))):
        if not _LIST_ITEMS.match(sent[m.end():]):
            continue
        lead = sent[max(0, m.start() - 40):m.start()]
        noun = _LIST_NOUN.search(lead)
        if noun:
            return f'a list of {noun.group(0)} ("{sent[noun.start() + max(0, m.start() - 40):m.end()].strip()}")'
        return ""
    return ""


def _word_acronym(phrase: str) -> bool:
    """Three capital letters that spell no English word ("BBC", "CNN"; not "UPS")."""
    return len(phrase) == 3 and phrase.isalpha() and phrase.lower() not in english_words()


# ---------------------------------------------------------------------- bare names

# "the" + acronym + a lower-case noun ("the ABC top brass", "the NBA finals"): the acronym is
# a modifier whose organization the reader is assumed to know, and many share three letters
# (the Australian ABC): that says nothing of which one; "a lush BBC adaptation", "the CNN"
# still count, and so does "the CNN to Condé Nast" (a function word after it)
_THE_ACRONYM_NOUN = re.compile(r"(?:^|\s)[Tt]he [A-Z]{3} (?!(?:to|and|or|of|in|on|at|for|with|from|by|as|is|was|"
                               r"has|had|said|says|that|which|who)\b)[a-z]")
BARE_NAMES = 2  # mentions used as a bare name in mid-sentence that establish the entity
_BARE_BEFORE = re.compile(r"(?:^|[\s(\"“'‘])(\S+)\s+$")
# words after which a bare capitalized name reads as a place or a destination: repeating
# such a name ("a mission to Mars", "sleep through the cruise to Mars") proves no company
_PLACE_BEFORE = frozenset(("to", "on", "onto", "into", "toward", "towards", "around", "orbit", "orbiting",
                           "explore", "exploring", "explored", "reach", "reached", "reaching", "visit",
                           "visited", "visiting", "land", "landed", "landing", "colonize"))


def _bare_name(text: str, c: Cand) -> bool:
    """Capitalized in mid-sentence, after a lower-case word or a comma (not after "the",
    "a", "an" or a capitalized word), and not followed by a capitalized word."""
    s, e = c.start, c.end
    before = text[max(0, s - 30):s]
    m = _BARE_BEFORE.search(before)
    if not m:
        return False
    prev = m.group(1)
    if prev.lower() in ("the", "a", "an") or not (prev[-1] == "," or prev.isalpha() and prev.islower()):
        return False
    if prev in _PLACE_BEFORE:
        return False  # "a mission to Mars", "explore Mars", "boots on Mars": a place, not a company
    nxt = text[e:e + 3]
    if nxt[:1] == " " and nxt[1:2].isupper():
        return False
    return not _VENUE_WORDS.search(_sentence(text, s, e))


# ------------------------------------------------------------------------- compounds

HANGUL_SYLLABLE = re.compile("[\uac00-\ud7a3]")

def compounds(title: str, text: str, word: str, own: frozenset[str]) -> list[str]:
    """Words that start with ``word`` glued to more Hangul that is not a particle ("현대" ->
    "현대백화점", "LG" -> "LG디스플레이"), other than the entity's own names ``own``, that the
    article uses as a company's name (``_as_company``: "메타버스 사업의" is a common word)."""
    out: list[str] = []
    for t in (title, text):
        i = t.find(word)
        while i != -1:
            j = i + len(word)
            if (j < len(t) and is_hangul(t[j]) and not (i and is_hangul(t[i - 1]))
                    and not particle_follows(t, j) and not product_follows(t, j)):
                k = j
                while k < len(t) and is_hangul(t[k]):
                    k += 1
                w = t[i:k]
                if (not any(w.startswith(o) for o in own if len(o) > len(word)) and w not in out
                        and _as_company(t, i, k, word)):
                    out.append(w)
            i = t.find(word, j)
    return out


def _as_company(t: str, i: int, k: int, word: str) -> bool:
    """Is the compound ``t[i:k]`` (``word`` glued to more Hangul) used as a company's name? A
    Latin acronym glued to Hangul always is (LG디스플레이, SK하이닉스); a Hangul compound when
    it is a subject or topic (현대백화점은, 우리카드가), before a business noun (현대백화점 측,
    우리카드 관계자) or leads a headline or line (현대백화점, …): a common word made with the
    short form (메타버스 사업의, 현대인의, 하나씩) names no company the bare form could be."""
    if not is_hangul(word[-1]):
        return True
    w = t[i:k]
    if w[-1] in "은는이가" and len(w) >= len(word) + 2:
        return True
    rest = t[k:k + 12]
    return bool(_K_NOUN.match(rest)) or rest[:1] in (",", "…") and (i == 0 or t[i - 1] == "\n")


# --------------------------------------------------------------------------- decide

# a longer name defined with its initials right after it: " Tokyo Financial Group (MTFG)"
_CORP_END = re.compile(rf"\b(?:{_CORPORATE})$")
_DEFINED_AFTER = re.compile(r"((?: (?:[A-Z][\w&'’-]*|of|and|&)){1,6}) \(([A-Z]{3,8})\)")


def defined_after(text: str, start: int, end: int) -> str:
    """The longer name, with its initials, that the mention text[start:end] starts ("Mitsubishi
    Tokyo Financial Group (MTFG)"), when every initial is a capitalized word's; "" if none."""
    if text[end:end + 1] != " ":
        return ""  # (the usual case, decided without a regex)
    m = _DEFINED_AFTER.match(text, end)
    if not m:
        return ""
    words = [w for w in (text[start:end] + m.group(1)).split() if w[0].isupper()]
    if len(words) < 3 or "".join(w[0] for w in words) != m.group(2):
        return ""
    # a company's name: it ends with a company word ("… Financial Group"), and the word after
    # the alias is none ("Tokyo"): with one right after it, it is the alias's company ("Toyota
    # Motor Corporation (TMC)"); without one at the end, its unit or product ("Amazon Web
    # Services (AWS)", "Google Cloud Platform (GCP)")
    if _R_CORP.match(text[end:end + 40]) or not _CORP_END.search(m.group(1)):
        return ""
    return text[start:m.end()]


# the nickname of a Korean sports team after its owner's group name, glued or apart: an English
# plural in Hangul (한화 이글스, 롯데 자이언츠, 삼성라이온즈, LG 트윈스, KIA 타이거즈), not a company word
# that ends the same way (홀딩스, 시스템즈, 파트너스, 서비스, 뉴스)
_TEAM_AFTER = r"\s?([가-힣]{1,4}(?:스|즈|츠))(?:은|는|이|가|의|을|를|에|에게|와|과|도|전)?(?![가-힣])"
_NOT_TEAMS = frozenset(w for ws in COMPANY_WORDS.values() for w in ws) | frozenset((
    "파트너스", "솔루션스", "인베스트먼츠", "커뮤니케이션즈", "인더스트리즈", "서비스", "뉴스", "비즈",
    "케미칼스", "에너지스", "플러스",
    # rules 21: a material or a maker's business written like a team's plural (포스코 스테인리스 강재)
    "스테인리스", "세라믹스", "일렉트로닉스"))


def team_named(fields: dict[str, str], name: str) -> bool:
    """Does the article name a sports team with the group name ``name`` (rules 15)?"""
    rx = re.compile(re.escape(name) + _TEAM_AFTER)
    return any(m.group(1) not in _NOT_TEAMS for t in fields.values() if name in t for m in rx.finditer(t))


def _reject_entities(cands: list[Cand], out: dict[int, str]) -> tuple[list[Cand], list[Cand]]:
    """(kept, rejected): every mention of the entities of ``out``, with its reason."""
    if not out:
        return cands, []
    rejected = [c for c in cands if c.entity in out]
    for c in rejected:
        c.reason = out[c.entity]
    return [c for c in cands if c.entity not in out], rejected


def _named_elsewhere(cands: list[Cand], fields: dict[str, str]) -> tuple[list[Cand], list[Cand]]:
    """(kept, rejected): rules 10, the English side of "another company starting with the same
    short form". A one-word alias that starts another organisation's name which the article
    defines with its initials ("Mitsubishi Tokyo Financial Group (MTFG)", for Mitsubishi
    Motors) names that organisation, in that place and bare elsewhere ("a deal with
    Mitsubishi"), when the article names the entity by no other alias: the matcher would have
    taken the entity's own longer alias ("Mitsubishi Motors (MMC)") as that. For every alias,
    ambiguous or not; each initial must be a word's, so a mere abbreviation does not count."""
    ents = {c.entity for c in cands
            if not c.short and not c.topic and c.phrase.isascii() and c.phrase.isalpha() and " " not in c.phrase}
    if not ents:
        return cands, []
    out: dict[int, str] = {}
    for ent in ents:
        own = [c for c in cands if c.entity == ent and not c.topic]
        if len({c.phrase for c in own}) > 1:
            continue  # the article also names the entity otherwise
        for c in own:
            found = defined_after(fields[c.field], c.start, c.end)
            if found:
                out[ent] = (f'the article names another organisation starting with "{c.phrase}" '
                            f'("{found}") and the entity by no other name')
                break
    return _reject_entities(cands, out)


def _titled_person(cands: list[Cand], fields: dict[str, str]) -> tuple[list[Cand], list[Cand]]:
    """(kept, rejected): rules 12, a person who bears an unambiguous one-word alias as a
    surname ("usability guru Dr Jakob Nielsen … said Dr Nielsen", for the ratings company
    Nielsen). When the article writes the alias after a personal title and names the entity
    by no other alias, every mention is the person's, unless ``OWN_SYNTAX`` of the others name
    a company by their own syntax (as rules 11's initials). Ambiguous aliases read the same
    title in ``veto`` and spread it through ``decide``."""
    titled: dict[int, str] = {}
    for c in cands:
        if (c.amb is None and not c.person and not c.short and not c.topic and c.entity not in titled
                and " " not in c.phrase):
            found = title_before(fields[c.field], c.start, c.end)
            if found:
                titled[c.entity] = found
    out: dict[int, str] = {}
    for ent, found in titled.items():
        own = [c for c in cands if c.entity == ent and not c.topic]
        if len({c.phrase for c in own}) > 1:
            continue  # the article also names the entity otherwise
        for c in own:
            c.pos = position(fields[c.field], c.start, c.end, c.field == "title")
        if _own_syntax(fields, [c for c in own if not title_before(fields[c.field], c.start, c.end)]) < OWN_SYNTAX:
            out[ent] = f'a person\'s surname in this article ("{found}")'
    return _reject_entities(cands, out)


# how many of an acronym's mentions must name a company by their own syntax for one reading
# of it as a person's initials not to spread to the whole article (rules 11)
OWN_SYNTAX = 3


def _own_syntax(fields: dict[str, str], cs: list[Cand]) -> int:
    """How many of the mentions ``cs`` (positions known) have company syntax in prose."""
    return sum(1 for c in cs if not c.veto and c.pos not in STRICT and syntax(fields[c.field], c))


# rules 14: industry words that make a company's name with the word before them ("Universal
# Electronics", "Sony Pictures", "Delta Air Lines" aside): with a watched name that is not one of
# the entity's own aliases, another company (a remote-control maker, not Universal Pictures; a
# subsidiary named on its own, not its group: the labels' convention). Legal forms (Inc, Corp,
# Group, Holdings) and product nouns (Music, TV) are not among them: "Fox Corp", "Apple Music"
# are the company's own.
_INDUSTRY_WORD = re.compile(r" (Electronics|Motors?|Airlines|Airways|Pictures|Studios|Technolog(?:y|ies)|"
                            r"Systems|Networks|Industries|Pharmaceuticals|Semiconductors?|Chemicals?|Steel|"
                            r"Foods|Bank|Insurance|Securities|Entertainment|Records|Energy)(?![\w-])")


def other_company(text: str, c: Cand, own: frozenset[str]) -> str:
    """The other company's name the mention starts ("Universal Electronics"), when the watched
    name and an industry word after it are not one of the entity's own aliases (in any number:
    "Hyundai Motors" is "Hyundai Motor"); "" otherwise."""
    m = _INDUSTRY_WORD.match(text, c.end)
    if not m and c.phrase.isascii() and text[c.start:c.start + 1].isupper():
        return _other_company_korean(text, c, own)
    if not m or not text[c.start:c.end][:1].isupper():
        return ""
    word = m.group(1)
    stems = {word, word[:-1] if word.endswith("s") else word + "s"}
    # (spaces aside: "Delta Airlines" is "Delta Air Lines")
    forms = {fold(f"{c.phrase}{w}").replace(" ", "") for w in stems}
    if any(o.replace(" ", "") in forms for o in own):
        return ""
    return f'another company named with an industry word ("{text[c.start:m.end()]}")'


def _other_company_korean(text: str, c: Cand, own: frozenset[str]) -> str:
    """Rules 17, the Korean side of other_company: a Latin name before Hangul industry words
    (SCG 케미칼 트레이딩) is another company's when the words go on past the entity's own alias
    (SCG케미칼, spaces aside) or spell none of it."""
    words = company_words_after(text, c.end)
    if not words:
        return ""
    bare = {fold(o).replace(" ", "") for o in own}
    name = fold(c.phrase).replace(" ", "")
    longest = 0  # how many of the words the entity's own aliases take
    for i in range(1, len(words) + 1):
        if name + "".join(words[:i]) in bare:
            longest = i
    if longest == len(words):
        return ""
    return f'another company named with an industry word ("{c.phrase} {" ".join(words)}")'


# a name goes on after the mention: it is inside a product's name ("Floodlight Cam Wired Pro"),
# not the end of a company's ("Twentieth Century Fox is")
_NAME_GOES_ON = re.compile(r" [A-Z0-9]")


def _proper_name_end(why: str) -> bool:
    """Is the veto ``why`` the end of a longer proper name of three or more capitalized words
    ("Twentieth Century Fox")? A shorter or looser one ("Style Box", "Most of the Amazon") is
    too often a phrase for its bare mentions elsewhere to be read as short for it."""
    m = re.match(r'the end of a longer name \("([^"]+)"\)', why)
    return bool(m) and len(m.group(1).split()) >= 3 and all(w[:1].isupper() for w in m.group(1).split())


# rules 21: a Latin acronym in parentheses right after a Hangul word (제너럴모터스(GM), 시장
# 점유율(MS)) abbreviates that word: the entity when the word is the Hangul spelling of one of its
# names (a loanword spelling of General Motors, or an alias), another thing when it is not (a
# Korean common noun: market share)
_K_GLOSSED = re.compile(r"(?<![A-Za-z0-9가-힣])([가-힣]{2,})\($")


def glossed_by(text: str, c: Cand, own: frozenset[str]) -> str:
    """Rules 21: "entity" when the acronym ``c`` stands in parentheses right after the Hangul
    spelling of one of the entity's names (``own``), "other" when after another Hangul word,
    "" when it is not written so."""
    if c.amb != SHORT_ACRONYM or text[c.end:c.end + 1] != ")" or text[c.start - 1:c.start] != "(":
        return ""
    m = _K_GLOSSED.search(text, max(0, c.start - 30), c.start)
    if not m:
        return ""
    word = m.group(1)
    # (a country glued before the name is the company there: 한국지엠(GM), as 한국GM is)
    words = (word,) + tuple(word[len(p):] for p in COUNTRY_PREFIXES if word.startswith(p) and len(word) > len(p))
    return "entity" if any(w in own or any(spells(w, n.replace(" ", "")) for n in own if n.isascii())
                           for w in words) else "other"


def decide(cands: list[Cand], fields: dict[str, str], context: dict[int, str],
           own_names: list[frozenset[str]], names: list[str],
           products: frozenset[str] = frozenset(),
           in_fixed: set[tuple[int, str]] | frozenset = frozenset()) -> tuple[list[Cand], list[Cand]]:
    """(accepted, rejected) candidates of one article; see the module docstring.

    ``fields``: original title and text; ``context``: entity -> the first context term
    found; ``own_names``: per entity, every alias/context spelling (for compounds);
    ``names``: display labels of the entities (for notes)."""
    cands, elsewhere = _named_elsewhere(cands, fields)
    cands, titled = _titled_person(cands, fields)
    elsewhere += titled
    amb = [c for c in cands if c.amb is not None]
    if not amb:
        return cands, elsewhere
    established: dict[int, str] = {}
    for c in cands:
        if c.amb is None and not c.short and not c.topic and c.entity not in established:
            established[c.entity] = f'alias "{c.phrase}"'
    for ent, term in context.items():
        established.setdefault(ent, f'context "{term}"')
    for c in amb:
        # the group noun glued to the name names the group itself (두산그룹은): as good as an
        # unambiguous alias, also beside an affiliate named with the short form (두산에너빌리티)
        t = fields[c.field]
        if c.entity not in established and t[c.end:c.end + 1] == "그" and product_follows(t, c.end) in GROUP_NOUNS:
            established[c.entity] = f'"{t[c.start:c.end]}그룹" (the group)'
        # rules 17: a listed company's stock code right after the name (두산(000150)) says
        # it is the company, also in a disclosure list that reads as a table row
        elif c.entity not in established and stock_code_follows(t, c.end):
            established[c.entity] = f'"{t[c.start:c.end]}{t[c.end:t.index(")", c.end) + 1]}" (a stock code)'
        elif c.entity not in established and glossed_by(t, c, own_names[c.entity]) == "entity":
            established[c.entity] = f'"{t[c.start:c.end]}" in parentheses after its Hangul name'
    teams: set[str] = set()  # group names the article gives a sports team (한화 이글스)
    for c in amb:
        # rules 15: the group's own name, for an entity that is the group (한화 for Hanwha Group),
        # is the group unless the article names a sports team with it (한화 이글스)
        if c.amb == KOREAN_GROUP and c.entity not in established:
            if c.phrase in teams or team_named(fields, c.phrase):
                teams.add(c.phrase)
            else:
                established[c.entity] = f'"{c.phrase}", the name of the group the entity is'
    surname: set[str] = set()
    blocked: dict[int, str] = {}
    article = "\n\n".join(t for t in fields.values() if t)
    # two-letter initials before a capitalized word ("CJ DeBose") are a weaker reading than a
    # given name or a definition: they spread to the article only when the alias's other
    # mentions do not name a company by their own syntax (rules 11: "BT Communicator" beside
    # "BT's software", "BT has launched", "BT wants"); so does a surname after a personal
    # title (rules 12: "Dr Jakob Nielsen … Dr Nielsen" makes the article's bare "Nielsen" his)
    initials: set[str] = set()
    for c in amb:
        c.veto = veto(fields[c.field], c, products, article) or other_company(fields[c.field], c, own_names[c.entity]) or (
            "the acronym of the Korean word before it" if glossed_by(fields[c.field], c, own_names[c.entity]) == "other"
            else "")
        if (c.veto.startswith("another company named with an industry word")
                or _proper_name_end(c.veto) and not _NAME_GOES_ON.match(fields[c.field], c.end)):
            # rules 14: the article's bare mentions are short for that name ("Twentieth
            # Century Fox … If Fox decided"), unless enough of them name a company by their own
            # syntax; an unambiguous alias or a context term still establishes the entity
            initials.add(c.phrase)
        elif c.veto.startswith((f'part of a person\'s name ("{fields[c.field][c.start:c.end]} ',
                              "a surname after a title")):
            initials.add(c.phrase)
        elif c.veto.startswith(("part of a person", "the initials of", "a placeholder")):
            surname.add(c.phrase)
    hangul: list[bool] = []

    def has_hangul() -> bool:  # (compounds need Hangul after the name: once per article)
        if not hangul:
            hangul.append(any(HANGUL_SYLLABLE.search(t) for t in fields.values()))
        return hangul[0]

    # the rest only for entities that nothing has established yet (the expensive part:
    # an established entity's mentions all count, noting what established it)
    open_ = [c for c in amb if c.entity not in established]
    scanned: set[tuple[int, str]] = set()  # compounds() reads the whole article: once per name
    as_word: dict[str, bool] = {}  # a loanword alias used as the word anywhere in the article
    for c in open_:
        if c.amb == KOREAN_LOANWORD:
            if c.phrase not in as_word:
                as_word[c.phrase] = any(_loanword_as_word(t, c.phrase) for t in fields.values() if t)
            c.word_use = as_word[c.phrase]
        c.pos = position(fields[c.field], c.start, c.end, c.field == "title")
        if (c.entity not in blocked and (c.entity, c.phrase) not in scanned
                and (c.phrase.isupper() or is_hangul(c.phrase[-1])) and has_hangul()):
            scanned.add((c.entity, c.phrase))
            found = compounds(fields.get("title", ""), fields.get("text", ""), c.phrase, own_names[c.entity])
            if found:
                blocked[c.entity] = (f'the article names another company starting with "{c.phrase}" '
                                     f'("{found[0]}")')
    for ph in initials - surname:
        if _own_syntax(fields, [c for c in open_ if c.phrase == ph]) < OWN_SYNTAX:
            surname.add(ph)
    for c in open_:
        if (c.pos == SPEC and not c.veto and c.entity not in established and c.entity not in blocked
                and _in_value(fields[c.field], c)):
            # the value of "Label: value" may be a product's name ("Where to watch: Apple TV")
            c.syntax = name_syntax(fields[c.field], c)
            if c.syntax:
                established[c.entity] = f"company syntax {c.syntax}"
        if (c.veto or c.pos in STRICT or c.entity in established or c.entity in blocked
                or (c.phrase in surname and not c.person)):
            continue
        c.syntax = syntax(fields[c.field], c)
        if c.syntax:
            established[c.entity] = f"company syntax {c.syntax}"
    # rules 19: a Korean headline opening on the name and a comma, then its Hangul predicate
    # ("E1, 세무조사로 추징금 384억 부과받아", "[단독] KT, 요금제 개편"): the headline's subject, as
    # Korean headlines name the company they are about (a list goes on with another name; not
    # when the article names a sports team with it: the team's win)
    for c in open_:
        if (c.amb == SHORT_ACRONYM and c.field == "title" and c.entity not in established
                and c.entity not in blocked and not c.veto and _HEADLINE_TOPIC.match(fields["title"], c.end)
                and _HEADLINE_OPENING.fullmatch(fields["title"], 0, c.start)
                and not team_named(fields, c.phrase)):  # ("LG, 한국시리즈 우승" beside "LG 트윈스")
            established[c.entity] = f'"{c.phrase}," opening a Korean headline'
    # a three-letter acronym that is no word, in a sentence of prose, not defined there as
    # the initials of something else ("a lush BBC adaptation", "the CNN"): it is rarely
    # anything but the name, while two letters are initials, sizes or codes ("LG", "HP")
    for c in open_:
        if (c.amb == SHORT_ACRONYM and c.entity not in established and c.entity not in blocked
                and not c.veto and not c.pos and c.phrase not in surname and _word_acronym(c.phrase)
                and not is_hangul(fields[c.field][c.end:c.end + 1])
                and not _THE_ACRONYM_NOUN.search(fields[c.field], max(0, c.start - 5), c.end + 12)):
            established[c.entity] = f'"{c.phrase}", a three-letter acronym that is no word, in prose'
    # an everyday word used again and again as a bare name in prose: capitalized inside a
    # sentence, with no article before it ("the Amazon" is the river) and not part of a
    # longer name ("Delta Lake", "Big Apple")
    named: dict[int, list[Cand]] = {}
    for c in open_:
        if (c.amb == EVERYDAY_WORD and c.entity not in established and c.entity not in blocked
                and not c.veto and not c.pos and c.phrase not in surname
                and (c.entity, c.phrase) not in in_fixed and _bare_name(fields[c.field], c)):
            named.setdefault(c.entity, []).append(c)
    for ent, cs in named.items():
        if len(cs) >= BARE_NAMES:
            established[ent] = f'"{cs[0].phrase}" used {len(cs)} times as a name in mid-sentence'
    # names nearby: established entities' and topics' mentions in prose establish others
    for _ in range(3):
        anchors = [c for c in cands if (c.topic or c.entity in established) and not c.veto
                   and c.pos not in STRICT and not c.short]
        grew = False
        for c in amb:
            if (c.entity in established or c.entity in blocked or c.veto or c.pos not in ("", HEADING)
                    or (c.phrase in surname and not c.person) or (c.entity, c.phrase) in in_fixed):
                continue
            text = fields[c.field]
            for a in anchors:
                if a.entity == c.entity or a.field != c.field:
                    continue
                lo, hi = (a.end, c.start) if a.end <= c.start else (c.end, a.start)
                # on a heading-like line only as items of one list ("Cards (Visa, Mastercard)");
                # a Korean short form that is a common word (우리 "we") only as an item of a
                # list, in any line ("신한·우리·하나", "LG와 우리"): a particle after it
                # ("우리가 놓치고") is the word's, and says nothing of a company
                if (hi - lo <= NEAR and "\n" not in text[lo:hi]
                        and (not c.pos or _LIST_BETWEEN.match(text, lo, hi))
                        and (c.amb not in _KOREAN_WORDS or _korean_tie(text, c, a, lo, hi))):
                    what = "topic" if a.topic else "entity"
                    established[c.entity] = f'{what} "{text[a.start:a.end]}" ({names[a.entity]}) nearby'
                    grew = True
                    break
        if not grew:
            break
    accepted: list[Cand] = []
    rejected: list[Cand] = []
    for c in cands:
        if c.amb is None:
            accepted.append(c)
            continue
        if c.veto:
            c.reason = c.veto
        elif c.entity in established:
            c.note = (f"ambiguous alias ({c.amb}); corroborated by "
                      + (f"company syntax {c.syntax}" if c.syntax else established[c.entity]))
            accepted.append(c)
            continue
        elif c.phrase in surname and not c.person:
            c.reason = (f'"{c.phrase}" names someone or something else in this article (a person\'s '
                        f"surname, the initials of another name, a placeholder letter, or short for another "
                        f"company's longer name)")
        elif c.pos in STRICT:
            c.reason = _WEAK_REASON[c.pos] + ", and nothing else in the article names the entity"
        elif c.entity in blocked:
            c.reason = blocked[c.entity]
        else:
            c.reason = ("no corroboration: no unambiguous alias or context term of the entity, no "
                        "company syntax around it, no other watchlist name nearby")
            if c.phrase in teams:
                c.reason += f'; the article names a sports team with "{c.phrase}"'

        c.reason = f"ambiguous alias ({c.amb}): {c.reason}"
        rejected.append(c)
    rejected.extend(elsewhere)
    # short names need an accepted full alias of their entity
    with_alias = {c.entity for c in accepted if not c.short}
    keep: list[Cand] = []
    for c in accepted:
        if c.short and c.entity not in with_alias:
            c.reason = "short name without an accepted full alias of the entity"
            rejected.append(c)
        else:
            keep.append(c)
    return keep, rejected
