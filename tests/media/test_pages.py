"""Pages show library images from their renditions (srcset, sizes, width, height, lazy below
the fold), and the demo ships a working image for every article, in valid feeds."""

from __future__ import annotations

import io

import feedparser
import lxml.html
import pytest
from PIL import Image

from syndicate.feed.build import build_current
from syndicate.feed.render import render
from syndicate.feed.urls import FORMATS
from syndicate.feed.validate import validate_json_feed
from syndicate.storage import articles as article_store
from syndicate.storage import db
from tests.feeds.conftest import BASE, make_demo_app

__all__ = ["make_demo_app"]

ARTICLE = "2023-07-17-hongqiao-hq-economy-h1"
THUMBNAILS = "//ol[@class='entries']/li//a[@class='thumb-link']//img"


@pytest.fixture
def demo_app(make_demo_app, sqlite_url):
    return make_demo_app(sqlite_url)


def _demo_image_urls(app) -> dict[str, str]:
    with app.app_context(), db.database(app).session() as session:
        rows, _total = article_store.list_page(
            session, article_store.ArticleFilter(), limit=100, offset=0
        )
        return {row.public_id: row.image_url for row in rows}


def test_every_demo_article_has_a_working_image(demo_app):
    client = demo_app.test_client()
    urls = _demo_image_urls(demo_app)
    assert len(urls) == 15
    for public_id, url in urls.items():
        assert url and url.startswith("/media/"), public_id
        response = client.get(url)
        assert response.status_code == 200, (public_id, url)
        assert response.mimetype.startswith("image/")
        Image.open(io.BytesIO(response.data)).verify()
    assert len(set(urls.values())) == 15  # a drawing of its own for each


def test_demo_feeds_still_validate_with_their_images(demo_app):
    for language in ("en", "zh"):
        with demo_app.app_context(), db.database(demo_app).session() as session:
            built = build_current(session, demo_app.config, language, "all")
            feeds = {fmt: render(built.documents[fmt], fmt) for fmt in FORMATS}
        validate_json_feed(feeds["json"])
        for fmt in ("rss", "atom"):
            parsed = feedparser.parse(feeds[fmt])
            assert parsed.bozo == 0, parsed.get("bozo_exception")
            assert sum(len(e.enclosures) for e in parsed.entries) >= 5
        assert feeds["rss"].count(b"<enclosure ") >= 5
        assert b'length="0"' not in feeds["rss"]


def test_article_page_lead_image_uses_renditions(demo_app):
    client = demo_app.test_client()
    page = lxml.html.fromstring(client.get(f"/zh/articles/{ARTICLE}").data)
    (figure,) = page.xpath("//figure[@class='lead-image']")
    (img,) = figure.xpath(".//img")
    assert (img.get("width"), img.get("height")) == ("1200", "675")
    assert img.get("loading") is None and img.get("fetchpriority") == "high"  # above the fold
    assert img.get("alt") == "插画：傍晚天空下亮着灯的高楼天际线"
    srcset = [part.strip().split(" ") for part in img.get("srcset").split(",")]
    assert [width for _url, width in srcset] == ["480w", "960w"]
    assert all(url.startswith(f"{BASE}/media/") and url.endswith(".jpg") for url, _w in srcset)
    assert img.get("sizes")
    (webp,) = figure.xpath(".//source")
    assert webp.get("type") == "image/webp" and "960w" in webp.get("srcset")
    assert figure.xpath("string(figcaption)").strip() == "虹桥国际中央商务区楼宇群（示意图）。"
    # Shown once: the body below does not repeat it.
    assert len(page.xpath("//figure[@class='lead-image']//img")) == 1
    assert not page.xpath("//div[@class='body']//img")
    for url, _width in srcset:
        assert client.get(url.removeprefix(BASE)).status_code == 200


def test_section_page_shows_thumbnails_lazy_below_the_fold(demo_app):
    page = lxml.html.fromstring(demo_app.test_client().get("/en/").data)
    thumbnails = page.xpath(THUMBNAILS)
    entries = page.xpath("//ol[@class='entries']/li")
    assert len(thumbnails) == len(entries) >= 4
    # The lead story's image opens the page; the list below it loads as it scrolls into view.
    lead = page.xpath("//article[@class='lead-story']//img")[0]
    assert lead.get("loading") is None and lead.get("fetchpriority") == "high"
    assert {img.get("loading") for img in thumbnails} == {"lazy"}
    for img in thumbnails:
        assert img.get("width") and img.get("height") and "480w" in img.get("srcset")
        assert img.get("sizes") == "(min-width: 40rem) 12rem, 33vw"
    section = lxml.html.fromstring(demo_app.test_client().get("/en/transportation/").data)
    assert section.xpath(THUMBNAILS)
