"""An article's history on the desk: its saved revisions (and its editors' translations'),
a readable diff between any two, and restore (a new revision, through the optimistic check)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, flash, g, redirect, request, url_for

from syndicate.editorial import articles, revisions
from syndicate.errors import Conflict
from syndicate.feed import labels as feed_labels
from syndicate.languages import CODES, tag
from syndicate.storage import db
from syndicate.translation import history as translation_history
from syndicate.web.desk import blueprint, context, diff, rows
from syndicate.web.desk.context import _, render, signed_in
from syndicate.web.desk.labels import N_

FIELD_LABELS = {
    "section": N_("Section"),
    "title": N_("Title"),
    "summary": N_("Summary"),
    "body_html": N_("Body"),
    "author": N_("Author"),
    "source": N_("Source"),
    "image": N_("Lead image"),
    "tags": N_("Tags"),
    "canonical_url": N_("Canonical URL"),
    "correction": N_("Correction note"),
    "published_at": N_("Publication time"),
    "image_caption": N_("Caption"),
    "image_alt": N_("Text alternative (alt)"),
}


def field_label(name: str) -> str:
    return _(FIELD_LABELS[name]) if name in FIELD_LABELS else name


@dataclass(frozen=True, slots=True)
class RevisionRow:
    number: int
    when: str
    editor: str
    fields: str
    current: bool


def _number(name: str, default: int | None) -> int | None:
    raw = request.args.get(name, "")
    return int(raw) if raw.isdigit() else default


@blueprint.get("/articles/<public_id>/history")
@signed_in
def article_history(public_id: str):
    session = db.session()
    article = articles.get(session, public_id)
    language = request.args.get("language")
    language = language if language in CODES and language != article.language else None
    shown = language or article.language
    history = revisions.history(session, article, shown)
    numbers = [row.revision for row in history]
    newest = numbers[0] if numbers else None
    b = _number("b", newest)
    a = _number("a", numbers[1] if len(numbers) > 1 else newest)
    by_number = {row.revision: row for row in history}
    if language is None:
        current = article.revision
    else:
        # A forced machine refresh may have replaced the editor's newest text since: then no
        # revision is the current text, and even the newest can be restored over the machine's.
        variant = article.variant(language)
        current = newest if variant is not None and variant.origin == "editor" else None
    compared = None
    if a in by_number and b in by_number:
        names = revisions.ARTICLE_CONTENT if language is None else revisions.TRANSLATION_CONTENT
        compared = [
            (field_label(name), lines)
            for name, lines in diff.fields_diff(by_number[a].content, by_number[b].content, names)
        ]
    return render(
        "desk/history.html",
        article=article,
        title=article.original.title,
        content_tag=tag(shown),
        language=language,
        languages=[
            (code, feed_labels.language_name(g.language, code), code == shown)
            for code in (article.language, *(c for c in CODES if c != article.language))
        ],
        history=[
            RevisionRow(
                row.revision,
                rows.when(row.created_at),
                row.editor or "—",
                ", ".join(field_label(name) for name in row.fields_changed or []),
                row.revision == current,
            )
            for row in history
        ],
        # What a restore says it saw as the newest (the optimistic check).
        seen=article.revision if language is None else newest,
        language_name=feed_labels.language_name(g.language, language) if language else "",
        machine_now=language is not None and current is None,
        a=a,
        b=b,
        compared=compared,
    )


@blueprint.post("/articles/<public_id>/revisions/<int:number>/restore")
@signed_in
def restore_revision(public_id: str, number: int):
    """The original's revision, or with ``language`` the editor's translation's: ``revision``
    is the newest one the page showed, so a save made meanwhile refuses the restore."""
    from syndicate.web.desk import forms

    session = db.session()
    expected = forms.revision(request.form)
    language = request.form.get("language") or None
    article = articles.get(session, public_id)
    if language == article.language:
        language = None
    try:
        if language is None:
            new = articles.restore(
                session,
                public_id,
                number,
                expected_revision=expected,
                editor=context.editor().label,
            ).revision
        else:
            *_found, new = translation_history.restore_translation(
                current_app._get_current_object(),
                session,
                public_id,
                language,
                number,
                expected_revision=expected,
                editor=context.editor().label,
            )
    except Conflict:
        session.rollback()
        flash(
            _(
                "Someone saved this article meanwhile: nothing was restored. Look at the newest "
                "revision, then restore again if you still want to."
            )
            if language is None
            else _(
                "Someone saved this translation meanwhile: nothing was restored. Look at the "
                "newest revision, then restore again if you still want to."
            ),
            "error",
        )
        return redirect(_history_url(public_id, language), 303)
    flash(
        _("Revision %(old)s is restored as revision %(new)s.", old=number, new=new),
        "success",
    )
    return redirect(_history_url(public_id, language), 303)


def _history_url(public_id: str, language: str | None) -> str:
    return url_for("desk.article_history", public_id=public_id, language=language)
