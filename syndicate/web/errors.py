"""Errors as RFC 9457 problem details under /api; a localized HTML page for readers' 404 and
410 (``public.error_page``); short plain text elsewhere (feeds, health: read by programs)."""

from __future__ import annotations

import logging

import orjson
from flask import Flask, Response, request
from werkzeug.exceptions import HTTPException

from syndicate.errors import SyndicateError, Unauthorized
from syndicate.storage import db

log = logging.getLogger(__name__)
PROBLEM_TYPE = "application/problem+json"
#: Seconds a client is asked to wait while the database is unreachable.
OUTAGE_RETRY_AFTER = 5


def problem(status: int, title: str, detail: str, **extra) -> Response:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    body.update(extra)
    if request:
        body["instance"] = request.path
    return Response(orjson.dumps(body), status=status, mimetype=PROBLEM_TYPE)


def _wants_problem() -> bool:
    return request.path.startswith("/api/")


#: Paths read by programs: their errors stay plain text.
_MACHINE_PREFIXES = (
    "/api/",
    "/desk/",
    "/feeds/",
    "/feeds.opml",
    "/healthz",
    "/static/",
    "/sitemap",
)
READER_STATUSES = (404, 410)


def _wants_page(status: int) -> bool:
    return status in READER_STATUSES and not request.path.startswith(_MACHINE_PREFIXES)


def _page(status: int, detail: str) -> Response:
    from syndicate.web.public import error_page

    return error_page(status, detail)


def init_app(app: Flask) -> None:
    @app.errorhandler(SyndicateError)
    def _domain(exc: SyndicateError):
        if _wants_problem():
            response = problem(exc.status, exc.title, exc.detail, **exc.extra)
        elif _wants_page(exc.status):
            response = _page(exc.status, exc.detail)
        else:
            response = Response(exc.detail + "\n", status=exc.status, mimetype="text/plain")
        if isinstance(exc, Unauthorized):  # RFC 9110 11.6.1, RFC 6750 3
            response.headers["WWW-Authenticate"] = exc.challenge
        return response

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        if not _wants_problem():
            if _wants_page(exc.code or 500):
                return _page(exc.code or 500, "")
            return exc
        detail = exc.description or exc.name
        if exc.code == 413:
            limit = app.config["SYNDICATE_MAX_REQUEST_BYTES"]
            detail = f"the request body is larger than the limit of {limit} bytes"
        response = problem(exc.code or 500, exc.name, detail)
        if exc.code == 405 and exc.valid_methods:
            response.headers["Allow"] = ", ".join(exc.valid_methods)
        return response

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        if db.is_outage(exc):
            return _outage(exc)
        log.exception("unhandled error on %s %s", request.method, request.path)
        if _wants_problem():
            return problem(500, "Internal error", "an unexpected error occurred; it was logged")
        return Response("Internal error\n", status=500, mimetype="text/plain")


def _outage(exc: Exception) -> Response:
    """The database is down: 503 with Retry-After, everywhere (API, pages, desk), so clients
    and proxies retry; the next request after it is back succeeds (the pool pre-pings)."""
    log.warning(
        "database unavailable on %s %s: %s",
        request.method,
        request.path,
        (str(getattr(exc, "orig", exc)).splitlines() or [exc.__class__.__name__])[0],
    )
    response = problem(
        503, "Service unavailable", "the database is unavailable; retry in a few seconds"
    )
    response.headers["Retry-After"] = str(OUTAGE_RETRY_AFTER)
    return response
