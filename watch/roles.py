"""Roles of a mention that say the story is not about the entity, for ``watch.prominence``.

A name can stand in the lede, early and in a short article, and still not be what the story
is about, because of the part it plays in its sentence:

``source``
    the outlet the story is credited to or quotes: English "according to X", "…, X reported"
    and "as X reported" (the tail of a reported sentence: "Samsung reported record profit" is
    not a source), "X reported, citing people…", "a report by X", "told X" (before a full stop, "that", "in", "on"), "(X) -" in a
    dateline; Korean "X에 따르면", "X(WP) 등에 따르면", "<X>를 보면", "X는/가 … 보도했다"
    (보도 or 인용 later in the same sentence), "X 보도", and credits in brackets holding "="
    ("[AP=연합뉴스]", "【평창=AP/뉴시스】", "(서울=연합뉴스)") or after "사진=".
``platform``
    where someone posted: English "posted on/to X", "wrote on X", "said on his X" (a verb of
    saying or posting before "on", "to" or "via"), "in a X post"; Korean "X에 … 글을
    올렸다/남겼다/게시했다", "X에 “…”" (a quotation right after the place), "X를 통해 밝혔다".
``relation``
    the possessor of a relational noun whose head is the story's person or brand: Korean "A
    (미국 대통령)의 장녀/딸/아들/부인/사위/측근/자회사/브랜드 B"; English "A's daughter B",
    "the daughter of (President) A". The head noun is the subject, the possessor is not.
``link``
    a row of links of the site that published the story: the name alone in square brackets
    beside another bracketed label, a site's links to its channels ("SNS [페이스북] [트위터]"),
    not an editor's insertion in a quote ("if [Google] gets"); rules 13 (``link_call``): the
    name as the place of a call to follow, subscribe or contact the outlet, in a bracketed
    label with a verb of following ("[카카오 친구맺기]"), in an arrow-led call that ends in
    one ("▶ 네이버메인에 ‘뉴스1채널’ 설정하기!", "▶ 네이버 홈에서 … 구독하세요"), or before a
    messenger handle ("카톡/라인 jebo23"). Such a mention is a real mention of the platform
    (the labels' convention) and says nothing of the story: prominence gives it 0.
``listed``
    one item of an enumeration of at least ``LIST_MIN`` names in one sentence, separated by
    commas, "·" or "、" ("셀트리온·삼성바이오로직스·한미약품·대웅제약", "Google, Apple,
    Samsung, Sony and LG"): a roundup names many, about none of them.

``role(text, start, end)`` gives the first role that applies to ``text[start:end]``, or None
(a plain mention: a subject, an object, a participant). The patterns read only the sentence
around the mention (a window of ``WINDOW`` characters, cut at line breaks), in any case for
English. They are deliberately narrow: "X said" is not a source (a company says things in
stories about itself), and "X에 따르면" about an entity that the story names plainly elsewhere
changes nothing, because prominence discounts an entity only when every mention has a role.
"""
from __future__ import annotations

import re

LIST_MIN = 4  # items, the mention included: three names are still "the main subjects"
WINDOW = 160  # characters read on each side of a mention

_H = "\uac00-\ud7a3"  # Hangul syllables

# --- source: the outlet credited or quoted -------------------------------------------------
_SRC_BEFORE_EN = re.compile(
    r"(?:\baccording\s+to|\breported\s+by|\bquoted\s+by|\bcited\s+by|\bbroadcaster|"
    r"\ba\s+report\s+(?:by|in|from|on)|\breports?\s+from|\bsources?\s*:|"
    r"(?:^|[.|)\]]\s*)(?:photo|image|picture|video)(?:graph)?s?\s*(?:by|:|credit:?))\s+(?:the\s+)?$",
    re.IGNORECASE)
# "X reported" is a credit only as the tail of a reported sentence, with nothing reported
# after it ("…, Reuters reported on Tuesday.", "as CNBC reported,"): "In fiscal 2025,
# Snowflake reported free cash flow of…" or "Mozilla reported that its revenue…" is a company
# reporting its own results, a subject
# what may stand between the outlet and its verb: "Reuters'", "Bloomberg News", ", "
_OUTLET_EN = r"^(?:[’']s)?(?:\s+(?:news(?:\s+agency)?|newspaper|news\s+channel|reporters?))?\s*,?\s+"
_SRC_TAIL_EN = re.compile(r"(?:,|\bas)\s+(?:the\s+)?$", re.IGNORECASE)
_SRC_REPORTED_EN = re.compile(
    _OUTLET_EN +
    r"(?:first\s+|has\s+|had\s+)?(?:reported|said\s+in\s+a\s+report)"
    r"(?=\s*(?:[.,;:\"”]|$|on\s|earlier|late|last|this|yesterday|citing|\w+day\b))", re.IGNORECASE)
_SRC_CITING_EN = re.compile(
    _OUTLET_EN +
    r"(?:reported\s*,?\s+)?(?:quoted|citing)\s+(?:an?\s+|unnamed\s+|senior\s+)*"
    r"(?:sources?|people|officials?|insiders?)\b", re.IGNORECASE)
_TOLD_BEFORE = re.compile(r"\btold\s+(?:the\s+)?$", re.IGNORECASE)
_TOLD_AFTER = re.compile(r"^(?:[’']s\s+[\w ]{1,30}?)?(?:\s*[.,;:]|\s+(?:that|in|on|news)\b)", re.IGNORECASE)
_DATELINE_AFTER = re.compile(r"^\)\s*[-–—]")  # "SEOUL (Reuters) -"
_SRC_AFTER_KO = re.compile(
    rf"^[>》」』)]?(?:\s?\([A-Za-z{_H}]{{1,12}}\))?(?:\s?(?:통신|방송|신문|지|등))?\s?"
    r"(?:(?:의\s)?(?:보도|기사)?에\s?따르면|[을를]\s?보면|(?:의\s)?보도(?:에|에서|로|를|가|\s|$)|"
    r"(?P<subject>[은는이가도])\s)")
_REPORT_KO = re.compile(r"보도|인용[해하한]")
_CREDIT_BEFORE_KO = re.compile(r"(?:사진|자료|영상|그래픽|출처)\s?=\s?$")

# --- platform: where someone posted ----------------------------------------------------------
_PLAT_BEFORE_EN = re.compile(
    r"\b(?:posted|posting|posts|wrote|writing|writes|tweeted|said|saying|shared|sharing|announced|"
    r"commented|replied|published|message|statement|video)\s+(?:on|to|via)\s+"
    r"(?:(?:his|her|their|its|the|a)\s+)?$", re.IGNORECASE)
_PLAT_POST_EN = re.compile(r"^\s+(?:post|posts|page|account|feed|live\s?stream|message)\b", re.IGNORECASE)
_PLAT_POST_BEFORE_EN = re.compile(r"\b(?:in|on|via|through)\s+(?:a|an|his|her|their|its)\s+$", re.IGNORECASE)
_PLAT_AFTER_KO = re.compile(r"^(?:에(?:서|는|도)?|[을를]\s?통해)\s")
_POSTED_KO = re.compile(r"^.{0,60}?(?:올[렸린리려]|남[겼긴기]|게시|게재|글을|적었|썼다)")
_QUOTE_KO = re.compile(r"^\s?[\"“‘'「『]")

# --- relation: the possessor of a relational noun --------------------------------------------
_REL_KO = ("장녀|차녀|장남|차남|막내딸|외동딸|딸|아들|부인|아내|남편|영부인|사위|맏사위|며느리|손자|손녀|"
           "동생|형|누나|오빠|언니|조카|부친|모친|아버지|어머니|측근|최측근|비서실장|자회사|계열사|브랜드|"
           "산하")
# (what a brand or a person "has" rather than who they are: "애플의 브랜드 가치")
_NOT_HEAD_KO = "가치|이미지|파워|평판|인지도|경쟁력|전략|정체성|로고|마케팅|이름"
_REL_AFTER_KO = re.compile(
    rf"^(?:\s[{_H}]{{1,6}}){{0,2}}?의\s(?:[{_H}]{{1,4}}\s)?(?:{_REL_KO})(?:인|이자|이며|로|으로)?"
    rf"(?=[\s,])(?!\s(?:{_NOT_HEAD_KO}))")
_REL_EN = (r"daughter|son|wife|husband|father|mother|brother|sister|son-in-law|daughter-in-law|"
           r"niece|nephew|grandson|granddaughter|widow|stepdaughter|stepson|fianc[ée]e?")
_REL_AFTER_EN = re.compile(
    rf"^[’']s\s+(?:(?:eldest|youngest|elder|younger|older|only|first|second|late|former|estranged)\s+)?"
    rf"(?:{_REL_EN})\b", re.IGNORECASE)
_REL_BEFORE_EN = re.compile(rf"\b(?:{_REL_EN})\s+of\s+(?:(?:[A-Z][\w.]*|the)\s+){{0,2}}$")

# --- link: the outlet's own row of links and calls to follow it (rules 13) -------------------
_LINK_MARKS = "▶►☞"
# what ends a link's label: a verb of following, subscribing, sharing, contacting or viewing
# ("설정하기!", "구독하세요.", "친구맺기", "바로가기", "무료만화 보기"), then only punctuation
_FOLLOW_END = re.compile(r"(?:(?:설정|구독|확인|제보|공유|채팅|클릭)하(?:기|세요)|보기|바로\s?가기|친구\s?맺기|"
                         r"친구\s?추가|다운\s?받기|구독|팔로우)[\s!.~]*$")
# the platform's place in the call: a locative after it, or a service noun then one ("네이버메인에
# ‘뉴스1채널’ 설정하기", "네이버 홈에서", "네이버 채널 구독"); the verb of following right after
# it ("[카카오 친구맺기]")
# (anchored by .match at an offset: no "^", which would only match at the string's start)
_AT_PLATFORM = re.compile(rf"(?:\s?[{_H}]{{1,3}})?(?:에서도|에서|에도|에)\s|\s?(?:채널\s|친구\s?맺기|친구\s?추가|"
                          r"구독|팔로우)")
# a messenger handle after the name, or after a "/" list of messengers ending with it
# ("카톡/라인 jebo23", "라인 @news"): an @ handle, or, in a "/" list, four or more lower-case
# letters and digits, with a digit
_HANDLE = re.compile(r"(?:/[\w가-힣]{1,8})*\s(?:(?=[a-z0-9_.]{4})[a-z][a-z0-9_.]*\d[a-z0-9_.]*|@[A-Za-z0-9_.]{3,})"
                     r"(?![\w@])")
_LABEL_STOP = re.compile(r"[\n\[<©ⓒ" + _LINK_MARKS + "]")


def _label(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The link label holding ``text[start:end]`` that ends with a verb of following (above):
    a bracketed one ("[카카오 친구맺기]") or an arrow-led one, up to the next arrow, bracket
    or line ("▶ 네이버메인에 ‘뉴스1채널’ 설정하기!"); its span, or None. A bracket or an arrow
    must stand within 40 characters before the mention, in its sentence."""
    left = text[max(0, start - 40):start]
    cut = max(left.rfind("\n"), left.rfind(". "), left.rfind("다."), left.rfind("]"))
    left = left[cut + 1:]
    opener = max(left.rfind("["), *(left.rfind(m) for m in _LINK_MARKS))
    if opener == -1:
        return None
    a = start - len(left) + opener
    if text[a] == "[":
        b = text.find("]", end, end + 20)
        if b == -1 or "[" in text[end:b]:
            return None
    else:
        stop = _LABEL_STOP.search(text, end, end + 60)
        b = stop.start() if stop else min(len(text), end + 60)
    inner = text[a + 1:b]
    return (a, b + (text[b:b + 1] == "]")) if _FOLLOW_END.search(inner) else None


def link_call(text: str, start: int, end: int) -> str:
    """The call to follow, subscribe or contact in which ``text[start:end]`` is the platform
    (rules 13), quoted, or "": a link label ending with a verb of following (``_label``) in
    which the name is the place ("[카카오 친구맺기]", "▶ 네이버메인에 ‘뉴스1채널’ 설정하기!"; not
    "▶ 다음 기사 보기", "▶ 현대 미술 특집 보기"), or a messenger handle after it ("카톡/라인
    jebo23")."""
    handle = _handle(text, start, end)
    if handle:
        return handle
    span = _label(text, start, end) if _AT_PLATFORM.match(text, end, end + 20) else None
    return text[span[0]:span[1]].strip() if span else ""


def _handle(text: str, start: int, end: int) -> str:
    """The name and the messenger handle after it ("카톡/라인 jebo23", "라인 @news"), or ""."""
    if text[end:end + 1] in (" ", "/"):
        m = _HANDLE.match(text, end, end + 40)
        # (an id without "@" only after a "/" list of messengers: "Hyundai i10s" is a model)
        if m and "\n" not in m.group(0) and ("@" in m.group(0) or "/" in text[start - 1:start] + m.group(0)):
            return text[start:m.end()]
    return ""


def link_row(text: str, start: int, end: int) -> bool:
    """Is ``text[start:end]`` in one of the site's own links: alone in brackets beside another
    bracketed label ("SNS [페이스북] [트위터]"), anywhere in a link label that ends with a verb
    of following ("▶ 네이버메인에 ‘뉴스1채널’ 설정하기!": 뉴스1 too), or before a messenger
    handle (``link_call``)?"""
    if text[start - 1:start] == "[" and text[end:end + 1] == "]":
        before = text[max(0, start - 60):start - 1]
        before = before[before.rfind("\n") + 1:].rstrip()  # (on the mention's line)
        after = text[end + 1:end + 60].split("\n", 1)[0].lstrip()
        if before.endswith("]") or after.startswith("["):
            return True
    # (``link_call``'s label part is a narrower ``_label``: only its handle part can add)
    return _label(text, start, end) is not None or bool(_handle(text, start, end))


# --- listed: an item of an enumeration of many names ---------------------------------------
_SEP = r"(?:\s*[,·、]\s*(?:(?:and|or|및)\s+)?|\s+(?:and|or|및)\s+)"
_ITEM = rf"[A-Z0-9{_H}][\w&.'’{_H}-]*(?:\s[A-Z0-9][\w&.'’-]*){{0,2}}(?:\s?\([^()\n]{{1,20}}\))?"
_LIST_LEFT = re.compile(rf"(?:{_ITEM}{_SEP})+$")
_LIST_RIGHT = re.compile(rf"^(?:\s?\([^()\n]{{1,20}}\))?(?:{_SEP}{_ITEM})+")
_ITEM_SEP = re.compile(_SEP)

_SENT_END = re.compile(rf"[.!?]\s|[{_H}]\.(?=\S)|[{_H}] {{2,}}")


def _left(text: str, start: int) -> str:
    a = max(0, start - WINDOW)
    nl = text.rfind("\n", a, start)
    return text[(nl + 1 if nl != -1 else a):start]


def _right(text: str, end: int) -> str:
    b = min(len(text), end + WINDOW)
    nl = text.find("\n", end, b)
    return text[end:(nl if nl != -1 else b)]


def _sentence_rest(right: str) -> str:
    """``right`` up to the end of the mention's sentence."""
    m = _SENT_END.search(right)
    return right[:m.start() + 1] if m else right


def _source(left: str, right: str) -> bool:
    if _SRC_BEFORE_EN.search(left) or _SRC_CITING_EN.match(right):
        return True
    if _SRC_TAIL_EN.search(left) and _SRC_REPORTED_EN.match(right):
        return True
    if _TOLD_BEFORE.search(left) and _TOLD_AFTER.match(right):
        return True
    if left.endswith("(") and _DATELINE_AFTER.match(right):
        return True
    if _CREDIT_BEFORE_KO.search(left) or _bracket_credit(left, right):
        return True
    m = _SRC_AFTER_KO.match(right)
    if m is None:
        return False
    if m.group("subject") is None:  # 따르면, 보면, 보도: the source itself
        return True
    # a subject whose sentence goes on to report: "CNBC가 24일(현지시간) 보도했다"
    return bool(_REPORT_KO.search(_sentence_rest(right[m.end():])))


def _bracket_credit(left: str, right: str) -> bool:
    """Inside a short bracketed credit with "=": "[AP=연합뉴스]", "【평창=AP/뉴시스】"."""
    a = max(left.rfind("["), left.rfind("【"), left.rfind("("))
    if a == -1 or len(left) - a > 20:
        return False
    closing = re.search(r"[\]】)]", right)
    if closing is None or closing.start() > 20:
        return False
    inside = left[a + 1:] + right[:closing.start()]
    return "=" in inside and not re.search(r"[\[【(\]】)]", inside)


def _platform(left: str, right: str) -> bool:
    if _PLAT_BEFORE_EN.search(left):
        return True
    if _PLAT_POST_EN.match(right) and _PLAT_POST_BEFORE_EN.search(left):
        return True
    m = _PLAT_AFTER_KO.match(right)
    if m is None:
        return False
    rest = _sentence_rest(right[m.end():])
    return bool(_QUOTE_KO.match(rest) or _POSTED_KO.match(rest))


def _relation(left: str, right: str) -> bool:
    return bool(_REL_AFTER_KO.match(right) or _REL_AFTER_EN.match(right) or _REL_BEFORE_EN.search(left))


def _listed(left: str, right: str) -> bool:
    n = 1
    m = _LIST_LEFT.search(left)
    if m:
        n += len(_ITEM_SEP.findall(m.group()))
    m = _LIST_RIGHT.match(right)
    if m:
        n += len(_ITEM_SEP.findall(m.group()))
    return n >= LIST_MIN


# in this order: a source in a list ("CNN, 뉴욕타임스, 워싱턴포스트 등에 따르면") is a source
_TESTS = (("source", _source), ("platform", _platform), ("relation", _relation), ("listed", _listed))


def role(text: str, start: int, end: int) -> str | None:
    """The role of the mention ``text[start:end]`` that says the story is not about it
    (``source``, ``platform``, ``relation``, ``link``, ``listed``), or None."""
    if link_row(text, start, end):
        return "link"  # one of a row of links: "SNS [페이스북] [트위터]", not "if [Google] gets"
    left, right = _left(text, start), _right(text, end)
    return next((name for name, test in _TESTS if test(left, right)), None)
