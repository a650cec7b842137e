"""Link-list boilerplate (scrapers/boilerplate.py) and the <br>-body finder (scrapers/brbody.py)."""
from __future__ import annotations

import lxml.html
import pytest

from scrapers import boilerplate, brbody
from scrapers.htmltext import node_text

LINKS = "".join(f"<li><a href='/v/{i}'>다른 회사 소식 제목 {i}번</a></li>" for i in range(4))
EN_LINKS = "".join(f"<li><a href='/s/{i}'>Another company story number {i}</a></li>" for i in range(4))
PROSE = "<p>본문 첫 문단입니다. 회사는 새 공장을 짓는다고 밝혔다.</p><p>둘째 문단입니다. 투자 규모는 크다.</p>"


def text_after(html: str) -> tuple[int, str]:
    tree = lxml.html.document_fromstring(html)
    n = boilerplate.remove_link_lists(tree, html)
    return n, node_text(tree.find("body"))


@pytest.mark.parametrize("heading", [
    "<h3>많이 본 뉴스</h3>", "<h4>인기 기사</h4>", "<strong>관련기사</strong>", "<h2>주요 뉴스</h2>",
    "<div class='tit'><h3><a href='/rank'>실시간 인기</a></h3></div>", "<h2>Most read</h2>",
    "<h3>Most Popular</h3>", "<h4>Related</h4>", "<h2>Trending now</h2>", "<h3>More stories</h3>",
    "<span>You may also like</span>"])
def test_heading_and_its_link_list_are_removed(heading):
    n, text = text_after(f"<html><body>{PROSE}<div class='box'>{heading}<ul>{EN_LINKS}{LINKS}</ul></div></body></html>")
    assert n == 1
    assert "다른 회사" not in text and "Another company" not in text
    assert "본문 첫 문단입니다" in text and "둘째 문단입니다" in text


def test_wrapper_goes_and_links_without_list_element():
    html = (f"<html><body><div id='art'>{PROSE}</div><div class='rank'><div class='head'><b>Related</b></div>"
            "<a href='/1'>First related story title</a> <a href='/2'>Second related story title</a></div>"
            "<p>Footer words</p></body></html>")
    tree = lxml.html.document_fromstring(html)
    assert boilerplate.remove_link_lists(tree, html) == 1
    assert tree.find(".//div[@class='rank']") is None
    assert "Footer words" in node_text(tree.find("body"))


def test_a_heading_followed_by_prose_stays():
    html = ("<html><body><h2>Related</h2><p>Related research by the same team found that the effect "
            "holds in older adults, <a href='/x'>the study</a> says.</p></body></html>")
    assert text_after(html)[0] == 0
    html = f"<html><body><h3>관련 기사</h3>{PROSE}</body></html>"
    assert text_after(html)[0] == 0


def test_other_headings_and_long_headings_stay():
    for heading in ("<h3>회사 소개</h3>", "<h3>Most read stories about the economy in the last week of June</h3>"):
        assert text_after(f"<html><body>{heading}<ul>{LINKS}</ul></body></html>")[0] == 0


def test_page_without_heading_words_is_not_scanned():
    html = "<html><body><p>Plain page</p></body></html>"
    assert boilerplate.remove_link_lists(lxml.html.document_fromstring(html), html) == 0


BR_BODY = ("대한전자가 올해 2분기 영업이익 1천200억원을 기록하며 세 분기 만에 흑자로 돌아섰다.<br><br>"
           "회사는 25일 공시를 통해 2분기 매출이 4조3천억원으로 지난해 같은 기간보다 11% 늘었다고 밝혔다.<br><br>"
           "업계에서는 하반기에도 실적 개선 흐름이 계속될 것으로 보고 있다.")


def test_br_body_found_without_a_selector():
    html = (f"<html><body><div id='nav'><a href='/'>홈</a> <a href='/e'>경제</a></div><table><tr>"
            f"<td class='x'>{BR_BODY}<div class='share'><a href='#'>페이스북</a> <a href='#'>트위터</a></div></td>"
            "</tr></table></body></html>")
    text, method = brbody.find(lxml.html.document_fromstring(html))
    assert method == "br:td.x"
    assert text.split("\n\n")[0].startswith("대한전자가") and len(text.split("\n\n")) == 3
    assert "페이스북" not in text


def test_paragraphs_with_line_breaks_are_not_a_br_body():
    html = f"<html><body><p>{BR_BODY}</p><p>{BR_BODY}</p></body></html>"
    assert brbody.find(lxml.html.document_fromstring(html)) is None


def test_br_body_replaces_only_a_text_that_holds_it_with_short_extras():
    body = BR_BODY.replace("<br><br>", "\n\n")
    assert brbody.replaces(body, "홈 경제 사회\n\n" + body + "\n\nCopyright 데일리")
    assert brbody.replaces(body, "| " + body.replace("\n\n", " ") + " |")
    other = "전혀 다른 기사의 문단이 길게 이어진다. " * 8
    assert not brbody.replaces(body, body + "\n\n" + other)  # a paragraph the <br> body lacks
    assert not brbody.replaces(body, other)


def test_heading_words_split_over_inline_tags():
    html = f"<html><body>{PROSE}<div><h3><span class='red'>많이 본</span> 뉴스</h3><ul>{LINKS}</ul></div></body></html>"
    n, text = text_after(html)
    assert n == 1 and "다른 회사" not in text and "본문 첫 문단입니다" in text
