"""One poll cycle over good and hostile feeds, against a hostile server on 127.0.0.1.

Good feeds next to ones that trickle, never answer, decompress to hundreds of MB, redirect
in a loop, serve HTML or a billion-laughs document, and a good feed whose pages include a
binary one, an oversize one, a 404 and a redirect to a loopback address outside
allow_networks. The cycle must finish (small deadlines keep it short), store every good
article, and show each failure with a one-line reason in its summary, in
``Store.feed_states()`` and in ``newsmon feeds``.
"""
from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from flows.cycle import summarize
from flows.report import summary_markdown
from flows.runtime import run_cycle_plain
from models.store import Store
from newsmon.cli import main as cli_main
from newsmon.settings import load_settings
from tests.cli_helpers import WATCHLIST, write_config
from tests.hostile.payloads import gzip_bomb, png_1x1
from tests.hostile.server import HostileServer, never_answer, redirect, respond, stream_forever, trickle
from tests.news_pages import article_html, atom, rss

HOSTILE_FEEDS = Path(__file__).parent / "fixtures" / "hostile" / "feeds"
MiB = 1024 * 1024
RSS = {"Content-Type": "application/rss+xml; charset=utf-8"}

GOOD = {  # path -> (title, first paragraph)
    "/a/chips.html": ("Samsung Electronics lifts chip investment",
                      "Samsung Electronics said it would raise investment in memory chip lines this year."),
    "/a/battery.html": ("LG Energy Solution opens battery plant",
                        "LG Energy Solution opened a battery plant in Arizona on Tuesday."),
    "/a/election.html": ("National Election Commission reviews ballots",
                         "The National Election Commission said it would review early-voting ballots."),
}

# Feed name -> (path, phrase its recorded one-line reason must contain).
BAD_FEEDS = {
    "Trickle": ("/feeds/trickle.xml", "deadline of 1 s passed"),
    "Silent": ("/feeds/silent.xml", "deadline of 1 s passed"),
    "Bomb": ("/feeds/bomb.xml", "passed the cap of 256 KiB (decompressed)"),
    "Loop": ("/feeds/loop.xml", "redirect loop"),
    "Html": ("/feeds/html.xml", "HTML page instead of a feed"),
    "Laughs": ("/feeds/laughs.xml", "refused to prevent entity expansion"),
}
# Article path -> phrase of its one-line reason.
BAD_PAGES = {
    "/a/photo.html": "binary content",
    "/a/endless.html": "passed the cap of 256 KiB",
    "/a/gone.html": "HTTP 404",
    "/a/to-loopback.html": "127.0.0.2",
}


@pytest.fixture
def servers() -> Iterator[tuple[HostileServer, HostileServer]]:
    # 127.0.0.2 is loopback too, but outside allow_networks (127.0.0.1/32): never to be reached.
    with HostileServer("127.0.0.1") as site, HostileServer("127.0.0.2") as internal:
        base = site.url("")
        site.routes.update({
            "/feeds/good.xml": respond(200, rss(base, [
                (GOOD["/a/chips.html"][0], "/a/chips.html"), (GOOD["/a/battery.html"][0], "/a/battery.html"),
                ("Photo of the day", "/a/photo.html"), ("Live blog", "/a/endless.html"),
                ("Removed story", "/a/gone.html"), ("Moved story", "/a/to-loopback.html")]), RSS),
            "/feeds/good.atom": respond(200, atom(base, [
                (GOOD["/a/election.html"][0], "/a/election.html"),
                (GOOD["/a/chips.html"][0], "/a/chips.html")]),  # also in good.xml: fetched once
                {"Content-Type": "application/atom+xml"}),
            "/feeds/trickle.xml": trickle(0.2, RSS),
            "/feeds/silent.xml": never_answer(),
            "/feeds/bomb.xml": respond(200, gzip_bomb(64 * MiB), {**RSS, "Content-Encoding": "gzip"}),
            "/feeds/loop.xml": redirect("/feeds/loop-2.xml"),
            "/feeds/loop-2.xml": redirect(base + "/feeds/loop.xml"),
            "/feeds/html.xml": respond(200, article_html("Welcome", ["This is a home page, not a feed."])),
            "/feeds/laughs.xml": respond(200, (HOSTILE_FEEDS / "billion-laughs.xml").read_bytes(), RSS),
            "/a/photo.html": respond(200, png_1x1(), {"Content-Type": "text/html; charset=utf-8"}),
            "/a/endless.html": stream_forever(b"<p>" + b"live " * 2000 + b"</p>\n"),
            "/a/to-loopback.html": redirect(internal.url("/admin/secret.html")),
            **{p: respond(200, article_html(t, [para])) for p, (t, para) in GOOD.items()},
        })
        internal.routes["/admin/secret.html"] = respond(200, article_html("Secret", ["internal"]))
        yield site, internal


def write_settings(tmp_path: Path, site: HostileServer, db_url: str) -> Path:
    feeds = [{"name": "Good RSS", "url": site.url("/feeds/good.xml")},
             {"name": "Good Atom", "url": site.url("/feeds/good.atom")}]
    feeds += [{"name": n, "url": site.url(p)} for n, (p, _) in BAD_FEEDS.items()]
    return write_config(tmp_path / "newsmon.toml", {
        "database": {"url": db_url},
        "watchlist": {"path": str(WATCHLIST)},
        "fetch": {"allow_networks": ["127.0.0.1/32"], "deadline_s": 1.0, "connect_timeout_s": 1.0,
                  "read_timeout_s": 5.0,  # longer than the deadline: the overall deadline must fire
                  "retries": 1, "retry_backoff_s": 0.01, "max_bytes": 256 * 1024,
                  "max_feed_bytes": 256 * 1024, "per_host_concurrency": 4},
        "poll": {"extract_workers": 0},
        "feeds": feeds,
    })


def one_line(s: str | None) -> str:
    assert s and "\n" not in s and "\r" not in s, s
    return s


async def test_cycle_over_hostile_and_good_feeds(servers, db_url: str, tmp_path: Path, capsys) -> None:
    site, internal = servers
    config = write_settings(tmp_path, site, db_url)
    settings = load_settings(config)

    # Only a guard against a hang: the cycle's own deadlines must end it long before.
    reports = await asyncio.wait_for(run_cycle_plain(settings), timeout=120)
    summary = summarize(reports)

    # Every good article stored once, with its text.
    store = Store(settings.database_url)
    rows = {r["url"].removeprefix(site.url("")): r for r in store.export_rows()}
    for path, (title, para) in GOOD.items():
        assert rows[path]["status"] == "ok" and rows[path]["title"] == title
        assert para in rows[path]["text"]
    assert site.hits["/a/chips.html"] == 1  # listed by both good feeds
    assert summary["feeds_ok"] == 2 and summary["articles_new"] == len(GOOD)

    # Each bad feed: failed, with a one-line reason naming what happened.
    failures = {f["feed"]: one_line(f["error"]) for f in summary["failures"]}
    assert set(failures) == set(BAD_FEEDS)
    for name, (_, phrase) in BAD_FEEDS.items():
        assert phrase in failures[name], (name, failures[name])
    assert "(after 2 attempts)" in failures["Trickle"]  # temporary: retried, then recorded

    # Each bad page: recorded with its reason; the loopback target was never contacted.
    errors = [one_line(e) for e in summary["article_errors"]]
    for path, phrase in BAD_PAGES.items():
        assert [e for e in errors if e.startswith(site.url(path)) and phrase in e], (path, errors)
    assert internal.hits == {}
    for path in ("/a/photo.html", "/a/endless.html", "/a/gone.html"):  # permanent: kept as failed rows
        assert rows[path]["status"] == "failed" and BAD_PAGES[path] in rows[path]["reason"]
    assert "/a/to-loopback.html" not in rows  # blocked: an outcome row only, re-checked next cycle
    blocked = [o for o in store.fetch_outcomes() if o.url.endswith("/a/to-loopback.html")]
    assert blocked and blocked[0].outcome == "blocked" and "127.0.0.2" in blocked[0].error
    assert summary["articles_failed"] == 3 and summary["articles_skipped"] == 1

    # The markdown summary lists every failed feed.
    md = summary_markdown("newsmon poll cycle", summary, reports)
    for name in BAD_FEEDS:
        assert f"**{name}**" in md

    # The stored feed states say the same, and so does `newsmon feeds`.
    states = store.feed_states()
    for name, (_, phrase) in BAD_FEEDS.items():
        st = states[name]
        assert st.last_status == "error" and st.consecutive_failures == 1 and st.next_poll_at
        assert phrase in one_line(st.last_error)
    assert states["Good RSS"].last_status == "ok" and states["Good RSS"].last_error is None
    store.close()

    # The command itself (its main(), in this process: a subprocess would only add start-up time).
    capsys.readouterr()
    assert cli_main(["feeds", "--config", str(config), "--format", "jsonl"]) == 0
    listed = {row["name"]: row for row in map(json.loads, capsys.readouterr().out.splitlines())}
    assert set(listed) == {"Good RSS", "Good Atom", *BAD_FEEDS}
    for name, (_, phrase) in BAD_FEEDS.items():
        assert listed[name]["last_status"] == "error" and phrase in listed[name]["last_error"]
        assert listed[name]["consecutive_failures"] == 1
    assert listed["Good Atom"]["last_status"] == "ok"
