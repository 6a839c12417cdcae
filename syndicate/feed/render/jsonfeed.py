"""JSON Feed 1.1 renderer, written by hand (feedgen has no JSON Feed) and serialized with orjson.

Specification: https://www.jsonfeed.org/version/1.1/

Feed: ``version``, ``title``, ``home_page_url``, ``feed_url`` (self), ``description``, ``icon``
(doc.logo), ``favicon`` (doc.icon), ``language``, ``authors`` ([{name}], as in Atom),
``next_url`` (paging.next; JSON Feed has no first/previous/last), ``hubs`` (WebSub), ``items``.

Item: ``id``, ``url``, ``title``, ``summary`` (when not empty), ``content_html``, ``image`` (url),
``attachments`` (the image: url, mime_type, title = alt, ``size_in_bytes`` when known),
``date_published``, ``date_modified`` (RFC 3339 with the datetime's own offset), ``authors``,
``tags``, ``language``.

Extension ``_syndicate`` (custom keys start with "_" and readers that do not know them ignore
them, spec section "Extensions"). Members with nothing to say are left out, and ``_syndicate``
itself when it would be empty::

    item["_syndicate"] = {
        "origin": "source" | "machine" | "editor",  # where the text comes from
        "source_language": "en",                     # BCP 47 tag of the text it derives from
        "model": "opus-mt-en-zh",                    # translation model (machine origin)
        "alternates": [{"url": "https://…", "language": "en"}],  # the article in other languages
        "image": {"caption": "…", "alt": "…"},       # about item["image"]
    }
    feed["_syndicate"] = {"alternates": [{"url": "https://…", "language": "zh-Hans"}]}

Output: compact UTF-8 (non-ASCII not escaped), keys in a fixed order, so the same document
always gives the same bytes. XML-illegal characters are stripped as in RSS and Atom.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import orjson

from syndicate.feed.document import FeedDocument, Image, Item, Link
from syndicate.feed.render._links import other_alternates
from syndicate.feed.xml_text import strip_illegal as clean

MEDIA_TYPE = "application/feed+json"
VERSION = "https://jsonfeed.org/version/1.1"


def render_json(doc: FeedDocument) -> bytes:
    """The document as JSON Feed 1.1 (compact UTF-8 bytes)."""
    return orjson.dumps(json_feed(doc))


def json_feed(doc: FeedDocument) -> dict[str, Any]:
    """The JSON Feed object, before serialization."""
    feed: dict[str, Any] = {
        "version": VERSION,
        "title": clean(doc.title),
        "home_page_url": clean(doc.home_url),
        "feed_url": clean(doc.self_url),
    }
    description = clean(doc.description)
    if description:
        feed["description"] = description
    if doc.logo:
        feed["icon"] = clean(doc.logo)
    if doc.icon:
        feed["favicon"] = clean(doc.icon)
    feed["language"] = doc.language
    feed["authors"] = [{"name": clean(name)} for name in doc.author_names]
    if doc.paging.next:
        feed["next_url"] = clean(doc.paging.next)
    if doc.hubs:
        feed["hubs"] = [{"type": "WebSub", "url": clean(hub)} for hub in doc.hubs]
    feed["items"] = [_item(item) for item in doc.items]
    alternates = _alternates(doc.home_url, doc.alternates)
    if alternates:
        feed["_syndicate"] = {"alternates": alternates}
    return feed


def _item(item: Item) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "id": clean(item.id),
        "url": clean(item.url),
        "title": clean(item.title),
    }
    summary = clean(item.summary)
    if summary:
        entry["summary"] = summary
    entry["content_html"] = clean(item.content_html)
    if item.image is not None:
        entry["image"] = clean(item.image.url)
        attachment = _attachment(item.image)
        if attachment is not None:
            entry["attachments"] = [attachment]
    entry["date_published"] = _rfc3339(item.published)
    entry["date_modified"] = _rfc3339(item.updated)
    if item.authors:
        entry["authors"] = [{"name": clean(name)} for name in item.authors]
    tags = [tag for tag in map(clean, item.categories) if tag]
    if tags:
        entry["tags"] = tags
    entry["language"] = item.language
    extension = _item_extension(item)
    if extension:
        entry["_syndicate"] = extension
    return entry


def _attachment(image: Image) -> dict[str, Any] | None:
    """The image as an attachment (mime_type is required there; the size when known)."""
    if not image.type:
        return None
    attachment: dict[str, Any] = {"url": clean(image.url), "mime_type": image.type}
    if image.alt:
        attachment["title"] = clean(image.alt)
    if image.length is not None:
        attachment["size_in_bytes"] = image.length
    return attachment


def _item_extension(item: Item) -> dict[str, Any]:
    extension: dict[str, Any] = {}
    provenance = item.provenance
    if provenance is not None:
        extension["origin"] = provenance.origin
        extension["source_language"] = provenance.source_language
        if provenance.model is not None:
            extension["model"] = clean(provenance.model)
    alternates = _alternates(item.url, item.alternates)
    if alternates:
        extension["alternates"] = alternates
    if item.image is not None:
        about = {"caption": clean(item.image.caption), "alt": clean(item.image.alt)}
        about = {key: value for key, value in about.items() if value}
        if about:
            extension["image"] = about
    return extension


def _alternates(own_url: str, links: tuple[Link, ...]) -> list[dict[str, str]]:
    result = []
    for link in other_alternates(own_url, links):
        if link.rel not in ("alternate", "related"):  # an item's other languages are related
            continue
        alternate = {"url": clean(link.href)}
        if link.hreflang is not None:
            alternate["language"] = link.hreflang
        result.append(alternate)
    return result


def _rfc3339(moment: datetime) -> str:
    # isoformat() of an aware datetime is RFC 3339: seconds always present, offset kept.
    return moment.isoformat()
