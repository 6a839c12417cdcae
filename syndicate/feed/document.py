"""A feed described independently of its format.

The renderers in ``syndicate.feed.render`` turn a ``FeedDocument`` into RSS 2.0, Atom 1.0 or
JSON Feed 1.1. A document describes the feed as served in ONE format: ``self_url`` and ``paging``
are that format's URLs, because readers must see the URL they fetched as the self link. Build one
document and derive the others with ``dataclasses.replace``::

    atom_doc = dataclasses.replace(rss_doc, self_url=atom_url, paging=atom_paging)

Construction rejects what feed validators and readers trip over, so a mistake fails here with a
clear ``ValueError`` instead of deep inside feedgen: naive datetimes, language tags that are not
BCP 47 (``zh_CN`` is a locale identifier; the tag is ``zh-CN`` or ``zh-Hans``), relative URLs
(readers resolve them badly), ids that are not URIs, duplicate item ids (readers dedupe by id).

Text is stored as given; renderers strip XML-illegal characters (``syndicate.feed.xml_text``).
Titles, summaries and captions are plain text; only ``Item.content_html`` is HTML.
"""

from __future__ import annotations

import importlib.metadata
import posixpath
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal, NamedTuple
from urllib.parse import urlsplit

from syndicate.feed.xml_text import strip_illegal

#: Namespace of syndicate's own feed elements (``syndicate:translation``) in RSS and Atom.
SYNDICATE_NS = "https://syndicate.example/ns/1.0"
#: RFC 5005 feed history namespace (``fh:archive`` marks an archive document).
HISTORY_NS = "http://purl.org/syndication/history/1.0"
GENERATOR_NAME = "syndicate"
GENERATOR_URI = "https://syndicate.example/"

Origin = Literal["source", "machine", "editor"]
ORIGINS: tuple[str, ...] = ("source", "machine", "editor")

_IMAGE_TYPES = {
    ".avif": "image/avif",
    ".gif": "image/gif",
    ".jpeg": "image/jpeg",
    ".jpg": "image/jpeg",
    ".png": "image/png",
    ".svg": "image/svg+xml",
    ".webp": "image/webp",
}
# Deliberately loose (the registry is long); it exists to catch locale identifiers and typos.
_LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8})*")
_URI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:\S+")


def _package_version() -> str:
    try:
        return importlib.metadata.version("syndicate")
    except importlib.metadata.PackageNotFoundError:
        return "0+unknown"


class Generator(NamedTuple):
    name: str
    version: str | None = None
    uri: str | None = None


DEFAULT_GENERATOR = Generator(GENERATOR_NAME, _package_version(), GENERATOR_URI)


def guess_image_type(url: str) -> str | None:
    """Media type from the URL path's extension; ``None`` when unknown.

    A fixed table rather than ``mimetypes``, whose answers depend on the host's mime.types file
    and would make the output differ between machines.
    """
    extension = posixpath.splitext(urlsplit(url).path)[1].lower()
    return _IMAGE_TYPES.get(extension)


def _check_url(name: str, value: str) -> None:
    parts = urlsplit(value) if isinstance(value, str) else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"{name}: {value!r} is not an absolute http(s) URL")


def _check_optional_url(name: str, value: str | None) -> None:
    if value is not None:
        _check_url(name, value)


def _check_uri(name: str, value: str) -> None:
    if not isinstance(value, str) or not _URI.fullmatch(value):
        raise ValueError(f"{name}: {value!r} is not a URI (use tag:, urn:uuid: or https:)")


def _check_language(name: str, value: str) -> None:
    if not isinstance(value, str) or not _LANGUAGE_TAG.fullmatch(value):
        hint = " (BCP 47 uses hyphens: zh-Hans, zh-CN)" if isinstance(value, str) else ""
        raise ValueError(f"{name}: {value!r} is not a BCP 47 language tag{hint}")


def _check_aware(name: str, value: datetime) -> None:
    if not isinstance(value, datetime):
        raise ValueError(f"{name}: expected a datetime, got {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name}: {value.isoformat()} is naive; give it a timezone (e.g. UTC)")


def _check_text(name: str, value: str) -> None:
    # Checked after stripping so a title of control characters cannot reach feedgen as "".
    if not isinstance(value, str) or not strip_illegal(value).strip():
        raise ValueError(f"{name} must be non-blank text")


def _check_length(name: str, value: int | None) -> None:
    if value is not None and (not isinstance(value, int) or value < 0):
        raise ValueError(f"{name}: {value!r} is not a byte count")


def _freeze(obj: object, name: str, kind: type) -> None:
    """Store a sequence field as a tuple (hashable, cannot change under the renderer)."""
    values = tuple(getattr(obj, name))
    for value in values:
        if not isinstance(value, kind):
            raise ValueError(f"{name}: expected {kind.__name__}, got {type(value).__name__}")
    object.__setattr__(obj, name, values)


@dataclass(frozen=True, slots=True)
class Link:
    """A typed link; ``hreflang`` marks the same resource in another language."""

    href: str
    rel: str = "alternate"
    type: str | None = None
    hreflang: str | None = None
    title: str | None = None
    length: int | None = None

    def __post_init__(self) -> None:
        _check_url("Link.href", self.href)
        if self.hreflang is not None:
            _check_language("Link.hreflang", self.hreflang)
        _check_length("Link.length", self.length)


@dataclass(frozen=True, slots=True)
class Image:
    """The article's lead image. ``type`` is guessed from the URL's extension when not given
    (``None`` if unknown: renderers then omit what requires a type, e.g. the RSS enclosure).
    ``length`` (bytes), ``width`` and ``height`` are known for media library images and left
    ``None`` for external ones: renderers then omit them (never a made-up 0)."""

    url: str
    caption: str = ""
    alt: str = ""
    type: str | None = None
    length: int | None = None
    width: int | None = None
    height: int | None = None

    def __post_init__(self) -> None:
        _check_url("Image.url", self.url)
        _check_length("Image.length", self.length)
        for name in ("width", "height"):
            value = getattr(self, name)
            if value is not None and (not isinstance(value, int) or value < 1):
                raise ValueError(f"Image.{name}: {value!r} is not a pixel count")
        if self.type is None:
            object.__setattr__(self, "type", guess_image_type(self.url))


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where an item's text comes from: the original (``source``), a machine translation
    (``machine``, with the ``model`` used) or a translation an editor wrote or corrected."""

    origin: Origin
    source_language: str
    model: str | None = None

    def __post_init__(self) -> None:
        if self.origin not in ORIGINS:
            raise ValueError(f"Provenance.origin: {self.origin!r} is not one of {ORIGINS}")
        _check_language("Provenance.source_language", self.source_language)


@dataclass(frozen=True, slots=True)
class Item:
    """One article in one language.

    ``id`` is an opaque URI that never changes (``tag:example.com,2023:article/xyz/en``);
    ``content_html`` is the complete body (figure and notices included: renderers add nothing);
    ``alternates`` link the same article in other languages and the original, with ``hreflang``.
    """

    id: str
    url: str
    title: str
    summary: str
    content_html: str
    language: str
    published: datetime
    updated: datetime
    authors: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    image: Image | None = None
    alternates: tuple[Link, ...] = ()
    provenance: Provenance | None = None

    def __post_init__(self) -> None:
        _check_uri("Item.id", self.id)
        _check_url("Item.url", self.url)
        _check_text("Item.title", self.title)
        _check_text("Item.content_html", self.content_html)
        if not isinstance(self.summary, str):
            raise ValueError("Item.summary must be text (may be empty)")
        _check_language("Item.language", self.language)
        _check_aware("Item.published", self.published)
        _check_aware("Item.updated", self.updated)
        _freeze(self, "authors", str)
        _freeze(self, "categories", str)
        _freeze(self, "alternates", Link)
        if self.image is not None and not isinstance(self.image, Image):
            raise ValueError("Item.image must be an Image")
        if self.provenance is not None and not isinstance(self.provenance, Provenance):
            raise ValueError("Item.provenance must be a Provenance")


@dataclass(frozen=True, slots=True)
class Paging:
    """Links between a feed's documents (absolute URLs of this format's documents).

    RFC 5005 archived feeds (section 4): the subscription document links ``prev_archive`` (the
    newest archive page); an archive page links ``current`` (the subscription document),
    ``prev_archive`` and ``next_archive``, and is marked ``archive`` (``fh:archive``).
    ``next`` is the next-older document for formats that only page one way (JSON Feed
    ``next_url``); ``first``, ``previous`` and ``last`` are RFC 5005 paged-feed links (section 3).
    """

    first: str | None = None
    previous: str | None = None
    next: str | None = None
    last: str | None = None
    current: str | None = None
    prev_archive: str | None = None
    next_archive: str | None = None
    archive: bool = False

    def __post_init__(self) -> None:
        for rel, href in self.links():
            _check_url(f"Paging.{rel}", href)

    def links(self) -> tuple[tuple[str, str], ...]:
        """``(rel, href)`` pairs of the links that are set, in a fixed order."""
        pairs = (
            ("first", self.first),
            ("previous", self.previous),
            ("next", self.next),
            ("last", self.last),
            ("current", self.current),
            ("prev-archive", self.prev_archive),
            ("next-archive", self.next_archive),
        )
        return tuple((rel, href) for rel, href in pairs if href is not None)


@dataclass(frozen=True, slots=True)
class FeedDocument:
    """A feed as served in one format (see the module docstring).

    ``home_url`` is the HTML page the feed belongs to; ``self_url`` the URL this document is
    served at; ``alternates`` the same feed in other languages (``hreflang``) or formats.
    ``icon`` is a small square image (Atom ``icon``, JSON Feed ``favicon``); ``logo`` a larger one
    (Atom ``logo``, RSS ``image``, JSON Feed ``icon``). ``items`` are rendered in the given order.
    """

    id: str
    title: str
    description: str
    language: str
    home_url: str
    self_url: str
    updated: datetime
    items: tuple[Item, ...]
    generator: Generator = DEFAULT_GENERATOR
    authors: tuple[str, ...] = ()
    ttl_minutes: int | None = None
    paging: Paging = field(default_factory=Paging)
    icon: str | None = None
    logo: str | None = None
    #: WebSub hubs that are told when this feed changes (W3C WebSub, "Discovery").
    hubs: tuple[str, ...] = ()
    alternates: tuple[Link, ...] = ()

    def __post_init__(self) -> None:
        _check_uri("FeedDocument.id", self.id)
        _check_text("FeedDocument.title", self.title)
        if not isinstance(self.description, str):
            raise ValueError("FeedDocument.description must be text (may be empty)")
        _check_language("FeedDocument.language", self.language)
        _check_url("FeedDocument.home_url", self.home_url)
        _check_url("FeedDocument.self_url", self.self_url)
        _check_aware("FeedDocument.updated", self.updated)
        _check_optional_url("FeedDocument.icon", self.icon)
        _check_optional_url("FeedDocument.logo", self.logo)
        _freeze(self, "hubs", str)
        for hub in self.hubs:
            _check_url("FeedDocument.hubs", hub)
        if self.ttl_minutes is not None and (
            not isinstance(self.ttl_minutes, int) or self.ttl_minutes <= 0
        ):
            raise ValueError(f"FeedDocument.ttl_minutes: {self.ttl_minutes!r} is not positive")
        if not isinstance(self.paging, Paging):
            raise ValueError("FeedDocument.paging must be a Paging")
        if self.paging.next == self.self_url:
            # A reader following "next" would fetch this page forever.
            raise ValueError("FeedDocument.paging.next must not be the feed's own self_url")
        object.__setattr__(self, "generator", Generator(*self.generator))
        _freeze(self, "items", Item)
        _freeze(self, "authors", str)
        _freeze(self, "alternates", Link)
        seen: set[str] = set()
        for item in self.items:
            if item.id in seen:
                raise ValueError(f"FeedDocument.items: duplicate item id {item.id!r}")
            seen.add(item.id)

    @property
    def author_names(self) -> tuple[str, ...]:
        """Feed-level authors; the feed's title (the newsroom) when none are given, because
        Atom requires an author and every format should name the same one."""
        return self.authors or (self.title,)
