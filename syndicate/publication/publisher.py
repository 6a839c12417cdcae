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
from collections.abc import Callable
from dataclasses import dataclass, field

from flask import Flask, current_app

from syndicate.publication import notify, render, targets
from syndicate.storage import db, documents, outbox
from syndicate.storage.models import utcnow

log = logging.getLogger(__name__)
EXTENSION = "syndicate.publisher"
#: Targets one publisher claims at once: a burst of translations touches many archive targets
#: (cheap, often resolving to no page); several publishers still share a larger burst.
BATCH = 16
#: Seconds of rendering after which what is rendered is stored before the rest of the batch:
#: page 1 of a feed, claimed first, reaches the hosts without waiting for 15 other renders.
FLUSH_AFTER = 0.15
MAX_RETRY_DELAY = 300.0
#: Seconds a target marked again while it rendered waits before its next render. The first
#: change after a quiet spell is rendered at once; a feed every edit touches (``all``, under a
#: stream of edits or translations) is then rendered about three times a second, not after
#: each change (which took the cores the editors' requests needed).
AGAIN_AFTER = 0.3


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
        self.gather = targets.gathering(app.config)
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"
        #: Documents rendered by this process (tests assert that requests never render).
        self.renders = 0
        #: Called with the paths of the documents stored, after their transaction committed.
        self.on_stored: list[Callable[[list[str]], None]] = []
        self._draining = threading.local()

    @property
    def database(self) -> db.Database:
        return db.database(self.app)

    def mark_everything(self) -> None:
        with self.app.app_context(), self.database.session() as session:
            outbox.mark(session, targets.everything(session))

    def run_once(self, report: Report | None = None, *, gathering: bool = False) -> int:
        """Claim a batch, render each target, store the batch; returns how many it took
        (``gathering``: targets still gathering changes too)."""
        report = report if report is not None else Report()
        with self.database.session() as session:
            claims = outbox.claim(
                session, self.owner, limit=BATCH, lease=self.lease, gathering=gathering
            )
        if not claims:
            return 0
        done: list[tuple[outbox.Claim, render.Output]] = []
        seen: set = set()  # archive pages already rendered in this batch (shared by articles)
        started = time.monotonic()
        for claim in claims:
            try:
                with self.app.app_context(), self.database.session() as session:
                    out = self.renderer.target(session, claim.target, seen)
                self.renders += out.renders
                report.rendered += out.renders
                done.append((claim, out))
            except Exception as exc:
                self._failed(claim, exc)
            if done and time.monotonic() - started >= FLUSH_AFTER:
                self._store(done, report)
                done, started = [], time.monotonic()
        if done:
            self._store(done, report)
        return len(claims)

    def _store(self, done: list[tuple[outbox.Claim, render.Output]], report: Report) -> None:
        already = len(report.stored)
        try:
            with self.database.session() as session:
                self._finish(session, done, report)
            report.targets += len(done)
        except Exception as exc:
            for claim, _out in done:
                self._failed(claim, exc)
        self._announce(report.stored[already:])

    def _announce(self, paths: list[str]) -> None:
        for hook in self.on_stored if paths else ():
            try:
                hook(paths)
            except Exception:  # the documents are stored; what reacts only logs its failure
                log.exception("publisher: a hook failed for %d stored documents", len(paths))

    def _finish(self, session, done, report: Report) -> None:
        """Store a batch's documents, then settle its claims, in one transaction. Locks are
        taken in one order by every publisher (documents by path, outbox rows by target, the
        generation row last), and the outbox rows editors' commits also touch are locked only
        for the last statements."""
        mine = outbox.owned(session, [claim.id for claim, _out in done], self.owner)
        kept = [(claim, out) for claim, out in done if claim.id in mine]
        for claim, _out in done:
            if claim.id not in mine:
                log.warning("publisher: %s was taken over; result dropped", claim.target)
        merged = render.Output()
        for _claim, out in kept:
            merged.documents.extend(out.documents)
            merged.removed.extend(out.removed)
            merged.follow.extend(out.follow)
        changed, removing = self._changes(session, merged)
        documents.store(session, changed, documents.PENDING)
        removed = documents.remove(session, removing, documents.PENDING)
        if merged.follow:
            outbox.mark(session, targets.with_priority(merged.follow))
        for claim, _out in sorted(kept, key=lambda pair: pair[0].target):
            # Marked again while it rendered: it gathers changes again before the next render.
            gather = self.gather.get(claim.priority) or AGAIN_AFTER
            outbox.finish(session, claim, self.owner, gather=gather)
        if changed or removed:
            # Last: the generation row stays locked until this transaction commits.
            generation = documents.next_generation(session)
            documents.assign(session, [d.path for d in changed] + removed, generation)
            notify.announce(self.app, session, notify.PUBLICATION_CHANNEL, generation)
        report.stored.extend(d.path for d in changed)
        report.removed.extend(removed)

    def _changes(self, session, out: render.Output):
        """The documents whose bytes differ from the stored ones (one per path: the last
        rendered), compressed, and the live ones to remove."""
        latest = {d.path: d for d in out.documents}
        stored = documents.etags(session, [*latest, *out.removed])
        changed = sorted(
            # Compressed only now: many renders find the stored bytes (the feed in the other
            # language, an archive page the change did not reach).
            (render.with_codings(d) for d in latest.values() if stored.get(d.path) != d.etag),
            key=lambda d: d.path,
        )
        removing = sorted(p for p in set(out.removed) if stored.get(p) and p not in latest)
        return changed, removing

    def _failed(self, claim: outbox.Claim, exc: Exception) -> None:
        delay = min(2.0 ** min(claim.attempts, 16), MAX_RETRY_DELAY)
        log.error(
            "publisher: %s failed (attempt %d: %s); retry in %.0f s",
            claim.target,
            claim.attempts,
            exc,
            delay,
            exc_info=exc,
        )
        try:
            with self.database.session() as session:
                outbox.release(session, claim, self.owner, error=str(exc)[:2000], retry_in=delay)
        except Exception:  # the claim runs out by itself
            log.warning("publisher: could not release %s", claim.target)

    def drain(self, *, timeout: float | None = None) -> Report:
        """Publish everything dirty, in this process, until nothing is left (or ``timeout``
        seconds passed): targets still gathering changes too (a drain is asked for now)."""
        report = Report()
        started = time.monotonic()
        if getattr(self._draining, "active", False):
            return report  # a commit made while draining: this drain's loop picks it up
        self._draining.active = True
        try:
            while self.run_once(report, gathering=True):
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
        self._store_now(out)
        return True

    def publish_site_now(self, target: str) -> None:
        """Render sitemaps (a ``targets.SITEMAP_*``) or robots.txt on a request before any
        publication did, and store them for every host."""
        with self.app.app_context(), self.database.session() as session:
            out = self.renderer.target(session, target)
        self._store_now(out)

    def _store_now(self, out: render.Output) -> None:
        self.renders += out.renders
        with self.database.session() as session:
            changed, _removing = self._changes(session, out)
            if changed:  # another host may have stored it a moment ago
                documents.store(session, changed, documents.PENDING)
                generation = documents.next_generation(session)
                documents.assign(session, [d.path for d in changed], generation)
                notify.announce(self.app, session, notify.PUBLICATION_CHANNEL, generation)
        self._announce([d.path for d in changed])

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
                poll = self.app.config["SYNDICATE_PUBLISH_POLL"]
                # Polling looks every ``poll`` anyway; a notified waiter is told when to look.
                waiter.wait(poll, stop, None if waiter.kind == "poll" else self._due_in())
        finally:
            waiter.close()

    def _due_in(self) -> float | None:
        """Seconds until a waiting target becomes claimable: no notification says so."""
        try:
            with self.database.session() as session:
                due = outbox.next_due(session)
        except Exception:  # the database is away: the loop finds out at its next claim
            return None
        return None if due is None else (due - utcnow()).total_seconds()


def for_app(app: Flask | None = None) -> Publisher:
    return (app or current_app).extensions[EXTENSION]
