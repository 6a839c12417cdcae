"""Renders exactly the feeds a change affects and writes them to the publication folder."""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from flask import Flask, current_app

from syndicate.feed import build, opml
from syndicate.feed.render import render
from syndicate.feed.urls import ALL, FORMATS, OPML_PATH, FeedKey, parse_feed_path
from syndicate.languages import CODES
from syndicate.publication import files
from syndicate.storage import db
from syndicate.storage import sections as section_store

log = logging.getLogger(__name__)
EXTENSION = "syndicate.publisher"


@dataclass
class Report:
    rendered: int = 0
    written: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    seconds: float = 0.0


@dataclass
class Publisher:
    app: Flask
    root: Path
    prerender_pages: int
    #: Documents rendered by this process (tests assert that requests never render).
    renders: int = 0
    #: While ``deferred()`` runs: the sections changed so far, published once at its end.
    _pending: set[str] | None = None

    @classmethod
    def from_app(cls, app: Flask) -> Publisher:
        return cls(
            app=app,
            root=Path(app.config["SYNDICATE_FEEDS_DIR"]),
            prerender_pages=app.config["SYNDICATE_PRERENDER_PAGES"],
        )

    # What changed -> what to render ------------------------------------------------------

    @contextlib.contextmanager
    def deferred(self) -> Iterator[None]:
        """Collect the changes of a bulk operation (an import, the demo) and publish once."""
        if self._pending is not None:
            yield
            return
        self._pending = set()
        try:
            yield
        finally:
            pending, self._pending = self._pending, None
            if pending:
                self.publish_sections(pending)

    def publish_sections(self, slugs: Iterable[str]) -> Report:
        """Re-render the feeds containing articles of these sections (their ancestors, all)."""
        if self._pending is not None:
            self._pending.update(slugs)
            return Report()
        with (
            self.app.app_context(),
            files.locked(self.root),
            db.database(self.app).session() as session,
        ):
            affected = build.affected_sections(session, set(slugs))
            return self._publish(session, affected, prune=False)

    def publish_all(self) -> Report:
        """Render every feed and the OPML; remove files of feeds that no longer exist."""
        with (
            self.app.app_context(),
            files.locked(self.root),
            db.database(self.app).session() as session,
        ):
            slugs = {s.slug for s in section_store.list_all(session)} | {ALL}
            report = self._publish(session, slugs, prune=True)
            sections = section_store.list_all(session)
            data = opml.render_opml(sections, self.app.config["SYNDICATE_BASE_URL"])
            if files.write(self.root, OPML_PATH, data):
                report.written.append(OPML_PATH)
            return report

    def publish_page(self, key: FeedKey) -> bool:
        """Render one older page on first request (pages past ``prerender_pages`` are not
        rendered ahead: a change would shift all of them). Returns whether it exists."""
        with (
            self.app.app_context(),
            files.locked(self.root),
            db.database(self.app).session() as session,
        ):
            page = build.build_page(session, self.app.config, key.language, key.section, key.page)
            if page is None:
                return False
            for fmt, document in page.documents.items():
                self.renders += 1
                path = FeedKey(key.language, key.section, fmt, key.page).path
                files.write(self.root, path, render(document, fmt))
            return True

    # Rendering ---------------------------------------------------------------------------

    def _publish(self, session, sections: set[str], *, prune: bool) -> Report:
        started = time.perf_counter()
        report = Report()
        expected: set[str] = set()
        feeds = [(section, language) for section in sorted(sections) for language in CODES]
        # Page 1 of every affected feed first: it is what subscribers poll, so it should be
        # fresh soonest; older pages (for backfilling partners) follow.
        pages: dict[tuple[str, str], build.FeedPage | None] = {}
        for section, language in feeds:
            pages[section, language] = self._render_page(
                session, language, section, 1, report, expected
            )
        for (section, language), first in pages.items():
            if first is not None:
                for number in range(2, min(first.page_count, self.prerender_pages) + 1):
                    self._render_page(session, language, section, number, report, expected)
            self._drop_stale_pages(language, section, first, report)
        if prune:
            self._prune(sections, expected, report)
        report.seconds = time.perf_counter() - started
        log.info(
            "published %d files (%d rendered, %d removed) for %s in %.0f ms",
            len(report.written),
            report.rendered,
            len(report.removed),
            ",".join(sorted(sections)),
            report.seconds * 1000,
        )
        return report

    def _render_page(self, session, language, section, number, report, expected):
        built = build.build_page(session, self.app.config, language, section, number)
        if built is None:  # the section is gone (its files are removed below)
            return None
        for fmt in FORMATS:
            key = FeedKey(language, section, fmt, number)
            self.renders += 1
            report.rendered += 1
            expected.add(key.path)
            if files.write(self.root, key.path, render(built.documents[fmt], fmt)):
                report.written.append(key.path)
        return built

    def _drop_stale_pages(self, language, section, first, report) -> None:
        """Older pages rendered on request before this change are shifted now: drop them, and
        every page past the new last one (all of them if the section is gone)."""
        for relative in files.existing(self.root / language / section):
            key = parse_feed_path(f"{language}/{section}/{relative}")
            if key is None:
                continue
            past_end = first is None or (first.complete and key.page > first.page_count)
            if key.page > self.prerender_pages or past_end:
                files.remove(self.root, key.path)
                report.removed.append(key.path)
        if first is None:
            for fmt in FORMATS:
                path = FeedKey(language, section, fmt).path
                if files.remove(self.root, path):
                    report.removed.append(path)

    def _prune(self, sections: set[str], expected: set[str], report: Report) -> None:
        """Remove the files of deleted sections and of pages that no longer exist."""
        for relative in files.existing(self.root):
            key = parse_feed_path(relative)
            if key is None or relative in expected:
                continue  # not a feed (README, OPML), or still published
            if key.section in sections and key.page > self.prerender_pages:
                continue  # an older page rendered on request; _publish_feed keeps it in step
            files.remove(self.root, relative)
            report.removed.append(relative)


def for_app(app: Flask | None = None) -> Publisher:
    return (app or current_app).extensions[EXTENSION]
