"""Loads the demo newsroom shipped in ``syndicate/demo``, with a lead image for every article
(drawn by ``syndicate.demo.images`` and stored in the media library).

``translations.jsonl`` holds human translations of some demo articles, written for this project:
they are stored as editors' translations (origin ``editor``), so the demo's feeds are bilingual
from the first run, without any model, and show how an editor's translation reads in a feed.
The other articles wait for machine translation.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

import orjson
from sqlalchemy.orm import Session

from syndicate.content.sanitize import clean_html, plain_text
from syndicate.demo import images
from syndicate.editorial import payloads, sections
from syndicate.editorial.importer import ImportReport, import_lines
from syndicate.media import library, processing
from syndicate.storage import articles as article_store
from syndicate.storage import sections as section_store
from syndicate.storage.models import utcnow

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


def load(session: Session, *, translations: bool = True) -> tuple[int, ImportReport]:
    """Create the demo sections that are missing, store the demo images that are missing,
    import the demo articles, then (unless ``translations`` is false) store the demo's editor
    translations that are missing."""
    package = resources.files("syndicate.demo")
    created = 0
    for payload in orjson.loads(package.joinpath("sections.json").read_bytes()):
        if section_store.get(session, payload["slug"]) is None:
            sections.create(session, payloads.parse_section(payload, partial=False))
            created += 1
    lines = package.joinpath("articles.jsonl").read_text(encoding="utf-8").splitlines()
    lines = [_with_library_image(session, line) for line in lines if line.strip()]
    report = import_lines(session, lines)
    if translations:
        load_translations(session)
    return created, report


def load_translations(session: Session) -> int:
    """Store each demo translation as the editor's, unless an editor's translation of that
    article exists already (an editor may have changed it). Returns how many were stored."""
    package = resources.files("syndicate.demo")
    stored = 0
    session.commit()  # then each article is read afresh: a job may have stored a variant since
    for line in package.joinpath("translations.jsonl").read_text(encoding="utf-8").splitlines():
        payload = orjson.loads(line)
        article = article_store.get(session, payload["id"])
        if article is None or article.language == payload["language"]:
            continue
        session.refresh(article)
        current = article.variant(payload["language"])
        if current is not None and current.origin == "editor":
            continue
        image = payload.get("image") or {}
        article_store.set_variant(
            session,
            article,
            payload["language"],
            title=plain_text(payload["title"]),
            summary=plain_text(payload.get("summary", "")),
            body_html=clean_html(payload.get("body_html", "")),
            image_caption=plain_text(image.get("caption", "")),
            image_alt=plain_text(image.get("alt", "")),
            origin="editor",
            source_revision=article.revision,
            engine=None,
            status="ready",
            error=None,
            glossary_stale=False,
            updated_at=utcnow(),
        )
        stored += 1
    session.commit()
    return stored
