"""scrapers.htmltext: element text with paragraph breaks, and the whitespace/break normalisation."""
import random
import re

import lxml.html

from scrapers.htmltext import _BR, _PARA, node_text, normalize_breaks


def _reference(raw: str) -> str:
    """The rules of normalize_breaks written directly (one regex per rule, slower)."""
    raw = re.sub(r"[ \t\r\n\f\v\u00a0\u200b\u3000]+", " ", raw)
    raw = re.sub(f"(?: ?{_BR} ?){{2,}}", _PARA, raw)
    raw = re.sub(f" ?{_PARA}[ {_PARA}{_BR}]*", "\n\n", raw)
    raw = re.sub(f" ?{_BR} ?", "\n", raw)
    text = "\n".join(line.strip() for line in raw.split("\n"))
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def test_normalize_breaks_follows_the_rules_on_any_mix_of_spaces_and_breaks():
    pieces = ["a", "word", " ", "  ", "\t", "\n", "\r\n", "\u00a0", "\u200b", "\u3000", "\u2009",
              _BR, _BR, _PARA, _PARA, "x y"]
    rnd = random.Random(12)
    for _ in range(20000):
        raw = "".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 16)))
        assert normalize_breaks(raw) == _reference(raw), repr(raw)


def test_node_text_paragraphs_and_line_breaks():
    el = lxml.html.fromstring(
        "<div>Lead\u00a0 line<br> second <br><br>  third<p>Para\tone</p><p> </p><ul><li>item</li></ul>"
        "<script>x()</script>tail <br/> </div>")
    assert node_text(el) == "Lead line\nsecond\n\nthird\n\nPara one\n\nitem\n\ntail"


def test_in_body_selects_what_the_absolute_body_path_selects():
    from lxml import etree

    from scrapers.extract import _parse
    from scrapers.htmltext import in_body

    page = ("<html><head><title>t</title><style>p{}</style></head><body><div hidden>a<p>b</p></div>"
            "<p class='x'>c</p><body class='late'><p>d</p></body></body></html>")
    tree = _parse(page)
    rel, absolute = etree.XPath("descendant::p"), etree.XPath("//body//p")
    assert in_body(rel, tree) == absolute(tree) and [p.text for p in in_body(rel, tree)] == ["b", "c", "d"]
    # from any element of the document; a page without a body selects nothing
    assert in_body(rel, tree.find(".//div")) == absolute(tree)
    assert in_body(rel, etree.fromstring("<html><head/></html>")) == []
