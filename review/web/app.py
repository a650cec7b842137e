"""The review inbox: FastAPI routes over ``models.store.Store``.

Pages (server-rendered, Jinja2 with autoescape on; one small script for the keyboard,
``static/keys.js``, and every page works without it):

* ``GET /``: flagged stories (clusters), newest first or most prominent first
  (``sort=time|prominence``); filters ``q`` (full-text search of title and body,
  ``models.store.search``: the hits are marked in the title and in a snippet of the body),
  entity, feed, since, until (dates in ``[schedule] timezone``), state, min_prominence
  (0-100); ``page``. Each watched entity is listed with a sparkline of its last ``[web]
  sparkline_days`` days, linking to its page. Reviewers get a checkbox per
  story and a bulk form (``review/web/triage.py``).
* ``GET /story/{id}``: one article's clean text with every stored mention highlighted,
  the reason and the prominence (score and parts) of each flag, every outlet of its story, the audit trail, the Prefect flow
  run that stored it, and the decision form.
* ``POST /story/{id}/review``: form fields ``state``, ``note``, ``scope`` (``cluster``:
  every outlet of the story, the default; otherwise this article only), ``csrf``; the
  reviewer is the signed-in user. Answers 303 to the story page (POST/redirect/GET, so a
  reload never re-posts).
* Sign-in, sessions and roles: ``review/web/auth.py``; the user's account page and the
  admin's user management: ``review/web/admin.py``; Atom feeds: ``review/web/atom.py``;
  entity pages with charts: ``review/web/entity.py``.

Protection: every route needs a user (``AuthMiddleware``) except /login, static files
and the token-checked feeds; every POST carries the user's CSRF token; a POST whose
``Origin`` is not this server or whose ``Sec-Fetch-Site`` says cross-site is refused
(403); when bound to loopback, requests for another ``Host`` are refused (400), which
stops DNS-rebinding pages from reading the inbox; every response carries a strict
Content-Security-Policy (scripts from this server only, no inline script) on top of
autoescaping, and ``X-Frame-Options: DENY``.
"""
from __future__ import annotations

import asyncio
import contextlib
import math
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import jinja2
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint

from models.store import Store
from models.tables import REVIEW_STATES
from newsmon.settings import Settings, is_loopback
from review.filters import FilterError, parse_filter, parse_sort
from review.states import STATE_LABELS, DecisionError, decide, story_state
from review.web import admin, atom, auth, entity, triage
from review.web.auth import Auth, AuthMiddleware, field, form_values
from review.web.context import Desk, user
from review.web.explain import prominence_rows
from review.web.render import (
    flow_run_url,
    highlight,
    local_time,
    mark_hits,
    mention_spans,
    prefect_ui_base,
    safe_href,
)

HERE = Path(__file__).parent
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; "
       "frame-ancestors 'none'; base-uri 'none'")
STATIC_TYPES = {".css": "text/css", ".js": "text/javascript", ".svg": "image/svg+xml", ".png": "image/png"}
MAX_ID = 2**31  # article ids are 32-bit integers; larger path values are simply unknown


def _templates(tz: str) -> Jinja2Templates:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(HERE / "templates")),
                             autoescape=True,  # every {{ }} is escaped, whatever the file name
                             undefined=jinja2.StrictUndefined)
    env.filters["localtime"] = lambda dt: local_time(dt, tz)
    env.filters["href"] = safe_href
    env.globals["STATE_LABELS"] = STATE_LABELS
    env.globals["REVIEW_STATES"] = REVIEW_STATES
    return Jinja2Templates(env=env)


def _host_name(header: str | None) -> str:
    """The host of a Host header without its port ("[::1]:8765" -> "[::1]")."""
    h = (header or "").strip().lower()
    if h.startswith("["):
        return h.split("]", 1)[0] + "]"
    return h.rsplit(":", 1)[0]


class _Guard(BaseHTTPMiddleware):
    """Host check, cross-site POST refusal and security headers (see module docstring)."""

    def __init__(self, app: Any, loopback_only: bool) -> None:
        super().__init__(app)
        self.loopback_only = loopback_only

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        if self.loopback_only and not is_loopback(_host_name(request.headers.get("host"))):
            return PlainTextResponse("unknown host: the review inbox answers on 127.0.0.1/localhost only",
                                     status_code=400)
        if request.method not in ("GET", "HEAD"):
            origin = request.headers.get("origin")
            if origin and origin != "null" and urlsplit(origin).netloc != request.headers.get("host"):
                return PlainTextResponse("cross-origin form posts are refused", status_code=403)
            if origin == "null" or request.headers.get("sec-fetch-site") == "cross-site":
                return PlainTextResponse("cross-site form posts are refused", status_code=403)
        response = await call_next(request)
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        # Not "no-referrer": with it Chromium sends "Origin: null" on our own form posts.
        # "same-origin" still tells the outlets nothing when a reviewer opens an article.
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response


def create_app(settings: Settings, *, store: Store | None = None,
               entity_names: dict[str, str] | None = None) -> FastAPI:
    """The inbox app. ``entity_names`` (id -> name) defaults to the configured watchlist."""
    if entity_names is None:
        from watch import load_watchlist
        entity_names = {e.id: e.name for e in load_watchlist(settings.watchlist_path).entities}
    names = dict(entity_names)
    own_store = store is None
    st = store or Store.from_settings(settings)
    st.check()
    tz = settings.schedule.timezone
    templates = _templates(tz)
    ui_base = prefect_ui_base(settings.web.prefect_ui_url)
    page_size = settings.web.page_size
    note_max = settings.review.note_max_chars
    # newsmon.story.reviewed goes to the Prefect API of PREFECT_API_URL, from a thread: a
    # Prefect that is down or slow never delays a decision (newsmon/events.py).
    from newsmon.events import api_sink
    events = api_sink(settings)
    # UTF-8 worst case of a full note, plus the other fields; or a page of bulk-selected ids.
    max_body = max(note_max * 4 + 4096, page_size * 24 + 4096)

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        if own_store:  # a store handed in belongs to the caller
            st.close()

    app = FastAPI(title="newsmon review desk", docs_url=None, redoc_url=None, openapi_url=None,
                  lifespan=lifespan)
    app.state.store = st

    def page(request: Request, name: str, status: int = 200, **ctx: Any) -> HTMLResponse:
        ctx.setdefault("title", "newsmon review desk")
        ctx.setdefault("names", names)
        ctx.setdefault("user", user(request))
        ctx.setdefault("auth_mode", settings.web.auth)
        ctx.setdefault("logout_url", settings.web.proxy_logout_url)
        return templates.TemplateResponse(request, name, ctx, status_code=status)

    def error(request: Request, status: int, message: str) -> HTMLResponse:
        return page(request, "error.html", status=status, message=message, title=f"Error {status}")

    desk = Desk(settings=settings, store=st, auth=Auth(settings, st), names=names, page=page, error=error,
                note_max=note_max, max_form_bytes=max_body, max_form_fields=page_size + 20, events=events)
    app.state.desk = desk
    app.add_middleware(AuthMiddleware, desk=desk)
    app.add_middleware(_Guard, loopback_only=is_loopback(settings.web.host))

    @app.get("/static/{name}")
    async def static(name: str) -> Response:
        path = HERE / "static" / name
        kind = STATIC_TYPES.get(path.suffix)
        if kind is None or "/" in name or name.startswith(".") or not path.is_file():
            return PlainTextResponse("not found", status_code=404)
        return Response(path.read_bytes(), media_type=kind, headers={"Cache-Control": "max-age=300"})

    @app.get("/", response_class=HTMLResponse)
    async def inbox(request: Request) -> HTMLResponse:
        q = request.query_params
        raw = {k: q.get(k) for k in ("q", "entity", "feed", "since", "until", "state", "min_prominence")}
        try:
            f = parse_filter(**raw, tz=tz, search=settings.search)
            sort = parse_sort(q.get("sort"))
            pno = int(q.get("page") or 1)
            if pno < 1:
                raise ValueError
        except FilterError as e:
            return error(request, 400, str(e))
        except ValueError:
            return error(request, 400, f"page {q.get('page')!r} is not a positive number")
        clusters, total = await asyncio.to_thread(
            st.review_inbox, **f.query(), limit=page_size, offset=(pno - 1) * page_size, sort=sort,
            count_cap=settings.search.count_stories)
        entity_ids, feeds = await asyncio.to_thread(lambda: (st.flagged_entity_ids(), st.article_feeds()))
        sparks = await asyncio.to_thread(entity.sparklines, desk, entity_ids)
        feeds = sorted(set(feeds) | {x.name for x in settings.feeds})
        hits = f.q.pattern() if f.q else None
        snippets = (await asyncio.to_thread(st.search_snippets, [c.lead.id for c in clusters], f.q,
                                            settings.search.snippet_chars) if f.q else {})
        rows = []
        for c in clusters:
            state = story_state(c.members)
            # Outlets that joined the story after it was decided: they still wait for a look.
            fresh = sum(1 for a in c.members if a.reviewed_at is None) if state != "new" else 0
            rows.append({"c": c, "lead": c.lead, "state": state, "fresh": fresh,
                         "title_html": mark_hits(c.lead.title or c.lead.url, hits),
                         "snippet_html": mark_hits(snippets.get(c.lead.id), hits)})
        pages = max(1, math.ceil(total / page_size))
        if getattr(total, "at_least", False):
            pages += 1  # a search counted only so far: there is more after the counted stories
        keep = {k: v for k, v in raw.items() if v} | ({"sort": sort} if sort != "time" else {})

        def link(**over: Any) -> str:
            return "/?" + urlencode({**keep, **over})

        return page(request, "inbox.html", rows=rows, total=total, page_no=pno, pages=pages, raw=raw,
                    entity_ids=entity_ids, feeds=feeds, link=link, tz=tz, flash=triage.flash(q), sort=sort,
                    sparks=sparks, spark_days=settings.web.sparkline_days, entity_href=entity.entity_href,
                    here=link(**({"page": pno} if pno > 1 else {})))

    @app.get("/story/{article_id}", response_class=HTMLResponse)
    async def story(request: Request, article_id: int) -> HTMLResponse:
        try:
            if not 0 < article_id < MAX_ID:
                raise LookupError(article_id)
            art = await asyncio.to_thread(st.get_article, article_id)
        except LookupError:
            return error(request, 404, f"no article with id {article_id}")
        key = art.cluster_id if art.cluster_id is not None else art.id
        members, events = await asyncio.to_thread(lambda: (st.cluster_members(key), st.review_events(article_id)))
        title_spans, d1 = mention_spans(art.mentions, "title", art.title or "", names)
        text_spans, d2 = mention_spans(art.mentions, "text", art.text or "", names)
        done = request.query_params.get("done")
        n_done = request.query_params.get("n", "")
        flash = None
        if done in REVIEW_STATES and n_done.isdigit():
            flash = f"Marked {STATE_LABELS[done].lower()}: {n_done} article(s)."
        return page(request, "story.html", title=art.title or art.url, art=art, members=members, events=events,
                    explain={m.entity_id: prominence_rows(m.prominence_parts) for m in art.mentions},
                    entity_href=entity.entity_href,
                    title_html=highlight(art.title or art.url, title_spans), text_html=highlight(art.text, text_spans),
                    stale=d1 + d2, run_url=flow_run_url(ui_base, art.flow_run_id), flash=flash,
                    note_max=note_max)

    @app.post("/story/{article_id}/review")
    async def review(request: Request, article_id: int) -> Response:
        # The auth middleware has checked the role, the form's type and size, and its CSRF token.
        try:
            form = form_values(await request.body(), desk.max_form_fields)
        except ValueError:
            return error(request, 400, "the form could not be read (not UTF-8 or too many fields)")
        scope = "cluster" if field(form, "scope") == "cluster" else "article"
        try:
            if not 0 < article_id < MAX_ID:
                raise LookupError(article_id)
            d = await asyncio.to_thread(decide, st, article_id, field(form, "state") or "",
                                        note=field(form, "note"), reviewer=user(request).name, scope=scope,
                                        note_max_chars=note_max, events=events, entity_names=names,
                                        max_entities=settings.events.max_related_entities)
        except DecisionError as e:
            return error(request, 400, str(e))
        except LookupError:
            return error(request, 404, f"no article with id {article_id}")
        return RedirectResponse(f"/story/{article_id}?done={d.state}&n={len(d.changed)}", status_code=303)

    for module in (auth, admin, atom, triage, entity):
        module.register(app, desk)
    return app

