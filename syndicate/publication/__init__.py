"""Publication: the database is the truth of what is published; every host serves a copy.

outbox → publisher → store → mirror → serving:

- ``targets`` hooks the storage sessions: a change records the documents it makes dirty in its
  own transaction (the outbox), so nothing is lost between the commit and the render;
- ``publisher`` claims dirty targets, renders them (``render``) and stores the documents with
  their codings, ETag and Last-Modified in the database under a new generation;
- ``mirror`` brings a host's folder in step with the stored documents (on start, on every
  announcement through ``notify``, and by periodic catch-up);
- ``serving`` answers feed requests from the folder before Flask routing, with no database
  query; ``views`` handles what the folder lacks.

With ``SYNDICATE_QUEUE_URL=memory:`` (tests) the process that commits a change publishes it and
syncs its folder right after the commit, as translation jobs run as they are enqueued.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Iterator

from flask import Flask
from sqlalchemy import event

from syndicate.feed import sitemap
from syndicate.feed.urls import parse_feed_path
from syndicate.publication import (
    mirror,
    notify,
    publisher,
    serving,
    sitemaps,
    targets,
    views,
    websub,
)
from syndicate.storage import db, documents, outbox
from syndicate.storage.models import utcnow

log = logging.getLogger(__name__)

#: /healthz says "degraded" when the folder lags the database, or the outbox waits, this long.
BEHIND_AFTER = 30.0
BACKLOG_AFTER = 120.0


def init_app(app: Flask) -> None:
    app.extensions[publisher.EXTENSION] = work = publisher.Publisher(app)
    # WebSub: hubs hear of the subscription documents whose bytes changed, after the commit.
    work.on_stored.append(lambda paths: notify_hubs(app, paths))
    app.extensions[mirror.EXTENSION] = folder = mirror.Mirror(app)
    websub.init_app(app)
    sessions = db.database(app).sessionmaker
    targets.watch(
        sessions,
        lambda session: notify.announce(app, session, notify.OUTBOX_CHANNEL),
        block_size=sitemap.block_size(sitemaps.max_urls(app.config)),
        gather=targets.gathering(app.config),
    )
    if app.config["SYNDICATE_QUEUE_URL"].startswith("memory:"):
        event.listen(sessions, "after_commit", lambda session: _settle(app, session))
    app.register_blueprint(views.blueprint)
    fast_path = serving.FeedFiles(app.wsgi_app, app, repair=folder.repair)
    app.extensions[serving.EXTENSION] = fast_path
    app.wsgi_app = fast_path


_bulk = threading.local()


def on_verify(app: Flask, hook) -> None:
    """Have this host's mirror call ``hook(app)`` at each periodic verify of its folder."""
    mirror.for_app(app).on_verify.append(hook)


def _settle(app: Flask, session) -> None:
    if session.info.pop("syndicate.publication.marked", False) and not getattr(_bulk, "depth", 0):
        settle(app)


@contextlib.contextmanager
def deferred(app: Flask) -> Iterator[None]:
    """A bulk change in this process (an import, the demo in tests): publish once at its end
    rather than after each of its commits."""
    _bulk.depth = getattr(_bulk, "depth", 0) + 1
    try:
        yield
    finally:
        _bulk.depth -= 1
        if not _bulk.depth:
            settle(app)


def settle(app: Flask) -> publisher.Report:
    """Publish everything dirty and bring this host's folder up to date, in this process."""
    report = publisher.for_app(app).drain()
    mirror.for_app(app).sync()
    return report


def notify_hubs(app: Flask, stored: list[str]) -> None:
    """Tell the WebSub hubs about the feeds whose bytes changed (``stored`` paths): the
    subscription documents (archive pages never change once full, and readers do not subscribe
    to them). Queues jobs only: the pings are sent by the task queue's worker."""
    base_url = app.config["SYNDICATE_BASE_URL"]
    keys = (parse_feed_path(path) for path in stored)
    websub.notify_hubs(app, [key.url(base_url) for key in keys if key and key.archive is None])


def publish_everything(app: Flask) -> publisher.Report:
    """Render every document again (a first start, ``syndicate publish``), in this process."""
    publisher.for_app(app).mark_everything()
    return settle(app)


def health(app: Flask) -> tuple[str, dict, bool]:
    """``/healthz``'s publication check: is this host's folder in step, is the outbox moving."""
    try:
        with db.database(app).session() as session:
            generation, changed_at = documents.generation(session)
            waiting, oldest = outbox.pending(session)
    except Exception as exc:  # reported by the database check too
        return "publication", {"error": exc.__class__.__name__}, False
    applied = mirror.for_app(app).applied()
    now = utcnow()
    result = {
        "generation": generation,
        "folder_generation": applied,
        "outbox": waiting,
        "oldest_seconds": round((now - oldest).total_seconds(), 1) if oldest else 0,
    }
    problems = []
    if applied < generation and changed_at and (now - changed_at).total_seconds() > BEHIND_AFTER:
        problems.append(f"folder behind the database ({applied} < {generation})")
    if oldest and (now - oldest).total_seconds() > BACKLOG_AFTER:
        problems.append(f"outbox backing up ({waiting} waiting)")
    if problems:
        result["problems"] = problems
    return "publication", result, not problems
