"""``newsmon feeds check`` and the ``feeds`` command's forms, against real servers on 127.0.0.1.

The Test Herald (tests/feedtools_site.py) serves fixture feeds in every state a check must
tell apart: fresh, stale, empty, blank, HTML, moved, walled, disallowed by robots.txt, 404,
conditional GET honoured / ignored / impossible; a second site behind 127.0.0.2 (outside
allow_networks) and a port nobody listens on.
"""
from __future__ import annotations

import json
import socket
import tomllib
from pathlib import Path

import pytest

from newsmon.cli import main
from tests.cli_helpers import WATCHLIST, error_line, run_newsmon, write_config
from tests.feedtools_site import herald, herald_routes, nd_routes, nd_site  # noqa: F401
from tests.hostile.server import HostileServer

# feed name -> (path on the herald, verdict, HTTP status, entries or None, conditional GET)
HERALD = {
    "All": ("/feeds/all.xml", "ok", 200, 2, True),                  # ETag honoured
    "Business": ("/feeds/business.atom", "ok", 200, 1, True),      # Last-Modified honoured
    "Wire": ("/feeds/wire.json", "ok", 200, 1, False),              # no validators at all
    "Politics": ("/rss/politics.xml", "ok", 200, 1, False),         # ETag sent, then ignored
    "Stale": ("/feeds/stale.xml", "stale", 200, 1, False),
    "Empty": ("/feeds/empty.xml", "empty", 200, 0, False),
    "Blank": ("/feeds/blank.xml", "empty", 200, None, None),
    "Moved": ("/feeds/moved.xml", "ok", 200, 2, True),
    "Walled": ("/feeds/walled.xml", "blocked: bot challenge", 403, None, None),
    "Private": ("/private/feed.xml", "blocked: robots.txt", None, None, None),
    "Gone": ("/feeds/gone.xml", "http error", 404, None, None),
    "Home": ("/", "not a feed", 200, None, None),
}


def dead_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


@pytest.fixture
def sites(herald, nd_site):  # noqa: F811
    with HostileServer("127.0.0.2") as internal:
        nd_routes(internal)
        yield herald, nd_site, internal


def config(tmp_path: Path, feeds: list[dict], **sections) -> Path:
    return write_config(tmp_path / "newsmon.toml", {
        "database": {"url": f"sqlite:///{tmp_path / 'never-created.db'}"},
        "watchlist": {"path": str(WATCHLIST)},
        "fetch": {"allow_networks": ["127.0.0.1/32"], "retries": 0, "deadline_s": 5.0},
        **sections, "feeds": feeds})


def all_feeds(herald, nd, internal) -> list[dict]:
    feeds = [{"name": n, "url": herald.url(p)} for n, (p, *_) in HERALD.items()]
    return feeds + [
        {"name": "비즈니스코리아", "url": nd.url("/rss/allArticle.xml"), "timezone": "Asia/Seoul"},
        {"name": "BK without zone", "url": nd.url("/rss/allArticle.xml")},
        {"name": "Internal", "url": internal.url("/rss/allArticle.xml")},
        {"name": "Dead", "url": f"http://127.0.0.1:{dead_port()}/rss", "enabled": False},
    ]


def check_rows(capsys, *args: str) -> list[dict]:
    capsys.readouterr()
    assert main(list(args)) == 0
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def test_check_gives_each_feed_a_verdict(sites, tmp_path, capsys):
    herald_site, nd, internal = sites
    cfg = config(tmp_path, all_feeds(herald_site, nd, internal))
    rows = check_rows(capsys, "feeds", "check", "--config", str(cfg))
    by = {r["name"]: r for r in rows}
    assert [r["name"] for r in rows] == [f["name"] for f in all_feeds(herald_site, nd, internal)]  # config order

    for name, (path, verdict, status, entries, conditional) in HERALD.items():
        r = by[name]
        assert r["verdict"] == verdict, (name, r)
        assert r["status"] == status, (name, r)
        assert r["conditional_get"] is conditional, (name, r)
        assert r["reason"] and "\n" not in r["reason"]
        if entries is not None:
            assert r["parsed"] and r["entries"] == entries
        else:
            assert not r["parsed"] and r["entries"] == 0
    ok = by["All"]
    assert ok["content_type"] == "application/rss+xml" and ok["format"] == "rss20" and ok["bytes"] > 0
    assert ok["title"] == 'The Test Herald - All & "Everything"'
    assert 0.05 < ok["newest_age_days"] < 0.2  # served as two hours old
    assert ok["conditional"] == "304 Not Modified to a request with ETag"
    assert by["Business"]["conditional"] == "304 Not Modified to a request with Last-Modified"
    assert by["Wire"]["conditional"].startswith("no ETag or Last-Modified sent")
    assert by["Politics"]["conditional"].startswith("answered 200 with the whole feed again")
    assert "stale after 7 days" in by["Stale"]["reason"] and by["Stale"]["newest_age_days"] > 39
    assert "lists no entries" in by["Empty"]["reason"]
    assert "empty response body" in by["Blank"]["reason"]
    assert by["Moved"]["final_url"] == herald_site.url("/feeds/all.xml")
    assert any("redirected to" in n for n in by["Moved"]["notes"])
    assert by["Walled"]["reason"].startswith("blocked: bot challenge: Cloudflare bot challenge (HTTP 403")
    assert "robots.txt" in by["Private"]["reason"]
    assert "HTML page instead of a feed" in by["Home"]["reason"]
    assert any("not a feed media type" in n for n in by["Home"]["notes"])

    # Dates without an offset: read in the feed's zone, or flagged when none is known.
    seoul = by["비즈니스코리아"]
    assert seoul["verdict"] == "ok" and 0.05 < seoul["newest_age_days"] < 0.2
    assert any("carry no offset; read in Asia/Seoul" in n for n in seoul["notes"])
    utc = by["BK without zone"]
    assert any("read as UTC: set the feed's timezone" in n for n in utc["notes"])
    assert any("in the future" in n for n in utc["notes"])

    assert by["Internal"]["verdict"] == "blocked: address not allowed"
    dead = by["Dead"]
    assert dead["verdict"] == "unreachable" and dead["enabled"] is False  # disabled feeds are checked too
    assert internal.hits == {}  # the guard refused it before connecting
    # Nothing stored: the check needs no database and creates none.
    assert not (tmp_path / "never-created.db").exists()
    # Robots.txt was asked once; the walled feed once (a wall is not retried).
    assert herald_site.hits["/robots.txt"] == 1 and herald_site.hits["/feeds/walled.xml"] == 1
    assert herald_site.hits["/private/feed.xml"] == 0


def test_check_table_for_people(sites, tmp_path, capsys):
    herald_site, nd, internal = sites
    cfg = config(tmp_path, all_feeds(herald_site, nd, internal))
    capsys.readouterr()
    assert main(["feeds", "check", "--config", str(cfg), "--format", "table"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["FEED", "VERDICT", "HTTP", "ENTRIES", "NEWEST", "(UTC)", "304", "REASON"]
    assert len(lines) == 1 + len(HERALD) + 4
    rows = {line.split("  ")[0].strip(): line for line in lines[1:]}
    assert "blocked: bot challenge" in rows["Walled"] and "403" in rows["Walled"]
    assert " yes " in rows["All"] and " stale " in rows["Stale"]
    # Columns line up although Hangul takes two terminal columns per character.
    from newsmon.cli_feeds import _width
    col = lines[0].index("VERDICT")
    for line in lines[1:]:
        prefix, width = "", 0
        for ch in line:
            if width >= col:
                break
            prefix += ch
            width += _width(ch)
        assert width == col and prefix.rstrip() in rows and line[len(prefix)] != " ", line


def test_check_one_feed_and_stale_days(herald, tmp_path, capsys):  # noqa: F811
    feeds = [{"name": n, "url": herald.url(HERALD[n][0])} for n in ("All", "Stale")]
    cfg = config(tmp_path, feeds)
    rows = check_rows(capsys, "feeds", "check", "--config", str(cfg), "--feed", "Stale")
    assert [r["name"] for r in rows] == ["Stale"] and rows[0]["verdict"] == "stale"
    assert herald.hits["/feeds/all.xml"] == 0
    rows = check_rows(capsys, "feeds", "check", "--config", str(cfg), "--feed", "Stale", "--stale-days", "60")
    assert rows[0]["verdict"] == "ok"
    cfg = config(tmp_path, feeds, feed_tools={"stale_days": 45.0})
    assert check_rows(capsys, "feeds", "check", "--config", str(cfg), "--feed", "Stale")[0]["verdict"] == "ok"


def test_check_unknown_feed_and_bad_stale_days_are_one_line_errors(herald, tmp_path):  # noqa: F811
    cfg = config(tmp_path, [{"name": "All", "url": herald.url("/feeds/all.xml")}])
    msg = error_line(run_newsmon("feeds", "check", "--config", str(cfg), "--feed", "Nope", cwd=tmp_path))
    assert "unknown feed name(s): 'Nope'" in msg
    msg = error_line(run_newsmon("feeds", "check", "--config", str(cfg), "--stale-days", "0", cwd=tmp_path))
    assert "--stale-days 0: must be more than 0" in msg
    assert herald.hits["/feeds/all.xml"] == 0


def test_check_as_a_command(herald, tmp_path):  # noqa: F811
    """The console script itself, in its own process: both spellings of the options."""
    cfg = config(tmp_path, [{"name": "All", "url": herald.url("/feeds/all.xml")},
                            {"name": "Walled", "url": herald.url("/feeds/walled.xml")}])
    for args in (["feeds", "check", "--config", str(cfg)], ["feeds", "--config", str(cfg), "check"]):
        proc = run_newsmon(*args, cwd=tmp_path)
        assert proc.returncode == 0, proc.stderr  # exit 0: the verdicts say what is broken
        rows = [json.loads(line) for line in proc.stdout.splitlines()]
        assert [(r["name"], r["verdict"]) for r in rows] == [("All", "ok"), ("Walled", "blocked: bot challenge")]


def test_feeds_without_a_verb_is_the_health_list(herald, tmp_path, capsys):  # noqa: F811
    cfg = config(tmp_path, [{"name": "All", "url": herald.url("/feeds/all.xml")}])
    # The database is the health list's source: it needs one (check does not).
    cfg.write_text(cfg.read_text().replace("never-created.db", "health.db"))
    rows = check_rows(capsys, "feeds", "--config", str(cfg))
    assert rows == [{"name": "All", "url": herald.url("/feeds/all.xml"), "enabled": True, "last_status": None,
                     "last_error": None, "consecutive_failures": 0, "last_polled_at": None, "next_poll_at": None,
                     "failing_event_at": None}]
    assert check_rows(capsys, "feeds", "--config", str(cfg), "--format", "jsonl") == rows
    capsys.readouterr()
    assert main(["feeds", "--format", "table", "--config", str(cfg)]) == 0
    assert capsys.readouterr().out == "All\t-\t0\t\n"
    assert herald.hits["/feeds/all.xml"] == 0  # the health list fetches nothing
    # Default config: newsmon.toml in the working directory.
    proc = run_newsmon("feeds", cwd=tmp_path)
    assert proc.returncode == 0 and json.loads(proc.stdout)["name"] == "All"
    proc = run_newsmon("feeds", "check", cwd=tmp_path)
    assert proc.returncode == 0 and json.loads(proc.stdout)["verdict"] == "ok"


def test_check_output_keeps_names_exactly(herald, tmp_path, capsys):  # noqa: F811
    cfg = config(tmp_path, [{"name": "Korean \"quoted\" 이름", "url": herald.url("/feeds/all.xml")}])
    rows = check_rows(capsys, "feeds", "check", "--config", str(cfg))
    assert rows[0]["name"] == 'Korean "quoted" 이름'
    # The config written by the helper is TOML: the name round-trips through it too.
    assert tomllib.loads(cfg.read_text())["feeds"][0]["name"] == rows[0]["name"]
