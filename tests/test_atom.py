"""Atom feeds of the flagged stories (``review/web/atom.py``) on SQLite and PostgreSQL:
tokens made on the account page or the CLI, every inbox filter, revocation, and hostile
text carried as inert, valid Atom (RFC 4287)."""
from __future__ import annotations

import html
import re
from datetime import timedelta
from urllib.parse import urlsplit

import feedparser
import pytest
from lxml import etree

from models.store import Store
from models.tables import Mention
from review.accounts import new_token, set_disabled
from tests.review_helpers import BASE_TIME, save
from tests.test_escaping import HOSTILE_TEXT, IMG, LINK, SCRIPT
from tests.test_review_web import _seed
from tests.web_helpers import DeskClient, add_users, desk_client, desk_settings

A = "{http://www.w3.org/2005/Atom}"
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")
# Characters XML 1.0 cannot carry at all: they must be dropped, not escaped.
CONTROL = "\x01\x08\x0b\x1f\ufffe"
HOSTILE_TITLES = [f"{t} Samsung Electronics{CONTROL}]]> &amp; &#0;" for t in HOSTILE_TEXT]


def check_atom(doc: bytes) -> etree._Element:
    """Well-formed XML (strict parser), and the RFC 4287 rules for feeds and entries."""
    root = etree.fromstring(doc, etree.XMLParser(recover=False, resolve_entities=False, no_network=True))
    assert root.tag == f"{A}feed"

    def one(el: etree._Element, tag: str) -> etree._Element:
        found = el.findall(f"{A}{tag}")
        assert len(found) == 1, (tag, len(found))
        return found[0]

    def absolute(iri: str) -> None:
        assert re.match(r"^(https?://[^\s<>\"]+|urn:uuid:[0-9a-f-]{36})$", iri), iri

    for tag in ("id", "title", "updated"):
        one(root, tag)
    absolute(one(root, "id").text)
    assert RFC3339.match(one(root, "updated").text)
    assert root.findall(f"{A}author") and one(root.find(f"{A}author"), "name").text
    rels = [ln.get("rel") for ln in root.findall(f"{A}link")]
    assert rels.count("self") == 1 and rels.count("alternate") == 1
    ids = set()
    for e in root.findall(f"{A}entry"):
        for tag in ("id", "title", "updated", "published", "summary"):
            one(e, tag)
        eid = one(e, "id").text
        absolute(eid)
        assert eid not in ids
        ids.add(eid)
        assert RFC3339.match(one(e, "updated").text) and RFC3339.match(one(e, "published").text)
        assert one(e, "published").text <= one(e, "updated").text
        assert one(e, "title").get("type") == "text" and one(e, "summary").get("type") == "text"
        links = e.findall(f"{A}link")
        assert [ln.get("rel") for ln in links].count("alternate") == 1
        for ln in links:
            absolute(ln.get("href"))
        assert e.findall(f"{A}category")
    for el in root.iter():
        assert el.tag.startswith(A), el.tag  # nothing but Atom elements: no markup from the web
    parsed = feedparser.parse(doc)
    assert parsed.bozo == 0 and parsed.version == "atom10", parsed.get("bozo_exception")
    return root


def entries(root: etree._Element) -> list[dict]:
    return [{"title": e.find(f"{A}title").text, "id": e.find(f"{A}id").text,
             "story": e.find(f"{A}link[@rel='alternate']").get("href"),
             "related": [ln.get("href") for ln in e.findall(f"{A}link[@rel='related']")],
             "terms": {c.get("term") for c in e.findall(f"{A}category")},
             "summary": e.find(f"{A}summary").text} for e in root.findall(f"{A}entry")]


@pytest.fixture
def desk(store: Store, db_url, tmp_path):
    ids = _seed(store)
    settings = desk_settings(db_url, tmp_path, auth="password")
    add_users(store, settings, kim="admin", ana="reviewer", vic="viewer")
    return store, ids, settings


def reader(store: Store, settings) -> DeskClient:
    """A feed reader: no cookies, no session."""
    return desk_client(store, settings)


def token_from_account_page(store: Store, settings, name: str = "vic", view: str = "") -> tuple[DeskClient, str, str]:
    c = desk_client(store, settings)
    assert c.login(name).status_code == 303
    c.token_page = "/account"
    page = c.get("/account" + (f"?view={view}" if view else ""))
    assert page.status_code == 200 and "No feed tokens yet." in page.text
    kept = html.unescape(re.search(r'name="view" value="([^"]*)"', page.text).group(1))  # as the form sends it
    r = c.form("/account/tokens", {"label": "NetNewsWire", "view": kept})
    assert r.status_code == 200
    url = re.search(r'id="feed-url-all">([^<]+)<', r.text).group(1)
    view_url = re.search(r'id="feed-url-view">([^<]+)<', r.text)
    return c, url, view_url.group(1).replace("&amp;", "&") if view_url else ""


def test_feed_of_the_whole_inbox_and_of_a_view(desk) -> None:
    store, ids, settings = desk
    owner, url, view_url = token_from_account_page(store, settings, view="entity%3Dnec%26page%3D2%26junk%3D1")
    assert url.startswith("http://127.0.0.1:8765/atom/nmf_") and view_url == url + "?entity=nec"
    token = urlsplit(url).path.rsplit("/", 1)[1]
    page = owner.get("/account").text
    assert token not in page and "NetNewsWire" in page  # listed, never shown again
    r = reader(store, settings).get(urlsplit(url).path)
    assert r.status_code == 200 and r.headers["content-type"] == "application/atom+xml; charset=utf-8"
    root = check_atom(r.content)
    got = entries(root)
    clusters, total = store.review_inbox(limit=None)
    assert len(got) == total == 6
    assert [e["story"] for e in got] == [f"http://127.0.0.1:8765/story/{c.lead.id}" for c in clusters]  # newest first
    hbm = next(e for e in got if "HBM" in e["title"] and "SK hynix" not in e["title"])
    assert len(hbm["related"]) == 3 and {"samsung", "new"} <= hbm["terms"]
    assert "Samsung Electronics:" in hbm["summary"]
    assert root.find(f"{A}link[@rel='self']").get("href") == url
    # The view's filters.
    nec = entries(check_atom(reader(store, settings).get(urlsplit(view_url).path + "?entity=nec").content))
    assert len(nec) == 1 and "nec" in nec[0]["terms"]


def test_every_inbox_filter_applies(desk) -> None:
    store, ids, settings = desk
    _, token = new_token(store, "ana")
    r = reader(store, settings)

    def feed(query: str) -> list[dict]:
        resp = r.get(f"/atom/{token}?{query}")
        assert resp.status_code == 200, resp.text
        return entries(check_atom(resp.content))

    def inbox(**f) -> list[str]:
        return [f"http://127.0.0.1:8765/story/{c.lead.id}" for c in store.review_inbox(**f, limit=None)[0]]

    from review.states import decide
    decide(store, ids["lg_hvac/base"], "relevant", reviewer="ana")
    cases = {"entity=samsung": {"entity": "samsung"}, "feed=Daily": {"feed": "Daily"},
             "state=relevant": {"state": "relevant"}, "state=new&entity=nec": {"state": "new", "entity": "nec"}}
    for query, f in cases.items():
        assert [e["story"] for e in feed(query)] == inbox(**f), query
    one_day = feed("since=2026-11-28&until=2026-11-28")
    assert len(one_day) == 1 and "선관위" in one_day[0]["title"]
    relevant = feed("state=relevant")
    assert len(relevant) == 1 and "relevant" in relevant[0]["terms"]
    for bad, msg in [("state=done", "not one of"), ("since=yesterday", "is not a date"),
                     ("min_prominence=abc", "0 to 100"), ("min_prominence=101", "0 to 100")]:
        resp = r.get(f"/atom/{token}?{bad}")
        assert resp.status_code == 400 and msg in resp.text, bad
    # A feed limited to [accounts] feed_entries stories.
    small = desk_settings(store.url, settings.base_dir, auth="password", accounts={"feed_entries": 2})
    assert len(entries(check_atom(desk_client(store, small).get(f"/atom/{token}").content))) == 2


def test_min_prominence_filters_on_the_flag_score(desk) -> None:
    from sqlalchemy import update
    store, ids, settings = desk
    _, token = new_token(store, "ana")
    m = Mention.__table__.c
    with store.engine.begin() as conn:  # scores as the scorer would store them: NEC high, the rest low
        conn.execute(update(Mention.__table__).values(prominence=10))
        conn.execute(update(Mention.__table__).where(m.entity_id == "nec").values(prominence=90))
    got = entries(check_atom(reader(store, settings).get(f"/atom/{token}?min_prominence=60").content))
    assert len(got) == 1 and "nec" in got[0]["terms"]
    assert entries(check_atom(reader(store, settings).get(f"/atom/{token}?min_prominence=60&entity=samsung").content)) == []


def test_revoked_unknown_and_disabled_tokens_answer_404(desk) -> None:
    store, _, settings = desk
    owner, url, _ = token_from_account_page(store, settings, "ana")
    path = urlsplit(url).path
    r = reader(store, settings)
    assert r.get(path).status_code == 200
    for bad in (path + "x", "/atom/nmf_" + "A" * 43, "/atom/x", "/atom/" + "x" * 300):
        assert r.get(bad).status_code == 404, bad
    tid = store.tokens(store.account("ana").id)[0].id
    revoke = owner.form(f"/account/tokens/{tid}/revoke", follow_redirects=False)
    assert revoke.status_code == 303 and "Revoked the feed token." in owner.get("/account?done=revoked").text
    resp = r.get(path)
    assert resp.status_code == 404 and "revoked" in resp.text
    # Someone else's token cannot be revoked from my account page.
    row, other = new_token(store, "kim")
    assert owner.form(f"/account/tokens/{row.id}/revoke").status_code == 404
    assert r.get(f"/atom/{other}").status_code == 200
    add_users(store, settings, lee="admin")  # (kim is not the last admin then)
    set_disabled(store, "kim", True)  # a disabled account's feeds stop with it
    assert r.get(f"/atom/{other}").status_code == 404


def test_conditional_get(desk) -> None:
    store, ids, settings = desk
    _, token = new_token(store, "vic")
    r = reader(store, settings)
    first = r.get(f"/atom/{token}")
    etag = first.headers["etag"]
    again = r.get(f"/atom/{token}", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    from review.states import decide
    decide(store, ids["lg_hvac/base"], "escalated", reviewer="ana")  # the story changed: a new document
    changed = r.get(f"/atom/{token}", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["etag"] != etag


def test_feed_escapes_everything_it_carries(store: Store, db_url, tmp_path) -> None:
    settings = desk_settings(db_url, tmp_path, auth="password")
    add_users(store, settings, vic="viewer")
    hostile_url = "https://evil.example/a?x=\"><script>alert(1)</script>&y=<b>"
    for i, title in enumerate(HOSTILE_TITLES):
        save(store, url=hostile_url + str(i) if i else hostile_url, title=title,
             text=f"Samsung Electronics said {SCRIPT} and {IMG} that {LINK}{CONTROL} demand is rising.",
             feed=f"<i>Evil</i> {LINK}{CONTROL}", published=BASE_TIME + timedelta(hours=i))
    save(store, url="javascript:alert(9)", title="Samsung Electronics via a script link",
         text="Samsung Electronics said so.", published=BASE_TIME - timedelta(days=1))
    # (Not clustered: one story per hostile headline.)
    _, token = new_token(store, "vic")
    resp = reader(store, settings).get(f"/atom/{token}")
    raw = resp.content
    assert b"<script" not in raw.lower() and b"<img" not in raw.lower() and b"<i>" not in raw and b"<b>" not in raw
    root = check_atom(raw)
    got = entries(root)
    assert len(got) == len(HOSTILE_TITLES) + 1
    strip = str.maketrans("", "", CONTROL)
    # Titles as written (on one line), less the characters XML cannot carry.
    assert sorted(e["title"] for e in got[:-1]) == sorted(" ".join(t.translate(strip).split()) for t in HOSTILE_TITLES)
    for e in got:
        assert all(h.startswith("https://") for h in e["related"])  # the javascript: link is left out
        assert SCRIPT in e["summary"] or "script link" in e["title"]  # text as written, not markup
    evil = next(e for e in got if e["related"])
    assert evil["related"][0].startswith("https://evil.example/a?x=%22%3E%3Cscript%3E")
    authors = {a.text for a in root.iter(f"{A}name")}
    assert f"<i>Evil</i> {LINK}" in authors
