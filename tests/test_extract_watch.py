"""End to end: extraction + the watchlist matcher. An entity named only in a "most read" /
"related" list beside the article, or only in the outlet's footer prompts ("[페이스북]",
"Follow us on Facebook"), is not flagged once the page is extracted."""
from __future__ import annotations

import gzip
from pathlib import Path

import lxml.html
import pytest

from scrapers.extract import extract
from scrapers.htmltext import node_text
from watch import Matcher, load_watchlist

REPO = Path(__file__).resolve().parent.parent
GOLDEN = REPO / "tests" / "fixtures" / "golden"


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(load_watchlist(REPO / "watchlists" / "default.toml"))


@pytest.mark.parametrize("name, url, only_in_list, in_body", [
    ("euckr_br_most_viewed", "http://www.dailymonitor.example/news/view.php?no=1023", "sk_hynix", None),
    ("en_most_read", "https://www.dailyledger.example/business/lg-heat-pump-plant", "samsung", "lg"),
    ("nextjs_rsc_contenthtml", "https://www.technow.example/news/20240205000123", "sk_hynix", None),
    # the outlet's share/follow prompts name Facebook (a Meta alias) under every story
    ("ko_outlet_footer", "https://www.newsone.example/news/20240212093000", "meta", None),
    ("en_outlet_footer", "https://www.harbourpost.example/business/nordvik-fibre", "meta", None),
])
def test_entity_only_in_most_read_list_is_not_flagged(matcher, name, url, only_in_list, in_body):
    raw = gzip.decompress((GOLDEN / f"{name}.html.gz").read_bytes())
    page = extract(raw, url)
    assert page.status == "ok"
    # the whole page does name it (the list is there) ...
    whole = node_text(lxml.html.document_fromstring(raw).find("body"))
    assert only_in_list in matcher.match(None, whole).entities
    # ... the extracted article does not
    found = matcher.match(page.title, page.text).entities
    assert only_in_list not in found
    if in_body:
        assert in_body in found
