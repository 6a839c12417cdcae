"""Queries of the section aggregate."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from syndicate.storage.models import Article, Section


def list_all(session: Session) -> list[Section]:
    return list(session.scalars(select(Section).order_by(Section.position, Section.slug)))


def get(session: Session, slug: str) -> Section | None:
    return session.scalar(select(Section).where(Section.slug == slug))


def add(session: Session, section: Section) -> Section:
    session.add(section)
    session.flush()
    return section


def delete(session: Session, section: Section) -> None:
    session.delete(section)
    session.flush()


def children_count(session: Session, section: Section) -> int:
    return session.scalar(select(func.count()).where(Section.parent_id == section.id)) or 0


def articles_count(session: Session, section: Section) -> int:
    return session.scalar(select(func.count()).where(Article.section_id == section.id)) or 0


def subtree_ids(session: Session, section: Section) -> list[int]:
    """The section and all its descendants: a parent's feed includes its children's articles."""
    rows = session.execute(select(Section.id, Section.parent_id)).all()
    children: dict[int | None, list[int]] = {}
    for section_id, parent_id in rows:
        children.setdefault(parent_id, []).append(section_id)
    found, stack = [], [section.id]
    while stack:
        current = stack.pop()
        found.append(current)
        stack.extend(children.get(current, ()))
    return sorted(found)


def ancestors(section: Section) -> list[Section]:
    """Parents up to the root, nearest first."""
    chain, current, seen = [], section.parent, {section.id}
    while current is not None and current.id not in seen:
        chain.append(current)
        seen.add(current.id)
        current = current.parent
    return chain


def in_tree_order(sections: Sequence[Section]) -> list[tuple[Section, int]]:
    """``(section, depth)`` with each parent followed by its children, siblings by position:
    the order of navigation menus and feed lists. Orphans of a cycle are not listed."""
    children: dict[int | None, list[Section]] = {}
    for section in sections:
        children.setdefault(section.parent_id, []).append(section)
    for siblings in children.values():
        siblings.sort(key=lambda s: (s.position, s.slug))
    ordered: list[tuple[Section, int]] = []
    stack = [(root, 0) for root in reversed(children.get(None, []))]
    while stack:
        section, depth = stack.pop()
        ordered.append((section, depth))
        stack.extend((child, depth + 1) for child in reversed(children.get(section.id, [])))
    return ordered
