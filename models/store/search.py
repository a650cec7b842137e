"""Full-text search over article title + body: the query language, the SQL condition for
each backend (the index itself: ``models.search_index``), snippets, and ``Store.search``.

What a query means (``parse_query``): words separated by whitespace, and ``"quoted
phrases"``; every one must occur in the title or the body (AND), as a case-insensitive
substring (삼성전자 finds 삼성전자는; a phrase matches its words separated by one space).
Nothing in a query is syntax besides the double quote: ``*``, ``%``, ``_``, backslashes,
FTS5 operators (``AND``, ``NEAR``, ``^``, ``col:``) are searched for as text.

How each term is found, by its length in characters:

* 3 or more: the trigram index (SQLite FTS5 phrase; PostgreSQL ``LIKE`` on the stored
  lowercased text ``article.search_doc``, served by its pg_trgm index).
* 2: SQLite: the index's trigrams that start with the term (``article_search_vocab``),
  OR-ed: every occurrence starts a trigram, since the indexed text ends with a newline.
  PostgreSQL: the CJK bigram index when both characters are Hangul, kana or ideographs
  (``models.search_index.BIGRAM_CHARS``), else ``LIKE`` without an index. A term in
  thousands of articles (or, SQLite, starting more than ``SearchQuery.max_grams``
  trigrams) is checked with ``LIKE`` row by row while the date index is walked.
* 1: ``LIKE``, bounded by the other conditions.

Results are newest first. Many matches (``WALK_BY_DATE_ABOVE``): the date index
(``ix_article_when``) is walked newest first and the walk stops after a page (the inbox:
after the page and ``[search] count_stories`` stories, ``walk_search``); few: the matches
are looked up and sorted. PostgreSQL's inbox decides by measuring rather than by the
planner's estimates: it walks the newest ``PROBE_ROWS`` articles, and the share of them
that matched says whether to walk on or to read every older match and sort (``_pg_walk``).
"""
from __future__ import annotations

import json
import re
from collections.abc import Generator
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Any, Self

from sqlalchemy import (
    Integer,
    and_,
    column,
    desc,
    false,
    func,
    literal_column,
    select,
    text,
)
from sqlalchemy.engine import Connection

from ..search_index import (
    BIGRAM_CHARS,
    BIGRAM_FUNCTION,
    DOC_COLUMN,
    FTS_TABLE,
    VOCAB_TABLE,
)
from ..tables import UTCDateTime
from .base import A, _chunks
from .review import ReviewStore

_TOKEN = re.compile(r'"([^"]*)"?|([^\s"]+)')
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_BIGRAM_TERM = re.compile(f"^[{BIGRAM_CHARS}]{{2}}$")
# SQLite: above this many index matches, Store.search walks the articles by date (measured on
# 63,000 articles: 40-70 ms for 27,000 matches this way, 230-470 ms by id; 0.4-2 ms by id
# for 50 matches, 50-150 ms this way).
WALK_BY_DATE_ABOVE = 2000


class SearchQueryError(ValueError):
    """A search that cannot be run (too long, too many terms); ``str()`` is one line."""


@dataclass(frozen=True)
class SearchQuery:
    """A parsed search: lowercased terms (a phrase keeps single spaces between its words)."""

    terms: tuple[str, ...]
    max_grams: int = 200  # 2-character terms: most trigrams OR-ed before scanning instead (SQLite)

    def pattern(self) -> re.Pattern[str]:
        """Finds the terms in text, case-insensitively, a phrase's spaces matching any whitespace."""
        return _terms_pattern(self.terms)


@lru_cache(maxsize=256)  # one query marks every hit and snippet of its results
def _terms_pattern(terms: tuple[str, ...]) -> re.Pattern[str]:
    alts = sorted(terms, key=len, reverse=True)  # longest first: one mark per place
    return re.compile("|".join(r"\s+".join(map(re.escape, t.split(" "))) for t in alts), re.IGNORECASE)


def parse_query(raw: str | None, *, max_chars: int = 200, max_terms: int = 8,
                max_grams: int = 200) -> SearchQuery | None:
    """The query in ``raw`` (see module docstring); None when it holds no term."""
    value = _CONTROL.sub(" ", raw or "").strip()
    if not value:
        return None
    if len(value) > max_chars:
        raise SearchQueryError(f"search {value[:30]!r}... is longer than {max_chars} characters")
    terms: list[str] = []
    for m in _TOKEN.finditer(value):
        term = " ".join((m.group(1) if m.group(1) is not None else m.group(2)).split()).lower()
        if term and term not in terms:
            terms.append(term)
    # A term inside another adds nothing under AND, and costs a lookup.
    terms = [t for t in terms if not any(t != o and t in o for o in terms)]
    if not terms:
        return None
    if len(terms) > max_terms:
        raise SearchQueryError(f"search has {len(terms)} terms; at most {max_terms} are allowed")
    return SearchQuery(tuple(terms), max_grams=max_grams)


# -- SQL ----------------------------------------------------------------------------------------

def _fts_string(term: str) -> str:
    """An FTS5 string literal: inside double quotes nothing is syntax but a doubled quote."""
    return '"' + term.replace('"', '""') + '"'


def _like_pattern(term: str) -> str:
    return "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


# The searchable text, spelled as in models.search_index (PostgreSQL: the generated column the
# indexes are over, already lowercased).
_SQLITE_DOC = literal_column("coalesce(article.title, '') || char(10) || coalesce(article.text, '')")
_PG_DOC = f"article.{DOC_COLUMN}"


@dataclass(frozen=True)
class _SqlitePlan:
    match: str | None  # FTS5 MATCH expression: the AND of the terms the index serves
    scans: tuple[Any, ...]  # LIKE conditions for the other terms
    empty: bool  # a 2-character term that no indexed text contains: nothing matches


def _sqlite_plan(conn: Connection, query: SearchQuery) -> _SqlitePlan:
    phrases: list[str] = []
    scans: list[Any] = []
    for t in query.terms:
        if len(t) >= 3:
            phrases.append(_fts_string(t))
        elif len(t) == 2:
            grams, most = _grams_starting(conn, t, query.max_grams + 1)
            if not grams:
                return _SqlitePlan(None, (), True)
            # Too many trigrams, or in thousands of articles ("ai"): checked row by row with
            # LIKE, as the date index is walked (a page is found within a few hundred rows),
            # instead of OR-ing doclists of tens of thousands of articles.
            if len(grams) > query.max_grams or most > WALK_BY_DATE_ABOVE:
                scans.append(_SQLITE_DOC.like(_like_pattern(t), escape="\\"))
            else:
                phrases.append("(" + " OR ".join(map(_fts_string, grams)) + ")")
        else:
            scans.append(_SQLITE_DOC.like(_like_pattern(t), escape="\\"))
    return _SqlitePlan(" AND ".join(phrases) or None, tuple(scans), False)


def _sqlite_condition(plan: _SqlitePlan, *, by_time: bool = False) -> Any:
    """``by_time``: written ``+article.id IN (...)``, which keeps SQLite from looking the
    matches up by id, so that it walks ``ix_article_when`` newest first instead."""
    if plan.empty:
        return false()
    conds = list(plan.scans)
    if plan.match:
        hits = (text(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :match")
                .bindparams(match=plan.match).columns(column("rowid", Integer)))
        conds.insert(0, (literal_column("+article.id") if by_time else A.id).in_(hits))
    return and_(*conds)


def _sqlite_matches(conn: Connection, plan: _SqlitePlan) -> int:
    q = text(f"SELECT count(*) FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :match")
    return int(conn.execute(q, {"match": plan.match}).scalar_one())


def _walk_condition(conn: Connection, query: SearchQuery) -> tuple[Any, Any]:
    """(condition for listing the matches newest first, condition for checking a few known
    articles). SQLite: with many matches the first lets SQLite walk the date index, and the
    second always keeps it from looking every match up by id."""
    if conn.dialect.name == "postgresql":
        # A 2-character term found in thousands of articles is checked row by row with LIKE
        # as the date index is walked: computing newsmon_bigrams per row costs ~2 ms.
        walk = [_pg_term(t, i, like=_bigram_term(t) and _pg_common_bigram(conn, t))
                for i, t in enumerate(query.terms)]
        return and_(*walk), and_(*(_pg_term(t, i, like=True) for i, t in enumerate(query.terms)))
    plan = _sqlite_plan(conn, query)
    many = plan.match is not None and _sqlite_matches(conn, plan) > WALK_BY_DATE_ABOVE
    return _sqlite_condition(plan, by_time=many), _sqlite_condition(plan, by_time=True)


class StoryCount(int):
    """How many stories match; ``at_least``: counting stopped at this many."""

    at_least: bool

    def __new__(cls, n: int, at_least: bool = False) -> Self:
        obj = super().__new__(cls, n)
        obj.at_least = at_least
        return obj


def walk_search(conn: Connection, conds: list[Any], query: SearchQuery, *, offset: int, limit: int | None,
                cap: int) -> tuple[list[tuple[int, datetime]], StoryCount, Any]:
    """The inbox's page under a search: the flagged articles matching ``conds`` and ``query``,
    read newest first until the page (``offset``, ``limit`` stories) is found and ``cap``
    stories are counted. Returns the page's (story key, latest date), the count, and the
    condition to find the page's matching articles with."""
    key = func.coalesce(A.cluster_id, A.id)
    when = func.coalesce(A.published, A.fetched_at, type_=UTCDateTime())
    walk, check = _walk_condition(conn, query)
    need = None if limit is None else offset + limit
    stop = None if need is None else max(cap, need)
    # The search first: SQLite tests the terms in this order, and review_state lies behind the
    # kept page in the row (reading it reads the page's overflow chain).
    listing = select(key.label("k"), when.label("w")).order_by(desc(when), desc(key))
    stmt = listing.where(walk, *conds)
    if conn.dialect.name == "postgresql":
        rows = _pg_walk(conn, stmt, listing.where(check, *conds), when, stop)
    else:
        rows = _stream(conn, stmt)
    seen: dict[int, datetime] = {}  # story key -> its newest matching date, in page order
    capped = False
    try:
        for r in rows:
            if r.k not in seen:
                if stop is not None and len(seen) >= stop:
                    capped = True
                    break
                seen[int(r.k)] = r.w
    finally:
        rows.close()
    heads = list(seen.items())[offset:need]
    return heads, StoryCount(len(seen), capped), check


def _stream(conn: Connection, stmt: Any) -> Generator[Any, None, None]:
    """The rows of ``stmt`` as they come (PostgreSQL: from a server-side cursor)."""
    opts = {"stream_results": True, "max_row_buffer": 1000} if conn.dialect.name == "postgresql" else {}
    result = conn.execute(stmt, execution_options=opts)  # (conn.execution_options() would stay set)
    try:
        yield from result
    finally:
        result.close()


# PostgreSQL: the newest articles walked before deciding how to read the older ones (~20 ms
# when none matches, on 2 shared cores).
PROBE_ROWS = 2000


def _pg_walk(conn: Connection, stmt: Any, by_date: Any, when: Any, stop: int | None) -> Generator[Any, None, None]:
    """PostgreSQL: the rows of ``stmt`` (newest first) for a reader that stops after about
    ``stop`` of them (None: reads them all). ``by_date``: the same rows, its conditions
    written for testing articles one by one (``LIKE`` for every term).

    Whether to walk the date index and test each article (cheap when the matches are dense:
    a common term, and no other filter) or to read every match from the indexes and sort
    them (cheap when they are few: a rare term, or a common one with a feed, entity or state
    filter) depends on how many match, which the planner cannot tell: its estimates for
    ``LIKE`` on long texts and for terms that go together are off by 10x either way, and it
    counts testing a text of a few thousand characters as one cheap operation. So the newest
    ``PROBE_ROWS`` articles are walked first (their rows come first anyway), and the share of
    them that matched decides for the older ones: walk on if the reader will stop within
    fewer rows than reading every match costs, else read all of them (``cursor_tuple_fraction``
    1: the planner then picks the indexes and a sort)."""
    # Without JIT, whose compiling (~0.1 s) the cost estimate of reading every match triggers.
    conn.exec_driver_sql("SET LOCAL jit = off")
    bound = None
    if stop is not None:
        bound = conn.execute(select(when).order_by(desc(when)).offset(PROBE_ROWS - 1).limit(1)).scalar()
    if bound is None:  # fewer articles than the probe, or every match is wanted
        if stop is None:
            conn.exec_driver_sql("SET LOCAL cursor_tuple_fraction = 1")
        yield from _stream(conn, stmt)
        return
    got = 0
    # Walked by date, whatever the planner's guess: it would read every trigram candidate of
    # a rare term to find the few among the newest (0.1 s for "interest rates"); and LIKE
    # for every term (newsmon_bigrams on each article costs ~2 ms).
    conn.exec_driver_sql("SET LOCAL enable_bitmapscan = off")
    newest = _stream(conn, by_date.where(when >= bound))
    healthy = False  # (after a database error the transaction takes no more statements)
    try:
        for r in newest:
            got += 1
            yield r
        healthy = True
    except GeneratorExit:  # the reader stopped here
        healthy = True
        raise
    finally:
        newest.close()
        if healthy:  # the statements after it want their bitmaps
            conn.exec_driver_sql("SET LOCAL enable_bitmapscan = on")
    older = float(conn.exec_driver_sql("SELECT reltuples FROM pg_class WHERE oid = 'article'::regclass").scalar_one())
    if older < 0:  # never analyzed yet (a young database): counted instead
        older = float(conn.execute(select(func.count(A.id))).scalar_one())
    if not _walk_on(got, max(stop - got, 1), max(older - PROBE_ROWS, 1.0)):
        conn.exec_driver_sql("SET LOCAL cursor_tuple_fraction = 1")
    yield from _stream(conn, stmt.where(when < bound))


def _walk_on(got: int, need: int, older: float) -> bool:
    """Walk the older articles by date? ``got`` of the newest ``PROBE_ROWS`` matched, ``need``
    more rows are wanted, ``older`` articles are left. The walk tests ``need / density``
    articles; reading every match costs about twice their number (the index's candidates
    that fail the check, the sort)."""
    density = got / PROBE_ROWS
    return density > 0 and need / density < 2 * density * older


def search_condition(conn: Connection, query: SearchQuery) -> Any:
    """The WHERE condition on ``article`` that holds for the articles matching ``query``."""
    if conn.dialect.name == "postgresql":
        return and_(*(_pg_term(t, i) for i, t in enumerate(query.terms)))
    return _sqlite_condition(_sqlite_plan(conn, query))


def _grams_starting(conn: Connection, term: str, limit: int) -> tuple[list[str], int]:
    """Indexed trigrams that begin with the 2-character ``term`` (a range of the vocabulary),
    and the most articles one of them is in (so at least that many contain the term)."""
    upper = term[:-1] + chr(ord(term[-1]) + 1)
    q = text(f"SELECT term, doc FROM {VOCAB_TABLE} WHERE term >= :lo AND term < :hi LIMIT :n")
    rows = conn.execute(q, {"lo": term, "hi": upper, "n": limit}).all()
    return [r.term for r in rows], max((int(r.doc) for r in rows), default=0)


def _bigram_term(term: str) -> bool:
    return len(term) == 2 and _BIGRAM_TERM.match(term) is not None


def _pg_common_bigram(conn: Connection, term: str) -> bool:
    """Do more than WALK_BY_DATE_ABOVE articles contain ``term``? The planner's estimate
    (from the statistics of the bigram index), which costs a millisecond: counting could
    cost seconds, and a wrong guess only costs time."""
    q = text(f"EXPLAIN (FORMAT JSON) SELECT 1 FROM article WHERE {BIGRAM_FUNCTION}({_PG_DOC}) "
             "@> ARRAY[CAST(:t AS text)]")
    plan = conn.execute(q, {"t": term}).scalar_one()
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return float(plan[0]["Plan"]["Plan Rows"]) > WALK_BY_DATE_ABOVE


def _pg_term(term: str, i: int, *, like: bool = False) -> Any:
    """``like``: LIKE even for a CJK 2-character term (exact too; the bigram index is not used)."""
    if _bigram_term(term) and not like:
        return text(f"{BIGRAM_FUNCTION}({_PG_DOC}) @> ARRAY[CAST(:bigram{i} AS text)]").bindparams(
            **{f"bigram{i}": term})
    # LIKE's escape character is the backslash by default on PostgreSQL (and pg_trgm knows it).
    return literal_column(_PG_DOC).like(_like_pattern(term))


# -- snippets ---------------------------------------------------------------------------------------

def make_snippet(body: str | None, query: SearchQuery, chars: int = 240) -> str:
    """About ``chars`` characters of ``body`` around the first hit (the start when the hits
    are only in the title), on one line, with "…" where it was cut."""
    flat = " ".join((body or "").split())
    if not flat:
        return ""
    m = query.pattern().search(flat)
    start = 0 if m is None else max(0, m.start() - chars // 3)
    if start:
        space = flat.find(" ", start, m.start() if m else start)  # begin at a word
        start = space + 1 if space != -1 else start
    end = min(len(flat), start + chars)
    if end < len(flat):
        space = flat.rfind(" ", max(start, (m.end() if m else start)), end)
        end = space if space > start else end
    return ("…" if start else "") + flat[start:end] + ("…" if end < len(flat) else "")


# -- the store's part -----------------------------------------------------------------------------

@dataclass(frozen=True)
class SearchHit:
    id: int
    url: str
    title: str | None
    published: datetime | None
    fetched_at: datetime | None
    feed: str | None
    review_state: str
    entities: list[str]
    snippet: str

    def as_dict(self) -> dict[str, Any]:
        from .articles import iso_utc
        return {"id": self.id, "url": self.url, "title": self.title, "published": iso_utc(self.published),
                "feed": self.feed, "entities": self.entities, "review_state": self.review_state,
                "snippet": self.snippet}


class SearchStore(ReviewStore):
    def search(self, query: SearchQuery, *, entity: str | None = None, feed: str | None = None,
               since: datetime | date | None = None, until: datetime | date | None = None,
               state: str | None = None, flagged_only: bool = False, limit: int = 50, offset: int = 0,
               snippet_chars: int = 240) -> list[SearchHit]:
        """Stored articles (not failed) matching ``query`` and the filters (as the inbox's),
        newest first (published, else fetched), each with a snippet around its first hit."""
        conds = self._inbox_conds(entity=entity, feed=feed, since=since, until=until, state=state,
                                  flagged=flagged_only)
        when = func.coalesce(A.published, A.fetched_at, type_=UTCDateTime())

        def q(conn: Connection) -> list[SearchHit]:
            where = conds
            if self.dialect == "sqlite":
                plan = _sqlite_plan(conn, query)
                # Many matches: walking the date index newest first finds a page after a few
                # hundred rows; few: looking them up by id and sorting them is quicker.
                many = plan.match is not None and _sqlite_matches(conn, plan) > WALK_BY_DATE_ABOVE
                cond = _sqlite_condition(plan, by_time=many)
                where = self._inbox_conds(entity=entity, feed=feed, since=since, until=until, state=state,
                                          flagged=flagged_only, under_search=True)
            else:
                cond, _ = _walk_condition(conn, query)  # common CJK 2-character terms: LIKE
            stmt = (select(A.id, A.url, A.title, A.published, A.fetched_at, A.feed, A.review_state, A.entities,
                           A.text)
                    .where(cond, *where)
                    .order_by(desc(when), desc(A.id)).limit(limit).offset(offset))
            return [SearchHit(id=r.id, url=r.url, title=r.title, published=r.published, fetched_at=r.fetched_at,
                              feed=r.feed, review_state=r.review_state, entities=list(r.entities or []),
                              snippet=make_snippet(r.text, query, snippet_chars))
                    for r in conn.execute(stmt)]

        return self._read(q)

    def search_snippets(self, article_ids: list[int], query: SearchQuery, chars: int = 240) -> dict[int, str]:
        """A snippet of each article's body around its first hit (for the inbox's rows)."""
        out: dict[int, str] = {}

        def q(conn: Connection) -> None:
            for chunk in _chunks(sorted(set(article_ids))):
                for r in conn.execute(select(A.id, A.text).where(A.id.in_(chunk))):
                    out[r.id] = make_snippet(r.text, query, chars)

        self._read(q)
        return out


__all__ = ["SearchHit", "SearchQuery", "SearchQueryError", "SearchStore", "make_snippet", "parse_query",
           "search_condition"]
