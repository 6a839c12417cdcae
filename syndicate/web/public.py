"""Public HTML pages, server-rendered and localized: the home page and section pages list
articles (with feed autodiscovery), and each article has a page per language.

``/<lang>/``, ``/<lang>/<section>/``, ``/<lang>/articles/<id>``; URLs come from
``syndicate.feed.urls`` like the feeds' links, so every link a feed carries resolves here.
The feeds themselves and ``/feeds.opml`` are served by ``syndicate.publication``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from flask import Blueprint, current_app, g, redirect, render_template, request

from syndicate.errors import NotFound
from syndicate.feed import labels
from syndicate.feed.body import edition_body
from syndicate.feed.build import MEDIA_TYPES, FeedSettings, select_page
from syndicate.feed.edition import Edition, ready_variant
from syndicate.feed.urls import ALL, FORMATS, FeedKey, article_url, home_url, opml_url, section_url
from syndicate.i18n.babel import gettext
from syndicate.i18n.dates import local_date
from syndicate.languages import CODES, LANGUAGES, other, tag
from syndicate.numbers import strict_int
from syndicate.storage import articles as article_store
from syndicate.storage import db
from syndicate.storage import sections as section_store
from syndicate.storage.models import Article, Section
from syndicate.web import images
from syndicate.web.images import PageImage

blueprint = Blueprint("public", __name__)

MAX_PAGE = 10_000_000  # feeds' page numbers have at most 7 digits too


@dataclass(frozen=True, slots=True)
class NavLink:
    label: str
    url: str
    depth: int = 0
    #: aria-current: "page" on the section's own page, "true" on its articles' pages.
    current: str | None = None


@dataclass(frozen=True, slots=True)
class LanguageLink:
    code: str
    tag: str
    label: str
    url: str


@dataclass(frozen=True, slots=True)
class FeedLink:
    url: str
    type: str
    title: str
    tag: str
    #: "RSS", "Atom", "JSON Feed": the link text in the Subscribe block.
    format_name: str = ""
    #: The feed's language, in its own words ("中文"), for the other language's feeds.
    language_name: str = ""


@dataclass(frozen=True, slots=True)
class Entry:
    """An article in a list: its text in the page's language, or the original (``lang``)."""

    title: str
    url: str
    summary: str
    date: str
    date_iso: str
    section: str
    lang: str | None
    image: PageImage | None = None


# Bodies are sanitized at input; the policy is the second line of defence should anything slip
# through: no script at all, no plugins, no framing by other sites, images from anywhere.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' http: https: data:; media-src 'self' http: https:; "
    "style-src 'self'; script-src 'none'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'self'"
)


@blueprint.after_request
def _security_headers(response):
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    return response


def _settings() -> FeedSettings:
    return FeedSettings.of(current_app.config)


def _language(code: str) -> str:
    if code not in LANGUAGES:
        choices = ", ".join(f"/{c}/" for c in CODES)
        raise NotFound(f"Unknown language {code!r}: pages are under {choices}")
    g.language = code
    return code


def _page_number() -> int:
    raw = request.args.get("page", "1")
    number = strict_int(raw, low=1, high=MAX_PAGE)
    if number is None:
        raise NotFound(gettext(g.language, "No such page."))
    return number


def _nav(language: str, sections: list[Section], current: str, mark: str) -> list[NavLink]:
    settings = _settings()
    links = [
        NavLink(
            gettext(language, "All news"),
            home_url(settings.base_url, language),
            current=mark if current == ALL else None,
        )
    ]
    for section, depth in section_store.in_tree_order(sections):
        links.append(
            NavLink(
                labels.section_name(section, language),
                section_url(settings.base_url, language, section.slug),
                depth,
                mark if section.slug == current else None,
            )
        )
    return links


def _language_links(codes: Iterable[str], url_for: Callable[[str], str]) -> list[LanguageLink]:
    """The same page in each of ``codes``: hreflang alternates, the language switch."""
    return [
        LanguageLink(code, tag(code), LANGUAGES[code].native_name, url_for(code)) for code in codes
    ]


def _feed_links(slug: str, section: Section | None, languages: tuple[str, ...]) -> list[FeedLink]:
    """Autodiscovery, in the order of ``languages``: readers subscribe to the first feed."""
    base_url = _settings().base_url
    return [
        FeedLink(
            FeedKey(code, slug, fmt).url(base_url),
            MEDIA_TYPES[fmt],
            labels.format_title(labels.feed_title(section, code), fmt, code),
            tag(code),
            labels.FORMAT_NAMES[fmt],
            LANGUAGES[code].native_name,
        )
        for code in languages
        for fmt in FORMATS
    ]


def _chrome(language: str, current: str, mark: str = "page") -> dict:
    """What every page's layout needs; ``current`` is the section (or all) the page is in."""
    session = db.session()
    return {
        "lang": language,
        "lang_tag": tag(language),
        "nav": _nav(language, section_store.list_all(session), current, mark),
        "home": home_url(_settings().base_url, language),
        "opml": opml_url(_settings().base_url),
    }


@blueprint.get("/")
def root():
    """``/`` has no language: the reader's (Accept-Language), else the first one."""
    language = request.accept_languages.best_match(CODES) or CODES[0]
    response = redirect(home_url(_settings().base_url, language), 302)
    response.vary.add("Accept-Language")
    return response


@blueprint.get("/<lang>/")
def home(lang: str):
    return _listing(_language(lang), ALL)


@blueprint.get("/<lang>/<section>/")
def section(lang: str, section: str):
    return _listing(_language(lang), section)


def _listing(language: str, slug: str):
    settings = _settings()
    session = db.session()
    row = None
    if slug != ALL:
        row = section_store.get(session, slug)
        if row is None:
            raise NotFound(gettext(language, "No such section."))
    page = _page_number()
    selection = select_page(session, settings, language, row, page)
    if selection is None:
        raise NotFound(gettext(language, "No such page."))
    here = section_url(settings.base_url, language, slug)
    pictures = images.lookup(session, selection.editions)

    def same_section(code: str) -> str:
        return section_url(settings.base_url, code, slug)

    return render_template(
        "public/listing.html",
        **_chrome(language, slug),
        title=labels.feed_title(row, language),
        description=labels.feed_description(row, language),
        entries=[_entry(edition, settings, pictures) for edition in selection.editions],
        newer=None if page == 1 else (here if page == 2 else f"{here}?page={page - 1}"),
        older=f"{here}?page={page + 1}" if page < selection.page_count else None,
        canonical=here if page == 1 else f"{here}?page={page}",
        alternates=_language_links(CODES, same_section),
        switch=_language_links(other(language), same_section),
        feeds=_feed_links(slug, row, (language, *other(language))),
    )


def _entry(edition: Edition, settings: FeedSettings, pictures) -> Entry:
    variant = edition.variant
    return Entry(
        title=variant.title,
        url=edition.page_url(settings.base_url),
        summary=variant.summary,
        date=local_date(edition.published, edition.language, settings.timezone),
        date_iso=edition.published.isoformat(),
        section=labels.section_name(edition.article.section, edition.language),
        lang=edition.text_tag if edition.text_language != edition.language else None,
        image=images.page_image(edition, settings.base_url, pictures),
    )


@blueprint.get("/<lang>/articles/<public_id>")
def article(lang: str, public_id: str):
    language = _language(lang)
    row = article_store.get_published(db.session(), public_id)
    if row is None:
        raise NotFound(gettext(language, "No such article."))
    return render_article(row, language)


def render_article(row: Article, language: str) -> str:
    """The page of ``row`` in ``language`` (the desk's preview renders drafts with it too)."""
    settings = _settings()
    base_url = settings.base_url
    session = db.session()
    public_id = row.public_id
    edition = Edition.choose(row, language, fallback=True)
    assert edition is not None  # with fallback, the original always answers
    section = row.section
    # The page of the original names the canonical URL; a translation is its own page.
    canonical = (
        edition.page_url(base_url) if edition.is_translation else edition.original_url(base_url)
    )

    def same_article(code: str) -> str:
        return article_url(base_url, code, public_id)

    return render_template(
        "public/article.html",
        **_chrome(language, section.slug, "true"),
        title=edition.variant.title,
        summary=edition.variant.summary,
        # The lead image is drawn by the page (renditions, size), not inside the body.
        image=images.page_image(edition, base_url, images.lookup(session, [edition])),
        body=edition_body(
            edition, base_url=base_url, timezone=settings.timezone, with_figure=False
        ),
        # Set when the page shows the original for want of a translation: its language.
        original_lang=edition.text_tag if edition.text_language != language else None,
        language_name=labels.language_name(language, language),
        author=row.author,
        published=local_date(edition.published, language, settings.timezone),
        published_iso=edition.published.isoformat(),
        section_name=labels.section_name(section, language),
        section_url=section_url(base_url, language, section.slug),
        canonical=canonical,
        # Only the languages the article is written in: a fallback page is not a translation.
        alternates=_language_links(
            [code for code in CODES if ready_variant(row, code) is not None], same_article
        ),
        switch=_language_links(other(language), same_article),
        feeds=_feed_links(section.slug, section, (language,)),
    )
