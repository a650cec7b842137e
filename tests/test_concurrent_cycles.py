"""Workers at once on one database (PostgreSQL and SQLite): two poll cycles and a sitemap
backfill beside them. Separate processes, started together on a barrier, against
one slowed-down sample site on 127.0.0.1 so that they fetch and save the same stories at
the same time. No duplicate rows, no lost mentions, no IntegrityError / "database is locked"."""
from __future__ import annotations

import asyncio
import json
import multiprocessing
import os
import shutil
import subprocess
import sys
import time
import traceback
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from flows.runtime import run_cycle_plain
from models.store import Store
from models.tables import Article, ArticleUrl, Feed, Mention
from newsmon.sample_server import SAMPLE_SITE, SampleSite
from newsmon.settings import parse_settings
from tests.sitemap_site import write_sitemaps

REPO = Path(__file__).resolve().parent.parent
BAD = ("IntegrityError", "database is locked", "Traceback", "deadlock")


class SlowSite(SampleSite):
    """Article pages take a moment, so concurrent workers overlap on the same stories."""

    def response(self, path, req_headers):
        if path.startswith("/articles/"):
            time.sleep(0.15)
        return super().response(path, req_headers)


@pytest.fixture
def site(tmp_path):
    root = tmp_path / "site"
    shutil.copytree(SAMPLE_SITE, root)
    with SlowSite(root) as s:
        s.index = write_sitemaps(root, s.base)  # type: ignore[attr-defined]
        yield s


def config(site, db_url: str) -> dict:
    return {
        "database": {"url": db_url, "sqlite_busy_timeout_s": 60.0},
        "watchlist": {"path": str(REPO / "watchlists" / "default.toml")},
        "fetch": {"allow_networks": ["127.0.0.1/32"], "deadline_s": 20.0, "retries": 0},
        "poll": {"extract_workers": 0},
        "feeds": [
            {"name": "Herald", "url": site.url("/feeds/herald-business.xml"), "timezone": "Asia/Seoul",
             "sitemap": site.index},
            {"name": "Daily", "url": site.url("/feeds/daily-tech.atom")},
            {"name": "Korean", "url": site.url("/feeds/korean.rdf"), "timezone": "Asia/Seoul"},
            {"name": "Wire", "url": site.url("/feeds/wire.json")},
        ],
    }


def _worker(kind: str, cfg: dict, base_dir: str, barrier, results) -> None:
    """Child process: wait for the other worker, then run one poll cycle or one backfill."""
    try:
        from flows.backfill_core import run_backfill_plain
        from flows.cycle import summarize

        settings = parse_settings(cfg, base_dir=Path(base_dir))
        barrier.wait(timeout=120)
        if kind == "poll":
            summary = summarize(asyncio.run(run_cycle_plain(settings, force=True)))
        else:
            summary = asyncio.run(run_backfill_plain(settings, since=date(2026, 11, 20), until=date(2026, 11, 28)))
        results.put((kind, "ok", {k: v for k, v in summary.items() if not isinstance(v, (list, dict))}))
    except BaseException:  # noqa: BLE001 - reported to the parent
        results.put((kind, "error", traceback.format_exc()))


def run_together(kinds: list[str], cfg: dict, base_dir: Path) -> list[tuple[str, dict]]:
    # fork: the workers start with newsmon already imported (spawn costs ~3 s of imports per
    # worker on this machine); they use nothing of the parent but the config they are given.
    ctx = multiprocessing.get_context("fork")
    barrier, results = ctx.Barrier(len(kinds)), ctx.Queue()
    procs = [ctx.Process(target=_worker, args=(k, cfg, str(base_dir), barrier, results)) for k in kinds]
    for p in procs:
        p.start()
    out = [results.get(timeout=300) for _ in procs]
    for p in procs:
        p.join(timeout=60)
    errors = [r[2] for r in out if r[1] != "ok"]
    assert not errors, "\n".join(errors)
    assert all(p.exitcode == 0 for p in procs)
    return [(k, s) for k, _, s in out]


def reference_rows(site, tmp_path: Path) -> dict[str, dict]:
    """What one worker alone stores (own SQLite database)."""
    settings = parse_settings(config(site, f"sqlite:///{tmp_path / 'reference.db'}"), base_dir=tmp_path)
    asyncio.run(run_cycle_plain(settings))
    return {r["url"].removeprefix(site.base): r for r in Store(settings.database_url).export_rows()}


def check_database(store: Store, site, reference: dict[str, dict]) -> None:
    rows = {r["url"].removeprefix(site.base): r for r in store.export_rows()}
    assert set(rows) == set(reference)
    for path, ref in reference.items():
        got = rows[path]
        assert got["entities"] == ref["entities"], path
        assert [m["entity"] for m in got["mentions"]] == [m["entity"] for m in ref["mentions"]], path
    A, M, U = Article.__table__.c, Mention.__table__.c, ArticleUrl.__table__.c
    with store.session() as s:
        n_articles, n_hashes = s.execute(select(func.count(), func.count(func.distinct(A.url_hash)))).one()
        assert n_articles == n_hashes == len(rows)
        n_mentions = s.execute(select(func.count()).select_from(Mention.__table__)).scalar_one()
        assert n_mentions == sum(len(r["entities"]) for r in rows.values())
        assert s.execute(select(func.count()).select_from(Feed.__table__)).scalar_one() == 4
        # Every URL form points at an existing article.
        orphans = s.execute(select(func.count()).select_from(ArticleUrl.__table__)
                            .where(U.article_id.not_in(select(A.id)))).scalar_one()
        assert orphans == 0


def test_two_polls_and_a_backfill_at_once(site, db_url, tmp_path, capfd):
    reference = reference_rows(site, tmp_path)
    site.hits.clear()
    out = run_together(["poll", "poll", "backfill"], config(site, db_url), tmp_path)
    check_database(Store(db_url), site, reference)
    # Each story was created by exactly one worker; the others saw it as a duplicate.
    assert sum(s["articles_new"] for _, s in out) == len(reference)
    assert all(s["articles_failed"] == 0 for _, s in out)
    # The backfill read the sitemaps too: same stories, nothing outside the November window.
    backfill = next(s for k, s in out if k == "backfill")
    assert backfill["feeds_failed"] == 0 and backfill["urls_in_window"] == 6
    assert site.hits["/articles/old-story.html"] == 0
    captured = capfd.readouterr()
    assert not [b for b in BAD if b in captured.err + captured.out]


@pytest.mark.postgres
def test_two_cli_workers_on_postgresql(site, tmp_path):
    """Two `newsmon` processes as a fleet would run them: `run --no-prefect` and `backfill`."""
    from tests.db_fixtures import fresh_pg_url

    with fresh_pg_url() as url:
        cfg = tmp_path / "newsmon.toml"
        c = config(site, url)
        lines = ["[database]", f"url = {json.dumps(url)}", "[watchlist]", f"path = {json.dumps(c['watchlist']['path'])}",
                 "[fetch]", 'allow_networks = ["127.0.0.1/32"]', "retries = 0", "[poll]", "extract_workers = 0"]
        for f in c["feeds"]:
            lines += ["[[feeds]]"] + [f"{k} = {json.dumps(v)}" for k, v in f.items()]
        cfg.write_text("\n".join(lines) + "\n", encoding="utf-8")
        env = {**os.environ, "PYTHONPATH": str(REPO)}
        cmds = [[sys.executable, "-m", "newsmon.cli", "run", "--config", str(cfg), "--no-prefect"],
                [sys.executable, "-m", "newsmon.cli", "backfill", "--config", str(cfg), "--no-prefect",
                 "--since", "2026-11-20", "--until", "2026-11-28"]]
        procs = [subprocess.Popen(c, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=tmp_path)
                 for c in cmds]
        outs = [p.communicate(timeout=300) for p in procs]
        for p, (out, err) in zip(procs, outs):
            assert p.returncode == 0, err.decode()
            assert not [b for b in BAD if b in err.decode()], err.decode()
        summaries = [json.loads(out.decode().splitlines()[-1]) for out, _ in outs]
        assert all(s["event"] == "summary" for s in summaries)
        assert sum(s["articles_new"] for s in summaries) == 5
        store = Store(url)
        assert len({r["url"] for r in store.export_rows()}) == len(list(store.export_rows())) == 5
        store.close()
