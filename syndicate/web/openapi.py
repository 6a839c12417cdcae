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
TRANSLATION_ETAG = r'^"[^"]+\.(' + "|".join(CODES) + r')\.r[1-9][0-9]*"$'
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
    paths.update(_translation_paths())
    paths.update(operations_api.openapi_paths(_problem))
    from syndicate.web.openapi_history import revision_paths

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
                **_translation_schemas(),
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


def _translation_schemas() -> dict:
    languages = {"enum": list(CODES)}
    return {
        "Translation": {
            "type": "object",
            "properties": {
                "language": languages,
                "revision": {
                    "type": ["integer", "null"],
                    "readOnly": True,
                    "description": "Newest saved revision of the editor's translation (its "
                    "history: /revisions?language=); null before an editor saved one.",
                },
                "origin": {"enum": ["machine", "editor"], "readOnly": True},
                "status": {"enum": ["ready", "failed"], "readOnly": True},
                "model": {"type": ["string", "null"], "readOnly": True},
                "source_revision": {"type": "integer", "readOnly": True},
                "stale": {"type": "boolean", "readOnly": True},
                "title": {"type": "string"},
                "summary": {"type": "string"},
                "body_html": {"type": "string", "description": "Sanitized HTML."},
                "image": {
                    "type": "object",
                    "properties": {"caption": {"type": "string"}, "alt": {"type": "string"}},
                },
                "error": {"type": ["string", "null"], "readOnly": True},
            },
            "required": ["title"],
        },
        "Refresh": {
            "type": "object",
            "properties": {
                "language": languages,
                "force": {"type": "boolean", "description": "Replace editors' translations too."},
                "only_stale": {"type": "boolean", "description": "Sections only."},
            },
        },
        "Jobs": {
            "type": "object",
            "properties": {"jobs": {"type": "array", "items": {"type": "integer"}}},
        },
        "Job": {
            "type": "object",
            "properties": {
                "id": {"type": "integer"},
                "article": {"type": "string"},
                "language": languages,
                "source_revision": {"type": "integer"},
                "status": {"enum": ["queued", "running", "done", "failed", "superseded"]},
                "progress": {"type": "number", "minimum": 0, "maximum": 1},
                "attempts": {"type": "integer"},
                "error": {"type": ["string", "null"]},
                "detail": {"type": ["string", "null"]},
            },
        },
        "RemovedTerm": {
            "type": "object",
            "required": ["id", "stale_translations"],
            "properties": {
                "id": {"type": "integer"},
                "stale_translations": {"type": "integer", "minimum": 0},
            },
        },
        "GlossaryTerm": {
            "type": "object",
            "required": ["source_language", "target_language", "source_term"],
            "properties": {
                "id": {"type": "integer", "readOnly": True},
                "source_language": languages,
                "target_language": languages,
                "source_term": {"type": "string", "maxLength": 200},
                "target_term": {
                    "type": "string",
                    "maxLength": 200,
                    "description": "Empty or equal to source_term: keep the term untranslated.",
                },
                "operation": {
                    "readOnly": True,
                    "description": "The operation marking the affected machine translations "
                    "stale; its result says how many (`stale_translations`).",
                    **_ref("Operation"),
                },
            },
        },
    }


def _translation_paths() -> dict:
    language = {"name": "language", "in": "path", "required": True, "schema": {"enum": list(CODES)}}
    job_id = {"name": "job_id", "in": "path", "required": True, "schema": {"type": "integer"}}
    term_id = {"name": "term_id", "in": "path", "required": True, "schema": {"type": "integer"}}
    refresh_body = {"required": False, **_json(_ref("Refresh"))}
    queued = _ok("Jobs queued for the worker", _ref("Jobs"))
    term = _ref("GlossaryTerm")
    # What a restore of the translation (POST …/revisions/N/restore?language=) sends as If-Match.
    etag = {
        "ETag": {
            "description": "The editor's translation's newest revision, \"<id>.<language>.r<n>\" "
            "(`revision` in the body); absent before an editor saved one.",
            "schema": {"type": "string", "pattern": TRANSLATION_ETAG},
        }
    }
    marking = operations_api.accepted_response(
        "The term; the operation marks the machine translations containing it stale"
    )
    return {
        "/api/v1/articles/{public_id}/translations/{language}": {
            "parameters": [_id, language],
            "get": {
                "summary": "The article's translation into a language",
                "responses": {
                    "200": {**_ok("Translation", _ref("Translation")), "headers": etag},
                    **_errors(401, 404),
                },
            },
            "put": {
                "summary": "Replace the machine translation with an editor's (origin editor)",
                "requestBody": {"required": True, **_json(_ref("Translation"))},
                "responses": {
                    "200": {**_ok("Stored", _ref("Translation")), "headers": etag},
                    **_errors(401, 404, 413, 422),
                },
            },
        },
        "/api/v1/articles/{public_id}/translations/refresh": {
            "parameters": [_id],
            "post": {
                "summary": "Queue machine translation of the article again",
                "requestBody": refresh_body,
                "responses": {"202": queued, **_errors(401, 404, 422)},
            },
        },
        "/api/v1/sections/{slug}/translations/refresh": {
            "parameters": [_slug],
            "post": {
                "summary": "Queue machine translation of a section's published articles",
                "requestBody": refresh_body,
                "responses": {"202": queued, **_errors(401, 404, 422)},
            },
        },
        "/api/v1/jobs/{job_id}": {
            "parameters": [job_id],
            "get": {
                "summary": "A translation job: status, progress, attempts, error",
                "responses": {"200": _ok("Job", _ref("Job")), **_errors(401, 404)},
            },
        },
        "/api/v1/glossary": {
            "get": {
                "summary": "Glossary terms",
                "parameters": [
                    {"name": n, "in": "query", "schema": {"enum": list(CODES)}}
                    for n in ("source_language", "target_language")
                ],
                "responses": {"200": _ok("Terms"), **_errors(401, 422)},
            },
            "post": {
                "summary": "Add a term; 202: affected machine translations are marked stale "
                "in the background",
                "requestBody": {"required": True, **_json(term)},
                "responses": {"202": marking, **_errors(401, 409, 413, 422)},
            },
        },
        "/api/v1/glossary/{term_id}": {
            "parameters": [term_id],
            "patch": {
                "summary": "Change a term; 202 as for adding (200 when nothing changed)",
                "requestBody": {"required": True, **_json(term)},
                "responses": {
                    "200": _ok("Nothing changed (`operation` is null)", term),
                    "202": marking,
                    **_errors(401, 404, 409, 422),
                },
            },
            "delete": {
                "summary": "Remove a term; 202 as for adding",
                "responses": {"202": marking, **_errors(401, 404)},
            },
        },
    }
