"""scrapers.candidates: three candidates from one trafilatura run; a handed-over tree is not copied."""
import lxml.html
import trafilatura.core as tcore

from scrapers import candidates
from scrapers.extract import _parse

PARAS = "".join(f"<p>Paragraph {i} of the article says what happened and why it matters to readers.</p>"
                for i in range(8))
PAGE = (f"<html><head><title>T</title><script>var x = 1;</script></head><body><nav><a href='/'>Home</a>"
        f"<a href='/b'>Business</a></nav><article><h1>Headline</h1>{PARAS}</article>"
        f"<div id='comments'><p>First!</p></div><footer>Copyright 2026</footer></body></html>")


def _readability(tree) -> str:
    return "fallback:" + str(len(list(tree.iter("p"))))


def test_handed_over_tree_is_pruned_in_place_and_gives_the_same_candidates():
    kept, handed = _parse(PAGE), _parse(PAGE)
    before = lxml.html.tostring(kept)
    as_copy = candidates.trafilatura_candidates(kept, None, _readability)
    rebuilt = []
    in_place = candidates.trafilatura_candidates(handed, None, _readability,
                                                 rebuild=lambda: rebuilt.append(1) or _parse(PAGE))
    assert as_copy == in_place and "Paragraph 7" in dict(in_place)["trafilatura"]
    assert lxml.html.tostring(kept) == before  # trafilatura worked on a copy
    # ... and here on the tree itself (its raw-tree pruning drops the comment section)
    assert handed.find(".//div[@id='comments']") is None and kept.find(".//div[@id='comments']") is not None
    assert rebuilt == []  # the candidates came from the run: nothing rebuilt


def test_fallbacks_read_a_rebuilt_tree_when_the_handed_over_one_is_spent(monkeypatch):
    assert candidates.hooks_available()
    # trafilatura without its comparison step: neither intermediate is captured
    monkeypatch.setattr(tcore, "compare_extraction", lambda cleaned, raw, body, text, options: (body, text))
    rebuilt = []
    out = dict(candidates.trafilatura_candidates(_parse(PAGE), None, _readability,
                                                 rebuild=lambda: rebuilt.append(1) or _parse(PAGE)))
    assert rebuilt == [1]
    # every paragraph, the comment section too: the rebuilt page, not the pruned one
    assert out["readability"] == "fallback:9"
    assert "Paragraph 3" in out["trafilatura-fast"]


def test_the_final_text_of_a_kept_own_extraction_is_the_text_read_at_the_comparison(monkeypatch):
    import trafilatura
    import trafilatura.xml as txml

    plain = trafilatura.extract(PAGE, include_comments=False, include_tables=True, deduplicate=False)
    # every xmltotxt call renders its tree from the root element down: count the non-empty roots
    rendered = []
    original = txml.process_element

    def counting(element, *args, **kwargs):
        if element.tag == "body" and len(element):
            rendered.append(element)
        return original(element, *args, **kwargs)

    monkeypatch.setattr(txml, "process_element", counting)
    out = dict(candidates.trafilatura_candidates(_parse(PAGE), None, _readability))
    assert out["trafilatura"] == out["trafilatura-fast"] == plain
    # trafilatura kept its own extraction: rendered once, at the comparison, not again for the output
    assert len(rendered) == 1
