"""Review decisions, the audit trail and the inbox (story clusters as the analyst sees them)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    and_,
    desc,
    distinct,
    exists,
    func,
    insert,
    literal_column,
    or_,
    select,
    update,
)
from sqlalchemy.engine import Connection
from sqlalchemy.orm import aliased

from ..tables import (
    REVIEW_STATES,
    Article,
    Mention,
    ReviewEvent,
    UTCDateTime,
    as_utc,
)
from .base import (
    RE,
    A,
    M,
    StoreBase,
    _chunks,
    _clean,
    _now,
    dated_between,
)

if TYPE_CHECKING:
    from .search import SearchQuery


# How the inbox orders its stories (the web filter and the CLI offer these).
SORTS = ("time", "prominence")


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
    # entity id -> its highest prominence among the matching articles (flags with a score)
    scores: dict[str, int] = field(default_factory=dict)

    @property
    def prominence(self) -> int | None:
        """The story's prominence: its most prominent flag among the matching articles."""
        return max(self.scores.values()) if self.scores else None

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




class ReviewStore(StoreBase):
    # -- review -----------------------------------------------------------------------

    def set_review(self, article_id: int, state: str, *, note: str | None = None,
                   reviewer: str | None = None, at: datetime | None = None) -> None:
        """Set the review state of one article and append the audit event, in one transaction."""
        self.set_review_many([article_id], state, note=note, reviewer=reviewer, scope="article", at=at)

    def set_review_many(self, article_ids: list[int], state: str, *, note: str | None = None,
                        reviewer: str | None = None, scope: str = "cluster",
                        at: datetime | None = None) -> list[int]:
        """One decision on several articles (``scope="article"``) or on their whole stories
        (``"cluster"``: every not-failed article of each one's cluster, and the article
        itself), in ONE transaction; every article changed gets its own audit event.
        LookupError, and nothing changes, if an id is unknown. Returns the changed ids, sorted."""
        if state not in REVIEW_STATES:
            raise ValueError(f"review state {state!r} is not one of {', '.join(REVIEW_STATES)}")
        if scope not in ("cluster", "article"):
            raise ValueError(f"scope {scope!r} is not cluster or article")
        at = as_utc(at) if at is not None else _now()
        note, reviewer = _clean(note), _clean(reviewer)
        wanted = sorted(set(article_ids))
        key = func.coalesce(A.cluster_id, A.id)

        def locked(conn: Connection, cond: Any) -> list[Any]:
            q = select(A.id, A.review_state).where(cond).order_by(A.id)
            if self.dialect == "postgresql":
                q = q.with_for_update()  # one statement, id order: concurrent decisions queue
            return conn.execute(q).all()

        def txn(conn: Connection) -> list[int]:
            found = {r.id: int(r.k) for chunk in _chunks(wanted)
                     for r in conn.execute(select(A.id, key.label("k")).where(A.id.in_(chunk)))}
            missing = set(wanted) - set(found)
            if missing:
                raise LookupError(f"no article with id {min(missing)}")
            if scope == "cluster":
                keys = sorted(set(found.values()))
                cond = or_(A.id.in_(wanted), and_(key.in_(keys), A.status != "failed"))
            else:
                cond = A.id.in_(wanted)
            rows = locked(conn, cond)
            ids = [r.id for r in rows]
            for chunk in _chunks(ids):
                conn.execute(update(Article.__table__).where(A.id.in_(chunk)).values(
                    review_state=state, review_note=note, reviewed_by=reviewer, reviewed_at=at))
            conn.execute(insert(ReviewEvent.__table__).values([
                {"article_id": r.id, "from_state": r.review_state, "to_state": state, "note": note,
                 "reviewer": reviewer, "at": at} for r in rows]))
            return ids

        return self._write(txn)

    def review_events(self, article_id: int) -> list[ReviewEntry]:
        """The audit trail of one article, oldest first."""
        names = ReviewEntry.__dataclass_fields__
        q = select(ReviewEvent.__table__).where(RE.article_id == article_id).order_by(RE.at, RE.id)
        return self._read(lambda conn: [ReviewEntry(**{k: r[k] for k in names})
                                        for r in conn.execute(q).mappings()])

    def _inbox_conds(self, *, entity: str | None, feed: str | None, since: datetime | date | None,
                     until: datetime | date | None, state: str | None,
                     min_prominence: int | None = None, flagged: bool = True,
                     under_search: bool = False) -> list[Any]:
        """``under_search`` (SQLite): the entity, feed and state filters written so that their
        indexes do not tempt SQLite away from the search's plan (the matches by id, or the date
        index walked): they are tested on the rows the search reads. (Driven by a common
        entity's flags, SQLite read and sorted all its 26,000 articles of 100,000: 0.4 s.)"""
        def col(name: str) -> Any:
            return literal_column(f"+article.{name}") if under_search and self.dialect == "sqlite" else A[name]

        conds: list[Any] = [A.status != "failed"]
        if flagged:
            conds.append(exists().where(M.article_id == A.id))
        if entity and under_search and self.dialect == "sqlite":
            # (a lookup per article the search reads: reading a common entity's flags, 26,000
            # of 100,000 articles, into a list would cost 30 ms per search)
            conds.append(exists().where(M.article_id == A.id, M.entity_id == entity))
        elif entity:
            # (an uncorrelated IN: the entity's flags are read once through their index,
            # instead of a lookup per article of the date window)
            conds.append(A.id.in_(select(M.article_id).where(M.entity_id == entity)))
        if feed:
            conds.append(col("feed") == feed)
        if since is not None or until is not None:
            conds.append(dated_between(since, until))  # (the indexed columns, not `when`)
        if state:
            if state not in REVIEW_STATES:
                raise ValueError(f"review state {state!r} is not one of {', '.join(REVIEW_STATES)}")
            conds.append(col("review_state") == state)
        if min_prominence is not None:
            # A flag without a score (stored before 0.2.0, not backfilled) never passes.
            conds.append(exists().where(M.article_id == A.id, M.prominence >= min_prominence,
                                        *([M.entity_id == entity] if entity else [])))
        return conds

    def review_inbox(self, *, entity: str | None = None, feed: str | None = None,
                     since: datetime | date | None = None, until: datetime | date | None = None,
                     state: str | None = None, min_prominence: int | None = None, limit: int | None = 50,
                     offset: int = 0, sort: str = "time", q: SearchQuery | None = None,
                     count_cap: int = 200) -> tuple[list[InboxCluster], int]:
        """Flagged story clusters, newest first, and how many clusters match in all.
        ``sort="prominence"``: the most prominent first (the highest score of a flag of the
        matching articles, of ``entity`` when given; unscored stories last), then newest.

        A cluster is listed when at least one of its flagged articles passes every filter
        (entity, feed, ``since <= date < until`` on published-or-fetched, review state, an
        entity flag of prominence >= ``min_prominence``, of ``entity`` when given, and the
        search ``q``: ``models.store.search``);
        ``InboxCluster.matching`` names those articles, ``members`` lists every article of
        the cluster (all outlets), newest first.

        With a search, the matching articles are read newest first only until the page is
        full and ``count_cap`` stories are counted: the total is then a ``StoryCount`` with
        ``at_least`` set (a common word would otherwise make every page recheck every match).
        """
        base_conds = self._inbox_conds(entity=entity, feed=feed, since=since, until=until, state=state,
                                       min_prominence=min_prominence)
        key = func.coalesce(A.cluster_id, A.id)
        when = func.coalesce(A.published, A.fetched_at, type_=UTCDateTime())
        latest = func.max(when).label("latest")
        if sort not in SORTS:
            raise ValueError(f"sort {sort!r} is not time or prominence")

        def page_of(conds: list[Any]) -> Any:
            if sort == "prominence":
                # (an alias: the filters' EXISTS subqueries on mention must not correlate to it)
                fl = aliased(Mention.__table__)
                on = [fl.c.article_id == A.id, *([fl.c.entity_id == entity] if entity else [])]
                top = func.coalesce(func.max(fl.c.prominence), -1).label("top")
                page = (select(key.label("k"), latest).select_from(Article.__table__)
                        .join(fl, and_(*on)).where(*conds).group_by(key)
                        .order_by(desc(top), desc(latest), desc(key)).offset(offset))
            else:
                page = (select(key.label("k"), latest).where(*conds).group_by(key)
                        .order_by(desc(latest), desc(key)).offset(offset))
            return page.limit(limit) if limit is not None else page

        def run(conn: Connection) -> tuple[list[InboxCluster], int]:
            if q is None or sort == "prominence":
                # (a search ordered by prominence cannot stop early: every match is ranked)
                conds = base_conds
                if q is not None:
                    from .search import search_condition
                    conds = [*base_conds, search_condition(conn, q)]
                total = int(conn.execute(select(func.count(distinct(key))).where(*conds)).scalar_one())
                heads = [(int(r.k), r.latest) for r in conn.execute(page_of(conds))]
            else:
                # Imported here: search's store part builds on this module.
                from .search import walk_search
                walk_conds = self._inbox_conds(entity=entity, feed=feed, since=since, until=until, state=state,
                                               min_prominence=min_prominence, under_search=True)
                heads, total, found = walk_search(conn, walk_conds, q, offset=offset, limit=limit, cap=count_cap)
                conds = [found, *walk_conds]  # the page's matching articles: looked up by story below
            if not heads:
                return [], total
            keys = [k for k, _ in heads]
            members: dict[int, list[InboxArticle]] = {k: [] for k in keys}
            matching: dict[int, list[int]] = {k: [] for k in keys}
            for chunk in _chunks(keys):
                for a in self._inbox_articles(conn, or_(A.cluster_id.in_(chunk),
                                                        and_(A.cluster_id.is_(None), A.id.in_(chunk)))):
                    members[a.cluster_key].append(a)
                in_chunk = key.in_(chunk) if q is None else or_(  # indexable: a search condition is costly
                    A.cluster_id.in_(chunk), and_(A.cluster_id.is_(None), A.id.in_(chunk)))
                for r in conn.execute(select(key.label("k"), A.id).where(*conds, in_chunk)):
                    matching[int(r.k)].append(int(r.id))
            scores = self._flag_scores(conn, [i for ids in matching.values() for i in ids])
            out = []
            for k, when_ in heads:
                ms = sorted(members[k], key=_newest_first)
                order = {a.id: i for i, a in enumerate(ms)}
                best: dict[str, int] = {}
                for i in matching[k]:
                    for e, p in scores.get(i, {}).items():
                        best[e] = max(p, best.get(e, p))
                out.append(InboxCluster(cluster_id=k, latest=when_, members=ms, scores=best,
                                        matching=sorted(matching[k], key=lambda i: order.get(i, 0))))
            return out, total

        return self._read(run)

    @staticmethod
    def _flag_scores(conn: Connection, article_ids: list[int]) -> dict[int, dict[str, int]]:
        """article id -> {entity id: prominence} of its scored flags."""
        out: dict[int, dict[str, int]] = {}
        for chunk in _chunks(sorted(set(article_ids))):
            for r in conn.execute(select(M.article_id, M.entity_id, M.prominence)
                                  .where(M.article_id.in_(chunk), M.prominence.is_not(None))):
                out.setdefault(r.article_id, {})[r.entity_id] = int(r.prominence)
        return out

    def _inbox_articles(self, conn: Connection, cond: Any) -> list[InboxArticle]:
        names = [f for f in InboxArticle.__dataclass_fields__]
        rows = conn.execute(select(*(A[n] for n in names)).where(cond).order_by(A.id)).mappings()
        return [InboxArticle(**{n: r[n] for n in names}) for r in rows]

    def cluster_members(self, cluster_id: int) -> list[InboxArticle]:
        """Every article of a story cluster (key as in ``InboxCluster.cluster_id``), newest first."""
        cond = or_(A.cluster_id == cluster_id, and_(A.cluster_id.is_(None), A.id == cluster_id))
        return sorted(self._read(lambda conn: self._inbox_articles(conn, cond)), key=_newest_first)

    def set_review_cluster(self, article_id: int, state: str, *, note: str | None = None,
                           reviewer: str | None = None, at: datetime | None = None) -> list[int]:
        """One decision for a whole story: every (not failed) article of ``article_id``'s
        cluster gets the state and its own audit event, in one transaction. Returns their ids."""
        return self.set_review_many([article_id], state, note=note, reviewer=reviewer, scope="cluster", at=at)

    def flagged_entity_ids(self) -> list[str]:
        """Every entity id that flags at least one stored article (for filter menus)."""
        return self._read(lambda conn: sorted(conn.execute(select(M.entity_id).distinct()).scalars()))

    def article_feeds(self) -> list[str]:
        """Every feed name stored articles came from (configured or not any more)."""
        q = select(A.feed).where(A.feed.is_not(None)).distinct()
        return self._read(lambda conn: sorted(conn.execute(q).scalars()))

    def mention_snippets(self, article_ids: list[int]) -> dict[int, list[tuple[str, str | None, str | None]]]:
        """(entity id, reason, snippet) of every flag of these articles (for feed summaries)."""
        out: dict[int, list[tuple[str, str | None, str | None]]] = {i: [] for i in article_ids}

        def q(conn: Connection) -> None:
            for chunk in _chunks(sorted(set(article_ids))):
                for r in conn.execute(select(M.article_id, M.entity_id, M.reason, M.snippet)
                                      .where(M.article_id.in_(chunk)).order_by(M.article_id, M.entity_id)):
                    out[r.article_id].append((r.entity_id, r.reason, r.snippet))

        self._read(q)
        return out
