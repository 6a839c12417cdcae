"""Article services: create, edit (with optimistic concurrency), publish, unpublish, delete."""

from __future__ import annotations

import re
import secrets
import unicodedata
from typing import Any

from flask import current_app
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from syndicate import events
from syndicate.errors import Conflict, FieldError, NotFound, ValidationFailed
from syndicate.storage import articles as article_store
from syndicate.storage import sections as section_store
from syndicate.storage import tombstones as tombstone_store
from syndicate.storage.models import Article, utcnow

# Fields whose change is a change of content (readers see it; translations go stale).
CONTENT_FIELDS = ("title", "summary", "body_html", "image", "tags", "author", "source")
VARIANT_FIELDS = ("title", "summary", "body_html")


def _sender():
    return current_app._get_current_object()


def new_public_id(title: str, when) -> str:
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")[:60].strip("-")
    stem = when.strftime("%Y-%m-%d")
    return f"{stem}-{slug}-{secrets.token_hex(3)}" if slug else f"{stem}-{secrets.token_hex(4)}"


def get(session: Session, public_id: str) -> Article:
    article = article_store.get(session, public_id)
    if article is None:
        raise NotFound(f"no article with id {public_id!r}")
    return article


def _section(session: Session, slug: str):
    section = section_store.get(session, slug)
    if section is None:
        raise ValidationFailed(FieldError("section", f"unknown section {slug!r}"))
    return section


def _apply(article: Article, fields: dict[str, Any]) -> bool:
    """Copy fields onto the article; return whether content changed."""
    changed = False
    source = article.original
    for name in VARIANT_FIELDS:
        if name in fields and getattr(source, name) != fields[name]:
            setattr(source, name, fields[name])
            changed = True
    if "image" in fields:
        image = fields["image"]
        new = (image.url, image.caption, image.alt) if image else (None, "", "")
        if (article.image_url, source.image_caption, source.image_alt) != new:
            article.image_url, source.image_caption, source.image_alt = new
            changed = True
    for name in ("author", "source", "tags"):
        if name in fields and getattr(article, name) != fields[name]:
            setattr(article, name, fields[name])
            changed = True
    return changed


def create(session: Session, fields: dict[str, Any]) -> Article:
    section = _section(session, fields["section"])
    now = utcnow()
    public_id = fields.get("id") or new_public_id(fields["title"], now)
    if article_store.exists(session, public_id):
        raise Conflict(f"an article with id {public_id!r} already exists")
    status = fields.get("status", "draft")
    published_at = fields.get("published_at") or (now if status == "published" else None)
    image = fields.get("image")
    article = Article(
        public_id=public_id,
        section=section,
        language=fields["language"],
        status=status,
        author=fields.get("author", ""),
        source=fields.get("source", ""),
        image_url=image.url if image else None,
        tags=fields.get("tags", []),
        canonical_url=fields.get("canonical_url"),
        published_at=published_at,
        updated_at=fields.get("updated_at") or published_at or now,
        modified_at=now,
        created_at=now,
        revision=1,
    )
    article_store.add(session, article)
    tombstone_store.revive(session, article.public_id)
    article_store.set_variant(
        session,
        article,
        article.language,
        title=fields["title"],
        summary=fields.get("summary", ""),
        body_html=fields.get("body_html", ""),
        image_caption=image.caption if image else "",
        image_alt=image.alt if image else "",
        origin="source",
        source_revision=1,
        status="ready",
    )
    session.commit()
    events.article_changed.send(
        _sender(), article_id=public_id, sections=[section.slug], reason="created"
    )
    return article


def update(
    session: Session, public_id: str, fields: dict[str, Any], *, expected_revision: int
) -> Article:
    """Apply an edit made on ``expected_revision``; a stale one raises Conflict, changes nothing."""
    article = get(session, public_id)
    if article.revision != expected_revision:
        raise _stale(article, expected_revision)
    if "language" in fields and fields["language"] != article.language:
        raise ValidationFailed(
            FieldError("language", "an article's source language cannot change; create a new one")
        )
    if "id" in fields and fields["id"] != public_id:
        raise ValidationFailed(FieldError("id", "an article's id never changes"))
    old_section = article.section.slug
    if "section" in fields and fields["section"] != old_section:
        article.section = _section(session, fields["section"])
    content_changed = _apply(article, fields)
    for name in ("canonical_url", "status", "published_at"):
        if name in fields:
            setattr(article, name, fields[name])
    if article.status == "published" and article.published_at is None:
        article.published_at = utcnow()
    now = utcnow()
    if "updated_at" in fields and fields["updated_at"] is not None:
        article.updated_at = fields["updated_at"]
    elif content_changed:
        article.updated_at = now
    if (
        session.is_modified(article)
        or content_changed
        or any(session.is_modified(v) for v in article.variants)
    ):
        article.revision = expected_revision + 1
        article.modified_at = now
        article.original.source_revision = article.revision
        article.original.updated_at = now
    try:
        session.commit()
    except StaleDataError:
        session.rollback()
        raise _stale(get(session, public_id), expected_revision) from None
    events.article_changed.send(
        _sender(),
        article_id=public_id,
        sections=sorted({old_section, article.section.slug}),
        reason="updated",
    )
    return article


def _stale(current: Article, expected: int) -> Conflict:
    from syndicate.editorial.representation import article_json

    return Conflict(
        f"article {current.public_id!r} is at revision {current.revision}, "
        f"the edit was made on revision {expected}: reload, merge and send it again",
        current=article_json(current),
    )


def set_status(session: Session, public_id: str, status: str) -> Article:
    article = get(session, public_id)
    if article.status != status:
        article.status = status
        if status == "published" and article.published_at is None:
            article.published_at = utcnow()
        article.modified_at = utcnow()
        session.commit()
        events.article_changed.send(
            _sender(), article_id=public_id, sections=[article.section.slug], reason=status
        )
    return article


def delete(session: Session, public_id: str) -> None:
    article = get(session, public_id)
    section = article.section.slug
    article_store.delete(session, article)
    # In the same transaction: its pages answer 410 Gone from the moment it is gone.
    tombstone_store.bury(session, public_id)
    session.commit()
    events.article_changed.send(
        _sender(), article_id=public_id, sections=[section], reason="deleted"
    )
