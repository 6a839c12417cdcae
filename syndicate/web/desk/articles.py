"""The article list (filters, per-language translation state, actions), new and edit forms."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, flash, g, redirect, request, url_for

from syndicate.editorial import articles, payloads
from syndicate.editorial.representation import article_json
from syndicate.errors import Conflict, FieldError, ValidationFailed
from syndicate.feed import labels as feed_labels
from syndicate.languages import CODES, tag
from syndicate.numbers import strict_int
from syndicate.storage import articles as article_store
from syndicate.storage import db
from syndicate.storage import jobs as job_store
from syndicate.storage import sections as section_store
from syndicate.storage.models import Article
from syndicate.web.desk import blueprint, context, forms, labels, rows
from syndicate.web.desk.context import _, render, signed_in
from syndicate.web.desk.labels import N_

PER_PAGE = 25
ALT_REQUIRED = N_("Describe the image: a text alternative is required when there is an image.")


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

    query = " ".join(args.get("q", "").split())[:200] or None
    return article_store.ArticleFilter(
        section=pick("section", slugs),
        language=pick("language", CODES),
        status=pick("status", payloads.STATUSES),
        translation=pick("translation", article_store.TRANSLATION_STATES),
        query=query,
    )


@dataclass(frozen=True, slots=True)
class SortLink:
    """A sortable column header: where a click goes, and how the list is sorted now."""

    url: str
    aria_sort: str | None  # "ascending" / "descending" on the column sorted by


def _sorting(filters: article_store.ArticleFilter) -> tuple[str | None, bool, dict[str, SortLink]]:
    sort = request.args.get("sort")
    sort = sort if sort in article_store.SORTS else None
    descending = request.args.get("dir", "desc") != "asc"
    if sort is None and not filters.query:
        sort = "modified"  # newest change first; a search without a sort ranks by relevance
    base = {k: v for k, v in request.args.items() if k not in ("page", "sort", "dir") and v}
    links = {}
    for name in article_store.SORTS:
        active = name == sort
        if active:
            flip = "asc" if descending else "desc"
        else:
            flip = "asc" if name in ("title", "section") else "desc"
        links[name] = SortLink(
            url_for("desk.articles", **base, sort=name, dir=flip),
            ("descending" if descending else "ascending") if active else None,
        )
    return sort, descending, links


@blueprint.get("/", endpoint="articles")
@signed_in
def articles_list():
    session = db.session()
    filters = _filters()
    raw_page = request.args.get("page", "1")
    page = strict_int(raw_page, low=1, high=1_000_000) or 1
    sort, descending, sort_links = _sorting(filters)
    found, total = article_store.list_page(
        session,
        filters,
        limit=PER_PAGE,
        offset=(page - 1) * PER_PAGE,
        sort=sort,
        descending=descending,
    )
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return render(
        "desk/articles.html",
        rows=rows.article_rows(session, found),
        total=total,
        filters=filters,
        sort_links=sort_links,
        filtered=any((filters.section, filters.language, filters.status, filters.translation)),
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
    values = dict.fromkeys((*forms.ARTICLE_FIELDS, *forms.IMAGE_FIELDS, *forms.MORE_FIELDS), "")
    values["language"] = context.page_language()
    values["section"] = request.args.get("section", "")
    return _form(values)


@blueprint.post("/articles/new")
@signed_in
def create_article():
    values = forms.article_values(request.form)
    try:
        payload = forms.article_payload(values, new=True, timezone=_timezone())
        fields = payloads.parse_article(payload, partial=False)
        _require_alt(values)
        article = articles.create(
            db.session(), {**fields, "status": "draft"}, editor=context.editor().label
        )
    except ValidationFailed as exc:
        return _form(values, 422, errors=_errors(values, exc))
    flash(_("“%(title)s” was saved as a draft.", title=article.original.title), "success")
    return redirect(url_for("desk.edit_article", public_id=article.public_id), 303)


@blueprint.get("/articles/<public_id>")
@signed_in
def edit_article(public_id: str):
    article = articles.get(db.session(), public_id)
    return _form(forms.values_of(article_json(article), _timezone()), article=_summary(article))


@blueprint.post("/articles/<public_id>")
@signed_in
def update_article(public_id: str):
    session = db.session()
    article = articles.get(session, public_id)
    values = forms.article_values(request.form)
    values["language"] = article.language
    expected = forms.revision(request.form)
    try:
        payload = forms.article_payload(values, new=False, timezone=_timezone())
        if values["published_at"] == forms.local_minute(
            article_json(article)["published_at"], _timezone()
        ):
            payload.pop("published_at", None)  # unchanged: keep its seconds, no new revision
        fields = payloads.parse_article(payload, partial=True)
        _require_alt(values)
        article = articles.update(
            session, public_id, fields, expected_revision=expected, editor=context.editor().label
        )
    except ValidationFailed as exc:
        session.rollback()
        return _form(
            values,
            422,
            article=_summary(articles.get(session, public_id), revision=expected),
            errors=_errors(values, exc),
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
            current=forms.values_of(current, _timezone()) | {"revision": current["revision"]},
        )
    flash(_("Saved (revision %(revision)s).", revision=article.revision), "success")
    return redirect(url_for("desk.edit_article", public_id=public_id), 303)


def _require_alt(values: dict[str, str]) -> None:
    if forms.missing_alt(values):
        raise ValidationFailed(FieldError("image_alt", _(ALT_REQUIRED)))


def _errors(values: dict[str, str], exc: ValidationFailed) -> dict[str, str]:
    """Every problem at once; the missing alt text too, unless the image itself is wrong."""
    errors = forms.field_errors(exc.errors)
    if forms.missing_alt(values) and "image_url" not in errors:
        errors.setdefault("image_alt", _(ALT_REQUIRED))
    return errors


def _timezone() -> str:
    return current_app.config["SYNDICATE_TIMEZONE"]


def _summary(article: Article, revision: int | None = None) -> dict:
    return {
        "id": article.public_id,
        "language": article.language,
        "status": article.status,
        "status_label": labels.label(labels.ARTICLE_STATUSES, article.status),
        "published_at": rows.when(article.published_at),
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
    if article.status == "scheduled":
        message = N_("“%(title)s” is scheduled: it goes live on %(when)s.")
    if status == "published":
        # Publishing queues its translations (AUTO_TRANSLATE): follow them on the desk.
        latest = job_store.latest_for_articles(session, [article.id])
        context.remember_jobs(sorted(job.id for job in latest.values()))
    flash(_(message, title=article.original.title, when=rows.when(article.published_at)), "success")
    return redirect(context.safe_next(request.form.get("next")), 303)


@blueprint.post("/articles/<public_id>/publish")
@signed_in
def publish_article(public_id: str):
    return _set_status(public_id, "published", N_("“%(title)s” is published."))


@blueprint.post("/articles/<public_id>/unpublish")
@signed_in
def unpublish_article(public_id: str):
    return _set_status(public_id, "draft", N_("“%(title)s” is unpublished (a draft again)."))
