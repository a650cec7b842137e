"""The Store: every read and write newsmon makes to its database.

Sync API: the async pipeline calls it through ``asyncio.to_thread``. Each call opens its
own connection/transaction from the engine's pool, so one Store may be shared by threads.

Idempotence and concurrency
---------------------------
Writes never select-then-insert: ``save_article`` issues ``INSERT ... ON CONFLICT
(url_hash) DO NOTHING RETURNING id``. Whoever inserts the article row first also writes its
mentions and URL aliases in the same transaction; a concurrent saver of the same article
waits on the unique index (PostgreSQL) or the write lock (SQLite), then sees the committed
row and returns ``created=False``. So two workers saving one story give one article row,
its complete mentions, no IntegrityError. URL aliases are inserted sorted by hash with
``ON CONFLICT DO NOTHING`` so concurrent transactions take index locks in one order (no
deadlock); a PostgreSQL deadlock or serialization failure is retried anyway.

Failed pages
------------
* Permanent failures (404/410, too large, binary, not HTML) are saved as an article row with
  ``status="failed"`` and a ``reason``: the URL is then "known" and not refetched every
  cycle. If a later save of the same URL succeeds (e.g. a backfill after the site fixed
  the page), it *upgrades* the failed row in place and counts as created.
* Temporary failures (timeouts, 5xx, 429) only get a ``fetch_outcome`` row and are retried
  next cycle; ``temporary_failures(urls)`` counts them so the pipeline can give up after N.
* Blocked URLs (robots.txt, SSRF guard) get a ``fetch_outcome`` row only.
"""
from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import and_, exc, or_, select
from sqlalchemy.dialects import postgresql as pg_dialect
from sqlalchemy.dialects import sqlite as sqlite_dialect
from sqlalchemy.engine import Connection
from sqlmodel import Session

from newsmon.errors import StorageError

from ..db import make_engine, read_engine, storage_error
from ..records import ArticleRecord, MentionRecord
from ..tables import (
    ARTICLE_STATUSES,
    UTC,
    AlertSent,
    Article,
    ArticleTombstone,
    ArticleUrl,
    ClusterBand,
    ClusterSignature,
    Cycle,
    Feed,
    FetchOutcome,
    Mention,
    ReviewEvent,
    as_utc,
)

if TYPE_CHECKING:
    from . import Store

log = logging.getLogger(__name__)
T = TypeVar("T")

A = Article.__table__.c
F = Feed.__table__.c
M = Mention.__table__.c
U = ArticleUrl.__table__.c
FO = FetchOutcome.__table__.c
RE = ReviewEvent.__table__.c
CS = ClusterSignature.__table__.c
CB = ClusterBand.__table__.c
AS = AlertSent.__table__.c
CY = Cycle.__table__.c
TS = ArticleTombstone.__table__.c

# Rows per IN (...) list: far below SQLite's 32766 bound parameters and PG's 65535.
_IN_CHUNK = 500
_WRITE_ATTEMPTS = 4  # PostgreSQL deadlock / serialization failure retries
_RETRY_SQLSTATES = {"40P01", "40001"}
SYSTEM_REVIEWER = "newsmon"


def _now() -> datetime:
    return datetime.now(UTC)


def _clean(value: Any) -> Any:
    """Make page-derived text storable everywhere.

    PostgreSQL rejects NUL characters in text and JSONB, and no driver can encode lone
    surrogates (left by some decoders): both come from hostile or broken pages, and must
    not cost us the article. NUL is dropped, surrogates become U+FFFD.
    """
    if isinstance(value, str):
        if "\x00" in value:
            value = value.replace("\x00", "")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            # Via UTF-16: a surrogate pair becomes its character, a lone surrogate one U+FFFD.
            value = value.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
        return value
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if isinstance(value, dict):
        return {_clean(str(k)): _clean(v) for k, v in value.items()}
    return value


def _chunks(items: list[T], n: int = _IN_CHUNK) -> Iterator[list[T]]:
    for i in range(0, len(items), n):
        yield items[i:i + n]


def _check_status(rec: ArticleRecord) -> None:
    if not isinstance(rec.url, str) or not rec.url.strip():
        raise ValueError(f"article record without a URL: {rec!r:.200}")
    if rec.status not in ARTICLE_STATUSES:
        raise ValueError(f"article {rec.url}: status {rec.status!r} is not one of {', '.join(ARTICLE_STATUSES)}")


def _check_mentions(mentions: list[MentionRecord], url: str) -> None:
    seen: set[str] = set()
    for m in mentions:
        if m.entity_id in seen:
            # The matcher folds every mention of an entity into one record; two records
            # would make one of them vanish on ON CONFLICT, so refuse loudly.
            raise ValueError(f"article {url}: entity {m.entity_id!r} appears twice in mentions")
        seen.add(m.entity_id)



def dated_between(since: Any = None, until: Any = None) -> Any:
    """Articles dated in ``[since, until)`` (either bound optional), the date being the
    publication time, else the fetch time. Spelled per column, not on their ``coalesce``,
    so that the indexes on ``published`` and ``fetched_at`` serve it."""
    def within(col: Any) -> Any:
        return and_(*([col >= as_utc(since)] if since is not None else []),
                    *([col < as_utc(until)] if until is not None else []))

    return or_(and_(A.published.is_not(None), within(A.published)),
               and_(A.published.is_(None), within(A.fetched_at)))


def dialect_insert(dialect: str, table: Any) -> Any:
    """The dialect's INSERT, which has on_conflict_do_nothing/do_update."""
    return (pg_dialect.insert if dialect == "postgresql" else sqlite_dialect.insert)(table)


def upsert(conn: Connection, table: Any, keys: list[str], values: dict[str, Any]) -> Any:
    """INSERT ... ON CONFLICT (keys) DO UPDATE SET <the other columns> (one row)."""
    stmt = dialect_insert(conn.dialect.name, table).values(**values)
    return stmt.on_conflict_do_update(index_elements=keys,
                                      set_={k: stmt.excluded[k] for k in values if k not in keys})


class StoreBase:
    """Engine, transactions and errors shared by the store's parts (see module docstring)."""

    def __init__(self, url: str, *, sqlite_busy_timeout_s: float = 30.0, echo: bool = False) -> None:
        self.url = url
        self.sqlite_busy_timeout_s = sqlite_busy_timeout_s
        self.engine = make_engine(url, sqlite_busy_timeout_s=sqlite_busy_timeout_s, echo=echo)
        self._reader = read_engine(self.engine)
        self.dialect = self.engine.dialect.name
        self._ready = False
        self._init_lock = threading.Lock()
        # SQLite has one writer at a time. Threads of this process queue here for it (a
        # hand-over costs microseconds) instead of in SQLite's busy handler, which polls
        # with sleeps of up to 100 ms; other processes still wait in the busy handler.
        self._write_lock: threading.RLock | None = threading.RLock() if self.dialect == "sqlite" else None
        # Statements built once (SQLAlchemy then skips building and cache-keying them per call).
        self._stmt_article = (self._insert(Article.__table__)
                              .on_conflict_do_nothing(index_elements=["url_hash"]).returning(A.id))
        self._stmt_mentions = self._insert(Mention.__table__).on_conflict_do_nothing(
            index_elements=["article_id", "entity_id"])
        keep = ("id", "article_id", "entity_id")
        ins = self._insert(Mention.__table__)
        self._stmt_mentions_upsert = ins.on_conflict_do_update(
            index_elements=["article_id", "entity_id"],
            set_={c.name: ins.excluded[c.name] for c in Mention.__table__.c if c.name not in keep})
        self._stmt_aliases = self._insert(ArticleUrl.__table__).on_conflict_do_nothing(index_elements=["url_hash"])

    @classmethod
    def from_settings(cls, settings: Any) -> "Store":
        db = settings.database
        return cls(settings.database_url, sqlite_busy_timeout_s=db.sqlite_busy_timeout_s, echo=db.echo)

    # -- plumbing ---------------------------------------------------------------------

    def check(self) -> None:
        """Connect and create the tables if needed; StorageError with one line if impossible."""
        with self._init_lock:
            self._init()

    def _init(self) -> None:
        try:
            from ..migrate import ensure_current
            ensure_current(self.url, self.engine, busy_timeout_s=self.sqlite_busy_timeout_s)
        except exc.DBAPIError as e:
            raise self._error(e) from None
        self._ready = True

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def _ensure(self) -> None:
        """Create the tables on first use (once, even when threads race here)."""
        if not self._ready:
            with self._init_lock:
                if not self._ready:
                    self._init()

    def _error(self, e: BaseException) -> StorageError:
        return storage_error(self.engine.url, e, busy_timeout_s=self.sqlite_busy_timeout_s)

    def _insert(self, table: Any) -> Any:
        """The dialect's INSERT, which has on_conflict_do_nothing/do_update."""
        return dialect_insert(self.dialect, table)

    def _write(self, fn: Callable[[Connection], T]) -> T:
        """Run ``fn`` in one write transaction (BEGIN IMMEDIATE on SQLite), retrying PG deadlocks."""
        self._ensure()
        if self._write_lock is not None:
            with self._write_lock:
                return self._write_txn(fn)
        return self._write_txn(fn)

    def _write_txn(self, fn: Callable[[Connection], T]) -> T:
        for attempt in range(_WRITE_ATTEMPTS):
            try:
                with self.engine.begin() as conn:
                    return fn(conn)
            except exc.OperationalError as e:
                code = getattr(e.orig, "sqlstate", None)
                if code in _RETRY_SQLSTATES and attempt + 1 < _WRITE_ATTEMPTS:
                    log.info("retrying transaction after %s (attempt %d)", code, attempt + 1)
                    time.sleep(0.02 * (attempt + 1) + random.random() * 0.05)
                    continue
                raise self._error(e) from None
            except exc.InterfaceError as e:
                raise self._error(e) from None
        raise AssertionError("unreachable")

    def _read(self, fn: Callable[[Connection], T]) -> T:
        self._ensure()
        try:
            with self._reader.connect() as conn:
                return fn(conn)
        except (exc.OperationalError, exc.InterfaceError) as e:
            raise self._error(e) from None

    def _lock_article(self, conn: Connection, article_id: int) -> Any:
        """Read the article's review fields, row-locked on PostgreSQL (SQLite holds the write lock)."""
        q = select(A.id, A.review_state, A.url).where(A.id == article_id)
        if self.dialect == "postgresql":
            q = q.with_for_update()
        row = conn.execute(q).first()
        if row is None:
            raise LookupError(f"no article with id {article_id}")
        return row

    @contextmanager
    def session(self, *, write: bool = False) -> Iterator[Session]:
        """A SQLModel session for ad-hoc queries (review desk, reports). Commit yourself if writing."""
        self._ensure()
        with Session(self.engine if write else self._reader) as s:
            yield s

