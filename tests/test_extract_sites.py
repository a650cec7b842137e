"""The declarative site table and the <br>-aware text conversion."""
from __future__ import annotations

import lxml.html
import pytest
from lxml.cssselect import CSSSelector

from scrapers import sites
from scrapers.embedded import best_from_json, embedded_body, to_text
from scrapers.htmltext import node_text


@pytest.mark.parametrize("url, name", [
    ("https://en.yna.co.kr/view/AEN20240229004500320", "yonhap"),
    ("https://www.yna.co.kr/view/AKR20240229123400003", "yonhap"),
    ("https://m.koreaherald.com/view.php?ud=1", "koreaherald"),
    ("https://www.hankyung.com/article/1", "hankyung"),
    ("https://english.hani.co.kr/arti/1.html", "hankyoreh"),
    ("https://notyna.co.kr/view/1", None),     # a suffix match must be on a label boundary
    ("https://example.com/", None),
    (None, None),
])
def test_rule_for(url, name):
    rule = sites.rule_for(url)
    assert (rule.name if rule else None) == name


def test_every_selector_in_the_table_compiles():
    for rule in sites.SITE_RULES:
        assert rule.domains and rule.body, rule.name
        for sel in rule.body + rule.drop:
            CSSSelector(sel)
    for sel in sites.GENERIC_BODIES + sites.COMMON_DROP:
        CSSSelector(sel)


def test_rule_names_are_unique():
    names = [r.name for r in sites.SITE_RULES]
    assert len(names) == len(set(names))


def test_node_text_br_paragraphs():
    el = lxml.html.fragment_fromstring(
        "<div>첫 문단입니다.<br><br>둘째 문단<b>굵게</b> 이어짐.<br>같은 문단의 둘째 줄<br/>\n<br/>셋째 문단"
        "<script>var x=1;</script><p>넷째 문단</p>꼬리</div>")
    assert node_text(el) == ("첫 문단입니다.\n\n둘째 문단굵게 이어짐.\n같은 문단의 둘째 줄\n\n셋째 문단\n\n"
                             "넷째 문단\n\n꼬리")


def test_dropped_element_keeps_its_tail_in_br_bodies():
    html = ("<html><body><div id='articletxt'>" + "첫 문단은 충분히 길게 씁니다. " * 6 +
            "<br><br><figure><img src='a.jpg'><figcaption>사진=회사</figcaption></figure>"
            "둘째 문단은 그림 다음에 옵니다.<br><br><div class='ad-area'>광고</div>셋째 문단.</div></body></html>")
    tree = lxml.html.document_fromstring(html)
    text, sel = sites.site_body(tree, sites.rule_for("https://www.hankyung.com/article/1"))
    assert sel == "#articletxt"
    assert "사진=회사" not in text and "광고" not in text
    assert text.split("\n\n")[1:] == ["둘째 문단은 그림 다음에 옵니다.", "셋째 문단."]


def test_link_dense_container_is_not_a_body():
    links = "".join(f"<li><a href='/v/{i}'>다른 기사 제목 {i}번이 여기에 있습니다</a></li>" for i in range(20))
    tree = lxml.html.document_fromstring(f"<html><body><div id='articleBody'><ul>{links}</ul></div></body></html>")
    assert sites.generic_body(tree) is None


def test_generic_container_ignores_body_element():
    tree = lxml.html.document_fromstring(
        "<html><body id='article_body'><p>" + "menu text " * 50 + "</p></body></html>")
    assert sites.generic_body(tree) is None


def test_embedded_helpers():
    assert to_text("<p>One.</p><p>Two<br>three</p>") == "One.\n\nTwo\nthree"
    assert to_text("plain\n\n\ntext") == "plain\n\ntext"
    body = "이것은 본문입니다. " * 40
    data = {"props": {"nav": [{"title": "메뉴"}], "description": "요약 " * 100,
                      "article": {"content": f"<p>{body}</p>"}}}
    assert best_from_json(data) == body.strip()
    assert best_from_json({"items": ["http://x/" * 50]}) == ""
    script = 'self.__next_f.push([1,"3:[\\"$\\",\\"div\\",null,{\\"contentHtml\\":\\"<p>' + body + '</p>\\"}]\\n"])'
    tree = lxml.html.document_fromstring(f"<html><body><script>{script}</script></body></html>")
    assert embedded_body(tree, []) == (body.strip(), "embedded:flight")


def test_arc_fusion_content_elements_in_a_state_script():
    sentences = [f"문단 {i}: 삼성전자는 새로운 반도체 공장 건설 계획을 발표했으며 투자 규모는 계속 늘어날 전망이다." for i in range(6)]
    state = {"content_elements": [{"type": "text", "content": s} for s in sentences[:3]]
             + [{"type": "image", "url": "/a.jpg", "caption": "사진 설명"}]
             + [{"type": "text", "content": f"<b>{s}</b>"} for s in sentences[3:]]}
    import json
    script = "Fusion.globalContent=" + json.dumps(state, ensure_ascii=False) + ";Fusion.other={};"
    tree = lxml.html.document_fromstring(f"<html><body><script>{script}</script></body></html>")
    text, method = embedded_body(tree, [])
    assert (text.split("\n\n"), method) == (sentences, "embedded:script")
