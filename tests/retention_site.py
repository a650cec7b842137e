"""A loopback news site with many generated articles, for the retention and backup tests.

``GeneratedSite(n)`` serves, besides the sample site's files (robots.txt):

    /gen/feed.xml        RSS listing /gen/a/0.html ... /gen/a/{n-1}.html (newest first)
    /gen/sitemap.xml     urlset of the same URLs with their dates
    /gen/a/<i>.html      an article page: headline, six paragraphs of seeded words (no two
                         alike, so story clustering keeps them apart), published
                         2026-11-20 + i minutes; every third names Samsung Electronics
                         (flagged by the default watchlist)

``hold_from``: pages with i >= hold_from wait until ``release`` is set (a cycle can be
held half-way, e.g. while a backup runs); ``pause_from``: pages with pause_from <= i <
hold_from wait until ``resume`` is set (a test lets the cycle write again at a moment it
chooses); ``bump()`` changes the feed's bytes (new ETag),
so the next cycle parses it again instead of getting a 304.
"""
from __future__ import annotations

import random
import threading
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from pathlib import Path

from newsmon.sample_server import SAMPLE_SITE, SampleSite

WORDS = ("market export chip plant policy growth bank rate energy battery steel ship order quarter profit "
         "investor union wage court minister budget trade tariff index share fund credit loan housing "
         "price demand supply factory engineer contract merger board audit election survey region port").split()
START = datetime(2026, 11, 20, tzinfo=timezone.utc)


def published(i: int) -> datetime:
    return START + timedelta(minutes=i)


def article_html(i: int) -> bytes:
    rnd = random.Random(i)
    paras = [" ".join(rnd.choice(WORDS) for _ in range(45)).capitalize() + "." for _ in range(6)]
    if i % 3 == 0:
        paras[1] = "Samsung Electronics said on Thursday that " + paras[1]
    body = "".join(f"<p>{p}</p>" for p in paras)
    when = published(i).isoformat()
    return (f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Story {i}: {paras[0][:40]}</title>"
            f"<meta property='article:published_time' content='{when}'></head><body><header>Sample Daily</header>"
            f"<article><h1>Story {i}: {paras[0][:40]}</h1>{body}</article><footer>All rights reserved</footer>"
            f"</body></html>").encode()


class GeneratedSite(SampleSite):
    def __init__(self, n: int, *, hold_from: int | None = None, pause_from: int | None = None,
                 root: Path = SAMPLE_SITE) -> None:
        super().__init__(root)
        self.n = n
        self.hold_from = hold_from
        self.pause_from = pause_from
        self.release = threading.Event()
        self.resume = threading.Event()
        self.version = 0

    def bump(self) -> None:
        self.version += 1

    def article_url(self, i: int) -> str:
        return f"{self.base}/gen/a/{i}.html"

    def response(self, path: str, req_headers) -> tuple[int, dict[str, str], bytes]:
        if path == "/gen/feed.xml":
            items = "".join(f"<item><title>Story {i}</title><link>{self.article_url(i)}</link>"
                            f"<pubDate>{format_datetime(published(i))}</pubDate></item>"
                            for i in reversed(range(self.n)))
            body = (f"<?xml version='1.0'?><!-- v{self.version} --><rss version='2.0'><channel>"
                    f"<title>Generated</title><link>{self.base}/</link>{items}</channel></rss>").encode()
            return 200, {"Content-Type": "application/rss+xml"}, body
        if path == "/gen/sitemap.xml":
            urls = "".join(f"<url><loc>{self.article_url(i)}</loc><lastmod>{published(i).isoformat()}</lastmod></url>"
                           for i in range(self.n))
            body = (f"<?xml version='1.0' encoding='UTF-8'?><urlset xmlns='http://www.sitemaps.org/schemas/"
                    f"sitemap/0.9'>{urls}</urlset>").encode()
            return 200, {"Content-Type": "application/xml"}, body
        if path.startswith("/gen/a/") and path.endswith(".html"):
            try:
                i = int(path[len("/gen/a/"):-len(".html")])
            except ValueError:
                return 404, {"Content-Type": "text/plain"}, b"not found"
            if not 0 <= i < self.n:
                return 404, {"Content-Type": "text/plain"}, b"not found"
            if self.hold_from is not None and i >= self.hold_from:
                self.release.wait(120)
            elif self.pause_from is not None and i >= self.pause_from:
                self.resume.wait(120)
            return 200, {"Content-Type": "text/html; charset=utf-8"}, article_html(i)
        return super().response(path, req_headers)
