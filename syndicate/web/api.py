"""Editor API, JSON under /api/v1. Handlers: parse → validate → service → response."""

from __future__ import annotations

from typing import Any

import orjson
from flask import Blueprint, Response, current_app, g, request, url_for

from syndicate.editorial import articles, idempotency, payloads, sections
from syndicate.editorial.representation import article_etag, article_json, section_json
from syndicate.errors import (
    BadRequest,
    Conflict,
    FieldError,
    PreconditionRequired,
    ValidationFailed,
)
from syndicate.languages import CODES
from syndicate.numbers import strict_int
from syndicate.storage import articles as article_store
from syndicate.storage import db
from syndicate.storage import sections as section_store
from syndicate.web.auth import require

blueprint = Blueprint("api", __name__, url_prefix="/api/v1")

JSON_TYPE = "application/json"


def json_response(body: Any, status: int = 200, headers: dict | None = None) -> Response:
    return Response(orjson.dumps(body), status=status, mimetype=JSON_TYPE, headers=headers)


def read_json() -> Any:
    """Parse the body, refusing an oversized one before reading it."""
    limit = current_app.config["SYNDICATE_MAX_REQUEST_BYTES"]
    if request.content_length is not None and request.content_length > limit:
        from werkzeug.exceptions import RequestEntityTooLarge

        raise RequestEntityTooLarge()
    if not request.mimetype or request.mimetype != JSON_TYPE:
        raise BadRequest("send the body as application/json")
    raw = request.get_data(cache=False)
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise BadRequest(f"the body is not valid JSON: {exc}") from None


def int_arg(name: str, default: int, *, low: int, high: int) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    value = strict_int(raw, low=low, high=high)
    if value is None:
        raise ValidationFailed(FieldError(name, f"must be an integer from {low} to {high}"))
    return value


# Sections ---------------------------------------------------------------------------------


@blueprint.get("/sections")
@require("editor")
def list_sections():
    items = [section_json(s) for s in section_store.list_all(db.session())]
    return json_response({"items": items})


@blueprint.post("/sections")
@require("admin")
def create_section():
    fields = payloads.parse_section(read_json(), partial=False)
    section = sections.create(db.session(), fields)
    location = url_for("api.get_section", slug=section.slug)
    return json_response(section_json(section), 201, {"Location": location})


@blueprint.get("/sections/<slug>")
@require("editor")
def get_section(slug: str):
    return json_response(section_json(sections.get(db.session(), slug)))


@blueprint.route("/sections/<slug>", methods=["PATCH", "PUT"])
@require("admin")
def update_section(slug: str):
    from syndicate.web.operations_api import accepted  # it builds on this module's helpers

    fields = payloads.parse_section(read_json(), partial=request.method == "PATCH")
    section, operation = sections.update(db.session(), slug, fields)
    if operation is None:  # nothing changed: nothing to re-publish
        return json_response({**section_json(section), "operation": None})
    # Re-publishing the feeds a rename or move touches runs in the background.
    return accepted(section_json(section), operation)


@blueprint.delete("/sections/<slug>")
@require("admin")
def delete_section(slug: str):
    sections.delete(db.session(), slug)
    return Response(status=204)


# Articles ---------------------------------------------------------------------------------


@blueprint.get("/articles")
@require("editor")
def list_articles():
    errors = []
    language = request.args.get("language")
    if language is not None and language not in CODES:
        errors.append(FieldError("language", f"must be one of {', '.join(CODES)}"))
    status = request.args.get("status")
    if status is not None and status not in payloads.STATUSES:
        errors.append(FieldError("status", f"must be one of {', '.join(payloads.STATUSES)}"))
    query = request.args.get("q")
    if query is not None and len(query) > 200:
        errors.append(FieldError("q", "must be at most 200 characters"))
    since = request.args.get("updated_since")
    if since is not None:
        try:
            since = payloads.parse_datetime(since, bounded=False)
        except ValueError as exc:
            errors.append(FieldError("updated_since", str(exc)))
    if errors:
        raise ValidationFailed(errors)
    page = int_arg("page", 1, low=1, high=1_000_000)
    per_page = int_arg("per_page", current_app.config["SYNDICATE_PAGE_SIZE"], low=1, high=200)
    filters = article_store.ArticleFilter(
        section=request.args.get("section"),
        language=language,
        status=status,
        updated_since=since,
        query=(query or "").strip() or None,
    )
    rows, total = article_store.list_page(
        db.session(), filters, limit=per_page, offset=(page - 1) * per_page
    )
    body = {
        "items": [article_json(a) for a in rows],
        "page": page,
        "per_page": per_page,
        "total": total,
    }
    args = {k: v for k, v in request.args.items() if k != "page"}
    if page * per_page < total:
        body["next"] = url_for("api.list_articles", page=page + 1, **args)
    if page > 1:
        body["previous"] = url_for("api.list_articles", page=page - 1, **args)
    return json_response(body)


def _created(article) -> idempotency.Answer:
    location = url_for("api.get_article", public_id=article.public_id)
    headers = {"Location": location, "ETag": article_etag(article)}
    return idempotency.Answer(201, orjson.dumps(article_json(article)), headers)


def _answer(answer: idempotency.Answer, *, replayed: bool = False) -> Response:
    headers = {**answer.headers, **({"Idempotent-Replayed": "true"} if replayed else {})}
    return Response(answer.body, status=answer.status, mimetype=JSON_TYPE, headers=headers)


@blueprint.post("/articles")
@require("editor")
def create_article():
    key = idempotency.parse_key(request.headers.get(idempotency.HEADER))
    payload = read_json()
    session = db.session()
    if key is None:
        fields = payloads.parse_article(payload, partial=False)
        return _answer(_created(articles.create(session, fields, editor=g.token.label)))
    token_id, print_ = g.token.id, idempotency.fingerprint(payload)
    stored = idempotency.stored_answer(session, token_id, key, print_)
    if stored is not None:
        return _answer(stored, replayed=True)
    fields = payloads.parse_article(payload, partial=False)
    record = idempotency.recorder(token_id, key, print_, _created)
    try:
        article = articles.create(session, fields, editor=g.token.label, before_commit=record)
    except Conflict:
        # A twin with the same key won the race: its answer is ours.
        stored = idempotency.stored_answer(session, token_id, key, print_)
        if stored is None:
            raise
        return _answer(stored, replayed=True)
    return _answer(_created(article))


@blueprint.get("/articles/<public_id>")
@require("editor")
def get_article(public_id: str):
    article = articles.get(db.session(), public_id)
    return json_response(article_json(article), headers={"ETag": article_etag(article)})


def expected_revision(fields: dict[str, Any], stem: str) -> int:
    """The revision the client edited: ``revision`` in the body or an ``If-Match`` ETag
    (an article's ``"<id>.r<n>"``, an editor's translation's ``"<id>.<language>.r<n>"``)."""
    if "revision" in fields:
        return fields["revision"]
    for etag in request.if_match.as_set():
        if not etag:  # werkzeug parses an empty quoted tag ("") as None
            continue
        named, _, rev = etag.rpartition(".r")
        revision = strict_int(rev, low=1)
        if named == stem and revision is not None:
            return revision
    if request.if_match:
        return -1  # an If-Match that names another version never matches
    raise PreconditionRequired(
        "send the revision you edited, as 'revision' in the body or an If-Match ETag"
    )


@blueprint.route("/articles/<public_id>", methods=["PATCH", "PUT"])
@require("editor")
def update_article(public_id: str):
    fields = payloads.parse_article(read_json(), partial=request.method == "PATCH")
    expected = expected_revision(fields, public_id)
    if request.method == "PUT":  # a replacement: what the client left out goes back to empty
        fields = {**payloads.PUT_DEFAULTS, **fields}
    article = articles.update(
        db.session(), public_id, fields, expected_revision=expected, editor=g.token.label
    )
    return json_response(article_json(article), headers={"ETag": article_etag(article)})


@blueprint.post("/articles/<public_id>/publish")
@require("editor")
def publish_article(public_id: str):
    return json_response(article_json(articles.set_status(db.session(), public_id, "published")))


@blueprint.post("/articles/<public_id>/unpublish")
@require("editor")
def unpublish_article(public_id: str):
    return json_response(article_json(articles.set_status(db.session(), public_id, "draft")))


@blueprint.delete("/articles/<public_id>")
@require("editor")
def delete_article(public_id: str):
    articles.delete(db.session(), public_id)
    return Response(status=204)


@blueprint.get("/openapi.json")
def openapi():
    from syndicate.web.openapi import document

    return json_response(document())


# Revision history and restore live beside, on this blueprint.
from syndicate.web import history_api  # noqa: E402, F401
