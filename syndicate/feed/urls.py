"""Public URLs and publication paths, in one place: feeds, pages and the files in ``feeds/``.

The subscription document of a feed is ``/feeds/<lang>/<section>.<format>``; its RFC 5005
archive pages, numbered from the oldest, are ``/feeds/<lang>/<section>/archive-<n>.<format>``:
paths, not query strings, so that the publication folder can be served as it is by any static
server.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

FORMATS = ("rss", "atom", "json")
ALL = "all"
FEEDS_PREFIX = "/feeds/"
OPML_PATH = "feeds.opml"

_FEED_PATH = re.compile(
    r"^(?P<language>[a-z]{2})/(?P<section>[a-z0-9-]+)"
    r"(?:/archive-(?P<archive>[1-9][0-9]{0,6}))?\.(?P<fmt>rss|atom|json)$"
)


@dataclass(frozen=True, slots=True, order=True)
class FeedKey:
    """One published feed file: a section (or ``all``) in one language and format, either the
    subscription document (``archive`` is ``None``) or one archive page."""

    language: str
    section: str
    fmt: str
    archive: int | None = None

    @property
    def path(self) -> str:
        """Relative path in the publication folder and under ``/feeds/``."""
        if self.archive is None:
            return f"{self.language}/{self.section}.{self.fmt}"
        return f"{self.language}/{self.section}/archive-{self.archive}.{self.fmt}"

    def url(self, base_url: str) -> str:
        return f"{base_url}{FEEDS_PREFIX}{self.path}"


def parse_feed_path(path: str) -> FeedKey | None:
    match = _FEED_PATH.match(path)
    if match is None:
        return None
    archive = int(match["archive"]) if match["archive"] else None
    return FeedKey(match["language"], match["section"], match["fmt"], archive)


def archive_prefix(language: str, section: str) -> str:
    """What the paths of a feed's archive pages start with."""
    return f"{language}/{section}/archive-"


def opml_url(base_url: str) -> str:
    return f"{base_url}/{OPML_PATH}"


def home_url(base_url: str, language: str) -> str:
    return f"{base_url}/{language}/"


def section_url(base_url: str, language: str, section: str) -> str:
    if section == ALL:
        return home_url(base_url, language)
    return f"{base_url}/{language}/{section}/"


def article_url(base_url: str, language: str, public_id: str) -> str:
    return f"{base_url}/{language}/articles/{public_id}"
