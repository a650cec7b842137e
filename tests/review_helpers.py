"""Helpers of the review-desk tests: a real webhook receiver on 127.0.0.1 and seeding of
stored articles with the real matcher's mentions."""
from __future__ import annotations

import json
import threading
from collections import deque
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from flows.cycle import mention_records
from models.records import ArticleRecord
from models.store import Store
from watch import Matcher, load_watchlist

REPO = Path(__file__).resolve().parent.parent
WATCHLIST = REPO / "watchlists" / "default.toml"
UTC = timezone.utc
BASE_TIME = datetime(2026, 11, 27, 0, 0, tzinfo=UTC)


@lru_cache(maxsize=1)
def matcher() -> Matcher:
    return Matcher(load_watchlist(WATCHLIST))


@lru_cache(maxsize=1)
def entity_names() -> dict[str, str]:
    return {e.id: e.name for e in load_watchlist(WATCHLIST).entities}


def save(store: Store, *, url: str, title: str, text: str | None, feed: str = "Wire",
         published: datetime | None = BASE_TIME, language: str = "en", status: str = "ok",
         flow_run_id: str | None = None, fetched_at: datetime | None = None) -> int:
    """Store one article with the mentions the real matcher finds in it."""
    match = matcher().match(title or "", text or "") if status == "ok" else None
    rec = ArticleRecord(url=url, feed=feed, title=title, text=text, status=status, language=language,
                        published=published, flow_run_id=flow_run_id, fetched_at=fetched_at,
                        reason=None if status == "ok" else "no body found")
    aid, _ = store.save_article(rec, mention_records(match))
    return aid


class WebhookReceiver:
    """A Slack-style incoming webhook on 127.0.0.1: records every POST (path, JSON body) and
    answers with the scripted statuses (then 200 "ok")."""

    def __init__(self) -> None:
        self.posts: list[tuple[str, dict]] = []
        self.script: deque[int] = deque()
        self.lock = threading.Lock()
        rcv = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a) -> None:
                pass

            def do_POST(self) -> None:
                n = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(n)
                with rcv.lock:
                    status = rcv.script.popleft() if rcv.script else 200
                    if status == 200:
                        rcv.posts.append((self.path, json.loads(body)))
                    else:
                        rcv.failed.append(self.path)
                reply = b"ok" if status == 200 else b"server error"
                self.send_response(status)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

        self.failed: list[str] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def url(self, path: str = "/hooks/T000/B000/XXXX") -> str:
        return self.base + path

    def fail_next(self, *statuses: int) -> None:
        with self.lock:
            self.script.extend(statuses)

    def __enter__(self) -> "WebhookReceiver":
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def minutes(n: int) -> timedelta:
    return timedelta(minutes=n)
