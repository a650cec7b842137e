"""robots.txt: parsing (pure) and the fetcher's use of it against a real loopback server."""
from __future__ import annotations

import asyncio
import json
import socket

import pytest

from newsmon.errors import RobotsDisallowed, TemporaryFetchError
from scrapers.fetch import Fetcher
from scrapers.robots import parse_robots
from tests.hostile.fixtures import fast_settings, server, server2  # noqa: F401
from tests.db_fixtures import db_url  # noqa: F401
from tests.hostile.payloads import HTML, png_1x1
from tests.hostile.server import close_without_answer, never_answer, redirect, respond

UA = "newsmon/0.1 (+https://github.com/newsmon/newsmon; news monitoring bot)"

ROBOTS = b"""# comment
User-agent: *
Disallow: /private/
Allow: /private/open.html

User-agent: newsmon
Disallow: /no-bots/
Disallow: /private/
Allow: /private/open.html
Crawl-delay: 3

User-agent: OtherBot
Disallow: /
"""


# -- parsing ----------------------------------------------------------------------------------

@pytest.mark.parametrize("path, allowed", [
    ("/", True), ("/news/1.html", True), ("/private/x.html", False),
    ("/private/open.html", True), ("/no-bots/a", False), ("/no-bots", True),
])
def test_parse_rules_for_our_agent(path, allowed):
    rules = parse_robots(ROBOTS)
    assert rules.note is None
    assert rules.allows(UA, "http://news.example" + path) is allowed


def test_other_agents_and_crawl_delay():
    rules = parse_robots(ROBOTS)
    assert not rules.allows("OtherBot/2.0", "http://news.example/news")
    assert rules.crawl_delay(UA) == 3.0


@pytest.mark.parametrize("content, note_part", [
    (b"\x00\x01\x02\xff" * 100, "not text"),
    (png_1x1(), "not text"),
    (HTML, "no rules"),
    (b"lorem ipsum dolor sit amet\n" * 20, "no rules"),
])
def test_garbage_allows_everything_with_a_note(content, note_part):
    rules = parse_robots(content)
    assert rules.allows(UA, "http://news.example/private/x")
    assert note_part in rules.note


def test_odd_but_valid_robots():
    # BOM, CRLF, odd case and spacing, a rule outside any group, invalid crawl-delay.
    content = b"\xef\xbb\xbfDisallow: /orphan\r\nUSER-AGENT :  *\r\ndisallow:/x\r\nCrawl-delay: soon\r\n"
    rules = parse_robots(content)
    assert rules.note is None
    assert not rules.allows(UA, "http://news.example/x/1")
    assert rules.allows(UA, "http://news.example/y")
    assert parse_robots(b"").allows(UA, "http://news.example/anything")


# -- through the fetcher ----------------------------------------------------------------------

async def test_disallowed_path_is_never_requested(server):
    server.routes["/robots.txt"] = respond(200, ROBOTS, {"Content-Type": "text/plain"})
    server.routes["/news/1.html"] = respond(200, HTML)
    server.routes["/private/secret.html"] = respond(200, HTML)
    async with Fetcher(fast_settings()) as f:
        assert (await f.fetch(server.url("/news/1.html"))).status == 200
        with pytest.raises(RobotsDisallowed, match="disallows /private/secret.html"):
            await f.fetch(server.url("/private/secret.html"))
        with pytest.raises(RobotsDisallowed):
            await f.fetch(server.url("/private/secret.html"), kind="feed")
        # check_robots=False (e.g. a feed URL the operator configured on purpose) skips it.
        r = await f.fetch(server.url("/private/secret.html"), check_robots=False)
        assert r.status == 200
        assert f.robots_notes == {}
    assert server.hits["/private/secret.html"] == 1  # only the explicit check_robots=False one
    assert server.hits["/robots.txt"] == 1            # fetched once, cached


async def test_obey_robots_false_skips_robots(server):
    server.routes["/robots.txt"] = respond(200, b"User-agent: *\nDisallow: /\n")
    server.routes["/a"] = respond(200, HTML)
    async with Fetcher(fast_settings(obey_robots=False)) as f:
        assert (await f.fetch(server.url("/a"))).status == 200
    assert server.hits["/robots.txt"] == 0


@pytest.mark.parametrize("handler, note_part", [
    (respond(404, b"nope"), "missing (HTTP 404)"),
    (respond(403, b"no"), "missing (HTTP 403)"),
    (respond(200, b"\x00garbage\xff" * 50, {"Content-Type": "text/plain"}), "not text"),
    (respond(200, HTML), "no rules"),
    (respond(500, b"oops"), "unavailable (HTTP 500"),
    (close_without_answer(), "unavailable (temporary"),
    (never_answer(), "timeout"),
    (respond(200, b"User-agent: *\nDisallow: /x\n" * 50_000, {"Content-Type": "text/plain"}),
     "cap"),
])
async def test_unusable_robots_allows_with_note(server, handler, note_part):
    server.routes["/robots.txt"] = handler
    server.routes["/x/page.html"] = respond(200, HTML)
    settings = fast_settings(read_timeout_s=0.3, robots_max_bytes=64 * 1024)
    async with Fetcher(settings) as f:
        r = await f.fetch(server.url("/x/page.html"))
        assert r.status == 200
        note = f.robots_notes[server.url("/")]
        assert note_part in note and "allowed" in note and "\n" not in note
    assert server.hits["/robots.txt"] == 1  # robots.txt is not retried: one attempt


async def test_unreachable_robots_port():
    # The page's origin (this port) has nothing listening: robots fails, then the page fails.
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    async with Fetcher(fast_settings(retries=0)) as f:
        with pytest.raises(TemporaryFetchError, match="cannot connect"):
            await f.fetch(f"http://127.0.0.1:{port}/a")
        assert "unavailable" in f.robots_notes[f"http://127.0.0.1:{port}/"]


async def test_robots_followed_through_redirect(server):
    server.routes["/robots.txt"] = redirect("/real-robots.txt", 301)
    server.routes["/real-robots.txt"] = respond(200, b"User-agent: *\nDisallow: /hidden\n",
                                                {"Content-Type": "text/plain"})
    server.routes["/hidden"] = respond(200, HTML)
    async with Fetcher(fast_settings()) as f:
        with pytest.raises(RobotsDisallowed):
            await f.fetch(server.url("/hidden"))
    assert server.hits["/hidden"] == 0


async def test_redirect_hop_to_other_origin_checks_its_robots(server, server2):
    """127.0.0.1 redirects to 127.0.0.2 whose robots.txt disallows the target path."""
    server.routes["/go"] = redirect(server2.url("/blocked/page"))
    server2.routes["/robots.txt"] = respond(200, b"User-agent: *\nDisallow: /blocked/\n",
                                            {"Content-Type": "text/plain"})
    server2.routes["/blocked/page"] = respond(200, HTML)
    async with Fetcher(fast_settings()) as f:
        with pytest.raises(RobotsDisallowed):
            await f.fetch(server.url("/go"))
    assert server.hits["/go"] == 1
    assert server2.hits["/robots.txt"] == 1 and server2.hits["/blocked/page"] == 0


async def test_webhook_never_consults_robots(server):
    server.routes["/robots.txt"] = respond(200, b"User-agent: *\nDisallow: /\n")
    server.routes["/hook"] = respond(200, b'{"ok": true}', {"Content-Type": "application/json"})
    async with Fetcher(fast_settings()) as f:
        r = await f.fetch(server.url("/hook"), kind="webhook", method="POST", json={"a": 1})
    assert r.status == 200
    assert server.hits["/robots.txt"] == 0
    assert json.loads(server.requests[0].body) == {"a": 1}


@pytest.mark.parametrize("path, allowed", [
    ("/search?q=1", False), ("/search", True), ("/a/print/1", False), ("/a/1.pdf", False),
    ("/a/1.pdf?x", False), ("/a/1.pdfx", True), ("/a/1.html", True), ("/news/", True), ("/news/draft-1", False),
    ("/news/draft-1/public", True),
])
def test_wildcards_and_longest_match(path, allowed):
    content = (b"User-agent: *\n\nDisallow: /*?\nDisallow: /*/print/\nDisallow: /*.pdf$\n"
               b"Disallow: /news/draft\nAllow: /news/draft-*/public\n")
    assert parse_robots(content).allows(UA, "http://news.example" + path) is allowed


async def test_crawl_delay_spaces_requests_up_to_the_cap(server):
    server.routes["/robots.txt"] = respond(200, b"User-agent: *\nCrawl-delay: 5\nDisallow: /x\n",
                                           {"Content-Type": "text/plain"})
    server.routes["/p"] = respond(200, HTML)
    async with Fetcher(fast_settings(per_host_concurrency=3, max_crawl_delay_s=0.3)) as f:
        await asyncio.gather(*(f.fetch(server.url("/p")) for _ in range(3)))
    starts = sorted(server.starts["/p"])
    gaps = [b - a for a, b in zip(starts, starts[1:])]
    assert min(gaps) >= 0.28  # Crawl-delay 5 s, capped at 0.3 s (lower bound only)


# -- kept across cycles in the store (each cycle is a new process) ----------------------------

async def test_robots_txt_is_kept_across_cycles_in_the_store(server, db_url):
    from models.store import Store

    server.routes["/robots.txt"] = respond(200, ROBOTS, {"Content-Type": "text/plain"})
    server.routes["/news/1.html"] = respond(200, HTML)
    server.routes["/private/secret.html"] = respond(200, HTML)
    with Store(db_url) as store:
        for cycle in range(3):  # three "cycles": a new Fetcher each, one store
            async with Fetcher(fast_settings(), robots_memory=store) as f:
                assert (await f.fetch(server.url("/news/1.html"))).status == 200
                with pytest.raises(RobotsDisallowed):  # the remembered rules still apply
                    await f.fetch(server.url("/private/secret.html"))
                assert f.robots_notes == {}
        assert server.hits["/robots.txt"] == 1 and server.hits["/private/secret.html"] == 0
        content, note, age = store.robots_recall(server.url("/"), 3600)
        assert content == ROBOTS and note is None and 0 <= age < 60
        # Older than robots_cache_s: asked again, and the new answer replaces the old one.
        server.routes["/robots.txt"] = respond(200, b"User-agent: *\nDisallow: /news/\n",
                                               {"Content-Type": "text/plain"})
        async with Fetcher(fast_settings(robots_cache_s=0.05), robots_memory=store) as f:
            await asyncio.sleep(0.1)
            with pytest.raises(RobotsDisallowed):
                await f.fetch(server.url("/news/1.html"))
        assert server.hits["/robots.txt"] == 2
        assert store.robots_recall(server.url("/"), 3600)[0] == b"User-agent: *\nDisallow: /news/\n"


@pytest.mark.parametrize("handler, remembered", [
    (respond(404, b"nope"), True),       # missing: an answer (all allowed), kept
    (respond(503, b"busy"), False),      # unavailable: asked again next cycle
    (close_without_answer(), False),
])
async def test_only_answers_are_remembered_not_failures(server, db_url, handler, remembered):
    from models.store import Store

    server.routes["/robots.txt"] = handler
    server.routes["/a"] = respond(200, HTML)
    with Store(db_url) as store:
        for _ in range(2):
            async with Fetcher(fast_settings(retries=0), robots_memory=store) as f:
                assert (await f.fetch(server.url("/a"))).status == 200
                assert "allowed" in f.robots_notes[server.url("/")]
        assert server.hits["/robots.txt"] == (1 if remembered else 2)
        got = store.robots_recall(server.url("/"), 3600)
        assert (got is not None) is remembered
        if remembered:
            assert got[0] is None and "missing (HTTP 404)" in got[1]


async def test_a_failing_store_does_not_stop_fetching(server, caplog):
    from newsmon.errors import StorageError

    class Broken:
        def robots_recall(self, origin, max_age_s):
            raise StorageError("database is locked")

        def robots_remember(self, origin, content, note):
            raise StorageError("disk full")

    server.routes["/robots.txt"] = respond(200, b"User-agent: *\nDisallow: /x\n", {"Content-Type": "text/plain"})
    server.routes["/a"] = respond(200, HTML)
    async with Fetcher(fast_settings(), robots_memory=Broken()) as f:
        assert (await f.fetch(server.url("/a"))).status == 200
        with pytest.raises(RobotsDisallowed):
            await f.fetch(server.url("/x"))
    assert server.hits["/robots.txt"] == 1
    assert "database is locked" in caplog.text and "disk full" in caplog.text


# -- what Protego (RFC 9309) does that the patched standard-library parser did not -------------

@pytest.mark.parametrize("content, path, allowed", [
    # Longest match wins whatever the order; on a tie Allow wins (the least restrictive rule).
    (b"User-agent: *\nDisallow: /page\nAllow: /page\n", "/page", True),
    (b"User-agent: *\nAllow: /a\nDisallow: /a/b\n", "/a/b/c", False),
    (b"User-agent: *\nDisallow: /a\nAllow: /a/b\n", "/a/b/c", True),
    # "*" anywhere, several of them, and "$" anchoring the end.
    (b"User-agent: *\nDisallow: /*/amp/*.html$\n", "/news/amp/1.html", False),
    (b"User-agent: *\nDisallow: /*/amp/*.html$\n", "/news/amp/1.html?x=1", True),
    (b"User-agent: *\nDisallow: /*.php$\nAllow: /index.php$\n", "/index.php", True),
    (b"User-agent: *\nDisallow: /*.php$\nAllow: /index.php$\n", "/admin.php", False),
    (b"User-agent: *\nDisallow: /fish*\n", "/fishheads/yummy.html", False),
    (b"User-agent: *\nDisallow: /fish*\n", "/Fish.asp", True),  # paths are case-sensitive
    # Percent-encoding compared the same way on both sides (RFC 9309 2.2.2).
    ("User-agent: *\nDisallow: /%E3%83%9D\n".encode(), "/\u30dd/1", False),
    (b"User-agent: *\nDisallow: /a%3cd\n", "/a%3Cd.html", False),
    # Forms real files use: "User agent", misspelt "Dissallow", blank lines inside a group.
    (b"User agent: *\nDissallow: /private\n", "/private/1", False),
    (b"User-agent: *\n\nDisallow: /x\n\nDisallow: /y\n", "/y/1", False),
])
def test_rfc9309_matching(content, path, allowed):
    assert parse_robots(content).allows(UA, "http://news.example" + path) is allowed


def test_our_group_is_found_by_product_token():
    # Several agents in one group, our group split in two and merged, and a group named after
    # a word in our User-Agent's contact URL (github) that must not apply to us.
    content = (b"User-agent: github\nDisallow: /\n\n"
               b"User-agent: SomeBot\nUser-agent: NEWSMON\nDisallow: /a\n\n"
               b"User-agent: *\nDisallow: /b\n\n"
               b"User-agent: newsmon\nDisallow: /c\n")
    rules = parse_robots(content)
    assert UA.startswith("newsmon/") and "github" in UA
    assert not rules.allows(UA, "http://news.example/a/1")
    assert not rules.allows(UA, "http://news.example/c/1")
    assert rules.allows(UA, "http://news.example/b/1")  # our own group replaces "*"
    assert rules.allows(UA, "http://news.example/other")
    assert not rules.allows("GitHub-Hookshot/1", "http://news.example/other")


@pytest.mark.parametrize("content, gap", [
    (b"User-agent: *\nCrawl-delay: 2\n", 2.0),
    (b"User-agent: *\nRequest-rate: 1/5s\n", 5.0),
    (b"User-agent: *\nRequest-rate: 6/1m\n", 10.0),             # 6 per minute: one per 10 s
    (b"User-agent: *\nCrawl-delay: 2\nRequest-rate: 1/8\n", 8.0),  # the larger of the two
    (b"User-agent: *\nRequest-rate: 100/1s\nCrawl-delay: 1.5\n", 1.5),
    (b"User-agent: *\nRequest-rate: soon\nCrawl-delay: later\n", None),  # malformed: ignored
    (b"User-agent: *\nDisallow: /x\n", None),
])
def test_crawl_delay_and_request_rate(content, gap):
    assert parse_robots(content).min_gap(UA) == gap


async def test_request_rate_sets_the_hosts_gap_up_to_the_cap(server):
    server.routes["/robots.txt"] = respond(200, b"User-agent: newsmon\nRequest-rate: 1/30s\n",
                                           {"Content-Type": "text/plain"})
    server.routes["/p"] = respond(200, HTML)
    async with Fetcher(fast_settings(max_crawl_delay_s=0.2)) as f:
        await f.fetch(server.url("/p"))
        assert f._limiter._host_gap["127.0.0.1"] == 0.2  # asked 30 s, capped at max_crawl_delay_s
    async with Fetcher(fast_settings(max_crawl_delay_s=60)) as f:
        await f.fetch(server.url("/p"))
        assert f._limiter._host_gap["127.0.0.1"] == 30.0
