"""operations: background changes with progress; worker processes' heartbeats

Revision ID: 0009
Revises: 0007
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

import syndicate.storage.models


revision = '0009'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('worker_processes',
    sa.Column('token', sa.String(length=200), nullable=False),
    sa.Column('host', sa.String(length=255), nullable=False),
    sa.Column('pid', sa.Integer(), nullable=False),
    sa.Column('started_at', syndicate.storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('seen_at', syndicate.storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('token')
    )
    op.create_table('operations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=64), nullable=False),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('progress', sa.Float(), nullable=False),
    sa.Column('total', sa.Integer(), nullable=True),
    sa.Column('done', sa.Integer(), nullable=False),
    sa.Column('detail', sa.String(length=500), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('result', sa.JSON(), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('worker', sa.String(length=200), nullable=True),
    sa.Column('created_at', syndicate.storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', syndicate.storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('started_at', syndicate.storage.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('finished_at', syndicate.storage.models.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('operations', schema=None) as batch_op:
        batch_op.create_index('ix_operations_status', ['status', 'updated_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('operations', schema=None) as batch_op:
        batch_op.drop_index('ix_operations_status')

    op.drop_table('operations')
    op.drop_table('worker_processes')
