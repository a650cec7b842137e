"""Text from feeds and pages is stored raw and shown escaped wherever newsmon renders it.

A headline and body carrying ``<script>``, an ``onerror`` image and a markdown link to
``javascript:`` go through a real cycle (server on 127.0.0.1): the database keeps them as
written, and the Prefect artifacts (``flows.report.summary_markdown`` and the
``flagged_rows`` table) show them as text: no raw tag, no live link.
"""
from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from flows.cycle import FeedReport, FlaggedStory, summarize
from flows.report import flagged_rows, md_link, md_text, summary_markdown
from flows.runtime import run_cycle_plain
from models.store import Store
from newsmon.settings import parse_settings
from tests.cli_helpers import WATCHLIST
from tests.hostile.server import HostileServer, respond
from tests.news_pages import article_html, rss

SCRIPT = "<script>alert(1)</script>"
LINK = "[x](javascript:alert(1))"
IMG = '<img src=x onerror="alert(2)">'
TITLE = f"{SCRIPT} Samsung Electronics {LINK} chips"
BODY = f"Samsung Electronics said {SCRIPT} and {IMG} that demand for {LINK} memory chips is rising."
FEED_TITLE = f"{SCRIPT} Gone story {LINK}"

# What must never appear in rendered output: a tag start, a link to a javascript: URL.
RAW_TAG = re.compile(r"<\s*(script|img)", re.I)
JS_LINK = re.compile(r"\]\s*\(\s*javascript:", re.I)


# The worst case for us: a CommonMark renderer that lets raw HTML through.
MARKDOWN = MarkdownIt("commonmark", {"html": True})


def assert_inert(rendered: str) -> None:
    """Inert as text, and inert once a markdown renderer has turned it into HTML."""
    assert not RAW_TAG.search(rendered), rendered
    assert not JS_LINK.search(rendered), rendered
    assert "<" not in rendered  # nothing from the web is passed through as HTML at all
    out = MARKDOWN.render(rendered)
    assert not RAW_TAG.search(out), out
    for target in re.findall(r'(?:href|src)="([^"]*)"', out):  # links only to http(s) pages
        assert html.unescape(target).lower().startswith(("http://", "https://")), out


def shown(markdown_text: str) -> str:
    """What a reader sees: the rendered HTML without tags, entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", "", MARKDOWN.renderInline(markdown_text)))


@pytest.fixture
def site():
    with HostileServer("127.0.0.1") as s:
        base = s.url("")
        s.routes["/feed.xml"] = respond(200, rss(base, [
            (TITLE, "/a/story.html"),
            (FEED_TITLE, "/a/gone.html"),  # 404: stored as failed with the feed's title
            ("Script link", "javascript:alert(3)"),  # not an http(s) link: never fetched
        ]), {"Content-Type": "application/rss+xml"})
        s.routes["/a/story.html"] = respond(200, article_html(TITLE, [BODY]))
        yield s


async def test_stored_raw_rendered_escaped(site: HostileServer, db_url: str, tmp_path: Path) -> None:
    settings = parse_settings({
        "database": {"url": db_url}, "watchlist": {"path": str(WATCHLIST)},
        "fetch": {"allow_networks": ["127.0.0.1/32"], "deadline_s": 10.0, "retries": 0},
        "poll": {"extract_workers": 0},
        "feeds": [{"name": f"Feed {LINK} {SCRIPT}", "url": site.url("/feed.xml")}],
    }, base_dir=tmp_path)
    reports = await run_cycle_plain(settings)
    summary = summarize(reports)

    # Stored raw: exactly as the page and the feed wrote it (after HTML entity decoding).
    with Store(settings.database_url) as store:
        rows = {r["url"].removeprefix(site.url("")): r for r in store.export_rows()}
    story = rows["/a/story.html"]
    assert story["title"] == TITLE
    assert SCRIPT in story["text"] and LINK in story["text"] and IMG in story["text"]
    assert any(SCRIPT in m["snippet"] for m in story["mentions"])  # snippets are raw too
    assert rows["/a/gone.html"]["status"] == "failed" and rows["/a/gone.html"]["title"] == FEED_TITLE
    assert not [u for u in rows if "javascript" in u]

    # The story was flagged with the hostile title and snippet...
    flagged = [s for r in reports for s in r.flagged]
    assert [s.title for s in flagged] == [TITLE] and SCRIPT in flagged[0].snippet
    # ...and every rendering of the cycle is inert.
    md = summary_markdown("newsmon poll cycle", summary, reports)
    assert_inert(md)
    assert f"[{md_text(TITLE)}]({site.url('/a/story.html')})" in md  # shown as text, not dropped
    assert shown(md_text(TITLE)) == TITLE
    table = flagged_rows(reports)
    assert len(table) == 1 and table[0]["url"] == site.url("/a/story.html")
    for value in table[0].values():
        assert_inert(value)
    assert "alert" in table[0]["title"] and "alert" in table[0]["snippet"]


HOSTILE_TEXT = [SCRIPT, LINK, IMG, "<SCRIPT SRC=//evil/x.js></SCRIPT>", "[a]( javascript:alert(1) )",
                "[a](JaVaScRiPt:alert(1))", "![img](javascript:alert(1))", "<a href='javascript:x'>y</a>",
                "`code` *bold* _it_ | pipe | # head", "line\nbreak\r\n- item"]


@pytest.mark.parametrize("text", HOSTILE_TEXT)
def test_renderers_escape_untrusted_text(text: str) -> None:
    story = FlaggedStory(url="https://news.example/a?id=1", title=text, feed=text, entities=["samsung"],
                         snippet=text, reasons=[f"samsung: {text}"], published=None)
    rep = FeedReport(feed=text, status="failed", error=f"permanent: {text}", flagged=[story],
                     article_errors=[f"https://news.example/b: permanent: {text}"])
    summary = summarize([rep])
    md = summary_markdown(text, summary, [rep])
    assert_inert(md)
    # One line, and a reader sees the text exactly as the web wrote it (whitespace folded).
    assert "\n" not in md_text(text) and shown(md_text(text)) == " ".join(text.split())
    for row in flagged_rows([rep]):
        for value in row.values():
            assert_inert(value)
    # The CLI prints the same stories as JSON: data, escaped by JSON, never rendered.
    json.dumps(summary)


@pytest.mark.parametrize("url", ["javascript:alert(1)", "JAVASCRIPT:alert(1)", " javascript:alert(1)",
                                 "data:text/html,<script>alert(1)</script>", "vbscript:msgbox(1)"])
def test_non_http_links_are_not_links(url: str) -> None:
    rendered = md_link("click", url)
    assert "](" not in rendered and "<" not in rendered
    story = FlaggedStory(url=url, title="t", feed="f", entities=[], snippet="", reasons=[], published=None)
    row = flagged_rows([FeedReport(feed="f", flagged=[story])])[0]
    assert "javascript:" not in row["url"].lower() and "<" not in row["url"]


def test_http_link_cannot_break_out_of_markdown() -> None:
    rendered = md_link("t", "https://news.example/a)](javascript:alert(1))<b>")
    assert_inert(rendered)
    assert rendered.startswith("[t](https://news.example/a") and rendered.count("](") == 1


def test_escaping_is_not_lossy_for_ordinary_headlines() -> None:
    for title in ["Samsung's \"AI\" chips: Q3 #1 (again) & more", "LG전자 'AI 가전' 1위 | 속보", "50% off *today*"]:
        assert shown(md_text(title)) == title
