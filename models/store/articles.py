"""Articles: idempotent saves, re-extraction and re-matching, reading back, export."""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, exists, func, insert, or_, select, update
from sqlalchemy.engine import Connection

from ..compress import Compressed, compress, decompress
from ..records import ArticleRecord, MentionRecord, url_key
from ..tables import (
    Article,
    Mention,
    ReviewEvent,
    UTCDateTime,
    as_utc,
)
from .base import (
    SYSTEM_REVIEWER,
    A,
    M,
    StoreBase,
    TS,
    U,
    _check_mentions,
    _check_status,
    _chunks,
    _clean,
    _now,
)


def _score(value: int | None) -> int | None:
    """A prominence score as stored: None stays None (not computed), else clamped to 0-100."""
    return None if value is None else max(0, min(100, int(value)))


def stale_match(watchlist_digest: str) -> Any:
    """Articles a re-match would change: matched with another watchlist (or none recorded),
    or holding a flag without a prominence score (stored before prominence was)."""
    return or_(A.watchlist_digest.is_(None), A.watchlist_digest != watchlist_digest,
               exists().where(M.article_id == A.id, M.prominence.is_(None)))


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
    raw_dropped_at: datetime | None = None  # when retention dropped the kept page

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
                      "snippet": m.snippet, "reason": m.reason, "prominence": m.prominence,
                      "prominence_parts": m.prominence_parts or None} for m in a.mentions],
    }


class ArticleStore(StoreBase):
    # -- articles ---------------------------------------------------------------------

    def known_urls(self, urls: Iterable[str]) -> set[str]:
        """The subset of ``urls`` already stored under any of their articles' URL forms,
        or whose article retention deleted (``article_tombstone``): neither is fetched again."""
        by_hash = {url_key(u): u for u in urls}
        if not by_hash:
            return set()

        def q(conn: Connection) -> set[str]:
            found: set[str] = set()
            for chunk in _chunks(list(by_hash)):
                found.update(conn.execute(select(U.url_hash).where(U.url_hash.in_(chunk))).scalars())
                rest = [h for h in chunk if h not in found]
                if rest:
                    found.update(conn.execute(select(TS.url_hash).where(TS.url_hash.in_(rest))).scalars())
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
                | {"prominence": _score(m.prominence), "prominence_parts": dict(m.prominence_parts) or None}
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
        Flags of entities still found are updated with ON CONFLICT (their row stays), those
        no longer found are deleted.

        The review state and its history are kept; when the set of entities changes, an
        audit event (same from/to state, reviewer "newsmon") says what changed.
        """
        _check_mentions(mentions, f"#{article_id}")
        new_ids = sorted(m.entity_id for m in mentions)
        rows = self._mention_rows(article_id, mentions)

        def txn(conn: Connection) -> tuple[list[str], list[str]]:
            art = self._lock_article(conn, article_id)
            old = set(conn.execute(select(M.entity_id).where(M.article_id == article_id)).scalars())
            gone = sorted(old - set(new_ids))
            if gone:
                conn.execute(delete(Mention.__table__).where(M.article_id == article_id, M.entity_id.in_(gone)))
            if rows:  # kept flags are updated in place (new score, parts, offsets), new ones added
                conn.execute(self._stmt_mentions_upsert, rows)
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
        ``extractor_version``/``watchlist_digest`` differs from the given one (or is unset;
        for the watchlist also: a flag has no prominence score), so a re-run skips finished work. No transaction stays open between batches.
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
            conds.append(stale_match(stale_watchlist))
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
                        snippet=m["snippet"] or "", reason=m["reason"] or "", details=m["details"] or [],
                        prominence=m["prominence"], prominence_parts=m["prominence_parts"] or {}))
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

