"""Sitemaps (sitemaps.org 0.9) and the Google News sitemap, built from the database alone.

``build_sitemaps(session, config)`` returns every sitemap document as ``{relative path: bytes}``;
the same database gives the same bytes, so they can be rendered once per change and served as
files on every host, like the feeds.

- ``sitemap.xml``: a ``urlset`` of every public page while they fit in one file
  (``MAX_URLS`` = 50,000, the protocol's limit); beyond that a ``sitemapindex`` of
  ``sitemaps/sections.xml`` (home and section pages) and ``sitemaps/articles-<n>.xml``, articles
  oldest first so that older files keep their bytes as news is added.
- Each article page is listed in every language it is written or translated in, with
  ``xhtml:link rel="alternate" hreflang`` to each of them (itself included: Google's rule), so
  the pairs are reciprocal by construction, and ``lastmod`` (when its text last changed). A page
  whose canonical URL is elsewhere (an original published first on another site) is left out,
  and so are the fallback pages showing an untranslated original.
- ``sitemap-news.xml``: article pages published in the last 48 hours (at most 1,000, Google
  News' limits) with publication name, language, date and title.

50,000 URLs with their alternates stay far below the 50 MB size limit (about 25 MB).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from lxml import etree
from sqlalchemy.orm import Session

from syndicate.feed import labels
from syndicate.feed.build import FeedSettings
from syndicate.feed.edition import Edition, ready_variant
from syndicate.feed.urls import ALL, section_url
from syndicate.feed.xml_text import strip_illegal
from syndicate.languages import CODES, tag
from syndicate.storage import articles as article_store
from syndicate.storage import sections as section_store
from syndicate.storage.models import Article

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML_NS = "http://www.w3.org/1999/xhtml"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"

INDEX_PATH = "sitemap.xml"
NEWS_PATH = "sitemap-news.xml"
SECTIONS_PATH = "sitemaps/sections.xml"
MAX_URLS = 50_000
NEWS_WINDOW = timedelta(hours=48)
NEWS_MAX_URLS = 1_000
#: Google News wants ISO 639 codes, with zh-cn / zh-tw for the two scripts.
NEWS_LANGUAGES = {"en": "en", "zh": "zh-cn"}


@dataclass(frozen=True, slots=True)
class PageUrl:
    """One page in a sitemap, with the same page in each language (itself included)."""

    loc: str
    alternates: tuple[tuple[str, str], ...] = ()  # (BCP 47 tag, url)
    lastmod: datetime | None = None


def articles_path(number: int) -> str:
    return f"sitemaps/articles-{number}.xml"


def build_sitemaps(
    session: Session,
    config: Mapping[str, Any],
    *,
    now: datetime | None = None,
    max_urls: int = MAX_URLS,
) -> dict[str, bytes]:
    """Every sitemap document; ``now`` (default: the current time) places the news window."""
    settings = FeedSettings.of(config)
    base_url = settings.base_url
    sections = section_pages(session, base_url)
    articles = list(article_pages(session, base_url))  # PageUrl is small: ~300 B per page
    documents: dict[str, bytes] = {}
    if len(sections) + len(articles) <= max_urls:
        documents[INDEX_PATH] = render_urlset([*sections, *articles])
    else:
        children = [(SECTIONS_PATH, sections)]
        for number, start in enumerate(range(0, len(articles), max_urls), start=1):
            children.append((articles_path(number), articles[start : start + max_urls]))
        for path, pages in children:
            documents[path] = render_urlset(pages)
        documents[INDEX_PATH] = render_index(
            (f"{base_url}/{path}", _newest(pages)) for path, pages in children
        )
    moment = now or datetime.now(UTC)
    documents[NEWS_PATH] = render_news(news_pages(session, config, moment))
    return documents


# What is listed --------------------------------------------------------------------------------


def section_pages(session: Session, base_url: str) -> list[PageUrl]:
    """The home page and every section page, in every language."""
    tree = section_store.in_tree_order(section_store.list_all(session))
    slugs = [ALL, *(row.slug for row, _depth in tree)]
    pages = []
    for slug in slugs:
        versions = tuple((tag(code), section_url(base_url, code, slug)) for code in CODES)
        pages.extend(PageUrl(url, versions) for _tag, url in versions)
    return pages


def _own_pages(article: Article, base_url: str) -> list[tuple[str, Edition]]:
    """``(url, edition)`` of the article's pages that are canonical: one per language it is
    written or translated in, except an original whose canonical URL is on another site."""
    pages = []
    for code in CODES:
        variant = ready_variant(article, code)
        if variant is None:
            continue
        edition = Edition(article, code, variant)
        url = edition.page_url(base_url)
        if not edition.is_translation and edition.original_url(base_url) != url:
            continue
        pages.append((url, edition))
    return pages


def article_pages(session: Session, base_url: str) -> Iterator[PageUrl]:
    for article in article_store.iter_published(session):
        pages = _own_pages(article, base_url)
        versions = tuple((edition.text_tag, url) for url, edition in pages)
        for url, edition in pages:
            yield PageUrl(url, versions if len(versions) > 1 else (), edition.updated)


@dataclass(frozen=True, slots=True)
class NewsPage:
    loc: str
    name: str
    language: str
    published: datetime
    title: str


def news_pages(session: Session, config: Mapping[str, Any], now: datetime) -> list[NewsPage]:
    base_url = FeedSettings.of(config).base_url
    pages: list[NewsPage] = []
    # Not after ``now``: an article scheduled for later is not news yet.
    since = now - NEWS_WINDOW
    for article in article_store.published_between(session, since, now, limit=NEWS_MAX_URLS):
        for url, edition in _own_pages(article, base_url):
            title = edition.variant.title.strip()
            if labels.has_text(title) and len(pages) < NEWS_MAX_URLS:
                pages.append(
                    NewsPage(
                        url,
                        labels.site_name(config, edition.language),
                        NEWS_LANGUAGES[edition.language],
                        edition.published,
                        title,
                    )
                )
    return pages


# Rendering -------------------------------------------------------------------------------------


def w3c_datetime(moment: datetime) -> str:
    """W3C Datetime in UTC to the second, as sitemaps want (``2023-07-17T00:30:00+00:00``)."""
    return moment.astimezone(UTC).replace(microsecond=0).isoformat()


def _sub(parent: etree._Element, name: str, text: str | None = None) -> etree._Element:
    element = etree.SubElement(parent, name)
    if text is not None:
        element.text = strip_illegal(text)
    return element


def _serialize(root: etree._Element) -> bytes:
    body = etree.tostring(root, xml_declaration=False, encoding="UTF-8")
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + body + b"\n"


def render_urlset(pages: Iterable[PageUrl]) -> bytes:
    root = etree.Element(f"{{{SITEMAP_NS}}}urlset", nsmap={None: SITEMAP_NS, "xhtml": XHTML_NS})
    for page in pages:
        url = _sub(root, f"{{{SITEMAP_NS}}}url")
        _sub(url, f"{{{SITEMAP_NS}}}loc", page.loc)
        if page.lastmod is not None:
            _sub(url, f"{{{SITEMAP_NS}}}lastmod", w3c_datetime(page.lastmod))
        for hreflang, href in page.alternates:
            link = _sub(url, f"{{{XHTML_NS}}}link")
            link.set("rel", "alternate")
            link.set("hreflang", hreflang)
            link.set("href", href)
    return _serialize(root)


def render_index(children: Iterable[tuple[str, datetime | None]]) -> bytes:
    root = etree.Element(f"{{{SITEMAP_NS}}}sitemapindex", nsmap={None: SITEMAP_NS})
    for loc, lastmod in children:
        sitemap = _sub(root, f"{{{SITEMAP_NS}}}sitemap")
        _sub(sitemap, f"{{{SITEMAP_NS}}}loc", loc)
        if lastmod is not None:
            _sub(sitemap, f"{{{SITEMAP_NS}}}lastmod", w3c_datetime(lastmod))
    return _serialize(root)


def render_news(pages: Iterable[NewsPage]) -> bytes:
    root = etree.Element(f"{{{SITEMAP_NS}}}urlset", nsmap={None: SITEMAP_NS, "news": NEWS_NS})
    for page in pages:
        url = _sub(root, f"{{{SITEMAP_NS}}}url")
        _sub(url, f"{{{SITEMAP_NS}}}loc", page.loc)
        news = _sub(url, f"{{{NEWS_NS}}}news")
        publication = _sub(news, f"{{{NEWS_NS}}}publication")
        _sub(publication, f"{{{NEWS_NS}}}name", page.name)
        _sub(publication, f"{{{NEWS_NS}}}language", page.language)
        _sub(news, f"{{{NEWS_NS}}}publication_date", w3c_datetime(page.published))
        _sub(news, f"{{{NEWS_NS}}}title", page.title)
    return _serialize(root)


def _newest(pages: list[PageUrl]) -> datetime | None:
    dates = [page.lastmod for page in pages if page.lastmod is not None]
    return max(dates) if dates else None


def robots_txt(base_url: str) -> bytes:
    """Crawlers may read every public page; the desk and the API are for editors."""
    lines = [
        "User-agent: *",
        "Disallow: /desk/",
        "Disallow: /api/",
        "",
        f"Sitemap: {base_url}/{INDEX_PATH}",
        f"Sitemap: {base_url}/{NEWS_PATH}",
        "",
    ]
    return "\n".join(lines).encode()
