"""Classes of matcher errors found on the sixth held-out part of the labelled set
(tests/fixtures/labels, README there), rules 8: each class is a general rule of
watch.corroborate, watch.korean, watch.ambiguity or watch.prominence, tested on sentences
written for the test (not heldout6's), with the contrast that must stay as it was."""
from __future__ import annotations

import pytest

from tests.watch_helpers import entity, flagged
from watch import Matcher, parse_watchlist
from watch.prominence import ABOUT

DAUM = ('[[entities]]\nid = "daum"\nname = "Daum"\nkind = "company"\naliases = ["Daum", "다음"]\n'
        'ambiguous = { "다음" = true }\n')


@pytest.fixture(scope="module")
def m() -> Matcher:
    return Matcher(parse_watchlist("\n".join([
        entity("reuters", ["Reuters", "로이터"]), entity("ap", ["AP", "Associated Press"]),
        entity("cnn", ["CNN"]), entity("forbes", ["Forbes", "포브스"]), entity("google", ["Google", "구글"]),
        entity("alphabet", ["Alphabet", "알파벳"]), 
        entity("kakao", ["Kakao", "카카오"]), entity("naver", ["Naver", "네이버"]), DAUM,
        entity("woori", ["우리"]), entity("hana", ["하나"]), entity("hyundai", ["현대"]), entity("meta", ["Meta", "메타"]),
        entity("toss", ["Toss", "토스"]), entity("line", ["Line", "라인"], ["라인야후"]),
        entity("yahoo", ["Yahoo", "야후"]), entity("gs", ["GS", "GS그룹"], ["GS리테일", "허태수"]),
        entity("doosan", ["Doosan", "두산"], ["두산에너빌리티"]), entity("slack", ["Slack"]),
        entity("delta", ["Delta"]), entity("shell", ["Shell"]), entity("target", ["Target"]), entity("twitch", ["Twitch", "트위치"]), entity("amazon", ["Amazon", "아마존"]),
        entity("bp", ["BP", "BP plc"]), entity("lg", ["LG", "엘지"]), entity("samsung", ["Samsung", "삼성전자", "삼성"], ["갤럭시"]),
        entity("kt", ["KT"]), entity("walmart", ["Walmart", "월마트"]), entity("bloomberg", ["Bloomberg", "블룸버그"]),
        entity("softbank", ["SoftBank", "소프트뱅크"]), entity("x", ["X", "Twitter"]),
        entity("genesis", ["Genesis", "제네시스"]),
        entity("apple", ["Apple", "애플"], ["iPhone", "아이폰"]),
    ])))


@pytest.mark.parametrize("title, text, expected", [
    # the kind of a news outlet glued to its name is the outlet: 통신, 방송, 지
    ("", "로이터통신은 3일 유가가 더 오를 것이라고 보도했다.", ["reuters"]),
    ("", "AP통신에 따르면 투표율이 크게 올랐다.", ["ap"]),
    ("", "미국 CNN방송은 현지 시각 2일 이같이 전했다.", ["cnn"]),
    ("", "포브스지가 올해의 부자 순위를 발표했다.", ["forbes"]),
    # a country glued to a brand is the brand's business there
    ("", "구글코리아는 3일 새 개인정보 정책을 발표했다.", ["google"]),
    # contrasts: a particle before a noun ("메타지만": "it is meta, but"), a longer word
    ("", "이번 시즌 유행하는 전략은 결국 메타지만 선수들은 다른 길을 찾는다.", []),
    ("", "아마존지역 개발이 빠르게 진행되고 있다.", []),
])
def test_a_noun_glued_to_a_name_that_names_it(m, title, text, expected):
    assert flagged(m, text, title) == expected


@pytest.mark.parametrize("text, expected", [
    # a Hangul alias the watchlist marks ambiguous is a Korean common word: a company nearby
    # establishes it only when tied to it ("next week" beside Samsung is no portal)
    ("삼성전자는 다음 주 새 스마트폰을 공개한다.", ["samsung"]),
    ("네이버와 카카오는 다음 달부터 요금을 올린다.", ["kakao", "naver"]),
    # an item of the same list, a portal's service, a parent's possession
    ("네이버·다음 등 포털은 댓글 정책을 바꿨다.", ["daum", "naver"]),
    ("네이버에 맞서 다음 메일은 저장 용량을 늘렸다.", ["daum", "naver"]),
    ("카카오의 자회사 다음이 새 앱을 내놨다.", ["daum", "kakao"]),
])
def test_a_korean_word_marked_ambiguous_needs_a_tie_to_a_name_nearby(m, text, expected):
    assert flagged(m, text) == expected


@pytest.mark.parametrize("text, expected", [
    # a Korean short form as the parent of an established company ("X의 자회사 Y", "X의 Y")
    ("알파벳의 자회사 구글이 새 모델을 공개했다.", ["alphabet", "google"]),
    ("아마존의 트위치는 수수료를 내렸다.", ["amazon", "twitch"]),
    # contrasts: "our rival Google" (a noun of rivalry, not of ownership); "one China"
    ("우리의 경쟁 상대 구글은 빠르게 움직인다.", ["google"]),
    ("하나의 중국 원칙을 확인했다. 구글은 중국에서 철수했다.", ["google"]),
])
def test_a_korean_short_form_as_a_parent(m, text, expected):
    assert flagged(m, text) == expected


@pytest.mark.parametrize("text, expected", [
    # a subject of the sentence before the name, a verb of saying after a quotative ending:
    # the name is inside the reported words, the speaker is that subject
    ("정부 대변인은 이번 협상에서 우리도 물러설 수 없다고 말했다.", []),
    ("업계 관계자는 하나도 달라진 것이 없다고 밝혔다.", []),
    # contrasts: the name is the speaker; or the subject of its own act inside the report
    ("메타는 올해 전망을 그대로 유지한다고 밝혔다.", ["meta"]),
    ("관계자는 메타가 내년에 안경을 출시한다고 말했다.", ["meta"]),
    # (a time set as the topic is no speaker)
    ("올해는 메타가 적자를 피하기 어렵다고 말했다.", ["meta"]),
])
def test_a_name_inside_reported_words_is_not_the_speaker(m, text, expected):
    assert flagged(m, text) == expected


@pytest.mark.parametrize("title, text, expected", [
    # an adjective right before a loanword alias: the word, whatever its particle
    ("대표팀, 빠른 토스로 득점", "세터의 빠른 토스가 빛났다.", []),
    ("", "새로운 라인은 내년부터 가동된다.", []),
    # contrasts: a verb's relative clause before the name ("…을 출시한 애플은"), a postposition
    ("", "새 헤드셋을 출시한 애플은 판매량을 공개했다.", ["apple"]),
    ("", "이에 대한 애플의 입장은 나오지 않았다.", ["apple"]),
    ("", "토스는 3일 새 대출 상품을 출시했다고 밝혔다.", ["toss"]),
    # (an adjective before the brand modifying a noun after it: "간편한 토스 앱")
    ("", "간편한 토스 앱으로 송금하는 사람이 늘었다. 토스는 수수료를 없앴다고 밝혔다.", ["toss"]),
])
def test_an_adjective_before_a_loanword_makes_it_the_word(m, title, text, expected):
    assert flagged(m, text, title) == expected


@pytest.mark.parametrize("text, expected", [
    # an affiliate named with the short form is a company of its own: as a context term it
    # corroborates nothing, and the bare form beside it is that affiliate
    ("GS리테일이 배달 서비스를 늘린다. GS 측은 수수료 부담을 언급했다.", []),
    ("두산에너빌리티가 원전 설비를 수주했다. 두산 측은 추가 수주를 기대했다.", []),
    # contrasts: the group noun glued to the name, another context term, a merger of the short
    # form with another watched name (라인야후: the entity's own company)
    ("두산에너빌리티가 원전 설비를 수주했다. 두산그룹은 유럽 진출을 서두른다.", ["doosan"]),
    ("허태수 회장은 신사업을 강조했다. GS 측은 투자 계획을 공개했다.", ["gs"]),
    ("라인야후는 메신저 라인의 새 기능을 공개했다.", ["line"]),
])
def test_an_affiliate_context_term_is_another_company(m, text, expected):
    assert flagged(m, text) == expected


@pytest.mark.parametrize("title, text, expected", [
    # a compound of the short form used as a common word (현대인, 메타버스) is no other
    # company: the bare form's own syntax counts
    ("", "현대인의 수면 시간이 줄었다. 현대는 새 전기차를 공개했다.", ["hyundai"]),
    ("", "메타버스 사업의 적자가 커졌다. 메타가 새 안경을 공개했다.", ["meta"]),
    # contrast: a compound used as a company (a subject) still blocks the bare form
    ("", "우리카드가 새 카드를 출시했다. 우리 측은 혜택을 늘렸다고 설명했다.", []),
])
def test_a_korean_compound_blocks_only_as_a_company(m, title, text, expected):
    assert flagged(m, text, title) == expected


@pytest.mark.parametrize("text, expected", [
    # a software or business tie before an everyday-word name: "integration with Slack"
    ("The update adds a new integration with Slack for alerts.", ["slack"]),
    ("The airline signed a partnership with Delta last year.", ["delta"]),
    # contrast: a longer name after it ("Delta Lake"), nothing tied ("with Delta variants")
    ("The release improves integration with Delta Lake tables.", []),
    ("Hospitals coped with Delta in the summer.", []),
])
def test_an_integration_or_partnership_with_a_name(m, text, expected):
    assert flagged(m, text) == expected


def test_a_credited_news_source_in_a_headline_is_a_passing_mention(m):
    res = m.match('AP "선거 결과 발표 늦어져"', "개표가 늦어지고 있다.\n\nAP통신은 4일 개표율이 60%라고 전했다.")
    f = next(f for f in res.flags if f.entity_id == "ap")
    assert f.prominence < ABOUT and f.prominence_parts["passing"] == "source"
    # contrast: a company quoted in its own headline, making a statement, is its news
    res = m.match('삼성전자 "내년 반도체 회복"', "삼성전자는 4일 내년 실적이 좋아질 것이라고 밝혔다.")
    f = next(f for f in res.flags if f.entity_id == "samsung")
    assert f.prominence >= ABOUT and "passing" not in f.prominence_parts


def test_a_parent_of_the_stories_subject_is_a_passing_mention(m):
    res = m.match("트위치, 국내 서비스 종료", "아마존의 게임 방송 플랫폼 트위치가 국내 서비스를 끝낸다.\n\n"
                  "트위치는 망 사용료를 이유로 들었다.")
    by = {f.entity_id: f for f in res.flags}
    assert by["twitch"].prominence >= ABOUT
    assert by["amazon"].prominence < ABOUT and by["amazon"].prominence_parts["passing"] == "parent"


@pytest.mark.parametrize("title, text, expected", [
    # found on real Korean news read after heldout6 (not in the labelled set): a portal or
    # messenger named by what it is, also through the copula's adnominal, also in quotes
    ("", "카카오가 포털 '다음'을 별도 법인으로 떼어낸다.", ["daum"]),
    ("", "카카오가 포털 서비스인 다음의 분사를 검토한다.", ["daum"]),
    # contrast: "after" (다음 following a noun) is no describing noun
    ("", "스마트폰 다음의 기기는 안경이 될 것이라고 카카오 측은 내다봤다.", ["kakao"]),
])
def test_a_korean_word_named_by_what_it_is(m, title, text, expected):
    assert flagged(m, text, title) == expected


@pytest.mark.parametrize("title, text, expected", [
    # the word anywhere in the article makes a loanword alias the word in the headline too
    ("토스의 차이가 승부를 갈랐다", "세터가 올리는 빠르고 정확한 토스도 일품이었다.", []),
    # a Latin name in parentheses glued to a Hangul word glosses it: the name in Korean, read
    # with the Korean syntax after the parentheses
    ("", "영국 석유회사 비피(BP)가 유전 폐쇄 계획을 발표했다.", ["bp"]),
    # contrast: alone in parentheses after a space, a code or an abbreviation
    ("", "이번 대회 기록은 신기록 (BP)으로 표시됐다.", []),
])
def test_the_word_in_the_article_and_a_korean_gloss(m, title, text, expected):
    assert flagged(m, text, title) == expected


@pytest.mark.parametrize("title, text, expected", [
    # found on a second set of real Korean news read after heldout6 (outside the labelled set)
    # a model code after a Korean name
    ("", "엘지 G8과 삼성 갤럭시가 맞붙는다. 엘지 V50이 먼저 나왔다.", ["lg", "samsung"]),
    # the carrier or store a product comes through, not "through us"
    ("", "새 단말기는 KT를 통해 다음달 출시된다.", ["kt"]),
    ("", "우리를 통해 판매가 늘었다고 점주는 말했다.", []),
    # a challenge to a company, its stronghold; not "our challenge"
    ("월마트, 온라인 시장서 아마존에 도전장", "월마트가 투자를 늘린다.", ["amazon", "walmart"]),
    ("", "월마트가 아마존의 아성을 넘보고 있다.", ["amazon", "walmart"]),
    ("", "우리의 도전은 계속된다고 선수들은 말했다.", []),
    # an item of a list of a company's products ("제네시스 등 신차"), not of common things
    ("", "제네시스 등 신차 판매가 실적을 이끌었다고 설명했다.", ["genesis"]),
    ("", "제네시스 블록 등 기술 용어가 어렵다.", []),
    # owned by an established company, between angle brackets
    ("", "블룸버그는 소프트뱅크가 네이버의 자회사인 메신저 서비스 <라인>의 지분을 노린다고 보도했다.",
     ["bloomberg", "line", "naver", "softbank"]),
])
def test_korean_company_syntax_of_real_news(m, title, text, expected):
    assert flagged(m, text, title) == expected


@pytest.mark.parametrize("text, expected", [
    # a single letter after a product (camel case, or a context term of the watchlist) is a
    # model letter, not X the platform
    ("Apple unveiled the iPhone X on Tuesday, and Apple shares rose.", ["apple"]),
    ("애플이 아이폰 X를 공개했다고 밝혔다.", ["apple"]),
    # contrast: the platform after a possessive
    ("Elon Musk's X said it would sue.", ["x"]),
])
def test_a_letter_after_a_product_is_a_model_letter(m, text, expected):
    assert flagged(m, text) == expected


@pytest.mark.parametrize("title, text, expected", [
    # found on real English news read after heldout6 (outside the labelled set)
    # a ticker with any exchange's code, or the day's move
    ("", "Their peers in the UK, Shell (LON: SHEL) and BP (LON: BP.) posted similar income.", ["bp", "shell"]),
    ("", "Shares of Target (TGT -2.83%) were down on Wednesday.", ["target"]),
    # a photo credit: the agency after its photographer's name, or "AP Photo/"
    ("", "A customer at the register.\nJeff Chiu | AP 2012\n\nThe stock fell.", ["ap"]),
    ("", "Crowds gathered outside. (AP Photo/Evan Vucci)", ["ap"]),
    # an everyday word that the article reads in a fixed phrase ("the Delta variant") is that
    # thing when used bare too: "surge with Delta" and "that Delta continues" name no airline
    ("Americans seem numb to Delta", ("The Delta variant spreads. A second surge with Delta is here. "
                                      "They suggest that Delta continues to find unvaccinated people."), []),
    # contrast: the airline named as such
    ("", "The Delta variant hit travel. Delta said bookings fell, and Delta shares dropped.", ["delta"]),
])
def test_english_company_syntax_of_real_news(m, title, text, expected):
    assert flagged(m, text, title) == expected
