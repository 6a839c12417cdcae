"""translation: jobs, translation memory, glossary; variants know when a glossary edit made
them stale

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

import syndicate.storage.models


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('glossary_terms',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source_language', sa.String(length=8), nullable=False),
    sa.Column('target_language', sa.String(length=8), nullable=False),
    sa.Column('source_term', sa.String(length=200), nullable=False),
    sa.Column('target_term', sa.String(length=200), nullable=False),
    sa.Column('source_key', sa.String(length=200), nullable=False),
    sa.Column('created_at', syndicate.storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', syndicate.storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('source_language', 'target_language', 'source_key')
    )
    op.create_table('translation_memory',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('segment_hash', sa.String(length=64), nullable=False),
    sa.Column('src', sa.String(length=8), nullable=False),
    sa.Column('tgt', sa.String(length=8), nullable=False),
    sa.Column('model_id', sa.String(length=200), nullable=False),
    sa.Column('glossary_version', sa.String(length=64), nullable=False),
    sa.Column('source', sa.Text(), nullable=False),
    sa.Column('translation', sa.Text(), nullable=False),
    sa.Column('created_at', syndicate.storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('segment_hash', 'src', 'tgt', 'model_id', 'glossary_version')
    )
    op.create_table('translation_jobs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('source_revision', sa.Integer(), nullable=False),
    sa.Column('force', sa.Boolean(), nullable=False),
    sa.Column('reason', sa.String(length=32), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('progress', sa.Float(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('detail', sa.String(length=200), nullable=True),
    sa.Column('worker', sa.String(length=200), nullable=True),
    sa.Column('lease_until', syndicate.storage.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('run_after', syndicate.storage.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', syndicate.storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', syndicate.storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('started_at', syndicate.storage.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('finished_at', syndicate.storage.models.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['article_id'], ['articles.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('translation_jobs', schema=None) as batch_op:
        batch_op.create_index('ix_translation_jobs_article', ['article_id', 'language', 'status'], unique=False)
        batch_op.create_index('ix_translation_jobs_status', ['status', 'updated_at'], unique=False)

    with op.batch_alter_table('article_variants', schema=None) as batch_op:
        # server_default fills the existing rows: no translation is stale when this arrives.
        batch_op.add_column(sa.Column('glossary_stale', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('article_variants', schema=None) as batch_op:
        batch_op.drop_column('glossary_stale')

    with op.batch_alter_table('translation_jobs', schema=None) as batch_op:
        batch_op.drop_index('ix_translation_jobs_status')
        batch_op.drop_index('ix_translation_jobs_article')

    op.drop_table('translation_jobs')
    op.drop_table('translation_memory')
    op.drop_table('glossary_terms')
