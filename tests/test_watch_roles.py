"""watch.roles: the part a mention plays in its sentence (source, platform, relation, link,
listed), which prominence reads to tell a story's subject from a name it only cites."""
from __future__ import annotations

import pytest

from watch.roles import role


def role_of(text: str, name: str, nth: int = 0) -> str | None:
    start = -1
    for _ in range(nth + 1):
        start = text.index(name, start + 1)
    return role(text, start, start + len(name))


@pytest.mark.parametrize("text, name", [
    # Korean: "according to", a report, the subject of a verb of reporting, "looking at"
    ("미국 워싱턴포스트에 따르면 니에토 대통령은 이달 말 미국을 방문할 예정이었다.", "워싱턴포스트"),
    ("CNN, 뉴욕타임스(NYT),워싱턴포스트(WP) 등에 따르면, 이번 공개는 합의에 따른 것이다.", "워싱턴포스트"),
    ("CNN, 뉴욕타임스(NYT),워싱턴포스트(WP) 등에 따르면, 이번 공개는 합의에 따른 것이다.", "WP"),
    ("설전을 벌였다고 워싱턴포스트(WP)가 24일(현지시간) 보도했다. 방문 계획도 취소됐다.", "워싱턴포스트"),
    ("공개서한을 발송했다고 미 경제매체 CNBC가 24일(현지시간) 보도했다.", "CNBC"),
    ("블룸버그 통신은 트럼프 대통령이 관세 24%를 선호한다고 보도했다.", "블룸버그"),
    ("로이터는 3일 해운업계 관계자를 인용해 보험료가 두 배로 올랐다고 전했다.", "로이터"),
    ("24일 <워싱턴 포스트>를 보면 국무부 대변인은 성명을 냈다.", "워싱턴 포스트"),
    ("WP 보도 이후 로이터통신은 양국 정부의 입장을 전했다.", "WP"),
    # credits: a bracketed credit with "=", a photo credit
    ("【평창=AP/뉴시스】오애리 기자 = 이방카 보좌관이 25일 평창을 찾았다.", "AP"),
    ("[AP=연합뉴스 자료사진] 이방카 트럼프 백악관 보좌관.", "AP"),
    ("시상식 장면. 사진=로이터 제공", "로이터"),
    ("The plant in Pyeongtaek. Photo: Reuters", "Reuters"),
    # English
    ("The deal was worth $2bn, according to Reuters.", "Reuters"),
    ("The firm will cut 500 jobs, CNBC reported on Tuesday.", "CNBC"),
    ("Talks have stalled, Bloomberg News reported, citing people familiar with the matter.", "Bloomberg"),
    ("\"If they default, we will fight them,\" he told the Reuters news agency.", "Reuters"),
    ("\"We are not surprised,\" she told ABC News.", "ABC News"),
    ("LONDON (Reuters) - Shares fell sharply on Monday.", "Reuters"),
    ("The figures come from a report by Bloomberg last week.", "Bloomberg"),
    ("He put up an Islamic flag, as Reuters reported, during the siege.", "Reuters"),
])
def test_a_cited_source(text, name):
    assert role_of(text, name) == "source"


@pytest.mark.parametrize("text, name", [
    ("삼성전자는 29일 2분기 영업이익이 10조원으로 늘었다고 밝혔다.", "삼성전자"),  # a statement, not a report
    ("Samsung reported record profit for the quarter.", "Samsung"),  # a company's results
    ("Mozilla reported that its revenue for 2011 was $163m.", "Mozilla"),
    ("Samsung reported on Tuesday that its profit rose.", "Samsung"),
    ("In fiscal 2025, Snowflake reported free cash flow of $884m.", "Snowflake"),
    ("Static images can only be used in videos: TikTok is a video-first platform.", "TikTok"),
    ("Samsung said it would build a new plant.", "Samsung"),  # "said" is not a credit
    ("Masayoshi Son has told WeWork executives to find new revenue.", "WeWork"),
    ("The regulator fined Reuters for the breach.", "Reuters"),
])
def test_not_a_source(text, name):
    assert role_of(text, name) is None


@pytest.mark.parametrize("text, name", [
    ("문 대통령은 이날 페이스북에 “한국 여자 컬링팀의 은메달 쾌거에 축하를 드린다”고 썼다.", "페이스북"),
    ("감사드린다”는 메시지를 페이스북에 남겼다. 문 대통령은 또 말했다.", "페이스북"),
    ("교수는 페이스북에 올린 글에서 우려를 나타냈다.", "페이스북"),
    ("뒤이어 10일에는 트위터에  \"민주당은 메모가 공개돼서는 안 된다\"고 주장했다.", "트위터"),
    ("Taylor Swift posted on Twitter accusing Big Machine of blocking her.", "Twitter"),
    ("The group said on Twitter that the contract confused employees.", "Twitter"),
    ("She wrote in a Facebook post that the photo was misread.", "Facebook"),
])
def test_where_someone_posted(text, name):
    assert role_of(text, name) == "platform"


@pytest.mark.parametrize("text, name", [
    ("SK하이닉스는 첫 물량을 엔비디아에 공급한다고 2일 밝혔다.", "엔비디아"),  # a customer
    ("You can find mesh routers on Amazon for less.", "Amazon"),
    ("페이스북이 새 메신저 기능을 공개했다.", "페이스북"),
])
def test_not_a_platform(text, name):
    assert role_of(text, name) is None


@pytest.mark.parametrize("text, name", [
    ("도널드 트럼프 미국 대통령의 장녀 이방카 트럼프 백악관 보좌관이 방한했다.", "도널드 트럼프"),
    ("트럼프 대통령의 장녀인 이방카 백악관 보좌관이 평창을 찾았다.", "트럼프"),
    ("트럼프 대통령의 맏사위인 재러드 쿠슈너 선임 고문이 협상안을 만들었다.", "트럼프"),
    ("현대자동차의 고급 브랜드 제네시스가 미국에서 판매 호조를 이어갔다.", "현대자동차"),
    ("Trump's daughter Ivanka arrived in Seoul on Friday.", "Trump"),
    ("Ivanka, the eldest daughter of President Donald Trump, arrived in Seoul.", "Donald Trump"),
])
def test_the_possessor_of_a_relation(text, name):
    assert role_of(text, name) == "relation"


@pytest.mark.parametrize("text, name", [
    ("애플의 브랜드 가치가 1조달러를 넘었다.", "애플"),  # what Apple has, not who
    ("트럼프 대통령의 발언이 논란이 됐다.", "트럼프"),
    ("Trump's tariffs hit steel imports.", "Trump"),
])
def test_not_a_relation(text, name):
    assert role_of(text, name) is None


def test_a_row_of_links_and_an_insertion_in_a_quote():
    footer = "▶ 뉴시스 SNS [페이스북] [트위터]<저작권자ⓒ 공감언론 뉴시스통신사"
    assert role_of(footer, "페이스북") == role_of(footer, "트위터") == "link"
    assert role_of("\"I think if [Google] gets to 100 games, it wins,\" he said.", "Google") is None


@pytest.mark.parametrize("text, name", [
    ("It counts Cisco, DocuSign, Nasdaq, Pfizer, and Samsung among its clients.", "Samsung"),
    ("Car Talk would add Ford, Chevrolet, Hyundai, Nissan, and Kia to the list.", "Hyundai"),
    ("바이오주는 셀트리온·삼성바이오로직스·한미약품·대웅제약이 일제히 올랐다.", "한미약품"),
    ("Android phones include Samsung, Motorola, Google, Sony and Nokia.", "Samsung"),
])
def test_an_item_of_a_long_enumeration(text, name):
    assert role_of(text, name) == "listed"


@pytest.mark.parametrize("text, name", [
    ("All three destinations, Google, Meta, and OpenAI, want the same thing.", "Meta"),  # three: main subjects
    ("Samsung and SK hynix lead the memory market.", "Samsung"),
    ("However, in 2023, Samsung changed its plans.", "Samsung"),
])
def test_not_a_long_enumeration(text, name):
    assert role_of(text, name) is None


def test_the_window_stops_at_a_line_break():
    # the credit of the line before does not reach the next paragraph's subject
    text = "사진=로이터\n로이터는 구조조정 계획을 내놨다."
    assert role_of(text, "로이터", 0) == "source"
    assert role_of(text, "로이터", 1) is None
