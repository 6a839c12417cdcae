"""Link selection shared by the renderers."""

from __future__ import annotations

from collections.abc import Iterable

from syndicate.feed.document import Link

HTML = "text/html"


def other_alternates(own_href: str, links: Iterable[Link]) -> list[Link]:
    """``links`` without the resource's own page and without repeated (rel, type, hreflang).

    Atom (RFC 4287 §4.1.1) forbids two alternate links with the same type and hreflang; the
    resource's own page is the alternate with type text/html and no hreflang, so a link with that
    combination (or the own URL) is dropped and the first of any other duplicates wins. An
    alternate without a type is a web page (text/html). Applied in every format so they agree.
    """
    seen = {("alternate", HTML, None)}
    kept = []
    for link in links:
        if link.href == own_href:
            continue
        key = (link.rel, link_type(link), link.hreflang)
        if link.rel == "alternate" and key in seen:
            continue
        seen.add(key)
        kept.append(link)
    return kept


def link_type(link: Link) -> str | None:
    return link.type or (HTML if link.rel == "alternate" else None)
