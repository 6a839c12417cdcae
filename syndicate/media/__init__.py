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
