"""Bot challenges and anti-bot walls: "blocked: bot challenge", never content.

Each wall is a fixture page (tests/fixtures/hostile/challenges/) served by a real HTTP server
on 127.0.0.1 with the status and headers that wall answers with. Through the fetcher (feeds
and pages), and in a poll cycle on SQLite and PostgreSQL: recorded as its own failure kind,
a long back-off for the feed, visible in ``newsmon feeds`` and the run summary, and nothing
parsed or stored.
"""
from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from flows.cycle import backoff_delay, summarize
from flows.report import summary_markdown
from flows.runtime import run_cycle_plain
from models.store import Store
from newsmon.cli import main as cli_main
from newsmon.errors import BlockedError, BotChallengeError, PermanentFetchError, TemporaryFetchError
from newsmon.settings import Settings, load_settings
from scrapers.challenge import detect_wall
from scrapers.fetch import Fetcher
from tests.cli_helpers import WATCHLIST, write_config
from tests.hostile.fixtures import fast_settings, server  # noqa: F401
from tests.hostile.server import HostileServer, respond
from tests.news_pages import article_html, rss

CHALLENGES = Path(__file__).parent / "fixtures" / "hostile" / "challenges"
HTML = {"Content-Type": "text/html; charset=UTF-8"}

# fixture file -> (status, headers, vendor named in the error)
WALLS = {
    "cloudflare-just-a-moment.html": (403, {**HTML, "Server": "cloudflare", "CF-RAY": "8f00000000000000-ICN",
                                            "cf-mitigated": "challenge"}, "Cloudflare"),
    "cloudflare-body-only.html": (503, {**HTML, "Server": "cloudflare"}, "Cloudflare"),
    "cloudflare-attention.html": (403, {**HTML, "Server": "cloudflare"}, "Cloudflare"),
    "datadome.html": (403, {**HTML, "X-DataDome": "protected", "X-DD-B": "1"}, "DataDome"),
    "perimeterx.html": (403, HTML, "PerimeterX/HUMAN"),
    "akamai-denied.html": (403, {**HTML, "Server": "AkamaiGHost", "Mime-Version": "1.0"}, "Akamai"),
    "akamai-sec-cpt.html": (428, HTML, "Akamai"),
    "sucuri-denied.html": (403, {**HTML, "Server": "Sucuri/Cloudproxy", "X-Sucuri-ID": "11005"}, "Sucuri"),
    "sucuri-js.html": (200, {**HTML, "Server": "Sucuri/Cloudproxy"}, "Sucuri"),  # a 200 that is a wall
    "imperva.html": (403, {**HTML, "X-Iinfo": "fixture"}, "Imperva/Incapsula"),
}
# Walls named by a header alone (any status, any body).
HEADER_WALLS = [
    (403, {"cf-mitigated": "challenge"}, "Cloudflare"),
    (429, {"x-vercel-mitigated": "challenge"}, "Vercel"),
    (202, {"x-amzn-waf-action": "challenge"}, "AWS WAF"),
    (405, {"x-amzn-waf-action": "captcha"}, "AWS WAF"),
    (403, {"x-sucuri-block": "BNP005"}, "Sucuri"),
]


MAINTENANCE = (b"<html><head><title>Down for maintenance</title><style>#px-captcha-modal{z-index:9}</style>"
               b"<script>window._pxAppId = 'PXsensor';</script>"
               b"<script src='/_Incapsula_Resource?SWJIYLWA=719d34d31c8e3a6e6fffd425f7e032f3&ns=1'></script>"
               b"<script>var a=document.createElement('script');"
               b"a.src='/cdn-cgi/challenge-platform/scripts/jsd/main.js';</script></head>"
               b"<body><h1>Back at 06:00 KST</h1></body></html>")


def page(name: str) -> bytes:
    return (CHALLENGES / name).read_bytes()


# -- the detector (pure) ----------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(WALLS))
def test_each_wall_is_recognised(name):
    status, headers, vendor = WALLS[name]
    wall = detect_wall(status, httpx.Headers(headers), page(name))
    assert wall is not None and wall.vendor == vendor


@pytest.mark.parametrize("status, headers, vendor", HEADER_WALLS)
def test_definitive_headers_name_the_wall(status, headers, vendor):
    wall = detect_wall(status, httpx.Headers(headers), b"")
    assert wall is not None and wall.vendor == vendor


@pytest.mark.parametrize("status, headers, body", [
    # An article about bot walls, on a site that loads vendors' sensor scripts: content.
    (200, {**HTML, "Server": "cloudflare", "X-DataDome": "protected"}, page("not-a-wall-article.html")),
    # A challenge page's words with a 200 and no definitive marker: not enough.
    (200, HTML, page("cloudflare-body-only.html")),
    # Refusals without any wall marker stay HTTP errors.
    (403, {"Content-Type": "text/plain"}, b"Forbidden"),
    (503, {**HTML, "Server": "cloudflare"}, b"<html><body>Service temporarily unavailable</body></html>"),
    (429, HTML, b"<html><body>Too many requests</body></html>"),
    (404, HTML, page("cloudflare-just-a-moment.html").replace(b"window._cf_chl_opt", b"x")),
    (403, {"cf-mitigated": "block"}, b""),  # only "challenge" is a challenge
    # A maintenance page of a site behind these services: the scripts and styles their
    # ordinary pages carry are no wall (measured on the shared corpora: benchmarks/feed_tools.py).
    (503, {**HTML, "Server": "cloudflare"}, MAINTENANCE),
])
def test_ordinary_answers_are_not_walls(status, headers, body):
    assert detect_wall(status, httpx.Headers(headers), body) is None


# -- through the fetcher, against a real server --------------------------------------------------

@pytest.mark.parametrize("kind", ["feed", "page"])
@pytest.mark.parametrize("name", sorted(WALLS))
async def test_fetcher_raises_bot_challenge_once_per_host(server, name, kind):
    status, headers, vendor = WALLS[name]
    server.routes["/x"] = respond(status, page(name), headers)
    server.routes["/y"] = respond(200, article_html("Fine", ["A normal page."]))
    async with Fetcher(fast_settings(retries=2)) as f:
        with pytest.raises(BotChallengeError) as e:
            await f.fetch(server.url("/x"), kind=kind)
        err = e.value
        assert isinstance(err, BlockedError) and err.kind == "blocked"
        assert err.failure == "blocked: bot challenge" and err.vendor == vendor and err.status == status
        msg = str(err)
        assert "\n" not in msg and msg.startswith(f"{vendor} bot challenge (HTTP {status}, ")
        assert server.url("/x") in msg and "not parsed or stored" in msg
        # The same site is not asked again by this fetcher (this cycle), for any path.
        with pytest.raises(BotChallengeError, match="earlier in this run"):
            await f.fetch(server.url("/y"), kind="page")
    assert server.hits["/x"] == 1  # a wall is not retried
    assert server.hits["/y"] == 0


@pytest.mark.parametrize("status, headers, vendor", HEADER_WALLS)
async def test_header_walls_through_the_fetcher(server, status, headers, vendor):
    server.routes["/feed"] = respond(status, b"<html>wait</html>", {**HTML, **headers})
    async with Fetcher(fast_settings()) as f:
        with pytest.raises(BotChallengeError) as e:
            await f.fetch(server.url("/feed"), kind="feed")
    assert e.value.vendor == vendor


async def test_retry_after_of_a_wall_is_kept(server):
    status, headers, _ = WALLS["cloudflare-body-only.html"]
    server.routes["/feed"] = respond(status, page("cloudflare-body-only.html"), {**headers, "Retry-After": "7200"})
    async with Fetcher(fast_settings()) as f:
        with pytest.raises(BotChallengeError, match=r"Retry-After 7200 s") as e:
            await f.fetch(server.url("/feed"), kind="feed")
    assert e.value.retry_after == 7200


async def test_a_wall_page_larger_than_the_peek_is_read_no_further(server):
    body = page("cloudflare-body-only.html") + b"<!-- pad -->" * 200_000  # ~2.4 MB
    server.routes["/feed"] = respond(503, body, HTML)
    async with Fetcher(fast_settings(retries=0)) as f:
        with pytest.raises(BotChallengeError):
            await f.fetch(server.url("/feed"), kind="feed")


@pytest.mark.parametrize("status, body, error", [
    (200, page("not-a-wall-article.html"), None),
    (403, b"Forbidden", PermanentFetchError),
    (503, b"busy", TemporaryFetchError),
])
async def test_ordinary_answers_pass_through(server, status, body, error):
    server.routes["/a"] = respond(status, body, {**HTML, "Server": "cloudflare", "X-DataDome": "protected"}
                                  if status == 200 else {"Content-Type": "text/plain"})
    async with Fetcher(fast_settings(retries=0)) as f:
        if error is None:
            assert (await f.fetch(server.url("/a"))).content == body
        else:
            with pytest.raises(error) as e:
                await f.fetch(server.url("/a"))
            assert not isinstance(e.value, BotChallengeError)


async def test_robots_txt_behind_a_wall_allows_with_a_note_and_is_not_kept(server):
    status, headers, _ = WALLS["datadome.html"]
    server.routes["/robots.txt"] = respond(status, page("datadome.html"), headers)
    server.routes["/a"] = respond(200, article_html("Fine", ["A normal page."]))
    async with Fetcher(fast_settings()) as f:
        assert (await f.fetch(server.url("/a"))).status == 200
        note = f.robots_notes[server.url("/")]
    assert "DataDome bot challenge" in note and "all paths allowed" in note


# -- back-off ---------------------------------------------------------------------------------

def test_challenge_backoff_is_long_and_honours_a_longer_retry_after():
    s = Settings()  # defaults: challenge 12 h, cap 24 h, base 5 min
    assert backoff_delay(s, 1, None, challenge=True) == 12 * 3600
    assert backoff_delay(s, 1, 600, challenge=True) == 12 * 3600          # shorter Retry-After: 12 h
    assert backoff_delay(s, 1, 20 * 3600, challenge=True) == 20 * 3600    # longer: honoured
    assert backoff_delay(s, 1, 30 * 86400, challenge=True) == 24 * 3600   # within the cap
    assert backoff_delay(s, 1, None) == 300                               # other failures as before
    s2 = Settings(poll={"challenge_backoff_s": 3 * 86400})
    assert backoff_delay(s2, 1, None, challenge=True) == 3 * 86400        # beyond the cap: as set


# -- in a poll cycle --------------------------------------------------------------------------

RSS = {"Content-Type": "application/rss+xml; charset=utf-8"}


@pytest.fixture
def sites():
    """Four sites on 127.0.0.1 (one port each): a good one, two whose feeds are walled, and
    one whose feed is fine but whose article pages are walled."""
    with HostileServer() as good, HostileServer() as walled, HostileServer() as dd, HostileServer() as pages:
        good.routes["/feed.xml"] = respond(200, rss(good.url(""), [("Samsung Electronics lifts chip output",
                                                                    "/a/chips.html")]), RSS)
        good.routes["/a/chips.html"] = respond(200, article_html(
            "Samsung Electronics lifts chip output", ["Samsung Electronics said it would lift output."]))
        status, headers, _ = WALLS["cloudflare-just-a-moment.html"]
        walled.routes["/feed/all-news"] = respond(status, page("cloudflare-just-a-moment.html"), headers)
        status, headers, _ = WALLS["datadome.html"]
        dd.routes["/rss/dd.xml"] = respond(status, page("datadome.html"), {**headers, "Retry-After": "72000"})
        pages.routes["/rss.xml"] = respond(200, rss(pages.url(""), [
            ("Sucuri wall served with 200", "/a/js-wall.html"), ("Another story", "/a/other.html")]), RSS)
        pages.routes["/a/js-wall.html"] = respond(200, page("sucuri-js.html"), WALLS["sucuri-js.html"][1])
        pages.routes["/a/other.html"] = respond(200, article_html("Other", ["Never fetched this cycle."]))
        yield good, walled, dd, pages


async def test_poll_cycle_with_walls(sites, db_url, tmp_path, capsys):
    good, walled, dd_site, pages = sites
    cfg = write_config(tmp_path / "newsmon.toml", {
        "database": {"url": db_url},
        "watchlist": {"path": str(WATCHLIST)},
        "fetch": {"allow_networks": ["127.0.0.1/32"], "retries": 2, "retry_backoff_s": 0.01},
        # One page at a time, so the second page of the walled site comes after the wall.
        "poll": {"extract_workers": 0, "articles_in_flight": 1},
        "feeds": [{"name": "Good", "url": good.url("/feed.xml")},
                  {"name": "Cloudflare feed", "url": walled.url("/feed/all-news")},
                  {"name": "DataDome feed", "url": dd_site.url("/rss/dd.xml")},
                  {"name": "Walled pages", "url": pages.url("/rss.xml")}],
    })
    settings = load_settings(cfg)
    reports = await run_cycle_plain(settings)
    summary = summarize(reports)

    assert summary["feeds_ok"] == 2 and summary["articles_new"] == 1
    assert summary["feeds_failed"] == 2 and summary["feeds_challenged"] == 2
    assert summary["articles_challenged"] == 2  # the wall, and the next page of that site (not asked)
    failures = {f["feed"]: f for f in summary["failures"]}
    cf = failures["Cloudflare feed"]
    assert cf["kind"] == "blocked: bot challenge"
    assert cf["error"].startswith("blocked: bot challenge: Cloudflare bot challenge (HTTP 403, cf-mitigated: "
                                  "challenge) at ")
    assert "\n" not in cf["error"]
    dd = failures["DataDome feed"]
    assert dd["kind"] == "blocked: bot challenge" and "DataDome bot challenge (HTTP 403" in dd["error"]
    assert walled.hits["/feed/all-news"] == 1 and dd_site.hits["/rss/dd.xml"] == 1  # never retried

    # The wall page of an article is neither stored nor taken for a body.
    errors = summary["article_errors"]
    assert any(e.startswith(pages.url("/a/js-wall.html") + ": blocked: bot challenge: Sucuri") for e in errors)
    assert any(e.startswith(pages.url("/a/other.html") + ": blocked: bot challenge: ") and
               "earlier in this run" in e for e in errors)
    assert pages.hits["/a/other.html"] == 0
    store = Store(settings.database_url)
    urls = {r["url"] for r in store.export_rows()}
    assert urls == {good.url("/a/chips.html")}
    outcomes = [o for o in store.fetch_outcomes() if o.url == pages.url("/a/js-wall.html")]
    assert outcomes and outcomes[0].outcome == "blocked" and "Sucuri bot challenge" in outcomes[0].error

    # Feed state: "blocked", the error, and a long back-off (12 h; the DataDome feed's
    # Retry-After of 20 h is longer and wins).
    states = store.feed_states()
    st = states["Cloudflare feed"]
    assert st.last_status == "blocked" and st.consecutive_failures == 1
    assert st.last_error == cf["error"]
    assert st.next_poll_at - st.last_polled_at == timedelta(hours=12)
    st = states["DataDome feed"]
    assert st.last_status == "blocked" and st.next_poll_at - st.last_polled_at == timedelta(hours=20)
    assert states["Walled pages"].last_status == "ok" and states["Good"].last_status == "ok"

    # The run summary says it apart from other failures.
    md = summary_markdown("newsmon poll cycle", summary, reports)
    assert "## Blocked by bot challenges" in md and "2 feeds and 2 articles" in md
    assert "**Cloudflare feed**" in md and "**DataDome feed**" in md

    # `newsmon feeds` shows it.
    capsys.readouterr()
    assert cli_main(["feeds", "--config", str(cfg)]) == 0
    rows = {r["name"]: r for r in map(json.loads, capsys.readouterr().out.splitlines())}
    assert rows["Cloudflare feed"]["last_status"] == "blocked"
    assert rows["Cloudflare feed"]["last_error"].startswith("blocked: bot challenge: Cloudflare")
    assert rows["Cloudflare feed"]["next_poll_at"] == states["Cloudflare feed"].next_poll_at.isoformat()
    assert cli_main(["feeds", "--config", str(cfg), "--format", "table"]) == 0
    table = capsys.readouterr().out
    assert "Cloudflare feed\tblocked\t1\tblocked: bot challenge: Cloudflare" in table

    # Next cycle: the walled feeds back off (not requested); the walled article is tried again.
    again = summarize(await run_cycle_plain(settings))
    assert again["feeds_backoff"] == 2
    assert walled.hits["/feed/all-news"] == 1 and dd_site.hits["/rss/dd.xml"] == 1
    assert pages.hits["/a/js-wall.html"] == 2 and pages.hits["/a/other.html"] == 0
    store.close()
