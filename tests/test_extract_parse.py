"""The page parser of scrapers.extract: lxml.html's trees, element classes looked up in C."""
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
