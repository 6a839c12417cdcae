"""What the fast path leaves to Flask: files a host does not have (yet), and 404s.

A document the folder lacks (a host that has not caught up, a deleted file) is written from the
database and served; an archive page nobody asked for before (or a feed no publisher rendered
yet) is rendered once, stored in the database for every host, and served. The same goes for
``/robots.txt`` and the sitemaps: served from the database when the folder lacks them, rendered
by this request only if no publication ran yet (never built per request otherwise). Anything
else is a 404.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, request

from syndicate.feed import sitemap
from syndicate.feed.render import MEDIA_TYPES
from syndicate.feed.urls import OPML_PATH, parse_feed_path
from syndicate.publication import mirror, publisher, serving, targets

blueprint = Blueprint("feeds", __name__)

NOT_FOUND = (
    "No such feed. Feeds are /feeds/<en|zh>/<section|all>.<rss|atom|json>; see /feeds.opml\n"
)


def _not_found() -> Response:
    return Response(NOT_FOUND, status=404, mimetype="text/plain")


def _serve(relative: str, media_type: str) -> Response | None:
    """Answer exactly as the fast path does, once the file is there."""
    files = current_app.extensions[serving.EXTENSION]
    entry = files.lookup(relative)
    if entry is None:
        return None
    captured = {}

    def start_response(status, headers):
        captured["status"], captured["headers"] = status, headers

    body = files.respond(request.environ, start_response, relative, entry, media_type)
    return Response(body, status=captured["status"], headers=captured["headers"])


def _from_database(relative: str) -> bool:
    return mirror.for_app().repair(relative, None) is not None


@blueprint.route("/feeds/<path:relative>", methods=["GET", "HEAD"])
def feed(relative: str):
    key = parse_feed_path(relative)
    if key is None:
        return _not_found()
    if not _from_database(relative):
        if not publisher.for_app().publish_missing(key):
            return _not_found()
        mirror.for_app().sync()  # its other formats too
    return _serve(relative, MEDIA_TYPES[key.fmt]) or _not_found()


@blueprint.route("/feeds.opml", methods=["GET", "HEAD"])
def opml():
    if _from_database(OPML_PATH):
        served = _serve(OPML_PATH, serving.OPML_TYPE)
        if served is not None:
            return served
    return Response("The feed list is not published yet.\n", status=404, mimetype="text/plain")


#: The documents that always exist, and the target that renders each.
TOP = {
    sitemap.ROBOTS_PATH: targets.ROBOTS,
    sitemap.INDEX_PATH: targets.SITEMAP_ALL,
    sitemap.NEWS_PATH: targets.SITEMAP_NEWS,
}


def _site(relative: str) -> Response:
    if not _from_database(relative):
        # Published with everything else; this host answers before any publication ran (or
        # the document does not exist: a child the index does not name).
        anchor = relative if relative in TOP else sitemap.INDEX_PATH
        if anchor == relative or mirror.for_app().repair(anchor, None) is None:
            publisher.for_app().publish_site_now(TOP[anchor])
            mirror.for_app().sync()
    served = _serve(relative, serving.site_type(relative))
    if served is not None:
        return served
    return Response(f"No such document: /{relative}\n", status=404, mimetype="text/plain")


@blueprint.route("/robots.txt", methods=["GET", "HEAD"])
def robots():
    return _site(sitemap.ROBOTS_PATH)


@blueprint.route("/sitemap.xml", methods=["GET", "HEAD"])
def sitemap_index():
    return _site(sitemap.INDEX_PATH)


@blueprint.route("/sitemap-news.xml", methods=["GET", "HEAD"])
def news_sitemap():
    return _site(sitemap.NEWS_PATH)


@blueprint.route("/sitemaps/<name>.xml", methods=["GET", "HEAD"])
def child_sitemap(name: str):
    relative = f"{sitemap.CHILDREN_PREFIX}{name}.xml"
    if not sitemap.is_site_path(relative):
        return Response("No such sitemap.\n", status=404, mimetype="text/plain")
    return _site(relative)
