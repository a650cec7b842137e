"""Alerts against a real webhook receiver on 127.0.0.1: exactly once per story cluster and
rule across reruns, retries, Slack-compatible payloads, escaping (SQLite and PostgreSQL)."""
from __future__ import annotations

import shutil
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from flows.cycle import summarize
from flows.runtime import run_cycle_plain
from models.store import Store
from newsmon.errors import ConfigError
from newsmon.sample_server import SAMPLE_SITE, SampleSite
from newsmon.settings import AlertRule, parse_settings
from review.alerts import alert_payload, check_rules, matching_mentions, send_alerts
from review.clusters import cluster_pending
from scrapers.fetch import Fetcher
from tests.db_fixtures import db_url, store  # noqa: F401
from tests.review_corpus import stories
from tests.review_helpers import REPO, WebhookReceiver, entity_names, save

FEEDS = [("Herald", "/feeds/herald-business.xml", "Asia/Seoul"), ("Daily", "/feeds/daily-tech.atom", "UTC"),
         ("Korean", "/feeds/korean.rdf", "Asia/Seoul"), ("Wire", "/feeds/wire.json", "UTC")]
NOW = lambda: datetime.now(timezone.utc)  # noqa: E731


@pytest.fixture
def receiver():
    with WebhookReceiver() as r:
        yield r


@pytest.fixture
def site(tmp_path):
    root = tmp_path / "site"
    shutil.copytree(SAMPLE_SITE, root)
    with SampleSite(root) as s:
        yield s


# The sample site and the corpus carry fixed 2026 publication dates: look back far enough
# that they count as new whatever today's date is (test_old_stories_raise_no_alerts checks
# the look-back itself).
FAR = {"alert_lookback_hours": 24 * 365 * 50}


def settings_for(db_url: str, tmp_path: Path, alerts: list[dict], site: SampleSite | None = None,
                 review: dict | None = None, **fetch):
    return parse_settings({
        "review": FAR if review is None else review,
        "database": {"url": db_url},
        "watchlist": {"path": str(REPO / "watchlists" / "default.toml")},
        # The SSRF guard refuses loopback unless allowed: the receiver and the site live on 127.0.0.1.
        "fetch": {"allow_networks": ["127.0.0.1/32"], "deadline_s": 10.0, "retries": 0,
                  "retry_backoff_s": 0.01, **fetch},
        "poll": {"extract_workers": 0},
        "feeds": [{"name": n, "url": site.url(p), "timezone": tz} for n, p, tz in FEEDS] if site else [],
        "alerts": alerts,
    }, base_dir=tmp_path)


def add_wire_copy(site: SampleSite) -> None:
    """Another outlet runs the Samsung HBM story under its own headline and URL."""
    src = (site.root / "articles" / "samsung-hbm.html").read_text()
    copy = (src.replace("samsung-hbm.html", "samsung-hbm-wire.html")
            .replace("Samsung Electronics wins HBM order as SK hynix expands capacity",
                     "Samsung lands big HBM3E deal from US AI chip designer")
            .replace("<p>Samsung Electronics has won", "<p>SEOUL, Nov. 27 (Wire) -- Samsung Electronics has won"))
    (site.root / "articles" / "samsung-hbm-wire.html").write_text(copy)
    feed = site.root / "feeds" / "wire.json"
    feed.write_text(feed.read_text().replace(
        '"items": [', '"items": [\n    {"id": "wire-2", "url": "{base}/articles/samsung-hbm-wire.html", '
        '"title": "Samsung lands big HBM3E deal", "date_published": "2026-11-27T02:00:00Z"},'))


async def test_exactly_once_per_story_across_cycles(site, receiver, db_url, tmp_path) -> None:
    settings = settings_for(db_url, tmp_path, [
        {"name": "samsung-watch", "webhook": receiver.url("/hooks/samsung"), "entities": ["samsung", "lee_jaeyong"]},
        {"name": "nec-headlines", "webhook": receiver.url("/hooks/nec"), "entities": ["nec"], "title_only": True},
    ], site)
    await run_cycle_plain(settings)
    by_path: dict[str, list[dict]] = {}
    for path, body in receiver.posts:
        by_path.setdefault(path, []).append(body)
    # Two Samsung stories (the HBM order, the Zuckerberg visit) and the NEC story headline.
    assert len(by_path["/hooks/samsung"]) == 2 and len(by_path["/hooks/nec"]) == 1
    titles = sorted(p["blocks"][0]["text"]["text"].split("|", 1)[1].split(">", 1)[0]
                    for p in by_path["/hooks/samsung"])
    assert titles == ["Samsung Electronics wins HBM order as SK hynix expands capacity",
                      "Zuckerberg meets Samsung chief Lee Jae-yong in Seoul to discuss AI chips, XR headsets"]
    for p in receiver.posts:
        body = p[1]
        assert set(body) == {"text", "blocks"} and body["text"].startswith("newsmon [")
        assert body["blocks"][0]["type"] == "section" and body["blocks"][0]["text"]["type"] == "mrkdwn"
        assert body["blocks"][1]["type"] == "context"
        assert f"<{site.base}/articles/" in body["blocks"][0]["text"]["text"]

    # Rerun: nothing new is sent.
    await run_cycle_plain(settings, force=True)
    assert len(receiver.posts) == 3

    # A wire copy of an alerted story arrives: it joins the story, no second alert.
    add_wire_copy(site)
    s3 = summarize(await run_cycle_plain(settings, force=True))
    assert s3["articles_new"] == 1
    assert len(receiver.posts) == 3
    store = Store(settings.database_url)
    rows = {r["url"].removeprefix(site.base): r for r in store.export_rows()}
    assert rows["/articles/samsung-hbm-wire.html"]["cluster_id"] == rows["/articles/samsung-hbm.html"]["cluster_id"]
    log = store.alert_records()
    assert [(a.rule, a.status, a.attempts) for a in log].count(("samsung-watch", "sent", 1)) == 2
    assert all(a.status == "sent" and a.attempts == 1 for a in log) and len(log) == 3
    store.close()


async def test_retry_on_500_then_success_within_one_run(store, receiver, db_url, tmp_path) -> None:
    s = stories()[0]
    save(store, url="https://o.example/1", title=s.title, text="\n\n".join(s.paragraphs), feed="Origin",
         fetched_at=NOW())
    cluster_pending(store, parse_settings({}).review)
    settings = settings_for(db_url, tmp_path, [{"name": "any", "webhook": receiver.url()}], retries=2)
    receiver.fail_next(500, 503)
    async with Fetcher(settings.fetch) as f:
        rep = await send_alerts(store, settings, f, entity_names=entity_names())
    assert (rep.sent, rep.failed) == (1, 0)
    assert len(receiver.failed) == 2 and len(receiver.posts) == 1


async def test_failed_alert_is_retried_next_run_and_then_never_again(store, receiver, db_url, tmp_path) -> None:
    s = stories()[3]
    text = "\n\n".join(s.paragraphs)
    for i in range(2):  # two outlets, one story: one alert
        save(store, url=f"https://o{i}.example/1", title=s.title, text=text, feed=f"Outlet {i}", fetched_at=NOW())
    cluster_pending(store, parse_settings({}).review)
    settings = settings_for(db_url, tmp_path, [{"name": "samsung", "webhook": receiver.url(), "entities": ["samsung"]}])
    receiver.fail_next(500)
    async with Fetcher(settings.fetch) as f:
        r1 = await send_alerts(store, settings, f)
        assert (r1.sent, r1.failed) == (0, 1) and "HTTP 500" in r1.errors[0]
        [rec] = store.alert_records()
        assert rec.status == "failed" and "HTTP 500" in rec.last_error
        r2 = await send_alerts(store, settings, f)
        r3 = await send_alerts(store, settings, f)
    assert (r2.sent, r2.failed, r3.sent, r3.already) == (1, 0, 0, 1)
    assert len(receiver.posts) == 1
    [rec] = store.alert_records()
    assert (rec.status, rec.attempts, rec.last_error) == ("sent", 2, None)
    assert "Also run by 1 other outlet(s): Outlet 1" in receiver.posts[0][1]["blocks"][0]["text"]["text"]


async def test_stale_claim_of_a_crashed_sender_is_taken_over(store, receiver, db_url, tmp_path) -> None:
    s = stories()[0]
    aid = save(store, url="https://o.example/1", title=s.title, text="\n\n".join(s.paragraphs), fetched_at=NOW())
    cluster_pending(store, parse_settings({}).review)
    key = store.get_article(aid).cluster_id
    settings = settings_for(db_url, tmp_path, [{"name": "any", "webhook": receiver.url()}])
    # A sender claimed the story and died before the POST.
    assert store.claim_alert("any", key, aid, stale_before=NOW() - timedelta(minutes=10))
    async with Fetcher(settings.fetch) as f:
        soon = await send_alerts(store, settings, f)
        later = await send_alerts(store, settings, f, now=NOW() + timedelta(seconds=settings.review.alert_claim_timeout_s + 60))
    assert (soon.sent, soon.already, later.sent) == (0, 1, 1)
    assert len(receiver.posts) == 1


def test_concurrent_claims_give_one_sender(db_url) -> None:
    with Store(db_url) as st:
        aid = save(st, url="https://o.example/1", title="Samsung", text="Samsung Electronics said.")
    wins: list[bool] = []
    barrier = threading.Barrier(4)

    def claim() -> None:
        with Store(db_url) as s2:
            barrier.wait()
            wins.append(s2.claim_alert("rule", aid, aid, stale_before=NOW() - timedelta(hours=1)))

    threads = [threading.Thread(target=claim) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(wins) == [False, False, False, True]


def test_rule_matching(store) -> None:
    title = "Samsung Electronics chairman Lee Jae-yong meets Zuckerberg"
    text = ("Samsung Electronics Chairman Lee Jae-yong met Meta CEO Mark Zuckerberg on Wednesday. "
            "Lee said Samsung would supply memory chips. Zuckerberg thanked Lee.")
    aid = save(store, url="https://o.example/1", title=title, text=text, feed="Herald")
    a = store.get_article(aid)
    counts = {m.entity_id: (m.count, m.in_title) for m in a.mentions}
    assert counts["samsung"][0] >= 3 and counts["zuckerberg"][1]

    def ids(**kw) -> list[str]:
        return [m.entity_id for m in matching_mentions(AlertRule(name="r", webhook="http://127.0.0.1/x", **kw), a)]

    assert ids(entities=("samsung",)) == ["samsung"]
    assert ids(entities=("samsung",), min_mentions=99) == []
    assert ids(entities=("meta",), title_only=True) == []  # Meta only in the body
    assert ids(entities=("meta",)) == ["meta"]
    assert ids(feeds=("Daily",)) == []
    assert set(ids(feeds=("Herald",))) == set(counts)
    with pytest.raises(ConfigError, match="unknown entity id.*samsung_electronics"):
        check_rules([AlertRule(name="typo", webhook="http://127.0.0.1/x", entities=("samsung_electronics",))],
                    set(entity_names()))
    with pytest.raises(ConfigError, match="webhook"):
        parse_settings({"alerts": [{"name": "x", "webhook": "file:///etc/passwd"}]})
    with pytest.raises(ConfigError, match="already used"):
        parse_settings({"alerts": [{"name": "x", "webhook": "http://a/"}, {"name": "x", "webhook": "http://b/"}]})


def test_payload_escapes_hostile_text(store) -> None:
    aid = save(store, url="javascript:alert(1)", title="<!channel> Samsung <script>alert(1)</script> & co",
               text="Samsung Electronics <@U123> said <https://evil.example|click here>.", feed="<b>feed</b>")
    a = store.get_article(aid)
    rule = AlertRule(name="r <x>", webhook="http://127.0.0.1/x")
    p = alert_payload(rule, a, matching_mentions(rule, a), store.cluster_members(aid), entity_names())
    blob = repr(p)
    for bad in ("<!channel>", "<script>", "<@U123>", "<https://evil.example", "<b>", "<javascript:"):
        assert bad not in blob, bad
    assert "&lt;!channel&gt; Samsung &lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in p["text"]
    assert len(p["blocks"][0]["text"]["text"]) <= 3000


async def test_old_stories_raise_no_alerts(store, receiver, db_url, tmp_path) -> None:
    """A backfill stores last month's stories today: they are reviewable, but not alerted."""
    s = stories()[0]
    text = "\n\n".join(s.paragraphs)
    save(store, url="https://o.example/old", title=s.title, text=text, published=NOW() - timedelta(days=30),
         fetched_at=NOW())
    fresh = stories()[3]
    save(store, url="https://o.example/new", title=fresh.title, text="\n\n".join(fresh.paragraphs),
         published=NOW() - timedelta(hours=2), fetched_at=NOW())
    cluster_pending(store, parse_settings({}).review)
    settings = settings_for(db_url, tmp_path, [{"name": "any", "webhook": receiver.url()}], review={})
    async with Fetcher(settings.fetch) as f:
        rep = await send_alerts(store, settings, f)
    assert rep.sent == 1 and [b["text"] for _, b in receiver.posts][0].endswith(fresh.title)


async def test_after_cycle_reports_rule_typos_without_failing_the_cycle(site, receiver, db_url, tmp_path) -> None:
    from flows.cycle import poll_batch
    from flows.runtime import open_runtime
    from review.pipeline import after_cycle

    settings = settings_for(db_url, tmp_path, [
        {"name": "typo", "webhook": receiver.url(), "entities": ["samsung_electronics"]}], site)
    async with open_runtime(settings, workers=0) as rt:
        await poll_batch(rt, list(settings.feeds))
        assert len(rt.fingerprints) == 5  # computed beside extraction, waiting for the review step
        out = await after_cycle(rt)
        assert rt.fingerprints == {}
    assert out["clustered"] == 5 and "unknown entity id(s) samsung_electronics" in out["review_error"]
    assert receiver.posts == []


@pytest.mark.prefect
def test_poll_flow_clusters_and_alerts(prefect_harness, site, receiver, tmp_path) -> None:
    """The Prefect flow ``poll-feeds`` calls the review step: its summary says what it did."""
    import asyncio

    from flows.poll import poll_feeds

    db = f"sqlite:///{tmp_path / 'flow.db'}"
    settings = settings_for(db, tmp_path, [{"name": "samsung", "webhook": receiver.url(), "entities": ["samsung"]}],
                            site)
    cfg = tmp_path / "newsmon.toml"
    cfg.write_text(config_text(settings, site), encoding="utf-8")
    summary = asyncio.run(poll_feeds(config_path=str(cfg)))
    # (The review step may run in several passes during the cycle: the figures add up.)
    review = summary["review"]
    assert (review["clustered"], review["joined_stories"], review["alerts_sent"], review["alerts_failed"]) == (5, 0, 2, 0)
    assert "review_error" not in review
    assert len(receiver.posts) == 2


def config_text(settings, site: SampleSite) -> str:
    """The test settings as a config file (the flow takes a config path)."""
    lines = [f'[database]\nurl = "{settings.database.url}"', f'[watchlist]\npath = "{settings.watchlist.path}"',
             '[fetch]\nallow_networks = ["127.0.0.1/32"]\nretries = 0\ndeadline_s = 10.0',
             "[poll]\nextract_workers = 0", f"[review]\nalert_lookback_hours = {FAR['alert_lookback_hours']}"]
    for name, path, tz in FEEDS:
        lines.append(f'[[feeds]]\nname = "{name}"\nurl = "{site.url(path)}"\ntimezone = "{tz}"')
    for a in settings.alerts:
        ents = ", ".join(f'"{e}"' for e in a.entities)
        lines.append(f'[[alerts]]\nname = "{a.name}"\nwebhook = "{a.webhook}"\nentities = [{ents}]')
    return "\n\n".join(lines) + "\n"


ABOUT_SAMSUNG = ("Samsung Electronics raises memory chip prices",
                 ("Samsung Electronics said on Monday it would raise memory chip prices by 20%.\n\n"
                  "Samsung Electronics cited demand from AI data centres. The company expects shortages."))
PASSING_SAMSUNG = ("Seoul shares close higher on exporters",
                   ("Seoul shares rose 1.2% on Tuesday as exporters gained.\n\n"
                   "Carmakers led the rally, and the won firmed against the dollar. Foreign investors were "
                   "net buyers for a third session. Bond yields eased. Retail investors sold. Chemical "
                   "makers lagged. Shipbuilders rose. Banks were flat. Steelmakers fell. Airlines rose.\n\n"
                   "Among large caps, Samsung Electronics was little changed."))


async def test_min_prominence_rule_alerts_only_stories_about_the_entity(store, receiver, db_url, tmp_path) -> None:
    about = save(store, url="https://o.example/about", title=ABOUT_SAMSUNG[0], text=ABOUT_SAMSUNG[1],
                 feed="Herald", fetched_at=NOW())
    passing = save(store, url="https://o.example/passing", title=PASSING_SAMSUNG[0], text=PASSING_SAMSUNG[1],
                   feed="Herald", fetched_at=NOW())
    score = {aid: next(m.prominence for m in store.get_article(aid).mentions if m.entity_id == "samsung")
             for aid in (about, passing)}
    assert score[about] >= 55 > score[passing], score
    rule = {"name": "about-samsung", "webhook": receiver.url("/hooks/about"), "entities": ["samsung"],
            "min_prominence": 55}
    settings = settings_for(db_url, tmp_path, [rule, {**rule, "name": "any-samsung", "min_prominence": None,
                                                      "webhook": receiver.url("/hooks/any")}])
    async with Fetcher(settings.fetch) as f:
        rep = await send_alerts(store, settings, f, entity_names=entity_names())
    assert (rep.sent, rep.failed) == (3, 0)
    by_hook = {}
    for path, body in receiver.posts:
        by_hook.setdefault(path, []).append(body["text"])
    assert len(by_hook["/hooks/any"]) == 2
    [only] = by_hook["/hooks/about"]
    assert ABOUT_SAMSUNG[0] in only
    with pytest.raises(ConfigError, match="min_prominence"):
        settings_for(db_url, tmp_path, [{**rule, "min_prominence": 101}])
