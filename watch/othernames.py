"""Rules 12: a watched name read as part of a person's or another organisation's name.

* a personal title right before the name, with or without a given name between them ("Dr
  Jakob Nielsen", "Dr Nielsen", "Sir Alan Sugar", "Prof. Ford"): the name is a surname.
  British style writes the title without a full stop, so both are read; a Korean title
  after a Hangul name ("애플 박사", "오라클 씨") is the same reading (rules 20: not after a
  Korean full name, "김철수 애플 박사": there it is the person's affiliation). The caller spreads this
  reading to the article's other bare mentions as it does a given name's;
* a capitalized name inside the name of another organisation written out as a kind of body
  "for" or "of" something ("the Centre for Vision, Speech and Signal Processing", "the
  Institute of Target Studies"): the run of capitalized words after "Centre for" is that
  body's name, so an everyday word in it is not the company.

Neither uses a list of people or of institutions: the titles and the kinds of body are
closed classes of English (and Korean) words; the rest is the shape of the words.
"""
from __future__ import annotations

import re

# personal titles (British style writes them without a stop: "Dr Nielsen", "Mr Smith")
_TITLES = r"(?:Dr|Mr|Mrs|Ms|Mx|Prof|Professor|Sir|Dame|Lord|Lady|Rev|Revd|Fr|Sr|Jr)"
# the title, then at most one capitalized given name (any: "Jakob" need not be a common one)
_TITLE_BEFORE = re.compile(rf"(?:^|(?<=[\s\"“(]))({_TITLES}\.? (?:[A-Z][a-z]+(?:-[A-Z][a-z]+)? )?)$")
# Korean titles after a name: 씨 (Mr/Ms), 박사 (Dr), 교수 (Prof), 선생 ("teacher", a title)
_KO_TITLE_AFTER = re.compile(r"\s?(?:씨|박사|교수|선생님?|여사)(?:은|는|이|가|의|을|를|와|과|도|에게)?(?![가-힣])")
# rules 20: Korean names a person as full name, affiliation, title ("강형구 한양대 교수는", "김갑래
# 자본시장연구원 박사는"): a name between a Korean full name (a common family name's syllable and
# two more, a word of its own, not ending on a particle) and the title is the person's
# affiliation, not a surname. A surname read as such stands alone before its title ("가트너 박사는")
KO_FAMILY_NAMES = ("김이박최정강조윤장임한오서신권황안송류유전홍고문양손배백허남심노하곽성차주우구민"
                   "나진지엄채원천방공현함변염여추도소석선설마길연위표명기반왕금옥육인맹제모탁국어편용예경봉")
_KO_FULL_NAME_BEFORE = re.compile(rf"(?<![가-힣])[{KO_FAMILY_NAMES}][가-힣][가-힣](?<![에의를을로과와도는가]) $")

# kinds of body whose name is "<kind> for|of <words>" (a research centre, a ministry, a school)
_BODIES = (r"(?:Centre|Center|Institute|University|College|School|Department|Office|Ministry|"
           r"Committee|Council|Foundation|Association|Society|Academy|Agency|Commission|Bureau|"
           r"Board|Laboratory|Laboratories|Museum|Federation|Union|League|Alliance|Coalition|"
           r"Fund|Trust|Federation|Organisation|Organization|Campaign|Forum|Network|Chamber)")
# the body's kind and its preposition, then capitalized words joined by commas, "and", "&",
# "of", "for", "the", ending right before the mention
_BODY_BEFORE = re.compile(rf"\b{_BODIES} (?:for|of)(?: the)? (?:[A-Z][\w'’-]*(?:,| and| &| of| for| the)? )*$")


def title_before(text: str, start: int, end: int) -> str:
    """The personal title (and given name) that makes the mention a person's surname, quoted
    with it ("Dr Jakob Nielsen"); "" if none."""
    if "가" <= text[end - 1:end] <= "힣":  # a Hangul name: the title follows it
        m = _KO_TITLE_AFTER.match(text, end)
        if m and _KO_FULL_NAME_BEFORE.search(text, max(0, start - 5), start):
            return ""  # (rules 20: the affiliation of the person named before it)
        return f"{text[start:end]} {m.group(0).strip()}" if m else ""
    if start < 3 or text[start - 1] != " ":
        return ""
    m = _TITLE_BEFORE.search(text, max(0, start - 30), start)
    return f"{m.group(1)}{text[start:end]}" if m else ""


def inside_body_name(text: str, start: int, end: int) -> str:
    """The name of another organisation ("Centre for … Signal") the mention is one word of,
    quoted up to the mention; "" if none."""
    if start < 2 or text[start - 1] != " ":
        return ""
    m = _BODY_BEFORE.search(text, max(0, start - 120), start)
    return f"{m.group(0)}{text[start:end]}" if m else ""
