"""``GET /api/v1/operations/<id>``: a background operation (a glossary change marking
translations stale, a section rename re-publishing feeds), and the 202 answer that starts one."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, url_for

from syndicate.editorial.representation import rfc3339
from syndicate.errors import NotFound
from syndicate.storage import db
from syndicate.storage import operations as operation_store
from syndicate.storage.models import Operation
from syndicate.web.api import json_response
from syndicate.web.auth import require

blueprint = Blueprint("operations_api", __name__, url_prefix="/api/v1")


def operation_url(operation: Operation) -> str:
    return url_for("operations_api.get_operation", operation_id=operation.id)


def operation_json(operation: Operation) -> dict[str, Any]:
    return {
        "id": operation.id,
        "url": operation_url(operation),
        "kind": operation.kind,
        "params": operation.params,
        "status": operation.status,
        "progress": operation.progress,
        "total": operation.total,
        "done": operation.done,
        "detail": operation.detail,
        "error": operation.error,
        "result": operation.result,
        "attempts": operation.attempts,
        "created_at": rfc3339(operation.created_at),
        "started_at": rfc3339(operation.started_at),
        "finished_at": rfc3339(operation.finished_at),
    }


def accepted(body: dict[str, Any], operation: Operation) -> Response:
    """202: the change is committed, its long part runs in the background; ``Location`` is
    where to follow it."""
    payload = {**body, "operation": operation_json(operation)}
    return json_response(payload, 202, {"Location": operation_url(operation)})


@blueprint.get("/operations/<int:operation_id>")
@require("editor")
def get_operation(operation_id: int):
    operation = operation_store.get(db.session(), operation_id)
    if operation is None:
        raise NotFound(f"no operation {operation_id}")
    return json_response(operation_json(operation))


# OpenAPI -------------------------------------------------------------------------------------


def openapi_schemas() -> dict[str, Any]:
    return {
        "Operation": {
            "type": "object",
            "properties": {
                "id": {"type": "integer"},
                "url": {"type": "string", "description": "Where to follow it (also Location)."},
                "kind": {"enum": ["glossary-stale", "republish-sections"]},
                "params": {"type": "object"},
                "status": {"enum": ["queued", "running", "done", "failed"]},
                "progress": {"type": "number", "minimum": 0, "maximum": 1},
                "total": {"type": ["integer", "null"], "description": "Units of work."},
                "done": {"type": "integer", "description": "Units finished."},
                "detail": {"type": ["string", "null"]},
                "error": {"type": ["string", "null"]},
                "result": {
                    "type": ["object", "null"],
                    "description": "glossary-stale: `{stale_translations}`; republish-sections: "
                    "`{sections, targets, rendered, stored, removed}`.",
                },
                "attempts": {"type": "integer"},
                "created_at": {"type": "string", "format": "date-time"},
                "started_at": {"type": ["string", "null"], "format": "date-time"},
                "finished_at": {"type": ["string", "null"], "format": "date-time"},
            },
        },
    }


def accepted_response(description: str) -> dict[str, Any]:
    """A 202 answer: the changed resource with ``operation``, and ``Location``."""
    return {
        "description": description,
        "headers": {"Location": {"schema": {"type": "string"}}},
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "properties": {"operation": {"$ref": "#/components/schemas/Operation"}},
                }
            }
        },
    }


def openapi_paths(problem: dict[str, Any]) -> dict[str, Any]:
    operation_id = {
        "name": "operation_id",
        "in": "path",
        "required": True,
        "schema": {"type": "integer"},
    }
    return {
        "/api/v1/operations/{operation_id}": {
            "parameters": [operation_id],
            "get": {
                "summary": "A background operation: status, progress, result, error",
                "responses": {
                    "200": {
                        "description": "Operation",
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/Operation"}
                            }
                        },
                    },
                    "401": problem,
                    "404": problem,
                },
            },
        },
    }
