"""/feeds.opml: every feed of every section and of all, in both languages and every format."""

from __future__ import annotations

import random

from lxml import etree

from syndicate.feed.opml import render_opml
from syndicate.feed.urls import ALL, FORMATS, FeedKey, section_url
from syndicate.languages import CODES, tag
from syndicate.storage import sections as section_store
from tests.feeds.conftest import BASE, DEMO_SECTIONS, session_of

TREE_ORDER = [
    ALL,
    "top-news",
    "hongqiao-yrd",
    "industrial-cooperation",  # children follow their parent
    "yrd-integration",
    "business",
    "transportation",
]


def opml(app, sections=None) -> bytes:
    with session_of(app) as session:
        rows = section_store.list_all(session) if sections is None else sections(session)
        return render_opml(rows, BASE)


def test_opml_lists_every_feed_grouped_by_language(demo_app):
    data = opml(demo_app)
    assert data.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    root = etree.fromstring(data)
    assert root.tag == "opml" and root.get("version") == "2.0"
    assert root.findtext("head/title") == "Feeds / 订阅源"
    groups = root.findall("body/outline")
    assert [group.get("language") for group in groups] == [tag(code) for code in CODES]
    assert [group.get("text") for group in groups] == ["English", "中文"]
    for code, group in zip(CODES, groups, strict=True):
        outlines = group.findall("outline")
        assert len(outlines) == len(TREE_ORDER) * len(FORMATS)
        expected = [FeedKey(code, slug, fmt).url(BASE) for slug in TREE_ORDER for fmt in FORMATS]
        assert [o.get("xmlUrl") for o in outlines] == expected
        for outline in outlines:
            slug = outline.get("xmlUrl").rsplit("/", 1)[1].split(".")[0]
            assert outline.get("type") == "rss"
            assert outline.get("htmlUrl") == section_url(BASE, code, slug)
            assert outline.get("language") == tag(code)
            assert outline.get("title") == outline.get("text")
    titles = [o.get("title") for o in groups[1].findall("outline")[:6]]
    assert titles == [
        "全部新闻（RSS）",
        "全部新闻（Atom）",
        "全部新闻（JSON Feed）",
        "头条新闻（RSS）",
        "头条新闻（Atom）",
        "头条新闻（JSON Feed）",
    ]
    assert groups[0].findall("outline")[3].get("title") == "Top News (RSS)"
    every_feed = {
        FeedKey(code, slug, fmt).url(BASE)
        for code in CODES
        for slug in (ALL, *DEMO_SECTIONS)
        for fmt in FORMATS
    }
    assert {o.get("xmlUrl") for o in root.iter("outline") if o.get("xmlUrl")} == every_feed


def test_opml_is_deterministic(demo_app):
    def shuffled(session):
        rows = section_store.list_all(session)
        random.Random(5).shuffle(rows)
        return rows

    assert opml(demo_app) == opml(demo_app) == opml(demo_app, shuffled)


def test_opml_with_no_sections_still_lists_all(demo_app):
    root = etree.fromstring(opml(demo_app, lambda session: []))
    assert len(list(root.iter("outline"))) == len(CODES) * (1 + len(FORMATS))
