"""Form fields to and from the API's payload shapes, so the desk validates exactly as the API.

Validation itself stays in ``editorial.payloads`` and ``translation.service``; here a form is
only reshaped (tags from a comma list, an empty image URL meaning no image)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from werkzeug.datastructures import MultiDict

from syndicate.errors import BadRequest, FieldError
from syndicate.numbers import strict_int
from syndicate.web.desk.messages import localize

TAG_SEPARATORS = re.compile(r"[,，、]")  # Chinese keyboards type the full-width comma
ARTICLE_FIELDS = ("title", "summary", "body_html", "author", "section", "tags")
IMAGE_FIELDS = ("image_url", "image_caption", "image_alt")
#: Sources, canonical URL, correction note and the publication time (for a schedule).
MORE_FIELDS = ("source", "canonical_url", "correction", "published_at")
LOCAL_MINUTE = "%Y-%m-%dT%H:%M"  # what <input type="datetime-local"> sends
LOCAL_SECOND = "%Y-%m-%dT%H:%M:%S"  # the same with step="1", when seconds are not zero


def split_tags(raw: str) -> list[str]:
    return [tag.strip() for tag in TAG_SEPARATORS.split(raw) if tag.strip()]


def article_values(form: MultiDict) -> dict[str, str]:
    """What the editor typed, as typed: shown again when the form comes back."""
    names = (*ARTICLE_FIELDS, *IMAGE_FIELDS, *MORE_FIELDS, "language")
    return {name: form.get(name, "") for name in names}


def local_minute(value: str | None, timezone: str) -> str:
    """An RFC 3339 time as the datetime-local value in the site's zone ("" for none)."""
    if not value:
        return ""
    moment = datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(ZoneInfo(timezone))
    return moment.strftime(LOCAL_SECOND if moment.second else LOCAL_MINUTE)


def _from_local_minute(raw: str, timezone: str) -> str | None:
    raw = raw.strip()
    if not raw:
        return None
    try:
        moment = datetime.strptime(raw[:19], LOCAL_SECOND if len(raw) > 16 else LOCAL_MINUTE)
    except ValueError:
        return raw  # the API's validation names the field
    return moment.replace(tzinfo=ZoneInfo(timezone)).isoformat()


def article_payload(values: dict[str, str], *, new: bool, timezone: str) -> dict[str, Any]:
    payload: dict[str, Any] = {name: values[name] for name in ARTICLE_FIELDS if name != "tags"}
    payload["source"] = values["source"]
    payload["canonical_url"] = values["canonical_url"].strip() or None
    payload["correction"] = values["correction"]
    published_at = _from_local_minute(values["published_at"], timezone)
    if published_at or not new:
        payload["published_at"] = published_at
    payload["tags"] = split_tags(values["tags"])
    url = values["image_url"].strip()
    payload["image"] = (
        {"url": url, "caption": values["image_caption"], "alt": values["image_alt"]}
        if url
        else None
    )
    if new:
        payload["language"] = values["language"]
    return payload


def missing_alt(values: dict[str, str]) -> bool:
    """The desk requires a text alternative with every lead image (the API leaves it to the
    client, for imports): readers who cannot see the image get nothing otherwise."""
    return bool(values["image_url"].strip()) and not values["image_alt"].strip()


def values_of(article: dict[str, Any], timezone: str) -> dict[str, str]:
    """An article as the API shows it (``article_json``), as form values."""
    image = article.get("image") or {}
    return {
        "source": article.get("source") or "",
        "canonical_url": article.get("canonical_url") or "",
        "correction": article.get("correction") or "",
        "published_at": local_minute(article.get("published_at"), timezone),
        "title": article["title"],
        "summary": article["summary"],
        "body_html": article["body_html"],
        "author": article["author"],
        "section": article["section"],
        "tags": ", ".join(article["tags"]),
        "image_url": image.get("url", ""),
        "image_caption": image.get("caption", ""),
        "image_alt": image.get("alt", ""),
        "language": article["language"],
    }


def revision(form: MultiDict) -> int:
    number = strict_int(form.get("revision", ""), low=1)
    if number is None:
        raise BadRequest("the form lost the revision it was editing; reload the page")
    return number


def translation_revision(form: MultiDict) -> int | None:
    """The editor's translation's revision the form was opened on (empty: none saved yet)."""
    raw = form.get("translation_revision", "")
    if raw == "":
        return None
    number = strict_int(raw, low=1)
    if number is None:
        raise BadRequest("the form lost the translation's revision; reload the page")
    return number


def translation_values(form: MultiDict) -> dict[str, str]:
    names = ("title", "summary", "body_html", "image_caption", "image_alt")
    return {name: form.get(name, "") for name in names}


def translation_payload(values: dict[str, str]) -> dict[str, Any]:
    return {
        "title": values["title"],
        "summary": values["summary"],
        "body_html": values["body_html"],
        "image": {"caption": values["image_caption"], "alt": values["image_alt"]},
    }


def term_payload(form: MultiDict, *, with_direction: bool) -> dict[str, str]:
    payload = {
        "source_term": form.get("source_term", ""),
        "target_term": form.get("target_term", ""),
    }
    if with_direction:
        source, _, target = form.get("direction", "").partition("-")
        payload["source_language"] = source
        payload["target_language"] = target
    return payload


def field_errors(errors: list[FieldError]) -> dict[str, str]:
    """``{form field: message}``: the API's ``image`` and ``image.caption`` name form fields
    ``image_url`` and ``image_caption``."""
    out: dict[str, str] = {}
    for error in errors:
        name = {"image": "image_url"}.get(error.field, error.field.replace(".", "_"))
        out.setdefault(name, localize(error.message))
    return out
