"""The web inbox through FastAPI's TestClient (a real ASGI app over a real database):
listing, filters, the story view with highlighted mentions, decisions, escaping, guards."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest

from models.records import MentionRecord
from models.store import Store
from newsmon.settings import parse_settings
from review.clusters import cluster_pending
from review.web import create_app
from review.web.render import Span, flow_run_url, highlight, mention_spans, prefect_ui_base
from tests.db_fixtures import db_url, store  # noqa: F401
from tests.review_corpus import corpus
from tests.review_helpers import BASE_TIME, REPO, entity_names, save
from tests.web_helpers import DeskClient

RUN_ID = "0b3c0c1e-1111-2222-3333-444455556666"
XSS_TITLE = "<script>alert(1)</script> Samsung Electronics recalls <b>chargers</b>"
XSS_TEXT = ("Samsung Electronics said on Monday <img src=x onerror=alert(2)> it would recall chargers.\n\n"
            "\"Safety first,\" said Samsung's <a href='javascript:alert(3)'>spokesman</a> & co.")


def make_settings(db_url: str, tmp_path, **web):
    return parse_settings({"database": {"url": db_url},
                           "watchlist": {"path": str(REPO / "watchlists" / "default.toml")},
                           "schedule": {"timezone": "Asia/Seoul"},
                           "feeds": [{"name": "Configured Only", "url": "https://example.org/rss"}],
                           "web": web}, base_dir=tmp_path)


def _seed(store: Store) -> dict[str, int]:
    """Five stories (three outlets each) a day apart, plus a hostile headline."""
    keys = ["samsung_hbm", "nec_audit_ko", "lg_hvac", "lee_zuckerberg_ko", "sk_hynix_hbm_en"]
    docs = [d for d in corpus() if d.story in keys and d.key.split("/")[1] in ("base", "headline", "trimmed")]
    ids: dict[str, int] = {}
    for d in docs:
        day = keys.index(d.story)
        ids[d.key] = save(store, url=f"https://{d.feed.lower()}.example/{d.key}", title=d.title, text=d.text,
                          feed=d.feed, language=d.lang, flow_run_id=RUN_ID,
                          published=BASE_TIME + timedelta(days=day, minutes=len(ids)))
    ids["xss"] = save(store, url="https://evil.example/x", title=XSS_TITLE, text=XSS_TEXT, feed="<i>Evil</i> Feed",
                      published=BASE_TIME + timedelta(days=6))
    cluster_pending(store, parse_settings({}).review)
    return ids


def _client(store: Store, url: str, tmp_path, base_url: str = "http://127.0.0.1:8765", **web) -> DeskClient:
    app = create_app(make_settings(url, tmp_path, **web), store=store, entity_names=entity_names())
    return DeskClient(app, base_url=base_url)


@pytest.fixture
def seeded(store: Store):
    """The inbox queries and decisions: on SQLite and PostgreSQL."""
    return store, _seed(store)


@pytest.fixture
def client(seeded, db_url, tmp_path):
    with _client(seeded[0], db_url, tmp_path, prefect_ui_url="http://127.0.0.1:4200") as c:
        yield c


@pytest.fixture
def lite(tmp_path):
    """Rendering and request guards do not depend on the database: SQLite only."""
    url = f"sqlite:///{tmp_path / 'web.db'}"
    with Store(url) as st:
        yield st, _seed(st), url


@pytest.fixture
def lite_client(lite, tmp_path):
    with _client(lite[0], lite[2], tmp_path, prefect_ui_url="http://127.0.0.1:4200") as c:
        yield c


def story_rows(html: str) -> list[str]:
    """Lead headlines of the inbox rows, in order (as the page shows them, entities decoded)."""
    import html as h
    return [h.unescape(t) for t in re.findall(r'class="story-link" href="/story/\d+">([^<]*)</a>', html)]


def test_inbox_lists_stories_newest_first_once_per_cluster(client, seeded) -> None:
    r = client.get("/")
    assert r.status_code == 200
    assert r.headers["content-security-policy"].startswith("default-src 'none'")
    rows = story_rows(r.text)
    assert len(rows) == 6 and "6 flagged stories" in r.text
    assert rows[0] == XSS_TITLE  # newest
    assert rows[1] == "SK hynix commits W20tr to first Yongin fab as HBM sells out"  # the trimmed copy is the newest outlet
    clusters = re.findall(r'data-cluster="(\d+)"', r.text)
    assert len(set(clusters)) == 6
    assert "Configured Only" in r.text  # configured feeds are offered even before they have articles


def test_filters(client, seeded) -> None:
    store, ids = seeded
    assert len(story_rows(client.get("/?entity=nec").text)) == 1
    assert len(story_rows(client.get("/?entity=samsung").text)) >= 3  # HBM, Lee/Zuckerberg, SK hynix story, recall
    only_daily = client.get("/?feed=Daily").text
    assert len(story_rows(only_daily)) == 5 and XSS_TITLE not in story_rows(only_daily)
    # Dates are days in [schedule] timezone (Asia/Seoul); --until is inclusive.
    one_day = client.get("/?since=2026-11-28&until=2026-11-28").text
    assert len(story_rows(one_day)) == 1 and "선관위" in story_rows(one_day)[0]
    assert len(story_rows(client.get("/?since=2026-11-29").text)) == 4
    client.form(f"/story/{ids['lg_hvac/base']}/review", {"state": "relevant", "scope": "cluster"})
    relevant = story_rows(client.get("/?state=relevant").text)
    assert len(relevant) == 1 and "HVAC" in relevant[0]
    assert len(story_rows(client.get("/?state=new").text)) == 5
    assert story_rows(client.get("/?state=relevant&entity=nec").text) == []
    for bad, msg in [("since=27/11/2026", "is not a date"), ("state=done", "not one of"), ("page=0", "positive"),
                     ("since=2026-11-29&until=2026-11-28", "is not after")]:
        r = client.get("/?" + bad)
        assert r.status_code == 400 and msg in r.text, bad


def test_story_view_highlights_every_mention_and_lists_every_outlet(lite_client, lite) -> None:
    client = lite_client
    store, ids, _ = lite
    aid = ids["samsung_hbm/base"]
    a = store.get_article(aid)
    r = client.get(f"/story/{aid}")
    assert r.status_code == 200
    text_part = r.text.split('id="text">', 1)[1].split("</div>", 1)[0]
    marks = re.findall(r'<mark class="mention" data-entity="([^"]+)"[^>]*>([^<]*)</mark>', text_part)
    expected = sorted((m.entity_id, d["text"]) for m in a.mentions for d in m.details if d["field"] == "text")
    assert sorted(marks) == expected and len(marks) >= 5
    for m in a.mentions:  # the reason of every flag
        assert m.reason.replace('"', "&#34;") in r.text or m.reason in r.text
    outlets = r.text.split('id="outlets"', 1)[1]
    assert outlets.count('<a href="/story/') == 3
    assert f'href="http://127.0.0.1:4200/runs/flow-run/{RUN_ID}"' in r.text


def test_hostile_text_is_shown_as_text(lite_client, lite) -> None:
    client = lite_client
    store, ids, _ = lite
    for page in (client.get("/").text, client.get(f"/story/{ids['xss']}").text):
        assert "<script>" not in page and "<img" not in page and "<b>chargers" not in page
        assert "<i>Evil" not in page and "javascript:alert(3)'>" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    story = client.get(f"/story/{ids['xss']}").text
    # The mention inside hostile text is still highlighted, at the right place.
    assert '&lt;/script&gt; <mark class="mention" data-entity="samsung"' in story
    assert "&lt;img src=x onerror=alert(2)&gt;" in story
    # A hostile note comes back escaped in the history; a "reviewer" field is not believed.
    client.form(f"/story/{ids['xss']}/review", {"state": "escalated", "note": "<script>alert(4)</script>",
                                                "reviewer": "<b>mallory</b>"})
    story = client.get(f"/story/{ids['xss']}").text
    assert "&lt;script&gt;alert(4)&lt;/script&gt;" in story and "mallory" not in story


def test_decision_form_post_redirect_get(client, seeded) -> None:
    """With ``[web] auth = "none"`` the reviewer is the local account (the OS user), whatever
    a form says; there is no reviewer field any more."""
    from review.accounts import local_name
    store, ids = seeded
    aid = ids["nec_audit_ko/headline"]
    members = [i for k, i in ids.items() if k.startswith("nec_audit_ko/")]
    r = client.form(f"/story/{aid}/review", {"state": "relevant", "note": "감사 결과 확인", "reviewer": "Kim",
                                                  "scope": "cluster"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/story/{aid}?done=relevant&n=3"
    page = client.get(r.headers["location"]).text
    assert 'id="flash">Marked relevant: 3 article(s).' in page and 'id="state">Relevant' in page
    assert 'name="reviewer"' not in page and f'id="reviewer">{local_name()}<' in page
    assert all(store.get_article(i).review_state == "relevant" for i in members)
    assert [(e.note, e.reviewer) for e in store.review_events(aid)] == [("감사 결과 확인", local_name())]
    # Without the scope box: this article only.
    client.form(f"/story/{aid}/review", {"state": "escalated", "reviewer": "Lee"})
    assert [store.get_article(i).review_state for i in members].count("escalated") == 1


def test_only_same_origin_posts_change_state(lite_client, lite) -> None:
    client = lite_client
    store, ids, _ = lite
    aid = ids["lg_hvac/base"]
    assert client.get(f"/story/{aid}/review").status_code == 405
    for headers in ({"origin": "http://evil.example"}, {"sec-fetch-site": "cross-site"}, {"origin": "null"}):
        r = client.form(f"/story/{aid}/review", {"state": "irrelevant"}, headers=headers)
        assert r.status_code == 403, headers
    r = client.post(f"/story/{aid}/review", json={"state": "irrelevant"})
    assert r.status_code == 415
    # A form without the CSRF token of this desk (even same-origin) changes nothing.
    for token in (None, "", "forged", client.csrf() + "x"):
        r = client.post(f"/story/{aid}/review", data={"state": "irrelevant", **({"csrf": token} if token is not None
                                                                                else {})})
        assert r.status_code == 403 and "reload the page" in r.text, token
    r = client.form(f"/story/{aid}/review", {"state": "archived"})
    assert r.status_code == 400 and "not one of" in r.text
    r = client.form(f"/story/{aid}/review", {"state": "relevant", "note": "x" * 5000})
    assert r.status_code == 400 and "at most 4000" in r.text
    assert store.get_article(aid).review_state == "new" and store.review_events(aid) == []
    r = client.form(f"/story/{aid}/review", {"state": "relevant"}, headers={"origin": "http://127.0.0.1:8765"})
    assert r.status_code == 200 and store.get_article(aid).review_state == "relevant"
    assert client.get("/story/999999").status_code == 404
    assert client.get("/story/99999999999999999999999").status_code == 404
    assert client.form("/story/999999/review", {"state": "relevant"}).status_code == 404


def test_other_hosts_are_refused_on_loopback(lite, tmp_path) -> None:
    """DNS rebinding: a page on evil.example resolving to 127.0.0.1 must not read the inbox."""
    store, _, url = lite
    with _client(store, url, tmp_path, base_url="http://evil.example") as c:
        assert c.get("/").status_code == 400
    with _client(store, url, tmp_path, base_url="http://localhost:8765") as c:
        assert c.get("/").status_code == 200


def test_paging(seeded, db_url, tmp_path) -> None:
    with _client(seeded[0], db_url, tmp_path, page_size=4) as c:
        p1, p2 = c.get("/").text, c.get("/?page=2").text
    assert len(story_rows(p1)) == 4 and len(story_rows(p2)) == 2 and "older →" in p1 and "← newer" in p2
    assert not set(story_rows(p1)) & set(story_rows(p2))


def test_highlight_and_links_units() -> None:
    text = "Samsung & <LG> met"
    spans = [Span(0, 7, "samsung", "Samsung Electronics"), Span(11, 13, "lg", "LG <Electronics>"),
             Span(3, 9, "x", "overlaps the first: skipped")]
    out = str(highlight(text, spans))
    assert out == ('<mark class="mention" data-entity="samsung" title="Samsung Electronics">Samsung</mark> &amp; '
                   '&lt;<mark class="mention" data-entity="lg" title="LG &lt;Electronics&gt;">LG</mark>&gt; met')
    m = MentionRecord("lg", 1, False, "", "", details=[
        {"field": "text", "start": 11, "end": 13, "text": "LG"},
        {"field": "text", "start": 11, "end": 99, "text": "LG"},  # beyond the text
        {"field": "text", "start": 0, "end": 2, "text": "LG"},  # text changed since matching
        {"field": "title", "start": 0, "end": 2, "text": "LG"}])
    spans, dropped = mention_spans([m], "text", text)
    assert [(s.start, s.end) for s in spans] == [(11, 13)] and dropped == 2
    assert prefect_ui_base(None, {"PREFECT_API_URL": "http://127.0.0.1:4200/api"}) == "http://127.0.0.1:4200"
    assert prefect_ui_base(None, {"PREFECT_UI_URL": "http://ui:4200/", "PREFECT_API_URL": "http://x/api"}) == "http://ui:4200"
    assert prefect_ui_base("javascript:alert(1)", {}) is None and prefect_ui_base(None, {}) is None
    assert flow_run_url("http://h", "a/b") == "http://h/runs/flow-run/a%2Fb" and flow_run_url(None, "x") is None
