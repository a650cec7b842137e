"""Prominence stored with each flag: ``mention.prominence`` (0-100) and ``prominence_parts``.

``watch.prominence`` scores every (article, entity) flag: is the story about the entity or
does it mention it in passing. The score and its explainable parts are now stored with the
mention, so that the inbox can sort and filter on them, ``[[alerts]]`` rules can ask for a
minimum and ``export`` carries them.

Existing rows get NULL in both columns: they were matched before prominence existed. A
flag without a score makes its article stale for ``newsmon backfill --source stored``,
which re-matches the stored title and text and fills them in. An index on
(entity_id, prominence) serves the inbox's ``min_prominence`` filter for one entity.

Revision ID: 0007_prominence
Revises: 0006_search
Create Date: 2026-12-03
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0007_prominence"
down_revision = "0006_search"
branch_labels = None
depends_on = None

JSON_T = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("mention", schema=None) as batch_op:
        batch_op.add_column(sa.Column("prominence", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("prominence_parts", JSON_T, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("mention", schema=None) as batch_op:
        batch_op.drop_column("prominence_parts")
        batch_op.drop_column("prominence")
