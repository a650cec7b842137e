"""A database that cannot be used gives one readable StorageError naming the URL and the fix."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from models.db import make_engine, mask
from models.migrate import ensure_current
from models.records import ArticleRecord
from models.store import Store
from newsmon.errors import StorageError
from newsmon.settings import parse_settings
from tests.db_fixtures import PG_ADMIN_URL, db_url, require_pg, store  # noqa: F401


def one_line(e: pytest.ExceptionInfo[StorageError]) -> str:
    msg = str(e.value)
    assert "\n" not in msg and msg
    return msg


def test_unreachable_postgresql() -> None:
    # Port 1 on loopback: nothing listens there, the connection is refused at once.
    s = Store("postgresql+psycopg://postgres:s3cret@127.0.0.1:1/test")
    with pytest.raises(StorageError) as e:
        s.check()
    msg = one_line(e)
    assert "127.0.0.1:1" in msg and "s3cret" not in msg and "***" in msg
    assert "is PostgreSQL running" in msg
    with pytest.raises(StorageError):  # every call, not only check()
        s.known_urls(["https://a.example/"])


def test_missing_postgresql_database() -> None:
    require_pg()
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + "/newsmon_no_such_database"
    with pytest.raises(StorageError) as e:
        Store(url).check()
    msg = one_line(e)
    assert "newsmon_no_such_database" in msg and "does not exist" in msg and "createdb" in msg


def test_sqlite_path_under_a_file(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    with pytest.raises(StorageError) as e:
        Store(f"sqlite:///{blocker}/sub/newsmon.db")
    msg = one_line(e)
    assert str(blocker) in msg and "writable path" in msg


def test_sqlite_path_is_a_directory(tmp_path: Path) -> None:
    (tmp_path / "db").mkdir()
    with pytest.raises(StorageError) as e:
        Store(f"sqlite:///{tmp_path / 'db'}").check()
    assert "unable to open" in one_line(e)


def test_bad_urls() -> None:
    for url, needle in [("not a url", "not a database URL"), ("mysql://u@h/db", "unsupported database"),
                        ("postgresql+psycopg2://u@h/db", "psycopg 3")]:
        with pytest.raises(StorageError, match=needle):
            Store(url)
    assert mask("postgresql+psycopg://u:pw@h/db") == "postgresql+psycopg://u:***@h/db"
    # postgres:// and postgresql:// mean psycopg 3 (psycopg2 is not installed).
    assert make_engine("postgres://u@127.0.0.1/db").dialect.driver == "psycopg"


def test_locked_sqlite_gives_storage_error_and_loses_nothing(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'n.db'}"
    s = Store(url, sqlite_busy_timeout_s=0.2)
    s.check()
    holder = sqlite3.connect(tmp_path / "n.db", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process holding the write lock
    rec = ArticleRecord(url="https://a.example/1", feed="f", title="t", text="x")
    try:
        with pytest.raises(StorageError) as e:
            s.save_article(rec, [])
        msg = one_line(e)
        assert "locked" in msg and "sqlite_busy_timeout_s" in msg and str(tmp_path) in msg
        # Readers are not blocked by a writer (WAL).
        assert s.known_urls([rec.url]) == set()
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert s.save_article(rec, []) == (1, True)  # the same call works once the lock is gone
    s.close()


def test_schema_check_is_idempotent(store: Store) -> None:
    store.save_article(ArticleRecord(url="https://a.example/1", feed="f", title="t", text="x"), [])
    assert ensure_current(store.url, store.engine).state == "current"
    store.check()
    assert store.known_urls(["https://a.example/1"]) == {"https://a.example/1"}


def test_from_settings_resolves_relative_sqlite_path(tmp_path: Path) -> None:
    settings = parse_settings({"database": {"url": "sqlite:///data/x.db", "sqlite_busy_timeout_s": 5}},
                              base_dir=tmp_path)
    s = Store.from_settings(settings)
    s.check()
    s.close()
    assert (tmp_path / "data" / "x.db").exists() and s.sqlite_busy_timeout_s == 5
