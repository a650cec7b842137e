"""Prefect events: once-only state of newsmon.story.flagged and newsmon.feed.failing.

* ``article.flagged_event_at``: when newsmon.story.flagged was emitted for the article.
  Flagged articles already stored get their fetch time (or now, if unknown): they were
  new before events existed, and an upgrade must not replay them as new stories.
* ``feed.failing_event_at``: when newsmon.feed.failing was emitted for the feed's current
  run of failures. NULL for every feed: a feed already failing is announced by its next
  failed poll.

Revision ID: 0004_events
Revises: 0003_accounts
Create Date: 2026-12-03
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_events"
down_revision = "0003_accounts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN of a nullable column: no table copy needed on SQLite either.
    op.add_column("article", sa.Column("flagged_event_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("feed", sa.Column("failing_event_at", sa.DateTime(timezone=True), nullable=True))
    # Articles with a flag are "announced" as of their fetch (SQLite stores naive UTC text,
    # PostgreSQL timestamptz: the same expression keeps each backend's own representation).
    op.execute(
        "UPDATE article SET flagged_event_at = COALESCE(fetched_at, CURRENT_TIMESTAMP) "
        "WHERE EXISTS (SELECT 1 FROM mention WHERE mention.article_id = article.id)"
    )


def downgrade() -> None:
    with op.batch_alter_table("feed") as batch:
        batch.drop_column("failing_event_at")
    with op.batch_alter_table("article") as batch:
        batch.drop_column("flagged_event_at")
