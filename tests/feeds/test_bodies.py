"""Item bodies: figure, dateline and notice on top, absolute URLs, never an error, never script."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import lxml.html
import pytest

from syndicate.feed.body import Figure, TranslationNotice, absolute_url, compose_body

BASE = "https://news.example.com"
PAGE = f"{BASE}/en/articles/a-story"
WHEN = datetime(2023, 7, 17, 1, 12, tzinfo=UTC)


@pytest.fixture
def ctx(sqlite_app):
    with sqlite_app.app_context():
        yield


def compose(content: str = "<p>Body</p>", **overrides) -> str:
    arguments = {
        "language": "en",
        "base_url": BASE,
        "document_url": PAGE,
        "updated": WHEN,
        "timezone": "Asia/Shanghai",
    }
    arguments.update(overrides)
    return compose_body(content, **arguments)


def test_figure_dateline_and_notice_come_first_in_that_order(ctx):
    body = compose(
        "<p>Body</p>",
        figure=Figure("/media/a.jpg", "A caption", "An alt text"),
        notice=TranslationNotice("machine", "zh", f"{BASE}/zh/articles/a-story", "原标题"),
    )
    assert body == (
        '<figure><img src="https://news.example.com/media/a.jpg" alt="An alt text">'
        "<figcaption>A caption</figcaption></figure>"
        '<p class="dateline">Updated: <time datetime="2023-07-17T01:12:00+00:00">'
        "July 17, 2023</time></p>"
        '<p class="translation-notice">Machine-translated from Chinese. Read the original: '
        '<a href="https://news.example.com/zh/articles/a-story" hreflang="zh-Hans" lang="zh-Hans">'
        "原标题</a></p>"
        "<p>Body</p>"
    )


def test_chinese_notice_and_dateline(ctx):
    body = compose(
        "<p>正文</p>",
        language="zh",
        notice=TranslationNotice("machine", "en", "https://origin.example/en/x", "Original"),
    )
    nodes = lxml.html.fragments_fromstring(body)
    assert nodes[0].text_content() == "更新时间：2023年7月17日"
    assert nodes[1].text_content() == "本文由机器从英文翻译。阅读原文：Original"
    assert nodes[1].find("a").get("href") == "https://origin.example/en/x"


def test_an_editors_translation_is_not_called_machine_made(ctx):
    notice = TranslationNotice("editor", "en", "https://origin.example/x", "Original")
    assert "本文译自英文。阅读原文：" in compose(language="zh", notice=notice)
    assert "Translated from English. Read the original: " in compose(language="en", notice=notice)


def test_no_figure_without_image_and_no_figcaption_without_caption(ctx):
    assert "<figure" not in compose()
    body = compose(figure=Figure("https://cdn.example.com/a.png", "", ""))
    assert body.startswith('<figure><img src="https://cdn.example.com/a.png" alt=""></figure>')


def test_our_sentences_say_their_language_amid_an_untranslated_original(ctx):
    body = compose("<p>English text</p>", language="zh", content_language="en")
    assert body.startswith('<p class="dateline" lang="zh-Hans">更新时间：')
    assert 'lang="' not in compose("<p>x</p>", language="en", content_language="en")


@pytest.mark.parametrize(
    ("ref", "absolute"),
    [
        ("/media/x.jpg", f"{BASE}/media/x.jpg"),
        ("x.jpg", f"{BASE}/en/articles/x.jpg"),
        ("#notes", f"{PAGE}#notes"),
        ("?page=2", f"{PAGE}?page=2"),
        ("//cdn.example.com/x.png", "https://cdn.example.com/x.png"),
        ("https://elsewhere.example/a", "https://elsewhere.example/a"),
        ("mailto:desk@example.com", "mailto:desk@example.com"),
        ("  /padded  ", f"{BASE}/padded"),
        ("", ""),
    ],
)
def test_absolute_url(ref, absolute):
    assert absolute_url(ref, BASE, PAGE) == absolute


def test_a_base_url_with_a_path_is_the_site_root():
    assert absolute_url(
        "/media/x.jpg", "https://example.com/news", "https://example.com/news/en/a"
    ) == ("https://example.com/news/media/x.jpg")


def test_every_link_and_image_in_the_body_becomes_absolute(ctx):
    body = compose(
        '<p><a href="/en/articles/other">other</a> <img src="/media/in.jpg" alt="in">'
        '<a href="notes.html">notes</a></p><blockquote cite="/sources/1">q</blockquote>'
    )
    links = [link for _e, _a, link, _p in lxml.html.fragment_fromstring(body, "div").iterlinks()]
    assert links == [
        f"{BASE}/en/articles/other",
        f"{BASE}/media/in.jpg",
        f"{BASE}/en/articles/notes.html",
        f"{BASE}/sources/1",
    ]


ODD_HTML = [
    "",
    "   \n ",
    "plain text, no tags",
    "loose text <p>then a paragraph</p> and a tail",
    "<p>unclosed <b>bold <i>italic",
    "</div></p></span>",
    "<![CDATA[ x ]]> <!-- comment --> <?php echo 1 ?>",
    "<html><head><title>t</title></head><body><p>whole document</p></body></html>",
    "&bogus; &#0; &#xD800; &#x110000; &amp",
    "<p>\x00\x01\x0b\x0c\x1f\ufffe\uffff\ud800 control</p>",
    "<p>" + "<div>" * 3000 + "deep" + "</div>" * 3000 + "</p>",
    '<a href="http://[::1">bad ipv6</a><img src="http://[broken">',
    "<script>alert(1)</script><p onclick='x()'>a</p><a href='javascript:alert(1)'>j</a>",
    "<svg><script>alert(1)</script></svg><iframe src='https://evil.example'></iframe>",
    "<img src=x onerror=alert(1)><style>p{}</style><form action='/x'><input></form>",
    "<table><tr><td>cell</table>]]>",
]


@pytest.mark.parametrize("content", ODD_HTML)
def test_odd_html_never_raises_nor_carries_script(ctx, content):
    body = compose(content, figure=Figure("/m.jpg", "cap\x00", "alt\x01"))
    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]", body)
    for bad in ("<script", "onclick", "onerror", "javascript:", "<iframe", "<style", "<form"):
        assert bad not in body
    assert body.startswith("<figure>")
    lxml.html.fragments_fromstring(body)  # and it is still HTML
