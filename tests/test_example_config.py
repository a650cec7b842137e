"""The example config ``newsmon.toml``: valid, and built only from feed URLs seen working.

The evidence (issue 13, feed-probe logs and configs of other projects checked Feb-Oct 2026)
sorts the outlets' URLs into working, stale/dead and walled; this test keeps the example
config on the right side of that list, each feed with a comment saying when it was seen
working.
"""
from __future__ import annotations

import re
import tomllib

from newsmon.settings import load_settings
from tests.cli_helpers import REPO

EXAMPLE = REPO / "newsmon.toml"

SEEN_WORKING = {
    "https://en.yna.co.kr/RSS/news.xml", "https://www.koreaherald.com/rss/newsAll",
    "https://www.businesskorea.co.kr/rss/allArticle.xml",
    "https://www.yna.co.kr/rss/news.xml", "https://www.yna.co.kr/rss/industry.xml",
    "https://www.yna.co.kr/rss/market.xml", "https://www.hani.co.kr/rss/", "https://english.hani.co.kr/rss/",
    "https://www.mk.co.kr/rss/30000001/", "https://rss.donga.com/total.xml",
    "https://www.chosun.com/arc/outboundfeeds/rss/?outputType=xml",
    # The Korea Times' current feed host (the old www/rss/*.xml are dead).
    "https://feed.koreatimes.co.kr/k/allnews.xml", "https://feed.koreatimes.co.kr/k/economy.xml",
    "https://feed.koreatimes.co.kr/k/business.xml", "https://feed.koreatimes.co.kr/k/southkorea.xml",
}
STALE_OR_DEAD = {
    "https://www.koreaherald.com/rss/020200000000.xml", "https://koreajoongangdaily.joins.com/xmls/joins",
    "https://www.koreatimes.co.kr/www/rss/biz.xml", "https://www.koreatimes.co.kr/www/rss/tech.xml",
    "https://en.yna.co.kr/RSS/economy.xml",
}
WALLED = "https://www.hankyung.com/feed/all-news"  # a Cloudflare challenge (403) to some clients


def blocks() -> list[tuple[list[str], str]]:
    """(comment lines right above, block text) of every [[feeds]] table in the file."""
    lines = EXAMPLE.read_text(encoding="utf-8").splitlines()
    out = []
    for i, line in enumerate(lines):
        if line.strip() == "[[feeds]]":
            j, comments = i - 1, []
            while j >= 0 and lines[j].startswith("#"):
                comments.insert(0, lines[j])
                j -= 1
            k = i + 1
            while k < len(lines) and lines[k].strip() and not lines[k].startswith("#"):
                k += 1
            out.append((comments, "\n".join(lines[i:k])))
    return out


def test_example_config_loads_and_lists_only_working_feeds():
    settings = load_settings(EXAMPLE)
    urls = {f.url for f in settings.feeds}
    assert len(settings.feeds) >= 10
    assert not urls & STALE_OR_DEAD
    enabled = {f.url for f in settings.feeds if f.enabled}
    assert enabled <= SEEN_WORKING, enabled - SEEN_WORKING
    # The walled feed is there for the beat, but disabled, with the reason next to it.
    walled = [f for f in settings.feeds if f.url == WALLED]
    assert len(walled) == 1 and walled[0].enabled is False
    assert urls <= SEEN_WORKING | {WALLED}
    # Every feed of the file, enabled or not, has the settings keys a reader needs.
    assert len({f.name for f in settings.feeds}) == len(settings.feeds)


def test_every_feed_says_when_it_was_seen_working():
    found = blocks()
    assert len(found) == len(load_settings(EXAMPLE).feeds)
    for comments, text in found:
        assert comments, f"no comment above:\n{text}"
        assert re.search(r"seen (working: )?.*2026-(0[2-9]|10)", " ".join(comments)), comments
        if WALLED in text:
            assert "bot challenge" in " ".join(comments) and "enabled = false" in text


def test_timezone_where_items_carry_times_without_offset():
    feeds = {f.url: f for f in load_settings(EXAMPLE).feeds}
    bk = feeds["https://www.businesskorea.co.kr/rss/allArticle.xml"]
    assert bk.timezone == "Asia/Seoul"
    assert bk.language is None  # English and Korean items in one feed


def test_the_example_is_valid_toml_for_other_readers():
    data = tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))
    assert data["feeds"] and data["watchlist"]["path"] == "watchlists/default.toml"
