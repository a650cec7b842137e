"""SQLModel tables of newsmon.

One schema for SQLite and PostgreSQL. Two column types smooth over the differences:

* ``UTCDateTime``: callers always hand in and get back timezone-aware UTC datetimes.
  PostgreSQL stores ``timestamptz``; SQLite has no time zones, so values are stored as
  naive UTC text (which also sorts and compares correctly) and made aware on the way out.
* ``JSONType``: JSON on SQLite, JSONB on PostgreSQL.

Identity: an article is keyed by ``url_hash`` = sha256 of its canonical URL
(``models.records.url_key``); ``article_url`` maps every URL form seen for it (canonical,
cleaned feed link, redirect target) to the article, so a feed entry already stored is
recognised before any fetch.
"""
from __future__ import annotations

from datetime import date, datetime, time, timezone
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel

UTC = timezone.utc

REVIEW_STATES = ("new", "relevant", "irrelevant", "escalated")
ARTICLE_STATUSES = ("ok", "no_body", "failed")
FETCH_OUTCOMES = ("ok", "not_modified", "temporary", "permanent", "blocked")
FEED_STATUSES = ("ok", "not_modified", "error", "backoff", "blocked")
ROLES = ("viewer", "reviewer", "admin")  # each role may do what the ones before it may


def as_utc(value: datetime | date) -> datetime:
    """Aware UTC datetime. Naive datetimes are taken to be UTC already; a date is its midnight UTC."""
    if not isinstance(value, datetime):
        if isinstance(value, date):
            return datetime.combine(value, time(0), tzinfo=UTC)
        raise TypeError(f"expected a datetime, got {type(value).__name__}: {value!r}")
    if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on both backends (see module docstring)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> datetime | None:
        if value is None:
            return None
        value = as_utc(value)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


JSONType = JSON().with_variant(JSONB(), "postgresql")


def _dt(*, index: bool = False, nullable: bool = True) -> Any:
    return Field(default=None, sa_column=Column(UTCDateTime(), index=index, nullable=nullable))


def _json(default_factory: Any) -> Any:
    return Field(default_factory=default_factory, sa_column=Column(JSONType, nullable=False))


class Feed(SQLModel, table=True):
    __tablename__ = "feed"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_column=Column(Text, nullable=False, unique=True))
    url: str = Field(sa_column=Column(Text, nullable=False))
    etag: str | None = Field(default=None, sa_column=Column(Text))
    last_modified: str | None = Field(default=None, sa_column=Column(Text))
    last_polled_at: datetime | None = _dt()
    last_success_at: datetime | None = _dt()
    last_status: str | None = Field(default=None, sa_column=Column(Text))  # one of FEED_STATUSES
    last_error: str | None = Field(default=None, sa_column=Column(Text))
    last_http_status: int | None = None
    consecutive_failures: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    next_poll_at: datetime | None = _dt()
    # Entries in the feed document at the last successful parse (0 is a health signal).
    entries_seen: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    # When the event newsmon.feed.failing was emitted for the current run of failures (set
    # once, by the poll that claimed it); cleared by the success that emits
    # newsmon.feed.recovered. NULL: Prefect was not told this feed is failing.
    failing_event_at: datetime | None = _dt()


class Article(SQLModel, table=True):
    __tablename__ = "article"
    __table_args__ = (Index("ix_article_feed_published", "feed", "published"),)

    id: int | None = Field(default=None, primary_key=True)
    url_hash: str = Field(sa_column=Column(Text, nullable=False, unique=True))
    url: str = Field(sa_column=Column(Text, nullable=False))  # canonical
    original_url: str | None = Field(default=None, sa_column=Column(Text))
    final_url: str | None = Field(default=None, sa_column=Column(Text))
    feed: str | None = Field(default=None, sa_column=Column(Text))  # indexed with published below
    title: str | None = Field(default=None, sa_column=Column(Text))
    text: str | None = Field(default=None, sa_column=Column(Text))
    status: str = Field(default="ok", max_length=16)  # one of ARTICLE_STATUSES
    reason: str | None = Field(default=None, sa_column=Column(Text))
    published: datetime | None = _dt(index=True)
    published_raw: str | None = Field(default=None, sa_column=Column(Text))
    published_source: str | None = Field(default=None, sa_column=Column(Text))
    modified: datetime | None = _dt()
    authors: list = _json(list)
    # Page-derived strings have no length limit: PostgreSQL would reject a long hostile value.
    language: str | None = Field(default=None, sa_column=Column(Text))
    raw_html: bytes | None = Field(default=None, sa_column=Column(LargeBinary))  # models.compress
    raw_size: int | None = Field(default=None, sa_column=Column(BigInteger))  # bytes before compression
    raw_encoding: str | None = Field(default=None, sa_column=Column(Text))
    http_status: int | None = None
    notes: list = _json(list)
    meta: dict = _json(dict)
    fetched_at: datetime | None = _dt(index=True)
    extracted_at: datetime | None = _dt()
    extractor_version: str | None = Field(default=None, sa_column=Column(Text))
    watchlist_digest: str | None = Field(default=None, sa_column=Column(Text))
    entities: list = _json(list)  # sorted entity ids, a copy of the mention rows for export
    flow_run_id: str | None = Field(default=None, sa_column=Column(Text))
    cluster_id: int | None = Field(default=None, sa_column=Column(BigInteger, index=True))
    review_state: str = Field(default="new", max_length=16,
                              sa_column_kwargs={"server_default": "new"}, index=True)
    # The latest decision, denormalised from review_event for listing.
    review_note: str | None = Field(default=None, sa_column=Column(Text))
    reviewed_by: str | None = Field(default=None, sa_column=Column(Text))
    reviewed_at: datetime | None = _dt()
    # When the event newsmon.story.flagged was emitted for this article (claimed once,
    # review/announce.py). Articles stored before events existed carry their fetch time.
    flagged_event_at: datetime | None = _dt()
    # When retention ([retention] raw_days) dropped the kept page (raw_html/raw_size are then
    # NULL): re-extracting the article needs a refetch, and backfill says so. Last column:
    # a migration adds it at the end, and a fresh database must have the same column order.
    raw_dropped_at: datetime | None = _dt()


class ArticleUrl(SQLModel, table=True):
    __tablename__ = "article_url"

    url_hash: str = Field(sa_column=Column(Text, primary_key=True))
    article_id: int = Field(sa_column=Column(
        Integer, ForeignKey("article.id", ondelete="CASCADE"), nullable=False, index=True))
    url: str = Field(sa_column=Column(Text, nullable=False))


class Mention(SQLModel, table=True):
    __tablename__ = "mention"
    __table_args__ = (UniqueConstraint("article_id", "entity_id", name="uq_mention_article_entity"),)

    id: int | None = Field(default=None, primary_key=True)
    article_id: int = Field(sa_column=Column(
        Integer, ForeignKey("article.id", ondelete="CASCADE"), nullable=False))
    entity_id: str = Field(sa_column=Column(Text, nullable=False, index=True))
    count: int = 0
    in_title: bool = False
    snippet: str | None = Field(default=None, sa_column=Column(Text))
    reason: str | None = Field(default=None, sa_column=Column(Text))
    details: list = _json(list)
    # watch.prominence: 0-100, is the story about the entity or a passing mention? NULL on
    # flags stored before 0.2.0 (``backfill --source stored`` scores them).
    prominence: int | None = Field(default=None, sa_column=Column(Integer, nullable=True))
    # The score's parts (points and the measures behind them), as watch.prominence gives them.
    prominence_parts: dict | None = Field(default=None, sa_column=Column(JSONType, nullable=True))


class FetchOutcome(SQLModel, table=True):
    __tablename__ = "fetch_outcome"

    id: int | None = Field(default=None, primary_key=True)
    url: str = Field(sa_column=Column(Text, nullable=False))
    url_hash: str = Field(sa_column=Column(Text, nullable=False, index=True))
    feed: str | None = Field(default=None, sa_column=Column(Text))
    kind: str = Field(default="page", sa_column=Column(Text, nullable=False))  # page | feed | robots | sitemap
    outcome: str = Field(max_length=16)  # one of FETCH_OUTCOMES
    error: str | None = Field(default=None, sa_column=Column(Text))
    http_status: int | None = None
    at: datetime = _dt(index=True, nullable=False)
    flow_run_id: str | None = Field(default=None, sa_column=Column(Text, index=True))


class RobotsTxt(SQLModel, table=True):
    """An origin's robots.txt as last fetched (``scrapers.robots``): kept so that each poll
    cycle, a new process, does not ask every host for it again within ``robots_cache_s``."""

    __tablename__ = "robots_txt"

    origin: str = Field(sa_column=Column(Text, primary_key=True))  # scheme://host[:port]/
    content: bytes | None = Field(default=None, sa_column=Column(LargeBinary))  # None: missing (4xx)
    note: str | None = Field(default=None, sa_column=Column(Text))
    fetched_at: datetime = _dt(nullable=False)


class ReviewEvent(SQLModel, table=True):
    __tablename__ = "review_event"

    id: int | None = Field(default=None, primary_key=True)
    article_id: int = Field(sa_column=Column(
        Integer, ForeignKey("article.id", ondelete="CASCADE"), nullable=False, index=True))
    from_state: str | None = Field(default=None, max_length=16)
    to_state: str = Field(max_length=16)
    note: str | None = Field(default=None, sa_column=Column(Text))
    reviewer: str | None = Field(default=None, sa_column=Column(Text))
    at: datetime = _dt(nullable=False)


class Cycle(SQLModel, table=True):
    __tablename__ = "cycle"

    id: int | None = Field(default=None, primary_key=True)
    flow_run_id: str | None = Field(default=None, sa_column=Column(Text, index=True))
    kind: str = Field(sa_column=Column(Text, nullable=False))  # poll | backfill-sitemap | backfill-stored | ...
    started_at: datetime = _dt(nullable=False)
    finished_at: datetime | None = _dt()
    summary: dict = _json(dict)


# -- review desk (``review/``): story clusters and alerts --------------------------------

ALERT_STATUSES = ("pending", "sent", "failed")


class ClusterSignature(SQLModel, table=True):
    """The MinHash signature of one article's body (``review.clusters``), kept so that a new
    article is compared with recent ones by an indexed band lookup, not with every article."""

    __tablename__ = "cluster_signature"

    article_id: int = Field(sa_column=Column(
        Integer, ForeignKey("article.id", ondelete="CASCADE"), primary_key=True, autoincrement=False))
    # The article's date (published, else fetched): candidates must lie within the window of it.
    at: datetime = _dt(index=True, nullable=False)
    cluster_id: int = Field(sa_column=Column(BigInteger, nullable=False, index=True))
    n_shingles: int = Field(sa_column=Column(Integer, nullable=False))
    signature: bytes = Field(sa_column=Column(LargeBinary, nullable=False))  # little-endian uint64s


class ClusterBand(SQLModel, table=True):
    """One LSH band key of a signature: articles sharing a key are candidate near-duplicates."""

    __tablename__ = "cluster_band"

    band: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    article_id: int = Field(sa_column=Column(
        Integer, ForeignKey("article.id", ondelete="CASCADE"), primary_key=True, autoincrement=False,
        index=True))


class AlertSent(SQLModel, table=True):
    """One alert rule × story cluster: claimed (``pending``) before the webhook POST, then
    ``sent`` or ``failed`` (retried next run). The primary key makes it at most once."""

    __tablename__ = "alert_sent"
    # Deleting an article (retention) sets article_id NULL here: indexed, or each deleted
    # article would scan the whole table.
    __table_args__ = (Index("ix_alert_sent_article_id", "article_id"),)

    rule: str = Field(sa_column=Column(Text, primary_key=True))
    cluster_id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    article_id: int | None = Field(default=None, sa_column=Column(
        Integer, ForeignKey("article.id", ondelete="SET NULL")))
    status: str = Field(sa_column=Column(Text, nullable=False))  # one of ALERT_STATUSES
    attempts: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    claimed_at: datetime = _dt(nullable=False)
    sent_at: datetime | None = _dt()
    last_error: str | None = Field(default=None, sa_column=Column(Text))


# -- accounts and access (``review/accounts.py``, ``review/web/auth.py``) ----------------------


class Account(SQLModel, table=True):
    """A person who uses the review desk. Never deleted, only disabled, so the names in the
    audit trail (``review_event.reviewer`` holds the account name) stay unambiguous."""

    __tablename__ = "account"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_column=Column(Text, nullable=False, unique=True))  # review.accounts.normalize_name
    role: str = Field(sa_column=Column(Text, nullable=False))  # one of ROLES
    password_hash: str | None = Field(default=None, sa_column=Column(Text))  # Argon2id; None: no password sign-in
    disabled: bool = Field(default=False, sa_column=Column(Boolean, nullable=False))
    # Sessions carry the epoch they were made in; bumping it (password change, disabling,
    # "sign out everywhere") ends every session of the account at once, on every worker.
    session_epoch: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    source: str = Field(sa_column=Column(Text, nullable=False))  # cli | web | proxy | local
    created_at: datetime = _dt(nullable=False)
    updated_at: datetime | None = _dt()
    last_login_at: datetime | None = _dt()


class WebSession(SQLModel, table=True):
    """A signed-in browser. The cookie holds a random token; only its SHA-256 is stored."""

    __tablename__ = "web_session"

    id_hash: str = Field(sa_column=Column(Text, primary_key=True))
    account_id: int = Field(sa_column=Column(
        Integer, ForeignKey("account.id", ondelete="CASCADE"), nullable=False, index=True))
    epoch: int = Field(sa_column=Column(Integer, nullable=False))
    created_at: datetime = _dt(nullable=False)
    last_seen_at: datetime = _dt(nullable=False)
    expires_at: datetime = _dt(index=True, nullable=False)  # created_at + session lifetime
    address: str | None = Field(default=None, sa_column=Column(Text))
    user_agent: str | None = Field(default=None, sa_column=Column(Text))


class FeedToken(SQLModel, table=True):
    """A secret in the URL of an Atom feed (feed readers cannot sign in). Only its SHA-256 is
    stored; revoked tokens are kept (revoked_at) so the list shows what was handed out."""

    __tablename__ = "feed_token"

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(sa_column=Column(
        Integer, ForeignKey("account.id", ondelete="CASCADE"), nullable=False, index=True))
    token_hash: str = Field(sa_column=Column(Text, nullable=False, unique=True))
    label: str | None = Field(default=None, sa_column=Column(Text))
    created_at: datetime = _dt(nullable=False)
    last_used_at: datetime | None = _dt()
    revoked_at: datetime | None = _dt()


class LoginThrottle(SQLModel, table=True):
    """Failed sign-ins per user name (``scope`` "name", existing account or not) and per client
    address ("address"): ``failures`` within the window that began at ``window_start``; a
    name or address over its limit is refused until ``locked_until``."""

    __tablename__ = "login_throttle"

    scope: str = Field(sa_column=Column(Text, primary_key=True))
    key: str = Field(sa_column=Column(Text, primary_key=True))
    failures: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    window_start: datetime | None = _dt()
    locked_until: datetime | None = _dt()
# -- retention (``models.retention``) --------------------------------------------------------


class ArticleTombstone(SQLModel, table=True):
    """A URL form (``article_url.url_hash``) of an article deleted by retention.

    ``Store.known_urls`` counts these as stored, so the next poll or a sitemap backfill does
    not fetch a deleted article again just because its row is gone (it would be deleted
    again at the next prune, and flagged and alerted on in between). About 150 bytes per
    URL form (2-3 per article) against ~36 KiB for the article.
    """

    __tablename__ = "article_tombstone"

    url_hash: str = Field(sa_column=Column(Text, primary_key=True))
    deleted_at: datetime = _dt(nullable=False)


# -- schema bookkeeping (``models.migrate``) ------------------------------------------------


class NewsmonMeta(SQLModel, table=True):
    """Facts about the database itself. ``written_by``: the newsmon version that last created
    or upgraded the schema, so that an older newsmon refusing a newer schema can name it."""

    __tablename__ = "newsmon_meta"

    key: str = Field(sa_column=Column(Text, primary_key=True))
    value: str | None = Field(default=None, sa_column=Column(Text))
    updated_at: datetime | None = _dt()
