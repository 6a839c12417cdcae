"""The sitemaps and robots.txt as publication documents: what their outbox targets render, and
the news sitemap's round in the worker's scheduler.

They are rendered by publishers, stored, mirrored and served like the feeds (never built per
request). An article change marks ``sitemap:<block>`` (the child holding its id, see
``syndicate.feed.sitemap``) and, in its 48 hours, ``sitemap:news``; a section change marks
``sitemap:sections``. Rendering a child marks ``sitemap:index``, which is rendered from the
stored children's Last-Modified (their newest ``lastmod``) without reading any article. While
the sitemap is one file, any of these renders that file whole (it holds at most
``SYNDICATE_SITEMAP_MAX_URLS`` pages); when it grows into an index (no ``sitemaps/sections.xml``
published yet) or shrinks back, the first render does every file of the new shape.

The news sitemap depends on the time as well as on the articles: ``NewsWindow`` (a round of the
worker's scheduler) marks it dirty when an article's publication time leaves the 48-hour window
or enters it, with no request needed.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime

from flask import Flask
from sqlalchemy.orm import Session

from syndicate.feed import sitemap
from syndicate.feed.build import FeedSettings
from syndicate.publication import notify, targets
from syndicate.storage import articles as article_store
from syndicate.storage import db, documents, outbox
from syndicate.storage.models import utcnow

log = logging.getLogger(__name__)

XML_TYPE = "application/xml; charset=utf-8"
TEXT_TYPE = "text/plain; charset=utf-8"
EPOCH = datetime(2023, 1, 1, tzinfo=UTC)


@dataclass
class Result:
    #: (path, media type, bytes, Last-Modified)
    documents: list[tuple[str, str, bytes, datetime]] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    follow: list[str] = field(default_factory=list)


def max_urls(config) -> int:
    return int(config["SYNDICATE_SITEMAP_MAX_URLS"])


class Sitemaps:
    def __init__(self, app: Flask):
        self.config = app.config
        self.base_url = FeedSettings.of(app.config).base_url
        self.max_urls = max_urls(app.config)

    def render(self, session: Session, target: str) -> Result:
        result = Result()
        if target == targets.ROBOTS:
            # Only SYNDICATE_BASE_URL changes it: dated by the render that changed its bytes.
            body = sitemap.robots_txt(self.base_url)
            result.documents.append((sitemap.ROBOTS_PATH, TEXT_TYPE, body, utcnow()))
            return result
        name = target.partition(":")[2]
        if name == "news":
            # Items leave it as time passes: Last-Modified is when its bytes last changed (the
            # publisher stores it only then), so If-Modified-Since never misses a removal.
            part = sitemap.news_part(session, self.config, utcnow())
            result.documents.append((part.path, XML_TYPE, part.body, utcnow()))
        elif name == "all" or not sitemap.is_split(session, self.max_urls):
            self._all(session, result)
        elif documents.etag_of(session, sitemap.SECTIONS_PATH) is None:
            self._all(session, result)  # it has just grown into an index
        elif name == "index":
            self._index(session, result)
        elif name == "sections":
            self._add(result, sitemap.sections_part(session, self.base_url))
            result.follow.append(targets.SITEMAP_INDEX)
        else:
            number = int(name)
            part = sitemap.block_part(session, self.base_url, number, self.max_urls)
            if part is None:  # its last published article is gone
                result.removed.append(sitemap.articles_path(number))
            else:
                self._add(result, part)
            result.follow.append(targets.SITEMAP_INDEX)
        return result

    def _add(self, result: Result, part: sitemap.Part) -> None:
        result.documents.append((part.path, XML_TYPE, part.body, part.lastmod or EPOCH))

    def _all(self, session: Session, result: Result) -> None:
        """``sitemap.xml`` and all its children, in their present shape; children no longer
        in it are removed."""
        parts = sitemap.build_parts(session, self.config, max_urls=self.max_urls)
        for part in parts:
            self._add(result, part)
        rendered = {part.path for part in parts}
        live = documents.live_paths(session, sitemap.CHILDREN_PREFIX)
        result.removed.extend(sorted(path for path in live if path not in rendered))

    def _index(self, session: Session, result: Result) -> None:
        children = documents.live_dates(session, sitemap.CHILDREN_PREFIX)
        # Section pages have no lastmod (their stored date is a placeholder).
        dated = {p: (None if p == sitemap.SECTIONS_PATH else d) for p, d in children.items()}
        self._add(result, sitemap.index_part(self.base_url, dated))


class NewsWindow:
    """A round of the worker's scheduler: mark the news sitemap dirty when an article's time
    left the 48-hour window (or reached ``now``) since the previous round. The first round marks
    it anyway (the worker was away: time passed), which costs one render and, if nothing
    changed, no new document."""

    def __init__(self, app: Flask):
        self.app = app
        self.checked: datetime | None = None

    def __call__(self) -> bool:
        now = utcnow()
        window = sitemap.NEWS_WINDOW
        with db.database(self.app).session() as session:
            due = self.checked is None or (
                article_store.published_in(session, self.checked - window, now - window)
                or article_store.published_in(session, self.checked, now)
            )
            if due:
                outbox.mark(session, targets.with_priority([targets.SITEMAP_NEWS]))
                notify.announce(self.app, session, notify.OUTBOX_CHANNEL)
                # In-process publication (tests, SQLite without a worker) settles on commit.
                session.info["syndicate.publication.marked"] = True
        self.checked = now
        if due:
            log.info("scheduler: the news sitemap's window moved; marked for publication")
        return due
