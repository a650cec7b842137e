"""Alert claims: at most one webhook alert per rule and story, across runs and workers."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, exists, func, or_, select, update
from sqlalchemy.engine import Connection

from ..tables import (
    AlertSent,
    UTCDateTime,
    as_utc,
)
from .articles import StoredArticle
from .base import (
    AS,
    A,
    M,
    StoreBase,
    _chunks,
    _clean,
    _now,
)


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




class AlertStore(StoreBase):
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


