"""newsmon's Prefect events: their names, resources and payloads, and where they are sent.

Vocabulary (what Prefect automations match on; see README "Events and automations"):

=============================  =======================  ====================================
event                          resource                 related (role)
=============================  =======================  ====================================
``newsmon.story.flagged``      ``newsmon.article.<id>``  ``newsmon.entity.<id>`` (entity),
``newsmon.story.reviewed``     (name: the title)        ``newsmon.feed.<name>`` (feed),
                                                        ``newsmon.story.<cluster id>`` (story)
``newsmon.feed.failing``       ``newsmon.feed.<name>``
``newsmon.feed.recovered``     ``newsmon.feed.<name>``
``newsmon.cycle.completed``    ``newsmon.cycle.<id>``
``newsmon.backfill.completed`` ``newsmon.cycle.<id>``
=============================  =======================  ====================================

Labels are strings (Prefect matches labels, not payloads): ``newsmon.prominence`` (0-100,
on the article = the highest of its entities, and on each entity), ``newsmon.review.state``
(reviewed), ``newsmon.feed.name`` (feeds), ``newsmon.cycle.kind`` (cycles).

Sinks: events are built here as plain ``NewsEvent`` values and handed to a sink:

* ``RunSink`` inside a flow run: ``prefect.events.emit_event``, which only puts the event
  on the queue of Prefect's events worker (a thread of its own that sends them over one
  websocket) and returns; the worker adds the run's resources (flow run, flow,
  deployment, tags) as related resources, so the event is linked to the run in the UI.
* ``ApiSink`` outside flow runs (review decisions in the web app and ``newsmon review
  mark``): POSTs to ``$PREFECT_API_URL/events`` with Prefect's client, from a daemon thread,
  with a timeout and no retries, so a decision never waits for Prefect or fails because
  of it (a failure is one warning line).
* ``NullSink``: events off, or no Prefect (``--no-prefect`` runs, tests, benchmarks).
"""
from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

log = logging.getLogger("newsmon.events")

FLAGGED = "newsmon.story.flagged"
REVIEWED = "newsmon.story.reviewed"
FEED_FAILING = "newsmon.feed.failing"
FEED_RECOVERED = "newsmon.feed.recovered"
CYCLE_COMPLETED = "newsmon.cycle.completed"
BACKFILL_COMPLETED = "newsmon.backfill.completed"
STORY_EVENTS = (FLAGGED, REVIEWED)
FEED_EVENTS = (FEED_FAILING, FEED_RECOVERED)
EVENT_NAMES = (*STORY_EVENTS, *FEED_EVENTS, CYCLE_COMPLETED, BACKFILL_COMPLETED)

# Label keys (resource labels are what automations filter on).
ID = "prefect.resource.id"
NAME = "prefect.resource.name"
ROLE = "prefect.resource.role"
PROMINENCE = "newsmon.prominence"
REVIEW_STATE = "newsmon.review.state"
FEED_NAME = "newsmon.feed.name"
CYCLE_KIND = "newsmon.cycle.kind"

NAME_MAX = 200  # resource names are shown in one line of the Event Feed


def article_id(article_id: int) -> str:
    return f"newsmon.article.{article_id}"


def entity_id(entity: str) -> str:
    return f"newsmon.entity.{entity}"


def feed_id(name: str) -> str:
    return f"newsmon.feed.{name}"


def story_id(cluster: int) -> str:
    return f"newsmon.story.{cluster}"


def cycle_id(cycle: int) -> str:
    return f"newsmon.cycle.{cycle}"


def iso(dt: datetime | None) -> str | None:
    if dt is None:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


def one_line(text: str | None, limit: int) -> str:
    s = " ".join((text or "").split())
    return s if len(s) <= limit else s[: max(0, limit - 1)] + "…"


def prominence_of(mention: Any) -> int | None:
    """A mention's prominence (0-100) when the matcher computed one (``MentionRecord.prominence``
    arrives with the prominence work; older rows and matchers have none)."""
    p = getattr(mention, "prominence", None)
    if p is None or isinstance(p, bool):
        return None
    try:
        return max(0, min(100, int(round(float(p)))))
    except (TypeError, ValueError):
        return None


@dataclass(frozen=True)
class NewsEvent:
    """One event as handed to ``prefect.events.emit_event`` (same argument names)."""

    event: str
    resource: dict[str, str]
    related: list[dict[str, str]] = field(default_factory=list)
    payload: dict[str, Any] = field(default_factory=dict)
    occurred: datetime | None = None

    @property
    def resource_id(self) -> str:
        return self.resource[ID]


# -- builders ---------------------------------------------------------------------------------

def _story_parts(article: Any, entity_names: Mapping[str, str], *, max_entities: int,
                 extra_labels: Mapping[str, str] | None = None
                 ) -> tuple[dict[str, str], list[dict[str, str]], list[dict[str, Any]]]:
    """Resource, related resources and per-entity payload rows of an article's story event."""
    mentions = list(getattr(article, "mentions", []) or [])
    rows = []
    for m in mentions:
        rows.append({"id": m.entity_id, "name": entity_names.get(m.entity_id, m.entity_id), "count": m.count,
                     "in_title": bool(m.in_title), "prominence": prominence_of(m), "reason": m.reason})
    # Most prominent (then most mentioned) first, so the cap below keeps the ones that matter.
    rows.sort(key=lambda r: (-(r["prominence"] if r["prominence"] is not None else -1), -r["count"], r["id"]))
    scores = [r["prominence"] for r in rows if r["prominence"] is not None]
    resource = {ID: article_id(article.id), NAME: one_line(article.title or article.url, NAME_MAX)}
    if scores:
        resource[PROMINENCE] = str(max(scores))
    resource.update(extra_labels or {})
    related: list[dict[str, str]] = []
    for r in rows[:max_entities]:
        rel = {ID: entity_id(r["id"]), ROLE: "entity", NAME: one_line(r["name"], NAME_MAX)}
        if r["prominence"] is not None:
            rel[PROMINENCE] = str(r["prominence"])
        related.append(rel)
    if article.feed:
        related.append({ID: feed_id(article.feed), ROLE: "feed", NAME: one_line(article.feed, NAME_MAX),
                        FEED_NAME: article.feed})
    cluster = article.cluster_id if article.cluster_id is not None else article.id
    related.append({ID: story_id(cluster), ROLE: "story"})
    return resource, related, rows


def flagged_event(article: Any, entity_names: Mapping[str, str] | None = None, *,
                  snippet_max: int = 400, max_entities: int = 50) -> NewsEvent:
    """``newsmon.story.flagged`` for one stored article (``models.store.StoredArticle``)."""
    names = entity_names or {}
    resource, related, rows = _story_parts(article, names, max_entities=max_entities)
    snippet = next((m.snippet for m in sorted(article.mentions, key=lambda m: (-m.count, m.entity_id))
                    if m.snippet), "")
    cluster = article.cluster_id if article.cluster_id is not None else article.id
    ents = ", ".join(r["name"] for r in rows)
    payload = {
        "article_id": article.id, "url": article.url, "title": article.title, "feed": article.feed,
        "published": iso(article.published), "fetched": iso(article.fetched_at), "language": article.language,
        "entities": [r["id"] for r in rows], "mentions": rows, "snippet": one_line(snippet, snippet_max),
        "prominence": int(resource[PROMINENCE]) if PROMINENCE in resource else None,
        "cluster_id": cluster,
        "summary": one_line(f"{ents}: {article.title or article.url}" + (f" ({article.feed})" if article.feed
                                                                          else ""), 500),
    }
    if len(rows) > max_entities:
        payload["entities_not_related"] = len(rows) - max_entities
    return NewsEvent(FLAGGED, resource, related, payload)


def reviewed_event(article: Any, *, state: str, reviewer: str | None, note: str | None, scope: str,
                   changed: list[int], from_state: str | None = None,
                   entity_names: Mapping[str, str] | None = None, max_entities: int = 50) -> NewsEvent:
    """``newsmon.story.reviewed``: the decision, never the note itself (only its length)."""
    resource, related, rows = _story_parts(article, entity_names or {}, max_entities=max_entities,
                                           extra_labels={REVIEW_STATE: state})
    who = reviewer or "someone"
    payload = {
        "article_id": article.id, "url": article.url, "title": article.title, "feed": article.feed,
        "state": state, "from_state": from_state, "reviewer": reviewer, "note_length": len(note or ""),
        "scope": scope, "articles": list(changed)[:500], "articles_count": len(changed),
        "cluster_id": article.cluster_id if article.cluster_id is not None else article.id,
        "entities": [r["id"] for r in rows],
        "prominence": int(resource[PROMINENCE]) if PROMINENCE in resource else None,
        "summary": one_line(f"{who} marked {article.title or article.url} as {state}", 500),
    }
    return NewsEvent(REVIEWED, resource, related, payload)


def feed_failing_event(name: str, url: str, *, failures: int, error: str | None, http_status: int | None,
                       last_success_at: datetime | None, failing_after: int) -> NewsEvent:
    resource = {ID: feed_id(name), NAME: one_line(name, NAME_MAX), FEED_NAME: name}
    payload = {"feed": name, "url": url, "consecutive_failures": failures, "error": one_line(error, 1000),
               "http_status": http_status, "last_success": iso(last_success_at), "failing_after": failing_after,
               "summary": one_line(f"feed {name} is failing ({failures} polls in a row): {error}", 500)}
    return NewsEvent(FEED_FAILING, resource, [], payload)


def feed_recovered_event(name: str, url: str, *, failing_since: datetime | None, status: str,
                         last_success_before: datetime | None, at: datetime) -> NewsEvent:
    """``failing_since``: when ``newsmon.feed.failing`` was emitted; ``last_success_before``:
    the last good poll before the failures (a backfill from that day fills the gap)."""
    resource = {ID: feed_id(name), NAME: one_line(name, NAME_MAX), FEED_NAME: name}
    down_s = round((at - failing_since).total_seconds(), 1) if failing_since else None
    payload = {"feed": name, "url": url, "status": status, "failing_since": iso(failing_since),
               "failing_for_s": down_s, "last_success_before": iso(last_success_before),
               "summary": one_line(f"feed {name} recovered" + (f" after {down_s:.0f} s of failing"
                                                               if down_s is not None else ""), 500)}
    return NewsEvent(FEED_RECOVERED, resource, [], payload)


def _scalar(v: Any) -> bool:
    return v is None or isinstance(v, bool | int | float | str)


def _counts(summary: Mapping[str, Any]) -> dict[str, Any]:
    """The figures of a run summary: its scalars, and those of small nested tables such as
    ``review`` (lists of stories, errors and changes, and per-feed tables, left out)."""
    out: dict[str, Any] = {}
    for k, v in summary.items():
        if _scalar(v):
            out[k] = v
        elif isinstance(v, Mapping) and len(v) <= 50:
            nested = {nk: nv for nk, nv in v.items() if _scalar(nv)}
            if nested:
                out[k] = nested
    return out


def cycle_event(kind: str, cycle: int, summary: Mapping[str, Any]) -> NewsEvent:
    """``newsmon.cycle.completed`` (poll) or ``newsmon.backfill.completed`` (``kind``
    ``backfill-sitemap`` / ``backfill-stored``) with the run summary's counts."""
    name = CYCLE_COMPLETED if kind == "poll" else BACKFILL_COMPLETED
    resource = {ID: cycle_id(cycle), NAME: f"{kind} cycle {cycle}", CYCLE_KIND: kind}
    counts = _counts(summary)
    failed = [f.get("feed") for f in summary.get("failures", []) if isinstance(f, Mapping)][:50]
    related = [{ID: feed_id(f), ROLE: "failed-feed", NAME: one_line(f, NAME_MAX), FEED_NAME: f}
               for f in failed if f]
    bits = [f"{k}={counts[k]}" for k in ("feeds", "feeds_failed", "articles_new", "flagged") if k in counts]
    payload = {"kind": kind, "cycle_id": cycle, "counts": counts, "failed_feeds": failed,
               "summary": f"newsmon {kind} cycle {cycle}: " + " ".join(bits)}
    return NewsEvent(name, resource, related, payload)


# -- sinks ------------------------------------------------------------------------------------

class EventSink:
    """Where events go. ``enabled`` False: nobody listens, so callers skip the work (and the
    once-only claims) that only events need."""

    enabled = False

    def __init__(self) -> None:
        self.emitted = 0
        self.failed = 0

    def emit(self, ev: NewsEvent) -> bool:  # pragma: no cover - overridden
        return False

    def flush(self, timeout_s: float | None = None) -> None:
        """Wait (at most ``timeout_s``) for events still being sent."""


class NullSink(EventSink):
    pass


class RunSink(EventSink):
    """Inside a flow run: ``prefect.events.emit_event`` (see module docstring)."""

    enabled = True

    def emit(self, ev: NewsEvent) -> bool:
        from prefect.events import emit_event

        try:
            sent = emit_event(event=ev.event, resource=ev.resource, related=ev.related, payload=ev.payload,
                              occurred=ev.occurred)
        except Exception as e:  # noqa: BLE001 - an event must never cost the run (e.g. EventTooLarge)
            self.failed += 1
            log.warning("event %s for %s not sent: %s", ev.event, ev.resource_id, " ".join(str(e).split()))
            return False
        if sent is None:
            self.failed += 1
            return False
        self.emitted += 1
        return True

    def flush(self, timeout_s: float | None = None) -> None:
        """Wait until Prefect's events worker has sent what is queued (benchmarks; a flow run
        is drained by Prefect when its process ends)."""
        from prefect.events.worker import EventsWorker

        worker = EventsWorker.instance()
        done = threading.Event()
        threading.Thread(target=lambda: (worker.wait_until_empty(), done.set()), daemon=True).start()
        done.wait(timeout_s)


class ApiSink(EventSink):
    """Outside flow runs: one POST per event to ``<api>/events`` from a daemon thread, with
    ``timeout_s`` and no retries. ``emit`` returns at once; ``flush`` waits at most
    ``timeout_s`` for the sends started (a CLI command calls it before it exits)."""

    enabled = True

    def __init__(self, api_url: str, timeout_s: float = 3.0, *, log_errors: bool = True) -> None:
        super().__init__()
        self.api_url = api_url
        self.timeout_s = timeout_s
        self.log_errors = log_errors  # False: the caller reports ``errors`` itself (a CLI)
        self._lock = threading.Lock()
        self.errors: list[str] = []
        # Prefect's client takes a second or more to import: start now, beside the decision.
        self._threads: list[threading.Thread] = [threading.Thread(target=_import_client, daemon=True,
                                                                  name="newsmon-event-import")]
        self._threads[0].start()

    def emit(self, ev: NewsEvent) -> bool:
        t = threading.Thread(target=self._send, args=(ev,), name="newsmon-event", daemon=True)
        with self._lock:
            self._threads = [x for x in self._threads if x.is_alive()]
            self._threads.append(t)
        t.start()
        return True

    def _send(self, ev: NewsEvent) -> None:
        try:
            post_events(self.api_url, [ev], timeout_s=self.timeout_s)
        except Exception as e:  # noqa: BLE001 - reported, never raised: the decision is stored
            msg = f"event {ev.event} for {ev.resource_id} not sent to Prefect at {self.api_url}: " + \
                  " ".join(f"{type(e).__name__}: {e}".split())[:300]
            with self._lock:
                self.failed += 1
                self.errors.append(msg)
            if self.log_errors:
                log.warning("%s", msg)
            return
        with self._lock:
            self.emitted += 1

    def flush(self, timeout_s: float | None = None) -> None:
        """Wait for the sends started, at most ``timeout_s`` (default: the send timeout plus
        time to import Prefect's client)."""
        deadline = time.monotonic() + (self.timeout_s + IMPORT_ALLOWANCE_S if timeout_s is None else timeout_s)
        with self._lock:
            threads = list(self._threads)
        for t in threads:
            t.join(max(0.0, deadline - time.monotonic()))


IMPORT_ALLOWANCE_S = 10.0  # importing Prefect's client on a busy machine


def _import_client() -> None:
    try:
        import prefect.client.orchestration  # noqa: F401
        import prefect.events  # noqa: F401
    except Exception:  # noqa: BLE001 - the send reports it
        pass


def event_model(ev: NewsEvent) -> Any:
    """The ``prefect.events.Event`` of a NewsEvent (validated as Prefect validates it)."""
    from prefect.events import Event

    kwargs: dict[str, Any] = {"event": ev.event, "resource": ev.resource, "related": ev.related,
                              "payload": ev.payload, "id": uuid.uuid4()}
    if ev.occurred is not None:
        kwargs["occurred"] = ev.occurred
    return Event(**kwargs)


def post_events(api_url: str, events: Iterable[NewsEvent], *, timeout_s: float) -> None:
    """POST events to a Prefect API with its client (auth headers included), no retries."""
    from prefect.client.orchestration import get_client
    from prefect.settings import PREFECT_API_URL, PREFECT_CLIENT_MAX_RETRIES, temporary_settings

    body = [event_model(e).model_dump(mode="json") for e in events]
    with temporary_settings(updates={PREFECT_API_URL: api_url, PREFECT_CLIENT_MAX_RETRIES: 0}):
        with get_client(sync_client=True, httpx_settings={"timeout": timeout_s}) as client:
            client.request("POST", "/events", json=body).raise_for_status()


def configured_api_url() -> str | None:
    """``PREFECT_API_URL`` from the environment or the active Prefect profile, if any."""
    from prefect.settings import PREFECT_API_URL

    return PREFECT_API_URL.value() or None


def run_sink(settings: Any) -> EventSink:
    """The sink of a flow run: ``RunSink`` inside a Prefect flow run with ``[events]
    enabled``; ``NullSink`` otherwise (a plain cycle has no run to relate events to)."""
    if not settings.events.enabled:
        return NullSink()
    try:
        from prefect.context import FlowRunContext
    except ImportError:  # pragma: no cover - prefect is a dependency
        return NullSink()
    return RunSink() if FlowRunContext.get() is not None else NullSink()


def api_sink(settings: Any, *, log_errors: bool = True) -> EventSink:
    """The sink of a process that is not a flow run (review decisions): ``ApiSink`` when
    ``[events] enabled`` and ``PREFECT_API_URL`` is configured, else ``NullSink``."""
    if not settings.events.enabled:
        return NullSink()
    try:
        url = configured_api_url()
    except Exception as e:  # noqa: BLE001 - a broken Prefect profile must not stop a decision
        log.warning("Prefect settings unreadable, review events off: %s", e)
        return NullSink()
    return ApiSink(url, settings.events.api_timeout_s, log_errors=log_errors) if url else NullSink()
