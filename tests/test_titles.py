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
    ("여야, 예산안 처리 합의 < 국회·정당 < 정치 < 기사본문 - 시사뉴스", "시사뉴스",
     "https://www.sisanews.kr/news/articleView.html?idxno=1", "", "여야, 예산안 처리 합의"),
    ("여야, 예산안 합의 : 정치 : 뉴스 : 한겨레", "한겨레", "https://www.hani.co.kr/arti/1.html", "", "여야, 예산안 합의"),
    ("[단독] 삼성, 평택 투자 확대 :: 조선일보", None, "https://www.chosun.com/economy/x/",
     "<a href='https://www.chosun.com/'><img src='logo.svg' alt='조선일보'></a>", "[단독] 삼성, 평택 투자 확대"),
    ('"반도체 회복"…SK하이닉스 흑자 전환ㅣ뉴스1', None, "https://www.news1.kr/articles/1",
     "<p class='copy'>Copyright ⓒ 뉴스1. All rights reserved.</p>", '"반도체 회복"…SK하이닉스 흑자 전환'),
    ("Apple vs Samsung - Round 2 | Yonhap", "Yonhap", "https://en.yna.co.kr/x", "", "Apple vs Samsung - Round 2"),
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


# --- the heading's text as the reader sees it (scrapers/headingtext.py)

def test_heading_decorations_are_dropped_when_the_rest_is_the_title():
    og = "Preparing a transition in Debusine"
    for body in (
        "<h1><a href='/p'><time datetime='2025-12-18'>Dec <span>18</span> 2025</time> Preparing a transition in Debusine</a></h1>",
        "<h1><span class='descriptor'>Blog:</span> Preparing a transition in Debusine</h1>",
        ("<h1><span class='t'><a href='/s'>Preparing a transition in Debusine</a> <span><a href='//x.com'>(x.com)</a></span>"
        "</span> <span class='comments'>87</span></h1>"),
        ("<h1>Preparing a transition in Debusine<div class='divider'></div><h3>Posted on <a><time>July 1, 2024</time></a>"
        " by infuy</h3></h1>"),
    ):
        assert headline(page("", body), [og], None, "https://example.org/blog/p") == og, body


def test_heading_words_that_are_not_in_the_title_are_kept():
    # the title strings say less than the heading: the heading is the headline as shown
    tree = page("", "<h1><span>Live:</span> Markets fall as rates rise <small>updated</small></h1>")
    assert headline(tree, ["Markets fall as rates rise - again"], None, "https://example.org/a") == \
        "Live: Markets fall as rates rise updated"


def test_line_breaks_in_a_heading_separate_words():
    tree = page("", "<h1> WEEKEND<br>CODING<br> <span>AGENT</span></h1>")
    assert headline(tree, [None, None, None, "Weekend Coding Agent | TheFocus.AI Labs"], None,
                    "https://thefocus.ai/reports/coding-agent") == "Weekend Coding Agent"


def test_capitals_and_lost_letters_of_the_heading_take_the_title_strings_writing():
    tree = page("", "<h1>BEST DRIP COFFEE MAKER: BUYING TIPS</h1>")
    assert headline(tree, ["Best Drip Coffee Maker: Buying Tips"], None, "https://example.org/a") == \
        "Best Drip Coffee Maker: Buying Tips"
    tree = page("", "<h1>The Basics Of Event Planning? Beginner? Guide</h1>")
    assert headline(tree, ["The Basics Of Event Planning: Beginner's Guide"], None, "https://example.org/a") == \
        "The Basics Of Event Planning: Beginner's Guide"
    # a heading in capitals whose words differ from every title string stays as written
    tree = page("", "<h1>BREAKING NEWS: CHELSEA SIGN KEPA</h1>")
    assert headline(tree, ["Breaking news: Chelsea sign Kepa for a record fee"], None, "https://example.org/a") == \
        "BREAKING NEWS: CHELSEA SIGN KEPA"


def test_entities_escaped_twice_and_utf8_mojibake_are_repaired():
    tree = page("", "<h1>Data Tools for 2026 | Python, SQL &amp;#x26; AI</h1>")
    assert headline(tree, ["Data Tools for 2026 | Python, SQL & AI"], None, "https://example.org/a") == \
        "Data Tools for 2026 | Python, SQL & AI"
    title = "A DIY Investor\u00e2\u0080\u0099s Guide | JOHNSON\u00e2\u0080\u0099S\u00c2\u00ae"
    assert headline(page(), [title], None, "https://www.johnsons.com/tips/x") == "A DIY Investor\u2019s Guide"
    assert headline(page(), ["Caf\u00e9 \u00bfabierto? - Ma\u00f1ana"], None, None) == "Caf\u00e9 \u00bfabierto? - Ma\u00f1ana"


def test_h1_that_repeats_the_title_after_a_section_or_short_brand_is_the_headline():
    # "Section | Headline": the h1 repeats the trailing segment, which is the headline, not a logo
    tree = page("", "<h1>Republicans Are Following Trump to Nowhere</h1>")
    strings = ["Opinion | Republicans Are Following Trump to Nowhere", None, None,
               "Opinion | Republicans Are Following Trump to Nowhere - The New York Times"]
    assert headline(tree, strings, None, "https://www.nytimes.com/2019/11/19/opinion/x.html") == \
        "Republicans Are Following Trump to Nowhere"
    tree = page("", "<h1>Impact of Climate Change on Global Agricultural Yields</h1>")
    strings = ["Visualization Studio | Impact of Climate Change on Global Agricultural Yields", None, None,
               "SVS | Impact of Climate Change on Global Agricultural Yields"]
    assert headline(tree, strings, "Visualization Studio", "https://svs.example.gov/4974") == \
        "Impact of Climate Change on Global Agricultural Yields"
    # a name-sized trailing segment repeated by an h1 is still the logo
    tree = page("", "<h1>Daily Monitor</h1><h1>Rates rise again</h1>")
    assert headline(tree, ["Rates rise again | Daily Monitor"], None, "https://example.org/a") == "Rates rise again"


def test_h1_that_is_the_first_part_of_a_title_with_a_tagline():
    tagline = ("I'm attempting to adventure peacefully, to travel and live in a way that supports a peaceful "
               "climate. Slow, minimalist, vegan and mindful.")
    tree = page("", "<h1>Affordable, Ethical, Sustainable Clothing Brands</h1>")
    title = f"Affordable, Ethical, Sustainable Clothing Brands | {tagline}"
    assert headline(tree, [title, None, None, title], "Omventure", "https://www.omventure.com/blog/x") == \
        "Affordable, Ethical, Sustainable Clothing Brands"


def test_h1_the_title_strings_do_not_confirm_is_the_headline_when_the_url_slug_names_it():
    body = "<a href='/'><h1>Coffee Kev</h1></a><article><h1>Top Picks: The Drip Coffee Makers Worth Buying</h1></article>"
    strings = ["Best Drip Coffee Maker - Kev's In-Depth Review 2026 | Coffee Kev"]
    assert headline(page("", body), strings, "Coffee Kev", "https://coffeekev.com/best-drip-coffee-maker/") == \
        "Top Picks: The Drip Coffee Makers Worth Buying"
    # a slug that names something else (or nothing: a number) leaves the h1 unconfirmed
    for url in ("https://example.com/is-stadia-worth-it", "https://example.com/news/20240229123"):
        tree = page("", "<h1>Why Don't You Go Fight For The Reindeer?</h1>")
        assert headline(tree, ["Early reviews of Stadia are not great - Digg"], "Digg", url) == \
            "Early reviews of Stadia are not great"
    # an h1 more than twice as long as the title strings is a blurb
    blurb = ("Learn which home renovations have the best return on investment and get expert tips on how to "
             "calculate the return of your home renovation before you start")
    assert headline(page("", f"<h1>{blurb}</h1>"), ["Best Home Renovation Projects"], None,
                    "https://example.com/home-renovation-return-on-investment/") == "Best Home Renovation Projects"


def test_h1_declared_as_the_headline_is_the_headline_unless_the_page_declares_many():
    body = "<h1 itemprop='headline'>The Disappearance of John M. Ford</h1><h1>More on Book Review</h1>"
    assert headline(page("", body), ["The Resurrection of the Greatest Sci-Fi Writer"], "Slate",
                    "https://slate.com/culture/2019/11/x.html") == "The Disappearance of John M. Ford"
    teasers = "".join(f"<h2 itemprop='headline'>Story {i}</h2>" for i in range(3))
    body = f"<h1 itemprop='headline'>'Why Don't You Go Fight For The Reindeer?'</h1>{teasers}"
    assert headline(page("", body), ["The Early Reviews For Stadia Are Not Great - Digg"], None,
                    "https://digg.com/2019/x") == "The Early Reviews For Stadia Are Not Great"


def test_inline_edge_between_lowercase_and_capital_separates_words_but_a_drop_cap_stays():
    tree = page("", "<h1>The Best Notion Alternatives<span class='block'>Top Note-taking Tools</span></h1>")
    assert headline(tree, [], None, None) == "The Best Notion Alternatives Top Note-taking Tools"
    tree = page("", "<h1><span class='dropcap'>T</span>he quiet return of vinyl</h1>")
    assert headline(tree, [], None, None) == "The quiet return of vinyl"


def test_title_strings_that_only_name_the_site_leave_the_choice_to_the_h1():
    body = "<a href='/'><h1>매일경제</h1></a><h1>LG전자, 1분기 영업이익 1조원 돌파 전망</h1>"
    url = "https://www.mk.co.kr/news/business/10950001"
    assert headline(page("", body), [None, None, None, "매일경제"], "매일경제", url) == "LG전자, 1분기 영업이익 1조원 돌파 전망"
    # with no h1 but the logo, the site's name is all there is
    assert headline(page("", "<h1>매일경제</h1>"), [None, None, None, "매일경제"], "매일경제", url) == "매일경제"


def test_leading_section_goes_when_another_title_string_has_the_headline_without_it():
    strings = ["Opinion | Is Football Violence a Crime?", None, None, "Is Football Violence a Crime? - WSJ"]
    assert headline(page(), strings, "WSJ", "https://www.wsj.com/articles/x-11574121884") == \
        "Is Football Violence a Crime?"
    # without that confirmation a leading segment may be part of the headline
    assert headline(page(), ["Samsung | Apple patent fight ends"], None, "https://example.com/a") == \
        "Samsung | Apple patent fight ends"


def test_a_cut_off_title_string_or_heading_gives_way_to_the_whole_one():
    strings = [None, None, "AlignMerge - Large Language Model Merging via...",
               "AlignMerge - Large Language Model Merging via Fisher-Guided Constraints"]
    assert headline(page(), strings, None, "https://example.org/abs/1") == \
        "AlignMerge - Large Language Model Merging via Fisher-Guided Constraints"
    tree = page("", "<h1>Samsung to build new chip packaging plant in…</h1>")
    strings = ["Samsung to build new chip packaging plant in Cheonan | Yonhap"]
    assert headline(tree, strings, "Yonhap", "https://en.yna.co.kr/view/AEN1") == \
        "Samsung to build new chip packaging plant in Cheonan"
    # a headline that ends in an ellipsis on purpose, with nothing longer beside it, stays
    assert headline(page(), ["Wait for it..."], None, None) == "Wait for it..."


def test_a_heading_of_many_empty_tags_is_read_but_not_taken_apart():
    body = "<h1><time>Dec 18</time> Rates rise again" + "<i></i>" * 5000 + "</h1>"
    assert headline(page("", body), ["Rates rise again"], None, "https://example.org/a") == "Dec 18 Rates rise again"
    body = "<h1><time>Dec 18</time> Rates rise again" + "<i></i>" * 10 + "</h1>"
    assert headline(page("", body), ["Rates rise again"], None, "https://example.org/a") == "Rates rise again"


def test_many_question_marks_are_not_matched_as_lost_letters():
    import time
    t0 = time.process_time()
    h1 = "Why? " * 40
    tree = page("", f"<h1>{h1}</h1>")
    assert headline(tree, ["Why! " * 40 + "x"], None, None) == h1.strip()
    assert time.process_time() - t0 < 1.0


def test_site_names_at_the_start_one_after_another_and_a_glued_domain():
    title = "SoundStage! Xperience | SoundStageXperience.com - The Five Best Noise-Canceling Headphones"
    assert headline(page(), [title], None, "https://www.soundstagexperience.com/index.php/x") == \
        "The Five Best Noise-Canceling Headphones"
    assert headline(page(), ["davidbau.com Vibe Coding"], None, "https://davidbau.com/archives/x.html") == "Vibe Coding"
    # the site's name as the first word of a headline is the headline's subject
    assert headline(page(), ["Samsung unveils new foldables"], None, "https://news.samsung.com/global/x") == \
        "Samsung unveils new foldables"


def test_a_short_trailing_segment_two_different_title_strings_share_is_the_sites():
    tree = page("", "<h1>How meditation rewires brains | Opinion</h1>")
    strings = ["How meditation rewires brains | Opinion", None, "The full impact of meditation on mind | Opinion"]
    assert headline(tree, strings, None, "https://www.commercialappeal.com/story/opinion/x/") == \
        "How meditation rewires brains"
    # the same headline after two different prefixes is the headline, not a suffix
    strings = ["NASA SVS | Impact of Climate Change on Yields", None, "SVS Studio | Impact of Climate Change on Yields"]
    assert headline(page(), strings, None, "https://svs.example.gov/4974") == "Impact of Climate Change on Yields"
    # one headline with and without the site's suffix shows no name at its start
    strings = ["Zero Waste - A Beginner's Guide", None, "Zero Waste - A Beginner's Guide – Eartheasy"]
    assert headline(page(), strings, None, "https://eartheasy.com/zero-waste") == "Zero Waste - A Beginner's Guide"


def test_a_home_link_naming_a_section_is_no_site_name_inside_a_longer_segment():
    body = ("<nav><a href='https://www.embracepetinsurance.com/'>Pet Insurance</a></nav>"
            "<h1>How Much is Pet Insurance?</h1>")
    title = "How Much is Pet Insurance | 2025 Pet Insurance Cost Guide for Dogs & Cats"
    assert headline(page("", body), [title, None, None, title], None,
                    "https://www.embracepetinsurance.com/research/pet-insurance-cost") == "How Much is Pet Insurance?"
    # while a host name still matches a segment that holds it
    assert headline(page(), ["Small models | Engora Data Blog"], None, "https://blog.engora.com/2025/x.html") == \
        "Small models"
