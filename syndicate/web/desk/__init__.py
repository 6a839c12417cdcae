"""The editor desk: server-rendered pages under /desk for editors signed in with their API token.

Progressive enhancement: every action is a plain form POST (with a CSRF token) that redirects
back; ``static/desk.js`` only follows running translation jobs and background operations.
Views call the editorial and translation services, like the API does.
"""

from __future__ import annotations

from flask import Blueprint, Flask

blueprint = Blueprint("desk", __name__, url_prefix="/desk")


def init_app(app: Flask) -> None:
    # The view modules add their routes to ``blueprint`` when imported, once per process.
    from syndicate.web.desk import (  # noqa: F401
        articles,
        bulk,
        context,
        csrf,
        glossary,
        history,
        jobs,
        media,
        models,
        operations,
        preview,
        session,
        translations,
    )

    csrf.init_app(app)
    app.register_blueprint(blueprint)
