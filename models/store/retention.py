"""Retention: which articles prune deletes or strips of their page, in short batches; and
the numbers of ``newsmon stats``.

The rules (``[retention]``, ``newsmon.settings.RetentionSettings``), ages counted from the
article's publication date, else its fetch time (the date the inbox shows):

* An article is *flagged or reviewed* when it has a mention, a review event (a decision,
  or a re-match that changed its flags: it was flagged once) or a state other than "new".
* It is deleted when it is older than ``articles_days`` and neither, or (only when
  ``flagged_days`` is set) older than ``flagged_days``; unless another member of its story
  cluster is flagged or reviewed and kept: a story keeps all its outlets while it is kept.
* ``raw_days``: older articles lose their kept page (text, metadata, flags stay);
  ``raw_dropped_at`` says when.

Deleting an article cascades (foreign keys ``ON DELETE CASCADE``) to its URL forms,
mentions, review events (the audit trail goes with the article), cluster signature and
band keys; alert claims keep their row (``SET NULL``: the story was alerted) until no
article of the story is left (``delete_orphan_claims``). Every URL form of a deleted
article becomes a tombstone (``article_tombstone``), so it is not fetched again.

Each batch is one short write transaction that re-checks the rule on the rows it
deletes, so a decision taken between two batches protects its article. On SQLite the
article with the highest id is never deleted: SQLite gives max(id)+1 to the next row, so
deleting the top row would hand its id (which also names its story cluster and alert
claims) to a new article. On PostgreSQL each batch takes the clustering lock, so a cycle
never clusters a new article against one being deleted.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    LargeBinary,
    and_,
    case,
    cast,
    delete,
    exists,
    false,
    func,
    not_,
    or_,
    select,
    union,
    update,
)
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ColumnElement

from ..tables import (
    AlertSent,
    Article,
    ArticleTombstone,
    Cycle,
    FetchOutcome,
    Mention,
    ReviewEvent,
    UTCDateTime,
    as_utc,
)
from .base import AS, CY, FO, RE, TS, A, M, StoreBase, U
from .clusters import _PG_CLUSTER_LOCK  # serialises cluster assignment (and deletions, here)


@dataclass(frozen=True)
class Cutoffs:
    """Articles dated before these instants are affected (None: that rule is off)."""

    raw: datetime | None = None
    articles: datetime | None = None
    flagged: datetime | None = None
    log: datetime | None = None

    @classmethod
    def from_days(cls, now: datetime, *, raw_days: int | None = None, articles_days: int | None = None,
                  flagged_days: int | None = None, log_days: int | None = None) -> "Cutoffs":
        def at(days: int | None) -> datetime | None:
            return None if days is None else as_utc(now) - timedelta(days=days)

        return cls(at(raw_days), at(articles_days), at(flagged_days), at(log_days))


@dataclass
class BatchTotals:
    """What one prune step deleted (or would delete), summed over its batches."""

    articles: int = 0
    flagged: int = 0        # of which flagged or reviewed
    reviewed: int = 0       # of which with a review decision (state other than new)
    mentions: int = 0
    review_events: int = 0
    tombstones: int = 0     # URL forms remembered
    raw_bytes: int = 0      # compressed pages, as stored
    raw_size: int = 0       # the same pages before compression
    text_bytes: int = 0     # extracted text (UTF-8)
    batches: int = 0
    last_id: int = 0

    def add(self, other: "BatchTotals") -> None:
        for k in ("articles", "flagged", "reviewed", "mentions", "review_events", "tombstones", "raw_bytes",
                  "raw_size", "text_bytes", "batches"):
            setattr(self, k, getattr(self, k) + getattr(other, k))
        self.last_id = max(self.last_id, other.last_id)

    def as_dict(self) -> dict[str, int]:
        return {k: v for k, v in vars(self).items() if k != "last_id"}


@dataclass
class StatsTotals:
    totals: dict[str, Any]
    by_feed: list[dict[str, Any]] = field(default_factory=list)
    by_month: list[dict[str, Any]] = field(default_factory=list)


def _when(t: Any = A) -> ColumnElement:
    """An article's date for retention: published, else fetched."""
    return func.coalesce(t.published, t.fetched_at, type_=UTCDateTime())


def _older(t: Any, cutoff: datetime) -> ColumnElement:
    # Spelled out (not coalesce(...) < cutoff) so that the indexes on published and
    # fetched_at can serve it.
    return or_(t.published < cutoff, and_(t.published.is_(None), t.fetched_at < cutoff))


def _flagged_or_reviewed(t: Any) -> ColumnElement:
    return or_(exists().where(M.article_id == t.id), exists().where(RE.article_id == t.id),
               t.review_state != "new")


class RetentionStore(StoreBase):
    # -- the rules as SQL ----------------------------------------------------------------

    def _octets(self, col: Any) -> ColumnElement:
        """Bytes of a text column (SQLite's length() counts characters)."""
        if self.dialect == "postgresql":
            return func.octet_length(col)
        return func.length(cast(col, LargeBinary))

    def deletable(self, cut: Cutoffs) -> ColumnElement:
        """The articles the rules delete (see module docstring); false() when none."""
        if cut.articles is None:
            return false()
        fr = _flagged_or_reviewed(A)
        own = and_(not_(fr), _older(A, cut.articles))
        if cut.flagged is not None:
            own = or_(own, and_(fr, _older(A, cut.flagged)))
        b = Article.__table__.alias("story_member")
        kept_member = [b.c.cluster_id == A.cluster_id, b.c.id != A.id, _flagged_or_reviewed(b.c)]
        if cut.flagged is not None:
            kept_member.append(not_(_older(b.c, cut.flagged)))
        story_kept = and_(A.cluster_id.is_not(None), exists().where(*kept_member))
        cond = and_(own, not_(story_kept))
        if self.dialect == "sqlite":
            top = Article.__table__.alias("top")
            cond = and_(cond, A.id < select(func.max(top.c.id)).scalar_subquery())
        return cond

    def raw_droppable(self, cut: Cutoffs, *, except_deleted: bool = False) -> ColumnElement:
        """Articles whose kept page goes (``except_deleted``: not counting those deleted first)."""
        if cut.raw is None:
            return false()
        cond = and_(A.raw_html.is_not(None), _older(A, cut.raw))
        return and_(cond, not_(self.deletable(cut))) if except_deleted else cond

    # -- counting (dry run) ------------------------------------------------------------------

    def _totals(self, conn: Connection, where: Any) -> BatchTotals:
        fr = _flagged_or_reviewed(A)
        row = conn.execute(select(
            func.count(), func.coalesce(func.sum(case((fr, 1), else_=0)), 0),
            func.coalesce(func.sum(case((A.review_state != "new", 1), else_=0)), 0),
            func.coalesce(func.sum(func.length(A.raw_html)), 0), func.coalesce(func.sum(A.raw_size), 0),
            func.coalesce(func.sum(self._octets(A.text)), 0)).where(where)).one()
        ids = select(A.id).where(where)
        mentions = conn.execute(select(func.count()).select_from(Mention.__table__)
                                .where(M.article_id.in_(ids))).scalar_one()
        events = conn.execute(select(func.count()).select_from(ReviewEvent.__table__)
                              .where(RE.article_id.in_(ids))).scalar_one()
        return BatchTotals(articles=int(row[0]), flagged=int(row[1]), reviewed=int(row[2]),
                           raw_bytes=int(row[3]), raw_size=int(row[4]), text_bytes=int(row[5]),
                           mentions=int(mentions), review_events=int(events))

    def count_deletable(self, cut: Cutoffs) -> BatchTotals:
        """What ``delete_articles_batch`` would delete now, in one read (``prune --dry-run``)."""
        def q(conn: Connection) -> BatchTotals:
            where = self.deletable(cut)
            t = self._totals(conn, where)
            ids = select(A.id).where(where)
            forms = union(select(U.url_hash).where(U.article_id.in_(ids)), select(A.url_hash).where(where)).subquery()
            new_forms = select(func.count()).select_from(forms).where(
                not_(exists().where(TS.url_hash == forms.c.url_hash)))
            t.tombstones = int(conn.execute(new_forms).scalar_one())
            return t

        return self._read(q)

    def count_raw_droppable(self, cut: Cutoffs) -> BatchTotals:
        """What ``drop_raw_batch`` would drop after the deletions (``prune --dry-run``)."""
        return self._read(lambda conn: self._totals(conn, self.raw_droppable(cut, except_deleted=True)))

    # -- one batch each ------------------------------------------------------------------------

    def delete_articles_batch(self, cut: Cutoffs, *, after_id: int, limit: int,
                              now: datetime) -> BatchTotals | None:
        """Delete up to ``limit`` deletable articles with an id above ``after_id``, in ONE
        short transaction, remembering their URL forms as tombstones. None when no article
        is left to delete (``last_id`` of the result is the next ``after_id``)."""
        cond = self.deletable(cut)

        def txn(conn: Connection) -> BatchTotals | None:
            if self.dialect == "postgresql":
                conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_PG_CLUSTER_LOCK})")
            q = select(A.id).where(A.id > after_id, cond).order_by(A.id).limit(limit)
            if self.dialect == "postgresql":
                q = q.with_for_update(of=Article.__table__)
            ids = list(conn.execute(q).scalars())
            if not ids:
                return None
            t = self._totals(conn, A.id.in_(ids))
            forms = set(conn.execute(select(U.url_hash).where(U.article_id.in_(ids))).scalars())
            forms.update(conn.execute(select(A.url_hash).where(A.id.in_(ids))).scalars())
            if forms:
                # (executemany's rowcount is not reliable across drivers: count what is new first)
                known = conn.execute(select(func.count()).select_from(ArticleTombstone.__table__)
                                     .where(TS.url_hash.in_(sorted(forms)))).scalar_one()
                stmt = self._insert(ArticleTombstone.__table__).on_conflict_do_nothing(index_elements=["url_hash"])
                conn.execute(stmt, [{"url_hash": h, "deleted_at": now} for h in sorted(forms)])
                t.tombstones = len(forms) - int(known)
            conn.execute(delete(Article.__table__).where(A.id.in_(ids)))
            t.batches, t.last_id = 1, ids[-1]
            return t

        return self._write(txn)

    def drop_raw_batch(self, cut: Cutoffs, *, after_id: int, limit: int, now: datetime) -> BatchTotals | None:
        """Drop the kept page of up to ``limit`` articles with an id above ``after_id`` (one
        short transaction); None when none is left."""
        cond = self.raw_droppable(cut)

        def txn(conn: Connection) -> BatchTotals | None:
            ids = list(conn.execute(select(A.id).where(A.id > after_id, cond).order_by(A.id).limit(limit)).scalars())
            if not ids:
                return None
            row = conn.execute(select(func.coalesce(func.sum(func.length(A.raw_html)), 0),
                                      func.coalesce(func.sum(A.raw_size), 0)).where(A.id.in_(ids))).one()
            n = conn.execute(update(Article.__table__).where(A.id.in_(ids), A.raw_html.is_not(None))
                             .values(raw_html=None, raw_size=None, raw_dropped_at=now)).rowcount
            return BatchTotals(articles=n, raw_bytes=int(row[0]), raw_size=int(row[1]), batches=1, last_id=ids[-1])

        return self._write(txn)

    def count_log(self, cutoff: datetime) -> tuple[int, int]:
        """(fetch outcomes, cycles) older than ``cutoff``."""
        def q(conn: Connection) -> tuple[int, int]:
            fo = conn.execute(select(func.count()).select_from(FetchOutcome.__table__).where(FO.at < cutoff))
            cy = conn.execute(select(func.count()).select_from(Cycle.__table__).where(CY.started_at < cutoff))
            return int(fo.scalar_one()), int(cy.scalar_one())

        return self._read(q)

    def delete_log_batch(self, cutoff: datetime, *, limit: int) -> tuple[int, int]:
        """Delete up to ``limit`` fetch outcomes and ``limit`` cycle rows older than ``cutoff``."""
        def txn(conn: Connection) -> tuple[int, int]:
            fo_ids = select(FO.id).where(FO.at < cutoff).order_by(FO.id).limit(limit).scalar_subquery()
            cy_ids = select(CY.id).where(CY.started_at < cutoff).order_by(CY.id).limit(limit).scalar_subquery()
            fo = conn.execute(delete(FetchOutcome.__table__).where(FO.id.in_(fo_ids))).rowcount
            cy = conn.execute(delete(Cycle.__table__).where(CY.id.in_(cy_ids))).rowcount
            return fo, cy

        return self._write(txn)

    def _orphan_claims(self, cut: Cutoffs | None = None) -> ColumnElement:
        """Claims whose story has no article left (``cut``: as if the deletable ones were gone).

        No new article can join such a story (its signatures are gone, ids are never
        reused), so the claim protects nothing any more."""
        member = or_(A.cluster_id == AS.cluster_id, A.id == AS.cluster_id)
        if cut is not None:
            member = and_(member, not_(self.deletable(cut)))
        return not_(exists().where(member))

    def count_orphan_claims(self, cut: Cutoffs | None = None) -> int:
        return self._read(lambda conn: int(conn.execute(
            select(func.count()).select_from(AlertSent.__table__).where(self._orphan_claims(cut))).scalar_one()))

    def delete_orphan_claims(self) -> int:
        return self._write(lambda conn: conn.execute(delete(AlertSent.__table__).where(self._orphan_claims())).rowcount)

    # -- newsmon stats ---------------------------------------------------------------------------

    def _month(self) -> ColumnElement:
        if self.dialect == "postgresql":
            return func.to_char(func.timezone("UTC", _when()), "YYYY-MM")
        return func.strftime("%Y-%m", _when())

    def article_stats(self) -> StatsTotals:
        """Counts and bytes of the stored articles: totals, per feed, per month (UTC).

        ONE pass over the article table (grouped by feed and month; the totals and the two
        breakdowns are summed here): on SQLite each pass reads about a page per article."""
        def n_if(cond: Any) -> Any:
            return func.coalesce(func.sum(case((cond, 1), else_=0)), 0)

        month = self._month().label("month")
        q = (select(A.feed, month, func.count(), n_if(exists().where(M.article_id == A.id)),
                    n_if(A.review_state != "new"), n_if(A.status == "ok"), n_if(A.status == "no_body"),
                    n_if(A.status == "failed"), func.count(A.raw_html), func.count(A.raw_dropped_at),
                    func.coalesce(func.sum(func.length(A.raw_html)), 0), func.coalesce(func.sum(A.raw_size), 0),
                    func.coalesce(func.sum(self._octets(A.text)), 0), func.min(_when()), func.max(_when()))
             .group_by(A.feed, month))
        keys = ("articles", "flagged", "reviewed", "ok", "no_body", "failed", "pages_kept", "pages_dropped",
                "page_bytes", "page_bytes_uncompressed", "text_bytes")

        def q_run(conn: Connection) -> tuple[list[Any], int]:
            rows = conn.execute(q).all()
            return rows, conn.execute(select(func.count()).select_from(ArticleTombstone.__table__)).scalar_one()

        rows, tombstones = self._read(q_run)
        totals: dict[str, Any] = dict.fromkeys(keys, 0) | {"oldest": None, "newest": None}
        feeds: dict[Any, dict[str, Any]] = {}
        months: dict[Any, dict[str, Any]] = {}
        for feed, mon, *vals in rows:
            lo, hi = vals[-2], vals[-1]
            for target in (totals, feeds.setdefault(feed, {"feed": feed, **dict.fromkeys(keys, 0),
                                                           "oldest": None, "newest": None}),
                           months.setdefault(mon, {"month": mon, **dict.fromkeys(keys, 0)})):
                for k, v in zip(keys, vals):
                    target[k] += int(v)
                if "oldest" in target and lo is not None:
                    target["oldest"] = lo if target["oldest"] is None else min(target["oldest"], lo)
                    target["newest"] = hi if target["newest"] is None else max(target["newest"], hi)
        totals["tombstones"] = int(tombstones)
        slim = ("articles", "flagged", "page_bytes")
        by_feed = [{"feed": f["feed"], **{k: f[k] for k in slim}, "oldest": f["oldest"], "newest": f["newest"]}
                   for f in sorted(feeds.values(), key=lambda f: (f["feed"] is None, f["feed"] or ""))]
        by_month = [{"month": m["month"], **{k: m[k] for k in slim}}
                    for m in sorted(months.values(), key=lambda m: (m["month"] is None, m["month"] or ""))]
        return StatsTotals(totals, by_feed, by_month)
