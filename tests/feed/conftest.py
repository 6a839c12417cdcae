"""Synthetic feed documents: English and Chinese items, an image, machine-translation provenance,
paging, and XML-illegal characters in every kind of text."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone

import pytest

from syndicate.feed.document import FeedDocument, Image, Item, Link, Paging, Provenance

SITE = "https://news.example.com"
BEIJING = timezone(timedelta(hours=8))
EXTENSIONS = {"rss": "rss", "atom": "atom", "json": "json"}
# Every kind of code point XML 1.0 forbids: C0 controls, a lone surrogate, U+FFFE, U+FFFF.
ILLEGAL = "\x00\x01\x08\x0b\x0c\x1f\ud800\ufffe\uffff"


def feed_url(fmt: str, language: str = "zh", page: int | None = None) -> str:
    url = f"{SITE}/{language}/feed.{EXTENSIONS[fmt]}"
    return url if page is None else f"{url}?page={page}"


def make_document(fmt: str, items: tuple[Item, ...], **overrides: object) -> FeedDocument:
    """A Chinese-language feed served as ``fmt``, on page 2 of 3 (all four paging links)."""
    fields: dict[str, object] = {
        "id": "tag:news.example.com,2023:feed/zh",
        "title": "示例新闻",
        "description": "示例新闻的最新报道",
        "language": "zh-Hans",
        "home_url": f"{SITE}/zh/",
        "self_url": feed_url(fmt, page=2),
        "updated": datetime(2023, 5, 2, 9, 30, tzinfo=UTC),
        "items": items,
        "authors": ("示例新闻编辑部",),
        "ttl_minutes": 30,
        "paging": Paging(
            first=feed_url(fmt),
            previous=feed_url(fmt),
            next=feed_url(fmt, page=3),
            last=feed_url(fmt, page=3),
        ),
        "icon": f"{SITE}/static/icon.png",
        "logo": f"{SITE}/static/logo.png",
        "hubs": ("https://hub.example.net/",),
        "alternates": (Link(feed_url(fmt, "en"), type=None, hreflang="en", title="English"),),
    }
    fields.update(overrides)
    return FeedDocument(**fields)  # type: ignore[arg-type]


@pytest.fixture
def illegal() -> str:
    return ILLEGAL


@pytest.fixture
def english_item() -> Item:
    return Item(
        id="tag:news.example.com,2023:article/rain/en",
        url=f"{SITE}/en/articles/rain",
        title="Rain expected <tomorrow> & beyond",
        summary="Forecasters expect rain across the north.",
        content_html='<p>Forecasters expect <a href="https://news.example.com/w">rain</a>.</p>',
        language="en",
        published=datetime(2023, 5, 1, 8, 0, tzinfo=UTC),
        updated=datetime(2023, 5, 1, 9, 15, tzinfo=UTC),
        authors=("Jane Doe", "Li Wei"),
        categories=("Weather", "Science"),
        alternates=(Link(f"{SITE}/zh/articles/rain", "related", "text/html", "zh-Hans"),),
        provenance=Provenance("source", "en"),
    )


@pytest.fixture
def chinese_item() -> Item:
    """A machine translation of an English original."""
    return Item(
        id="tag:news.example.com,2023:article/rain/zh-Hans",
        url=f"{SITE}/zh/articles/rain",
        title="预计明天有雨",
        summary="预报员预计北方将有降雨。",
        content_html="<p>预报员预计北方将有降雨。</p><p><em>本文由机器翻译。</em></p>",
        language="zh-Hans",
        published=datetime(2023, 5, 1, 16, 0, tzinfo=BEIJING),
        updated=datetime(2023, 5, 1, 17, 15, tzinfo=BEIJING),
        authors=("Jane Doe",),
        categories=("天气",),
        alternates=(
            Link(f"{SITE}/en/articles/rain", "related", "text/html", "en", "English original"),
        ),
        provenance=Provenance("machine", "en", model="argos-translate en-zh 1.9"),
    )


@pytest.fixture
def image_item() -> Item:
    return Item(
        id="tag:news.example.com,2023:article/panda/zh-Hans",
        url=f"{SITE}/zh/articles/panda",
        title="大熊猫宝宝首次亮相",
        summary="成都的大熊猫宝宝首次与公众见面。",
        content_html=(
            '<figure><img src="https://cdn.example.com/panda.jpg" alt="熊猫">'
            "<figcaption>熊猫宝宝</figcaption></figure><p>正文 ]]> 结束</p>"
        ),
        language="zh-Hans",
        published=datetime(2023, 4, 30, 10, 0, tzinfo=BEIJING),
        updated=datetime(2023, 4, 30, 10, 0, tzinfo=BEIJING),
        categories=("动物", "成都"),
        image=Image(
            "https://cdn.example.com/panda.jpg",
            caption="熊猫宝宝在成都",
            alt="一只大熊猫幼崽趴在木架上",
            length=48213,
        ),
        provenance=Provenance("editor", "en"),
    )


@pytest.fixture
def dirty_item() -> Item:
    """XML-illegal characters in every string a renderer writes."""
    return Item(
        id="tag:news.example.com,2023:article/dirty/zh-Hans",
        url=f"{SITE}/zh/articles/dirty",
        title=f"控制{ILLEGAL}字符",
        summary=f"摘要{ILLEGAL}",
        content_html=f"<p>正文{ILLEGAL}</p>",
        language="zh-Hans",
        published=datetime(2023, 4, 29, 10, 0, tzinfo=UTC),
        updated=datetime(2023, 4, 29, 10, 0, tzinfo=UTC),
        authors=(f"作者{ILLEGAL}",),
        categories=(f"标签{ILLEGAL}", ILLEGAL),
        image=Image(
            "https://cdn.example.com/dirty.png", caption=f"图{ILLEGAL}", alt=f"替代{ILLEGAL}"
        ),
        provenance=Provenance("machine", "en", model=f"model{ILLEGAL}"),
    )


@pytest.fixture
def items(
    chinese_item: Item, english_item: Item, image_item: Item, dirty_item: Item
) -> tuple[Item, ...]:
    return (chinese_item, english_item, image_item, dirty_item)


@pytest.fixture
def document_for(items: tuple[Item, ...]) -> Callable[..., FeedDocument]:
    """``document_for(fmt, **overrides)``: the sample feed with ``fmt``'s self and paging URLs."""

    def build(fmt: str, **overrides: object) -> FeedDocument:
        return make_document(fmt, overrides.pop("items", items), **overrides)  # type: ignore[arg-type]

    return build


@pytest.fixture
def minimal_document_for(english_item: Item) -> Callable[[str], FeedDocument]:
    """Only the required fields: no paging, ttl, authors, icons, hub or alternates."""

    def build(fmt: str) -> FeedDocument:
        return FeedDocument(
            id="tag:news.example.com,2023:feed/en",
            title="Example News",
            description="",
            language="en",
            home_url=f"{SITE}/en/",
            self_url=feed_url(fmt, "en"),
            updated=datetime(2023, 5, 2, 9, 30, tzinfo=UTC),
            items=(dataclasses.replace(english_item, alternates=(), provenance=None),),
        )

    return build


@pytest.fixture
def fifty_items(chinese_item: Item, image_item: Item) -> tuple[Item, ...]:
    """50 items, so determinism is checked on a full page."""
    result = []
    for n in range(50):
        template = image_item if n % 2 else chinese_item
        result.append(
            dataclasses.replace(
                template,
                id=f"{template.id}-{n}",
                url=f"{template.url}-{n}",
                title=f"{template.title} {n}",
                published=template.published - timedelta(hours=n),
            )
        )
    return tuple(result)
