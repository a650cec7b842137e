"""Events and automations without a server: the config's ``[[automations]]`` (one-line
errors), the triggers they become, the events newsmon builds, and the sinks' promise that
a Prefect that is down or hangs never blocks or fails the caller."""
from __future__ import annotations

import json
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from types import SimpleNamespace

import pytest

from models.records import MentionRecord
from newsmon.automations import at_least, trigger_for
from newsmon.errors import ConfigError
from newsmon.events import (
    FLAGGED,
    ApiSink,
    NullSink,
    api_sink,
    cycle_event,
    event_model,
    feed_failing_event,
    feed_recovered_event,
    flagged_event,
    reviewed_event,
    run_sink,
)
from newsmon.settings import load_settings, parse_settings
from tests.event_helpers import Blackhole, closed_port

UTC = timezone.utc
T0 = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)


def mention(entity: str, count: int = 1, *, prominence: int | None = None, in_title: bool = False,
            snippet: str = "") -> MentionRecord:
    m = MentionRecord(entity_id=entity, count=count, in_title=in_title, snippet=snippet, reason=f"{entity} ×{count}")
    if prominence is not None:
        m.prominence = prominence  # type: ignore[attr-defined] - the field the prominence work adds
    return m


def article(**kw) -> SimpleNamespace:
    base = dict(id=7, url="https://news.example/a/7", title="Samsung wins <HBM> order", feed="Herald",
                published=T0, fetched_at=T0 + timedelta(minutes=5), language="en", cluster_id=3,
                mentions=[mention("samsung", 3, in_title=True, snippet="Samsung won an order."),
                          mention("sk_hynix", 1, snippet="SK hynix lost it.")])
    base.update(kw)
    return SimpleNamespace(**base)


# -- the config's [[automations]] ------------------------------------------------------------------

FEEDS = '[[feeds]]\nname = "Herald"\nurl = "https://h.example/rss"\n'
HOOK = '[automations.webhook]\nblock = "team-hook"\nurl = "https://hooks.slack.com/services/T/B/X"\n'


@pytest.mark.parametrize("body,key,message", [
    ('event = "newsmon.story.flaged"\n', "automations[0].event",
     "unknown event 'newsmon.story.flaged'; did you mean 'newsmon.story.flagged'?"),
    ('event = "newsmon.feed.failing"\nentities = ["samsung"]\n', "automations[0].entities",
     "bad filter: entities applies to newsmon.story.flagged and newsmon.story.reviewed only"),
    ('event = "newsmon.cycle.completed"\nfeeds = ["Herald"]\n', "automations[0].feeds",
     "bad filter: feeds applies to story and feed events only"),
    ('event = "newsmon.story.flagged"\nfeeds = ["Herold"]\n', "automations[0].feeds",
     "bad filter: unknown feed(s) 'Herold'"),
    ('event = "newsmon.story.flagged"\nreview_states = ["escalated"]\n', "automations[0].review_states",
     "bad filter: review_states applies to newsmon.story.reviewed only"),
    ('event = "newsmon.story.reviewed"\nreview_states = ["urgent"]\n', "automations[0].review_states",
     "unknown review state(s) urgent"),
    ('event = "newsmon.story.flagged"\nmin_prominence = 120\n', "automations[0].min_prominence",
     "less than or equal to 100"),
    ('event = "newsmon.story.flagged"\nthreshold = 3\n', "automations[0].within_minutes",
     "threshold = 3 needs within_minutes"),
    ('event = "newsmon.feed.recovered"\nfailing_for_minutes = 30\n', "automations[0].failing_for_minutes",
     "failing_for_minutes applies to newsmon.feed.failing only"),
    ('event = "newsmon.feed.failing"\nfailing_for_minutes = 0.1\n', "automations[0].failing_for_minutes",
     "greater than or equal to"),
])
def test_bad_automation_is_one_line_naming_file_line_and_key(tmp_path: Path, body: str, key: str,
                                                              message: str) -> None:
    cfg = tmp_path / "newsmon.toml"
    cfg.write_text(FEEDS + '\n[[automations]]\nname = "a"\n' + body + HOOK, encoding="utf-8")
    with pytest.raises(ConfigError) as e:
        load_settings(cfg)
    line = str(e.value)
    assert "\n" not in line and f"key {key}:" in line and message in line, line
    assert line.startswith(f"{cfg}:"), line  # file:line of the key


@pytest.mark.parametrize("table,message", [
    ("", "automation 'a' has no action"),
    ('[automations.webhook]\nblock = "Team Hook"\n', "is not a block name"),
    ('[automations.webhook]\nblock = "x"\nurl = "ftp://x/"\n', "must be an http:// or https:// URL"),
    ('[automations.webhook]\nblock = "x"\nurl = "https://x/"\nurl_env = "X"\n', "give url or url_env, not both"),
    ('[automations.run_deployment]\ndeployment = "backfill"\n', "is not a deployment name like 'backfill/newsmon'"),
    ('[automations.notify]\nblok = "x"\n', "did you mean 'block'?"),
])
def test_bad_action_is_one_line(tmp_path: Path, table: str, message: str) -> None:
    cfg = tmp_path / "newsmon.toml"
    cfg.write_text(FEEDS + '\n[[automations]]\nname = "a"\nevent = "newsmon.story.flagged"\n' + table)
    with pytest.raises(ConfigError) as e:
        load_settings(cfg)
    assert "\n" not in str(e.value) and message in str(e.value), str(e.value)


def test_duplicate_automation_names_are_refused() -> None:
    rule = {"name": "a", "event": "newsmon.story.flagged", "webhook": {"block": "b"}}
    with pytest.raises(ConfigError, match="automation name 'a' is already used by automations"):
        parse_settings({"automations": [rule, rule]})


# -- triggers ---------------------------------------------------------------------------------------

def rule(**kw):
    return parse_settings({"feeds": [{"name": "Herald", "url": "https://h.example/rss"},
                                     {"name": "Yonhap", "url": "https://y.example/rss"}],
                           "automations": [{"name": "a", "webhook": {"block": "b"}, **kw}]}).automations[0]


def test_prominence_threshold_patterns_match_exactly_the_scores_at_or_above_it() -> None:
    from prefect.server.events.schemas.events import matches  # the server's own label matching

    for t in range(101):
        pats = at_least(t)
        assert len(pats) <= 3
        assert [v for v in range(101) if any(matches(p, str(v)) for p in pats)] == list(range(t, 101)), t
    with pytest.raises(ValueError):
        at_least(101)


def test_story_trigger_filters_by_entity_prominence_and_feed_on_related_resources() -> None:
    t = trigger_for(rule(event="newsmon.story.flagged", entities=["samsung", "lee_jaeyong"], min_prominence=60,
                         feeds=["Yonhap"], threshold=3, within_minutes=60))
    assert t["posture"] == "Reactive" and t["expect"] == [FLAGGED] and t["threshold"] == 3 and t["within"] == 3600
    assert t["match"] == {"prefect.resource.id": "newsmon.article.*"}
    entity, feed = t["match_related"]
    # One related resource must be one of the entities AND that prominent (not any entity).
    assert entity == {"prefect.resource.role": "entity",
                      "prefect.resource.id": ["newsmon.entity.samsung", "newsmon.entity.lee_jaeyong"],
                      "newsmon.prominence": ["[6-9][0-9]", "100"]}
    assert feed == {"prefect.resource.role": "feed", "prefect.resource.id": ["newsmon.feed.Yonhap"]}
    # Without entities, the story's own prominence (its most prominent entity).
    t = trigger_for(rule(event="newsmon.story.flagged", min_prominence=75))
    assert t["match"]["newsmon.prominence"] == ["7[5-9]", "[8-9][0-9]", "100"] and t["match_related"] == {}


def test_trigger_json_is_accepted_by_prefects_server_schema() -> None:
    """The server validates what the client sends: check against its own models."""
    from prefect.server.events.schemas.automations import AutomationCore

    for kw in ({"event": "newsmon.story.flagged", "entities": ["samsung"], "min_prominence": 5},
               {"event": "newsmon.story.reviewed", "review_states": ["escalated"], "entities": ["samsung"]},
               {"event": "newsmon.feed.failing", "failing_for_minutes": 60, "feeds": ["Herald"]},
               {"event": "newsmon.feed.failing", "threshold": 2, "within_minutes": 30},
               {"event": "newsmon.cycle.completed"}, {"event": "newsmon.backfill.completed"}):
        t = trigger_for(rule(**kw))
        AutomationCore.model_validate({"name": "a", "trigger": t, "actions": [{"type": "do-nothing"}]})


def test_feed_names_with_glob_characters_match_only_themselves() -> None:
    from prefect.server.events.schemas.events import matches

    from newsmon.automations import literal

    for name in ("Yonhap [EN]", "Herald * Business", "Is it? news", "plain"):
        pat = literal(f"newsmon.feed.{name}")
        assert matches(pat, f"newsmon.feed.{name}")
        assert not any(matches(pat, f"newsmon.feed.{other}") for other in ("Yonhap E", "Herald X Business",
                                                                          "Is itX news", "plainer"))
    cfg = parse_settings({"feeds": [{"name": "Yonhap [EN]", "url": "https://y.example/rss"}], "automations": [
        {"name": "a", "event": "newsmon.feed.failing", "feeds": ["Yonhap [EN]"], "webhook": {"block": "b"}}]})
    assert trigger_for(cfg.automations[0])["match"]["prefect.resource.id"] == ["newsmon.feed.Yonhap [[]EN]"]


def test_failing_for_minutes_is_a_proactive_trigger_per_feed() -> None:
    t = trigger_for(rule(event="newsmon.feed.failing", failing_for_minutes=60, feeds=["Herald", "Yonhap"]))
    assert t["posture"] == "Proactive" and t["after"] == ["newsmon.feed.failing"]
    assert t["expect"] == ["newsmon.feed.recovered"] and t["within"] == 3600 and t["for_each"] == ["prefect.resource.id"]
    assert t["match"] == {"prefect.resource.id": ["newsmon.feed.Herald", "newsmon.feed.Yonhap"]}
    assert trigger_for(rule(event="newsmon.backfill.completed"))["match"]["newsmon.cycle.kind"] == "backfill-*"
    review = trigger_for(rule(event="newsmon.story.reviewed", review_states=["escalated", "relevant"]))
    assert review["match"]["newsmon.review.state"] == ["escalated", "relevant"]


# -- the events -------------------------------------------------------------------------------------

def test_flagged_event_one_per_article_with_resources_and_payload() -> None:
    art = article()
    ev = flagged_event(art, {"samsung": "Samsung Electronics"}, snippet_max=12)
    assert ev.event == FLAGGED
    assert ev.resource == {"prefect.resource.id": "newsmon.article.7", "prefect.resource.name": art.title}
    assert [(r["prefect.resource.id"], r["prefect.resource.role"]) for r in ev.related] == [
        ("newsmon.entity.samsung", "entity"), ("newsmon.entity.sk_hynix", "entity"),
        ("newsmon.feed.Herald", "feed"), ("newsmon.story.3", "story")]
    assert ev.related[0]["prefect.resource.name"] == "Samsung Electronics"
    p = ev.payload
    assert p["url"] == art.url and p["published"] == "2026-11-27T03:00:00Z" and p["cluster_id"] == 3
    assert p["entities"] == ["samsung", "sk_hynix"] and p["snippet"] == "Samsung won…"
    assert p["prominence"] is None and p["mentions"][0]["prominence"] is None
    assert "newsmon.prominence" not in ev.resource
    event_model(ev)  # a valid prefect Event


def test_prominence_labels_when_the_matcher_scores_it() -> None:
    art = article(mentions=[mention("samsung", 3, prominence=82), mention("sk_hynix", 9, prominence=35),
                            mention("lg", 1)])
    ev = flagged_event(art)
    assert ev.resource["newsmon.prominence"] == "82" and ev.payload["prominence"] == 82
    ents = [r for r in ev.related if r["prefect.resource.role"] == "entity"]
    # Most prominent first; unscored last, without the label.
    assert [(r["prefect.resource.id"], r.get("newsmon.prominence")) for r in ents] == [
        ("newsmon.entity.samsung", "82"), ("newsmon.entity.sk_hynix", "35"), ("newsmon.entity.lg", None)]


def test_many_entities_stay_within_prefects_limits() -> None:
    """Prefect allows 100 related resources and 1.5 MB per event: a story flagging 300
    entities relates the 50 most prominent and says how many were left out."""
    art = article(title="x" * 5000, mentions=[mention(f"e{i}", i + 1, prominence=i % 101, snippet="s" * 10_000)
                                              for i in range(300)])
    ev = flagged_event(art, max_entities=50)
    ents = [r for r in ev.related if r["prefect.resource.role"] == "entity"]
    assert len(ents) == 50 and ev.payload["entities_not_related"] == 250
    assert all(int(r["newsmon.prominence"]) == 100 for r in ents[:2])
    assert len(ev.resource["prefect.resource.name"]) <= 200 and len(ev.payload["snippet"]) <= 400
    assert event_model(ev).size_bytes < 1_500_000


def test_reviewed_event_carries_the_note_length_never_the_note() -> None:
    ev = reviewed_event(article(), state="escalated", reviewer="kim", note="secret source: J.", scope="cluster",
                        changed=[7, 9], from_state="new")
    assert ev.resource["newsmon.review.state"] == "escalated"
    assert ev.payload["note_length"] == len("secret source: J.") and ev.payload["articles"] == [7, 9]
    assert "secret" not in json.dumps(ev.payload) + json.dumps(ev.resource) + json.dumps(ev.related)
    assert ev.payload["summary"] == "kim marked Samsung wins <HBM> order as escalated"


def test_feed_and_cycle_events() -> None:
    f = feed_failing_event("Herald", "https://h.example/rss", failures=3, error="permanent: HTTP 404",
                           http_status=404, last_success_at=T0, failing_after=3)
    assert f.resource["prefect.resource.id"] == "newsmon.feed.Herald" and f.resource["newsmon.feed.name"] == "Herald"
    assert f.payload["error"] == "permanent: HTTP 404" and f.payload["last_success"] == "2026-11-27T03:00:00Z"
    r = feed_recovered_event("Herald", "https://h.example/rss", failing_since=T0, status="not_modified",
                             last_success_before=T0 - timedelta(hours=1), at=T0 + timedelta(minutes=90))
    assert r.payload["failing_for_s"] == 5400.0 and r.payload["last_success_before"] == "2026-11-27T02:00:00Z"
    summary = {"feeds": 3, "feeds_failed": 1, "articles_new": 4, "flagged": 2, "failures": [{"feed": "Herald",
               "error": "x"}], "flagged_stories": [{"url": "u"}], "review": {"clustered": 4, "alert_errors": []},
               "by_feed": {f"f{i}": {"new": i} for i in range(100)}}
    c = cycle_event("poll", 12, summary)
    assert c.event == "newsmon.cycle.completed" and c.resource["newsmon.cycle.kind"] == "poll"
    assert c.payload["counts"] == {"feeds": 3, "feeds_failed": 1, "articles_new": 4, "flagged": 2,
                                   "review": {"clustered": 4}}
    assert c.payload["failed_feeds"] == ["Herald"] and c.related[0]["prefect.resource.role"] == "failed-feed"
    b = cycle_event("backfill-sitemap", 13, {"articles_new": 10_000, "flagged": 900})
    assert b.event == "newsmon.backfill.completed" and b.resource["prefect.resource.id"] == "newsmon.cycle.13"


# -- sinks: never block, never fail the caller -----------------------------------------------------

def test_outside_a_flow_run_and_without_an_api_nothing_is_sent(monkeypatch) -> None:
    from prefect.settings import PREFECT_API_URL, temporary_settings

    settings = parse_settings({})
    assert isinstance(run_sink(settings), NullSink)  # no flow run: nothing to relate events to
    with temporary_settings(updates={PREFECT_API_URL: None}):
        assert isinstance(api_sink(settings), NullSink)
    with temporary_settings(updates={PREFECT_API_URL: "http://127.0.0.1:9/api"}):
        assert isinstance(api_sink(settings), ApiSink)
        assert isinstance(api_sink(parse_settings({"events": {"enabled": False}})), NullSink)


def test_api_sink_to_a_down_prefect_reports_one_line_and_raises_nothing() -> None:
    sink = ApiSink(f"http://127.0.0.1:{closed_port()}/api", timeout_s=2.0)
    assert sink.emit(flagged_event(article())) is True  # queued, returns at once
    sink.flush(60)
    assert sink.emitted == 0 and sink.failed == 1
    [msg] = sink.errors
    assert "\n" not in msg and "not sent to Prefect" in msg and "newsmon.article.7" in msg


def test_api_sink_to_a_hanging_prefect_returns_at_once_and_gives_up_after_its_timeout() -> None:
    with Blackhole() as hole:
        sink = ApiSink(hole.api_url, timeout_s=1.0)
        t0 = time.monotonic()
        sink.emit(flagged_event(article()))
        queued_after = time.monotonic() - t0
        sink.flush(60)
        # No timing assertion on the emit (machines vary), but flush is bounded by the sink's
        # own timeout: the send failed with a timeout, not by waiting forever.
        assert sink.failed == 1 and "Timeout" in sink.errors[0], sink.errors
    print(f"emit returned after {queued_after * 1000:.1f} ms")


# -- automations apply: what is refused before anything is written ---------------------------------

def test_bad_template_is_refused_as_the_server_would_before_anything_is_written() -> None:
    from newsmon.automations import SLACK_PAYLOAD, plan

    def webhook(payload: str):
        return parse_settings({"automations": [{"name": "a", "event": "newsmon.story.flagged", "webhook": {
            "block": "b", "url": "https://hooks.example/x", "payload": payload}}]})

    [p] = plan(webhook(SLACK_PAYLOAD), None, set())  # the default body is a valid template
    assert p.actions[0]["payload"] == SLACK_PAYLOAD and p.webhook_block.url.get_secret_value() == "https://hooks.example/x"
    with pytest.raises(ConfigError) as e:
        plan(webhook('{"text": {{ event.payload.summary | tojson }'), None, set())
    assert str(e.value) == ("[[automations]] 'a': key webhook.payload: 'payload' is not a valid template: "
                            "unexpected '}'")
    with pytest.raises(ConfigError, match=r"key entities: bad filter: unknown entity id\(s\) samsnug"):
        plan(parse_settings({"automations": [{"name": "a", "event": "newsmon.story.flagged", "entities": ["samsnug"],
                                              "webhook": {"block": "b", "url": "https://hooks.example/x"}}]}),
             None, {"samsung"})


def test_default_slack_body_renders_valid_json_for_a_hostile_headline() -> None:
    """Rendered by Prefect's own template engine with an event like the ones newsmon emits."""
    from prefect.server.events.schemas.events import ReceivedEvent
    from prefect.server.utilities.user_templates import render_user_template_sync

    from newsmon.automations import SLACK_PAYLOAD

    hostile = 'Samsung "wins" <@channel> & {{ 7*7 }} \\ end'
    ev = event_model(flagged_event(article(title=hostile, url="https://news.example/a?x=1&y=<2>")))
    received = ReceivedEvent(**ev.model_dump())
    body = json.loads(render_user_template_sync(SLACK_PAYLOAD, {"event": received}))
    assert body["text"].startswith("[newsmon.story.flagged] samsung, sk_hynix: Samsung")
    assert "&lt;@channel&gt;" in body["text"] and "<@channel>" not in body["text"]  # no mention injection
    assert "{{ 7*7 }}" in body["text"] and "x=1&amp;y=&lt;2&gt;" in body["text"]


@pytest.mark.parametrize("api", ["unset", "down"])
def test_automations_commands_without_a_reachable_prefect_are_one_line(tmp_path: Path, capsys, api: str) -> None:
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from newsmon.cli import main

    cfg = tmp_path / "newsmon.toml"
    cfg.write_text('[[automations]]\nname = "a"\nevent = "newsmon.feed.failing"\n'
                   '[automations.webhook]\nblock = "b"\nurl = "https://hooks.example/x"\n')
    url = None if api == "unset" else f"http://127.0.0.1:{closed_port()}/api"
    with temporary_settings(updates={PREFECT_API_URL: url}):
        for cmd in ("apply", "list"):
            assert main(["automations", cmd, "--config", str(cfg)]) == 2
            err = capsys.readouterr().err.strip()
            assert "\n" not in err and err.startswith("newsmon: error: "), err
            assert ("PREFECT_API_URL is not set" if api == "unset" else "does not answer") in err, err
