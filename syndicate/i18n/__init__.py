"""Internationalisation: gettext catalogs (``translations/``) and locale-aware dates, with Babel."""
