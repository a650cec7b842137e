"""What the inbox's route modules share: the store, the settings, the user machinery and
the page helpers (``review.web.app.create_app`` builds one ``Desk`` per app)."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from models.store import Store
from newsmon.settings import Settings
from review.web.auth import Auth


@dataclass
class Desk:
    settings: Settings
    store: Store
    auth: Auth
    names: dict[str, str]  # entity id -> name
    page: Callable[..., HTMLResponse]  # page(request, template, status=200, **context)
    error: Callable[[Request, int, str], HTMLResponse]
    note_max: int  # [review] note_max_chars
    max_form_bytes: int  # largest form body accepted (a full note, or a page of bulk ids)
    max_form_fields: int
    events: Any = None  # newsmon.events sink for newsmon.story.reviewed (None: no events)

    @property
    def tz(self) -> str:
        return self.settings.schedule.timezone


def user(request: Request) -> Any:
    """The request's ``review.web.auth.Principal`` (set by the auth middleware), or None."""
    return getattr(request.state, "user", None)
