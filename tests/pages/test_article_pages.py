"""Article pages as readers and machines see them: the lead image, byline, section, dates, tags,
the other language, related stories, the translation notice, canonical, Open Graph and Twitter
tags, and JSON-LD NewsArticle for an original and for translations."""

from __future__ import annotations

import json

import pytest

from syndicate.feed.urls import article_url, section_url
from tests.pages.conftest import (
    BASE,
    EDITED,
    EDITED_CANONICAL,
    EDITOR_TRANSLATED,
    ORIGINAL,
    SITE_NAME,
    get_page,
)


def _json_ld(document) -> dict:
    (script,) = document.xpath("//script[@type='application/ld+json']")
    return json.loads(script.text)


def _meta(document) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for meta in document.iter("meta"):
        key = meta.get("property") or meta.get("name")
        if key:
            found.setdefault(key, []).append(meta.get("content"))
    return found


def test_json_ld_of_an_original(site):
    _response, document = get_page(site, article_url(BASE, "en", ORIGINAL))
    data = _json_ld(document)
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "Hongqiao forum maps next steps for Yangtze River Delta links"
    assert data["datePublished"] == "2023-06-01T07:00:00+00:00"
    assert data["dateModified"] == "2023-06-01T07:00:00+00:00"
    assert data["author"] == [{"@type": "Person", "name": "Marcus Hale"}]
    (image,) = data["image"]  # the demo's lead image, from the media library
    assert image.startswith(f"{BASE}/media/")
    assert data["inLanguage"] == "en"
    assert data["isPartOf"] == {
        "@type": "WebPage",
        "@id": section_url(BASE, "en", "hongqiao-yrd"),
        "name": "Hongqiao Intl and YRD",
    }
    assert data["publisher"]["name"] == "Hongqiao News"
    assert data["mainEntityOfPage"]["@id"] == article_url(BASE, "en", ORIGINAL)
    (translation,) = data["workTranslation"]
    assert translation["url"] == article_url(BASE, "zh", ORIGINAL)
    assert translation["inLanguage"] == "zh-Hans"
    assert "translationOfWork" not in data


def test_json_ld_of_a_machine_translation(site):
    _response, document = get_page(site, article_url(BASE, "zh", ORIGINAL))
    data = _json_ld(document)
    assert data["headline"].endswith("（译文）")
    assert data["inLanguage"] == "zh-Hans"
    assert data["isPartOf"]["name"] == "虹桥国际与长三角"
    assert data["publisher"]["name"] == "虹桥新闻"
    original = data["translationOfWork"]
    assert original["url"] == article_url(BASE, "en", ORIGINAL)
    assert original["inLanguage"] == "en"
    assert data["translator"] == {
        "@type": "SoftwareApplication",
        "name": "argos:translate-en_zh@1.0",
    }
    assert "workTranslation" not in data
    for key in ("datePublished", "dateModified", "author", "image"):
        assert data[key]


def test_json_ld_of_an_editors_translation_and_an_edited_article(site):
    _response, document = get_page(site, article_url(BASE, "en", EDITOR_TRANSLATED))
    data = _json_ld(document)
    assert data["translationOfWork"]["inLanguage"] == "zh-Hans"
    assert "translator" not in data  # an editor's text, not a model's

    # The original lives elsewhere: the translation says so, and the dates differ.
    _response, document = get_page(site, article_url(BASE, "en", EDITED))
    data = _json_ld(document)
    assert data["translationOfWork"]["url"] == EDITED_CANONICAL
    assert data["datePublished"] == "2023-07-14T10:00:00+00:00"
    assert data["dateModified"] == "2023-07-15T00:30:00+00:00"


def test_json_ld_cannot_be_closed_by_a_title(site):
    from tests.feeds.conftest import session_of

    with session_of(site) as session:
        from syndicate.storage import articles as article_store

        article_store.get(session, ORIGINAL).original.title = "</script><b>x</b> & co"
    response, document = get_page(site, article_url(BASE, "en", ORIGINAL))
    assert b"</script><b>" not in response.data
    assert _json_ld(document)["headline"] == "</script><b>x</b> & co"


def test_open_graph_twitter_and_canonical(site):
    _response, document = get_page(site, article_url(BASE, "zh", ORIGINAL))
    meta = _meta(document)
    page = article_url(BASE, "zh", ORIGINAL)
    assert meta["og:type"] == ["article"]
    assert meta["og:site_name"] == ["虹桥新闻"]
    assert meta["og:url"] == [page]
    assert meta["og:locale"] == ["zh_CN"] and meta["og:locale:alternate"] == ["en_US"]
    (og_image,) = meta["og:image"]
    assert og_image.startswith(f"{BASE}/media/")
    assert meta["og:image:alt"][0].startswith("[zh] ")
    assert meta["og:title"][0].endswith("（译文）")
    assert "Yangtze River Delta" in meta["article:tag"]
    assert meta["twitter:card"] == ["summary_large_image"]
    assert meta["twitter:image"] == meta["og:image"]
    assert document.xpath("//link[@rel='canonical']/@href") == [page]
    assert document.findtext(".//title") == meta["og:title"][0] + " · 虹桥新闻"

    # An original first published elsewhere names that URL as canonical.
    _response, document = get_page(site, article_url(BASE, "zh", EDITED))
    assert document.xpath("//link[@rel='canonical']/@href") == [EDITED_CANONICAL]
    assert _meta(document)["og:url"] == [EDITED_CANONICAL]


def test_article_page_for_readers(site):
    _response, document = get_page(site, article_url(BASE, "en", ORIGINAL))
    (article,) = document.xpath("//article[@class='article']")
    assert (
        article.findtext(".//h1") == "Hongqiao forum maps next steps for Yangtze River Delta links"
    )
    assert article.xpath(".//header//*[@class='byline']/text()") == ["By Marcus Hale"]
    crumbs = article.xpath(".//nav[@class='breadcrumb']/a")
    assert [(a.text, a.get("href")) for a in crumbs] == [
        ("Hongqiao Intl and YRD", section_url(BASE, "en", "hongqiao-yrd"))
    ]
    (published,) = article.xpath(".//time[@class='published']")
    assert published.text == "Published: June 1, 2023"
    assert not article.xpath(".//time[@class='updated']")  # never edited
    (figure,) = article.xpath(".//figure[@class='lead-image']")
    assert figure.find(".//img").get("src").startswith(f"{BASE}/media/")
    assert figure.find(".//img").get("alt")  # the demo drawing's text alternative
    assert figure.findtext(".//figcaption/span")
    assert article.xpath(".//ul[@class='tags']/li/text()") == [
        "Yangtze River Delta",
        "Hongqiao",
        "regional development",
        "forum",
    ]
    (also,) = article.xpath(".//p[@class='also-in']/a")
    assert (also.text, also.get("hreflang"), also.get("href")) == (
        "中文",
        "zh-Hans",
        article_url(BASE, "zh", ORIGINAL),
    )
    alternates = document.xpath("//link[@rel='alternate'][not(@type)]")
    assert {(link.get("hreflang"), link.get("href")) for link in alternates} == {
        ("en", article_url(BASE, "en", ORIGINAL)),
        ("zh-Hans", article_url(BASE, "zh", ORIGINAL)),
    }
    related = document.xpath("//section[@class='related']//h3/a/@href")
    assert related and article_url(BASE, "en", ORIGINAL) not in related
    assert all("/en/articles/" in url for url in related)
    assert document.xpath("//header//a[@class='site-name']/span/text()") == ["Hongqiao News"]


def test_translation_page_notice_and_updated_date(site):
    _response, document = get_page(site, article_url(BASE, "en", EDITED))
    (notice,) = document.xpath("//p[@class='translation-notice']")
    assert notice.text_content().startswith("Machine-translated from Chinese.")
    assert notice.find("a").get("href") == EDITED_CANONICAL
    (updated,) = document.xpath("//time[@class='updated']")
    assert updated.text == "Updated: July 15, 2023"
    assert updated.get("datetime").startswith("2023-07-15T00:30:00")
    _response, document = get_page(site, article_url(BASE, "zh", EDITED))
    assert document.xpath("//time[@class='updated']/text()") == ["更新时间：2023年7月15日"]
    assert document.xpath("//article[@class='article']//*[@class='byline']/text()") == [
        "作者：沈一帆"
    ]


@pytest.mark.parametrize(
    "path",
    ["/en/", "/zh/business/", article_url(BASE, "en", ORIGINAL), "/zh/articles/no-such-story"],
)
def test_every_public_page_has_a_content_security_policy(site, path):
    response = site.test_client().get(path.removeprefix(BASE))
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "script-src" not in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_site_name_defaults_to_news(make_demo_app, sqlite_url):
    app = make_demo_app(sqlite_url)
    _response, document = get_page(app, "/zh/")
    assert document.xpath("//a[@class='site-name']/span/text()") == ["新闻"]
    assert SITE_NAME["zh"] not in document.findtext(".//title")


def test_favicon(site):
    _response, document = get_page(site, "/en/")
    icons = document.xpath("//link[@rel='icon']/@href")
    assert "/static/favicon.svg" in icons and "/favicon.ico" in icons
    client = site.test_client()
    with client.get("/favicon.ico") as ico:  # sent from a file: closed after reading
        assert ico.status_code == 200 and ico.data[:4] == b"\x00\x00\x01\x00"
    with client.get("/static/favicon.svg") as svg:
        assert svg.status_code == 200 and b"<svg" in svg.data
