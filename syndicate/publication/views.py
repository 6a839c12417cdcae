"""What the fast path leaves to Flask: 404s, and older pages rendered on first request."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, request

from syndicate.feed.render import MEDIA_TYPES
from syndicate.feed.urls import parse_feed_path
from syndicate.publication import publisher, serving

blueprint = Blueprint("feeds", __name__)

NOT_FOUND = (
    "No such feed. Feeds are /feeds/<en|zh>/<section|all>.<rss|atom|json>; see /feeds.opml\n"
)


def _not_found() -> Response:
    return Response(NOT_FOUND, status=404, mimetype="text/plain")


@blueprint.route("/feeds/<path:relative>", methods=["GET", "HEAD"])
def feed(relative: str):
    key = parse_feed_path(relative)
    pub = publisher.for_app()
    if key is None or key.page <= pub.prerender_pages:
        return _not_found()  # pages up to prerender_pages are always published when they exist
    if not pub.publish_page(key):
        return _not_found()
    # Now on disk: answer exactly as the fast path does.
    files = current_app.extensions[serving.EXTENSION]
    entry = files.lookup(relative)
    if entry is None:
        return _not_found()
    captured = {}

    def start_response(status, headers):
        captured["status"], captured["headers"] = status, headers

    body = files.respond(request.environ, start_response, relative, entry, MEDIA_TYPES[key.fmt])
    return Response(body, status=captured["status"], headers=captured["headers"])


@blueprint.route("/feeds.opml", methods=["GET", "HEAD"])
def opml():
    return Response("The feed list is not published yet.\n", status=404, mimetype="text/plain")
