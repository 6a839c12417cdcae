"""gettext catalogs from ``translations/<locale>/LC_MESSAGES/messages.po``.

The .po files are compiled in memory when the app starts, so there is no build step and no
committed .mo file to fall out of date. ``pybabel extract/update`` keep the catalogs in step
(see the README).
"""

from __future__ import annotations

import io
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations
from flask import Flask, current_app, g

from syndicate.config import PROJECT_ROOT
from syndicate.languages import LANGUAGES

CATALOG_DIR = PROJECT_ROOT / "translations"
EXTENSION = "syndicate.i18n"


def load_catalog(locale: str, directory: Path = CATALOG_DIR) -> NullTranslations:
    path = directory / locale / "LC_MESSAGES" / "messages.po"
    if not path.exists():
        return NullTranslations()
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=locale)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer)


def catalogs(app: Flask | None = None) -> dict[str, NullTranslations]:
    return (app or current_app).extensions[EXTENSION]


def translations_for(language: str) -> NullTranslations:
    return catalogs()[language]


def gettext(language: str, message: str, **params) -> str:
    text = translations_for(language).gettext(message)
    return text % params if params else text


def _current_language() -> str:
    return g.get("language", "en")


def init_app(app: Flask) -> None:
    app.extensions[EXTENSION] = {
        code: load_catalog(language.locale) for code, language in LANGUAGES.items()
    }
    app.jinja_env.add_extension("jinja2.ext.i18n")
    app.jinja_env.install_gettext_callables(
        lambda message: translations_for(_current_language()).gettext(message),
        lambda singular, plural, n: translations_for(_current_language()).ngettext(
            singular, plural, n
        ),
        newstyle=True,
    )
