"""The languages syndicate publishes in, and their names in every standard that matters.

Storage and URLs use the short code (``en``, ``zh``, Argos's code too); feeds use BCP 47 tags
(never ``zh_CN``); Babel uses locale identifiers.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Language:
    code: str  # storage, URLs, Argos
    tag: str  # BCP 47, for feeds and HTML lang
    locale: str  # Babel / gettext catalog
    native_name: str


LANGUAGES: dict[str, Language] = {
    "en": Language("en", "en", "en", "English"),
    "zh": Language("zh", "zh-Hans", "zh_Hans", "中文"),
}
CODES = tuple(LANGUAGES)


def other(code: str) -> list[str]:
    return [c for c in CODES if c != code]


def tag(code: str) -> str:
    return LANGUAGES[code].tag
