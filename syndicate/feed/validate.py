"""Check a JSON Feed against JSON Feed 1.1: the schema plus rules a schema cannot express.

The schema (``schemas/jsonfeed-1.1.schema.json``) is written from https://www.jsonfeed.org/version/1.1/.
jsonschema is a development dependency, so it is imported only when a check runs: production
code that imports this module never loads it.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

import orjson

SCHEMA_FILE = "jsonfeed-1.1.schema.json"


class InvalidJsonFeed(ValueError):
    """Raised by ``validate_json_feed``; ``errors`` lists every problem found."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = tuple(errors)
        super().__init__("invalid JSON Feed 1.1:\n" + "\n".join(f"- {e}" for e in errors))


@cache
def load_schema() -> dict[str, Any]:
    text = resources.files("syndicate.feed").joinpath("schemas", SCHEMA_FILE).read_text("utf-8")
    return json.loads(text)


@cache
def _validator() -> Any:
    from jsonschema import Draft202012Validator

    return Draft202012Validator(load_schema())


def json_feed_errors(feed: Any) -> list[str]:
    """Every problem with ``feed`` (a parsed object, or JSON as bytes/str), in a stable order."""
    if isinstance(feed, bytes | str):
        feed = orjson.loads(feed)
    schema_errors = sorted(
        (_path(error.absolute_path), error.message) for error in _validator().iter_errors(feed)
    )
    errors = [f"{path}: {message}" for path, message in schema_errors]
    if isinstance(feed, dict):
        errors.extend(_rule_errors(feed))
    return errors


def validate_json_feed(feed: Any) -> None:
    """Raise ``InvalidJsonFeed`` unless ``feed`` is valid JSON Feed 1.1."""
    errors = json_feed_errors(feed)
    if errors:
        raise InvalidJsonFeed(errors)


def _rule_errors(feed: dict[str, Any]) -> list[str]:
    errors = []
    next_url = feed.get("next_url")
    if next_url is not None and next_url == feed.get("feed_url"):
        errors.append("next_url: equals feed_url, so a reader following it would loop")
    items = feed.get("items")
    if not isinstance(items, list):
        return errors
    first_index: dict[str, int] = {}
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            continue
        if "content_html" not in item and "content_text" not in item:
            errors.append(f"items/{index}: has neither content_html nor content_text")
        item_id = item.get("id")
        if not isinstance(item_id, str):
            continue
        if item_id in first_index:
            errors.append(f"items/{index}/id: {item_id!r} repeats items/{first_index[item_id]}")
        else:
            first_index[item_id] = index
    return errors


def _path(parts: Any) -> str:
    return "/".join(str(part) for part in parts) or "(feed)"
