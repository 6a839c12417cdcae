"""RSS 2.0 renderer, built with feedgen.

Specifications:

- RSS 2.0: https://www.rssboard.org/rss-specification
- ``atom:link`` in RSS (self, alternates): https://www.rssboard.org/rss-profile#namespace-elements-atom-link
  with RFC 4287 link semantics (https://www.rfc-editor.org/rfc/rfc4287#section-4.2.7)
- Paging (first/previous/next/last): RFC 5005 https://www.rfc-editor.org/rfc/rfc5005#section-3
- Archived feeds (current, prev-archive, next-archive, fh:archive): RFC 5005 section 4
  https://www.rfc-editor.org/rfc/rfc5005#section-4
- ``content:encoded``: https://web.resource.org/rss/1.0/modules/content/
- ``dc:creator``, ``dc:language``: https://www.dublincore.org/specifications/dublin-core/dcmi-terms/
- Media RSS (``media:content``): https://www.rssboard.org/media-rss

Channel: ``title``, ``link`` (home_url), ``description``, ``atom:link rel=self``, ``docs``,
``generator``, ``image`` (logo), ``language``, ``lastBuildDate`` (doc.updated), ``ttl``, then
``atom:link`` for the feed's alternates, paging links and the WebSub hub.

Item: ``title``, ``link``, ``description`` (summary), ``content:encoded``,
``guid isPermaLink="false"``, ``category``, ``enclosure`` (only with a known type and length:
external images of unknown size have none), ``pubDate``, ``dc:creator``, ``dc:language`` (only
when it differs from the channel's),
``atom:link``: when the item exists in other languages, one ``rel=alternate`` (its own page,
the same as ``link``) first, then one ``rel=related hreflang`` per other language,
``media:content medium="image"`` (type, fileSize, width, height when known; ``media:title`` =
caption, ``media:description`` = alt)
and ``syndicate:translation``. An item with an empty summary gets its body as ``description``
and no ``content:encoded`` (feedgen's rule).
"""

from __future__ import annotations

import threading
from functools import partial

from feedgen.feed import FeedGenerator
from lxml import etree

from syndicate.feed.document import HISTORY_NS, SYNDICATE_NS, FeedDocument, Item, Link
from syndicate.feed.render._feedgen_ext import add_entry, new_generator, sub
from syndicate.feed.render._links import HTML, link_type, other_alternates
from syndicate.feed.xml_text import strip_illegal as clean

MEDIA_TYPE = "application/rss+xml"

ATOM_NS = "http://www.w3.org/2005/Atom"
DC_NS = "http://purl.org/dc/elements/1.1/"
MEDIA_NS = "http://search.yahoo.com/mrss/"
# feedgen itself declares atom and content; these are the namespaces our writers add.
_NSMAP = {"fh": HISTORY_NS, "dc": DC_NS, "media": MEDIA_NS, "syndicate": SYNDICATE_NS}

_ATOM_LINK = f"{{{ATOM_NS}}}link"

# feedgen formats RFC 822 dates by switching the process-wide locale to "C" and back
# (feedgen.util.formatRFC2822). Two renders interleaving in threads could restore each other's
# "C" and leave the process there, so our calls into it take turns.
_LOCALE_LOCK = threading.Lock()


def render_rss(doc: FeedDocument) -> bytes:
    """The document as an RSS 2.0 feed (UTF-8 bytes with an XML declaration)."""
    fg = new_generator("rss", _NSMAP, partial(_write_channel_links, doc))
    title = clean(doc.title)
    fg.title(title)
    fg.description(clean(doc.description) or title)  # RSS requires a non-empty description
    fg.language(doc.language)
    fg.updated(doc.updated)  # lastBuildDate; feedgen would otherwise use the current time
    name, version, _uri = doc.generator
    fg.generator(clean(f"{name} {version}" if version else name))
    if doc.ttl_minutes is not None:
        fg.ttl(doc.ttl_minutes)
    fg.link(href=clean(doc.self_url), rel="self", type=MEDIA_TYPE)
    # feedgen takes the RSS <link> from the last link added: the home page must come last.
    fg.link(href=clean(doc.home_url), rel="alternate")
    if doc.logo:
        fg.image(url=clean(doc.logo))

    for item in doc.items:
        _add_item(fg, item, doc.language)

    with _LOCALE_LOCK:
        return fg.rss_str(pretty=False)


def _add_item(fg: FeedGenerator, item: Item, channel_language: str) -> None:
    entry = add_entry(fg, partial(_write_item_extras, item, channel_language))
    entry.id(clean(item.id))  # guid isPermaLink="false": the id is opaque, not the page
    entry.title(clean(item.title))
    entry.link(href=clean(item.url))
    summary = clean(item.summary)
    if summary:
        entry.summary(summary)
    # Escaped text rather than CDATA: CDATA cannot hold "]]>", which HTML bodies may contain.
    entry.content(clean(item.content_html), type="html")
    entry.published(item.published)
    for category in item.categories:
        term = clean(category)
        if term:
            entry.category(term=term)
    image = item.image
    # RSS requires the enclosure's length and type: an external image whose size we do not
    # know has none (a made-up length="0" is wrong); media:content still carries it.
    if image is not None and image.type and image.length is not None:
        entry.enclosure(url=clean(image.url), length=str(image.length), type=clean(image.type))


def _write_channel_links(doc: FeedDocument, rss: etree._Element) -> None:
    channel = rss[0]
    _alternate_links(channel, doc.home_url, doc.alternates)
    for rel, href in doc.paging.links():
        _atom_link(channel, href, rel, MEDIA_TYPE)
    if doc.paging.archive:
        sub(channel, f"{{{HISTORY_NS}}}archive")
    for hub in doc.hubs:
        _atom_link(channel, hub, "hub")


def _write_item_extras(item: Item, channel_language: str, element: etree._Element) -> None:
    for author in item.authors:
        sub(element, f"{{{DC_NS}}}creator", text=author)
    if item.language != channel_language:
        sub(element, f"{{{DC_NS}}}language", text=item.language)
    # One alternate, the item's own page (as <link>), first; other languages as related.
    related = other_alternates(item.url, item.alternates)
    if related:
        _atom_link(element, item.url, "alternate", HTML)
    for link in related:
        _atom_link(element, link.href, link.rel, link_type(link), link.hreflang, link.title)
    image = item.image
    if image is not None:
        media = sub(
            element,
            f"{{{MEDIA_NS}}}content",
            {
                "url": image.url,
                "medium": "image",
                "type": image.type,
                "fileSize": None if image.length is None else str(image.length),
                "width": None if image.width is None else str(image.width),
                "height": None if image.height is None else str(image.height),
            },
        )
        # The alt text describes the picture (what media:description is for); the caption is
        # what a page prints under it, its title.
        if image.caption:
            sub(media, f"{{{MEDIA_NS}}}title", {"type": "plain"}, image.caption)
        if image.alt:
            sub(media, f"{{{MEDIA_NS}}}description", {"type": "plain"}, image.alt)
    provenance = item.provenance
    if provenance is not None:
        sub(
            element,
            f"{{{SYNDICATE_NS}}}translation",
            {
                "origin": provenance.origin,
                "source-language": provenance.source_language,
                "model": provenance.model,
            },
        )


def _alternate_links(parent: etree._Element, own_url: str, alternates: tuple[Link, ...]) -> None:
    links = other_alternates(own_url, alternates)
    for link in links:
        _atom_link(parent, link.href, link.rel, link_type(link), link.hreflang, link.title)
    if links:
        # Parsers that read atom:link in RSS (feedparser, hence many readers) take the last
        # alternate as the page, ignoring hreflang and <link>: end with the page itself.
        _atom_link(parent, own_url, "alternate", HTML)


def _atom_link(
    parent: etree._Element,
    href: str,
    rel: str,
    type_: str | None = None,
    hreflang: str | None = None,
    title: str | None = None,
) -> None:
    attrs = {"href": href, "rel": rel, "type": type_, "hreflang": hreflang, "title": title}
    sub(parent, _ATOM_LINK, attrs)
