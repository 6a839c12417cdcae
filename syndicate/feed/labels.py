"""Words people read about feeds and sections, in each language: names from storage, the rest
from the gettext catalogs. Needs an app context (the catalogs live on the app)."""

from __future__ import annotations

from syndicate.feed.xml_text import strip_illegal
from syndicate.i18n.babel import gettext
from syndicate.storage.models import Section


def N_(message: str) -> str:
    """Mark a message for extraction; it is translated later, where its language is known."""
    return message


#: Language names as written inside a sentence of the reader's language ("from Chinese").
LANGUAGE_NAMES = {"en": N_("English"), "zh": N_("Chinese")}
#: Proper names of the formats: not translated.
FORMAT_NAMES = {"rss": "RSS", "atom": "Atom", "json": "JSON Feed"}


def site_name(config, language: str) -> str:
    """The newsroom's name in ``language`` (``SYNDICATE_SITE_NAME``): its own name for that
    language, else the one for every language, else the first one given, else "News"."""
    names = config.get("SYNDICATE_SITE_NAME") or {}
    for key in (language, "*", *names):
        if names.get(key):
            return names[key]
    return gettext(language, "News")


def language_name(language: str, of: str) -> str:
    """The name of language ``of`` in ``language``."""
    return gettext(language, LANGUAGE_NAMES[of])


def has_text(text: str | None) -> bool:
    """Whether ``text`` has something to show once XML-illegal characters are gone."""
    return bool(text) and bool(strip_illegal(text).strip())


def section_name(section: Section, language: str) -> str:
    for name in (getattr(section, f"name_{language}", ""), section.name_en):
        if has_text(name):
            return name.strip()
    return section.slug


def feed_title(section: Section | None, language: str) -> str:
    """Title of a section's feed (``None``: the feed of every section)."""
    if section is None:
        return gettext(language, "All news")
    return section_name(section, language)


def feed_description(section: Section | None, language: str) -> str:
    if section is None:
        return gettext(language, "Every article from every section.")
    description = getattr(section, f"description_{language}", "")
    if has_text(description):
        return description.strip()
    return gettext(language, "Articles from %(section)s.", section=section_name(section, language))


def format_title(title: str, fmt: str, language: str) -> str:
    """``Top News (RSS)``: tells the formats apart in a reader's subscription dialog."""
    return gettext(language, "%(feed)s (%(format)s)", feed=title, format=FORMAT_NAMES[fmt])
