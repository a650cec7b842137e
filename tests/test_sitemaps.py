"""scrapers.sitemaps: parsing (urlset, index, Google News, gzip, text, feeds, hostile input)
and discovery through the real Fetcher against a sitemap site on 127.0.0.1."""
from __future__ import annotations

import gzip
import shutil
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from newsmon.sample_server import SAMPLE_SITE, SampleSite
from newsmon.settings import FetchSettings
from scrapers.fetch import Fetcher
from scrapers.sitemaps import SitemapError, discover, gunzip_capped, parse_sitemap, parse_w3c_datetime
from tests.sitemap_site import IN_NOVEMBER_WINDOW, write_sitemaps

BASE = "https://news.example.com/sitemap.xml"
UTC = timezone.utc


def utc(*a: int) -> datetime:
    return datetime(*a, tzinfo=UTC)


# --------------------------------------------------------------------------- dates

@pytest.mark.parametrize("raw, expected", [
    ("2026-11-27", utc(2026, 11, 27)),
    ("2026-11", utc(2026, 11, 1)),
    ("2026", utc(2026, 1, 1)),
    ("2026-11-27T09:30:00+09:00", utc(2026, 11, 27, 0, 30)),
    ("2026-11-27T09:30+09:00", utc(2026, 11, 27, 0, 30)),
    ("2026-11-27T09:30:00Z", utc(2026, 11, 27, 9, 30)),
    ("2026-11-27T09:30:00.123456Z", datetime(2026, 11, 27, 9, 30, 0, 123456, tzinfo=UTC)),
    (" 2026-11-27 09:30:00 ", utc(2026, 11, 27, 9, 30)),
    ("yesterday", None), ("", None), (None, None), ("2026-13-01", None),
])
def test_w3c_datetimes(raw, expected):
    assert parse_w3c_datetime(raw) == expected


def test_dates_without_offset_are_read_in_the_outlets_zone():
    assert parse_w3c_datetime("2026-11-27T09:30:00", ZoneInfo("Asia/Seoul")) == utc(2026, 11, 27, 0, 30)
    assert parse_w3c_datetime("2026-11-27", ZoneInfo("Asia/Seoul")) == utc(2026, 11, 26, 15)


# --------------------------------------------------------------------------- parsing

def test_urlset_with_lastmod_relative_and_tracking_urls():
    xml = b"""<?xml version="1.0"?>
    <urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
      <url><loc> https://News.Example.com/a/1?utm_source=sm&amp;id=7#top </loc><lastmod>2026-11-27</lastmod></url>
      <url><loc>/a/2</loc></url>
      <url><loc>javascript:alert(1)</loc></url>
      <url><lastmod>2026-11-27</lastmod></url>
      <url><loc>https://news.example.com/a/3</loc><lastmod>not a date</lastmod></url>
    </urlset>"""
    p = parse_sitemap(xml, BASE)
    assert p.kind == "urlset"
    assert [(e.url, e.lastmod) for e in p.entries] == [
        ("https://news.example.com/a/1?id=7", utc(2026, 11, 27)),
        ("https://news.example.com/a/2", None),
        ("https://news.example.com/a/3", None)]
    assert any("2 entries without a usable" in n for n in p.notes)
    assert any("1 unreadable dates" in n for n in p.notes)


def test_sitemap_index():
    xml = b"""<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
      <sitemap><loc>https://news.example.com/sm-1.xml.gz</loc><lastmod>2026-11-27T10:00:00+09:00</lastmod></sitemap>
      <sitemap><loc>https://news.example.com/sm-2.xml</loc></sitemap>
    </sitemapindex>"""
    p = parse_sitemap(xml, BASE)
    assert p.kind == "index" and not p.entries
    assert [(r.url, r.lastmod) for r in p.sitemaps] == [
        ("https://news.example.com/sm-1.xml.gz", utc(2026, 11, 27, 1)), ("https://news.example.com/sm-2.xml", None)]


def test_google_news_sitemap_publication_date_and_title():
    from tests.sitemap_site import NEWS
    p = parse_sitemap(NEWS.replace("{base}", "https://s.example").encode(), BASE)
    nec, meta = p.entries
    assert nec.url == "https://s.example/articles/nec-audit.html"
    assert nec.published == utc(2026, 11, 25, 7, 40) and nec.lastmod is None and nec.when == nec.published
    assert nec.title == "선관위, 채용 비리 감사 결과 발표"
    assert meta.published == utc(2026, 11, 26, 14, 5)


def test_namespace_less_and_wrong_namespace_sitemaps_are_read():
    xml = b"<urlset><url><loc>https://a.example/x</loc><lastmod>2026-01-02</lastmod></url></urlset>"
    assert parse_sitemap(xml, BASE).entries[0].url == "https://a.example/x"
    xml = b'<urlset xmlns="http://www.google.com/schemas/sitemap/0.84"><url><loc>https://a.example/y</loc></url></urlset>'
    assert parse_sitemap(xml, BASE).entries[0].url == "https://a.example/y"


def test_gzipped_sitemap_and_gzip_bomb():
    xml = b"<urlset><url><loc>https://a.example/x</loc></url></urlset>"
    assert parse_sitemap(gzip.compress(xml), BASE).entries[0].url == "https://a.example/x"
    bomb = gzip.compress(b"<urlset>" + b" " * 5_000_000 + b"</urlset>")
    assert len(bomb) < 10_000
    with pytest.raises(SitemapError, match="decompresses to more than 1000000 bytes"):
        parse_sitemap(bomb, BASE, max_bytes=1_000_000)
    with pytest.raises(SitemapError, match="corrupt gzip"):
        gunzip_capped(b"\x1f\x8b\x08\x00garbage", 1000, url=BASE)


def test_text_sitemap():
    p = parse_sitemap(b"https://a.example/1\n\nftp://x/y\nhttps://a.example/2?utm_medium=x\n", BASE)
    assert p.kind == "text" and [e.url for e in p.entries] == ["https://a.example/1", "https://a.example/2"]
    assert p.notes == ["1 lines that are not http(s) URLs skipped"]


def test_feed_as_sitemap():
    rss = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>
      <item><title>One</title><link>https://a.example/one?utm_source=rss</link>
      <pubDate>Fri, 27 Nov 2026 00:30:00 GMT</pubDate></item></channel></rss>"""
    p = parse_sitemap(rss, BASE)
    assert p.kind == "feed"
    assert [(e.url, e.published, e.title) for e in p.entries] == [("https://a.example/one", utc(2026, 11, 27, 0, 30), "One")]


@pytest.mark.parametrize("body, reason", [
    (b"", "empty sitemap"),
    (b"   \n", "empty sitemap"),
    (b"<html><body>Not found</body></html>", "root element <html>"),
    (b"plain words, no URLs", "neither XML nor a list"),
    (b"\x00\x01\x02<<<", "neither XML nor a list"),
])
def test_not_a_sitemap_is_one_line_error(body, reason):
    with pytest.raises(SitemapError, match=reason) as ei:
        parse_sitemap(body, BASE)
    assert "\n" not in str(ei.value)


def test_external_entities_are_not_expanded(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    xml = f"""<?xml version="1.0"?>
    <!DOCTYPE urlset [<!ENTITY xxe SYSTEM "file://{secret}"><!ENTITY a "aaaaaaaaaa">
      <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>
    <urlset><url><loc>https://a.example/&xxe;</loc></url><url><loc>https://a.example/&b;</loc></url></urlset>"""
    p = parse_sitemap(xml.encode(), BASE)
    assert all("TOP-SECRET" not in e.url for e in p.entries)
    assert all("aaaaaaaaaa" not in e.url for e in p.entries)


def test_malformed_xml_is_read_leniently_with_a_note():
    xml = b"<urlset><url><loc>https://a.example/x?a=1&b=2</loc></url><url><loc>https://a.example/y</loc></url>"
    p = parse_sitemap(xml, BASE)
    assert "https://a.example/y" in [e.url for e in p.entries]
    assert p.notes and p.notes[0].startswith("malformed XML, parsed leniently")


# --------------------------------------------------------------------------- discovery

@pytest.fixture
def sm_site(tmp_path):
    root = tmp_path / "site"
    shutil.copytree(SAMPLE_SITE, root)
    with SampleSite(root) as site:
        site.index = write_sitemaps(root, site.base)  # type: ignore[attr-defined]
        yield site


def fetch_settings(**kw) -> FetchSettings:
    return FetchSettings(allow_networks=("127.0.0.1/32",), retries=0, deadline_s=10.0, **kw)


async def test_discover_walks_index_prunes_old_sitemaps_and_filters_dates(sm_site):
    async with Fetcher(fetch_settings()) as f:
        d = await discover(f, sm_site.index, start=utc(2026, 11, 20), end=utc(2026, 11, 29))
    paths = [e.url.removeprefix(sm_site.base) for e in d.entries]
    assert set(paths) == IN_NOVEMBER_WINDOW and len(paths) == len(set(paths))  # metaverse listed twice, once here
    assert "/articles/samsung-hbm.html" in paths  # utm_source removed
    assert d.files == 5 and d.pruned == 1 and not d.errors and not d.truncated
    assert sm_site.hits["/sitemaps/articles-2025-01.xml"] == 0  # last modified before the window
    assert d.listed == 10 and d.undated == 1 and d.out_of_range == 2
    assert any("1 URLs without lastmod" in n for n in d.notes)
    assert all(sm_site.hits[p] == 0 for p in paths)  # discovery fetches sitemaps only


async def test_discover_one_day_window_uses_publication_dates(sm_site):
    async with Fetcher(fetch_settings()) as f:
        d = await discover(f, sm_site.index, start=utc(2026, 11, 26), end=utc(2026, 11, 27))
    assert [e.url.removeprefix(sm_site.base) for e in d.entries] == ["/articles/meta-seoul.html"]


async def test_discover_caps_depth_and_files(sm_site):
    async with Fetcher(fetch_settings()) as f:
        d = await discover(f, sm_site.index, start=utc(2026, 1, 1), end=utc(2027, 1, 1), max_depth=1)
        assert d.truncated and sm_site.hits["/sitemaps/deep.xml"] == 0
        assert any("nested deeper than 1" in n for n in d.notes)
        d = await discover(f, sm_site.index, start=utc(2026, 1, 1), end=utc(2027, 1, 1), max_files=2)
        assert d.truncated and d.files == 2
        d = await discover(f, sm_site.index, start=utc(2026, 1, 1), end=utc(2027, 1, 1), max_urls=3)
        assert d.truncated and d.listed == 3


async def test_discover_survives_loops_missing_files_and_robots(sm_site):
    root = sm_site.root
    (root / "loop.xml").write_text(
        '<sitemapindex><sitemap><loc>{base}/loop.xml</loc></sitemap>'
        '<sitemap><loc>{base}/missing.xml</loc></sitemap>'
        '<sitemap><loc>{base}/private/sm.xml</loc></sitemap>'
        '<sitemap><loc>{base}/sitemaps/news.xml</loc></sitemap></sitemapindex>')
    async with Fetcher(fetch_settings()) as f:
        d = await discover(f, sm_site.url("/loop.xml"), start=utc(2026, 1, 1), end=utc(2027, 1, 1))
        assert sm_site.hits["/loop.xml"] == 1
        assert len(d.entries) == 2 and not d.root_failed
        assert len(d.errors) == 2
        assert any("missing.xml: permanent: HTTP 404" in e for e in d.errors)
        assert any("private/sm.xml: blocked: robots.txt" in e for e in d.errors)
        assert sm_site.hits["/private/sm.xml"] == 0
        d = await discover(f, sm_site.url("/nothing-here.xml"), start=utc(2026, 1, 1), end=utc(2027, 1, 1))
        assert d.root_failed and not d.entries and "HTTP 404" in d.errors[0]


async def test_discover_refuses_addresses_outside_the_allow_list(sm_site):
    # The sitemap is on 127.0.0.1; allowing only another loopback address blocks it (SSRF guard).
    async with Fetcher(FetchSettings(allow_networks=("127.0.0.2/32",), retries=0)) as f:
        d = await discover(f, sm_site.index, start=utc(2026, 1, 1), end=utc(2027, 1, 1))
    assert d.root_failed and "blocked" in d.errors[0]
    assert sm_site.hits["/sitemap_index.xml"] == 0
