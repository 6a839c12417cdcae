"""Article services: create, edit (with optimistic concurrency), publish, unpublish, delete."""

from __future__ import annotations

import re
import secrets
import unicodedata
from collections.abc import Callable
from typing import Any

from flask import current_app
from sqlalchemy.orm import Session

from syndicate import events
from syndicate.editorial import revisions
from syndicate.errors import Conflict, FieldError, NotFound, ValidationFailed
from syndicate.media.library import is_library_url
from syndicate.storage import articles as article_store
from syndicate.storage import db
from syndicate.storage import media as media_store
from syndicate.storage import sections as section_store
from syndicate.storage import tombstones as tombstone_store
from syndicate.storage.models import Article, utcnow

# Fields whose change is a change of content (readers see it; translations go stale).
CONTENT_FIELDS = (
    "title", "summary", "body_html", "image", "tags", "author", "source", "correction",
)  # fmt: skip
LIVE = ("published", "scheduled")
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
    # Without its original the article is being deleted by a concurrent request (PostgreSQL
    # read the article row before that delete committed, its variants after).
    if article is None or article.variant(article.language) is None:
        raise NotFound(f"no article with id {public_id!r}")
    return article


def _after_lost_race(session: Session, public_id: str, what: str) -> Conflict:
    """What a client is told when a concurrent request changed the article first: 404 if it is
    gone, else 409 with the current version (nothing of this request was stored)."""
    current = get(session, public_id)  # raises NotFound when it was deleted
    conflict = _stale(current, current.revision)
    conflict.detail = (
        f"article {public_id!r} was changed by another request while this one {what}: "
        "nothing was stored; reload and try again"
    )
    return conflict


def _section(session: Session, slug: str):
    section = section_store.get(session, slug)
    if section is None:
        raise ValidationFailed(FieldError("section", f"unknown section {slug!r}"))
    return section


def _check_image(session: Session, fields: dict[str, Any]) -> None:
    """A media library URL must name an image the library has (any other URL is the editor's
    to vouch for): a typo would publish a broken image in every feed and page."""
    image = fields.get("image")
    if image is None or not is_library_url(image.url):
        return
    if not media_store.by_urls(session, [image.url]):
        raise ValidationFailed(
            FieldError(
                "image.url",
                f"the media library has no image {image.url}; upload it (POST /api/v1/media) "
                "and use the url it answers",
            )
        )


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
    for name in ("author", "source", "tags", "correction"):
        if name in fields and getattr(article, name) != fields[name]:
            setattr(article, name, fields[name])
            changed = True
    return changed


def live_status(status: str, published_at, now) -> str:
    """A publication with a future time is ``scheduled``; once its time came, ``published``."""
    if status not in LIVE:
        return status
    return "scheduled" if published_at is not None and published_at > now else "published"


def create(
    session: Session,
    fields: dict[str, Any],
    *,
    editor: str = "",
    before_commit: Callable[[Session, Article], None] | None = None,
) -> Article:
    """Store a new article (its first revision by ``editor``); ``before_commit`` adds to the
    same transaction (an idempotency record)."""
    section = _section(session, fields["section"])
    _check_image(session, fields)
    now = utcnow()
    public_id = fields.get("id") or new_public_id(fields["title"], now)
    if article_store.exists(session, public_id):
        raise Conflict(f"an article with id {public_id!r} already exists")
    published_at = fields.get("published_at") or (now if fields.get("status") in LIVE else None)
    status = live_status(fields.get("status", "draft"), published_at, now)
    image = fields.get("image")
    try:
        with db.race_guard(session):
            article = _insert(session, section, public_id, status, published_at, image, fields, now)
            revisions.record(
                session, article, article.language, revisions.article_content(article), editor
            )
            if before_commit is not None:
                before_commit(session, article)
            session.commit()
    except db.LostRace:
        # Two creates of one id: the unique key lets exactly one in.
        if article_store.exists(session, public_id):
            raise Conflict(f"an article with id {public_id!r} already exists") from None
        raise Conflict(f"section {fields['section']!r} changed meanwhile; try again") from None
    events.notify(
        events.article_changed,
        _sender(),
        article_id=public_id,
        sections=[fields["section"]],
        reason="created",
    )
    return article


def _insert(session, section, public_id, status, published_at, image, fields, now) -> Article:
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
        correction=fields.get("correction", ""),
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
    return article


def update(
    session: Session,
    public_id: str,
    fields: dict[str, Any],
    *,
    expected_revision: int,
    editor: str = "",
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
    _check_image(session, fields)
    old_section = article.section.slug
    if "section" in fields and fields["section"] != old_section:
        article.section = _section(session, fields["section"])
    content_changed = _apply(article, fields)
    for name in ("canonical_url", "status", "published_at"):
        if name in fields:
            setattr(article, name, fields[name])
    now = utcnow()
    if article.status in LIVE and article.published_at is None:
        article.published_at = now
    article.status = live_status(article.status, article.published_at, now)
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
        bumped = True
    else:
        bumped = False
    try:
        with db.race_guard(session):
            if bumped:  # its query flushes the edit: inside the guard, a race is a 409 too
                revisions.record(
                    session, article, article.language, revisions.article_content(article), editor
                )
            session.commit()
    except db.LostRace:
        raise _stale(get(session, public_id), expected_revision) from None
    events.notify(
        events.article_changed,
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
    """Publish (``scheduled`` while ``published_at`` is in the future) or unpublish (which
    cancels a schedule)."""
    article = get(session, public_id)
    now = utcnow()
    if status in LIVE and article.published_at is None:
        article.published_at = now
    status = live_status(status, article.published_at, now)
    if article.status != status:
        article.status = status
        article.modified_at = now
        try:
            with db.race_guard(session):
                session.commit()
        except db.LostRace:
            raise _after_lost_race(session, public_id, f"set it {status}") from None
        events.notify(
            events.article_changed,
            _sender(),
            article_id=public_id,
            sections=[article.section.slug],
            reason=status,
        )
    return article


def restore(
    session: Session, public_id: str, number: int, *, expected_revision: int, editor: str = ""
) -> Article:
    """A new revision with the content of revision ``number``; refused (409) like any edit
    made on a revision that is not the current one."""
    article = get(session, public_id)
    fields = revisions.restore_fields(revisions.get(session, article, number))
    if fields.get("section") and section_store.get(session, fields["section"]) is None:
        fields.pop("section")  # the section was deleted since: the article stays where it is
    return update(session, public_id, fields, expected_revision=expected_revision, editor=editor)


def delete(session: Session, public_id: str) -> None:
    article = get(session, public_id)
    section = article.section.slug
    try:
        with db.race_guard(session):
            article_store.delete(session, article)
            # In the same transaction: its pages answer 410 Gone from the moment it is gone.
            tombstone_store.bury(session, public_id)
            session.commit()
    except db.LostRace:
        raise _after_lost_race(session, public_id, "deleted it") from None
    events.notify(
        events.article_changed,
        _sender(),
        article_id=public_id,
        sections=[section],
        reason="deleted",
    )
