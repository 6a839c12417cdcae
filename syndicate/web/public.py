"""Public HTML pages, server-rendered and localized: the home page and section pages list
articles like a news portal (a lead story, then a list with thumbnails), and each article has a
page per language, with the tags machines read (canonical, hreflang, Open Graph, JSON-LD).

``/<lang>/``, ``/<lang>/<section>/``, ``/<lang>/articles/<id>``; URLs come from
``syndicate.feed.urls`` like the feeds' links, so every link a feed carries resolves here.
A missing page is a localized HTML 404, a deleted article's page a 410. The feeds themselves and
``/feeds.opml`` are served by ``syndicate.publication``.
"""

from __future__ import annotations

from flask import Blueprint, Response, g, redirect, render_template, request, url_for

from syndicate.errors import Gone, NotFound
from syndicate.feed import labels
from syndicate.feed.body import page_parts
from syndicate.feed.build import select_page
from syndicate.feed.edition import Edition, ready_variant
from syndicate.feed.urls import ALL, article_url, home_url, section_url
from syndicate.i18n.babel import gettext
from syndicate.i18n.dates import local_date
from syndicate.languages import CODES, LANGUAGES, other, tag
from syndicate.numbers import strict_int
from syndicate.storage import articles as article_store
from syndicate.storage import db
from syndicate.storage import sections as section_store
from syndicate.storage import tombstones as tombstone_store
from syndicate.storage.models import Article, Section
from syndicate.web import article_meta, images
from syndicate.web import public_chrome as chrome
from syndicate.web.public_chrome import entry, language_links, picture, settings

blueprint = Blueprint("public", __name__)

MAX_PAGE = 10_000_000  # feeds' page numbers have at most 7 digits too
RELATED = 4


@blueprint.after_request
def _headers(response: Response) -> Response:
    return chrome.secure(response)


def _language(code: str) -> str:
    if code not in LANGUAGES:
        choices = ", ".join(f"/{c}/" for c in CODES)
        raise NotFound(f"Unknown language {code!r}: pages are under {choices}")
    g.language = code
    return code


def _page_number() -> int:
    number = strict_int(request.args.get("page", "1"), low=1, high=MAX_PAGE)
    if number is None:  # ASCII digits only: "²" is a digit to str.isdigit
        raise NotFound(gettext(g.language, "No such page."))
    return number


@blueprint.get("/")
def root():
    """``/`` has no language: the reader's (Accept-Language), else the first one."""
    language = request.accept_languages.best_match(CODES) or CODES[0]
    response = redirect(home_url(settings().base_url, language), 302)
    response.vary.add("Accept-Language")
    return response


@blueprint.get("/<lang>/")
def home(lang: str):
    return _listing(_language(lang), ALL)


@blueprint.get("/<lang>/<section>/")
def section(lang: str, section: str):
    return _listing(_language(lang), section)


def _children(row: Section | None, language: str) -> list[chrome.NavLink]:
    """Sub-sections of a section page, shown as such under its heading."""
    if row is None:
        return []
    base_url = settings().base_url
    return [
        chrome.NavLink(
            labels.section_name(child, language), section_url(base_url, language, child.slug)
        )
        for child, depth in section_store.in_tree_order(section_store.list_all(db.session()))
        if child.parent_id == row.id and depth > 0
    ]


def _listing(language: str, slug: str):
    feed_settings = settings()
    session = db.session()
    row = None
    if slug != ALL:
        row = section_store.get(session, slug)
        if row is None:
            raise NotFound(gettext(language, "No such section."))
    page = _page_number()
    selection = select_page(session, feed_settings, language, row, page)
    if selection is None:
        raise NotFound(gettext(language, "No such page."))
    here = section_url(feed_settings.base_url, language, slug)
    pictures = images.lookup(session, selection.editions)  # two queries for the whole page
    entries = [entry(edition, feed_settings, pictures) for edition in selection.editions]
    # Page 1 opens with its newest story, large; older pages are plain lists.
    lead = entries.pop(0) if page == 1 and entries else None

    def same_section(code: str) -> str:
        return section_url(feed_settings.base_url, code, slug)

    title = labels.feed_title(row, language)
    return render_template(
        "public/listing.html",
        **chrome.chrome(language, slug),
        title=title,
        page_title=title
        if page == 1
        else gettext(language, "%(title)s, page %(page)s", title=title, page=page),
        description=labels.feed_description(row, language),
        parents=_breadcrumb(row, language) if row is not None else [],
        children=_children(row, language),
        lead=lead,
        entries=entries,
        page=page,
        newer=None if page == 1 else (here if page == 2 else f"{here}?page={page - 1}"),
        older=f"{here}?page={page + 1}" if page < selection.page_count else None,
        canonical=here if page == 1 else f"{here}?page={page}",
        alternates=language_links(CODES, same_section),
        switch=language_links(other(language), same_section),
        feeds=chrome.feed_links(slug, row, (language, *other(language))),
    )


def _breadcrumb(section: Section, language: str) -> list[chrome.NavLink]:
    """The section's ancestors, outermost first."""
    base_url = settings().base_url
    return [
        chrome.NavLink(labels.section_name(s, language), section_url(base_url, language, s.slug))
        for s in section_store.ancestors(section)
    ]


def _missing_article(language: str, public_id: str):
    if tombstone_store.is_gone(db.session(), public_id):
        raise Gone(gettext(language, "This article has been removed."))
    raise NotFound(gettext(language, "No such article."))


def _related(row: Article, language: str) -> list[chrome.Entry]:
    """The newest other stories of the same section (its sub-sections included), in the page's
    language; a sparse sub-section is topped up from its parent section."""
    feed_settings = settings()
    session = db.session()
    found: dict[int, Article] = {}
    for section in (row.section, row.section.parent):
        if section is None or len(found) >= RELATED:
            break
        for other_row in article_store.feed_page(
            session,
            section_store.subtree_ids(session, section),
            language,
            include_untranslated=feed_settings.fallback,
            limit=RELATED + 1,
        ):
            if other_row.id != row.id:
                found.setdefault(other_row.id, other_row)
    editions = (
        Edition.choose(other_row, language, fallback=feed_settings.fallback)
        for other_row in found.values()
    )
    return [entry(e, feed_settings) for e in editions if e is not None][:RELATED]


@blueprint.get("/<lang>/articles/<public_id>")
def article(lang: str, public_id: str):
    language = _language(lang)
    row = article_store.get_published(db.session(), public_id)
    if row is None:
        _missing_article(language, public_id)
    return render_article(row, language)


def render_article(row: Article, language: str) -> str:
    """The page of ``row`` in ``language`` (the desk's preview renders drafts with it too)."""
    feed_settings = settings()
    base_url = feed_settings.base_url
    public_id = row.public_id
    edition = Edition.choose(row, language, fallback=True)
    assert edition is not None  # with fallback, the original always answers
    section = row.section
    # The page of the original names the canonical URL; a translation is its own page.
    canonical = (
        edition.page_url(base_url) if edition.is_translation else edition.original_url(base_url)
    )
    ready = [code for code in CODES if ready_variant(row, code) is not None]

    def same_article(code: str) -> str:
        return article_url(base_url, code, public_id)

    notice, body = page_parts(edition, base_url=base_url)
    facts = _facts(edition, canonical, ready)
    updated = edition.updated
    # "Updated:" only when the text changed after publication (not for seconds of editing).
    edited = (updated - edition.published).total_seconds() > 60
    return render_template(
        "public/article.html",
        **chrome.chrome(language, section.slug, "true"),
        title=facts.title,
        page_title=facts.title,
        summary=edition.variant.summary,
        body=body,
        notice=notice,
        # Set when the page shows the original for want of a translation: its language.
        original_lang=edition.text_tag if edition.text_language != language else None,
        language_name=labels.language_name(language, language),
        author=row.author.strip(),
        published=local_date(edition.published, language, feed_settings.timezone),
        published_iso=edition.published.isoformat(),
        updated=local_date(updated, language, feed_settings.timezone) if edited else None,
        updated_iso=updated.isoformat(),
        correction=(row.correction or "").strip(),
        correction_lang=tag(row.language) if row.language != language else None,
        section_name=facts.section_name,
        section_url=facts.section_url,
        parents=_breadcrumb(section, language),
        image=picture(edition, base_url),
        tags=facts.tags,
        also_in=language_links([c for c in ready if c != language], same_article),
        related=_related(row, language),
        canonical=canonical,
        # Only the languages the article is written in: a fallback page is not a translation.
        alternates=language_links(ready, same_article),
        switch=language_links(other(language), same_article),
        feeds=chrome.feed_links(section.slug, section, (language,)),
        social=article_meta.social_tags(facts),
        json_ld=article_meta.json_ld(facts),
    )


def _facts(edition: Edition, canonical: str, ready: list[str]) -> article_meta.ArticleFacts:
    """Everything the article's machine-readable tags say, gathered once."""
    base_url = settings().base_url
    row, variant, language = edition.article, edition.variant, edition.language
    image = picture(edition, base_url)

    def version(code: str) -> article_meta.Version:
        other_variant = row.variant(code)
        return article_meta.Version(
            article_url(base_url, code, row.public_id) if code != row.language
            else edition.original_url(base_url),
            tag(code),
            other_variant.title.strip() if other_variant is not None else "",
        )  # fmt: skip

    return article_meta.ArticleFacts(
        url=edition.page_url(base_url),
        canonical=canonical,
        language=language,
        text_language=edition.text_tag,
        title=variant.title.strip() or gettext(language, "Untitled"),
        summary=variant.summary.strip(),
        published=edition.published,
        updated=edition.updated,
        site_name=chrome.site_name(language),
        home_url=home_url(base_url, language),
        logo_url=base_url + url_for("static", filename="favicon.svg"),
        section_name=labels.section_name(row.section, language),
        section_url=section_url(base_url, language, row.section.slug),
        authors=(row.author.strip(),) if labels.has_text(row.author) else (),
        tags=tuple(t.strip() for t in row.tags or () if isinstance(t, str) and t.strip()),
        image_url=image.url if image else None,
        image_alt=image.alt if image else "",
        original=version(row.language) if edition.is_translation else None,
        translations=()
        if edition.is_translation
        else tuple(version(code) for code in ready if code != row.language),
        translator=variant.engine if variant.origin == "machine" else None,
        other_locales=tuple(article_meta.OG_LOCALES[code] for code in ready if code != language),
    )


def error_page(status: int, detail: str) -> Response:
    """The localized HTML page of a 404 or 410 (and of other errors readers may meet)."""
    language = chrome.error_language()
    g.language = language
    headings = {
        404: gettext(language, "Page not found"),
        410: gettext(language, "This page has been removed"),
    }
    heading = headings.get(status) or gettext(language, "Something went wrong")
    try:
        layout = chrome.chrome(language, "")
    except Exception:  # the database may be why we are here: show the page without sections
        layout = {"lang": language, "lang_tag": tag(language), "nav": [], "all_feeds": []}
        layout["site_name"] = chrome.site_name(language)
        layout["home"] = home_url(settings().base_url, language)
    body = render_template(
        "public/error.html",
        **layout,
        title=heading,
        page_title=heading,
        status=status,
        detail=detail,
        switch=language_links(other(language), lambda code: home_url(settings().base_url, code)),
    )
    return chrome.secure(Response(body, status=status, mimetype="text/html"))
