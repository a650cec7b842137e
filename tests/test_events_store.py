"""Which events a cycle emits, and only once: newly flagged stories (the alerts' rules),
feed failing/recovered, review decisions. On SQLite and PostgreSQL (``db_url``), with real
cycles against the sample site on 127.0.0.1 and a sink that records the events."""
from __future__ import annotations

import shutil
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import select, update

from flows.backfill_core import run_backfill_plain
from flows.runtime import run_cycle_plain
from models.store import Store
from models.tables import Article, Feed
from newsmon.events import FEED_FAILING, FEED_RECOVERED, FLAGGED, REVIEWED, ApiSink, NullSink
from newsmon.sample_server import SampleSite
from newsmon.settings import parse_settings
from review.announce import announce_flagged
from review.clusters import cluster_pending
from review.states import decide
from tests.event_helpers import Blackhole, MemorySink, closed_port
from tests.review_helpers import REPO, save
from tests.test_backfill import site  # noqa: F401 - the sample site with sitemaps, on 127.0.0.1

UTC = timezone.utc
NOW = datetime.now(UTC)
FAR = 24 * 365 * 50  # the sample site's fixed 2026 dates count as new
FLAKY = "/feeds/flaky.xml"


def settings_for(db_url: str, tmp_path: Path, site: SampleSite | None = None, *, lookback: float = FAR,
                 **events):
    feeds = []
    if site is not None:
        feeds = [{"name": "Herald", "url": site.url("/feeds/herald-business.xml"), "timezone": "Asia/Seoul",
                  "sitemap": getattr(site, "index", None)},
                 {"name": "Daily", "url": site.url("/feeds/daily-tech.atom")},
                 {"name": "Flaky", "url": site.url(FLAKY)}]
    return parse_settings({
        "database": {"url": db_url}, "watchlist": {"path": str(REPO / "watchlists" / "default.toml")},
        "fetch": {"allow_networks": ["127.0.0.1/32"], "deadline_s": 10.0, "retries": 0},
        "poll": {"extract_workers": 0}, "review": {"alert_lookback_hours": lookback},
        "events": events, "feeds": feeds}, base_dir=tmp_path)


def stored(store: Store, *, published: datetime | None, fetched: datetime | None = None, n: int = 1,
           prefix: str = "s") -> list[int]:
    return [save(store, url=f"https://news.example/{prefix}{i}", title=f"Samsung Electronics story {prefix}{i}",
                 text="Samsung Electronics said on Friday it would build a new chip plant. " * 3,
                 published=published, fetched_at=fetched or NOW) for i in range(n)]


def announce(store: Store, settings, sink) -> list[int]:
    cluster_pending(store, settings.review)
    return announce_flagged(store, settings, sink).ids


# -- newly flagged stories -------------------------------------------------------------------------

def test_flagged_once_per_article_with_the_alerts_rules(store: Store, tmp_path: Path) -> None:
    settings = settings_for(store.url, tmp_path, lookback=24)
    new = stored(store, published=NOW - timedelta(hours=2), n=2, prefix="new")
    undated = stored(store, published=None, prefix="undated")
    old = stored(store, published=NOW - timedelta(days=3), prefix="old")  # a backfill of an old story
    old_fetch = stored(store, published=None, fetched=NOW - timedelta(days=2), prefix="oldfetch")
    unflagged = save(store, url="https://news.example/weather", title="Rain in Seoul", text="It will rain. " * 5,
                     published=NOW)
    irrelevant = stored(store, published=NOW, prefix="irr")
    store.set_review(irrelevant[0], "irrelevant", reviewer="kim")
    sink = MemorySink()
    assert announce(store, settings, sink) == sorted(new + undated)
    assert [e.resource_id for e in sink.named(FLAGGED)] == [f"newsmon.article.{i}" for i in sorted(new + undated)]
    assert announce(store, settings, sink) == []  # never twice
    assert len(sink.events) == 3
    with store.engine.connect() as conn:
        marks = dict(conn.execute(select(Article.__table__.c.id, Article.__table__.c.flagged_event_at)).all())
    assert all(marks[i] is not None for i in new + undated)
    assert all(marks[i] is None for i in [*old, *old_fetch, unflagged, *irrelevant])


def test_unclustered_articles_wait_and_a_disabled_sink_claims_nothing(store: Store, tmp_path: Path) -> None:
    settings = settings_for(store.url, tmp_path)
    ids = stored(store, published=NOW, n=2)
    assert announce_flagged(store, settings, MemorySink()).ids == []  # not clustered yet: no cluster id
    cluster_pending(store, settings.review)
    assert announce_flagged(store, settings, NullSink()).ids == []  # events off: nothing claimed...
    sink = MemorySink()
    assert announce_flagged(store, settings, sink).ids == ids  # ...so a later run with Prefect announces them
    assert {e.payload["cluster_id"] for e in sink.events} == {store.get_article(ids[0]).cluster_id}


def test_a_flood_is_spread_over_passes(store: Store, tmp_path: Path) -> None:
    settings = settings_for(store.url, tmp_path, max_flagged_per_pass=2)
    ids = stored(store, published=NOW, n=5)
    sink = MemorySink()
    passes = [announce(store, settings, sink) for _ in range(4)]
    assert passes == [ids[:2], ids[2:4], ids[4:], []]
    assert len(sink.events) == 5


def test_concurrent_claimers_split_the_stories_without_overlap(store: Store, tmp_path: Path) -> None:
    """Two workers announcing at once (threads on their own Store, like two processes)."""
    settings = settings_for(store.url, tmp_path, max_flagged_per_pass=7)
    ids = stored(store, published=NOW, n=40)
    cluster_pending(store, settings.review)
    got: list[list[int]] = [[], []]
    go = threading.Barrier(2)

    def worker(k: int) -> None:
        own = Store(store.url)
        go.wait()
        while True:
            batch = own.claim_flagged_events(NOW - timedelta(days=1), limit=7)
            if not batch:
                break
            got[k].extend(batch)
        own.close()

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not set(got[0]) & set(got[1]) and sorted(got[0] + got[1]) == ids


async def test_backfill_of_old_stories_announces_nothing_and_recent_ones_once(site, db_url, tmp_path) -> None:
    """A sitemap backfill stores November stories; the next cycle announces none of them with
    the default look-back (they are old now), and each once when they count as recent."""
    sink = MemorySink()
    settings = settings_for(db_url, tmp_path, site, lookback=24)
    s = await run_backfill_plain(settings, since=datetime(2026, 10, 1).date(), until=datetime(2026, 11, 28).date())
    assert s["articles_new"] >= 4 and s["flagged"] >= 2
    await run_cycle_plain(settings, [settings.feed("Daily")], events=sink)
    assert sink.named(FLAGGED) == []
    recent = settings_for(db_url, tmp_path, site)  # a look-back that reaches November
    await run_cycle_plain(recent, [recent.feed("Daily")], events=sink)
    store = Store(db_url)
    flagged = sorted(a.id for a in store.iter_articles() if a.mentions and a.status == "ok")
    store.close()
    assert sorted(int(e.resource_id.rsplit(".", 1)[1]) for e in sink.named(FLAGGED)) == flagged
    await run_cycle_plain(recent, [recent.feed("Daily")], events=sink)
    assert len(sink.named(FLAGGED)) == len(flagged)


# -- feed health ----------------------------------------------------------------------------------

async def test_feed_failing_once_at_the_threshold_and_recovered_once(site, db_url, tmp_path) -> None:
    settings = settings_for(db_url, tmp_path, site)
    flaky, good = site.root / FLAKY.lstrip("/"), site.root / "feeds" / "herald-business.xml"
    sink = MemorySink()

    async def poll() -> str:
        [rep] = await run_cycle_plain(settings, [settings.feed("Flaky")], force=True, events=sink)
        return rep.status

    def health() -> list[tuple[str, object]]:
        return [(e.event, e.payload.get("consecutive_failures", e.payload.get("status"))) for e in sink.events
                if e.event in (FEED_FAILING, FEED_RECOVERED)]

    shutil.copy(good, flaky)
    assert await poll() == "ok"  # validators stored
    flaky.unlink()
    for n in range(1, 6):  # failures 1..5: the event at 3 (the default failing_after) only
        assert await poll() == "failed"
        assert health() == ([] if n < 3 else [(FEED_FAILING, 3)]), n
    [failing] = sink.named(FEED_FAILING)
    assert "404" in failing.payload["error"] and failing.payload["last_success"] is not None
    store = Store(db_url)
    assert store.feed_states(["Flaky"])["Flaky"].failing_event_at is not None  # `newsmon feeds` shows it
    shutil.copy(good, flaky)
    assert await poll() == "not_modified"  # same document again: a 304 is a success too
    assert await poll() == "not_modified"
    assert health() == [(FEED_FAILING, 3), (FEED_RECOVERED, "not_modified")]
    [rec] = sink.named(FEED_RECOVERED)
    assert rec.payload["last_success_before"] == failing.payload["last_success"]
    assert store.feed_states(["Flaky"])["Flaky"].failing_event_at is None
    store.close()
    flaky.unlink()
    for _ in range(3):  # a new run of failures is announced again
        await poll()
    assert health()[-1] == (FEED_FAILING, 3) and len(sink.named(FEED_FAILING)) == 2


async def test_without_prefect_a_failure_is_announced_by_the_first_poll_with_it(site, db_url, tmp_path) -> None:
    settings = settings_for(db_url, tmp_path, site)
    for _ in range(4):  # plain cycles (no sink): nothing claimed
        await run_cycle_plain(settings, [settings.feed("Flaky")], force=True)
    store = Store(db_url)
    with store.engine.connect() as conn:
        assert conn.execute(select(Feed.__table__.c.failing_event_at).where(
            Feed.__table__.c.name == "Flaky")).scalar_one() is None
    store.close()
    sink = MemorySink()
    await run_cycle_plain(settings, [settings.feed("Flaky")], force=True, events=sink)
    assert [e.payload["consecutive_failures"] for e in sink.named(FEED_FAILING)] == [5]


def test_feed_claims_are_conditional(store: Store) -> None:
    store.sync_feeds([type("F", (), {"name": "Herald", "url": "https://h.example/rss"})()])
    assert store.claim_feed_failing("Herald", min_failures=3) is None  # 0 failures
    with store.engine.begin() as conn:
        conn.execute(update(Feed.__table__).values(consecutive_failures=4, last_error="permanent: HTTP 410"))
    got = store.claim_feed_failing("Herald", min_failures=3)
    assert got is not None and got.consecutive_failures == 4 and got.last_error == "permanent: HTTP 410"
    assert store.claim_feed_failing("Herald", min_failures=3) is None  # once
    assert store.claim_feed_recovered("Herald") is None  # still failing (count > 0)
    with store.engine.begin() as conn:
        conn.execute(update(Feed.__table__).values(consecutive_failures=0))
    assert store.claim_feed_recovered("Herald") is not None
    assert store.claim_feed_recovered("Herald") is None


# -- review decisions ------------------------------------------------------------------------------

def test_decision_emits_reviewed_with_state_reviewer_and_note_length(store: Store) -> None:
    [aid] = stored(store, published=NOW)
    sink = MemorySink()
    d = decide(store, aid, "escalated", note="  call legal first  ", reviewer="kim", events=sink,
               entity_names={"samsung": "Samsung Electronics"})
    [ev] = sink.named(REVIEWED)
    assert ev.resource["prefect.resource.id"] == f"newsmon.article.{aid}"
    assert ev.resource["newsmon.review.state"] == "escalated"
    assert ev.payload["note_length"] == len("call legal first") and ev.payload["from_state"] == "new"
    assert ev.payload["reviewer"] == "kim" and ev.payload["articles"] == d.changed
    assert "call legal" not in repr(ev)
    assert any(r["prefect.resource.name"] == "Samsung Electronics" for r in ev.related)


@pytest.mark.parametrize("prefect", ["down", "hanging"])
def test_decision_is_stored_when_prefect_is_down_or_hangs(store: Store, prefect: str) -> None:
    [aid] = stored(store, published=NOW)
    if prefect == "down":
        sink = ApiSink(f"http://127.0.0.1:{closed_port()}/api", timeout_s=2.0)
        d = decide(store, aid, "relevant", note="ok", reviewer="kim", events=sink)
        sink.flush(60)
    else:
        with Blackhole() as hole:
            sink = ApiSink(hole.api_url, timeout_s=1.0)
            d = decide(store, aid, "relevant", note="ok", reviewer="kim", events=sink)
            assert store.get_article(aid).review_state == "relevant"  # stored before any answer
            sink.flush(60)
    assert d.state == "relevant" and store.get_article(aid).review_state == "relevant"
    assert store.review_events(aid)[-1].reviewer == "kim"
    assert sink.failed == 1 and sink.emitted == 0 and len(sink.errors) == 1


def test_review_mark_with_prefect_down_exits_0_with_one_warning(store: Store, tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    from tests.cli_helpers import write_config

    [aid] = stored(store, published=NOW)
    cfg = write_config(tmp_path / "newsmon.toml", {"database": {"url": store.url},
                                                   "watchlist": {"path": str(REPO / "watchlists" / "default.toml")},
                                                   "events": {"api_timeout_s": 2.0}})
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(PREFECT_API_URL=f"http://127.0.0.1:{closed_port()}/api", PREFECT_HOME=str(tmp_path / "prefect"))
    proc = subprocess.run([sys.executable, "-m", "newsmon.cli", "review", "mark", str(aid), "--state", "escalated",
                           "--reviewer", "kim", "--config", str(cfg)], env=env, capture_output=True, text=True,
                          timeout=120, cwd=REPO)
    assert proc.returncode == 0, proc.stderr
    assert '"state": "escalated"' in proc.stdout
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("newsmon: warning: event newsmon.story.reviewed"), lines
    assert lines[0].endswith("the decision is stored") and "ConnectError" in lines[0]
    assert store.get_article(aid).review_state == "escalated"


def test_web_decision_with_prefect_down_still_redirects(store: Store, tmp_path: Path) -> None:
    from prefect.settings import PREFECT_API_URL, temporary_settings
    from review.web import create_app
    from tests.web_helpers import DeskClient

    [aid] = stored(store, published=NOW)
    settings = settings_for(store.url, tmp_path)
    with temporary_settings(updates={PREFECT_API_URL: f"http://127.0.0.1:{closed_port()}/api"}):
        app = create_app(settings, store=store, entity_names={})
    with DeskClient(app, base_url="http://127.0.0.1") as client:
        r = client.form(f"/story/{aid}/review", {"state": "escalated", "note": "x"}, follow_redirects=False)
    assert r.status_code == 303 and store.get_article(aid).review_state == "escalated"
