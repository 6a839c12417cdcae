"""Translations on the desk: an editor's translation beside its original, and refreshes (one
article, a section, everything stale) that queue jobs the desk then follows."""

from __future__ import annotations

from flask import current_app, flash, g, redirect, request, url_for

from syndicate.editorial import articles
from syndicate.errors import Conflict, NotFound, ValidationFailed
from syndicate.feed import labels as feed_labels
from syndicate.languages import CODES, tag
from syndicate.storage import db
from syndicate.storage.models import Article
from syndicate.translation import history, jobs, service
from syndicate.web.desk import blueprint, context, forms, labels, rows
from syndicate.web.desk.context import _, render, signed_in


def _article_and_language(public_id: str, language: str) -> Article:
    article = articles.get(db.session(), public_id)
    if language not in CODES or language == article.language:
        raise NotFound(f"article {public_id!r} has no translation into {language!r}")
    return article


def _page(article: Article, language: str, values: dict[str, str], status: int = 200, **extra):
    variant = article.variant(language)
    original = article.original
    return render(
        "desk/translation.html",
        status,
        article=article,
        original=original,
        original_tag=tag(article.language),
        original_name=feed_labels.language_name(g.language, article.language),
        language=language,
        content_tag=tag(language),
        target_name=feed_labels.language_name(g.language, language),
        variant=variant,
        origin_label=labels.label(labels.ORIGINS, variant.origin) if variant else "",
        status_label=labels.label(labels.TRANSLATION_STATUSES, variant.status)
        if variant
        else labels.label(labels.TRANSLATION_STATUSES, "missing"),
        stale=variant is not None and service.is_stale(article, variant),
        updated=rows.when(variant.updated_at) if variant else "",
        values=values,
        revision=article.revision,
        translation_revision=history.current_revision(db.session(), article, language),
        **{"errors": {}, "original_changed": False, "translation_changed": False, **extra},
    )


@blueprint.get("/articles/<public_id>/translations/<language>")
@signed_in
def edit_translation(public_id: str, language: str):
    article = _article_and_language(public_id, language)
    variant = article.variant(language)
    names = ("title", "summary", "body_html", "image_caption", "image_alt")
    values = {name: (getattr(variant, name) or "") if variant else "" for name in names}
    return _page(article, language, values)


@blueprint.post("/articles/<public_id>/translations/<language>")
@signed_in
def save_translation(public_id: str, language: str):
    article = _article_and_language(public_id, language)
    values = forms.translation_values(request.form)
    if forms.revision(request.form) != article.revision:
        # The original changed while the editor translated: show the new original, keep their
        # text, and let them save again knowingly.
        return _page(article, language, values, 409, original_changed=True)
    try:
        fields = service.parse_translation(forms.translation_payload(values))
        app, session, editor = current_app._get_current_object(), db.session(), context.editor()
        if "translation_revision" in request.form:
            # The editor's translation this form was opened on: another save since is a 409.
            seen = forms.translation_revision(request.form)
            history.save_translation(
                app, session, public_id, language, fields, expected_revision=seen,
                editor=editor.label,
            )  # fmt: skip
        else:  # a form from before the field existed (open in a tab across a deploy)
            service.put_translation(app, session, public_id, language, fields, editor=editor.label)
    except ValidationFailed as exc:
        return _page(article, language, values, 422, errors=forms.field_errors(exc.errors))
    except Conflict:
        db.session().rollback()
        article = _article_and_language(public_id, language)
        return _page(article, language, values, 409, translation_changed=True)
    name = feed_labels.language_name(g.language, language)
    flash(_("The %(language)s translation is saved as the editor's.", language=name), "success")
    return redirect(url_for("desk.edit_translation", public_id=public_id, language=language), 303)


def _queued(job_ids: list[int]):
    context.remember_jobs(job_ids)
    if job_ids:
        flash(_("%(count)s translation job(s) queued.", count=len(job_ids)), "success")
    else:
        flash(_("Nothing to translate."), "info")
    return redirect(context.safe_next(request.form.get("next")), 303)


@blueprint.post("/articles/<public_id>/refresh")
@signed_in
def refresh_article(public_id: str):
    language = request.form.get("language") or None
    job_ids = jobs.refresh_article(
        current_app._get_current_object(),
        public_id,
        language=language,
        force=request.form.get("force") == "1",
    )
    return _queued(job_ids)


@blueprint.post("/translations/refresh")
@signed_in
def refresh_many():
    """A section (``section``, optionally ``only_stale``), or every stale translation."""
    section = request.form.get("section") or None
    only_stale = request.form.get("only_stale") == "1" or section is None
    job_ids = jobs.refresh_many(
        current_app._get_current_object(), section=section, only_stale=only_stale
    )
    return _queued(job_ids)
