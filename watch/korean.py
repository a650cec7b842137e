"""Korean particles and word boundaries for Hangul (and Latin) aliases.

Korean attaches particles (조사) and a few noun suffixes directly to the noun, so "메타는",
"삼성전자에서는", "윤석열 대통령이" must match the aliases 메타, 삼성전자, 윤 대통령. A
Hangul alias followed by more Hangul matches only when the WHOLE run of Hangul syllables
after it is one of ``PARTICLES``; otherwise the alias is the start of a longer word:
메타버스, 메타데이터, 삼성바이오로직스 (a different company from 삼성), 이재명 vs 이재용
(different strings anyway). The same rule applies to a Latin alias followed by Hangul
("Meta는", "LG가" match; "LG디스플레이" does not).

On the left, a Hangul alias preceded by a Hangul syllable is inside a longer word (비메타,
친삼성); preceded by anything else (space, punctuation, Latin, Hanja such as 美/故) it
starts a word.

``PARTICLES`` is built from the lists below, which are the documentation:

* ``BASE_PARTICLES`` – case and auxiliary particles, with both vowel/consonant forms
  (이/가, 은/는, 을/를, 와/과, 로/으로, ...). Agreement with the final consonant of the
  noun is NOT checked: news text is edited, and checking it would only reject real
  mentions with typos.
* ``COPULA`` – forms of the copula 이다 written on the noun (삼성이다, 메타였다, 윤석열입니다,
  메타라는, 삼성이라는, ...).
* ``SUFFIXES`` – noun suffixes attached to names and organisations: 측 (side), 씨 (Mr/Ms),
  님, 등 (etc.), 들 (plural), 쪽, 외; each may be followed by any base particle or copula
  form (삼성측은, 이재용씨가, 반도체들의).
* ``SECOND`` – particles that stack after a first particle (에서+는, 으로+는, 와+의,
  에게+는, 까지+도, 부터+는, 만+을, ...): any base particle + one of these.

A brand glued to one of its products is written as one word in Korean (애플워치, 삼성페이,
애플TV), and so are a group (두산그룹), a news outlet with its kind (로이터통신, CNN방송,
포브스지), a brand's business in a country (스타벅스코리아) and a company's plant in a city
(GM군산, rules 9):
``product_follows`` accepts a Hangul run that is a PRODUCT noun of ``PRODUCTS``
(the Korean spellings of the product nouns of ``watch.corroborate``: 워치, 페이, 뮤직,
스토어...), optionally followed by a particle (애플워치처럼). Nouns that name another
company of the same group are NOT product nouns: 카드 (현대카드, 우리카드), 은행, 증권,
생명, 백화점 stay compounds of another company.
"""
from __future__ import annotations

import re

BASE_PARTICLES: tuple[str, ...] = (
    # subject / topic / object / genitive
    "이", "가", "께서", "은", "는", "을", "를", "의",
    # place, time, recipient, source
    "에", "에서", "에게", "께", "한테", "에게서", "한테서", "서", "더러",
    # means, direction, capacity
    "로", "으로", "로서", "으로서", "로써", "으로써", "로부터", "으로부터",
    # with / and
    "와", "과", "하고", "랑", "이랑", "이며", "며",
    # auxiliaries
    "도", "만", "까지", "부터", "조차", "마저", "밖에", "처럼", "보다", "같이", "만큼",
    "대로", "뿐", "마다", "나", "이나", "든지", "이든지", "라도", "이라도", "야말로",
    "이야말로", "에다", "에다가", "이든", "든", "요", "이요",
)

COPULA: tuple[str, ...] = (
    "이다", "다", "였다", "이었다", "입니다", "이에요", "예요", "이었던", "였던", "인",
    "이고", "이라", "라", "이라는", "라는", "이라고", "라고", "이란", "란", "이라며",
    "라며", "이라면", "라면", "이지만", "지만", "이자", "이냐", "냐", "이니", "인데", "인지",
    "일", "이라서", "라서", "이었고", "였고", "이었으나", "였으나", "였는데", "이었는데",
    "였지만", "이었지만", "였으며", "이었으며", "이기", "이지", "이죠", "이어서", "여서",
)

SUFFIXES: tuple[str, ...] = ("측", "씨", "님", "등", "들", "쪽", "외")

SECOND: tuple[str, ...] = ("은", "는", "도", "만", "의", "을", "를", "이", "가", "과", "와",
                           "까지", "부터", "에", "에서", "로", "으로", "서", "라도", "나")


def _build() -> frozenset[str]:
    first = set(BASE_PARTICLES) | set(COPULA)
    out = set(first) | set(SUFFIXES)
    for p in BASE_PARTICLES:
        for q in SECOND:
            out.add(p + q)
    for s in SUFFIXES:
        for p in first:
            out.add(s + p)
        for p in BASE_PARTICLES:
            for q in SECOND:
                out.add(s + p + q)
    return frozenset(out)


PARTICLES: frozenset[str] = _build()
MAX_PARTICLE_LEN = max(len(p) for p in PARTICLES)


def is_hangul(c: str) -> bool:
    """Hangul syllable or jamo (conjoining or compatibility)."""
    cp = ord(c)
    return (0xAC00 <= cp <= 0xD7A3 or 0x1100 <= cp <= 0x11FF or 0x3130 <= cp <= 0x318F
            or 0xA960 <= cp <= 0xA97F or 0xD7B0 <= cp <= 0xD7FF)


def is_ideograph(c: str) -> bool:
    """CJK ideographs (Hanja): 美, 中, 故, 尹 ... work as prefixes, not as word letters."""
    cp = ord(c)
    return (0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0xF900 <= cp <= 0xFAFF
            or 0x20000 <= cp <= 0x3FFFF)


def is_kana(c: str) -> bool:
    """Japanese kana (hiragana, katakana, half-width katakana): Japanese writes no spaces, so
    a Latin name glued to kana ("このKindle", "Amazonが") is a word of its own."""
    cp = ord(c)
    return 0x3040 <= cp <= 0x30FF or 0x31F0 <= cp <= 0x31FF or 0xFF66 <= cp <= 0xFF9F


# Korean words of the closed classes that stand before a noun and modify it: pronouns (우리
# "we, our", 저희, 너희), numerals (하나 "one", 둘) and determiners (다음 "next", 지난, 모든).
# An alias that is one of them (Woori's 우리, Hana's 하나, Daum's 다음) followed by a noun is
# the word: "우리 측" and "우리측" are "our side" (측 after a name is "the side of"), "우리
# 경제" "our economy", "다음 달" "next month". So no noun after it, not even a business noun
# (측, 관계자, 대표), says "company", and as a subject it is "we" (rules 10).
MODIFIER_WORDS: frozenset[str] = frozenset(("우리", "저희", "너희", "하나", "둘", "다음", "지난", "모든", "여러"))
# Rules 16: of those, the pronouns and numerals are glued to their noun in everyday writing
# (우리카페 "our café", 우리나라, 하나뿐); a determiner is written apart from it (다음 달, 다음 카페
# "the next café"), so a web service glued to it (다음웹툰, 다음카페, 다음메일) is the portal's.
GLUED_MODIFIERS: frozenset[str] = frozenset(("우리", "저희", "너희", "하나", "둘"))
# Countries written in Hangul. One glued before a Latin name names the company's business in
# that country, which is the company (rules 10: "한국GM" is GM Korea, "한국IBM", "미국GM"): the
# mirror of COUNTRY_NOUNS after a Hangul name (구글코리아).
COUNTRY_PREFIXES: tuple[str, ...] = (
    "한국", "미국", "중국", "일본", "영국", "독일", "프랑스", "대만", "홍콩", "인도", "베트남", "캐나다",
    "호주", "러시아", "싱가포르", "태국", "인도네시아", "이탈리아", "스페인", "멕시코", "브라질",
)
_COUNTRY_PREFIX_SET = frozenset(COUNTRY_PREFIXES)


def country_before(text: str, start: int) -> str:
    """The Hangul country name, or (rules 18) Korean city (``PLACE_NOUNS``), glued right before
    ``start`` (a Latin name), as a whole Hangul run ("한국GM", "창원KBS"; not "대한국GM"), or ""."""
    i = start
    while i > 0 and is_hangul(text[i - 1]) and start - i < 5:
        i -= 1
    if i > 0 and is_hangul(text[i - 1]):
        return ""
    run = text[i:start]
    return run if run in _COUNTRY_PREFIX_SET or run in _PLACE_SET else ""


PRODUCTS: tuple[str, ...] = (
    "워치", "페이", "뮤직", "스토어", "앱스토어", "플레이스토어", "티비", "클라우드", "맵", "북스",
    "포토", "월렛", "아케이드", "펜슬", "프라임", "비디오", "드라이브", "인텔리전스", "어시스턴트",
    "워크스페이스", "비전프로", "톡",
)
# rules 13: a web service of the company glued to its name, as Korean writes a portal's or
# messenger's pages and channels (네이버메인, 네이버블로그, 다음카페, 카카오채널, 카카오계정): the
# company itself (the labels' convention: a platform or product named with the company's name
# is the company). Not 뱅크, 쇼핑, 증권, 카드: 카카오뱅크, 토스뱅크 and 롯데쇼핑 are other
# companies of the group, named on their own.
# Rules 15: 플레이, a streaming or app service (쿠팡플레이, 구글플레이); 페이 is a product already.
SERVICE_NOUNS: tuple[str, ...] = ("메인", "채널", "앱", "웹툰", "블로그", "카페", "메일", "계정", "플레이")
# A group noun glued to the name is the group itself, written as one word (두산그룹,
# 신세계그룹의, 폭스바겐그룹 산하): unlike 카드 or 은행, it names no other company.
# Rules 17: 지주 (a holding company) after a financial group's name (우리금융지주 = 우리금융,
# KB금융지주); only there (_GLUED_ONLY_AFTER): elsewhere 지주 is also "landowner".
GROUP_NOUNS: tuple[str, ...] = ("그룹", "지주")
_GLUED_ONLY_AFTER: dict[str, tuple[str, ...]] = {"지주": ("금융",)}
# The kind of a news outlet glued to its name is the outlet itself: Korean writes a wire
# service as name + 통신 (로이터통신, AP통신, 블룸버그통신), a broadcaster + 방송 (CNN방송), a
# paper + 신문, a magazine + 지 (포브스지, 타임지). Like 그룹, none of them names another
# company of the same name.
# Rules 14: a site's ".com" transliterated and glued (씨넷닷컴, "CNET.com") is the site too.
# Rules 21: and 뉴스, a broadcaster's or paper's news written as one word with it (MBC뉴스, a
# reporter's sign-off "MBC뉴스 OOO입니다"; 구글뉴스): the outlet or service, no other company.
MEDIA_NOUNS: tuple[str, ...] = ("통신", "방송", "신문", "지", "닷컴", "뉴스")
# A broadcaster's kind in Latin letters glued to a Hangul outlet is its channel, as 방송 or
# 통신 glued to it is the outlet (rules 11: 연합뉴스TV, Yonhap's news channel); the matcher
# takes it as a word boundary after a Hangul name, as it takes a particle.
LATIN_MEDIA_NOUNS: tuple[str, ...] = ("TV",)
# A country glued to a brand is the brand's business in that country (스타벅스코리아,
# 구글코리아, 야후재팬): the brand, as when the two are written apart ("스타벅스 코리아").
COUNTRY_NOUNS: tuple[str, ...] = ("코리아", "재팬", "저팬", "차이나", "인디아")
# A Korean city glued to a company's name is its plant or site there (rules 9: "GM군산 철수",
# GM's Gunsan plant; "LG창원", "삼성기흥"), with or without the site noun (GM군산공장): the company
# at a place, as a country glued to it is the company in a country. The special and
# metropolitan cities, the cities of the provinces and the industrial districts that name
# plants; cities that are also common words (공주 "princess", 구리 "copper", 화성 "Mars", 양주
# "liquor", 진주 "pearl", 경주 "race", 상주, 동해, 여주) are
# left out, so that a name glued to the word is never read as a site.
PLACE_NOUNS: tuple[str, ...] = (
    "서울", "부산", "대구", "인천", "광주", "대전", "울산", "세종", "수원", "성남", "의정부", "안양",
    "부천", "광명", "평택", "안산", "고양", "과천", "남양주", "오산", "시흥", "군포", "의왕", "하남",
    "용인", "파주", "이천", "안성", "김포", "포천", "춘천", "원주", "강릉",
    "속초", "삼척", "청주", "충주", "제천", "천안", "보령", "아산", "서산", "논산", "당진", "전주",
    "군산", "익산", "정읍", "김제", "목포", "여수", "순천", "나주", "광양", "포항", "김천",
    "안동", "구미", "영주", "경산", "창원", "통영", "김해", "밀양", "거제", "양산", "제주",
    "서귀포", "기흥", "부평", "온양", "탕정", "오창", "오송", "대산", "송도", "마곡", "판교",
)
# Rules 18: the mirror, a city glued BEFORE a Latin name, is the company's branch or regional
# station there ("창원KBS", "부산MBC", "대구KT"), as a country before it is (``country_before``).
_PLACE_SET = frozenset(PLACE_NOUNS)
SITE_NOUNS: tuple[str, ...] = ("공장", "사업장", "캠퍼스", "법인")
_PLACES = tuple(p + s for p in PLACE_NOUNS for s in ("",) + SITE_NOUNS)
# Rules 21: a trade suffix glued to a brand (도요타향 배터리, "bound for Toyota"; 디올백, a Dior
# bag): the brand as a buyer or maker, written as one word with it. Ending the word there or
# before a particle (도요타향으로), so a longer word stays another (현대백화점, 애플향수).
TRADE_SUFFIXES: tuple[str, ...] = ("향", "백")
_PRODUCTS_BY_LEN = tuple(sorted(PRODUCTS + SERVICE_NOUNS + GROUP_NOUNS + MEDIA_NOUNS + COUNTRY_NOUNS + _PLACES
                                + TRADE_SUFFIXES,
                                key=len, reverse=True))
# the nouns by their first syllable (most Hangul runs fail on the first, cheaply)
_PRODUCTS_BY_FIRST: dict[str, tuple[str, ...]] = {}
for _p in _PRODUCTS_BY_LEN:
    _PRODUCTS_BY_FIRST[_p[0]] = _PRODUCTS_BY_FIRST.get(_p[0], ()) + (_p,)


# Rules 18: an outlet named after an economy, a country or city + 경제 (한국경제, 서울경제), is also
# that economy in prose: before another noun ("한국경제 버팀목", "한국경제 성장 잠재력") or "에 대한"
# ("한국경제에 대한 우려"). The outlet stands before its own words (뉴스, 기자, 구독, 바로가기 …), a
# reporter's name and 기자, or after an opening bracket, quote or copyright sign (its dateline,
# footer or a link to it: "[서울경제]", "ⓒ 한국경제", "'아시아경제' 뉴스").
OUTLET_WORDS: tuple[str, ...] = ("뉴스", "신문", "방송", "기자", "기사", "보도", "단독", "특파원", "구독",
                                 "바로가기", "채널", "닷컴")
_ECONOMY_AFTER = re.compile(r" (?![가-힣]{2,4} ?기자)(?!" + "|".join(OUTLET_WORDS) + r")[가-힣]|에 대한")
_ECONOMY_PLACES = _COUNTRY_PREFIX_SET | _PLACE_SET
_OUTLET_BEFORE = ("[", "(", "<", "'", "‘", "\"", "“", "ⓒ", "©")


def economy_named(text: str, start: int, end: int) -> bool:
    """Is the name ``text[start:end]``, a country or city (``PLACE_NOUNS``) + 경제, used as
    that economy rather than the outlet named after it?"""
    if not text.endswith("경제", start, end) or text[start:end - 2] not in _ECONOMY_PLACES:
        return False
    return not text[:start].rstrip().endswith(_OUTLET_BEFORE) and bool(_ECONOMY_AFTER.match(text, end))


# Rules 21: a ministry's short name (산업부, 국방부, 외교부) is also the name of a newsroom's desk
# (an outlet's industry, defence or diplomacy desk): before the desk's own words, its news or a
# reporter (산업부의 뉴스 코너, 산업부 기자), it is the desk, not the ministry. Not before longer
# words (산업부 기자단, the ministry's press corps).
_DESK_AFTER = re.compile(r"(?:의)?\s?(?:뉴스|기자)(?![가-힣])")


def desk_named(text: str, start: int, end: int) -> bool:
    """Rules 21: is the Hangul name ``text[start:end]``, ending on 부 (a ministry's short name), a
    newsroom's desk here (산업부의 뉴스 코너, 산업부 기자)?"""
    return 2 <= end - start <= 4 and text[end - 1:end] == "부" and _DESK_AFTER.match(text, end) is not None


def product_follows(text: str, end: int) -> str:
    """text[end] is Hangul: the product noun (``PRODUCTS``), web service (``SERVICE_NOUNS``),
    group noun (``GROUP_NOUNS``),
    outlet kind (``MEDIA_NOUNS``), country (``COUNTRY_NOUNS``) or city, with or without a site
    noun (``PLACE_NOUNS``, ``SITE_NOUNS``), that the Hangul run from
    ``end`` starts with, when the rest of the run is empty or a particle (애플워치,
    애플워치처럼, 로이터통신은); "" otherwise (애플리케이션, 현대카드, 아마존지역)."""
    for p in _PRODUCTS_BY_FIRST.get(text[end:end + 1], ()):
        if text.startswith(p, end):
            if p in _GLUED_ONLY_AFTER and not text.endswith(_GLUED_ONLY_AFTER[p], 0, end):
                continue
            j = end + len(p)
            if word_ends(text, j):
                return p
    return ""


def latin_media_follows(text: str, end: int) -> str:
    """The Latin outlet kind (``LATIN_MEDIA_NOUNS``, any case) glued at ``end`` and ending a
    word there, or followed by a particle (연합뉴스TV, 연합뉴스TV는); "" otherwise (a Latin word
    that only starts with it: "TVING")."""
    for p in LATIN_MEDIA_NOUNS:
        j = end + len(p)
        if text[end:j].upper() == p and (j >= len(text) or not text[j].isalnum()
                                         or is_hangul(text[j]) and particle_follows(text, j)):
            return p
    return ""


_FIRST_SYLLABLES: dict[frozenset[str], frozenset[str]] = {}


def first_syllables(groups: frozenset[str]) -> frozenset[str]:
    """The first syllables of ``groups``, kept for ``merged_follows``'s quick refusal."""
    return _FIRST_SYLLABLES.setdefault(groups, frozenset(g[0] for g in groups))


def merged_follows(text: str, end: int, groups: frozenset[str]) -> str:
    """Rules 16: the group name (of ``groups``) that the Hangul run from ``end`` is, alone or
    before a particle, or "": a firm named after a merger glues the two names (미래에셋대우는,
    Mirae Asset Daewoo; 다음카카오). Read by the matcher only after a long unambiguous alias
    (three syllables or more: its rules 15 class), so a short form glued to a group name stays
    the start of another word."""
    if text[end:end + 1] not in first_syllables(groups):  # (most runs fail here, cheaply)
        return ""
    return glued_word(text, end, groups)


def glued_word(text: str, end: int, words) -> str:
    """The first of ``words`` glued at ``end`` that ends the Hangul word there, or before a
    particle; "" otherwise (the check shared by the glued-noun readers below)."""
    for w in words:
        if text.startswith(w, end) and word_ends(text, end + len(w)):
            return w
    return ""


# Rules 19: a company's full legal name is its short name + the rest of its industry's word
# (한화생명 + 보험 = 한화생명보험, Hanwha Life Insurance; 삼성화재 + 해상보험 = 삼성화재해상보험), or
# + 주식회사 (the legal form). By the alias's last word: only these completions, so a glued noun
# of another business (한화생명과학, 삼성화재청소) stays another word.
LEGAL_TAILS: dict[str, tuple[str, ...]] = {
    "생명": ("보험",), "화재": ("해상보험", "보험"), "해상": ("화재보험", "보험"), "손해": ("보험",),
    "": ("주식회사",),
}


def legal_name_follows(text: str, start: int, end: int) -> str:
    """Rules 19: the rest of a legal name glued after the alias ``text[start:end]``
    (``LEGAL_TAILS``), ending the word there or before a particle; "" otherwise."""
    for last, tails in LEGAL_TAILS.items():
        if not text.endswith(last, start, end):
            continue
        tail = glued_word(text, end, tails)
        if tail:
            return tail
    return ""


# Rules 20: a unit of an organisation glued to its name is the organisation acting through it
# (민중기 특별검사팀은, the special counsel's team; 삼성전자측은, "Samsung's side"; 한국은행본부,
# 국정원단): read by the matcher only after a long unambiguous alias (its rules 15 and 19 classes),
# the unit ending the word there or before a particle, so a short form glued to 단 or 팀 stays the
# start of another word (삼성단지, LG팀장).
UNIT_NOUNS: tuple[str, ...] = ("팀", "측", "본부", "단")


def unit_follows(text: str, end: int) -> str:
    """Rules 20: the organisational unit (``UNIT_NOUNS``) glued at ``end``, ending the Hangul
    run there or before a particle (특별검사팀은, 삼성전자측); "" otherwise (팀장, 단계)."""
    return glued_word(text, end, UNIT_NOUNS)


# Rules 22: a body's chair glued to its short name, the title's first syllable shared with the
# name's last (과방위 + 원장 = 과방위원장, the committee's chair; 금감원 + 장 = 금감원장; 국세청장):
# the body acting through its head. Only these titles, and only with the shared syllable, so a
# name glued to another word (과방위원들, 금감원장비) stays that word.
# Not after a region written before it (경북·경기 경찰청장, 부산 경찰청장): a regional office's head.
CHAIR_TITLES: tuple[str, ...] = ("위원장", "원장", "회장", "청장", "처장")
PROVINCES: frozenset[str] = frozenset(("경기", "강원", "충북", "충남", "전북", "전남", "경북", "경남", "제주"))


def chair_follows(text: str, start: int, end: int) -> str:
    """Rules 22: the rest of a chair's title (``CHAIR_TITLES``) glued at ``end`` after a name
    ``text[start:end]`` ending on the title's first syllable, ending the word there or before a
    particle (과방위원장의); "" otherwise."""
    last = text[end - 1] if end > start else ""
    if start > 1 and text[start - 1] == " ":
        word = text[text.rfind(" ", 0, start - 1) + 1:start - 1]
        if "·" in word or word in _PLACE_SET or word in PROVINCES:
            return ""  # a region's office (경북·경기 경찰청장, 부산 경찰청장): not the national body
    for title in CHAIR_TITLES:
        j = end + len(title) - 1
        if title[0] == last and text.startswith(title[1:], end) and word_ends(text, j):
            return title
    return ""


# Rules 22: a bank glued to a long or half-Latin name (미쓰이스미토모은행, 미쓰비시UFJ은행) is the
# company's bank, one of its names (as 우리은행 is 우리금융's): read by the matcher only after an
# alias of its rules 15 class or one mixing Hangul and Latin letters, so a short word glued to
# 은행 (한국은행, 산업은행) stays another bank.
BANK_NOUNS: tuple[str, ...] = ("은행",)


def bank_follows(text: str, end: int) -> str:
    """Rules 22: 은행 glued at ``end``, ending the word there or before a particle; "" otherwise."""
    return glued_word(text, end, BANK_NOUNS)


# Rules 22: a product's kind written before a Hangul word (픽업트럭 타스만을, 신차 OOO): the word is
# the product's name, and an alias that is only its start (타스 in 타스만, Kia's pickup; 만 read as
# the particle "only") is not the entity.
PRODUCT_KIND_NOUNS: tuple[str, ...] = ("픽업트럭", "트럭", "세단", "해치백", "신차", "전기차", "스마트폰", "태블릿")


def product_named(text: str, start: int, end: int) -> bool:
    """Rules 22: is ``text[start:end]`` the start of a longer Hangul word (the run goes on after
    it) written right after a product's kind and one space (``PRODUCT_KIND_NOUNS``)?"""
    return (start > 0 and text[start - 1] == " " and end < len(text) and is_hangul(text[end])
            and text.endswith(PRODUCT_KIND_NOUNS, 0, start - 1))


# Rules 22: an armed service's bare name before a word of strength (해군 전력으로까지, 공군력,
# 해군 능력): the kind of force in general ("naval power"), not the country's service.
_CAPABILITY_AFTER = re.compile(r" ?(?:전력|능력|역량)|력")


def capability_named(text: str, start: int, end: int) -> bool:
    """Rules 22: is the bare service name ``text[start:end]`` (a Hangul word ending on 군: 해군,
    공군) followed by 전력, 능력 or 역량 (a space apart or glued) or a glued 력, ending the word
    there or before a particle?"""
    if text[end - 1:end] != "군" or not all(map(is_hangul, text[start:end])):
        return False
    if start and is_hangul(text[start - 1]):
        return False
    m = _CAPABILITY_AFTER.match(text, end)
    return bool(m) and word_ends(text, m.end())


# rules 17: a listed company's six-digit stock code in parentheses right after its name, as
# disclosure and market lists write it (두산(000150), ▲E1(017940)=…): the name before it is a
# whole company's name, and a listed one
_STOCK_CODE = re.compile(r"\(\s?[0-9]{6}\s?\)")


def stock_code_follows(text: str, end: int) -> bool:
    """Rules 17: is ``text[end:]`` a stock code in parentheses (``(000150)``)?"""
    return text[end:end + 1] == "(" and _STOCK_CODE.match(text, end) is not None


def word_ends(text: str, j: int) -> bool:
    """Does the Hangul word end at ``j``: the text's end, no Hangul, or only a particle after it?"""
    return j >= len(text) or not is_hangul(text[j]) or particle_follows(text, j)


def particle_follows(text: str, end: int) -> bool:
    """text[end] is Hangul: is the whole Hangul run from ``end`` a particle (combination)?"""
    n = len(text)
    j = end
    limit = end + MAX_PARTICLE_LEN
    while j < n and is_hangul(text[j]):
        j += 1
        if j > limit:
            return False
    return text[end:j] in PARTICLES


def compound_of(name: str, short: str) -> bool:
    """Is ``name`` another company's name made of the short form ``short`` glued to more
    Hangul that is no particle, product, group, outlet or country noun ("GS리테일",
    "하나증권", "토스뱅크" of "GS", "하나", "토스"; not "카카오톡", "두산그룹", "토스는")?"""
    n = len(short)
    return (len(name) > n and name.startswith(short) and is_hangul(name[n])
            and not particle_follows(name, n) and not product_follows(name, n))


# Rules 14: the company words of a full name, transliterated, as Korean glues them to a Hangul
# name (델테크놀로지스 = "Dell Technologies"): the matcher spells an entity's Latin alias "X W"
# also as each Hangul alias of X glued to W's spelling here, so the glued full name is that
# alias (and another company's "Universal Electronics", never an alias, is not read).
COMPANY_WORDS: dict[str, tuple[str, ...]] = {
    "Technologies": ("테크놀로지스", "테크놀러지스"), "Technology": ("테크놀로지", "테크놀러지"),
    "Electronics": ("일렉트로닉스",), "Motors": ("모터스",), "Motor": ("모터",),
    "Pictures": ("픽처스", "픽쳐스"), "Studios": ("스튜디오",), "Systems": ("시스템즈",),
    "Airlines": ("에어라인스",), "Corporation": ("코퍼레이션",), "Holdings": ("홀딩스",),
    "Entertainment": ("엔터테인먼트",), "Networks": ("네트웍스", "네트워크스"),
}
# Rules 17: the Hangul industry words a company's name is made of after a Latin name
# (SCG 케미칼 트레이딩): COMPANY_WORDS' spellings and a few more; read by
# corroborate.other_company, which lets a run of them through only when it spells the entity's
# own alias (SCG 케미칼 = SCG케미칼) and flags another company when it goes on past one
HANGUL_COMPANY_WORDS: frozenset[str] = frozenset(
    [w for ws in COMPANY_WORDS.values() for w in ws]
    + ["케미칼", "케미컬", "트레이딩", "인터내셔널", "솔루션즈", "캐피탈", "파트너스", "인더스트리",
       "인더스트리즈", "일렉트릭", "머티리얼즈"])
# (not 에너지, 솔루션, 글로벌: everyday loanwords after a group's name, "LG 글로벌 시장", "SK 에너지
# 사업", which would take the group's every bare mention with them)
_HANGUL_WORD_RUN = re.compile(r"\s?([가-힣]+)")


def company_words_after(text: str, end: int) -> list[str]:
    """Rules 17: the Hangul industry words (HANGUL_COMPANY_WORDS) that follow ``end``, each
    written apart or glued, as far as they go (" 케미칼 트레이딩과" -> 케미칼, 트레이딩; the last
    may carry a particle)."""
    words: list[str] = []
    j = end
    while True:
        m = _HANGUL_WORD_RUN.match(text, j)
        if not m:
            return words
        run = m.group(1)
        w = next((w for w in HANGUL_COMPANY_WORDS if run.startswith(w) and (
            len(run) == len(w) or particle_follows(text, m.start(1) + len(w)))), "")
        if not w:
            return words
        words.append(w)
        if len(run) > len(w):  # a particle closes the name
            return words
        j = m.end()


# Rules 14: an affiliate's kind, glued to a group's short form, names the affiliate (삼성카드,
# 삼성생명, 현대중공업: the labels' convention, a company of the group named on its own is not the
# group); in an elided list the last item's kind is every item's (신한·삼성·롯데카드 = 신한카드,
# 삼성카드, 롯데카드). Not 은행 (a group's bank is one of its aliases: 우리은행, 하나은행) nor 차
# (현대차 is Hyundai Motor's own short name).
AFFILIATE_NOUNS: tuple[str, ...] = (
    "카드", "생명", "화재", "해상", "증권", "물산", "중공업", "바이오로직스", "바이오에피스", "캐피탈",
    "손해보험", "자산운용", "저축은행", "건설", "화학", "전기", "엔지니어링", "SDI", "SDS", "쇼핑",
    "백화점", "제과", "칠성", "케미칼", "글로벌", "에너지", "에너지솔루션", "디스플레이", "이노텍",
)
# Rules 16: the same kinds as headlines abbreviate them, one Hanja glued to the short form
# (현대차證 = 현대차증권, Hyundai Motor Securities; 삼성重 = 삼성중공업; LG化 = LG화학; 한화生 =
# 한화생명): the affiliate, not the name it starts with. Not 車 (현대車 is Hyundai Motor's own
# name), 電 (삼성電 is Samsung Electronics, the group's flagship) nor 銀 (a group's bank is its alias).
AFFILIATE_HANJA: frozenset[str] = frozenset("證重化建生")
# Rules 14: a Korean political faction is written as a prefix glued to a person's name, with or
# without 계 ("faction") after it: 친윤석열계 (pro-Yoon), 비윤석열계, 반윤석열: the person named.
FACTION_PREFIXES: tuple[str, ...] = ("친", "비", "반")

_ELIDED = re.compile(r"(?<![가-힣A-Za-z0-9])((?:[가-힣A-Za-z0-9]+·)+)([가-힣A-Za-z0-9]+)")


def elided_lists(text: str):
    """Yield (items, last) for each dotted list of names written with their shared ending once,
    after the last item (현대·기아차, KB국민·신한·하나·우리은행의): ``items`` the (start, end) of each
    item but the last, ``last`` the last item's run (its particle included). Reading the items
    as names is the caller's: only the ending the lookup confirms counts."""
    if "·" not in text:
        return
    for m in _ELIDED.finditer(text):
        pos = m.start(1)
        items = []
        for part in m.group(1).split("·")[:-1]:
            items.append((pos, pos + len(part)))
            pos += len(part) + 1
        yield items, m.group(2)


def endings(last: str):
    """The endings the items of an elided list may share, longest first: every proper suffix of
    the last item, with or without a particle after it (우리은행의 -> 리은행, 은행, 행)."""
    runs = [last]
    for k in range(1, min(MAX_PARTICLE_LEN, len(last) - 1) + 1):
        if last[-k:] in PARTICLES:
            runs.append(last[:-k])
    seen = set()
    for run in runs:
        for k in range(1, len(run)):
            if run[k:] not in seen:
                seen.add(run[k:])
                yield run[k:]
