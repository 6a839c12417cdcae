"""Tables. Changed only through Alembic migrations (``syndicate/storage/migrations``)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.sql import false


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
        # Which articles use a media library image (usage counts, refusing a delete).
        Index("ix_articles_image_url", "image_url"),
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
    # A note readers see in the item and on the page ("An earlier version said…").
    correction: Mapped[str] = mapped_column(Text, default="", server_default="")
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
    # A glossary change touched the source text of this machine translation after it was made;
    # the next machine translation clears it. A flag, not a comparison, so reading an article
    # never has to match the glossary against its text.
    glossary_stale: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    article: Mapped[Article] = relationship(back_populates="variants")

    @property
    def behind(self) -> bool:
        """The original changed after this text was made (an editor's translation too), or a
        glossary edit touched its source. ``storage.articles`` has the same test in SQL."""
        return self.source_revision < self.article.revision or self.glossary_stale


class ArticleRevision(Base):
    """A saved revision of an article's original (``language`` = the article's) or of an
    editor's translation: the content as it was, who saved it and which fields changed. The
    history is append-only; a restore is a new revision with old content."""

    __tablename__ = "article_revisions"
    __table_args__ = (UniqueConstraint("article_id", "language", "revision"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(String(8))
    # The article's revision for the original; 1, 2, … per language for translations.
    revision: Mapped[int] = mapped_column(Integer)
    editor: Mapped[str] = mapped_column(String(200), default="")  # the token's label
    fields_changed: Mapped[list] = mapped_column(JSON, default=list)
    content: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


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
    # Bumped when the desk signs out: every desk session cookie of this token made before is
    # void (a cookie copied before sign-out must not keep working).
    desk_generation: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class TranslationJob(Base):
    """One translation of an article into one language. The row, not the queue message, is the
    truth: status, attempts and the last error live here, and a message only says "look at job
    N" (``syndicate.translation.jobs``)."""

    __tablename__ = "translation_jobs"
    __table_args__ = (
        Index("ix_translation_jobs_article", "article_id", "language", "status"),
        # The recovery sweep: running jobs whose lease ran out, queued jobs whose message is lost.
        Index("ix_translation_jobs_status", "status", "updated_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(String(8))  # the target language
    source_revision: Mapped[int] = mapped_column(Integer)  # the article revision to translate
    force: Mapped[bool] = mapped_column(Boolean, default=False)  # may replace an editor's text
    reason: Mapped[str] = mapped_column(String(32), default="refresh")
    status: Mapped[str] = mapped_column(String(16), default="queued")
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)  # the last error, kept after a retry succeeds
    detail: Mapped[str | None] = mapped_column(String(200))  # what a finished job did
    worker: Mapped[str | None] = mapped_column(String(200))  # host:pid:boot of the runner
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    run_after: Mapped[datetime | None] = mapped_column(UTCDateTime)  # retry backoff
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    article: Mapped[Article] = relationship()


class TranslationMemoryEntry(Base):
    """A translated segment, reusable exactly when the whole key matches: the normalised
    segment, the direction, the model and version, and the version of the glossary terms that
    occur in the segment. A model upgrade or a glossary edit thus misses only what it affects."""

    __tablename__ = "translation_memory"
    __table_args__ = (
        UniqueConstraint("segment_hash", "src", "tgt", "model_id", "glossary_version"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    segment_hash: Mapped[str] = mapped_column(String(64))  # SHA-256 of the normalised segment
    src: Mapped[str] = mapped_column(String(8))
    tgt: Mapped[str] = mapped_column(String(8))
    model_id: Mapped[str] = mapped_column(String(200))
    glossary_version: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(Text)
    translation: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class GlossaryTerm(Base):
    """A term editors fixed for one direction: ``Hongqiao`` is always ``虹桥``. A target equal
    to the source keeps the term as it is (brand names)."""

    __tablename__ = "glossary_terms"
    __table_args__ = (UniqueConstraint("source_language", "target_language", "source_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_language: Mapped[str] = mapped_column(String(8))
    target_language: Mapped[str] = mapped_column(String(8))
    source_term: Mapped[str] = mapped_column(String(200))
    target_term: Mapped[str] = mapped_column(String(200))
    # Terms match case-insensitively with any white space: one term per casefolded form.
    source_key: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PublishedDocument(Base):
    """A rendered document of the publication (a feed page in one format, the OPML): the truth
    every host's folder is brought in step with. ``generation`` orders changes, so a host asks
    for what changed since the generation it applied; a removed document stays as a tombstone
    (``deleted``) so hosts remove their copy too."""

    __tablename__ = "published_documents"

    path: Mapped[str] = mapped_column(String(300), primary_key=True)
    media_type: Mapped[str] = mapped_column(String(100))
    body: Mapped[bytes] = mapped_column(LargeBinary)
    body_gzip: Mapped[bytes] = mapped_column(LargeBinary)
    body_br: Mapped[bytes] = mapped_column(LargeBinary)
    etag: Mapped[str] = mapped_column(String(64))  # content hash of ``body``
    # The newest change the document shows (not when it was rendered): the same on every host.
    last_modified: Mapped[datetime] = mapped_column(UTCDateTime)
    generation: Mapped[int] = mapped_column(BigInteger, index=True)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    rendered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PublicationState(Base):
    """One row: the newest generation of the publication. Bumped under its row lock in the
    transaction that stores documents, so generations become visible in order."""

    __tablename__ = "publication_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    generation: Mapped[int] = mapped_column(BigInteger, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class OutboxEntry(Base):
    """A document (or a set of them) a committed change made dirty: written in the change's own
    transaction, removed by the publisher once the document is stored. One row per target:
    a burst of edits bumps ``version`` instead of queueing renders."""

    __tablename__ = "publication_outbox"
    __table_args__ = (Index("ix_publication_outbox_claim", "priority", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    target: Mapped[str] = mapped_column(String(300), unique=True)
    priority: Mapped[int] = mapped_column(Integer, default=0)  # 0: what subscribers poll
    version: Mapped[int] = mapped_column(Integer, default=1)
    dirtied_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_by: Mapped[str | None] = mapped_column(String(200))
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)


class FeedArchive(Base):
    """Where RFC 5005 archive page ``number`` of a feed starts, as the (published_at, article id)
    of its oldest article. Pages are cut once and never moved, so an edit, a new article or an
    unpublished one changes one archive page at most; the newest page is open until full."""

    __tablename__ = "feed_archives"

    language: Mapped[str] = mapped_column(String(8), primary_key=True)
    section: Mapped[str] = mapped_column(String(80), primary_key=True)
    number: Mapped[int] = mapped_column(Integer, primary_key=True)
    start_published_at: Mapped[datetime] = mapped_column(UTCDateTime)
    start_article_id: Mapped[int] = mapped_column(Integer)


class WorkerProcess(Base):
    """A process that runs jobs and operations, known by a token made when it starts. It renews
    ``seen_at`` while it lives: a job whose worker's row is gone or silent is taken back, and
    never because another process (another container, another PID namespace) happens to share
    the host name and pid."""

    __tablename__ = "worker_processes"

    token: Mapped[str] = mapped_column(String(200), primary_key=True)  # host:pid:random
    host: Mapped[str] = mapped_column(String(255))
    pid: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Operation(Base):
    """A long change run in the background (``syndicate.operations``): the API answers 202 with
    it, the worker runs it in batches and records its progress here."""

    __tablename__ = "operations"
    __table_args__ = (Index("ix_operations_status", "status", "updated_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(64))
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(16), default="queued")
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    total: Mapped[int | None] = mapped_column(Integer)  # units of work, once known
    done: Mapped[int] = mapped_column(Integer, default=0)  # units finished
    detail: Mapped[str | None] = mapped_column(String(500))
    error: Mapped[str | None] = mapped_column(Text)
    result: Mapped[dict | None] = mapped_column(JSON)  # what a finished run reports
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    worker: Mapped[str | None] = mapped_column(String(200))  # token of the running process
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Media(Base):
    """An image of the media library. Its files (the cleaned main file and the renditions) are
    named after ``key``, the content hash of the main file, so a URL never changes meaning."""

    __tablename__ = "media"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    url: Mapped[str] = mapped_column(String(200), unique=True)  # root-relative /media/...
    type: Mapped[str] = mapped_column(String(40))
    bytes: Mapped[int] = mapped_column(Integer)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    alt: Mapped[str] = mapped_column(Text, default="")
    caption: Mapped[str] = mapped_column(Text, default="")
    filename: Mapped[str] = mapped_column(String(255), default="")  # as uploaded, for editors
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    files: Mapped[list[MediaFile]] = relationship(
        back_populates="media",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="MediaFile.id",
    )


class MediaFile(Base):
    """One file of an image (``role`` main or rendition). The bytes live in the database so
    every web host can serve every image; hosts write them through to a local folder."""

    __tablename__ = "media_files"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    media_id: Mapped[int] = mapped_column(ForeignKey("media.id", ondelete="CASCADE"), index=True)
    path: Mapped[str] = mapped_column(String(200), unique=True)  # <key>/<name>, under /media/
    role: Mapped[str] = mapped_column(String(16))  # main | rendition
    type: Mapped[str] = mapped_column(String(40))
    bytes: Mapped[int] = mapped_column(Integer)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)

    media: Mapped[Media] = relationship(back_populates="files")


class IdempotencyKey(Base):
    """The answer to a create sent with ``Idempotency-Key``: the same key and body again within
    the retention period get this answer again instead of a second article. Stored in the
    create's own transaction, so an answer exists exactly when the article does."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (
        UniqueConstraint("token_id", "key"),
        Index("ix_idempotency_keys_created", "created_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_id: Mapped[int] = mapped_column(ForeignKey("api_tokens.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(200))
    fingerprint: Mapped[str] = mapped_column(String(64))  # SHA-256 of the canonical JSON body
    status: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text)
    headers: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ArticleTombstone(Base):
    """A deleted article's public id: its pages answer 410 Gone (not 404), so search engines
    and partners drop the URL instead of retrying it."""

    __tablename__ = "article_tombstones"

    public_id: Mapped[str] = mapped_column(String(120), primary_key=True)
    deleted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class WebSubDelivery(Base):
    """The last ping of one feed (topic) to one hub: ``queued`` until a job sends it, then
    ``ok`` or, after every retry failed, ``failed`` (shown by /healthz and the desk). One row
    per pair, so changes made while a ping waits are coalesced into it."""

    __tablename__ = "websub_deliveries"
    __table_args__ = (
        UniqueConstraint("hub_url", "topic_url"),
        Index("ix_websub_deliveries_status", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Short enough that the unique index stays under PostgreSQL's btree row limit.
    hub_url: Mapped[str] = mapped_column(String(500))
    topic_url: Mapped[str] = mapped_column(String(1000))
    status: Mapped[str] = mapped_column(String(16), default="queued")  # queued|sending|ok|failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)  # the last failure, kept after a success
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
