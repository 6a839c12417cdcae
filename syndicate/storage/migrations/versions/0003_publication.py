"""publication: rendered documents in the database, the outbox of dirty documents, the
generation counter hosts follow, and RFC 5005 archive boundaries

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

import syndicate.storage.models


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('published_documents',
    sa.Column('path', sa.String(length=300), nullable=False),
    sa.Column('media_type', sa.String(length=100), nullable=False),
    sa.Column('body', sa.LargeBinary(), nullable=False),
    sa.Column('body_gzip', sa.LargeBinary(), nullable=False),
    sa.Column('body_br', sa.LargeBinary(), nullable=False),
    sa.Column('etag', sa.String(length=64), nullable=False),
    sa.Column('last_modified', syndicate.storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('generation', sa.BigInteger(), nullable=False),
    sa.Column('deleted', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('rendered_at', syndicate.storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('path')
    )
    op.create_index(op.f('ix_published_documents_generation'), 'published_documents', ['generation'], unique=False)
    state = op.create_table('publication_state',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('generation', sa.BigInteger(), nullable=False),
    sa.Column('updated_at', syndicate.storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.bulk_insert(state, [{'id': 1, 'generation': 0, 'updated_at': syndicate.storage.models.utcnow()}])
    op.create_table('publication_outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('target', sa.String(length=300), nullable=False),
    sa.Column('priority', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('dirtied_at', syndicate.storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('claimed_by', sa.String(length=200), nullable=True),
    sa.Column('claimed_until', syndicate.storage.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('target')
    )
    op.create_index('ix_publication_outbox_claim', 'publication_outbox', ['priority', 'id'], unique=False)
    op.create_table('feed_archives',
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('section', sa.String(length=80), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('start_published_at', syndicate.storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('start_article_id', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('language', 'section', 'number')
    )


def downgrade() -> None:
    op.drop_table('feed_archives')
    op.drop_index('ix_publication_outbox_claim', table_name='publication_outbox')
    op.drop_table('publication_outbox')
    op.drop_table('publication_state')
    op.drop_index(op.f('ix_published_documents_generation'), table_name='published_documents')
    op.drop_table('published_documents')
