"""Search in a real browser: headless Chromium (Playwright) against the desk served by
uvicorn on 127.0.0.1 with ``[web] auth = "password"``. A reviewer signs in, types a Korean
name into the search box and gets every story whose text has it followed by a particle
(삼성전자는, 삼성전자의, 삼성전자도), with the hits marked; then narrows it with the entity
filter, and searches a two-syllable name (메타)."""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from models.store import Store, parse_query
from newsmon.settings import parse_settings
from review.web import create_app
from tests.review_helpers import BASE_TIME, REPO, entity_names, save
from tests.test_web_accounts_browser import sign_in
from tests.test_web_browser import (
    ARGS,
    ARTIFACTS,
    CHROMIUM,
    Served,
    _require_chromium,
    _seed,
)
from tests.web_helpers import FAST_ARGON, add_users

pytestmark = pytest.mark.browser

# Stories of our own whose only forms of the name carry a particle.
PARTICLES = [
    ("https://yonhap.example/particle-neun", "삼성전자는 새 폴더블폰 공개", "삼성전자는 10일 서울에서 신제품을 공개했다."),
    ("https://yonhap.example/particle-ui", "반도체 업황 회복세", "업계는 삼성전자의 메모리 출하가 늘었다고 전했다."),
]


@pytest.fixture
def desk(tmp_path: Path):
    _require_chromium()
    from playwright.sync_api import sync_playwright

    url = f"sqlite:///{tmp_path / 'browser.db'}"
    settings = parse_settings({"database": {"url": url}, "watchlist": {"path": str(REPO / "watchlists" / "default.toml")},
                               "schedule": {"timezone": "Asia/Seoul"}, "accounts": FAST_ARGON,
                               "web": {"auth": "password"}}, base_dir=tmp_path)
    store = Store(url)
    _seed(store)
    for i, (link, title, text) in enumerate(PARTICLES):
        save(store, url=link, title=title, text=text, feed="Yonhap", language="ko",
             published=BASE_TIME + timedelta(days=1, hours=i))
    add_users(store, settings, ana="reviewer")
    ARTIFACTS.mkdir(exist_ok=True)
    with Served(create_app(settings, store=store, entity_names=entity_names())) as srv, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield store, srv, browser
        finally:
            browser.close()
    store.close()


def shown(page) -> list[int]:
    return [int(h.rsplit("/", 1)[1]) for h in page.eval_on_selector_all(
        "#inbox a.story-link", "els => els.map(e => e.getAttribute('href'))")]


def expected(store: Store, q: str, **f) -> list[int]:
    return [c.lead.id for c in store.review_inbox(q=parse_query(q), limit=None, **f)[0]]


def test_korean_substring_search_in_the_inbox(desk) -> None:
    store, srv, browser = desk
    page, errors = sign_in(browser, srv, "ana")
    page.wait_for_url(srv.base + "/")
    everything = shown(page)
    page.fill("#f-q", "삼성전자")
    page.keyboard.press("Enter")  # typed into the box: a search, not a keyboard shortcut
    page.wait_for_url("**/?q=*")
    got = shown(page)
    assert got == expected(store, "삼성전자") and 4 <= len(got) < len(everything)
    text = page.inner_text("#inbox")
    for form in ("삼성전자는", "삼성전자의", "삼성전자도"):
        assert form in text, form
    marks = page.eval_on_selector_all("#inbox mark.hit", "els => els.map(e => e.textContent)")
    assert marks and set(marks) == {"삼성전자"}
    # Every listed story shows a hit, in its title or its snippet.
    rows = page.locator("#inbox tbody tr.story")
    assert all(rows.nth(i).locator("mark.hit").count() >= 1 for i in range(rows.count()))
    assert page.input_value("#f-q") == "삼성전자"
    page.screenshot(path=str(ARTIFACTS / "inbox-search.png"), full_page=True)

    # Narrowed by the entity filter: the search stays.
    page.select_option("#f-entity", "samsung")
    page.click("#apply")
    page.wait_for_url("**entity=samsung*")
    assert "q=%EC%82%BC%EC%84%B1%EC%A0%84%EC%9E%90" in page.url
    assert shown(page) == expected(store, "삼성전자", entity="samsung") != []

    # Two syllables: the trigram index alone could not serve it.
    page.fill("#f-q", "메타")
    page.select_option("#f-entity", "")
    page.click("#apply")
    page.wait_for_url("**/?q=*")
    got = shown(page)
    assert got == expected(store, "메타") != []
    assert set(page.eval_on_selector_all("#inbox mark.hit", "els => els.map(e => e.textContent)")) == {"메타"}
    assert errors == []
