"""Form fields to and from the API's payload shapes, so the desk validates exactly as the API.

Validation itself stays in ``editorial.payloads`` and ``translation.service``; here a form is
only reshaped (tags from a comma list, an empty image URL meaning no image)."""

from __future__ import annotations

import re
from typing import Any

from werkzeug.datastructures import MultiDict

from syndicate.errors import BadRequest, FieldError
from syndicate.numbers import strict_int

TAG_SEPARATORS = re.compile(r"[,，、]")  # Chinese keyboards type the full-width comma
ARTICLE_FIELDS = ("title", "summary", "body_html", "author", "section", "tags")
IMAGE_FIELDS = ("image_url", "image_caption", "image_alt")


def split_tags(raw: str) -> list[str]:
    return [tag.strip() for tag in TAG_SEPARATORS.split(raw) if tag.strip()]


def article_values(form: MultiDict) -> dict[str, str]:
    """What the editor typed, as typed: shown again when the form comes back."""
    names = (*ARTICLE_FIELDS, *IMAGE_FIELDS, "language")
    return {name: form.get(name, "") for name in names}


def article_payload(values: dict[str, str], *, new: bool) -> dict[str, Any]:
    payload: dict[str, Any] = {name: values[name] for name in ARTICLE_FIELDS if name != "tags"}
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


def values_of(article: dict[str, Any]) -> dict[str, str]:
    """An article as the API shows it (``article_json``), as form values."""
    image = article.get("image") or {}
    return {
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
        out.setdefault(name, error.message)
    return out
