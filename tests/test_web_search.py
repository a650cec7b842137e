"""Search in the web inbox (``q=``) and in Atom feeds, on SQLite and PostgreSQL: combined
with the other filters, hits marked in titles and snippets over escaped text."""
from __future__ import annotations

import re
from html import unescape
from urllib.parse import quote

import pytest

from models.store import Store, parse_query
from review.accounts import new_token
from tests.test_atom import check_atom, entries
from tests.test_review_web import XSS_TITLE, _client, _seed, make_settings
from tests.web_helpers import DeskClient, add_users, desk_client, desk_settings

STORY = re.compile(r'<a class="story-link" href="/story/(\d+)">(.*?)</a>', re.DOTALL)
SNIPPET = re.compile(r'<div class="snippet">(.*?)</div>', re.DOTALL)


@pytest.fixture
def web(store: Store, db_url, tmp_path):
    ids = _seed(store)
    with _client(store, db_url, tmp_path) as c:
        yield c, store, ids


def listed(client, query: str) -> list[tuple[int, str]]:
    r = client.get(f"/?{query}")
    assert r.status_code == 200, r.text
    return [(int(i), t) for i, t in STORY.findall(r.text)]


def inbox_ids(store: Store, q: str, **f) -> list[int]:
    return [c.lead.id for c in store.review_inbox(q=parse_query(q), limit=None, **f)[0]]


def test_q_lists_the_matching_stories_with_hits_marked(web):
    client, store, ids = web
    r = client.get("/?q=" + quote("삼성전자"))
    assert r.status_code == 200
    rows = [(int(i), t) for i, t in STORY.findall(r.text)]
    assert [i for i, _ in rows] == inbox_ids(store, "삼성전자") and len(rows) == 1
    assert rows[0][0] in (ids["lee_zuckerberg_ko/base"], ids["lee_zuckerberg_ko/headline"],
                          ids["lee_zuckerberg_ko/trimmed"])
    snippets = SNIPPET.findall(r.text)
    assert len(snippets) == 1 and '<mark class="hit">삼성전자</mark>' in snippets[0]
    assert 'id="count">1 flagged story' in r.text
    assert 'name="q" id="f-q" value="삼성전자"' in r.text  # the search box keeps the query
    # Two characters (메타 in 메타 최고경영자), case-insensitive Latin, two words, a phrase.
    assert [i for i, _ in listed(client, "q=" + quote("메타"))] == inbox_ids(store, "메타") != []
    hbm = listed(client, "q=hbm")
    assert [i for i, _ in hbm] == inbox_ids(store, "hbm") and len(hbm) == 3  # one Korean story's body
    assert sum('<mark class="hit">HBM</mark>' in t for _, t in hbm) == 2
    assert [i for i, _ in listed(client, "q=" + quote("hbm yongin"))] == inbox_ids(store, "hbm yongin")
    assert len(listed(client, "q=" + quote("hbm yongin"))) == 1
    assert len(listed(client, "q=" + quote('"won a large order"'))) == 1
    assert listed(client, "q=" + quote('"order large"')) == []
    assert "No flagged stories match these filters." in client.get("/?q=zzqqxx").text


def test_q_combines_with_entity_feed_date_and_state(web):
    client, store, ids = web
    assert [i for i, _ in listed(client, "q=hbm&entity=meta")] == inbox_ids(store, "hbm", entity="meta")
    assert len(listed(client, "q=hbm&entity=meta")) == 1 and len(listed(client, "q=hbm")) == 3
    assert [i for i, _ in listed(client, "q=said&feed=Daily")] == inbox_ids(store, "said", feed="Daily")
    day = listed(client, "q=" + quote("발표") + "&since=2026-11-28&until=2026-11-28")
    assert len(day) == 1 and "선관위" in day[0][1]
    assert listed(client, "q=" + quote("발표") + "&since=2026-11-29&until=2026-11-29") == []
    store.set_review_cluster(ids["samsung_hbm/base"], "relevant", reviewer="kim")
    assert len(listed(client, "q=hbm&state=relevant")) == 1
    assert len(listed(client, "q=hbm&state=new")) == 2
    # The pager and the Atom link keep q.
    r = client.get("/?q=hbm&state=new")
    assert "view=q%3Dhbm%26state%3Dnew" in r.text


def test_marks_go_around_escaped_text_only(web):
    client, _, ids = web
    rows = listed(client, "q=chargers")
    assert len(rows) == 1 and rows[0][0] == ids["xss"]
    title = rows[0][1]
    assert "<script>" not in title and "<b>" not in title
    assert '&lt;b&gt;<mark class="hit">chargers</mark>&lt;/b&gt;' in title
    assert unescape(re.sub(r"</?mark[^>]*>", "", title)) == XSS_TITLE
    snippet = SNIPPET.findall(client.get("/?q=chargers").text)[0]
    assert "<img" not in snippet and "&lt;img src=x onerror=alert(2)&gt;" in snippet
    # A hit that spans markup characters is escaped inside the mark.
    r = client.get("/?q=" + quote("<b>chargers</b>"))
    assert '<mark class="hit">&lt;b&gt;chargers&lt;/b&gt;</mark>' in r.text
    # The query itself is echoed escaped.
    r = client.get("/?q=" + quote('"><script>alert(9)</script>'))
    assert r.status_code == 200 and "<script>alert(9)" not in r.text and "&lt;script&gt;alert(9)" in r.text


def test_unusable_query_is_a_400_with_one_line(web):
    client, _, _ = web
    r = client.get("/?q=" + "x" * 201)
    assert r.status_code == 400 and "longer than 200 characters" in r.text
    r = client.get("/?q=" + quote("a b c d e f g h i"))
    assert r.status_code == 400 and "at most 8 are allowed" in r.text


def test_atom_feed_takes_q(store: Store, db_url, tmp_path):
    _seed(store)
    settings = desk_settings(db_url, tmp_path, auth="password")
    add_users(store, settings, ana="reviewer")
    _, token = new_token(store, "ana")
    reader = desk_client(store, settings)
    got = entries(check_atom(reader.get(f"/atom/{token}?q=" + quote("삼성전자")).content))
    want = [f"http://127.0.0.1:8765/story/{i}" for i in inbox_ids(store, "삼성전자")]
    assert [e["story"] for e in got] == want and len(want) == 1
    got = entries(check_atom(reader.get(f"/atom/{token}?q=hbm&feed=Daily").content))
    assert [e["story"] for e in got] == [f"http://127.0.0.1:8765/story/{i}"
                                         for i in inbox_ids(store, "hbm", feed="Daily")]
    assert got
    r = reader.get(f"/atom/{token}?q=" + "x" * 300)
    assert r.status_code == 400 and "longer than" in r.text


def test_a_search_counts_stories_up_to_the_setting(store: Store, db_url, tmp_path):
    from review.web import create_app
    from tests.review_helpers import entity_names

    _seed(store)
    settings = make_settings(db_url, tmp_path, page_size=1)
    settings = settings.model_copy(update={"search": settings.search.model_copy(update={"count_stories": 2})})
    with DeskClient(create_app(settings, store=store, entity_names=entity_names()),
                    base_url="http://127.0.0.1:8765") as c:
        r = c.get("/?q=hbm")  # three stories match; two are counted
        assert 'id="count">2+ flagged stories' in r.text and "page 1 of 3" in r.text
        assert len(STORY.findall(r.text)) == 1 and "older →" in r.text
        last = c.get("/?q=hbm&page=3")
        assert len(STORY.findall(last.text)) == 1 and 'id="count">3 flagged stories' in last.text
        assert "older →" not in last.text
