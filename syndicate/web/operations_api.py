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
