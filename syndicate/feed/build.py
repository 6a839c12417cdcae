"""Build the feed documents of one page of a section's feed (or ``all``) in one language.

One page costs a constant number of queries whatever the page size or the number of
articles: the section tree, a count, the page's articles, and their variants (selectin).
Needs an app context (titles and notices come from the gettext catalogs).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy.orm import Session

from syndicate.feed import labels
from syndicate.feed.body import absolute_url, edition_body
from syndicate.feed.document import FeedDocument, Image, Item, Link, Paging, Provenance
from syndicate.feed.edition import Edition
from syndicate.feed.render import atom, jsonfeed, rss
from syndicate.feed.urls import ALL, FORMATS, FeedKey, section_url
from syndicate.i18n.babel import gettext
from syndicate.languages import LANGUAGES, other, tag
from syndicate.storage import articles as article_store
from syndicate.storage import media as media_store
from syndicate.storage import sections as section_store
from syndicate.storage.articles import FeedPosition
from syndicate.storage.models import Article, Media, Section

MEDIA_TYPES = {"rss": rss.MEDIA_TYPE, "atom": atom.MEDIA_TYPE, "json": jsonfeed.MEDIA_TYPE}
#: Year in feed ids (a tag URI needs a date when the authority owned the name; fixed forever).
FEED_ID_YEAR = 2023
EMPTY_FEED_UPDATED = datetime(FEED_ID_YEAR, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class FeedSettings:
    """The settings feeds depend on, read once from the Flask config."""

    base_url: str
    timezone: str
    page_size: int
    cache_max_age: int
    untranslated: str  # "hide" | "original"
    hubs: tuple[str, ...] = ()

    @classmethod
    def of(cls, settings: FeedSettings | Mapping[str, Any]) -> FeedSettings:
        """Accept the Flask config (``SYNDICATE_*`` keys) as well."""
        if isinstance(settings, FeedSettings):
            return settings
        return cls(
            base_url=settings["SYNDICATE_BASE_URL"].rstrip("/"),
            timezone=settings["SYNDICATE_TIMEZONE"],
            page_size=settings["SYNDICATE_PAGE_SIZE"],
            cache_max_age=settings["SYNDICATE_CACHE_MAX_AGE"],
            untranslated=settings["SYNDICATE_UNTRANSLATED"],
            hubs=tuple(settings.get("SYNDICATE_WEBSUB_HUBS", ())),
        )

    @property
    def fallback(self) -> bool:
        return self.untranslated == "original"

    @property
    def ttl_minutes(self) -> int:
        return max(1, self.cache_max_age // 60)


#: How many pages past the requested one ``select_page`` counts (HTML listings link the next
#: pages; an exact count of a long feed would read all of it).
LOOKAHEAD_PAGES = 10


@dataclass(frozen=True, slots=True)
class Selection:
    """The articles of one page of a section (as editions in the reader's language)."""

    editions: list[Edition]
    page_count: int
    complete: bool = True


def select_page(
    session: Session,
    settings: FeedSettings,
    language: str,
    section: Section | None,
    page: int,
    *,
    count: bool = True,
) -> Selection | None:
    """What page ``page`` of ``section`` (``None``: all, else with its descendants) shows to
    readers of ``language``, for feeds and HTML listings alike; ``None`` past the last page.
    Without ``count`` only page 1 can be asked for, and the page count is not known."""
    if page < 1 or (page > 1 and not count):
        return None
    section_ids = None if section is None else section_store.subtree_ids(session, section)
    fallback = settings.fallback
    page_count, complete = 1, False
    if count:
        # Count no further than LOOKAHEAD_PAGES past this page: enough to link the next pages,
        # and the cost stays O(page size) however long the feed is.
        limit = (page + LOOKAHEAD_PAGES) * settings.page_size + 1
        found = article_store.feed_count(
            session, section_ids, language, include_untranslated=fallback, limit=limit
        )
        complete = found < limit
        page_count = max(1, math.ceil(min(found, limit - 1) / settings.page_size))
        if page > page_count:
            return None
    articles = article_store.feed_page(
        session,
        section_ids,
        language,
        include_untranslated=fallback,
        limit=settings.page_size,
        offset=(page - 1) * settings.page_size,
    )
    # The SQL filter and the variants are two reads: a translation deleted in between is skipped.
    editions = [Edition.choose(article, language, fallback=fallback) for article in articles]
    return Selection([e for e in editions if e is not None], page_count, complete)


@dataclass(frozen=True, slots=True)
class FeedPage:
    """One document of one feed, in every format (they differ only in their own URLs)."""

    documents: dict[str, FeedDocument]

    @property
    def updated(self) -> datetime:
        """The newest change the document shows (its Last-Modified)."""
        return next(iter(self.documents.values())).updated


def _feed_section(session: Session, language: str, section: str) -> tuple[bool, Section | None]:
    if language not in LANGUAGES:
        return False, None
    if section == ALL:
        return True, None
    row = section_store.get(session, section)
    return row is not None, row


def _documents(
    session: Session,
    settings: FeedSettings,
    language: str,
    section: str,
    row: Section | None,
    editions: list[Edition],
    key: Callable[[str], FeedKey],
    paging: Callable[[str], Paging],
) -> FeedPage:
    library = media_store.by_urls(session, [e.article.image_url for e in editions])
    items = tuple(_item(edition, settings, library) for edition in editions)
    document = FeedDocument(
        id=feed_id(settings.base_url, language, section),
        title=labels.feed_title(row, language),
        description=labels.feed_description(row, language),
        language=tag(language),
        home_url=section_url(settings.base_url, language, section),
        self_url=key(FORMATS[0]).url(settings.base_url),
        updated=_feed_updated(row, items),
        items=items,
        ttl_minutes=settings.ttl_minutes,
        hubs=settings.hubs,
    )
    return FeedPage(
        {
            fmt: dataclasses.replace(
                document,
                self_url=key(fmt).url(settings.base_url),
                paging=paging(fmt),
                alternates=_feed_alternates(settings.base_url, language, section, fmt),
            )
            for fmt in FORMATS
        }
    )


def build_current(
    session: Session,
    settings: FeedSettings | Mapping[str, Any],
    language: str,
    section: str,
    archives: int = 0,
) -> FeedPage | None:
    """The subscription document of ``section`` (a slug or ``all``) in ``language``: its newest
    ``page_size`` articles, linking the newest of its ``archives`` closed archive pages.
    ``None`` if the language or section does not exist."""
    settings = FeedSettings.of(settings)
    exists, row = _feed_section(session, language, section)
    if not exists:
        return None
    selection = select_page(session, settings, language, row, 1, count=False)
    assert selection is not None  # page 1 always exists

    def paging(fmt: str) -> Paging:
        newest = FeedKey(language, section, fmt, archives).url(settings.base_url)
        if not archives:
            return Paging()
        if fmt == "json":  # JSON Feed pages one way, to older items
            return Paging(next=newest)
        return Paging(prev_archive=newest)

    return _documents(
        session,
        settings,
        language,
        section,
        row,
        selection.editions,
        lambda fmt: FeedKey(language, section, fmt),
        paging,
    )


def build_archive(
    session: Session,
    settings: FeedSettings | Mapping[str, Any],
    language: str,
    section: str,
    number: int,
    starts: Sequence[FeedPosition],
) -> FeedPage | None:
    """Closed archive page ``number`` (1 = oldest) of a feed cut at ``starts`` (the last cut
    starts the open page, which is not an archive yet); ``None`` if there is no such page."""
    settings = FeedSettings.of(settings)
    exists, row = _feed_section(session, language, section)
    closed = len(starts) - 1
    if not exists or not 1 <= number <= closed:
        return None
    section_ids = None if row is None else section_store.subtree_ids(session, row)
    articles = article_store.feed_range(
        session,
        section_ids,
        language,
        include_untranslated=settings.fallback,
        # Page 1 also holds what is older than its first cut (back-dated articles).
        start=None if number == 1 else starts[number - 1],
        end=starts[number],
    )
    editions = [Edition.choose(a, language, fallback=settings.fallback) for a in articles]

    def url(fmt: str, page: int | None) -> str:
        return FeedKey(language, section, fmt, page).url(settings.base_url)

    def paging(fmt: str) -> Paging:
        older = url(fmt, number - 1) if number > 1 else None
        if fmt == "json":
            return Paging(next=older)
        return Paging(
            current=url(fmt, None),
            prev_archive=older,
            next_archive=url(fmt, number + 1) if number < closed else None,
            archive=True,
        )

    return _documents(
        session,
        settings,
        language,
        section,
        row,
        [e for e in editions if e is not None],
        lambda fmt: FeedKey(language, section, fmt, number),
        paging,
    )


def host(base_url: str) -> str:
    return urlsplit(base_url).hostname or "localhost"


def feed_id(base_url: str, language: str, section: str) -> str:
    """One id per feed and language, the same for every format and page (they are one feed)."""
    return f"tag:{host(base_url)},{FEED_ID_YEAR}:feed/{language}/{section}"


def item_id(base_url: str, article: Article, language: str) -> str:
    """Never changes (edits, re-translation, a move to another section) and differs per
    language: readers dedupe by it. ``language`` is the feed's, not the text's, so an item
    keeps its id when a translation replaces the original shown before it."""
    day = article.created_at.date().isoformat()
    return f"tag:{host(base_url)},{day}:article/{article.public_id}/{language}"


def _item(edition: Edition, settings: FeedSettings, library: Mapping[str, Media]) -> Item:
    base_url = settings.base_url
    article, variant = edition.article, edition.variant
    image = None
    if article.image_url:
        # A media library image: its real type, size and dimensions; else only what the URL says.
        known = library.get(article.image_url)
        image = Image(
            url=absolute_url(article.image_url, base_url, edition.page_url(base_url)),
            caption=variant.image_caption,
            alt=variant.image_alt,
            type=known.type if known else None,
            length=known.bytes if known else None,
            width=known.width if known else None,
            height=known.height if known else None,
        )
    provenance = None
    if edition.is_translation:
        provenance = Provenance(variant.origin, tag(article.language), variant.engine)
    title = variant.title.strip()
    return Item(
        id=item_id(base_url, article, edition.language),
        url=edition.url(base_url),
        title=title if labels.has_text(title) else gettext(edition.language, "Untitled"),
        summary=variant.summary,
        content_html=edition_body(edition, base_url=base_url, timezone=settings.timezone),
        language=edition.text_tag,
        published=edition.published,
        updated=edition.updated,
        authors=(article.author.strip(),) if labels.has_text(article.author) else (),
        categories=tuple(t for t in article.tags or () if isinstance(t, str) and t.strip()),
        image=image,
        # The other languages' pages are "related", not "alternate": readers that follow the
        # first (tt-rss) or the last (Liferea) alternate must all land on this item's own page.
        alternates=tuple(
            Link(url, rel="related", type="text/html", hreflang=tag(code))
            for code, url in edition.other_versions(base_url)
        ),
        provenance=provenance,
    )


def _feed_updated(section: Section | None, items: tuple[Item, ...]) -> datetime:
    """The newest change among the items; for an empty page, when the section changed (or a
    fixed instant for ``all``), so that the bytes only change when the content does."""
    if items:
        return max(item.updated for item in items)
    if section is not None:
        return section.updated_at
    return EMPTY_FEED_UPDATED


def _feed_alternates(base_url: str, language: str, section: str, fmt: str) -> tuple[Link, ...]:
    """The same feed in the other language (same format), then in the other formats."""
    links = [
        Link(FeedKey(code, section, fmt).url(base_url), type=MEDIA_TYPES[fmt], hreflang=tag(code))
        for code in other(language)
    ]
    links.extend(
        Link(
            FeedKey(language, section, f).url(base_url), type=MEDIA_TYPES[f], hreflang=tag(language)
        )
        for f in FORMATS
        if f != fmt
    )
    return tuple(links)
