from __future__ import annotations

import dataclasses
from datetime import datetime
from email.utils import format_datetime

import feedparser
import pytest
from lxml import etree

from syndicate.feed.document import (
    DEFAULT_GENERATOR,
    SYNDICATE_NS,
    FeedDocument,
    Image,
    Item,
    Link,
    Paging,
    Provenance,
)
from syndicate.feed.render import MEDIA_TYPES, RENDERERS, render
from syndicate.feed.render.rss import render_rss

SITE = "https://news.example.com"
NS = {
    "atom": "http://www.w3.org/2005/Atom",
    "content": "http://purl.org/rss/1.0/modules/content/",
    "dc": "http://purl.org/dc/elements/1.1/",
    "media": "http://search.yahoo.com/mrss/",
    "s": SYNDICATE_NS,
}


def parse(data: bytes) -> etree._Element:
    # A strict parser: it fails on anything that is not well-formed XML.
    return etree.fromstring(data, etree.XMLParser(recover=False, resolve_entities=False))


def xpath(node: etree._Element, path: str) -> list:
    return node.xpath(path, namespaces=NS)


def one(node: etree._Element, path: str):
    (result,) = xpath(node, path)
    return result


def item_element(root: etree._Element, item: Item) -> etree._Element:
    return one(root, f"/rss/channel/item[guid='{item.id}']")


@pytest.fixture
def doc(document_for) -> FeedDocument:
    return document_for("rss")


@pytest.fixture
def root(doc: FeedDocument) -> etree._Element:
    return parse(render_rss(doc))


def test_registered_as_rss_with_its_media_type(doc):
    assert RENDERERS["rss"] is render_rss
    assert MEDIA_TYPES["rss"] == "application/rss+xml; charset=utf-8"
    assert render(doc, "rss") == render_rss(doc)


def test_output_is_utf8_xml_with_declaration(doc):
    data = render_rss(doc)
    assert data.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    assert "示例新闻".encode() in data


def test_channel_elements(root, doc):
    channel = one(root, "/rss[@version='2.0']/channel")
    assert one(channel, "title/text()") == doc.title
    assert one(channel, "description/text()") == doc.description
    assert one(channel, "language/text()") == "zh-Hans"
    assert one(channel, "lastBuildDate/text()") == format_datetime(doc.updated)
    assert one(channel, "generator/text()") == f"syndicate {DEFAULT_GENERATOR.version}"
    assert one(channel, "ttl/text()") == "30"
    assert one(channel, "image/url/text()") == doc.logo
    assert one(channel, "image/link/text()") == doc.home_url


def test_channel_link_is_home_page_not_the_last_atom_link(root, doc):
    # feedgen takes <link> from the last link added; the home page must win over self/paging.
    assert xpath(root, "/rss/channel/link/text()") == [doc.home_url]


def test_self_link_has_type(root, doc):
    self_link = one(root, "/rss/channel/atom:link[@rel='self']")
    assert self_link.get("href") == doc.self_url == f"{SITE}/zh/feed.rss?page=2"
    assert self_link.get("type") == "application/rss+xml"


def test_rfc5005_paging_and_hub_links(root, doc):
    links = {link.get("rel"): link for link in xpath(root, "/rss/channel/atom:link")}
    for rel in ("first", "previous", "next", "last"):
        assert links[rel].get("href") == getattr(doc.paging, rel)
        assert links[rel].get("type") == "application/rss+xml"
    assert links["hub"].get("href") == "https://hub.example.net/"


def test_feed_alternates_end_with_the_home_page(root, doc):
    alternates = xpath(root, "/rss/channel/atom:link[@rel='alternate']")
    assert [(a.get("href"), a.get("hreflang")) for a in alternates] == [
        (f"{SITE}/en/feed.rss", "en"),
        (doc.home_url, None),
    ]
    assert alternates[0].get("type") == "text/html"
    assert alternates[0].get("title") == "English"


def test_no_paging_ttl_or_optional_elements_when_not_set(minimal_document_for):
    doc = minimal_document_for("rss")
    channel = one(parse(render_rss(doc)), "/rss/channel")
    assert [link.get("rel") for link in xpath(channel, "atom:link")] == ["self"]
    assert xpath(channel, "ttl") == xpath(channel, "image") == []
    # RSS requires a description; an empty one falls back to the title.
    assert one(channel, "description/text()") == doc.title


def test_items_in_document_order(root, doc):
    assert xpath(root, "/rss/channel/item/guid/text()") == [item.id for item in doc.items]


def test_item_elements(root, chinese_item):
    item = item_element(root, chinese_item)
    guid = one(item, "guid")
    assert guid.get("isPermaLink") == "false"
    assert one(item, "title/text()") == chinese_item.title
    assert one(item, "link/text()") == chinese_item.url
    assert one(item, "description/text()") == chinese_item.summary
    assert one(item, "content:encoded/text()") == chinese_item.content_html
    assert xpath(item, "dc:creator/text()") == ["Jane Doe"]
    assert xpath(item, "category/text()") == ["天气"]
    assert one(item, "pubDate/text()") == "Mon, 01 May 2023 16:00:00 +0800"
    assert xpath(item, "author") == []  # RSS author requires an e-mail address


def test_title_is_plain_text(root, english_item):
    assert one(item_element(root, english_item), "title/text()") == english_item.title


def test_body_is_escaped_not_cdata(doc, image_item):
    data = render_rss(doc)
    assert b"<![CDATA[" not in data
    element = item_element(parse(data), image_item)
    assert one(element, "content:encoded/text()") == image_item.content_html  # keeps "]]>"


def test_item_without_summary_carries_its_body_as_description(document_for, english_item):
    item = dataclasses.replace(english_item, summary="")
    element = one(parse(render_rss(document_for("rss", items=(item,)))), "/rss/channel/item")
    assert one(element, "description/text()") == item.content_html
    assert xpath(element, "content:encoded") == []


def test_multiple_authors_and_categories(root, english_item):
    item = item_element(root, english_item)
    assert xpath(item, "dc:creator/text()") == ["Jane Doe", "Li Wei"]
    assert xpath(item, "category/text()") == ["Weather", "Science"]


def test_image_as_enclosure_and_media_content(root, image_item):
    item = item_element(root, image_item)
    enclosure = one(item, "enclosure")
    assert dict(enclosure.attrib) == {
        "url": "https://cdn.example.com/panda.jpg",
        "length": "48213",
        "type": "image/jpeg",
    }
    media = one(item, "media:content")
    assert media.get("url") == "https://cdn.example.com/panda.jpg"
    assert media.get("medium") == "image"
    assert media.get("type") == "image/jpeg"
    assert media.get("fileSize") == "48213"
    # media:description is the alt text (what the picture shows), media:title the caption.
    assert one(media, "media:description/text()") == "一只大熊猫幼崽趴在木架上"
    assert one(media, "media:description/@type") == "plain"
    assert one(media, "media:title/text()") == "熊猫宝宝在成都"
    assert xpath(media, "@width") == xpath(media, "@height") == []  # unknown: left out


def test_media_content_dimensions(document_for, image_item):
    sized = dataclasses.replace(
        image_item,
        image=Image(
            "https://news.example.com/media/a/original.png", length=9, width=640, height=480
        ),
    )
    item = one(parse(render_rss(document_for("rss", items=(sized,)))), "/rss/channel/item")
    assert dict(one(item, "enclosure").attrib) == {
        "url": "https://news.example.com/media/a/original.png",
        "length": "9",
        "type": "image/png",
    }
    media = one(item, "media:content")
    assert (media.get("width"), media.get("height"), media.get("fileSize")) == ("640", "480", "9")
    assert media.get("type") == "image/png"


def test_enclosure_omitted_when_length_or_type_unknown(document_for, image_item):
    unknown_length = dataclasses.replace(image_item, image=Image("https://cdn.example.com/a.webp"))
    unknown_type = dataclasses.replace(
        image_item,
        id=f"{image_item.id}-2",
        image=Image("https://cdn.example.com/image?id=7", caption="c"),
    )
    root = parse(render_rss(document_for("rss", items=(unknown_length, unknown_type))))
    first, second = xpath(root, "/rss/channel/item")
    # RSS requires the enclosure's length: an external image of unknown size has no enclosure
    # (never length="0"); media:content still carries it, with its type and no fileSize.
    assert xpath(first, "enclosure") == []
    assert one(first, "media:content/@type") == "image/webp"
    assert xpath(first, "media:content/@fileSize") == []
    assert xpath(first, "media:content/media:description") == []  # no alt text
    assert xpath(second, "enclosure") == []  # RSS requires a type
    assert one(second, "media:content/@url") == "https://cdn.example.com/image?id=7"
    assert xpath(second, "media:content/@type") == []


def test_item_links_its_own_page_first_and_other_languages_as_related(root, chinese_item):
    links = xpath(item_element(root, chinese_item), "atom:link")
    assert [(link.get("rel"), link.get("href"), link.get("hreflang")) for link in links] == [
        ("alternate", chinese_item.url, None),
        ("related", f"{SITE}/en/articles/rain", "en"),
    ]
    assert {link.get("type") for link in links} == {"text/html"}
    assert links[1].get("title") == "English original"


def test_item_without_alternates_has_no_atom_links(root, image_item):
    assert xpath(item_element(root, image_item), "atom:link") == []


def test_item_language_only_when_it_differs_from_the_channel(root, english_item, chinese_item):
    assert xpath(item_element(root, english_item), "dc:language/text()") == ["en"]
    assert xpath(item_element(root, chinese_item), "dc:language") == []


def test_provenance(root, chinese_item, english_item):
    translation = one(item_element(root, chinese_item), "s:translation")
    assert dict(translation.attrib) == {
        "origin": "machine",
        "source-language": "en",
        "model": "argos-translate en-zh 1.9",
    }
    source = one(item_element(root, english_item), "s:translation")
    assert dict(source.attrib) == {"origin": "source", "source-language": "en"}


def test_xml_illegal_characters_are_stripped(doc, dirty_item, illegal):
    data = render_rss(doc)  # must not raise
    item = item_element(parse(data), dirty_item)
    assert one(item, "title/text()") == "控制字符"
    assert one(item, "description/text()") == "摘要"
    assert one(item, "content:encoded/text()") == "<p>正文</p>"
    assert xpath(item, "dc:creator/text()") == ["作者"]
    assert xpath(item, "category/text()") == ["标签"]  # the all-illegal one is dropped
    assert one(item, "media:content/media:title/text()") == "图"
    assert one(item, "media:content/media:description/text()") == "替代"
    assert one(item, "s:translation/@model") == "model"
    for char in illegal:
        assert char.encode("utf-8", "surrogatepass") not in data


def test_feedparser_reads_it_cleanly(doc, chinese_item, english_item, image_item):
    parsed = feedparser.parse(render_rss(doc))
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.version == "rss20"
    assert parsed.feed.title == doc.title
    assert parsed.feed.link == doc.home_url
    assert parsed.feed.language == "zh-Hans"
    assert [entry.id for entry in parsed.entries] == [item.id for item in doc.items]
    entries = {entry.id: entry for entry in parsed.entries}
    # feedparser lets item atom:links override <link>: the own page must still win.
    for item in (chinese_item, english_item, image_item):
        assert entries[item.id].link == item.url
    assert entries[chinese_item.id].title == chinese_item.title
    assert entries[chinese_item.id].content[0].value == chinese_item.content_html
    assert entries[chinese_item.id].published_parsed[:6] == (2023, 5, 1, 8, 0, 0)
    assert entries[image_item.id].enclosures[0].href == "https://cdn.example.com/panda.jpg"


def test_deterministic(document_for, fifty_items):
    doc = document_for("rss", items=fifty_items)
    first = render_rss(doc)
    assert render_rss(doc) == first
    assert render_rss(dataclasses.replace(doc)) == first


# The document's own validation, which spares every renderer from feedgen's late errors.


def test_naive_datetimes_are_rejected_at_construction(english_item):
    with pytest.raises(ValueError, match=r"Item\.published.*naive"):
        dataclasses.replace(english_item, published=datetime(2023, 5, 1, 8, 0))
    with pytest.raises(ValueError, match=r"FeedDocument\.updated.*naive"):
        FeedDocument(
            id="tag:x.example,2023:f",
            title="t",
            description="",
            language="en",
            home_url="https://x.example/",
            self_url="https://x.example/feed.rss",
            updated=datetime(2023, 5, 1),
            items=(),
        )


@pytest.mark.parametrize("tag", ["zh_CN", "zh_Hans_CN", "", "english!"])
def test_language_must_be_a_bcp47_tag(english_item, tag):
    with pytest.raises(ValueError, match="BCP 47"):
        dataclasses.replace(english_item, language=tag)
    with pytest.raises(ValueError, match="BCP 47"):
        Link("https://x.example/", hreflang=tag)


@pytest.mark.parametrize("url", ["/zh/articles/rain", "news.example.com/a", "ftp://x.example/a"])
def test_urls_must_be_absolute_http(english_item, url):
    with pytest.raises(ValueError, match="absolute"):
        dataclasses.replace(english_item, url=url)


def test_ids_must_be_uris_and_unique(document_for, english_item):
    with pytest.raises(ValueError, match="URI"):
        dataclasses.replace(english_item, id="123")
    with pytest.raises(ValueError, match="duplicate item id"):
        document_for("rss", items=(english_item, english_item))


def test_next_page_must_not_be_this_page(doc):
    with pytest.raises(ValueError, match=r"paging\.next"):
        dataclasses.replace(doc, paging=Paging(next=doc.self_url))


def test_titles_must_not_be_blank_even_after_stripping(english_item, illegal):
    with pytest.raises(ValueError, match="title"):
        dataclasses.replace(english_item, title=f" {illegal} ")


def test_provenance_origin_is_checked():
    with pytest.raises(ValueError, match="origin"):
        Provenance("robot", "en")  # type: ignore[arg-type]


def test_sequences_are_stored_as_tuples(english_item):
    item = dataclasses.replace(english_item, categories=["a", "b"])  # type: ignore[arg-type]
    assert item.categories == ("a", "b")
    assert hash(item) == hash(dataclasses.replace(item))


def test_image_type_is_guessed_from_the_extension():
    assert Image("https://x.example/a.JPG").type == "image/jpeg"
    assert Image("https://x.example/a.png?w=800").type == "image/png"
    assert Image("https://x.example/a").type is None
    assert Image("https://x.example/a", type="image/heic").type == "image/heic"


def test_generator_is_syndicate():
    assert DEFAULT_GENERATOR.name == "syndicate"
    assert DEFAULT_GENERATOR.uri
