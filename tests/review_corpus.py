"""A small labelled corpus for the story-cluster tests: real article bodies (the golden
extraction fixtures and the sample site) and the copies other outlets run of them.

Each base story gets the variants one sees on Korean news sites:

* ``headline``: the same body under an edited headline (syndication partners retitle);
* ``extra``: the wire copy plus a paragraph the outlet added (background, share price);
* ``boiler``: the wire copy wrapped in an outlet's dateline, byline, copyright line and
  "related articles" block (extraction does not always drop them);
* ``trimmed``: the copy cut for space (last paragraphs dropped) with light copy-editing.

Different stories are kept on purpose close in topic: four different Samsung
Electronics stories (an HBM order, a packaging plant, premium TVs, Zuckerberg's visit),
two HBM capacity stories of SK hynix vs Samsung, two Korean stories on the Election
Commission (NEC). Those must NOT cluster.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

GOLDEN = Path(__file__).parent / "fixtures" / "golden"


@dataclass(frozen=True)
class Doc:
    key: str  # unique name, e.g. "samsung_hbm/trimmed"
    story: str  # ground truth: docs with the same story are near-duplicates
    lang: str
    title: str
    text: str
    feed: str = "Wire"


@dataclass
class Story:
    key: str
    lang: str
    title: str
    paragraphs: list[str]
    alt_title: str
    extra: str  # a paragraph an outlet adds
    edits: list[tuple[str, str]] = field(default_factory=list)  # copy-editing on the trimmed copy


def _golden(name: str) -> tuple[str, list[str]]:
    e = json.loads((GOLDEN / f"{name}.json").read_text(encoding="utf-8"))["expected"]
    return e["title"], [p for p in e["text"].split("\n\n") if p.strip()]


def _strip_dateline(p: str) -> str:
    p = re.sub(r"^[A-Z]+, [A-Z][a-z]+\. \d+ \(Yonhap\) -- ", "", p)
    return re.sub(r"^\(서울=연합뉴스\) \S+ 기자 = ", "", p)


def stories() -> list[Story]:
    out: list[Story] = []
    t, ps = _golden("yonhap_en")
    out.append(Story(
        "samsung_packaging", "en", t, [_strip_dateline(ps[0]), *ps[1:]],
        "Samsung to spend 4 tln won on Cheonan HBM packaging line",
        "Samsung also operates packaging lines in Onyang and Suzhou, China, and has said it will "
        "consider building an advanced packaging facility in the United States.",
        [("said Thursday", "said on Thursday"), ("percent", "%"), ("US$3 billion", "$3 billion")]))
    t, ps = _golden("joongangdaily_graph")
    out.append(Story(
        "samsung_lg_tv", "en", t, ps,
        "AI TVs: Samsung and LG bet on smart upscaling to revive sales",
        "Both companies will also expand their lineups of lifestyle screens, including portable and "
        "transparent displays, in a bid to attract younger consumers.",
        [("on Thursday", "Thursday"), ("percent", "%")]))
    t, ps = _golden("koreaherald_br")
    out.append(Story(
        "lg_hvac", "en", t, ps,
        "LG aims to double North American HVAC sales by 2030",
        "LG's shares closed 2.1 percent higher on the Korea Exchange after the announcement.",
        [("said Thursday", "said on Thursday"), ("percent", "%")]))
    out.append(Story(
        "samsung_hbm", "en", "Samsung Electronics wins HBM order as SK hynix expands capacity", [
            "Samsung Electronics has won a large order for its latest high-bandwidth memory chips from a "
            "US artificial intelligence accelerator maker, people familiar with the matter said on Friday, "
            "narrowing the gap with rival SK hynix in the fastest-growing corner of the memory market.",
            "The order covers the company's fifth-generation HBM3E chips, which stack twelve layers of DRAM "
            "on top of each other, and will be shipped from the first quarter of next year, the people said, "
            "asking not to be named because the contract has not been announced.",
            "SK hynix, which has supplied most of the HBM used in AI accelerators over the past two years, "
            "said separately that it would expand capacity at its Cheongju plant by about 30 percent and "
            "start mass production of sixth-generation HBM4 in the second half.",
            "\"Customers want a second source, and Samsung's yield problems are largely behind it,\" said "
            "an analyst at a Seoul brokerage. \"The question now is pricing.\"",
            "Shares of Samsung rose 3.2 percent in Seoul, outperforming the benchmark Kospi, which gained "
            "0.8 percent.",
        ],
        "Samsung lands major HBM3E deal from US AI chip designer: sources",
        "Samsung had struggled for more than a year to pass the qualification tests of Nvidia, the "
        "largest buyer of HBM, which weighed on its share price.",
        [("said on Friday", "said Friday"), ("percent", "%"), ("twelve", "12")]))
    out.append(Story(
        "sk_hynix_hbm_en", "en", "SK hynix to pour 20 trillion won into Yongin fab for HBM", [
            "SK hynix Inc. will invest about 20 trillion won (US$15 billion) in its first fabrication plant "
            "at the Yongin semiconductor cluster to expand production of high-bandwidth memory, the chipmaker "
            "said Friday.",
            "The board approved the plan on Thursday, and construction will begin next month with the aim of "
            "completing the plant in May 2027, the company said in a regulatory filing.",
            "SK hynix has been the main supplier of HBM3 to Nvidia and said its HBM output for this year is "
            "already sold out, as AI server makers scramble for memory that can keep pace with their "
            "accelerators.",
            "Rival Samsung Electronics has said it will more than double its HBM production capacity this "
            "year, setting the stage for a fierce race for market leadership.",
            "Analysts expect SK hynix to post an operating profit of more than 15 trillion won this year.",
        ],
        "SK hynix commits W20tr to first Yongin fab as HBM sells out",
        "The Yongin cluster, south of Seoul, is expected to host four fabs by the 2040s, with SK hynix "
        "investing a total of 120 trillion won.",
        [("said Friday", "said on Friday"), ("US$15 billion", "$15 billion")]))
    out.append(Story(
        "meta_seoul", "en", "Zuckerberg meets Samsung chief Lee Jae-yong in Seoul to discuss AI chips, XR headsets", [
            "Meta Chief Executive Mark Zuckerberg met Samsung Electronics Chairman Lee Jae-yong at the "
            "chairman's residence in Seoul on Wednesday to discuss cooperation on AI chips and "
            "extended-reality headsets, according to industry officials.",
            "It was Zuckerberg's first visit to Korea in nearly a year. The two executives were joined by "
            "senior engineers from both companies for a dinner meeting that lasted more than three hours.",
            "Meta, which owns Facebook, Instagram and WhatsApp, is one of the largest buyers of memory chips "
            "for its data centers. Lee has been meeting global technology leaders this year as Samsung tries "
            "to regain its footing in AI semiconductors.",
            "Meta-owned Reality Labs is also said to be considering Samsung's display panels for its next "
            "mixed-reality headset, although neither company confirmed talks.",
        ],
        "Lee Jae-yong hosts Zuckerberg for three-hour dinner on AI chip ties",
        "Zuckerberg is also scheduled to meet LG Electronics CEO Cho Joo-wan on Thursday to discuss "
        "cooperation on XR devices.",
        [("on Wednesday", "Wednesday"), ("three", "3")]))
    t, ps = _golden("yonhap_ko")
    out.append(Story(
        "lee_zuckerberg_ko", "ko", t, [_strip_dateline(ps[0]), *ps[1:]],
        "이재용·저커버그 4개월 만에 회동…AI 반도체 협력 논의",
        "재계에서는 이번 회동을 계기로 삼성전자와 메타의 협력이 XR 기기 전반으로 확대될 수 있다는 관측이 나온다.",
        [("최고경영자(CEO)", "CEO"), ("인공지능(AI)", "AI")]))
    t, ps = _golden("hankyung_euckr")
    out.append(Story(
        "sk_hynix_yongin_ko", "ko", t, ps,
        "SK하이닉스 용인 첫 팹에 20조 투자 확정…2027년 준공",
        "용인 반도체 클러스터에는 2040년대까지 모두 4개의 팹이 들어설 예정이며, SK하이닉스의 총 투자 규모는 120조원에 이른다.",
        [("20조원", "20조 원"), ("15조원", "15조 원")]))
    out.append(Story(
        "samsung_hbm_ko", "ko", "삼성전자, 美 AI 칩 업체에 HBM3E 대량 공급", [
            "삼성전자가 미국 인공지능(AI) 가속기 업체로부터 5세대 고대역폭메모리(HBM)인 HBM3E 대량 주문을 따낸 것으로 확인됐다.",
            "27일 업계에 따르면 이번 주문은 D램을 12단으로 쌓은 HBM3E 제품으로, 내년 1분기부터 공급이 시작될 예정이다. "
            "삼성전자는 계약이 공식 발표되지 않았다며 구체적인 내용은 밝히지 않았다.",
            "그동안 HBM 시장은 SK하이닉스가 주도해 왔다. 업계에서는 이번 수주로 삼성전자가 수율 문제를 상당 부분 해소한 것으로 보고 있다.",
            "한 증권사 연구원은 \"고객사들이 두 번째 공급처를 원하고 있다\"며 \"이제 관건은 가격\"이라고 말했다.",
            "이날 삼성전자 주가는 3.2% 오르며 코스피 상승률을 웃돌았다.",
        ],
        "삼성 HBM3E, 美 AI 가속기 업체 뚫었다…내년 1분기 공급",
        "삼성전자는 엔비디아의 HBM 품질 테스트 통과를 위해 1년 넘게 공을 들여왔다.",
        [("인공지능(AI)", "AI"), ("3.2%", "3.2퍼센트")]))
    t, ps = _golden("generic_br_ko")
    out.append(Story(
        "nec_early_voting_ko", "ko", t, ps,
        "총선 사전투표 4월 5∼6일…선관위 '수검표' 첫 도입",
        "선관위는 사전투표소 위치를 선거일 전까지 홈페이지와 모바일 앱을 통해 안내할 예정이다.",
        [("29일 밝혔다", "29일 발표했다"), ("24시간", "하루 24시간")]))
    out.append(Story(
        "nec_audit_ko", "ko", "선관위, 채용 비리 감사 결과 발표…윤 대통령 \"엄정 대응\"", [
            "중앙선거관리위원회가 25일 고위직 자녀 채용 비리 의혹에 대한 자체 감사 결과를 발표했다.",
            "선관위는 감사 결과 전·현직 직원 12명이 부당한 방식으로 채용된 사실을 확인했다고 밝혔다. "
            "선관위의 발표 직후 윤석열 대통령은 \"엄정하게 대응하라\"고 지시했다.",
            "대통령실 관계자는 \"윤 대통령은 선거 관리 기관의 신뢰 회복이 무엇보다 중요하다는 입장\"이라고 전했다.",
            "선관위는 관련자들을 수사 의뢰하고, 경력 채용 제도 전반을 개선하겠다고 밝혔다.",
        ],
        "선관위 '자녀 특혜 채용' 12명 확인…윤 대통령 \"엄정하게\"",
        "국민의힘은 선관위 사무총장의 사퇴와 국정조사를 요구했다.",
        [("25일", "25일 오후"), ("전·현직", "전현직")]))
    return out


_BOILER = {
    "en": ("By Kim Min-ji", "SEOUL, Nov. 27 (Yonhap) -- ",
           ["(END)", "Copyright (c) Yonhap News Agency. All rights reserved. Unauthorized reproduction "
            "and redistribution prohibited.", "Related articles: Most Viewed | Top News | Latest"]),
    "ko": ("김민수 기자", "(서울=연합뉴스) 김민수 기자 = ",
           ["kms@yna.co.kr", "<저작권자(c) 연합뉴스, 무단 전재-재배포, AI 학습 및 활용 금지>",
            "관련 뉴스: 많이 본 뉴스 | 주요 뉴스 | 최신 뉴스"]),
}


def variants(s: Story) -> list[Doc]:
    body = "\n\n".join(s.paragraphs)
    byline, dateline, footer = _BOILER[s.lang]
    trimmed = s.paragraphs[:max(2, len(s.paragraphs) - 2)]
    trimmed_text = "\n\n".join(trimmed)
    for a, b in s.edits:
        trimmed_text = trimmed_text.replace(a, b)
    return [
        Doc(f"{s.key}/base", s.key, s.lang, s.title, body, feed="Origin"),
        Doc(f"{s.key}/headline", s.key, s.lang, s.alt_title, body, feed="Partner"),
        Doc(f"{s.key}/extra", s.key, s.lang, s.title, body + "\n\n" + s.extra, feed="Aggregator"),
        Doc(f"{s.key}/boiler", s.key, s.lang, s.title,
            "\n\n".join([byline, dateline + s.paragraphs[0], *s.paragraphs[1:], *footer]), feed="Wire"),
        Doc(f"{s.key}/trimmed", s.key, s.lang, s.alt_title, trimmed_text, feed="Daily"),
    ]


def corpus() -> list[Doc]:
    return [d for s in stories() for d in variants(s)]
