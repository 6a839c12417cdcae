"""Validation of editor input. Every problem is collected and reported with its field name."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

from syndicate.content.sanitize import clean_html, plain_text
from syndicate.errors import FieldErrors
from syndicate.languages import CODES

ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,119}$")
SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,78}[a-z0-9])?$")
#: ``scheduled`` is a publication whose time has not come: publishing with a future
#: ``published_at`` answers it, and the worker's scheduler publishes it at that time.
STATUSES = ("draft", "scheduled", "published")

ARTICLE_FIELDS = {
    "id", "section", "language", "title", "summary", "body_html", "author", "source", "image",
    "tags", "canonical_url", "correction", "status", "published_at", "updated_at", "revision",
}  # fmt: skip
READ_ONLY_ARTICLE_FIELDS = {"translations", "links"}
PUT_DEFAULTS = {
    "summary": "", "body_html": "", "author": "", "source": "", "image": None, "tags": [],
    "canonical_url": None, "correction": "",
}  # fmt: skip
SECTION_FIELDS = {"slug", "parent", "name", "description", "position"}


# The dates an article may carry (README, "Use the API"). Outside them, converting to the site's
# time zone overflows (year 9999 + offset) and RFC 822 has no four-digit year 1; nothing real
# was published before 1970 or will be after 2200.
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(2200, 12, 31, 23, 59, 59, tzinfo=UTC)
RANGE_TEXT = "between 1970-01-01T00:00:00Z and 2200-12-31T23:59:59Z"


def parse_datetime(value: Any, *, bounded: bool = True) -> datetime:
    """An aware datetime from RFC 3339 text; ``bounded``: within the accepted range (stored
    dates), else only representable in UTC (a query's lower bound)."""
    if not isinstance(value, str) or len(value) > 64:
        raise ValueError("must be an RFC 3339 date-time string")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{value!r} is not an RFC 3339 date-time") from None
    if parsed.tzinfo is None:
        raise ValueError("must include a UTC offset, e.g. 2023-07-17T09:30:00+08:00")
    try:
        utc = parsed.astimezone(UTC)
    except OverflowError:  # 9999-12-31T23:00:00-05:00 is past year 9999 in UTC
        raise ValueError(f"must be {RANGE_TEXT}") from None
    if bounded and not EARLIEST <= utc <= LATEST:
        raise ValueError(f"must be {RANGE_TEXT}")
    return parsed


# RFC 3986: what may appear in a URI; anything else (space, quote, <, >, \, ^, `, {, |, })
# would go raw into RSS <link>, Atom href and JSON url and make the feeds invalid.
_URI_CHARS = re.compile(r"^[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]*$")
_BAD_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")


def _to_uri(value: str) -> str:
    """An RFC 3986 URI from ``value``: an IRI's non-ASCII is encoded (IDNA host, UTF-8
    percent-encoding elsewhere); characters a URI cannot hold are refused, naming the first."""
    if not value.isascii():
        parts = urlsplit(value)
        host = parts.hostname or ""
        if not host.isascii():
            try:
                ascii_host = host.encode("idna").decode()
            except UnicodeError:
                raise ValueError(f"the host {host!r} is not a valid domain name") from None
            netloc = parts.netloc.replace(host, ascii_host)
            parts = parts._replace(netloc=netloc)
        value = "".join(c if c.isascii() else quote(c, safe="") for c in urlunsplit(parts))
    if not _URI_CHARS.match(value):
        bad = next(c for c in value if not _URI_CHARS.match(c))
        raise ValueError(f"is not a valid URI (RFC 3986): {bad!r} must be percent-encoded")
    if _BAD_PERCENT.search(value):
        raise ValueError("is not a valid URI (RFC 3986): '%' must start a %XX escape")
    return value


def _split(value: str):
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - a port that is not a number raises here
    except ValueError:
        raise ValueError("is not a valid URL") from None
    return parts


def _absolute_url(value: Any) -> str:
    if not isinstance(value, str) or len(value) > 2000:
        raise ValueError("must be a URL string of at most 2000 characters")
    value = _to_uri(value)
    parts = _split(value)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ValueError("must be an absolute http(s) URL")
    return value


def _image_url(value: Any) -> str:
    if not isinstance(value, str) or not value or len(value) > 2000:
        raise ValueError("must be a URL string of at most 2000 characters")
    value = _to_uri(value)
    parts = _split(value)
    # Relative paths are allowed (resolved against BASE_URL when published), other schemes not.
    if parts.scheme not in {"", "http", "https"} or (parts.scheme and not parts.hostname):
        raise ValueError("must be an http(s) URL or a path such as /media/photo.jpg")
    if not parts.scheme and not value.startswith("/"):
        raise ValueError("a relative image URL must start with /")
    return value


def _text(value: Any, *, maximum: int, required: bool = False) -> str:
    if not isinstance(value, str):
        raise ValueError("must be a string")
    text = plain_text(value)
    if required and not text:
        raise ValueError("must not be empty")
    if len(text) > maximum:
        raise ValueError(f"must be at most {maximum} characters")
    return text


@dataclass(frozen=True, slots=True)
class ImageInput:
    url: str
    caption: str
    alt: str


def parse_article(payload: Any, *, partial: bool, max_body: int = 500_000) -> dict[str, Any]:
    """Return the clean fields given. ``partial`` (PATCH) makes every field optional."""
    errors = FieldErrors()
    if not isinstance(payload, dict):
        errors.add("body", "must be a JSON object")
        errors.raise_if_any()
    unknown = set(payload) - ARTICLE_FIELDS - READ_ONLY_ARTICLE_FIELDS
    for name in sorted(unknown):
        errors.add(name, "unknown field")
    out: dict[str, Any] = {}
    required = () if partial else ("section", "language", "title")
    for name in required:
        if payload.get(name) is None:  # present but empty: its own check says so, once
            errors.add(name, "is required")

    def check(name: str, convert) -> None:
        if name not in payload:
            return
        try:
            out[name] = convert(payload[name])
        except ValueError as exc:
            errors.add(name, str(exc))

    def article_id(v):
        if not isinstance(v, str) or not ID_RE.match(v):
            raise ValueError("must be 1–120 letters, digits, '.', '_' or '-', starting with one")
        return v

    def language(v):
        if v not in CODES:
            raise ValueError(f"must be one of {', '.join(CODES)}")
        return v

    def status(v):
        if v not in STATUSES:
            raise ValueError(f"must be one of {', '.join(STATUSES)}")
        return v

    def section(v):
        if not isinstance(v, str) or not SLUG_RE.match(v):
            raise ValueError("must be a section slug")
        return v

    def body(v):
        if not isinstance(v, str):
            raise ValueError("must be an HTML string")
        if len(v) > max_body:
            raise ValueError(f"must be at most {max_body} characters")
        return clean_html(v)

    def image(v):
        if v is None:
            return None
        if not isinstance(v, dict):
            raise ValueError("must be an object {url, caption, alt} or null")
        extra = set(v) - {"url", "caption", "alt"}
        if extra:
            raise ValueError(f"unknown field(s) {', '.join(sorted(extra))}")
        return ImageInput(
            url=_image_url(v.get("url")),
            caption=_text(v.get("caption", ""), maximum=1000),
            alt=_text(v.get("alt", ""), maximum=1000),
        )

    def tags(v):
        if not isinstance(v, list) or len(v) > 30:
            raise ValueError("must be a list of at most 30 strings")
        clean = []
        for tag in v:
            text = _text(tag, maximum=64, required=True)
            if text not in clean:
                clean.append(text)
        return clean

    def optional_url(v):
        return None if v in (None, "") else _absolute_url(v)

    def optional_datetime(v):
        return None if v is None else parse_datetime(v)

    def revision(v):
        if not isinstance(v, int) or isinstance(v, bool) or v < 1:
            raise ValueError("must be a positive integer")
        return v

    check("id", article_id)
    check("section", section)
    check("language", language)
    check("title", lambda v: _text(v, maximum=500, required=True))
    check("summary", lambda v: _text(v, maximum=5000))
    check("body_html", body)
    check("author", lambda v: _text(v, maximum=200))
    check("source", lambda v: _text(v, maximum=200))
    check("image", image)
    check("tags", tags)
    check("canonical_url", optional_url)
    check("correction", lambda v: _text(v, maximum=2000))
    check("status", status)
    check("published_at", optional_datetime)
    check("updated_at", optional_datetime)
    check("revision", revision)
    if (
        out.get("published_at")
        and out.get("updated_at")
        and out["updated_at"] < out["published_at"]
    ):
        errors.add("updated_at", "must not be before published_at")
    if out.get("status") == "scheduled" and not payload.get("published_at"):
        errors.add("published_at", "is required to schedule an article: when it goes live")
    errors.raise_if_any()
    return out


def parse_section(payload: Any, *, partial: bool) -> dict[str, Any]:
    errors = FieldErrors()
    if not isinstance(payload, dict):
        errors.add("body", "must be a JSON object")
        errors.raise_if_any()
    for name in sorted(set(payload) - SECTION_FIELDS):
        errors.add(name, "unknown field")
    out: dict[str, Any] = {}
    if not partial:
        for name in ("slug", "name"):
            if name not in payload:
                errors.add(name, "is required")
    if "slug" in payload:
        if isinstance(payload["slug"], str) and SLUG_RE.match(payload["slug"]):
            if payload["slug"] == "all":
                errors.add("slug", "'all' is reserved for the feed of every section")
            else:
                out["slug"] = payload["slug"]
        else:
            errors.add("slug", "must be lowercase letters, digits and hyphens (max 80)")
    if "parent" in payload:
        parent = payload["parent"]
        if parent is None or (isinstance(parent, str) and SLUG_RE.match(parent)):
            out["parent"] = parent
        else:
            errors.add("parent", "must be a section slug or null")
    for name, maximum, required in (("name", 200, True), ("description", 2000, False)):
        if name not in payload:
            continue
        value = payload[name]
        if not isinstance(value, dict) or set(value) - set(CODES):
            errors.add(name, "must be an object with keys " + " and ".join(CODES))
            continue
        texts = {}
        for code in CODES:
            if code not in value and required and not partial:
                errors.add(f"{name}.{code}", "is required")
                continue
            if code in value:
                try:
                    texts[code] = _text(value[code], maximum=maximum, required=required)
                except ValueError as exc:
                    errors.add(f"{name}.{code}", str(exc))
        out[name] = texts
    if "position" in payload:
        position = payload["position"]
        if isinstance(position, int) and not isinstance(position, bool):
            out["position"] = position
        else:
            errors.add("position", "must be an integer")
    errors.raise_if_any()
    return out
