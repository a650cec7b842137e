"""Bulk decisions from the inbox: ``POST /review/bulk``.

The inbox shows a checkbox per story (reviewers and admins only) inside one form; the
buttons of its bar (or the keys ``r``/``i``/``e`` of ``static/keys.js``) send the selected
stories' lead article ids (``id``, repeated), the ``state``, an optional ``note``, the
``csrf`` token and ``next`` (the inbox URL to go back to). Every outlet of every selected
story gets the state and its own audit event, all in one transaction
(``review.states.decide_many``); then 303 back to the same inbox page and filters, which
says what was done.
"""
from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import QueryParams

from review.states import STATE_LABELS, DecisionError, decide_many
from review.web.auth import field, form_values, safe_next
from review.web.context import user

if TYPE_CHECKING:
    from review.web.context import Desk

DONE_KEYS = ("done", "n", "s")  # query parameters that report a bulk decision on the inbox


def flash(q: QueryParams) -> str | None:
    """The inbox's report of the bulk decision just made, from its query parameters."""
    done, n, s = (q.get(k, "") for k in DONE_KEYS)
    if done not in STATE_LABELS or not n.isdigit() or not s.isdigit():
        return None
    stories = f"{s} stor{'y' if s == '1' else 'ies'}"
    return f"Marked {STATE_LABELS[done].lower()}: {stories} ({n} article{'' if n == '1' else 's'})."


def back_to(target: str, **report: str) -> str:
    """``target`` (a local inbox URL) with the report parameters replaced."""
    parts = urlsplit(safe_next(target))
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in DONE_KEYS]
    return urlunsplit(("", "", parts.path, urlencode(query + list(report.items())), ""))


def register(app: FastAPI, desk: "Desk") -> None:
    @app.post("/review/bulk")
    async def bulk(request: Request) -> Response:
        # The auth middleware has checked the role (reviewer), the form and its CSRF token.
        try:
            form = form_values(await request.body(), desk.max_form_fields)
        except ValueError:
            return desk.error(request, 400, "the form could not be read (not UTF-8 or too many fields)")
        raw = form.get("id", [])
        try:
            ids = [int(v) for v in raw]
            if any(not 0 < i < 2**31 for i in ids):
                raise ValueError
        except ValueError:
            return desk.error(request, 400, "the selection is not a list of article ids; nothing was changed")
        try:
            d = await asyncio.to_thread(decide_many, desk.store, ids, field(form, "state") or "",
                                        note=field(form, "note"), reviewer=user(request).name, scope="cluster",
                                        note_max_chars=desk.note_max, events=desk.events, entity_names=desk.names,
                                        max_entities=desk.settings.events.max_related_entities)
        except DecisionError as e:
            return desk.error(request, 400, f"{e}; nothing was changed")
        except LookupError as e:
            return desk.error(request, 404, f"{e.args[0] if e.args else e}; nothing was changed")
        target = back_to(field(form, "next") or "/", done=d.state, n=str(len(d.changed)), s=str(len(d.article_ids)))
        return RedirectResponse(target, status_code=303)
