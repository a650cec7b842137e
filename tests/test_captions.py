"""Captions and photo credits: found by tag and class word, dropped from candidate bodies."""
from __future__ import annotations

import lxml.html

from scrapers.captions import (
    caption_keys,
    drop_caption_lines,
    is_caption,
    line_key,
    shouted_link_keys,
)
from scrapers.extract import extract

PROSE = ("The council voted on Tuesday to extend the programme for another three years, "
         "citing strong demand from residents in every district of the city. ")


def _tree(body: str):
    return lxml.html.document_fromstring(f"<html><body>{body}</body></html>")


def test_figcaption_credit_class_and_image_figure_are_captions():
    tree = _tree(
        "<figure><img src=a.jpg><figcaption>Crowds gather at the square.</figcaption></figure>"
        "<div class='wp-caption-text'>Photo: Jane Roe, AP</div>"
        "<span class='image-credit'>(Image credit: Agency)</span>"
        "<figure><img src=b.jpg><span>Image 2 of 5</span></figure>")
    keys = caption_keys(tree)
    assert {"crowds gather at the square", "photo jane roe ap", "image credit agency", "image 2 of 5"} <= keys


def test_content_in_figures_and_credit_words_in_prose_are_not_captions():
    tree = _tree(
        "<figure class='wp-block-table'><table><tr><td>Rank</td><td>Share</td></tr></table></figure>"
        "<figure><blockquote>Quoted words</blockquote><img src=x.jpg></figure>"
        "<div class='credit-card-offers'><p>A paragraph about credit cards.</p></div>"
        "<div class='discredited'>Not a class word</div>")
    assert caption_keys(tree) == frozenset()
    assert not is_caption(tree.find(".//figure"))


def test_long_figure_is_a_layout_wrapper_not_a_caption():
    tree = _tree(f"<figure><img src=a.jpg><div>{PROSE * 4}</div></figure>")
    assert caption_keys(tree) == frozenset()


def test_drop_caption_lines_keeps_other_lines_and_breaks():
    text = "First paragraph.\n\nPhoto: Jane Roe, AP\n\nSecond line\nthird line"
    keys = frozenset({line_key("Photo: Jane Roe, AP")})
    assert drop_caption_lines(text, keys) == "First paragraph.\n\nSecond line\nthird line"
    assert drop_caption_lines(text, frozenset()) == text


def test_extract_leaves_credit_lines_out_of_the_body():
    # trafilatura keeps these two credit lines (they sit in the article's flow as paragraphs)
    paras = [f"<p>{PROSE}Paragraph {i} adds more detail on the vote.</p>" for i in range(6)]
    html = ("<html><head><title>Council extends programme</title></head><body><article>"
            "<h1>Council extends programme</h1>" + "".join(paras[:3])
            + "<p><span class='credit'>Photo: Jane Roe, AP</span></p>" + "".join(paras[3:5])
            + "<p class='photo-credit'>Photo: John Doe, Reuters</p>" + paras[5]
            + "</article></body></html>")
    r = extract(html)
    assert r.status == "ok"
    assert "Paragraph 0 adds" in r.text and "Paragraph 5 adds more detail" in r.text
    assert "Jane Roe" not in r.text
    assert "John Doe" not in r.text


def test_link_paragraphs_in_capitals_are_known_not_mixed_case_or_partly_linked_ones():
    tree = _tree(
        "<p><strong><a href=/a>READ MORE ON EXAMPLE BUSINESS BY CLICKING HERE</a></strong></p>"
        "<p><a href=/b>'SHOW' HOST OPENS UP ABOUT HEALTH</a></p>"
        "<p><a href=/c>Source: Bureau of Labor Statistics</a></p>"
        "<p>NASA SAID ON <a href=/d>TUESDAY</a> THAT THE LAUNCH IS DELAYED</p>"
        "<p><a href=/e>NASA</a></p>")
    assert shouted_link_keys(tree) == {"read more on example business by clicking here",
                                       "show host opens up about health"}


def test_extract_leaves_shouted_link_paragraphs_out():
    paras = [f"<p>{PROSE}Paragraph {i} adds more detail on the vote.</p>" for i in range(6)]
    html = ("<html><head><title>Council extends programme</title></head><body><article>"
            "<h1>Council extends programme</h1>" + "".join(paras[:3])
            + "<p><strong><a href='/other'>MAYOR OPENS UP ABOUT HER NEXT CAMPAIGN</a></strong></p>"
            + "".join(paras[3:]) + "</article></body></html>")
    r = extract(html)
    assert "Paragraph 5 adds more detail" in r.text
    assert "MAYOR OPENS UP" not in r.text


def test_caption_candidates_are_the_marked_elements_of_the_body_in_document_order():
    from lxml import etree

    from scrapers.captions import _candidates

    tree = _tree("<figure><figcaption>a</figcaption></figure><p class='Caption'>b</p>"
                 "<p id='photo-credit'>c</p><div class='x' id='wp-caption'>d</div><!-- caption -->"
                 "<span class='credits'>e</span><p data-caption='x'>f</p><p>plain</p>")
    # the rule as one XPath (what the walk replaces)
    reference = etree.XPath("//body//*[self::figcaption or self::figure or "
                            "@class[contains(., 'aption') or contains(., 'redit')] or "
                            "@id[contains(., 'aption') or contains(., 'redit')]]")
    found = _candidates(tree)
    assert found == reference(tree)
    assert [el.text_content() for el in found] == ["a", "a", "b", "c", "d", "e"]
