"""Dates written for people, in the reader's locale and the site's time zone (Babel).

Protocol dates (RFC 822, RFC 3339) are the renderers' business, never these.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date as _format_date
from babel.dates import format_time, get_datetime_format

from syndicate.languages import LANGUAGES


def _local(value: datetime, timezone: str) -> datetime:
    # Input is kept to 1970–2200, but a row written before that rule must not stop rendering.
    try:
        return value.astimezone(ZoneInfo(timezone))
    except OverflowError:
        return value


def local_date(value: datetime, language: str, timezone: str, fmt: str = "long") -> str:
    """'July 17, 2023' / '2023年7月17日': the day as it was in the site's time zone."""
    if value.tzinfo is None:
        raise ValueError("local_date needs an aware datetime")
    local = _local(value, timezone)
    return _format_date(local.date(), format=fmt, locale=LANGUAGES[language].locale)


def local_datetime(value: datetime, language: str, timezone: str) -> str:
    """'Jul 17, 2023, 7:30 AM' / '2023年7月17日 07:30': to the minute, in the site's time zone
    (Babel's medium datetime adds seconds, which only clutter a list of changes)."""
    if value.tzinfo is None:
        raise ValueError("local_datetime needs an aware datetime")
    locale = LANGUAGES[language].locale
    local = _local(value, timezone)
    pattern = get_datetime_format("medium", locale=locale)
    return pattern.replace("{1}", _format_date(local.date(), "medium", locale=locale)).replace(
        "{0}", format_time(local.time(), "short", locale=locale)
    )
