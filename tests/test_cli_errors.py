"""Bad config, unreadable watchlist, database down or locked: the real ``newsmon`` command
exits 2 with ONE line on stderr that names the file (and line), key or URL and the fix,
and leaves nothing half-written (no database file for a bad config, no rows).

Each case runs the console script of this venv in a subprocess, as a user would.
"""
from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import get_args

import pytest

from models.store import Store
from newsmon.settings import Settings
from tests.cli_helpers import WATCHLIST, error_line, run_newsmon, write_config
from tests.db_fixtures import sqlite_url

HEAD = f'''[database]
url = "sqlite:///db/newsmon.db"
sqlite_busy_timeout_s = 0.3

[watchlist]
path = {str(WATCHLIST)!r}
'''
FEED = '''
[[feeds]]
name = "Herald"
url = "http://127.0.0.1:9/feed.xml"
'''
MARK = "# <-"  # marks the line the error must point at

CONFIG_CASES = {
    "toml-syntax": (HEAD + "\n[fetch  # <-\nretries = 1\n", ["invalid TOML", "fix the syntax"]),
    "unknown-key": (HEAD + '\n[fetch]\nretries = 1\nallow_network = ["127.0.0.1/32"]  # <-\n',
                    ["key fetch.allow_network", "unknown key", "did you mean 'allow_networks'"]),
    "wrong-type": (HEAD + '\n[fetch]\ndeadline_s = "soon"  # <-\n',
                   ["key fetch.deadline_s", "valid number", "'soon'"]),
    "bad-cidr": (HEAD + '\n[fetch]\nallow_networks = ["127.0.0.0/8", "10.0.0.300/8"]  # <-\n',
                 ["key fetch.allow_networks", "'10.0.0.300/8' is not a CIDR network", "e.g. '10.0.0.0/8'"]),
    "bad-timezone": (HEAD + FEED + 'timezone = "Asia/Seol"  # <-\n',
                     ["key feeds[0].timezone", "'Asia/Seol' is not an IANA time zone", "'Asia/Seoul'"]),
    "duplicate-feed-names": (HEAD + FEED + FEED.replace('name = "Herald"', 'name = "Herald"  # <-'),
                             ["key feeds[1].name", "'Herald' is already used by feeds[0]", "unique name"]),
    "feed-url-not-http": (HEAD + FEED.replace('url = "http://127.0.0.1:9/feed.xml"',
                                              'url = "file:///etc/passwd"  # <-'),
                          ["key feeds[0].url", "'file:///etc/passwd'", "must be an http:// or https:// URL"]),
}


def marked_line(text: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if MARK in line)


def no_database_written(tmp_path: Path) -> None:
    assert not (tmp_path / "db").exists(), "a bad config must not create the database"


@pytest.mark.parametrize("case", list(CONFIG_CASES))
def test_bad_config_one_line_with_file_line_key_and_fix(case: str, tmp_path: Path) -> None:
    text, needles = CONFIG_CASES[case]
    (tmp_path / "newsmon.toml").write_text(text)
    msg = error_line(run_newsmon("run", "--no-prefect", "--config", "newsmon.toml", cwd=tmp_path))
    assert msg.startswith(f"newsmon.toml:{marked_line(text)}: "), msg
    for n in needles:
        assert n in msg, (n, msg)
    no_database_written(tmp_path)


def test_missing_config_file(tmp_path: Path) -> None:
    msg = error_line(run_newsmon("run", "--no-prefect", "--config", "nowhere.toml", cwd=tmp_path))
    assert msg.startswith("nowhere.toml: cannot read config (No such file or directory)")
    assert "copy the example newsmon.toml to nowhere.toml" in msg


@pytest.mark.parametrize("command", ["export", "feeds"])
def test_other_commands_with_bad_config(command: str, tmp_path: Path) -> None:
    text, needles = CONFIG_CASES["unknown-key"]
    (tmp_path / "newsmon.toml").write_text(text)
    msg = error_line(run_newsmon(command, "--config", "newsmon.toml", cwd=tmp_path))
    assert msg.startswith(f"newsmon.toml:{marked_line(text)}: ") and all(n in msg for n in needles)
    no_database_written(tmp_path)


# -- watchlist ------------------------------------------------------------------------------

WATCHLIST_CASES = {
    "missing": (None, r"^{wl}: cannot read watchlist \(No such file or directory\); fix \[watchlist\] path"),
    "bad-toml": ('[[entities]]\nid = "a"\nname = "A"\naliases = ["Alpha"\n',
                 r"^{wl}:4: invalid TOML: "),
    # The second entity with id "a" starts at line 6 (its id is on line 7).
    "duplicate-ids": ('[[entities]]\nid = "a"\nname = "A"\naliases = ["Alpha"]\n\n'
                      '[[entities]]\nid = "a"\nname = "B"\naliases = ["Beta"]\n',
                      r"^{wl}:[67]: duplicate id \"a\" \(first used at line [12]\); ids must be unique$"),
}


@pytest.mark.parametrize("case", list(WATCHLIST_CASES))
def test_bad_watchlist(case: str, tmp_path: Path) -> None:
    content, pattern = WATCHLIST_CASES[case]
    wl = tmp_path / "lists" / "watch.toml"
    if content is not None:
        wl.parent.mkdir()
        wl.write_text(content)
    (tmp_path / "newsmon.toml").write_text(HEAD.replace(repr(str(WATCHLIST)), '"lists/watch.toml"') + FEED)
    msg = error_line(run_newsmon("run", "--no-prefect", "--config", "newsmon.toml", cwd=tmp_path))
    # The path is resolved against the config file's directory and shown in full.
    assert re.search(pattern.format(wl=re.escape(str(wl))), msg), msg
    no_database_written(tmp_path)


# -- database -------------------------------------------------------------------------------

def config_with_db(tmp_path: Path, url: str, **database: object) -> Path:
    return write_config(tmp_path / "newsmon.toml", {
        "database": {"url": url, **database},
        "watchlist": {"path": str(WATCHLIST)},
        "feeds": [{"name": "Herald", "url": "http://127.0.0.1:9/feed.xml"}],
    })


PG_DOWN = "postgresql+psycopg://postgres@127.0.0.1:1/test"


def test_postgresql_unreachable(tmp_path: Path) -> None:
    config_with_db(tmp_path, PG_DOWN)
    msg = error_line(run_newsmon("run", "--no-prefect", "--config", "newsmon.toml", cwd=tmp_path))
    assert msg.startswith(f"database {PG_DOWN}: ") and "Connection refused" in msg
    assert "is PostgreSQL running and reachable at that host/port? check [database] url" in msg


def test_postgresql_unreachable_through_prefect_fails_before_prefect_starts(tmp_path: Path) -> None:
    """Without --no-prefect: the same line, and Prefect never ran (its home stays empty)."""
    config_with_db(tmp_path, PG_DOWN)
    msg = error_line(run_newsmon("run", "--config", "newsmon.toml", cwd=tmp_path))
    assert msg.startswith(f"database {PG_DOWN}: ") and "is PostgreSQL running" in msg
    home = tmp_path / "prefect-home"  # PREFECT_HOME of the subprocess (tests/cli_helpers.py)
    assert not home.exists() or not [p for p in home.rglob("*") if p.is_file()], \
        "Prefect wrote state: the error came after Prefect started"


def test_sqlite_path_unwritable(tmp_path: Path) -> None:
    # A file where the database directory should be: no user (not even root) can create it.
    (tmp_path / "data").write_text("not a directory")
    config_with_db(tmp_path, "sqlite:///data/newsmon.db")
    msg = error_line(run_newsmon("run", "--no-prefect", "--config", "newsmon.toml", cwd=tmp_path))
    assert msg.startswith(f"sqlite:///{tmp_path}/data/newsmon.db: cannot create the directory {tmp_path}/data")
    assert f"{tmp_path}/data is a file, not a directory" in msg and "point [database] url at a writable path" in msg
    assert (tmp_path / "data").read_text() == "not a directory"


LOCKER = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
sys.stdin.read()          # hold the lock until the test closes our stdin
conn.execute("ROLLBACK")
"""


def test_sqlite_locked_by_another_process(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path)
    with Store(url) as store:
        store.check()  # an existing database (WAL, tables), as after earlier cycles
    config_with_db(tmp_path, url, sqlite_busy_timeout_s=0.3)
    locker = subprocess.Popen([sys.executable, "-c", LOCKER, str(tmp_path / "newsmon.db")],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert locker.stdout is not None and locker.stdout.readline().strip() == "locked"
        proc = run_newsmon("run", "--no-prefect", "--config", "newsmon.toml", cwd=tmp_path)
    finally:
        assert locker.stdin is not None
        locker.stdin.close()
        locker.wait(30)
    msg = error_line(proc)
    assert msg.startswith(f"database {url}: database is locked; another process held the write lock for "
                          "more than 0.3s"), msg
    assert "raise [database] sqlite_busy_timeout_s" in msg
    with Store(url) as store:  # nothing half-written: not even the configured feed was recorded
        assert store.feed_states() == {} and list(store.export_rows()) == []


# -- docs/limits.md: every limit with its real default ------------------------------------------

LIMITS_DOC = Path(__file__).resolve().parent.parent / "docs" / "limits.md"
ROW = re.compile(r"^\| `(\w+)\.(\w+)` \| (?:`([^`]*)`|unset)[^|]*\| (.+) \|$")


def documented_limits() -> dict[tuple[str, str], object]:
    rows = {}
    for line in LIMITS_DOC.read_text(encoding="utf-8").splitlines():
        if m := ROW.match(line):
            section, key, value, why = m.groups()
            assert len(why.strip()) > 10, f"{section}.{key}: say why"
            rows[(section, key)] = None if value is None else tomllib.loads(f"v = {value}")["v"]
    return rows


def test_limits_doc_lists_every_limit_with_its_default() -> None:
    documented = documented_limits()
    for (section, key), value in documented.items():
        field = Settings.model_fields[section].annotation.model_fields[key]
        default = list(field.default) if isinstance(field.default, tuple) else field.default
        assert value == default, f"docs/limits.md says {section}.{key} = {value!r}, the code {default!r}"
    # Completeness for the sections of the hostile-web limits (sizes, deadlines, redirects,
    # retries, concurrency, back-off): every number or switch there must be documented.
    for section in ("database", "fetch", "poll"):
        model = Settings.model_fields[section].annotation
        for key, field in model.model_fields.items():
            if key == "allow_networks" or not {int, float, bool} & {field.annotation, *get_args(field.annotation)}:
                continue
            assert (section, key) in documented, f"docs/limits.md: add a row for {section}.{key}"
    assert ("fetch", "allow_networks") in documented


@pytest.mark.parametrize("text,line,key", [
    ('fetch.max_bytes = "big"\n', 1, "fetch.max_bytes"),                       # dotted key
    ('[fetch]\nretries = 1\n\n[poll]\nbackoff_cap_s = -\n', 5, None),          # syntax error line
    ('[[feeds]]\nname = "A"\nurl = "http://a/"\n[[feeds]]\nname = "B"\nurl = "gopher://b/"\n', 6, "feeds[1].url"),
    ('feeds = [{name = "A", url = "ftp://a/"}]\n', 1, "feeds[0].url"),          # inline: the array's line
    ("[fetch]\n'max_redirects' = \"many\"\n", 2, "fetch.max_redirects"),     # quoted key
    ("[poll]\nextract_workers = 2\n[fetch]\n# c\nretries = 1\nhttp3 = true\n", 6, "fetch.http3"),
    ('[schedule]\ntimezone = "KST+9"\n', 2, "schedule.timezone"),
    ('[fetch]\nretries = 1\n\n[[feeds]]\nurl = "http://a/"\n', 4, "feeds[0].name"),  # missing key: its table
    ('[[alerts]]\nname = "a"\nwebhook = "http://h/"\n[[alerts]]\nname = "a"\nwebhook = "http://h/"\n',
     5, "alerts[1].name"),
])
def test_error_lines_point_at_the_key(tmp_path: Path, text: str, line: int, key: str | None) -> None:
    from newsmon.errors import ConfigError
    from newsmon.settings import load_settings

    (tmp_path / "c.toml").write_text(text)
    with pytest.raises(ConfigError) as e:
        load_settings(tmp_path / "c.toml")
    msg = str(e.value)
    assert "\n" not in msg
    assert msg.startswith(f"{tmp_path / 'c.toml'}:{line}: "), msg
    if key is not None:
        assert f"key {key}: " in msg, msg


def test_config_not_utf8(tmp_path: Path) -> None:
    from newsmon.errors import ConfigError
    from newsmon.settings import load_settings

    (tmp_path / "c.toml").write_bytes(b'[[feeds]]\nurl = "http://a/"\nname = "\xc7\xd1\xb1\xb9"\n')  # EUC-KR
    with pytest.raises(ConfigError, match=r"c\.toml:3: not UTF-8 text .*; save the file as UTF-8$"):
        load_settings(tmp_path / "c.toml")


def test_unknown_key_without_a_close_match_lists_the_valid_keys(tmp_path: Path) -> None:
    from newsmon.errors import ConfigError
    from newsmon.settings import load_settings

    (tmp_path / "c.toml").write_text("[poll]\nzzz = 1\n")
    with pytest.raises(ConfigError, match=r"c\.toml:2: key poll\.zzz: unknown key; the keys of poll are: "
                                          r"max_entries_per_feed, .*backoff_cap_s"):
        load_settings(tmp_path / "c.toml")
