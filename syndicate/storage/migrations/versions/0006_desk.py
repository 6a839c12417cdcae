"""desk: revision history, correction notes, the full-text search index

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

import syndicate.storage.models


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('article_revisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('editor', sa.String(length=200), nullable=False),
    sa.Column('fields_changed', sa.JSON(), nullable=False),
    sa.Column('content', sa.JSON(), nullable=False),
    sa.Column('created_at', syndicate.storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['articles.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('article_id', 'language', 'revision')
    )
    with op.batch_alter_table('articles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('correction', sa.Text(), server_default='', nullable=False))

    from syndicate.languages import CODES
    from syndicate.storage import search

    # The search index is engine-specific and not a model (see syndicate/storage/search.py).
    if op.get_bind().dialect.name == 'sqlite':
        op.execute(
            "CREATE VIRTUAL TABLE article_search USING fts5("
            "title, body, language UNINDEXED, "
            "tokenize = 'unicode61 remove_diacritics 2')"
        )
        # Rows deleted by SQL (an article's cascade) leave the index with them. The rowid is
        # article id * 8 + the language's slot (search.sqlite_rowid).
        slots = " ".join(
            f"WHEN '{code}' THEN {search.language_slot(code)}" for code in CODES
        )
        op.execute(
            "CREATE TRIGGER article_search_delete AFTER DELETE ON article_variants BEGIN "
            f"DELETE FROM article_search WHERE rowid = old.article_id * {search.LANGUAGE_SLOTS} "
            f"+ (CASE old.language {slots} ELSE {search.LANGUAGE_SLOTS - 1} END); END"
        )
    else:
        op.create_table('article_search',
        sa.Column('variant_id', sa.Integer(), nullable=False),
        sa.Column('article_id', sa.Integer(), nullable=False),
        sa.Column('language', sa.String(length=8), nullable=False),
        sa.Column('terms', sa.dialects.postgresql.TSVECTOR(), nullable=False),
        sa.ForeignKeyConstraint(['variant_id'], ['article_variants.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['article_id'], ['articles.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('variant_id')
        )
        op.create_index('ix_article_search_terms', 'article_search', ['terms'], postgresql_using='gin')
        op.create_index('ix_article_search_article', 'article_search', ['article_id'])

    search.rebuild(op.get_bind())


def downgrade() -> None:
    if op.get_bind().dialect.name == 'sqlite':
        op.execute("DROP TRIGGER IF EXISTS article_search_delete")
        op.execute("DROP TABLE IF EXISTS article_search")
    else:
        op.drop_table('article_search')
    with op.batch_alter_table('articles', schema=None) as batch_op:
        batch_op.drop_column('correction')
    op.drop_table('article_revisions')
