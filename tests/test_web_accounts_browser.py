"""Accounts and keyboard triage in a real browser: headless Chromium (Playwright) against
the desk served by uvicorn on 127.0.0.1 with ``[web] auth = "password"``.

* sign-in refused with a wrong password, then accepted; sign-out;
* a viewer reads but cannot decide: no decision form, the keys say so, and a decision
  forged from the page itself is refused (403) with nothing changed in the database;
* a reviewer decides with the keyboard only: j/k move (focus follows), x selects, r
  decides the selected stories in one bulk decision, ? lists the keys, Esc hides them,
  o opens a story, e decides it, j/k walk the inbox list, u goes back; keys typed into
  the note field stay text.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from models.store import Store
from newsmon.settings import parse_settings
from review.web import create_app
from tests.review_helpers import REPO, entity_names
from tests.test_web_browser import ARGS, ARTIFACTS, CHROMIUM, Served, _require_chromium, _seed
from tests.web_helpers import FAST_ARGON, PASSWORD, add_users

pytestmark = pytest.mark.browser


@pytest.fixture
def desk(tmp_path: Path):
    _require_chromium()
    from playwright.sync_api import sync_playwright

    url = f"sqlite:///{tmp_path / 'browser.db'}"
    settings = parse_settings({"database": {"url": url}, "watchlist": {"path": str(REPO / "watchlists" / "default.toml")},
                               "schedule": {"timezone": "Asia/Seoul"}, "accounts": FAST_ARGON,
                               "web": {"auth": "password"}}, base_dir=tmp_path)
    store = Store(url)
    ids = _seed(store)
    add_users(store, settings, ana="reviewer", vic="viewer")
    ARTIFACTS.mkdir(exist_ok=True)
    with Served(create_app(settings, store=store, entity_names=entity_names())) as srv, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield store, ids, srv, browser
        finally:
            browser.close()
    store.close()


def sign_in(browser, srv, name: str, password: str = PASSWORD):
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="en-US", timezone_id="Asia/Seoul")
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("dialog", lambda d: (errors.append("dialog: " + d.message), d.dismiss()))
    page.goto(srv.base + "/")
    page.wait_for_url("**/login*")
    page.fill("#username", name)
    page.fill("#password", password)
    page.keyboard.press("Enter")
    return page, errors


def states(store: Store) -> list[tuple[int, str, int]]:
    return [(a.id, a.review_state, len(store.review_events(a.id))) for a in store.iter_articles()]


def test_sign_in_and_a_viewer_refused(desk) -> None:
    store, ids, srv, browser = desk
    page, errors = sign_in(browser, srv, "vic", "not the password")
    page.wait_for_selector("#login-error")
    assert page.inner_text("#login-error") == "Wrong user name or password." and "/login" in page.url
    page.fill("#password", PASSWORD)
    page.click("#sign-in")
    page.wait_for_url(srv.base + "/")
    assert page.inner_text("#me") == "vic" and page.inner_text("#my-role") == "viewer"
    assert page.locator("input.pick").count() == 0 and page.locator("#bulkbar").count() == 0
    before = states(store)
    # The keys cannot decide for a viewer, and say why.
    page.keyboard.press("j")
    page.keyboard.press("r")
    assert "Read-only" in page.inner_text("#keys-status")
    page.keyboard.press("o")
    page.wait_for_url("**/story/*")
    assert page.locator("#review-form").count() == 0 and page.locator("#read-only").is_visible()
    page.keyboard.press("e")
    assert "Read-only" in page.inner_text("#keys-status")
    # A decision forged from the page itself (same origin, the viewer's own CSRF token) is
    # refused. (fetch() is not even allowed: the CSP has no connect-src; a form is.)
    story_id = int(page.url.rsplit("/", 1)[1])
    with page.expect_response(lambda r: r.url.endswith(f"/story/{story_id}/review")) as answer:
        page.evaluate("""(id) => {
            const f = document.createElement('form');
            f.method = 'post'; f.action = `/story/${id}/review`;
            const csrf = document.querySelector('input[name=csrf]').value;
            for (const [k, v] of Object.entries({csrf, state: 'relevant', scope: 'cluster'})) {
                const i = document.createElement('input'); i.type = 'hidden'; i.name = k; i.value = v; f.appendChild(i);
            }
            document.body.appendChild(f); f.submit(); }""", story_id)
    assert answer.value.status == 403
    page.wait_for_selector("#error")
    assert "needs the reviewer role" in page.inner_text("#error")
    assert states(store) == before
    page.screenshot(path=str(ARTIFACTS / "viewer-story.png"), full_page=True)
    # Sign out: back to the sign-in page, and the inbox is closed again.
    page.click("#logout")
    page.wait_for_url("**/login")
    page.goto(srv.base + "/")
    page.wait_for_url("**/login*")
    assert errors == []


def test_keyboard_triage_and_bulk_decisions(desk) -> None:
    store, ids, srv, browser = desk
    page, errors = sign_in(browser, srv, "ana")
    page.wait_for_url(srv.base + "/")
    rows = page.locator("#inbox tbody tr.story")
    n = rows.count()
    assert n == 7

    def cursor() -> int:
        return page.evaluate("Array.from(document.querySelectorAll('#inbox tr.story'))"
                             ".findIndex(r => r.classList.contains('cursor'))")

    def focused_href() -> str:
        return page.evaluate("document.activeElement.getAttribute('href')")

    # ? lists the keys; Esc hides the list.
    page.keyboard.press("?")
    assert page.locator("#keys-help").is_visible() and "mark relevant" in page.inner_text("#keys-help")
    page.keyboard.press("Escape")
    assert not page.locator("#keys-help").is_visible()
    # j/k move the cursor, and the focus with it.
    page.keyboard.press("j")
    assert cursor() == 0 and focused_href() == rows.nth(0).locator("a.story-link").get_attribute("href")
    page.keyboard.press("j")
    page.keyboard.press("j")
    page.keyboard.press("k")
    assert cursor() == 1 and focused_href() == rows.nth(1).locator("a.story-link").get_attribute("href")
    # x selects the second and third stories; r marks both relevant in one bulk decision.
    page.keyboard.press("x")
    page.keyboard.press("j")
    page.keyboard.press("x")
    assert page.locator("input.pick:checked").count() == 2
    chosen = [int(v) for v in page.eval_on_selector_all("input.pick:checked", "els => els.map(e => e.value)")]
    page.keyboard.press("r")
    page.wait_for_url("**/?done=relevant*")
    flash = page.inner_text("#flash")
    assert flash.startswith("Marked relevant: 2 stories (")
    decided = [a for a in store.iter_articles() if a.review_state == "relevant"]
    assert {a.reviewed_by for a in decided} == {"ana"} and len(decided) == int(flash.split("(")[1].split()[0])
    keys = {store.get_article(i).cluster_id or i for i in chosen}
    assert {a.cluster_id or a.id for a in decided} == keys
    assert cursor() == 2  # the cursor is where it was
    # Without a selection, r/i/e decide the story under the cursor.
    page.keyboard.press("j")
    target = rows.nth(3).locator("a.story-link").get_attribute("href")
    page.keyboard.press("i")
    page.wait_for_url("**/?done=irrelevant*")
    assert store.get_article(int(target.rsplit("/", 1)[1])).review_state == "irrelevant"
    page.screenshot(path=str(ARTIFACTS / "inbox-keyboard.png"), full_page=True)

    # o opens the story under the cursor; e escalates it (all outlets); j/k walk the list; u returns.
    page.keyboard.press("j")
    opened = rows.nth(4).locator("a.story-link").get_attribute("href")
    page.keyboard.press("o")
    page.wait_for_url("**" + opened)
    page.keyboard.press("e")
    page.wait_for_url("**" + opened + "?done=escalated*")
    assert page.inner_text("#state") == "Escalated"
    assert store.get_article(int(opened.rsplit("/", 1)[1])).review_state == "escalated"
    listed = page.evaluate("JSON.parse(sessionStorage.getItem('newsmon.list')).stories")
    assert listed.index(opened) == 4
    page.keyboard.press("j")
    page.wait_for_url("**" + listed[5])
    page.keyboard.press("k")
    page.wait_for_url("**" + opened)
    # Keys typed into the note are text, not commands.
    page.focus("#note")
    page.keyboard.type("jkrie?")
    assert page.input_value("#note") == "jkrie?" and "/story/" in page.url and not page.locator("#keys-help").is_visible()
    page.keyboard.press("Escape")  # leaves the field; keys work again
    page.keyboard.press("u")
    page.wait_for_url(srv.base + "/")
    page.keyboard.press("j")  # a fresh list: the cursor starts where it was left
    assert cursor() in (4, 5)
    assert errors == []

