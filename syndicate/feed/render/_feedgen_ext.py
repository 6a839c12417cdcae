"""Run our own element writers inside feedgen's tree building.

feedgen 1.0.0 writes a fixed set of elements and silently drops others: RSS keeps only the self
``atom:link`` (no paging or hub links), and Atom entry links lose ``rel``, ``type``, ``hreflang``
and ``length`` (upstream issues #135 and #143). Its public extension API (``BaseExtension`` and
``register_extension``) hands extensions the finished feed root and each finished entry, so the
renderers write those elements there instead of patching feedgen's private writers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Literal

from feedgen.entry import FeedEntry
from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.feed import FeedGenerator
from lxml import etree

from syndicate.feed.xml_text import strip_illegal

ElementWriter = Callable[[etree._Element], None]

_NAME = "syndicate"


class _FeedHook(BaseExtension):
    def __init__(self) -> None:
        self.nsmap: dict[str, str] = {}
        self.write: ElementWriter | None = None

    def extend_ns(self) -> dict[str, str]:
        return self.nsmap

    def extend_rss(self, feed: etree._Element) -> etree._Element:
        if self.write is not None:
            self.write(feed)
        return feed

    extend_atom = extend_rss


class _EntryHook(BaseEntryExtension):
    def __init__(self) -> None:
        self.write: ElementWriter | None = None

    def extend_rss(self, entry: etree._Element) -> etree._Element:
        if self.write is not None:
            self.write(entry)
        return entry

    extend_atom = extend_rss


def new_generator(
    fmt: Literal["rss", "atom"], nsmap: Mapping[str, str], write_feed: ElementWriter
) -> FeedGenerator:
    """A FeedGenerator that declares ``nsmap`` on the root and calls ``write_feed(root)`` after
    feedgen has written its feed-level elements (before the entries are appended)."""
    fg = FeedGenerator()
    fg.register_extension(_NAME, _FeedHook, _EntryHook, atom=fmt == "atom", rss=fmt == "rss")
    hook: _FeedHook = getattr(fg, _NAME)
    hook.nsmap = dict(nsmap)
    hook.write = write_feed
    return fg


def add_entry(fg: FeedGenerator, write_entry: ElementWriter) -> FeedEntry:
    """Append an entry whose element is passed to ``write_entry`` once feedgen has built it."""
    # feedgen prepends by default, which would reverse the document's order.
    entry = fg.add_entry(order="append")
    hook: _EntryHook = getattr(entry, _NAME)
    hook.write = write_entry
    return entry


def sub(
    parent: etree._Element,
    tag: str,
    attrs: Mapping[str, str | None] | None = None,
    text: str | None = None,
) -> etree._Element:
    """Append ``<tag>`` with the attributes that are not None (in insertion order, so output is
    deterministic) and optional text, both stripped of XML-illegal characters."""
    element = etree.SubElement(parent, tag)
    for name, value in (attrs or {}).items():
        if value is not None:
            element.set(name, strip_illegal(value))
    if text is not None:
        element.text = strip_illegal(text)
    return element
