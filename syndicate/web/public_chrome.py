"""What every public page's layout shows (site name, sections, language switch, feeds, footer),
the items of article lists, and the security headers of public pages.

``public.py`` has the routes; this module only shapes data for the templates.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from flask import Response, current_app, g, request, url_for

from syndicate.feed import labels
from syndicate.feed.body import absolute_url
from syndicate.feed.build import MEDIA_TYPES, FeedSettings
from syndicate.feed.edition import Edition
from syndicate.feed.urls import ALL, FORMATS, FeedKey, home_url, opml_url, section_url
from syndicate.i18n.babel import gettext
from syndicate.i18n.dates import local_date
from syndicate.languages import CODES, LANGUAGES, tag
from syndicate.storage import db
from syndicate.storage import sections as section_store
from syndicate.storage.models import Section
from syndicate.web import images

# Public pages run no script (JSON-LD is data, not run), load only our CSS, and show images from
# anywhere (articles' images may live on a CDN or the newsroom's own site).
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; img-src 'self' http: https: data:; style-src 'self'; "
        "font-src 'self'; form-action 'self'; frame-ancestors 'self'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}


def secure(response: Response) -> Response:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


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
class Picture:
    """An image as pages show it (the lead image, a thumbnail): absolute URL, text alternative,
    caption and credit. ``templates/public/_media.html`` turns it into markup."""

    url: str
    alt: str = ""
    caption: str = ""
    credit: str = ""
    #: The media library's renditions (srcset, width, height), when the image is in it.
    library: Any = None


@dataclass(frozen=True, slots=True)
class Entry:
    """An article in a list: its text in the page's language, or the original (``lang``)."""

    title: str
    url: str
    summary: str
    date: str
    date_iso: str
    section: str
    section_url: str
    lang: str | None
    author: str = ""
    image: Picture | None = None


def settings() -> FeedSettings:
    return FeedSettings.of(current_app.config)


def site_name(language: str) -> str:
    return labels.site_name(current_app.config, language)


def picture(edition: Edition, base_url: str, pictures: dict | None = None) -> Picture | None:
    """The edition's lead image; ``pictures``: the library pictures looked up for a whole list
    at once (``images.lookup``), else looked up here."""
    article, variant = edition.article, edition.variant
    if not article.image_url:
        return None
    if pictures is None:
        pictures = images.lookup(db.session(), [edition])
    found = images.page_image(edition, base_url, pictures)
    url = absolute_url(article.image_url, base_url, edition.page_url(base_url))
    return Picture(
        url,
        variant.image_alt.strip(),
        variant.image_caption.strip(),
        library=found.picture if found is not None else None,
    )


def entry(edition: Edition, feed_settings: FeedSettings, pictures: dict | None = None) -> Entry:
    variant, base_url = edition.variant, feed_settings.base_url
    section = edition.article.section
    return Entry(
        title=variant.title.strip() or gettext(edition.language, "Untitled"),
        url=edition.page_url(base_url),
        summary=variant.summary,
        date=local_date(edition.published, edition.language, feed_settings.timezone),
        date_iso=edition.published.isoformat(),
        section=labels.section_name(section, edition.language),
        section_url=section_url(base_url, edition.language, section.slug),
        lang=edition.text_tag if edition.text_language != edition.language else None,
        author=edition.article.author.strip(),
        image=picture(edition, base_url, pictures),
    )


def nav(language: str, sections: list[Section], current: str, mark: str) -> list[NavLink]:
    base_url = settings().base_url
    links = [
        NavLink(
            gettext(language, "All news"),
            home_url(base_url, language),
            current=mark if current == ALL else None,
        )
    ]
    for section, depth in section_store.in_tree_order(sections):
        links.append(
            NavLink(
                labels.section_name(section, language),
                section_url(base_url, language, section.slug),
                depth,
                mark if section.slug == current else None,
            )
        )
    return links


def language_links(codes: Iterable[str], url_for_code: Callable[[str], str]) -> list[LanguageLink]:
    """The same page in each of ``codes``: hreflang alternates, the language switch."""
    return [
        LanguageLink(code, tag(code), LANGUAGES[code].native_name, url_for_code(code))
        for code in codes
    ]


def feed_links(slug: str, section: Section | None, languages: tuple[str, ...]) -> list[FeedLink]:
    """Autodiscovery, in the order of ``languages``: readers subscribe to the first feed."""
    base_url = settings().base_url
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


def chrome(language: str, current: str, mark: str = "page") -> dict:
    """What every page's layout needs; ``current`` is the section (or all) the page is in."""
    base_url = settings().base_url
    return {
        "lang": language,
        "lang_tag": tag(language),
        "site_name": site_name(language),
        "nav": nav(language, section_store.list_all(db.session()), current, mark),
        "home": home_url(base_url, language),
        "opml": opml_url(base_url),
        "all_feeds": feed_links(ALL, None, (language,)),
        "sitemap": f"{base_url}/sitemap.xml",
        "favicon": url_for("static", filename="favicon.svg"),
    }


def error_language() -> str:
    """The language of an error page: the page's (``/zh/…``), else the reader's."""
    chosen = g.get("language")
    if chosen in LANGUAGES:
        return chosen
    first = request.path.strip("/").split("/", 1)[0]
    if first in LANGUAGES:
        return first
    return request.accept_languages.best_match(CODES) or CODES[0]
