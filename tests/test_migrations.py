"""Schema migrations (``models.migrate``, ``newsmon db``), on SQLite and PostgreSQL.

The 0.1.0 fixture (tests/fixtures/v0_1_0, made by the 0.1.0 code with make_fixture.py) is
a real archive: two poll cycles of the sample site, a syndicated copy in one story, review
decisions with notes by two reviewers, their audit events and sent alert claims.
"""
from __future__ import annotations

import multiprocessing as mp
from datetime import datetime, timezone
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text
from sqlmodel import SQLModel

from models import tables  # noqa: F401
from models.migrate import (
    BASELINE,
    VERSION_TABLE,
    SchemaError,
    alembic_config,
    include_object,
    locked_connection,
    script_directory,
    status,
    upgrade,
)
from models.store import Store
from newsmon.cli import main
from newsmon.settings import parse_settings
from review.announce import announce_flagged
from tests.event_helpers import MemorySink
from tests.cli_helpers import WATCHLIST, write_config
from tests.migration_helpers import EXPECTED, load_0_1_0, schema_snapshot, table_counts

TABLES = sorted(EXPECTED["sqlite"]["counts"])
HEAD = script_directory().get_current_head()


def config(tmp_path: Path, db_url: str) -> str:
    return str(write_config(tmp_path / "newsmon.toml", {
        "database": {"url": db_url}, "watchlist": {"path": str(WATCHLIST)},
        "fetch": {"allow_networks": ["127.0.0.1/32"]},
        "feeds": [{"name": "Herald", "url": "http://127.0.0.1:9/feed.xml"}]}))


def migrate_to(db_url: str, revision: str) -> None:
    """Apply the migration scripts themselves (not create_all) up to ``revision``."""
    with locked_connection(db_url) as conn:
        command.upgrade(alembic_config(conn), revision)


def path_part(url: str) -> str:
    return url.split("/", 3)[3]


def snapshot_of_rows(store: Store) -> dict:
    return {path_part(r["url"]): {"entities": r["entities"], "review_state": r["review_state"],
                                  "cluster_id": r["cluster_id"], "status": r["status"], "title": r["title"]}
            for r in store.export_rows()}


# -- upgrading a 0.1.0 archive -----------------------------------------------------------------

def test_0_1_0_database_is_upgraded_in_place_and_keeps_everything(db_url, tmp_path, capsys):
    expected = load_0_1_0(db_url)
    cfg = config(tmp_path, db_url)
    assert table_counts(db_url, TABLES) == expected["counts"]

    # Recognised as 0.1.0, and every command that would write refuses with one line.
    assert main(["db", "current", "--config", cfg]) == 0
    assert '"state": "unversioned"' in capsys.readouterr().out
    for argv in (["export"], ["run", "--no-prefect"], ["backfill", "--since", "2026-11-01", "--source", "stored",
                                                       "--no-prefect"], ["feeds"]):
        assert main([*argv, "--config", cfg]) == 2, argv
        err = capsys.readouterr().err.strip()
        assert err.count("\n") == 0 and f"newsmon db upgrade --config {cfg}" in err and "0.1.0" in err, err
    assert table_counts(db_url, TABLES) == expected["counts"]  # nothing written
    assert status(Store(db_url).engine).state == "unversioned"

    # Upgrade twice: exit 0 both times, the second applies nothing.
    assert main(["db", "upgrade", "--config", cfg]) == 0
    out = capsys.readouterr().out
    assert '"event": "upgraded"' in out and HEAD in out
    assert main(["db", "upgrade", "--config", cfg]) == 0
    assert '"event": "current"' in capsys.readouterr().out

    # Every row, flag, cluster, decision, note, audit event and alert claim is still there.
    counts = table_counts(db_url, TABLES)
    assert counts == expected["counts"]
    # 0003_accounts: the account tables start empty; decisions keep the names typed in 0.1.0
    # (checked below; signed-in decisions after the upgrade: tests/test_web_auth.py).
    assert table_counts(db_url, ["account", "web_session", "feed_token", "login_throttle"]) == {
        "account": 0, "web_session": 0, "feed_token": 0, "login_throttle": 0}
    store = Store(db_url)
    store.check()
    assert snapshot_of_rows(store) == expected["articles"]
    for article_id, events in expected["review_events"].items():  # ids are kept too
        got = [[e.from_state, e.to_state, e.note, e.reviewer] for e in store.review_events(int(article_id))]
        assert got == events
    assert sorted([a.rule, a.status] for a in store.alert_records()) == expected["alerts"]
    for a in store.iter_articles(with_raw=True):
        if a.status == "ok" and "/syndicated/" not in a.url:
            assert a.raw_html and b"<html" in a.raw_html.lower()  # kept pages still decompress
        assert a.mentions == [] or all(m.details for m in a.mentions)

    # 0004_events: flagged articles count as announced as of their fetch (an upgrade must not
    # replay the archive as newly flagged stories); no feed is marked failing.
    with store.engine.connect() as conn:
        marks = conn.execute(text("SELECT a.id, a.fetched_at, a.flagged_event_at, EXISTS (SELECT 1 FROM mention m "
                                  "WHERE m.article_id = a.id) AS flagged FROM article a")).all()
        assert conn.execute(text("SELECT count(*) FROM feed WHERE failing_event_at IS NOT NULL")).scalar() == 0
    assert any(r.flagged for r in marks)
    for r in marks:
        assert (r.flagged_event_at is not None) == bool(r.flagged), r
        if r.flagged:
            assert str(r.flagged_event_at)[:19] == str(r.fetched_at)[:19], r
    far = parse_settings({"review": {"alert_lookback_hours": 24 * 365 * 50}})
    assert announce_flagged(store, far, MemorySink(), now=datetime.now(timezone.utc)).ids == []
    # 0005_retention: no page dropped, no tombstone yet; a SQLite file is switched to incremental
    # auto-vacuum (one VACUUM by the upgrade) so that prune can shrink it.
    assert all(a.raw_dropped_at is None for a in store.iter_articles())
    assert table_counts(db_url, ["article_tombstone"]) == {"article_tombstone": 0}
    if db_url.startswith("sqlite"):
        with store.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA auto_vacuum").scalar_one() == 2  # INCREMENTAL

    # 0007_prominence: the flags stored by 0.1.0 have no score until a stored backfill
    # re-matches them (tests/test_backfill.py); the inbox lists them last by prominence.
    flags = [m for a in store.iter_articles() for m in a.mentions]
    assert flags and all(m.prominence is None and m.prominence_parts == {} for m in flags)
    assert store.review_inbox(min_prominence=0)[1] == 0

    # And the upgraded database works: a decision by a new reviewer is stored and audited.
    aid = store.article_id(next(r["url"] for r in store.export_rows() if r["review_state"] == "new"))
    store.set_review(aid, "relevant", note="after upgrade", reviewer="jun")
    assert store.review_events(aid)[-1].reviewer == "jun"
    assert main(["export", "--config", cfg]) == 0
    assert capsys.readouterr().out.count("\n") == expected["counts"]["article"]
    store.close()


def test_baseline_revision_is_exactly_the_0_1_0_schema(db_url, tmp_path):
    """The baseline applied to an empty database gives the schema 0.1.0 created."""
    load_0_1_0(db_url)
    old = schema_snapshot(db_url)
    if db_url.startswith("sqlite"):
        fresh = f"sqlite:///{tmp_path / 'baseline.db'}"
        migrate_to(fresh, BASELINE)
        assert schema_snapshot(fresh) == old
    else:
        from tests.db_fixtures import fresh_pg_url
        with fresh_pg_url() as fresh:
            migrate_to(fresh, BASELINE)
            assert schema_snapshot(fresh) == old


# -- models and migrations agree ------------------------------------------------------------------

def test_models_and_newest_migration_do_not_differ(db_url):
    """Autogenerate finds nothing to do on a database built by the migration scripts: a model
    change without its migration fails here."""
    migrate_to(db_url, "heads")
    store = Store(db_url)
    try:
        with store.engine.connect() as conn:
            ctx = MigrationContext.configure(conn, opts={
                "compare_type": True, "include_object": include_object, "version_table": VERSION_TABLE})
            diff = compare_metadata(ctx, SQLModel.metadata)
        assert diff == []
    finally:
        store.close()


def test_fresh_database_is_created_at_the_newest_revision_same_as_migrated(db_url, tmp_path):
    store = Store(db_url)
    store.check()  # an empty database: created by the models, stamped at head
    st = status(store.engine)
    assert (st.state, st.current, st.written_by) == ("current", HEAD, st.as_dict()["newsmon"])
    store.close()
    created = schema_snapshot(db_url, pragmas=True)
    if db_url.startswith("sqlite"):
        other = f"sqlite:///{tmp_path / 'migrated.db'}"
        migrate_to(other, "heads")
        migrated = schema_snapshot(other, pragmas=True)
    else:
        from tests.db_fixtures import fresh_pg_url
        with fresh_pg_url() as other:
            migrate_to(other, "heads")
            migrated = schema_snapshot(other)
    created.pop("newsmon_meta", None), migrated.pop("newsmon_meta", None)
    assert created == migrated


# -- refusing databases that are behind or ahead ---------------------------------------------------

def test_database_behind_is_refused_and_left_untouched(db_url, tmp_path, capsys):
    migrate_to(db_url, BASELINE)  # a database at an older revision
    cfg = config(tmp_path, db_url)
    before = schema_snapshot(db_url)
    for argv in (["run", "--no-prefect"], ["export"], ["serve"], ["web"],
                 ["backfill", "--since", "2026-11-01", "--no-prefect"]):
        assert main([*argv, "--config", cfg]) == 2, argv
        err = capsys.readouterr().err.strip()
        assert "\n" not in err and BASELINE in err and HEAD in err and f"newsmon db upgrade --config {cfg}" in err
    assert schema_snapshot(db_url) == before
    assert table_counts(db_url, ["feed"]) == {"feed": 0}  # not even the configured feeds were synced
    assert main(["db", "upgrade", "--config", cfg]) == 0
    assert status(Store(db_url).engine).state == "current"


def test_database_ahead_is_refused_naming_both_versions(db_url, tmp_path, capsys):
    cfg = config(tmp_path, db_url)
    Store(db_url).check()
    store = Store(db_url)
    with store.engine.begin() as conn:  # what a newer newsmon would leave behind
        conn.execute(text(f"UPDATE {VERSION_TABLE} SET version_num = '0099_from_the_future'"))
        conn.execute(text("UPDATE newsmon_meta SET value = '9.1.0' WHERE key = 'written_by'"))
    store.close()
    for argv in (["run", "--no-prefect"], ["export"], ["web"], ["db", "upgrade"]):
        assert main([*argv, "--config", cfg]) == 2, argv
        err = capsys.readouterr().err.strip()
        assert "\n" not in err and "0099_from_the_future" in err and "newsmon 9.1.0" in err and HEAD in err, err
    with pytest.raises(SchemaError):
        Store(db_url).check()
    assert table_counts(db_url, ["feed"]) == {"feed": 0}


# -- two workers upgrading at once -------------------------------------------------------------------

def _upgrade_worker(url: str, go: mp.Event, out: mp.Queue) -> None:  # type: ignore[valid-type]
    go.wait(10)
    try:
        out.put(("ok", upgrade(url).applied))
    except Exception as e:  # pragma: no cover - reported to the test
        out.put(("error", f"{type(e).__name__}: {e}"))


def test_concurrent_upgrades_apply_each_revision_once(db_url):
    load_0_1_0(db_url)
    ctx = mp.get_context("spawn")
    go, out = ctx.Event(), ctx.Queue()
    procs = [ctx.Process(target=_upgrade_worker, args=(db_url, go, out)) for _ in range(3)]
    for p in procs:
        p.start()
    go.set()
    results = [out.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(30)
    assert all(kind == "ok" for kind, _ in results), results
    applied = sorted(len(a) for _, a in results)
    assert applied[-1] > 0 and applied[:-1] == [0] * (len(procs) - 1)  # one worker did it all
    store = Store(db_url)
    with store.engine.connect() as conn:
        assert conn.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalars().all() == [HEAD]
    assert table_counts(db_url, TABLES) == load_expected_counts(db_url)
    store.close()


def load_expected_counts(db_url: str) -> dict:
    return EXPECTED["sqlite" if db_url.startswith("sqlite") else "postgresql"]["counts"]


# -- SQLite batch mode keeps child rows ------------------------------------------------------------

def test_batch_table_rebuild_keeps_child_rows(db_url):
    """A column change rebuilds the table on SQLite (batch mode: copy, drop, rename). The
    migration connection runs with foreign keys off, so dropping the old ``article`` table
    does not cascade into mentions, URLs, review events and clusters."""
    expected = load_0_1_0(db_url)
    upgrade(db_url)
    from alembic.operations import Operations

    with locked_connection(db_url) as conn:
        ops = Operations(MigrationContext.configure(conn, opts={"version_table": VERSION_TABLE}))
        with ops.batch_alter_table("article") as batch:  # SQLite: rebuilt; PostgreSQL: ALTER
            batch.alter_column("reason", existing_type=tables.Article.__table__.c.reason.type, nullable=True,
                               comment=None)
    assert table_counts(db_url, TABLES) == expected["counts"]
    store = Store(db_url)
    store.check()
    assert snapshot_of_rows(store) == expected["articles"]
    store.close()
