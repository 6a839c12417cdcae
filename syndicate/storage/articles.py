"""Queries of the article aggregate (articles and their per-language variants)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, literal, or_, select, tuple_
from sqlalchemy.orm import Session, selectinload

from syndicate.languages import CODES
from syndicate.storage import search
from syndicate.storage.models import Article, ArticleVariant, Section, UTCDateTime

#: Translation states ``ArticleFilter.translation`` can select (the desk's filter).
TRANSLATION_STATES = ("stale", "failed", "missing")


@dataclass(frozen=True, slots=True)
class ArticleFilter:
    section: str | None = None
    language: str | None = None
    status: str | None = None
    updated_since: datetime | None = None
    #: One of TRANSLATION_STATES: articles with a translation in that state.
    translation: str | None = None
    #: Full-text search over every language (``storage.search``); ranked, best first.
    query: str | None = None


#: Orders ``list_page`` knows: name → (column, descending). The default is the newest change.
SORTS = ("modified", "title", "status", "published", "section")


def _translation_condition(state: str):
    def translated(*conditions):
        return (
            select(ArticleVariant.id)
            .where(
                ArticleVariant.article_id == Article.id,
                ArticleVariant.language != Article.language,
                *conditions,
            )
            .exists()
        )

    if state == "failed":
        return translated(ArticleVariant.status == "failed")
    if state == "stale":
        behind = or_(
            ArticleVariant.source_revision < Article.revision, ArticleVariant.glossary_stale
        )
        return translated(ArticleVariant.status == "ready", behind)
    if state == "missing":
        return or_(
            *(
                and_(Article.language != code, ~translated(ArticleVariant.language == code))
                for code in CODES
            )
        )
    raise ValueError(f"translation state must be one of {', '.join(TRANSLATION_STATES)}")


def get(session: Session, public_id: str) -> Article | None:
    return session.scalar(select(Article).where(Article.public_id == public_id))


def exists(session: Session, public_id: str) -> bool:
    return session.scalar(select(Article.id).where(Article.public_id == public_id)) is not None


def _order(sort: str | None, descending: bool):
    column = {
        "title": select(ArticleVariant.title)
        .where(ArticleVariant.article_id == Article.id, ArticleVariant.language == Article.language)
        .scalar_subquery(),
        "status": Article.status,
        "published": Article.published_at,
        "section": Article.section_id,
    }.get(sort or "", Article.modified_at)
    if descending:
        return (column.desc(), Article.id.desc())
    return (column.asc(), Article.id.asc())


def list_page(
    session: Session,
    filters: ArticleFilter,
    *,
    limit: int,
    offset: int,
    sort: str | None = None,
    descending: bool = True,
) -> tuple[list[Article], int]:
    """Newest change first (or by ``sort``; a search: best match first), with the total."""
    query = select(Article)
    ranked: dict[int, float] = {}
    if filters.query:
        ranked = search.ranks(session, filters.query)
        if not ranked:
            return [], 0  # no match, or nothing searchable in the query (punctuation only)
        query = query.where(Article.id.in_(list(ranked)))
    narrowed = any(
        (filters.section, filters.language, filters.status, filters.updated_since,
         filters.translation)
    )  # fmt: skip
    if filters.section:
        query = query.join(Section, Article.section_id == Section.id).where(
            Section.slug == filters.section
        )
    if filters.language:
        query = query.where(Article.language == filters.language)
    if filters.status:
        query = query.where(Article.status == filters.status)
    if filters.updated_since:
        query = query.where(Article.modified_at >= filters.updated_since)
    if filters.translation:
        query = query.where(_translation_condition(filters.translation))
    if ranked and sort is None:
        # Best match first: the matching ids that pass the filters, ordered here by rank.
        # (The index holds only existing articles: without other filters, no query needed.)
        ids = list(session.scalars(query.with_only_columns(Article.id))) if narrowed else [*ranked]
        ids.sort(key=lambda i: (ranked[i], -i))
        page = ids[offset : offset + limit]
        found = {a.id: a for a in session.scalars(select(Article).where(Article.id.in_(page)))}
        return [found[i] for i in page if i in found], len(ids)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(*_order(sort, descending)).limit(limit).offset(offset))
    return list(rows), total


def due(session: Session, now: datetime, limit: int = 100) -> list[int]:
    """Ids of scheduled articles whose time has come, oldest first."""
    query = (
        select(Article.id)
        .where(Article.status == "scheduled", Article.published_at <= now)
        .order_by(Article.published_at, Article.id)
        .limit(limit)
    )
    return list(session.scalars(query))


def add(session: Session, article: Article) -> Article:
    session.add(article)
    session.flush()
    return article


def delete(session: Session, article: Article) -> None:
    session.delete(article)
    session.flush()


def set_variant(session: Session, article: Article, language: str, **fields) -> ArticleVariant:
    """Create or replace the article's variant in ``language``."""
    variant = article.variant(language)
    if variant is None:
        variant = ArticleVariant(language=language, **fields)
        article.variants.append(variant)
    else:
        for name, value in fields.items():
            setattr(variant, name, value)
    session.flush()
    return variant


def _feed_query(section_ids: Sequence[int] | None, language: str, include_untranslated: bool):
    query = select(Article).where(Article.status == "published")
    if section_ids is not None:
        query = query.where(Article.section_id.in_(section_ids))
    if not include_untranslated:
        # Filtered in SQL, so a page is LIMIT rows whatever the share of untranslated articles.
        # The original is a variant too, so one EXISTS covers "written in it or translated into
        # it": PostgreSQL plans `language = :l OR EXISTS (...)` as a scan of every variant.
        readable = (
            select(ArticleVariant.id)
            .where(
                ArticleVariant.article_id == Article.id,
                ArticleVariant.language == language,
                or_(ArticleVariant.origin == "source", ArticleVariant.status == "ready"),
            )
            .exists()
        )
        query = query.where(readable)
    return query


def feed_page(
    session: Session,
    section_ids: Sequence[int] | None,
    language: str,
    *,
    include_untranslated: bool,
    limit: int,
    offset: int = 0,
) -> list[Article]:
    """Published articles of these sections (``None``: all) that a feed in ``language`` shows,
    newest first: written in that language or with a ready translation into it, or every one
    when ``include_untranslated``. Variants come selectin-loaded (one query for the page)."""
    query = _feed_query(section_ids, language, include_untranslated)
    query = query.order_by(Article.published_at.desc(), Article.id.desc())
    return list(session.scalars(query.limit(limit).offset(offset)))


def feed_count(
    session: Session,
    section_ids: Sequence[int] | None,
    language: str,
    *,
    include_untranslated: bool,
    limit: int | None = None,
) -> int:
    """How many articles ``feed_page`` pages through (same arguments), counting at most
    ``limit``: an exact count of a 100,000-article feed reads all of them, a capped one stays
    O(page size)."""
    query = _feed_query(section_ids, language, include_untranslated).with_only_columns(Article.id)
    if limit is not None:
        query = query.limit(limit)
    count = select(func.count()).select_from(query.subquery())
    return session.scalar(count) or 0


def get_published(session: Session, public_id: str) -> Article | None:
    """The article if it is published (what public pages may show), else ``None``."""
    return session.scalar(
        select(Article).where(Article.public_id == public_id, Article.status == "published")
    )


#: An article's place in a feed: ``(published_at, id)``, the order feeds are sorted by.
FeedPosition = tuple[datetime, int]


def _from(query, start: FeedPosition | None, end: FeedPosition | None):
    key = tuple_(Article.published_at, Article.id)
    if start is not None:
        query = query.where(key >= tuple_(literal(start[0], UTCDateTime()), start[1]))
    if end is not None:
        query = query.where(key < tuple_(literal(end[0], UTCDateTime()), end[1]))
    return query


def feed_positions(
    session: Session,
    section_ids: Sequence[int] | None,
    language: str,
    *,
    include_untranslated: bool,
    start: FeedPosition | None = None,
    limit: int | None = None,
) -> list[FeedPosition]:
    """Positions of what ``feed_page`` shows, oldest first, from ``start`` on (archive cuts)."""
    query = _feed_query(section_ids, language, include_untranslated).with_only_columns(
        Article.published_at, Article.id
    )
    query = _from(query, start, None).order_by(Article.published_at, Article.id)
    if limit is not None:
        query = query.limit(limit)
    return [(when, ident) for when, ident in session.execute(query)]


def feed_range(
    session: Session,
    section_ids: Sequence[int] | None,
    language: str,
    *,
    include_untranslated: bool,
    start: FeedPosition,
    end: FeedPosition | None,
) -> list[Article]:
    """What ``feed_page`` shows between two positions (``end`` excluded), newest first."""
    query = _from(_feed_query(section_ids, language, include_untranslated), start, end)
    return list(session.scalars(query.order_by(Article.published_at.desc(), Article.id.desc())))


def _index_query():
    """Published articles with only what an index of pages needs from their variants (which
    languages exist, titles, dates): bodies stay in the database."""
    variants = selectinload(Article.variants).load_only(
        ArticleVariant.language,
        ArticleVariant.title,
        ArticleVariant.origin,
        ArticleVariant.status,
        ArticleVariant.updated_at,
    )
    return select(Article).where(Article.status == "published").options(variants)


def count_published(session: Session) -> int:
    return session.scalar(select(func.count()).where(Article.status == "published")) or 0


def published_in(session: Session, after: datetime, until: datetime) -> bool:
    """Whether an article's publication time is in ``(after, until]`` (one indexed probe: the
    scheduler asks it every round about the news sitemap's window)."""
    query = select(Article.id).where(
        Article.status == "published", Article.published_at > after, Article.published_at <= until
    )
    return session.scalar(query.limit(1)) is not None


def published_between(
    session: Session, since: datetime, until: datetime, *, limit: int
) -> list[Article]:
    """Articles published from ``since`` to ``until``, newest first (news sitemaps)."""
    query = _index_query().where(Article.published_at >= since, Article.published_at <= until)
    query = query.order_by(Article.published_at.desc(), Article.id.desc()).limit(limit)
    return list(session.scalars(query))
