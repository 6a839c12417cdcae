"""pages: tombstones of deleted articles, WebSub delivery state

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

import syndicate.storage.models


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('article_tombstones',
    sa.Column('public_id', sa.String(length=120), nullable=False),
    sa.Column('deleted_at', syndicate.storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('public_id')
    )
    op.create_table('websub_deliveries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('hub_url', sa.String(length=500), nullable=False),
    sa.Column('topic_url', sa.String(length=1000), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('requested_at', syndicate.storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('delivered_at', syndicate.storage.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('updated_at', syndicate.storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('hub_url', 'topic_url')
    )
    with op.batch_alter_table('websub_deliveries', schema=None) as batch_op:
        batch_op.create_index('ix_websub_deliveries_status', ['status'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('websub_deliveries', schema=None) as batch_op:
        batch_op.drop_index('ix_websub_deliveries_status')

    op.drop_table('websub_deliveries')
    op.drop_table('article_tombstones')
