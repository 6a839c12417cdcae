"""Tables. Changed only through Alembic migrations (``syndicate/storage/migrations``)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class UTCDateTime(TypeDecorator):
    """Timezone-aware in Python, UTC in the database, on SQLite (which has no time zones) too."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database; use an aware one")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    pass


class Section(Base):
    __tablename__ = "sections"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("sections.id", ondelete="RESTRICT"), index=True
    )
    name_en: Mapped[str] = mapped_column(String(200))
    name_zh: Mapped[str] = mapped_column(String(200))
    description_en: Mapped[str] = mapped_column(Text, default="")
    description_zh: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    parent: Mapped[Section | None] = relationship(remote_side=[id], lazy="joined")


class Article(Base):
    __tablename__ = "articles"
    __table_args__ = (
        # Feed queries: newest published first within a section, O(page size).
        Index("ix_articles_feed", "status", "section_id", "published_at", "id"),
        Index("ix_articles_all_feed", "status", "published_at", "id"),
        Index("ix_articles_modified", "modified_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    public_id: Mapped[str] = mapped_column(String(120), unique=True)
    section_id: Mapped[int] = mapped_column(ForeignKey("sections.id", ondelete="RESTRICT"))
    language: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(16), default="draft")
    author: Mapped[str] = mapped_column(String(200), default="")
    source: Mapped[str] = mapped_column(String(200), default="")
    image_url: Mapped[str | None] = mapped_column(String(2000))
    tags: Mapped[list] = mapped_column(JSON, default=list)
    canonical_url: Mapped[str | None] = mapped_column(String(2000))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the content last really changed (shown to readers, <updated> in feeds).
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # When the row last changed at all (API "updated since" and caches).
    modified_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revision: Mapped[int] = mapped_column(Integer, default=1)

    section: Mapped[Section] = relationship(lazy="joined")
    # Optimistic concurrency: every UPDATE says "WHERE revision = <the one we read>", so two
    # editors racing cannot silently overwrite each other. Services bump it on content edits.
    __mapper_args__ = {"version_id_col": revision, "version_id_generator": False}  # noqa: RUF012

    variants: Mapped[list[ArticleVariant]] = relationship(
        back_populates="article",
        cascade="all, delete-orphan",
        lazy="selectin",
        order_by="ArticleVariant.language",
    )

    def variant(self, language: str) -> ArticleVariant | None:
        return next((v for v in self.variants if v.language == language), None)

    @property
    def original(self) -> ArticleVariant:
        variant = self.variant(self.language)
        assert variant is not None, "every article has a variant in its own language"
        return variant


class ArticleVariant(Base):
    """An article in one language: the original (origin ``source``) or a translation."""

    __tablename__ = "article_variants"
    __table_args__ = (UniqueConstraint("article_id", "language"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(String(8))
    title: Mapped[str] = mapped_column(Text, default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text, default="")
    image_caption: Mapped[str] = mapped_column(Text, default="")
    image_alt: Mapped[str] = mapped_column(Text, default="")
    origin: Mapped[str] = mapped_column(String(16))  # source | machine | editor
    source_revision: Mapped[int] = mapped_column(Integer)
    engine: Mapped[str | None] = mapped_column(String(200))  # model id and version
    status: Mapped[str] = mapped_column(String(16), default="ready")  # ready | failed
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    article: Mapped[Article] = relationship(back_populates="variants")


class ApiToken(Base):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    label: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    # SHA-256 of the token: a leaked database does not leak usable tokens.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
