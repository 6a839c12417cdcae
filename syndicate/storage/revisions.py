"""Queries of the revision history (``article_revisions``)."""

from __future__ import annotations

from datetime import UTC
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from syndicate.storage.models import Article, ArticleRevision, ArticleVariant, utcnow


def add(session: Session, row: ArticleRevision) -> ArticleRevision:
    session.add(row)
    return row


def history(session: Session, article: Article, language: str) -> list[ArticleRevision]:
    """Newest first."""
    query = (
        select(ArticleRevision)
        .where(ArticleRevision.article_id == article.id, ArticleRevision.language == language)
        .order_by(ArticleRevision.revision.desc())
    )
    return list(session.scalars(query))


def get(session: Session, article: Article, language: str, revision: int) -> ArticleRevision | None:
    return session.scalar(
        select(ArticleRevision).where(
            ArticleRevision.article_id == article.id,
            ArticleRevision.language == language,
            ArticleRevision.revision == revision,
        )
    )


def latest(session: Session, article: Article, language: str) -> ArticleRevision | None:
    return session.scalar(
        select(ArticleRevision)
        .where(ArticleRevision.article_id == article.id, ArticleRevision.language == language)
        .order_by(ArticleRevision.revision.desc())
        .limit(1)
    )


def next_number(session: Session, article: Article, language: str) -> int:
    highest = session.scalar(
        select(func.max(ArticleRevision.revision)).where(
            ArticleRevision.article_id == article.id, ArticleRevision.language == language
        )
    )
    return (highest or 0) + 1


#: What a revision of an original keeps (the content; status and dates are not content).
ARTICLE_CONTENT = (
    "section", "title", "summary", "body_html", "author", "source", "image", "tags",
    "canonical_url", "correction", "published_at",
)  # fmt: skip
TRANSLATION_CONTENT = ("title", "summary", "body_html", "image_caption", "image_alt")


def article_content(article: Article) -> dict[str, Any]:
    source = article.original
    image = None
    if article.image_url:
        image = {"url": article.image_url, "caption": source.image_caption, "alt": source.image_alt}
    return {
        "section": article.section.slug,
        "title": source.title,
        "summary": source.summary,
        "body_html": source.body_html,
        "author": article.author,
        "source": article.source,
        "image": image,
        "tags": list(article.tags or []),
        "canonical_url": article.canonical_url,
        "correction": article.correction or "",
        # Not restored (a restore brings content back, not a publication time), but shown.
        "published_at": article.published_at.astimezone(UTC).isoformat().replace("+00:00", "Z")
        if article.published_at
        else None,
    }


#: Kept beside a translation's content, not content itself (never a "field changed"): the
#: original's revision it translates, so a restored old text is marked stale when it is.
TRANSLATION_SOURCE = "source_revision"


def translation_content(variant: ArticleVariant) -> dict[str, Any]:
    return {name: getattr(variant, name) or "" for name in TRANSLATION_CONTENT}


def translation_record(variant: ArticleVariant) -> dict[str, Any]:
    """What a translation's revision keeps: its content and the original's revision it is of."""
    return {**translation_content(variant), TRANSLATION_SOURCE: variant.source_revision}


def _changed(before: dict[str, Any] | None, after: dict[str, Any]) -> list[str]:
    names = [name for name in after if name != TRANSLATION_SOURCE]
    if before is None:  # the first revision: what it was written with
        return [name for name in names if after[name] not in (None, "", [])]
    return [name for name in names if before.get(name) != after[name]]


def record(
    session: Session,
    article: Article,
    language: str,
    content: dict[str, Any],
    editor: str,
    number: int | None = None,
) -> ArticleRevision:
    """Add the revision saved now (in the caller's transaction). ``number``: the one a
    translation's restore expects to write (the one it saw, plus one): if another save took that
    number meanwhile, the unique constraint makes the insert fail, so the restore is a 409
    instead of silently landing on top of a revision its editor never saw."""
    previous = latest(session, article, language)
    if number is None:
        number = (
            article.revision
            if language == article.language
            else next_number(session, article, language)
        )
    return add(
        session,
        ArticleRevision(
            article_id=article.id,
            language=language,
            revision=number,
            editor=editor or "",
            fields_changed=_changed(previous.content if previous else None, content),
            content=content,
            created_at=utcnow(),
        ),
    )
