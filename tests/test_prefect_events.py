"""newsmon's events and automations against a real ``prefect server`` on 127.0.0.1.

One module-wide rig: the sample site (plus a feed "Flaky" that 404s until the test puts
it in place), a webhook receiver, a Prefect notification block and a backfill deployment
of our own, and a config whose ``[[automations]]`` use all three kinds of action. Every
newsmon command runs as a subprocess with ``PREFECT_API_URL`` set (as a user runs it), and
the tests read the server's event API (``POST /api/events/filter``) and the receiver.

The Prefect server of tests/prefect_server.py runs the triggers service (automations and
their actions). Prefect's Webhook block refuses private addresses only when told to
(``allow_private_urls = false``, newsmon's default): the receiver is on 127.0.0.1, so the
test config allows them.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

pytest.register_assert_rewrite("tests.prefect_server")
pytest_plugins = ["tests.prefect_server"]  # the shared server

from models.store import Store  # noqa: E402
from newsmon.sample_server import SAMPLE_SITE, SampleSite  # noqa: E402
from tests.prefect_server import REPO, WAIT_S, PrefectServer, api_client  # noqa: E402
from tests.cli_helpers import toml_text  # noqa: E402
from tests.review_helpers import WebhookReceiver  # noqa: E402

pytestmark = pytest.mark.prefect

FLAKY = "/feeds/flaky.xml"
GRACE_S = 6.0  # after the expected calls arrived, how long we keep listening for unexpected ones
ARTIFACTS = REPO / "test-artifacts"
DOCS_SHOT = REPO / "docs" / "prefect-events.png"


def wait_for(what: str, check: Callable[[], object], timeout: float = WAIT_S) -> object:
    """Poll ``check`` until it returns something truthy (never a timing assertion)."""
    deadline = time.monotonic() + timeout
    while True:
        got = check()
        if got:
            return got
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting for {what}", pytrace=False)
        time.sleep(0.5)


@dataclass
class Rig:
    server: PrefectServer
    site: SampleSite
    receiver: WebhookReceiver
    tmp: Path
    config: Path
    db_url: str
    env: dict[str, str]
    tag: str
    deployment: str
    outputs: dict[str, list[str]] = field(default_factory=dict)

    def cli(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        proc = subprocess.run([sys.executable, "-m", "newsmon.cli", *args], env=self.env, cwd=self.tmp,
                              capture_output=True, text=True, timeout=WAIT_S)
        if check:
            assert proc.returncode == 0, f"newsmon {' '.join(args)}: {proc.returncode}\n{proc.stderr[-4000:]}"
        return proc

    def run(self, *extra: str) -> tuple[str, dict]:
        """One ``poll-feeds`` flow run (``newsmon run``): its flow run id and summary line."""
        proc = self.cli("run", "--config", str(self.config), *extra)
        run_id = re.search(r"flow-run/([0-9a-f-]{36})", proc.stderr)
        assert run_id, proc.stderr[-3000:]
        summary = json.loads(proc.stdout.strip().splitlines()[-1])
        return run_id.group(1), summary

    def events(self, **filter_: object) -> list[dict]:
        """Every event of the server matching ``filter_`` (EventFilter fields), oldest first."""
        body: dict = {"filter": {"order": "ASC", **filter_}, "limit": 50}
        url = self.server.api_url + "/events/filter"
        out: list[dict] = []
        with httpx.Client(trust_env=False, timeout=30.0) as http:
            page = http.post(url, json=body).raise_for_status().json()
            while True:
                out.extend(page["events"])
                if not page.get("next_page"):
                    return out
                page = http.get(page["next_page"]).raise_for_status().json()

    def newsmon_events(self, name: str, **filter_: object) -> list[dict]:
        return self.events(event={"name": [name]}, **filter_)

    def posts(self, path: str) -> list[dict]:
        with self.receiver.lock:
            return [body for p, body in self.receiver.posts if p == path]


def _config(site: SampleSite, db_url: str, receiver: WebhookReceiver, tag: str, deployment: str) -> str:
    def hook(name: str) -> dict:  # a Webhook block per automation, on the receiver
        return {"block": f"{tag}-{name}", "url": receiver.url(f"/hook/{name}"), "allow_private_urls": True}

    def automation(name: str, event: str, **rest: object) -> dict:
        return {"name": f"{tag}-{name}", "event": event, **rest}

    flagged, failing = "newsmon.story.flagged", "newsmon.feed.failing"
    return toml_text({
        "database": {"url": db_url},
        "watchlist": {"path": str(REPO / "watchlists" / "default.toml")},
        "fetch": {"allow_networks": ["127.0.0.1/32"], "retries": 0, "deadline_s": 20.0},
        "poll": {"extract_workers": 0, "failing_after": 2},
        # The sample site's stories carry fixed 2026 dates: new, whatever today is.
        "review": {"alert_lookback_hours": 438000},
        "feeds": [{"name": "Daily", "url": site.url("/feeds/daily-tech.atom")},
                  {"name": "Herald", "url": site.url("/feeds/herald-business.xml"), "timezone": "Asia/Seoul"},
                  {"name": "Flaky", "url": site.url(FLAKY)}],
        "automations": [
            automation("all-flags", flagged, webhook=hook("all")),
            automation("hynix", flagged, description="SK hynix stories to the team channel", entities=["sk_hynix"],
                       webhook=hook("hynix")),
            automation("prominent-samsung", flagged, entities=["samsung"], min_prominence=60,
                       webhook=hook("prominent")),
            automation("escalated-samsung", "newsmon.story.reviewed", entities=["samsung"],
                       review_states=["escalated"], webhook=hook("escalated")),
            automation("flaky-failing", failing, feeds=["Flaky"], notify={"block": f"{tag}-notify"}),
            automation("flaky-down", failing, failing_for_minutes=0.2, webhook=hook("down")),
            automation("flaky-backfill", "newsmon.feed.recovered", feeds=["Flaky"], run_deployment={
                "deployment": deployment, "parameters": {
                    "feeds": ["{{ event.resource['newsmon.feed.name'] }}"],
                    "since": "{{ (event.payload.last_success_before or event.payload.failing_since)[:10] }}",
                    "source": "sitemap"}}),
        ]})


@pytest.fixture(scope="module")
def rig(prefect_server: PrefectServer, tmp_path_factory) -> Rig:
    from prefect.blocks.notifications import CustomWebhookNotificationBlock
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from flows.backfill import backfill

    tmp = tmp_path_factory.mktemp("events")
    root = tmp / "site"
    shutil.copytree(SAMPLE_SITE, root)
    tag = "ev" + uuid.uuid4().hex[:6]
    with SampleSite(root) as site, WebhookReceiver() as receiver:
        db_url = f"sqlite:///{tmp / 'newsmon.db'}"
        cfg = tmp / "newsmon.toml"
        dep_name = f"backfill/{tag}"
        with temporary_settings(updates={PREFECT_API_URL: prefect_server.api_url}):
            # An existing notification block (as a user makes in the UI) and a deployment
            # that nobody serves: the recovered automation creates a flow run of it.
            CustomWebhookNotificationBlock(
                name="newsmon tests", url=receiver.url("/notify"), allow_private_urls=True,
                json_data={"subject": "{{subject}}", "body": "{{body}}"}).save(f"{tag}-notify")
            backfill.to_deployment(name=tag, parameters={"config_path": str(cfg)}).apply()
        cfg.write_text(_config(site, db_url, receiver, tag, dep_name), encoding="utf-8")
        env = prefect_server.client_env(tmp / "client-home")
        yield Rig(prefect_server, site, receiver, tmp, cfg, db_url, env, tag, dep_name)


@pytest.fixture(scope="module")
def applied(rig: Rig) -> list[list[dict]]:
    """``newsmon automations apply`` twice."""
    outs = []
    for _ in range(2):
        proc = rig.cli("automations", "apply", "--config", str(rig.config))
        outs.append([json.loads(line) for line in proc.stdout.splitlines()])
    return outs


@pytest.fixture(scope="module")
def first_poll(rig: Rig, applied) -> tuple[str, dict]:
    """A poll of the three feeds: two new flagged stories; Flaky fails for the first time."""
    return rig.run()


# -- automations apply / list ------------------------------------------------------------------

def test_apply_twice_leaves_one_automation_per_name(rig: Rig, applied) -> None:
    first, second = applied
    names = [f"{rig.tag}-{n}" for n in ("all-flags", "hynix", "prominent-samsung", "escalated-samsung",
                                        "flaky-failing", "flaky-down", "flaky-backfill")]
    assert [r["name"] for r in first] == names and {r["event"] for r in first} == {"created"}
    assert [r["name"] for r in second] == names and {r["event"] for r in second} == {"unchanged"}
    assert [r["id"] for r in first] == [r["id"] for r in second]
    with api_client(rig.server) as client:
        for name in names:
            assert len(client.read_automations_by_name(name)) == 1, name
        hynix = client.read_automations_by_name(f"{rig.tag}-hynix")[0]
        block = client.read_block_document_by_name(f"{rig.tag}-hynix", block_type_slug="webhook")
    # The URL (the secret) is in the block only; the automation names the block.
    dumped = hynix.model_dump_json()
    assert rig.receiver.url("/hook/hynix") not in dumped and str(block.id) in dumped
    assert block.data["url"] == rig.receiver.url("/hook/hynix")  # read with secrets, from the block
    assert hynix.trigger.match_related[0].root == {"prefect.resource.role": "entity",
                                                   "prefect.resource.id": ["newsmon.entity.sk_hynix"]}
    assert hynix.description == "SK hynix stories to the team channel" and "newsmon" in hynix.tags

    # A changed automation is updated in place: same id, one automation.
    text = rig.config.read_text()
    rig.config.write_text(text.replace("SK hynix stories to the team channel", "SK hynix, team channel"))
    try:
        out = [json.loads(x) for x in rig.cli("automations", "apply", "--config", str(rig.config)).stdout.splitlines()]
    finally:
        rig.config.write_text(text)
    row = next(r for r in out if r["name"] == f"{rig.tag}-hynix")
    assert row["event"] == "updated" and row["id"] == str(hynix.id)
    rig.cli("automations", "apply", "--config", str(rig.config))

    listed = [json.loads(x) for x in rig.cli("automations", "list", "--config", str(rig.config)).stdout.splitlines()]
    mine = {r["name"]: r for r in listed if r["name"].startswith(rig.tag)}
    assert sorted(mine) == sorted(names) and all(r["in_config"] for r in mine.values())
    down = mine[f"{rig.tag}-flaky-down"]["trigger"]
    assert down["posture"] == "Proactive" and down["after"] == ["newsmon.feed.failing"]
    assert down["expect"] == ["newsmon.feed.recovered"] and down["within_s"] == 12.0
    assert mine[f"{rig.tag}-flaky-backfill"]["actions"][0]["type"] == "run-deployment"


def test_apply_refuses_unknown_blocks_deployments_and_entities_in_one_line(rig: Rig, applied) -> None:
    base = rig.config.read_text()
    cases = {
        "unknown notification block": (f'block = "{rig.tag}-notify"', 'block = "no-such-block"',
                                       "unknown block 'no-such-block'"),
        "unknown deployment": (f'deployment = "{rig.deployment}"', 'deployment = "backfill/nope"',
                               "unknown deployment 'backfill/nope'"),
        "unknown entity": ('entities = ["sk_hynix"]', 'entities = ["sk_hynixx"]', "unknown entity id(s) sk_hynixx"),
        "bad parameter": ('source = "sitemap"', 'sauce = "sitemap"', "bad parameter(s) sauce"),
    }
    with api_client(rig.server) as client:
        before = {a.name: a.model_dump_json() for a in client.read_automations()}
    for case, (old, new, expected) in cases.items():
        bad = rig.tmp / "bad.toml"
        bad.write_text(base.replace(old, new))
        proc = rig.cli("automations", "apply", "--config", str(bad), check=False)
        err = proc.stderr.strip()
        assert proc.returncode == 2 and "\n" not in err and expected in err, (case, err)
    with api_client(rig.server) as client:
        assert {a.name: a.model_dump_json() for a in client.read_automations()} == before  # nothing written


# -- events of a poll cycle ------------------------------------------------------------------------

def test_poll_cycle_events_appear_with_resources_and_payloads(rig: Rig, first_poll) -> None:
    run_id, summary = first_poll
    assert summary["flagged"] == 2 and summary["review"]["events_flagged"] == 2
    of_run = {"related": {"id": [f"prefect.flow-run.{run_id}"]}}
    flagged = wait_for("2 story.flagged events", lambda: (
        ev if len(ev := rig.newsmon_events("newsmon.story.flagged", **of_run)) >= 2 else None))
    store = Store(rig.db_url)
    try:
        stored = {a.id: a for a in store.iter_articles() if a.mentions}
    finally:
        store.close()
    assert len(flagged) == 2  # one per article, however many entities and mentions it has
    assert sum(len(a.mentions) for a in stored.values()) > 2
    by_id = {ev["resource"]["prefect.resource.id"]: ev for ev in flagged}
    assert set(by_id) == {f"newsmon.article.{i}" for i in stored}
    for aid, art in stored.items():
        ev = by_id[f"newsmon.article.{aid}"]
        assert ev["resource"]["prefect.resource.name"] == art.title
        roles: dict[str, list[str]] = {}
        for r in ev["related"]:
            roles.setdefault(r.get("prefect.resource.role"), []).append(r["prefect.resource.id"])
        assert sorted(roles["entity"]) == sorted(f"newsmon.entity.{m.entity_id}" for m in art.mentions)
        assert roles["feed"] == [f"newsmon.feed.{art.feed}"]
        assert roles["story"] == [f"newsmon.story.{art.cluster_id}"]
        assert roles["flow-run"] == [f"prefect.flow-run.{run_id}"]  # related to the run by Prefect
        assert "flow" in roles
        p = ev["payload"]
        assert p["url"] == art.url and p["cluster_id"] == art.cluster_id and p["feed"] == art.feed
        assert sorted(p["entities"]) == sorted(m.entity_id for m in art.mentions)
        assert p["published"] == art.published.isoformat().replace("+00:00", "Z")
        assert p["snippet"] and p["snippet"] in {m.snippet for m in art.mentions}
        # the story's prominence: its most prominent flag, as stored
        assert p["prominence"] == max(m.prominence for m in art.mentions)
    [cycle] = wait_for("cycle.completed", lambda: rig.newsmon_events("newsmon.cycle.completed", **of_run))
    counts = cycle["payload"]["counts"]
    for key in ("feeds", "feeds_ok", "feeds_failed", "articles_new", "articles_duplicate", "flagged"):
        assert counts[key] == summary[key], key
    assert counts["review"]["events_flagged"] == 2
    assert cycle["resource"]["newsmon.cycle.kind"] == "poll"
    assert cycle["payload"]["failed_feeds"] == ["Flaky"]
    assert any(r["prefect.resource.id"] == "newsmon.feed.Flaky" for r in cycle["related"])


def test_entity_filtered_webhook_is_called_once_for_the_matching_story(rig: Rig, first_poll) -> None:
    store = Store(rig.db_url)
    try:
        hynix = [a for a in store.iter_articles() if "sk_hynix" in a.entities]
    finally:
        store.close()
    assert len(hynix) == 1
    wait_for("the catch-all automation's 2 calls", lambda: len(rig.posts("/hook/all")) >= 2)
    wait_for("the sk_hynix automation's call", lambda: rig.posts("/hook/hynix"))
    time.sleep(GRACE_S)  # any call for the other story would have arrived by now
    calls = rig.posts("/hook/hynix")
    assert len(calls) == 1, calls
    text = calls[0]["text"]  # the default Slack-compatible body
    assert text.startswith("[newsmon.story.flagged] ") and hynix[0].url in text
    assert (hynix[0].title or "").replace("&", "&amp;") in text
    assert len(rig.posts("/hook/all")) == 2

    # A second cycle finds nothing new and announces nothing again.
    run_id, summary = rig.run("--feed", "Daily", "--feed", "Herald")
    assert summary["review"].get("events_flagged", 0) == 0
    wait_for("the second cycle's cycle.completed", lambda: rig.newsmon_events(
        "newsmon.cycle.completed", related={"id": [f"prefect.flow-run.{run_id}"]}))
    assert len(rig.newsmon_events("newsmon.story.flagged")) == 2


def test_min_prominence_filter_matches_on_the_server(rig: Rig, first_poll) -> None:
    """Stories carry the prominence stored with their flags: the polled stories fire the
    automation exactly when Samsung's stored score is 60 or more. Two story events with set
    scores, sent to the server as newsmon builds them, show the filter at its edge: Samsung
    at 75 passes ``min_prominence = 60``, Samsung at 59 (with another entity at 90) does not."""
    from types import SimpleNamespace

    from models.records import MentionRecord
    from newsmon.events import flagged_event, post_events

    def story(aid: int, scores: dict[str, int]) -> SimpleNamespace:
        mentions = []
        for entity, score in scores.items():
            m = MentionRecord(entity, 2, False, f"{entity} said", f"{entity} ×2")
            m.prominence = score  # type: ignore[attr-defined]
            mentions.append(m)
        return SimpleNamespace(id=aid, url=f"https://news.example/p{aid}", title=f"Prominence story {aid}",
                               feed="Herald", published=None, fetched_at=None, language="en", cluster_id=aid,
                               mentions=mentions)

    store = Store(rig.db_url)
    score = {a.url: max((m.prominence for m in a.mentions if m.entity_id == "samsung" and m.prominence is not None),
                        default=None) for a in store.iter_articles()}
    store.close()
    assert any(v is not None for v in score.values())  # the polled flags were scored and stored
    post_events(rig.server.api_url, [flagged_event(story(900001, {"samsung": 75})),
                                     flagged_event(story(900002, {"samsung": 59, "lg": 90}))], timeout_s=30)
    wait_for("the min_prominence automation",
             lambda: any("https://news.example/p900001" in c["text"] for c in rig.posts("/hook/prominent")))
    time.sleep(GRACE_S)
    texts = [c["text"] for c in rig.posts("/hook/prominent")]
    assert sum("news.example/p900001" in t for t in texts) == 1 and not any("news.example/p900002" in t for t in texts)
    polled = [t for t in texts if "news.example/p9" not in t]
    for t in polled:  # each polled story that fired has Samsung at 60 or more
        [url] = [u for u in score if u in t]
        assert score[url] is not None and score[url] >= 60, (url, score[url])


# -- feed health ---------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def flaky_sequence(rig: Rig, first_poll) -> dict:
    """Flaky fails 3 polls in a row (failing_after = 2), is left failing long enough for the
    proactive automation, then comes back for 2 polls."""
    runs = []
    for _ in range(2):  # failures 2 (the threshold) and 3
        runs.append(rig.run("--feed", "Flaky", "--force"))
    wait_for("the 'failing for 12 s' automation", lambda: rig.posts("/hook/down"))
    shutil.copy(rig.site.root / "feeds" / "herald-business.xml", rig.site.root / FLAKY.lstrip("/"))
    for _ in range(2):  # recovered, then simply ok
        runs.append(rig.run("--feed", "Flaky", "--force"))
    return {"runs": runs}


def test_failing_feed_raises_failing_once_and_recovered_once(rig: Rig, flaky_sequence) -> None:
    runs = flaky_sequence["runs"]
    assert [s["feeds_failed"] for _, s in runs] == [1, 1, 0, 0]
    feed = {"resource": {"id": ["newsmon.feed.Flaky"]}}
    events = wait_for("failing and recovered", lambda: (
        ev if len(ev := rig.events(event={"prefix": ["newsmon.feed."]}, **feed)) >= 2 else None))
    time.sleep(GRACE_S)
    events = rig.events(event={"prefix": ["newsmon.feed."]}, **feed)
    assert [e["event"] for e in events] == ["newsmon.feed.failing", "newsmon.feed.recovered"]
    failing, recovered = events
    # failing: raised by the second failed poll (the threshold), not by the first or third
    first_run = [r["prefect.resource.id"] for r in failing["related"] if r.get("prefect.resource.role") == "flow-run"]
    assert first_run == [f"prefect.flow-run.{runs[0][0]}"]
    p = failing["payload"]
    assert p["consecutive_failures"] == 2 and p["failing_after"] == 2 and "404" in p["error"]
    assert p["url"] == rig.site.url(FLAKY) and p["last_success"] is None
    assert failing["resource"]["newsmon.feed.name"] == "Flaky"
    rec_run = [r["prefect.resource.id"] for r in recovered["related"] if r.get("prefect.resource.role") == "flow-run"]
    assert rec_run == [f"prefect.flow-run.{runs[2][0]}"]
    assert recovered["payload"]["failing_since"] and recovered["payload"]["failing_for_s"] > 0
    assert recovered["payload"]["status"] == "ok"

    # The actions: a notification through the existing block, once; the proactive automation
    # ("failing for 12 s") once; a backfill flow run of the recovered feed, parameters templated.
    wait_for("the notification", lambda: rig.posts("/notify"))
    with api_client(rig.server) as client:
        from prefect.client.schemas.filters import DeploymentFilter, DeploymentFilterName

        def backfill_runs() -> list:
            return client.read_flow_runs(deployment_filter=DeploymentFilter(
                name=DeploymentFilterName(any_=[rig.tag])))
        [run] = wait_for("the backfill flow run", backfill_runs)
    time.sleep(GRACE_S)
    [note] = rig.posts("/notify")
    assert "Flaky" in note["subject"] and "404" in note["body"]
    assert len(rig.posts("/hook/down")) == 1 and "Flaky" in rig.posts("/hook/down")[0]["text"]
    assert run.parameters["feeds"] == ["Flaky"] and run.parameters["source"] == "sitemap"
    assert run.parameters["since"] == recovered["payload"]["failing_since"][:10]
    assert run.parameters["config_path"] == str(rig.config)
    with api_client(rig.server) as client:
        assert len(backfill_runs()) == 1


# -- review decisions ----------------------------------------------------------------------------

NOTE = "Confidential: call the desk before filing"


@pytest.fixture(scope="module")
def reviewed(rig: Rig, first_poll) -> tuple[object, subprocess.CompletedProcess]:
    """``newsmon review mark`` (not a flow run) escalates the SK hynix / Samsung story."""
    store = Store(rig.db_url)
    try:
        art = next(a for a in store.iter_articles() if "samsung" in a.entities and "sk_hynix" in a.entities)
    finally:
        store.close()
    proc = rig.cli("review", "mark", str(art.id), "--state", "escalated", "--note", NOTE, "--reviewer", "kim",
                   "--config", str(rig.config))
    return art, proc


def test_review_decision_emits_reviewed_without_the_note(rig: Rig, reviewed) -> None:
    art, proc = reviewed
    note = NOTE
    assert json.loads(proc.stdout)["state"] == "escalated" and "warning" not in proc.stderr
    [ev] = wait_for("story.reviewed", lambda: rig.newsmon_events(
        "newsmon.story.reviewed", resource={"id": [f"newsmon.article.{art.id}"]}))
    assert ev["resource"]["newsmon.review.state"] == "escalated"
    p = ev["payload"]
    assert p["state"] == "escalated" and p["reviewer"] == "kim" and p["note_length"] == len(note)
    assert p["from_state"] == "new" and p["scope"] == "cluster" and art.id in p["articles"]
    assert note not in json.dumps(ev) and "Confidential" not in json.dumps(ev)
    assert {r["prefect.resource.id"] for r in ev["related"]} >= {"newsmon.entity.samsung",
                                                                  f"newsmon.feed.{art.feed}"}
    [call] = wait_for("the escalated-samsung automation", lambda: rig.posts("/hook/escalated"))
    assert "kim marked" in call["text"] and "escalated" in call["text"]


# -- the Event Feed in the UI ---------------------------------------------------------------------

@pytest.mark.browser
def test_event_feed_shows_newsmon_events(rig: Rig, first_poll, flaky_sequence, reviewed) -> None:
    from tests.test_prefect_ui import CHROMIUM, FLAGS, _need_chromium

    _need_chromium()
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "prefect-events.png"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1700})
            # The Event Feed of the past day with the page's own filter: newsmon's story and
            # feed events (cycle.completed left out of the picture, it is in every run).
            shown = ["newsmon.story.flagged", "newsmon.story.reviewed", "newsmon.feed.failing",
                     "newsmon.feed.recovered"]
            page.goto(rig.server.url + "/events?" + "&".join(f"events={e}" for e in shown),
                      wait_until="domcontentloaded")
            try:
                for text in ("newsmon.article.", "newsmon.feed.Flaky"):
                    page.get_by_text(text, exact=False).first.wait_for(state="visible", timeout=90_000)
            finally:
                page.screenshot(path=str(shot), full_page=False)
            body = page.inner_text("body")
        finally:
            browser.close()
    # Each name once in the filter chips, and at least once more on an event of the feed.
    assert all(body.count(e) >= 2 for e in shown) and "newsmon.feed.Flaky" in body
    assert "prefect.automation" not in body  # only newsmon's events
    if os.environ.get("NEWSMON_UPDATE_DOCS") == "1":
        shutil.copy(shot, DOCS_SHOT)
    assert DOCS_SHOT.exists(), "run once with NEWSMON_UPDATE_DOCS=1 to put the screenshot in docs/"
