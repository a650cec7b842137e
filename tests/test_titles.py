"""Titles (scrapers/titles.py): the article's <h1>, else og:title/<title> without the site name."""
from __future__ import annotations

import lxml.html
import pytest

from scrapers.titles import headline


def page(head: str = "", body: str = ""):
    return lxml.html.document_fromstring(f"<html><head>{head}</head><body>{body}<p>text</p></body></html>")


@pytest.mark.parametrize("title, site_name, url, body, expected", [
    ("Ontario to expand transit funding - National | Globalnews.ca", None,
     "https://globalnews.ca/news/1/", "", "Ontario to expand transit funding"),
    ("Biden signs order | The Gateway Pundit | by Jim Hoft", None,
     "https://www.thegatewaypundit.com/2024/01/x/", "", "Biden signs order"),
    ("대한전자, 2분기 영업이익 흑자 전환 : 데일리모니터", None, "http://www.dailymonitor.kr/news/view.php?no=1",
     "<div class='copy'>Copyright ⓒ 데일리모니터 무단전재 및 재배포 금지</div>", "대한전자, 2분기 영업이익 흑자 전환"),
    ("여야, 예산안 처리 합의-정치ㅣ한국일보", "한국일보", "https://www.hankookilbo.com/News/Read/A1", "",
     "여야, 예산안 처리 합의"),
    ("Leadfeeder | State of SEO in 2026: Trends and Predictions", "Leadfeeder", "https://www.leadfeeder.com/b/",
     "", "State of SEO in 2026: Trends and Predictions"),
    ("Samsung - Apple patent fight ends", None, "https://example.com/a", "", "Samsung - Apple patent fight ends"),
    ("Fitness Trends 2025: 9 Things to Keep an Eye On", "Some Site", "https://example.com/a", "",
     "Fitness Trends 2025: 9 Things to Keep an Eye On"),
])
def test_site_name_suffix_is_cut(title, site_name, url, body, expected):
    tree = page(f"<title>{title}</title>", body)
    assert headline(tree, [None, title], site_name, url) == expected


def test_h1_as_shown_wins_over_og_title():
    tree = page("<title>Health And Nutrition Trends For 2026 | Tastewise</title>",
                "<a href='/'><h1>Tastewise</h1></a><article><h1>Top 10 Health and Nutrition Trends to Watch</h1></article>")
    assert headline(tree, ["Health And Nutrition Trends For 2026", None, None,
                           "Health And Nutrition Trends For 2026 | Tastewise"], "Tastewise",
                    "https://tastewise.io/blog/x") == "Top 10 Health and Nutrition Trends to Watch"


def test_logo_or_unrelated_h1_is_not_the_headline():
    tree = page("", "<h1>Georgia Institute of Technology</h1>")
    assert headline(tree, ["Faculty hiring news", None, None, "Faculty hiring news | Georgia Institute of Technology"],
                    None, "https://gatech.edu/x") == "Faculty hiring news"
    tree = page("", "<h1 class='logo'>Daily Monitor</h1>")
    assert headline(tree, ["Rates rise again - Daily Monitor"], None, "https://dailymonitor.example/x") == "Rates rise again"


def test_h1_alone_and_nothing():
    assert headline(page("", "<h1>Only heading</h1>"), [], None, None) == "Only heading"
    assert headline(page(), [None, ""], None, None) is None


def test_photo_credit_is_not_a_site_name():
    tree = page("", "<span class='credit'>© Lee Miller</span>")
    assert headline(tree, ["Surrealist portraits - Lee Miller"], None, "https://example.com/a") == \
        "Surrealist portraits - Lee Miller"
