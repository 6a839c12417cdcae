"""How browsers find their way: ``/favicon.ico``.

``/robots.txt`` and the sitemaps are publication documents (``syndicate.publication.sitemaps``):
rendered by publishers once per change and served from each host's folder like the feeds.
"""

from __future__ import annotations

from flask import Blueprint, current_app

blueprint = Blueprint("discovery", __name__)


@blueprint.get("/favicon.ico")
def favicon():
    """Browsers ask for /favicon.ico whatever the page says; pages link the SVG."""
    return current_app.send_static_file("favicon.ico")
