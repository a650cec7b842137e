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
