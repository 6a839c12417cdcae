"""An article using an uploaded image: exact enclosure length and type in RSS, Atom and JSON
Feed; an external image keeps working, with its length left out rather than 0."""

from __future__ import annotations

import feedparser
import orjson
from lxml import etree

from syndicate.feed.build import build_current
from syndicate.feed.render import render
from syndicate.feed.urls import FORMATS
from syndicate.feed.validate import validate_json_feed
from syndicate.storage import db
from tests.media.images import drawing, encode
from tests.support.factories import article_payload

BASE = "https://news.example.com"
NS = {"a": "http://www.w3.org/2005/Atom", "media": "http://search.yahoo.com/mrss/"}


def feeds(app, section: str = "industrial-cooperation") -> dict[str, bytes]:
    with app.app_context(), db.database(app).session() as session:
        built = build_current(session, app.config, "en", section)
        return {fmt: render(built.documents[fmt], fmt) for fmt in FORMATS}


def publish(client, editor, **overrides):
    payload = article_payload(status="published", **overrides)
    response = client.post("/api/v1/articles", json=payload, headers=editor)
    assert response.status_code == 201, response.get_json()


def test_uploaded_image_has_exact_enclosures(app, client, editor, upload, newsroom):
    made = upload(encode(drawing((1000, 600)), "JPEG", quality=80), "x.jpg", alt="A map").get_json()
    image = {"url": made["url"], "alt": "Rail lines of the delta", "caption": "The network"}
    publish(client, editor, image=image)
    absolute = BASE + made["url"]
    length, media_type = str(made["bytes"]), made["type"]
    assert media_type == "image/jpeg" and made["bytes"] > 0
    data = feeds(app)

    rss = etree.fromstring(data["rss"])
    (item,) = rss.findall("channel/item")
    enclosure = item.find("enclosure")
    assert dict(enclosure.attrib) == {"url": absolute, "length": length, "type": media_type}
    media = item.find("media:content", NS)
    assert media.get("url") == absolute
    assert (media.get("type"), media.get("fileSize")) == (media_type, length)
    assert (media.get("width"), media.get("height")) == ("1000", "600")
    assert media.find("media:description", NS).text == "Rail lines of the delta"

    atom = etree.fromstring(data["atom"])
    (entry,) = atom.findall("a:entry", NS)
    links = [link for link in entry.findall("a:link", NS) if link.get("rel") == "enclosure"]
    assert [(x.get("href"), x.get("length"), x.get("type")) for x in links] == [
        (absolute, length, media_type)
    ]

    json_item = orjson.loads(data["json"])["items"][0]
    assert json_item["image"] == absolute
    assert json_item["attachments"] == [
        {
            "url": absolute,
            "mime_type": media_type,
            "title": "Rail lines of the delta",
            "size_in_bytes": made["bytes"],
        }
    ]
    # And readers agree.
    for fmt in ("rss", "atom"):
        parsed = feedparser.parse(data[fmt])
        assert parsed.bozo == 0, parsed.get("bozo_exception")
        (enclosure,) = parsed.entries[0].enclosures
        assert (enclosure.href, enclosure.length, enclosure.type) == (absolute, length, media_type)
    validate_json_feed(data["json"])
    # The URL in the feed answers with those very bytes.
    fetched = client.get(made["url"])
    assert fetched.headers["Content-Type"] == media_type and len(fetched.data) == made["bytes"]


def test_external_image_has_no_made_up_length(app, client, editor, newsroom):
    image = {"url": "https://cdn.example.org/photos/cafe.webp", "alt": "A café", "caption": ""}
    publish(client, editor, image=image)
    data = feeds(app)
    item = etree.fromstring(data["rss"]).find("channel/item")
    assert item.find("enclosure") is None  # RSS requires a length; we do not know it
    media = item.find("media:content", NS)
    assert media.get("url") == image["url"] and media.get("type") == "image/webp"
    assert media.get("fileSize") is None and media.get("width") is None
    entry = etree.fromstring(data["atom"]).find("a:entry", NS)
    (enclosure,) = [x for x in entry.findall("a:link", NS) if x.get("rel") == "enclosure"]
    assert enclosure.get("type") == "image/webp" and enclosure.get("length") is None
    json_item = orjson.loads(data["json"])["items"][0]
    assert json_item["image"] == image["url"]
    assert json_item["attachments"] == [
        {"url": image["url"], "mime_type": "image/webp", "title": "A café"}
    ]
    assert b'length="0"' not in data["rss"] + data["atom"]
    validate_json_feed(data["json"])
    for fmt in ("rss", "atom"):
        assert feedparser.parse(data[fmt]).bozo == 0
