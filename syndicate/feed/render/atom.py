"""Atom 1.0 renderer, built with feedgen.

Specifications:

- Atom 1.0: RFC 4287 https://www.rfc-editor.org/rfc/rfc4287
- Paging (first/previous/next/last): RFC 5005 https://www.rfc-editor.org/rfc/rfc5005#section-3
- Archived feeds (current, prev-archive, next-archive, fh:archive): RFC 5005 section 4
  https://www.rfc-editor.org/rfc/rfc5005#section-4
- WebSub hub link: https://www.w3.org/TR/websub/#discovery

Feed (``xml:lang`` = doc.language): ``id``, ``title``, ``updated``, ``author`` (doc.authors, else
the feed's title: Atom requires one), ``generator`` (uri, version), ``icon``, ``logo``,
``subtitle`` (description), then ``link``: self (application/atom+xml), the feed's alternates
(hreflang), the home page (alternate, text/html, last of the alternates), first/previous/next/last,
hub.

Entry (``xml:lang`` = item.language): ``id``, ``title type="text"``, ``updated``, ``author``,
``content type="html"`` (escaped, never CDATA), ``summary`` (text), ``category term``,
``published``, then ``link``: exactly one alternate (text/html), the entry's own page, FIRST
(readers take the first link, or the first or the last alternate: all must open the article),
one ``related`` per other language (text/html, hreflang), the enclosure (the image, with type
and length when known) LAST; finally ``syndicate:translation``.

feedgen drops rel/type/hreflang/length on entry links (upstream #135) and rejects link relations
outside its list, so every link is written by our hook (``_feedgen_ext``), never by
``FeedEntry.link``/``FeedGenerator.link``. feedgen builds Atom elements without a namespace and
puts a literal ``xmlns`` attribute on the root, so our Atom elements are unqualified too.
"""

from __future__ import annotations

from functools import partial

from feedgen.feed import FeedGenerator
from lxml import etree

from syndicate.feed.document import HISTORY_NS, SYNDICATE_NS, FeedDocument, Item, Link
from syndicate.feed.render._feedgen_ext import add_entry, new_generator, sub
from syndicate.feed.render._links import HTML, link_type, other_alternates
from syndicate.feed.xml_text import strip_illegal as clean

MEDIA_TYPE = "application/atom+xml"

_NSMAP = {"fh": HISTORY_NS, "syndicate": SYNDICATE_NS}
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def render_atom(doc: FeedDocument) -> bytes:
    """The document as an Atom 1.0 feed (UTF-8 bytes with an XML declaration)."""
    fg = new_generator("atom", _NSMAP, partial(_write_feed_links, doc))
    fg.id(clean(doc.id))
    fg.title(clean(doc.title))
    description = clean(doc.description)
    if description:
        fg.subtitle(description)
    fg.updated(doc.updated)  # feedgen would otherwise use the current time
    fg.language(doc.language)  # xml:lang on <feed>
    name, version, uri = doc.generator
    fg.generator(
        generator=clean(name),
        version=None if version is None else clean(version),
        uri=None if uri is None else clean(uri),
    )
    for author in doc.author_names:
        fg.author(name=clean(author))
    if doc.icon:
        fg.icon(clean(doc.icon))
    if doc.logo:
        fg.logo(clean(doc.logo))

    for item in doc.items:
        _add_entry(fg, item)

    return fg.atom_str(pretty=False)


def _add_entry(fg: FeedGenerator, item: Item) -> None:
    entry = add_entry(fg, partial(_write_entry_extras, item))
    entry.id(clean(item.id))
    entry.title(clean(item.title))
    entry.updated(item.updated)  # feedgen would otherwise use the current time
    entry.published(item.published)
    for author in item.authors:
        entry.author(name=clean(author))
    entry.content(clean(item.content_html), type="html")
    summary = clean(item.summary)
    if summary:
        entry.summary(summary)
    for category in item.categories:
        term = clean(category)
        if term:
            entry.category(term=term)


def _write_feed_links(doc: FeedDocument, feed: etree._Element) -> None:
    _link(feed, doc.self_url, "self", MEDIA_TYPE)
    _alternate_links(feed, doc.home_url, doc.alternates)
    for rel, href in doc.paging.links():
        _link(feed, href, rel, MEDIA_TYPE)
    if doc.paging.archive:
        sub(feed, f"{{{HISTORY_NS}}}archive")
    for hub in doc.hubs:
        _link(feed, hub, "hub")


def _write_entry_extras(item: Item, entry: etree._Element) -> None:
    entry.set(_XML_LANG, item.language)
    entry.find("title").set("type", "text")
    _link(entry, item.url, "alternate", HTML)
    for link in other_alternates(item.url, item.alternates):
        _link(entry, link.href, link.rel, link_type(link), link.hreflang, link.title, link.length)
    image = item.image
    if image is not None:
        _link(entry, image.url, "enclosure", image.type, length=image.length)
    provenance = item.provenance
    if provenance is not None:
        sub(
            entry,
            f"{{{SYNDICATE_NS}}}translation",
            {
                "origin": provenance.origin,
                "source-language": provenance.source_language,
                "model": provenance.model,
            },
        )


def _alternate_links(parent: etree._Element, own_url: str, alternates: tuple[Link, ...]) -> None:
    """Other-language alternates first and the resource's own page last (see module docstring);
    ``other_alternates`` guarantees no two alternates share type and hreflang."""
    for link in other_alternates(own_url, alternates):
        _link(parent, link.href, link.rel, link_type(link), link.hreflang, link.title, link.length)
    _link(parent, own_url, "alternate", HTML)


def _link(
    parent: etree._Element,
    href: str,
    rel: str,
    type_: str | None = None,
    hreflang: str | None = None,
    title: str | None = None,
    length: int | None = None,
) -> None:
    attrs = {"href": href, "rel": rel, "type": type_, "hreflang": hreflang, "title": title}
    attrs["length"] = None if length is None else str(length)
    sub(parent, "link", attrs)
