"""Signing in with an API token (exchanged for a session cookie), signing out, the language."""

from __future__ import annotations

from flask import flash, redirect, request, url_for

from syndicate.storage import db
from syndicate.storage import tokens as token_store
from syndicate.web.desk import blueprint, context
from syndicate.web.desk.context import _, render


@blueprint.get("/sign-in")
def sign_in():
    if context.editor() is not None:
        return redirect(context.safe_next(request.args.get("next")))
    return render("desk/sign_in.html", next=request.args.get("next", ""))


@blueprint.post("/sign-in")
def sign_in_post():
    token = request.form.get("token", "").strip()
    target = request.form.get("next", "")
    row = token_store.authenticate(db.session(), token) if token else None
    if row is None:
        return render(
            "desk/sign_in.html",
            401,
            next=target,
            error=_("This token is unknown or revoked."),
        )
    token_store.touch(row)
    db.session().commit()
    context.sign_in(row)
    flash(_("Signed in as %(label)s.", label=row.label), "success")
    return redirect(context.safe_next(target), 303)


@blueprint.post("/sign-out")
def sign_out():
    context.sign_out()
    flash(_("Signed out."), "success")
    return redirect(url_for("desk.sign_in"), 303)


@blueprint.post("/language")
def choose_language():
    context.choose_language(request.form.get("language", ""))
    return redirect(context.safe_next(request.form.get("next")), 303)
