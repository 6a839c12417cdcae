"""Queries of deleted articles' tombstones (their pages answer 410 Gone)."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from syndicate.storage.models import ArticleTombstone, utcnow


def bury(session: Session, public_id: str) -> None:
    """Remember that ``public_id`` was deleted (in the caller's transaction)."""
    row = session.get(ArticleTombstone, public_id)
    if row is None:
        session.add(ArticleTombstone(public_id=public_id, deleted_at=utcnow()))
    else:
        row.deleted_at = utcnow()
    session.flush()


def revive(session: Session, public_id: str) -> None:
    """An article made again under a deleted one's id is no longer gone."""
    session.execute(delete(ArticleTombstone).where(ArticleTombstone.public_id == public_id))


def is_gone(session: Session, public_id: str) -> bool:
    found = select(ArticleTombstone.public_id).where(ArticleTombstone.public_id == public_id)
    return session.scalar(found) is not None
