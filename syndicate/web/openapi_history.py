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
            "parameters": [_id, number],
            "post": {
                "summary": "A new revision with that revision's content (revision required)",
                "parameters": [_if_match],
                "responses": {
                    "200": _ok("Restored", _ref("Article")),
                    **_errors(401, 404, 409, 422, 428),
                },
            },
        },
    }
