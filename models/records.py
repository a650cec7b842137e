"""Plain records passed between the pipeline and the store.

They carry no SQL and no HTTP: the pipeline fills them from fetch/extract/match
results, ``models.store.Store`` turns them into rows in one transaction.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime


def url_key(url: str) -> str:
    """Deterministic article key: sha256 of the canonical URL (hex, 64 chars)."""
    return hashlib.sha256(url.encode("utf-8")).hexdigest()


@dataclass
class MentionRecord:
    """One flagged entity of one article (all its mentions folded into one row)."""

    entity_id: str
    count: int
    in_title: bool
    snippet: str
    reason: str  # why the flag was raised, e.g. 'alias "Samsung Electronics" ×2 (title)'
    # Every mention: {"alias", "text", "field": "title"|"text", "start", "end", "kind"}, plus
    # "note" on a mention of an ambiguous alias: what corroborated it (watch.corroborate)
    details: list[dict] = field(default_factory=list)
    # 0-100: is the story about the entity (high) or a passing mention (low)? None: not
    # computed (records made before prominence existed). watch.prominence.ABOUT (55) is the
    # default "about" threshold.
    prominence: int | None = None
    # The score's parts, each {"points": int, <its measure>}: "headline" {"in_title"},
    # "lede" {"paragraph": 1|2|None}, "mentions" {"count"}, "sentences" {"share", "with",
    # "of"}, "position" {"first_at": 0..1 of the body, or None}. Points sum to prominence.
    prominence_parts: dict = field(default_factory=dict)


@dataclass
class ArticleRecord:
    url: str  # canonical URL: the article's identity
    feed: str | None
    title: str | None
    text: str | None
    status: str = "ok"  # ok | no_body | failed
    reason: str | None = None  # why no_body/failed, one line
    original_url: str | None = None  # link as it appeared in the feed
    final_url: str | None = None  # after redirects
    published: datetime | None = None  # aware, UTC
    published_raw: str | None = None
    published_source: str | None = None
    modified: datetime | None = None
    authors: list[str] = field(default_factory=list)
    language: str | None = None
    raw_html: bytes | None = None  # the page bytes as fetched (compressed by the store)
    encoding: str | None = None
    http_status: int | None = None
    notes: list[str] = field(default_factory=list)  # extraction/decoding notes
    meta: dict = field(default_factory=dict)  # provenance of metadata etc.
    fetched_at: datetime | None = None
    flow_run_id: str | None = None
    extractor_version: str | None = None
    extracted_at: datetime | None = None  # aware UTC; the store uses "now" when unset
    # Digest of the watchlist the mentions were matched with (re-match skips up-to-date rows).
    watchlist_digest: str | None = None
    # Other URL forms of this article (feed link, redirect target) that map to the same key.
    aliases: list[str] = field(default_factory=list)

    @property
    def key(self) -> str:
        return url_key(self.url)
