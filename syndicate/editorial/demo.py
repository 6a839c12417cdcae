"""Loads the demo newsroom shipped in ``syndicate/demo``, with a lead image for every article
(drawn by ``syndicate.demo.images`` and stored in the media library)."""

from __future__ import annotations

from functools import cache
from importlib import resources

import orjson
from sqlalchemy.orm import Session

from syndicate.demo import images
from syndicate.editorial import payloads, sections
from syndicate.editorial.importer import ImportReport, import_lines
from syndicate.media import library, processing
from syndicate.storage import sections as section_store

#: articles.jsonl names its images ``demo:<article id>``; loading puts the library URL there.
IMAGE_SCHEME = "demo:"


@cache
def _processed(article_id: str) -> processing.ProcessedImage:
    # Drawing and resizing take ~0.1 s an image: once per process (tests load the demo often).
    return processing.process(images.draw(article_id), max_pixels=images.SIZE[0] * images.SIZE[1])


def _with_library_image(session: Session, line: str) -> str:
    payload = orjson.loads(line)
    image = payload.get("image") if isinstance(payload, dict) else None
    if not image or not str(image.get("url", "")).startswith(IMAGE_SCHEME):
        return line
    article_id = image["url"][len(IMAGE_SCHEME) :]
    media, _created = library.store(
        session,
        _processed(article_id),
        filename=f"{article_id}.png",
        alt=image.get("alt", ""),
        caption=image.get("caption", ""),
    )
    image["url"] = media.url
    return orjson.dumps(payload).decode()


def load(session: Session) -> tuple[int, ImportReport]:
    """Create the demo sections that are missing, store the demo images that are missing,
    then import the demo articles."""
    package = resources.files("syndicate.demo")
    created = 0
    for payload in orjson.loads(package.joinpath("sections.json").read_bytes()):
        if section_store.get(session, payload["slug"]) is None:
            sections.create(session, payloads.parse_section(payload, partial=False))
            created += 1
    lines = package.joinpath("articles.jsonl").read_text(encoding="utf-8").splitlines()
    lines = [_with_library_image(session, line) for line in lines if line.strip()]
    return created, import_lines(session, lines)
