"""Edge trimming of the chosen body: short non-prose edge lines the other extractor family lacks."""
from __future__ import annotations

from scrapers.edgetrim import family, trim_edges

P1 = "The council voted on Tuesday to extend the programme for another three years, officials said."
P2 = "Residents in every district had asked for the extension, according to the mayor's office."
P3 = "The next review of the programme is planned for the spring of the year after next."


def _join(*lines: str) -> str:
    return "\n\n".join(lines)


def test_family_groups_a_trafilatura_variant_with_trafilatura():
    assert family("trafilatura-fast") == family("trafilatura-unprepared") == "trafilatura"
    assert family("readability") == "readability"


def test_unconfirmed_short_lines_at_both_edges_are_trimmed():
    chosen = _join("LOCAL NEWS", "Listen to this article", P1, P2, P3, "Share this story", "Most read")
    readability = _join(P1, P2, P3)
    cands = [("trafilatura", chosen), ("trafilatura-fast", chosen), ("readability", readability)]
    text, n = trim_edges(chosen, "trafilatura", cands)
    assert text == _join(P1, P2, P3)
    assert n == 4


def test_confirmed_or_prose_edge_lines_stay():
    # the dateline is in the other family's text; the last line is prose: both stay, and the
    # unconfirmed label inside the body is not at an edge
    chosen = _join("BAAR, SWITZERLAND", P1, "Subhead inside", P2,
                   "For more information, readers can visit the council's website any time.")
    readability = _join("BAAR, SWITZERLAND", P1, P2)
    text, n = trim_edges(chosen, "trafilatura", [("trafilatura", chosen), ("readability", readability)])
    assert (text, n) == (chosen, 0)


def test_trafilatura_variants_do_not_confirm_each_other():
    chosen = _join(P1, P2, P3, "Related: other stories")
    # trafilatura's own extraction has the line too, but it is the same family: trimmed
    cands = [("trafilatura", chosen), ("trafilatura-fast", chosen), ("readability", _join(P1, P2, P3))]
    assert trim_edges(chosen, "trafilatura", cands) == (_join(P1, P2, P3), 1)
    # readability has it: confirmed by the other family, kept
    cands[2] = ("readability", chosen)
    assert trim_edges(chosen, "trafilatura", cands) == (chosen, 0)


def test_long_lines_texts_without_prose_and_big_cuts_are_left_alone():
    long_item = "- " + "a feature of the product that the review lists without a full stop " * 3
    chosen = _join(long_item, P1, P2)
    assert trim_edges(chosen, "trafilatura", [("readability", _join(P1, P2))]) == (chosen, 0)
    listing = _join("Item one", "Item two", "Item three")
    assert trim_edges(listing, "trafilatura", [("readability", "Something else entirely " * 10)]) == (listing, 0)
    # more than a third of the text would go: nothing is trimmed
    labels = [f"Teaser headline number {i}" for i in range(10)]
    chosen = _join(P1, *labels)
    assert trim_edges(chosen, "trafilatura", [("readability", P1 * 3)]) == (chosen, 0)


def test_without_an_other_family_body_nothing_is_trimmed():
    chosen = _join("LOCAL NEWS", P1, P2, P3)
    cands = [("trafilatura", chosen), ("trafilatura-fast", chosen), ("readability", "")]
    assert trim_edges(chosen, "trafilatura", cands) == (chosen, 0)


def test_a_text_key_is_the_key_of_the_whole_text():
    from scrapers.captions import words
    from scrapers.edgetrim import _text_key

    text = "ΟΔΟΣ Σ\nHello, World!\n\n  Ünïcode — text_with_underscores 42\nİstanbul"
    assert _text_key(text) == " ".join(words(text))
