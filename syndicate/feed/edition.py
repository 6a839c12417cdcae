"""An article as it is shown in one language, in feeds and on pages alike.

Which text (the translation into that language, or the original), where it lives, where its other
versions live, and its dates: decided once here, so a feed item and its page never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from syndicate.feed.urls import article_url
from syndicate.languages import CODES, tag
from syndicate.storage.models import Article, ArticleVariant


def ready_variant(article: Article, language: str) -> ArticleVariant | None:
    """The article's text in ``language``: its original, or a translation that succeeded."""
    variant = article.variant(language)
    if variant is None or (variant.origin != "source" and variant.status != "ready"):
        return None
    return variant


def _is_absolute(url: str | None) -> bool:
    parts = urlsplit(url or "")
    return parts.scheme in ("http", "https") and bool(parts.netloc)


@dataclass(frozen=True, slots=True)
class Edition:
    """``article`` shown to readers of ``language`` with the text of ``variant``: a translation
    into ``language``, or the original (its own language, or a fallback for the untranslated)."""

    article: Article
    language: str
    variant: ArticleVariant

    @classmethod
    def choose(cls, article: Article, language: str, *, fallback: bool) -> Edition | None:
        """The edition readers of ``language`` get; the original when there is no translation
        and ``fallback``, else ``None``."""
        variant = ready_variant(article, language)
        if variant is None and fallback:
            variant = article.original
        return None if variant is None else cls(article, language, variant)

    @property
    def text_language(self) -> str:
        """Language code of the text shown (differs from ``language`` for a fallback)."""
        return self.variant.language

    @property
    def is_translation(self) -> bool:
        return self.variant.origin != "source"

    @property
    def original(self) -> ArticleVariant:
        return self.article.original

    def page_url(self, base_url: str) -> str:
        """Our page of this edition."""
        return article_url(base_url, self.language, self.article.public_id)

    def original_url(self, base_url: str) -> str:
        """Where the original lives: its canonical URL, else our page in its language."""
        article = self.article
        if _is_absolute(article.canonical_url):
            return article.canonical_url
        return article_url(base_url, article.language, article.public_id)

    def url(self, base_url: str) -> str:
        """The item's link. The canonical URL belongs to the original's text; a translation's
        home is our page in its language."""
        if self.is_translation:
            return article_url(base_url, self.text_language, self.article.public_id)
        return self.original_url(base_url)

    def other_versions(self, base_url: str) -> list[tuple[str, str]]:
        """``(language code, url)`` of the article's text in other languages than the one shown:
        the original and every ready translation."""
        versions = []
        for code in CODES:
            if code == self.text_language:
                continue
            if code == self.article.language:
                versions.append((code, self.original_url(base_url)))
            elif ready_variant(self.article, code) is not None:
                versions.append((code, article_url(base_url, code, self.article.public_id)))
        return versions

    @property
    def published(self) -> datetime:
        article = self.article
        return article.published_at or article.updated_at

    @property
    def updated(self) -> datetime:
        """When the text shown really changed. A machine translation follows its source, so a
        re-translation (new model, same source) does not make readers see the item again; an
        editor's correction of a translation does."""
        moment = self.article.updated_at
        if self.variant.origin == "editor":
            moment = max(moment, self.variant.updated_at)
        return max(moment, self.published)

    @property
    def text_tag(self) -> str:
        return tag(self.text_language)
