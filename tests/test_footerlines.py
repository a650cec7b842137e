"""Outlet footer lines (``scrapers.footerlines``) and their removal at the edges of a body
(``scrapers.extract.clean_lines``): prompts go, the story's own sentences about platforms stay."""
from __future__ import annotations

import pytest

from scrapers.extract import clean_lines
from scrapers.footerlines import footer_zone_start, is_footer_line, is_korean_sentence

STORY = [
    "(서울=뉴스원) 박서연 기자 = 한빛전자가 경기 평택에 2조원을 들여 차세대 배터리 공장을 짓는다고 12일 밝혔다.",
    "회사는 이 공장에서 내년 하반기부터 전기차용 전고체 배터리를 시험 생산할 계획이다. 공장이 완공되면 생산능력은 두 배로 늘어난다.",
    "증권가에서는 이번 투자가 회사의 중장기 성장 동력이 될 것으로 보고 있다. 한 연구원은 \"투자 규모는 적정한 수준\"이라고 평가했다.",
]
EN_STORY = [
    "Nordvik Telecom will spend $2 billion over five years to bring fibre broadband to rural Norway, the company said on Tuesday.",
    "The operator plans to connect 400,000 homes by 2029, most of them in districts where mobile data is the only fast link today.",
    "Analysts said the plan would weigh on the company's dividend for two years, and the shares closed 1.4% lower in Oslo.",
]


@pytest.mark.parametrize("line", [
    # calls to action, Korean: a clause ending in the nominal imperative
    "▶ 네이버메인에 ‘뉴스1채널’ 설정하기! ▶ 여러분의 제보를 기다립니다.제보하기!",
    "▶ 연합뉴스TV 네이버 채널 구독",
    "[카카오 친구맺기] [페이스북][취재대행소 왱!(클릭)]",
    "☞ 뉴스원 유튜브 바로가기",
    # link labels led by an arrow or in brackets (shapes of 2018 Naver News footers): any
    # nominal or polite-imperative ending, or a short label naming a platform
    "▶ 네이버 홈에서 '뉴스원' 뉴스를 구독하세요.",
    "▶ '뉴스원'의 카톡 친구가 되어주세요~♥",
    "▶ 대한민국 뉴스의 시작, 뉴스원TV 앱 다운받기",
    "▶ 뉴스원 공식 페이스북",
    "[카카오톡]",
    "[모바일뉴스원 구독신청]",
    "네이버 홈에서 '뉴스원' 뉴스를 구독하세요.",
    "☞ 뉴스원 자발적 유료 구독!",
    # a tip line: label + phone / messenger ID / e-mail
    "연합뉴스TV : 02-398-4441(기사문의·제보) 카톡/라인 jebo23",
    "제보 : newsdesk@newsone.example",
    # link rows: platform names and share words only
    "Facebook Twitter LinkedIn WhatsApp Email",
    "Share on Facebook | Share on X | Copy link",
    "공유하기 페이스북 트위터 카카오톡 URL 복사",
    # calls to action, English: the imperative opens the line
    "Share this article",
    "Follow us on Twitter",
    "Follow Newsbeat on Instagram, Facebook, Twitter and YouTube.",
    "Sign up for our newsletter",
    "Subscribe to stay up to date with our latest news.",
    "Download our free app",
    "Send us your tips",
    "Enjoyed the article? Get new content delivered to your inbox.",
    "Like this article? Subscribe to our blog.",
    "Want more recipes? Follow me on Pinterest to see what I'm pinning.",
    # sign-offs to the reporters' or the outlet's profiles
    "Reach the reporters on Twitter at http://twitter.com/JaneRoeAP and http://twitter.com/jdoe",
    "twitter.com/janeroe",
    "More AP NBA: https://apnews.com/NBA and https://twitter.com/AP_Sports",
    "Contact staff writer Jane Roe at 212-000-0000 or roe@example.org.",
])
def test_outlet_prompts_are_footer_lines(line):
    assert is_footer_line(line)


@pytest.mark.parametrize("line", [
    # the story's own sentences that name platforms or the verbs
    "회사는 카카오톡 채널을 열었다.",
    "한빛전자는 고객 문의에 빠르게 답하기 위해 카카오톡 채널을 열고 상담 창구를 일원화했다고 설명했다.",
    "네이버는 뉴스 구독 서비스를 다음 달 종료한다고 밝혔다.",
    "▶ 네이버는 다음 달부터 카카오톡 채널에서도 뉴스 구독을 받는다고 밝혔다.",
    "이용자는 앱에서 '구독하기'를 누르면 된다고 회사는 설명했다.",
    "[단독] 카카오, 네이버와 지도 제휴 추진",
    # a subtitle under the headline ends in a noun too
    "중소기업도 배터리 공동 개발 참여",
    "네이버 채널 구독",
    "Meta said users can share posts with their followers.",
    "The bank said 2 million customers now follow its updates on Twitter.",
    "Download the files. Read the license. Let us know what you think.",
    "Facebook and Twitter shares fell on Monday.",
    "The tip line received 400 calls, police said.",
    "Like the story of Nokia, the company's rise was quick.",
    "Readers who enjoyed the story wrote in by the hundred.",
    "Who gains? Shares of rivals rose 3% on Monday.",
    # an embedded post is the story's quote, not a profile link
    "Who are we as a nation if we respond with retribution? pic.twitter.com/s96jjh8AlD",
    "— Jane Roe (@janeroe) March 1, 2018 https://twitter.com/janeroe/status/123456",
    "The senator posted the video at https://twitter.com/senator on Monday.",
    "Contacts between the reporter and the agency were cut off.",
    # a long line is content whatever it opens with
    "Subscribe " + "word " * 60,
])
def test_story_sentences_are_not_footer_lines(line):
    assert not is_footer_line(line)


def test_korean_sentence():
    assert is_korean_sentence("회사는 카카오톡 채널을 열었다.")
    assert not is_korean_sentence("▶ 뉴스원TV 네이버 채널 구독")
    assert not is_korean_sentence("The company opened it.")


def test_footer_zone_takes_prompts_with_their_unlabelled_lines():
    lines = EN_STORY + ["Follow Reviewed on Facebook,", "Twitter,", "or Flipboard for the latest deals.",
                        "Sign up for our newsletter.", "Expert advice dropped right in your inbox.",
                        "Enter your email:"]
    assert footer_zone_start(lines) == len(EN_STORY)


def test_footer_zone_stops_at_a_long_line_and_at_a_korean_sentence():
    long_line = "The regulator's decision, which follows a two-year review, " * 4
    assert footer_zone_start(EN_STORY + ["Sign up for our newsletter", long_line]) == len(EN_STORY) + 2
    assert footer_zone_start(STORY + ["▶ 뉴스원TV 네이버 채널 구독", "회사는 카카오톡 채널을 열었다."]) == len(STORY) + 2
    # nothing that reads as a prompt: no zone
    assert footer_zone_start(EN_STORY + ["Enter your email:"]) == len(EN_STORY) + 1


def test_footer_zone_needs_the_prompt_near_the_end():
    # a prompt followed by more than ZONE_GAP lines is not the page's footer
    lines = EN_STORY + ["Sign up for our newsletter"] + [f"Item {i}" for i in range(6)]
    assert footer_zone_start(lines) == len(lines)


def _clean(lines: list[str]) -> list[str]:
    return clean_lines("\n\n".join(lines), None)[0].split("\n\n")


def test_korean_outlet_footer_is_removed_from_the_end():
    footer = ["psy@newsone.example",
              "▶ 네이버메인에 ‘뉴스원’ 채널 설정하기! ▶ 여러분의 제보를 기다립니다. 제보하기!",
              "[카카오 친구맺기] [페이스북] [취재대행소 왕!(클릭)]",
              "뉴스원TV : 02-000-4441(기사문의·제보) 카톡/라인 jebo00 ▶ 뉴스원TV 네이버 채널 구독",
              "ⓒ 뉴스원(www.newsone.example), 무단전재 및 재배포 금지"]
    assert _clean(STORY + footer) == STORY


def test_english_outlet_footer_is_removed_from_the_end_and_a_share_row_from_the_top():
    footer = ["Share this article", "Follow us on Twitter", "Sign up for our newsletter",
              "Enter your email address", "Copyright © 2024 The Harbour Post"]
    assert _clean(["Facebook Twitter LinkedIn Email"] + EN_STORY + footer) == EN_STORY


def test_story_sentence_about_a_platform_stays_at_the_end_and_in_the_middle():
    last = "회사는 고객 상담을 위해 카카오톡 채널을 열었다고 밝혔다. 상담은 평일 오전 9시부터 가능하다."
    assert _clean(STORY + [last]) == STORY + [last]
    middle = "Meta said users can share posts with their followers from next month, the company said."
    assert _clean(EN_STORY[:1] + [middle] + EN_STORY[1:]) == EN_STORY[:1] + [middle] + EN_STORY[1:]


def test_prompts_do_not_count_against_the_one_third_guard():
    brief = ["(서울=뉴스원) 한빛전자가 평택에 배터리 공장을 짓는다고 12일 밝혔다."]
    footer = ["▶ 네이버메인에 ‘뉴스원’ 채널 설정하기! ▶ 여러분의 제보를 기다립니다. 제보하기!",
              "[카카오 친구맺기] [페이스북] [취재대행소 왕!(클릭)]"]
    assert _clean(brief + footer) == brief
    # other tail boilerplate still does: over a third of the text, nothing is removed
    credits = ["[사진=뉴스원 자료사진]", "[그래픽=뉴스원 디자인팀]", "[영상=뉴스원 보도국 취재팀 제공]"]
    assert _clean(brief + credits) == brief + credits


def test_prompts_above_a_related_list_and_a_reporter_line_above_the_prompts_go_too():
    # more teaser titles than a footer block's gap: the list is cut first, then the prompts
    related = ["관련 기사"] + [f"전고체 경쟁 {i}" for i in range(5)]
    prompts = ["▶ 뉴스원TV 네이버 채널 구독", "[카카오 친구맺기] [페이스북]"]
    assert _clean(STORY + ["박서연 기자 psy@newsone.example"] + prompts + related) == STORY
    # contrast: the story's own last sentence above the prompts stays
    last = "회사는 카카오톡 채널로 투자 설명회 일정을 알리겠다고 밝혔다."
    assert _clean(STORY + [last] + prompts + related) == STORY + [last]


def test_a_korean_subtitle_ending_in_a_noun_stays_at_the_top():
    subtitle = "중소기업도 배터리 공동 개발 참여"
    assert _clean([subtitle] + STORY) == [subtitle] + STORY
