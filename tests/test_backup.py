"""``newsmon backup`` and restoring: SQLite online backup during a running cycle; PostgreSQL
through the pg_dump command it prints (run here for real, restored into a new database)."""
from __future__ import annotations

import asyncio
import json
import shlex
import shutil
import subprocess
import threading
import time
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from flows.cycle import summarize
from flows.runtime import run_cycle_plain
from models.backup import backup_sqlite, pg_dump_command
from models.store import Store
from newsmon.cli import main
from tests.cli_helpers import WATCHLIST, write_config
from tests.db_fixtures import PG_ADMIN_URL, _conninfo
from tests.retention_site import GeneratedSite
from tests.test_retention import site_settings


def config(tmp_path: Path, db_url: str, name: str = "newsmon.toml") -> str:
    return str(write_config(tmp_path / name, {"database": {"url": db_url}, "watchlist": {"path": str(WATCHLIST)}}))


def export(cfg: str, capsys) -> dict[int, dict]:
    assert main(["export", "--config", cfg]) == 0
    return {r["id"]: r for r in map(json.loads, capsys.readouterr().out.splitlines())}


def count_articles(url: str) -> int:
    s = Store(url)
    try:
        return sum(1 for _ in s.iter_articles())
    finally:
        s.close()


async def test_backup_during_a_cycle_restores_to_the_backup_point(tmp_path, capsys) -> None:
    db = tmp_path / "live" / "newsmon.db"
    url = f"sqlite:///{db}"
    # Pages 30..39 wait until the backup is done; 20..29 until its first step (so the cycle
    # surely writes during the copy, however fast it stored the first twenty).
    with GeneratedSite(40, hold_from=30, pause_from=20) as site:
        # Enough connections that the twenty waiting pages (listed first) leave others free.
        cfg = site_settings(site, url, tmp_path, fetch={"per_host_concurrency": 24, "deadline_s": 120.0})
        cycle = asyncio.create_task(run_cycle_plain(cfg))
        while await asyncio.to_thread(count_articles, url) < 10:  # the cycle is writing
            assert not cycle.done(), cycle.exception() if cycle.done() else None
            await asyncio.sleep(0.05)
        before = {a.id for a in await asyncio.to_thread(lambda: list(Store(url).iter_articles()))}
        steps: list[int] = []
        seen: list[int] = []

        def slow(done: int, total: int) -> None:
            """One page per step; after the first, wait until the cycle has committed two
            more articles: the copy surely runs while the cycle writes."""
            steps.append(done)
            if len(steps) == 1:
                seen.append(count_articles(url))
                site.resume.set()
                deadline = time.monotonic() + 120
                while count_articles(url) < seen[0] + 2 and time.monotonic() < deadline:
                    time.sleep(0.02)
                seen.append(count_articles(url))

        res = await asyncio.to_thread(backup_sqlite, url, tmp_path / "backup.db", step_pages=1, progress=slow)
        site.release.set()
        s = summarize(await cycle)
    assert s["articles_new"] == 40
    assert res.integrity == "ok" and res.bytes == (tmp_path / "backup.db").stat().st_size and res.pages == len(steps)
    assert steps == sorted(steps)  # never restarted although the cycle wrote meanwhile
    assert res.articles <= seen[0] < seen[0] + 2 <= seen[1]  # commits during the copy are not in it
    assert not (tmp_path / "backup.db.partial").exists() and not Path(f"{tmp_path / 'backup.db'}-wal").exists()
    live = export(config(tmp_path, url, "live.toml"), capsys)
    assert len(live) == 40

    # Restore, as the README says: newsmon stopped, old -wal/-shm removed, the backup copied over.
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(tmp_path / "backup.db", db)
    restored = export(config(tmp_path, url, "restored.toml"), capsys)
    # ...or the config pointed at the backup file itself: the same database.
    assert export(config(tmp_path, f"sqlite:///{tmp_path / 'backup.db'}", "pointed.toml"), capsys) == restored

    ids = set(restored)
    assert res.articles == len(ids) and 10 <= len(ids) < 40  # taken half-way through the cycle
    assert before <= ids  # every article stored before the backup started is in it
    # The backup point: exactly the articles committed before it (ids grow in commit order),
    # each whole: the same row, mentions and flags as in the live database. Only the story
    # cluster may be assigned later (the cycle's review step), never changed.
    assert ids == {i for i in live if i <= max(ids)}
    for i in ids:
        got, want = dict(restored[i]), dict(live[i])
        assert got.pop("cluster_id") in (None, want.pop("cluster_id"))
        assert got == want


def test_backup_refuses_with_one_line(tmp_path, capsys) -> None:
    url = f"sqlite:///{tmp_path / 'newsmon.db'}"
    cfg = config(tmp_path, url)
    missing = main(["backup", "--config", cfg, "--to", str(tmp_path / "b.db")])
    err = capsys.readouterr().err.strip()
    assert missing == 2 and "\n" not in err and "no such file" in err
    Store(url).check()
    assert main(["backup", "--config", cfg, "--to", str(tmp_path / "b.db")]) == 0
    line = json.loads(capsys.readouterr().out)
    assert line["event"] == "backup" and line["integrity"] == "ok" and line["schema_revision"]
    for to, words in ((tmp_path / "b.db", "exists already"), (tmp_path / "no" / "dir" / "b.db", "does not exist"),
                      (tmp_path / "newsmon.db", "is the database itself")):
        assert main(["backup", "--config", cfg, "--to", str(to)]) == 2
        out = capsys.readouterr()
        assert out.out == "" and words in out.err and out.err.count("\n") == 1, out.err
    assert main(["backup", "--config", cfg, "--to", str(tmp_path / "b.db"), "--overwrite"]) == 0


def test_backup_works_on_a_database_that_needs_an_upgrade(tmp_path, capsys) -> None:
    """Back up first, then upgrade (what the upgrade message asks for)."""
    from tests.migration_helpers import load_0_1_0
    url = f"sqlite:///{tmp_path / 'newsmon.db'}"
    expected = load_0_1_0(url)
    cfg = config(tmp_path, url)
    assert main(["backup", "--config", cfg, "--to", str(tmp_path / "before-upgrade.db")]) == 0
    line = json.loads(capsys.readouterr().out)
    assert line["schema_revision"] == "0.1.0 (unversioned)" and line["articles"] == expected["counts"]["article"]
    restored = config(tmp_path, f"sqlite:///{tmp_path / 'before-upgrade.db'}", "restored.toml")
    assert main(["db", "upgrade", "--config", restored]) == 0
    capsys.readouterr()
    assert len(export(restored, capsys)) == expected["counts"]["article"]


@pytest.mark.postgres
def test_postgresql_backup_prints_a_pg_dump_command_that_restores(tmp_path, capsys) -> None:
    from tests.db_fixtures import fresh_pg_url
    from tests.test_retention import flag, rec

    with fresh_pg_url() as url:
        store = Store(url)
        store.check()
        for n in range(5):
            store.save_article(rec(n, days_old=3), flag("samsung") if n % 2 else [])
        store.set_review(2, "relevant", note="x", reviewer="mina")
        store.close()
        cfg = config(tmp_path, url)
        source = export(cfg, capsys)
        dump = tmp_path / "newsmon.dump"
        assert main(["backup", "--config", cfg, "--to", str(dump)]) == 2
        out = capsys.readouterr()
        err = out.err.strip()
        assert "\n" not in err and "pg_dump" in err and "PostgreSQL" in err
        line = json.loads(out.out)
        assert line["backend"] == "postgresql" and not line["done"]
        schema = url.split("search_path%3D")[-1] if "%3D" in url else url.split("search_path=")[-1]
        assert f"--schema {schema}" in line["command"] and "--format=custom" in line["command"]

        # Run the printed commands as a user would: dump, then restore into a new database.
        subprocess.run(shlex.split(line["command"]), check=True, capture_output=True, timeout=120)
        assert dump.stat().st_size > 0
        restore_db = f"newsmon_restore_{schema[-12:]}"
        with psycopg.connect(_conninfo(PG_ADMIN_URL), autocommit=True) as admin:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(restore_db)))
        try:
            args = shlex.split(line["restore"])
            args[args.index("--dbname") + 1] = restore_db
            subprocess.run(args, check=True, capture_output=True, timeout=120)
            restored_url = url.replace("/test?", f"/{restore_db}?")
            assert export(config(tmp_path, restored_url, "restored.toml"), capsys) == source
        finally:
            with psycopg.connect(_conninfo(PG_ADMIN_URL), autocommit=True) as admin:
                admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(restore_db)))


def test_pg_dump_command_never_contains_the_password() -> None:
    cmd = pg_dump_command("postgresql+psycopg://news:s3cr%40t@db.internal:5433/newsroom", "/backups/n.dump")
    text = json.dumps(cmd)
    assert "s3cr" not in text and "%40t" not in text
    assert cmd["command"] == ("pg_dump --format=custom --file /backups/n.dump --host db.internal --port 5433 "
                              "--username news --dbname newsroom")
    assert "PGPASSWORD" in cmd["password"] and "db.internal:5433:newsroom:news:PASSWORD" in cmd["password"]
    assert "password" not in pg_dump_command("postgresql://news@db/x", "n.dump")


def test_backup_of_a_busy_database_finishes(tmp_path) -> None:
    """A writer commits continuously (its own connection) while the backup copies one page
    per step: the copy is never restarted and is the database as of its start."""
    from tests.test_retention import rec
    url = f"sqlite:///{tmp_path / 'newsmon.db'}"
    store = Store(url)
    store.check()
    store.save_articles([(rec(n, days_old=1), []) for n in range(300)])
    writer = Store(url)
    stop = threading.Event()
    written = []

    def write() -> None:
        n = 1000
        while not stop.is_set():
            writer.save_article(rec(n, days_old=0), [])
            written.append(n)
            n += 1

    t = threading.Thread(target=write)
    t.start()
    during: list[int] = []

    def step(done: int, total: int) -> None:
        if done == 1:  # mid-copy: let the writer commit three more rows
            during.append(len(written))
            while len(written) < during[0] + 3:
                time.sleep(0.005)
        during.append(len(written))

    try:
        while len(written) < 5:
            time.sleep(0.01)
        res = backup_sqlite(url, tmp_path / "b.db", step_pages=1, progress=step)
    finally:
        stop.set()
        t.join(60)
    writer.close()
    store.close()
    assert res.integrity == "ok" and res.pages > 100 and len(during) == res.pages + 1
    # The copy is the database as of its start: the rows written while it ran are not in it.
    # (+1: a row committed just before the copy began may not be counted in ``written`` yet)
    assert 305 <= res.articles <= 300 + during[0] + 1 < 300 + during[-1]
    assert count_articles(f"sqlite:///{tmp_path / 'b.db'}") == res.articles
