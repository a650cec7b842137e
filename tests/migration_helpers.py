"""Helpers of the migration tests: load the 0.1.0 database fixture into a test database,
and describe a schema as plain data so that two databases can be compared."""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import psycopg
from sqlalchemy import create_engine, inspect
from sqlalchemy.engine import make_url

from tests.db_fixtures import PG_ADMIN_URL, _conninfo

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "v0_1_0"
EXPECTED = json.loads((FIXTURE / "expected.json").read_text(encoding="utf-8"))


def pg_schema(url: str) -> str:
    """The schema a test URL's ``search_path`` option points at."""
    options = unquote(make_url(url).query.get("options", ""))
    m = re.search(r"search_path=(\w+)", options)
    assert m, url
    return m.group(1)


def load_0_1_0(db_url: str) -> dict[str, Any]:
    """Put the database newsmon 0.1.0 wrote into ``db_url``; returns the expected facts."""
    if db_url.startswith("sqlite"):
        path = Path(make_url(db_url).database)
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(FIXTURE / "newsmon-0.1.0.db", path)
        return EXPECTED["sqlite"]
    schema = pg_schema(db_url)
    dump = (FIXTURE / "newsmon-0.1.0.pg.sql").read_text(encoding="utf-8")
    dump = dump.replace("CREATE SCHEMA __SCHEMA__;", "").replace("__SCHEMA__", schema)
    with psycopg.connect(_conninfo(PG_ADMIN_URL), autocommit=True) as conn:
        conn.execute(dump)
    return EXPECTED["postgresql"]


def schema_snapshot(url: str, *, exclude: tuple[str, ...] = ("newsmon_schema_version",),
                    pragmas: bool = False) -> dict[str, Any]:
    """Tables, columns (type, nullability, default), primary keys, indexes, unique
    constraints and foreign keys of a database, as sorted plain data. ``pragmas``: SQLite
    file settings reflection does not see (auto_vacuum: retention needs INCREMENTAL)."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            insp = inspect(conn)
            out: dict[str, Any] = {}
            if pragmas and conn.dialect.name == "sqlite":
                out["_pragmas"] = {"auto_vacuum": conn.exec_driver_sql("PRAGMA auto_vacuum").scalar_one()}
            for t in sorted(insp.get_table_names()):
                if t in exclude:
                    continue
                out[t] = {
                    "columns": [(c["name"], str(c["type"]), c["nullable"], _default(c.get("default")))
                                for c in insp.get_columns(t)],
                    "pk": sorted(insp.get_pk_constraint(t)["constrained_columns"]),
                    "indexes": sorted((i["name"], tuple(i["column_names"]), bool(i["unique"]))
                                      for i in insp.get_indexes(t)),
                    "unique": sorted(tuple(u["column_names"]) for u in insp.get_unique_constraints(t)),
                    "fks": sorted((tuple(f["constrained_columns"]), f["referred_table"],
                                   tuple(f["referred_columns"]), (f.get("options") or {}).get("ondelete"))
                                  for f in insp.get_foreign_keys(t)),
                }
            return out
    finally:
        engine.dispose()


def _default(d: Any) -> Any:
    if d is None:
        return None
    s = str(d)
    # PostgreSQL spells serial defaults with the sequence name; keep only that it has one.
    return "nextval" if s.startswith("nextval(") else s.strip("'\"").split("::")[0].strip("'")


def table_counts(url: str, tables: list[str]) -> dict[str, int]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return {t: conn.exec_driver_sql(f"SELECT count(*) FROM {t}").scalar_one() for t in tables}
    finally:
        engine.dispose()
