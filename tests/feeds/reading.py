"""Render the feeds of the demo, check them with readers' parsers and the JSON Feed validator,
and read them back, whatever their format, into one shape the tests can compare."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from email.utils import parsedate_to_datetime

import feedparser
import orjson
from flask import Flask
from lxml import etree

from syndicate.feed.build import build_current
from syndicate.feed.render import render
from syndicate.feed.urls import FORMATS
from syndicate.feed.validate import validate_json_feed
from tests.feeds.conftest import session_of

ATOM = "http://www.w3.org/2005/Atom"
SYNDICATE = "https://syndicate.example/ns/1.0"
NS = {
    "atom": ATOM,
    "content": "http://purl.org/rss/1.0/modules/content/",
    "dc": "http://purl.org/dc/elements/1.1/",
    "media": "http://search.yahoo.com/mrss/",
    "syndicate": SYNDICATE,
}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@dataclass
class ReadItem:
    id: str
    link: str
    title: str
    summary: str
    content: str
    language: str
    published: datetime
    updated: datetime | None  # RSS has no item update date
    authors: list[str]
    categories: list[str]
    image: str | None
    alternates: list[tuple[str, str | None]]  # (href, hreflang), the item's own page excluded
    provenance: dict | None


@dataclass
class ReadFeed:
    id: str | None  # RSS has no feed id
    title: str
    description: str
    language: str
    self_url: str
    home_url: str
    updated: datetime | None  # JSON Feed has no feed date
    generator: str | None
    ttl: int | None
    paging: dict[str, str]
    alternates: list[tuple[str, str | None]]
    items: list[ReadItem] = field(default_factory=list)


def rendered(app: Flask, language: str, section: str) -> dict[str, bytes]:
    """The subscription document of a feed, in every format."""
    with session_of(app) as session:
        built = build_current(session, app.config, language, section)
        assert built is not None
        return {fmt: render(built.documents[fmt], fmt) for fmt in FORMATS}


def assert_valid(data: bytes, fmt: str) -> None:
    if fmt == "json":
        validate_json_feed(data)
    else:
        parsed = feedparser.parse(data)
        assert parsed.bozo == 0, parsed.get("bozo_exception")


def read(data: bytes, fmt: str) -> ReadFeed:
    return {"rss": read_rss, "atom": read_atom, "json": read_json}[fmt](data)


def _text(element, path: str) -> str:
    found = element.find(path, NS)
    return "" if found is None or found.text is None else found.text


def _links(element, rel: str, prefix: str = "atom:") -> list:
    return [link for link in element.findall(f"{prefix}link", NS) if link.get("rel") == rel]


def _paging(element) -> dict[str, str]:
    rels = ("first", "previous", "next", "last", "current", "prev-archive", "next-archive")
    return {rel: _links(element, rel)[0].get("href") for rel in rels if _links(element, rel)}


def _provenance(element) -> dict | None:
    found = element.find("syndicate:translation", NS)
    return None if found is None else dict(found.attrib)


def read_rss(data: bytes) -> ReadFeed:
    channel = etree.fromstring(data).find("channel")
    language = _text(channel, "language")
    feed = ReadFeed(
        id=None,
        title=_text(channel, "title"),
        description=_text(channel, "description"),
        language=language,
        self_url=_links(channel, "self")[0].get("href"),
        home_url=_text(channel, "link"),
        updated=parsedate_to_datetime(_text(channel, "lastBuildDate")),
        generator=_text(channel, "generator"),
        ttl=int(_text(channel, "ttl")) if channel.find("ttl") is not None else None,
        paging=_paging(channel),
        alternates=[(a.get("href"), a.get("hreflang")) for a in _links(channel, "alternate")],
    )
    for element in channel.findall("item"):
        link = _text(element, "link")
        # An image of unknown size has no enclosure (RSS requires a length), only media:content.
        enclosure = element.find("enclosure")
        if enclosure is None:
            enclosure = element.find("media:content", NS)
        feed.items.append(
            ReadItem(
                id=_text(element, "guid"),
                link=link,
                title=_text(element, "title"),
                summary=_text(element, "description"),
                content=_text(element, "content:encoded"),
                language=_text(element, "dc:language") or language,
                published=parsedate_to_datetime(_text(element, "pubDate")),
                updated=None,
                authors=[c.text for c in element.findall("dc:creator", NS)],
                categories=[c.text for c in element.findall("category")],
                image=None if enclosure is None else enclosure.get("url"),
                # The other languages' pages (rel="related"); the one alternate is the item's.
                alternates=[(a.get("href"), a.get("hreflang")) for a in _links(element, "related")],
                provenance=_provenance(element),
            )
        )
    return feed


def read_atom(data: bytes) -> ReadFeed:
    root = etree.fromstring(data)
    html_links = [a for a in _links(root, "alternate") if a.get("type") == "text/html"]
    feed = ReadFeed(
        id=_text(root, "atom:id"),
        title=_text(root, "atom:title"),
        description=_text(root, "atom:subtitle"),
        language=root.get(XML_LANG),
        self_url=_links(root, "self")[0].get("href"),
        home_url=html_links[-1].get("href"),
        updated=datetime.fromisoformat(_text(root, "atom:updated")),
        generator=_text(root, "atom:generator"),
        ttl=None,
        paging=_paging(root),
        alternates=[(a.get("href"), a.get("hreflang")) for a in _links(root, "alternate")],
    )
    for entry in root.findall("atom:entry", NS):
        (own_link,) = _links(entry, "alternate")  # exactly one: the entry's own page
        own = own_link.get("href")
        enclosures = _links(entry, "enclosure")
        feed.items.append(
            ReadItem(
                id=_text(entry, "atom:id"),
                link=own,
                title=_text(entry, "atom:title"),
                summary=_text(entry, "atom:summary"),
                content=_text(entry, "atom:content"),
                language=entry.get(XML_LANG),
                published=datetime.fromisoformat(_text(entry, "atom:published")),
                updated=datetime.fromisoformat(_text(entry, "atom:updated")),
                authors=[a.text for a in entry.findall("atom:author/atom:name", NS)],
                categories=[c.get("term") for c in entry.findall("atom:category", NS)],
                image=enclosures[0].get("href") if enclosures else None,
                alternates=[(a.get("href"), a.get("hreflang")) for a in _links(entry, "related")],
                provenance=_provenance(entry),
            )
        )
    return feed


def read_json(data: bytes) -> ReadFeed:
    body = orjson.loads(data)
    extension = body.get("_syndicate", {})
    feed = ReadFeed(
        id=None,
        title=body["title"],
        description=body.get("description", ""),
        language=body["language"],
        self_url=body["feed_url"],
        home_url=body["home_page_url"],
        updated=None,
        generator=None,
        ttl=None,
        paging={"next": body["next_url"]} if "next_url" in body else {},
        alternates=[(a["url"], a.get("language")) for a in extension.get("alternates", ())],
    )
    for item in body["items"]:
        extra = item.get("_syndicate", {})
        provenance = None
        if "origin" in extra:
            provenance = {"origin": extra["origin"], "source-language": extra["source_language"]}
            if "model" in extra:
                provenance["model"] = extra["model"]
        feed.items.append(
            ReadItem(
                id=item["id"],
                link=item["url"],
                title=item["title"],
                summary=item.get("summary", ""),
                content=item["content_html"],
                language=item["language"],
                published=datetime.fromisoformat(item["date_published"]),
                updated=datetime.fromisoformat(item["date_modified"]),
                authors=[a["name"] for a in item.get("authors", ())],
                categories=item.get("tags", []),
                image=item.get("image"),
                alternates=[(a["url"], a.get("language")) for a in extra.get("alternates", ())],
                provenance=provenance,
            )
        )
    return feed
