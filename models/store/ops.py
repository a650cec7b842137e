"""Operations: fetch outcomes, poll cycles, robots.txt kept across cycles, measurements."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.engine import Connection

from ..records import url_key
from ..tables import (
    FETCH_OUTCOMES,
    Cycle,
    FetchOutcome,
    RobotsTxt,
    as_utc,
)
from .base import (
    CY,
    FO,
    A,
    StoreBase,
    _chunks,
    _clean,
    _now,
)


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



class OpsStore(StoreBase):
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

