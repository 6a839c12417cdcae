"""Sitemaps (sitemaps.org 0.9), the Google News sitemap and robots.txt, built from the database.

They are documents of the publication like the feeds: rendered by publishers once per change
(``syndicate.publication.sitemaps``), stored, mirrored into every host's folder and served as
files. The functions here build them; ``build_sitemaps`` returns all of them at once as
``{relative path: bytes}`` (the same database gives the same bytes as the publisher's
incremental renders).

- ``sitemap.xml``: a ``urlset`` of every public page while they surely fit in one file (the
  home and section pages plus ``len(CODES)`` per published article at most ``max_urls``,
  50,000 by default: the protocol's limit); beyond that a ``sitemapindex`` of
  ``sitemaps/sections.xml`` (home and section pages) and ``sitemaps/articles-<n>.xml``.
- Children are **fixed blocks of article ids**: ``articles-<n>.xml`` lists the published
  articles whose id is in ``[(n - 1) * size + 1, n * size]`` with ``size = max_urls //
  len(CODES)`` (so a child never exceeds ``max_urls`` URLs, every article being at most one
  page per language). Ids only grow, so news only ever changes the newest child; an edit,
  translation or unpublication changes the one child holding that id (and the index's
  ``lastmod`` of it); nothing moves between children, so a child's bytes change only when one
  of its own articles does. Deleted ids leave a child smaller, never another one different;
  a block without published articles has no file. (Blocks by publication date would move an
  article when its date is edited, and blocks by position would shift every later child.)
- Each article page is listed in every language it is written or translated in, with
  ``xhtml:link rel="alternate" hreflang`` to each of them (itself included: Google's rule), so
  the pairs are reciprocal by construction, and ``lastmod`` (when its text last changed). A page
  whose canonical URL is elsewhere (an original published first on another site) is left out,
  and so are the fallback pages showing an untranslated original.
- ``sitemap-news.xml``: article pages published in the last 48 hours (at most 1,000, Google
  News' limits) with publication name, language, date and title. It depends on the time: the
  worker's scheduler marks it dirty when an article leaves (or enters) the window.
- ``robots.txt`` names the two sitemaps (it depends on ``SYNDICATE_BASE_URL`` only).

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
from syndicate.storage import article_index
from syndicate.storage import articles as article_store
from syndicate.storage import sections as section_store
from syndicate.storage.article_index import IndexedArticle
from syndicate.storage.models import Article

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML_NS = "http://www.w3.org/1999/xhtml"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"

INDEX_PATH = "sitemap.xml"
NEWS_PATH = "sitemap-news.xml"
ROBOTS_PATH = "robots.txt"
CHILDREN_PREFIX = "sitemaps/"
SECTIONS_PATH = f"{CHILDREN_PREFIX}sections.xml"
ARTICLES_PREFIX = f"{CHILDREN_PREFIX}articles-"
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


@dataclass(frozen=True, slots=True)
class Part:
    """One sitemap document and the newest ``lastmod`` in it (``None``: none has one)."""

    path: str
    body: bytes
    lastmod: datetime | None


def articles_path(number: int) -> str:
    return f"{ARTICLES_PREFIX}{number}.xml"


def block_size(max_urls: int) -> int:
    """Article ids per child: each article is at most one page per language."""
    return max(max_urls // len(CODES), 1)


def block_of(article_id: int, size: int) -> int:
    return (article_id - 1) // size + 1


def is_site_path(path: str) -> bool:
    """Whether a publication path is one of these documents (never a feed's: those start with
    a two-letter language folder)."""
    if path in (INDEX_PATH, NEWS_PATH, ROBOTS_PATH):
        return True
    name = path.removeprefix(CHILDREN_PREFIX)
    return name != path and name.endswith(".xml") and _is_name(name[: -len(".xml")])


def _is_name(name: str) -> bool:
    return bool(name) and all(c.isascii() and (c.isalnum() or c == "-") for c in name)


def is_split(session: Session, max_urls: int) -> bool:
    """Whether ``sitemap.xml`` is an index: when its pages might not fit in one file (counted
    without loading them: section pages, and every language of every published article)."""
    sections = (1 + len(section_store.list_all(session))) * len(CODES)
    return sections + article_store.count_published(session) * len(CODES) > max_urls


def build_sitemaps(
    session: Session,
    config: Mapping[str, Any],
    *,
    now: datetime | None = None,
    max_urls: int = MAX_URLS,
) -> dict[str, bytes]:
    """Every sitemap document; ``now`` (default: the current time) places the news window."""
    parts = build_parts(session, config, max_urls=max_urls)
    parts.append(news_part(session, config, now or datetime.now(UTC)))
    return {part.path: part.body for part in parts}


def build_parts(session: Session, config: Mapping[str, Any], *, max_urls: int) -> list[Part]:
    """``sitemap.xml`` and, when split, its children (the index last)."""
    base_url = FeedSettings.of(config).base_url
    if not is_split(session, max_urls):
        return [single_part(session, base_url)]
    children = [sections_part(session, base_url), *block_parts(session, base_url, max_urls)]
    return [*children, index_part(base_url, {c.path: c.lastmod for c in children})]


def single_part(session: Session, base_url: str) -> Part:
    pages = [*section_pages(session, base_url), *article_pages(session, base_url)]
    return Part(INDEX_PATH, render_urlset(pages), _newest(pages))


def sections_part(session: Session, base_url: str) -> Part:
    pages = section_pages(session, base_url)
    return Part(SECTIONS_PATH, render_urlset(pages), _newest(pages))


def block_part(session: Session, base_url: str, number: int, max_urls: int) -> Part | None:
    """The child of block ``number`` (``None``: it holds no published article)."""
    size = block_size(max_urls)
    ids = ((number - 1) * size + 1, number * size)
    pages = list(article_pages(session, base_url, ids=ids))
    return Part(articles_path(number), render_urlset(pages), _newest(pages)) if pages else None


def block_parts(session: Session, base_url: str, max_urls: int) -> list[Part]:
    """Every child of articles, in one pass over the published articles."""
    size = block_size(max_urls)
    blocks: dict[int, list[PageUrl]] = {}
    for article, pages in _article_pages(session, base_url, None):
        blocks.setdefault(block_of(article.id, size), []).extend(pages)
    return [
        Part(articles_path(n), render_urlset(pages), _newest(pages))
        for n, pages in sorted(blocks.items())
    ]


def _child_order(path: str) -> tuple[int, int]:
    if path == SECTIONS_PATH:
        return (0, 0)
    return (1, int(path.removeprefix(ARTICLES_PREFIX).removesuffix(".xml")))


def index_part(base_url: str, children: Mapping[str, datetime | None]) -> Part:
    """The ``sitemapindex`` of ``children`` (path: newest lastmod in it)."""
    ordered = sorted(children, key=_child_order)
    body = render_index((f"{base_url}/{path}", children[path]) for path in ordered)
    dates = [d for d in children.values() if d is not None]
    return Part(INDEX_PATH, body, max(dates) if dates else None)


def news_part(session: Session, config: Mapping[str, Any], now: datetime) -> Part:
    pages = news_pages(session, config, now)
    return Part(NEWS_PATH, render_news(pages), max((p.published for p in pages), default=None))


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


def _own_pages(article: Article | IndexedArticle, base_url: str) -> list[tuple[str, Edition]]:
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


def _article_pages(
    session: Session, base_url: str, ids: tuple[int, int] | None
) -> Iterator[tuple[IndexedArticle, list[PageUrl]]]:
    for article in article_index.iter_published(session, ids=ids):
        pages = _own_pages(article, base_url)
        versions = tuple((edition.text_tag, url) for url, edition in pages)
        alternates = versions if len(versions) > 1 else ()
        yield article, [PageUrl(url, alternates, edition.updated) for url, edition in pages]


def article_pages(
    session: Session, base_url: str, *, ids: tuple[int, int] | None = None
) -> Iterator[PageUrl]:
    """The article pages, oldest first (``ids``: only articles whose id is in that range)."""
    for _article, pages in _article_pages(session, base_url, ids):
        yield from pages


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
