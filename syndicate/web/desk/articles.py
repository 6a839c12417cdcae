"""The article list (filters, per-language translation state, actions), new and edit forms."""

from __future__ import annotations

from dataclasses import dataclass

from flask import flash, g, redirect, request, url_for

from syndicate.editorial import articles, payloads
from syndicate.editorial.representation import article_json
from syndicate.errors import Conflict, ValidationFailed
from syndicate.feed import labels as feed_labels
from syndicate.languages import CODES, tag
from syndicate.storage import articles as article_store
from syndicate.storage import db
from syndicate.storage import jobs as job_store
from syndicate.storage import sections as section_store
from syndicate.storage.models import Article
from syndicate.web.desk import blueprint, context, forms, labels, rows
from syndicate.web.desk.context import _, render, signed_in
from syndicate.web.desk.labels import N_

PER_PAGE = 25


@dataclass(frozen=True, slots=True)
class Choice:
    value: str
    label: str
    depth: int = 0


def section_choices() -> list[Choice]:
    sections = section_store.in_tree_order(section_store.list_all(db.session()))
    return [
        Choice(section.slug, feed_labels.section_name(section, context.page_language()), depth)
        for section, depth in sections
    ]


def language_choices() -> list[Choice]:
    return [Choice(code, feed_labels.language_name(g.language, code)) for code in CODES]


def _filters() -> article_store.ArticleFilter:
    """The list's filters from the query string; an unknown value means no filter."""
    args = request.args
    slugs = {choice.value for choice in section_choices()}

    def pick(name: str, allowed) -> str | None:
        value = args.get(name) or None
        return value if value in allowed else None

    return article_store.ArticleFilter(
        section=pick("section", slugs),
        language=pick("language", CODES),
        status=pick("status", payloads.STATUSES),
        translation=pick("translation", article_store.TRANSLATION_STATES),
    )


@blueprint.get("/", endpoint="articles")
@signed_in
def articles_list():
    session = db.session()
    filters = _filters()
    raw_page = request.args.get("page", "1")
    page = int(raw_page) if raw_page.isdigit() and int(raw_page) > 0 else 1
    found, total = article_store.list_page(
        session, filters, limit=PER_PAGE, offset=(page - 1) * PER_PAGE
    )
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return render(
        "desk/articles.html",
        rows=rows.article_rows(session, found),
        total=total,
        filters=filters,
        sections=section_choices(),
        languages=language_choices(),
        statuses=[Choice(s, labels.label(labels.ARTICLE_STATUSES, s)) for s in payloads.STATUSES],
        translation_states=[
            Choice(s, labels.label(labels.TRANSLATION_FILTERS, s))
            for s in article_store.TRANSLATION_STATES
        ],
        newer=url_for("desk.articles", page=page - 1, **args) if page > 1 else None,
        older=url_for("desk.articles", page=page + 1, **args) if page * PER_PAGE < total else None,
        jobs=[rows.job_view(j) for j in job_store.get_many(session, context.recent_jobs())],
    )


def _form(template_values: dict[str, str], status: int = 200, **extra):
    return render(
        "desk/article_form.html",
        status,
        values=template_values,
        sections=section_choices(),
        languages=language_choices(),
        # Article text is marked with its language (for screen readers and spell checkers).
        content_tag=tag(template_values["language"])
        if template_values.get("language") in CODES
        else None,
        **{"errors": {}, "current": None, "article": None, **extra},
    )


@blueprint.get("/articles/new")
@signed_in
def new_article():
    values = dict.fromkeys((*forms.ARTICLE_FIELDS, *forms.IMAGE_FIELDS), "")
    values["language"] = context.page_language()
    values["section"] = request.args.get("section", "")
    return _form(values)


@blueprint.post("/articles/new")
@signed_in
def create_article():
    values = forms.article_values(request.form)
    try:
        fields = payloads.parse_article(forms.article_payload(values, new=True), partial=False)
        article = articles.create(
            db.session(), {**fields, "status": "draft"}, editor=context.editor().label
        )
    except ValidationFailed as exc:
        return _form(values, 422, errors=forms.field_errors(exc.errors))
    flash(_("“%(title)s” was saved as a draft.", title=article.original.title), "success")
    return redirect(url_for("desk.edit_article", public_id=article.public_id), 303)


@blueprint.get("/articles/<public_id>")
@signed_in
def edit_article(public_id: str):
    article = articles.get(db.session(), public_id)
    return _form(forms.values_of(article_json(article)), article=_summary(article))


@blueprint.post("/articles/<public_id>")
@signed_in
def update_article(public_id: str):
    session = db.session()
    article = articles.get(session, public_id)
    values = forms.article_values(request.form)
    values["language"] = article.language
    expected = forms.revision(request.form)
    try:
        fields = payloads.parse_article(forms.article_payload(values, new=False), partial=True)
        article = articles.update(
            session, public_id, fields, expected_revision=expected, editor=context.editor().label
        )
    except ValidationFailed as exc:
        session.rollback()
        return _form(
            values,
            422,
            article=_summary(articles.get(session, public_id), revision=expected),
            errors=forms.field_errors(exc.errors),
        )
    except Conflict as exc:
        # Both versions stay on screen: the editor's in the form (saving it now overwrites the
        # current revision on purpose), the current one beside it, read-only.
        session.rollback()
        current = exc.extra["current"]
        return _form(
            values,
            409,
            article=_summary(articles.get(session, public_id), revision=current["revision"]),
            current=forms.values_of(current) | {"revision": current["revision"]},
        )
    flash(_("Saved (revision %(revision)s).", revision=article.revision), "success")
    return redirect(url_for("desk.edit_article", public_id=public_id), 303)


def _summary(article: Article, revision: int | None = None) -> dict:
    return {
        "id": article.public_id,
        "language": article.language,
        "status": article.status,
        "status_label": labels.label(labels.ARTICLE_STATUSES, article.status),
        "revision": article.revision if revision is None else revision,
        "translations": [
            {"language": code, "name": feed_labels.language_name(g.language, code)}
            for code in CODES
            if code != article.language
        ],
    }


def _set_status(public_id: str, status: str, message: str):
    session = db.session()
    article = articles.set_status(session, public_id, status)
    if status == "published":
        # Publishing queues its translations (AUTO_TRANSLATE): follow them on the desk.
        latest = job_store.latest_for_articles(session, [article.id])
        context.remember_jobs(sorted(job.id for job in latest.values()))
    flash(_(message, title=article.original.title), "success")
    return redirect(context.safe_next(request.form.get("next")), 303)


@blueprint.post("/articles/<public_id>/publish")
@signed_in
def publish_article(public_id: str):
    return _set_status(public_id, "published", N_("“%(title)s” is published."))


@blueprint.post("/articles/<public_id>/unpublish")
@signed_in
def unpublish_article(public_id: str):
    return _set_status(public_id, "draft", N_("“%(title)s” is unpublished (a draft again)."))
