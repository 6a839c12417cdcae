"""The public pages' polish: ``/`` picks a language, and every listing and article page has a
Subscribe block with its section's feeds (RSS, Atom, JSON Feed) and the OPML list."""

from __future__ import annotations

import itertools

import lxml.html
import pytest

from syndicate.feed.urls import FeedKey, article_url, section_url
from tests.feeds.conftest import BASE, make_demo_app

__all__ = ["make_demo_app"]

TRANSLATED = "2023-06-01-hongqiao-yrd-forum-links"


@pytest.fixture
def demo_app(make_demo_app, sqlite_url):
    return make_demo_app(sqlite_url)


@pytest.mark.parametrize(
    ("accept", "target"),
    [
        (None, "en"),
        ("zh-CN,zh;q=0.9,en;q=0.5", "zh"),
        ("zh-Hant-TW", "zh"),
        ("fr, en-GB;q=0.8", "en"),
        ("fr", "en"),
    ],
)
def test_root_redirects_to_a_language(demo_app, accept, target):
    headers = {"Accept-Language": accept} if accept else {}
    response = demo_app.test_client().get("/", headers=headers)
    assert response.status_code == 302
    assert response.headers["Location"] == f"{BASE}/{target}/"
    assert "Accept-Language" in response.headers["Vary"]


def _subscribe(app, url: str):
    response = app.test_client().get(url.removeprefix(BASE))
    assert response.status_code == 200
    document = lxml.html.fromstring(response.data)
    # No script runs on public pages: the only script element is JSON-LD, which is data.
    assert {s.get("type") for s in document.iter("script")} <= {"application/ld+json"}
    (block,) = document.xpath("//section[@class='subscribe']")
    return document, block


@pytest.mark.parametrize(("language", "other"), [("en", "zh"), ("zh", "en")])
def test_listing_subscribe_block(demo_app, language, other):
    document, block = _subscribe(demo_app, section_url(BASE, language, "business"))
    heading = block.find("h2")
    assert heading.text == {"en": "Subscribe", "zh": "订阅"}[language]
    assert block.get("aria-labelledby") == heading.get("id")
    links = [(a.text, a.get("href"), a.get("type")) for a in block.xpath("./ul/li/a")]
    assert links == [
        ("RSS", FeedKey(language, "business", "rss").url(BASE), "application/rss+xml"),
        ("Atom", FeedKey(language, "business", "atom").url(BASE), "application/atom+xml"),
        ("JSON Feed", FeedKey(language, "business", "json").url(BASE), "application/feed+json"),
    ]
    (others,) = block.find_class("other-feeds")
    assert others.get("lang") == {"en": "en", "zh": "zh-Hans"}[other]
    assert [a.get("href") for a in others.iter("a")] == [
        FeedKey(other, "business", fmt).url(BASE) for fmt in ("rss", "atom", "json")
    ]
    assert block.xpath(".//p[@class='opml']/a/@href") == [f"{BASE}/feeds.opml"]
    levels = [int(h.tag[1]) for h in document.xpath("//h1|//h2|//h3")]
    assert levels[0] == 1 and all(b <= a + 1 for a, b in itertools.pairwise(levels))


def test_article_page_offers_its_sections_feeds(demo_app):
    _document, block = _subscribe(demo_app, article_url(BASE, "zh", TRANSLATED))
    assert block.xpath("./ul/li/a/@href") == [
        FeedKey("zh", "hongqiao-yrd", fmt).url(BASE) for fmt in ("rss", "atom", "json")
    ]
    assert "虹桥国际与长三角" in block.find("p").text


def test_article_page_dates_are_machine_readable_too(demo_app):
    response = demo_app.test_client().get(article_url(BASE, "zh", TRANSLATED).removeprefix(BASE))
    document = lxml.html.fromstring(response.data)
    (published,) = document.xpath("//p[@class='meta']/time[@class='published']")
    assert published.get("datetime").startswith("2023-06-01")
    assert "2023年6月1日" in published.text
