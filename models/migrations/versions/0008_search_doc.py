"""PostgreSQL search: the lowercased searchable text stored in ``article.search_doc``.

A generated column (``lower(title || '\\n' || text)``, kept in step by PostgreSQL on every
insert and update) with the trigram and bigram GIN indexes over it, instead of the same
indexes over the expression: a search rechecks each trigram candidate with ``LIKE`` on the
stored text instead of lowercasing the candidate's whole text again (``models.search_index``).
Rewrites ``article`` once and builds the two indexes: 90 s for 100,000 articles (2 shared
cores), during which ``article`` is locked (the pipeline's saves and the desk wait).
SQLite: nothing (its FTS5 index does not recheck rows).

Revision ID: 0008_search_doc
Revises: 0007_prominence
Create Date: 2026-12-03
"""
from __future__ import annotations

from alembic import op

from models import search_index

revision = "0008_search_doc"
down_revision = "0007_prominence"
branch_labels = None
depends_on = None


def upgrade() -> None:
    search_index.use_doc_column(op.get_bind())


def downgrade() -> None:
    search_index.use_doc_expression(op.get_bind())
