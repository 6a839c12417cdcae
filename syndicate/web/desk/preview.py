"""Preview: an article as readers will get it, before (or after) it is published — the item as
a feed reader shows it, and the public page, in every language it has a text in. Both are made
by the very code that makes feeds and pages (``feed.edition``, ``feed.body``, the page view)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, g, url_for

from syndicate.editorial import articles
from syndicate.errors import NotFound
from syndicate.feed import labels as feed_labels
from syndicate.feed.body import edition_body
from syndicate.feed.edition import Edition
from syndicate.i18n.dates import local_date
from syndicate.languages import CODES, LANGUAGES, tag
from syndicate.storage import db
from syndicate.web.desk import blueprint, labels
from syndicate.web.desk.context import render, signed_in


@dataclass(frozen=True, slots=True)
class ReaderItem:
    language: str
    language_name: str
    tag: str
    feed_title: str
    title: str
    author: str
    date: str
    body: str  # composed and sanitized like a feed item's content
    is_translation: bool
    page_url: str


def _item(article, edition: Edition) -> ReaderItem:
    config = current_app.config
    base_url, timezone = config["SYNDICATE_BASE_URL"], config["SYNDICATE_TIMEZONE"]
    return ReaderItem(
        language=edition.language,
        language_name=LANGUAGES[edition.language].native_name,
        tag=edition.text_tag,
        feed_title=feed_labels.feed_title(article.section, edition.language),
        title=edition.variant.title,
        author=article.author,
        date=local_date(edition.published, edition.language, timezone),
        body=edition_body(edition, base_url=base_url, timezone=timezone),
        is_translation=edition.is_translation,
        page_url=url_for(
            "desk.preview_page", public_id=article.public_id, language=edition.language
        ),
    )


@blueprint.get("/articles/<public_id>/preview")
@signed_in
def preview_article(public_id: str):
    article = articles.get(db.session(), public_id)
    order = (article.language, *(c for c in CODES if c != article.language))
    editions = [Edition.choose(article, code, fallback=False) for code in order]
    missing = [
        feed_labels.language_name(g.language, code)
        for code, edition in zip(order, editions, strict=True)
        if edition is None
    ]
    return render(
        "desk/preview.html",
        article=article,
        status_label=labels.label(labels.ARTICLE_STATUSES, article.status),
        title=article.original.title,
        content_tag=tag(article.language),
        items=[_item(article, e) for e in editions if e is not None],
        missing=missing,
    )


@blueprint.get("/articles/<public_id>/preview/<language>/page")
@signed_in
def preview_page(public_id: str, language: str):
    from syndicate.web.public import render_article

    if language not in CODES:
        raise NotFound(f"no language {language!r}")
    article = articles.get(db.session(), public_id)
    g.language = language  # the page is in its readers' language, not the desk's
    return render_article(article, language)
