"""The Prefect UI lists newsmon's runs: headless Chromium (Debian's /usr/bin/chromium, driven
by Playwright) opens the runs page of the test server (tests/prefect_server.py) and finds the
poll-feeds and backfill runs made through the API. A screenshot goes to test-artifacts/.

Without Chromium the test is skipped locally and FAILS when the environment variable CI is set.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

pytest.register_assert_rewrite("tests.prefect_server")
pytest_plugins = ["tests.prefect_server"]  # the shared server, `newsmon serve` and runs
pytestmark = [pytest.mark.prefect, pytest.mark.browser]

REPO = Path(__file__).resolve().parent.parent
ARTIFACTS = REPO / "test-artifacts"
CHROMIUM = os.environ.get("NEWSMON_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]


def _need_chromium() -> None:
    if Path(CHROMIUM).exists():
        return
    msg = f"Chromium not found at {CHROMIUM} (apt-get install chromium; .ci/run installs it)"
    if os.environ.get("CI"):
        pytest.fail(msg, pytrace=False)
    pytest.skip(msg)


def test_runs_page_lists_poll_and_backfill_runs(served, e2e_runs, tmp_path):
    _need_chromium()
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    names = [e2e_runs.poll.name, e2e_runs.backfill.name]
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(served.server.url + "/runs", wait_until="domcontentloaded")
            try:
                for name in names:
                    # The single-page app fetches the runs from the API after loading: wait for them.
                    page.get_by_text(name, exact=True).first.wait_for(state="visible", timeout=90_000)
            finally:
                page.screenshot(path=str(ARTIFACTS / "prefect-runs.png"), full_page=True)
            body = page.inner_text("body")
        finally:
            browser.close()
    for name in names:
        assert name in body
    assert "poll-feeds" in body and "backfill" in body
    assert "Completed" in body
