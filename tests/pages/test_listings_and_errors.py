"""Home and section pages like a news portal's (lead story, thumbnails, bylines, sub-sections,
pages), the footer, and the localized HTML 404 and 410 pages."""

from __future__ import annotations

import pytest

from syndicate.feed.urls import FeedKey, article_url, section_url
from tests.pages.conftest import BASE, ORIGINAL, SITE_NAME, editor_headers, get_page


def test_home_page_opens_with_a_lead_story(site):
    _response, document = get_page(site, "/en/")
    (lead,) = document.xpath("//article[@class='lead-story']")
    assert lead.xpath(".//a[@class='lead-image']//img/@src")[0].startswith(f"{BASE}/media/")
    assert lead.xpath(".//h2/a/@href")[0].startswith(f"{BASE}/en/articles/")
    assert lead.xpath(".//*[@class='byline']/text()")[0].startswith("By ")
    assert lead.xpath(".//time/@datetime")
    stories = document.xpath("//ol[@class='entries']/li/article")
    assert len(stories) >= 5
    # Every listed story has a thumbnail (the demo's all have images), a byline and a date.
    for story in stories:
        assert story.xpath(".//div[@class='thumb']//img/@src")
        assert story.xpath(".//*[@class='byline']") and story.xpath(".//time/@datetime")
        assert story.xpath(".//p[@class='kicker']/a/@href")[0].startswith(f"{BASE}/en/")
    urls = lead.xpath(".//h2/a/@href") + [s.xpath(".//h3/a/@href")[0] for s in stories]
    assert len(urls) == len(set(urls))  # the lead story is not listed again


def test_section_page_shows_its_sub_sections(site):
    _response, document = get_page(site, section_url(BASE, "zh", "hongqiao-yrd"))
    links = document.xpath("//nav[@class='subsections']//a")
    assert [(a.text, a.get("href")) for a in links] == [
        ("产业合作", section_url(BASE, "zh", "industrial-cooperation")),
        ("长三角一体化", section_url(BASE, "zh", "yrd-integration")),
    ]
    _response, document = get_page(site, section_url(BASE, "zh", "industrial-cooperation"))
    assert not document.xpath("//nav[@class='subsections']")
    assert document.xpath("//nav[@class='breadcrumb']/a/text()") == ["虹桥国际与长三角"]
    # In the section menu a sub-section sits under its parent.
    depths = dict(
        zip(
            document.xpath("//nav[@class='sections']//a/text()"),
            document.xpath("//nav[@class='sections']//li/@class"),
            strict=True,
        )
    )
    assert depths["虹桥国际与长三角"] == "depth-0" and depths["产业合作"] == "depth-1"


def test_listing_pages(make_demo_app, sqlite_url):
    app = make_demo_app(sqlite_url, SYNDICATE_PAGE_SIZE=4, SYNDICATE_SITE_NAME=SITE_NAME)
    _response, first = get_page(app, "/en/")
    assert first.xpath("//nav[@class='pager']/a/@rel") == ["next"]
    assert first.xpath("//article[@class='lead-story']")
    _response, second = get_page(app, first.xpath("//nav[@class='pager']/a/@href")[0])
    assert second.xpath("//nav[@class='pager']/a/@rel")[0] == "prev"
    assert not second.xpath("//article[@class='lead-story']")  # only page 1 leads
    assert second.findtext(".//title") == "All news, page 2 · Hongqiao News"
    assert second.xpath("//link[@rel='canonical']/@href") == [f"{BASE}/en/?page=2"]


def test_footer_offers_feeds_opml_and_sitemap(site):
    _response, document = get_page(site, "/zh/business/")
    (footer,) = document.xpath("//footer[@class='site-footer']")
    hrefs = footer.xpath(".//a/@href")
    assert [FeedKey("zh", "all", fmt).url(BASE) for fmt in ("rss", "atom", "json")] == hrefs[:3]
    assert f"{BASE}/feeds.opml" in hrefs and f"{BASE}/sitemap.xml" in hrefs
    assert footer.findtext(".//p[@class='footer-name']") == "虹桥新闻"


@pytest.mark.parametrize(
    ("path", "lang", "heading"),
    [
        ("/en/articles/no-such-story", "en", "Page not found"),
        ("/zh/articles/no-such-story", "zh-Hans", "找不到页面"),
        ("/zh/no-such-section/", "zh-Hans", "找不到页面"),
        ("/en/articles/x/y/z", "en", "Page not found"),
    ],
)
def test_html_404_in_both_languages(site, path, lang, heading):
    response, document = get_page(site, path, status=404)
    assert response.mimetype == "text/html"
    assert document.get("lang") == lang
    assert document.findtext(".//h1") == heading
    assert document.xpath("//a[@class='button']/@href") == [f"{BASE}/{path.split('/')[1]}/"]
    assert "Content-Security-Policy" in response.headers


def test_404_without_a_language_follows_the_reader(site):
    client = site.test_client()
    response = client.get("/no/such/page", headers={"Accept-Language": "zh-CN"})
    assert response.status_code == 404 and response.mimetype == "text/html"
    assert b'lang="zh-Hans"' in response.data
    # Programs keep their plain answers.
    assert client.get("/api/v1/nothing").mimetype == "application/problem+json"
    assert client.get("/feeds/en/nothing.rss").mimetype == "text/plain"


def test_deleted_article_is_gone_in_both_languages(site):
    headers = editor_headers(site)
    client = site.test_client()
    assert client.delete(f"/api/v1/articles/{ORIGINAL}", headers=headers).status_code == 204
    for language, heading in (("en", "This page has been removed"), ("zh", "该页面已被删除")):
        response, document = get_page(site, article_url(BASE, language, ORIGINAL), status=410)
        assert response.mimetype == "text/html"
        assert document.findtext(".//h1") == heading
        assert document.findtext(".//p[@class='status']") == "410"
    # A story that never existed is still only missing.
    get_page(site, article_url(BASE, "en", "2023-01-01-never-was"), status=404)


def test_an_article_made_again_under_a_deleted_id_is_back(site):
    headers = editor_headers(site)
    client = site.test_client()
    assert client.delete(f"/api/v1/articles/{ORIGINAL}", headers=headers).status_code == 204
    created = client.post(
        "/api/v1/articles",
        headers=headers,
        json={
            "id": ORIGINAL,
            "section": "business",
            "language": "en",
            "title": "Back again",
            "body_html": "<p>Text.</p>",
            "status": "published",
        },
    )
    assert created.status_code == 201, created.data
    _response, document = get_page(site, article_url(BASE, "en", ORIGINAL))
    assert document.findtext(".//h1") == "Back again"
