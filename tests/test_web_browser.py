"""End to end in a real browser: headless Chromium (Debian's ``chromium``) driven by
Playwright against the inbox served by a real uvicorn on 127.0.0.1.

Signs in (``[web] auth = "password"``), filters by an entity, opens a story, marks it
relevant, reloads and sees the state persist under the reviewer's name; a hostile
headline stays text (no dialog ever opens). Sign-in, roles and keyboard triage in more
depth: ``tests/test_web_accounts_browser.py``. Screenshots of the inbox
go to ``test-artifacts/``; the README's pictures are made by ``docs/shoot_desk.py``.

Without /usr/bin/chromium the test is skipped locally but FAILS when ``CI`` is set.
The page data are fixed (dates, stories), so the screenshot is the same on every run.
Storage is covered on both databases by the other review tests; this one uses SQLite.
"""
from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest

from models.store import Store
from newsmon.settings import parse_settings
from review.clusters import cluster_pending
from review.web import create_app
from tests.review_corpus import corpus
from tests.review_helpers import BASE_TIME, REPO, entity_names, save
from tests.web_helpers import FAST_ARGON, PASSWORD, RealServer, add_users

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
ARTIFACTS = REPO / "test-artifacts"
XSS_TITLE = "<script>alert(1)</script> Samsung Electronics recalls chargers"

pytestmark = pytest.mark.browser


def _require_chromium() -> None:
    if CHROMIUM.exists():
        return
    msg = f"{CHROMIUM} not found: install Debian's chromium package (apt-get install chromium)"
    if os.environ.get("CI"):
        pytest.fail(msg, pytrace=False)
    pytest.skip(msg)


# uvicorn on 127.0.0.1 and a free port, in a thread, configured as `newsmon web` runs it.
Served = RealServer


def _seed(store: Store) -> dict[str, int]:
    keys = ["samsung_hbm", "nec_audit_ko", "lg_hvac", "lee_zuckerberg_ko", "samsung_lg_tv", "sk_hynix_yongin_ko"]
    ids: dict[str, int] = {}
    for d in corpus():
        if d.story in keys:
            ids[d.key] = save(store, url=f"https://{d.feed.lower()}.example/{d.key}", title=d.title, text=d.text,
                              feed={"Origin": "Korea Herald", "Partner": "Yonhap", "Aggregator": "BusinessKorea",
                                    "Wire": "Korea JoongAng Daily", "Daily": "The Korea Times"}[d.feed],
                              language=d.lang, flow_run_id="6f1c9a52-4d0e-4c1b-9a8e-2f3d5b7c9e01",
                              published=BASE_TIME + timedelta(hours=3 * keys.index(d.story), minutes=len(ids)))
    ids["xss"] = save(store, url="https://evil.example/x", title=XSS_TITLE,
                      text="Samsung Electronics said <img src=x onerror=alert(2)> it would recall chargers.",
                      feed="Unknown blog", published=BASE_TIME + timedelta(hours=20))
    cluster_pending(store, parse_settings({}).review)
    return ids


def test_inbox_filter_open_mark_reload(tmp_path) -> None:
    _require_chromium()
    from playwright.sync_api import sync_playwright

    url = f"sqlite:///{tmp_path / 'browser.db'}"
    settings = parse_settings({"database": {"url": url},
                               "watchlist": {"path": str(REPO / "watchlists" / "default.toml")},
                               "schedule": {"timezone": "Asia/Seoul"}, "accounts": FAST_ARGON,
                               "web": {"prefect_ui_url": "http://127.0.0.1:4200", "auth": "password"}},
                              base_dir=tmp_path)
    store = Store(url)
    ids = _seed(store)
    add_users(store, settings, minji="reviewer")
    app = create_app(settings, store=store, entity_names=entity_names())
    ARTIFACTS.mkdir(exist_ok=True)
    dialogs: list[str] = []
    with Served(app) as srv, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 860}, locale="en-US",
                                    timezone_id="Asia/Seoul")
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.goto(srv.base + "/")
            page.wait_for_url("**/login*")
            page.fill("#username", "minji")
            page.fill("#password", PASSWORD)
            page.click("#sign-in")
            page.wait_for_url(srv.base + "/")
            assert page.locator("#inbox tbody tr.story").count() == 7
            # The hostile headline is shown as text; no script ran.
            assert XSS_TITLE in page.locator("#inbox").inner_text()
            page.screenshot(path=str(ARTIFACTS / "inbox.png"), full_page=True)

            # Filter by an entity.
            page.select_option("#f-entity", "nec")
            page.click("#apply")
            page.wait_for_url("**/?entity=nec*")
            rows = page.locator("#inbox tbody tr.story")
            assert rows.count() == 1
            assert "선관위" in rows.first.inner_text() and "5" in rows.first.locator("td.outlets").inner_text()
            page.screenshot(path=str(ARTIFACTS / "inbox-nec.png"), full_page=True)

            # Open the story: highlighted mentions, reasons, all outlets, the flow-run link.
            rows.first.locator("a.story-link").click()
            page.wait_for_url("**/story/*")
            story_id = int(page.url.rsplit("/", 1)[1])
            assert page.locator("#text mark.mention").count() >= 4
            assert page.locator("#text mark.mention[data-entity='nec']").first.inner_text() in ("중앙선거관리위원회", "선관위")
            assert "National Election Commission" in page.locator("#flags").inner_text()
            assert page.locator("#outlets tbody tr").count() == 5
            assert page.get_attribute("#flow-run", "href").startswith("http://127.0.0.1:4200/runs/flow-run/")
            assert page.inner_text("#state") == "New"
            page.screenshot(path=str(ARTIFACTS / "story.png"), full_page=True)

            # Mark it relevant with a note; the decision survives a reload.
            page.fill("#note", "Audit findings confirmed; <b>follow up</b>")
            assert page.inner_text("#reviewer") == "minji"  # no name to type: the signed-in user decides
            page.click("#mark-relevant")
            page.wait_for_url(f"**/story/{story_id}?done=relevant*")
            assert page.inner_text("#flash") == "Marked relevant: 5 article(s)."
            page.reload()
            assert page.inner_text("#state") == "Relevant"
            assert "Audit findings confirmed; <b>follow up</b>" in page.inner_text("#audit")
            assert "minji" in page.inner_text("#audit")
            page.goto(srv.base + "/?state=relevant")
            assert page.locator("#inbox tbody tr.story").count() == 1
            assert page.locator("#inbox tbody tr.story span.state").inner_text() == "Relevant"

            # The hostile story page: text shown, nothing executed.
            page.goto(f"{srv.base}/story/{ids['xss']}")
            assert XSS_TITLE in page.inner_text("#headline")
            assert "<img src=x onerror=alert(2)>" in page.inner_text("#text")
        finally:
            browser.close()
    assert dialogs == []
    assert store.get_article(ids["nec_audit_ko/base"]).review_state == "relevant"
    store.close()
