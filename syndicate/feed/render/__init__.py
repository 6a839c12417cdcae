"""Render a ``FeedDocument`` as RSS 2.0, Atom 1.0 or JSON Feed 1.1.

Every renderer is a pure function of the document: the same document always gives the same bytes
(the HTTP layer derives ETags from them).
"""

from __future__ import annotations

from collections.abc import Callable

from syndicate.feed.document import FeedDocument
from syndicate.feed.render import atom, jsonfeed, rss

Renderer = Callable[[FeedDocument], bytes]

RENDERERS: dict[str, Renderer] = {
    "rss": rss.render_rss,
    "atom": atom.render_atom,
    "json": jsonfeed.render_json,
}

MEDIA_TYPES: dict[str, str] = {
    "rss": f"{rss.MEDIA_TYPE}; charset=utf-8",
    "atom": f"{atom.MEDIA_TYPE}; charset=utf-8",
    "json": f"{jsonfeed.MEDIA_TYPE}; charset=utf-8",
}


def render(doc: FeedDocument, fmt: str) -> bytes:
    """Render ``doc`` (whose self and paging URLs must be this format's) as ``fmt``."""
    try:
        renderer = RENDERERS[fmt]
    except KeyError:
        raise ValueError(
            f"unknown feed format {fmt!r}; expected one of {sorted(RENDERERS)}"
        ) from None
    return renderer(doc)
