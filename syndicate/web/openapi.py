"""OpenAPI 3.1 description of the editor API (a test keeps it in step with the routes)."""

from __future__ import annotations

from syndicate import __version__
from syndicate.languages import CODES
from syndicate.web import operations_api
from syndicate.web.openapi_media import media_paths, media_schemas

_problem = {"$ref": "#/components/responses/Problem"}
_ref = lambda name: {"$ref": f"#/components/schemas/{name}"}  # noqa: E731


def _json(schema) -> dict:
    return {"content": {"application/json": {"schema": schema}}}


def _ok(description: str, schema=None) -> dict:
    return {"description": description, **(_json(schema) if schema else {})}


def _errors(*codes: int) -> dict:
    return {str(code): _problem for code in codes}


_id = {"name": "public_id", "in": "path", "required": True, "schema": {"type": "string"}}
_slug = {"name": "slug", "in": "path", "required": True, "schema": {"type": "string"}}
_if_match = {
    "name": "If-Match",
    "in": "header",
    "schema": {"type": "string"},
    "description": "ETag of the revision edited (alternative to `revision` in the body).",
}
_idempotency_key = {
    "name": "Idempotency-Key",
    "in": "header",
    "schema": {"type": "string", "pattern": "^[!-~]{1,200}$"},
    "description": "Retrying with the same key and body within 24 h answers the first answer "
    "again (header Idempotent-Replayed: true) and creates nothing; another body: 422.",
}
_lang_names = {"type": "object", "properties": {c: {"type": "string"} for c in CODES}}


def _common_problems(paths: dict) -> None:
    """What any operation may answer besides its own codes: 400 for a body that is not JSON
    (or a malformed header), 503 while the database is unreachable (with Retry-After)."""
    for item in paths.values():
        for method, operation in item.items():
            if method == "parameters" or operation.get("security") == []:
                continue
            responses = operation["responses"]
            if "requestBody" in operation or method in ("post", "put", "patch"):
                responses.setdefault("400", _problem)
            responses.setdefault("503", {"$ref": "#/components/responses/Unavailable"})


def _translation_state() -> dict:
    return {
        "type": "object",
        "properties": {
            "origin": {"enum": ["source", "machine", "editor", None]},
            "status": {"type": "string"},
            "model": {"type": ["string", "null"]},
            "stale": {"type": "boolean"},
        },
    }


def document() -> dict:
    article_props = {
        "id": {"type": "string", "description": "Stable public id; never changes."},
        "section": {"type": "string"},
        "language": {"enum": list(CODES)},
        "title": {"type": "string"},
        "summary": {"type": "string"},
        "body_html": {"type": "string", "description": "Sanitized HTML."},
        "author": {"type": "string"},
        "source": {"type": "string"},
        "image": {
            "type": ["object", "null"],
            "properties": {
                "url": {"type": "string"},
                "caption": {"type": "string"},
                "alt": {"type": "string"},
            },
        },
        "tags": {"type": "array", "items": {"type": "string"}},
        "canonical_url": {"type": ["string", "null"], "format": "uri"},
        "correction": {
            "type": "string",
            "description": "A correction note shown to readers in the item and on the page.",
        },
        "status": {
            "enum": ["draft", "scheduled", "published"],
            "description": "Publishing with a future published_at answers scheduled; the "
            "worker's scheduler publishes it at that time.",
        },
        "published_at": {"type": ["string", "null"], "format": "date-time"},
        "updated_at": {"type": ["string", "null"], "format": "date-time"},
        "revision": {"type": "integer", "minimum": 1},
        "translations": {
            "type": "object",
            "readOnly": True,
            "additionalProperties": _translation_state(),
        },
    }
    section_schema = {
        "type": "object",
        "required": ["slug", "name"],
        "properties": {
            "slug": {"type": "string", "pattern": "^[a-z0-9-]+$"},
            "parent": {"type": ["string", "null"]},
            "name": _lang_names,
            "description": _lang_names,
            "position": {"type": "integer"},
        },
        "additionalProperties": False,
    }
    write = lambda name: {"required": True, **_json(_ref(name))}  # noqa: E731
    section_change = {
        "200": _ok("Nothing changed (`operation` is null)"),
        "202": operations_api.accepted_response("Changed; the operation re-publishes its feeds"),
        **_errors(401, 403, 404, 422),
    }
    paths = {
        "/api/v1/sections": {
            "get": {
                "summary": "List sections",
                "responses": {"200": _ok("Sections"), **_errors(401)},
            },
            "post": {
                "summary": "Create a section (admin)",
                "requestBody": write("Section"),
                "responses": {
                    "201": _ok("Created", _ref("Section")),
                    **_errors(401, 403, 409, 413, 422),
                },
            },
        },
        "/api/v1/sections/{slug}": {
            "parameters": [_slug],
            "get": {
                "summary": "A section",
                "responses": {"200": _ok("Section", _ref("Section")), **_errors(401, 404)},
            },
            "put": {
                "summary": "Replace a section (admin); 202: feeds re-published in the background",
                "requestBody": write("Section"),
                "responses": section_change,
            },
            "patch": {
                "summary": "Change a section (admin); 202: feeds re-published in the background",
                "requestBody": write("Section"),
                "responses": section_change,
            },
            "delete": {
                "summary": "Delete an empty section (admin)",
                "responses": {"204": _ok("Deleted"), **_errors(401, 403, 404, 409)},
            },
        },
        "/api/v1/articles": {
            "get": {
                "summary": "List articles, most recently changed first (a search: best first)",
                "parameters": [
                    {"name": n, "in": "query", "schema": s}
                    for n, s in (
                        ("q", {"type": "string", "maxLength": 200}),
                        ("section", {"type": "string"}),
                        ("language", {"enum": list(CODES)}),
                        ("status", {"enum": ["draft", "scheduled", "published"]}),
                        ("updated_since", {"type": "string", "format": "date-time"}),
                        ("page", {"type": "integer", "minimum": 1, "maximum": 1_000_000}),
                        ("per_page", {"type": "integer", "minimum": 1, "maximum": 200}),
                    )
                ],
                "responses": {"200": _ok("A page of articles"), **_errors(401, 422)},
            },
            "post": {
                "summary": "Create an article",
                "parameters": [_idempotency_key],
                "requestBody": write("Article"),
                "responses": {
                    "201": _ok("Created", _ref("Article")),
                    **_errors(401, 409, 413, 422),
                },
            },
        },
        "/api/v1/articles/{public_id}": {
            "parameters": [_id],
            "get": {
                "summary": "An article",
                "responses": {"200": _ok("Article", _ref("Article")), **_errors(401, 404)},
            },
            "put": {
                "summary": "Replace an article (revision required)",
                "parameters": [_if_match],
                "requestBody": write("Article"),
                "responses": {
                    "200": _ok("Updated", _ref("Article")),
                    **_errors(401, 404, 409, 413, 422, 428),
                },
            },
            "patch": {
                "summary": "Change an article (revision required)",
                "parameters": [_if_match],
                "requestBody": write("Article"),
                "responses": {
                    "200": _ok("Updated", _ref("Article")),
                    **_errors(401, 404, 409, 413, 422, 428),
                },
            },
            "delete": {
                "summary": "Delete an article",
                "responses": {"204": _ok("Deleted"), **_errors(401, 404)},
            },
        },
        "/api/v1/articles/{public_id}/publish": {
            "parameters": [_id],
            "post": {
                "summary": "Publish",
                "responses": {"200": _ok("Published", _ref("Article")), **_errors(401, 404)},
            },
        },
        "/api/v1/articles/{public_id}/unpublish": {
            "parameters": [_id],
            "post": {
                "summary": "Back to draft",
                "responses": {"200": _ok("Unpublished", _ref("Article")), **_errors(401, 404)},
            },
        },
        "/api/v1/openapi.json": {
            "get": {
                "summary": "This document",
                "security": [],
                "responses": {"200": _ok("OpenAPI 3.1")},
            },
        },
    }
    # Below: they import this module's helpers.
    from syndicate.web.openapi_history import revision_paths
    from syndicate.web.openapi_translations import translation_paths, translation_schemas

    paths.update(translation_paths())
    paths.update(operations_api.openapi_paths(_problem))

    paths.update(revision_paths())
    paths.update(media_paths())
    _common_problems(paths)
    return {
        "openapi": "3.1.0",
        "info": {"title": "syndicate editor API", "version": __version__},
        "security": [{"bearer": []}],
        "paths": paths,
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "Article": {"type": "object", "properties": article_props},
                "Section": section_schema,
                **translation_schemas(),
                **operations_api.openapi_schemas(),
                **media_schemas(),
                "Problem": {
                    "type": "object",
                    "properties": {
                        "type": {"type": "string"},
                        "title": {"type": "string"},
                        "status": {"type": "integer"},
                        "detail": {"type": "string"},
                        "errors": {"type": "array"},
                    },
                },
            },
            "responses": {
                "Problem": {
                    "description": "RFC 9457 problem details",
                    "content": {"application/problem+json": {"schema": _ref("Problem")}},
                },
                "Unavailable": {
                    "description": "The database is unreachable: retry after Retry-After seconds",
                    "headers": {"Retry-After": {"schema": {"type": "integer", "minimum": 1}}},
                    "content": {"application/problem+json": {"schema": _ref("Problem")}},
                },
            },
        },
    }
