"""The page parser of scrapers.extract (lxml.html's trees, element classes looked up in C) and
the element searches that read its attributes."""
from copy import deepcopy

import lxml.html

from scrapers.extract import _parse

PAGE = """<!DOCTYPE html><html lang="en"><head><title>T</title><?php x ?></head><body>
<!-- a comment --><FORM action="/s"><LABEL for="q">Q</LABEL><input name="q" value="1">
<select name="s"><option>a</option></select><textarea name="t">x</textarea></form>
<div><p>One &amp; two<br>three</p><a href="/x">link</a></div></body></html>"""


def _classes(tree) -> list[tuple[str, str]]:
    return [(str(el.tag), type(el).__name__) for el in tree.iter()]


def test_parse_gives_the_element_classes_of_lxml_html():
    ours, theirs = _parse(PAGE), lxml.html.document_fromstring(PAGE)
    assert _classes(ours) == _classes(theirs)
    assert {"FormElement", "InputElement", "SelectElement", "TextareaElement", "LabelElement",
            "HtmlComment", "HtmlElement"} <= {c for _, c in _classes(ours)}
    # copies and the HtmlElement API behave as on lxml.html's own trees
    assert _classes(deepcopy(ours)) == _classes(theirs)
    form = ours.find(".//form")
    assert form.fields["q"] == "1" and form.inputs["t"].value == "x"
    ours.find(".//a").drop_tree()
    assert ours.find(".//div").text_content().strip() == "One & twothree"


def test_byline_candidates_are_the_marked_elements_in_document_order():
    from lxml import etree

    from scrapers.metadata import _byline_candidates, _element_bylines

    page = _parse("""<html><head><meta name="author" content="x"></head><body>
      <div class="post-byline" id="by"><a rel="author" href="/a">Jane Roe</a></div>
      <p class="Author">capitalised: not a byline word</p>
      <span itemprop="author"><span itemprop="name">John Doe</span></span>
      <div id="journalist-box">an id word the class list has, the id list not</div>
      <p class="journalist">Kim</p><p id="reporter_name">Lee</p><p class="writers">W</p>
      <p rel="authors">not exactly author</p></body></html>""")
    # the rule as one XPath predicate (what the attribute scan replaces)
    reference = etree.XPath(
        "//body//*[@rel='author' or @itemprop='author' or contains(@class, 'byline') or "
        "contains(@class, 'author') or contains(@class, 'writer') or contains(@class, 'reporter') or "
        "contains(@class, 'journalist') or contains(@id, 'byline') or contains(@id, 'author') or "
        "contains(@id, 'writer') or contains(@id, 'reporter')]")
    found = _byline_candidates(page)
    assert found == reference(page)
    assert [el.text_content().strip()[:8] for el in found] == ["Jane Roe", "Jane Roe", "John Doe", "Kim",
                                                              "Lee", "W"]
    assert _element_bylines(page)[:2] == ["Jane Roe", "John Doe"]


def test_prepare_drops_hidden_elements_and_keeps_styled_visible_ones():
    from scrapers.extract import _prepare_for_trafilatura

    page = ("<html><body><div style='color: red'><p>kept red</p></div><p hidden>gone attr</p>"
            "<div style='display: none'><p>gone display</p></div><span style='visibility:hidden'>gone vis</span>"
            "<p style='font-style: normal; border: none'>kept none border</p><p style='overflow:hidden'>kept"
            " overflow</p><p class='sr-only'>gone class</p><p>kept plain</p></body></html>")
    tree = _parse(page)
    _prepare_for_trafilatura(tree, page)
    assert [p.text_content() for p in tree.iter("p", "span")] == [
        "kept red", "kept none border", "kept overflow", "kept plain"]


def test_prepare_reads_markers_as_served_and_skips_what_a_hidden_parent_takes():
    """The class words and the embed marker count only when the page as served has them (a
    word spelled with a character reference is not a framework's class); a class-word element
    inside a hidden one goes with it."""
    from scrapers.extract import _hidden_elements, _prepare_for_trafilatura

    page = ("<html><body><div hidden><p class='hovercard'>gone with parent</p></div>"
            "<p class='tool&#116;ip'>kept: word not served</p><p class='popover x'>gone popover</p>"
            "<p class='tool&#116;ip popover'>gone: one word served</p>"
            "<blockquote class='Twitter-Tweet'><p>kept class: marker not served in lower case</p></blockquote>"
            "<p>kept plain</p></body></html>")
    tree = _parse(page)
    hidden, classed = _hidden_elements(tree)
    assert [el.tag for el in hidden] == ["div"]
    assert [(el.text, words) for el, words in classed] == [
        ("gone with parent", ("hovercard",)), ("kept: word not served", ("tooltip",)),
        ("gone popover", ("popover",)), ("gone: one word served", ("tooltip", "popover"))]
    _prepare_for_trafilatura(tree, page)
    assert [p.text_content() for p in tree.iter("p")] == [
        "kept: word not served", "kept class: marker not served in lower case", "kept plain"]
    assert tree.find(".//blockquote").get("class") == "Twitter-Tweet"


def test_letters_counted_by_removal_are_the_letter_class():
    # detect_language counts letters as what is left once [\W\d_]+ is removed: exactly the
    # characters of [^\W\d_], over every code point
    import re

    from scrapers.metadata import _NOT_LETTERS

    every = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000)
    assert len(_NOT_LETTERS.sub("", every)) == len(re.findall(r"[^\W\d_]", every)) > 100_000
