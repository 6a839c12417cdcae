"""Scheduled publishing: an article published with a future ``published_at`` is ``scheduled``;
when its time comes, the scheduler (a thread of ``syndicate worker``) publishes it, with no
request needed.

Going live is an ordinary edit of the article: an ORM update of ``status`` in a committed
session (conditional on the revision the scheduler read, so an editor's concurrent save wins
and the article is looked at again on the next round), then the ``article_changed`` signal that
every editorial service sends. Publication and translation react to it as to a click on Publish.
The translation itself was queued when the article was scheduled, so both languages go live
together.

Other time-driven work joins the same loop as ``rounds`` (callables run after each look, each
failing on its own): the worker adds the news sitemap's window (``publication.sitemaps``), which
this layer does not import.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence

from flask import Flask
from sqlalchemy.orm.exc import StaleDataError

from syndicate import events
from syndicate.storage import articles as article_store
from syndicate.storage import db
from syndicate.storage.models import Article, utcnow

log = logging.getLogger(__name__)


def publish_due(app: Flask) -> list[str]:
    """Publish every scheduled article whose time has come; return their public ids."""
    published: list[str] = []
    with db.database(app).session() as session:
        due = article_store.due(session, utcnow())
    for article_id in due:
        try:
            with db.database(app).session() as session:
                article = session.get(Article, article_id)
                if article is None or article.status != "scheduled":
                    continue  # unpublished or edited meanwhile
                now = utcnow()
                if article.published_at is None or article.published_at > now:
                    continue  # moved to a later time meanwhile
                article.status = "published"
                article.modified_at = now
                public_id, section = article.public_id, article.section.slug
        except StaleDataError:
            log.info("scheduled article %s changed while going live; next round", article_id)
            continue
        published.append(public_id)
        log.info("scheduled article %s is live", public_id)
        with app.app_context():
            events.article_changed.send(
                app, article_id=public_id, sections=[section], reason="published"
            )
    return published


class Scheduler(threading.Thread):
    """Looks for due articles every ``SYNDICATE_SCHEDULER_INTERVAL`` seconds until stopped."""

    def __init__(self, app: Flask, rounds: Sequence[Callable[[], object]] = ()):
        super().__init__(name="syndicate-scheduler", daemon=True)
        self.app = app
        self.rounds = list(rounds)
        self.interval = float(app.config["SYNDICATE_SCHEDULER_INTERVAL"])
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.is_set():
            try:
                publish_due(self.app)
            except Exception:  # a database outage: try again next round, never die
                log.exception("the scheduler could not publish due articles")
            for work in self.rounds:
                try:
                    work()
                except Exception:
                    log.exception("the scheduler's round %r failed", work)
            self._stop_event.wait(self.interval)

    def stop(self, timeout: float = 10) -> None:
        self._stop_event.set()
        self.join(timeout)


def start(app: Flask, rounds: Sequence[Callable[[], object]] = ()) -> Scheduler:
    scheduler = Scheduler(app, rounds)
    scheduler.start()
    return scheduler
