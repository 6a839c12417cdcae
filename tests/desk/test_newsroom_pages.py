"""The desk's new pages without a browser: history with a text diff and restore (409 when
someone saved meanwhile), preview in both languages, bulk actions, search and sorting, the
publication time field, and service messages in the desk's language."""

from __future__ import annotations

from tests.desk.conftest import api_article, create_article
from tests.feeds.conftest import session_of, translate

ID = "yrd-branches-cooperate"


def _edit(desk, newsroom, revision: int, **fields):
    response = desk.client.patch(
        f"/api/v1/articles/{ID}", json={**fields, "revision": revision}, headers=newsroom
    )
    assert response.status_code == 200, response.get_json()


def test_history_diff_and_restore(desk, newsroom):
    create_article(desk.app, newsroom, body_html="<p>Fifteen cities met.</p><ul><li>One</li></ul>")
    _edit(desk, newsroom, 1, body_html="<p>Sixteen cities met.</p><ul><li>One</li></ul>")
    document = desk.page(f"/desk/articles/{ID}/history")
    rows = document.xpath("//table[@class='revisions']/tbody/tr")
    assert [r.get("data-revision") for r in rows] == ["2", "1"]
    assert "Admin" in rows[0].text_content() and "Body" in rows[0].text_content()
    (changed,) = document.xpath("//ol[@class='diff-lines']/li[@class='diff-changed']")
    assert changed.xpath("del")[0].text == "Fifteen" and changed.xpath("ins")[0].text == "Sixteen"
    assert "<p>" not in document.find_class("diff")[0].text_content()  # text, not HTML soup
    assert document.xpath("//li[@class='diff-same']")[0].text_content().strip() == "• One"

    # Restore revision 1: a new revision 3 with its content.
    response = desk.post(f"/desk/articles/{ID}/revisions/1/restore", {"revision": "2"})
    assert response.status_code == 303
    assert api_article(desk.app, newsroom, ID)["body_html"].startswith("<p>Fifteen")
    assert api_article(desk.app, newsroom, ID)["revision"] == 3
    # A restore from a page shown before someone else saved: refused, nothing restored.
    stale = desk.post(f"/desk/articles/{ID}/revisions/2/restore", {"revision": "2"})
    assert stale.status_code == 303
    page = desk.page(f"/desk/articles/{ID}/history")
    assert "nothing was restored" in page.find_class("flash-error")[0].text_content()
    assert api_article(desk.app, newsroom, ID)["revision"] == 3


def test_preview_in_both_languages_before_publishing(desk, newsroom):
    create_article(desk.app, newsroom, body_html="<p>Branches <strong>met</strong>.</p>")
    with session_of(desk.app) as session:
        translate(session, ID, "zh", "machine")
    document = desk.page(f"/desk/articles/{ID}/preview")
    items = document.find_class("reader-preview")
    assert [i.get("data-language") for i in items] == ["en", "zh"]
    assert items[0].xpath(".//div[@class='reader-body']//strong")[0].text == "met"
    assert api_article(desk.app, newsroom, ID)["status"] == "draft"
    page = desk.page(f"/desk/articles/{ID}/preview/zh/page")
    assert page.get("lang") == "zh-Hans"
    assert page.xpath("//article//h1")  # the public page, though the article is a draft
    assert desk.get(f"/zh/articles/{ID}").status_code == 404  # readers cannot see it


def test_bulk_publish_unpublish_and_refresh(desk, newsroom):
    create_article(desk.app, newsroom, id="one")
    create_article(desk.app, newsroom, id="two")
    done = desk.post(
        "/desk/articles/bulk", {"action": "publish", "ids": ["one", "two"], "next": "/desk/"}
    )
    assert done.status_code == 303
    assert api_article(desk.app, newsroom, "one")["status"] == "published"
    assert api_article(desk.app, newsroom, "two")["status"] == "published"
    assert "2 article(s) published." in desk.page("/desk/").text_content()
    desk.post("/desk/articles/bulk", {"action": "unpublish", "ids": ["two", "gone"]})
    assert api_article(desk.app, newsroom, "two")["status"] == "draft"
    text = desk.page("/desk/").text_content()
    assert "1 article(s) no longer exist." in text
    desk.post("/desk/articles/bulk", {"action": "refresh", "ids": []})
    assert "Select at least one article first." in desk.page("/desk/").text_content()


def test_search_box_and_sorting(desk, newsroom):
    create_article(desk.app, newsroom, id="a", title="Zebra crossing", language="en")
    create_article(desk.app, newsroom, id="b", title="虹桥国际中央商务区", language="zh")
    document = desk.page("/desk/?q=%E8%99%B9%E6%A1%A5")  # 虹桥
    assert [r.get("data-article") for r in document.find_class("desk-article")] == ["b"]
    assert document.get_element_by_id("f-q").get("value") == "虹桥"
    by_title = desk.page("/desk/?sort=title&dir=asc")
    assert [r.get("data-article") for r in by_title.find_class("desk-article")] == ["a", "b"]
    header = by_title.xpath("//th[@aria-sort]")[0]
    assert header.get("aria-sort") == "ascending" and "dir=desc" in header.find("a").get("href")


def test_publication_time_schedules_and_messages_are_localized(desk, newsroom):
    create_article(desk.app, newsroom, published_at=None)
    form = desk.page(f"/desk/articles/{ID}")
    data = {
        "revision": "1",
        "title": "Party branches in YRD cooperate",
        "section": "industrial-cooperation",
        "published_at": "2099-01-01T08:00",
        "image_url": "/media/yrd.jpg",
        **{
            name: form.get_element_by_id(f"f-{name}").value or ""
            for name in (
                "summary",
                "body_html",
                "author",
                "tags",
                "source",
                "image_caption",
                "image_alt",
            )
        },
    }
    assert desk.post(f"/desk/articles/{ID}", data).status_code == 303
    assert api_article(desk.app, newsroom, ID)["published_at"] == "2099-01-01T00:00:00Z"
    desk.post(f"/desk/articles/{ID}/publish", {"next": "/desk/"})
    listing = desk.page("/desk/")
    assert "is scheduled: it goes live on Jan 1, 2099, 8:00" in listing.text_content()
    (row,) = listing.xpath(f"//tr[@data-article='{ID}']")
    assert row.get("data-status") == "scheduled"
    # On the Chinese desk, a validation message from the service is in Chinese.
    desk.post("/desk/language", {"language": "zh"})
    bad = desk.post(f"/desk/articles/{ID}", {**data, "revision": "2", "canonical_url": "nope"})
    assert bad.status_code == 422
    assert "必须是完整的 http(s) 网址" in bad.get_data(as_text=True)
    missing = desk.get("/desk/articles/nope/history")
    assert "没有文章“nope”。" in missing.get_data(as_text=True)
