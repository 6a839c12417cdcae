"""Service and job messages in the desk's language.

The services and the worker write their messages in English, for the API, logs and the job
table (the truth, read by any client). The desk shows them to editors in their language: each
message the desk can meet is recognised here by its pattern and rendered from the catalog
(``_``), with its values; an unknown one (an unexpected exception's text) is shown as it is.
"""

from __future__ import annotations

import re

from syndicate.web.desk.context import _
from syndicate.web.desk.labels import N_

_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(p), msgid)
    for p, msgid in (
        (r"^is required$", N_("is required")),
        (r"^must not be empty$", N_("must not be empty")),
        (r"^must be a string$", N_("must be a string")),
        (r"^unknown field$", N_("unknown field")),
        (r"^must be at most (?P<n>\d+) characters$", N_("must be at most %(n)s characters")),
        (r"^must be an absolute http\(s\) URL$", N_("must be an absolute http(s) URL")),
        (
            r"^must be an http\(s\) URL or a path such as /media/photo\.jpg$",
            N_("must be an http(s) URL or a path such as /media/photo.jpg"),
        ),
        (r"^a relative image URL must start with /$", N_("a relative image URL must start with /")),
        (
            r"^must be a URL string of at most 2000 characters$",
            N_("must be a URL string of at most 2000 characters"),
        ),
        (r"^unknown section '(?P<slug>[^']*)'$", N_("unknown section “%(slug)s”")),
        (r"^must be a section slug$", N_("must be a section slug")),
        (
            r"^must include a UTC offset, e\.g\. .*$",
            N_("must include a UTC offset, e.g. 2023-07-17T09:30:00+08:00"),
        ),
        (
            r"^'(?P<value>.*)' is not an RFC 3339 date-time$",
            N_("“%(value)s” is not a valid date and time"),
        ),
        (
            r"^is required to schedule an article: when it goes live$",
            N_("is required to schedule an article: when it goes live"),
        ),
        (r"^must be a list of at most 30 strings$", N_("must be a list of at most 30 strings")),
        (r"^must differ from source_language$", N_("must differ from the source language")),
        (r"^no article with id '(?P<id>[^']*)'$", N_("There is no article “%(id)s”.")),
        (
            r"^article '(?P<id>[^']*)' has no revision (?P<n>\d+)$",
            N_("Article “%(id)s” has no revision %(n)s."),
        ),
        (r"^no section '(?P<slug>[^']*)'$", N_("There is no section “%(slug)s”.")),
        (
            r"^article '(?P<id>[^']*)' is at revision (?P<current>\d+), the edit was made on "
            r"revision (?P<old>\d+).*$",
            N_(
                "Article “%(id)s” is at revision %(current)s; the edit was made on revision "
                "%(old)s. Reload, merge and save again."
            ),
        ),
        (
            r"^the (?P<src>\w+)→(?P<tgt>\w+) glossary already has '(?P<term>[^']*)' "
            r"\(id (?P<id>\d+)\)$",
            N_("The %(src)s→%(tgt)s glossary already has “%(term)s”."),
        ),
        (
            r"^No Argos package installed for (?P<src>\w+)→(?P<tgt>\w+): install "
            r"(?P<package>\S+) with `syndicate models install`$",
            N_(
                "No translation model is installed for %(src)s→%(tgt)s: install %(package)s "
                "with `syndicate models install`."
            ),
        ),
        (
            r"^worker (?P<worker>\S+) stopped during attempt (?P<n>\d+)$",
            N_("The worker %(worker)s stopped during attempt %(n)s."),
        ),
        (
            r"^the form lost the revision it was editing; reload the page$",
            N_("The form lost the revision it was editing; reload the page."),
        ),
    )
]
_GAVE_UP = re.compile(r"^gave up after (?P<n>\d+) attempts: (?P<error>.*)$", re.S)


def localize(message: str | None) -> str | None:
    """``message`` in the desk's language when it is one the desk knows, else as it is."""
    if not message:
        return message
    gave_up = _GAVE_UP.match(message)
    if gave_up:
        return _(
            "Gave up after %(n)s attempts: %(error)s",
            n=gave_up["n"],
            error=localize(gave_up["error"]),
        )
    for pattern, msgid in _PATTERNS:
        found = pattern.match(message)
        if found:
            return _(msgid, **found.groupdict()) if found.groupdict() else _(msgid)
    return message
