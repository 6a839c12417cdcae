"""Lead images as pages show them: the library's renditions when the image is in the media
library (``<img srcset sizes width height>``, macro ``templates/_image.html``), else the URL."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from sqlalchemy.orm import Session

from syndicate.feed.body import absolute_url
from syndicate.feed.edition import Edition
from syndicate.media import library


@dataclass(frozen=True, slots=True)
class PageImage:
    url: str  # absolute
    alt: str
    caption: str
    picture: library.Picture | None  # None: not a library image (no renditions, no size)


def lookup(session: Session, editions: list[Edition]) -> dict[str, library.Picture]:
    """The library pictures of these editions' lead images (two queries for any number)."""
    return library.pictures(session, [e.article.image_url for e in editions])


def page_image(
    edition: Edition, base_url: str, pictures: dict[str, library.Picture]
) -> PageImage | None:
    article, variant = edition.article, edition.variant
    if not article.image_url:
        return None
    page = edition.page_url(base_url)
    picture = pictures.get(article.image_url)
    if picture is not None:

        def absolute(sources):
            return tuple(
                dataclasses.replace(s, url=absolute_url(s.url, base_url, page)) for s in sources
            )

        picture = dataclasses.replace(
            picture,
            url=absolute_url(picture.url, base_url, page),
            webp=absolute(picture.webp),
            jpeg=absolute(picture.jpeg),
        )
    return PageImage(
        absolute_url(article.image_url, base_url, page),
        variant.image_alt,
        variant.image_caption,
        picture,
    )
