"""OPML: ``newsmon feeds import FILE.opml`` and ``newsmon feeds export``, hostile files included.

An OPML file is XML from a stranger: entity declarations (billion laughs, quadratic blowup),
external entities and DTDs (XXE; pointed at a loopback server that must never be asked),
deep nesting, oversize files, binary junk and things that are not OPML all end in one line
on stderr and exit 2. Export writes OPML 2.0 that imports back to the same feeds.
"""
from __future__ import annotations

import tomllib
from pathlib import Path

import defusedxml.ElementTree as SafeET
import pytest

from newsmon.cli import main
from newsmon.feed_blocks import FeedBlock, feeds_toml, toml_string
from newsmon.settings import load_settings, parse_settings
from scrapers.opml import NEWSMON_NS, parse_opml
from tests.cli_helpers import REPO, WATCHLIST, error_line, run_newsmon, write_config
from tests.hostile.server import HostileServer, respond

FIXTURES = Path(__file__).parent / "fixtures"
SUBSCRIPTIONS = FIXTURES / "opml" / "subscriptions.opml"
HOSTILE = FIXTURES / "hostile" / "opml"


def run(capsys, *args: str) -> tuple[int, str, list[str]]:
    capsys.readouterr()
    rc = main(list(args))
    out, err = capsys.readouterr()
    return rc, out, err.splitlines()


def feeds_of(toml: str) -> list[dict]:
    data = tomllib.loads(toml)
    parse_settings({"watchlist": {"path": str(WATCHLIST)}, **data})  # valid config entries
    return data.get("feeds", [])


# -- import -----------------------------------------------------------------------------------

def test_import_flattens_dedups_and_reports(capsys):
    rc, out, err = run(capsys, "feeds", "import", str(SUBSCRIPTIONS))
    assert rc == 0
    assert feeds_of(out) == [
        {"name": "Yonhap - All (EN)", "url": "https://en.yna.co.kr/RSS/news.xml"},
        {"name": "BusinessKorea", "url": "https://www.businesskorea.co.kr/rss/allArticle.xml"},
        {"name": "연합뉴스 - 전체", "url": "https://www.yna.co.kr/rss/news.xml"},       # lower-case xmlurl
        {"name": 'Tech & "Chips" <daily>', "url": "http://news.example/tech.xml"},    # feed:// read as http
        {"name": "BusinessKorea (2)", "url": "https://www.businesskorea.co.kr/rss/S1N2.xml"},
        {"name": "Paused", "url": "https://news.example/paused.xml", "enabled": False},  # isComment
        {"name": "untitled.example", "url": "https://untitled.example/rss"},          # no title: the host
    ]
    # Folders flattened, kept as comments.
    assert "# category: Korea / Business\n[[feeds]]\nname = \"BusinessKorea\"" in out
    # One line per skipped outline, naming it and why; then the counts.
    skipped = [line for line in err if line.startswith("newsmon: skipped: ")]
    assert len(skipped) == 5 and all(str(SUBSCRIPTIONS) in line for line in skipped)
    assert any("'Broken: javascript'" in s and "not an http(s) URL" in s for s in skipped)
    assert any("'Broken: ftp'" in s and "not an http(s) URL" in s for s in skipped)
    assert any("'Broken: spaces'" in s and "contains spaces" in s for s in skipped)
    assert any("'Broken: no host'" in s and "has no host" in s for s in skipped)
    assert any("'More subscriptions'" in s and "not followed" in s for s in skipped)
    assert err[-1] == f"newsmon: {SUBSCRIPTIONS}: 7 feed(s), 1 duplicate(s) removed, 5 skipped"


def test_import_with_a_config_skips_known_feeds_and_taken_names(tmp_path, capsys):
    cfg = write_config(tmp_path / "newsmon.toml", {"watchlist": {"path": str(WATCHLIST)}, "feeds": [
        {"name": "BusinessKorea", "url": "https://news.example/bk-elsewhere.xml"},
        {"name": "Yonhap", "url": "https://en.yna.co.kr/RSS/news.xml"}]})
    rc, out, err = run(capsys, "feeds", "import", str(SUBSCRIPTIONS), "--config", str(cfg))
    names = [f["name"] for f in feeds_of(out)]
    assert "Yonhap - All (EN)" not in names
    assert names[:2] == ["BusinessKorea (2)", "연합뉴스 - 전체"] and "BusinessKorea (3)" in names
    assert err[-1].endswith("5 skipped, 1 already configured")


@pytest.fixture
def trap():
    """A loopback server standing in for an attacker's host: any hit is a failure."""
    with HostileServer() as s:
        s.routes["/evil.dtd"] = respond(200, b'<!ENTITY leak "x">', {"Content-Type": "application/xml-dtd"})
        s.routes["/entity.txt"] = respond(200, b"secret", {"Content-Type": "text/plain"})
        yield s


@pytest.mark.parametrize("name, phrase", [
    ("billion-laughs.opml", "declares XML entities (<!ENTITY>); refused to prevent entity expansion"),
    ("quadratic.opml", "declares XML entities"),
    ("xxe-file.opml", "declares XML entities"),
    ("xxe-url.opml", "declares XML entities"),
    ("parameter-entity.opml", "declares XML entities"),
    ("external-dtd.opml", "refers to an external DTD or entity; refused (nothing was fetched)"),
    ("deep-nesting.opml", "outlines nested deeper than 32 levels; refused"),
    ("malformed.opml", "not well-formed XML (mismatched tag: line 4, column 2)"),
    ("binary.opml", "not well-formed XML"),
    ("not-opml.xml", "not an OPML file (root element <rss>, expected <opml>)"),
])
def test_hostile_opml_is_refused_in_one_line(name, phrase, trap, tmp_path):
    path = tmp_path / name
    path.write_bytes((HOSTILE / name).read_bytes().replace(b"{base}", trap.url("").encode()))
    msg = error_line(run_newsmon("feeds", "import", str(path), cwd=tmp_path))
    assert msg.startswith(f"{path}: ") and phrase in msg, msg
    assert trap.hits == {}  # no external DTD or entity was ever fetched


def test_size_and_depth_caps_are_settings(tmp_path, capsys):
    deep = "".join(['<outline text="f">'] * 20) + '<outline type="rss" text="d" xmlUrl="https://n.example/d"/>' \
        + "</outline>" * 20
    path = tmp_path / "deep20.opml"
    path.write_text(f'<?xml version="1.0"?><opml version="2.0"><head/><body>{deep}</body></opml>')
    rc, out, _ = run(capsys, "feeds", "import", str(path))
    assert rc == 0 and feeds_of(out)[0]["url"] == "https://n.example/d"
    assert "# category: " + " / ".join(["f"] * 20) in out
    cfg = write_config(tmp_path / "c.toml", {"watchlist": {"path": str(WATCHLIST)},
                                             "feed_tools": {"opml_max_depth": 10, "opml_max_bytes": 1024}})
    msg = error_line(run_newsmon("feeds", "import", str(path), "--config", str(cfg), cwd=tmp_path))
    assert "nested deeper than 10 levels" in msg
    msg = error_line(run_newsmon("feeds", "import", str(SUBSCRIPTIONS), "--config", str(cfg), cwd=tmp_path))
    assert "more than the cap of 1024 ([feed_tools] opml_max_bytes); refused" in msg
    msg = error_line(run_newsmon("feeds", "import", str(tmp_path / "missing.opml"), cwd=tmp_path))
    assert msg.startswith(f"{tmp_path / 'missing.opml'}: cannot read (No such file or directory)")


def test_deep_nesting_never_recurses():
    """Even with the cap raised as far as it goes, the walk is flat: 1,500 levels are refused
    by the cap, and 900 levels (more than Python's recursion limit allows) are read."""
    from newsmon.errors import InputError
    with pytest.raises(InputError, match="nested deeper than 1000 levels"):
        parse_opml((HOSTILE / "deep-nesting.opml").read_bytes(), max_depth=1000)
    deep = b'<outline text="f">' * 990 + b'<outline type="rss" text="d" xmlUrl="https://n.example/d"/>' + \
        b"</outline>" * 990
    got = parse_opml(b'<opml version="2.0"><body>' + deep + b"</body></opml>", max_depth=1000)
    assert [f.url for f in got.feeds] == ["https://n.example/d"] and len(got.feeds[0].category) == 990


# -- names and URLs from strangers, written as TOML --------------------------------------------

HOSTILE_NAMES = [
    'quote " and backslash \\ and ]] and [[feeds]]',
    "new\nline = \"injected\"\n[[feeds]]",
    "tab\tand \x01 control \x7f and \u2028 separator",
    "한국경제 · 日本語 · emoji 📰",
    "# not a comment",
    "'single' and '''triple'''",
]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_toml_strings_round_trip_exactly(name):
    assert tomllib.loads(f"v = {toml_string(name)}")["v"] == name
    block = feeds_toml([FeedBlock(name, "https://n.example/?a=1&b=\"2\"", comments=[name], hints=[name])])
    assert tomllib.loads(block)["feeds"] == [{"name": name, "url": 'https://n.example/?a=1&b="2"'}]


# -- export, and back -------------------------------------------------------------------------

def hostile_config(tmp_path: Path) -> Path:
    path = tmp_path / "hostile.toml"
    feeds = "".join(f"[[feeds]]\nname = {toml_string(n)}\nurl = \"https://n.example/{i}?x=1&y=<2>\"\n\n"
                    for i, n in enumerate(HOSTILE_NAMES))
    feeds += ('[[feeds]]\nname = "<script>alert(1)</script> & ]]>"\nurl = "https://n.example/s"\n'
              'enabled = false\ntimezone = "Asia/Seoul"\nlanguage = "ko"\nsitemap = "https://n.example/sitemap.xml"\n')
    path.write_text(f'[watchlist]\npath = {toml_string(str(WATCHLIST))}\n\n{feeds}', encoding="utf-8")
    return path


def test_export_writes_opml_2(tmp_path, capsys):
    cfg = hostile_config(tmp_path)
    settings = load_settings(cfg)
    rc, out, err = run(capsys, "feeds", "export", "--config", str(cfg), "--format", "opml")
    assert rc == 0 and err == []
    assert out.startswith(f'<?xml version="1.0" encoding="UTF-8"?>\n<opml xmlns:newsmon="{NEWSMON_NS}" '
                          'version="2.0">')
    root = SafeET.fromstring(out.encode())
    assert root.tag == "opml" and root.get("version") == "2.0"
    assert root.find("head/title").text == "newsmon feeds (hostile.toml)"
    assert root.find("head/dateCreated").text.endswith(" GMT")
    outlines = root.findall("body/outline")
    assert len(outlines) == len(settings.feeds)
    for el, f in zip(outlines, settings.feeds):
        assert el.get("type") == "rss" and el.get("xmlUrl") == f.url
        # Characters XML 1.0 cannot carry (here \x01 and \x7f is fine) become U+FFFD; the rest is exact.
        assert el.get("text") == el.get("title") == f.name.replace("\x01", "\ufffd")
    last = outlines[-1]
    assert last.get("isComment") == "true" and last.get("language") == "ko"
    assert last.get(f"{{{NEWSMON_NS}}}timezone") == "Asia/Seoul"
    assert last.get(f"{{{NEWSMON_NS}}}sitemap") == "https://n.example/sitemap.xml"
    assert "<script>" not in out and "&lt;script&gt;" in out
    # --output FILE writes the same document.
    rc, out2, _ = run(capsys, "feeds", "export", "--config", str(cfg), "-o", str(tmp_path / "out.opml"))
    assert rc == 0 and out2 == ""
    assert SafeET.fromstring((tmp_path / "out.opml").read_bytes()).findall("body/outline")[0].get("xmlUrl") \
        == settings.feeds[0].url


@pytest.mark.parametrize("which", ["example", "hostile"])
def test_export_then_import_gives_the_same_feeds(which, tmp_path, capsys):
    cfg = REPO / "newsmon.toml" if which == "example" else hostile_config(tmp_path)
    settings = load_settings(cfg)
    rc, _, _ = run(capsys, "feeds", "export", "--config", str(cfg), "--output", str(tmp_path / "feeds.opml"))
    assert rc == 0
    rc, out, err = run(capsys, "feeds", "import", str(tmp_path / "feeds.opml"))
    assert rc == 0 and not [line for line in err if "skipped:" in line]
    back = parse_settings({"watchlist": {"path": str(WATCHLIST)}, **tomllib.loads(out)})

    def norm(name: str) -> str:  # XML 1.0 cannot carry C0 controls; attributes fold whitespace
        return " ".join(name.replace("\x01", "\ufffd").split())

    assert [(norm(f.name), f.url, f.enabled, f.timezone, f.language, f.sitemap) for f in settings.feeds] == \
        [(f.name, f.url, f.enabled, f.timezone, f.language, f.sitemap) for f in back.feeds]
