"""Baseline: the schema of newsmon 0.1.0, exactly as its ``SQLModel.metadata.create_all`` made it.

A 0.1.0 database has these tables and no version table; ``newsmon db upgrade`` stamps it
with this revision and applies the later ones. Column types are spelled out here (not
imported from ``models.tables``) so that this revision never changes when the models do.

Revision ID: 0001_baseline
Revises:
Create Date: 2026-12-02
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0001_baseline"
down_revision = None
branch_labels = None
depends_on = None

# timestamptz on PostgreSQL, naive UTC text on SQLite (models.tables.UTCDateTime's storage).
UTC_DT = sa.DateTime(timezone=True)
# JSON on SQLite, JSONB on PostgreSQL (models.tables.JSONType).
JSON_T = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table('article',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('url_hash', sa.Text(), nullable=False),
    sa.Column('url', sa.Text(), nullable=False),
    sa.Column('original_url', sa.Text(), nullable=True),
    sa.Column('final_url', sa.Text(), nullable=True),
    sa.Column('feed', sa.Text(), nullable=True),
    sa.Column('title', sa.Text(), nullable=True),
    sa.Column('text', sa.Text(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('published', UTC_DT, nullable=True),
    sa.Column('published_raw', sa.Text(), nullable=True),
    sa.Column('published_source', sa.Text(), nullable=True),
    sa.Column('modified', UTC_DT, nullable=True),
    sa.Column('authors', JSON_T, nullable=False),
    sa.Column('language', sa.Text(), nullable=True),
    sa.Column('raw_html', sa.LargeBinary(), nullable=True),
    sa.Column('raw_size', sa.BigInteger(), nullable=True),
    sa.Column('raw_encoding', sa.Text(), nullable=True),
    sa.Column('http_status', sa.Integer(), nullable=True),
    sa.Column('notes', JSON_T, nullable=False),
    sa.Column('meta', JSON_T, nullable=False),
    sa.Column('fetched_at', UTC_DT, nullable=True),
    sa.Column('extracted_at', UTC_DT, nullable=True),
    sa.Column('extractor_version', sa.Text(), nullable=True),
    sa.Column('watchlist_digest', sa.Text(), nullable=True),
    sa.Column('entities', JSON_T, nullable=False),
    sa.Column('flow_run_id', sa.Text(), nullable=True),
    sa.Column('cluster_id', sa.BigInteger(), nullable=True),
    sa.Column('review_state', sa.String(length=16), server_default='new', nullable=False),
    sa.Column('review_note', sa.Text(), nullable=True),
    sa.Column('reviewed_by', sa.Text(), nullable=True),
    sa.Column('reviewed_at', UTC_DT, nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('url_hash')
    )
    with op.batch_alter_table('article', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_article_cluster_id'), ['cluster_id'], unique=False)
        batch_op.create_index('ix_article_feed_published', ['feed', 'published'], unique=False)
        batch_op.create_index(batch_op.f('ix_article_fetched_at'), ['fetched_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_article_published'), ['published'], unique=False)
        batch_op.create_index(batch_op.f('ix_article_review_state'), ['review_state'], unique=False)

    op.create_table('cycle',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('flow_run_id', sa.Text(), nullable=True),
    sa.Column('kind', sa.Text(), nullable=False),
    sa.Column('started_at', UTC_DT, nullable=False),
    sa.Column('finished_at', UTC_DT, nullable=True),
    sa.Column('summary', JSON_T, nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('cycle', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cycle_flow_run_id'), ['flow_run_id'], unique=False)

    op.create_table('feed',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('url', sa.Text(), nullable=False),
    sa.Column('etag', sa.Text(), nullable=True),
    sa.Column('last_modified', sa.Text(), nullable=True),
    sa.Column('last_polled_at', UTC_DT, nullable=True),
    sa.Column('last_success_at', UTC_DT, nullable=True),
    sa.Column('last_status', sa.Text(), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('last_http_status', sa.Integer(), nullable=True),
    sa.Column('consecutive_failures', sa.Integer(), server_default='0', nullable=False),
    sa.Column('next_poll_at', UTC_DT, nullable=True),
    sa.Column('entries_seen', sa.Integer(), server_default='0', nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('name')
    )
    op.create_table('fetch_outcome',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('url', sa.Text(), nullable=False),
    sa.Column('url_hash', sa.Text(), nullable=False),
    sa.Column('feed', sa.Text(), nullable=True),
    sa.Column('kind', sa.Text(), nullable=False),
    sa.Column('outcome', sa.String(length=16), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('http_status', sa.Integer(), nullable=True),
    sa.Column('at', UTC_DT, nullable=False),
    sa.Column('flow_run_id', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('fetch_outcome', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fetch_outcome_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_fetch_outcome_flow_run_id'), ['flow_run_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_fetch_outcome_url_hash'), ['url_hash'], unique=False)

    op.create_table('robots_txt',
    sa.Column('origin', sa.Text(), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('fetched_at', UTC_DT, nullable=False),
    sa.PrimaryKeyConstraint('origin')
    )
    op.create_table('alert_sent',
    sa.Column('rule', sa.Text(), nullable=False),
    sa.Column('cluster_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.Text(), nullable=False),
    sa.Column('attempts', sa.Integer(), server_default='0', nullable=False),
    sa.Column('claimed_at', UTC_DT, nullable=False),
    sa.Column('sent_at', UTC_DT, nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['article_id'], ['article.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('rule', 'cluster_id')
    )
    op.create_table('article_url',
    sa.Column('url_hash', sa.Text(), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('url', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['article.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('url_hash')
    )
    with op.batch_alter_table('article_url', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_article_url_article_id'), ['article_id'], unique=False)

    op.create_table('cluster_band',
    sa.Column('band', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('article_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['article.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('band', 'article_id')
    )
    with op.batch_alter_table('cluster_band', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cluster_band_article_id'), ['article_id'], unique=False)

    op.create_table('cluster_signature',
    sa.Column('article_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('at', UTC_DT, nullable=False),
    sa.Column('cluster_id', sa.BigInteger(), nullable=False),
    sa.Column('n_shingles', sa.Integer(), nullable=False),
    sa.Column('signature', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['article.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('article_id')
    )
    with op.batch_alter_table('cluster_signature', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cluster_signature_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_cluster_signature_cluster_id'), ['cluster_id'], unique=False)

    op.create_table('mention',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('entity_id', sa.Text(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('in_title', sa.Boolean(), nullable=False),
    sa.Column('snippet', sa.Text(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('details', JSON_T, nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['article.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('article_id', 'entity_id', name='uq_mention_article_entity')
    )
    with op.batch_alter_table('mention', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mention_entity_id'), ['entity_id'], unique=False)

    op.create_table('review_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('from_state', sa.String(length=16), nullable=True),
    sa.Column('to_state', sa.String(length=16), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('reviewer', sa.Text(), nullable=True),
    sa.Column('at', UTC_DT, nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['article.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('review_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_event_article_id'), ['article_id'], unique=False)


def downgrade() -> None:
    op.drop_table('review_event')
    op.drop_table('mention')
    op.drop_table('cluster_signature')
    op.drop_table('cluster_band')
    op.drop_table('article_url')
    op.drop_table('alert_sent')
    op.drop_table('robots_txt')
    op.drop_table('fetch_outcome')
    op.drop_table('feed')
    op.drop_table('cycle')
    op.drop_table('article')
