"""Feeds: configured feeds and their poll state (conditional GET validators, failures, back-off)."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.engine import Connection

from ..tables import (
    FEED_STATUSES,
    Feed,
    as_utc,
)
from .base import (
    F,
    StoreBase,
    _chunks,
    _clean,
    _now,
)


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
    # When newsmon.feed.failing was emitted for the current failures (None: not announced).
    failing_event_at: datetime | None = None


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




class FeedStore(StoreBase):
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

