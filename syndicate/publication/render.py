"""Rendering what an outbox target names into documents (bytes in every coding, ETag and a
Last-Modified taken from the content). Reads the database, writes nothing but archive cuts."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from flask import Flask
from sqlalchemy.orm import Session

from syndicate.feed import build, opml
from syndicate.feed.render import MEDIA_TYPES, render
from syndicate.feed.urls import ALL, FORMATS, OPML_PATH, FeedKey, archive_prefix
from syndicate.languages import LANGUAGES
from syndicate.publication import files, sitemaps, targets
from syndicate.storage import archives as archive_store
from syndicate.storage import articles as article_store
from syndicate.storage import documents
from syndicate.storage import sections as section_store
from syndicate.storage.articles import FeedPosition

OPML_TYPE = "text/x-opml; charset=utf-8"
#: Last-Modified of a feed list without sections.
EPOCH = datetime(2023, 1, 1, tzinfo=UTC)


def etag(data: bytes) -> str:
    """The content hash the fast path and the database agree on."""
    return hashlib.sha256(data).hexdigest()[:24]


def rendered(path: str, media_type: str, data: bytes, updated: datetime) -> documents.Rendered:
    """A rendered document, not compressed yet (``with_codings``): a render that finds the
    stored bytes unchanged is not worth compressing."""
    return documents.Rendered(
        path=path,
        media_type=media_type,
        body=data,
        body_gzip=b"",
        body_br=b"",
        etag=etag(data),
        last_modified=updated.astimezone(UTC).replace(microsecond=0),
    )


def with_codings(document: documents.Rendered) -> documents.Rendered:
    """``document`` with its gzip and brotli bodies, to be stored."""
    compressed = files.compress(document.body)
    return replace(document, body_gzip=compressed["gzip"], body_br=compressed["br"])


@dataclass
class Output:
    documents: list[documents.Rendered] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    #: Further targets this one made dirty (archive pages that just closed).
    follow: list[str] = field(default_factory=list)
    renders: int = 0


class Renderer:
    def __init__(self, app: Flask):
        self.app = app
        self.settings = build.FeedSettings.of(app.config)
        self.prerender = app.config["SYNDICATE_PRERENDER_PAGES"]
        self.sitemaps = sitemaps.Sitemaps(app)
        #: Archive pages rendered in the current batch (``target``); none before the first.
        self._seen: set = set()

    def target(self, session: Session, target: str, seen: set | None = None) -> Output:
        """Render what ``target`` names. ``seen``: archive pages rendered earlier in the same
        batch (articles of one page each name it), skipped."""
        kind, _, rest = target.partition(":")
        out = Output()
        self._seen = seen if seen is not None else set()
        if kind == "opml":
            self._opml(session, out)
            return out
        if kind in ("sitemap", "robots"):
            self._site(session, target, out)
            return out
        language, section, *extra = rest.split(":")
        if kind == "current":
            self._current(session, language, section, out)
        elif kind == "sweep":
            self._sweep(session, language, section, out)
        elif kind == "archive":
            self._archive(session, language, section, int(extra[0]), out, explicit=False)
        elif kind == "at":
            position = (datetime.fromtimestamp(float(extra[0]), UTC), int(extra[1]))
            starts = archive_store.starts(session, language, section)
            number = archive_store.page_of(starts, position)
            if number is not None:
                # Through the outbox, so that a burst of changes to one archive page (the
                # translations of its articles) coalesces like page 1's.
                out.follow.append(targets.archive(language, section, number))
        else:
            raise ValueError(f"unknown publication target {target!r}")
        return out

    # Feeds --------------------------------------------------------------------------------

    def _section_ids(self, session: Session, section: str) -> list[int] | bool | None:
        if section == ALL:
            return None
        row = section_store.get(session, section)
        return False if row is None else section_store.subtree_ids(session, row)

    def cuts(self, session: Session, language: str, section: str) -> tuple[list, list[int]]:
        """The feed's archive cuts, cutting pages that filled up since; returns the cuts and
        the numbers of the pages that just closed."""
        ids = self._section_ids(session, section)
        size = self.settings.page_size
        starts = archive_store.starts(session, language, section)
        fallback = self.settings.fallback
        new: list[FeedPosition] = []
        if not starts:
            positions = article_store.feed_positions(
                session, ids, language, include_untranslated=fallback
            )
            new = positions[::size]
        else:
            # The open page closes when it holds more than a page: its next article starts one.
            tail = article_store.feed_positions(
                session,
                ids,
                language,
                include_untranslated=fallback,
                start=starts[-1],
                limit=size + 1,
            )
            while len(tail) > size:
                new.append(tail[size])
                tail = article_store.feed_positions(
                    session,
                    ids,
                    language,
                    include_untranslated=fallback,
                    start=tail[size],
                    limit=size + 1,
                )
        if new:
            archive_store.add(session, language, section, len(starts) + 1, new)
        closed_before = max(len(starts) - 1, 0)
        starts = starts + new
        closed = max(len(starts) - 1, 0)
        return starts, list(range(closed_before + 1, closed + 1))

    def _current(self, session: Session, language: str, section: str, out: Output) -> None:
        if self._section_ids(session, section) is False:
            self._sweep(session, language, section, out)
            return
        if language not in LANGUAGES:
            return
        starts, just_closed = self.cuts(session, language, section)
        closed = max(len(starts) - 1, 0)
        page = build.build_current(session, self.app.config, language, section, closed)
        self._add(out, page, lambda fmt: FeedKey(language, section, fmt))
        if just_closed:
            # The page before them gains its next-archive link; the new ones are rendered if
            # they are among the newest (older ones wait for their first request).
            wanted = {
                max(just_closed[0] - 1, 1),
                *range(max(closed - self.prerender + 1, 1), closed + 1),
            }
            out.follow.extend(targets.archive(language, section, n) for n in sorted(wanted))

    def _archive(self, session, language, section, number, out, *, explicit, starts=None):
        if starts is None:
            starts = archive_store.starts(session, language, section)
        closed = max(len(starts) - 1, 0)
        key = FeedKey(language, section, FORMATS[0], number)
        if key in self._seen:
            return
        newest = number > closed - self.prerender
        if not (explicit or newest or documents.etag_of(session, key.path) is not None):
            return  # never asked for: rendered on its first request
        page = build.build_archive(session, self.app.config, language, section, number, starts)
        self._seen.add(key)
        if page is not None:
            self._add(out, page, lambda fmt: FeedKey(language, section, fmt, number))

    def archive_now(self, session: Session, key: FeedKey) -> Output | None:
        """An archive page on its first request (``None``: no such page)."""
        starts = archive_store.starts(session, key.language, key.section)
        if key.archive is None or not 1 <= key.archive < len(starts):
            return None
        out = Output()
        self._archive(
            session, key.language, key.section, key.archive, out, explicit=True, starts=starts
        )
        return out if out.documents else None

    def _sweep(self, session: Session, language: str, section: str, out: Output) -> None:
        prefix = archive_prefix(language, section)
        live = documents.live_paths(session, prefix)
        if self._section_ids(session, section) is False:  # the section is gone
            out.removed.extend(FeedKey(language, section, fmt).path for fmt in FORMATS)
            out.removed.extend(live)
            archive_store.drop(session, language, section)
            return
        self._current(session, language, section, out)
        numbers = sorted({int(p[len(prefix) :].split(".", 1)[0]) for p in live})
        out.follow.extend(targets.archive(language, section, n) for n in numbers)

    def _add(self, out: Output, page: build.FeedPage, key) -> None:
        for fmt in FORMATS:
            out.renders += 1
            data = render(page.documents[fmt], fmt)
            out.documents.append(rendered(key(fmt).path, MEDIA_TYPES[fmt], data, page.updated))

    def _site(self, session: Session, target: str, out: Output) -> None:
        result = self.sitemaps.render(session, target)
        for path, media_type, data, updated in result.documents:
            out.renders += 1
            out.documents.append(rendered(path, media_type, data, updated))
        out.removed.extend(result.removed)
        out.follow.extend(result.follow)

    def _opml(self, session: Session, out: Output) -> None:
        sections = section_store.list_all(session)
        data = opml.render_opml(sections, self.settings.base_url)
        updated = max((s.updated_at for s in sections), default=EPOCH)
        out.renders += 1
        out.documents.append(rendered(OPML_PATH, OPML_TYPE, data, updated))
