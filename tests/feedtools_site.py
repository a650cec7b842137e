"""A news site on 127.0.0.1 for the feed-tools tests: fixture files served with dates
relative to now (so "fresh" stays fresh), conditional GET, walls and broken feeds."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from pathlib import Path

import pytest

from tests.hostile.server import HostileServer, Request, Writer, head, respond, send

FIXTURES = Path(__file__).parent / "fixtures" / "feedtools"
CHALLENGES = Path(__file__).parent / "fixtures" / "hostile" / "challenges"
RSS = "application/rss+xml; charset=utf-8"


def render(name: str, base: str, now: datetime | None = None) -> bytes:
    """A fixture file with {base} and the date placeholders filled in."""
    now = now or datetime.now(timezone.utc)
    recent, old = now - timedelta(hours=2), now - timedelta(days=40)
    text = (FIXTURES / name).read_text(encoding="utf-8")
    for key, value in {"{base}": base, "{recent}": format_datetime(recent, usegmt=True),
                       "{recent_iso}": recent.isoformat(), "{old}": format_datetime(old, usegmt=True),
                       # Seoul wall-clock time, written without an offset (BusinessKorea's CMS)
                       "{naive}": (recent + timedelta(hours=9)).strftime("%Y-%m-%d %H:%M:%S")}.items():
        text = text.replace(key, value)
    return text.encode("utf-8")


def fixture(name: str, base: str, content_type: str, *, etag: str | None = None,
            last_modified: str | None = None, honour: bool = True):
    """Serve a rendered fixture; with validators, answer 304 to a matching conditional
    request (unless ``honour`` is False: a server that sends validators but ignores them)."""
    async def handler(req: Request, w: Writer) -> None:
        headers = {"Content-Type": content_type}
        if etag:
            headers["ETag"] = etag
        if last_modified:
            headers["Last-Modified"] = last_modified
        matched = (etag and req.headers.get("if-none-match") == etag) or \
                  (last_modified and not etag and req.headers.get("if-modified-since") == last_modified)
        if honour and matched:
            await send(w, head(304, headers))
            return
        body = render(name, base)
        await send(w, head(200, {**headers, "Content-Length": str(len(body))}) + body)
    return handler


def herald_routes(site: HostileServer) -> None:
    """The Test Herald: a home page advertising feeds, and feeds in every state."""
    base = site.url("")
    lm = "Thu, 01 Oct 2026 00:00:00 GMT"
    site.routes.update({
        "/": fixture("index.html", base, "text/html; charset=utf-8"),
        "/news/": fixture("index.html", base, "text/html; charset=utf-8"),
        "/feeds/all.xml": fixture("all.xml", base, RSS, etag='"all-v1"'),
        "/feeds/business.atom": fixture("business.atom", base, "application/atom+xml", last_modified=lm),
        "/feeds/wire.json": fixture("wire.json", base, "application/feed+json"),
        "/rss/politics.xml": fixture("politics.xml", base, "text/xml", etag='"p1"', honour=False),
        "/feeds/stale.xml": fixture("stale.xml", base, RSS),
        "/feeds/empty.xml": fixture("empty.xml", base, RSS),
        "/feeds/blank.xml": respond(200, b"", {"Content-Type": RSS}),
        "/feeds/moved.xml": respond(301, b"", {"Location": "/feeds/all.xml"}),
        "/feeds/walled.xml": respond(403, (CHALLENGES / "cloudflare-just-a-moment.html").read_bytes(),
                                     {"Content-Type": "text/html", "cf-mitigated": "challenge"}),
        "/robots.txt": respond(200, b"User-agent: *\nDisallow: /private/\n", {"Content-Type": "text/plain"}),
        "/private/feed.xml": fixture("all.xml", base, RSS),
    })


def nd_routes(site: HostileServer) -> None:
    """A BusinessKorea-like site: nothing advertised, the ND soft CMS path, naive dates."""
    base = site.url("")
    site.routes.update({
        "/": fixture("nd-home.html", base, "text/html; charset=utf-8"),
        "/rss/allArticle.xml": fixture("nd-allArticle.xml", base, "text/xml; charset=utf-8"),
    })


@pytest.fixture
def herald() -> Iterator[HostileServer]:
    with HostileServer() as site:
        herald_routes(site)
        yield site


@pytest.fixture
def nd_site() -> Iterator[HostileServer]:
    with HostileServer() as site:
        nd_routes(site)
        yield site
