"""``GET /desk/jobs.json?id=…``: the state of translation jobs, polled by ``desk.js`` while
they run. Read-only; the session cookie authenticates, as for the desk's pages."""

from __future__ import annotations

from flask import redirect, request

from syndicate.numbers import strict_int
from syndicate.storage import db
from syndicate.storage import jobs as job_store
from syndicate.web.api import json_response
from syndicate.web.desk import blueprint, context, rows
from syndicate.web.desk.context import _, signed_in

MAX_IDS = 100


@blueprint.get("/jobs.json")
def jobs_json():
    if context.editor() is None:
        return json_response({"error": _("Sign in first")}, 401)
    parsed = (strict_int(v, low=1) for v in request.args.getlist("id"))
    ids = [v for v in parsed if v is not None][:MAX_IDS]
    found = [rows.job_view(job) for job in job_store.get_many(db.session(), ids)]
    return json_response(
        {"jobs": [job.json() for job in found], "finished": all(job.finished for job in found)}
    )


@blueprint.post("/jobs/forget")
@signed_in
def forget_jobs():
    context.forget_jobs()
    return redirect(context.safe_next(request.form.get("next")), 303)
