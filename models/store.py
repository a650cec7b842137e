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
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy import bindparam, delete, func, insert, select, update
from sqlalchemy import exc
from sqlalchemy.dialects import postgresql as pg_dialect
from sqlalchemy.dialects import sqlite as sqlite_dialect
from sqlalchemy.engine import Connection
from sqlmodel import Session

from newsmon.errors import StorageError

from .compress import Compressed, compress, decompress
from .db import init_db, make_engine, read_engine, storage_error
from .records import ArticleRecord, MentionRecord, url_key
from .tables import (
    ARTICLE_STATUSES,
    FEED_STATUSES,
    FETCH_OUTCOMES,
    REVIEW_STATES,
    UTC,
    Article,
    ArticleUrl,
    Cycle,
    Feed,
    FetchOutcome,
    Mention,
    ReviewEvent,
    RobotsTxt,
    UTCDateTime,
    as_utc,
)

# Review desk (story clusters, inbox, alerts): queries added for ``review/``.
from datetime import timedelta  # noqa: E402
from sqlalchemy import and_, desc, distinct, exists, or_  # noqa: E402
from .tables import ALERT_STATUSES, AlertSent, ClusterBand, ClusterSignature  # noqa: E402,F401

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

# Rows per IN (...) list: far below SQLite's 32766 bound parameters and PG's 65535.
_IN_CHUNK = 500
_WRITE_ATTEMPTS = 4  # PostgreSQL deadlock / serialization failure retries
_RETRY_SQLSTATES = {"40P01", "40001"}
SYSTEM_REVIEWER = "newsmon"


@dataclass(frozen=True)
class FeedState:
    name: str
    url: str
    etag: str | None
    last_modified: str | None
    last_polled_at: datetime | None
    last_success_at: datetime | None
    last_status: str | None
    last_error: str | None
    last_http_status: int | None
    consecutive_failures: int
    next_poll_at: datetime | None
    entries_seen: int


@dataclass(frozen=True)
class FeedPoll:
    """One poll of one feed, as recorded by ``Store.record_feed_polls`` (arguments as in
    ``record_feed_poll``)."""

    name: str
    ok: bool
    status: str
    http_status: int | None = None
    error: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    next_poll_at: datetime | None = None
    at: datetime | None = None
    entries: int | None = None


@dataclass
class StoredArticle:
    """One article row as read back (``raw_html`` decompressed, only when asked for)."""

    id: int
    url: str
    url_hash: str
    original_url: str | None
    final_url: str | None
    feed: str | None
    title: str | None
    text: str | None
    status: str
    reason: str | None
    published: datetime | None
    published_raw: str | None
    published_source: str | None
    modified: datetime | None
    authors: list[str]
    language: str | None
    raw_encoding: str | None
    http_status: int | None
    notes: list[str]
    meta: dict
    fetched_at: datetime | None
    extracted_at: datetime | None
    extractor_version: str | None
    watchlist_digest: str | None
    entities: list[str]
    flow_run_id: str | None
    cluster_id: int | None
    review_state: str
    review_note: str | None
    reviewed_by: str | None
    reviewed_at: datetime | None
    raw_html: bytes | None = None
    mentions: list[MentionRecord] = field(default_factory=list)

    def to_record(self) -> ArticleRecord:
        """An ArticleRecord carrying this row's identity and kept page, for re-extraction."""
        return ArticleRecord(
            url=self.url, feed=self.feed, title=self.title, text=self.text, status=self.status,
            reason=self.reason, original_url=self.original_url, final_url=self.final_url,
            published=self.published, published_raw=self.published_raw,
            published_source=self.published_source, modified=self.modified,
            authors=list(self.authors), language=self.language, raw_html=self.raw_html,
            encoding=self.raw_encoding, http_status=self.http_status, notes=list(self.notes),
            meta=dict(self.meta), fetched_at=self.fetched_at, flow_run_id=self.flow_run_id,
            extractor_version=self.extractor_version, watchlist_digest=self.watchlist_digest,
            extracted_at=self.extracted_at)


@dataclass(frozen=True)
class ReviewEntry:
    id: int
    article_id: int
    from_state: str | None
    to_state: str
    note: str | None
    reviewer: str | None
    at: datetime


@dataclass(frozen=True)
class FetchOutcomeEntry:
    url: str
    feed: str | None
    kind: str
    outcome: str
    error: str | None
    http_status: int | None
    at: datetime
    flow_run_id: str | None


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


class Store:
    """Thread-safe access to the newsmon database (see module docstring)."""

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
        self._stmt_aliases = self._insert(ArticleUrl.__table__).on_conflict_do_nothing(index_elements=["url_hash"])
        self._stmt_signature = insert(ClusterSignature.__table__)
        # assign_clusters' queries, with parameters (built and cache-keyed once, not per article).
        near = (select(CB.article_id).where(CB.band.in_(bindparam("keys", expanding=True)))
                .distinct().scalar_subquery())
        self._q_candidates = (select(CS.article_id, CS.cluster_id, CS.n_shingles, CS.signature, CS.at)
                              .where(CS.article_id.in_(near), CS.article_id != bindparam("aid"),
                                     CS.at >= bindparam("lo"), CS.at <= bindparam("hi"))
                              .order_by(CS.article_id))
        self._u_cluster = update(Article.__table__).where(A.id == bindparam("aid")).values(
            cluster_id=bindparam("cid"))
        self._stmt_bands = self._insert(ClusterBand.__table__).on_conflict_do_nothing(
            index_elements=["band", "article_id"])

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
            init_db(self.engine, busy_timeout_s=self.sqlite_busy_timeout_s)
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
        return (pg_dialect.insert if self.dialect == "postgresql" else sqlite_dialect.insert)(table)

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

    # -- feeds ------------------------------------------------------------------------

    def sync_feeds(self, feeds: Iterable[Any]) -> None:
        """Insert or update (by name) the configured feeds; feeds gone from the config are kept."""
        wanted = {f.name: f.url for f in feeds}
        if not wanted:
            return
        # Every run starts here, usually with nothing to change: read first, and write
        # (one prebuilt upsert, many parameter sets) only the feeds that are new or moved.
        stored = self._read(lambda conn: dict(conn.execute(select(F.name, F.url)).all()))
        rows = [{"name": n, "url": u} for n, u in sorted(wanted.items()) if stored.get(n) != u]
        if not rows:
            return
        ins = self._insert(Feed.__table__)
        upsert = ins.on_conflict_do_update(index_elements=["name"], set_={"url": ins.excluded.url})

        def txn(conn: Connection) -> None:
            for chunk in _chunks(rows):
                conn.execute(upsert, chunk)

        self._write(txn)

    def feed_states(self, names: Iterable[str] | None = None) -> dict[str, FeedState]:
        """Poll state of every stored feed, or only of the feeds named (a batch of a cycle)."""
        wanted = None if names is None else sorted(set(names))

        def q(conn: Connection) -> dict[str, FeedState]:
            if wanted is None:
                chunks: Iterable[Any] = [conn.execute(select(Feed.__table__).order_by(F.name)).mappings()]
            else:
                chunks = (conn.execute(select(Feed.__table__).where(F.name.in_(c))).mappings()
                          for c in _chunks(wanted))
            return {r["name"]: FeedState(**{k: r[k] for k in FeedState.__dataclass_fields__})
                    for rows in chunks for r in rows}

        return self._read(q) if wanted is None or wanted else {}

    def record_feed_poll(self, name: str, *, ok: bool, status: str, http_status: int | None = None,
                         error: str | None = None, etag: str | None = None,
                         last_modified: str | None = None, next_poll_at: datetime | None = None,
                         at: datetime | None = None, entries: int | None = None) -> int:
        """Record one poll of feed ``name``; returns its consecutive failure count afterwards.

        ``ok`` resets the count to 0, a failure increments it in SQL, so two workers
        recording failures at once both count. On a 200 (``status="ok"``) the validators
        are replaced by what the server sent (None clears them); on ``not_modified`` they
        are kept unless new ones are given; failures keep them.
        """
        values = self._feed_poll_values(FeedPoll(name, ok, status, http_status, error, etag, last_modified,
                                                 next_poll_at, at, entries))

        def txn(conn: Connection) -> int:
            row = conn.execute(update(Feed.__table__).where(F.name == name).values(**values)
                               .returning(F.consecutive_failures)).first()
            if row is None:
                raise LookupError(f"unknown feed {name!r}; call sync_feeds() with the configured feeds first")
            return int(row[0])

        return self._write(txn)

    @staticmethod
    def _feed_poll_values(p: FeedPoll) -> dict[str, Any]:
        """The SET clause of one poll (see ``record_feed_poll``); ValueError for a bad status."""
        name, ok, status, http_status, error = p.name, p.ok, p.status, p.http_status, p.error
        etag, last_modified, next_poll_at, entries = p.etag, p.last_modified, p.next_poll_at, p.entries
        if status not in FEED_STATUSES:
            raise ValueError(f"feed {name!r}: status {status!r} is not one of {', '.join(FEED_STATUSES)}")
        at = as_utc(p.at) if p.at is not None else _now()
        values: dict[str, Any] = {
            "last_polled_at": at, "last_status": status, "last_http_status": http_status,
            "next_poll_at": next_poll_at,
        }
        if ok:
            values.update(consecutive_failures=0, last_error=None, last_success_at=at)
            if status == "not_modified":
                values.update(etag=func.coalesce(etag, F.etag),
                              last_modified=func.coalesce(last_modified, F.last_modified))
            else:
                values.update(etag=etag, last_modified=last_modified)
            if entries is not None:
                values["entries_seen"] = entries
        else:
            values.update(consecutive_failures=F.consecutive_failures + 1,
                          last_error=_clean(error) if error else "unknown error")
        return values

    def record_feed_polls(self, polls: Iterable[FeedPoll]) -> dict[str, int]:
        """Record many polls in one transaction (a cycle's thousands of "not modified" feeds);
        returns each feed's consecutive failure count afterwards.

        Same rules as ``record_feed_poll``. Successful polls of one shape share one
        statement run with many parameter sets (no per-feed round trip through the ORM
        layer); failures are counted in SQL one by one. Give each feed once (one poll per
        feed per cycle). LookupError names unknown feeds (then nothing is written).
        """
        polls = list(polls)
        if not polls:
            return {}
        # (shape -> statement, parameter sets); a shape is which columns are set and how.
        groups: dict[tuple, tuple[Any, list[dict[str, Any]]]] = {}
        singles: list[tuple[str, dict[str, Any]]] = []
        for p in polls:
            values = self._feed_poll_values(p)
            if not p.ok:
                singles.append((p.name, values))
                continue
            shape = tuple(sorted(values)) + (p.status == "not_modified",)
            if shape not in groups:
                set_: dict[str, Any] = {}
                for k in values:
                    if k in ("etag", "last_modified") and p.status == "not_modified":
                        set_[k] = func.coalesce(bindparam(f"b_{k}"), F[k])
                    elif k in ("consecutive_failures", "last_error"):
                        set_[k] = values[k]  # constants of a success: 0 and NULL
                    else:
                        set_[k] = bindparam(f"b_{k}")
                groups[shape] = (update(Feed.__table__).where(F.name == bindparam("b_name")).values(**set_), [])
            params = {"b_name": p.name}
            for k, v in values.items():
                if k in ("consecutive_failures", "last_error"):
                    continue
                params[f"b_{k}"] = getattr(p, k) if k in ("etag", "last_modified") else v
            groups[shape][1].append(params)

        def txn(conn: Connection) -> dict[str, int]:
            out: dict[str, int] = {}
            for stmt, params in groups.values():
                for chunk in _chunks(params):
                    n = conn.execute(stmt, chunk).rowcount
                    if n is not None and 0 <= n < len(chunk) and conn.dialect.supports_sane_multi_rowcount:
                        self._unknown_feeds(conn, [c["b_name"] for c in chunk])
                out.update({c["b_name"]: 0 for c in params})
            for name, values in singles:
                row = conn.execute(update(Feed.__table__).where(F.name == name).values(**values)
                                   .returning(F.consecutive_failures)).first()
                if row is None:
                    self._unknown_feeds(conn, [name])
                out[name] = int(row[0])
            return out

        return self._write(txn)

    @staticmethod
    def _unknown_feeds(conn: Connection, names: list[str]) -> None:
        known = set(conn.execute(select(F.name).where(F.name.in_(names))).scalars())
        missing = sorted(set(names) - known) or names
        raise LookupError(f"unknown feed(s) {', '.join(map(repr, missing[:5]))}; call sync_feeds() with the "
                          f"configured feeds first")

    # -- articles ---------------------------------------------------------------------

    def known_urls(self, urls: Iterable[str]) -> set[str]:
        """The subset of ``urls`` already stored under any of their articles' URL forms."""
        by_hash = {url_key(u): u for u in urls}
        if not by_hash:
            return set()

        def q(conn: Connection) -> set[str]:
            found: set[str] = set()
            for chunk in _chunks(list(by_hash)):
                found.update(conn.execute(select(U.url_hash).where(U.url_hash.in_(chunk))).scalars())
            return {by_hash[h] for h in found}

        return self._read(q)

    def article_id(self, url: str) -> int | None:
        """The id of the article stored under this URL form (canonical or alias), if any."""
        h = url_key(url)
        return self._read(lambda c: c.execute(select(U.article_id).where(U.url_hash == h)).scalar())

    def _article_values(self, rec: ArticleRecord, mentions: list[MentionRecord], now: datetime) -> dict[str, Any]:
        raw = rec.raw_html
        if isinstance(raw, Compressed):  # compressed already (in an extraction worker)
            blob, size = bytes(raw), raw.raw_size
        else:
            blob, size = (compress(raw) if raw else None), (len(raw) if raw is not None else None)
        return _clean({
            "url_hash": rec.key, "url": rec.url, "original_url": rec.original_url,
            "final_url": rec.final_url, "feed": rec.feed, "title": rec.title, "text": rec.text,
            "status": rec.status, "reason": rec.reason, "published_raw": rec.published_raw,
            "published_source": rec.published_source, "authors": list(rec.authors),
            "language": rec.language, "raw_encoding": rec.encoding, "http_status": rec.http_status,
            "notes": list(rec.notes), "meta": dict(rec.meta),
            "extractor_version": rec.extractor_version, "watchlist_digest": rec.watchlist_digest,
            "entities": sorted(m.entity_id for m in mentions),
            "flow_run_id": str(rec.flow_run_id) if rec.flow_run_id is not None else None,
        }) | {
            # Not text: kept out of _clean.
            "published": rec.published, "modified": rec.modified,
            "raw_html": blob, "raw_size": size,
            "fetched_at": rec.fetched_at or now,
            "extracted_at": rec.extracted_at or (now if rec.status != "failed" else None),
        }

    @staticmethod
    def _mention_rows(article_id: int, mentions: list[MentionRecord]) -> list[dict[str, Any]]:
        return [_clean({"article_id": article_id, "entity_id": m.entity_id, "count": int(m.count),
                        "in_title": bool(m.in_title), "snippet": m.snippet, "reason": m.reason,
                        "details": list(m.details)})
                for m in sorted(mentions, key=lambda m: m.entity_id)]

    def _insert_aliases(self, conn: Connection, article_id: int, urls: Iterable[str | None]) -> None:
        rows = {url_key(u): u for u in urls if u}
        if not rows:
            return
        # Sorted by key: concurrent transactions then wait on index entries in one order.
        values = [{"url_hash": h, "article_id": article_id, "url": _clean(rows[h])} for h in sorted(rows)]
        conn.execute(self._stmt_aliases, values)

    def save_article(self, rec: ArticleRecord, mentions: list[MentionRecord]) -> tuple[int, bool]:
        """Store one article with its mentions and URL aliases in one transaction.

        Returns ``(article_id, created)``. ``created`` is False when the canonical URL was
        already stored (the stored row, mentions and review state are left as they are;
        only new URL aliases are added), True when this call inserted the row or upgraded
        a ``failed`` row to a successful fetch.
        """
        prepared = self._prepare_save(rec, mentions)
        return self._write(lambda conn: self._save_in(conn, *prepared))

    def save_articles(self, items: Iterable[tuple[ArticleRecord, list[MentionRecord]]]) -> list[tuple[int, bool]]:
        """``save_article`` for many articles in ONE transaction (group commit); results in order.

        The cycle's writer uses it: one commit (and on SQLite one write-lock round) per
        batch instead of per article. All or nothing: if it raises, nothing was written,
        and the caller may save the items one by one to find the bad one.
        """
        prepared = [self._prepare_save(rec, mentions) for rec, mentions in items]
        if not prepared:
            return []
        return self._write(lambda conn: [self._save_in(conn, *p) for p in prepared])

    def _prepare_save(self, rec: ArticleRecord, mentions: list[MentionRecord]
                      ) -> tuple[ArticleRecord, list[MentionRecord], dict[str, Any], list[str | None]]:
        _check_status(rec)
        _check_mentions(mentions, rec.url)
        values = self._article_values(rec, mentions, _now())
        aliases = [rec.url, rec.original_url, rec.final_url, *rec.aliases]
        return rec, mentions, values, aliases

    def _save_in(self, conn: Connection, rec: ArticleRecord, mentions: list[MentionRecord],
                 values: dict[str, Any], aliases: list[str | None]) -> tuple[int, bool]:
        row = conn.execute(self._stmt_article, values).first()
        created = row is not None
        if row is None and rec.status != "failed":
            # Upgrade a failed row (the page works now). The status test in WHERE makes
            # it safe against a concurrent upgrader: only one of them matches.
            upd = {k: v for k, v in values.items() if k not in ("url_hash",)}
            row = conn.execute(update(Article.__table__)
                               .where(A.url_hash == values["url_hash"], A.status == "failed")
                               .values(**upd).returning(A.id)).first()
            if row is not None:
                created = True
                conn.execute(delete(Mention.__table__).where(M.article_id == row[0]))
        if row is None:
            article_id = conn.execute(select(A.id).where(A.url_hash == values["url_hash"])).scalar_one()
        else:
            article_id = row[0]
        if created and mentions:
            conn.execute(self._stmt_mentions, self._mention_rows(article_id, mentions))
        self._insert_aliases(conn, article_id, aliases)
        return article_id, created

    def replace_extraction(self, article_id: int, rec: ArticleRecord) -> None:
        """Re-extraction: replace the extracted fields, keep identity, review state, cluster, mentions.

        The kept page is replaced only if ``rec.raw_html`` is given.
        """
        _check_status(rec)
        now = _now()
        v = self._article_values(rec, [], now)
        keep_out = {"url_hash", "url", "original_url", "feed", "entities", "flow_run_id",
                    "fetched_at", "watchlist_digest", "raw_html", "raw_size"}
        values = {k: val for k, val in v.items() if k not in keep_out}
        values["extracted_at"] = rec.extracted_at or now
        if rec.raw_html is not None:
            values.update(raw_html=v["raw_html"], raw_size=v["raw_size"])
        if rec.final_url is None:
            values.pop("final_url")
        if rec.encoding is None:
            values.pop("raw_encoding")
        if rec.http_status is None:
            values.pop("http_status")

        def txn(conn: Connection) -> None:
            n = conn.execute(update(Article.__table__).where(A.id == article_id).values(**values)).rowcount
            if n == 0:
                raise LookupError(f"no article with id {article_id}")
            self._insert_aliases(conn, article_id, [rec.final_url, *rec.aliases])

        self._write(txn)

    def replace_mentions(self, article_id: int, mentions: list[MentionRecord],
                         watchlist_digest: str | None) -> tuple[list[str], list[str]]:
        """Re-match: replace the article's mentions; returns (added ids, removed ids), sorted.

        The review state and its history are kept; when the set of entities changes, an
        audit event (same from/to state, reviewer "newsmon") says what changed.
        """
        _check_mentions(mentions, f"#{article_id}")
        new_ids = sorted(m.entity_id for m in mentions)
        rows = self._mention_rows(article_id, mentions)

        def txn(conn: Connection) -> tuple[list[str], list[str]]:
            art = self._lock_article(conn, article_id)
            old = set(conn.execute(select(M.entity_id).where(M.article_id == article_id)).scalars())
            conn.execute(delete(Mention.__table__).where(M.article_id == article_id))
            if rows:
                conn.execute(insert(Mention.__table__).values(rows))
            conn.execute(update(Article.__table__).where(A.id == article_id)
                         .values(entities=new_ids, watchlist_digest=watchlist_digest))
            added = sorted(set(new_ids) - old)
            removed = sorted(old - set(new_ids))
            if added or removed:
                note = "re-match: " + ", ".join([f"+{e}" for e in added] + [f"-{e}" for e in removed])
                conn.execute(insert(ReviewEvent.__table__).values(
                    article_id=article_id, from_state=art.review_state, to_state=art.review_state,
                    note=note, reviewer=SYSTEM_REVIEWER, at=_now()))
            return added, removed

        return self._write(txn)

    def raw_html(self, article_id: int) -> bytes | None:
        """The page bytes as fetched (decompressed); None if none were kept. LookupError if no such article."""
        def q(conn: Connection) -> Any:
            return conn.execute(select(A.id, A.raw_html).where(A.id == article_id)).first()

        row = self._read(q)
        if row is None:
            raise LookupError(f"no article with id {article_id}")
        return decompress(row.raw_html) if row.raw_html is not None else None

    def get_article(self, article_id: int, *, with_raw: bool = False) -> StoredArticle:
        found = list(self._articles(ids=[article_id], with_raw=with_raw))
        if not found:
            raise LookupError(f"no article with id {article_id}")
        return found[0]

    # -- reading many -----------------------------------------------------------------

    def iter_articles(self, *, since: datetime | date | None = None, until: datetime | date | None = None,
                      feeds: list[str] | None = None, with_raw: bool = False, batch: int = 200,
                      after_id: int | None = None, stale_extractor: str | None = None,
                      stale_watchlist: str | None = None) -> Iterator[StoredArticle]:
        """Stream articles in id order, ``batch`` rows per query (keyset pagination).

        Date filter: ``since <= published < until``, using ``fetched_at`` when the article
        has no publication date. ``after_id`` resumes after a given id (crash-safe
        backfills); ``stale_extractor``/``stale_watchlist`` keep only articles whose
        ``extractor_version``/``watchlist_digest`` differs from the given one (or is unset),
        so a re-run skips finished work. No transaction stays open between batches.
        """
        return self._articles(since=since, until=until, feeds=feeds, with_raw=with_raw, batch=batch,
                              after_id=after_id, stale_extractor=stale_extractor,
                              stale_watchlist=stale_watchlist)

    def _articles(self, *, since: Any = None, until: Any = None, feeds: list[str] | None = None,
                  with_raw: bool = False, batch: int = 200, after_id: int | None = None,
                  stale_extractor: str | None = None, stale_watchlist: str | None = None,
                  ids: list[int] | None = None) -> Iterator[StoredArticle]:
        if batch < 1:
            raise ValueError("batch must be at least 1")
        cols = [c for c in Article.__table__.c if c.name not in ("raw_html", "raw_size")]
        if with_raw:
            cols.append(A.raw_html)
        conds = []
        when = func.coalesce(A.published, A.fetched_at, type_=UTCDateTime())
        if since is not None:
            conds.append(when >= as_utc(since))
        if until is not None:
            conds.append(when < as_utc(until))
        if feeds is not None:
            conds.append(A.feed.in_(list(feeds)))
        if stale_extractor is not None:
            conds.append((A.extractor_version.is_(None)) | (A.extractor_version != stale_extractor))
        if stale_watchlist is not None:
            conds.append((A.watchlist_digest.is_(None)) | (A.watchlist_digest != stale_watchlist))
        if ids is not None:
            conds.append(A.id.in_(ids))
        last = after_id if after_id is not None else -1

        def page(conn: Connection, last_id: int) -> tuple[list[Any], dict[int, list[MentionRecord]]]:
            rows = conn.execute(select(*cols).where(A.id > last_id, *conds).order_by(A.id).limit(batch)).mappings().all()
            ments: dict[int, list[MentionRecord]] = {}
            if rows:
                q = (select(Mention.__table__).where(M.article_id.in_([r["id"] for r in rows]))
                     .order_by(M.article_id, M.entity_id))
                for m in conn.execute(q).mappings():
                    ments.setdefault(m["article_id"], []).append(MentionRecord(
                        entity_id=m["entity_id"], count=m["count"], in_title=m["in_title"],
                        snippet=m["snippet"] or "", reason=m["reason"] or "", details=m["details"] or []))
            return rows, ments

        fields = set(StoredArticle.__dataclass_fields__) - {"raw_html", "mentions"}
        while True:
            rows, ments = self._read(lambda conn: page(conn, last))
            for r in rows:
                raw = r.get("raw_html") if with_raw else None
                yield StoredArticle(**{k: r[k] for k in fields},
                                    raw_html=decompress(raw) if raw is not None else None,
                                    mentions=ments.get(r["id"], []))
            if len(rows) < batch:
                return
            last = rows[-1]["id"]

    def export_rows(self, *, since: datetime | date | None = None, until: datetime | date | None = None,
                    feeds: list[str] | None = None, batch: int = 200) -> Iterator[dict[str, Any]]:
        """One JSON-ready dict per stored article (see ``export_row``), streamed."""
        for a in self.iter_articles(since=since, until=until, feeds=feeds, batch=batch):
            yield export_row(a)

    # -- fetch outcomes, cycles -------------------------------------------------------

    # -- robots.txt across cycles (scrapers.robots.RobotsMemory) ---------------------------

    def robots_recall(self, origin: str, max_age_s: float) -> tuple[bytes | None, str | None, float] | None:
        """(content or None if missing, note, age in seconds) of an origin's robots.txt
        fetched within ``max_age_s``; None if unknown or older."""
        q = select(RobotsTxt.content, RobotsTxt.note, RobotsTxt.fetched_at).where(RobotsTxt.origin == origin)
        row = self._read(lambda conn: conn.execute(q).first())
        if row is None:
            return None
        age = (_now() - as_utc(row.fetched_at)).total_seconds()
        if not 0 <= age < max_age_s:  # stale, or fetched "in the future" (a clock moved back)
            return None
        return (bytes(row.content) if row.content is not None else None), row.note, age

    def robots_remember(self, origin: str, content: bytes | None, note: str | None) -> None:
        """Keep an origin's robots.txt (None: missing) as fetched now (upsert)."""
        values = {"origin": origin, "content": content, "note": note, "fetched_at": _now()}
        stmt = self._insert(RobotsTxt.__table__).values(**values)
        stmt = stmt.on_conflict_do_update(
            index_elements=["origin"], set_={k: stmt.excluded[k] for k in ("content", "note", "fetched_at")})
        self._write(lambda conn: conn.execute(stmt))

    def record_fetch_outcome(self, url: str, *, outcome: str, kind: str = "page", feed: str | None = None,
                             error: str | None = None, http_status: int | None = None,
                             at: datetime | None = None, flow_run_id: str | None = None) -> None:
        if outcome not in FETCH_OUTCOMES:
            raise ValueError(f"{url}: outcome {outcome!r} is not one of {', '.join(FETCH_OUTCOMES)}")
        row = _clean({"url": url, "url_hash": url_key(url), "feed": feed, "kind": kind, "outcome": outcome,
                      "error": error, "flow_run_id": str(flow_run_id) if flow_run_id is not None else None})
        row.update(http_status=http_status, at=as_utc(at) if at is not None else _now())
        self._write(lambda conn: conn.execute(insert(FetchOutcome.__table__).values(row)))

    def fetch_outcomes(self, *, since: datetime | None = None, feed: str | None = None,
                       flow_run_id: str | None = None, limit: int = 1000) -> list[FetchOutcomeEntry]:
        """Recorded outcomes, newest first."""
        conds = []
        if since is not None:
            conds.append(FO.at >= as_utc(since))
        if feed is not None:
            conds.append(FO.feed == feed)
        if flow_run_id is not None:
            conds.append(FO.flow_run_id == str(flow_run_id))
        q = select(FetchOutcome.__table__).where(*conds).order_by(FO.at.desc(), FO.id.desc()).limit(limit)
        names = FetchOutcomeEntry.__dataclass_fields__

        def run(conn: Connection) -> list[FetchOutcomeEntry]:
            return [FetchOutcomeEntry(**{k: r[k] for k in names}) for r in conn.execute(q).mappings()]

        return self._read(run)

    def temporary_failures(self, urls: Iterable[str]) -> dict[str, int]:
        """How many temporary fetch failures each URL has on record (URLs with none are absent)."""
        by_hash = {url_key(u): u for u in urls}

        def q(conn: Connection) -> dict[str, int]:
            out: dict[str, int] = {}
            for chunk in _chunks(list(by_hash)):
                rows = conn.execute(select(FO.url_hash, func.count()).where(
                    FO.url_hash.in_(chunk), FO.outcome == "temporary").group_by(FO.url_hash))
                out.update({by_hash[h]: int(n) for h, n in rows})
            return out

        return self._read(q) if by_hash else {}

    def start_cycle(self, kind: str, flow_run_id: str | None = None, *, at: datetime | None = None) -> int:
        values = {"kind": kind, "flow_run_id": str(flow_run_id) if flow_run_id is not None else None,
                  "started_at": as_utc(at) if at is not None else _now(), "summary": {}}
        return self._write(lambda conn: int(conn.execute(
            insert(Cycle.__table__).values(values).returning(CY.id)).scalar_one()))

    def finish_cycle(self, cycle_id: int, summary: dict, *, at: datetime | None = None) -> None:
        values = {"summary": _clean(summary), "finished_at": as_utc(at) if at is not None else _now()}

        def txn(conn: Connection) -> None:
            if conn.execute(update(Cycle.__table__).where(CY.id == cycle_id).values(values)).rowcount == 0:
                raise LookupError(f"no cycle with id {cycle_id}")

        self._write(txn)

    # -- review -----------------------------------------------------------------------

    def set_review(self, article_id: int, state: str, *, note: str | None = None,
                   reviewer: str | None = None, at: datetime | None = None) -> None:
        """Set the review state and append the audit event, in one transaction."""
        if state not in REVIEW_STATES:
            raise ValueError(f"review state {state!r} is not one of {', '.join(REVIEW_STATES)}")
        at = as_utc(at) if at is not None else _now()
        note, reviewer = _clean(note), _clean(reviewer)

        def txn(conn: Connection) -> None:
            art = self._lock_article(conn, article_id)
            conn.execute(update(Article.__table__).where(A.id == article_id).values(
                review_state=state, review_note=note, reviewed_by=reviewer, reviewed_at=at))
            conn.execute(insert(ReviewEvent.__table__).values(
                article_id=article_id, from_state=art.review_state, to_state=state,
                note=note, reviewer=reviewer, at=at))

        self._write(txn)

    def review_events(self, article_id: int) -> list[ReviewEntry]:
        """The audit trail of one article, oldest first."""
        names = ReviewEntry.__dataclass_fields__
        q = select(ReviewEvent.__table__).where(RE.article_id == article_id).order_by(RE.at, RE.id)
        return self._read(lambda conn: [ReviewEntry(**{k: r[k] for k in names})
                                        for r in conn.execute(q).mappings()])

    # -- measurements -----------------------------------------------------------------

    def bytes_per_article(self) -> dict[str, float]:
        """Raw page size vs stored (compressed) size, totals and per article with a page."""
        def q(conn: Connection) -> Any:
            return conn.execute(select(func.count(), func.count(A.raw_html),
                                       func.coalesce(func.sum(A.raw_size), 0),
                                       func.coalesce(func.sum(func.length(A.raw_html)), 0))).one()

        articles, with_raw, raw, stored = self._read(q)
        raw, stored = int(raw), int(stored)
        return {
            "articles": articles, "with_raw": with_raw, "raw_bytes": raw, "stored_bytes": stored,
            "raw_per_article": raw / with_raw if with_raw else 0.0,
            "stored_per_article": stored / with_raw if with_raw else 0.0,
            "ratio": raw / stored if stored else 0.0,
        }

    # -- review desk: story clusters, inbox, decisions on whole stories, alerts -------
    # (Used by ``review/``. A story cluster is keyed by ``coalesce(cluster_id, id)``: an
    # article not clustered yet is a cluster of its own, so the inbox never hides it.)

    def articles_to_cluster(self, limit: int, *, after_id: int = 0) -> list[tuple[int, datetime]]:
        """Articles without a cluster yet, oldest first, with an id above ``after_id`` (a
        cursor, so callers read the backlog in small pages): (id, date = published or
        fetched)."""
        when = func.coalesce(A.published, A.fetched_at, type_=UTCDateTime())
        q = (select(A.id, when.label("at"))
             .where(A.cluster_id.is_(None), A.status.in_(("ok", "no_body")), A.id > after_id)
             .order_by(A.id).limit(limit))
        return self._read(lambda conn: [(r.id, r.at) for r in conn.execute(q)])

    def article_texts(self, ids: list[int]) -> dict[int, str | None]:
        """Body text by article id (absent ids: deleted)."""
        if not ids:
            return {}

        def q(conn: Connection) -> dict[int, str | None]:
            return {r.id: r.text for chunk in _chunks(ids)
                    for r in conn.execute(select(A.id, A.text).where(A.id.in_(chunk)))}

        return self._read(q)

    def assign_clusters(self, jobs: list["ClusterJob"], *, window: timedelta,
                        choose: Callable[["ClusterJob", list["SignatureRow"]], int | None]
                        ) -> list[int | None]:
        """Store the articles' signatures and put each in a cluster, in id order, in ONE
        transaction (a commit per article cost more than the clustering itself).

        For a job with a signature, the candidates are the articles sharing at least one
        LSH band key with it and dated within ``window`` of its date, including those
        assigned earlier in this batch; ``choose(job, candidates)`` returns the cluster to
        join or None (the article then starts its own cluster, keyed by its id). A job
        without a signature (no comparable body) is a story of its own. Assignments are
        serialised (SQLite: the write lock; PostgreSQL: an advisory lock), so two workers
        clustering two copies of one story at once still put them together. Idempotent: an
        article that already has a cluster keeps it. Returns each job's cluster id, or None
        for an article that no longer exists.
        """
        if not jobs:
            return []

        def txn(conn: Connection) -> list[int | None]:
            if self.dialect == "postgresql":
                conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_PG_CLUSTER_LOCK})")
            return _ClusterBatch(self, conn, window, choose).run(jobs)

        return self._write(txn)

    def _inbox_conds(self, *, entity: str | None, feed: str | None, since: datetime | date | None,
                     until: datetime | date | None, state: str | None) -> list[Any]:
        when = func.coalesce(A.published, A.fetched_at, type_=UTCDateTime())
        conds: list[Any] = [A.status != "failed", exists().where(M.article_id == A.id)]
        if entity:
            conds.append(exists().where(M.article_id == A.id, M.entity_id == entity))
        if feed:
            conds.append(A.feed == feed)
        if since is not None:
            conds.append(when >= as_utc(since))
        if until is not None:
            conds.append(when < as_utc(until))
        if state:
            if state not in REVIEW_STATES:
                raise ValueError(f"review state {state!r} is not one of {', '.join(REVIEW_STATES)}")
            conds.append(A.review_state == state)
        return conds

    def review_inbox(self, *, entity: str | None = None, feed: str | None = None,
                     since: datetime | date | None = None, until: datetime | date | None = None,
                     state: str | None = None, limit: int | None = 50,
                     offset: int = 0) -> tuple[list["InboxCluster"], int]:
        """Flagged story clusters, newest first, and how many clusters match in all.

        A cluster is listed when at least one of its flagged articles passes every filter
        (entity, feed, ``since <= date < until`` on published-or-fetched, review state);
        ``InboxCluster.matching`` names those articles, ``members`` lists every article of
        the cluster (all outlets), newest first.
        """
        conds = self._inbox_conds(entity=entity, feed=feed, since=since, until=until, state=state)
        key = func.coalesce(A.cluster_id, A.id)
        when = func.coalesce(A.published, A.fetched_at, type_=UTCDateTime())
        latest = func.max(when).label("latest")
        page = (select(key.label("k"), latest).where(*conds).group_by(key)
                .order_by(desc(latest), desc(key)).offset(offset))
        if limit is not None:
            page = page.limit(limit)

        def q(conn: Connection) -> tuple[list[InboxCluster], int]:
            total = int(conn.execute(select(func.count(distinct(key))).where(*conds)).scalar_one())
            heads = [(int(r.k), r.latest) for r in conn.execute(page)]
            if not heads:
                return [], total
            keys = [k for k, _ in heads]
            members: dict[int, list[InboxArticle]] = {k: [] for k in keys}
            matching: dict[int, list[int]] = {k: [] for k in keys}
            for chunk in _chunks(keys):
                for a in self._inbox_articles(conn, or_(A.cluster_id.in_(chunk),
                                                        and_(A.cluster_id.is_(None), A.id.in_(chunk)))):
                    members[a.cluster_key].append(a)
                for r in conn.execute(select(key.label("k"), A.id).where(*conds, key.in_(chunk))):
                    matching[int(r.k)].append(int(r.id))
            out = []
            for k, when_ in heads:
                ms = sorted(members[k], key=_newest_first)
                order = {a.id: i for i, a in enumerate(ms)}
                out.append(InboxCluster(cluster_id=k, latest=when_, members=ms,
                                        matching=sorted(matching[k], key=lambda i: order.get(i, 0))))
            return out, total

        return self._read(q)

    def _inbox_articles(self, conn: Connection, cond: Any) -> list["InboxArticle"]:
        names = [f for f in InboxArticle.__dataclass_fields__]
        rows = conn.execute(select(*(A[n] for n in names)).where(cond).order_by(A.id)).mappings()
        return [InboxArticle(**{n: r[n] for n in names}) for r in rows]

    def cluster_members(self, cluster_id: int) -> list["InboxArticle"]:
        """Every article of a story cluster (key as in ``InboxCluster.cluster_id``), newest first."""
        cond = or_(A.cluster_id == cluster_id, and_(A.cluster_id.is_(None), A.id == cluster_id))
        return sorted(self._read(lambda conn: self._inbox_articles(conn, cond)), key=_newest_first)

    def set_review_cluster(self, article_id: int, state: str, *, note: str | None = None,
                           reviewer: str | None = None, at: datetime | None = None) -> list[int]:
        """One decision for a whole story: every (not failed) article of ``article_id``'s
        cluster gets the state and its own audit event, in one transaction. Returns their ids."""
        if state not in REVIEW_STATES:
            raise ValueError(f"review state {state!r} is not one of {', '.join(REVIEW_STATES)}")
        at = as_utc(at) if at is not None else _now()
        note, reviewer = _clean(note), _clean(reviewer)

        def txn(conn: Connection) -> list[int]:
            self._lock_article(conn, article_id)
            k = conn.execute(select(func.coalesce(A.cluster_id, A.id)).where(A.id == article_id)).scalar_one()
            q = (select(A.id, A.review_state)
                 .where(or_(A.id == article_id,
                            and_(func.coalesce(A.cluster_id, A.id) == k, A.status != "failed")))
                 .order_by(A.id))
            if self.dialect == "postgresql":
                q = q.with_for_update()
            rows = conn.execute(q).all()
            ids = [r.id for r in rows]
            conn.execute(update(Article.__table__).where(A.id.in_(ids)).values(
                review_state=state, review_note=note, reviewed_by=reviewer, reviewed_at=at))
            conn.execute(insert(ReviewEvent.__table__).values([
                {"article_id": r.id, "from_state": r.review_state, "to_state": state, "note": note,
                 "reviewer": reviewer, "at": at} for r in rows]))
            return ids

        return self._write(txn)

    def flagged_entity_ids(self) -> list[str]:
        """Every entity id that flags at least one stored article (for filter menus)."""
        return self._read(lambda conn: sorted(conn.execute(select(M.entity_id).distinct()).scalars()))

    def article_feeds(self) -> list[str]:
        """Every feed name stored articles came from (configured or not any more)."""
        q = select(A.feed).where(A.feed.is_not(None)).distinct()
        return self._read(lambda conn: sorted(conn.execute(q).scalars()))

    def alert_candidates(self, fetched_since: datetime, dated_since: datetime | None = None) -> list[StoredArticle]:
        """Flagged articles fetched since ``fetched_since`` (status ok, not marked irrelevant),
        by id; with ``dated_since`` also published (or, undated, fetched) since then, so a
        backfill of old stories raises no alerts."""
        conds = [A.fetched_at >= as_utc(fetched_since), A.status == "ok", A.review_state != "irrelevant",
                 exists().where(M.article_id == A.id)]
        if dated_since is not None:
            conds.append(func.coalesce(A.published, A.fetched_at, type_=UTCDateTime()) >= as_utc(dated_since))
        q = select(A.id).where(*conds).order_by(A.id)
        ids = self._read(lambda conn: list(conn.execute(q).scalars()))
        out: list[StoredArticle] = []
        for chunk in _chunks(ids):
            out.extend(self._articles(ids=chunk))
        return out

    def claim_alert(self, rule: str, cluster_id: int, article_id: int, *,
                    stale_before: datetime, at: datetime | None = None) -> bool:
        """Claim (rule, cluster) before sending: True for exactly one caller.

        A new pair is inserted with ON CONFLICT DO NOTHING; an existing pair can be claimed
        again only if its last attempt ``failed`` or a ``pending`` claim is older than
        ``stale_before`` (its sender died mid-POST). ``sent`` is never claimed again.
        """
        now = as_utc(at) if at is not None else _now()
        rule = _clean(rule)

        def txn(conn: Connection) -> bool:
            ins = (self._insert(AlertSent.__table__)
                   .values(rule=rule, cluster_id=cluster_id, article_id=article_id, status="pending",
                           attempts=1, claimed_at=now)
                   .on_conflict_do_nothing(index_elements=["rule", "cluster_id"]).returning(AS.rule))
            if conn.execute(ins).first() is not None:
                return True
            retry = (update(AlertSent.__table__)
                     .where(AS.rule == rule, AS.cluster_id == cluster_id,
                            or_(AS.status == "failed",
                                and_(AS.status == "pending", AS.claimed_at < as_utc(stale_before))))
                     .values(status="pending", claimed_at=now, attempts=AS.attempts + 1,
                             article_id=article_id)
                     .returning(AS.rule))
            return conn.execute(retry).first() is not None

        return self._write(txn)

    def finish_alert(self, rule: str, cluster_id: int, *, ok: bool, error: str | None = None,
                     at: datetime | None = None) -> None:
        """Record the outcome of a claimed alert: ``sent``, or ``failed`` (claimable next run)."""
        now = as_utc(at) if at is not None else _now()
        values: dict[str, Any] = ({"status": "sent", "sent_at": now, "last_error": None} if ok else
                                  {"status": "failed", "last_error": _clean(error) or "unknown error"})

        def txn(conn: Connection) -> None:
            n = conn.execute(update(AlertSent.__table__)
                             .where(AS.rule == _clean(rule), AS.cluster_id == cluster_id)
                             .values(**values)).rowcount
            if n == 0:
                raise LookupError(f"no claimed alert for rule {rule!r} and cluster {cluster_id}")

        self._write(txn)

    def alert_records(self, rule: str | None = None) -> list["AlertEntry"]:
        """The alert log (one row per rule and cluster), oldest claim first."""
        names = AlertEntry.__dataclass_fields__
        q = select(AlertSent.__table__).order_by(AS.claimed_at, AS.rule, AS.cluster_id)
        if rule is not None:
            q = q.where(AS.rule == rule)
        return self._read(lambda conn: [AlertEntry(**{k: r[k] for k in names})
                                        for r in conn.execute(q).mappings()])


# -- review desk records ----------------------------------------------------------------

_PG_CLUSTER_LOCK = 0x6E65_7773 + 7  # advisory lock serialising cluster assignment on PostgreSQL


class _ClusterBatch:
    """One ``Store.assign_clusters`` transaction. Per article only the candidate query runs
    (it depends on the article's band keys); the existence and "clustered already" checks
    are one query for the batch, and the cluster ids, signatures and band keys are written
    by one executemany each at the end. Articles assigned earlier in the batch are
    candidates too: they are matched from memory, as the database would have them."""

    def __init__(self, store: "Store", conn: Connection, window: timedelta,
                 choose: Callable[["ClusterJob", list["SignatureRow"]], int | None]) -> None:
        self.store, self.conn, self.window, self.choose = store, conn, window, choose
        self.rows: list[SignatureRow] = []  # assigned in this batch
        self.by_band: dict[int, list[int]] = {}  # band key -> indexes into rows
        self.updates: list[dict[str, int]] = []
        self.signatures: list[dict[str, Any]] = []
        self.bands: list[dict[str, int]] = []

    def run(self, jobs: list["ClusterJob"]) -> list[int | None]:
        conn = self.conn
        ids = [j.article_id for j in jobs]
        live: set[int] = set()
        done: dict[int, int] = {}
        for chunk in _chunks(ids):
            # Which articles still exist, and which have a signature (clustered) already.
            q = (select(A.id, CS.cluster_id)
                 .outerjoin(ClusterSignature.__table__, CS.article_id == A.id).where(A.id.in_(chunk)))
            for r in conn.execute(q):
                live.add(r.id)
                if r.cluster_id is not None:
                    done[r.id] = int(r.cluster_id)
        out: list[int | None] = []
        for job in jobs:
            aid = job.article_id
            if aid not in live:
                out.append(None)  # deleted meanwhile
            elif aid in done:
                out.append(done[aid])  # clustered already (another worker): keeps its cluster
            elif job.signature is None:
                out.append(self._own(aid))
            else:
                out.append(self._assign(job))
        if self.updates:
            conn.execute(self.store._u_cluster, self.updates)
            conn.execute(self.store._stmt_signature, self.signatures)
        if self.bands:
            conn.execute(self.store._stmt_bands, self.bands)
        return out

    def _own(self, aid: int) -> int | None:
        row = self.conn.execute(update(Article.__table__)
                                .where(A.id == aid)
                                .values(cluster_id=func.coalesce(A.cluster_id, A.id))
                                .returning(A.cluster_id)).first()
        return int(row[0]) if row is not None else None

    def _assign(self, job: "ClusterJob") -> int:
        aid = job.article_id
        at = as_utc(job.at)
        lo, hi = at - self.window, at + self.window
        keys = sorted(set(job.bands))
        cands: dict[int, SignatureRow] = {}
        if keys:
            for r in self.conn.execute(self.store._q_candidates, {"keys": keys, "aid": aid, "lo": lo, "hi": hi}):
                cands[r.article_id] = SignatureRow(r.article_id, int(r.cluster_id), r.n_shingles,
                                                   bytes(r.signature), r.at)
            for k in keys:
                for i in self.by_band.get(k, ()):
                    row = self.rows[i]
                    if lo <= row.at <= hi:
                        cands.setdefault(row.article_id, row)
        chosen = self.choose(job, [cands[k] for k in sorted(cands)])
        cluster_id = int(chosen) if chosen is not None else aid
        # Parameters apart from the (prebuilt) statements: SQLAlchemy compiles them once
        # instead of once per article (a 40-row VALUES list was ~1/3 of the cost here).
        self.updates.append({"aid": aid, "cid": cluster_id})
        self.signatures.append({"article_id": aid, "at": at, "cluster_id": cluster_id,
                                "n_shingles": job.n_shingles, "signature": job.signature})
        self.bands.extend({"band": b, "article_id": aid} for b in keys)
        index = len(self.rows)
        self.rows.append(SignatureRow(aid, cluster_id, job.n_shingles, job.signature, at))  # type: ignore[arg-type]
        for k in keys:
            self.by_band.setdefault(k, []).append(index)
        return cluster_id


@dataclass(frozen=True)
class ClusterJob:
    """One article to cluster: its MinHash signature (packed), shingle count and LSH band
    keys, or ``signature=None`` when it has no body to compare (a story of its own)."""

    article_id: int
    at: datetime
    n_shingles: int = 0
    signature: bytes | None = None
    bands: tuple[int, ...] = ()


@dataclass(frozen=True)
class SignatureRow:
    """A stored MinHash signature of a candidate near-duplicate."""

    article_id: int
    cluster_id: int
    n_shingles: int
    signature: bytes
    at: datetime


@dataclass(frozen=True)
class InboxArticle:
    """The fields of an article the inbox and the review CLI show."""

    id: int
    url: str
    title: str | None
    feed: str | None
    published: datetime | None
    fetched_at: datetime | None
    language: str | None
    status: str
    entities: list[str]
    cluster_id: int | None
    review_state: str
    review_note: str | None
    reviewed_by: str | None
    reviewed_at: datetime | None
    flow_run_id: str | None

    @property
    def cluster_key(self) -> int:
        return self.cluster_id if self.cluster_id is not None else self.id

    @property
    def when(self) -> datetime | None:
        return self.published or self.fetched_at


def _newest_first(a: InboxArticle) -> tuple[float, int]:
    return (-(a.when.timestamp() if a.when else 0.0), a.id)


@dataclass
class InboxCluster:
    cluster_id: int  # coalesce(article.cluster_id, article.id)
    latest: datetime | None  # newest date among the matching articles
    members: list[InboxArticle]  # every article of the story, newest first
    matching: list[int]  # ids of the members that pass the filters, newest first

    @property
    def lead(self) -> InboxArticle:
        """The article shown for the story: the newest one that matches the filters."""
        by_id = {a.id: a for a in self.members}
        return by_id[self.matching[0]] if self.matching and self.matching[0] in by_id else self.members[0]

    @property
    def entities(self) -> list[str]:
        return sorted({e for a in self.members for e in a.entities})

    @property
    def feeds(self) -> list[str]:
        return sorted({a.feed for a in self.members if a.feed})


@dataclass(frozen=True)
class AlertEntry:
    rule: str
    cluster_id: int
    article_id: int | None
    status: str  # one of ALERT_STATUSES
    attempts: int
    claimed_at: datetime
    sent_at: datetime | None
    last_error: str | None


def iso_utc(dt: datetime | None) -> str | None:
    """ISO 8601 in UTC with a 'Z' suffix, e.g. 2024-05-01T03:04:05Z."""
    if dt is None:
        return None
    return as_utc(dt).isoformat().replace("+00:00", "Z")


def export_row(a: StoredArticle) -> dict[str, Any]:
    """The export record of one article (``newsmon export``)."""
    return {
        "id": a.id,
        "url": a.url,
        "title": a.title,
        "published": iso_utc(a.published),
        "language": a.language,
        "feed": a.feed,
        "entities": sorted(a.entities),
        "text": a.text,
        "status": a.status,
        "reason": a.reason,
        "authors": list(a.authors),
        "review_state": a.review_state,
        "cluster_id": a.cluster_id,
        "fetched_at": iso_utc(a.fetched_at),
        "mentions": [{"entity": m.entity_id, "count": m.count, "in_title": m.in_title,
                      "snippet": m.snippet, "reason": m.reason} for m in a.mentions],
    }
