"""Feed parsing: every format newsmon supports, and the hostile feeds it must survive."""
from pathlib import Path

import pytest

from newsmon.sample_server import SAMPLE_SITE
from scrapers.feeds import FeedParseError, parse_feed

HOSTILE = Path(__file__).parent / "fixtures" / "hostile" / "feeds"
BASE = "http://127.0.0.1:8000"


def sample(name: str) -> bytes:
    return (SAMPLE_SITE / "feeds" / name).read_bytes().replace(b"{base}", BASE.encode())


@pytest.mark.parametrize("name,fmt,n", [
    ("herald-business.xml", "rss20", 3),
    ("daily-tech.atom", "atom10", 2),
    ("korean.rdf", "rss10", 2),
    ("wire.json", "json11", 1),
])
def test_formats(name, fmt, n):
    feed = parse_feed(sample(name), f"{BASE}/feeds/{name}")
    assert feed.format == fmt
    assert len(feed.entries) == n
    for e in feed.entries:
        assert e.link.startswith(BASE + "/")
        assert "utm_" not in e.link and "fbclid" not in e.link
        assert e.published is not None and e.published.utcoffset().total_seconds() == 0


def test_rss_dates_and_links():
    feed = parse_feed(sample("herald-business.xml"), BASE + "/feeds/herald-business.xml")
    first = feed.entries[0]
    assert first.link == f"{BASE}/articles/samsung-hbm.html"
    assert first.published.isoformat() == "2026-11-27T00:30:00+00:00"
    assert first.authors == ("Kim Min-ji",)


def test_rdf_offset_converted_to_utc():
    feed = parse_feed(sample("korean.rdf"), BASE + "/feeds/korean.rdf")
    assert feed.entries[0].published.isoformat() == "2026-11-27T01:15:00+00:00"
    assert feed.entries[0].title.startswith("LG전자")


def test_json_feed_tracking_removed():
    feed = parse_feed(sample("wire.json"), BASE + "/feeds/wire.json")
    assert feed.entries[0].link == f"{BASE}/articles/nec-audit.html"


@pytest.mark.parametrize("name,reason", [
    ("billion-laughs.xml", "entity expansion"),
    ("external-entity.xml", "entity expansion"),
    ("not-a-feed.html", "HTML page instead of a feed"),
    ("empty.xml", "empty response body"),
    ("malformed.xml", "malformed feed"),
])
def test_hostile_feeds_rejected_with_reason(name, reason):
    with pytest.raises(FeedParseError) as ei:
        parse_feed((HOSTILE / name).read_bytes(), BASE + "/feeds/" + name)
    msg = str(ei.value)
    assert reason in msg
    assert "\n" not in msg
    assert "lollol" not in msg and "root:" not in msg  # nothing expanded or read


def test_malformed_reason_comes_from_feedparser():
    with pytest.raises(FeedParseError) as ei:
        parse_feed((HOSTILE / "malformed.xml").read_bytes(), BASE + "/x")
    assert "SAXParseException" in str(ei.value) or "not well-formed" in str(ei.value)


def test_lenient_feed_keeps_good_entries_and_notes_bad_ones():
    feed = parse_feed((HOSTILE / "lenient.xml").read_bytes(), BASE + "/feeds/lenient.xml")
    assert [e.link for e in feed.entries] == ["http://127.0.0.1/articles/a.html"]
    assert feed.skipped and "no link" in feed.skipped[0]
    assert feed.notes and "malformed" in feed.notes[0]


def test_json_that_is_not_a_feed():
    with pytest.raises(FeedParseError, match="not a JSON Feed"):
        parse_feed(b'{"hello": "world"}', BASE)


def test_binary_is_not_a_feed():
    with pytest.raises(FeedParseError, match="binary"):
        parse_feed(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", BASE)


# -- dates written without an offset (BusinessKorea's CMS) --------------------------------------

def _rss_dated(*dates: str) -> bytes:
    items = "".join(f"<item><title>t{i}</title><link>{BASE}/a/{i}</link><pubDate>{d}</pubDate></item>"
                    for i, d in enumerate(dates))
    return f'<rss version="2.0"><channel><title>BK</title>{items}</channel></rss>'.encode()


def test_dates_without_offset_are_read_in_the_outlets_zone():
    body = _rss_dated("2026-10-01 10:27:43", "Thu, 01 Oct 2026 10:27:43", "2026.10.01 10:27",
                      "Thu, 01 Oct 2026 10:27:43 +0900", "2026-10-01T01:27:43Z")
    seoul = parse_feed(body, BASE + "/rss/allArticle.xml", default_tz="Asia/Seoul")
    got = [e.published.isoformat() for e in seoul.entries]
    assert got == ["2026-10-01T01:27:43+00:00", "2026-10-01T01:27:43+00:00", "2026-10-01T01:27:00+00:00",
                   "2026-10-01T01:27:43+00:00", "2026-10-01T01:27:43+00:00"]
    assert seoul.naive_dates == 3
    # Without a zone they are UTC (feedparser had read "2026.10.01" as December, and
    # an RFC 822 date without a zone not at all).
    utc = parse_feed(body, BASE + "/rss/allArticle.xml")
    assert [e.published.isoformat() for e in utc.entries][:3] == [
        "2026-10-01T10:27:43+00:00", "2026-10-01T10:27:43+00:00", "2026-10-01T10:27:00+00:00"]
    assert utc.naive_dates == 3


def test_json_feed_dates_without_offset():
    body = (b'{"version": "https://jsonfeed.org/version/1.1", "title": "w", "items": ['
            b'{"id": "1", "url": "http://127.0.0.1:8000/a/1", "date_published": "2026-10-01T10:00:00"},'
            b'{"id": "2", "url": "http://127.0.0.1:8000/a/2", "date_published": "2026-10-01T10:00:00+09:00"}]}')
    feed = parse_feed(body, BASE + "/feed.json", default_tz="Asia/Seoul")
    assert [e.published.isoformat() for e in feed.entries] == ["2026-10-01T01:00:00+00:00"] * 2
    assert feed.naive_dates == 1


def test_feed_zone_of_a_configured_feed():
    from newsmon.settings import FeedSettings
    from scrapers.feeds import feed_zone

    assert feed_zone(FeedSettings(name="a", url="https://www.businesskorea.co.kr/rss/allArticle.xml")) == "Asia/Seoul"
    assert feed_zone(FeedSettings(name="b", url="https://news.example/rss", timezone="Europe/Paris")) == "Europe/Paris"
    assert feed_zone(FeedSettings(name="c", url="https://news.example/rss")) is None
