"""OpenAPI description of the revision history routes (``history_api``)."""

from __future__ import annotations

from syndicate.languages import CODES
from syndicate.web.openapi import _errors, _id, _if_match, _ok, _ref


def revision_paths() -> dict:
    number = {"name": "number", "in": "path", "required": True, "schema": {"type": "integer"}}
    language = {
        "name": "language",
        "in": "query",
        "schema": {"enum": list(CODES)},
        "description": "A translation's history (default: the original's).",
    }
    restore_language = (
        "Restore a revision of the editor's translation into this language (default: the "
        "original). `revision` is then the translation's newest revision (its `revision`)."
    )
    restore_if_match = (
        "ETag of the revision you saw as the newest (alternative to `revision` in the body): "
        'the article\'s "<id>.r<n>", a translation\'s "<id>.<language>.r<n>".'
    )
    return {
        "/api/v1/articles/{public_id}/revisions": {
            "parameters": [_id, language],
            "get": {
                "summary": "Saved revisions, newest first: {revision, updated_at, editor, "
                "fields_changed}",
                "responses": {"200": _ok("Revisions"), **_errors(401, 404, 422)},
            },
        },
        "/api/v1/articles/{public_id}/revisions/{number}": {
            "parameters": [_id, number, language],
            "get": {
                "summary": "The article as it was at that revision",
                "responses": {"200": _ok("Revision"), **_errors(401, 404, 422)},
            },
        },
        "/api/v1/articles/{public_id}/revisions/{number}/restore": {
            "parameters": [_id, number, {**language, "description": restore_language}],
            "post": {
                "summary": "A new revision with that revision's content (revision required)",
                "parameters": [{**_if_match, "description": restore_if_match}],
                "responses": {
                    "200": _ok(
                        "Restored: the article, or with language the editor's translation",
                        {"oneOf": [_ref("Article"), _ref("Translation")]},
                    ),
                    **_errors(401, 404, 409, 422, 428),
                },
            },
        },
    }
