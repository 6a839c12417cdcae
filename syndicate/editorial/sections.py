"""Section services.

Creating and deleting a section are cheap and stay synchronous. A rename or a move changes every
feed of the section, its ancestors and ``all``: it is recorded with a background operation
(``republish-sections``, run by the worker) in the same transaction, and answered at once.
"""

from __future__ import annotations

from typing import Any

from flask import current_app
from sqlalchemy.orm import Session

from syndicate import events, operations
from syndicate.errors import Conflict, FieldError, NotFound, ValidationFailed
from syndicate.storage import sections as store
from syndicate.storage.models import Operation, Section, utcnow

REPUBLISH = "republish-sections"  # the operation kind; its runner is publication's


def get(session: Session, slug: str) -> Section:
    section = store.get(session, slug)
    if section is None:
        raise NotFound(f"no section {slug!r}")
    return section


def _parent(session: Session, section: Section | None, slug: str | None) -> Section | None:
    if slug is None:
        return None
    parent = store.get(session, slug)
    if parent is None:
        raise ValidationFailed(FieldError("parent", f"unknown section {slug!r}"))
    if section is not None and (parent.id == section.id or section in store.ancestors(parent)):
        raise ValidationFailed(FieldError("parent", "a section cannot be its own ancestor"))
    return parent


def create(session: Session, fields: dict[str, Any]) -> Section:
    if store.get(session, fields["slug"]) is not None:
        raise Conflict(f"section {fields['slug']!r} already exists")
    description = fields.get("description", {})
    section = Section(
        slug=fields["slug"],
        parent=_parent(session, None, fields.get("parent")),
        name_en=fields["name"]["en"],
        name_zh=fields["name"]["zh"],
        description_en=description.get("en", ""),
        description_zh=description.get("zh", ""),
        position=fields.get("position", 0),
    )
    store.add(session, section)
    session.commit()
    events.notify(events.section_changed, current_app._get_current_object(), slug=section.slug)
    return section


def _state(section: Section) -> tuple:
    return (
        section.parent_id,
        section.name_en,
        section.name_zh,
        section.description_en,
        section.description_zh,
        section.position,
    )


def update(session: Session, slug: str, fields: dict[str, Any]) -> tuple[Section, Operation | None]:
    """Change a section; returns it and the re-publication operation (None: nothing changed)."""
    section = get(session, slug)
    if "slug" in fields and fields["slug"] != slug:
        # Feed URLs are built from slugs; subscribers would silently lose the feed.
        raise ValidationFailed(FieldError("slug", "a section's slug never changes"))
    before = _state(section)
    old_parent = section.parent.slug if section.parent else None
    if "parent" in fields:
        section.parent = _parent(session, section, fields["parent"])
    for lang, text in fields.get("name", {}).items():
        setattr(section, f"name_{lang}", text)
    for lang, text in fields.get("description", {}).items():
        setattr(section, f"description_{lang}", text)
    if "position" in fields:
        section.position = fields["position"]
    session.flush()
    if _state(section) == before:
        session.commit()
        return section, None
    section.updated_at = utcnow()
    new_parent = section.parent.slug if section.parent else None
    slugs = sorted({section.slug, old_parent, new_parent} - {None})
    app = current_app._get_current_object()
    return section, operations.submit(app, session, REPUBLISH, {"slugs": slugs})


def delete(session: Session, slug: str) -> None:
    section = get(session, slug)
    if store.children_count(session, section):
        raise Conflict(f"section {slug!r} has child sections; move or delete them first")
    if store.articles_count(session, section):
        raise Conflict(f"section {slug!r} still has articles; move or delete them first")
    store.delete(session, section)
    session.commit()
    events.notify(events.section_changed, current_app._get_current_object(), slug=slug)
