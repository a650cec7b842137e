"""Accounts and access on the web desk (a real ASGI app over a real database, SQLite and
PostgreSQL): no route answers without a user, sign-in and sessions, throttling, roles,
CSRF tokens, the authenticating proxy, and decisions recorded under the signed-in name."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from http.cookies import SimpleCookie

import pytest
from fastapi.routing import APIRoute
from sqlalchemy import update
from starlette.routing import Route

from models.store import Store
from models.tables import LoginThrottle, WebSession
from review.accounts import Passwords, set_disabled, set_password
from review.web.auth import SESSION_COOKIE
from tests.test_review_web import _seed
from tests.web_helpers import PASSWORD, DeskClient, add_users, csrf_of, desk_client, desk_settings

PUBLIC = {"/login", "/static/{name}", "/atom/{token}"}
VALUES = {"entity_id": "samsung", "article_id": "1", "name": "kim", "action": "role", "token": "nmf_" + "x" * 43, "token_id": "1"}


@pytest.fixture
def seeded(store: Store):
    return store, _seed(store)


@pytest.fixture
def settings(db_url, tmp_path):
    return desk_settings(db_url, tmp_path, auth="password")


@pytest.fixture
def users(seeded, settings):
    add_users(seeded[0], settings, kim="admin", ana="reviewer", vic="viewer")
    return seeded


def client_for(store: Store, settings, **kw) -> DeskClient:
    return desk_client(store, settings, **kw)


def signed_in(store: Store, settings, name: str, **kw) -> DeskClient:
    c = client_for(store, settings, **kw)
    r = c.login(name)
    assert r.status_code == 303, r.text[:500]
    return c


def every_route(app) -> list[tuple[str, str, str]]:
    """(method, path template, concrete path) of every route of the app."""
    out = []
    for r in app.routes:
        assert isinstance(r, APIRoute | Route), r
        # Parameters of routes added later get "1": the guard answers before any route reads them.
        path = re.sub(r"\{(\w+)(?::\w+)?\}", lambda m: VALUES.get(m.group(1), "1"), r.path)
        for method in sorted(r.methods):
            out.append((method, r.path, path))
    return out


# -- no route answers without a user -------------------------------------------------------------

@pytest.mark.parametrize("mode", ["password", "proxy"])
def test_no_route_answers_without_a_user(users, db_url, tmp_path, mode) -> None:
    store, _ = users
    web = {"auth": mode} if mode == "password" else {"auth": "proxy", "trusted_proxies": ["10.9.9.9/32"]}
    c = client_for(store, desk_settings(db_url, tmp_path, **web))
    routes = every_route(c.app)
    assert {p for _, p, _ in routes} >= PUBLIC | {"/", "/story/{article_id}", "/story/{article_id}/review",
                                                  "/review/bulk", "/admin/users", "/account", "/logout",
                                                  "/entity/{entity_id}"}
    checked = 0
    for method, template, path in routes:
        # A proxy header from an address that is not a trusted proxy changes nothing.
        headers = {"X-Forwarded-User": "kim"} if mode == "proxy" else {}
        r = c.request(method, path, headers=headers, data={"state": "relevant"} if method == "POST" else None,
                      follow_redirects=False)
        if template in PUBLIC:
            if template == "/atom/{token}":
                assert r.status_code == 404, (method, path)  # no valid token: no feed
            continue
        checked += 1
        if mode == "password" and method in ("GET", "HEAD"):
            assert r.status_code == 303 and r.headers["location"].startswith("/login"), (method, path, r.status_code)
        else:
            assert r.status_code == 401, (method, path, r.status_code)
        assert SESSION_COOKIE not in r.cookies
    assert checked >= 12
    # Nothing was decided or created by all that.
    assert all(a.review_state == "new" for a in store.iter_articles())
    assert [a.name for a in store.accounts()] == ["ana", "kim", "vic"]


def test_static_and_login_are_public(users, settings) -> None:
    c = client_for(users[0], settings)
    assert c.get("/static/app.css").status_code == 200 and c.get("/static/keys.js").status_code == 200
    for path in ("/static/%2E%2E%2Fapp.py", "/static/..%2F..%2Fapp.py", "/static/nothing.css", "/static/.css"):
        assert c.get(path, follow_redirects=False).status_code == 404, path
    r = c.get("/login")
    assert r.status_code == 200 and 'name="username"' in r.text and 'name="password"' in r.text


# -- signing in, sessions --------------------------------------------------------------------------

def test_sign_in_cookie_and_sign_out(users, settings) -> None:
    store, _ = users
    c = client_for(store, settings)
    r = c.get("/story/1?x=1", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login?next=%2Fstory%2F1%3Fx%3D1"
    r = c.login("Ana", next="/story/1?x=1")  # names are case-insensitive
    assert r.status_code == 303 and r.headers["location"] == "/story/1?x=1"
    cookie = SimpleCookie(r.headers["set-cookie"])[SESSION_COOKIE]
    assert cookie["httponly"] and cookie["samesite"].lower() == "lax" and not cookie["secure"]
    assert cookie["path"] == "/" and int(cookie["max-age"]) == 168 * 3600
    token = cookie.value.rpartition(".")[0]
    with store.engine.connect() as conn:  # the database has only a hash of the token
        rows = conn.exec_driver_sql("SELECT id_hash FROM web_session").scalars().all()
    assert len(rows) == 1 and token not in rows[0]
    page = c.get("/").text
    assert 'id="me">ana<' in page and 'id="my-role">reviewer<' in page
    assert store.account("ana").last_login_at is not None
    # Going back to the login page while signed in goes on to the inbox.
    assert c.get("/login", follow_redirects=False).headers["location"] == "/"
    # Sign out: the session is gone from the database, so a copy of the cookie is worthless.
    stolen = c.cookies.get(SESSION_COOKIE)
    r = c.form("/logout", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login"
    assert SESSION_COOKIE in r.headers["set-cookie"] and "Max-Age=0" in r.headers["set-cookie"]
    other = client_for(store, settings)
    other.cookies.set(SESSION_COOKIE, stolen)
    assert other.get("/", follow_redirects=False).status_code == 303
    # Open redirects are not possible.
    for nxt in ("https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)"):
        r = client_for(store, settings).login("ana", next=nxt)
        assert r.headers["location"] == "/", nxt


def test_secure_cookie_only_behind_https(users, db_url, tmp_path) -> None:
    store, _ = users
    s = desk_settings(db_url, tmp_path, auth="password", host="0.0.0.0", trusted_proxies=["127.0.0.1/32"])

    def cookie_of(client: DeskClient, **headers) -> SimpleCookie:
        r = client.post("/login", data={"username": "ana", "password": PASSWORD}, headers=headers,
                        follow_redirects=False)
        assert r.status_code == 303
        return SimpleCookie(r.headers["set-cookie"])[SESSION_COOKIE]

    assert cookie_of(client_for(store, s, base_url="https://desk.example"))["secure"]
    proxy = client_for(store, s, base_url="http://desk.example", client=("127.0.0.1", 40000))
    assert cookie_of(proxy, **{"X-Forwarded-Proto": "https"})["secure"]  # TLS ended at a trusted proxy
    assert not cookie_of(proxy)["secure"]
    untrusted = client_for(store, s, base_url="http://desk.example", client=("192.0.2.7", 40000))
    assert not cookie_of(untrusted, **{"X-Forwarded-Proto": "https"})["secure"]


def test_sessions_survive_restarts_and_are_shared_by_workers(users, settings, tmp_path) -> None:
    store, _ = users
    c = signed_in(store, settings, "ana")
    cookie = c.cookies.get(SESSION_COOKIE)
    # Another worker (a second app on the same database, as a restart would be): same key
    # from the database, same sessions.
    other = Store(store.url)
    try:
        w2 = client_for(other, settings)
        w2.cookies.set(SESSION_COOKIE, cookie)
        assert w2.get("/", follow_redirects=False).status_code == 200
        # A cookie whose signature does not match is refused without a database lookup.
        w2.cookies.set(SESSION_COOKIE, cookie[:-2] + ("AA" if not cookie.endswith("AA") else "BB"))
        assert w2.get("/", follow_redirects=False).status_code == 303
    finally:
        other.close()
    # A desk with another configured key refuses cookies signed with the generated one.
    keyed = settings.model_copy(update={"web": settings.web.model_copy(update={"secret_key": "k" * 40})})
    w3 = client_for(store, keyed)
    w3.cookies.set(SESSION_COOKIE, cookie)
    assert w3.get("/", follow_redirects=False).status_code == 303


def test_sessions_end_on_password_change_disabling_and_idle(users, settings) -> None:
    store, _ = users
    pw = Passwords(settings.accounts)
    a1, a2, v = signed_in(store, settings, "ana"), signed_in(store, settings, "ana"), signed_in(store, settings, "vic")
    set_password(store, pw, "ana", "a brand new password")  # e.g. `newsmon users passwd ana`
    for c in (a1, a2):
        assert c.get("/", follow_redirects=False).status_code == 303
    assert v.get("/", follow_redirects=False).status_code == 200
    assert client_for(store, settings).login("ana").status_code == 401  # the old password is gone
    set_disabled(store, "vic", True)
    assert v.get("/", follow_redirects=False).status_code == 303
    assert client_for(store, settings).login("vic").status_code == 401  # same answer as a wrong password
    # Idle timeout and lifetime ([accounts] session_idle_minutes / session_lifetime_hours).
    ws = WebSession.__table__.c
    now = datetime.now(timezone.utc)

    def age(**values) -> None:
        with store.engine.begin() as conn:
            conn.execute(update(WebSession.__table__).where(ws.account_id == store.account("kim").id).values(**values))

    c = signed_in(store, settings, "kim")
    age(last_seen_at=now - timedelta(minutes=settings.accounts.session_idle_minutes + 1))
    assert c.get("/", follow_redirects=False).status_code == 303
    c = signed_in(store, settings, "kim")
    age(expires_at=now - timedelta(seconds=1))
    assert c.get("/", follow_redirects=False).status_code == 303
    # "Sign out everywhere" on the account page.
    c1, c2 = signed_in(store, settings, "kim"), signed_in(store, settings, "kim")
    c1.token_page = "/account"
    assert c1.form("/account/sessions/end", follow_redirects=False).headers["location"] == "/login"
    assert c2.get("/", follow_redirects=False).status_code == 303


def test_own_password_change_keeps_this_browser(users, settings) -> None:
    store, _ = users
    c, elsewhere = signed_in(store, settings, "vic"), signed_in(store, settings, "vic")
    c.token_page = "/account"
    bad = c.form("/account/password", {"current": "wrong", "password": "x" * 20, "again": "x" * 20})
    assert bad.status_code == 400 and "current password is wrong" in bad.text
    assert c.form("/account/password", {"current": PASSWORD, "password": "x" * 20, "again": "y" * 20}).status_code == 400
    r = c.form("/account/password", {"current": PASSWORD, "password": "short", "again": "short"})
    assert r.status_code == 400 and "at least 12" in r.text
    r = c.form("/account/password", {"current": PASSWORD, "password": "x" * 20, "again": "x" * 20},
               follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/account?done=password"
    assert c.get("/", follow_redirects=False).status_code == 200  # a new session for this browser
    assert elsewhere.get("/", follow_redirects=False).status_code == 303
    assert client_for(store, settings).login("vic", "x" * 20).status_code == 303


# -- throttling ----------------------------------------------------------------------------------------

def test_login_throttling_holds(users, db_url, tmp_path) -> None:
    store, _ = users
    s = desk_settings(db_url, tmp_path, auth="password",
                      accounts={"login_max_failures": 3, "login_max_failures_per_address": 8})
    c = client_for(store, s)

    def attempt(client: DeskClient, name: str, password: str = "wrong password") -> tuple[int, str]:
        r = client.login(name, password)
        return r.status_code, r.text.replace(name, "NAME")

    # Unknown and existing names get the same answer, failure after failure.
    for _ in range(2):
        known, unknown = attempt(c, "ana"), attempt(c, "nobody")
        assert known == unknown and known[0] == 401 and "Wrong user name or password." in known[1]
    known, unknown = attempt(c, "ana"), attempt(c, "nobody")  # the third failure locks both names
    assert known == unknown and known[0] == 429 and "Too many failed sign-ins" in known[1]
    # Locked: even the right password is refused, and no session is made.
    r = c.login("ana", PASSWORD)
    assert r.status_code == 429 and SESSION_COOKIE not in r.cookies
    # The lock is in the database: another worker, or the desk after a restart, keeps it.
    other = Store(store.url)
    try:
        assert client_for(other, s).login("ana", PASSWORD).status_code == 429
    finally:
        other.close()
    # Another name still works from this address until the address's own limit (8 failures:
    # 6 so far; sign-ins refused while locked are not counted)...
    assert attempt(c, "kim")[0] == 401
    assert attempt(c, "kim")[0] == 429  # the 8th locks the address (kim has only 2)...
    assert c.login("vic", PASSWORD).status_code == 429  # ...for every name
    # ...but not from another address.
    assert client_for(store, s, client=("192.0.2.10", 5000)).login("vic", PASSWORD).status_code == 303
    # When the lock-out ends, the right password works and clears the name's count.
    with store.engine.begin() as conn:
        conn.execute(update(LoginThrottle.__table__).values(locked_until=None))
    assert c.login("ana", PASSWORD).status_code == 303
    assert store.login_locked_until([("name", "ana")]) is None


def test_throttling_uses_the_client_address_from_trusted_proxies_only(users, db_url, tmp_path) -> None:
    store, _ = users
    s = desk_settings(db_url, tmp_path, auth="password", trusted_proxies=["127.0.0.1/32"],
                      accounts={"login_max_failures": 100, "login_max_failures_per_address": 2})
    via_proxy = client_for(store, s, client=("127.0.0.1", 5000))
    for _ in range(2):
        via_proxy.post("/login", data={"username": "kim", "password": "wrong"},
                       headers={"X-Forwarded-For": "203.0.113.5"})
    # 203.0.113.5 is locked; another client behind the same proxy is not.
    r = via_proxy.post("/login", data={"username": "ana", "password": PASSWORD},
                       headers={"X-Forwarded-For": "203.0.113.5"}, follow_redirects=False)
    assert r.status_code == 429
    r = via_proxy.post("/login", data={"username": "ana", "password": PASSWORD},
                       headers={"X-Forwarded-For": "198.51.100.9, 203.0.113.5"}, follow_redirects=False)
    assert r.status_code == 429  # the nearest untrusted hop counts, not what the client wrote first
    r = via_proxy.post("/login", data={"username": "ana", "password": PASSWORD},
                       headers={"X-Forwarded-For": "198.51.100.9"}, follow_redirects=False)
    assert r.status_code == 303
    # From an untrusted peer the header is ignored: the peer's own address counts.
    direct = client_for(store, s, client=("192.0.2.44", 5000))
    for fake in ("198.51.100.1", "198.51.100.2"):
        direct.post("/login", data={"username": "kim", "password": "wrong"}, headers={"X-Forwarded-For": fake})
    r = direct.post("/login", data={"username": "ana", "password": PASSWORD},
                    headers={"X-Forwarded-For": "198.51.100.3"}, follow_redirects=False)
    assert r.status_code == 429


# -- roles and CSRF --------------------------------------------------------------------------------------

def test_viewer_reads_but_cannot_decide(users, settings) -> None:
    store, ids = users
    v = signed_in(store, settings, "vic")
    aid = ids["lg_hvac/base"]
    page = v.get(f"/story/{aid}")
    assert page.status_code == 200 and 'id="read-only"' in page.text and 'id="review-form"' not in page.text
    inbox = v.get("/").text
    assert 'id="bulk-relevant"' not in inbox and 'class="pick"' not in inbox
    token = csrf_of(inbox)
    before = [(a.id, a.review_state) for a in store.iter_articles()]
    r = v.post(f"/story/{aid}/review", data={"csrf": token, "state": "relevant", "scope": "cluster"})
    assert r.status_code == 403 and "needs the reviewer role" in r.text
    r = v.post("/review/bulk", data={"csrf": token, "state": "relevant", "id": [str(aid)]})
    assert r.status_code == 403
    assert [(a.id, a.review_state) for a in store.iter_articles()] == before
    assert all(store.review_events(i) == [] for i, _ in before)
    for path in ("/admin/users",):
        assert v.get(path).status_code == 403
    assert v.post("/admin/users", data={"csrf": token, "name": "eve", "role": "admin"}).status_code == 403
    assert store.account("eve") is None


def test_reviewer_decides_under_their_own_name(users, settings) -> None:
    store, ids = users
    a = signed_in(store, settings, "ana")
    aid = ids["nec_audit_ko/base"]
    story = a.get(f"/story/{aid}").text
    assert 'name="reviewer"' not in story and 'id="reviewer">ana<' in story
    r = a.form(f"/story/{aid}/review", {"state": "escalated", "note": "legal", "scope": "cluster",
                                        "reviewer": "somebody else"}, follow_redirects=False)
    assert r.status_code == 303
    members = [i for k, i in ids.items() if k.startswith("nec_audit_ko/")]
    for i in members:
        art = store.get_article(i)
        assert (art.review_state, art.reviewed_by) == ("escalated", "ana")
        assert [(e.reviewer, e.note) for e in store.review_events(i)] == [("ana", "legal")]
    assert a.get("/admin/users").status_code == 403  # reviewers do not manage users


def test_csrf_token_is_per_session(users, settings) -> None:
    store, ids = users
    a, k = signed_in(store, settings, "ana"), signed_in(store, settings, "kim")
    aid = ids["lg_hvac/base"]
    for token in (None, "", csrf_of(k.get("/").text)):  # missing, empty, another user's
        data = {"state": "relevant"} | ({"csrf": token} if token is not None else {})
        r = a.post(f"/story/{aid}/review", data=data)
        assert r.status_code == 403 and "reload the page" in r.text
    assert store.get_article(aid).review_state == "new"
    assert a.form(f"/story/{aid}/review", {"state": "relevant"}).status_code == 200
    assert store.get_article(aid).review_state == "relevant"
    # Oversized or non-form bodies are refused before anything is read.
    assert a.post(f"/story/{aid}/review", json={"state": "new"}).status_code == 415
    big = a.post(f"/story/{aid}/review", content=b"a=" + b"x" * 300_000,
                 headers={"content-type": "application/x-www-form-urlencoded"})
    assert big.status_code == 413


def test_admin_manages_users_on_the_web(users, settings) -> None:
    store, _ = users
    k = signed_in(store, settings, "kim")
    k.token_page = "/admin/users"
    page = k.get("/admin/users").text
    assert all(f'data-user="{n}"' in page for n in ("kim", "ana", "vic"))
    r = k.form("/admin/users", {"name": "Park", "role": "reviewer", "password": "park's long password"},
               follow_redirects=False)
    assert r.status_code == 303 and "done=added" in r.headers["location"]
    assert "Added park." in k.get(r.headers["location"]).text
    assert client_for(store, settings).login("park", "park's long password").status_code == 303
    r = k.form("/admin/users", {"name": "park", "role": "viewer"})
    assert r.status_code == 400 and "already exists" in r.text
    r = k.form("/admin/users", {"name": "bad name", "role": "viewer"})
    assert r.status_code == 400 and "is not 1-128 letters" in r.text
    assert k.form("/admin/users/park/role", {"role": "admin"}).status_code == 200
    assert store.account("park").role == "admin"
    k.form("/admin/users/vic/disable")
    assert store.account("vic").disabled
    k.form("/admin/users/vic/enable")
    assert not store.account("vic").disabled
    k.form("/admin/users/vic/password", {"password": "vic's new password"})
    assert client_for(store, settings).login("vic", "vic's new password").status_code == 303
    assert k.form("/admin/users/nobody/disable").status_code == 400
    assert k.form("/admin/users/vic/explode").status_code == 404
    # The last enabled admin cannot lock the desk out.
    k.form("/admin/users/park/disable")
    r = k.form("/admin/users/kim/role", {"role": "viewer"})
    assert r.status_code == 400 and "only enabled admin" in r.text and store.account("kim").role == "admin"


# -- the authenticating proxy ------------------------------------------------------------------------------

def test_proxy_header_is_trusted_from_trusted_proxies_only(users, db_url, tmp_path) -> None:
    store, ids = users
    s = desk_settings(db_url, tmp_path, auth="proxy", host="0.0.0.0", trusted_proxies=["127.0.0.1/32"],
                      proxy_logout_url="/oauth2/sign_out")
    proxy = client_for(store, s, client=("127.0.0.1", 4180))
    proxy.headers["X-Forwarded-User"] = "Ana"
    page = proxy.get("/")
    assert page.status_code == 200 and 'id="me">ana<' in page.text and 'href="/oauth2/sign_out"' in page.text
    aid = ids["lg_hvac/base"]
    assert proxy.form(f"/story/{aid}/review", {"state": "irrelevant"}).status_code == 200
    assert store.review_events(aid)[-1].reviewer == "ana"
    # The same header from any other address is ignored.
    for peer in ("192.0.2.1", "127.0.0.2", "::1"):
        outsider = client_for(store, s, client=(peer, 5000))
        r = outsider.get("/", headers={"X-Forwarded-User": "kim"}, follow_redirects=False)
        assert r.status_code == 401 and "did not come through it" in r.text, peer
        r = outsider.post(f"/story/{aid}/review", data={"state": "new"}, headers={"X-Forwarded-User": "kim"})
        assert r.status_code == 401
    assert store.get_article(aid).review_state == "irrelevant"
    # No header through the proxy: 401; /login explains.
    bare = client_for(store, s, client=("127.0.0.1", 4181))
    assert bare.get("/", follow_redirects=False).status_code == 401
    assert bare.get("/login").status_code == 401
    assert bare.post("/login", data={"username": "ana", "password": PASSWORD}).status_code == 404
    # Unknown proxy users get an account with [web] proxy_default_role (viewer)...
    newbie = client_for(store, s, client=("127.0.0.1", 4182))
    newbie.headers["X-Forwarded-User"] = "jun@example.org"
    newbie.token_page = "/account"  # a viewer's inbox has no form
    assert newbie.get("/").status_code == 200
    acct = store.account("jun@example.org")
    assert (acct.role, acct.source, acct.has_password) == ("viewer", "proxy", False)
    assert newbie.form(f"/story/{aid}/review", {"state": "new"}).status_code == 403
    # ...disabled accounts and unusable names are refused.
    set_disabled(store, "jun@example.org", True)
    assert newbie.get("/").status_code == 403
    newbie.headers["X-Forwarded-User"] = "<script>"
    assert newbie.get("/").status_code == 403
    strict = desk_settings(db_url, tmp_path, auth="proxy", trusted_proxies=["127.0.0.1/32"],
                           proxy_default_role="refuse")
    c = client_for(store, strict, client=("127.0.0.1", 4183))
    r = c.get("/", headers={"X-Forwarded-User": "stranger"})
    assert r.status_code == 403 and "no newsmon account for stranger" in r.text
    assert store.account("stranger") is None


def test_proxy_header_through_a_real_server(users, db_url, tmp_path) -> None:
    """As served by ``newsmon web``: the proxy is 127.0.0.2, a client on 127.0.0.1 is not;
    X-Forwarded-For cannot make a client look like the proxy (uvicorn's own proxy-header
    handling, which would believe it from 127.0.0.1, is off)."""
    import httpx

    from review.web import create_app
    from tests.review_helpers import entity_names
    from tests.web_helpers import RealServer

    store, ids = users
    s = desk_settings(db_url, tmp_path, auth="proxy", trusted_proxies=["127.0.0.2/32"])
    with RealServer(create_app(s, store=store, entity_names=entity_names())) as srv:
        def client(local: str) -> httpx.Client:
            return httpx.Client(base_url=srv.base, transport=httpx.HTTPTransport(local_address=local), timeout=10,
                                headers={"X-Forwarded-User": "ana"})

        with client("127.0.0.2") as proxy, client("127.0.0.1") as direct:
            r = proxy.get("/")
            assert r.status_code == 200 and 'id="me">ana<' in r.text
            token = csrf_of(r.text)
            for extra in ({}, {"X-Forwarded-For": "127.0.0.2"}, {"X-Real-IP": "127.0.0.2"},
                          {"Forwarded": "for=127.0.0.2"}):
                r = direct.get("/", headers=extra)
                assert r.status_code == 401 and "ana" not in r.text.split("<main>")[0], extra
                r = direct.post(f"/story/{ids['lg_hvac/base']}/review", data={"csrf": token, "state": "relevant"},
                                headers=extra)
                assert r.status_code == 401, extra
            assert store.get_article(ids["lg_hvac/base"]).review_state == "new"
            r = proxy.post(f"/story/{ids['lg_hvac/base']}/review", data={"csrf": token, "state": "relevant"})
            assert r.status_code == 303 and store.get_article(ids["lg_hvac/base"]).reviewed_by == "ana"


# -- the 0.1.0 archive --------------------------------------------------------------------------------------

def test_decisions_before_accounts_keep_their_names(db_url, tmp_path) -> None:
    from models.migrate import upgrade
    from tests.migration_helpers import load_0_1_0

    expected = load_0_1_0(db_url)
    upgrade(db_url)
    store = Store(db_url)
    store.check()
    try:
        settings = desk_settings(db_url, tmp_path, auth="password")
        add_users(store, settings, minji="reviewer")  # the same name as a 0.1.0 reviewer: a new person
        c = signed_in(store, settings, "minji")
        decided = {int(k): v for k, v in expected["review_events"].items()}
        aid = next(iter(decided))
        assert c.form(f"/story/{aid}/review", {"state": "irrelevant", "note": "after accounts"}).status_code == 200
        for article_id, events in decided.items():
            trail = [[e.from_state, e.to_state, e.note, e.reviewer] for e in store.review_events(article_id)]
            assert trail[:len(events)] == events  # every 0.1.0 event as it was, names included
        assert store.review_events(aid)[-1].reviewer == "minji" and store.review_events(aid)[-1].note == "after accounts"
        assert {e[3] for evs in decided.values() for e in evs} == {"minji", "alex"}
        history = c.get(f"/story/{aid}").text
        assert ">alex<" in history  # pre-account names are shown as recorded
    finally:
        store.close()
