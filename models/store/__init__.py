"""The Store: every read and write newsmon makes to its database.

One class, ``Store``, assembled from one part per concern so that no module grows
without bound (each part is a mixin over ``StoreBase``, which owns the engine, the
transactions and the error mapping):

==============  ==============================================================
``base``        engine, read/write transactions, retries, readable errors
``feeds``       configured feeds and their poll state
``articles``    idempotent saves, re-extraction, re-matching, reading, export
``ops``         fetch outcomes, cycles, robots.txt memory, measurements
``review``      review decisions, audit trail, the inbox
``clusters``    story clusters (MinHash signatures, LSH bands)
``alerts``      alert claims (at most once per rule and story)
``accounts``    review-desk accounts and their Atom feed tokens
``sessions``    browser sessions, failed sign-ins, generated secrets
``events``      once-only state of the Prefect events (story flagged, feed failing)
``retention``   what prune deletes (in batches), tombstones, the stats numbers
``entities``    entity pages: flagged articles per entity and day, co-flagged entities
``search``      full-text search over title + body (the index: ``models.search_index``)
==============  ==============================================================

The idempotence and concurrency rules are in ``base``'s docstring.
"""
from __future__ import annotations

from .accounts import AccountRow, AccountStore, LastAdminError, TokenRow
from .alerts import AlertEntry, AlertStore
from .articles import ArticleStore, StoredArticle, export_row, iso_utc
from .base import SYSTEM_REVIEWER, StoreBase
from .clusters import ClusterJob, ClusterStore, SignatureRow
from .entities import EntityStore
from .events import EventStore, FailingFeed
from .feeds import FeedPoll, FeedState, FeedStore
from .ops import FetchOutcomeEntry, OpsStore
from .retention import BatchTotals, Cutoffs, RetentionStore
from .review import InboxArticle, InboxCluster, ReviewEntry, ReviewStore
from .search import SearchHit, SearchQuery, SearchQueryError, SearchStore, parse_query
from .sessions import SessionRow, SessionStore


class Store(FeedStore, ArticleStore, OpsStore, SearchStore, ReviewStore, ClusterStore, AlertStore, AccountStore, SessionStore,
            EventStore, RetentionStore, EntityStore, StoreBase):
    """Thread-safe access to the newsmon database: sync calls, each in its own transaction
    from the engine's pool (the async pipeline calls them through ``asyncio.to_thread``)."""


__all__ = [
    "AccountRow", "AlertEntry", "BatchTotals", "ClusterJob", "Cutoffs", "EventStore", "FailingFeed",
    "FeedPoll", "FeedState", "FetchOutcomeEntry", "InboxArticle", "LastAdminError", "SYSTEM_REVIEWER",
    "SearchHit", "SearchQuery", "SearchQueryError", "SearchStore", "SessionRow", "TokenRow", "parse_query",
    "InboxCluster", "ReviewEntry", "SignatureRow", "Store", "StoreBase", "StoredArticle", "export_row", "iso_utc",
]
