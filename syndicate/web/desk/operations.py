"""Background operations an editor started on the desk (a glossary change marking translations
stale): shown with their progress on the glossary page, followed by ``desk.js`` through
``GET /desk/operations.json?id=…`` until they finish."""

from __future__ import annotations

from dataclasses import dataclass

from flask import request, session

from syndicate.storage import db
from syndicate.storage import operations as operation_store
from syndicate.storage.models import Operation
from syndicate.web.api import json_response
from syndicate.web.desk import blueprint, context
from syndicate.web.desk.context import _

OPERATIONS_KEY = "desk_operations"
RECENT = 10


@dataclass(frozen=True, slots=True)
class OperationView:
    id: int
    status: str
    finished: bool
    percent: int
    label: str  # what it does and how far it got, in the desk's language
    error: str | None
    stale: int | None  # translations a finished glossary change made stale

    def json(self) -> dict:
        return {
            "id": self.id,
            "status": self.status,
            "finished": self.finished,
            "percent": self.percent,
            "label": self.label,
            "error": self.error,
            "stale": self.stale,
        }


def view(operation: Operation) -> OperationView:
    stale = (operation.result or {}).get("stale_translations")
    if operation.status == operation_store.DONE:
        label = _("Done: %(count)s machine translation(s) made stale.", count=stale or 0)
    elif operation.status == operation_store.FAILED:
        label = _("Marking stale translations failed.")
    elif operation.status == operation_store.QUEUED:
        label = _("Waiting for the worker to mark stale translations…")
    else:
        label = _(
            "Marking stale translations: %(done)s of %(total)s checked.",
            done=f"{operation.done:,}",
            total=f"{operation.total or 0:,}",
        )
    done = operation.status == operation_store.DONE
    return OperationView(
        id=operation.id,
        status=operation.status,
        finished=operation.status in operation_store.FINISHED,
        percent=round(100 * (1.0 if done else operation.progress or 0.0)),
        label=label,
        error=operation.error if operation.status == operation_store.FAILED else None,
        stale=stale,
    )


def remember(operation: Operation) -> None:
    known = [i for i in session.get(OPERATIONS_KEY, []) if i != operation.id]
    session[OPERATIONS_KEY] = ([operation.id, *known])[:RECENT]


def recent() -> list[OperationView]:
    ids = [i for i in session.get(OPERATIONS_KEY, []) if isinstance(i, int)]
    return [view(o) for o in operation_store.get_many(db.session(), ids)]


@blueprint.get("/operations.json")
def operations_json():
    if context.editor() is None:
        return json_response({"error": _("Sign in first")}, 401)
    ids = [int(v) for v in request.args.getlist("id") if v.isdigit()][:RECENT]
    found = [view(o) for o in operation_store.get_many(db.session(), ids)]
    return json_response(
        {"operations": [o.json() for o in found], "finished": all(o.finished for o in found)}
    )
