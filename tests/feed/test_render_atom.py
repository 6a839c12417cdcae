from __future__ import annotations

import dataclasses
from collections import Counter

import feedparser
import pytest
from lxml import etree

from syndicate.feed.document import DEFAULT_GENERATOR, SYNDICATE_NS, FeedDocument, Item, Link
from syndicate.feed.render import MEDIA_TYPES, RENDERERS, render
from syndicate.feed.render.atom import render_atom

SITE = "https://news.example.com"
ATOM = "http://www.w3.org/2005/Atom"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
NS = {"a": ATOM, "s": SYNDICATE_NS}


def parse(data: bytes) -> etree._Element:
    return etree.fromstring(data, etree.XMLParser(recover=False, resolve_entities=False))


def xpath(node: etree._Element, path: str) -> list:
    return node.xpath(path, namespaces=NS)


def one(node: etree._Element, path: str):
    (result,) = xpath(node, path)
    return result


def entry_element(root: etree._Element, item: Item) -> etree._Element:
    return one(root, f"/a:feed/a:entry[a:id='{item.id}']")


def link_tuples(node: etree._Element) -> list[tuple[str | None, ...]]:
    return [
        (link.get("rel"), link.get("href"), link.get("type"), link.get("hreflang"))
        for link in xpath(node, "a:link")
    ]


def assert_unique_alternates(node: etree._Element) -> None:
    """RFC 4287 §4.1.1/§4.1.2: no two alternate links with the same type and hreflang."""
    keys = Counter(
        (link.get("type"), link.get("hreflang"))
        for link in xpath(node, "a:link[not(@rel) or @rel='alternate']")
    )
    assert all(count == 1 for count in keys.values()), keys


@pytest.fixture
def doc(document_for) -> FeedDocument:
    return document_for("atom")


@pytest.fixture
def root(doc: FeedDocument) -> etree._Element:
    return parse(render_atom(doc))


def test_registered_as_atom_with_its_media_type(doc):
    assert RENDERERS["atom"] is render_atom
    assert MEDIA_TYPES["atom"] == "application/atom+xml; charset=utf-8"
    assert render(doc, "atom") == render_atom(doc)


def test_feed_elements(root, doc):
    assert root.tag == f"{{{ATOM}}}feed"
    assert root.get(XML_LANG) == "zh-Hans"
    assert one(root, "a:id/text()") == doc.id
    assert one(root, "a:title/text()") == doc.title
    assert one(root, "a:subtitle/text()") == doc.description
    assert one(root, "a:updated/text()") == "2023-05-02T09:30:00+00:00"
    generator = one(root, "a:generator")
    assert generator.text == "syndicate"
    assert generator.get("uri") == DEFAULT_GENERATOR.uri
    assert generator.get("version") == DEFAULT_GENERATOR.version
    assert xpath(root, "a:author/a:name/text()") == ["示例新闻编辑部"]
    assert one(root, "a:icon/text()") == doc.icon
    assert one(root, "a:logo/text()") == doc.logo


def test_feed_links(root, doc):
    assert link_tuples(root) == [
        ("self", f"{SITE}/zh/feed.atom?page=2", "application/atom+xml", None),
        ("alternate", f"{SITE}/en/feed.atom", "text/html", "en"),
        ("alternate", doc.home_url, "text/html", None),
        ("first", f"{SITE}/zh/feed.atom", "application/atom+xml", None),
        ("previous", f"{SITE}/zh/feed.atom", "application/atom+xml", None),
        ("next", f"{SITE}/zh/feed.atom?page=3", "application/atom+xml", None),
        ("last", f"{SITE}/zh/feed.atom?page=3", "application/atom+xml", None),
        ("hub", "https://hub.example.net/", None, None),
    ]
    assert_unique_alternates(root)


def test_feed_author_defaults_to_the_feed_title(minimal_document_for):
    doc = minimal_document_for("atom")
    root = parse(render_atom(doc))
    # Atom requires an author on the feed unless every entry has one.
    assert xpath(root, "a:author/a:name/text()") == ["Example News"]
    assert xpath(root, "a:subtitle") == xpath(root, "a:icon") == []
    assert [link[0] for link in link_tuples(root)] == ["self", "alternate"]


def test_entries_in_document_order(root, doc):
    assert xpath(root, "a:entry/a:id/text()") == [item.id for item in doc.items]


def test_entry_elements(root, chinese_item):
    entry = entry_element(root, chinese_item)
    assert entry.get(XML_LANG) == "zh-Hans"
    assert one(entry, "a:title/text()") == chinese_item.title
    assert one(entry, "a:title/@type") == "text"
    assert one(entry, "a:summary/text()") == chinese_item.summary
    assert xpath(entry, "a:summary/@type") in ([], ["text"])
    assert one(entry, "a:content/@type") == "html"
    assert one(entry, "a:content/text()") == chinese_item.content_html
    assert xpath(entry, "a:author/a:name/text()") == ["Jane Doe"]
    assert xpath(entry, "a:category/@term") == ["天气"]
    assert one(entry, "a:published/text()") == "2023-05-01T16:00:00+08:00"
    assert one(entry, "a:updated/text()") == "2023-05-01T17:15:00+08:00"


def test_entry_language_is_its_own(root, english_item):
    assert entry_element(root, english_item).get(XML_LANG) == "en"


def test_content_is_escaped_html_not_cdata(doc, image_item):
    data = render_atom(doc)
    assert b"<![CDATA[" not in data
    entry = entry_element(parse(data), image_item)
    assert one(entry, "a:content/text()") == image_item.content_html


def test_entry_links_its_own_page_first_then_related_languages(root, chinese_item):
    assert link_tuples(entry_element(root, chinese_item)) == [
        ("alternate", chinese_item.url, "text/html", None),
        ("related", f"{SITE}/en/articles/rain", "text/html", "en"),
    ]
    links = xpath(entry_element(root, chinese_item), "a:link")
    assert links[1].get("title") == "English original"


def test_image_is_an_enclosure_link_after_the_pages(root, image_item):
    entry = entry_element(root, image_item)
    enclosure = one(entry, "a:link[@rel='enclosure']")
    assert enclosure.get("href") == "https://cdn.example.com/panda.jpg"
    assert enclosure.get("type") == "image/jpeg"
    assert enclosure.get("length") == "48213"
    # Readers that take the first <link> (feed-extractor) must open the article, not the image.
    assert xpath(entry, "a:link[1]/@href") == [image_item.url]
    assert xpath(entry, "a:link[last()]/@rel") == ["enclosure"]


def test_duplicate_alternates_are_dropped(document_for, chinese_item):
    item = dataclasses.replace(
        chinese_item,
        alternates=(
            Link(f"{SITE}/en/articles/rain", "related", "text/html", "en"),
            Link(f"{SITE}/zh/articles/rain-old"),  # would collide with the own page
            Link(chinese_item.url, hreflang="zh-Hans"),  # the own page again
            Link(f"{SITE}/en/articles/rain.pdf", type="application/pdf", hreflang="en"),
            Link(f"{SITE}/en/articles/rain.epub", type="application/pdf", hreflang="en"),
        ),
    )
    root = parse(render_atom(document_for("atom", items=(item,))))
    entry = entry_element(root, item)
    assert_unique_alternates(entry)
    assert link_tuples(entry) == [
        ("alternate", chinese_item.url, "text/html", None),
        ("related", f"{SITE}/en/articles/rain", "text/html", "en"),
        ("alternate", f"{SITE}/en/articles/rain.pdf", "application/pdf", "en"),
    ]


def test_every_entry_satisfies_rfc4287(root, doc):
    for item in doc.items:
        entry = entry_element(root, item)
        for required in ("a:id", "a:title", "a:updated"):
            assert len(xpath(entry, required)) == 1
        assert_unique_alternates(entry)
        assert xpath(entry, "a:link[not(@rel)]") == []


def test_provenance(root, chinese_item, image_item):
    translation = one(entry_element(root, chinese_item), "s:translation")
    assert dict(translation.attrib) == {
        "origin": "machine",
        "source-language": "en",
        "model": "argos-translate en-zh 1.9",
    }
    edited = one(entry_element(root, image_item), "s:translation")
    assert dict(edited.attrib) == {"origin": "editor", "source-language": "en"}


def test_xml_illegal_characters_are_stripped(doc, dirty_item, illegal):
    data = render_atom(doc)  # must not raise
    entry = entry_element(parse(data), dirty_item)
    assert one(entry, "a:title/text()") == "控制字符"
    assert one(entry, "a:summary/text()") == "摘要"
    assert one(entry, "a:content/text()") == "<p>正文</p>"
    assert xpath(entry, "a:author/a:name/text()") == ["作者"]
    assert xpath(entry, "a:category/@term") == ["标签"]
    assert one(entry, "s:translation/@model") == "model"
    for char in illegal:
        assert char.encode("utf-8", "surrogatepass") not in data


def test_feedparser_reads_it_cleanly(doc, chinese_item, english_item, image_item):
    parsed = feedparser.parse(render_atom(doc))
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    assert parsed.feed.title == doc.title
    assert parsed.feed.link == doc.home_url
    assert parsed.feed.language == "zh-Hans"
    assert parsed.feed.author == "示例新闻编辑部"
    assert [entry.id for entry in parsed.entries] == [item.id for item in doc.items]
    entries = {entry.id: entry for entry in parsed.entries}
    for item in (chinese_item, english_item, image_item):
        assert entries[item.id].link == item.url
    chinese = entries[chinese_item.id]
    assert chinese.title == chinese_item.title
    assert chinese.content[0].type == "text/html"
    assert chinese.content[0].language == "zh-Hans"
    assert entries[english_item.id].content[0].language == "en"
    assert entries[image_item.id].enclosures[0].href == "https://cdn.example.com/panda.jpg"
    assert entries[image_item.id].enclosures[0].type == "image/jpeg"


def test_deterministic(document_for, fifty_items):
    doc = document_for("atom", items=fifty_items)
    first = render_atom(doc)
    assert render_atom(doc) == first
    assert render_atom(dataclasses.replace(doc)) == first
