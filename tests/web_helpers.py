"""Helpers of the web-desk tests: a TestClient that sends forms with the user's CSRF token,
signing in, and apps configured for each ``[web] auth`` mode."""
from __future__ import annotations

import asyncio
import re
import threading
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from models.store import Store
from newsmon.settings import parse_settings
from review.accounts import Passwords, add_account
from review.web import create_app
from tests.review_helpers import REPO, entity_names

CSRF = re.compile(r'name="csrf" value="([^"]+)"')
# Cheap Argon2 for tests that sign in often (the defaults are exercised in test_accounts.py).
FAST_ARGON = {"argon2_time_cost": 1, "argon2_memory_kib": 8192, "argon2_parallelism": 1}
PASSWORD = "correct horse battery"


def csrf_of(html: str) -> str:
    m = CSRF.search(html)
    assert m, "no CSRF token on the page"
    return m.group(1)


class DeskClient(TestClient):
    """``form(url, data)`` posts a form with the CSRF token of the current user (read from
    ``token_page``, "/" by default)."""

    token_page = "/"

    def csrf(self) -> str:
        r = self.get(self.token_page)
        assert r.status_code == 200, (r.status_code, r.text[:300])
        return csrf_of(r.text)

    def form(self, url: str, data: dict[str, Any] | None = None, **kw: Any) -> Any:
        return self.post(url, data={"csrf": self.csrf(), **(data or {})}, **kw)

    def login(self, name: str, password: str = PASSWORD, **kw: Any) -> Any:
        return self.post("/login", data={"username": name, "password": password, **kw}, follow_redirects=False)


def desk_settings(db_url: str, tmp_path: Path, *, accounts: dict | None = None, **web: Any) -> Any:
    return parse_settings({"database": {"url": db_url},
                           "watchlist": {"path": str(REPO / "watchlists" / "default.toml")},
                           "schedule": {"timezone": "Asia/Seoul"},
                           "feeds": [{"name": "Configured Only", "url": "https://example.org/rss"}],
                           "accounts": {**FAST_ARGON, **(accounts or {})},
                           "web": web}, base_dir=tmp_path)


def desk_client(store: Store, settings: Any, base_url: str = "http://127.0.0.1:8765", **kw: Any) -> DeskClient:
    app = create_app(settings, store=store, entity_names=entity_names())
    return DeskClient(app, base_url=base_url, **kw)


def add_users(store: Store, settings: Any, **roles: str) -> None:
    """Accounts named after the keywords, with the role given and PASSWORD."""
    pw = Passwords(settings.accounts)
    for name, role in roles.items():
        add_account(store, pw, name, role, PASSWORD)


class RealServer:
    """The app served the way ``newsmon web`` serves it (``uvicorn_config``), on 127.0.0.1 and a
    free port, in a thread."""

    def __init__(self, app: Any) -> None:
        import socket

        import uvicorn

        from newsmon.cli_review import uvicorn_config

        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        port = self.sock.getsockname()[1]
        self.base = f"http://127.0.0.1:{port}"
        self.server = uvicorn.Server(uvicorn_config(app, "127.0.0.1", port))
        self.thread = threading.Thread(target=lambda: asyncio.run(self.server.serve(sockets=[self.sock])),
                                       daemon=True)

    def __enter__(self) -> "RealServer":
        self.thread.start()
        while not self.server.started:
            if not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            self.thread.join(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(10)
        self.sock.close()
