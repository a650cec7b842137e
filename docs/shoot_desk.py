"""Screenshots of the review desk for the README: ``docs/inbox.png`` and ``docs/entity.png``.

Builds a demo database (SQLite, in a temporary directory) from the review corpus of the
tests (real stories, English and Korean, each from up to five outlets): the stories of
2026-11-27 as the inbox shows them, and a month of earlier coverage (stories re-run on
seeded random days) so that the entity page has a history to chart. Serves the desk on
127.0.0.1 with uvicorn, signs in with headless Chromium and shoots both pages.

    .venv/bin/python docs/shoot_desk.py [--out docs]

Deterministic: fixed dates and a fixed random seed. Needs /usr/bin/chromium and Playwright.
"""
from __future__ import annotations

import argparse
import random
import sys
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from models.store import Store
from newsmon.settings import parse_settings
from review.clusters import cluster_pending
from review.web import create_app
from tests.review_corpus import corpus
from tests.review_helpers import entity_names, save
from tests.web_helpers import FAST_ARGON, PASSWORD, RealServer, add_users

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
DAY = datetime(2026, 11, 27, 0, 0, tzinfo=timezone.utc)  # 09:00 in Seoul
OUTLETS = {"Origin": "Korea Herald", "Partner": "Yonhap", "Aggregator": "BusinessKorea",
           "Wire": "Korea JoongAng Daily", "Daily": "The Korea Times"}
HISTORY_DAYS = 29


def build(store: Store) -> None:
    docs = corpus()
    # The day in the inbox: every story of the corpus from each of its outlets.
    today_keys = ["samsung_hbm", "nec_audit_ko", "lg_hvac", "lee_zuckerberg_ko", "samsung_lg_tv",
                  "sk_hynix_yongin_ko", "meta_seoul"]
    n = 0
    for d in docs:
        if d.story in today_keys:
            save(store, url=f"https://{d.feed.lower()}.example/{d.key}", title=d.title, text=d.text,
                 feed=OUTLETS[d.feed], language=d.lang,
                 published=DAY + timedelta(hours=2 * today_keys.index(d.story), minutes=7 * n % 60))
            n += 1
    cluster_pending(store, parse_settings({}).review)  # each story's outlets in one cluster
    # A month before it: the base version of a few stories a day, more on weekdays (left
    # unclustered: re-runs of the same text would otherwise join today's stories).
    rng = random.Random(20261127)
    bases = [d for d in docs if d.key.endswith("/base")]
    for back in range(1, HISTORY_DAYS + 1):
        day = DAY - timedelta(days=back)
        k = rng.randint(2, 6) if day.weekday() < 5 else rng.randint(0, 2)
        for i, d in enumerate(rng.sample(bases, min(k, len(bases)))):
            save(store, url=f"https://archive.example/{day.date()}/{i}/{d.key}", title=d.title, text=d.text,
                 feed=OUTLETS[d.feed], language=d.lang, published=day + timedelta(hours=rng.randint(0, 12)))


def shoot(out: Path) -> None:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'demo.db'}"
        settings = parse_settings({"database": {"url": url},
                                   "watchlist": {"path": str(REPO / "watchlists" / "default.toml")},
                                   "schedule": {"timezone": "Asia/Seoul"}, "accounts": FAST_ARGON,
                                   "web": {"auth": "password"}}, base_dir=Path(tmp))
        store = Store(url)
        store.check()
        build(store)
        add_users(store, settings, minji="reviewer")
        app = create_app(settings, store=store, entity_names=entity_names())
        with RealServer(app) as srv, sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            try:
                page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="en-US",
                                        timezone_id="Asia/Seoul")
                page.goto(srv.base + "/login")
                page.fill("#username", "minji")
                page.fill("#password", PASSWORD)
                page.click("#sign-in")
                page.wait_for_url(srv.base + "/")
                page.goto(srv.base + "/?since=2026-11-27&until=2026-11-27&sort=prominence")
                page.click("#entities summary")
                page.screenshot(path=str(out / "inbox.png"), full_page=True)
                page.goto(srv.base + "/entity/samsung?since=2026-10-29&until=2026-11-27")
                page.screenshot(path=str(out / "entity.png"), full_page=True)
            finally:
                browser.close()
        store.close()
    print(f"wrote {out / 'inbox.png'} and {out / 'entity.png'}")


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--out", type=Path, default=REPO / "docs")
    shoot(ap.parse_args().out)
