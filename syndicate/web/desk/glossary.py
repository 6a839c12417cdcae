"""The glossary on the desk: terms per direction. Each change marks the machine translations
containing the term stale in a background operation: the page shows its progress, then how
many translations it made stale, and offers to refresh them."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, flash, g, redirect, request, url_for

from syndicate.errors import Conflict, NotFound, ValidationFailed
from syndicate.feed.labels import language_name
from syndicate.languages import CODES, other, tag
from syndicate.storage import db
from syndicate.storage import glossary as glossary_store
from syndicate.storage.models import Operation
from syndicate.translation import terms
from syndicate.web.desk import blueprint, forms, operations
from syndicate.web.desk.context import _, render, signed_in
from syndicate.web.desk.messages import localize


@dataclass(frozen=True, slots=True)
class Direction:
    value: str  # "en-zh"
    source: str
    target: str
    label: str  # "English → 中文"


def directions() -> list[Direction]:
    return [
        Direction(
            f"{src}-{tgt}",
            src,
            tgt,
            f"{language_name(g.language, src)} → {language_name(g.language, tgt)}",
        )
        for src in CODES
        for tgt in other(src)
    ]


def _page(status: int = 200, **extra):
    chosen = request.values.get("show", "")
    shown = next((d for d in directions() if d.value == chosen), None)
    found = glossary_store.list_terms(
        db.session(), shown.source if shown else None, shown.target if shown else None
    )
    return render(
        "desk/glossary.html",
        status,
        directions=directions(),
        shown=shown,
        terms=found,
        operations=operations.recent(),
        tag=tag,
        **{"errors": {}, "values": {"direction": directions()[0].value}, "failed": None, **extra},
    )


@blueprint.get("/glossary")
@signed_in
def glossary():
    return _page()


def _changed(operation: Operation | None, message: str):
    flash(message, "success")
    stale = terms.stale_count(operation)
    if stale:
        flash(
            _("%(count)s machine translation(s) are now stale.", count=stale),
            "stale",
        )
    if operation is not None:  # the page shows it, and follows it while it runs
        operations.remember(operation)
    return redirect(url_for("desk.glossary", show=request.values.get("show") or None), 303)


def _refused(exc: ValidationFailed | Conflict | NotFound, values: dict[str, str], term_id=None):
    status = exc.status
    errors = forms.field_errors(exc.errors) if isinstance(exc, ValidationFailed) else {}
    for name in ("source_language", "target_language"):
        if name in errors:
            errors["direction"] = errors.pop(name)
    problem = None if errors else localize(exc.detail)
    return _page(status, errors=errors, values=values, failed=term_id, problem=problem)


@blueprint.post("/glossary")
@signed_in
def add_term():
    values = {k: request.form.get(k, "") for k in ("direction", "source_term", "target_term")}
    session = db.session()
    try:
        payload = forms.term_payload(request.form, with_direction=True)
        fields = terms.parse_term(payload, partial=False)
        term, operation = terms.add_term(current_app._get_current_object(), session, fields)
    except (ValidationFailed, Conflict) as exc:
        session.rollback()
        return _refused(exc, values)
    return _changed(operation, _("Added “%(term)s”.", term=term.source_term))


@blueprint.post("/glossary/<int:term_id>")
@signed_in
def update_term(term_id: int):
    session = db.session()
    try:
        payload = forms.term_payload(request.form, with_direction=False)
        fields = terms.parse_term(payload, partial=True)
        app = current_app._get_current_object()
        term, operation = terms.update_term(app, session, term_id, fields)
    except (ValidationFailed, Conflict) as exc:
        session.rollback()
        return _refused(exc, {"direction": directions()[0].value}, term_id)
    return _changed(operation, _("Saved “%(term)s”.", term=term.source_term))


@blueprint.post("/glossary/<int:term_id>/delete")
@signed_in
def delete_term(term_id: int):
    app = current_app._get_current_object()
    term, operation = terms.delete_term(app, db.session(), term_id)
    return _changed(operation, _("Removed “%(term)s”.", term=term.source_term))
