"""Queries of the media library: images, their files (bytes included), and their use."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload, undefer

from syndicate.numbers import MAX_ID
from syndicate.storage.models import Article, ArticleVariant, Media, MediaFile


@dataclass(frozen=True, slots=True)
class FileBytes:
    """What serving one file needs."""

    path: str
    type: str
    sha256: str
    data: bytes


def get(session: Session, media_id: int) -> Media | None:
    if not 0 < media_id <= MAX_ID:  # PostgreSQL refuses a parameter beyond INTEGER
        return None
    return session.get(Media, media_id, options=[selectinload(Media.files)])


def by_key(session: Session, key: str) -> Media | None:
    return session.scalar(select(Media).where(Media.key == key))


def by_urls(session: Session, urls: Iterable[str], *, with_files: bool = False) -> dict[str, Media]:
    """``{url: image}`` for those of ``urls`` that are library images: one query however many
    urls (and one more for their files' descriptions, not their bytes, ``with_files``); none
    when no url is under /media/."""
    wanted = sorted({u for u in urls if u and u.startswith("/media/")})
    if not wanted:
        return {}
    query = select(Media).where(Media.url.in_(wanted))
    if with_files:
        query = query.options(selectinload(Media.files))
    return {row.url: row for row in session.scalars(query)}


def _search(query, search: str | None):
    if search:
        pattern = f"%{_escape_like(search.strip())}%"
        query = query.where(
            or_(Media.alt.ilike(pattern, escape="\\"), Media.caption.ilike(pattern, escape="\\"))
        )
    return query


def list_page(
    session: Session, *, search: str | None, limit: int, offset: int
) -> tuple[list[Media], int]:
    """Newest first, optionally only those whose alt text or caption contain ``search``."""
    total = session.scalar(_search(select(func.count(Media.id)), search)) or 0
    rows = session.scalars(
        _search(select(Media), search)
        .options(selectinload(Media.files))
        .order_by(Media.created_at.desc(), Media.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return list(rows), total


def add(session: Session, media: Media) -> Media:
    session.add(media)
    session.flush()
    return media


def delete(session: Session, media: Media) -> None:
    session.delete(media)
    session.flush()


def existing_keys(session: Session, keys: Iterable[str]) -> set[str]:
    """Which of these library keys still exist."""
    wanted = list(keys)
    return set(session.scalars(select(Media.key).where(Media.key.in_(wanted)))) if wanted else set()


def file_bytes(session: Session, path: str) -> FileBytes | None:
    """The file published at ``/media/<path>``, with its bytes."""
    row = session.scalar(
        select(MediaFile).where(MediaFile.path == path).options(undefer(MediaFile.data))
    )
    if row is None:
        return None
    return FileBytes(row.path, row.type, row.sha256, row.data)


def usage_counts(session: Session, urls: Iterable[str]) -> dict[str, int]:
    """``{url: number of articles whose lead image it is}`` (0s left out)."""
    wanted = sorted(set(urls))
    if not wanted:
        return {}
    rows = session.execute(
        select(Article.image_url, func.count(Article.id))
        .where(Article.image_url.in_(wanted))
        .group_by(Article.image_url)
    )
    return {url: count for url, count in rows}


def articles_using(session: Session, prefix: str) -> list[str]:
    """Public ids of the articles that show a file under ``prefix`` (``/media/<key>/``): as
    lead image, or in a body (any language), in id order."""
    pattern = f"%{_escape_like(prefix)}%"
    in_body = select(ArticleVariant.article_id).where(
        ArticleVariant.body_html.like(pattern, escape="\\")
    )
    rows = session.scalars(
        select(Article.public_id)
        .where(or_(Article.image_url.like(pattern, escape="\\"), Article.id.in_(in_body)))
        .order_by(Article.public_id)
    )
    return list(rows)


def _escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
