"""Dates people read: Babel, in the feed's or page's locale, in the site's time zone. Protocol
dates stay RFC 822 (RSS) and RFC 3339 (Atom, JSON Feed), in UTC."""

from __future__ import annotations

from datetime import UTC, datetime

import lxml.html
import pytest

from syndicate.i18n.dates import local_date
from syndicate.storage import articles as article_store
from tests.feeds.conftest import MIDNIGHT, session_of
from tests.feeds.reading import read, rendered

LATE = datetime(2023, 7, 16, 23, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("moment", "language", "timezone", "text"),
    [
        (datetime(2023, 7, 17, 1, 12, tzinfo=UTC), "en", "Asia/Shanghai", "July 17, 2023"),
        (datetime(2023, 7, 17, 1, 12, tzinfo=UTC), "zh", "Asia/Shanghai", "2023年7月17日"),
        (LATE, "en", "Asia/Shanghai", "July 17, 2023"),  # 07:30 the next morning there
        (LATE, "zh", "Asia/Shanghai", "2023年7月17日"),
        (LATE, "en", "UTC", "July 16, 2023"),
        (LATE, "zh", "UTC", "2023年7月16日"),
        (datetime(2023, 12, 31, 16, 0, tzinfo=UTC), "zh", "Asia/Shanghai", "2024年1月1日"),
        (datetime(2024, 1, 1, 4, 0, tzinfo=UTC), "en", "America/Los_Angeles", "December 31, 2023"),
    ],
)
def test_local_date_golden(moment, language, timezone, text):
    assert local_date(moment, language, timezone) == text


def _set_updated_to_published(app) -> None:
    """Make the demo's midnight article's update time its publication time, 23:30 UTC."""
    with session_of(app) as session:
        article = article_store.get(session, MIDNIGHT)
        assert article.published_at == LATE  # the demo's boundary case
        article.updated_at = LATE
        for variant in article.variants:
            variant.updated_at = LATE


def _dateline(data: bytes, fmt: str) -> str:
    item = next(i for i in read(data, fmt).items if MIDNIGHT in i.id)
    return lxml.html.fragments_fromstring(item.content)[1].text_content()


@pytest.mark.parametrize(
    ("timezone", "expected"),
    [
        ("Asia/Shanghai", {"en": "Updated: July 17, 2023", "zh": "更新时间：2023年7月17日"}),
        ("UTC", {"en": "Updated: July 16, 2023", "zh": "更新时间：2023年7月16日"}),
    ],
)
def test_feed_bodies_write_the_day_of_the_site_time_zone(
    make_demo_app, sqlite_url, timezone, expected
):
    app = make_demo_app(sqlite_url, SYNDICATE_TIMEZONE=timezone)
    _set_updated_to_published(app)
    for language in ("en", "zh"):  # the demo has an English machine translation of it
        feeds = rendered(app, language, "top-news")
        for fmt in ("rss", "atom", "json"):
            assert _dateline(feeds[fmt], fmt) == expected[language]


def test_protocol_dates_are_not_localized(demo_app):
    _set_updated_to_published(demo_app)
    feeds = rendered(demo_app, "zh", "top-news")
    assert b"<pubDate>Sun, 16 Jul 2023 23:30:00 +0000</pubDate>" in feeds["rss"]
    assert b"<published>2023-07-16T23:30:00+00:00</published>" in feeds["atom"]
    assert b'"date_published":"2023-07-16T23:30:00+00:00"' in feeds["json"]


@pytest.mark.parametrize(
    ("language", "published"),
    [("en", "Published: July 17, 2023"), ("zh", "发布时间：2023年7月17日")],
)
def test_pages_write_the_day_of_the_site_time_zone(demo_app, language, published):
    _set_updated_to_published(demo_app)
    page = demo_app.test_client().get(f"/{language}/articles/{MIDNIGHT}")
    assert page.status_code == 200
    document = lxml.html.fromstring(page.data)
    assert published in " ".join(document.find(".//p[@class='meta']").text_content().split())
    assert document.xpath("//time[@class='published']/text()") == [published]
    assert not document.xpath("//time[@class='updated']")  # never edited: no "Updated:" line
    listing = lxml.html.fromstring(demo_app.test_client().get(f"/{language}/top-news/").data)
    times = {t.get("datetime"): t.text for t in listing.iter("time")}
    assert times[LATE.isoformat()] == local_date(LATE, language, "Asia/Shanghai")


def test_desk_datetimes_are_local_and_to_the_minute():
    from datetime import UTC, datetime

    from syndicate.i18n.dates import local_datetime

    moment = datetime(2023, 7, 16, 23, 30, 5, tzinfo=UTC)
    # CLDR puts a narrow no-break space before AM/PM.
    assert local_datetime(moment, "en", "Asia/Shanghai") == "Jul 17, 2023, 7:30\u202fAM"
    assert local_datetime(moment, "zh", "Asia/Shanghai") == "2023年7月17日 07:30"
    assert local_datetime(moment, "en", "UTC").startswith("Jul 16, 2023, 11:30")
