"""Outlet footer lines: calls to action and platform link rows at the edges of a body.

News pages end the article with the outlet's own prompts, which name platforms rather than the
story's subjects: "▶ 네이버메인에 ‘뉴스1채널’ 설정하기! ▶ 여러분의 제보를 기다립니다.제보하기!",
"[카카오 친구맺기] [페이스북]", "연합뉴스TV : 02-398-4441(기사문의·제보) 카톡/라인 jebo23",
"Share this article", "Follow us on Twitter", "Sign up for our newsletter". Left in the body,
Naver, Kakao, LINE or Twitter would be flagged as mentioned by every article of the outlet.

``is_footer_line`` recognises these shapes, by form rather than by outlet:

- a call to action: an English line that *starts* with the imperative (share this / follow us
  on / sign up for / subscribe to / download our app / send us your tips / reach the reporter),
  or a Korean one with a clause that ends in such a verb as a button label ("설정하기!",
  "제보하기", "친구맺기", "바로가기"), or a link label led by "▶"/"☞" or in brackets ("▶ ...
  채널 구독", "▶ ... 모아보기", "[카카오톡]") - a Korean news sentence ends in "-다." instead;
- a link row: only platform names and share words ("Facebook Twitter LinkedIn Email",
  "[카카오 친구맺기] [페이스북]"), two platforms at least;
- a tip line: a tip or article-enquiry label with a telephone number, a messenger ID or an
  e-mail address ("기사문의·제보 02-398-4441 카톡/라인 jebo23"); a short line with a link to a
  platform profile ("twitter.com/name"), not to a post.

A sentence that only talks about a platform ("회사는 카카오톡 채널을 열었다.", "Meta said users
can share posts.") is none of these: the English verb is not at the start, the Korean clause
ends in "-다.", and there are words other than platform names. The caller uses the test only at
the edges of the body (``scrapers.extract.clean_lines``).
"""
from __future__ import annotations

import re
from functools import lru_cache

# Longer lines are content (a paragraph that happens to mention a newsletter).
MAX_FOOTER_CHARS = 200
# Unlabelled lines allowed in a footer block (``footer_zone_start``) below or between its prompts.
ZONE_GAP = 4

_PLATFORM = (r"facebook|twitter|x|instagram|linkedin|whatsapp|telegram|youtube|tiktok|pinterest|"
             r"reddit|flipboard|threads|bluesky|mastodon|snapchat|kakao(?:talk|story)?|naver|line|band|"
             r"email|e-mail|mail|print|rss|"
             r"카카오톡?|카카오스토리|카톡|네이버|페이스북|페북|트위터|인스타그램|인스타|유튜브|라인|밴드|텔레그램|"
             r"링크드인|틱톡|스레드|엑스|이메일|메일|블로그")
# Platforms one follows (not the ambiguous "line", "x", "band", "mail": "find it on line 5").
_SOCIAL = r"facebook|twitter|instagram|linkedin|whatsapp|telegram|youtube|tiktok|pinterest|threads|bluesky"
_PLATFORM_WORD = re.compile(rf"^(?:{_PLATFORM})$", re.IGNORECASE)
# Words that may stand beside platform names in a share/follow row.
_ROW_FILLER = re.compile(
    r"^(?:share|shares|sharing|on|via|us|follow|copy|link|url|the|this|article|story|post|page|"
    r"messenger|tweet|pin|print|save|comment|comments|"
    r"공유|공유하기|친구|맺기|친구맺기|친구추가|추가|구독|구독하기|바로가기|보내기|클릭|하기|복사|링크|주소|스크랩|인쇄|"
    r"채널|기사|닫기)$", re.IGNORECASE)
_ROW_SPLIT = re.compile(r"[\s,|/·•\[\]()<>▶►☞※:;!?+&-]+")

# A link to a profile on a platform ("twitter.com/name", "https://www.facebook.com/Page"): not
# a post ("pic.twitter.com/..", ".../status/..": an embedded post is the story's quote).
_PROFILE_URL = re.compile(
    r"(?<![\w.])(?:https?://)?(?:www\.)?(?:twitter|x|facebook|instagram|linkedin|youtube|tiktok|pinterest|"
    r"threads)\.(?:com|net)/(?:@?[\w.-]+)/?(?=$|[\s,;)])", re.IGNORECASE)
# A line with such a link is a sign-off ("Reach the reporters on Twitter at ..", "More AP NBA:
# .. and https://twitter.com/AP_Sports") when it is this short and does not end a sentence.
MAX_PROFILE_LINE_CHARS = 160

# English call to action: the imperative opens the line ("Please share this", "Follow us on X").
_EN_CTA = re.compile(
    # (after a short question: "Want more recipes? Follow me on Pinterest")
    r"^\W*(?:[^.?!\n]{1,60}\?\s*)?(?:please\s+|(?:don'?t forget|be sure|make sure) to\s+)?(?:"
    r"share\s+(?:this|the|on|via|it)\b|"
    r"(?:follow|like|join|find|connect with)\s+(?:us|me)\b|"
    rf"(?:follow|like|join|find)\s+[\w.&'’@-]+(?:\s+[\w.&'’@-]+){{0,3}}\s+on\s+(?:{_SOCIAL})\b|"
    r"sign\s+up\b|subscribe\b|"
    r"download\s+(?:the|our)\s+(?:[\w-]+\s+)?app\b|get\s+(?:the|our)\s+(?:[\w-]+\s+)?(?:newsletter|app)\b|"
    r"(?:send|email|e-mail)\s+(?:us\s+)?(?:your\s+)?(?:news\s+)?tips?\b|"
    r"(?:have|got)\s+a\s+(?:news\s+)?tip\b|"
    r"(?:reach|contact)\s+(?:the\s+)?(?:[\w-]+\s+){0,2}?(?:reporters?|writers?|authors?|editors?|columnist)\b|"
    # "Like this article? Subscribe ...", "Enjoyed the article? Get ...": not "Like the story of ..."
    r"(?:if\s+you\s+)?(?:(?:liked?|enjoy(?:ed)?|loved?)\s+(?:this|my|our)|enjoy(?:ed)?\s+the)\s+"
    r"(?:article|story|post|blog)\b)", re.IGNORECASE)
# Korean call to action: a clause that ends in a prompt verb as a button label ("설정하기!",
# "제보하기", "친구맺기", "바로가기", "앱 다운받기", "구독하세요") or as a bare noun with "!"
# ("구독!"). A bare noun without it ("채널 구독") only in a link label (below): a subtitle under
# the headline ends in a noun too ("중소기업도 사업 참여").
_KO_PROMPT_VERB = r"(?:설정|구독|제보|추가|신청|다운로드|공유|참여|클릭)"
_KO_CTA_END = re.compile(
    rf"(?:{_KO_PROMPT_VERB}\s*(?:하기|하세요)|다운\s*받기|친구\s*맺기|바로\s*가기)\s*[.!~♥)\]】]*\s*$|"
    rf"{_KO_PROMPT_VERB}\s*!+[)\]】]*\s*$")
_KO_LABEL_NOUN_END = re.compile(rf"{_KO_PROMPT_VERB}\s*[!~♥)\]】]*\s*$")
# A clause led by a link arrow or in brackets is a link label: also any nominal ("모아보기",
# "확인하기") or polite imperative ending ("친구가 되어주세요~♥", "구독하세요."), or a short label
# naming a platform ("▶ 동아일보 공식 페이스북", "[카카오톡]").
_KO_LABEL_END = re.compile(r"(?:기|세요)\s*[.!~♥)\]】]*\s*$")
_KO_LABEL_PLATFORM_CHARS = 40
_PLATFORM_IN = re.compile(r"카카오톡?|카톡|네이버|페이스북|트위터|인스타그램|유튜브|텔레그램|밴드|라인")
# The clauses of a prompt line: "[...]" items, "▶..." items, plain text between them.
_KO_CLAUSE = re.compile(r"\[[^\[\]]*\]?|[▶►☞][^▶►☞\[]*|[^▶►☞\[]+")
_HANGUL = re.compile(r"[가-힣]")
# A Korean declarative sentence end: the line is prose, not a button label ("-요" is checked
# separately: "구독하세요." is a prompt when it is a link label).
_KO_DECLARATIVE = re.compile(r"다[.!?\"”’)]*\s*$")
_KO_SENTENCE = re.compile(r"(?:다|요|죠)[.!?\"”’)]*\s*$")
# Tip / enquiry label with a way to reach the newsroom.
_TIP_LABEL = re.compile(r"제보|기사\s*문의|취재\s*문의|\btips?\b|\bnews\s*desk\b", re.IGNORECASE)
# (case-sensitive messenger names: "the tip line received 400 calls" names no messenger)
_CONTACT = re.compile(r"\d{2,4}[-.)\s]\d{3,4}[-.\s]\d{4}|\S+@\S+\.\w+|카톡|카카오톡|라인|\bLINE\b|WhatsApp|"
                      r"Telegram|Signal")


def _is_link_row(line: str) -> bool:
    tokens = [t for t in _ROW_SPLIT.split(line) if t]
    platforms = sum(1 for t in tokens if _PLATFORM_WORD.match(t))
    return platforms >= 2 and all(_PLATFORM_WORD.match(t) or _ROW_FILLER.match(t) for t in tokens)


def _is_korean_cta_clause(clause: str) -> bool:
    clause = clause.strip()
    if _KO_CTA_END.search(clause):
        return True
    if not clause.startswith(("[", "▶", "►", "☞")):
        return False
    return bool(_KO_LABEL_END.search(clause) or _KO_LABEL_NOUN_END.search(clause)) or (
        len(clause) <= _KO_LABEL_PLATFORM_CHARS and bool(_PLATFORM_IN.search(clause)))


def _is_korean_cta(line: str) -> bool:
    if not _HANGUL.search(line) or _KO_DECLARATIVE.search(line):
        return False
    return any(_is_korean_cta_clause(c) for c in _KO_CLAUSE.findall(line))


def _is_profile_link_line(line: str) -> bool:
    return (len(line) <= MAX_PROFILE_LINE_CHARS and not line.endswith((".", "!", "?", "\"", "”"))
            and bool(_PROFILE_URL.search(line)))


def _is_tip_line(line: str) -> bool:
    return (len(line) <= 150 and not _KO_SENTENCE.search(line)
            and bool(_TIP_LABEL.search(line)) and bool(_CONTACT.search(line)))


@lru_cache(maxsize=2048)  # pure; the filters of one page test the same lines several times
def is_footer_line(line: str) -> bool:
    """True for an outlet's call to action, share/follow link row or tip line (see module doc)."""
    line = line.strip()
    if not line or len(line) > MAX_FOOTER_CHARS:
        return False
    return (bool(_EN_CTA.match(line)) or _is_link_row(line) or _is_korean_cta(line) or _is_tip_line(line)
            or _is_profile_link_line(line))


def is_korean_sentence(line: str) -> bool:
    """A Korean line that ends as a sentence ("...을 열었다.", "...했어요.") and is not a prompt."""
    return bool(_HANGUL.search(line)) and bool(_KO_SENTENCE.search(line.strip())) and not is_footer_line(line)


def footer_zone_start(lines: list[str]) -> int:
    """Where an outlet's footer block starts at the end of ``lines`` (``len(lines)`` if none).

    The block is a run of footer lines (``is_footer_line``) at the end of the text, each at most
    ``ZONE_GAP`` lines from the next one (or from the end), together with the lines between
    them, when every line of it is short (``MAX_FOOTER_CHARS``) and none is a Korean declarative
    sentence. A prompt block carries unlabelled lines of its own ("Expert advice dropped right in
    your inbox.", "Enter your email:", "Listen live at 12:45", "Twitter,"), which the references
    of both corpora leave out with the prompt."""
    start = len(lines)
    for i in range(len(lines) - 1, -1, -1):
        line = lines[i]
        if start - i > ZONE_GAP + 1:
            break
        if is_footer_line(line):
            start = i
        elif len(line) > MAX_FOOTER_CHARS or is_korean_sentence(line):
            break
    return start
