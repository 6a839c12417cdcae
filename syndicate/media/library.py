"""Media library services: upload, read, edit and delete images; their JSON shape.

Images are immutable: an upload is processed once (``processing``) and its files stored in
the database under content-addressed names; only the alt text and caption can change. An
image an article still shows cannot be deleted.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from syndicate.content.sanitize import plain_text
from syndicate.errors import (
    Conflict,
    FieldError,
    FieldErrors,
    NotFound,
    UnsupportedMediaType,
    ValidationFailed,
)
from syndicate.media import processing
from syndicate.storage import media as media_store
from syndicate.storage.models import Media, MediaFile, utcnow

PREFIX = "/media/"
#: ``/media/<key>/<name>``: the only shape of library URLs (the fast path serves nothing else).
PATH_RE = re.compile(r"^([0-9a-f]{32})/([0-9a-z]{1,16}\.(?:jpg|png|webp|gif))$")
TEXT_FIELDS = ("alt", "caption")
MAX_TEXT = 1000


@dataclass(frozen=True, slots=True)
class Source:
    """One candidate of an ``<img srcset>``."""

    url: str
    width: int


@dataclass(frozen=True, slots=True)
class Picture:
    """What a page needs to show a library image without layout shift."""

    url: str  # the main file, the ``src`` fallback
    width: int
    height: int
    webp: tuple[Source, ...]
    jpeg: tuple[Source, ...]


def is_library_url(url: str | None) -> bool:
    return bool(url) and url.startswith(PREFIX) and PATH_RE.match(url[len(PREFIX) :]) is not None


def media_url(path: str) -> str:
    return PREFIX + path


def parse_text_fields(values: dict[str, Any], *, partial: bool) -> dict[str, str]:
    """``alt`` and ``caption`` as plain text; unknown fields are named."""
    errors = FieldErrors()
    out = {}
    for name in sorted(set(values) - set(TEXT_FIELDS)):
        errors.add(name, "unknown field")
    for name in TEXT_FIELDS:
        if name not in values:
            if not partial:
                out[name] = ""
            continue
        value = values[name]
        if value is None:
            value = ""
        if not isinstance(value, str):
            errors.add(name, "must be a string")
            continue
        text = plain_text(value)
        if len(text) > MAX_TEXT:
            errors.add(name, f"must be at most {MAX_TEXT} characters")
        out[name] = text
    errors.raise_if_any()
    return out


def process(data: bytes, *, max_pixels: int) -> processing.ProcessedImage:
    """Check and clean an upload; a refusal is a typed error naming the field ``file``."""
    try:
        return processing.process(data, max_pixels=max_pixels)
    except processing.ImageRefused as exc:
        if exc.status == 415:
            raise UnsupportedMediaType(
                f"file: {exc.message}", errors=[{"field": "file", "message": exc.message}]
            ) from None
        raise ValidationFailed(FieldError("file", exc.message)) from None


def upload(
    session: Session,
    data: bytes,
    *,
    filename: str,
    alt: str = "",
    caption: str = "",
    max_pixels: int,
) -> tuple[Media, bool]:
    """Store an uploaded image; ``(image, created)``. The same image uploaded again (the same
    cleaned bytes) answers the existing one, unchanged."""
    result = process(data, max_pixels=max_pixels)
    return store(session, result, filename=filename, alt=alt, caption=caption)


def store(
    session: Session,
    result: processing.ProcessedImage,
    *,
    filename: str,
    alt: str = "",
    caption: str = "",
) -> tuple[Media, bool]:
    """Add a processed image to the library (unless it is there already); commits."""
    existing = media_store.by_key(session, result.key)
    if existing is not None:
        return existing, False
    main = result.main
    now = utcnow()
    media = Media(
        key=result.key,
        url=media_url(f"{result.key}/{main.name}"),
        type=main.type,
        bytes=len(main.data),
        width=main.width,
        height=main.height,
        alt=alt,
        caption=caption,
        filename=(filename or "")[:255],
        created_at=now,
        updated_at=now,
    )
    media.files = [
        MediaFile(
            path=f"{result.key}/{f.name}",
            role=f.role,
            type=f.type,
            bytes=len(f.data),
            width=f.width,
            height=f.height,
            sha256=f.sha256,
            data=f.data,
        )
        for f in result.files
    ]
    try:
        media_store.add(session, media)
        session.commit()
    except IntegrityError:
        # The same image uploaded at the same moment by someone else: theirs is ours.
        session.rollback()
        existing = media_store.by_key(session, result.key)
        if existing is None:
            raise
        return existing, False
    return media, True


def get(session: Session, media_id: int) -> Media:
    media = media_store.get(session, media_id)
    if media is None:
        raise NotFound(f"no image with id {media_id}")
    return media


def list_page(session: Session, *, search: str | None, page: int, per_page: int):
    return media_store.list_page(
        session, search=search, limit=per_page, offset=(page - 1) * per_page
    )


def update(session: Session, media_id: int, fields: dict[str, str]) -> Media:
    media = get(session, media_id)
    changed = False
    for name, value in fields.items():
        if getattr(media, name) != value:
            setattr(media, name, value)
            changed = True
    if changed:
        media.updated_at = utcnow()
        session.commit()
    return media


def delete(session: Session, media_id: int, *, media_dir: str | Path) -> None:
    """Delete an image no article shows (else Conflict naming them) and this host's copies."""
    media = get(session, media_id)
    using = media_store.articles_using(session, f"{PREFIX}{media.key}/")
    if using:
        raise Conflict(
            f"the image is used by {len(using)} article(s): {', '.join(using)}; "
            "remove it from them first",
            articles=using,
        )
    key = media.key
    media_store.delete(session, media)
    session.commit()
    shutil.rmtree(Path(media_dir) / key, ignore_errors=True)


KEY_RE = re.compile(r"^[0-9a-f]{32}$")
#: Keys asked about per query while pruning a folder.
PRUNE_BATCH = 500


def prune_copies(session: Session, media_dir: str | Path) -> list[str]:
    """Remove this host's copies of images deleted (on any host) from the library; returns
    their keys. A host writes an image through to its folder on first request, and nginx and
    the fast path serve it from there without asking the database again."""
    root = Path(media_dir)
    try:
        keys = sorted(entry.name for entry in root.iterdir() if KEY_RE.match(entry.name))
    except FileNotFoundError:
        return []
    gone = []
    for start in range(0, len(keys), PRUNE_BATCH):
        batch = keys[start : start + PRUNE_BATCH]
        gone.extend(sorted(set(batch) - media_store.existing_keys(session, batch)))
    for key in gone:
        shutil.rmtree(root / key, ignore_errors=True)
    return gone


def usage(session: Session, rows: list[Media]) -> dict[str, int]:
    return media_store.usage_counts(session, [row.url for row in rows])


def picture(media: Media) -> Picture:
    renditions = [f for f in media.files if f.role == "rendition"]

    def sources(media_type: str) -> tuple[Source, ...]:
        chosen = sorted((f for f in renditions if f.type == media_type), key=lambda f: f.width)
        return tuple(Source(media_url(f.path), f.width) for f in chosen)

    return Picture(
        media.url, media.width, media.height, sources("image/webp"), sources("image/jpeg")
    )


def pictures(session: Session, urls: list[str | None]) -> dict[str, Picture]:
    """``{url: Picture}`` for the library images among ``urls`` (two queries)."""
    found = media_store.by_urls(session, [u for u in urls if is_library_url(u)], with_files=True)
    return {url: picture(row) for url, row in found.items()}


def media_json(media: Media, usage_count: int | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": media.id,
        "url": media.url,
        "type": media.type,
        "bytes": media.bytes,
        "width": media.width,
        "height": media.height,
        "alt": media.alt,
        "caption": media.caption,
        "filename": media.filename,
        "renditions": [
            {
                "url": media_url(f.path),
                "type": f.type,
                "width": f.width,
                "height": f.height,
                "bytes": f.bytes,
            }
            for f in media.files
            if f.role == "rendition"
        ],
        "created_at": media.created_at.isoformat().replace("+00:00", "Z"),
    }
    if usage_count is not None:
        body["usage"] = usage_count
    return body


def _file_json(row: MediaFile) -> dict[str, Any]:
    return {
        "url": media_url(row.path),
        "type": row.type,
        "width": row.width,
        "height": row.height,
        "bytes": row.bytes,
    }
