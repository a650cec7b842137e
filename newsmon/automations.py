"""``[[automations]]`` as Prefect automations: ``newsmon automations apply | list``.

``apply`` makes the Prefect server hold exactly what the config describes, by name and
idempotently: an automation that exists is updated in place (same id), one that does not
is created, one that already matches is left alone. Every automation newsmon manages
carries the tag ``newsmon``; ``apply --prune`` deletes the tagged ones the config no
longer has.

Trigger (``trigger_for``): Prefect matches resource *labels*, so every filter becomes
labels of the events newsmon emits (``newsmon/events.py``):

* ``entities``: a related resource with role ``entity`` and one of the entity ids; with
  ``min_prominence`` the same related resource must carry ``newsmon.prominence`` of at
  least that (labels are strings: the threshold becomes glob patterns matching exactly
  ``"t"`` ... ``"100"``, ``at_least``); without ``entities``, the article's own
  ``newsmon.prominence`` (its most prominent entity).
* ``feeds``: a related resource with role ``feed`` (story events) or the feed itself
  (feed events); ``review_states``: the article's ``newsmon.review.state``.
* ``threshold`` events within ``within_minutes`` (a reactive trigger), or for
  ``newsmon.feed.failing`` with ``failing_for_minutes``: a *proactive* trigger, "after
  newsmon.feed.failing, expect newsmon.feed.recovered for the same feed within N
  minutes", which fires when the feed did not recover in time.

Actions (``webhook``, ``notify``, ``run_deployment``):

* webhook: a Prefect ``Webhook`` block named ``block`` is created or updated with the URL
  (from ``url`` or the environment variable ``url_env``) and headers: Prefect stores them
  as secrets, the automation refers to the block only. The server makes the call, so its
  own SSRF rule applies: the block has ``allow_private_urls`` off unless the config says
  otherwise. Body: ``payload`` (a Jinja template), default Slack-compatible JSON.
* notify: an existing notification block, by name; subject and body are Jinja templates.
* run_deployment: a deployment by ``flow/name`` with (templated) parameters, checked
  against the deployment's parameters.

Everything that can be checked before anything is written is checked first (entities
against the watchlist, blocks, deployments, parameters, templates by the server): a bad
``[[automations]]`` gives one line and changes nothing on the server.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from newsmon.errors import ConfigError
from newsmon.events import (
    FEED_EVENTS,
    FEED_FAILING,
    FEED_RECOVERED,
    ID,
    PROMINENCE,
    REVIEW_STATE,
    ROLE,
    STORY_EVENTS,
    CYCLE_COMPLETED,
    CYCLE_KIND,
    entity_id,
    feed_id,
)
from newsmon.settings import AutomationSettings, Settings

MANAGED_TAG = "newsmon"

# Slack-compatible body: {"text": ...}, the event's one-line summary (and the story's link),
# escaped as Slack asks (&, <, >) and encoded by tojson, so a headline cannot break the JSON.
SLACK_PAYLOAD = (
    '{"text": {{ ("[" ~ event.event ~ "] " ~ (event.payload.summary or event.resource.id) '
    '~ ((" " ~ event.payload.url) if event.payload.url else ""))'
    ' | replace("&", "&amp;") | replace("<", "&lt;") | replace(">", "&gt;") | tojson }}}'
)
DEFAULT_SUBJECT = "newsmon: {{ event.payload.summary or event.event }}"
DEFAULT_BODY = (
    "{{ event.payload.summary or event.event }}\n"
    "{% if event.payload.url %}{{ event.payload.url }}\n{% endif %}"
    "{% if event.payload.snippet %}> {{ event.payload.snippet }}\n{% endif %}"
    "{% if event.payload.error %}Last error: {{ event.payload.error }}\n{% endif %}"
    "Event {{ event.event }} on {{ event.resource.id }} at {{ event.occurred }}"
)


def at_least(t: int) -> list[str]:
    """Glob patterns (Prefect matches labels with ``fnmatch``) that match exactly the
    prominence labels ``"0"`` ... ``"100"`` that are >= ``t``: 45 -> 4[5-9], [5-9][0-9], 100."""
    if not 0 <= t <= 100:
        raise ValueError(f"prominence {t} is not within 0-100")
    if t == 100:
        return ["100"]
    tens, units = divmod(t, 10)
    if tens == 0:
        return [f"[{units}-9]", "[1-9][0-9]", "100"]
    head = [f"[{tens}-9][0-9]"] if units == 0 else [f"{tens}[{units}-9]"]
    if units and tens < 9:
        head.append(f"[{tens + 1}-9][0-9]")
    return [*head, "100"]


def literal(value: str) -> str:
    """``value`` as a Prefect label pattern that matches only itself: Prefect matches labels
    with ``fnmatch``, so ``*``, ``?`` and ``[`` in a feed name are put in brackets."""
    if value.startswith("!"):  # Prefect reads a leading "!" as "not"
        raise ValueError(f"{value!r}: a name starting with '!' cannot be matched by a Prefect trigger")
    return "".join(f"[{c}]" if c in "*?[" else c for c in value)


def trigger_for(rule: AutomationSettings) -> dict[str, Any]:
    """The Prefect ``EventTrigger`` (as JSON) of one ``[[automations]]`` (see module docstring)."""
    match: dict[str, Any] = {}
    related: list[dict[str, Any]] = []
    if rule.event in STORY_EVENTS:
        match[ID] = "newsmon.article.*"
        if rule.entities:
            spec: dict[str, Any] = {ROLE: "entity", ID: [literal(entity_id(e)) for e in rule.entities]}
            if rule.min_prominence is not None:
                spec[PROMINENCE] = at_least(rule.min_prominence)
            related.append(spec)
        elif rule.min_prominence is not None:
            match[PROMINENCE] = at_least(rule.min_prominence)
        if rule.feeds:
            related.append({ROLE: "feed", ID: [literal(feed_id(f)) for f in rule.feeds]})
        if rule.review_states:
            match[REVIEW_STATE] = list(rule.review_states)
    elif rule.event in FEED_EVENTS:
        match[ID] = [literal(feed_id(f)) for f in rule.feeds] if rule.feeds else "newsmon.feed.*"
    else:
        match[ID] = "newsmon.cycle.*"
        match[CYCLE_KIND] = "poll" if rule.event == CYCLE_COMPLETED else "backfill-*"
    trigger: dict[str, Any] = {"type": "event", "match": match, "match_related": related or {}}
    if rule.failing_for_minutes is not None:
        trigger.update(posture="Proactive", after=[FEED_FAILING], expect=[FEED_RECOVERED],
                       for_each=[ID], threshold=1, within=round(rule.failing_for_minutes * 60, 3))
    else:
        trigger.update(posture="Reactive", expect=[rule.event], threshold=rule.threshold,
                       within=round(rule.within_minutes * 60, 3))
        if rule.threshold > 1 and rule.event in FEED_EVENTS:
            trigger["for_each"] = [ID]  # N failures of one feed, not of the fleet
    return trigger


# -- resolving names on the server --------------------------------------------------------------

@dataclass
class Plan:
    """One automation as it will be written, with what ``apply`` must create first."""

    rule: AutomationSettings
    trigger: dict[str, Any]
    actions: list[dict[str, Any]]
    webhook_block: Any = None  # a prefect Webhook block to save first (its id goes in actions)


def _fail(rule: AutomationSettings, key: str, msg: str) -> ConfigError:
    return ConfigError(f"[[automations]] {rule.name!r}: key {key}: {msg}")


def _check_entities(rule: AutomationSettings, entity_ids: set[str]) -> None:
    unknown = [e for e in rule.entities if e not in entity_ids]
    if unknown:
        raise _fail(rule, "entities", f"bad filter: unknown entity id(s) {', '.join(unknown)}; use the ids of "
                    "the watchlist's [[entities]]")


def _notification_block(client: Any, rule: AutomationSettings, ref: str) -> str:
    """The id of the notification block document ``ref`` (``name`` or ``type-slug/name``)."""
    slug, _, name = ref.rpartition("/")
    resp = client.request("POST", "/block_documents/filter", json={
        "block_documents": {"name": {"any_": [name]}, "is_anonymous": {"eq_": False}},
        "include_secrets": False})
    resp.raise_for_status()
    docs = [d for d in resp.json() if not slug or (d.get("block_type") or {}).get("slug") == slug]
    notify = [d for d in docs if "notify" in ((d.get("block_schema") or {}).get("capabilities") or [])]
    if not notify:
        what = "is not a notification block" if docs else "does not exist"
        raise _fail(rule, "notify.block", f"unknown block {ref!r}: it {what} on the Prefect server; create it "
                    "in the UI (Blocks > +, e.g. Slack Webhook) or with `prefect block register`")
    if len(notify) > 1:
        types = ", ".join(sorted(f"{d['block_type']['slug']}/{name}" for d in notify))
        raise _fail(rule, "notify.block", f"block name {name!r} is used by several notification blocks "
                    f"({types}): write it as type/name")
    return str(notify[0]["id"])


def _deployment(client: Any, rule: AutomationSettings) -> str:
    from prefect.exceptions import ObjectNotFound

    rd = rule.run_deployment
    assert rd is not None
    try:
        dep = client.read_deployment_by_name(rd.deployment)
    except ObjectNotFound:
        raise _fail(rule, "run_deployment.deployment", f"unknown deployment {rd.deployment!r} on the Prefect "
                    "server; `newsmon serve` registers poll-feeds/<name>, backfill/<name> and "
                    "daily-digest/<name>") from None
    known = set(((dep.parameter_openapi_schema or {}).get("properties") or {}))
    unknown = sorted(set(rd.parameters) - known)
    if unknown and known:
        raise _fail(rule, "run_deployment.parameters", f"bad parameter(s) {', '.join(unknown)} for "
                    f"{rd.deployment}; it takes {', '.join(sorted(known))}")
    return str(dep.id)


def _webhook_block(rule: AutomationSettings, client: Any, saving: dict[str, Any]) -> Any:
    """The Webhook block to save (None: use the block as it is, on the server or saved by an
    earlier automation of this config: ``saving``, block name -> block)."""
    from prefect.blocks.webhook import Webhook

    wh = rule.webhook
    assert wh is not None
    url = wh.url
    if wh.url_env:
        url = os.environ.get(wh.url_env)
        if not url:
            raise _fail(rule, "webhook.url_env", f"environment variable {wh.url_env} is not set (it should "
                        "hold the webhook URL)")
        if not url.lower().startswith(("http://", "https://")):
            raise _fail(rule, "webhook.url_env", f"{wh.url_env} must hold an http:// or https:// URL")
    if url is None:
        if wh.block in saving:
            return None
        try:
            client.read_block_document_by_name(name=wh.block, block_type_slug="webhook", include_secrets=False)
        except Exception:  # noqa: BLE001 - ObjectNotFound, or any reason it cannot be read
            raise _fail(rule, "webhook.block", f"unknown block {wh.block!r}: no Webhook block of that name on "
                        "the Prefect server; give url or url_env to create it") from None
        return None
    # JSON bodies (the default payload is JSON; Slack wants the content type said).
    headers = {"Content-Type": "application/json", **wh.headers}
    block = Webhook(method=wh.method, url=url, headers=headers, allow_private_urls=wh.allow_private_urls)
    other = saving.get(wh.block)
    if other is not None and other.model_dump(mode="json", include={"method", "allow_private_urls"}) != \
            block.model_dump(mode="json", include={"method", "allow_private_urls"}) or \
            (other is not None and (other.url.get_secret_value() != url or
                                    other.headers.get_secret_value() != headers)):
        raise _fail(rule, "webhook.block", f"block {wh.block!r} is given different settings by two "
                    "automations; give the webhook settings once and only `block` elsewhere")
    saving[wh.block] = block
    return block


def plan(settings: Settings, client: Any, entity_ids: set[str]) -> list[Plan]:
    """Check every ``[[automations]]`` against the watchlist and the server; nothing written."""
    plans = []
    saving: dict[str, Any] = {}  # webhook blocks this apply will save, by name
    for rule in settings.automations:
        _check_entities(rule, entity_ids)
        actions: list[dict[str, Any]] = []
        block = None
        if rule.webhook:
            block = _webhook_block(rule, client, saving)
            actions.append({"type": "call-webhook", "block_document_id": None,
                            "payload": rule.webhook.payload or SLACK_PAYLOAD})
        if rule.notify:
            actions.append({"type": "send-notification",
                            "block_document_id": _notification_block(client, rule, rule.notify.block),
                            "subject": rule.notify.subject or DEFAULT_SUBJECT,
                            "body": rule.notify.body or DEFAULT_BODY})
        if rule.run_deployment:
            actions.append({"type": "run-deployment", "source": "selected",
                            "deployment_id": _deployment(client, rule),
                            "parameters": dict(rule.run_deployment.parameters) or None})
        p = Plan(rule, trigger_for(rule), actions, block)
        _check_with_server_schema(p)
        plans.append(p)
    return plans


def _check_with_server_schema(p: Plan) -> None:
    """Validate as the Prefect server will (its own models: the trigger, and the Jinja
    templates of payloads, subjects, bodies and parameters), so a bad template stops
    ``apply`` before anything is written instead of half-way through."""
    import uuid

    from prefect.server.events import actions as server_actions
    from prefect.server.events.schemas.automations import EventTrigger
    from pydantic import ValidationError

    models = {"call-webhook": (server_actions.CallWebhook, "webhook"),
              "send-notification": (server_actions.SendNotification, "notify"),
              "run-deployment": (server_actions.RunDeployment, "run_deployment")}
    checks = [(EventTrigger, p.trigger, "event")]
    for a in p.actions:
        model, table = models[a["type"]]
        checks.append((model, {**a, "block_document_id": a.get("block_document_id") or str(uuid.uuid4())}
                       if "block_document_id" in a else a, table))
    for model, data, table in checks:
        try:
            model.model_validate(data)
        except ValidationError as e:
            err = e.errors()[0]
            field = next((str(x) for x in reversed(err["loc"]) if isinstance(x, str)), "")
            key = f"{table}.{field}" if field and table != "event" else table
            msg = " ".join(str(err["msg"]).removeprefix("Value error, ").split())[:300]
            raise _fail(p.rule, key, msg) from None


def _core(p: Plan) -> Any:
    from prefect.events.schemas.automations import AutomationCore

    return AutomationCore.model_validate({
        "name": p.rule.name, "description": p.rule.description or f"newsmon: {p.rule.event}",
        "enabled": p.rule.enabled, "tags": [MANAGED_TAG], "trigger": p.trigger, "actions": p.actions})


def _comparable(a: Any) -> dict[str, Any]:
    d = a.model_dump(mode="json", include={"name", "description", "enabled", "tags", "trigger", "actions"})
    d["trigger"].pop("id", None)
    return d


def apply(settings: Settings, client: Any, entity_ids: set[str], *, prune: bool = False) -> list[dict[str, Any]]:
    """Create or update every ``[[automations]]`` (by name); returns one row per automation
    (``created``, ``updated``, ``unchanged``, ``deleted``)."""
    from prefect.exceptions import PrefectHTTPStatusError

    plans = plan(settings, client, entity_ids)
    rows = []
    saved: dict[str, str] = {}  # block name -> document id, saved once per apply
    for p in plans:
        block_id = None
        if p.rule.webhook:
            if p.webhook_block is not None and p.rule.webhook.block not in saved:
                saved[p.rule.webhook.block] = str(p.webhook_block.save(p.rule.webhook.block, overwrite=True))
            if p.rule.webhook.block in saved:
                block_id = saved[p.rule.webhook.block]
            else:
                block_id = str(client.read_block_document_by_name(
                    name=p.rule.webhook.block, block_type_slug="webhook", include_secrets=False).id)
            for a in p.actions:
                if a["type"] == "call-webhook":
                    a["block_document_id"] = block_id
        core = _core(p)
        existing = client.read_automations_by_name(p.rule.name)
        try:
            if not existing:
                aid, status = client.create_automation(core), "created"
            else:
                first, extra = existing[0], existing[1:]
                aid = first.id
                status = "unchanged" if _comparable(first) == _comparable(core) else "updated"
                if status == "updated":
                    client.update_automation(first.id, core)
                for dup in extra:  # one automation per name: the older copies go
                    client.delete_automation(dup.id)
        except PrefectHTTPStatusError as e:
            detail = _http_detail(e)
            raise ConfigError(f"[[automations]] {p.rule.name!r}: the Prefect server refused it: {detail}") from None
        rows.append({"event": status, "name": p.rule.name, "id": str(aid), "trigger": p.rule.event,
                     "actions": [a["type"] for a in p.actions], **({"webhook_block": p.rule.webhook.block}
                                                                    if p.rule.webhook else {})})
    if prune:
        wanted = {r.name for r in settings.automations}
        for a in managed(client):
            if a.name not in wanted:
                client.delete_automation(a.id)
                rows.append({"event": "deleted", "name": a.name, "id": str(a.id)})
    return rows


def _http_detail(e: Exception) -> str:
    resp = getattr(e, "response", None)
    try:
        body = resp.json() if resp is not None else None
    except ValueError:
        body = None
    text = json.dumps(body.get("detail", body)) if isinstance(body, dict) else str(e)
    return " ".join(text.split())[:400]


def managed(client: Any) -> list[Any]:
    """The automations tagged ``newsmon`` on the server, by name."""
    return sorted((a for a in client.read_automations() if MANAGED_TAG in (a.tags or [])), key=lambda a: a.name)


def describe(a: Any, configured: set[str]) -> dict[str, Any]:
    """One JSON line of ``automations list``."""
    t = a.trigger.model_dump(mode="json")
    within = t.get("within")
    return {
        "name": a.name, "id": str(a.id), "enabled": a.enabled, "in_config": a.name in configured,
        "description": a.description,
        "trigger": {"posture": t.get("posture"), "after": sorted(t.get("after") or []),
                    "expect": sorted(t.get("expect") or []), "threshold": t.get("threshold"),
                    "within_s": within if not isinstance(within, str) else _seconds(within),
                    "match": t.get("match"), "match_related": t.get("match_related"),
                    "for_each": sorted(t.get("for_each") or [])},
        "actions": [_action_row(x.model_dump(mode="json")) for x in a.actions],
    }


def _seconds(v: str) -> float | str:
    try:
        from pydantic import TypeAdapter
        return TypeAdapter(timedelta).validate_python(v).total_seconds()
    except Exception:  # noqa: BLE001 - shown as the server gave it
        return v


def _action_row(d: dict[str, Any]) -> dict[str, Any]:
    keep = ("type", "block_document_id", "deployment_id", "parameters", "subject")
    return {k: d[k] for k in keep if d.get(k) is not None}


def watchlist_ids(settings: Settings) -> set[str]:
    from watch import load_watchlist

    return {e.id for e in load_watchlist(settings.watchlist_path).entities}


__all__ = ["MANAGED_TAG", "Plan", "apply", "at_least", "literal", "describe", "managed", "plan", "trigger_for", "watchlist_ids"]
