"""How crawlers and browsers find their way: ``/robots.txt``, the sitemaps, ``/favicon.ico``.

The sitemaps are documents of ``syndicate.feed.sitemap`` (a pure function of the database); these
routes only serve them. Publication will render them once per change like the feeds; until then
each request builds them (one indexed pass over the published articles).
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app

from syndicate.errors import NotFound
from syndicate.feed import sitemap
from syndicate.storage import db

blueprint = Blueprint("discovery", __name__)

XML_TYPE = "application/xml"


def _cached(body: bytes, mimetype: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Cache-Control"] = (
        f"public, max-age={current_app.config['SYNDICATE_CACHE_MAX_AGE']}"
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@blueprint.get("/robots.txt")
def robots():
    return _cached(sitemap.robots_txt(current_app.config["SYNDICATE_BASE_URL"]), "text/plain")


def _sitemap(path: str) -> Response:
    documents = sitemap.build_sitemaps(db.session(), current_app.config)
    body = documents.get(path)
    if body is None:
        raise NotFound(f"no sitemap {path}")
    return _cached(body, XML_TYPE)


@blueprint.get("/sitemap.xml")
def sitemap_index():
    return _sitemap(sitemap.INDEX_PATH)


@blueprint.get("/sitemap-news.xml")
def news_sitemap():
    return _sitemap(sitemap.NEWS_PATH)


@blueprint.get("/sitemaps/<name>.xml")
def child_sitemap(name: str):
    return _sitemap(f"sitemaps/{name}.xml")


@blueprint.get("/favicon.ico")
def favicon():
    """Browsers ask for /favicon.ico whatever the page says; pages link the SVG."""
    return current_app.send_static_file("favicon.ico")
