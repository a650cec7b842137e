"""Database fixtures: every storage test runs on SQLite and on PostgreSQL.

``db_url`` is parametrized: ``sqlite`` gives a file in the test's tmp dir, ``postgresql``
a fresh schema in the ``test`` database of the server on 127.0.0.1:5432 (the URL sets
``search_path`` to it, so tests never see each other's tables and child processes that
get the URL land in the same schema). The schema is dropped afterwards.

If PostgreSQL is not reachable the ``postgresql`` case FAILS with the reason, unless
``NEWSMON_SKIP_PG=1`` is set (then it is skipped). ``NEWSMON_TEST_PG_URL`` points the
tests at another server/database.

Use from a test module or conftest:  ``from tests.db_fixtures import db_url, store``
"""
from __future__ import annotations

import os
import secrets
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from psycopg import sql
from sqlalchemy.engine import make_url

from models.store import Store

PG_ADMIN_URL = os.environ.get("NEWSMON_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
SCHEMA_PREFIX = "newsmon_test_"


def _conninfo(url: str) -> str:
    u = make_url(url)
    parts = {"host": u.host or "127.0.0.1", "port": str(u.port or 5432), "user": u.username or "postgres",
             "dbname": u.database or "postgres", "connect_timeout": "5"}
    if u.password:
        parts["password"] = u.password
    return " ".join(f"{k}={v}" for k, v in parts.items())


def require_pg() -> None:
    """Fail (or skip with NEWSMON_SKIP_PG=1) when the test PostgreSQL cannot be reached."""
    try:
        psycopg.connect(_conninfo(PG_ADMIN_URL), autocommit=True).close()
        return
    except psycopg.Error as e:
        reason = " ".join(str(e).split()) or type(e).__name__
    msg = (f"PostgreSQL for the storage tests is not reachable at "
           f"{make_url(PG_ADMIN_URL).render_as_string(hide_password=True)} ({reason}). "
           "Start it (trust auth for user postgres, database 'test'), point NEWSMON_TEST_PG_URL "
           "at another one, or set NEWSMON_SKIP_PG=1 to skip the PostgreSQL cases.")
    if os.environ.get("NEWSMON_SKIP_PG") == "1":
        pytest.skip(msg)
    pytest.fail(msg, pytrace=False)


@contextmanager
def fresh_pg_url() -> Iterator[str]:
    """A SQLAlchemy URL whose connections use a new, empty schema; dropped on exit."""
    require_pg()
    schema = SCHEMA_PREFIX + secrets.token_hex(6)
    with psycopg.connect(_conninfo(PG_ADMIN_URL), autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
    url = make_url(PG_ADMIN_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        try:
            with psycopg.connect(_conninfo(PG_ADMIN_URL), autocommit=True) as admin:
                # Don't hang the suite if a test leaked a connection in a transaction.
                admin.execute("SET lock_timeout = '10s'")
                admin.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(schema)))
        except psycopg.Error as e:
            warnings.warn(f"could not drop test schema {schema}: {e}", stacklevel=1)


def sqlite_url(directory: Path) -> str:
    return f"sqlite:///{directory / 'newsmon.db'}"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL of an empty database: SQLite file or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        yield sqlite_url(tmp_path)
    else:
        with fresh_pg_url() as url:
            yield url


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    """An initialised Store on ``db_url`` (closed afterwards)."""
    s = Store(db_url)
    s.check()
    try:
        yield s
    finally:
        s.close()
