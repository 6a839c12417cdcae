"""Every message the code and templates use is in both catalogs, translated, not fuzzy, with the
same placeholders, and the catalogs compile. Extraction goes through babel.cfg, as
``make catalogs`` does, so what this test sees is what pybabel sees."""

from __future__ import annotations

import io

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from syndicate.config import PROJECT_ROOT
from syndicate.i18n.babel import CATALOG_DIR, load_catalog
from syndicate.languages import LANGUAGES

LOCALES = [language.locale for language in LANGUAGES.values()]


def _ignore_hidden(dirpath: str) -> bool:
    name = dirpath.rstrip("/").rsplit("/", 1)[-1]
    return not name.startswith((".", "_")) and name not in {"node_modules", "instance", "feeds"}


@pytest.fixture(scope="module")
def used() -> dict[str, set[str]]:
    """msgid -> files using it, extracted from the sources."""
    with (PROJECT_ROOT / "babel.cfg").open(encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle, "babel.cfg")
    messages: dict[str, set[str]] = {}
    for filename, _lineno, message, _comments, _context in extract_from_dir(
        str(PROJECT_ROOT), method_map, options_map, directory_filter=_ignore_hidden
    ):
        msgid = message if isinstance(message, str) else message[0]
        messages.setdefault(msgid, set()).add(filename)
    return messages


def _catalog(locale: str):
    with (CATALOG_DIR / locale / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=locale)


def test_extraction_finds_code_and_template_messages(used):
    files = {name for names in used.values() for name in names}
    assert any(name.endswith(".py") for name in files)
    assert any(name.endswith(".html") for name in files)
    # babel.gettext(language, message, **params): the message is the second argument.
    assert "Updated: %(date)s" in used and "Published: %(date)s" in used


@pytest.mark.parametrize("locale", LOCALES)
def test_every_message_is_translated(used, locale):
    catalog = _catalog(locale)
    missing = sorted(set(used) - {m.id for m in catalog if m.id})
    assert not missing, f"run `make catalogs` and translate: {missing}"
    for msgid in used:
        message = catalog[msgid]
        assert message.string, f"{locale}: {msgid!r} is not translated"
        assert not message.fuzzy, f"{locale}: {msgid!r} is fuzzy"


@pytest.mark.parametrize("locale", LOCALES)
def test_catalog_checks_and_compiles(locale):
    catalog = _catalog(locale)
    problems = [(message.id, str(error)) for message, errors in catalog.check() for error in errors]
    assert not problems  # e.g. a placeholder missing from the translation
    write_mo(io.BytesIO(), catalog)
    assert load_catalog(locale).gettext("Updated: %(date)s") == catalog["Updated: %(date)s"].string


def test_template_is_up_to_date(used):
    with (CATALOG_DIR / "messages.pot").open("rb") as handle:
        template = {message.id for message in read_po(handle) if message.id}
    assert template == set(used), "run `make catalogs`"


def test_chinese_is_really_chinese():
    zh = load_catalog("zh_Hans")
    assert zh.gettext("Updated: %(date)s") == "更新时间：%(date)s"
    assert zh.gettext("English") == "英文"
