"""Search in a real browser: headless Chromium (Playwright) against the desk served by
uvicorn on 127.0.0.1 with ``[web] auth = "password"``. A reviewer signs in, types a Korean
name into the search box and gets every story whose text has it followed by a particle
(삼성전자는, 삼성전자의, 삼성전자도), with the hits marked; then narrows it with the entity
filter, and searches a two-syllable name (메타)."""
from __future__ import annotations

from datetime import timedelta

import pytest

from models.store import Store, parse_query
from tests.review_helpers import BASE_TIME, save
from tests.test_web_accounts_browser import desk, sign_in  # noqa: F401  (desk: the fixture)
from tests.test_web_browser import ARTIFACTS

pytestmark = pytest.mark.browser

# Stories of our own whose only forms of the name carry a particle.
PARTICLES = [
    ("https://yonhap.example/particle-neun", "삼성전자는 새 폴더블폰 공개", "삼성전자는 10일 서울에서 신제품을 공개했다."),
    ("https://yonhap.example/particle-ui", "반도체 업황 회복세", "업계는 삼성전자의 메모리 출하가 늘었다고 전했다."),
]


def shown(page) -> list[int]:
    return [int(h.rsplit("/", 1)[1]) for h in page.eval_on_selector_all(
        "#inbox a.story-link", "els => els.map(e => e.getAttribute('href'))")]


def expected(store: Store, q: str, **f) -> list[int]:
    return [c.lead.id for c in store.review_inbox(q=parse_query(q), limit=None, **f)[0]]


def test_korean_substring_search_in_the_inbox(desk) -> None:  # noqa: F811  (the imported fixture)
    store, _, srv, browser = desk  # signed-in desk with the browser tests' stories (Korean and English)
    for i, (link, title, text) in enumerate(PARTICLES):
        save(store, url=link, title=title, text=text, feed="Yonhap", language="ko",
             published=BASE_TIME + timedelta(days=1, hours=i))
    page, errors = sign_in(browser, srv, "ana")
    page.wait_for_url(srv.base + "/")
    everything = shown(page)
    page.fill("#f-q", "삼성전자")
    page.keyboard.press("Enter")  # typed into the box: a search, not a keyboard shortcut
    page.wait_for_url("**&q=*")
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
    page.wait_for_url("**&q=*")
    got = shown(page)
    assert got == expected(store, "메타") != []
    assert set(page.eval_on_selector_all("#inbox mark.hit", "els => els.map(e => e.textContent)")) == {"메타"}
    assert errors == []
