"""``/feeds.opml``: every feed (all sections and ``all``, both languages, every format) as an
OPML 2.0 subscription list (http://opml.org/spec2.opml), one group per language.

Deterministic: the same sections give the same bytes (no creation date), so the file is only
rewritten, and its ETag only changes, when a feed was added, removed or renamed.
"""

from __future__ import annotations

from collections.abc import Iterable

from lxml import etree

from syndicate.feed import labels
from syndicate.feed.urls import ALL, FORMATS, FeedKey, section_url
from syndicate.feed.xml_text import strip_illegal
from syndicate.i18n.babel import gettext
from syndicate.languages import CODES, LANGUAGES
from syndicate.storage.models import Section
from syndicate.storage.sections import in_tree_order

SPEC_URL = "http://opml.org/spec2.opml"


def render_opml(sections: Iterable[Section], base_url: str) -> bytes:
    """OPML 2.0 (UTF-8) listing the feeds of ``sections`` and of ``all``. Needs an app context
    (titles come from the gettext catalogs)."""
    base_url = base_url.rstrip("/")
    ordered = [section for section, _depth in in_tree_order(list(sections))]
    root = etree.Element("opml", version="2.0")
    head = etree.SubElement(root, "head")
    etree.SubElement(head, "title").text = " / ".join(gettext(code, "Feeds") for code in CODES)
    etree.SubElement(head, "docs").text = SPEC_URL
    body = etree.SubElement(root, "body")
    for code in CODES:
        language = LANGUAGES[code]
        group = etree.SubElement(body, "outline")
        _set(group, text=language.native_name, title=language.native_name, language=language.tag)
        for section in [None, *ordered]:
            slug = ALL if section is None else section.slug
            title = labels.feed_title(section, code)
            for fmt in FORMATS:
                label = labels.format_title(title, fmt, code)
                _set(
                    etree.SubElement(group, "outline"),
                    type="rss",
                    text=label,
                    title=label,
                    xmlUrl=FeedKey(code, slug, fmt).url(base_url),
                    htmlUrl=section_url(base_url, code, slug),
                    language=language.tag,
                )
    return etree.tostring(root, encoding="UTF-8", xml_declaration=True, pretty_print=True)


def _set(element: etree._Element, **attributes: str) -> None:
    for name, value in attributes.items():  # in the order given: stable bytes
        element.set(name, strip_illegal(value))
