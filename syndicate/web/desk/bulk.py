"""Bulk actions on the article list: publish, unpublish or refresh the translation of every
selected article at once."""

from __future__ import annotations

from flask import current_app, flash, redirect, request

from syndicate.editorial import articles
from syndicate.errors import NotFound
from syndicate.storage import db
from syndicate.storage import jobs as job_store
from syndicate.translation import jobs
from syndicate.web.desk import blueprint, context
from syndicate.web.desk.context import _, signed_in

ACTIONS = ("publish", "unpublish", "refresh")
MAX_SELECTED = 200


@blueprint.post("/articles/bulk")
@signed_in
def bulk_articles():
    back = context.safe_next(request.form.get("next"))
    action = request.form.get("action")
    ids = list(dict.fromkeys(request.form.getlist("ids")))[:MAX_SELECTED]
    if action not in ACTIONS:
        flash(_("Choose what to do with the selected articles."), "error")
        return redirect(back, 303)
    if not ids:
        flash(_("Select at least one article first."), "error")
        return redirect(back, 303)
    session = db.session()
    done, scheduled, missing, job_ids = 0, 0, 0, []
    for public_id in ids:
        try:
            if action == "refresh":
                job_ids += jobs.refresh_article(current_app._get_current_object(), public_id)
            else:
                status = "published" if action == "publish" else "draft"
                article = articles.set_status(session, public_id, status)
                scheduled += article.status == "scheduled"
                if article.status != "draft":
                    latest = job_store.latest_for_articles(session, [article.id])
                    job_ids += [job.id for job in latest.values()]
            done += 1
        except NotFound:
            missing += 1  # deleted since the list was shown
    if job_ids:
        context.remember_jobs(sorted(set(job_ids)))
    messages = {
        "publish": _("%(count)s article(s) published.", count=done - scheduled),
        "unpublish": _("%(count)s article(s) unpublished.", count=done),
        "refresh": _("%(count)s translation job(s) queued.", count=len(job_ids)),
    }
    flash(messages[action], "success")
    if scheduled:
        flash(_("%(count)s article(s) scheduled for later.", count=scheduled), "success")
    if missing:
        flash(_("%(count)s article(s) no longer exist.", count=missing), "error")
    return redirect(back, 303)
