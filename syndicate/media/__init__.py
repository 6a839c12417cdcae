"""The media library: images uploaded by editors, cleaned and resized once (``processing``),
stored in the database (``library``, ``syndicate.storage.media``) and served from
``/media/`` by a WSGI fast path that writes them through to a local folder (``serving``)."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from syndicate.media import serving

    fast_path = serving.MediaFiles(app.wsgi_app, app)
    app.extensions[serving.EXTENSION] = fast_path
    app.wsgi_app = fast_path


def prune_copies(app: Flask) -> list[str]:
    """Remove this host's copies of deleted images (the mirror calls it at each verify, so a
    deletion on one host reaches every host's folder within a minute)."""
    from syndicate.media import library, serving
    from syndicate.storage import db

    with db.database(app).session() as session:
        gone = library.prune_copies(session, app.config["SYNDICATE_MEDIA_DIR"])
    fast_path = app.extensions.get(serving.EXTENSION)
    if fast_path is not None and gone:
        fast_path.forget(gone)
    return gone
