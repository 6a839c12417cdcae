"""Revision history: every saved revision of an article (and of an editor's translation) is
kept with who saved it, when, and which fields changed; an old revision can be restored (a new
revision with the old content, through the same optimistic check as any edit)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from syndicate.editorial.payloads import ImageInput
from syndicate.errors import FieldError, NotFound, ValidationFailed
from syndicate.languages import CODES
from syndicate.storage import revisions as revision_store
from syndicate.storage.models import Article, ArticleRevision

ARTICLE_CONTENT = revision_store.ARTICLE_CONTENT
TRANSLATION_CONTENT = revision_store.TRANSLATION_CONTENT
article_content = revision_store.article_content
translation_content = revision_store.translation_content
record = revision_store.record


def language(code: str) -> str:
    """A ``language`` argument: one of ours, or a 422 naming it."""
    if code not in CODES:
        raise ValidationFailed(FieldError("language", f"must be one of {', '.join(CODES)}"))
    return code


def _language(article: Article, code: str | None) -> str:
    return article.language if code is None else language(code)


def history(session: Session, article: Article, language: str | None = None):
    return revision_store.history(session, article, _language(article, language))


def get(
    session: Session, article: Article, number: int, language: str | None = None
) -> ArticleRevision:
    row = revision_store.get(session, article, _language(article, language), number)
    if row is None:
        raise NotFound(f"article {article.public_id!r} has no revision {number}")
    return row


def restore_fields(row: ArticleRevision) -> dict[str, Any]:
    """The fields an edit needs to bring this revision's content back."""
    fields = {
        name: row.content.get(name)
        for name in ARTICLE_CONTENT
        if name in row.content and name != "published_at"
    }
    image = fields.get("image")
    fields["image"] = ImageInput(image["url"], image["caption"], image["alt"]) if image else None
    return fields
