"""Queries of the RFC 5005 archive cuts of each feed (``FeedArchive``)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from syndicate.storage.articles import FeedPosition
from syndicate.storage.models import FeedArchive


def starts(session: Session, language: str, section: str) -> list[FeedPosition]:
    """Where each archive page starts, page 1 first (the last one is the open page)."""
    rows = session.execute(
        select(FeedArchive.start_published_at, FeedArchive.start_article_id)
        .where(FeedArchive.language == language, FeedArchive.section == section)
        .order_by(FeedArchive.number)
    )
    return [(when, ident) for when, ident in rows]


def add(
    session: Session, language: str, section: str, first: int, positions: Sequence[FeedPosition]
) -> None:
    """Record new cuts as pages ``first``, ``first + 1``…"""
    for offset, (when, ident) in enumerate(positions):
        session.add(
            FeedArchive(
                language=language,
                section=section,
                number=first + offset,
                start_published_at=when,
                start_article_id=ident,
            )
        )
    session.flush()


def drop(session: Session, language: str, section: str) -> None:
    """Forget a feed's cuts (its section was deleted)."""
    session.execute(
        delete(FeedArchive).where(FeedArchive.language == language, FeedArchive.section == section)
    )


def page_of(starts_: Sequence[FeedPosition], position: FeedPosition) -> int | None:
    """The closed archive page holding ``position``; ``None`` when it is in the open (newest)
    page. Page 1 also takes what is older than its first article (a back-dated story)."""
    if len(starts_) < 2 or position >= starts_[-1]:
        return None
    number = 1
    for index, start in enumerate(starts_[1:-1], start=2):
        if start <= position:
            number = index
        else:
            break
    return number
