"""What an article page tells machines about itself: Open Graph and Twitter card tags for shared
links, and JSON-LD ``NewsArticle`` (schema.org) for search engines, with the article in the
other language as ``workTranslation`` (on the original) or ``translationOfWork`` (on a
translation). Pure functions of an ``ArticleFacts``: the view gathers the facts once.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime

from markupsafe import Markup

#: Open Graph locales (language_TERRITORY) of our languages.
OG_LOCALES = {"en": "en_US", "zh": "zh_CN"}


@dataclass(frozen=True, slots=True)
class Version:
    """The article in another language: its page, language tag and title."""

    url: str
    language: str
    title: str


@dataclass(frozen=True, slots=True)
class ArticleFacts:
    url: str  # this page
    canonical: str
    language: str  # the page's language code (en, zh)
    text_language: str  # BCP 47 tag of the text shown
    title: str
    summary: str
    published: datetime
    updated: datetime
    site_name: str
    home_url: str
    logo_url: str
    section_name: str
    section_url: str
    authors: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    image_url: str | None = None
    image_alt: str = ""
    #: Set on a translation: the original it was made from.
    original: Version | None = None
    #: Set on an original: its translations.
    translations: tuple[Version, ...] = field(default_factory=tuple)
    #: The machine-translation model, for a machine translation.
    translator: str | None = None
    other_locales: tuple[str, ...] = ()


def social_tags(facts: ArticleFacts) -> list[tuple[str, str, str]]:
    """``(attribute, key, content)`` of the ``<meta>`` tags: ``property`` for Open Graph,
    ``name`` for Twitter."""
    tags = [
        ("property", "og:type", "article"),
        ("property", "og:site_name", facts.site_name),
        ("property", "og:title", facts.title),
        ("property", "og:url", facts.canonical),
        ("property", "og:locale", OG_LOCALES[facts.language]),
    ]
    tags += [("property", "og:locale:alternate", locale) for locale in facts.other_locales]
    if facts.summary:
        tags.append(("property", "og:description", facts.summary))
    if facts.image_url:
        tags.append(("property", "og:image", facts.image_url))
        if facts.image_alt:
            tags.append(("property", "og:image:alt", facts.image_alt))
    tags += [
        ("property", "article:published_time", _iso(facts.published)),
        ("property", "article:modified_time", _iso(facts.updated)),
        ("property", "article:section", facts.section_name),
    ]
    tags += [("property", "article:tag", tag) for tag in facts.tags]
    card = "summary_large_image" if facts.image_url else "summary"
    tags += [("name", "twitter:card", card), ("name", "twitter:title", facts.title)]
    if facts.summary:
        tags.append(("name", "twitter:description", facts.summary))
    if facts.image_url:
        tags.append(("name", "twitter:image", facts.image_url))
        if facts.image_alt:
            tags.append(("name", "twitter:image:alt", facts.image_alt))
    return tags


def _iso(moment: datetime) -> str:
    return moment.replace(microsecond=0).isoformat()


def _version(version: Version) -> dict:
    return {
        "@type": "NewsArticle",
        "@id": version.url,
        "url": version.url,
        "inLanguage": version.language,
        "headline": version.title,
    }


def news_article(facts: ArticleFacts) -> dict:
    """The JSON-LD object (Google's "Article" structured data, schema.org NewsArticle)."""
    data: dict = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "@id": facts.url,
        "url": facts.url,
        "mainEntityOfPage": {"@type": "WebPage", "@id": facts.canonical},
        "headline": facts.title,
    }
    if facts.summary:
        data["description"] = facts.summary
    data["datePublished"] = _iso(facts.published)
    data["dateModified"] = _iso(facts.updated)
    if facts.authors:
        data["author"] = [{"@type": "Person", "name": name} for name in facts.authors]
    if facts.image_url:
        data["image"] = [facts.image_url]
    data["inLanguage"] = facts.text_language
    data["articleSection"] = facts.section_name
    data["isPartOf"] = {"@type": "WebPage", "@id": facts.section_url, "name": facts.section_name}
    if facts.tags:
        data["keywords"] = list(facts.tags)
    data["publisher"] = {
        "@type": "NewsMediaOrganization",
        "name": facts.site_name,
        "url": facts.home_url,
        "logo": {"@type": "ImageObject", "url": facts.logo_url},
    }
    if facts.original is not None:
        data["translationOfWork"] = _version(facts.original)
        if facts.translator:
            data["translator"] = {"@type": "SoftwareApplication", "name": facts.translator}
    if facts.translations:
        data["workTranslation"] = [_version(version) for version in facts.translations]
    return data


def json_ld(facts: ArticleFacts) -> Markup:
    """The JSON-LD as the text of a ``<script type="application/ld+json">``: ``<``, ``>`` and
    ``&`` escaped, so no title can close the element."""
    text = json.dumps(news_article(facts), ensure_ascii=False, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)
