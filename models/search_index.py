"""The full-text search index over article title + body (``models.store.search`` queries it).

The searchable text of an article is ``title || "\\n" || text`` (``SEARCH_DOC``), matched
as a case-insensitive substring, so 삼성전자 finds 삼성전자는 and 삼성전자의.

SQLite
    ``article_search``: a contentless FTS5 table with the ``trigram`` tokenizer, rowid =
    ``article.id``, kept in step by three triggers on ``article`` (insert, delete, update of
    title/text: so the store's saves, re-extraction and retention's deletes all update it,
    and so would any other writer). The indexed text ends with a newline, so that every
    occurrence of a two-character term starts some trigram: that is how 2-character
    queries use the index (the trigrams beginning with the term, from the
    ``article_search_vocab`` table). Contentless: the article text is not stored twice.
    ``ix_article_when`` indexes an article's date (published, else fetched): a search
    matching thousands of articles walks it newest first and stops after a page, instead
    of reading every match (each a large row) to sort them. PostgreSQL has the same index:
    its planner walks it for common terms (checking a few hundred rows instead of
    rechecking every trigram candidate).

PostgreSQL
    No extra table: two GIN expression indexes on ``article`` that PostgreSQL keeps in step
    itself. ``ix_article_search_trgm``: ``pg_trgm`` over ``lower(SEARCH_DOC)`` (serves
    ``LIKE '%term%'`` for terms of 3+ characters). ``ix_article_search_bigram``: the
    distinct 2-character substrings of the same text whose characters are both Hangul, kana
    or CJK ideographs (``BIGRAM_CHARS``), from the SQL function ``newsmon_bigrams``: it
    serves 2-character Korean/CJK terms, which trigrams cannot. Other 2-character terms
    ("AI") and 1-character ones are matched by a scan bounded by the other filters. pg_trgm
    is created if missing, in the ``public`` schema when there is one (an extension lives
    in one schema for the whole database; putting it in a per-application schema would tie
    it to that schema). pg_trgm splits words by the database's ``LC_CTYPE``: with a UTF-8
    locale (``C.UTF-8``, ``en_US.UTF-8``...) Hangul are letters; under plain ``C`` Korean
    terms still match correctly but are not served by the trigram index.

Autogenerate ignores these objects (``models.migrate.include_object``). A future migration
that rebuilds ``article`` on SQLite (batch mode: copy, drop, rename) drops its triggers and
expression index: ``models.migrate.upgrade`` puts them back (``restore``) after migrating.
"""
from __future__ import annotations

import warnings

from sqlalchemy.engine import Connection

FTS_TABLE = "article_search"
VOCAB_TABLE = "article_search_vocab"
TRGM_INDEX = "ix_article_search_trgm"
BIGRAM_INDEX = "ix_article_search_bigram"
BIGRAM_FUNCTION = "newsmon_bigrams"
WHEN_INDEX = "ix_article_when"
INDEX_NAMES = frozenset({TRGM_INDEX, BIGRAM_INDEX, WHEN_INDEX})
_TRIGGERS = ("article_search_ai", "article_search_ad", "article_search_au")

# SQLAlchemy cannot reflect expression indexes on SQLite and says so on every inspection
# (autogenerate, batch migrations): ours are known and handled (include_object, restore).
warnings.filterwarnings("ignore", message="Skipped unsupported reflection of expression-based index "
                        f"({'|'.join(sorted(INDEX_NAMES))})")


def sqlite_doc(row: str) -> str:
    """The indexed text of ``row`` (``new``/``old`` in a trigger, a table alias in a query)."""
    return f"coalesce({row}.title, '') || char(10) || coalesce({row}.text, '') || char(10)"


# PostgreSQL: the indexed expression; queries must spell it the same for the planner to
# use the indexes (``models.store.search`` builds it from these names).
PG_DOC = "lower(coalesce(title, '') || E'\\n' || coalesce(text, ''))"

# (COST: ~2 ms per Korean article, so that the planner reads the bigram index rather than
# computing the function row by row.)
# Scripts written without spaces between words, where a 2-character term is a common
# query (Korean names: 삼성, 메타, 윤석): Hangul, kana, CJK ideographs. Only their
# bigrams are indexed on PostgreSQL: that keeps the function cheap on English text
# (0.4 ms for 13,000 characters; 2.3 ms for 1,200 Korean ones on this machine).
BIGRAM_CHARS = "\u3040-\u30ff\u3130-\u318f\u4e00-\u9fff\uac00-\ud7a3"

_PG_BIGRAMS = f"""
CREATE OR REPLACE FUNCTION {BIGRAM_FUNCTION}(doc text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE COST 10000 AS $$
  SELECT coalesce(array_agg(DISTINCT (x || y) COLLATE "C"), '{{}}')
  FROM (SELECT string_to_array(regexp_replace(doc, '[^{BIGRAM_CHARS}]+', ' ', 'g'), NULL) AS a) s,
       unnest(a[1:cardinality(a) - 1], a[2:]) AS t(x, y)
  WHERE x <> ' ' AND y <> ' '
$$"""


def create(conn: Connection) -> None:
    """Create the index for the connection's backend and fill it from the stored articles."""
    if conn.dialect.name == "postgresql":
        _create_pg(conn)
    else:
        _create_sqlite(conn)


def drop(conn: Connection) -> None:
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"DROP INDEX IF EXISTS {WHEN_INDEX}")
        conn.exec_driver_sql(f"DROP INDEX IF EXISTS {TRGM_INDEX}")
        conn.exec_driver_sql(f"DROP INDEX IF EXISTS {BIGRAM_INDEX}")
        conn.exec_driver_sql(f"DROP FUNCTION IF EXISTS {BIGRAM_FUNCTION}(text)")
        return
    for t in _TRIGGERS:
        conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {t}")
    conn.exec_driver_sql(f"DROP INDEX IF EXISTS {WHEN_INDEX}")
    conn.exec_driver_sql(f"DROP TABLE IF EXISTS {VOCAB_TABLE}")
    conn.exec_driver_sql(f"DROP TABLE IF EXISTS {FTS_TABLE}")


def _create_sqlite(conn: Connection) -> None:
    conn.exec_driver_sql(f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(doc, content='', tokenize='trigram')")
    conn.exec_driver_sql(f"CREATE VIRTUAL TABLE {VOCAB_TABLE} USING fts5vocab({FTS_TABLE}, row)")
    conn.exec_driver_sql(f"INSERT INTO {FTS_TABLE}(rowid, doc) SELECT a.id, {sqlite_doc('a')} FROM article a")
    create_sqlite_triggers(conn)


def create_sqlite_triggers(conn: Connection) -> None:
    """The triggers that keep ``article_search`` in step with ``article``, and the date
    index (idempotent).

    A contentless table forgets a row only when told the exact text it indexed, which the
    ``old`` row still has inside the trigger."""
    insert = f"INSERT INTO {FTS_TABLE}(rowid, doc) VALUES (new.id, {sqlite_doc('new')});"
    delete = f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, doc) VALUES ('delete', old.id, {sqlite_doc('old')});"
    ai, ad, au = _TRIGGERS
    conn.exec_driver_sql(f"CREATE TRIGGER IF NOT EXISTS {ai} AFTER INSERT ON article BEGIN {insert} END")
    conn.exec_driver_sql(f"CREATE TRIGGER IF NOT EXISTS {ad} AFTER DELETE ON article BEGIN {delete} END")
    conn.exec_driver_sql(f"CREATE TRIGGER IF NOT EXISTS {au} AFTER UPDATE OF title, text ON article "
                         f"BEGIN {delete} {insert} END")
    conn.exec_driver_sql(f"CREATE INDEX IF NOT EXISTS {WHEN_INDEX} ON article (coalesce(published, fetched_at))")


def restore(conn: Connection) -> None:
    """After migrations: put back what a SQLite table rebuild of ``article`` drops (triggers,
    the date index), when the search table exists; on PostgreSQL the date index. Idempotent."""
    if conn.dialect.name == "postgresql":
        if conn.exec_driver_sql(f"SELECT to_regclass('{TRGM_INDEX}')").scalar() is not None:
            conn.exec_driver_sql(_PG_WHEN.replace("CREATE INDEX", "CREATE INDEX IF NOT EXISTS"))
        return
    if conn.exec_driver_sql("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (FTS_TABLE,)).first():
        create_sqlite_triggers(conn)


def pg_trgm_schema(conn: Connection) -> str:
    """The schema holding pg_trgm, creating the extension first if the database lacks it."""
    found = conn.exec_driver_sql("SELECT n.nspname FROM pg_extension e JOIN pg_namespace n "
                                 "ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'").scalar()
    if found:
        return str(found)
    public = conn.exec_driver_sql("SELECT 1 FROM pg_namespace WHERE nspname = 'public'").scalar()
    where = "public" if public else str(conn.exec_driver_sql("SELECT current_schema()").scalar())
    # Two databases' migrations may race here: the advisory lock orders them (the migration
    # lock is per schema's migration, this one is per database).
    conn.exec_driver_sql("SELECT pg_advisory_xact_lock(hashtext('newsmon pg_trgm'))")
    conn.exec_driver_sql(f'CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA "{where}"')
    return str(conn.exec_driver_sql("SELECT n.nspname FROM pg_extension e JOIN pg_namespace n "
                                    "ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'").scalar_one())


_PG_WHEN = f"CREATE INDEX {WHEN_INDEX} ON article ((coalesce(published, fetched_at)))"


def _create_pg(conn: Connection) -> None:
    schema = pg_trgm_schema(conn)
    conn.exec_driver_sql(_PG_WHEN)
    conn.exec_driver_sql(_PG_BIGRAMS)
    conn.exec_driver_sql(f'CREATE INDEX {TRGM_INDEX} ON article USING gin (({PG_DOC}) "{schema}".gin_trgm_ops)')
    conn.exec_driver_sql(f"CREATE INDEX {BIGRAM_INDEX} ON article USING gin ({BIGRAM_FUNCTION}({PG_DOC}))")
