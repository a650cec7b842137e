"""Declarative per-site extraction rules (in the manner of Fundus's publisher table).

A rule names the outlet, its domains, the CSS selectors of its article body (tried in
order; every match of the first selector that yields enough text is used, so bodies split
around ads are joined), what to drop inside the body (photo captions, ad slots, related
links, reporter boxes, copyright lines), and the outlet's time zone and language.

Rules are data: adding an outlet is one ``SiteRule(...)`` entry, tested with a golden page.
``GENERIC_BODIES`` holds containers that Korean news CMSs share across hundreds of outlets
(ND Soft's ``#article-view-content-div``, ``itemprop=articleBody``, ...); they are used for
any host when the generic extractor finds too little (Korean bodies are often text + ``<br>``
in one ``div``, which generic extractors skip).
"""
from __future__ import annotations

import copy
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

from lxml import etree
from lxml.cssselect import CSSSelector

from scrapers.htmltext import node_text

# A selector's text must reach this many characters to count as the body.
MIN_RULE_CHARS = 120
# Above this share of text inside links a container is navigation, not a body.
MAX_LINK_DENSITY = 0.35

# Dropped inside any body found by a rule or a generic container: media captions, ad slots,
# share bars, related-article boxes, reporter cards.
COMMON_DROP = (
    "script", "style", "noscript", "iframe", "figure", "figcaption", "button", "form",
    "[class*=caption]", "[class*=photo_desc]", "[class*=img_desc]", "[class*=image-desc]",
    "[class*=related]", "[class*=relation]", "[class*=share]", "[class*=sns]",
    "[class*=advert]", "[id*=advert]", "[class*=ad_area]", "[class*=ad-area]", "[class*=adsense]",
    "[class*=reporter_area]", "[class*=copyright]", "[class*=newsletter]", "[class*=subscribe]",
    "[class*=banner]", "aside", "nav", "[role=complementary]", "[hidden]",
    "[style*='display:none']", "[style*='display: none']",
)


@dataclass(frozen=True)
class SiteRule:
    name: str
    domains: tuple[str, ...]          # the host or any parent domain matches
    body: tuple[str, ...]             # CSS selectors, first that yields the body wins
    drop: tuple[str, ...] = ()        # extra CSS selectors removed inside the body
    timezone: str | None = "Asia/Seoul"
    language: str | None = None


SITE_RULES: tuple[SiteRule, ...] = (
    SiteRule("yonhap", ("yna.co.kr",),
             body=("article.story-news", "div.story-news", ".article-txt", "div.article-story"),
             drop=(".comp-box", ".article-ad-box", ".writer-zone01", ".writer-zone",
                   ".txt-copyright", ".image-zone", ".image-zone01", ".tit-sub", ".empty-box",
                   ".keyword-zone", ".related-zone", ".aside-box"),
             language=None),  # en.yna.co.kr is English, www.yna.co.kr Korean: detected
    SiteRule("koreaherald", ("koreaherald.com",),
             body=("#articleText", "div.view_con_t", "article.article-body", "div.news_content",
                   "div.article-text"),
             drop=(".view_tit_byline", ".news_photo", ".img_caption", ".article-ad",
                   ".related-news"),
             language="en"),
    SiteRule("koreajoongangdaily", ("koreajoongangdaily.joins.com", "koreajoongangdaily.com"),
             body=("#article_body", "div.article-content-left .article_content",
                   "div.article_content"),
             drop=(".ab_photo", ".ab_related_article", ".article-photo", ".ab_byline",
                   ".byline"),
             language="en"),
    SiteRule("joongang", ("joongang.co.kr", "joins.com"),
             body=("#article_body", "div.article_body"),
             drop=(".ab_photo", ".ab_related_article", ".ab_sub_heading_box", ".ab_byline",
                   ".byline", ".ab_box_article"),
             language="ko"),
    SiteRule("koreatimes", ("koreatimes.co.kr",),
             body=("#startts", "div.view_article div.span", "div.article_body",
                   "div.editor-p-wrap", "div#article_body"),
             drop=(".view_photo", ".img_caption", ".ad", ".relation"),
             language="en"),
    SiteRule("businesskorea", ("businesskorea.co.kr",),
             body=("#article-view-content-div", "article.article-veiw-body"),
             drop=(".view-editors", ".view-copyright", ".IMGFLOATING", ".photo-layout"),
             language="en"),
    SiteRule("hankyung", ("hankyung.com",),
             body=("#articletxt", "div.article-body", "#article-body"),
             drop=(".article-figure", ".figure-img", ".ad-area", ".ad-wrap", ".txt-copyright"),
             language=None),
    SiteRule("hankyoreh", ("hani.co.kr",),
             body=("div.article-text", "div.text", "div.article-contents", "#a-left-scroll-in .text"),
             drop=(".image-area", ".desc", ".article-alignC", ".ArticleDetailContent_imageContainer"),
             language=None),  # english.hani.co.kr is English
    SiteRule("chosun", ("chosun.com",),
             body=("section.article-body", "div.article-body", "#news_body_id", "div.par"),
             drop=(".article-body__content-image", ".dfpAd", ".article-byline"),
             language=None),
    SiteRule("donga", ("donga.com",),
             body=("section.news_view", "div.article_txt", "#article_txt"),
             drop=(".articlePhotoC", ".armerica_ban", ".article_relation", ".btn_page"),
             language=None),
    SiteRule("maeil", ("mk.co.kr",),
             body=("div.news_cnt_detail_wrap", "#article_body", "div.art_txt"),
             drop=(".thumb_area", ".ad_wrap", ".news_like"),
             language=None),
    SiteRule("daum-news", ("v.daum.net", "news.daum.net"),
             body=("#harmonyContainer", "div.article_view section", "div.article_view"),
             drop=(".link_figure", ".txt_caption", ".box_recommend"),
             language="ko"),
    SiteRule("naver-news", ("n.news.naver.com", "news.naver.com"),
             body=("#dic_area", "#newsct_article", "#articleBodyContents"),
             drop=(".end_photo_org", ".img_desc", ".media_end_summary"),
             language="ko"),
)

# Containers shared by Korean CMSs (and schema.org microdata), most specific first.
GENERIC_BODIES: tuple[str, ...] = (
    "#article-view-content-div", "[itemprop=articleBody]", "#articleBody", "#articletxt",
    "#article_body", "#articleText", "#dic_area", "#newsEndContents", ".article_txt",
    "#article_txt", ".news_body", "#news_body_area", ".article_view", ".view_con",
    "#textBody", ".article-body", ".article_body", ".newsct_article", "#newsContent",
    ".news_cnt_detail_wrap", ".story-news",
)


@lru_cache(maxsize=512)
def _css(selector: str) -> CSSSelector:
    return CSSSelector(selector)


def rule_for(url: str | None) -> SiteRule | None:
    if not url:
        return None
    host = (urlsplit(url).hostname or "").lower().rstrip(".")
    for rule in SITE_RULES:
        for d in rule.domains:
            if host == d or host.endswith("." + d):
                return rule
    return None


def default_zone(url: str | None) -> tuple[str, str] | None:
    """(zone, why) for dates an outlet prints without an offset, when its config gives none:
    the site rule's zone, else Asia/Seoul for a .kr host; None (read as UTC) otherwise."""
    rule = rule_for(url)
    if rule and rule.timezone:
        return rule.timezone, f"site rule {rule.name}"
    if (urlsplit(url or "").hostname or "").lower().rstrip(".").endswith(".kr"):
        return "Asia/Seoul", ".kr host"
    return None


def _text_of(nodes: list[etree._Element], drop: tuple[str, ...]) -> str:
    parts: list[str] = []
    kept = [n for n in nodes if not any(a in nodes for a in n.iterancestors())]
    for node in kept:
        node = copy.deepcopy(node)
        node.tail = None
        for sel in drop:
            for el in _css(sel)(node):
                if el is node:
                    continue
                if el.getparent() is not None:
                    _drop_keep_tail(el)
        text = node_text(node)
        if text:
            parts.append(text)
    return "\n\n".join(parts)


def _drop_keep_tail(el: etree._Element) -> None:
    """Remove ``el`` but keep its tail: in ``<br>``-bodies the next paragraph *is* the tail
    of the dropped photo/ad tag. A ``<br>`` takes its place so paragraphs are not glued."""
    br = etree.Element("br")
    br.tail = el.tail
    el.getparent().replace(el, br)


def clean_node_text(node: etree._Element) -> str:
    """Text of a body node without captions, ads, share bars and related boxes."""
    return _text_of([node], COMMON_DROP)


def _link_density(nodes: list[etree._Element]) -> float:
    total = sum(len(n.text_content()) for n in nodes)
    if not total:
        return 1.0
    linked = sum(len(a.text_content()) for n in nodes for a in n.iter("a"))
    return linked / total


def select_body(tree: etree._Element, selectors: tuple[str, ...], drop: tuple[str, ...] = (),
                min_chars: int = MIN_RULE_CHARS) -> tuple[str, str] | None:
    """(text, selector) of the first selector whose matches hold at least ``min_chars``."""
    for sel in selectors:
        try:
            nodes = _css(sel)(tree)
        except Exception:  # noqa: BLE001 - a bad selector in the table must not kill extraction
            continue
        nodes = [n for n in nodes if n.tag not in ("body", "html")]
        if not nodes:
            continue
        if _link_density(nodes) > MAX_LINK_DENSITY:
            continue  # a menu or a list of headlines, not prose
        text = _text_of(nodes, COMMON_DROP + drop)
        if len(text) >= min_chars:
            return text, sel
    return None


def site_body(tree: etree._Element, rule: SiteRule) -> tuple[str, str] | None:
    return select_body(tree, rule.body, rule.drop)


def generic_body(tree: etree._Element, min_chars: int = MIN_RULE_CHARS) -> tuple[str, str] | None:
    return select_body(tree, GENERIC_BODIES, (), min_chars)
