"""Retention: when a kept page was dropped, tombstones of deleted articles, an index for
deleting articles referenced by alert claims.

* ``article.raw_dropped_at``: set by ``newsmon prune`` when ``[retention] raw_days`` drops
  an article's kept page. Existing rows get NULL: nothing has been dropped before.
* ``article_tombstone``: the URL hashes of articles deleted by retention (empty at first).
* ``ix_alert_sent_article_id``: deleting an article sets ``alert_sent.article_id`` NULL;
  without the index each deleted article scans the table.

SQLite space: an existing database is switched to ``auto_vacuum = INCREMENTAL`` (so that
prune can give freed pages back to the file system) by ``newsmon db upgrade`` right after
this migration commits (``models.space.switch_to_incremental``): the switch needs a VACUUM,
which cannot run inside the migration's transaction.

Revision ID: 0005_retention
Revises: 0004_events
Create Date: 2026-12-03
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_retention"
down_revision = "0004_events"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("article", schema=None) as batch_op:
        batch_op.add_column(sa.Column("raw_dropped_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "article_tombstone",
        sa.Column("url_hash", sa.Text(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("url_hash"),
    )
    with op.batch_alter_table("alert_sent", schema=None) as batch_op:
        batch_op.create_index("ix_alert_sent_article_id", ["article_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("alert_sent", schema=None) as batch_op:
        batch_op.drop_index("ix_alert_sent_article_id")
    op.drop_table("article_tombstone")
    with op.batch_alter_table("article", schema=None) as batch_op:
        batch_op.drop_column("raw_dropped_at")
