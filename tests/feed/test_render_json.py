from __future__ import annotations

import dataclasses
import json
from datetime import datetime

import orjson
import pytest

from syndicate.feed.document import FeedDocument
from syndicate.feed.render import MEDIA_TYPES, RENDERERS, render
from syndicate.feed.render.jsonfeed import json_feed, render_json
from syndicate.feed.validate import (
    InvalidJsonFeed,
    json_feed_errors,
    load_schema,
    validate_json_feed,
)

SITE = "https://news.example.com"

# feedparser 6.0 reads RSS and Atom only, so JSON output is checked by parsing it back with the
# standard library and validating it against the JSON Feed 1.1 schema and rules.


@pytest.fixture
def doc(document_for) -> FeedDocument:
    return document_for("json")


@pytest.fixture
def feed(doc: FeedDocument) -> dict:
    return json.loads(render_json(doc))


def items_by_id(feed: dict) -> dict[str, dict]:
    return {item["id"]: item for item in feed["items"]}


def test_registered_as_json_with_its_media_type(doc):
    assert RENDERERS["json"] is render_json
    assert MEDIA_TYPES["json"] == "application/feed+json; charset=utf-8"
    assert render(doc, "json") == render_json(doc)


def test_unknown_format_is_a_value_error(doc):
    with pytest.raises(ValueError, match="unknown feed format 'xml'"):
        render(doc, "xml")


def test_output_is_compact_utf8_and_not_ascii_escaped(doc):
    data = render_json(doc)
    assert isinstance(data, bytes)
    assert "示例新闻".encode() in data
    assert b"\\u" not in data
    assert b"\n" not in data
    assert b'", "' not in data


def test_validates_against_json_feed_1_1(doc):
    validate_json_feed(render_json(doc))
    assert json_feed_errors(json_feed(doc)) == []


def test_top_level(feed, doc):
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert feed["title"] == doc.title
    assert feed["home_page_url"] == doc.home_url
    assert feed["feed_url"] == f"{SITE}/zh/feed.json?page=2"
    assert feed["description"] == doc.description
    assert feed["language"] == "zh-Hans"
    assert feed["authors"] == [{"name": "示例新闻编辑部"}]
    assert feed["icon"] == doc.logo
    assert feed["favicon"] == doc.icon
    assert feed["next_url"] == f"{SITE}/zh/feed.json?page=3"
    assert feed["hubs"] == [{"type": "WebSub", "url": "https://hub.example.net/"}]
    assert feed["_syndicate"] == {"alternates": [{"url": f"{SITE}/en/feed.json", "language": "en"}]}


def test_minimal_document(minimal_document_for):
    feed = orjson.loads(render_json(minimal_document_for("json")))
    validate_json_feed(feed)
    assert set(feed) == {
        "version",
        "title",
        "home_page_url",
        "feed_url",
        "language",
        "authors",
        "items",
    }
    assert feed["authors"] == [{"name": "Example News"}]
    assert "_syndicate" not in feed["items"][0]


def test_items_in_document_order(feed, doc):
    assert [item["id"] for item in feed["items"]] == [item.id for item in doc.items]


def test_item_fields(feed, chinese_item):
    item = items_by_id(feed)[chinese_item.id]
    assert item["url"] == chinese_item.url
    assert item["title"] == chinese_item.title
    assert item["summary"] == chinese_item.summary
    assert item["content_html"] == chinese_item.content_html
    assert item["date_published"] == "2023-05-01T16:00:00+08:00"
    assert item["date_modified"] == "2023-05-01T17:15:00+08:00"
    assert datetime.fromisoformat(item["date_published"]) == chinese_item.published
    assert item["authors"] == [{"name": "Jane Doe"}]
    assert item["tags"] == ["天气"]
    assert item["language"] == "zh-Hans"
    assert "image" not in item


def test_machine_translation_extension(feed, chinese_item):
    assert items_by_id(feed)[chinese_item.id]["_syndicate"] == {
        "origin": "machine",
        "source_language": "en",
        "model": "argos-translate en-zh 1.9",
        "alternates": [{"url": f"{SITE}/en/articles/rain", "language": "en"}],
    }


def test_source_extension_has_no_model(feed, english_item):
    assert items_by_id(feed)[english_item.id]["_syndicate"] == {
        "origin": "source",
        "source_language": "en",
        "alternates": [{"url": f"{SITE}/zh/articles/rain", "language": "zh-Hans"}],
    }


def test_image(feed, image_item):
    item = items_by_id(feed)[image_item.id]
    assert item["image"] == "https://cdn.example.com/panda.jpg"
    assert item["attachments"] == [
        {
            "url": "https://cdn.example.com/panda.jpg",
            "mime_type": "image/jpeg",
            "title": "一只大熊猫幼崽趴在木架上",
            "size_in_bytes": 48213,
        }
    ]
    assert item["_syndicate"]["image"] == {
        "caption": "熊猫宝宝在成都",
        "alt": "一只大熊猫幼崽趴在木架上",
    }
    assert item["tags"] == ["动物", "成都"]
    assert "authors" not in item


def test_xml_illegal_characters_are_stripped_here_too(doc, dirty_item, illegal):
    data = render_json(doc)  # orjson would raise on the lone surrogate
    item = items_by_id(orjson.loads(data))[dirty_item.id]
    assert item["title"] == "控制字符"
    assert item["summary"] == "摘要"
    assert item["content_html"] == "<p>正文</p>"
    assert item["authors"] == [{"name": "作者"}]
    assert item["tags"] == ["标签"]
    assert item["_syndicate"]["model"] == "model"
    assert item["_syndicate"]["image"] == {"caption": "图", "alt": "替代"}
    for char in illegal:
        assert json.dumps(char)[1:-1].encode() not in data
        assert char.encode("utf-8", "surrogatepass") not in data


def test_deterministic(document_for, fifty_items):
    doc = document_for("json", items=fifty_items)
    first = render_json(doc)
    assert render_json(doc) == first
    assert render_json(dataclasses.replace(doc)) == first


# validate_json_feed: the schema and the rules it cannot express.


def test_schema_is_draft_2020_12():
    from jsonschema import Draft202012Validator

    schema = load_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)


def valid_feed() -> dict:
    return {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "t",
        "feed_url": "https://x.example/feed.json",
        "items": [
            {"id": "a", "content_html": "<p>a</p>"},
            {"id": "b", "content_text": "b", "_ext": {"k": 1}},
        ],
    }


def test_minimal_valid_feed():
    validate_json_feed(valid_feed())


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda f: f.update(version="https://jsonfeed.org/version/1"), "version"),
        (lambda f: f.pop("title"), "'title' is a required property"),
        (lambda f: f["items"].append({"id": "a", "content_text": "again"}), "repeats items/0"),
        (lambda f: f["items"][0].pop("content_html"), "neither content_html nor content_text"),
        (lambda f: f.update(next_url=f["feed_url"]), "next_url: equals feed_url"),
        (lambda f: f.update(authors=[{}]), "authors/0"),
        (lambda f: f.update(author_name="x"), "author_name"),
        (lambda f: f["items"][0].update(date_published="2023-05-01 08:00"), "date_published"),
        (lambda f: f["items"][0].update(url="/relative"), "items/0/url"),
        (lambda f: f["items"][0].update(id=1), "items/0/id"),
        (lambda f: f.update(language="zh_CN"), "language"),
    ],
)
def test_invalid_feeds_are_reported(change, expected):
    feed = valid_feed()
    change(feed)
    with pytest.raises(InvalidJsonFeed, match=expected) as raised:
        validate_json_feed(feed)
    assert raised.value.errors
