"""Keeping a host's folder (``SYNDICATE_FEEDS_DIR``) in step with the published documents.

Each web host has its own folder, which its fast path and nginx serve. ``sync`` applies every
document stored after the generation the folder holds (``.generation`` in the folder), in
generation order, and records the new one; a new host with an empty folder thus receives
everything. ``follow`` syncs whenever publishers announce a generation (LISTEN/NOTIFY or Redis
pub/sub, see ``notify``) and at least every ``SYNDICATE_MIRROR_INTERVAL`` seconds, so a lost
notification heals by catch-up; every minute it also checks that each file still matches its
document (a deleted or truncated file is written again).
"""

from __future__ import annotations

import contextlib
import logging
import os
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, current_app

from syndicate.feed.sitemap import is_site_path
from syndicate.feed.urls import OPML_PATH, parse_feed_path
from syndicate.publication import files, notify
from syndicate.storage import db, documents
from syndicate.storage.models import PublishedDocument

log = logging.getLogger(__name__)

EXTENSION = "syndicate.mirror"
STATE_FILE = ".generation"
BATCH = 200
VERIFY_EVERY = 60.0


@dataclass
class SyncReport:
    generation: int = 0
    written: int = 0
    removed: int = 0


class Mirror:
    def __init__(self, app: Flask):
        self.app = app
        self.root = Path(app.config["SYNDICATE_FEEDS_DIR"])
        self._lock = threading.Lock()
        #: Other folders of this host to bring in step at each verify (the media copies),
        #: registered by ``create_app``: each hook is called with the app.
        self.on_verify: list[Callable[[Flask], object]] = []

    # The folder's generation ---------------------------------------------------------------

    def applied(self) -> int:
        try:
            return int((self.root / STATE_FILE).read_text().strip() or 0)
        except (FileNotFoundError, ValueError):
            return 0

    def _record(self, generation: int) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".generation.", dir=self.root)
        with os.fdopen(fd, "w") as handle:
            handle.write(f"{generation}\n")
        os.replace(tmp, self.root / STATE_FILE)

    # Applying documents --------------------------------------------------------------------

    def apply(self, document: PublishedDocument | documents.Copy) -> bool:
        """Write (or remove) one document's files; whether anything changed on disk."""
        if document.deleted:
            return files.remove(self.root, document.path)
        files.write_document(
            self.root,
            document.path,
            {"identity": document.body, "gzip": document.body_gzip, "br": document.body_br},
            document.last_modified.timestamp(),
        )
        return True

    def sync(self) -> SyncReport:
        """Apply what was stored since the folder's generation."""
        with self._lock:
            report = SyncReport(generation=self.applied())
            database = db.database(self.app)
            while True:
                with database.session() as session:
                    batch = documents.changed_since(session, report.generation, BATCH)
                    if not batch:
                        break
                    newest = batch[-1].generation
                    if len(batch) == BATCH:
                        # The batch may end inside a generation: take that one whole, or
                        # leave it to the next round if the batch holds older ones too.
                        if batch[0].generation == newest:
                            batch = documents.changed_in(session, newest)
                        else:
                            batch = [d for d in batch if d.generation < newest]
                            newest = batch[-1].generation
                    for document in batch:
                        if document.deleted:
                            report.removed += self.apply(document)
                        else:
                            report.written += self.apply(document)
                self._record(newest)
                report.generation = newest
            return report

    def verify(self) -> int:
        """Rewrite files that are missing or do not match their document (size, then hash);
        remove feed (and sitemap) files no document backs. Returns how many files were repaired."""
        database = db.database(self.app)
        with database.session() as session:
            index = {path: (etag, size) for path, etag, size in documents.live_index(session)}
        broken = []
        for path, (_etag, size) in index.items():
            try:
                if (self.root / path).stat().st_size != size:
                    broken.append(path)
            except FileNotFoundError:
                broken.append(path)
        for relative in files.existing(self.root):
            ours = relative == OPML_PATH or parse_feed_path(relative) or is_site_path(relative)
            if relative not in index and ours:
                files.remove(self.root, relative)
        for start in range(0, len(broken), BATCH):
            with database.session() as session:
                for document in documents.bodies(session, broken[start : start + BATCH]):
                    self.apply(document)
        if broken:
            log.warning("mirror: rewrote %d missing or damaged files", len(broken))
        for hook in self.on_verify:
            try:
                hook(self.app)
            except Exception:  # the feeds are in step; the other folder is tried next time
                log.exception("mirror: a verify hook failed")
        return len(broken)

    def repair(self, relative: str, found_etag: str | None) -> PublishedDocument | None:
        """The document at ``relative`` if the file there is not it (missing, truncated),
        written again; ``None`` when the file is right or no document exists."""
        with db.database(self.app).session() as session:
            document = documents.get(session, relative)
            if document is None or document.etag == found_etag:
                return None
            session.expunge(document)
        with contextlib.suppress(OSError):  # a full disk: serve it from memory anyway
            self.apply(document)
        return document

    def follow(self, stop: threading.Event) -> None:
        """Sync on every announcement and at least every interval, until ``stop``."""
        waiter = notify.waiter(self.app, notify.PUBLICATION_CHANNEL)
        # Polling (the embedded SQLite default) looks often: it is one indexed local query.
        interval = float(
            self.app.config["SYNDICATE_PUBLISH_POLL"]
            if waiter.kind == "poll"
            else self.app.config["SYNDICATE_MIRROR_INTERVAL"]
        )
        log.info("mirror of %s following the publication (%s)", self.root, waiter.kind)
        verified = 0.0
        try:
            while not stop.is_set():
                try:
                    self.sync()
                    if time.monotonic() - verified > VERIFY_EVERY:
                        self.verify()
                        verified = time.monotonic()
                except Exception as exc:  # database away, disk full: keep serving, retry
                    log.warning("mirror: sync failed (%s); retrying", exc)
                    stop.wait(min(interval, 1.0))
                    continue
                waiter.wait(interval, stop)
        finally:
            waiter.close()


def for_app(app: Flask | None = None) -> Mirror:
    return (app or current_app).extensions[EXTENSION]
