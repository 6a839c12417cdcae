"""The HTML body of an item (and of an article page): the lead image with its caption, the
"Updated:" line, the translation notice with a link to the original, then the article's body
with every URL made absolute (readers resolve relative URLs badly, or against the feed's URL).

Stored bodies are sanitized on input; they are sanitized again here because translations and
imports are written by other code paths, and a feed must never carry script. Whatever the HTML,
composing never raises: it is parsed leniently, and text that cannot be parsed is escaped.
"""

from __future__ import annotations

import functools
import html
import logging
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urljoin, urlsplit

import lxml.html
from lxml import etree

from syndicate.content.sanitize import clean_html
from syndicate.feed.edition import Edition
from syndicate.feed.labels import language_name
from syndicate.feed.xml_text import strip_illegal
from syndicate.i18n.babel import gettext
from syndicate.i18n.dates import local_date
from syndicate.languages import tag

log = logging.getLogger(__name__)

# Stands for an element inside a translated sentence; a private-use code point no catalog has.
_SLOT = "\ue000"


@dataclass(frozen=True, slots=True)
class Figure:
    """The lead image (absolute URL), with caption and alternative text."""

    url: str
    caption: str = ""
    alt: str = ""


@dataclass(frozen=True, slots=True)
class TranslationNotice:
    """Says the text is a translation (``origin`` machine or editor) of an original in
    ``source_language`` (a code), and links to it."""

    origin: str
    source_language: str
    original_url: str
    original_title: str


def absolute_url(ref: str, base_url: str, document_url: str) -> str:
    """``ref`` made absolute. ``base_url`` is the site's root, also when it has a path, so
    ``/media/x.jpg`` is ``<base_url>/media/x.jpg``; other relative references (``#note``,
    ``x.jpg``) resolve against the document they appear in, as a browser would."""
    ref = ref.strip()
    if not ref:
        return ref
    try:
        parts = urlsplit(ref)
    except ValueError:  # e.g. an unbalanced IPv6 bracket: leave it for the reader to ignore
        return ref
    if parts.scheme:
        return ref
    if ref.startswith("//"):
        return f"{urlsplit(base_url).scheme}:{ref}"
    if ref.startswith("/"):
        return base_url.rstrip("/") + ref
    return urljoin(document_url, ref)


# A page of a feed is rendered again at every change of one of its items, so most of its bodies
# were composed moments ago with the same arguments: composing is a pure function of them (the
# catalogs are fixed for the process), so a bounded memo is exact. ~2,000 bodies of a few kB.
@functools.lru_cache(maxsize=2048)
def compose_body(
    content_html: str,
    *,
    language: str,
    base_url: str,
    document_url: str,
    updated: datetime,
    timezone: str,
    content_language: str | None = None,
    figure: Figure | None = None,
    notice: TranslationNotice | None = None,
    correction: str = "",
    correction_language: str | None = None,
) -> str:
    """The complete body, in the reader's ``language`` (a code) for what we write around the
    content; ``content_language`` is the language of ``content_html`` and the caption when it
    differs (an untranslated original), and then our sentences carry their own ``lang``."""
    container = lxml.html.Element("div")
    own_lang = tag(language) if content_language not in (None, language) else None
    if figure is not None:
        container.append(_figure(figure, base_url, document_url))
    container.append(_dateline(language, updated, timezone, own_lang))
    if correction.strip():
        container.append(_correction(language, correction, correction_language))
    if notice is not None:
        container.append(_notice(language, notice))
    for node in _content(content_html, base_url, document_url):
        container.append(node)
    return _inner_html(container)


def _edition_notice(edition: Edition, base_url: str) -> TranslationNotice | None:
    if not edition.is_translation:
        return None
    return TranslationNotice(
        origin=edition.variant.origin,
        source_language=edition.article.language,
        original_url=edition.original_url(base_url),
        original_title=edition.original.title,
    )


def page_parts(edition: Edition, *, base_url: str) -> tuple[str, str]:
    """For an article page, which lays out the image and dates itself: the translation notice
    (``""`` for an original) and the body, both HTML made like the feeds'."""
    notice = _edition_notice(edition, base_url)
    notice_html = "" if notice is None else _inner_html_of(_notice(edition.language, notice))
    container = lxml.html.Element("div")
    document_url = edition.page_url(base_url)
    for node in _content(edition.variant.body_html, base_url, document_url):
        container.append(node)
    return notice_html, _inner_html(container)


def edition_body(
    edition: Edition, *, base_url: str, timezone: str, with_figure: bool = True
) -> str:
    """``compose_body`` for an article as shown in one language; pages that show the lead
    image themselves (with renditions) leave it out of the body (``with_figure=False``)."""
    article, variant = edition.article, edition.variant
    figure = None
    if article.image_url and with_figure:
        url = absolute_url(article.image_url, base_url, edition.page_url(base_url))
        figure = Figure(url, variant.image_caption, variant.image_alt)
    notice = _edition_notice(edition, base_url)
    return compose_body(
        variant.body_html,
        language=edition.language,
        base_url=base_url,
        document_url=edition.page_url(base_url),
        updated=edition.updated,
        timezone=timezone,
        content_language=edition.text_language,
        figure=figure,
        notice=notice,
        correction=article.correction or "",
        correction_language=article.language,
    )


def _correction(language: str, note: str, note_language: str | None) -> etree._Element:
    """The editors' correction note, after the dateline: "Correction: <note>". The note is
    written in the article's language, which may not be the reader's."""
    paragraph = lxml.html.Element("p", {"class": "correction"})
    span = lxml.html.Element("span")
    span.text = strip_illegal(note).strip()
    if note_language and note_language != language:
        span.set("lang", tag(note_language))
    label = lxml.html.Element("strong")
    before, _slot, after = gettext(language, "Correction: %(note)s", note=_SLOT).partition(_SLOT)
    label.text = before.strip()
    paragraph.append(label)
    label.tail = " " if before.endswith(" ") else ""
    paragraph.append(span)
    span.tail = after
    return paragraph


def _figure(figure: Figure, base_url: str, document_url: str) -> etree._Element:
    element = lxml.html.Element("figure")
    img = etree.SubElement(element, "img")
    img.set("src", absolute_url(strip_illegal(figure.url), base_url, document_url))
    img.set("alt", strip_illegal(figure.alt))
    caption = strip_illegal(figure.caption).strip()
    if caption:
        etree.SubElement(element, "figcaption").text = caption
    return element


def _dateline(language: str, updated: datetime, timezone: str, lang: str | None):
    paragraph = lxml.html.Element("p", {"class": "dateline"})
    if lang:
        paragraph.set("lang", lang)
    time = lxml.html.Element("time", {"datetime": updated.isoformat()})
    time.text = local_date(updated, language, timezone)
    _fill(paragraph, gettext(language, "Updated: %(date)s", date=_SLOT), time)
    return paragraph


def _notice(language: str, notice: TranslationNotice) -> etree._Element:
    paragraph = lxml.html.Element("p", {"class": "translation-notice"})
    source = language_name(language, notice.source_language)
    if notice.origin == "machine":
        sentence = gettext(
            language,
            "Machine-translated from %(original_language)s. Read the original: %(link)s",
            original_language=source,
            link=_SLOT,
        )
    else:
        sentence = gettext(
            language,
            "Translated from %(original_language)s. Read the original: %(link)s",
            original_language=source,
            link=_SLOT,
        )
    source_tag = tag(notice.source_language)
    link = lxml.html.Element(
        "a", {"href": notice.original_url, "hreflang": source_tag, "lang": source_tag}
    )
    link.text = strip_illegal(notice.original_title).strip() or notice.original_url
    _fill(paragraph, sentence, link)
    return paragraph


def _fill(parent: etree._Element, sentence: str, slot: etree._Element) -> None:
    """Put ``sentence`` in ``parent`` with ``slot`` where the sentence has ``_SLOT``."""
    before, found, after = sentence.partition(_SLOT)
    parent.text = before
    if found:
        parent.append(slot)
        slot.tail = after


def _content(content_html: str, base_url: str, document_url: str) -> list:
    text = strip_illegal(content_html or "")
    if not text.strip():
        return []
    try:
        wrapper = lxml.html.fragment_fromstring(clean_html(text), create_parent="div")
        etree.strip_elements(wrapper, etree.Comment, etree.ProcessingInstruction, with_tail=False)
        wrapper.rewrite_links(
            lambda ref: absolute_url(ref, base_url, document_url), resolve_base_href=False
        )
    except (etree.LxmlError, ValueError):
        log.warning("unparsable article body; shown as text", exc_info=True)
        wrapper = lxml.html.fragment_fromstring(f"<p>{html.escape(text)}</p>", create_parent="div")
    nodes: list = []
    if wrapper.text and wrapper.text.strip():
        paragraph = lxml.html.Element("p")  # loose text at the top: keep it in a block
        paragraph.text = wrapper.text
        nodes.append(paragraph)
    nodes.extend(wrapper)
    return nodes


def _inner_html_of(element: etree._Element) -> str:
    return lxml.html.tostring(element, encoding="unicode")


def _inner_html(container: etree._Element) -> str:
    return "".join(lxml.html.tostring(child, encoding="unicode") for child in container)
