"""Publishers: claim dirty targets from the outbox, render them, store the documents.

Any number of publishers may run (``syndicate worker`` runs one; tests and one-shot commands
drain the outbox in their own process): each claims different targets (``SKIP LOCKED`` on
PostgreSQL) and stores what changed under a new generation, which hosts follow to bring their
folders in step (``mirror``). A target marked again while it was rendered is rendered again;
a publisher that dies leaves its claim to run out, and the target is taken by another; a
render that fails is retried with a growing delay.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import threading
import time
from dataclasses import dataclass, field

from flask import Flask, current_app

from syndicate.publication import notify, render, targets
from syndicate.storage import db, documents, outbox

log = logging.getLogger(__name__)
EXTENSION = "syndicate.publisher"
#: Targets one publisher claims at once: small, so that several publishers share a burst.
BATCH = 4
MAX_RETRY_DELAY = 300.0


@dataclass
class Report:
    targets: int = 0
    rendered: int = 0
    stored: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    seconds: float = 0.0


class Publisher:
    def __init__(self, app: Flask):
        self.app = app
        self.renderer = render.Renderer(app)
        self.lease = float(app.config["SYNDICATE_PUBLISH_LEASE"])
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"
        #: Documents rendered by this process (tests assert that requests never render).
        self.renders = 0
        self._draining = threading.local()

    @property
    def database(self) -> db.Database:
        return db.database(self.app)

    def mark_everything(self) -> None:
        with self.app.app_context(), self.database.session() as session:
            outbox.mark(session, targets.everything(session))

    def run_once(self, report: Report | None = None) -> int:
        """Claim and publish one batch; returns how many targets it took."""
        with self.database.session() as session:
            claims = outbox.claim(session, self.owner, limit=BATCH, lease=self.lease)
        for claim in claims:
            self._publish(claim, report or Report())
        return len(claims)

    def drain(self, *, timeout: float | None = None) -> Report:
        """Publish until nothing claimable is left (or ``timeout`` seconds passed)."""
        report = Report()
        started = time.monotonic()
        if getattr(self._draining, "active", False):
            return report  # a commit made while draining: this drain's loop picks it up
        self._draining.active = True
        try:
            while self.run_once(report):
                if timeout is not None and time.monotonic() - started > timeout:
                    break
        finally:
            self._draining.active = False
        report.seconds = time.monotonic() - started
        return report

    def publish_missing(self, key) -> bool:
        """Render a feed document nobody published yet on its first request (an archive page
        past the newest ones; a subscription document before any publication ran) and store
        it for every host; whether the document exists."""
        with self.app.app_context(), self.database.session() as session:
            if key.archive is None:
                out = self.renderer.target(session, targets.current(key.language, key.section))
            else:
                out = self.renderer.archive_now(session, key)
        if out is None or not out.documents:
            return False
        self.renders += out.renders
        with self.database.session() as session:
            self._store(session, out, Report())
        return True

    def run_forever(self, stop: threading.Event) -> None:
        """The publisher loop of ``syndicate worker``: publish, then wait to be woken."""
        waiter = notify.waiter(self.app, notify.OUTBOX_CHANNEL)
        log.info("publisher %s started (%s)", self.owner, waiter.kind)
        try:
            while not stop.is_set():
                try:
                    if self.run_once():
                        continue
                except Exception:  # the database is away: wait, then try again
                    log.exception("publisher: could not claim work")
                    stop.wait(1.0)
                    continue
                waiter.wait(self.app.config["SYNDICATE_PUBLISH_POLL"], stop)
        finally:
            waiter.close()

    def _publish(self, claim: outbox.Claim, report: Report) -> None:
        try:
            with self.app.app_context(), self.database.session() as session:
                out = self.renderer.target(session, claim.target)
            self.renders += out.renders
            report.rendered += out.renders
            with self.database.session() as session:
                if not outbox.still_mine(session, claim, self.owner):
                    log.warning("publisher: %s was taken over; result dropped", claim.target)
                    return
                if out.follow:
                    outbox.mark(session, targets.with_priority(out.follow))
                outbox.finish(session, claim, self.owner)
                self._store(session, out, report)
            report.targets += 1
        except Exception as exc:
            delay = min(2.0**claim.attempts, MAX_RETRY_DELAY)
            log.exception(
                "publisher: %s failed (attempt %d); retry in %.0f s",
                claim.target,
                claim.attempts,
                delay,
            )
            try:
                with self.database.session() as session:
                    outbox.release(
                        session, claim, self.owner, error=str(exc)[:2000], retry_in=delay
                    )
            except Exception:  # the claim runs out by itself
                log.warning("publisher: could not release %s", claim.target)

    def _store(self, session, out: render.Output, report: Report) -> None:
        """Store what changed under a new generation, in the caller's transaction."""
        stored = documents.etags(session, [d.path for d in out.documents] + out.removed)
        changed = [d for d in out.documents if stored.get(d.path) != d.etag]
        removing = [p for p in out.removed if stored.get(p)]  # live ones only
        if not (changed or removing):
            return
        # Last: the generation row stays locked until this transaction commits (no outbox row may
        # be locked after it, or two publishers could wait on each other).
        generation = documents.next_generation(session)
        documents.store(session, changed, generation)
        report.removed.extend(documents.remove(session, removing, generation))
        report.stored.extend(d.path for d in changed)
        notify.announce(self.app, session, notify.PUBLICATION_CHANNEL, generation)


def for_app(app: Flask | None = None) -> Publisher:
    return (app or current_app).extensions[EXTENSION]
