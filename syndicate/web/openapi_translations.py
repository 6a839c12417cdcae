"""OpenAPI description of the translation routes (``translation_api``): an article's
translations, their refreshes and jobs, and the glossary."""

from __future__ import annotations

from syndicate.languages import CODES
from syndicate.web import operations_api
from syndicate.web.openapi import _errors, _id, _if_match, _json, _ok, _ref, _slug

# The ETag of an editor's translation (translation_api.translation_etag).
TRANSLATION_ETAG = r'^"[^"]+\.(' + "|".join(CODES) + r')\.r[1-9][0-9]*"$'


def translation_schemas() -> dict:
    languages = {"enum": list(CODES)}
    return {
        "Translation": {
            "type": "object",
            "properties": {
                "language": languages,
                "revision": {
                    "type": ["integer", "null"],
                    "minimum": 1,
                    "description": "Newest saved revision of the editor's translation (its "
                    "history: /revisions?language=); null before an editor saved one. Sent "
                    "back with a PUT (or as If-Match), another editor's save since is a 409.",
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


def translation_paths() -> dict:
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
                "parameters": [_if_match],
                "requestBody": {"required": True, **_json(_ref("Translation"))},
                "responses": {
                    "200": {**_ok("Stored", _ref("Translation")), "headers": etag},
                    **_errors(401, 404, 409, 413, 422),
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
