"""Full-text search over article title + body (``models.search_index``).

SQLite: the contentless FTS5 ``article_search`` table (trigram tokenizer), its
``article_search_vocab`` table and the triggers that keep it in step with ``article``.
PostgreSQL: ``pg_trgm`` (created if missing), the function ``newsmon_bigrams`` and two
GIN expression indexes on ``article``. Existing articles are indexed by the migration
(SQLite: one INSERT ... SELECT; PostgreSQL: building the indexes).

Revision ID: 0006_search
Revises: 0005_retention
Create Date: 2026-12-03
"""
from __future__ import annotations

from alembic import op

from models import search_index

revision = "0006_search"
down_revision = "0005_retention"
branch_labels = None
depends_on = None


def upgrade() -> None:
    search_index.create(op.get_bind())


def downgrade() -> None:
    search_index.drop(op.get_bind())
