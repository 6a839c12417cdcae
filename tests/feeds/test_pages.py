"""Public pages: listings with feed autodiscovery, article pages per language, plain 404s, and
every link a feed carries to our own site resolving."""

from __future__ import annotations

from urllib.parse import urlsplit

import lxml.html
import pytest

from syndicate.feed.urls import ALL, FORMATS, FeedKey, article_url, section_url
from syndicate.languages import CODES, other, tag
from tests.feeds.conftest import BASE, DEMO_SECTIONS, DRAFT
from tests.feeds.reading import read, rendered

MEDIA_TYPES = {
    "rss": "application/rss+xml",
    "atom": "application/atom+xml",
    "json": "application/feed+json",
}
TRANSLATED = "2023-06-01-hongqiao-yrd-forum-links"  # English, machine-translated into Chinese
UNTRANSLATED = "2023-06-17-hongqiao-exhibition-shuttle"  # English only


def get(app, url: str):
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    return app.test_client().get(path)


def page(app, url: str) -> lxml.html.HtmlElement:
    response = get(app, url)
    assert response.status_code == 200, url
    assert response.mimetype == "text/html"
    document = lxml.html.fromstring(response.data)
    # No script runs on public pages: the only script element is JSON-LD, which is data.
    assert {s.get("type") for s in document.iter("script")} <= {"application/ld+json"}
    return document


def language_versions(document) -> dict[str, str]:
    """hreflang -> href of the page's alternates in other languages (feeds have a type)."""
    return {
        link.get("hreflang"): link.get("href")
        for link in head_links(document, rel="alternate")
        if not link.get("type")
    }


def head_links(document, **attributes) -> list:
    return [
        link
        for link in document.iter("link")
        if all(link.get(name) == value for name, value in attributes.items())
    ]


@pytest.mark.parametrize("language", CODES)
@pytest.mark.parametrize("section", [ALL, *DEMO_SECTIONS])
def test_listing_pages(demo_app, section, language):
    url = section_url(BASE, language, section)
    document = page(demo_app, url)
    assert document.get("lang") == tag(language)
    assert document.find(".//meta[@name='viewport']") is not None
    assert language_versions(document) == {
        tag(code): section_url(BASE, code, section) for code in CODES
    }
    feeds = [link for link in head_links(document, rel="alternate") if link.get("type")]
    assert [(f.get("href"), f.get("type"), f.get("hreflang")) for f in feeds] == [
        (FeedKey(code, section, fmt).url(BASE), MEDIA_TYPES[fmt], tag(code))
        for code in (language, *other(language))
        for fmt in FORMATS
    ]
    assert all(feed.get("title") for feed in feeds)
    switch = document.find(".//nav[@class='language-switch']/a")
    assert switch.get("href") == section_url(BASE, other(language)[0], section)
    # The lead story and the list after it.
    entries = document.xpath("//*[contains(@class, 'story-title')]/a")
    assert entries, "every demo section has articles in both languages"
    for entry in entries:
        assert entry.get("href").startswith(f"{BASE}/{language}/articles/")


def test_listing_follows_the_untranslated_policy(make_demo_app, sqlite_url):
    hide = make_demo_app(sqlite_url)
    original = make_demo_app(sqlite_url, SYNDICATE_UNTRANSLATED="original")

    def listed(app):
        document = page(app, section_url(BASE, "zh", ALL))
        titles = document.xpath("//*[contains(@class, 'story-title')]/a")
        return {a.get("href").rsplit("/", 1)[1]: a for a in titles}

    assert TRANSLATED in listed(hide) and UNTRANSLATED not in listed(hide)
    fallback = listed(original)[UNTRANSLATED]
    assert fallback.xpath("ancestor::article[1]/@lang") == ["en"]  # the <article> of the entry


def test_translated_article_page(demo_app):
    document = page(demo_app, article_url(BASE, "zh", TRANSLATED))
    assert document.get("lang") == "zh-Hans"
    assert document.findtext(".//h1").endswith("（译文）")
    notice = document.find(".//p[@class='translation-notice']")
    assert notice.text_content().startswith("本文由机器从英文翻译。阅读原文：")
    assert notice.find("a").get("href") == article_url(BASE, "en", TRANSLATED)
    assert document.find(".//div[@class='body']").get("lang") is None
    assert language_versions(document) == {
        tag(code): article_url(BASE, code, TRANSLATED) for code in CODES
    }
    switch = document.find(".//nav[@class='language-switch']/a")
    assert switch.get("href") == article_url(BASE, "en", TRANSLATED)
    canonical = head_links(document, rel="canonical")[0]
    assert canonical.get("href") == article_url(BASE, "zh", TRANSLATED)
    feeds = [link.get("href") for link in head_links(document, rel="alternate") if link.get("type")]
    assert feeds == [FeedKey("zh", "hongqiao-yrd", fmt).url(BASE) for fmt in FORMATS]


def test_untranslated_article_page_shows_the_original_with_its_language(demo_app):
    document = page(demo_app, article_url(BASE, "zh", UNTRANSLATED))
    assert document.get("lang") == "zh-Hans"  # the page around it is Chinese
    body = document.find(".//div[@class='body']")
    assert body.get("lang") == "en"
    # The title and summary are the original's; the byline and dates around them are ours.
    assert document.xpath("//article//h1/ancestor::*[@lang][1]/@lang") == ["en"]
    assert document.find(".//p[@class='untranslated-notice']").text_content() == (
        "本文尚未译成中文，以下为原文。"
    )
    assert body.find(".//p[@class='translation-notice']") is None
    assert list(language_versions(document)) == ["en"]
    switch = document.find(".//nav[@class='language-switch']/a")
    assert switch.get("href") == article_url(BASE, "en", UNTRANSLATED)


def test_original_page_names_the_canonical_url(demo_app):
    public_id = "2023-07-10-hongqiao-ip-service-center"
    document = page(demo_app, article_url(BASE, "en", public_id))
    canonical = head_links(document, rel="canonical")[0].get("href")
    assert canonical == "https://www.hongqiao.example/en/news/2023/07/10/ip-service-center"


@pytest.mark.parametrize(
    "path",
    [
        "/fr/",
        "/fr/top-news/",
        "/fr/articles/x",
        "/en/no-such-section/",
        "/zh/articles/no-such-article",
        f"/en/articles/{DRAFT}",
        "/en/?page=99",
        "/en/?page=0",
        "/en/top-news/?page=abc",
    ],
)
def test_unknown_things_are_an_html_404(demo_app, path):
    response = demo_app.test_client().get(path)
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert lxml.html.fromstring(response.data).find(".//h1") is not None


def test_404_speaks_the_language_of_the_url(demo_app):
    def detail(path: str) -> list[str]:
        document = lxml.html.fromstring(demo_app.test_client().get(path).data)
        return document.xpath("//section[@class='error-page']/p/text()")

    assert "没有这个栏目。" in detail("/zh/nope/")
    assert "No such article." in detail("/en/articles/nope")


def test_listing_pages_page(make_demo_app, sqlite_url):
    app = make_demo_app(sqlite_url, SYNDICATE_PAGE_SIZE=4)
    first = page(app, section_url(BASE, "en", ALL))
    older = first.find(".//nav[@class='pager']/a[@rel='next']").get("href")
    assert older == f"{BASE}/en/?page=2"
    second = page(app, older)
    assert second.find(".//nav[@class='pager']/a[@rel='prev']").get("href") == f"{BASE}/en/"
    story = "//*[contains(@class, 'story-title')]/a/text()"
    titles = first.xpath(story) + second.xpath(story)
    assert len(titles) == len(set(titles)) == 8


def test_stylesheet_is_served(demo_app):
    response = demo_app.test_client().get("/static/site.css")
    assert response.status_code == 200 and b"max-width" in response.data
    response.close()


def _our_links(feed) -> set[str]:
    links = {feed.home_url}
    for item in feed.items:
        links.add(item.link)
        links.update(href for href, _lang in item.alternates)
        for element, attribute, link, _pos in lxml.html.fragment_fromstring(
            item.content, create_parent="div"
        ).iterlinks():
            if element.tag == "a" and attribute == "href":
                links.add(link)
    return {link for link in links if link.startswith(f"{BASE}/")}


@pytest.mark.parametrize("untranslated", ["hide", "original"])
def test_every_link_from_a_feed_to_our_site_resolves(make_demo_app, sqlite_url, untranslated):
    app = make_demo_app(sqlite_url, SYNDICATE_UNTRANSLATED=untranslated)
    links: set[str] = set()
    for language in CODES:
        for section in (ALL, *DEMO_SECTIONS):
            for fmt, data in rendered(app, language, section).items():
                links |= _our_links(read(data, fmt))
    assert any("/articles/" in link for link in links)
    for link in sorted(links):
        response = get(app, link)
        assert response.status_code == 200, link


def test_every_link_on_the_pages_to_our_site_resolves(demo_app):
    start = [section_url(BASE, code, ALL) for code in CODES]
    seen, queue = set(start), list(start)
    while queue:
        document = page(demo_app, queue.pop())
        for element, attribute, link, _pos in document.iterlinks():
            path = urlsplit(link).path
            if element.tag != "a" or attribute != "href" or not link.startswith(BASE):
                continue
            if path.startswith("/feeds"):  # served by the publication layer, from files
                continue
            if path.startswith("/sitemap"):  # XML for crawlers (tests/pages/test_sitemaps.py)
                assert get(demo_app, link).status_code == 200
                continue
            if link not in seen:
                seen.add(link)
                queue.append(link)
    assert len(seen) > 30
