"""The desk as a newsroom tool, in a real browser against a real server, its worker and its
scheduler, in English and Chinese, at desktop (1280 px) and phone (360 px) widths: write an
article with the rich-text editor (bold, a link, a list, an image), preview it as a feed reader
and as the public page, schedule it and watch it go live by itself in both languages' feeds,
edit it, compare two revisions, restore one, search for it. Screenshots of each step are saved
under artifacts/screenshots/."""

from __future__ import annotations

import re
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import WIDTHS, fits, new_context, shot, sign_in

pytestmark = pytest.mark.browser

IMAGE = "/media/2023/06/hongqiao-yrd-forum.jpg"
TEXT = {
    "en": {
        "title": "Harbour lights festival opens {n}",
        "edited": "Harbour lights festival opens tonight {n}",
        "lead": "The festival opens ",
        "bold": "tonight",
        "link": "the programme",
        "items": ["Lanterns on the river", "Music at the pier"],
        "alt": "The forum hall",
        "search": "lanterns",
        "saved": "was saved as a draft",
        "scheduled": "is scheduled",
        "revision": "Saved (revision 3)",
        "restored": "restored as revision 4",
        "heading": "Articles",
    },
    "zh": {
        "title": "虹桥灯光节开幕{n}",
        "edited": "虹桥灯光节今晚开幕{n}",
        "lead": "灯光节",
        "bold": "今晚",
        "link": "节目单",
        "items": ["河上的灯笼", "码头的音乐"],
        "alt": "论坛大厅",
        "search": "灯光节",
        "saved": "已存为草稿",
        "scheduled": "已定时",
        "revision": "已保存（第 3 版）",
        "restored": "已恢复为修订版本 4",
        "heading": "文章",
    },
}


def _write_body(page, text: dict) -> None:
    """Bold, a link, a list and an image, through the editor's toolbar and keyboard."""
    editor = page.locator(".jodit-wysiwyg")
    editor.click()
    page.keyboard.type(text["lead"])
    page.locator(".jodit-toolbar-button_bold button").click()
    page.keyboard.type(text["bold"])
    page.locator(".jodit-toolbar-button_bold button").click()
    page.keyboard.type(" ")
    page.locator(".jodit-toolbar-button_link button").click()
    popup = page.locator(".jodit-popup")
    popup.locator("input[name='url']").fill("https://example.com/programme")
    popup.locator("input[name='content']").fill(text["link"])
    popup.locator(".jodit-ui-button_insert").click()
    page.keyboard.press("End")
    page.keyboard.press("Enter")
    page.locator(".jodit-toolbar-button_ul button").first.click()
    page.keyboard.type(text["items"][0])
    page.keyboard.press("Enter")
    page.keyboard.type(text["items"][1])
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")  # out of the list
    page.keyboard.type(text["items"][0])
    page.locator(".jodit-toolbar-button_image button").click()
    popup = page.locator(".jodit-popup")
    popup.locator("input[name='url']").fill(IMAGE)
    popup.locator("input[name='text']").fill(text["alt"])
    popup.locator("button[type='submit']").click()
    expect(editor.locator("img")).to_have_attribute("alt", text["alt"])


def _row(page, public_id: str):
    return page.locator(f"tr[data-article='{public_id}']")


def _feed_items(page, language: str) -> dict[str, str]:
    """Article id → title of the items of a feed, as a reader gets it."""
    response = page.request.get(f"/feeds/{language}/business.json")
    assert response.ok, response.status
    return {item["url"].rsplit("/", 1)[-1]: item["title"] for item in response.json()["items"]}


@pytest.mark.parametrize("size", list(WIDTHS))
@pytest.mark.parametrize("language", ["en", "zh"])
def test_write_preview_schedule_edit_compare_restore_search(browser, server, language, size):
    text = TEXT[language]
    width = WIDTHS[size]
    tag = f"{language}-{size}"
    title = text["title"].format(n=width)
    context = new_context(browser, server, width)
    page = context.new_page()
    try:
        sign_in(page, server.token)
        if language == "zh":
            page.locator("form.language-form button[value='zh']").click()
            expect(page.get_by_role("heading", level=1)).to_have_text(text["heading"])

        # Write it with the editor.
        page.goto("/desk/articles/new")
        page.locator("#f-language").select_option(language)
        page.locator("#f-section").select_option("business")
        page.locator("#f-title").fill(title)
        page.locator("#f-summary").fill(text["items"][0])
        _write_body(page, text)
        shot(page, f"newsroom-editor-{tag}")
        assert fits(page), "the editor scrolls sideways"
        page.locator("form.article-form button[type='submit']").click()
        expect(page.locator(".flash-success")).to_contain_text(text["saved"])
        public_id = page.url.rsplit("/", 1)[1]
        body = page.locator("#f-body_html").input_value()
        assert "<strong>" + text["bold"] + "</strong>" in body
        assert '<a href="https://example.com/programme">' + text["link"] + "</a>" in body
        assert f"<ul><li>{text['items'][0]}</li><li>{text['items'][1]}</li></ul>" in body
        assert f'<img src="{IMAGE}" alt="{text["alt"]}"' in body
        assert "style=" not in body and "class=" not in body  # the sanitizer's subset

        # Preview: the item as a feed reader shows it, and the public page.
        page.locator("a[data-action='preview']").click()
        item = page.locator(f".reader-preview[data-language='{language}'] .reader-item")
        expect(item.locator(".reader-title")).to_have_text(title)
        expect(item.locator("strong")).to_have_text(text["bold"])
        expect(item.locator("a[href='https://example.com/programme']")).to_have_text(text["link"])
        expect(item.locator("li")).to_have_count(2)
        expect(item.locator("img[alt]").last).to_have_attribute("src", re.compile(IMAGE + "$"))
        shot(page, f"newsroom-preview-{tag}")
        assert fits(page), "the preview scrolls sideways"
        page.locator(
            f".reader-preview[data-language='{language}'] a[data-action='preview-page']"
        ).click()
        expect(page.locator("article.article h1")).to_have_text(title)
        expect(page.locator("article.article .body strong")).to_have_text(text["bold"])
        shot(page, f"newsroom-preview-page-{tag}")

        # Schedule it a few seconds ahead, in the site's time zone; it is not in the feed yet.
        page.goto(f"/desk/articles/{public_id}")
        when = datetime.now(ZoneInfo("Asia/Shanghai")) + timedelta(seconds=12)
        page.locator("#f-published_at").fill(when.strftime("%Y-%m-%dT%H:%M:%S"))
        page.locator("form.article-form button[type='submit']").click()
        page.locator("button[data-action='publish']").click()
        expect(page.locator(".flash-success").first).to_contain_text(text["scheduled"])
        expect(_row(page, public_id)).to_have_attribute("data-status", "scheduled")
        shot(page, f"newsroom-scheduled-{tag}")
        assert public_id not in _feed_items(page, language)

        # Watch it go live by itself (the worker's scheduler), in both languages' feeds.
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            page.reload()
            if _row(page, public_id).get_attribute("data-status") == "published":
                break
            page.wait_for_timeout(1000)
        expect(_row(page, public_id)).to_have_attribute("data-status", "published")
        # (The form keeps whole seconds: the article goes live at that second.)
        assert datetime.now(ZoneInfo("Asia/Shanghai")) >= when.replace(microsecond=0)
        # Publication runs off the request (the worker's publisher, the host's mirror).
        deadline = time.monotonic() + 60
        while public_id not in _feed_items(page, language) and time.monotonic() < deadline:
            page.wait_for_timeout(1000)
        assert _feed_items(page, language)[public_id] == title
        # The other language follows once its translation job is done (made while scheduled,
        # unless the worker is still busy with the demo's own translations).
        other = "zh" if language == "en" else "en"
        deadline = time.monotonic() + 90
        while public_id not in _feed_items(page, other) and time.monotonic() < deadline:
            page.wait_for_timeout(1000)
        assert public_id in _feed_items(page, other), server.log_tail()
        shot(page, f"newsroom-live-{tag}")

        # Edit it (revision 3: revision 2 set the time), compare it with revision 2, restore 2.
        page.goto(f"/desk/articles/{public_id}")
        edited = text["edited"].format(n=width)
        page.locator("#f-title").fill(edited)
        page.locator("form.article-form button[type='submit']").click()
        expect(page.locator(".flash-success")).to_contain_text(text["revision"])
        page.goto(f"/desk/articles/{public_id}/history")
        page.locator("#f-a-2").check()
        page.locator("#f-b-3").check()
        page.locator("button[data-action='compare']").click()
        diff = page.locator(".diff")
        expect(diff.locator("ins").first).to_be_visible()
        assert diff.locator(".diff-changed").count() >= 1
        shot(page, f"newsroom-history-{tag}")
        assert fits(page), "the history scrolls sideways"
        page.locator("tr[data-revision='2'] button[data-action='restore']").click()
        expect(page.locator(".flash-success")).to_contain_text(text["restored"])
        page.goto(f"/desk/articles/{public_id}")
        expect(page.locator("#f-title")).to_have_value(title)

        # Search for it, by a word of its body (Chinese: inside a run without spaces).
        page.goto("/desk/")
        page.locator("#f-q").fill(text["search"])
        page.locator("form.search button[type='submit']").click()
        expect(_row(page, public_id)).to_be_visible()
        shot(page, f"newsroom-search-{tag}")
        assert fits(page), "the list scrolls sideways"
    finally:
        context.close()
