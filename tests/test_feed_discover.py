"""``newsmon feeds discover URL`` against real sites on 127.0.0.1 (tests/feedtools_site.py)."""
from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

from newsmon.cli import main
from newsmon.settings import parse_settings
from tests.cli_helpers import WATCHLIST, error_line, run_newsmon, write_config
from tests.feedtools_site import herald, nd_site  # noqa: F401
from tests.hostile.server import HostileServer, respond

ALLOW = ["--allow-network", "127.0.0.1/32"]


def discover(capsys, *args: str) -> tuple[str, list[str]]:
    capsys.readouterr()
    assert main(["feeds", "discover", *args]) == 0
    out, err = capsys.readouterr()
    return out, err.splitlines()


def as_feeds(toml: str) -> list[dict]:
    """The printed blocks, as the config loader reads them (valid [[feeds]] entries)."""
    data = tomllib.loads(toml)
    settings = parse_settings({"watchlist": {"path": str(WATCHLIST)}, **data})
    assert [f.name for f in settings.feeds] == [f["name"] for f in data["feeds"]]
    return data["feeds"]


def test_advertised_and_linked_feeds_are_found_and_verified(herald, capsys):  # noqa: F811
    out, err = discover(capsys, herald.url("/"), *ALLOW)
    feeds = as_feeds(out)
    assert [(f["name"], f["url"]) for f in feeds] == [
        ('The Test Herald - All & "Everything"', herald.url("/feeds/all.xml")),  # ../ against <base href="/news/">
        ("Business", herald.url("/feeds/business.atom")),
        ("Wire", herald.url("/feeds/wire.json")),
        ("Politics", herald.url("/rss/politics.xml")),                          # a link in the page
    ]
    assert '# rss20, 2 entries, newest ' in out and "; advertised by <link rel=alternate>" in out
    assert "; linked from the page" in out
    # Advertised but broken: named on stderr, one line each, and not printed as a block.
    assert any(line.startswith(f"newsmon: not a working feed: {herald.url('/feeds/gone.xml')} (advertised by "
                               f"<link>): permanent: HTTP 404") for line in err)
    assert any(line.startswith(f"newsmon: not a working feed: {herald.url('/news/')} (advertised by <link>): "
                               "permanent: got an HTML page") for line in err)
    assert err[-1] == f"newsmon: 4 feed(s) found for {herald.url('/')} (6 candidate(s) tried)"
    # Not tried: the sitemap, the partner's feed on another site, javascript:, the hreflang link;
    # the feed linked twice was verified once; no common path was guessed (feeds were advertised).
    assert herald.hits["/sitemap.xml"] == 0 and herald.hits["/feeds/all.xml"] == 1
    assert herald.hits["/feed"] == 0 and herald.hits["/rss.xml"] == 0


def test_common_paths_find_the_nd_soft_feed_and_suggest_a_timezone(nd_site, capsys):  # noqa: F811
    out, err = discover(capsys, nd_site.url("/"), *ALLOW)
    [feed] = as_feeds(out)
    assert feed == {"name": "BusinessKorea", "url": nd_site.url("/rss/allArticle.xml")}
    assert "found at a common feed path" in out
    # Dates written without an offset, on a host newsmon knows no zone for: a commented hint.
    assert '# timezone = "Asia/Seoul" # entry dates carry no offset' in out
    assert nd_site.hits["/rss/allArticle.xml"] == 1 and nd_site.hits["/feed"] == 1


def test_a_url_that_is_a_feed_is_that_feed(herald, capsys):  # noqa: F811
    capsys.readouterr()
    assert main(["feeds", "discover", herald.url("/feeds/business.atom"), *ALLOW, "--format", "jsonl"]) == 0
    out, err = capsys.readouterr()
    [row] = [json.loads(line) for line in out.splitlines()]
    assert row["source"] == "self" and row["format"] == "atom10" and row["entries"] == 1
    assert row["url"] == herald.url("/feeds/business.atom") and row["name"] == "Business"
    assert herald.hits["/feed"] == 0


def test_a_redirect_is_named(herald, capsys):  # noqa: F811
    out, _ = discover(capsys, herald.url("/feeds/moved.xml"), *ALLOW)
    assert f"# redirects to {herald.url('/feeds/all.xml')}\n[[feeds]]" in out
    assert as_feeds(out)[0]["url"] == herald.url("/feeds/moved.xml")


def test_probe_and_candidate_cap(herald, capsys):  # noqa: F811
    out, err = discover(capsys, herald.url("/"), *ALLOW, "--probe")
    assert herald.hits["/feed"] == 1 and herald.hits["/rss/allArticle.xml"] == 1  # guessed as well
    assert len(as_feeds(out)) == 4
    out, err = discover(capsys, herald.url("/"), *ALLOW, "--max-candidates", "2")
    assert len(as_feeds(out)) == 2
    assert "newsmon: note: stopped after 2 candidates ([feed_tools] discover_max_candidates)" in err


def test_with_a_config_known_feeds_are_left_out_and_names_stay_unique(herald, tmp_path, capsys):  # noqa: F811
    cfg = write_config(tmp_path / "newsmon.toml", {
        "watchlist": {"path": str(WATCHLIST)},
        "fetch": {"allow_networks": ["127.0.0.1/32"]},  # the config's allow list: no --allow-network
        "feeds": [{"name": "Business", "url": herald.url("/feeds/other.xml")},
                  {"name": "Mine", "url": herald.url("/feeds/all.xml")}]})
    out, err = discover(capsys, herald.url("/"), "--config", str(cfg))
    names = [f["name"] for f in as_feeds(out)]
    assert names == ["Business (2)", "Wire", "Politics"]
    assert f"newsmon: note: {herald.url('/feeds/all.xml')} is already configured as 'Mine'" in err


def test_the_ssrf_guard_applies(herald, tmp_path):  # noqa: F811
    msg = error_line(run_newsmon("feeds", "discover", herald.url("/"), cwd=tmp_path))
    assert msg.startswith(f"{herald.url('/')}: blocked: 127.0.0.1 is a loopback address not covered by "
                          "allow_networks")
    msg = error_line(run_newsmon("feeds", "discover", herald.url("/"), "--allow-network", "10.0.0/8", cwd=tmp_path))
    assert msg.startswith("--allow-network: '10.0.0/8' is not a CIDR network")
    msg = error_line(run_newsmon("feeds", "discover", "ftp://news.example/", cwd=tmp_path))
    assert msg == "ftp://news.example/: not an http(s) URL; give the page's http(s) URL"
    assert herald.hits == {}


@pytest.mark.parametrize("kind", ["page", "feed"])
def test_a_walled_site(kind, tmp_path, capsys):
    wall = (Path(__file__).parent / "fixtures" / "hostile" / "challenges" / "datadome.html").read_bytes()
    with HostileServer() as site:
        if kind == "page":
            site.routes["/"] = respond(403, wall, {"X-DataDome": "protected"})
            msg = error_line(run_newsmon("feeds", "discover", site.url("/"), *ALLOW, cwd=tmp_path))
            assert msg.startswith(f"{site.url('/')}: blocked: bot challenge: DataDome bot challenge (HTTP 403")
            assert msg.endswith("newsmon does not solve challenges")
        else:  # the page is fine, its feed is walled: reported, and the rest of the site left alone
            site.routes["/"] = respond(200, b'<html><head><link rel="alternate" type="application/rss+xml" '
                                            b'href="/rss.xml"></head><body>hi</body></html>')
            site.routes["/rss.xml"] = respond(403, wall, {"X-DataDome": "protected"})
            out, err = discover(capsys, site.url("/"), *ALLOW)
            assert out == ""
            assert any("blocked: bot challenge: DataDome" in line for line in err)
            assert site.hits["/rss.xml"] == 1 and site.hits["/feed"] == 0  # no guessing at a walled site
