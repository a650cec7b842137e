"""Renders cycle results for people: markdown summary and the flagged-stories table.

Titles, snippets and error messages come from the web and may contain HTML or markdown
(``<script>`` in a headline, ``](javascript:...)`` in a snippet). Everything is escaped
here, once, so that the Prefect UI shows it as text and never executes or links it.
"""
from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

from flows.cycle import FeedReport, FlaggedStory

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|>~-])")


def md_text(s: str | None, limit: int = 300) -> str:
    """Escape untrusted text for markdown: HTML entities, then markdown punctuation; one line.

    Quotes are left as they are: they open nothing in markdown text, and an entity such as
    ``&#x27;`` would have its ``#`` escaped and show up literally ("Samsung&#x27;s").
    """
    s = " ".join((s or "").split())
    if len(s) > limit:
        s = s[: limit - 1] + "…"
    return _MD_SPECIAL.sub(r"\\\1", html.escape(s, quote=False))


# Characters that could end a markdown link destination or table cell, open HTML, or start
# a new line; percent-encoding them keeps the URL working and the markup closed.
_URL_ESCAPES = str.maketrans({c: f"%{ord(c):02X}" for c in "()[]<>\"'`|\\ \t\r\n"})


def safe_url(url: str | None) -> str | None:
    """The URL if it is http(s), with markup-breaking characters percent-encoded; else None."""
    url = (url or "").strip()
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return None
    return url.translate(_URL_ESCAPES) if scheme in ("http", "https") else None


def md_link(title: str | None, url: str) -> str:
    """A markdown link only for http(s) URLs; anything else is shown as text."""
    href = safe_url(url)
    if href is None:
        return md_text(title or url)
    return f"[{md_text(title or url)}]({href})"


def flagged_rows(reports: list[FeedReport]) -> list[dict]:
    rows = []
    for r in reports:
        for s in r.flagged:
            rows.append(_row(s))
    return rows


def _row(s: FlaggedStory) -> dict:
    # Table cells get the same escaping as the markdown summary: whether the UI shows a
    # cell as text, HTML or markdown, a headline can neither run script nor become a link.
    return {
        "title": md_text(s.title),
        "url": safe_url(s.url) or "",
        "entities": md_text(", ".join(s.entities)),
        "snippet": md_text(s.snippet),
        "feed": md_text(s.feed),
        "published": s.published.isoformat() if s.published else "",
    }


def summary_markdown(title: str, summary: dict, reports: list[FeedReport]) -> str:
    lines = [f"# {md_text(title)}", "",
             "| feeds polled | not modified | failed | backing off | new articles | duplicates | "
             "failed articles | no body | flagged |",
             "|---|---|---|---|---|---|---|---|---|",
             f"| {summary['feeds_ok']} | {summary['feeds_not_modified']} | {summary['feeds_failed']} | "
             f"{summary['feeds_backoff']} | {summary['articles_new']} | {summary['articles_duplicate']} | "
             f"{summary['articles_failed']} | {summary['articles_no_body']} | {summary['flagged']} |", ""]
    flagged = [s for r in reports for s in r.flagged]
    if flagged:
        lines += ["## Newly flagged stories", "", "| story | entities | snippet | feed | published |",
                  "|---|---|---|---|---|"]
        for s in flagged:
            lines.append(f"| {md_link(s.title, s.url)} | {md_text(', '.join(s.entities))} | "
                         f"{md_text(s.snippet, 200)} | {md_text(s.feed)} | "
                         f"{s.published.isoformat() if s.published else ''} |")
        lines.append("")
    lines += _challenges(summary, reports)
    failed = [r for r in reports if r.status == "failed"]
    if failed:
        lines += ["## Failed feeds", ""]
        lines += [f"- **{md_text(r.feed)}**: {md_text(r.error)}" for r in failed]
        lines.append("")
    errs = [e for r in reports for e in r.article_errors]
    if errs:
        lines += [f"## Failed articles ({len(errs)})", ""]
        lines += [f"- {md_text(e)}" for e in errs[:50]]
        if len(errs) > 50:
            lines.append(f"- … and {len(errs) - 50} more")
    return "\n".join(lines)


def _challenges(summary: dict, reports: list[FeedReport]) -> list[str]:
    """Sites that answered with a bot challenge: said apart from other failures, because
    the fix is on the operator's side (ask the outlet, another network), not a retry."""
    feeds = [r for r in reports if r.failure == "blocked: bot challenge"]
    articles = summary.get("articles_challenged", 0)
    if not feeds and not articles:
        return []
    lines = ["## Blocked by bot challenges", "",
             f"{len(feeds)} feeds and {articles} articles answered with a bot challenge "
             "(Cloudflare, DataDome, Akamai, ...) instead of content: nothing of it was parsed "
             "or stored, and the feeds back off for hours (`[poll] challenge_backoff_s`). "
             "`newsmon feeds check` shows the verdict per feed.", ""]
    lines += [f"- **{md_text(r.feed)}**: {md_text(r.error)}" for r in feeds]
    lines += [f"- {md_text(r.feed)}: {r.challenged} articles" for r in reports if r.challenged]
    lines.append("")
    return lines
