"""The API's JSON shapes of sections and articles (names other tools rely on)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from syndicate.languages import CODES
from syndicate.storage.models import Article, Section


def rfc3339(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def section_json(section: Section) -> dict[str, Any]:
    return {
        "slug": section.slug,
        "parent": section.parent.slug if section.parent else None,
        "name": {"en": section.name_en, "zh": section.name_zh},
        "description": {"en": section.description_en, "zh": section.description_zh},
        "position": section.position,
    }


def translation_state(article: Article, language: str) -> dict[str, Any]:
    variant = article.variant(language)
    if variant is None:
        return {"status": "missing", "origin": None, "model": None, "stale": True}
    return {
        "origin": variant.origin,
        "status": variant.status,
        "model": variant.engine,
        "source_revision": variant.source_revision,
        "stale": variant.behind,
        "title": variant.title,
        "error": variant.error,
        "updated_at": rfc3339(variant.updated_at),
    }


def article_json(article: Article) -> dict[str, Any]:
    source = article.original
    image = None
    if article.image_url:
        image = {"url": article.image_url, "caption": source.image_caption, "alt": source.image_alt}
    return {
        "id": article.public_id,
        "section": article.section.slug,
        "language": article.language,
        "title": source.title,
        "summary": source.summary,
        "body_html": source.body_html,
        "author": article.author,
        "source": article.source,
        "image": image,
        "tags": list(article.tags or []),
        "canonical_url": article.canonical_url,
        "correction": article.correction or "",
        "status": article.status,
        "published_at": rfc3339(article.published_at),
        "updated_at": rfc3339(article.updated_at),
        "revision": article.revision,
        "translations": {
            code: translation_state(article, code) for code in CODES if code != article.language
        },
    }


def article_etag(article: Article) -> str:
    return f'"{article.public_id}.r{article.revision}"'
