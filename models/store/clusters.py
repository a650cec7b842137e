"""Story clusters: MinHash signatures and LSH band keys, assigned in batched transactions."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cached_property
from typing import Any

from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.engine import Connection

from ..tables import (
    Article,
    ClusterBand,
    ClusterSignature,
    UTCDateTime,
    as_utc,
)
from .base import (
    CB,
    CS,
    A,
    StoreBase,
    _chunks,
)

_PG_CLUSTER_LOCK = 0x6E65_7773 + 7  # advisory lock serialising cluster assignment on PostgreSQL
# Band keys are bound in groups of this many parameters (see _candidates_query).
_KEY_SLOTS = 8


class _ClusterBatch:
    """One ``Store.assign_clusters`` transaction. Per article only the candidate query runs
    (it depends on the article's band keys); the existence and "clustered already" checks
    are one query for the batch, and the cluster ids, signatures and band keys are written
    by one executemany each at the end. Articles assigned earlier in the batch are
    candidates too: they are matched from memory, as the database would have them."""

    def __init__(self, store: ClusterStore, conn: Connection, window: timedelta,
                 choose: Callable[[ClusterJob, list[SignatureRow]], int | None]) -> None:
        self.store, self.conn, self.window, self.choose = store, conn, window, choose
        self.rows: list[SignatureRow] = []  # assigned in this batch
        self.by_band: dict[int, list[int]] = {}  # band key -> indexes into rows
        self.updates: list[dict[str, int]] = []
        self.signatures: list[dict[str, Any]] = []
        self.bands: list[tuple[int, int]] = []  # (band key, article id)

    def run(self, jobs: list[ClusterJob]) -> list[int | None]:
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
            # Straight to the driver: ~40 integer rows per article, which SQLAlchemy's
            # executemany would pass one by one through its parameter processing;
            # integers need no bind processing.
            sql, positional = self.store._sql_bands
            conn.exec_driver_sql(sql, self.bands if positional
                                 else [{"band": b, "article_id": a} for b, a in self.bands])
        return out

    def _own(self, aid: int) -> int | None:
        row = self.conn.execute(update(Article.__table__)
                                .where(A.id == aid)
                                .values(cluster_id=func.coalesce(A.cluster_id, A.id))
                                .returning(A.cluster_id)).first()
        return int(row[0]) if row is not None else None

    def _assign(self, job: ClusterJob) -> int:
        aid = job.article_id
        at = as_utc(job.at)
        lo, hi = at - self.window, at + self.window
        keys = sorted(set(job.bands))
        cands: dict[int, SignatureRow] = {}
        if keys:
            stmt, params = self.store._candidates_query(keys)
            for r in self.conn.execute(stmt, params | {"aid": aid, "lo": lo, "hi": hi}):
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
        self.bands.extend((b, aid) for b in keys)
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




class ClusterStore(StoreBase):
    # assign_clusters' statements, with parameters: built and cache-keyed once per store,
    # not per article.
    @cached_property
    def _stmt_signature(self) -> Any:
        return insert(ClusterSignature.__table__)

    def _candidates_query(self, keys: list[int]) -> tuple[Any, dict[str, int]]:
        """The candidate query for ``keys`` (distinct) and its key parameters.

        The keys are bound as a fixed number of plain parameters, padded by repeating the
        last key (a repeated value changes nothing in IN): one statement per slot count,
        compiled once, instead of an expanding IN list rendered anew at every execution
        (one query per clustered article)."""
        slots = -(-len(keys) // _KEY_SLOTS) * _KEY_SLOTS
        stmt = self._candidate_statements.get(slots)
        if stmt is None:
            near = (select(CB.article_id).where(CB.band.in_([bindparam(f"k{i}") for i in range(slots)]))
                    .distinct().scalar_subquery())
            stmt = self._candidate_statements[slots] = (
                select(CS.article_id, CS.cluster_id, CS.n_shingles, CS.signature, CS.at)
                .where(CS.article_id.in_(near), CS.article_id != bindparam("aid"),
                       CS.at >= bindparam("lo"), CS.at <= bindparam("hi"))
                .order_by(CS.article_id))
        padded = keys + [keys[-1]] * (slots - len(keys))
        return stmt, {f"k{i}": k for i, k in enumerate(padded)}

    @cached_property
    def _candidate_statements(self) -> dict[int, Any]:
        return {}

    @cached_property
    def _u_cluster(self) -> Any:
        return update(Article.__table__).where(A.id == bindparam("aid")).values(cluster_id=bindparam("cid"))

    @cached_property
    def _sql_bands(self) -> tuple[str, bool]:
        """The band-key INSERT as the driver takes it, and whether its parameters are
        positional (``(band, article_id)`` tuples) rather than named."""
        stmt = self._insert(ClusterBand.__table__).values(band=bindparam("band"), article_id=bindparam("article_id"))
        compiled = stmt.on_conflict_do_nothing(index_elements=["band", "article_id"]).compile(dialect=self.engine.dialect)
        if compiled.positional:
            assert list(compiled.positiontup or ()) == ["band", "article_id"], compiled.positiontup
        return compiled.string, compiled.positional

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

    def assign_clusters(self, jobs: list[ClusterJob], *, window: timedelta,
                        choose: Callable[[ClusterJob, list[SignatureRow]], int | None]
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

