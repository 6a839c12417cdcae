"""/healthz: is the database reachable, which translation directions are missing."""

from __future__ import annotations

from flask import Blueprint, current_app

from syndicate.storage import db
from syndicate.web.api import json_response

blueprint = Blueprint("health", __name__)

EXTENSION = "syndicate.health"


def add_check(app, check) -> None:
    """Register ``check(app) -> (name, result, healthy)``; translation adds its directions."""
    app.extensions.setdefault(EXTENSION, []).append(check)


@blueprint.get("/healthz")
def healthz():
    body: dict = {"status": "ok"}
    try:
        with db.database().engine.connect() as connection:
            connection.exec_driver_sql("SELECT 1")
        body["database"] = "ok"
    except Exception as exc:  # the point of a health check is to report, not raise
        body["database"] = f"error: {exc.__class__.__name__}"
        body["status"] = "error"
    for check in current_app.extensions.get(EXTENSION, ()):
        name, result, healthy = check(current_app)
        body[name] = result
        if not healthy and body["status"] == "ok":
            body["status"] = "degraded"
    return json_response(body, 200 if body["status"] != "error" else 503)
