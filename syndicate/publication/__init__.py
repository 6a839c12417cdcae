"""Publication: feeds are rendered once per change into the publication folder (``feeds/``)
and served from there, by the app's own WSGI fast path or by any static server.

``publisher`` renders and writes the affected files when content changes (it listens to the
editorial and translation signals); ``files`` writes them atomically with precompressed
copies; ``serving`` answers feed requests from those files without touching the database.
"""

from __future__ import annotations

from flask import Flask

from syndicate import events
from syndicate.publication import publisher, serving, views


def _on_article_change(sender: Flask, *, sections, **_) -> None:
    if publisher.EXTENSION in sender.extensions:
        publisher.for_app(sender).publish_sections(sections)


def _on_section_change(sender: Flask, **_) -> None:
    if publisher.EXTENSION in sender.extensions:
        publisher.for_app(sender).publish_all()


def init_app(app: Flask) -> None:
    app.extensions[publisher.EXTENSION] = publisher.Publisher.from_app(app)
    # Module-level receivers, connected once however many apps there are (tests make many).
    events.article_changed.connect(_on_article_change)
    events.variant_changed.connect(_on_article_change)
    events.section_changed.connect(_on_section_change)
    app.register_blueprint(views.blueprint)
    fast_path = serving.FeedFiles(app.wsgi_app, app)
    app.extensions[serving.EXTENSION] = fast_path
    app.wsgi_app = fast_path
