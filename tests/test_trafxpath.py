"""scrapers.trafxpath: each Python selection selects exactly what trafilatura's XPath selects."""
from __future__ import annotations

import gzip
from pathlib import Path
from types import SimpleNamespace

import pytest
import trafilatura
from lxml import etree

from scrapers import candidates, trafxpath
from scrapers.extract import _parse

GOLDEN = Path(__file__).parent / "fixtures" / "golden"
SELECTIONS = trafxpath.installed()

# Every branch of the transcribed predicates, with the attribute orders that decide
# string(@id|@class) and string(@id|@style), absent and empty attributes, and the
# converted tags (list, item) trafilatura's later stages see.
EDGE_CASES = """<html><body>
<div class="cookiejar" id="main"><p>a</p></div>
<div id="main" class="cookiejar"><p>b</p></div>
<div id="cookie-note"><p>c</p></div><div class=""><p>d</p></div>
<span id="reply-1" class="x">e</span><span class="x" id="reply-1">f</span>
<span class="reply-2">g</span><p id="hidden-x" style="color:red">h</p>
<p style="color:red" id="hiddenfoo">i</p><p style="visibility:hidden">j</p>
<p style="display: none">k</p><p style="display:none">l</p><p aria-hidden="true">m</p>
<p class="comments-title">n</p><p class="a hidden">o</p><p id="akismet-1">p</p>
<ol class="comment-list"><li>q</li></ol><ul id="comments"><li>r</li></ul>
<ul id="disqus_thread"><li>s</li></ul><div id="disqus_thread">t</div>
<section class="comments-area"><p>u</p></section><details id="Comment-1">v</details>
<div class="infinite-scroll"><h1>w</h1></div><div class="infinite-scroll"><p>x</p></div>
<aside id="mvp-post-add-box"><h1>y</h1></aside><div class="elementor-share-buttons">z</div>
<div role="Navigation">nav</div><div data-component="MostPopularStoriesList">pop</div>
<div data-lp-replacement-content="1">lp</div><list class="share-bar"><item>s1</item></list>
<item id="social-x">s2</item><div id="Teaser-1">t1</div><span class="hero TEASER">t2</span>
<div class="wp-caption">c1</div><p id="caption-2">c2</p><div class="sidebar"><p>sb</p></div>
<div class=" ad ">ad</div><div id="ad-1">ad2</div><p class="byline">by</p>
<section class="post">p1</section><div class="entry-content">e1</div>
<main itemprop="articleBody">m1</main><article id="story">s1</article><div class="FullText">f1</div>
<div class="single-post">sp</div><div id="content-main">cm</div><div class="Main-Content">mc</div>
<div class="Page-Content">pc</div><div id="content">co</div>
</body></html>"""


def _trees() -> list[tuple[str, etree._Element]]:
    """The edge cases, each golden page as parsed, and each golden page after trafilatura's
    cleaning and tag conversion (the trees its later stages select from)."""
    from trafilatura.core import _prepare_tree
    from trafilatura.settings import Extractor

    trees = [("edge cases", _parse(EDGE_CASES))]
    for page in sorted(GOLDEN.glob("*.html.gz")):
        html = gzip.decompress(page.read_bytes()).decode("utf-8", "replace")
        trees.append((page.name, _parse(html)))
        trees.append((f"{page.name} converted", _prepare_tree(_parse(html), Extractor(), None)[0]))
    return trees


TREES = _trees()


def test_all_transcriptions_are_installed_for_this_trafilatura():
    assert len(SELECTIONS) == 10


@pytest.mark.parametrize("key", sorted(SELECTIONS), ids=lambda k: f"{k[0]}[{k[1]}]")
def test_selection_equals_the_xpath_on_every_element_of_real_and_constructed_pages(key):
    xpath, fast = SELECTIONS[key]
    first_only = key[0] == "BODY_XPATH"  # trafilatura reads only the first body container
    selected = 0
    for name, tree in TREES:
        # every element as the context: trafilatura prunes subtrees as well as whole pages
        for context in [tree, *tree.iter("body", "article", "div", "main", "section")]:
            want = xpath(context)
            got = fast(context)
            assert got == (want[:1] if first_only else want), (name, context.tag)
            selected += len(got)
    assert selected  # the cases exercise the selection


def test_attribute_order_decides_the_union_string():
    tree = _parse(EDGE_CASES)
    xpath, fast = SELECTIONS[("OVERALL_DISCARD_XPATH", 0)]
    texts = [el.text_content() for el in fast(tree)]
    assert "a" in texts and "b" not in texts and "c" in texts  # cookie: first of @id|@class
    assert texts == [el.text_content() for el in xpath(tree)]


def test_outside_active_trafilatura_runs_its_own_xpaths(monkeypatch):
    from trafilatura import xpaths as tx

    called = []
    dispatch = tx.OVERALL_DISCARD_XPATH[0]
    monkeypatch.setattr(dispatch, "fast", lambda ctx: called.append(ctx) or [])
    html = gzip.decompress((GOLDEN / "yonhap_en.html.gz").read_bytes()).decode()
    trafilatura.extract(html)
    assert called == []
    with trafxpath.active():
        trafilatura.extract(html)
    assert called


def test_golden_pages_give_the_same_candidates_with_and_without_the_selections():
    for page in sorted(GOLDEN.glob("*.html.gz")):
        html = gzip.decompress(page.read_bytes()).decode("utf-8", "replace")
        fast = candidates.trafilatura_candidates(_parse(html), None, lambda t: "")
        plain = trafilatura.extract(_parse(html), fast=False, include_comments=False, include_tables=True,
                                    deduplicate=False, with_metadata=False) or ""
        assert dict(fast)["trafilatura"] == plain, page.name


def test_a_changed_expression_keeps_its_xpath():
    selections = trafxpath._selectors()
    changed = etree.XPath(".//*[self::div][contains(@class, 'other')]")
    module = SimpleNamespace(OVERALL_DISCARD_XPATH=[changed, changed])
    assert trafxpath.install_into(module, selections) == 0
    assert module.OVERALL_DISCARD_XPATH == [changed, changed]


def test_a_pattern_that_matches_an_absent_attribute_is_not_shortcut():
    # re:test(@a, p) on an element without @a tests "": the walks skip that test only for
    # patterns that cannot match "", so any other pattern is refused
    with pytest.raises(ValueError):
        trafxpath._finder("^(?:nav)?$")
    remembered = trafxpath._remembered(trafxpath._finder("nav|menu"), limit=2)
    assert [remembered(v) for v in ("main-nav", "x", "menu", "main-nav", "y")] == [True, False, True, True, False]
