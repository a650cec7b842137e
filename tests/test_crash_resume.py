"""A cycle killed mid-way (SIGKILL) loses nothing that was committed, and the next cycle
resumes: every article committed before the crash keeps its row id, text and mentions,
none is stored twice, the rest are ingested. On SQLite and on PostgreSQL.

Some article pages are held by the server until the test releases them, so the kill is
certain to land while the cycle still has work in flight; it is sent as soon as a few
articles are committed, while the others are still being fetched and written.
"""
from __future__ import annotations

import asyncio
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from flows.cycle import summarize
from flows.runtime import run_cycle_plain
from models.store import Store
from newsmon.settings import load_settings
from tests.cli_helpers import WATCHLIST, newsmon_cmd, newsmon_env, write_config
from tests.hostile.server import HostileServer, Request, Writer, respond, send, head
from tests.news_pages import article_html, rss

N = 20
HELD = {f"/news/{i}.html" for i in range(N) if i % 5 == 4}  # 4 pages answer only when released
KILL_AFTER = 5  # committed articles


def page(i: int) -> bytes:
    who = "Samsung Electronics" if i % 2 else "SK hynix"
    return article_html(f"Story {i}: {who} quarterly update",
                        [f"Story number {i}. {who} reported results for quarter {i % 4 + 1} on Thursday."])


def held(body: bytes, release: threading.Event):
    async def handler(req: Request, w: Writer) -> None:
        while not release.is_set():
            await asyncio.sleep(0.02)
        await send(w, head(200, {"Content-Type": "text/html; charset=utf-8",
                                 "Content-Length": str(len(body))}) + body)
    return handler


@pytest.fixture
def site() -> Iterator[tuple[HostileServer, threading.Event]]:
    release = threading.Event()
    with HostileServer("127.0.0.1") as s:
        s.routes["/feed.xml"] = respond(200, rss(s.url(""), [(f"Story {i}", f"/news/{i}.html") for i in range(N)]),
                                        {"Content-Type": "application/rss+xml"})
        for i in range(N):
            path = f"/news/{i}.html"
            s.routes[path] = held(page(i), release) if path in HELD else respond(200, page(i))
        try:
            yield s, release
        finally:
            release.set()


def snapshot(store: Store) -> dict[int, dict]:
    """Everything a crash could damage, per article id."""
    return {a.id: {"url": a.url, "title": a.title, "text": a.text, "status": a.status,
                   "entities": sorted(a.entities),
                   "mentions": sorted((m.entity_id, m.count, m.snippet) for m in a.mentions)}
            for a in store.iter_articles()}


def wait_for_commits(store: Store, proc: subprocess.Popen, n: int, timeout: float = 90) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        assert proc.poll() is None, f"the cycle ended before the kill:\n{proc.communicate()[1]}"
        try:
            if sum(1 for _ in store.iter_articles()) >= n:
                return
        except Exception:  # noqa: BLE001 - tables not created yet by the subprocess
            pass
        time.sleep(0.05)
    raise AssertionError(f"fewer than {n} articles committed after {timeout} s")


async def test_kill_mid_cycle_then_resume(site, db_url: str, tmp_path: Path) -> None:
    server, release = site
    config = write_config(tmp_path / "newsmon.toml", {
        "database": {"url": db_url},
        "watchlist": {"path": str(WATCHLIST)},
        # A long deadline: held pages keep the cycle busy until it is killed.
        "fetch": {"allow_networks": ["127.0.0.1/32"], "deadline_s": 60.0, "retries": 0,
                  "per_host_concurrency": 8},
        "poll": {"extract_workers": 0},
        "feeds": [{"name": "Wire", "url": server.url("/feed.xml")}],
    })
    settings = load_settings(config)
    store = Store(settings.database_url)

    proc = subprocess.Popen(newsmon_cmd("run", "--no-prefect", "--config", str(config)), cwd=tmp_path,
                            env=newsmon_env(tmp_path), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        await asyncio.to_thread(wait_for_commits, store, proc, KILL_AFTER)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGKILL

    before = snapshot(store)
    assert KILL_AFTER <= len(before) < N  # killed mid-cycle: held pages were never answered
    if settings.database_url.startswith("sqlite"):
        with store.session() as s:
            assert s.connection().exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"

    # The next cycle: held pages now answer.
    release.set()
    hits_before = dict(server.hits)
    summary = summarize(await run_cycle_plain(settings))
    after = snapshot(store)

    for article_id, row in before.items():  # committed before the crash: untouched
        assert after[article_id] == row
    urls = [r["url"] for r in after.values()]
    assert len(urls) == len(set(urls)) == N  # nothing twice, nothing missing
    assert all(r["status"] == "ok" and r["text"] for r in after.values())
    assert summary["articles_new"] == N - len(before) and summary["feeds_failed"] == 0
    # Stored articles were not fetched again (known by URL); the rest were.
    for row in before.values():
        path = row["url"].removeprefix(server.url(""))
        assert server.hits[path] == hits_before[path]
    assert {p for p in server.hits if p.startswith("/news/")} == {f"/news/{i}.html" for i in range(N)}
    # Mentions were written with their article, in the same transaction.
    assert all(r["mentions"] and r["entities"] == [m[0] for m in r["mentions"]] for r in after.values())

    # A third cycle finds nothing new and changes nothing.
    summary = summarize(await run_cycle_plain(settings, force=True))
    assert summary["articles_new"] == 0 and snapshot(store) == after
    store.close()
